"""`/healthz` (the process answers), `/readyz` (the catalog can be served), `/v1/meta`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from catalog.api.deps import AnswerDep, CatalogDep
from catalog.api.errors import ERROR_RESPONSES, error_response
from catalog.api.schemas import ErrorBody, Liveness
from catalog.library import Catalog
from catalog.schemas import CatalogMeta, Health

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", response_model=Liveness, tags=["health"])
async def healthz() -> Response:
    """The process is up; touches no database."""
    return Response(Liveness().model_dump_json(), media_type="application/json", headers=NO_STORE)


@router.get(
    "/readyz",
    response_model=Health,
    tags=["health"],
    responses={503: {"model": ErrorBody, "description": "Not ready; the message says why."}},
)
async def readyz(catalog: CatalogDep) -> Response:
    """The database is reachable, its schema at head, a catalog loaded and its snapshot read."""
    health = await run_in_threadpool(_ready, catalog)
    if not health.ok:
        return error_response(503, health.problem or "not ready")
    return Response(health.model_dump_json(), media_type="application/json", headers=NO_STORE)


def _ready(catalog: Catalog) -> Health:
    health = catalog.health()
    if health.ok:
        catalog.snapshot()  # a catalog that cannot be read into memory is not ready either
    return health


@router.get("/v1/meta", response_model=CatalogMeta, tags=["meta"], responses=ERROR_RESPONSES)
async def meta(request: Request, answer: AnswerDep) -> Response:
    """Which catalog this is: catalog and schema revisions, sources, counts."""
    return answer.answer(request, ("meta",), lambda c: c.meta())
