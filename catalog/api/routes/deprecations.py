"""`/v1/deprecations`: what is retired or retiring in a window, soonest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep, AsOf, Provider, norm
from catalog.api.errors import ERROR_RESPONSES
from catalog.api.schemas import DeprecationsList
from catalog.arguments import parse_date
from catalog.core.lifecycle import RETIRES_SOON_DAYS
from catalog.library import Catalog

router = APIRouter(prefix="/v1/deprecations", tags=["deprecations"])

WithinDays = Annotated[
    int,
    Query(
        ge=0,
        le=36_500,
        description="How many days after `as_of` count as retiring soon.",
        examples=[RETIRES_SOON_DAYS],
    ),
]


@router.get("", response_model=DeprecationsList, responses=ERROR_RESPONSES)
async def list_deprecations(
    request: Request,
    answer: AnswerDep,
    as_of: AsOf = None,
    within_days: WithinDays = RETIRES_SOON_DAYS,
    provider: Provider = None,
) -> Response:
    """Offerings retired on `as_of` or retiring within `within_days` after it, soonest first,
    with the date, what it means, and the replacement in force when each goes."""
    day = parse_date(as_of)

    def build(catalog: Catalog) -> DeprecationsList:
        found = catalog.deprecations(as_of=day, within_days=within_days, provider=provider)
        return DeprecationsList(data=found, count=len(found))

    return answer.answer(request, ("deprecations", day, within_days, norm(provider)), build)
