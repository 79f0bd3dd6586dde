"""The page routes: parse the URL, call the library, render; every failure is a page too,
except under `/v1/`, where it is the API's JSON error."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from catalog import arguments
from catalog.api.errors import error_response
from catalog.api.pages import caching, feeds, origin, retirements, views
from catalog.api.pages.origin import Links
from catalog.api.pages.render import STATIC, model_url, query_url, render, static_version
from catalog.api.paths import link_root, route_path
from catalog.api.pinning import PinnedCatalog
from catalog.errors import CatalogError, NotFound
from catalog.library import Catalog
from catalog.vocabulary import ResolutionStatus

log = logging.getLogger("catalog.api.pages")
router = APIRouter(include_in_schema=False)

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


def _catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


def _params(request: Request) -> dict[str, str]:
    return dict(request.query_params)


def _error_page(
    request: Request,
    status: int,
    message: str,
    suggestions: list[tuple[str, str]] | None = None,
    query: str | None = None,
) -> HTMLResponse:
    """An error as a page: what went wrong, the close names as links, a search box."""
    body = render(
        "error.html",
        root=link_root(request.scope),
        status=status,
        message=message,
        suggestions=suggestions or [],
        query=query,
    )
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _suggested(request: Request, error: CatalogError) -> list[tuple[str, str]]:
    """Each suggestion with its link: this URL with the parameter corrected, or a model page."""
    names: list[str] = list(getattr(error, "suggestions", None) or [])
    field = {"mode": "serving_mode"}.get(error.field or "", error.field)
    root, path = link_root(request.scope), route_path(request.scope)
    if field and field != "name" and field in request.query_params:
        return [(n, root + query_url(path, {**_params(request), field: n})) for n in names]
    return [(n, root + model_url(n)) for n in names]


def _failure(request: Request, error: CatalogError | None) -> Response:
    """A catalog error (None: a bug) as a page, or under `/v1/` as the API's JSON error."""
    if route_path(request.scope).startswith("/v1/"):
        if error is None:
            return error_response(500, "internal error while building the answer")
        return error_response(
            error.http_status,
            error.message,
            parameter=error.field,
            suggestions=list(error.suggestions),
        )
    if error is None:
        return _error_page(
            request, 500, "Something went wrong on our side while drawing this page."
        )
    return _error_page(request, error.http_status, error.message, _suggested(request, error))


def _serve(
    request: Request, build: Callable[[Catalog], Response], links: Links | None = None
) -> Response:
    """ETag and 304 first, then the page; a catalog error or a bug becomes an error answer.

    `links`: where the page's links point (default: by path under the root path); part of
    the ETag, so a page kept for one base URL is never served for another.
    """
    links = links or origin.by_path(request)
    try:
        snapshot = _catalog(request).snapshot()
        etag = caching.page_etag(request, snapshot.revision, dt.date.today(), links)
        if caching.matches(request, etag):
            return caching.not_modified(etag, snapshot.revision, links)
        pages = caching.page_cache(request.app.state)
        hit = pages.get(etag)
        if hit is not None:
            return hit
        pinned = PinnedCatalog(_catalog(request), snapshot)  # one revision per page
        response = build(pinned)
        if response.status_code == 200:  # errors and redirects are neither tagged nor kept
            caching.cached(response, etag, snapshot.revision, links)
            pages.put(etag, response)
        return response
    except CatalogError as error:
        return _failure(request, error)
    except Exception:
        log.exception("page %s failed", request.url.path)
        return _failure(request, None)


def _html(template: str, context: dict[str, Any], request: Request) -> HTMLResponse:
    scope = request.scope
    return HTMLResponse(
        render(template, root=link_root(scope), request_path=route_path(scope), **context)
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    params = _params(request)
    return _serve(request, lambda c: _html("home.html", views.home(c, params), request))


@router.get("/models/{name:path}", response_class=HTMLResponse)
def model(request: Request, name: str) -> Response:
    params = _params(request)

    def build(catalog: Catalog) -> Response:
        try:
            context = views.model_page(catalog, name, params)
        except NotFound:
            return _unknown_model(request, catalog, name, params)
        return _html("model.html", context, request)

    return _serve(request, build)


def _unknown_model(
    request: Request, catalog: Catalog, name: str, params: dict[str, str]
) -> Response:
    """A name form the resolver reads goes to its model's page; anything else gets suggestions."""
    root = link_root(request.scope)
    resolution = catalog.resolve(name, as_of=params.get("as_of") or None)
    if resolution.matched and resolution.status is not ResolutionStatus.unknown:
        try:
            catalog.model(resolution.matched)
        except NotFound:
            pass
        else:
            target = root + query_url(model_url(resolution.matched), params)
            return RedirectResponse(target, status_code=307)
    return _error_page(
        request,
        404,
        f"No model named {name!r} is in the catalog.",
        [(s, root + model_url(s)) for s in resolution.suggestions],
        query=name,
    )


@router.get("/deprecations", response_class=HTMLResponse)
def deprecations(request: Request) -> Response:
    params = _params(request)
    return _serve(
        request, lambda c: _html("deprecations.html", views.deprecations_page(c, params), request)
    )


@router.get("/v1/deprecations.ics")
def calendar(request: Request) -> Response:
    """Every dated retirement as an all-day event; `provider=` and `within_days=` narrow it."""
    params = _params(request)
    links = origin.absolute(request)

    def build(catalog: Catalog) -> Response:
        as_of = arguments.parse_date(params.get("as_of") or None)
        within = views.day_count(
            params, "within_days", retirements.EVERY_COMING_DAY, most=retirements.EVERY_COMING_DAY
        )
        found = retirements.retirements(
            catalog, as_of=as_of, provider=params.get("provider"), within_days=within
        )
        stamp = catalog.revision().loaded_at or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        body = feeds.calendar(found, base_url=links.base, stamp=stamp)
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": 'inline; filename="model-retirements.ics"'},
        )

    return _serve(request, build, links)


@router.get("/feeds/changes.atom")
def changes(request: Request) -> Response:
    """The catalog's revisions, newest first."""
    links = origin.absolute(request)

    def build(catalog: Catalog) -> Response:
        current = catalog.snapshot().revision  # a load committed meanwhile waits its turn
        known = [r for r in catalog.revisions() if r.revision <= current]
        body = feeds.atom(known, base_url=links.base)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    return _serve(request, build, links)


@router.get("/static/{name}")
def static(request: Request, name: str) -> Response:
    """The page's own CSS and script, fingerprinted (`?v=`) so they can be cached for a year."""
    path = STATIC / name
    kind = STATIC_TYPES.get(path.suffix)
    if kind is None or path.parent != STATIC or not path.is_file():
        return _error_page(request, 404, f"No static file named {name!r}.")
    etag = f'"{static_version()}"'
    if caching.matches(request, etag):
        return Response(status_code=304, headers={"ETag": etag})
    return Response(
        path.read_bytes(),
        media_type=kind,
        headers={"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"},
    )
