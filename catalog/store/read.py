"""Read the catalog's tables into a `Snapshot`: the one place SQL meets the core's records.

Each record has one declarative mapping from its fields to the columns (and conversions) that
feed them; a table is read with one SELECT and converted a whole column at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache, partial
from itertools import compress, repeat
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Dialect, Select, String, func, or_, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from catalog.core.names import name_key
from catalog.core.records import (
    KEPT_REVISIONS,
    ArchitectureRec,
    CatalogFacts,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
    ReplacementRec,
    ReportRec,
    RevisionRec,
    SourceRec,
    VersionRec,
)
from catalog.core.snapshot import FREEZE_OVER, AliasColumns, Snapshot, gc_paused
from catalog.errors import NotLoaded
from catalog.schemas import RevisionEntry
from catalog.store import models as orm
from catalog.store.statements import Statements, statements
from catalog.vocabulary import DateMeaning, LifecycleBasis, ServingMode, Task, VersionShape

MEANINGS = {meaning.value: meaning for meaning in DateMeaning}
BASES = {basis.value: basis for basis in LifecycleBasis}

# The one "newest revision" query: the catalog's revision is the newest row of catalog_revisions.
NEWEST_REVISION: Select[orm.CatalogRevision] = (
    select(orm.CatalogRevision).order_by(orm.CatalogRevision.id.desc()).limit(1)
)

R = TypeVar("R")

# What a snapshot read selects, table by table: field name -> a column, or (a column, a
# conversion applied to each of its values). A conversion named by a string is a lookup the
# read builds from the tables before it (`Lookups`): "source" turns a source id into its
# record. They are declared here, not where they are read, so that every SELECT of a read is
# known before the first one is sent (`statements` sends them ahead).
Spec = Mapping[str, Any]
Columns = dict[str, list[Any]]
Lookups = Mapping[str, Callable[[Any], Any]]

S, P, PR = orm.Source, orm.Publisher, orm.Provider
SOURCE_SPEC: Spec = {
    "key": S.key,
    "title": S.title,
    "verified": S.verified,
    "url": S.url,
    "read_on": S.read_on,
    "note": S.note,
}
_OWN_PROVIDER = select(PR.slug).where(PR.id == P.own_provider_id).scalar_subquery()
C, AT, AA, A = orm.CustomModelRule, orm.ArchitectureTask, orm.ArchitectureAlias, orm.Architecture
M, L, RP, O = orm.Model, orm.LifecycleReport, orm.Replacement, orm.Offering  # noqa: E741
AL, VS, V, N = orm.Alias, orm.ModelVersionShape, orm.ModelVersion, orm.NameForm
CR = orm.CatalogRevision
_ALEMBIC = sql_table("alembic_version", sql_column("version_num", String))
# The newest KEPT_REVISIONS revisions: from the id that many rows down (0 when there are fewer).
_KEPT_FROM = func.coalesce(
    select(CR.id).order_by(CR.id.desc()).offset(KEPT_REVISIONS - 1).limit(1).scalar_subquery(),
    0,
)
READS: dict[str, tuple[Spec, ColumnElement[bool] | None]] = {
    "schema": ({"version": _ALEMBIC.c.version_num}, None),
    "revision count": ({"count": func.count(CR.id)}, None),
    "revisions": (
        {
            "revision": CR.id,
            "loaded_at": CR.loaded_at,
            "seed_sha256": CR.seed_sha256,
            "summary": CR.summary,
        },
        CR.id >= _KEPT_FROM,
    ),
    "sources": ({"id": S.id, **SOURCE_SPEC}, None),
    "publishers": ({"id": P.id, "slug": P.slug, "name": P.name, "own": _OWN_PROVIDER}, None),
    "tasks": ({"id": orm.TaskType.id, "task": (orm.TaskType.slug, Task)}, None),
    "modes": ({"id": orm.ServingModeRow.id, "mode": (orm.ServingModeRow.slug, ServingMode)}, None),
    "rules": (
        {
            "provider_id": C.provider_id,
            "task": (C.task_type_id, "task"),
            "source_id": C.source_id,
            "naming": C.naming,
            "pattern": C.pattern,
        },
        None,
    ),
    "providers": (
        {
            "id": PR.id,
            "slug": PR.slug,
            "name": PR.name,
            "source": (PR.source_id, "source"),
            "config_provider": PR.config_provider,
            "openai_api_type": PR.openai_api_type,
            "note": PR.note,
        },
        None,
    ),
    "architecture tasks": ({"id": AT.architecture_id, "task": (AT.task_type_id, "task")}, None),
    "architecture aliases": ({"id": AA.architecture_id, "alias": AA.alias}, None),
    "architectures": (
        {
            "id": A.id,
            "name": A.name,
            "key": A.name_key,
            "publisher": (A.publisher_id, "publisher"),
            "source": (A.source_id, "source"),
            "license": A.license,
            "embeddings_normalized": A.embeddings_normalized,
            "notes": A.notes,
        },
        None,
    ),
    "models": (
        {
            "id": M.id,
            "name": M.name,
            "key": M.name_key,
            "publisher": (M.publisher_id, "publisher"),
            "source": (M.source_id, "source"),
            "display_name": M.display_name,
            "family": M.family,
            "architecture": (M.architecture_id, "architecture"),
            "license": M.license,
            "embeddings_normalized": M.embeddings_normalized,
            "notes": M.notes,
        },
        None,
    ),
    "reports": (
        {
            "offering_id": L.offering_id,
            "on": L.on_date,
            "meaning": (L.meaning, MEANINGS.__getitem__),
            "source": (L.source_id, "source"),
            "note": L.note,
        },
        None,
    ),
    "replacements": (
        {
            "offering_id": RP.offering_id,
            "model": (RP.replacement_model_id, "model"),
            "provider": (RP.provider_id, "provider"),
            "mode": (RP.serving_mode_id, "mode"),
            "source": (RP.source_id, "source"),
            "effective_on": RP.effective_on,
            "reason": RP.reason,
        },
        None,
    ),
    "offerings": (
        {
            "id": O.id,
            "model_id": O.model_id,
            "provider": (O.provider_id, "provider"),
            "mode": (O.serving_mode_id, "mode"),
            "task": (O.task_type_id, "task"),
            "source": (O.source_id, "source"),
            "bedrock_provider": O.bedrock_provider,
            "lifecycle_basis": (O.lifecycle_basis, BASES.get),
            "lifecycle_source": (O.lifecycle_source_id, "maybe source"),
        },
        None,
    ),
    # The columns NULL in most rows, from the rows where one is set (found by a partial index).
    "offerings read apart": (
        {
            "id": O.id,
            "endpoint_name": O.endpoint_name,
            "notes": O.notes,
            "lifecycle_note": O.lifecycle_note,
            "deprecated_on": O.deprecated_on,
            "deprecated_source": (O.deprecated_source_id, "maybe source"),
            "deprecated_note": O.deprecated_note,
            "retires_on": O.retires_on,
            "retires_meaning": (O.retires_meaning, MEANINGS.get),
            "retires_source": (O.retires_source_id, "maybe source"),
            "retires_note": O.retires_note,
        },
        or_(*(getattr(O, name).isnot(None) for name in orm.OFFERING_COLUMNS_READ_APART)),
    ),
    "aliases": (
        {"model_id": AL.model_id, "alias": AL.alias, "kind": AL.kind, "key": AL.alias_key},
        None,
    ),
    "version shapes": ({"model_id": VS.model_id, "shape": (VS.shape, VersionShape)}, None),
    "versions": (
        {
            "model_id": V.model_id,
            "model": (V.model_id, "model"),
            "provider": (V.provider_id, "provider"),
            "version": V.version,
            "shape": (V.shape, VersionShape),
            "name": V.name,
            "source": (V.source_id, "source"),
            "own_lifecycle": (V.own_lifecycle, bool),
            "note": V.note,
            "lifecycle_basis": (V.lifecycle_basis, BASES.get),
            "lifecycle_source": (V.lifecycle_source_id, "maybe source"),
            "lifecycle_note": V.lifecycle_note,
            "deprecated_on": V.deprecated_on,
            "deprecated_source": (V.deprecated_source_id, "maybe source"),
            "deprecated_note": V.deprecated_note,
            "retires_on": V.retires_on,
            "retires_meaning": (V.retires_meaning, MEANINGS.get),
            "retires_source": (V.retires_source_id, "maybe source"),
            "retires_note": V.retires_note,
        },
        None,
    ),
    "name forms": (
        {
            "position": N.position,
            "kind": N.kind,
            "form": N.form,
            "tool": N.tool,
            "source": (N.source_id, "source"),
            "provider": (N.provider_id, "maybe provider"),
            "outside": N.outside,
            "mode": (N.serving_mode_id, "maybe mode"),
            "note": N.note,
        },
        None,
    ),
}
del S, P, PR, C, AT, AA, A, M, L, RP, O, AL, VS, V, N, CR


def _table_of(spec: Spec) -> str:
    first = next(iter(spec.values()))
    return str((first[0] if isinstance(first, tuple) else first).table.name)


# The reads of every row of a catalog table, by that table: their row counts are the table's
# size (`CatalogFacts.table_rows`), with no COUNT(*) of their own.
WHOLE_TABLES = {
    read: _table_of(spec)
    for read, (spec, where) in READS.items()
    if where is None and read not in ("schema", "revision count")
}
# The reads of a whole large table, by the table: read in parts on PostgreSQL, so that the
# reader starts on the first while the next are on their way (catalog.store.statements).
READ_IN_PARTS = {"models": "models", "offerings": "offerings"}


def latest_revision(session: Session) -> orm.CatalogRevision | None:
    """The catalog's current revision row, or None before the first load."""
    return session.scalars(NEWEST_REVISION).first()


