"""Hostile input at the HTTP face: oversized bodies, paths, query strings and headers,
malformed UTF-8, NUL bytes, bodies that are not JSON. Every one ends in a clear 4xx (or a
correct answer), never a 500, a traceback or a hang; on both engines (a NUL byte that
reached PostgreSQL would be a server error)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import pytest
from production_support import environment, server

from catalog import Catalog

from api_support import Api, make_api

LIMIT_SECONDS = 5.0  # no single hostile request may take longer than this


@pytest.fixture
def api(catalog: Catalog) -> Api:
    return make_api(catalog)


def sane(response: httpx.Response, *allowed: int) -> None:
    """Not a server error, no traceback, and an error in the one JSON shape."""
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert b"Traceback" not in response.content
    if allowed:
        assert response.status_code in allowed, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["message"], body


def timed(call: object) -> httpx.Response:
    started = time.monotonic()
    response = call()  # type: ignore[operator]
    assert time.monotonic() - started < LIMIT_SECONDS, "took too long"
    return response  # type: ignore[no-any-return]


HOSTILE_NAMES = [
    "a\x00b",
    "\x00" * 50,
    "gpt-4o\x00",
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "ｇｐｔ－４ｏ",  # fullwidth
    "gpt-4o" + "\u0301" * 200,  # combining marks
    "../../etc/passwd",
    "%00%ff%fe",
    "'; DROP TABLE models; --",
    "x" * 20_000,
    "-" * 5_000,
    "🦙" * 1_000,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_names_in_every_read(api: Api, name: str) -> None:
    encoded = name.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    in_path = quote(encoded, safe="/")
    for response in (
        timed(lambda: api.get("/v1/models/" + in_path)),
        timed(lambda: api.get("/v1/resolve", params={"model": encoded})),
        timed(lambda: api.get("/v1/models", params={"q": encoded, "provider": encoded})),
        timed(lambda: api.get(f"/v1/providers/{in_path}")),
        timed(lambda: api.get("/v1/deprecations", params={"provider": encoded})),
        timed(lambda: api.post("/v1/resolve", json={"models": [encoded, "gpt-4o"]})),
    ):
        sane(response)


RAW_PATHS = [
    b"/v1/models/%FF%FE%FD",  # percent-encoded bytes that are not UTF-8
    b"/v1/models/%C0%AF",  # an overlong encoding
    b"/v1/models/abc%00def",
    b"/v1/resolve?model=%FF%00&task=%FE",
    b"/v1/resolve?model=gpt-4o&as_of=%00",
    b"/v1/resolve?model=gpt-4o&as_of=99999-99-99",
    b"/v1/models?limit=%FF&cursor=%00%00",
    b"/v1/models?cursor=" + b"A" * 10_000,
    b"/v1/models?" + b"&".join(b"q=%d" % i for i in range(2_000)),
    b"/v1/models/" + b"a/" * 5_000,
]


@pytest.mark.parametrize("raw", RAW_PATHS, ids=range(len(RAW_PATHS)))
def test_malformed_paths_and_query_strings(api: Api, raw: bytes) -> None:
    url = httpx.URL("http://catalog.test").copy_with(raw_path=raw)
    sane(timed(lambda: api.get(url)))


PAGE_PATHS = [
    b"/models/%FF%FE%FD",
    b"/models/abc%00def",
    b"/models/" + b"x" * 20_000,
    b"/models/" + b"a/" * 5_000,
    b"/models/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    b"/?q=%00%FF&provider=%FE&task=%00",
    b"/?q=" + b"%F0%9F%A6%99" * 2_000,
    b"/?" + b"&".join(b"provider=%d" % i for i in range(2_000)),
    b"/deprecations?as_of=%00&within_days=99999999999999999999&provider=%FF",
    b"/v1/deprecations.ics?provider=%00&as_of=0000-00-00",
    b"/feeds/changes.atom?%FF=%FF",
    b"/static/..%2F..%2Fetc%2Fpasswd",
    b"/static/%00",
]


@pytest.mark.parametrize("raw", PAGE_PATHS, ids=range(len(PAGE_PATHS)))
def test_malformed_input_to_the_pages(api: Api, raw: bytes) -> None:
    url = httpx.URL("http://catalog.test").copy_with(raw_path=raw)
    response = timed(lambda: api.get(url, headers={"Accept": "text/html"}))
    assert response.status_code < 500, (raw[:80], response.status_code, response.text[:300])
    assert b"Traceback" not in response.content
    assert b"<script>alert(1)" not in response.content  # escaped, never echoed raw


BODIES: list[tuple[str, bytes]] = [
    ("not json", b"models: [gpt-4o]"),
    ("invalid utf-8", b'{"models": ["\xff\xfe"]}'),
    ("nul in json", b'{"models": ["a\\u0000b"]}'),
    ("raw nul", b'{"models": ["a\x00b"]}'),
    ("deep nesting", b"[" * 10_000 + b"]" * 10_000),
    ("wrong type", b'{"models": "gpt-4o"}'),
    ("huge number", b'{"models": ["gpt-4o"], "within_days": 1' + b"0" * 5_000 + b"}"),
    ("empty", b""),
    ("binary", bytes(range(256)) * 8),
]


@pytest.mark.parametrize("label,body", BODIES, ids=[label for label, _ in BODIES])
def test_malformed_bodies(api: Api, label: str, body: bytes) -> None:
    response = timed(
        lambda: api.post("/v1/resolve", content=body, headers={"Content-Type": "application/json"})
    )
    sane(response)


def test_an_oversized_body_is_413_declared_or_streamed(api: Api) -> None:
    big = b'{"models": ["' + b"x" * 2_000_000 + b'"]}'
    sane(timed(lambda: api.post("/v1/resolve", content=big)), 413)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(40):
            yield b" " * 65_536

    async_api_response = timed(lambda: api.post("/v1/resolve", content=chunks()))
    sane(async_api_response, 413)


def test_too_many_names_is_413(api: Api) -> None:
    sane(api.post("/v1/resolve", json={"models": ["gpt-4o"] * 1_001}), 413)


def test_many_and_huge_headers_in_process(api: Api) -> None:
    headers = {f"X-Junk-{i}": "v" * 100 for i in range(200)}
    headers["If-None-Match"] = '"' + "x" * 50_000 + '"'
    headers["X-Request-ID"] = "\x7f" * 300
    sane(timed(lambda: api.get("/v1/models/gpt-4o", headers=headers)), 200)


# -- against a real server: what the HTTP parser itself does with abuse ----------------------

BODY_SECONDS = 2.0  # MODEL_CATALOG_BODY_TIMEOUT for the real server: a short wait for a body


@dataclass
class Reply:
    data: bytes
    closed: bool  # the server closed the connection (else it went quiet after answering)


def _exchange(port: int, data: bytes, bound: float = LIMIT_SECONDS) -> Reply:
    """Send `data`; the reply, once the server has answered (a status line) or closed.

    Neither within `bound` seconds is a hang, and fails the test. After a status line, the
    rest of the answer is read until the server closes or goes quiet (keep-alive).
    """
    deadline = time.monotonic() + bound
    reply = b""
    with socket.create_connection(("127.0.0.1", port), timeout=bound) as connection:
        with contextlib.suppress(OSError):  # it may close on us mid-send: an answer too
            connection.sendall(data)
        while (left := deadline - time.monotonic()) > 0:
            connection.settimeout(min(left, 0.5) if _status_line(reply) else left)
            try:
                chunk = connection.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                return Reply(reply, closed=True)
            if not chunk:
                return Reply(reply, closed=True)
            reply += chunk
    if not _status_line(reply):
        pytest.fail(f"no answer and no close within {bound:g} s after {data[:60]!r}")
    return Reply(reply, closed=False)


def _status_line(reply: bytes) -> bool:
    return reply.startswith(b"HTTP/1.") and b"\r\n" in reply


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `serve` process on the embedded catalog, with a short body deadline; its port."""
    env = environment(
        XDG_DATA_HOME=str(tmp_path_factory.mktemp("home")),
        MODEL_CATALOG_BODY_TIMEOUT=str(BODY_SECONDS),
    )
    with server(env=env) as api:
        yield int(api.base.rsplit(":", 1)[1])


