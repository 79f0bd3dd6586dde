"""The library's check verbs that need no catalog: project defaults, the report when there
is nothing to read, rendering a report. `Catalog.check_paths` does the reading itself.

Faces call these instead of reaching into `catalog.check`; none of them imports SQLAlchemy,
so a check with nothing to read (a pre-commit hook on no matching files) starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from catalog import arguments
from catalog.check import MAX_BYTES
from catalog.schemas import CheckReport
from catalog.vocabulary import FailOn

FORMATS = ("text", "json", "sarif", "github")
MAX_FILE_BYTES = MAX_BYTES  # a file over it is listed as skipped, not read


@dataclass(frozen=True, slots=True)
class CheckDefaults:
    """`[tool.model-catalog]` from the nearest pyproject.toml, already validated."""

    fail_on: str | None = None
    warn_within: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deny: tuple[tuple[str, str], ...] = ()
    strict_provider: bool | None = None
    max_file_bytes: int | None = None
    fail_on_skipped: bool | None = None


def check_defaults(paths: Sequence[str]) -> CheckDefaults:
    """The project's defaults for checking `paths` (none when there is no pyproject.toml)."""
    from catalog.check.config import find_pyproject, load_config

    config = load_config(find_pyproject(paths))
    return CheckDefaults(
        fail_on=config.fail_on,
        warn_within=config.warn_within,
        include=config.include,
        exclude=config.exclude,
        deny=tuple((d.model, d.message) for d in config.deny),
        strict_provider=config.strict_provider,
        max_file_bytes=config.max_file_bytes,
        fail_on_skipped=config.fail_on_skipped,
    )


def report_without_catalog(
    paths: Sequence[str],
    *,
    as_of: dt.date,
    warn_within: int,
    fail_on: FailOn,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_file_bytes: int = MAX_FILE_BYTES,
    fail_on_skipped: bool = False,
    unread: Sequence[str] = (),
) -> CheckReport | None:
    """The report when the paths hold no file to read (files over the size limit listed),
    else None, stopping at the first file to read: a hook with nothing to read opens no
    catalog."""
    from catalog.check.engine import Options, report_without_reading
    from catalog.check.walk import STDIN, Selection, identities

    if STDIN in paths:
        return None
    selection = Selection(
        include=tuple(include),
        exclude=tuple(exclude),
        max_bytes=arguments.parse_byte_limit(max_file_bytes, field="max_file_bytes"),
        unread=identities(unread),
    )
    options = Options(
        as_of=as_of,
        warn_within=warn_within,
        fail_on=fail_on,
        selection=selection,
        fail_on_skipped=arguments.parse_flag(fail_on_skipped, field="fail_on_skipped"),
    )
    return report_without_reading(paths, options)


def render_check(report: CheckReport, fmt: str, *, colour: bool = False) -> str:
    """The report as `text`, `json`, `sarif` (SARIF 2.1.0) or `github` (annotations)."""
    from catalog.check.report import render

    return render(report, fmt, colour=colour)
