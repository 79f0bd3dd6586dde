"""The app the page tests drive: the real app factory over the test's catalog."""

from __future__ import annotations

from fastapi import FastAPI

from catalog import Catalog
from catalog.api import create_app


def make_app(catalog: Catalog) -> FastAPI:
    return create_app(catalog)
