"""A generic natural-key sync: make the tables hold exactly the desired rows, and say what changed.

Each table is described by its natural key; a foreign key is written as the parent's natural
key, so the desired rows never mention database ids. Deletes run child-first, inserts and
updates parent-first, all inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Date, String, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from catalog.store.models import Base

NaturalKey = tuple[Any, ...]
Row = dict[str, Any]


@dataclass(frozen=True)
class TableSpec:
    label: str
    orm: type[Base]
    key: tuple[str, ...]
    refs: Mapping[str, str] = field(default_factory=dict)  # FK column -> parent spec label


@dataclass(frozen=True)
class Change:
    action: str  # "insert", "update" or "delete"
    table: str
    key: NaturalKey
    fields: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    def describe(self) -> str:
        sign = {"insert": "+", "update": "~", "delete": "-"}[self.action]
        text = f"{sign} {self.table} {display_key(self.key)}"
        if self.fields:
            text += ": " + "; ".join(
                f"{name} {_show(old)} -> {_show(new)}" for name, (old, new) in self.fields.items()
            )
        return text


def display_key(key: Any) -> str:
    if isinstance(key, tuple):
        return " / ".join(display_key(part) for part in key)
    return str(key)


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        return display_key(value)
    return str(value)


def _table(spec: TableSpec) -> Table:
    return cast(Table, spec.orm.__table__)


def _columns(spec: TableSpec) -> list[str]:
    return [c.name for c in spec.orm.__table__.columns if c.name != "id"]


def export_rows(
    session: Session, specs: Sequence[TableSpec]
) -> tuple[dict[str, dict[NaturalKey, Row]], dict[str, dict[NaturalKey, int]]]:
    """Every table's rows by natural key, with foreign keys turned into parents' natural keys."""
    rows: dict[str, dict[NaturalKey, Row]] = {}
    ids: dict[str, dict[NaturalKey, int]] = {}
    for spec in specs:
        table = spec.orm.__table__
        columns = _columns(spec)
        parent_keys = {
            label: {row_id: key for key, row_id in ids[label].items()}
            for label in set(spec.refs.values())
        }
        rows[spec.label], ids[spec.label] = {}, {}
        for record in session.execute(select(table)).mappings():
            natural = {
                name: (
                    parent_keys[spec.refs[name]].get(record[name])
                    if name in spec.refs and record[name] is not None
                    else record[name]
                )
                for name in columns
            }
            key = tuple(natural[name] for name in spec.key)
            rows[spec.label][key] = natural
            ids[spec.label][key] = record["id"]
    return rows, ids


def column_problems(
    specs: Sequence[TableSpec], desired: Mapping[str, Mapping[NaturalKey, Row]]
) -> Iterator[tuple[TableSpec, NaturalKey, str, str]]:
    """Values either database would refuse (too long, a NUL) or the code cannot compute with.

    Checked against the columns themselves, so a dry run refuses what a real load on
    PostgreSQL or SQLite would: `(spec, key, column, problem)` for each.
    """
    from catalog.core.lifecycle import date_problem

    for spec in specs:
        columns = {c.name: c for c in spec.orm.__table__.columns}
        for key, row in desired.get(spec.label, {}).items():
            for name, value in row.items():
                if name in spec.refs or value is None:
                    continue
                kind = columns[name].type
                if isinstance(value, str):
                    length = kind.length if isinstance(kind, String) else None
                    if length is not None and len(value) > length:
                        yield spec, key, name, f"{len(value)} characters; at most {length}"
                    if "\x00" in value:
                        yield spec, key, name, "contains a NUL character"
                elif isinstance(kind, Date) and isinstance(value, dt.date):
                    problem = date_problem(value)
                    if problem is not None:
                        yield spec, key, name, problem


def diff(
    specs: Sequence[TableSpec],
    existing: Mapping[str, Mapping[NaturalKey, Row]],
    desired: Mapping[str, Mapping[NaturalKey, Row]],
) -> list[Change]:
    changes: list[Change] = []
    for spec in specs:
        have, want = existing.get(spec.label, {}), desired.get(spec.label, {})
        for key in want.keys() - have.keys():
            changes.append(Change("insert", spec.label, key))
        for key in have.keys() & want.keys():
            fields = {
                name: (have[key][name], want[key][name])
                for name in _columns(spec)
                if have[key][name] != want[key][name]
            }
            if fields:
                changes.append(Change("update", spec.label, key, fields))
        for key in have.keys() - want.keys():
            changes.append(Change("delete", spec.label, key))
    order = {spec.label: index for index, spec in enumerate(specs)}
    return sorted(changes, key=lambda c: (order[c.table], c.action, display_key(c.key)))


def apply(
    session: Session,
    specs: Sequence[TableSpec],
    desired: Mapping[str, Mapping[NaturalKey, Row]],
    changes: Sequence[Change],
    ids: dict[str, dict[NaturalKey, int]],
    after_table: Any = None,
) -> None:
    """Apply `changes`; `after_table(label)` runs after each table is written (a test seam)."""
    by_table: dict[str, list[Change]] = {}
    for change in changes:
        by_table.setdefault(change.table, []).append(change)
    for spec in reversed(specs):
        doomed = [
            ids[spec.label][c.key] for c in by_table.get(spec.label, []) if c.action == "delete"
        ]
        if doomed:
            table = _table(spec)
            session.execute(delete(table).where(table.c.id.in_(doomed)))
    for spec in specs:
        mine = by_table.get(spec.label, [])
        inserts = [
            _to_ids(spec, desired[spec.label][c.key], ids) for c in mine if c.action == "insert"
        ]
        updates = [
            {"id": ids[spec.label][c.key], **_to_ids(spec, desired[spec.label][c.key], ids)}
            for c in mine
            if c.action == "update"
        ]
        if inserts:  # Core executemany: one batch per table, nulls included
            session.execute(insert(_table(spec)), inserts)
        if updates:
            session.execute(update(spec.orm), updates)
        if inserts:
            ids[spec.label] = _key_to_id(session, spec, ids)
        if after_table is not None:
            after_table(spec.label)


def _to_ids(spec: TableSpec, row: Row, ids: Mapping[str, Mapping[NaturalKey, int]]) -> Row:
    return {
        name: (ids[spec.refs[name]][value] if name in spec.refs and value is not None else value)
        for name, value in row.items()
    }


def _key_to_id(
    session: Session, spec: TableSpec, ids: Mapping[str, Mapping[NaturalKey, int]]
) -> dict[NaturalKey, int]:
    table = spec.orm.__table__
    parent_keys = {
        label: {row_id: key for key, row_id in ids[label].items()}
        for label in set(spec.refs.values())
    }
    result: dict[NaturalKey, int] = {}
    for record in session.execute(select(table.c.id, *[table.c[k] for k in spec.key])).mappings():
        key = tuple(
            parent_keys[spec.refs[k]][record[k]]
            if k in spec.refs and record[k] is not None
            else record[k]
            for k in spec.key
        )
        result[key] = record["id"]
    return result
