"""Real processes at once: loads queue behind one write lock, readers see whole revisions,
and first use of the embedded catalog survives `kill -9` and broken files.

Every child process has a timeout, so a deadlock fails the test instead of hanging CI.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog import Catalog
from catalog.errors import DatabaseUnavailable
from catalog.seed.file import read_seed
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, session_scope
from catalog.store.models import CatalogRevision

from conftest import TEST_DATA

pytestmark = pytest.mark.slow

MINI = TEST_DATA / "mini_seed.yaml"
CHILD_TIMEOUT = 120


def bigger_seed(tmp_path: Path, extra: int = 40, tag: str = "b") -> Path:
    """The mini seed plus `extra` models, each with two offerings (chat and completions)."""
    models = "".join(
        f"  - name: extra-{tag}-{index}\n    publisher: acme\n    source: test-source\n"
        "    offerings:\n      - provider: openai\n        mode: external\n"
        "        tasks: [chat, completions]\n        source: test-source\n"
        "        lifecycle: {basis: active, source: test-source}\n"
        for index in range(extra)
    )
    path = tmp_path / f"seed-{tag}.yaml"
    path.write_text(MINI.read_text() + "\n" + models)
    return path


def shape(path: Path) -> dict[str, int]:
    """Model name -> number of offerings (one per task), as the seed file says."""
    document = read_seed(path).document
    return {m.name: sum(len(o.tasks) for o in m.offerings) for m in document.models}


def python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    _out, err = process.communicate(timeout=CHILD_TIMEOUT)
    return process.returncode, err


def revisions(url: str) -> list[tuple[int, str]]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(select(CatalogRevision.id, CatalogRevision.seed_sha256)).all()
    engine.dispose()
    return [(row[0], row[1]) for row in rows]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- one writer at a time (item 5) -------------------------------------------------------


def test_concurrent_loads_of_two_seeds_leave_exactly_one_of_them(
    migrated_url: str, tmp_path: Path
) -> None:
    load_seed(make_engine(migrated_url), MINI)
    seed_a, seed_b = bigger_seed(tmp_path, 30, "a"), bigger_seed(tmp_path, 30, "b")
    loaders = [
        python(
            "import sys; from catalog.cli.app import main; sys.exit(main(sys.argv[1:]))",
            "load",
            str(seed),
            "--database-url",
            migrated_url,
        )
        for seed in (seed_a, seed_b, seed_a, seed_b)
    ]
    for loader in loaders:
        code, err = finished(loader)
        assert code == 0, err
    latest_id, latest_sha = revisions(migrated_url)[-1]
    assert latest_sha in (sha(seed_a), sha(seed_b))
    winner = seed_a if latest_sha == sha(seed_a) else seed_b
    report = load_seed(make_engine(migrated_url), winner, dry_run=True)
    assert report.changes == () and report.revision == latest_id
    with Catalog.open(migrated_url) as catalog:
        snapshot = catalog.snapshot()
        assert {m.name: len(m.offerings) for m in snapshot.models} == shape(winner)


def test_concurrent_loads_on_a_fresh_embedded_catalog_all_succeed(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "home"), "MODEL_CATALOG_DATABASE_URL": ""}
    loaders = [
        python("import sys; from catalog.cli.app import main; sys.exit(main(['load']))", env=env)
        for _ in range(4)
    ]
    results = [finished(loader) for loader in loaders]
    assert all(code == 0 for code, _ in results), results
    database = tmp_path / "home" / "model-catalog" / "catalog.sqlite3"
    assert len(revisions(f"sqlite:///{database}")) == 1


# -- every snapshot is one revision (item 6) ---------------------------------------------

WRITER = """
import sys
from catalog.store.db import make_engine
from catalog.seed.load import load_seed
engine = make_engine(sys.argv[1])
for index in range(int(sys.argv[2])):
    load_seed(engine, sys.argv[3 + index % 2])
