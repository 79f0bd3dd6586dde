"""Engines, sessions and schema management from one setting."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog.errors import DatabaseUnavailable, InvalidArgument, SchemaOutOfDate
from catalog.redact import redact
from catalog.settings import (
    CONNECT_TIMEOUT_VARIABLE,
    STATEMENT_TIMEOUT_VARIABLE,
    Timeouts,
    load_timeouts,
)
from catalog.store.deadlines import DEADLINES, GRACE_SECONDS
from catalog.store.resources import migrations_path

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration. Kept here so that reading a catalog never has to import Alembic and
# parse the migration scripts; a test proves it equals the script directory's head.
SCHEMA_HEAD = "0004"


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling starts transactions late and never for reads;
    # the catalog issues BEGIN itself (`_sqlite_begin`) so that a read sees one state and a
    # load can take the write lock before it reads what it diffs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Write-ahead logging: a load commits while readers are mid-snapshot, and readers never
    # wait for a writer; each reader still sees one committed state for its transaction.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get("catalog_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, timeouts: Timeouts | None = None) -> Engine:
    """An engine for `url` with connect and statement timeouts (default: from the environment).

    SQLite gets foreign keys, explicit transactions and its directory created; a
    `postgres://` or `postgresql://` URL uses psycopg 3. Other databases are refused.
    """
    timeouts = timeouts or load_timeouts()
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as error:
        raise InvalidArgument(
            f"not a database URL: {redact(repr(url))}", field="database_url"
        ) from error
    backend = parsed.get_backend_name()
    if backend == "postgres":
        parsed = parsed.set(drivername="postgresql")
        backend = "postgresql"
    if backend not in SUPPORTED_BACKENDS:
        raise InvalidArgument(
            f"unsupported database {backend!r} in {redact(repr(url))}: "
            "use sqlite:///PATH or postgresql://USER@HOST/DATABASE",
            field="database_url",
        )
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            directory = Path(parsed.database).parent
            try:
                directory.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseUnavailable(
                    f"cannot create the directory {directory} for the catalog: "
                    f"{error.strerror}; set XDG_DATA_HOME or --database-url / "
                    "MODEL_CATALOG_DATABASE_URL to a writable place",
                    field="database_url",
                ) from error
        # SQLite has no statement timeout; `timeout` is how long to wait for another
        # process's lock (a load in progress) before giving up.
        engine = create_engine(parsed, connect_args={"timeout": timeouts.statement})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    connect_args = {
        "connect_timeout": max(1, math.ceil(timeouts.connect)),
        "options": f"-c statement_timeout={int(timeouts.statement * 1000)}",
    }
    try:
        engine = create_engine(parsed, connect_args=connect_args)
    except (exc.ArgumentError, ImportError) as error:  # an unknown driver
        raise InvalidArgument(
            f"cannot use database URL {redact(repr(url))}: {redact(str(error))}",
            field="database_url",
        ) from error
    _guard_with_deadlines(engine, timeouts)
    return engine


# On top of the statement timeout + grace, for each row of a statement run for many rows.
SECONDS_PER_ROW = 0.001
ANSWER_SETTING = (
    f"the statement timeout, {STATEMENT_TIMEOUT_VARIABLE}, plus {GRACE_SECONDS:g} s, "
    f"and {SECONDS_PER_ROW * 1000:g} ms a row for a statement run for many rows"
)


def answer_deadline(engine: Engine) -> float | None:
    """How long a statement on `engine` may wait for the server before its connection is cut
    (`catalog.store.deadlines`); None for SQLite, which has no server to wait for."""
    return _ANSWER_DEADLINES.get(engine)


_ANSWER_DEADLINES: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


def _guard_with_deadlines(engine: Engine, timeouts: Timeouts) -> None:
    """Arm a client-side deadline before every wait on the server (see `deadlines`).

    The pool's ping at checkout replaces `pool_pre_ping`, so that it is armed too (a frozen
    server would hang the ping itself): a connection that fails it is replaced, as SQLAlchemy
    does for its own ping.
    """
    answer = timeouts.statement + GRACE_SECONDS
    _ANSWER_DEADLINES[engine] = answer
    ping_setting = f"the connect timeout, {CONNECT_TIMEOUT_VARIABLE}"
    dialect = engine.dialect

    def ping(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        DEADLINES.take_cut()  # a new operation: forget a cut an earlier one recovered from
        DEADLINES.arm(dbapi_connection, timeouts.connect, ping_setting)
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(
                f"the pooled connection failed its ping: {error}"
            ) from error
        finally:
            DEADLINES.disarm(dbapi_connection)

    def before_statement(
        connection: Connection,
        _cursor: Any,
        _statement: str,
        parameters: Any,
        _context: Any,
        executemany: bool,
    ) -> None:
        # One statement for many rows (a load's inserts and updates, one call per table):
        # each row may take its share on top, so a large load is never cut for its size.
        rows = len(parameters) if executemany and isinstance(parameters, list | tuple) else 0
        arm(connection, answer + rows * SECONDS_PER_ROW)

    def before_ending(connection: Connection) -> None:
        arm(connection, answer)

    def arm(connection: Connection, seconds: float) -> None:
        if connection.invalidated or connection.closed:  # nothing will wait on a server
            return
        driver = connection.connection.dbapi_connection
        if driver is not None:
            DEADLINES.arm(driver, seconds, ANSWER_SETTING)

    def before_reset(dbapi_connection: Any, _record: Any, _state: Any) -> None:
        DEADLINES.arm(dbapi_connection, answer, ANSWER_SETTING)

    def returned(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:
            DEADLINES.disarm(dbapi_connection)

    event.listen(engine, "checkout", ping)
    event.listen(engine, "before_cursor_execute", before_statement)
    event.listen(engine, "commit", before_ending)
    event.listen(engine, "rollback", before_ending)
    event.listen(engine, "reset", before_reset)
    event.listen(engine, "checkin", returned)


def writing(engine: Engine) -> Engine:
    """The same engine, for a transaction that writes: on SQLite it takes the write lock at
    BEGIN (`BEGIN IMMEDIATE`), so that two loads never diff the same rows at once."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(catalog_write=True)
    return engine


