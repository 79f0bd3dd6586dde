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
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, exc, func, or_, select
from sqlalchemy.orm import Session

from catalog.core.names import name_key
from catalog.core.records import (
    ArchitectureRec,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
    ReplacementRec,
    ReportRec,
    SourceRec,
    VersionRec,
)
from catalog.core.snapshot import FREEZE_OVER, AliasColumns, Snapshot, gc_paused
from catalog.errors import NotLoaded
from catalog.schemas import RevisionEntry
from catalog.store import models as orm
from catalog.vocabulary import DateMeaning, LifecycleBasis, ServingMode, Task, VersionShape

MEANINGS = {meaning.value: meaning for meaning in DateMeaning}
BASES = {basis.value: basis for basis in LifecycleBasis}

# The one "newest revision" query: the catalog's revision is the newest row of catalog_revisions.
NEWEST_REVISION: Select[orm.CatalogRevision] = (
    select(orm.CatalogRevision).order_by(orm.CatalogRevision.id.desc()).limit(1)
)

R = TypeVar("R")
PARTITION_ROWS = 20_000

SOURCE_SPEC = {
    "key": orm.Source.key,
    "title": orm.Source.title,
    "verified": orm.Source.verified,
    "url": orm.Source.url,
    "read_on": orm.Source.read_on,
    "note": orm.Source.note,
}
# field name -> a column, or (a column, a conversion applied to each of its values)
Spec = Mapping[str, Any]
Columns = dict[str, list[Any]]


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


def read_revisions(session: Session, limit: int) -> list[RevisionEntry]:
    """The newest `limit` revisions, newest first: what a change feed shows."""
    rows = session.scalars(
        select(orm.CatalogRevision).order_by(orm.CatalogRevision.id.desc()).limit(limit)
    )
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


def _columns(
    connection: Connection, spec: Spec, *, where: ColumnElement[bool] | None = None
) -> dict[str, list[Any]]:
    """One SELECT of the spec's columns, as field -> converted values (in row order).

    Rows come straight from the driver's cursor as plain tuples (no SQLAlchemy `Row` per
    row), fetched and transposed a partition at a time, so the peak memory holds the columns
    and one partition, never every row beside every column. A partition is transposed one
    column at a time with `itemgetter` (three times faster than `zip(*rows)`, which makes an
    iterator per row). Each column gets its type's own result processor (SQLite's text dates,
    0/1 booleans) and the spec's conversion, in C.
    """
    entries = [
        (name, entry if isinstance(entry, tuple) else (entry, None)) for name, entry in spec.items()
    ]
    statement = select(*(column for _, (column, _) in entries))
    if where is not None:
        statement = statement.where(where)
    dialect = connection.dialect
    converters = [
        (column.type.dialect_impl(dialect).result_processor(dialect, None), convert)
        for column, (_, (_, convert)) in zip(statement.selected_columns, entries, strict=True)
    ]
    columns: list[list[Any]] = [[] for _ in entries]
    sql = str(statement.compile(dialect=dialect))
    cursor_result = connection.exec_driver_sql(sql)  # execution errors come wrapped already
    try:
        while partition := cursor_result.cursor.fetchmany(PARTITION_ROWS):
            for position, ((processor, convert), column) in enumerate(
                zip(converters, columns, strict=True)
            ):
                values: Iterable[Any] = map(itemgetter(position), partition)
                if processor is not None:
                    values = map(processor, values)
                if convert is not None:
                    values = map(convert, values)
                column.extend(values)
    except dialect.loaded_dbapi.Error as error:  # and so do the driver's, while fetching
        raise exc.DBAPIError.instance(sql, None, error, dialect.loaded_dbapi.Error) from error
    finally:
        cursor_result.close()
    return {name: column for (name, _), column in zip(entries, columns, strict=True)}


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


