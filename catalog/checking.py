"""The library's check verbs that need no catalog: project defaults, a quick "anything to
read?", rendering a report. `Catalog.check_paths` does the reading itself.

Faces call these instead of reaching into `catalog.check`; none of them imports SQLAlchemy,
so a check with nothing to read (a pre-commit hook on no matching files) starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from catalog.schemas import CheckReport
from catalog.vocabulary import FailOn

FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True, slots=True)
class CheckDefaults:
    """`[tool.model-catalog]` from the nearest pyproject.toml, already validated."""

    fail_on: str | None = None
    warn_within: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    deny: tuple[tuple[str, str], ...] = ()
    strict_provider: bool | None = None


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
    )


def nothing_to_check(
    paths: Sequence[str], *, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> bool:
    """True when the paths hold no file to read (stopping at the first one found)."""
    from catalog.check.engine import has_files
    from catalog.check.walk import STDIN, Selection

    if STDIN in paths:
        return False
    return not has_files(paths, Selection(include=tuple(include), exclude=tuple(exclude)))


def empty_check_report(as_of: dt.date, warn_within: int, fail_on: FailOn) -> CheckReport:
    return CheckReport(as_of=as_of, warn_within=warn_within, fail_on=fail_on, files_scanned=0)


def render_check(report: CheckReport, fmt: str, *, colour: bool = False) -> str:
    """The report as `text`, `json`, `sarif` (SARIF 2.1.0) or `github` (annotations)."""
    from catalog.check.report import render

    return render(report, fmt, colour=colour)
