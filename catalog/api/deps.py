"""The dependencies routes declare, as `Annotated` types, and the query parameters they share.

The providers are `async def`: FastAPI runs a plain `def` dependency in a thread pool, which
cost a cached answer three quarters of its speed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from catalog.api.answer import Answerer
from catalog.api.settings import ApiSettings
from catalog.library import Catalog


async def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_answerer(request: Request) -> Answerer:
    answerer: Answerer = request.app.state.answerer
    return answerer


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
AnswerDep = Annotated[Answerer, Depends(get_answerer)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]

AsOf = Annotated[
    str | None,
    Query(
        description="Date (YYYY-MM-DD) the answer is for; default today.", examples=["2026-11-24"]
    ),
]
Provider = Annotated[str | None, Query(description="Provider slug or name.", examples=["openai"])]
StrictProvider = Annotated[
    bool,
    Query(
        description=(
            "true: a name that several providers serve needs a provider (the `provider` "
            "parameter or a form such as `azure/`), else it is ambiguous. Default false: it "
            "reads as the publisher's own API."
        )
    ),
]
TaskParam = Annotated[
    str | None,
    Query(
        description="chat, completions or embeddings; the endpoint type (`llm/v1/chat`) works too.",
        examples=["chat"],
    ),
]
ServingModeParam = Annotated[
    str | None,
    Query(
        description="pay_per_token, provisioned_throughput or external.",
        examples=["pay_per_token"],
    ),
]


def norm(value: str | None) -> str | None:
    """A case-insensitive option as it goes into a cache key."""
    return value.strip().casefold() if value is not None else None
