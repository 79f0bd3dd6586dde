"""Production behaviour with real processes on loopback, each bounded in time: replicas
following a load under traffic, a database cut off and back, a SQLite file held by a writer,
a worker killed, a graceful SIGTERM. PostgreSQL is cut through a proxy of the test's own:
the shared server is never stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from production_support import (
    CLI,
    Load,
    Outcome,
    PrivatePostgres,
    TcpProxy,
    environment,
    server,
)
from sqlalchemy.engine import make_url

from catalog.store.resources import seed_path

from conftest import new_database_url

pytestmark = pytest.mark.slow
SEED_TITLE = "Supported foundation models on Mosaic AI Model Serving (Swedish machine translation)"
NEW_TITLE = "Retitled under load"
DBRX = "/v1/models/databricks-dbrx-instruct"
PATHS = [DBRX, "/v1/resolve?model=gpt-4o&provider=openai", "/v1/models?provider=openai&limit=5"]


def prepared(url: str, env: dict[str, str]) -> None:
    for command in (["db", "upgrade"], ["load"]):
        subprocess.run(
            [*CLI, *command, "--database-url", url], env=env, check=True, capture_output=True
        )


def load_retitled_seed(url: str, env: dict[str, str], directory: Path) -> None:
    """`model-catalog load` of the shipped seed with its title changed: a new revision."""
    changed = directory / "changed.yaml"
    text = seed_path().read_text(encoding="utf-8")
    changed.write_text(text.replace(SEED_TITLE, NEW_TITLE), encoding="utf-8")
    subprocess.run(
        [*CLI, "load", str(changed), "--database-url", url],
        env=env,
        check=True,
        capture_output=True,
    )


def revision_of(outcome: Outcome) -> int:
    assert outcome.headers is not None, outcome.error
    values = outcome.headers.get_list("x-catalog-revision")
    assert len(values) == 1, values
    return int(values[0])


def test_two_replicas_under_load_follow_a_load_without_a_failed_request(tmp_path: Path) -> None:
    for url in new_database_url("postgresql", tmp_path):
        env = environment()
        prepared(url, env)
        options = ("--database-url", url, "--reload-seconds", "1")
        with server(*options, env=env) as first, server(*options, env=env) as second:
            urls = [f"{s.base}{p}" for s in (first, second) for p in PATHS]
            with Load(urls, threads=4) as load:
                time.sleep(1.0)
                before = revision_of(load.since(0)[0])
                load_retitled_seed(url, env, tmp_path)
                loaded = time.monotonic()
                caught_up = {}
                for replica in (first, second):
                    seen = load.wait_for(
                        lambda o, base=replica.base, old=before: (
                            o.status == 200 and o.url.startswith(base) and revision_of(o) > old
                        ),
                        timeout=15,
                    )
                    caught_up[replica.base] = seen.at - loaded
                time.sleep(1.0)
            outcomes = load.since(0)
        failed = [o for o in outcomes if o.status != 200]
        assert not failed, failed[:3]
        assert len(outcomes) > 100
        for outcome in outcomes:
            revision = revision_of(outcome)  # exactly one revision header on every response
            if outcome.url.endswith(DBRX):
                # the body matches its revision: never new data under the old one or vice versa
                assert (NEW_TITLE.encode() in outcome.body) == (revision > before)
        # within the reload interval (1 s), plus the read itself and the loader's commit
        assert max(caught_up.values()) < 1.0 + 2.0, caught_up


def test_postgresql_cut_off_under_load_serves_the_last_snapshot_then_recovers(
    tmp_path: Path,
) -> None:
    for url in new_database_url("postgresql", tmp_path):
        env = environment()
        prepared(url, env)
        target = make_url(url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        proxy.start()
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        try:
            options = ("--database-url", proxied, "--reload-seconds", "0.5")
            with server(*options, env=env) as api:
                with Load([f"{api.base}{p}" for p in PATHS], threads=3, timeout=10) as load:
                    time.sleep(0.5)
                    proxy.cut()
                    cut_at = time.monotonic()
                    _wait_status(f"{api.base}/readyz", 503, timeout=10)
                    stale = load.wait_for(
                        lambda o: (
                            o.status == 200
                            and o.headers is not None
                            and o.headers.get("x-catalog-stale") == "true"
                        ),
                        timeout=10,
                    )
                    assert stale.at >= cut_at - 1
                    time.sleep(2.0)  # a while without the database, still under load
                    proxy.start()
                    restored_at = time.monotonic()
                    _wait_status(f"{api.base}/readyz", 200, timeout=15)
                    fresh = load.wait_for(
                        lambda o, since=restored_at: (
                            o.status == 200
                            and o.at > since
                            and o.headers is not None
                            and "x-catalog-stale" not in o.headers
                        ),
                        timeout=10,
                    )
                    assert fresh.status == 200
                outcomes = load.since(0)
        finally:
            proxy.close()
        _all_answered(outcomes, within=5.0, why="a request hung while the database was away")


def test_postgresql_stopped_under_load_serves_the_last_snapshot_then_recovers() -> None:
    """A real PostgreSQL server of the test's own, stopped (`pg_ctl stop -m fast`) and
    started again under load: the worker answers from its snapshot, says it is stale, /readyz
    turns 503 and back, and nothing is restarted."""
    database = PrivatePostgres()
    try:
        env = environment(MODEL_CATALOG_CONNECT_TIMEOUT="2")
        prepared(database.url, env)
        options = ("--database-url", database.url, "--reload-seconds", "0.5")
        with server(*options, env=env) as api:
            paths = [*PATHS, "/v1/meta", "/feeds/changes.atom", "/healthz"]
            with Load([f"{api.base}{p}" for p in paths], threads=3, timeout=10) as load:
                time.sleep(0.5)
                database.stop()
                stopped_at = time.monotonic()
                _wait_status(f"{api.base}/readyz", 503, timeout=10)
                stale = load.wait_for(_is_stale, timeout=10)
                assert stale.status == 200 and stale.at >= stopped_at - 1
                time.sleep(2.0)  # a while without the database, still under load
                database.start()
                started_at = time.monotonic()
                _wait_status(f"{api.base}/readyz", 200, timeout=15)
                load.wait_for(lambda o, since=started_at: _is_fresh(o, since), timeout=10)
            outcomes = load.since(0)
    finally:
        database.close()
    _all_answered(outcomes, within=5.0, why="a request hung while the database was down")


def test_a_frozen_postgresql_never_stalls_the_api() -> None:
    """The test's own PostgreSQL server and its backends SIGSTOPped under load: connections
    stay open and nothing answers, so the server's statement timeout can never fire. Every
    data request, /v1/meta and the feed answer from the snapshot at once and say they are
    stale; a storm of /readyz probes answers 503 within its bound and never takes the
    worker threads; the client-side deadline drops the silent connections; and once the
    server runs again everything recovers without a restart."""
    database = PrivatePostgres()
    try:
        env = environment(MODEL_CATALOG_STATEMENT_TIMEOUT="1", MODEL_CATALOG_CONNECT_TIMEOUT="1")
        prepared(database.url, env)
        paths = [*PATHS, "/v1/meta", "/feeds/changes.atom", "/healthz"]
        options = ("--database-url", database.url, "--reload-seconds", "0.5")
        with server(*options, env=env) as api:
            base = api.base
            for path in paths:  # every answer computed once before the freeze
                assert httpx.get(f"{base}{path}", timeout=5).status_code == 200
            with Load([f"{base}{p}" for p in paths], threads=3, timeout=10) as load:
                database.freeze()
                frozen_at = time.monotonic()
                probes = _concurrently(f"{base}/readyz", count=60, timeout=10)
                assert {status for status, _ in probes} == {503}, probes[:3]
                assert max(seconds for _, seconds in probes) < 5.0, "a probe hung"
                assert load.wait_for(_is_stale, timeout=15).status == 200
                time.sleep(8)  # past the deadline (1 s + 5 s): the connections are cut
                failures = _metric(f"{base}/metrics", "model_catalog_reload_failures")
                assert failures >= 1, failures
                database.thaw()
                thawed_at = time.monotonic()
                _wait_status(f"{base}/readyz", 200, timeout=15)
                load.wait_for(lambda o, since=thawed_at: _is_fresh(o, since), timeout=10)
            outcomes = load.since(frozen_at)
    finally:
        database.close()
    _all_answered(outcomes, within=2.0, why="a request waited on the frozen database")


def _all_answered(outcomes: list[Outcome], within: float, why: str) -> None:
    """Every request of a load answered 200, in time, without a traceback."""
    assert outcomes
    assert all(o.status == 200 for o in outcomes), [o for o in outcomes if o.status != 200][:3]
    assert max(o.seconds for o in outcomes) < within, why
    assert not any(b"Traceback" in o.body for o in outcomes)


def _is_stale(outcome: Outcome) -> bool:
    return outcome.headers is not None and outcome.headers.get("x-catalog-stale") == "true"


def _is_fresh(outcome: Outcome, since: float) -> bool:
    """A data answer sent after `since` that is not stale."""
    return (
        outcome.at > since
        and outcome.status == 200
        and outcome.headers is not None
        and "x-catalog-stale" not in outcome.headers
        and outcome.url.endswith(DBRX)
    )


def _concurrently(url: str, count: int, timeout: float) -> list[tuple[int | None, float]]:
    """`count` GETs of `url` at once, each on its own connection: (status, seconds) each."""
    results: list[tuple[int | None, float]] = []
    lock = threading.Lock()

    def one() -> None:
        started = time.monotonic()
        try:
            status: int | None = httpx.get(url, timeout=timeout).status_code
        except httpx.TransportError:
            status = None
        with lock:
            results.append((status, time.monotonic() - started))

    workers = [threading.Thread(target=one) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout + 5)
    return results


def _metric(url: str, name: str) -> float:
    """The sum of one metric's samples in a Prometheus text scrape."""
    text = httpx.get(url, timeout=5).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


