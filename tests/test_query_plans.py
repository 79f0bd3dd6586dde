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
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, func, select, text
from sqlalchemy.sql import Executable

from catalog import Catalog
from catalog.store import models as orm
from catalog.store.db import make_engine

SCANNED = "offerings"

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

# Queries that read every offering, one of each plan shape: the detector must flag each.
_o = O.__table__.alias("o")
FULL_READS: dict[str, Executable] = {
    "an unindexed filter": select(O.id).where(O.bedrock_provider == "x"),
    "an aliased unindexed filter": select(_o.c.id).where(_o.c.bedrock_provider == "x"),
    "an ORDER BY on the primary key, no filter": select(O.id).order_by(O.id),
    "an aliased ORDER BY on the primary key": select(_o.c.id).order_by(_o.c.id),
    "ordered by an indexed column, no filter": select(O.model_id).order_by(O.model_id),
    "a count of every row": select(func.count()).select_from(O),
}


@dataclass(frozen=True)
class Indexes:
    """The offerings table's indexes as the database has them; partial ones read only the
    rows their condition holds for, so a scan of one is not a scan of the table."""

    names: frozenset[str]
    partial: frozenset[str]

    @classmethod
    def of(cls, connection: Connection) -> Indexes:
        if connection.dialect.name == "sqlite":
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            rows = connection.exec_driver_sql(sql, (SCANNED,)).all()
        else:
            sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %(t)s"
            rows = connection.exec_driver_sql(sql, {"t": SCANNED}).all()
        return cls(
            frozenset(name for name, _ in rows),
            frozenset(name for name, ddl in rows if ddl and " WHERE " in ddl.upper()),
        )


def full_scans(connection: Connection, sql: str, params: Any) -> list[str]:
    """Every step of `sql`'s plan that reads the offerings table or one of its indexes whole
    (no index condition, no search), as the engine describes it; aliases included."""
    indexes = Indexes.of(connection)
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
        return sqlite_full_reads([str(row[-1]) for row in rows], _aliases(sql), indexes)
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).scalar()
    root = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return postgresql_full_reads(root, indexes)


# SQLite's plan names a table by the alias the query gave it (`SCAN o`), so the aliases of
# offerings are read from the SQL itself.
_ALIAS = re.compile(rf'\b"?{SCANNED}"?\s+(?:AS\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?', re.IGNORECASE)
_NOT_ALIASES = {"where", "join", "inner", "left", "right", "full", "cross", "natural", "on",
                "using", "order", "group", "limit", "union", "except", "intersect", "window",
                "having", "offset", "indexed", "not", "set", "values"}  # fmt: skip
_SQLITE_STEP = re.compile(
    r"^(?P<kind>SCAN|SEARCH) (?P<name>\S+)"
    r"(?: USING (?P<automatic>AUTOMATIC )?(?:(?:COVERING|PARTIAL|PRIMARY KEY) )*INDEX(?: (?P<index>\S+))?)?"
)


def _aliases(sql: str) -> set[str]:
    return {SCANNED} | {alias for alias in _ALIAS.findall(sql) if alias.lower() not in _NOT_ALIASES}


def sqlite_full_reads(details: list[str], names: set[str], indexes: Indexes) -> list[str]:
    """SCAN of offerings (by name or alias) or of one of its indexes, or an automatic index
    (SQLite reads the whole table to build it); a SEARCH uses an index's leading columns."""
    found = []
    for detail in details:
        step = _SQLITE_STEP.match(detail)
        if step is None:
            continue
        index = step["index"]
        ours = step["name"] in names or index in indexes.names
        if not ours or index in indexes.partial:
            continue
        if step["kind"] == "SCAN" or step["automatic"]:
            found.append(detail)
    return found


# PostgreSQL names the relation in every node that reads it (`Alias` holds the alias), and
# the index in index scans; a bitmap's heap scan is bounded by the index scans beneath it.
_CONDITIONS = {
    "Index Scan": "Index Cond",
    "Index Only Scan": "Index Cond",
    "Bitmap Index Scan": "Index Cond",
    "Bitmap Heap Scan": "Recheck Cond",
    "Tid Scan": "TID Cond",
    "Tid Range Scan": "TID Cond",
}


