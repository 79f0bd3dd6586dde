"""The `model-catalog` command: a thin layer over the library.

Importing this module imports no web framework: `check` runs in pre-commit hooks.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from catalog.errors import CatalogError, InvalidArgument
from catalog.redact import redact
from catalog.text import mode_label, plural, replacement_phrase, status_phrase, table

app = typer.Typer(
    name="model-catalog",
    help="A catalog of foundation models: endpoint types, retirements and replacements.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the catalog database's schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="MODEL_CATALOG_DATABASE_URL",
        help="SQLAlchemy URL; default: the embedded SQLite catalog in your data directory.",
        show_envvar=True,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for tools.")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Date (YYYY-MM-DD); default today.")]
TaskOpt = Annotated[
    str | None, typer.Option("--task", help="chat, completions or embeddings (or llm/v1/...).")
]
ModeOpt = Annotated[
    str | None,
    typer.Option("--mode", help="pay_per_token, provisioned_throughput or external."),
]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="Provider slug or name.")]


def _print_json(value: Any) -> None:
    from pydantic import BaseModel, TypeAdapter

    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = TypeAdapter(type(value)).dump_json(value, indent=2).decode()
    typer.echo(text)


def _catalog(database_url: str | None) -> Any:
    from catalog.library import Catalog

    return Catalog.open(database_url)


# -- db ----------------------------------------------------------------------------------


def _engine(database_url: str | None) -> Any:
    from catalog.db import make_engine
    from catalog.settings import load_settings

    settings = load_settings(database_url)
    return make_engine(settings.database_url, settings.timeouts)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema up to REVISION (default: head)."""
    from catalog import db

    engine = _engine(database_url)
    db.upgrade(engine, revision)
    typer.echo(f"schema at {db.current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. -1 or base.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Migrate the schema down to REVISION."""
    from catalog import db

    engine = _engine(database_url)
    db.downgrade(engine, revision)
    typer.echo(f"schema at {db.current_revision(engine) or 'base'}")


@db_app.command("current")
def db_current(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """Show the schema revision of the database and the one this version needs."""
    from catalog import db

    engine = _engine(database_url)
    current, head = db.current_revision(engine), db.head_revision()
    if as_json:
        _print_json({"current": current, "head": head, "up_to_date": current == head})
        return
    state = "up to date" if current == head else "behind: run `model-catalog db upgrade`"
    typer.echo(f"schema at {current or 'base'} (head {head}): {state}")


# -- load --------------------------------------------------------------------------------


@app.command("load")
def load(
    path: Annotated[
        Path | None, typer.Argument(help="Seed file; default: the catalog's own seed.yaml.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show changes; write none.")] = False,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Validate a seed file and sync the database to it in one transaction."""
    from catalog.resources import seed_path
    from catalog.seed import load_seed
    from catalog.settings import load_settings

    settings = load_settings(database_url)
    if settings.embedded and path is not None and path.resolve() != seed_path().resolve():
        raise InvalidArgument(
            "the embedded catalog follows the shipped seed file; load your own file into a "
            "database of its own with --database-url or MODEL_CATALOG_DATABASE_URL",
            field="path",
        )
    engine = _engine(database_url)
    if settings.embedded:  # under the first-use lock; the schema is built (or rebuilt) first
        from catalog.bootstrap import load_embedded

        report = load_embedded(engine, path or seed_path(), dry_run=dry_run)
    else:  # an external database is upgraded by its owner
        report = load_seed(engine, path or seed_path(), dry_run=dry_run)
    if as_json:
        _print_json(
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


# -- listing -----------------------------------------------------------------------------


@app.command("models")
def models(
    provider: ProviderOpt = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Publisher.")] = None,
    task: TaskOpt = None,
    mode: ModeOpt = None,
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
    found = _catalog(database_url).models(
        provider=provider,
        publisher=publisher,
        task=task,
        mode=mode,
        status=status,
        as_of=as_of,
        query=query,
    )
    if as_json:
        _print_json(found)
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
        typer.echo("no models match")
        return
    typer.echo(
        table(["MODEL", "PROVIDER", "MODE", "TASK", "ENDPOINT", "STATUS", "REPLACED BY"], rows)
    )
    count = len(found)
    typer.echo(f"\n{plural(count, 'model')}, {plural(len(rows), 'offering')}")


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Model name, alias or endpoint name.")],
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: AsJson = False,
) -> None:
    """Everything the catalog knows about one model."""
    model = _catalog(database_url).model(name, as_of=as_of)
    if as_json:
        _print_json(model)
        return
    typer.echo(
        f"{model.name}  (publisher {model.publisher}"
        + (f", architecture {model.architecture}" if model.architecture else "")
        + ")"
    )
    if model.aliases:
        typer.echo("aliases: " + ", ".join(a.name for a in model.aliases))
    for note in (model.license, model.notes):
        if note:
            typer.echo(note)
    for offering in model.offerings:
        where = f"{offering.provider} {mode_label(offering.serving_mode)} {offering.task}"
        endpoint = f" endpoint {offering.endpoint_name}" if offering.endpoint_name else ""
        typer.echo(f"- {where}{endpoint}: {status_phrase(offering)}")
        life = offering.lifecycle
        if life.retires is not None:
            verified = "" if life.retires.source.verified else " [unverified]"
            typer.echo(
                f"    {life.retires.meaning} {life.retires.on} ({life.retires.source.key}"
                f"{verified})"
            )
        for report in life.also_reported:
            typer.echo(
                f"    also reported: {report.meaning} {report.on} ({report.source.key})"
                + (f": {report.note}" if report.note else "")
            )
        if offering.replaced_by:
            typer.echo(f"    replaced by {replacement_phrase(offering)}")
        if offering.notes:
            typer.echo(f"    {offering.notes}")


@app.command("providers")
def providers(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """List providers, their config slugs and which tasks accept fine-tuned model names."""
    found = _catalog(database_url).providers()
    if as_json:
        _print_json(found)
        return
    typer.echo(
        table(
            ["PROVIDER", "NAME", "CONFIG", "MODELS", "CUSTOM MODELS"],
            [
                [
                    p.slug,
                    p.name,
                    p.config_provider or "",
                    str(p.model_count),
                    ", ".join(p.custom_model_tasks),
                ]
                for p in found
            ],
        )
    )


@app.command("architectures")
def architectures(database_url: DatabaseUrl = None, as_json: AsJson = False) -> None:
    """List the architectures provisioned throughput can deploy."""
    found = _catalog(database_url).architectures()
    if as_json:
        _print_json(found)
        return
    typer.echo(
        table(
            ["ARCHITECTURE", "PUBLISHER", "TASKS", "LICENSE"],
            [[a.name, a.publisher, ", ".join(a.tasks), a.license or ""] for a in found],
        )
    )


@app.command("resolve")
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

    result = _catalog(database_url).resolve(
        name, task=task, mode=mode, provider=provider, as_of=as_of
    )
    if as_json:
        _print_json(result)
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


# -- entry point -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; usage errors are one line and exit 2, catalog errors map to their codes."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="model-catalog", standalone_mode=False)
    except CatalogError as error:
        typer.echo(f"model-catalog: error: {redact(error.message)}", err=True)
        return error.exit_code
    except typer.Exit as error:
        return error.exit_code
    except typer.Abort:
        typer.echo("model-catalog: aborted", err=True)
        return 130
    except typer.TyperException as error:
        context = getattr(error, "ctx", None)
        if type(error).__name__ == "NoArgsIsHelpError" and context is not None:
            typer.echo(context.get_help())
        else:
            typer.echo(f"model-catalog: error: {error.format_message()}", err=True)
        return error.exit_code
    except Exception as error:  # a bug or an unforeseen failure: one line, never a traceback
        if os.environ.get("MODEL_CATALOG_DEBUG"):
            raise
        first_line = redact((str(error).strip().splitlines() or [""])[0])
        typer.echo(
            f"model-catalog: unexpected error: {type(error).__name__}: {first_line} "
            "(set MODEL_CATALOG_DEBUG=1 for the traceback)",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())