def test_the_refresher_survives_a_revision_it_cannot_read(tmp_path: Path) -> None:
    """A revision whose rows the reader rejects (a date edited by hand into the SQLite file)
    is logged and counted; the worker keeps serving the revision it has, and its refresher
    takes the next good revision: it never dies quietly on the error."""
    path = tmp_path / "catalog.sqlite3"
    url = f"sqlite:///{path}"
    env = environment()
    prepared(url, env)
    with server("--database-url", url, "--reload-seconds", "0.5", env=env) as api:
        first = httpx.get(f"{api.base}{DBRX}", timeout=5)
        assert first.status_code == 200
        revision = int(first.headers["x-catalog-revision"])
        with sqlite3.connect(path) as writer:
            offering, retires_on = writer.execute(
                "SELECT id, retires_on FROM offerings WHERE retires_on IS NOT NULL LIMIT 1"
            ).fetchone()
            writer.execute("UPDATE offerings SET retires_on = 'soon' WHERE id = ?", (offering,))
            _new_revision(writer)
        deadline = time.monotonic() + 10
        while _metric(f"{api.base}/metrics", "model_catalog_reload_failures") < 2:
            assert time.monotonic() < deadline, "the bad revision was never counted"
            time.sleep(0.2)
        still = httpx.get(f"{api.base}{DBRX}", timeout=5)
        assert still.status_code == 200
        assert int(still.headers["x-catalog-revision"]) == revision
        with sqlite3.connect(path) as writer:
            writer.execute(
                "UPDATE offerings SET retires_on = ? WHERE id = ?", (retires_on, offering)
            )
            _new_revision(writer)
        deadline = time.monotonic() + 10
        while int(httpx.get(f"{api.base}{DBRX}", timeout=5).headers["x-catalog-revision"]) < (
            revision + 2
        ):
            assert time.monotonic() < deadline, "the refresher stopped after the bad revision"
            time.sleep(0.2)


