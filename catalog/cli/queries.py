"""`model-catalog models | show | providers | architectures`: reading the catalog."""

from __future__ import annotations

from typing import Annotated

import typer

from catalog.cli.options import (
    AsJson,
    AsOf,
    DatabaseUrl,
    ProviderOpt,
    ServingModeOpt,
    TaskOpt,
    open_catalog,
    print_json,
)
from catalog.cli.render import mode_label, replacement_phrase, say, status_phrase, table
from catalog.core.words import plural
from catalog.schemas import VersionInfo


def models(
    provider: ProviderOpt = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Publisher.")] = None,
    task: TaskOpt = None,
    serving_mode: ServingModeOpt = None,
    status: Annotated[
        str | None, typer.Option("--status", help="active, deprecated, retired or unknown.")
    ] = None,
    as_of: AsOf = None,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Text in a name, alias or endpoint.")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """List models and their offerings, with each offering's status as of a date."""
    found = open_catalog(database_url).models(
        provider=provider,
        publisher=publisher,
        task=task,
        serving_mode=serving_mode,
        status=status,
        as_of=as_of,
        query=query,
    )
    if as_json:
        print_json(found)
        return
    rows = [
        [
            model.name,
            offering.provider,
            mode_label(offering.serving_mode),
            offering.task,
            offering.endpoint_name or "",
            status_phrase(offering),
            replacement_phrase(offering),
        ]
        for model in found
        for offering in model.offerings
    ]
    if not rows:
        say("no models match")
        return
    say(table(["MODEL", "PROVIDER", "MODE", "TASK", "ENDPOINT", "STATUS", "REPLACED BY"], rows))
    count = len(found)
    say(f"\n{plural(count, 'model')}, {plural(len(rows), 'offering')}")


def show(
    name: Annotated[str, typer.Argument(help="Model name, alias or endpoint name.")],
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Everything the catalog knows about one model."""
    catalog = open_catalog(database_url)
    model = catalog.model(name, as_of=as_of)
    if as_json:
        print_json(model)
        return
    say(
        f"{model.name}  (publisher {model.publisher}"
        + (f", architecture {model.architecture}" if model.architecture else "")
        + ")"
    )
    if model.aliases:
        say("aliases: " + ", ".join(a.name for a in model.aliases))
    for note in (model.license, model.notes):
        if note:
            say(note)
    for offering in model.offerings:
        where = f"{offering.provider} {mode_label(offering.serving_mode)} {offering.task}"
        endpoint = f" endpoint {offering.endpoint_name}" if offering.endpoint_name else ""
        say(f"- {where}{endpoint}: {status_phrase(offering)}")
        life = offering.lifecycle
        if life.retires is not None:
            verified = "" if life.retires.source.verified else " [unverified]"
            say(
                f"    {life.retires.meaning} {life.retires.on} ({life.retires.source.key}"
                f"{verified})"
            )
        for report in life.also_reported:
            say(
                f"    also reported: {report.meaning} {report.on} ({report.source.key})"
                + (f": {report.note}" if report.note else "")
            )
        if offering.replaced_by:
            say(f"    replaced by {replacement_phrase(offering)}")
        if offering.notes:
            say(f"    {offering.notes}")
    for version in model.versions:
        say(f"- version {version.name} at {version.provider}: {version_phrase(version)}")
    read = catalog.resolve(name, as_of=as_of)
    if read.provider_rule is not None:
        say(
            f"written with no provider, {name} reads as {read.provider}: "
            f"{read.provider_rule.describe} (resolve --strict-provider to be asked instead)"
        )


def version_phrase(version: VersionInfo) -> str:
    """`retired: gone 2025-02-13 (source)`, or that the model's lifecycle covers the version."""
    own = version.lifecycle
    if own is None:
        return "lifecycle of the model"
    if own.retires is not None:
        verified = "" if own.retires.source.verified else " [unverified]"
        return (
            f"{own.status.value}: {own.retires.meaning} {own.retires.on} "
            f"({own.retires.source.key}{verified})"
        )
    return own.status.value + (f" ({own.note})" if own.note else "")


def providers(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """List providers, their config slugs, which tasks accept fine-tuned model names, and the
    prefixes tools write their model names with (`--json`: every form, with its source)."""
    found = open_catalog(database_url).providers()
    if as_json:
        print_json(found)
        return
    say(
        table(
            ["PROVIDER", "NAME", "CONFIG", "MODELS", "CUSTOM MODELS", "WRITTEN AS"],
            [
                [
                    p.slug,
                    p.name,
                    p.config_provider or "",
                    str(p.model_count),
                    ", ".join(p.custom_model_tasks),
                    " ".join(f.form for f in p.name_forms if f.kind == "prefix"),
                ]
                for p in found
            ],
        )
    )


def architectures(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """List the architectures provisioned throughput can deploy."""
    found = open_catalog(database_url).architectures()
    if as_json:
        print_json(found)
        return
    say(
        table(
            ["ARCHITECTURE", "PUBLISHER", "TASKS", "LICENSE"],
            [[a.name, a.publisher, ", ".join(a.tasks), a.license or ""] for a in found],
        )
    )