def read_revision(session: Session) -> tuple[int, dt.datetime] | None:
    """The current revision's number and load time (what decides whether a snapshot is stale)."""
    latest = latest_revision(session)
    if latest is None:
        return None
    loaded_at = latest.loaded_at
    if loaded_at.tzinfo is None:  # SQLite keeps no zone: the loader writes UTC
        loaded_at = loaded_at.replace(tzinfo=dt.UTC)
    return latest.id, loaded_at


def read_revisions(
    session: Session, limit: int, *, up_to: int | None = None
) -> list[RevisionEntry]:
    """The newest `limit` revisions (up to revision `up_to`), newest first."""
    query = select(orm.CatalogRevision).order_by(orm.CatalogRevision.id.desc()).limit(limit)
    if up_to is not None:
        query = query.where(orm.CatalogRevision.id <= up_to)
    rows = session.scalars(query)
    return [
        RevisionEntry(
            revision=row.id,
            loaded_at=row.loaded_at,
            seed_sha256=row.seed_sha256,
            summary=row.summary,
        )
        for row in rows
    ]


def read_snapshot(session: Session, *, freeze_over: int | None = FREEZE_OVER) -> Snapshot:
    """Read every table once (a dozen queries, whatever the catalog's size) into a Snapshot.

    The cyclic garbage collector is paused meanwhile: the build allocates millions of objects
    and none of them forms a cycle, so its passes would only re-scan them (38% of the time).
    A large snapshot is then frozen out of the collector (`gc_paused`); `freeze_over=None`
    never freezes.
    """
    with gc_paused(freeze_over=freeze_over):
        return _read_snapshot(session)


