"""`/v1/models`: the catalog's models with their offerings, filtered and paged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep, AsOf, Provider, ServingModeParam, TaskParam, norm
from catalog.api.errors import ERROR_RESPONSES, NOT_FOUND_RESPONSE, named_as
from catalog.api.paging import page
from catalog.api.schemas import ModelsPage
from catalog.arguments import parse_date
from catalog.errors import NotFound
from catalog.library import Catalog
from catalog.schemas import ModelInfo

router = APIRouter(prefix="/v1/models", tags=["models"])

Limit = Annotated[int, Query(ge=1, le=1000, description="Models per page (1 to 1,000).")]
Cursor = Annotated[str | None, Query(description="The `next_cursor` of the previous page; opaque.")]


@router.get("", response_model=ModelsPage, responses=ERROR_RESPONSES)
async def list_models(
    request: Request,
    answer: AnswerDep,
    provider: Provider = None,
    publisher: Annotated[str | None, Query(description="Publisher slug or name.")] = None,
    task: TaskParam = None,
    serving_mode: ServingModeParam = None,
    status: Annotated[
        str | None, Query(description="active, deprecated, retired or unknown, on `as_of`.")
    ] = None,
    as_of: AsOf = None,
    q: Annotated[
        str | None, Query(description="Text in a name, alias or endpoint name.", examples=["llama"])
    ] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Response:
    """Models with the offerings that pass every filter, in name order, one page at a time."""
    day = parse_date(as_of)
    filters = (norm(provider), norm(publisher), norm(task), norm(serving_mode), norm(status))
    key = ("models", *filters, day, q, limit, cursor)

    def build(catalog: Catalog) -> ModelsPage:
        found = catalog.models(
            provider=provider,
            publisher=publisher,
            task=task,
            serving_mode=serving_mode,
            status=status,
            as_of=day,
            query=q,
        )
        data, next_cursor = page(found, limit, cursor)
        return ModelsPage(data=data, next_cursor=next_cursor, count=len(found))

    with named_as(query="q"):
        return answer.answer(request, key, build)


@router.get(
    "/{name:path}",
    response_model=ModelInfo,
    responses={**ERROR_RESPONSES, **NOT_FOUND_RESPONSE},
)
async def get_model(
    request: Request,
    answer: AnswerDep,
    name: Annotated[
        str,
        Path(
            description="A model name, alias, endpoint name or provider model id; `/` allowed.",
            examples=["databricks-dbrx-instruct"],
        ),
    ],
    as_of: AsOf = None,
) -> Response:
    """One model by any of its names, with each offering's status on `as_of`."""
    day = parse_date(as_of)
    return answer.answer(request, ("model", name, day), lambda c: _model(c, name, day))


def _model(catalog: Catalog, name: str, day: dt.date) -> ModelInfo:
    """By a name the catalog lists, else by the name form the resolver reads (`anthropic.…-v2:0`)."""
    try:
        return catalog.model(name, as_of=day)
    except NotFound as not_found:
        resolution = catalog.resolve(name, as_of=day)
        # the asked model, not its replacement: a chain starts at the model that was named
        asked = resolution.chain[0].from_model if resolution.chain else resolution.model
        for candidate in (asked, resolution.matched):
            if candidate:
                try:
                    return catalog.model(candidate, as_of=day)
                except NotFound:
                    continue
        raise not_found from None
