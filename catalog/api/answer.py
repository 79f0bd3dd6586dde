"""Answer a read from cached bytes when this revision has answered the same request before.

The snapshot is immutable per revision, so a body is computed once per (revision,
normalised request), kept as bytes in a bounded LRU and served as a raw response: no
response model is re-validated and nothing is re-serialised on a hit. The same entry is
also filed under the request exactly as it came (path and query string), which lets the
front door (`catalog.api.front`) answer a repeated request before routing and parameter
parsing, the costliest part of a cached answer.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Callable, Hashable

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from catalog.api.cache import Cached, ResponseCache
from catalog.api.pinning import PinnedCatalog
from catalog.api.settings import ApiSettings
from catalog.library import Catalog

REVISION_HEADER = "X-Catalog-Revision"
JSON = "application/json"
GZIP_LEVEL = 6  # the front door and GZipMiddleware compress alike


class Answerer:
    """Turns (normalised request, a way to build the answer) into a response with an ETag."""

    def __init__(self, catalog: Catalog, settings: ApiSettings) -> None:
        self.catalog = catalog
        self.cache = ResponseCache(settings.cache_entries, settings.cache_bytes)
        self.front = settings.front_cache
        self.gzip_minimum_bytes = settings.gzip_minimum_bytes
        self.cache_control = f"public, max-age={settings.cache_max_age}"
        self.front_answers = 0  # requests the front door answered before routing (/metrics)

    def answer(
        self, request: Request, key: tuple[Hashable, ...], build: Callable[[Catalog], BaseModel]
    ) -> Response:
        snapshot = self.catalog.snapshot()
        revision = snapshot.revision
        full_key = (revision, *key)
        cached = self.cache.get(full_key)
        if cached is None:
            etag = _etag(full_key)
            if matches(request.headers.get("if-none-match"), etag):
                return self._not_modified(etag, revision)
            body = build(PinnedCatalog(self.catalog, snapshot)).model_dump_json().encode()
            cached = self._finished(body, etag, revision)
            self.cache.put(full_key, cached)
        elif matches(request.headers.get("if-none-match"), cached.etag):
            return self._not_modified(cached.etag, revision)
        if self.front and request.method == "GET":
            self.cache.put(raw_key(request.scope, revision), cached)
        response = Response(cached.body, media_type=JSON)
        response.raw_headers = list(cached.headers)
        return response

    def cached_as_sent(self, scope: Scope) -> tuple[Cached, int] | None:
        """The answer to exactly this request at the current revision, if one was given."""
        revision = self.catalog.snapshot().revision
        found = self.cache.get(raw_key(scope, revision))
        return (found, revision) if found is not None else None

    def gzipped(self, scope: Scope, revision: int, cached: Cached) -> Cached:
        """The gzip variant of a cached answer, compressed on first use and kept beside it."""
        if len(cached.body) < self.gzip_minimum_bytes:
            return cached
        key = (*raw_key(scope, revision), "gzip")
        found = self.cache.get(key)
        if found is None:
            body = gzip.compress(cached.body, compresslevel=GZIP_LEVEL, mtime=0)
            headers = (
                (b"content-length", str(len(body)).encode()),
                (b"content-encoding", b"gzip"),
                (b"vary", b"Accept-Encoding"),
                *cached.headers[1:],  # everything but the identity body's length
            )
            found = Cached(body, cached.etag, headers)
            self.cache.put(key, found)
        return found

    def not_modified_headers(self, etag: str, revision: int) -> list[tuple[bytes, bytes]]:
        return [
            (b"etag", etag.encode()),
            (b"cache-control", self.cache_control.encode()),
            (REVISION_HEADER.lower().encode(), str(revision).encode()),
        ]

    def _finished(self, body: bytes, etag: str, revision: int) -> Cached:
        headers = (
            (b"content-length", str(len(body)).encode()),
            (b"content-type", JSON.encode()),
            *self.not_modified_headers(etag, revision),
        )
        return Cached(body, etag, headers)

    def _not_modified(self, etag: str, revision: int) -> Response:
        response = Response(status_code=304)
        response.raw_headers = self.not_modified_headers(etag, revision)
        return response


def raw_key(scope: Scope, revision: int) -> tuple[Hashable, ...]:
    """The request as sent; today's date is in it because `as_of` defaults to today."""
    return ("as-sent", revision, dt.date.today(), scope["path"], scope["query_string"])


def _etag(key: tuple[Hashable, ...]) -> str:
    digest = hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest()
    return f'"r{key[0]}-{digest}"'


def matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (weak or strong) or is `*`."""
    if not header:
        return False
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/")
        if tag == etag or tag == "*":
            return True
    return False
