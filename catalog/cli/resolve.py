"""`model-catalog resolve`: what to use for a name on a date."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from catalog.cli.options import (
    AsJson,
    AsOf,
    DatabaseUrl,
    ModeOpt,
    ProviderOpt,
    TaskOpt,
    open_catalog,
    print_json,
)
from catalog.cli.render import mode_label


def resolve(
    name: Annotated[str, typer.Argument(help="Model name, alias, endpoint name or provider id.")],
    task: TaskOpt = None,
    mode: ModeOpt = None,
    provider: ProviderOpt = None,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> int:
    """What to use for NAME on a date. Exit 0 when usable as asked (ok), 1 otherwise."""
    from catalog.vocabulary import ResolutionStatus

    result = open_catalog(database_url).resolve(
        name, task=task, mode=mode, provider=provider, as_of=as_of
    )
    if as_json:
        print_json(result)
    else:
        typer.echo(f"{result.status.value}: {result.message}")
        if result.rule is not None:
            typer.echo(f"  rule: {result.rule.value}")
        for hop in result.chain:
            verified = "" if hop.source.verified else ", unverified"
            typer.echo(
                f"  chain: {hop.from_model} -> {hop.to_model} "
                f"(from {hop.effective_on}; source {hop.source.key}{verified})"
            )
        for candidate in result.candidates:
            choice = " ".join(f"--{k} {v}" for k, v in candidate.decided_by.items())
            typer.echo(
                f"  candidate: {candidate.model} at {candidate.provider} "
                f"({mode_label(candidate.serving_mode)}, {candidate.endpoint_type}) "
                f"{candidate.status.value}" + (f"  [{choice}]" if choice else "")
            )
        for warning in result.warnings:
            typer.echo(f"  warning: {warning.message}")
        if result.config is not None:
            typer.echo("  config: " + json.dumps(result.config))
    return 0 if result.status is ResolutionStatus.ok else 1