def postgresql_full_reads(root: dict[str, Any], indexes: Indexes) -> list[str]:
    """Every node on offerings or its indexes without the condition that bounds it (a Seq
    Scan never has one); a node type not listed above counts as a full read."""
    found = []
    for node in _nodes(root):
        index = node.get("Index Name")
        if node.get("Relation Name") != SCANNED and index not in indexes.names:
            continue
        kind = node["Node Type"]
        bounded_by = _CONDITIONS.get(kind)
        if bounded_by is not None and bounded_by in node:
            continue
        if index in indexes.partial or (
            kind == "Bitmap Heap Scan"
            and any(child.get("Index Name") in indexes.partial for child in _nodes(node))
        ):
            continue
        found.append(f"{kind} on {node.get('Relation Name') or index}")
    return found


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


@pytest.mark.parametrize("label", sorted(FULL_READS))
def test_the_check_catches_a_full_read(seeded_url: str, label: str) -> None:
    """The detector itself, through the engine: each shape of a full read is reported."""
    engine = make_engine(seeded_url)
    try:
        sql, params = _compiled(engine, FULL_READS[label])
        with engine.connect() as connection, connection.begin():
            assert full_scans(connection, sql, params) != [], f"{label}: {sql}"
            assert connection.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()


OURS = Indexes(
    names=frozenset({"pk_offerings", "ix_offerings_task_type_id", "ix_offerings_read_apart"}),
    partial=frozenset({"ix_offerings_read_apart"}),
)


@pytest.mark.parametrize(
    ("details", "flagged"),
    [
        (["SCAN offerings"], True),
        (["SCAN o"], True),  # the query named offerings `o`
        (["SCAN offerings USING COVERING INDEX ix_offerings_task_type_id"], True),
        (["SCAN x USING INDEX pk_offerings"], True),  # an alias the SQL did not reveal
        (["SEARCH o USING AUTOMATIC COVERING INDEX (model_id=?)"], True),
        (["SEARCH offerings USING INDEX ix_offerings_task_type_id (task_type_id=?)"], False),
        (["SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"], False),
        (["SCAN offerings USING INDEX ix_offerings_read_apart"], False),  # partial
        (["SCAN models", "SCAN CONSTANT ROW", "USE TEMP B-TREE FOR ORDER BY"], False),
    ],
)
def test_each_sqlite_plan_shape_is_read_right(details: list[str], flagged: bool) -> None:
    assert bool(sqlite_full_reads(details, {"offerings", "o"}, OURS)) is flagged, details


def _node(kind: str, **fields: Any) -> dict[str, Any]:
    return {"Node Type": kind, **fields}


@pytest.mark.parametrize(
    ("plan", "flagged"),
    [
        (_node("Seq Scan", **{"Relation Name": "offerings", "Alias": "o"}), True),
        (
            _node(
                "Index Only Scan", **{"Relation Name": "offerings", "Index Name": "pk_offerings"}
            ),
            True,
        ),
        (_node("Index Scan", **{"Relation Name": "offerings", "Index Name": "pk_offerings"}), True),
        (
            _node(
                "Bitmap Heap Scan",
                **{"Relation Name": "offerings"},
                Plans=[_node("Bitmap Index Scan", **{"Index Name": "ix_offerings_task_type_id"})],
            ),
            True,
        ),
        (
            _node(
                "Index Only Scan",
                **{
                    "Relation Name": "offerings",
                    "Index Name": "pk_offerings",
                    "Index Cond": "(id = 1)",
                },
            ),
            False,
        ),
        (
            _node(
                "Bitmap Heap Scan",
                **{"Relation Name": "offerings", "Recheck Cond": "(task_type_id = 1)"},
                Plans=[
                    _node(
                        "Bitmap Index Scan",
                        **{
                            "Index Name": "ix_offerings_task_type_id",
                            "Index Cond": "(task_type_id = 1)",
                        },
                    )
                ],
            ),
            False,
        ),
        (
            _node(
                "Index Scan",
                **{"Relation Name": "offerings", "Index Name": "ix_offerings_read_apart"},
            ),
            False,
        ),
        (_node("Seq Scan", **{"Relation Name": "models"}), False),
    ],
)
def test_each_postgresql_plan_shape_is_read_right(plan: dict[str, Any], flagged: bool) -> None:
    assert bool(postgresql_full_reads(plan, OURS)) is flagged, plan


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