"""


def test_every_snapshot_read_during_loads_is_exactly_one_revision(
    migrated_url: str, tmp_path: Path
) -> None:
    seed_a, seed_b = MINI, bigger_seed(tmp_path, 200)
    load_seed(make_engine(migrated_url), seed_a)
    expected = {sha(seed_a): shape(seed_a), sha(seed_b): shape(seed_b)}
    seen: list[tuple[int, dict[str, int]]] = []
    failures: list[BaseException] = []
    catalog = Catalog.open(migrated_url, revision_check_seconds=0)
    writer = python(WRITER, migrated_url, "8", str(seed_a), str(seed_b))

    def read() -> None:
        try:
            while writer.poll() is None:
                # A new handle on the shared engine reads a whole snapshot every time.
                snapshot = Catalog(catalog.engine, catalog.settings).snapshot()
                seen.append(
                    (snapshot.revision, {m.name: len(m.offerings) for m in snapshot.models})
                )
                catalog.resolve("Old Model", as_of="2024-01-01")
        except BaseException as error:  # reported below, with the thread's traceback
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for reader in readers:
        reader.start()
    code, err = finished(writer)
    for reader in readers:
        reader.join(timeout=CHILD_TIMEOUT)
    catalog.close()
    assert code == 0, err
    assert not failures, failures
    by_revision = dict(revisions(migrated_url))
    assert len({revision for revision, _ in seen}) >= 3  # the readers saw loads happen
    for revision, models in seen:
        assert models == expected[by_revision[revision]], f"revision {revision} is mixed"


# -- first use is atomic; a broken file is rebuilt (items 7 and 10) ----------------------

OPEN = "from catalog import Catalog; Catalog.open().close()"


def embedded(tmp_path: Path) -> tuple[dict[str, str], Path]:
    env = {"XDG_DATA_HOME": str(tmp_path / "home"), "MODEL_CATALOG_DATABASE_URL": ""}
    return env, tmp_path / "home" / "model-catalog" / "catalog.sqlite3"


def opens_whole(env: dict[str, str]) -> int:
    """Open the embedded catalog in a fresh process; the number of models it holds."""
    code = "from catalog import Catalog\nwith Catalog.open() as c: print(len(c.snapshot().models))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.parametrize("delay", [0.05, 0.4, 0.8, 1.2])
def test_a_kill_during_first_use_never_leaves_a_broken_catalog(
    tmp_path: Path, delay: float
) -> None:
    env, database = embedded(tmp_path)
    first = python(OPEN, env=env)
    time.sleep(delay)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=CHILD_TIMEOUT)
    assert (
        not database.exists()
        or sqlite3.connect(database).execute("select count(*) from models").fetchone()[0] > 90
    )  # either nothing yet, or the whole catalog
    assert opens_whole(env) > 90
    assert not list(database.parent.glob("*.building-*"))


def test_a_partial_schema_is_rebuilt(tmp_path: Path) -> None:
    env, database = embedded(tmp_path)
    database.parent.mkdir(parents=True)
    with sqlite3.connect(database) as connection:  # what an interrupted build once left
        connection.execute("create table catalog_revisions (id integer primary key)")
    assert opens_whole(env) > 90


def test_a_failure_while_building_leaves_no_file(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk part-way through the build: no catalog file, no temporary file, next use works."""
    import catalog.bootstrap as bootstrap

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bootstrap, "load_seed", full_disk)
    with pytest.raises(OSError, match="No space left"):
        Catalog.open()
    directory = isolated_home / "model-catalog"
    assert [p.name for p in directory.iterdir() if not p.name.endswith(".lock")] == []
    monkeypatch.undo()
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_home))
    monkeypatch.delenv("MODEL_CATALOG_DATABASE_URL", raising=False)
    with Catalog.open() as catalog:
        assert len(catalog.snapshot().models) > 90


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_corrupt_embedded_file_is_moved_aside_and_rebuilt(
    isolated_home: Path, damage: str
) -> None:
    Catalog.open().close()
    database = isolated_home / "model-catalog" / "catalog.sqlite3"
    whole = database.read_bytes()
    database.write_bytes(
        {"garbage": os.urandom(8192), "truncated": whole[:4096], "empty": b""}[damage]
    )
    with Catalog.open() as catalog:
        assert len(catalog.snapshot().models) > 90
    if damage != "empty":
        assert (database.parent / "catalog.sqlite3.broken").exists()


def test_a_corrupt_file_at_an_explicit_url_is_named_with_a_remedy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from catalog.cli.app import main

    path = tmp_path / "mine.sqlite3"
    path.write_bytes(b"this is not a database" * 300)
    with pytest.raises(DatabaseUnavailable) as caught:
        Catalog.open(f"sqlite:///{path}")
    assert f"{path} is not a usable SQLite catalog" in caught.value.message
    assert "move it away" in caught.value.message
    code = main(["models", "--database-url", f"sqlite:///{path}"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and str(path) in err
    assert "unexpected" not in err
