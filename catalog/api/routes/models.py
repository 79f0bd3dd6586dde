"""`/v1/models`: the catalog's models with their offerings, filtered and paged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep, AsOf, Provider, ServingModeParam, TaskParam, norm
from catalog.api.errors import ERROR_RESPONSES, NOT_FOUND_RESPONSE, named_as
from catalog.api.paging import decode_cursor, encode_cursor
from catalog.api.schemas import ModelsPage
from catalog.arguments import parse_date
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
        # Filters run on the snapshot's records; only this page's models become schema objects.
        found = catalog.models_page(
            provider=provider,
            publisher=publisher,
            task=task,
            serving_mode=serving_mode,
            status=status,
            as_of=day,
            query=q,
            limit=limit,
            after=None if cursor is None else decode_cursor(cursor),
        )
        after = found.next_after
        return ModelsPage(
            data=found.models,
            next_cursor=None if after is None else encode_cursor(after),
            count=found.count,
        )

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
    return answer.answer(request, ("model", name, day), lambda c: c.model(name, as_of=day))
