"""A request size limit, enforced before a body is parsed (pure ASGI: no per-request task)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.api.errors import error_response


class BodySizeLimit:
    """Refuse a body over `max_bytes` with 413, by its Content-Length or as it streams in.

    Bodies here are small JSON (a batch of names), so buffering one up to the limit is cheap.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        message = f"the request body is over the limit of {self.max_bytes} bytes"
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    response = error_response(413, message, parameter="body")
                    await response(scope, receive, send)
                    return
        # No (honest) length: read the body here, up to the limit, then hand it on whole.
        chunks: list[bytes] = []
        seen = 0
        while True:
            received = await receive()
            if received["type"] != "http.request":
                await self.app(scope, _replay([received]), send)
                return
            chunk = received.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                response = error_response(413, message, parameter="body")
                await response(scope, receive, send)
                return
            chunks.append(chunk)
            if not received.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A receive that gives `messages` first, then defers to `then` (disconnects)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return replayed
