"""Make a database ready to read: the embedded default sets itself up, others must be ready."""

from __future__ import annotations

from sqlalchemy import Engine, select

from catalog.db import require_current_schema, schema_is_current, session_scope, upgrade
from catalog.models import CatalogRevision
from catalog.resources import seed_path
from catalog.seed import load_seed
from catalog.seed_file import read_seed


def prepare_embedded(engine: Engine) -> None:
    """Create, migrate and seed the embedded SQLite catalog; re-sync when the shipped seed changes."""
    if not schema_is_current(engine):
        upgrade(engine)
    shipped = read_seed(seed_path())
    with session_scope(engine) as session:
        loaded = session.scalars(
            select(CatalogRevision.seed_sha256).order_by(CatalogRevision.id.desc()).limit(1)
        ).first()
    if loaded != shipped.sha256:
        load_seed(engine, shipped.path)


def prepare_external(engine: Engine) -> None:
    """An external database is never changed behind its owner's back: it must be at head."""
    require_current_schema(engine)