def _sparse_columns(connection: Connection, id_column: Any, rows: _Rows, spec: Spec) -> Columns:
    """Columns that are NULL in most rows, read only from the rows where one of them is set.

    Most offerings have no endpoint name, notes, deprecation or retirement: one filtered
    SELECT reads the few that do, placed by id into columns that are None elsewhere. A
    conversion is applied to the values read only (each spec's conversion keeps None as None).
    """
    where = or_(
        *((entry[0] if isinstance(entry, tuple) else entry).isnot(None) for entry in spec.values())
    )
    found = _columns(connection, {"__id": id_column, **spec}, where=where)
    at = rows.positions(found.pop("__id"))
    return {name: rows.column(at, values) for name, values in found.items()}


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
    revision = read_revision(session)
    if revision is None:
        raise NotLoaded(NotLoaded.default_message)
    connection = session.connection()

    source_columns = _columns(connection, {"id": orm.Source.id, **SOURCE_SPEC})
    sources = _by_id(source_columns, _records(SourceRec, source_columns))
    source, maybe_source = sources.__getitem__, sources.get

    P = orm.Publisher
    own = select(orm.Provider.slug).where(orm.Provider.id == P.own_provider_id)
    publisher_columns = _columns(
        connection,
        {"id": P.id, "slug": P.slug, "name": P.name, "own_provider": own.scalar_subquery()},
    )
    publishers = _by_id(publisher_columns, _records(PublisherRec, publisher_columns))
    publisher_slugs = {id_: p.slug for id_, p in publishers.items()}
    tasks = {
        id_: Task(slug) for id_, slug in _pairs(connection, orm.TaskType.id, orm.TaskType.slug)
    }
    modes = {
        id_: ServingMode(slug)
        for id_, slug in _pairs(connection, orm.ServingModeRow.id, orm.ServingModeRow.slug)
    }

    C = orm.CustomModelRule
    rules = _columns(
        connection,
        {
            "provider_id": C.provider_id,
            "task": (C.task_type_id, tasks.__getitem__),
            "source_id": C.source_id,
            "naming": C.naming,
            "pattern": C.pattern,
        },
    )
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
    P2 = orm.Provider
    provider_columns = _columns(
        connection,
        {
            "id": P2.id,
            "slug": P2.slug,
            "name": P2.name,
            "source": (P2.source_id, source),
            "config_provider": P2.config_provider,
            "openai_api_type": P2.openai_api_type,
            "note": P2.note,
        },
    )
    provider_rules = [custom.get(id_, []) for id_ in provider_columns["id"]]
    provider_columns["custom_tasks"] = [tuple(task for task, _ in r) for r in provider_rules]
    provider_columns["custom_source"] = [source(r[0][1]) if r else None for r in provider_rules]
    provider_naming = [naming.get(id_, (None, None)) for id_ in provider_columns["id"]]
    provider_columns["custom_naming"] = [n for n, _ in provider_naming]
    provider_columns["custom_pattern"] = [p for _, p in provider_naming]
    providers = _by_id(provider_columns, _records(ProviderRec, provider_columns))
    provider_slugs = {id_: p.slug for id_, p in providers.items()}

    AT, AA = orm.ArchitectureTask, orm.ArchitectureAlias
    arch_task_columns = _columns(
        connection, {"id": AT.architecture_id, "task": (AT.task_type_id, tasks.__getitem__)}
    )
    arch_tasks = _grouped(arch_task_columns["id"], arch_task_columns["task"])
    arch_alias_columns = _columns(connection, {"id": AA.architecture_id, "alias": AA.alias})
    arch_aliases = _grouped(arch_alias_columns["id"], arch_alias_columns["alias"])
    A = orm.Architecture
    arch_columns = _columns(
        connection,
        {
            "id": A.id,
            "name": A.name,
            "key": A.name_key,
            "publisher": (A.publisher_id, publisher_slugs.__getitem__),
            "source": (A.source_id, source),
            "license": A.license,
            "embeddings_normalized": A.embeddings_normalized,
            "notes": A.notes,
        },
    )
    arch_columns["tasks"] = [tuple(sorted(arch_tasks[id_])) for id_ in arch_columns["id"]]
    arch_columns["aliases"] = [tuple(sorted(arch_aliases[id_])) for id_ in arch_columns["id"]]
    architectures = _by_id(arch_columns, _records(ArchitectureRec, arch_columns))
    arch_names = {id_: a.name for id_, a in architectures.items()}

    M = orm.Model
    model_columns = _columns(
        connection,
        {
            "id": M.id,
            "name": M.name,
            "key": M.name_key,
            "publisher": (M.publisher_id, publisher_slugs.__getitem__),
            "source": (M.source_id, source),
            "display_name": M.display_name,
            "family": M.family,
            "architecture": (M.architecture_id, arch_names.get),
            "license": M.license,
            "embeddings_normalized": M.embeddings_normalized,
            "notes": M.notes,
        },
    )
    model_names = dict(zip(model_columns["id"], model_columns["name"], strict=True))
    L = orm.LifecycleReport
    report_columns = _columns(
        connection,
        {
            "offering_id": L.offering_id,
            "on": L.on_date,
            "meaning": (L.meaning, MEANINGS.__getitem__),
            "source": (L.source_id, source),
            "note": L.note,
        },
    )
    reports = _grouped(report_columns["offering_id"], _records(ReportRec, report_columns))
    RP = orm.Replacement
    replacement_columns = _columns(
        connection,
        {
            "offering_id": RP.offering_id,
            "model": (RP.replacement_model_id, model_names.__getitem__),
            "provider": (RP.provider_id, provider_slugs.__getitem__),
            "mode": (RP.serving_mode_id, modes.__getitem__),
            "source": (RP.source_id, source),
            "effective_on": RP.effective_on,
            "reason": RP.reason,
        },
    )
    replacements = _grouped(
        replacement_columns["offering_id"], _records(ReplacementRec, replacement_columns)
    )

    O = orm.Offering  # noqa: E741
    offering_columns = _columns(
        connection,
        {
            "id": O.id,
            "model_id": O.model_id,
            "provider": (O.provider_id, provider_slugs.__getitem__),
            "mode": (O.serving_mode_id, modes.__getitem__),
            "task": (O.task_type_id, tasks.__getitem__),
            "source": (O.source_id, source),
            "bedrock_provider": O.bedrock_provider,
            "lifecycle_basis": (O.lifecycle_basis, BASES.get),
            "lifecycle_source": (O.lifecycle_source_id, maybe_source),
        },
    )
    rows = _Rows(offering_columns["id"])
    offering_columns |= _sparse_columns(
        connection,
        O.id,
        rows,
        {
            "endpoint_name": O.endpoint_name,
            "notes": O.notes,
            "lifecycle_note": O.lifecycle_note,
            "deprecated_on": O.deprecated_on,
            "deprecated_source": (O.deprecated_source_id, maybe_source),
            "deprecated_note": O.deprecated_note,
            "retires_on": O.retires_on,
            "retires_meaning": (O.retires_meaning, MEANINGS.get),
            "retires_source": (O.retires_source_id, maybe_source),
            "retires_note": O.retires_note,
        },
    )
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

    alias_columns = _columns(
        connection,
        {
            "model_id": orm.Alias.model_id,
            "alias": orm.Alias.alias,
            "kind": orm.Alias.kind,
            "key": orm.Alias.alias_key,
        },
    )
    aliases = _grouped(
        alias_columns["model_id"],
        list(zip(alias_columns["alias"], alias_columns["kind"], strict=True)),
    )
    # A model's offerings in their natural order are in (provider, mode, task) order: they
    # share the model, and no two share all four.
    model_columns["offerings"] = _per_id(model_columns["id"], offerings)
    model_columns["aliases"] = _per_id(model_columns["id"], aliases)
    shapes, versions = _read_versions(connection, source, maybe_source, model_names, provider_slugs)
    model_columns["version_shapes"] = [shapes.get(id_, ()) for id_ in model_columns["id"]]
    model_columns["versions"] = [versions.get(id_, ()) for id_ in model_columns["id"]]
    name_forms = _read_name_forms(connection, source, provider_slugs, modes)
    models = _records(ModelRec, model_columns)
    model_by_id = dict(zip(model_columns["id"], models, strict=True))
    alias_index = _alias_columns(alias_columns, endpoints, model_by_id)
    # Only the records outlive this point: free the columns before the build allocates its indexes.
    del model_columns, alias_columns, aliases, offerings, offering_ids, model_names, model_by_id
    return Snapshot.build(
        revision=revision[0],
        loaded_at=revision[1],
        models=models,
        providers=providers.values(),
        publishers=publishers.values(),
        architectures=architectures.values(),
        name_forms=name_forms,
        alias_columns=alias_index,
    )


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