def _new_revision(writer: sqlite3.Connection) -> None:
    writer.execute(
        "INSERT INTO catalog_revisions (loaded_at, seed_sha256, summary) "
        "VALUES (datetime('now'), ?, 'edited by hand')",
        ("0" * 64,),
    )


def _wait_status(url: str, status: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=5)
            last = response.status_code
            if response.status_code == status:
                assert b"Traceback" not in response.content
                return
        except httpx.TransportError as error:
            last = error
        time.sleep(0.1)
    pytest.fail(f"{url} never answered {status} within {timeout} s (last: {last})")


@pytest.mark.parametrize("lock", ["IMMEDIATE", "EXCLUSIVE"])
def test_a_sqlite_file_held_by_a_writer_keeps_serving(tmp_path: Path, lock: str) -> None:
    path = tmp_path / "held.sqlite3"
    url = f"sqlite:///{path}"
    env = environment()
    prepared(url, env)
    with server("--database-url", url, "--reload-seconds", "0.2", env=env) as api:
        with Load([f"{api.base}{p}" for p in PATHS], threads=3, timeout=10) as load:
            time.sleep(0.5)
            writer = sqlite3.connect(path, isolation_level=None)
            writer.execute(f"BEGIN {lock}")
            writer.execute("UPDATE sources SET title = title")
            held_at = time.monotonic()
            time.sleep(3.0)  # longer than the reload interval, many checks while held
            writer.execute("ROLLBACK")
            writer.close()
            time.sleep(0.5)
        during = [o for o in load.since(held_at) if o.at < held_at + 3.0]
        outcomes = load.since(0)
    assert len(during) > 10
    assert all(o.status == 200 for o in outcomes), [o for o in outcomes if o.status != 200][:3]
    assert max(o.seconds for o in during) < 2.0, "a request waited on the writer's lock"


