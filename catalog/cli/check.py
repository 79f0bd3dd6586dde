"""`model-catalog check`: parse options, merge project defaults, call the library, render.

It runs in pre-commit hooks, so it starts fast: with nothing to read it never opens the
catalog, and nothing here imports a web framework.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from catalog.errors import InvalidArgument

T = TypeVar("T")
FORMAT_HELP = "text (default), json, sarif (SARIF 2.1.0) or github (workflow annotations)."


def check_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or directories to check (default: .); - reads stdin."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")
    ] = None,
    warn_within: Annotated[
        int | None,
        typer.Option("--warn-within", help="Days ahead a retirement warns (default 90).", min=0),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help=(
                "Exit 1 at: retired (default), retiring, deprecated (also other_provider: a "
                "bare name fine at its publisher's own API, not at another provider) or never."
            ),
        ),
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "text",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to a file.")
    ] = None,
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only files matching this glob.")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Skip files matching this glob.")
    ] = None,
    show_ok: Annotated[
        bool, typer.Option("--show-ok", help="Also list references that are fine.")
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Rewrite retired references to their replacement.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: print the diff, write nothing.")
    ] = False,
    strict_provider: Annotated[
        bool | None,
        typer.Option(
            "--strict-provider/--no-strict-provider",
            help=(
                "Read a bare name that several providers serve as all of them (the least "
                "serious decides), not as the publisher's own API. Default: strict-provider "
                "in [tool.model-catalog], else off."
            ),
        ),
    ] = None,
    max_file_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-file-bytes",
            help=(
                "Read files up to this size; a larger one is listed as skipped, not read "
                "(default: max-file-bytes in [tool.model-catalog], else 2,000,000)."
            ),
            min=1,
        ),
    ] = None,
    fail_on_skipped: Annotated[
        bool | None,
        typer.Option(
            "--fail-on-skipped/--no-fail-on-skipped",
            help=(
                "Exit 1 when a file was skipped (over --max-file-bytes), so that every file "
                "is checked. Default: fail-on-skipped in [tool.model-catalog], else off."
            ),
        ),
    ] = None,
    no_config: Annotated[
        bool, typer.Option("--no-config", help="Ignore [tool.model-catalog] in pyproject.toml.")
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="MODEL_CATALOG_DATABASE_URL",
            help="SQLAlchemy URL; default: the embedded SQLite catalog.",
            show_envvar=True,
        ),
    ] = None,
) -> int:
    """Find references to retired, retiring and deprecated models in files.

    Exit 0 when nothing is at or above --fail-on, 1 when something is (or, with
    --fail-on-skipped, a file was skipped), 2 on a usage error.
    """
    from catalog import arguments, checking

    if output_format not in checking.FORMATS:
        raise InvalidArgument(
            f"unknown format {output_format!r}; expected one of {', '.join(checking.FORMATS)}",
            field="format",
        )
    if dry_run and not fix:
        raise InvalidArgument("--dry-run only goes with --fix", field="dry_run")
    targets = paths or ["."]
    config = checking.CheckDefaults() if no_config else checking.check_defaults(targets)
    level = arguments.parse_fail_on(fail_on or config.fail_on or "retired")
    window = _chosen(warn_within, config.warn_within, 90)
    strict = _chosen(strict_provider, config.strict_provider, False)
    limit = _chosen(max_file_bytes, config.max_file_bytes, checking.MAX_FILE_BYTES)
    fail_skipped = _chosen(fail_on_skipped, config.fail_on_skipped, False)
    includes = (*config.include, *(include or ()))
    excludes = (*config.exclude, *(exclude or ()))
    day = arguments.parse_date(as_of)
    unread = [str(output)] if output is not None else []  # a last run's report names models
    report = checking.report_without_catalog(
        targets,
        as_of=day,
        warn_within=window,
        fail_on=level,
        include=includes,
        exclude=excludes,
        max_file_bytes=limit,
        fail_on_skipped=fail_skipped,
        unread=unread,
    )
    if report is None:
        from catalog.library import Catalog

        catalog = Catalog.open(database_url)
        with _progress() as on_progress:
            report = catalog.check_paths(
                targets,
                as_of=day,
                warn_within=window,
                fail_on=level,
                include=includes,
                exclude=excludes,
                show_ok=show_ok,
                deny=config.deny,
                fix=fix,
                dry_run=dry_run,
                on_progress=on_progress,
                strict_provider=strict,
                max_file_bytes=limit,
                fail_on_skipped=fail_skipped,
                unread=unread,
            )
    to_terminal = output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    rendered = checking.render_check(report, output_format, colour=to_terminal)
    if output is not None:
        output.write_text(rendered + "\n", encoding="utf-8")
        if output_format != "text":
            typer.echo(checking.render_check(report, "text").splitlines()[-1], err=True)
    else:
        typer.echo(rendered)
    return 1 if report.failed else 0


def _chosen(given: T | None, configured: T | None, default: T) -> T:
    """The command line's value, else the project's, else the default."""
    if given is not None:
        return given
    return configured if configured is not None else default


class _progress:
    """A progress bar on a terminal for large trees; nothing in CI or when piped."""

    MIN_FILES = 200

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._active = sys.stderr.isatty() and not os.environ.get("CI")

    def __enter__(self) -> Any:
        return self._update if self._active else None

    def _update(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.MIN_FILES:
                return
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("checking", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
