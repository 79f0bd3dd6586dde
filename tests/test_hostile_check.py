"""Hostile input for the checker: binary files, huge lines, notebooks that are not JSON (or
not notebooks), bad UTF-8, NUL bytes. The check ends with a report (exit 0 or 1), never a
traceback, a usage error for a file's content, or a hang."""

from __future__ import annotations

import json
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
