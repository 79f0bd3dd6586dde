"""Answer a read: from cached bytes when this revision has answered the same request before.

The snapshot is immutable per revision, so a body is computed once per (revision,
normalised request), kept as bytes in a bounded LRU and served as a raw `Response`:
no response model is re-validated and nothing is re-serialised on a hit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from catalog.api.cache import Cached, ResponseCache
from catalog.api.pinning import PinnedCatalog
from catalog.api.settings import ApiSettings
from catalog.library import Catalog

REVISION_HEADER = "X-Catalog-Revision"
JSON = "application/json"


class Answerer:
    """Turns (normalised request, a way to build the answer) into a response with an ETag."""

    def __init__(self, catalog: Catalog, settings: ApiSettings) -> None:
        self.catalog = catalog
        self.cache = ResponseCache(settings.cache_entries)
        self.cache_control = f"public, max-age={settings.cache_max_age}"

    def answer(
        self, request: Request, key: tuple[Hashable, ...], build: Callable[[Catalog], BaseModel]
    ) -> Response:
        snapshot = self.catalog.snapshot()
        revision = snapshot.revision
        full_key = (revision, *key)
        cached = self.cache.get(full_key)
        if cached is None:
            etag = _etag(full_key)
            if _matches(request.headers.get("if-none-match"), etag):
                return self._not_modified(etag, revision)
            body = build(PinnedCatalog(self.catalog, snapshot)).model_dump_json().encode()
            cached = Cached(body, etag)
            self.cache.put(full_key, cached)
        elif _matches(request.headers.get("if-none-match"), cached.etag):
            return self._not_modified(cached.etag, revision)
        return Response(
            cached.body,
            media_type=JSON,
            headers={
                "ETag": cached.etag,
                "Cache-Control": self.cache_control,
                REVISION_HEADER: str(revision),
            },
        )

    def _not_modified(self, etag: str, revision: int) -> Response:
        return Response(
            status_code=304,
            headers={
                "ETag": etag,
                "Cache-Control": self.cache_control,
                REVISION_HEADER: str(revision),
            },
        )


def _etag(key: tuple[Hashable, ...]) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest()
    return f'"r{key[0]}-{digest}"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/")
        if tag == etag or tag == "*":
            return True
    return False