def reading(engine: Engine) -> Engine:
    """The same engine, for a read that must see one committed state across many queries:
    `REPEATABLE READ, READ ONLY` on PostgreSQL; on SQLite every transaction already is."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine


def unavailable(engine_or_url: Engine | str, error: exc.DBAPIError) -> DatabaseUnavailable:
    """One clear message for a database failure: which database, what happened, what to do."""
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    where = url.render_as_string(hide_password=True)
    cut = DEADLINES.take_cut()
    if cut is not None:
        seconds, setting = cut
        return DatabaseUnavailable(
            f"the database {where} did not answer within {seconds:g} s, so the connection "
            f"was dropped: is it stopped, overloaded or cut off? (the wait is {setting})"
        )
    orig = error.orig
    first = redact((str(orig).strip().splitlines() or [type(orig).__name__])[0])
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate == "57014":  # query_canceled: the statement timeout
        return DatabaseUnavailable(
            f"the database {where} did not finish a statement within the statement timeout "
            f"({first}); raise {STATEMENT_TIMEOUT_VARIABLE} (seconds) if it is only slow"
        )
    if url.get_backend_name() == "sqlite" and not isinstance(
        error, exc.OperationalError | exc.ProgrammingError
    ):
        return DatabaseUnavailable(
            f"{url.database} is not a usable SQLite catalog ({first}); move it away and "
            "run the command again (the embedded catalog is rebuilt from the shipped seed), "
            "or restore it from a backup"
        )
    if isinstance(error, exc.OperationalError) and "timeout expired" in first:
        return DatabaseUnavailable(
            f"cannot reach the database {where}: {first}; is it up? the wait is set by "
            f"{CONNECT_TIMEOUT_VARIABLE} (seconds)"
        )
    unreachable = ("connect", "resolve host", "translate host", "no route", "refused")
    if isinstance(error, exc.OperationalError) and any(w in first.lower() for w in unreachable):
        return DatabaseUnavailable(f"cannot reach the database {where}: {first}")
    return DatabaseUnavailable(f"database error at {where}: {first}")


# PostgreSQL's undefined_table and undefined_column; SQLite says it in words.
_MISSING_SQLSTATES = ("42P01", "42703")
_MISSING_SQLITE = ("no such table", "no such column")


def missing_schema(error: exc.DBAPIError) -> bool:
    """Whether `error` says a catalog table or column is not there: a schema never built or
    behind this version, which `model-catalog db upgrade` fixes."""
    orig = error.orig
    if getattr(orig, "sqlstate", None) in _MISSING_SQLSTATES:
        return True
    return isinstance(error, exc.OperationalError) and str(orig).startswith(_MISSING_SQLITE)


def schema_out_of_date(engine: Engine) -> SchemaOutOfDate:
    """The SchemaOutOfDate for a database whose tables are missing or behind, with the
    remedy; no SQL text, no password."""
    try:
        require_current_schema(engine)
    except SchemaOutOfDate as error:
        return error
    return SchemaOutOfDate(
        f"the database {engine.url.render_as_string(hide_password=True)} records schema "
        f"revision {SCHEMA_HEAD} but lacks catalog tables: run `model-catalog db upgrade` "
        "on a new database, or restore this one from a backup"
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success, rolls back on any error, and names database failures."""
    factory = sessionmaker(engine, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except exc.DBAPIError as error:
        session.rollback()
        if missing_schema(error):
            raise schema_out_of_date(engine) from error
        if isinstance(error, exc.DatabaseError) and not isinstance(
            error, exc.IntegrityError | exc.DataError
        ):
            raise unavailable(engine, error) from error
        raise
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
    except exc.DBAPIError as error:
        raise unavailable(engine, error) from error


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
    except exc.DBAPIError as error:
        raise unavailable(engine, error) from error


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
