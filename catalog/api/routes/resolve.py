"""`/v1/resolve`: what to use for a name on a date, one name (GET) or a batch (POST)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from catalog.api.deps import (
    AnswerDep,
    AsOf,
    Provider,
    ServingModeParam,
    SettingsDep,
    StrictProvider,
    TaskParam,
    norm,
)
from catalog.api.errors import (
    ERROR_RESPONSES,
    SLOW_BODY_RESPONSE,
    TOO_LARGE_RESPONSE,
    PayloadTooLarge,
    named_as,
)
from catalog.api.schemas import ResolutionsList, ResolveBatch
from catalog.arguments import parse_date
from catalog.library import Catalog
from catalog.schemas import Resolution

router = APIRouter(prefix="/v1/resolve", tags=["resolve"])


@router.get("", response_model=Resolution, responses=ERROR_RESPONSES)
async def resolve_one(
    request: Request,
    answer: AnswerDep,
    model: Annotated[
        str,
        Query(
            min_length=1,
            description="A model name, alias, endpoint name or provider model id.",
            examples=["databricks-dbrx-instruct"],
        ),
    ],
    task: TaskParam = None,
    serving_mode: ServingModeParam = None,
    provider: Provider = None,
    as_of: AsOf = None,
    strict_provider: StrictProvider = False,
) -> Response:
    """The Resolution for one name: `ok`, `replaced`, `retired`, `ambiguous`, `unsupported` or `unknown`."""
    day = parse_date(as_of)
    key = ("resolve", model, norm(task), norm(serving_mode), norm(provider), day, strict_provider)
    with named_as(name="model"):
        return answer.answer(
            request,
            key,
            lambda c: c.resolve(
                model,
                task=task,
                serving_mode=serving_mode,
                provider=provider,
                as_of=day,
                strict_provider=strict_provider,
            ),
        )


@router.post(
    "",
    response_model=ResolutionsList,
    responses={**ERROR_RESPONSES, **TOO_LARGE_RESPONSE, **SLOW_BODY_RESPONSE},
)
async def resolve_batch(
    request: Request,
    answer: AnswerDep,
    settings: SettingsDep,
    batch: Annotated[ResolveBatch, Body()],
) -> Response:
    """Resolve up to 1,000 names with the same options against one catalog revision."""
    limit = settings.max_batch
    if len(batch.models) > limit:
        raise PayloadTooLarge(
            f"{len(batch.models)} names in one request; the limit is {limit}: split the batch",
            field="models",
        )
    day = parse_date(batch.as_of)
    names = tuple(batch.models)
    key = (
        "resolve-many",
        names,
        norm(batch.task),
        norm(batch.serving_mode),
        norm(batch.provider),
        day,
        batch.strict_provider,
    )

    def build(catalog: Catalog) -> ResolutionsList:
        found = catalog.resolve_many(
            names,
            task=batch.task,
            serving_mode=batch.serving_mode,
            provider=batch.provider,
            as_of=day,
            strict_provider=batch.strict_provider,
        )
        return ResolutionsList(data=found, count=len(found))

    with named_as(names="models"):
        return answer.answer(request, key, build)
