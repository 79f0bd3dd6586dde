"""Request ids, the access log, request metrics and the stale-data header, in one pure-ASGI
middleware that wraps everything else (so it sees the final status and the whole duration).

- `X-Request-ID`: a well-formed id from the client (or the proxy in front) is kept, else one
  is made; it goes back on the response and onto every log line written meanwhile.
- `X-Catalog-Stale: true` on every answer given from the last snapshot while the database
  is unreachable (see `Catalog.stale`); `/readyz` says 503 meanwhile.
"""

from __future__ import annotations

import logging
import os
import re
import time
import uuid

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.api.metrics import Metrics, metrics_endpoint
from catalog.api.paths import route_path
from catalog.library import Catalog
from catalog.logs import request_id
from catalog.settings import ACCESS_LOG_VARIABLE

REQUEST_ID_HEADER = "X-Request-ID"
STALE_HEADER = "X-Catalog-Stale"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
OPERATIONAL = frozenset({"/healthz", "/readyz", "/metrics"})  # never "stale": about the process
TEMPLATES_KEPT = 10_000
UNMATCHED = "unmatched"  # one label for every path no route knows: bounded cardinality

access_log = logging.getLogger("catalog.access")


class Observe:
    def __init__(self, app: ASGIApp, *, catalog: Catalog, metrics: Metrics, log: bool) -> None:
        self.app = app
        self.catalog = catalog
        self.metrics = metrics
        self.log = log
        self.templates: dict[str, str] = {}  # raw path -> its route's template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _incoming_id(scope) or uuid.uuid4().hex
        token = request_id.set(rid)
        status = 500
        data = route_path(scope) not in OPERATIONAL  # the API and the pages answer from data

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", rid.encode()))
                if data and self.catalog.stale:  # read now: this request may have found out
                    headers.append((b"x-catalog-stale", b"true"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = self._route(scope)
            self.metrics.observe(route, scope["method"], status, seconds)
            if self.log:
                access_log.info(
                    "%s %s %d",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "request_id": rid,
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                        "client": (scope.get("client") or ("-",))[0],
                    },
                )
            request_id.reset(token)

    def _route(self, scope: Scope) -> str:
        """The route's template (`/v1/models/{name:path}`), never the raw path.

        A request answered before routing (the cached front) has no route of its own; it
        was routed once before, when the answer was cached, and its template remembered.
        """
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            if len(self.templates) >= TEMPLATES_KEPT:
                self.templates.clear()
            self.templates[scope["path"]] = path
            return path
        return self.templates.get(scope["path"], UNMATCHED)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _ACCEPTED_ID.fullmatch(text) else None
    return None


def install_operations(app: FastAPI, catalog: Catalog) -> None:
    """`/metrics`, and the middleware above as the outermost layer (call it last)."""
    metrics = app.state.metrics = Metrics(catalog, app.state.answerer)
    app.add_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    app.add_middleware(
        Observe,
        catalog=catalog,
        metrics=metrics,
        log=os.environ.get(ACCESS_LOG_VARIABLE, "0").strip() in ("1", "true", "yes"),
    )