@dataclasses.dataclass(frozen=True)
class _Compiled:
    sql: str
    fields: tuple[str, ...]
    # per column: its type's result processor (SQLite's text dates, 0/1 booleans) and the
    # spec's conversion (a callable, the name of a lookup, or None)
    converters: tuple[tuple[Callable[[Any], Any] | None, Any], ...]


@lru_cache(maxsize=64)
def _compiled(read: str, dialect: Dialect) -> _Compiled:
    """A read's SELECT as SQL for `dialect`, compiled once per process and engine."""
    spec, where = READS[read]
    entries = [(name, e if isinstance(e, tuple) else (e, None)) for name, e in spec.items()]
    statement = select(*(column for _, (column, _) in entries))
    if where is not None:
        statement = statement.where(where)
    return _Compiled(
        sql=str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})),
        fields=tuple(name for name, _ in entries),
        converters=tuple(
            (column.type.dialect_impl(dialect).result_processor(dialect, None), convert)
            for column, (_, (_, convert)) in zip(statement.selected_columns, entries, strict=True)
        ),
    )


def _columns(sent: Statements, read: str, lookups: Lookups | None = None) -> Columns:
    """One SELECT of a read's columns, as field -> converted values (in row order).

    The values come straight from the driver (no SQLAlchemy `Row` per row), a part at a
    time, so the peak memory holds the columns and one part, never every row beside every
    column; each column gets its result processor and conversion, in C.
    """
    compiled = _compiled(read, sent.connection.dialect)
    converters = [
        (processor, lookups[convert] if isinstance(convert, str) and lookups else convert)
        for processor, convert in compiled.converters
    ]
    columns: list[list[Any]] = [[] for _ in converters]
    for part in sent.columns(compiled.sql, len(converters)):
        for (processor, convert), column, values in zip(converters, columns, part, strict=True):
            if processor is not None:
                values = map(processor, values)
            if convert is not None:
                values = map(convert, values)
            column.extend(values)
    sent.counted[read] = len(columns[0])
    return dict(zip(compiled.fields, columns, strict=True))


