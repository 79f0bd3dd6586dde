"""`model-catalog resolve`: what to use for a name on a date."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.options import (
    AsJson,
    AsOf,
    DatabaseUrl,
    ProviderOpt,
    ServingModeOpt,
    StrictProviderOpt,
    TaskOpt,
    open_catalog,
    print_json,
)
from catalog.cli.render import resolution_lines, say


def resolve(
    name: Annotated[str, typer.Argument(help="Model name, alias, endpoint name or provider id.")],
    task: TaskOpt = None,
    serving_mode: ServingModeOpt = None,
    provider: ProviderOpt = None,
    as_of: AsOf = None,
    strict_provider: StrictProviderOpt = False,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> int:
    """What to use for NAME on a date. Exit 0 when usable as asked (ok), 1 otherwise."""
    from catalog.vocabulary import ResolutionStatus

    result = open_catalog(database_url).resolve(
        name,
        task=task,
        serving_mode=serving_mode,
        provider=provider,
        as_of=as_of,
        strict_provider=strict_provider,
    )
    if as_json:
        print_json(result)
    else:
        say("\n".join(resolution_lines(result)))
    return 0 if result.status is ResolutionStatus.ok else 1
