"""Make a database ready to read: the embedded default sets itself up, others must be ready.

The embedded SQLite file is derived data (the shipped seed, migrated and loaded), so it is
built under a temporary name and renamed into place: a kill or a full disk part-way leaves
no half-built catalog behind. A file found broken anyway (a partial schema from an older
version, a truncated or overwritten file) is moved aside and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, exc

from catalog.errors import DatabaseUnavailable
from catalog.seed.load import SyncReport, load_seed
from catalog.store.db import (
    current_revision,
    head_revision,
    make_engine,
    require_current_schema,
    session_scope,
    unavailable,
    upgrade,
)
from catalog.store.read import latest_revision
from catalog.store.resources import seed_path

LOCK_TIMEOUT_SECONDS = 120
_LEFTOVERS = ("-journal", "-wal", "-shm")


def _database(engine: Engine) -> Path:
    return Path(engine.url.database or "catalog.sqlite3")


@contextmanager
def embedded_lock(engine: Engine) -> Iterator[None]:
    """The lock beside the embedded file that first use and `load` take alike.

    Several processes may start at once on a new machine (pre-commit runs hooks in
    parallel): one sets the catalog up while the others wait, then find it ready.
    """
    database = _database(engine)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(f"{database}.lock", timeout=LOCK_TIMEOUT_SECONDS):
            yield
    except Timeout as error:
        raise DatabaseUnavailable(
            f"another process has been setting up {database} for {LOCK_TIMEOUT_SECONDS} s; "
            f"if none is, remove {database}.lock"
        ) from error
    except PermissionError as error:
        raise DatabaseUnavailable(
            f"cannot write beside the catalog at {database}: {error.strerror}; set "
            "XDG_DATA_HOME or MODEL_CATALOG_DATABASE_URL to a writable place"
        ) from error


def prepare_embedded(engine: Engine) -> None:
    """Create, migrate and seed the embedded SQLite catalog; re-sync when the shipped seed changes."""
    shipped = seed_path()
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    if _is_ready(engine, digest):
        return
    with embedded_lock(engine):
        if _is_ready(engine, digest):
            return
        if not _ensure_schema(engine, seed=shipped):
            load_seed(engine, shipped)


def load_embedded(engine: Engine, path: Path, *, dry_run: bool = False) -> SyncReport:
    """`load` on the embedded catalog: under the same lock as first use, schema built first."""
    with embedded_lock(engine):
        _ensure_schema(engine, seed=None)
        return load_seed(engine, path, dry_run=dry_run)


def _ensure_schema(engine: Engine, *, seed: Path | None) -> bool:
    """Bring the file to head; True when it was rebuilt from scratch (and loaded with `seed`)."""
    database = _database(engine)
    state = _state(engine)
    if state == "current":
        return False
    if state == "behind":
        upgrade(engine)
        return False
    _rebuild(engine, database, seed, broken=state == "broken")
    return True


def _state(engine: Engine) -> str:
    """`missing`, `broken` (not SQLite, or a schema with no recorded revision), `behind` or
    `current`; a lock held by someone else is an error, not a broken file."""
    database = _database(engine)
    if not database.exists() or database.stat().st_size == 0:
        return "missing"
    try:
        revision = current_revision(engine)
    except DatabaseUnavailable as error:
        cause = error.__cause__
        if isinstance(cause, exc.DBAPIError) and not isinstance(cause, exc.OperationalError):
            return "broken"  # "file is not a database", "database disk image is malformed"
        raise
    if revision is None:
        return "broken"  # tables without a recorded revision: a build that never finished
    return "current" if revision == head_revision() else "behind"


def _rebuild(engine: Engine, database: Path, seed: Path | None, *, broken: bool) -> None:
    """Build a new catalog file beside the old one, then rename it into place."""
    for stale in database.parent.glob(f"{database.name}.building-*"):
        stale.unlink(missing_ok=True)  # left by a process killed mid-build (we hold the lock)
    building = database.with_name(f"{database.name}.building-{os.getpid()}")
    builder = make_engine(f"sqlite:///{building}")
    try:
        upgrade(builder)
        if seed is not None:
            load_seed(builder, seed)
    except BaseException:
        builder.dispose()
        building.unlink(missing_ok=True)
        raise
    builder.dispose()
    engine.dispose()  # pooled connections still point at the old file
    if broken and database.exists():
        os.replace(database, database.with_name(f"{database.name}.broken"))
    for suffix in _LEFTOVERS:  # a journal of the old file must never be replayed into the new
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(building, database)


def _is_ready(engine: Engine, digest: str) -> bool:
    """At head and loaded from the shipped seed file (compared by hash: no parsing).

    A broken file is simply not ready: it is rebuilt under the lock. A missing one is not
    opened (SQLite would create it empty).
    """
    if not _database(engine).exists():
        return False
    try:
        if current_revision(engine) != head_revision():
            return False
        with session_scope(engine) as session:
            latest = latest_revision(session)
            return latest is not None and latest.seed_sha256 == digest
    except DatabaseUnavailable as error:
        if isinstance(error.__cause__, exc.OperationalError):
            raise
        return False
    except exc.DBAPIError as error:
        raise unavailable(engine, error) from error


def prepare_external(engine: Engine) -> None:
    """An external database is never changed behind its owner's back: it must be at head."""
    require_current_schema(engine)