class _Rows:
    """Where each id sits among a table's rows as read, to place the few rows read apart.

    Rows come in id order when the table was written in one go, and each id is then found by
    bisection; when a bisection misses (rows in another order), a dict of every id takes over.
    Bisection spares building that dict, a twentieth of a 100,000-model read.
    """

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = ids
        self._index: dict[int, int] | None = None

    def positions(self, wanted: Sequence[int]) -> list[int]:
        ids, count = self.ids, len(self.ids)
        if self._index is None:
            found = list(map(bisect_left, repeat(ids), wanted))
            if [ids[at] if at < count else None for at in found] == list(wanted):
                return found
            self._index = dict(zip(ids, range(count), strict=True))
        return list(map(self._index.__getitem__, wanted))

    def column(self, at: Sequence[int], values: Iterable[Any], default: Any = None) -> list[Any]:
        """A column of `default`, with `values` at the rows `at` (from `positions`)."""
        column = [default] * len(self.ids)
        for row, value in zip(at, values, strict=True):
            column[row] = value
        return column

    def groups(self, groups: Mapping[int, Sequence[R]], key: Any) -> list[tuple[R, ...]]:
        """Each row's group (by its id) as a tuple sorted by `key`, `()` for most."""
        ready = [tuple(sorted(found, key=key)) for found in groups.values()]
        return self.column(self.positions(list(groups)), ready, ())

    def apart(self, found: Columns) -> Columns:
        """Columns read apart from a few rows (with their "id"), as columns of every row."""
        at = self.positions(found.pop("id"))
        return {name: self.column(at, values) for name, values in found.items()}


def _fields(record: type[Any]) -> tuple[str, ...]:
    if dataclasses.is_dataclass(record):
        return tuple(f.name for f in dataclasses.fields(record))
    return tuple(record._fields)


