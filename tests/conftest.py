"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, both for real.

PostgreSQL is at MODEL_CATALOG_TEST_PG_URL (default: 127.0.0.1:5432, trust auth, database
`test`); each test that needs a fresh database gets one of its own. Outside CI an
unreachable server skips those tests with the reason; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalog import Catalog
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.store.resources import seed_path

PG_URL = os.environ.get(
    "MODEL_CATALOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ENGINES = ["sqlite", "postgresql"]
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
TEST_DATA = Path(__file__).resolve().parent / "data"

_pg_problem: str | None = None
_pg_checked = False


def _postgres_problem() -> str | None:
    global _pg_checked, _pg_problem
    if not _pg_checked:
        _pg_checked = True
        try:
            engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            engine.dispose()
        except Exception as error:  # any failure to connect means: no server here
            _pg_problem = f"PostgreSQL not reachable at {PG_URL}: {type(error).__name__}"
    return _pg_problem


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"{problem} (CI must run the PostgreSQL tests)")
    pytest.skip(
        f"{problem}; start it with `pg_ctlcluster --skip-systemctl-redirect "
        "$(ls /etc/postgresql) main start`"
    )


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def new_database_url(engine_name: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database of the given engine; dropped afterwards."""
    if engine_name == "sqlite":
        yield f"sqlite:///{directory / f'catalog-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    require_postgres()
    name = f"mc_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(engine_name: str, tmp_path: Path) -> Iterator[str]:
    yield from new_database_url(engine_name, tmp_path)


@pytest.fixture
def migrated_url(empty_db_url: str) -> str:
    engine = make_engine(empty_db_url)
    upgrade(engine)
    engine.dispose()
    return empty_db_url


@pytest.fixture(scope="session", params=ENGINES)
def seeded_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database at head holding the shipped seed; shared by the tests that only read."""
    for url in new_database_url(str(request.param), tmp_path_factory.mktemp("seeded")):
        engine = make_engine(url)
        upgrade(engine)
        load_seed(engine, seed_path())
        engine.dispose()
        yield url


@pytest.fixture(scope="module")
def pg_seeded_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL database at head holding the shipped seed, for what only PostgreSQL does."""
    for url in new_database_url("postgresql", tmp_path_factory.mktemp("pg-seeded")):
        engine = make_engine(url)
        upgrade(engine)
        load_seed(engine, seed_path())
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def catalog(seeded_url: str) -> Iterator[Catalog]:
    """The shipped catalog, opened through the library face, on each engine."""
    opened = Catalog.open(seeded_url)
    yield opened
    opened.close()


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user data directory of its own, and no database URL from the environment."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("MODEL_CATALOG_DATABASE_URL", raising=False)
    return tmp_path / "data-home"


@pytest.fixture
def seed_document() -> Path:
    """The seed document itself, from ../shared/seeds (CI has it)."""
    documents = sorted(SHARED_SEEDS.glob("*.txt")) if SHARED_SEEDS.is_dir() else []
    if not documents:
        pytest.skip(f"the seed document is not at {SHARED_SEEDS} (it lives beside the project)")
    return documents[0]
