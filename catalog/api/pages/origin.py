"""Where the links in a page or feed point, and what the answer therefore depends on.

Pages link by path under the root path (`/catalog/models/...`), the same for every client.
Feeds need absolute URLs: the configured public URL (`serve --public-url`) when there is
one; otherwise this request's own scheme, Host and root path, so the cached answer is kept
per base URL and says `Vary: Host`, and no client's Host header reaches another client.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from catalog.api.paths import link_root
from catalog.api.settings import ApiSettings

VARY_BY_REQUEST = "Host, X-Forwarded-Proto"  # what request.base_url is made of, besides config


@dataclass(frozen=True)
class Links:
    base: str  # what every link starts with: "/catalog", or "https://example.com/catalog"
    vary: str | None = None  # the request headers `base` came from, if any


def by_path(request: Request) -> Links:
    return Links(link_root(request.scope))


def absolute(request: Request) -> Links:
    settings: ApiSettings = request.app.state.settings
    if settings.public_url:
        return Links(settings.public_url)
    return Links(str(request.base_url).rstrip("/"), VARY_BY_REQUEST)