def _records(record: Callable[..., R], columns: Mapping[str, Sequence[Any]]) -> list[R]:
    """Build one record per row, each field from the column of the same name.

    A named tuple is made with `tuple.__new__` over zipped columns: all in C, where its own
    `__new__` (Python code) would cost a call per record.
    """
    kind: Any = record
    fields = [columns[name] for name in _fields(kind)]
    if isinstance(kind, type) and issubclass(kind, tuple):
        make: Any = partial(tuple.__new__, kind)
        return list(map(make, zip(*fields, strict=True)))
    return list(map(record, *fields))


def _grouped(keys: Sequence[int], values: Sequence[R]) -> defaultdict[int, list[R]]:
    groups: defaultdict[int, list[R]] = defaultdict(list)
    for key, value in zip(keys, values, strict=True):
        groups[key].append(value)
    return groups


def _per_id(ids: Sequence[int], groups: Mapping[int, Sequence[R]]) -> list[tuple[R, ...]]:
    """Each id's group as a tuple in natural order, `()` for an id with none.

    Sorted, made tuples and looked up in C: a loop per model was a tenth of a 100,000-model
    read.
    """
    in_order: Callable[[Sequence[Any]], list[Any]] = sorted
    ready = dict(zip(groups, map(tuple, map(in_order, groups.values())), strict=True))
    return list(map(ready.get, ids, repeat(())))


def _by_id(columns: Mapping[str, Sequence[Any]], values: Sequence[R]) -> dict[int, R]:
    return dict(zip(columns["id"], values, strict=True))


def _read_snapshot(session: Session) -> Snapshot:
    revision = read_revision(session)  # which also begins the read's one transaction
    if revision is None:
        raise NotLoaded(NotLoaded.default_message)
    connection = session.connection()
    compiled = [_compiled(read, connection.dialect) for read in READS]
    in_parts = {_compiled(read, connection.dialect).sql: t for read, t in READ_IN_PARTS.items()}
    widths = {c.sql: len(c.fields) for c in compiled}
    with statements(connection, [c.sql for c in compiled], in_parts, widths) as sent:
        return _read_tables(sent, revision)


