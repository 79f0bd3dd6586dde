"""Make a database ready to read: the embedded default sets itself up, others must be ready."""

from __future__ import annotations

import hashlib

from sqlalchemy import Engine, select

from catalog.db import require_current_schema, schema_is_current, session_scope, upgrade
from catalog.models import CatalogRevision
from catalog.resources import seed_path
from catalog.seed import load_seed


def prepare_embedded(engine: Engine) -> None:
    """Create, migrate and seed the embedded SQLite catalog; re-sync when the shipped seed changes."""
    if not schema_is_current(engine):
        upgrade(engine)
    shipped = seed_path()
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    with session_scope(engine) as session:
        loaded = session.scalars(
            select(CatalogRevision.seed_sha256).order_by(CatalogRevision.id.desc()).limit(1)
        ).first()
    if loaded != digest:  # parse and sync only when the shipped file differs from what is loaded
        load_seed(engine, shipped)


def prepare_external(engine: Engine) -> None:
    """An external database is never changed behind its owner's back: it must be at head."""
    require_current_schema(engine)
