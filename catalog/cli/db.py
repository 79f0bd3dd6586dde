"""`model-catalog db ...`: the schema's migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.options import AsJson, DatabaseUrl, open_engine, print_json

db_app = typer.Typer(help="Manage the catalog database's schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema up to REVISION (default: head)."""
    from catalog.store import db

    engine = open_engine(database_url)
    db.upgrade(engine, revision)
    typer.echo(f"schema at {db.current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema down to REVISION."""
    from catalog.store import db

    engine = open_engine(database_url)
    db.downgrade(engine, revision)
    typer.echo(f"schema at {db.current_revision(engine) or 'base'}")


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """Show the schema revision of the database and the one this version needs."""
    from catalog.store import db

    engine = open_engine(database_url)
    current, head = db.current_revision(engine), db.head_revision()
    if as_json:
        print_json({"current": current, "head": head, "up_to_date": current == head})
        return
    state = "up to date" if current == head else "behind: run `model-catalog db upgrade`"
    typer.echo(f"schema at {current or 'base'} (head {head}): {state}")