def _read_tables(sent: Statements, revision: tuple[int, dt.datetime]) -> Snapshot:
    """Every read of `READS`, in its order, into the records a snapshot is built from."""
    schema = _columns(sent, "schema")["version"]
    revision_count = _columns(sent, "revision count")["count"][0]
    revisions = _revision_records(_columns(sent, "revisions"))
    source_columns = _columns(sent, "sources")
    sources = _by_id(source_columns, _records(SourceRec, source_columns))
    lookups: dict[str, Callable[[Any], Any]] = {
        "source": sources.__getitem__,
        "maybe source": sources.get,
    }
    publisher_columns = _columns(sent, "publishers")
    publisher_columns["own_provider"] = publisher_columns.pop("own")
    publishers = _by_id(publisher_columns, _records(PublisherRec, publisher_columns))
    task_columns, mode_columns = _columns(sent, "tasks"), _columns(sent, "modes")
    tasks = dict(zip(task_columns["id"], task_columns["task"], strict=True))
    modes = dict(zip(mode_columns["id"], mode_columns["mode"], strict=True))
    lookups |= {
        "publisher": {id_: p.slug for id_, p in publishers.items()}.__getitem__,
        "task": tasks.__getitem__,
        "mode": modes.__getitem__,
        "maybe mode": modes.get,
    }

    rules = _columns(sent, "rules", lookups)
    naming = {
        provider_id: (rule_naming, rule_pattern)
        for provider_id, rule_naming, rule_pattern in zip(
            rules["provider_id"], rules["naming"], rules["pattern"], strict=True
        )
    }
    custom = {
        provider_id: sorted(pairs)
        for provider_id, pairs in _grouped(
            rules["provider_id"], list(zip(rules["task"], rules["source_id"], strict=True))
        ).items()
    }
    provider_columns = _columns(sent, "providers", lookups)
    provider_rules = [custom.get(id_, []) for id_ in provider_columns["id"]]
    provider_columns["custom_tasks"] = [tuple(task for task, _ in r) for r in provider_rules]
    provider_columns["custom_source"] = [sources[r[0][1]] if r else None for r in provider_rules]
    provider_naming = [naming.get(id_, (None, None)) for id_ in provider_columns["id"]]
    provider_columns["custom_naming"] = [n for n, _ in provider_naming]
    provider_columns["custom_pattern"] = [p for _, p in provider_naming]
    providers = _by_id(provider_columns, _records(ProviderRec, provider_columns))
    provider_slugs = {id_: p.slug for id_, p in providers.items()}
    lookups |= {"provider": provider_slugs.__getitem__, "maybe provider": provider_slugs.get}

    arch_task_columns = _columns(sent, "architecture tasks", lookups)
    arch_tasks = _grouped(arch_task_columns["id"], arch_task_columns["task"])
    arch_alias_columns = _columns(sent, "architecture aliases")
    arch_aliases = _grouped(arch_alias_columns["id"], arch_alias_columns["alias"])
    arch_columns = _columns(sent, "architectures", lookups)
    arch_columns["tasks"] = [tuple(sorted(arch_tasks[id_])) for id_ in arch_columns["id"]]
    arch_columns["aliases"] = [tuple(sorted(arch_aliases[id_])) for id_ in arch_columns["id"]]
    architectures = _by_id(arch_columns, _records(ArchitectureRec, arch_columns))
    lookups["architecture"] = {id_: a.name for id_, a in architectures.items()}.get

    model_columns = _columns(sent, "models", lookups)
    model_names = dict(zip(model_columns["id"], model_columns["name"], strict=True))
    lookups["model"] = model_names.__getitem__
    report_columns = _columns(sent, "reports", lookups)
    reports = _grouped(report_columns["offering_id"], _records(ReportRec, report_columns))
    replacement_columns = _columns(sent, "replacements", lookups)
    replacements = _grouped(
        replacement_columns["offering_id"], _records(ReplacementRec, replacement_columns)
    )

    offering_columns = _columns(sent, "offerings", lookups)
    rows = _Rows(offering_columns["id"])
    offering_columns |= rows.apart(_columns(sent, "offerings read apart", lookups))
    offering_ids = offering_columns["id"]
    served_as = list(compress(range(len(offering_ids)), offering_columns["endpoint_name"]))
    endpoints = [
        (offering_columns["model_id"][i], offering_columns["endpoint_name"][i]) for i in served_as
    ]
    offering_columns["model"] = list(map(model_names.__getitem__, offering_columns["model_id"]))
    offering_columns["reports"] = rows.groups(reports, key=attrgetter("on"))
    offering_columns["replacements"] = rows.groups(
        replacements, key=lambda r: r.effective_on or dt.date.min
    )
    offerings = _grouped(offering_columns["model_id"], _records(OfferingRec, offering_columns))
    del offering_columns, report_columns, replacement_columns, reports, replacements  # peak memory

    alias_columns = _columns(sent, "aliases")
    aliases = _grouped(
        alias_columns["model_id"],
        list(zip(alias_columns["alias"], alias_columns["kind"], strict=True)),
    )
    # A model's offerings in their natural order are in (provider, mode, task) order: they
    # share the model, and no two share all four.
    model_columns["offerings"] = _per_id(model_columns["id"], offerings)
    model_columns["aliases"] = _per_id(model_columns["id"], aliases)
    shapes, versions = _read_versions(sent, lookups)
    model_columns["version_shapes"] = [shapes.get(id_, ()) for id_ in model_columns["id"]]
    model_columns["versions"] = [versions.get(id_, ()) for id_ in model_columns["id"]]
    name_forms = _read_name_forms(sent, lookups)
    models = _records(ModelRec, model_columns)
    model_by_id = dict(zip(model_columns["id"], models, strict=True))
    alias_index = _alias_columns(alias_columns, endpoints, model_by_id)
    # Only the records outlive this point: free the columns before the build allocates its indexes.
    del model_columns, alias_columns, aliases, offerings, offering_ids, model_names, model_by_id
    facts = CatalogFacts(
        schema_revision=schema[0] if schema else None,
        sources=tuple(sorted(sources.values(), key=attrgetter("key"))),
        table_rows=_table_rows(sent.counted, revision_count),
        revisions=revisions,
        revision_count=revision_count,
    )
    return Snapshot.build(
        revision=revision[0],
        loaded_at=revision[1],
        models=models,
        providers=providers.values(),
        publishers=publishers.values(),
        architectures=architectures.values(),
        name_forms=name_forms,
        alias_columns=alias_index,
        facts=facts,
    )


