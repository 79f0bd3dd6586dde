"""One JSON error shape for every failure, mapped from `CatalogError.http_status` in one place."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from catalog.api.paths import link_root
from catalog.api.schemas import ErrorBody, ErrorDetail
from catalog.errors import CatalogError

log = logging.getLogger("catalog.api")

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "A parameter has a value the catalog cannot use."),
        (422, "A parameter or the body has the wrong type or shape."),
        (503, "The catalog database is unreachable, behind its schema, or not loaded."),
    )
}
NOT_FOUND_RESPONSE: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Not in the catalog; close names are suggested."}
}


TOO_LARGE_RESPONSE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorBody, "description": "Too many names, or a body over the size limit."}
}
SLOW_BODY_RESPONSE: dict[int | str, dict[str, Any]] = {
    408: {
        "model": ErrorBody,
        "description": "The body did not arrive in time; the connection closes.",
    }
}


class PayloadTooLarge(CatalogError):
    """A request bigger than the API accepts; the message states the limit."""

    exit_code = 2
    http_status = 413


@contextmanager
def named_as(**parameters: str) -> Iterator[None]:
    """Name a library argument as this route's parameter (`name` -> `model`) in its errors."""
    try:
        yield
    except CatalogError as error:
        error.field = parameters.get(error.field or "", error.field)
        raise


def error_response(
    status: int,
    message: str,
    *,
    parameter: str | None = None,
    suggestions: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = ErrorBody(
        error=ErrorDetail(
            status=status, message=message, parameter=parameter, suggestions=suggestions or []
        )
    )
    return Response(
        body.model_dump_json(),
        status_code=status,
        media_type="application/json",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


async def _catalog_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, CatalogError)
    return error_response(
        error.http_status,
        error.message,
        parameter=error.field,
        suggestions=list(error.suggestions),
    )


async def _validation_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = list(error.errors())
    parameter = None
    parts = []
    for problem in problems:
        location = [str(part) for part in problem.get("loc", ()) if part not in ("query", "path")]
        if location and location[0] == "body":
            location = location[1:] or ["body"]
        name = ".".join(location) or None
        parameter = parameter or name
        parts.append(f"{name}: {problem.get('msg')}" if name else str(problem.get("msg")))
    return error_response(422, "; ".join(parts) or "invalid request", parameter=parameter)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    status = error.status_code
    if status == 404:
        message = f"no such endpoint: {request.url.path}; see {link_root(request.scope)}/docs"
    elif status == 405:
        allowed = (error.headers or {}).get("Allow") or (error.headers or {}).get("allow")
        message = f"{request.method} is not allowed on {request.url.path}" + (
            f"; allowed: {allowed}" if allowed else ""
        )
    else:
        message = str(error.detail)
    return error_response(status, message, headers=dict(error.headers or {}))


async def _unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, f"internal error: {type(error).__name__}")


def install_error_handlers(app: FastAPI) -> None:
    """Every error the app can answer with goes through the one shape above."""
    app.add_exception_handler(CatalogError, _catalog_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