def _children(pid: int) -> list[int]:
    import psutil

    return [child.pid for child in psutil.Process(pid).children()]


def test_a_worker_killed_under_load_leaves_the_others_answering(tmp_path: Path) -> None:
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"))
    with server("--workers", "2", env=env) as api:
        deadline = time.monotonic() + 30
        while len(workers := _children(api.process.pid)) < 2:
            assert time.monotonic() < deadline, "two workers never started"
            time.sleep(0.2)
        with Load([f"{api.base}{p}" for p in PATHS], threads=4, timeout=10) as load:
            time.sleep(0.5)
            os.kill(workers[0], signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(3.0)
        after = [o for o in load.since(killed_at + 0.5)]
        around = load.since(killed_at - 0.5)
    assert len(after) > 20
    assert all(o.status == 200 for o in after), [o for o in after if o.status != 200][:3]
    # only requests in flight on the killed worker at that instant may have failed
    assert sum(o.status != 200 for o in around) <= 4


def test_sigterm_lets_a_request_in_flight_finish(tmp_path: Path) -> None:
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"))
    with server(env=env) as api:
        port = int(api.base.rsplit(":", 1)[1])
        body = b'{"models": ["gpt-4o", "databricks-dbrx-instruct"]}'
        head = (
            f"POST /v1/resolve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(head + body[:10])  # the request is in flight: half its body
            time.sleep(0.3)
            os.kill(api.process.pid, signal.SIGTERM)
            time.sleep(0.5)
            # no new connection is accepted while it drains
            with pytest.raises(httpx.TransportError):
                httpx.get(f"{api.base}/healthz", timeout=2)
            connection.sendall(body[10:])
            reply = b""
            while chunk := connection.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
        assert b'"status"' in reply and b"Traceback" not in reply
        # uvicorn drains, then ends by the signal it got (exit status -SIGTERM), or 0
        assert api.process.wait(timeout=15) in (0, -signal.SIGTERM)


def test_sigterm_cuts_a_stalled_request_off_after_the_graceful_timeout(tmp_path: Path) -> None:
    # the body deadline is set far off, so that only the graceful timeout can end the request
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"), MODEL_CATALOG_BODY_TIMEOUT="300")
    with server("--graceful-timeout", "2", env=env) as api:
        port = int(api.base.rsplit(":", 1)[1])
        head = (
            b"POST /v1/resolve HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(head + b'{"models": [')  # and nothing more, ever
            time.sleep(0.3)
            stopped = time.monotonic()
            os.kill(api.process.pid, signal.SIGTERM)
            try:
                code = api.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pytest.fail("a stalled client kept a SIGTERMed server alive past 20 s")
            took = time.monotonic() - stopped
            with contextlib.suppress(ConnectionResetError):
                connection.recv(65536)  # an answer or a close: either way, not held open
        assert code in (0, -signal.SIGTERM)
        assert 1.5 <= took < 8, f"exited {took:.1f} s after SIGTERM, with --graceful-timeout 2"


def test_the_graceful_timeout_is_finite_by_default_and_matches_the_dockerfile() -> None:
    from typer.main import get_command

    from catalog.cli.app import app

    serve = get_command(app).commands["serve"]  # type: ignore[attr-defined]
    (option,) = [p for p in serve.params if p.name == "graceful_timeout"]
    assert option.default == 30
    dockerfile = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text(encoding="utf-8")
    assert '"--graceful-timeout", "30"' in dockerfile


def test_metrics_sum_over_workers_with_a_multiprocess_directory(tmp_path: Path) -> None:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"), PROMETHEUS_MULTIPROC_DIR=str(directory))
    with server("--workers", "2", env=env) as api, httpx.Client(timeout=10) as client:
        for _ in range(40):  # new connections: both workers get some
            client.get(f"{api.base}{DBRX}", headers={"Connection": "close"})
        scrapes = [client.get(f"{api.base}/metrics").text for _ in range(4)]
    totals = set()
    for text in scrapes:
        total = sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("model_catalog_http_requests_total{")
            and 'route="/v1/models/{name:path}"' in line
        )
        totals.add(total)
        assert "model_catalog_snapshot_revision{" in text and 'pid="' in text
    # whichever worker answers the scrape, the count is the sum over both
    assert totals == {40.0}, totals


def _per_worker(text: str, name: str) -> dict[str, float]:
    """pid -> value of one per-worker gauge in a Prometheus text scrape."""
    found = {}
    for line in text.splitlines():
        if line.startswith(name + "{"):
            labels, value = line.rsplit(" ", 1)
            pid = labels.split('pid="', 1)[1].split('"', 1)[0]
            found[pid] = float(value)
    return found


def test_one_scrape_shows_every_workers_revision_and_drops_a_killed_one(tmp_path: Path) -> None:
    """Several workers share PROMETHEUS_MULTIPROC_DIR: whichever answers the scrape, every
    worker's revision, age and staleness show (label pid); after a load each moves to the
    new revision; a SIGKILLed worker's series go (uvicorn starts another, whose appear)."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    env = environment(PROMETHEUS_MULTIPROC_DIR=str(directory))
    prepared(url, env)
    options = ("--workers", "2", "--database-url", url, "--reload-seconds", "0.5")
    with server(*options, env=env) as api, httpx.Client(timeout=10) as client:

        def scrape_until(wanted: Callable[[dict[str, float]], bool], what: str) -> dict[str, float]:
            deadline = time.monotonic() + 20
            while True:
                text = client.get(f"{api.base}/metrics", headers={"Connection": "close"}).text
                revisions = _per_worker(text, "model_catalog_snapshot_revision")
                if wanted(revisions):
                    assert set(_per_worker(text, "model_catalog_stale")) == set(revisions)
                    assert set(_per_worker(text, "model_catalog_snapshot_age_seconds")) == set(
                        revisions
                    )
                    return revisions
                assert time.monotonic() < deadline, f"{what}: {revisions}"
                time.sleep(0.2)

        children = {str(pid) for pid in _children(api.process.pid)}
        first = scrape_until(lambda r: len(r) == 2 and set(r) <= children, "both workers")
        assert set(first.values()) == {1.0}
        workers = set(first)

        load_retitled_seed(url, env, tmp_path)
        scrape_until(lambda r: set(r) == workers and set(r.values()) == {2.0}, "both moved on")

        killed = sorted(workers)[0]
        os.kill(int(killed), signal.SIGKILL)
        scrape_until(  # its replacement shows once it has read its first snapshot
            lambda r: killed not in r and len(r) == 2 and set(r.values()) == {2.0},
            "the killed worker's series gone, its replacement's on the new revision",
        )