def _read_name_forms(
    connection: Connection,
    source: Callable[[int], SourceRec],
    provider_slugs: Mapping[int, str],
    modes: Mapping[int, ServingMode],
) -> list[NameFormRec]:
    """Every name form, in the order the seed lists them."""
    N = orm.NameForm
    columns = _columns(
        connection,
        {
            "position": N.position,
            "kind": N.kind,
            "form": N.form,
            "tool": N.tool,
            "source": (N.source_id, source),
            "provider": (N.provider_id, provider_slugs.get),
            "outside": N.outside,
            "mode": (N.serving_mode_id, modes.get),
            "note": N.note,
        },
    )
    order = sorted(range(len(columns["position"])), key=columns["position"].__getitem__)
    forms = _records(NameFormRec, columns)
    return [forms[i] for i in order]


def _read_versions(
    connection: Connection,
    source: Callable[[int], SourceRec],
    maybe_source: Callable[[int], SourceRec | None],
    model_names: Mapping[int, str],
    provider_slugs: Mapping[int, str],
) -> tuple[dict[int, tuple[VersionShape, ...]], dict[int, tuple[VersionRec, ...]]]:
    """Each model's version shapes and listed versions, by model id."""
    VS = orm.ModelVersionShape
    shape_columns = _columns(
        connection, {"model_id": VS.model_id, "shape": (VS.shape, VersionShape)}
    )
    shapes = _grouped(shape_columns["model_id"], shape_columns["shape"])
    V = orm.ModelVersion
    columns = _columns(
        connection,
        {
            "model_id": V.model_id,
            "model": (V.model_id, model_names.__getitem__),
            "provider": (V.provider_id, provider_slugs.__getitem__),
            "version": V.version,
            "shape": (V.shape, VersionShape),
            "name": V.name,
            "source": (V.source_id, source),
            "own_lifecycle": (V.own_lifecycle, bool),
            "note": V.note,
            "lifecycle_basis": (V.lifecycle_basis, BASES.get),
            "lifecycle_source": (V.lifecycle_source_id, maybe_source),
            "lifecycle_note": V.lifecycle_note,
            "deprecated_on": V.deprecated_on,
            "deprecated_source": (V.deprecated_source_id, maybe_source),
            "deprecated_note": V.deprecated_note,
            "retires_on": V.retires_on,
            "retires_meaning": (V.retires_meaning, MEANINGS.get),
            "retires_source": (V.retires_source_id, maybe_source),
            "retires_note": V.retires_note,
        },
    )
    versions = _grouped(columns["model_id"], _records(VersionRec, columns))
    return (
        {id_: tuple(sorted(found)) for id_, found in shapes.items()},
        {
            id_: tuple(sorted(found, key=lambda v: (v.provider, v.version)))
            for id_, found in versions.items()
        },
    )


def _pairs(connection: Connection, key: Any, value: Any) -> list[tuple[Any, Any]]:
    return [(k, v) for k, v in connection.execute(select(key, value)).all()]


def table_counts(session: Session) -> dict[str, int]:
    """Rows per catalog table (Alembic's own bookkeeping left out)."""
    connection = session.connection()
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in orm.Base.metadata.sorted_tables
    }


def read_sources(session: Session) -> list[SourceRec]:
    """Every source the catalog cites, by key."""
    columns = _columns(session.connection(), SOURCE_SPEC)
    return sorted(_records(SourceRec, columns), key=lambda s: s.key)
