"""Hostile input for the checker: binary files, huge lines, notebooks that are not JSON (or
not notebooks), bad UTF-8, NUL bytes. The check ends with a report (exit 0 or 1), never a
traceback, a usage error for a file's content, or a hang."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from catalog.cli.app import main

AS_OF = "2026-11-24"
RETIRED = "databricks-dbrx-instruct"

HOSTILE_FILES: dict[str, bytes] = {
    "binary.bin": bytes(range(256)) * 4096,
    "nul.py": b'model = "' + RETIRED.encode() + b'"\x00\x00\x00 trailing',
    "latin1.py": b'# caf\xe9\nmodel = "' + RETIRED.encode() + b'"\n',
    "broken-utf8.txt": b"\xff\xfe\xc0\xaf " + RETIRED.encode(),
    "huge-line.js": b"const x = '" + b"a" * 3_000_000 + b"';",
    "many-lines.md": b"gpt-4o\n" * 20_000,  # 200,000 take 40 s: linear, 0.2 ms a reference
    "huge-line-with-name.py": b"x = 1; " * 300_000 + RETIRED.encode(),
    "not-json.ipynb": b"this is not { json " + RETIRED.encode(),
    "truncated.ipynb": b'{"cells": [{"cell_type": "code", "source": ["' + RETIRED.encode(),
    "list.ipynb": b"[1, 2, 3]",
    "wrong-shape.ipynb": json.dumps({"cells": "nope", "metadata": 5}).encode(),
    "cells-not-dicts.ipynb": json.dumps({"cells": [1, None, "x", {"source": 7}]}).encode(),
    "deep.ipynb": b"[" * 100_000 + b"]" * 100_000,
    "empty.ipynb": b"",
    "nul.ipynb": b'{"cells": [{"cell_type": "code", "source": ["\x00' + RETIRED.encode() + b'"]}]}',
    "bom.yaml": b"\xef\xbb\xbfmodel: " + RETIRED.encode(),
    "utf16.txt": ("model: " + RETIRED).encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_ends_in_a_report(
    name: str,
    seeded_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / name).write_bytes(HOSTILE_FILES[name])
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code = main(["check", "--database-url", seeded_url, "--as-of", AS_OF, "--format", "json", name])
    took = time.monotonic() - started
    captured = capsys.readouterr()
    assert code in (0, 1), (code, captured.err)
    assert "Traceback" not in captured.err and "unexpected error" not in captured.err
    report = json.loads(captured.out)
    assert "findings" in report
    assert took < 30, f"{name}: {took:.1f} s"


def test_every_hostile_file_at_once_still_finds_the_plain_reference(
    seeded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, content in HOSTILE_FILES.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "plain.py").write_text(f'MODEL = "{RETIRED}"\n', encoding="utf-8")
    code = main(
        ["check", "--database-url", seeded_url, "--as-of", AS_OF, "--format", "json", str(tmp_path)]
    )
    captured = capsys.readouterr()
    assert code == 1, captured.err
    report = json.loads(captured.out)
    paths = {Path(f["path"]).name for f in report["findings"]}
    assert "plain.py" in paths


# -- paths that cannot be examined, and inputs over the size limit -------------------------------

NO_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:1/x"  # a usage error never reaches it
LIMIT = 2_000_000  # catalog.check.walk.MAX_BYTES, as the README states it
NOBODY = 65534


def _special_path(kind: str, directory: Path) -> str:
    if kind == "too long":
        return "a" * 5000
    if kind == "FIFO":
        os.mkfifo(directory / "pipe")
        return str(directory / "pipe")
    if kind == "socket":
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(directory / "sock"))  # the socket file outlives the socket
        return str(directory / "sock")
    if kind == "symlink loop":
        (directory / "loop").symlink_to(directory / "loop")
        return str(directory / "loop")
    assert kind == "device"
    return "/dev/null"


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("too long", "file name too long"),
        ("FIFO", "not a file or directory (a FIFO)"),
        ("socket", "not a file or directory (a socket)"),
        ("device", "not a file or directory (a character device)"),
        ("symlink loop", "too many levels of symbolic links"),
    ],
)
def test_a_path_that_cannot_be_examined_is_a_usage_error_naming_it(
    kind: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # AF_UNIX paths are short (108 bytes): pytest's tmp_path can be longer
    with tempfile.TemporaryDirectory(prefix="mc-") as directory:
        path = _special_path(kind, Path(directory))
        started = time.monotonic()
        code = main(["check", "--database-url", NO_DATABASE, path])
        err = capsys.readouterr().err
    assert code == 2, err
    (line,) = err.strip().splitlines()
    assert line.startswith(f"model-catalog: error: {reason}: "), line
    assert path[:50] in line and len(line) < 300  # named, and a 5,000-character one shortened
    assert time.monotonic() - started < 10  # a FIFO is never opened (that would block)


def _as_an_ordinary_user() -> list[str]:
    """The command prefix that runs as nobody when the tests run as root (who reads all)."""
    if os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")  # util-linux; subprocess's user= cannot reach this venv
    if setpriv is None:
        pytest.skip("running as root without setpriv: no way to be refused a read")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.mark.parametrize("target", ["secret.py", "locked"])
def test_a_path_it_may_not_read_is_a_usage_error_naming_it(target: str) -> None:
    prefix = _as_an_ordinary_user()
    with tempfile.TemporaryDirectory(prefix="mc-") as directory:
        root = Path(directory)
        root.chmod(0o755)
        (root / "secret.py").write_text(f'MODEL = "{RETIRED}"\n')
        (root / "locked").mkdir()
        (root / "locked" / "inside.py").write_text(f'MODEL = "{RETIRED}"\n')
        (root / target).chmod(0o000)
        command = [sys.executable, "-m", "catalog", "check", "--database-url", NO_DATABASE, target]
        result = subprocess.run(
            [*prefix, *command], cwd=root, capture_output=True, text=True, timeout=60, check=False
        )
        (root / target).chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"model-catalog: error: permission denied: {target}"]


def test_a_named_file_over_the_size_limit_is_skipped_like_a_walked_one(
    seeded_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, size in (("three.py", 3_000_000), ("five.py", 5_000_000)):
        head = f'MODEL = "{RETIRED}"\n'.encode()
        (tmp_path / "big").mkdir(exist_ok=True)
        (tmp_path / "big" / name).write_bytes(head + b"#" * (size - len(head)))
    (tmp_path / "small.py").write_text(f'MODEL = "{RETIRED}"\n')
    named = [str(tmp_path / "big" / "three.py"), str(tmp_path / "big" / "five.py")]
    reports = []
    for paths in (named, [str(tmp_path / "big")]):
        args = ["check", "--database-url", seeded_url, "--as-of", AS_OF, "--format", "json"]
        code = main([*args, *paths, str(tmp_path / "small.py")])
        captured = capsys.readouterr()
        assert code == 1, captured.err
        reports.append(json.loads(captured.out))
    three, five = ("three.py", 3_000_000), ("five.py", 5_000_000)
    for report, order in zip(reports, ([three, five], [five, three]), strict=True):
        assert {Path(f["path"]).name for f in report["findings"]} == {"small.py"}
        assert report["files_scanned"] == 1
        # skipped, but said: as named, then as walked (by name)
        assert [(Path(s["path"]).name, s["bytes"]) for s in report["skipped"]] == order


def test_stdin_over_the_size_limit_is_skipped_without_reading_it_to_the_end(
    seeded_url: str,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "catalog", "check", "--database-url", seeded_url, "--format", "json",
         "--as-of", AS_OF, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdin is not None
    head = f'MODEL = "{RETIRED}"\n'.encode()
    body = head + b"#" * (LIMIT + 1_000_000)

    def feed() -> None:  # more than the limit, and the pipe is never closed: no end to wait for
        with contextlib.suppress(BrokenPipeError, ValueError):
            assert process.stdin is not None
            process.stdin.write(body)
            process.stdin.flush()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        code = process.wait(timeout=60)
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("the check read stdin to its end: it never ended")
    finally:
        with contextlib.suppress(OSError):
            process.stdin.close()
    assert code == 0, err.decode()
    report = json.loads(out)
    assert report["files_scanned"] == 0 and report["findings"] == []
    assert [(s["path"], s["bytes"]) for s in report["skipped"]] == [("-", None)]  # said, unsized
