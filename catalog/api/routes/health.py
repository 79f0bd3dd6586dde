"""`/healthz` (the process answers) and `/readyz` (the catalog can be served)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from catalog.api.schemas import Liveness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Liveness)
async def healthz() -> Response:
    """The process is up; touches no database."""
    return Response(
        Liveness().model_dump_json(),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )
