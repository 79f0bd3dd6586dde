"""The pages people share: the catalog, a model's lifecycle, what retires when, and feeds.

Server-rendered HTML from the same library verbs as the JSON API; `router` is included
by the app factory in one line.
"""

from __future__ import annotations

from catalog.api.pages.routes import router

__all__ = ["router"]
