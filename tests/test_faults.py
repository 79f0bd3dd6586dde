"""Unlucky operators: servers that never answer, locks held too long, passwords in URLs,
directories that cannot be written. Each ends in one clear line, quickly, never a hang."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from catalog.cli.app import main
from catalog.errors import DatabaseUnavailable, InvalidArgument
from catalog.seed.load import LOAD_LOCK_KEY, load_seed
from catalog.settings import Timeouts, load_timeouts
from catalog.store.db import make_engine, writing

from conftest import TEST_DATA

SECRET = "S3CRET"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port whose kernel completes the TCP handshake and then nothing ever answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)  # never accept(): the connection is established, no byte ever comes back
    yield server.getsockname()[1]
    server.close()


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str]:
    """The real command in a process of its own, so that a hang fails instead of blocking."""
    result = subprocess.run(
        [sys.executable, "-m", "catalog", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


@pytest.mark.slow
def test_a_server_that_never_answers_times_out_with_a_clear_line(silent_server: int) -> None:
    url = f"postgresql://u:{SECRET}@127.0.0.1:{silent_server}/db"
    started = time.monotonic()
    code, err = cli(
        "models", "--database-url", url, env={"MODEL_CATALOG_CONNECT_TIMEOUT": "2"}, timeout=30
    )
    assert time.monotonic() - started < 20
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "cannot reach the database postgresql" in err
    assert f"://u:***@127.0.0.1:{silent_server}/db: connection timeout expired" in err
    assert "MODEL_CATALOG_CONNECT_TIMEOUT" in err and SECRET not in err


def test_timeouts_default_to_10_and_60_seconds_and_follow_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MODEL_CATALOG_CONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("MODEL_CATALOG_STATEMENT_TIMEOUT", raising=False)
    assert load_timeouts() == Timeouts(connect=10, statement=60)
    monkeypatch.setenv("MODEL_CATALOG_CONNECT_TIMEOUT", "3")
    monkeypatch.setenv("MODEL_CATALOG_STATEMENT_TIMEOUT", "0.5")
    assert load_timeouts() == Timeouts(connect=3, statement=0.5)
    for bad in ("soon", "0", "-1", "1e9"):
        monkeypatch.setenv("MODEL_CATALOG_CONNECT_TIMEOUT", bad)
        with pytest.raises(InvalidArgument, match="MODEL_CATALOG_CONNECT_TIMEOUT must be"):
            load_timeouts()


def test_a_load_blocked_past_the_statement_timeout_says_so(migrated_url: str) -> None:
    """Another writer holds the lock for good: the load gives up after the timeout, cleanly."""
    holder = writing(make_engine(migrated_url)).connect()
    holder.begin()  # on SQLite: BEGIN IMMEDIATE, the write lock
    if holder.dialect.name == "postgresql":
        holder.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK_KEY})
    try:
        engine = make_engine(migrated_url, Timeouts(connect=5, statement=1))
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as caught:
            load_seed(engine, TEST_DATA / "mini_seed.yaml")
        assert time.monotonic() - started < 10
        if holder.dialect.name == "postgresql":
            assert "statement timeout" in caught.value.message
            assert "MODEL_CATALOG_STATEMENT_TIMEOUT" in caught.value.message
        else:
            assert "database is locked" in caught.value.message
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.parametrize(
    "url",
    [
        f"postgres://u:{SECRET}@127.0.0.1:1/db",  # refused: nothing listens on port 1
        f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/db",
        f"mysql://u:{SECRET}@127.0.0.1/db",  # a database the catalog does not support
        f"postgresql+nodriver://u:{SECRET}@h/db",  # an unknown driver
        f"postgresql://u:{SECRET}@h:notaport/db",  # unparseable
        f"://u:{SECRET}@h/db",
    ],
)
def test_a_password_never_appears_in_an_error_or_a_log(
    url: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for command in (["models"], ["db", "upgrade"], ["db", "current"], ["load", "--dry-run"]):
        code = main([*command, "--database-url", url])
        err = capsys.readouterr().err
        assert code in (1, 2) and len(err.strip().splitlines()) == 1, err
        assert SECRET not in err and "unexpected error" not in err
    assert SECRET not in caplog.text


@pytest.mark.parametrize("host", ["127.0.0.1:1", "nohost.invalid"])
def test_db_upgrade_on_an_unreachable_server_is_a_clear_line(
    capsys: pytest.CaptureFixture[str], host: str
) -> None:
    code = main(["db", "upgrade", "--database-url", f"postgresql://u@{host}/db"])
    err = capsys.readouterr().err
    assert code == 1 and "unexpected" not in err
    assert err.startswith(
        f"model-catalog: error: cannot reach the database postgresql://u@{host}/db"
    )


def test_an_unsupported_database_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["models", "--database-url", "mysql://u@h/db"])
    err = capsys.readouterr().err
    assert code == 2
    assert "unsupported database 'mysql'" in err and "ModuleNotFoundError" not in err


def test_an_unwritable_data_directory_names_it_and_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")  # unwritable even for root: a file in the way
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker / "data"))
    monkeypatch.delenv("MODEL_CATALOG_DATABASE_URL", raising=False)
    for command in (["models"], ["load", "--dry-run"], ["db", "current"]):
        code = main(command)
        err = capsys.readouterr().err
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert f"cannot create the directory {blocker / 'data' / 'model-catalog'}" in err
        assert "XDG_DATA_HOME" in err and "PermissionError" not in err
