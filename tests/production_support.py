"""Helpers for the production tests: real server processes, a load generator, and a TCP
proxy that can cut a database off without touching the shared server behind it."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-m", "catalog"]


def wait_until_ready(
    process: subprocess.Popen[str], base: str, ready_path: str = "/healthz"
) -> None:
    """Poll `ready_path` until it answers 200; fail if the server exits or 60 s pass."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            stderr = process.stderr.read() if process.stderr else ""
            pytest.fail(f"server exited {process.returncode}: {stderr}")
        try:
            if httpx.get(f"{base}{ready_path}", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"server did not answer {ready_path} within 60 s")
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODEL_CATALOG_")}
    env.update(extra)
    return env


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]


@contextmanager
def server(*args: str, env: dict[str, str], ready_path: str = "/healthz") -> Iterator[Server]:
    """`model-catalog serve` on a free loopback port; stopped (SIGINT, then kill) afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--no-access-log", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its workers can be signalled as a group
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, base, ready_path)
        yield Server(base, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class Outcome:
    url: str
    at: float  # time.monotonic() when the request was sent
    seconds: float
    status: int | None  # None: a transport error (refused, reset, timed out)
    headers: httpx.Headers | None = None
    body: bytes = b""
    error: str = ""


@dataclass
class Load:
    """Requests sent back to back from a few threads until stopped; every outcome kept."""

    urls: list[str]
    threads: int = 4
    timeout: float = 10.0
    outcomes: list[Outcome] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _run(self, offset: int) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            index = offset
            while not self._stop.is_set():
                url = self.urls[index % len(self.urls)]
                index += self.threads
                started = time.monotonic()
                try:
                    response = client.get(url)
                    outcome = Outcome(
                        url,
                        started,
                        time.monotonic() - started,
                        response.status_code,
                        response.headers,
                        response.content,
                    )
                except httpx.TransportError as error:
                    outcome = Outcome(
                        url, started, time.monotonic() - started, None, error=repr(error)
                    )
                with self._lock:
                    self.outcomes.append(outcome)

    def __enter__(self) -> Load:
        for offset in range(self.threads):
            worker = threading.Thread(target=self._run, args=(offset,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)

    def since(self, moment: float) -> list[Outcome]:
        with self._lock:
            return [o for o in self.outcomes if o.at >= moment]

    def wait_for(self, predicate: Callable[[Outcome], bool], timeout: float) -> Outcome:
        """The first outcome (from now on) that satisfies `predicate`; fails after `timeout`."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            for outcome in self.since(start):
                if predicate(outcome):
                    return outcome
            time.sleep(0.05)
        pytest.fail(f"no matching response within {timeout} s")


class TcpProxy:
    """A loopback TCP forwarder to `target`, in a thread of its own, that can be cut (stop
    listening, drop every connection) and restored on the same port, or frozen: connections
    stay open and new ones are accepted, but nothing is forwarded either way until it thaws
    (a stopped server process, a stuck pooler, a host gone without closing its sockets)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.flowing = threading.Event()
        self.flowing.set()
        self.thread.start()

    def _call(self, coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(10)  # type: ignore[arg-type]

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                while not self.flowing.is_set():  # frozen: hold the bytes, answer nothing
                    await asyncio.sleep(0.02)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    async def _start(self) -> None:
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def start(self) -> None:
        self._call(self._start())

    def cut(self) -> None:
        self._call(self._cut())

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.thaw()
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class PrefixProxy:
    """A reverse proxy set up as the README's nginx example: it serves the app under `prefix`,
    strips the prefix, passes the client's Host on (`proxy_set_header Host $host`) and says
    X-Forwarded-For and X-Forwarded-Proto (`scheme`, as a proxy that terminates TLS would)."""

    # not passed on: hop-by-hop, or written by the proxy itself
    HOP_BY_HOP = frozenset(
        {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}
    )

    def __init__(self, prefix: str, target: str, scheme: str = "https") -> None:
        import http.client
        import http.server
        from urllib.parse import urlsplit

        upstream = urlsplit(target)
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if not self.path.startswith(prefix + "/"):
                    self.send_error(404, "not under the proxy's prefix")
                    return
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in owner.HOP_BY_HOP
                    and not k.lower().startswith("x-forwarded-")
                }
                headers["X-Forwarded-For"] = self.client_address[0]
                headers["X-Forwarded-Proto"] = scheme
                connection = http.client.HTTPConnection(
                    upstream.hostname or "127.0.0.1", upstream.port, timeout=10
                )
                try:
                    connection.request(self.command, self.path[len(prefix) :], headers=headers)
                    reply = connection.getresponse()
                    body = reply.read()
                    self.send_response(reply.status)
                    for name, value in reply.getheaders():
                        if name.lower() not in owner.HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(body)
                finally:
                    connection.close()

            do_HEAD = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> PrefixProxy:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def _private_postgres_problem() -> str | None:
    if not POSTGRES_BIN or not (POSTGRES_BIN[-1] / "initdb").exists():
        return "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "a private PostgreSQL server needs root and runuser (initdb refuses root itself)"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres user to run a private PostgreSQL server as"
    return None


class PrivatePostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary directory, a free port),
    which the test may really stop, start again, or freeze with SIGSTOP: the shared server
    on 5432 is never touched."""

    def __init__(self) -> None:
        problem = _private_postgres_problem()
        if problem is not None:
            if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
                pytest.fail(f"{problem} (CI must run the fault tests)")
            pytest.skip(problem)
        self.bin = POSTGRES_BIN[-1]
        self.directory = Path(tempfile.mkdtemp(prefix="mc-private-pg-"))
        shutil.chown(self.directory, "postgres")
        self.data = self.directory / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.start()

    def _as_postgres(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._as_postgres("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """A real fast shutdown: every client is told, every connection closed."""
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _processes(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == postmaster:  # the parent's pid, after the state
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def freeze(self) -> None:
        """SIGSTOP the server and its backends: connections stay open, nothing answers."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)

    def close(self) -> None:
        try:
            self.thaw()
            self.stop()
        except (OSError, subprocess.SubprocessError):
            pass
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
