"""Request body limits, enforced before a body is parsed (pure ASGI: no per-request task):
a size, and a deadline for the body to arrive."""

from __future__ import annotations

from dataclasses import dataclass

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from catalog.api.errors import error_response

# The rest of a refused body is never read, so the connection cannot carry another request.
CLOSE = {"Connection": "close"}


@dataclass(frozen=True, slots=True)
class _Read:
    """What reading a body gave: the whole body, a message that is not body, or too much."""

    body: bytes = b""
    other: Message | None = None
    too_large: bool = False


class BodySizeLimit:
    """Refuse a body over `max_bytes` with 413, by its Content-Length or as it streams in, and
    one that has not arrived within `body_seconds` with 408; both close the connection.

    Bodies here are small JSON (a batch of names), so buffering one up to the limit is cheap.
    The deadline stops a client that sends part of a body and waits from holding the request
    (and a worker's connection slot) open for as long as it likes.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, body_seconds: float = 10.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_seconds = body_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        read: _Read | None = None
        with anyio.move_on_after(self.body_seconds):
            read = await self._read(receive)
        if read is None:
            message = f"the request body did not arrive within {self.body_seconds:g} seconds"
            response = error_response(408, message, parameter="body", headers=CLOSE)
            await response(scope, receive, send)
        elif read.too_large:
            await self._too_large(scope, receive, send)
        elif read.other is not None:
            await self.app(scope, _replay([read.other]), send)
        else:
            body = {"type": "http.request", "body": read.body, "more_body": False}
            await self.app(scope, _replay([body], receive), send)

    async def _read(self, receive: Receive) -> _Read:
        """The body, whole, up to the limit (a Content-Length may be absent or a lie)."""
        chunks: list[bytes] = []
        seen = 0
        while True:
            received = await receive()
            if received["type"] != "http.request":
                return _Read(other=received)
            chunk = received.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                return _Read(too_large=True)
            chunks.append(chunk)
            if not received.get("more_body", False):
                return _Read(body=b"".join(chunks))

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over the limit of {self.max_bytes} bytes"
        response = error_response(413, message, parameter="body", headers=CLOSE)
        await response(scope, receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


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
