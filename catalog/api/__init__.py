"""The read-only REST API: `create_app()` builds it; `model-catalog serve` runs it."""

from __future__ import annotations

from catalog.api.app import create_app

__all__ = ["create_app"]
