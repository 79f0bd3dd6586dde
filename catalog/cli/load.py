"""`model-catalog load`: validate a seed file and sync the database to it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.cli.options import AsJson, DatabaseUrl, open_engine, print_json
from catalog.errors import InvalidArgument


def load(
    path: Annotated[
        Path | None, typer.Argument(help="Seed file; default: the catalog's own seed.yaml.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show changes; write none.")] = False,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Validate a seed file and sync the database to it in one transaction."""
    from catalog.seed.load import load_seed
    from catalog.settings import load_settings
    from catalog.store.resources import seed_path

    settings = load_settings(database_url)
    if settings.embedded and path is not None and path.resolve() != seed_path().resolve():
        raise InvalidArgument(
            "the embedded catalog follows the shipped seed file; load your own file into a "
            "database of its own with --database-url or MODEL_CATALOG_DATABASE_URL",
            field="path",
        )
    engine = open_engine(database_url)
    if (
        settings.embedded
    ):  # the embedded catalog migrates itself; an external one is upgraded by its owner
        from catalog.store import db

        if not db.schema_is_current(engine):
            db.upgrade(engine)
    report = load_seed(engine, path or seed_path(), dry_run=dry_run)
    if as_json:
        print_json(
            {
                "path": str(report.path),
                "dry_run": report.dry_run,
                "revision": report.revision,
                "changes": [
                    {"action": c.action, "table": c.table, "description": c.describe()}
                    for c in report.changes
                ],
            }
        )
        return
    for change in report.changes:
        typer.echo(change.describe())
    typer.echo(report.summary())
