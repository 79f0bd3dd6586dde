"""A PostgreSQL server that hangs without closing its connections (a stopped process, a stuck
pooler or proxy, a host gone silent) is cut at the client-side deadline, never waited on for
ever; the held snapshot keeps answering meanwhile, and the catalog recovers on its own.

The server is frozen through a loopback proxy of the test's own (`TcpProxy.freeze`): TCP
stays up and every byte is held, so the server's statement timeout can never fire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from production_support import TcpProxy
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from catalog import Catalog
from catalog.errors import DatabaseUnavailable
from catalog.store.db import session_scope
from catalog.store.deadlines import GRACE_SECONDS

STATEMENT_TIMEOUT = 1.0
CONNECT_TIMEOUT = 1.0
ANSWER_DEADLINE = STATEMENT_TIMEOUT + GRACE_SECONDS


@pytest.fixture
def proxied(pg_seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, TcpProxy]]:
    """The seeded PostgreSQL catalog through a proxy that can freeze, with short timeouts."""
    monkeypatch.setenv("MODEL_CATALOG_STATEMENT_TIMEOUT", str(STATEMENT_TIMEOUT))
    monkeypatch.setenv("MODEL_CATALOG_CONNECT_TIMEOUT", str(CONNECT_TIMEOUT))
    target = make_url(pg_seeded_url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxy.start()
    url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        yield url, proxy
    finally:
        proxy.close()


def _timed(action: Callable[[], object], bound: float = 30.0) -> tuple[float, BaseException | None]:
    """How long `action` took and what it raised; run in a thread, so that a hang (the bug
    this file is about) fails the test after `bound` seconds instead of blocking it."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
        except BaseException as error:
            outcome.append(error)
        else:
            outcome.append(None)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(bound)
    if not outcome:
        pytest.fail(f"still waiting on the database after {bound:g} s: it hangs")
    return time.monotonic() - started, outcome[0]


def test_a_statement_to_a_frozen_server_is_cut_at_its_deadline(
    proxied: tuple[str, TcpProxy],
) -> None:
    url, proxy = proxied
    catalog = Catalog.open(url)
    try:

        def frozen_mid_session() -> None:
            with session_scope(catalog.engine) as session:
                session.execute(text("SELECT 1"))  # the connection is checked out and pinged
                proxy.freeze()
                session.execute(text("SELECT 2"))  # the server never answers this one

        waited, error = _timed(frozen_mid_session)
        assert isinstance(error, DatabaseUnavailable), error
        assert f"did not answer within {ANSWER_DEADLINE:g} s" in error.message
        assert "MODEL_CATALOG_STATEMENT_TIMEOUT" in error.message
        assert ANSWER_DEADLINE - 0.5 < waited < ANSWER_DEADLINE + 3, waited

        proxy.thaw()
        assert catalog.health().ok  # a fresh connection: no restart
    finally:
        catalog.close()


def test_a_pooled_connection_to_a_frozen_server_fails_its_ping_quickly(
    proxied: tuple[str, TcpProxy],
) -> None:
    """The pool's ping is armed too: the hang seen in a real server was there."""
    url, proxy = proxied
    catalog = Catalog.open(url)
    try:
        assert catalog.health().ok  # one connection in the pool now
        proxy.freeze()
        reports = []
        waited, error = _timed(lambda: reports.append(catalog.health()))
        assert error is None  # health() reports, never raises
        assert waited < CONNECT_TIMEOUT * 2 + 3, waited  # the ping, then one reconnect
        (report,) = reports
        assert not report.reachable
        problem = report.problem or ""
        assert "did not answer within" in problem or "cannot reach" in problem, problem
        proxy.thaw()
        assert catalog.health().ok
    finally:
        catalog.close()


def test_the_snapshot_read_is_cut_too_and_the_held_snapshot_keeps_answering(
    proxied: tuple[str, TcpProxy], tmp_path: Path
) -> None:
    """The snapshot read sends its statements from a thread of its own (store.statements):
    those are armed as well. A catalog already read answers from its snapshot, says it is
    stale, and moves on once the server is back."""
    url, proxy = proxied
    catalog = Catalog.open(url, revision_check_seconds=0)
    first_read = Catalog.open(url)  # no snapshot yet: its first read is a whole snapshot read
    try:
        held_revision = catalog.snapshot().revision

        def freeze_after_the_revision(*_args: object) -> None:
            proxy.freeze()  # after the revision query: the read's own statements hang

        event.listen(first_read.engine, "after_execute", freeze_after_the_revision, once=True)
        waited, error = _timed(first_read.snapshot)
        assert isinstance(error, DatabaseUnavailable), error
        assert "did not answer within" in error.message
        assert waited < ANSWER_DEADLINE + 3, waited

        proxy.thaw()
        assert catalog.snapshot().revision == held_revision

        proxy.freeze()
        served = []
        waited, error = _timed(lambda: served.append(catalog.snapshot()))
        assert error is None and waited < ANSWER_DEADLINE + 3, (error, waited)
        assert served[0].revision == held_revision and catalog.stale
        assert catalog.problem is not None and catalog.reload_failures == 1
        proxy.thaw()
        catalog.snapshot()
        assert not catalog.stale and catalog.problem is None
        assert first_read.snapshot().revision == held_revision
    finally:
        first_read.close()
        catalog.close()


@pytest.mark.slow
def test_a_statement_for_many_rows_gets_time_for_each_row(
    pg_seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load writes each table with one statement for many rows, which may run far longer
    than one statement: the deadline grows with the rows (1 ms each), so a large load is
    never cut for its size. Here 26,000 rows of about 0.3 ms each (7-8 s) outlast the plain
    deadline (1 s + 5 s) and are not cut (their deadline: 6 s + 26 s)."""
    from sqlalchemy import Column, Integer, MetaData, Table, insert

    from catalog.store.db import make_engine

    monkeypatch.setenv("MODEL_CATALOG_STATEMENT_TIMEOUT", str(STATEMENT_TIMEOUT))
    engine = make_engine(pg_seeded_url)
    metadata = MetaData()
    table = Table("slow_rows", metadata, Column("n", Integer))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TEMP TABLE slow_rows (n integer)"))
            connection.execute(
                text(
                    "CREATE FUNCTION pg_temp.slow() RETURNS trigger AS "
                    "$$ BEGIN PERFORM count(*) FROM generate_series(1, 3000); RETURN NEW; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER slow BEFORE INSERT ON slow_rows "
                    "FOR EACH ROW EXECUTE FUNCTION pg_temp.slow()"
                )
            )
            rows = [{"n": n} for n in range(26_000)]
            waited, error = _timed(lambda: connection.execute(insert(table), rows))
            assert error is None, error
            assert waited > ANSWER_DEADLINE, waited  # longer than a single statement may take
            count = connection.execute(text("SELECT count(*) FROM slow_rows")).scalar()
            assert count == len(rows)
    finally:
        engine.dispose()
