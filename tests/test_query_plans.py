"""Every query on a lookup path uses an index: no full scan of the offerings table.

Lookups are answered from the in-memory snapshot, so the queries a lookup sends are the ones
each request may trigger (the revision check, the schema check behind readiness) plus the
keyed reads the schema's indexes exist for. Each is read back through the engine's own plan:
EXPLAIN QUERY PLAN on SQLite; EXPLAIN (FORMAT JSON) on PostgreSQL with sequential scans
priced out (`enable_seqscan = off`), since on a small table the planner rightly prefers one
where an index exists. The snapshot read itself scans every table once, by design.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select, text
from sqlalchemy.sql import Executable

from catalog import Catalog
from catalog.store import models as orm
from catalog.store.db import make_engine

SCANNED = "offerings"
# A scan of a partial index reads only the rows its condition holds for, not the table.
PARTIAL_INDEXES = {
    index.name
    for index in orm.Offering.__table__.indexes
    if index.dialect_options["sqlite"].get("where") is not None
}

# The keyed reads the schema's indexes serve (offerings of a model, at a provider in a mode,
# retiring in a window; a model or alias by its name key; a replacement of an offering).
O = orm.Offering  # noqa: E741
KEYED_READS: dict[str, Executable] = {
    "offerings of a model": select(O.id).where(O.model_id == 1),
    "offering by its natural key": select(O.id).where(
        O.model_id == 1, O.provider_id == 1, O.serving_mode_id == 1, O.task_type_id == 1
    ),
    "offerings at a provider in a mode": select(O.id, O.model_id).where(
        O.provider_id == 1, O.serving_mode_id == 1
    ),
    "offerings retiring in a window": select(O.id).where(
        O.retires_on.between(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    ),
    "model by name key": select(orm.Model.id).where(orm.Model.name_key == "gpt-4o"),
    "alias by key": select(orm.Alias.model_id).where(orm.Alias.alias_key == "gpt-4o"),
    "offerings of a model by name": select(O.id)
    .join(orm.Model, O.model_id == orm.Model.id)
    .where(orm.Model.name_key == "gpt-4o"),
    "replacements of an offering": select(orm.Replacement.id).where(
        orm.Replacement.offering_id == 1
    ),
}


def full_scans(connection: Connection, sql: str, params: Any) -> list[str]:
    """The full scans of the offerings table in `sql`'s plan, as the engine describes them."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
        details = [str(row[-1]) for row in rows]
        return [
            d
            for d in details
            if d.startswith(f"SCAN {SCANNED}")
            and not any(d.endswith(f"USING INDEX {name}") for name in PARTIAL_INDEXES)
        ]
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).scalar()
    nodes = _nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return [
        f"{n['Node Type']} on {n['Relation Name']}"
        for n in nodes
        if n.get("Relation Name") == SCANNED and n["Node Type"] == "Seq Scan"
    ]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _compiled(engine: Engine, statement: Executable) -> tuple[str, Any]:
    compiled = statement.compile(dialect=engine.dialect)  # type: ignore[attr-defined]
    params = compiled.construct_params()
    if engine.dialect.name == "sqlite" or compiled.positional:
        return str(compiled), tuple(params[name] for name in compiled.positiontup or ())
    return str(compiled), params


@pytest.fixture
def lookup_statements(seeded_url: str) -> Iterator[tuple[Engine, list[tuple[str, Any]]]]:
    """Every statement the library sends while answering lookups, after the snapshot read."""
    catalog = Catalog.open(seeded_url, revision_check_seconds=0)
    catalog.snapshot()
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        sent.append((statement, parameters))

    event.listen(catalog.engine, "before_cursor_execute", record)
    catalog.model("gpt-4o")
    catalog.resolve("databricks-dbrx-instruct", as_of="2026-01-01")
    catalog.resolve("no-such-model")
    catalog.models(provider="openai", task="chat")
    catalog.providers()
    catalog.deprecations(as_of="2026-01-01")
    catalog.health()  # what /readyz asks, as often as the probes come
    event.remove(catalog.engine, "before_cursor_execute", record)
    yield catalog.engine, sent
    catalog.close()


def test_lookups_send_queries_and_none_scans_the_offerings(
    lookup_statements: tuple[Engine, list[tuple[str, Any]]],
) -> None:
    engine, sent = lookup_statements
    assert sent, "with revision_check_seconds=0 every lookup checks the revision"
    with engine.connect() as connection:
        for sql, params in sent:
            assert full_scans(connection, sql, params) == [], sql


@pytest.mark.parametrize("label", sorted(KEYED_READS))
def test_keyed_reads_use_an_index(seeded_url: str, label: str) -> None:
    engine = make_engine(seeded_url)
    try:
        sql, params = _compiled(engine, KEYED_READS[label])
        with engine.connect() as connection, connection.begin():
            assert full_scans(connection, sql, params) == [], f"{label}: {sql}"
    finally:
        engine.dispose()


def test_the_check_catches_a_full_scan(seeded_url: str) -> None:
    """The detector itself: a filter on an unindexed column is reported as a full scan."""
    engine = make_engine(seeded_url)
    try:
        sql, params = _compiled(engine, select(O.id).where(O.bedrock_provider == "x"))
        with engine.connect() as connection, connection.begin():
            assert full_scans(connection, sql, params) != []
            assert connection.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()


def test_the_snapshot_reads_rarely_set_offering_columns_through_their_index(
    seeded_url: str,
) -> None:
    """The snapshot scans each table once, except the offerings' rarely set columns: their
    rows are found through the partial index `ix_offerings_read_apart`, not a second scan."""
    from catalog.store.read import READS, _compiled

    engine = make_engine(seeded_url)
    try:
        spec, _where = READS["offerings read apart"]
        assert set(spec) - {"id"} == {
            name.removesuffix("_id") for name in orm.OFFERING_COLUMNS_READ_APART
        }
        sql = _compiled("offerings read apart", engine.dialect).sql
        for column in orm.OFFERING_COLUMNS_READ_APART:
            assert f"offerings.{column} IS NOT NULL" in sql
        with engine.connect() as connection, connection.begin():
            assert full_scans(connection, sql, {}) == [], sql
    finally:
        engine.dispose()


def test_the_read_apart_index_is_the_one_the_migration_makes() -> None:
    """Alembic does not compare a partial index's condition: this test does."""
    import importlib.util
    from pathlib import Path

    from catalog.store.resources import migrations_path

    path = next(Path(migrations_path()).glob("versions/0004_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0004", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.PREDICATE == orm.ANY_READ_APART
