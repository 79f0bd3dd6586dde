"""`model-catalog load`: validate a seed file and sync the database to it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.options import AsJson, DatabaseUrl, open_catalog, print_json
from catalog.cli.render import say


def load(
    path: Annotated[
        Path | None, typer.Argument(help="Seed file; default: the catalog's own seed.yaml.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show changes; write none.")] = False,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Validate a seed file and sync the database to it in one transaction."""
    report = open_catalog(database_url, prepare=False).load(path, dry_run=dry_run)
    if as_json:
        print_json(report)
        return
    for change in report.changes:
        say(change.description)
    say(report.summary)
