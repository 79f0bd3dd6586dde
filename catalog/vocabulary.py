"""The fixed words of the domain: tasks, serving modes, lifecycle meanings, statuses.

They live in code because the resolver's rules depend on them; the seed file
describes them (names, endpoint types) and the loader refuses any other value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

# Identifier shapes, shared by the seed file's validation and the database's column sizes.
SLUG_MAX_LENGTH = 64
NAME_MAX_LENGTH = 200
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)
]


class Task(StrEnum):
    chat = "chat"
    completions = "completions"
    embeddings = "embeddings"

    @property
    def endpoint_type(self) -> str:
        return _ENDPOINT_TYPES[self]


_ENDPOINT_TYPES = {task: f"llm/v1/{task.value}" for task in Task}


class ServingMode(StrEnum):
    pay_per_token = "pay_per_token"
    provisioned_throughput = "provisioned_throughput"
    external = "external"


class DateMeaning(StrEnum):
    """What a retirement date means, as the provider states it: the one definition.

    `core.lifecycle.retired_from` turns a date and its meaning into the first day without the
    offering; `describe` says it in words for every face.
    """

    last = "last"  # last day available: retired from the next day
    gone = "gone"  # first day unavailable (a shutdown date)
    by = "by"  # unavailable by that date; the exact day is unstated
    not_before = "not_before"  # the provider promises availability until at least then

    @property
    def describe(self) -> str:
        return _MEANING_TEXT[self]


_MEANING_TEXT = {
    DateMeaning.last: "last day available; retired from the next day",
    DateMeaning.gone: "first day unavailable",
    DateMeaning.by: "unavailable by this date; the exact day is not stated",
    DateMeaning.not_before: "available until at least this date",
}


def sql_choices(values: type[StrEnum]) -> str:
    """`('a', 'b')`: an enum's values for a CHECK constraint, so the database and code agree."""
    return "(" + ", ".join(f"'{value.value}'" for value in values) + ")"


class LifecycleBasis(StrEnum):
    """What is known when no date decides: a source says it is current, or nothing is known."""

    active = "active"
    unknown = "unknown"


class OfferingStatus(StrEnum):
    active = "active"
    deprecated = "deprecated"
    retired = "retired"
    unknown = "unknown"


class Rule(StrEnum):
    listed = "listed"
    alias = "alias"
    custom = "custom"
    inferred = "inferred"
    architecture = "architecture"


class ResolutionStatus(StrEnum):
    ok = "ok"
    replaced = "replaced"
    retired = "retired"
    ambiguous = "ambiguous"
    unsupported = "unsupported"
    unknown = "unknown"


class AliasKind(StrEnum):
    display = "display"
    translated = "translated"
    prefixed = "prefixed"
    latest = "latest"
    endpoint = "endpoint"
    other = "other"


class FindingLevel(StrEnum):
    """How serious a reference found by `check` is, least serious first."""

    ok = "ok"
    deprecated = "deprecated"
    retiring = "retiring"
    retired = "retired"
    denied = "denied"  # the organisation's own deny list

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {
    FindingLevel.ok: 0,
    FindingLevel.deprecated: 1,
    FindingLevel.retiring: 2,
    FindingLevel.retired: 3,
    FindingLevel.denied: 3,
}


class FailOn(StrEnum):
    """The least serious level that makes `check` exit 1."""

    retired = "retired"
    retiring = "retiring"
    deprecated = "deprecated"
    never = "never"

    @property
    def threshold(self) -> int | None:
        return {"retired": 3, "retiring": 2, "deprecated": 1, "never": None}[self.value]
