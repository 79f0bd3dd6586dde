"""Load a seed file into the database: validate, diff, apply in one transaction, bump the revision."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from catalog.errors import SeedError, SeedErrors
from catalog.schemas import ChangeInfo, LoadReport
from catalog.seed.file import SeedFile, read_seed
from catalog.seed.rows import SPECS, desired_rows
from catalog.seed.sync import (
    Change,
    NaturalKey,
    Row,
    apply,
    column_problems,
    diff,
    display_key,
    export_rows,
)
from catalog.store.db import require_current_schema, session_scope, writing
from catalog.store.models import CatalogRevision
from catalog.store.read import latest_revision

LOAD_LOCK_KEY = 0x6D6F64656C  # "model": the advisory lock that serializes loads on PostgreSQL


@dataclass(frozen=True)
class SyncReport:
    """What a load changed (or, in a dry run, would change) and the revision it left."""

    path: Path
    changes: tuple[Change, ...]
    revision: int | None
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_public(self) -> LoadReport:
        """The report as the library, the CLI's `--json` and the API give it."""
        return LoadReport(
            path=str(self.path),
            dry_run=self.dry_run,
            revision=self.revision,
            changes=[
                ChangeInfo(action=c.action, table=c.table, description=c.describe())
                for c in self.changes
            ],
            summary=self.summary(),
        )

    def summary(self) -> str:
        counts = Counter(change.action for change in self.changes)
        if not self.changes:
            return f"no changes; catalog revision {self.revision}"
        verb = "would change" if self.dry_run else "changed"
        return (
            f"{verb}: {counts['insert']} inserted, {counts['update']} updated, "
            f"{counts['delete']} deleted"
            + ("" if self.dry_run else f"; catalog revision {self.revision}")
        )


def load_seed(
    engine: Engine,
    path: Path | str,
    *,
    dry_run: bool = False,
    after_table: Callable[[str], None] | None = None,
) -> SyncReport:
    """Sync `path` into the database. A bad file or a failure part-way changes nothing."""
    seed = read_seed(path)
    desired = desired_rows(seed.document)
    problems = [
        SeedError(f"{spec.label} {display_key(key)}: {column}: {problem}", path=str(seed.path))
        for spec, key, column, problem in column_problems(SPECS, desired)
    ]
    if problems:
        raise SeedErrors(problems)
    require_current_schema(engine)
    # The write lock comes first (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL):
    # what is diffed is what is overwritten, whoever else is loading.
    with session_scope(writing(engine)) as session:
        report = _sync(session, seed, desired, dry_run=dry_run, after_table=after_table)
        if dry_run:
            session.rollback()
    return report


def _sync(
    session: Session,
    seed: SeedFile,
    desired: dict[str, dict[NaturalKey, Row]],
    *,
    dry_run: bool,
    after_table: Callable[[str], None] | None,
) -> SyncReport:
    if session.get_bind().dialect.name == "postgresql":
        # Loads from several machines (CI jobs, replicas) queue here instead of interleaving.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
    existing, ids = export_rows(session, SPECS)
    changes = diff(SPECS, existing, desired)
    latest = latest_revision(session)
    revision = latest.id if latest is not None else None
    if dry_run:
        return SyncReport(seed.path, tuple(changes), revision, dry_run=True)
    if changes:
        apply(session, SPECS, desired, changes, ids, after_table=after_table)
        counts = Counter(change.action for change in changes)
        new = CatalogRevision(
            loaded_at=dt.datetime.now(dt.UTC),
            seed_sha256=seed.sha256,
            summary=f"{counts['insert']} inserted, {counts['update']} updated, "
            f"{counts['delete']} deleted from {seed.path.name}",
        )
        session.add(new)
        session.flush()
        revision = new.id
    elif latest is not None and latest.seed_sha256 != seed.sha256:
        latest.seed_sha256 = (
            seed.sha256
        )  # same facts, new bytes (comments, layout): no new revision
    return SyncReport(seed.path, tuple(changes), revision, dry_run=False)