ABUSE = [
    b"GET /v1/models/" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 200_000 + b"\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"X-H%d: v\r\n" % i for i in range(5_000))
    + b"\r\n",
    b"GET /v1/models/\xff\xfe\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
    b"POST /v1/resolve HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
    b"POST /v1/resolve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde",
]


@pytest.mark.parametrize("data", ABUSE, ids=range(len(ABUSE)))
def test_a_real_server_answers_abuse_without_a_500_or_a_hang(real_server: int, data: bytes) -> None:
    reply = _exchange(real_server, data).data
    assert not reply.startswith(b"HTTP/1.1 5"), reply[:200]
    assert b"Traceback" not in reply
    # and it still answers afterwards
    base = f"http://127.0.0.1:{real_server}"
    assert httpx.get(f"{base}/v1/models/gpt-4o", timeout=10).status_code == 200


def test_a_body_that_does_not_arrive_in_time_is_408_and_the_connection_closes(
    real_server: int,
) -> None:
    half_sent = (
        b"POST /v1/resolve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n" + b'{"models":'
    )
    started = time.monotonic()
    answer = _exchange(real_server, half_sent, bound=BODY_SECONDS + LIMIT_SECONDS)
    took = time.monotonic() - started
    reply = answer.data
    assert answer.closed, "the connection stayed open after the 408"
    assert reply.startswith(b"HTTP/1.1 408 "), reply[:200]
    assert took >= BODY_SECONDS - 0.5, f"refused after {took:.1f} s, before the deadline"
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    error = json.loads(body)["error"]
    assert error["status"] == 408 and error["parameter"] == "body", error
    assert "2 seconds" in error["message"]


def test_a_body_sent_slowly_within_the_deadline_is_answered(real_server: int) -> None:
    body = b'{"models": ["gpt-4o"]}'
    head = (
        b"POST /v1/resolve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    with socket.create_connection(("127.0.0.1", real_server), timeout=LIMIT_SECONDS) as sock:
        sock.sendall(head + body[:5])
        time.sleep(BODY_SECONDS / 2)
        sock.sendall(body[5:])
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 "), reply[:200]


def test_the_probe_fails_when_a_server_never_answers() -> None:
    """The control: a listener that accepts and says nothing must fail `_exchange`."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        with pytest.raises(pytest.fail.Exception, match="no answer and no close"):
            _exchange(port, ABUSE[5], bound=1.0)
