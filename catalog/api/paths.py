"""Where a request sits in the app when a proxy serves it under a prefix (`--root-path`).

Under uvicorn `--root-path /catalog` a request's ASGI `path` already starts with the prefix
(the ASGI spec); Starlette's routing matches the rest. Middleware that looks at paths must
look at that rest too, and links the app writes must put the prefix back.
"""

from __future__ import annotations

from starlette.types import Scope


def route_path(scope: Scope) -> str:
    """The path the routes match: `path` without the root path (as Starlette's routing)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path  # a server or test client that left the prefix off the path
    if path == root:
        return "/"
    return path[len(root) :] if path[len(root)] == "/" else path


def link_root(scope: Scope) -> str:
    """What every link the app writes starts with: the root path, without a final `/`."""
    root: str = scope.get("root_path", "")
    return root.rstrip("/")
