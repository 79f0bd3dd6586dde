"""The front door: a repeated GET is answered from cached bytes before routing.

Routing and FastAPI's parameter parsing cost more than everything else in a cached answer;
a request seen before at this revision skips both, and a client that accepts gzip gets the
body compressed once, not once per request. Anything not in the cache (a first request, an
error, a POST) goes on to the routes, which fill the cache.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from catalog.api.answer import Answerer, matches
from catalog.api.paths import route_path
from catalog.errors import CatalogError


class CachedFront:
    def __init__(self, app: ASGIApp, answerer: Answerer) -> None:
        self.app = app
        self.answerer = answerer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # only the catalog's answers are cached; /healthz and /readyz must reach their routes
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not route_path(scope).startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        try:
            found = self.answerer.cached_as_sent(scope)
        except CatalogError:  # the routes answer it, in the one error shape
            found = None
        if found is None:
            await self.app(scope, receive, send)
            return
        cached, revision = found
        self.answerer.front_answers += 1  # one event loop per worker: no lock needed
        if_none_match = accept_encoding = None
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                if_none_match = value.decode("latin-1")
            elif name == b"accept-encoding":
                accept_encoding = value
        if matches(if_none_match, cached.etag):
            headers = self.answerer.not_modified_headers(cached.etag, revision)
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        if accept_encoding is not None and b"gzip" in accept_encoding:
            cached = self.answerer.gzipped(scope, revision, cached)
        # a copy: middleware outside (gzip's Vary) edits the header list it is sent
        headers = list(cached.headers)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": cached.body})
