"""`model-catalog serve` as real processes on loopback ports: the embedded default, and two
servers on PostgreSQL that both pick up a `model-catalog load` without a restart."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from production_support import CLI, environment, free_port, server, wait_until_ready

from catalog.cli.app import main
from catalog.store.resources import seed_path

from conftest import new_database_url

pytestmark = pytest.mark.slow
SEED_TITLE = "Supported foundation models on Mosaic AI Model Serving (Swedish machine translation)"
DBRX = "/v1/models/databricks-dbrx-instruct"


def test_importing_the_cli_loads_no_web_framework() -> None:
    code = (
        "import sys, catalog.cli.app; "
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette')]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_serve_rejects_a_non_positive_reload_interval(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    assert main(["serve", "--reload-seconds", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--reload-seconds" in err


def test_serve_on_a_database_behind_its_schema_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["serve", "--database-url", f"sqlite:///{tmp_path / 'empty.sqlite3'}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "model-catalog db upgrade" in err


def test_serve_seeds_the_embedded_catalog_on_first_start(tmp_path: Path) -> None:
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"))
    with server(env=env) as served:
        base = served.base
        response = httpx.get(f"{base}{DBRX}", timeout=10)
        assert response.status_code == 200
        assert response.json()["name"] == "DBRX Instruct"
        assert response.headers["x-catalog-revision"] == "1"
        docs = httpx.get(f"{base}/docs", timeout=10)
        assert docs.status_code == 200 and "/docs-assets/" in docs.text


def test_two_servers_on_postgresql_serve_a_new_load_within_the_interval(tmp_path: Path) -> None:
    for url in new_database_url("postgresql", tmp_path):
        env = environment()
        subprocess.run([*CLI, "db", "upgrade", "--database-url", url], env=env, check=True)
        subprocess.run([*CLI, "load", "--database-url", url], env=env, check=True)
        options = ("--database-url", url, "--reload-seconds", "0.5")
        with server(*options, env=env) as one, server(*options, env=env) as other:
            first, second = one.base, other.base
            before = [httpx.get(f"{base}{DBRX}", timeout=10) for base in (first, second)]
            assert {r.json()["source"]["title"] for r in before} == {SEED_TITLE}
            revision = int(before[0].headers["x-catalog-revision"])

            changed = tmp_path / "changed.yaml"
            text = seed_path().read_text(encoding="utf-8")
            changed.write_text(text.replace(SEED_TITLE, "Retitled while serving"), "utf-8")
            subprocess.run([*CLI, "load", str(changed), "--database-url", url], env=env, check=True)
            loaded_at = time.monotonic()
            for base in (first, second):
                while True:
                    answer = httpx.get(f"{base}{DBRX}", timeout=10)
                    new = int(answer.headers["x-catalog-revision"]) > revision
                    title = answer.json()["source"]["title"]
                    # never a new revision with old data, nor old data under a new revision
                    assert new == (title == "Retitled while serving")
                    if new:
                        break
                    assert time.monotonic() - loaded_at < 10, "no new revision within 10 s"
                    time.sleep(0.1)
            # within the interval (0.5 s) plus a reload, not at some later restart
            assert time.monotonic() - loaded_at < 5


def test_with_json_logs_every_line_the_server_writes_is_json(tmp_path: Path) -> None:
    """A log collector reading `serve --log-format json` never meets a plain line: the start-up
    banner, uvicorn's own lines, the access log and the shutdown are all JSON objects."""
    port = free_port()
    env = environment(XDG_DATA_HOME=str(tmp_path / "home"))
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--log-format", "json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_ready(process, f"http://127.0.0.1:{port}")
        httpx.get(f"http://127.0.0.1:{port}{DBRX}", headers={"X-Request-ID": "log-test-1"})
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    messages = [line["message"] for line in lines]
    assert any(m.startswith("model-catalog API on http://127.0.0.1:") for m in messages)
    assert any(line.get("request_id") == "log-test-1" for line in lines)
    assert any("Finished server process" in m for m in messages)
