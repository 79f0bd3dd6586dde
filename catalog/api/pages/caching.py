"""ETags for pages: from the catalog revision, the day, the request, where its links point
and the page code.

The tag is known before rendering, so a revalidation that matches costs no rendering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict

from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response

from catalog.api.answer import REVISION_HEADER
from catalog.api.pages.origin import Links
from catalog.api.pages.render import static_version
from catalog.api.paths import route_path

CACHE_CONTROL = "public, max-age=60"


def page_etag(request: Request, revision: int, today: dt.date, links: Links) -> str:
    """Two requests share a tag only if their pages are the same bytes: same links too."""
    query = "&".join(sorted(request.url.query.split("&"))) if request.url.query else ""
    path = route_path(request.scope)
    key = f"{revision}|{today.isoformat()}|{links.base}|{path}?{query}|{static_version()}"
    return f'"r{revision}-' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'


def matches(request: Request, etag: str) -> bool:
    """`If-None-Match` holds the tag (weak or strong) or `*`."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def not_modified(etag: str, revision: int, links: Links) -> Response:
    return Response(status_code=304, headers=_headers(etag, revision, links))


def cached(response: Response, etag: str, revision: int, links: Links) -> Response:
    response.headers.update(_headers(etag, revision, links))
    return response


def _headers(etag: str, revision: int, links: Links) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, REVISION_HEADER: str(revision)}
    if links.vary:  # a shared cache must not hand one Host's links to another
        headers["Vary"] = links.vary
    return headers


class PageCache:
    """Rendered pages by ETag: the tag names the revision, the day and the URL, so an entry
    never goes stale, it only ages out (bounded LRU, one per app)."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[bytes, int, list[tuple[bytes, bytes]]]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def get(self, etag: str) -> Response | None:
        with self._lock:
            found = self._entries.get(etag)
            if found is None:
                return None
            self._entries.move_to_end(etag)
        body, status, headers = found
        response = Response(body, status_code=status)
        response.raw_headers = list(headers)
        return response

    def put(self, etag: str, response: Response) -> None:
        with self._lock:
            self._entries[etag] = (
                bytes(response.body),
                response.status_code,
                list(response.raw_headers),
            )
            self._entries.move_to_end(etag)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


_CACHE_LOCK = threading.Lock()


def page_cache(app_state: State) -> PageCache:
    with _CACHE_LOCK:
        cache: PageCache | None = getattr(app_state, "page_cache", None)
        if cache is None:
            cache = PageCache()
            app_state.page_cache = cache
        return cache
