"""`/healthz` (the process answers), `/readyz` (the catalog can be served), `/v1/meta`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep
from catalog.api.errors import ERROR_RESPONSES, error_response
from catalog.api.readiness import ReadinessProbe
from catalog.api.schemas import ErrorBody, Liveness
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
async def readyz(request: Request) -> Response:
    """The database is reachable, its schema at head, a catalog loaded and its snapshot read."""
    probe: ReadinessProbe = request.app.state.readiness
    health = await probe.check()
    if isinstance(health, str):
        return error_response(503, health)
    if not health.ok:
        return error_response(503, health.problem or "not ready")
    return Response(health.model_dump_json(), media_type="application/json", headers=NO_STORE)


@router.get("/v1/meta", response_model=CatalogMeta, tags=["meta"], responses=ERROR_RESPONSES)
async def meta(request: Request, answer: AnswerDep) -> Response:
    """Which catalog this is: catalog and schema revisions, sources, counts."""
    return answer.answer(request, ("meta",), lambda c: c.meta())
