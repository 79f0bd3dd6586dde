"""Options and helpers every command group shares: one spelling of each flag."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalog.cli.render import say

if TYPE_CHECKING:
    from catalog.library import Catalog

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
ServingModeOpt = Annotated[
    str | None,
    typer.Option(
        "--serving-mode",
        "--mode",
        help="pay_per_token, provisioned_throughput or external (--mode for short).",
    ),
]
ProviderOpt = Annotated[str | None, typer.Option("--provider", help="Provider slug or name.")]
StrictProviderOpt = Annotated[
    bool,
    typer.Option(
        "--strict-provider",
        help=(
            "A name that several providers serve needs a provider (--provider or a form such "
            "as azure/); else it is ambiguous. Default: it reads as the publisher's own API."
        ),
    ),
]


def print_json(value: Any) -> None:
    from pydantic import BaseModel, TypeAdapter

    if isinstance(value, BaseModel):
        text = value.model_dump_json(indent=2)
    else:
        text = TypeAdapter(type(value)).dump_json(value, indent=2).decode()
    say(text, as_json=True)


def open_catalog(database_url: str | None, *, prepare: bool = True) -> Catalog:
    """The library's handle; `prepare=False` for admin commands on a database not ready to read."""
    from catalog.library import Catalog

    return Catalog.open(database_url, prepare=prepare)
