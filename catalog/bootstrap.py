"""Make a database ready to read: the embedded default sets itself up, others must be ready."""

from __future__ import annotations

import hashlib
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine

from catalog.errors import DatabaseUnavailable
from catalog.seed.load import load_seed
from catalog.store.db import require_current_schema, schema_is_current, session_scope, upgrade
from catalog.store.read import latest_revision
from catalog.store.resources import seed_path

LOCK_TIMEOUT_SECONDS = 120


def prepare_embedded(engine: Engine) -> None:
    """Create, migrate and seed the embedded SQLite catalog; re-sync when the shipped seed changes.

    Several processes may start at once on a new machine (pre-commit runs hooks in
    parallel): a file lock beside the database lets one of them set it up while the others
    wait, then find it ready.
    """
    shipped = seed_path()
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    if _is_ready(engine, digest):
        return
    database = Path(engine.url.database or "catalog.sqlite3")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(f"{database}.lock", timeout=LOCK_TIMEOUT_SECONDS):
            if _is_ready(engine, digest):
                return
            if not schema_is_current(engine):
                upgrade(engine)
            load_seed(engine, shipped)
    except Timeout as error:
        raise DatabaseUnavailable(
            f"another process has been setting up {database} for {LOCK_TIMEOUT_SECONDS} s; "
            f"if none is, remove {database}.lock"
        ) from error


def _is_ready(engine: Engine, digest: str) -> bool:
    """At head and loaded from the shipped seed file (compared by hash: no parsing)."""
    if not schema_is_current(engine):
        return False
    with session_scope(engine) as session:
        latest = latest_revision(session)
        return latest is not None and latest.seed_sha256 == digest


def prepare_external(engine: Engine) -> None:
    """An external database is never changed behind its owner's back: it must be at head."""
    require_current_schema(engine)
