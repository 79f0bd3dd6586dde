"""Parse user-facing argument values once, for the library, the CLI and the API alike."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable

from catalog.core.lifecycle import date_problem
from catalog.core.names import name_key, name_problem
from catalog.core.records import ProviderRec, PublisherRec
from catalog.core.snapshot import Snapshot
from catalog.errors import InvalidArgument
from catalog.vocabulary import FailOn, OfferingStatus, ServingMode, Task


def _choices(values: object) -> str:
    return ", ".join(str(v) for v in values)  # type: ignore[attr-defined]


def _close(value: str, known: list[str]) -> list[str]:
    """Known values close to a mistyped one, best first (`opneai` -> `openai`)."""
    return difflib.get_close_matches(name_key(value), known, n=3, cutoff=0.6)


def _text(value: object, field: str, expected: str = "text") -> str:
    """`value` if it is a string; a library caller passing `5` gets an error naming the field."""
    if not isinstance(value, str):
        raise InvalidArgument(
            f"{field} must be {expected}, not {type(value).__name__} {value!r:.40}", field=field
        )
    return value


def parse_name(value: object, *, field: str = "name") -> str:
    """A name to look up: text, at most `MAX_NAME_LENGTH` long, no control characters."""
    name = _text(value, field)
    problem = name_problem(name)
    if problem is None and not name_key(name):
        problem = "a name needs at least one letter or digit"
    if problem is not None:
        raise InvalidArgument(problem, field=field)
    return name


def parse_names(values: object) -> list[str]:
    """A list of names; a single string is refused rather than resolved letter by letter."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidArgument(
            f"names must be a list of names, not {type(values).__name__}; "
            "for one name use resolve()",
            field="names",
        )
    return [parse_name(value, field="names") for value in values]


def parse_task(value: str | Task | None) -> Task | None:
    if value is None or isinstance(value, Task):
        return value
    value = _text(value, "task")
    text = value.strip().lower().removeprefix("llm/v1/")
    try:
        return Task(text)
    except ValueError:
        raise InvalidArgument(
            f"unknown task {value!r}; expected one of {_choices(Task)} (or llm/v1/<task>)",
            field="task",
        ) from None


def parse_mode(value: str | ServingMode | None) -> ServingMode | None:
    if value is None or isinstance(value, ServingMode):
        return value
    value = _text(value, "serving_mode")
    text = value.strip().lower().replace("-", "_")
    try:
        return ServingMode(text)
    except ValueError:
        raise InvalidArgument(
            f"unknown serving mode {value!r}; expected one of {_choices(ServingMode)}",
            field="serving_mode",
        ) from None


def parse_status(value: str | OfferingStatus | None) -> OfferingStatus | None:
    if value is None or isinstance(value, OfferingStatus):
        return value
    value = _text(value, "status")
    try:
        return OfferingStatus(value.strip().lower())
    except ValueError:
        raise InvalidArgument(
            f"unknown status {value!r}; expected one of {_choices(OfferingStatus)}",
            field="status",
        ) from None


def parse_date(value: str | dt.date | None, *, field: str = "as_of") -> dt.date:
    """A date, `today` when absent; a datetime is cut to its date; within computable dates."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _text(value, field, "a date or YYYY-MM-DD text").strip()
        if text.lower() == "today":
            return dt.date.today()
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidArgument(
                f"not a date: {value!r}; expected YYYY-MM-DD", field=field
            ) from None
    problem = date_problem(day)
    if problem is not None:
        raise InvalidArgument(problem, field=field)
    return day


def parse_provider(snapshot: Snapshot, value: str | None) -> ProviderRec | None:
    if value is None:
        return None
    value = _text(value, "provider")
    provider = snapshot.provider_by_key.get(name_key(value))
    if provider is None:
        raise InvalidArgument(
            f"unknown provider {value!r}; expected one of {_choices(sorted(snapshot.providers))}",
            field="provider",
            suggestions=_close(value, sorted(snapshot.providers)),
        )
    return provider


def parse_publisher(snapshot: Snapshot, value: str | None) -> PublisherRec | None:
    if value is None:
        return None
    value = _text(value, "publisher")
    publisher = snapshot.publisher_by_key.get(name_key(value))
    if publisher is None:
        raise InvalidArgument(
            f"unknown publisher {value!r}; expected one of {_choices(sorted(snapshot.publishers))}",
            field="publisher",
            suggestions=_close(value, sorted(snapshot.publishers)),
        )
    return publisher


def parse_flag(value: object, *, field: str) -> bool:
    """A yes-or-no option; `"false"` from a library caller is refused, not read as true."""
    if not isinstance(value, bool):
        raise InvalidArgument(
            f"{field} must be true or false, not {type(value).__name__} {value!r:.40}",
            field=field,
        )
    return value


def parse_days(value: int | str, *, field: str = "within_days") -> int:
    """A count of days, zero or more (a window such as "retires within 90 days")."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise InvalidArgument(f"not a number of days: {value!r}", field=field) from None
    if days < 0:
        raise InvalidArgument(f"{field} must be 0 or more, not {days}", field=field)
    return days


def parse_byte_limit(value: object, *, field: str) -> int:
    """A size limit in bytes: a whole number, 1 or more (`True` is no number of bytes)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(
            f"{field} must be a whole number of bytes, not {type(value).__name__} {value!r:.40}",
            field=field,
        )
    if value < 1:
        raise InvalidArgument(f"{field} must be 1 or more, not {value}", field=field)
    return value


def parse_fail_on(value: str | FailOn) -> FailOn:
    if isinstance(value, FailOn):
        return value
    try:
        return FailOn(value.strip().lower())
    except ValueError:
        raise InvalidArgument(
            f"unknown level {value!r}; expected one of {_choices(FailOn)}", field="fail_on"
        ) from None
