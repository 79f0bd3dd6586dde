"""Engines, sessions and schema management from one setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import DatabaseUnavailable, InvalidArgument, SchemaOutOfDate
from catalog.resources import migrations_path


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys switched on and its directory created."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise InvalidArgument(f"not a database URL: {url!r}", field="database_url") from error
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success, rolls back on any error, and names database failures."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except exc.OperationalError as error:
        session.rollback()
        raise DatabaseUnavailable(f"database error: {error.orig}") from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the shipped migrations; shares `engine` when given."""
    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except exc.OperationalError as error:
        raise DatabaseUnavailable(f"cannot reach the database: {error.orig}") from error


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def schema_is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def require_current_schema(engine: Engine) -> None:
    """Refuse to read a database whose schema is behind, saying which command fixes it."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no catalog schema" if current is None else f"is at revision {current}"
        raise SchemaOutOfDate(
            f"the database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"this version needs {head}: run `model-catalog db upgrade`"
        )
