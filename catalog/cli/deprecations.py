"""`model-catalog deprecations`: what is retired, or retires soon, and what replaces it."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.options import AsJson, AsOf, DatabaseUrl, ProviderOpt, open_catalog, print_json
from catalog.cli.render import deprecation_row, say, table
from catalog.core.lifecycle import RETIRES_SOON_DAYS
from catalog.core.words import plural


def deprecations(
    as_of: AsOf = None,
    within_days: Annotated[
        int,
        typer.Option("--within-days", min=0, help="How far ahead 'retires soon' looks, in days."),
    ] = RETIRES_SOON_DAYS,
    provider: ProviderOpt = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Offerings retired on a date or retiring within a window after it, soonest first."""
    found = open_catalog(database_url).deprecations(
        as_of=as_of, within_days=within_days, provider=provider
    )
    if as_json:
        print_json(found)
        return
    if not found:
        say(f"nothing retired or retiring within {plural(within_days, 'day')}")
        return
    headers = ["MODEL", "PROVIDER", "MODE", "TASK", "STATUS", "RETIREMENT", "WHEN", "REPLACED BY"]
    say(table(headers, [deprecation_row(d) for d in found]))
