"""`model-catalog db ...`: the schema's migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.options import AsJson, DatabaseUrl, open_catalog, print_json
from catalog.cli.render import say

db_app = typer.Typer(help="Manage the catalog database's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema up to REVISION (default: head)."""
    status = open_catalog(database_url, prepare=False).upgrade(revision)
    say(f"schema at {status.current}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema down to REVISION."""
    status = open_catalog(database_url, prepare=False).downgrade(revision)
    say(f"schema at {status.current or 'base'}")


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """Show the schema revision of the database and the one this version needs."""
    status = open_catalog(database_url, prepare=False).schema_status()
    if as_json:
        print_json(status)
        return
    state = "up to date" if status.up_to_date else "behind: run `model-catalog db upgrade`"
    say(f"schema at {status.current or 'base'} (head {status.head}): {state}")
