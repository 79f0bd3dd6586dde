"""Alembic environment: the package's metadata, a shared engine or MODEL_CATALOG_DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine

from catalog.settings import load_settings
from catalog.store.db import make_engine
from catalog.store.models import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    shared = config.attributes.get("engine")
    if shared is not None:
        return shared  # type: ignore[no-any-return]
    return make_engine(config.get_main_option("sqlalchemy.url") or load_settings().database_url)


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or load_settings().database_url
    context.configure(
        url=url, target_metadata=target_metadata, render_as_batch=True, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = _engine()
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            _run_sqlite(connection)
        return
    with engine.begin() as connection:
        _run(connection)


def _run_sqlite(connection: Connection) -> None:
    """SQLite alters a column by copying its table (batch mode), and dropping a table that
    others reference is refused while foreign keys are enforced. They are paused for the
    migration (a PRAGMA that only acts outside a transaction) and checked before it commits."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            _run(connection)
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration leaves broken foreign keys: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