def _revision_records(columns: Columns) -> tuple[RevisionRec, ...]:
    """The revisions read, newest first, each loaded_at in UTC (SQLite keeps no zone)."""
    columns["loaded_at"] = [
        at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC) for at in columns["loaded_at"]
    ]
    return tuple(sorted(_records(RevisionRec, columns), key=attrgetter("revision"), reverse=True))


def _table_rows(counted: Mapping[str, int], revision_count: int) -> dict[str, int]:
    """Rows per catalog table, in the schema's table order, from the rows each read counted."""
    rows = {WHOLE_TABLES[read]: count for read, count in counted.items() if read in WHOLE_TABLES}
    rows[orm.CatalogRevision.__tablename__] = revision_count
    return {t.name: rows[t.name] for t in orm.Base.metadata.sorted_tables if t.name in rows}


def _alias_columns(
    aliases: Mapping[str, Sequence[Any]],
    endpoints: Sequence[tuple[int, str]],
    model_by_id: Mapping[int, ModelRec],
) -> AliasColumns:
    """The aliases as read, after the endpoint names, in the order `AliasColumns` asks."""
    served = sorted(
        ((model_by_id[model_id], name) for model_id, name in endpoints),
        key=lambda pair: pair[0].key,
        reverse=True,
    )
    return AliasColumns(
        keys=[*(name_key(name) for _, name in served), *aliases["key"]],
        names=[*(name for _, name in served), *aliases["alias"]],
        kinds=[*repeat("endpoint", len(served)), *aliases["kind"]],
        models=[
            *(model for model, _ in served),
            *map(model_by_id.__getitem__, aliases["model_id"]),
        ],
    )


def _read_name_forms(sent: Statements, lookups: Lookups) -> list[NameFormRec]:
    """Every name form, in the order the seed lists them."""
    columns = _columns(sent, "name forms", lookups)
    order = sorted(range(len(columns["position"])), key=columns["position"].__getitem__)
    forms = _records(NameFormRec, columns)
    return [forms[i] for i in order]


def _read_versions(
    sent: Statements, lookups: Lookups
) -> tuple[dict[int, tuple[VersionShape, ...]], dict[int, tuple[VersionRec, ...]]]:
    """Each model's version shapes and listed versions, by model id."""
    shape_columns = _columns(sent, "version shapes")
    shapes = _grouped(shape_columns["model_id"], shape_columns["shape"])
    columns = _columns(sent, "versions", lookups)
    versions = _grouped(columns["model_id"], _records(VersionRec, columns))
    return (
        {id_: tuple(sorted(found)) for id_, found in shapes.items()},
        {
            id_: tuple(sorted(found, key=lambda v: (v.provider, v.version)))
            for id_, found in versions.items()
        },
    )


def table_counts(session: Session) -> dict[str, int]:
    """Rows per catalog table (Alembic's own bookkeeping left out)."""
    connection = session.connection()
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in orm.Base.metadata.sorted_tables
    }


def read_sources(session: Session) -> list[SourceRec]:
    """Every source the catalog cites, by key."""
    columns = _columns(Statements(session.connection()), "sources")
    return sorted(_records(SourceRec, columns), key=lambda s: s.key)
