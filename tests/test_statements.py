"""The snapshot read's statements, sent ahead on PostgreSQL and in turn on SQLite.

Sending ahead must change nothing a caller can see: the same rows, errors as SQLAlchemy's
own `DBAPIError` (which the library turns into `DatabaseUnavailable`), no statement left
running on a connection that goes back to its pool, and a catalog that reads again once the
database is back.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import exc, text

from catalog.library import Catalog
from catalog.store.db import make_engine, reading
from catalog.store.read import READS, _compiled
from catalog.store.statements import Statements, _SentAhead, statements


def _rows(sent: Statements, sql: str) -> list[tuple[object, ...]]:
    return [row for partition in sent.partitions(sql) for row in partition]


def test_postgresql_sends_ahead_and_sqlite_in_turn(seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    try:
        with engine.connect() as connection:
            sent = statements(connection, ["SELECT 1"])
            with sent:
                assert _rows(sent, "SELECT 1") == [(1,)]
            assert isinstance(sent, _SentAhead) is (engine.dialect.name == "postgresql")
    finally:
        engine.dispose()


def test_every_read_gives_the_same_rows_sent_ahead_or_in_turn(seeded_url: str) -> None:
    engine = reading(make_engine(seeded_url))
    try:
        with engine.connect() as connection, connection.begin():
            sqls = [_compiled(read, connection.dialect).sql for read in READS]
            in_turn = Statements(connection)
            expected = [_rows(in_turn, sql) for sql in sqls]
            with statements(connection, sqls) as sent:
                assert [_rows(sent, sql) for sql in sqls] == expected
        assert any(len(rows) > 100 for rows in expected)  # the seed's offerings, at least
    finally:
        engine.dispose()


def test_every_read_gives_the_same_columns_sent_as_columns_or_as_rows(seeded_url: str) -> None:
    """Sent as columns (one row of arrays on PostgreSQL), every read's columns are the rows'
    columns, value for value and in the same order, NULLs, dates and booleans included."""
    engine = reading(make_engine(seeded_url))
    try:
        with engine.connect() as connection, connection.begin():
            compiled = [_compiled(read, connection.dialect) for read in READS]
            in_turn = Statements(connection)
            expected = [
                [list(column) for column in zip(*_rows(in_turn, c.sql), strict=True)] or None
                for c in compiled
            ]
            widths = {c.sql: len(c.fields) for c in compiled}
            with statements(connection, [c.sql for c in compiled], widths=widths) as sent:
                got = [_columns(sent, c.sql, len(c.fields)) for c in compiled]
        for c, rows, columns in zip(compiled, expected, got, strict=True):
            assert columns == (rows or [[] for _ in c.fields]), c.sql
    finally:
        engine.dispose()


def _columns(sent: Statements, sql: str, width: int) -> list[list[object]]:
    columns: list[list[object]] = [[] for _ in range(width)]
    for part in sent.columns(sql, width):
        for column, values in zip(columns, part, strict=True):
            column.extend(values)
    return columns


def test_an_empty_result_sent_as_columns_is_empty_columns(pg_seeded_url: str) -> None:
    engine = make_engine(pg_seeded_url)
    sql = "SELECT id, name FROM models WHERE false"
    try:
        with engine.connect() as connection, statements(connection, [sql], widths={sql: 2}) as sent:
            assert _columns(sent, sql, 2) == [[], []]
    finally:
        engine.dispose()


def test_a_failing_statement_raises_sqlalchemys_error_and_stops_the_rest(
    seeded_url: str,
) -> None:
    engine = make_engine(seeded_url)
    sqls = ["SELECT 1", "SELECT * FROM no_such_table", "SELECT 2"]
    try:
        with engine.connect() as connection:
            with statements(connection, sqls) as sent:
                assert _rows(sent, sqls[0]) == [(1,)]
                with pytest.raises(exc.DBAPIError, match="no_such_table"):
                    _rows(sent, sqls[1])
            if isinstance(sent, _SentAhead):
                assert not sent._thread.is_alive()
            connection.rollback()
            assert connection.execute(text("SELECT 3")).scalar() == 3  # still usable
    finally:
        engine.dispose()


def test_statements_are_taken_in_the_order_they_were_given(pg_seeded_url: str) -> None:
    engine = make_engine(pg_seeded_url)
    try:
        with (
            engine.connect() as connection,
            statements(connection, ["SELECT 1", "SELECT 2"]) as sent,
            pytest.raises(RuntimeError, match="asked for 'SELECT 2' before 'SELECT 1'"),
        ):
            _rows(sent, "SELECT 2")
    finally:
        engine.dispose()


def test_a_reader_that_fails_waits_for_the_statement_running_ahead(pg_seeded_url: str) -> None:
    """A slow statement still running when the reader gives up is waited for: the
    connection never goes back to its pool with a query on it."""
    engine = make_engine(pg_seeded_url)
    try:
        with engine.connect() as connection:
            sent = statements(connection, ["SELECT 1", "SELECT pg_sleep(0.3), 2"])
            with pytest.raises(ValueError, match="the reader failed"), sent:
                _rows(sent, "SELECT 1")
                raise ValueError("the reader failed")
            assert isinstance(sent, _SentAhead) and not sent._thread.is_alive()
            assert connection.execute(text("SELECT 4")).scalar() == 4
    finally:
        engine.dispose()


def test_a_connection_killed_mid_read_is_a_clean_error_and_the_next_read_works(
    pg_seeded_url: str,
) -> None:
    """The server ends the read's connection while statements are on their way: the read
    fails as `DatabaseUnavailable` (no traceback from the thread, nothing left running), and
    the catalog reads again on a fresh connection."""
    from catalog.errors import DatabaseUnavailable

    catalog = Catalog.open(pg_seeded_url, revision_check_seconds=0)
    admin = make_engine(pg_seeded_url)
    killed = threading.Event()
    try:
        from sqlalchemy import event

        def kill_once(connection, *_args) -> None:  # type: ignore[no-untyped-def]
            if killed.is_set():
                return
            killed.set()
            pid = connection.connection.dbapi_connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        # after the revision is read, as the statements are about to be sent
        event.listen(catalog.engine, "after_execute", kill_once)
        with pytest.raises(DatabaseUnavailable):
            catalog.snapshot()
        event.remove(catalog.engine, "after_execute", kill_once)
        assert killed.is_set()
        assert [t for t in threading.enumerate() if t.name == "snapshot-read"] == []
        assert catalog.snapshot().models  # a fresh connection from the pool
    finally:
        admin.dispose()
        catalog.close()


def test_a_large_table_is_read_in_tid_ranges_that_cover_every_block() -> None:
    from catalog.store.statements import PART_BLOCKS, _parts

    assert _parts("SELECT a FROM t", PART_BLOCKS) == ["SELECT a FROM t"]
    parts = _parts("SELECT a FROM t", 2 * PART_BLOCKS + 1)
    edge, far = f"'({PART_BLOCKS},0)'::tid", f"'({2 * PART_BLOCKS},0)'::tid"
    assert parts == [
        f"SELECT a FROM t WHERE ctid < {edge}",
        f"SELECT a FROM t WHERE ctid >= {edge} AND ctid < {far}",
        f"SELECT a FROM t WHERE ctid >= {far}",  # and whatever was added since
    ]
    with pytest.raises(ValueError, match="without a condition"):
        _parts("SELECT a FROM t WHERE a > 1", 10 * PART_BLOCKS)


def test_reading_in_parts_gives_every_row_once(
    pg_seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With parts of one block, the seed's offerings and models come in many parts: the
    snapshot is the one read whole."""
    import catalog.store.statements as statements_module

    whole = Catalog.open(pg_seeded_url)
    expected = whole.snapshot()
    whole.close()
    monkeypatch.setattr(statements_module, "PART_BLOCKS", 1)
    sent_parts: list[str] = []
    real_parts = statements_module._parts

    def recording(sql: str, blocks: int) -> list[str]:
        found = real_parts(sql, blocks)
        sent_parts.extend(found)
        return found

    monkeypatch.setattr(statements_module, "_parts", recording)
    parted = Catalog.open(pg_seeded_url)
    try:
        snapshot = parted.snapshot()
        assert sum("FROM offerings WHERE ctid" in sql for sql in sent_parts) >= 3
        assert sum("FROM models WHERE ctid" in sql for sql in sent_parts) >= 2
        assert snapshot.models == expected.models
        assert dict(snapshot.by_alias) == dict(expected.by_alias)
    finally:
        parted.close()
