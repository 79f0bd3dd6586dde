"""Engines, sessions and schema management from one setting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import DatabaseUnavailable, InvalidArgument, SchemaOutOfDate
from catalog.store.resources import migrations_path

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration. Kept here so that reading a catalog never has to import Alembic and
# parse the migration scripts; a test proves it equals the script directory's head.
SCHEMA_HEAD = "0002"


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
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except exc.ArgumentError as error:  # includes an unknown dialect or driver
        raise InvalidArgument(
            f"cannot use database URL {url!r}: {error}", field="database_url"
        ) from error


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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_path()))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    return SCHEMA_HEAD


def current_revision(engine: Engine) -> str | None:
    """The schema revision Alembic recorded, read with plain SQL (no Alembic import)."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except exc.OperationalError as error:
        raise DatabaseUnavailable(f"cannot reach the database: {error.orig}") from error


def upgrade(engine: Engine, revision: str = "head") -> None:
    _migrate("upgrade", engine, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _migrate("downgrade", engine, revision)


def _migrate(direction: str, engine: Engine, revision: str) -> None:
    from alembic import command
    from alembic.util import CommandError

    try:
        getattr(command, direction)(alembic_config(engine), revision)
    except CommandError as error:
        raise InvalidArgument(
            f"cannot {direction} to {revision!r}: {error}", field="revision"
        ) from error


def schema_is_current(engine: Engine) -> bool:
    return current_revision(engine) == SCHEMA_HEAD


def require_current_schema(engine: Engine) -> None:
    """Refuse to read a database whose schema is behind, saying which command fixes it."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "has no catalog schema" if current is None else f"is at revision {current}"
        raise SchemaOutOfDate(
            f"the database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"this version needs {head}: run `model-catalog db upgrade`"
        )
