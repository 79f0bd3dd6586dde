"""The ASGI app factory: `catalog.api:create_app`, for uvicorn, gunicorn or granian."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from catalog import __version__
from catalog.api.answer import GZIP_LEVEL, REVISION_HEADER, Answerer
from catalog.api.docs import install_docs
from catalog.api.errors import install_error_handlers
from catalog.api.front import CachedFront
from catalog.api.head import HeadAsGet
from catalog.api.limits import BodySizeLimit
from catalog.api.observe import install_operations
from catalog.api.pages import router as pages_router
from catalog.api.readiness import ReadinessProbe
from catalog.api.refresh import refreshing
from catalog.api.routes import deprecations, health, models, providers, resolve, vocabulary
from catalog.api.settings import ApiSettings
from catalog.library import Catalog

DESCRIPTION = """\
Foundation models, where they are served, for which endpoint type, when each offering
retires and what replaces it. Read-only: every answer comes from an in-memory snapshot of
one catalog revision, named in the `X-Catalog-Revision` header.
"""


def create_app(catalog: Catalog | None = None, *, settings: ApiSettings | None = None) -> FastAPI:
    """An app over `catalog`, else over the catalog the environment names (opened here).

    A catalog the app opened itself is closed when the app shuts down; one passed in
    belongs to the caller.
    """
    settings = settings or ApiSettings.from_env()
    owned = catalog is None
    if catalog is None:
        catalog = Catalog.open(
            settings.database_url, revision_check_seconds=settings.reload_seconds
        )

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        metrics = started.state.metrics
        async with refreshing(catalog, settings.reload_seconds, metrics.after_check):
            yield
        metrics.close()
        if owned:
            catalog.close()

    app = FastAPI(
        title="model-catalog",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.settings = settings
    app.state.answerer = Answerer(catalog, settings)
    app.state.readiness = ReadinessProbe(catalog)
    install_error_handlers(app)
    for module in (models, providers, vocabulary, resolve, deprecations, health):
        app.include_router(module.router)
    install_docs(app)
    app.include_router(pages_router)  # the HTML pages and feeds (issue 11)
    if settings.front_cache and settings.cache_entries > 0:
        app.add_middleware(CachedFront, answerer=app.state.answerer)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        body_seconds=settings.body_timeout_seconds,
    )
    app.add_middleware(
        GZipMiddleware, minimum_size=settings.gzip_minimum_bytes, compresslevel=GZIP_LEVEL
    )
    app.add_middleware(HeadAsGet)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Content-Type", "If-None-Match"],
            expose_headers=["ETag", REVISION_HEADER, "X-Request-ID", "X-Catalog-Stale"],
        )
    install_operations(app, catalog)  # outermost: sees every request's final status
    return app
