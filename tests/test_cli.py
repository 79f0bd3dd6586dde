"""The CLI through its real entry point: tables, --json, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catalog.cli.app import main

from conftest import TEST_DATA


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_models_prints_a_table_with_status_and_replacement(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "models", "--database-url", seeded_url, "--as-of", "2026-11-24")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["MODEL", "PROVIDER", "MODE", "TASK", "ENDPOINT", "STATUS", "REPLACED", "BY"]
    dbrx = next(line for line in out.splitlines() if "databricks-dbrx-instruct" in line)
    assert "retired since 2025-05-01" in dbrx and "Meta-Llama-3.3-70B-Instruct" in dbrx
    claude = next(line for line in out.splitlines() if line.startswith("claude-2.1 "))
    assert "retired since" in claude and "claude-opus-4-8" in claude


def test_models_filters_by_provider_and_task(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "models",
        "--database-url",
        seeded_url,
        "--provider",
        "openai",
        "--task",
        "embeddings",
        "--json",
    )
    assert code == 0
    names = sorted(m["name"] for m in json.loads(out))
    assert names == ["text-embedding-3-large", "text-embedding-3-small", "text-embedding-ada-002"]


def test_models_json_carries_lifecycle_and_sources(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "models", "--database-url", seeded_url, "-q", "claude-2.1", "--json")
    (model,) = json.loads(out)
    offering = model["offerings"][0]
    assert offering["lifecycle"]["retires"]["meaning"] == "last"
    assert offering["replaced_by"][0]["source"]["verified"] is False


def test_show_describes_one_model(seeded_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "DBRX Instruera", "--database-url", seeded_url)
    assert code == 0
    assert out.startswith("DBRX Instruct")
    assert "replaced by Meta-Llama-3.3-70B-Instruct" in out


@pytest.mark.parametrize(
    ("name", "args", "status", "code"),
    [
        ("databricks-dbrx-instruct", ["--as-of", "2025-04-30"], "ok", 0),
        ("databricks-dbrx-instruct", ["--as-of", "2025-05-01"], "replaced", 1),
        ("gpt-4o", ["--as-of", "2025-06-01"], "ok", 0),
        ("gpt-4o", ["--strict-provider"], "ambiguous", 1),
        ("no-such-model-anywhere", [], "unknown", 1),
    ],
)
def test_resolve_exit_code_follows_the_status(
    seeded_url: str,
    capsys: pytest.CaptureFixture[str],
    name: str,
    args: list[str],
    status: str,
    code: int,
) -> None:
    got, out, _ = run(capsys, "resolve", name, "--database-url", seeded_url, *args)
    assert got == code
    assert out.startswith(f"{status}: ")
    got_json, out_json, _ = run(
        capsys, "resolve", name, "--database-url", seeded_url, *args, "--json"
    )
    assert got_json == code and json.loads(out_json)["status"] == status


def test_resolve_prints_what_to_use_why_and_since_when(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        capsys,
        "resolve",
        "databricks-dbrx-instruct",
        "--database-url",
        seeded_url,
        "--as-of",
        "2026-11-24",
    )
    assert "use Meta-Llama-3.3-70B-Instruct" in out
    assert "retired since 2025-05-01" in out
    assert "chain: DBRX Instruct -> Meta-Llama-3.3-70B-Instruct" in out
    assert '"endpoint_name": "databricks-meta-llama-3-3-70b-instruct"' in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["models", "--task", "summarize"], "unknown task 'summarize'"),
        (["models", "--as-of", "yesterday"], "not a date"),
        (["resolve", "gpt-4o", "--mode", "serverless"], "unknown serving mode"),
        (["resolve", "gpt-4o", "--provider", "acme"], "unknown provider 'acme'"),
        (["models", "--no-such-flag"], "No such option"),
        (["resolve"], "Missing argument"),
        (["db", "downgrade", "nonsense"], "cannot downgrade to 'nonsense'"),
    ],
)
def test_bad_arguments_exit_2_with_one_readable_line(
    seeded_url: str, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    code, _, err = run(capsys, *args, "--database-url", seeded_url)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("model-catalog: error:") and needle in err


def test_load_prints_changes_then_nothing_on_a_second_run(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mini = str(TEST_DATA / "mini_seed.yaml")
    code, out, _ = run(capsys, "load", mini, "--database-url", migrated_url)
    assert code == 0 and "+ model Old Model" in out and "catalog revision 1" in out
    code, out, _ = run(capsys, "load", mini, "--database-url", migrated_url)
    assert code == 0 and out.strip() == "no changes; catalog revision 1"


def test_a_bad_seed_file_exits_2_naming_line_and_field(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (TEST_DATA / "mini_seed.yaml").read_text().replace("meaning: last", "meaning: soon")
    )
    code, out, err = run(capsys, "load", str(bad), "--database-url", migrated_url)
    assert code == 2 and out == ""
    assert f"{bad}:" in err and "lifecycle.retires.meaning" in err


def test_db_commands_report_and_move_the_schema(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "db", "current", "--database-url", empty_db_url)
    assert code == 0 and "behind" in out
    assert run(capsys, "db", "upgrade", "--database-url", empty_db_url)[1].startswith("schema at")
    code, out, _ = run(capsys, "db", "current", "--database-url", empty_db_url, "--json")
    assert json.loads(out)["up_to_date"] is True
    code, out, _ = run(capsys, "db", "downgrade", "base", "--database-url", empty_db_url)
    assert out.strip() == "schema at base"


def test_an_external_database_behind_head_names_the_command(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "models", "--database-url", empty_db_url)
    assert code == 1
    assert "run `model-catalog db upgrade`" in err and "Traceback" not in err


@pytest.mark.slow
def test_python_dash_m_runs_the_cli_without_tracebacks(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path)}
    env.pop("MODEL_CATALOG_DATABASE_URL", None)
    ok = subprocess.run(
        [sys.executable, "-m", "catalog", "models", "--provider", "openai", "--task", "embeddings"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert "text-embedding-3-small" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "catalog", "resolve", "x", "--as-of", "13/1"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "model-catalog: error: not a date: '13/1'; expected YYYY-MM-DD"


def test_the_embedded_catalog_refuses_a_foreign_seed_file(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "load", str(TEST_DATA / "mini_seed.yaml"))
    assert code == 2
    assert "embedded catalog follows the shipped seed file" in err
    assert not (isolated_home / "model-catalog" / "catalog.sqlite3").exists()


def test_a_database_url_nothing_can_open_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "models", "--database-url", "bogus://x")
    assert code == 2
    assert err.strip() == (
        "model-catalog: error: unsupported database 'bogus' in 'bogus://x': "
        "use sqlite:///PATH or postgresql://USER@HOST/DATABASE"
    )


def test_providers_and_architectures_list_what_the_catalog_holds(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "providers", "--database-url", seeded_url)
    assert code == 0
    ai21 = next(line for line in out.splitlines() if line.startswith("ai21labs "))
    assert ai21.split()[-2:] == ["completions", "ai21/"]  # custom models; how names are written
    openai = next(line for line in out.splitlines() if line.startswith("openai "))
    assert "openai/" in openai.split() and "openai:" in openai.split()
    code, out, _ = run(capsys, "architectures", "--database-url", seeded_url, "--json")
    names = {a["name"] for a in json.loads(out)}
    assert {"DBRX", "Meta Llama 3.1", "GTE v1.5 (En)", "DeepSeek R1"} <= names


def test_statuses_say_what_a_date_means(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        capsys,
        "models",
        "-q",
        "text-embedding-004",
        "--as-of",
        "2026-11-24",
        "--database-url",
        seeded_url,
    )
    assert "active, last day 2027-04-01" in out
    _, out, _ = run(
        capsys,
        "models",
        "-q",
        "gpt-4o-mini",
        "--provider",
        "openai",
        "--as-of",
        "2026-11-24",
        "--database-url",
        seeded_url,
    )
    assert "deprecated since 2026-10-14, gone from 2027-01-14" in out
