"""Project defaults for the check, from `[tool.model-catalog]` in pyproject.toml.

```toml
[tool.model-catalog]
fail-on = "retired"          # retired | retiring | deprecated | never
warn-within = 90             # days
exclude = ["tests/fixtures/**"]
deny = [{ model = "gpt-4o-mini", message = "we do not use gpt-4o-mini" }]
strict-provider = true       # a bare name several providers serve is read as all of them
max-file-bytes = 2000000     # a file over this is listed as skipped, not read
fail-on-skipped = false      # true: a skipped file fails the check
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.check.engine import Deny
from catalog.errors import InvalidArgument

KNOWN = {
    "fail-on",
    "warn-within",
    "exclude",
    "include",
    "deny",
    "strict-provider",
    "max-file-bytes",
    "fail-on-skipped",
}


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    path: Path | None = None
    fail_on: str | None = None
    warn_within: int | None = None
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    deny: tuple[Deny, ...] = field(default=())
    strict_provider: bool | None = None
    max_file_bytes: int | None = None
    fail_on_skipped: bool | None = None


def find_pyproject(paths: Sequence[str], start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml above the first path checked (or the working directory)."""
    first = next((p for p in paths if p != "-"), None)
    given = Path(first) if first else (start or Path.cwd())
    try:
        here = given.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the walk names it and why
        here = given.absolute()
    if _is_file(here):
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if _is_file(candidate):
            return candidate
    return None


def _is_file(path: Path) -> bool:
    """False for a path that cannot be examined: the walk names it and why, not this search."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def load_config(path: Path | None) -> ProjectConfig:
    """Read and validate the table; a wrong value is an error naming the key, never ignored."""
    if path is None:
        return ProjectConfig()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidArgument(f"{path}: cannot read: {error}", field="config") from None
    table = document.get("tool", {}).get("model-catalog")
    if table is None:
        return ProjectConfig(path)
    if not isinstance(table, dict):
        raise _bad(path, "", "must be a table")
    unknown = sorted(set(table) - KNOWN)
    if unknown:
        raise _bad(path, unknown[0], f"unknown key; expected one of {', '.join(sorted(KNOWN))}")
    fail_on = table.get("fail-on")
    if fail_on is not None and not isinstance(fail_on, str):
        raise _bad(path, "fail-on", "must be a string")
    return ProjectConfig(
        path=path,
        fail_on=fail_on,
        warn_within=_whole(path, table, "warn-within", 0, "must be a whole number of days"),
        exclude=_globs(path, table, "exclude"),
        include=_globs(path, table, "include"),
        deny=tuple(_deny(path, entry) for entry in _list(path, table, "deny")),
        strict_provider=_flag(path, table, "strict-provider"),
        max_file_bytes=_whole(
            path, table, "max-file-bytes", 1, "must be a whole number of bytes, 1 or more"
        ),
        fail_on_skipped=_flag(path, table, "fail-on-skipped"),
    )


def _whole(path: Path, table: dict[str, Any], key: str, least: int, message: str) -> int | None:
    """A whole number of at least `least`; TOML's `true` is no number here."""
    value = table.get(key)
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or value < least
    ):
        raise _bad(path, key, message)
    return value


def _flag(path: Path, table: dict[str, Any], key: str) -> bool | None:
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise _bad(path, key, "must be true or false")
    return value


def _list(path: Path, table: dict[str, Any], key: str) -> list[Any]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise _bad(path, key, "must be a list")
    return value


def _globs(path: Path, table: dict[str, Any], key: str) -> tuple[str, ...]:
    values = _list(path, table, key)
    if not all(isinstance(v, str) for v in values):
        raise _bad(path, key, "must be a list of glob strings")
    return tuple(values)


def _deny(path: Path, entry: Any) -> Deny:
    if isinstance(entry, str):
        return Deny(entry, f"{entry} is not to be used here")
    if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
        raise _bad(path, "deny", 'each entry needs model = "..." (and may have message)')
    message = entry.get("message") or f"{entry['model']} is not to be used here"
    return Deny(entry["model"], str(message))


def _bad(path: Path, key: str, message: str) -> InvalidArgument:
    where = f"[tool.model-catalog]{'.' + key if key else ''}"
    return InvalidArgument(f"{path}: {where}: {message}", field=key or "config")
