"""The app the page tests drive: the pages router over a Catalog on `app.state`."""

from __future__ import annotations

from fastapi import FastAPI

from catalog import Catalog
from catalog.api.pages import router


def make_app(catalog: Catalog) -> FastAPI:
    app = FastAPI()
    app.state.catalog = catalog
    app.include_router(router)
    return app
