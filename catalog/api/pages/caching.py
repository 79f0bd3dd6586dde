"""ETags for pages: from the catalog revision, the day, the request and the page code.

The tag is known before rendering, so a revalidation that matches costs no rendering.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from starlette.requests import Request
from starlette.responses import Response

from catalog.api.pages.render import static_version

CACHE_CONTROL = "public, max-age=60"


def page_etag(request: Request, revision: int, today: dt.date) -> str:
    query = "&".join(sorted(request.url.query.split("&"))) if request.url.query else ""
    key = f"{revision}|{today.isoformat()}|{request.url.path}?{query}|{static_version()}"
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def matches(request: Request, etag: str) -> bool:
    """`If-None-Match` holds the tag (weak or strong) or `*`."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})


def cached(response: Response, etag: str) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
