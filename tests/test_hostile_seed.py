"""Seed files built to hurt: bombs, special files, parser edge cases, values the database refuses.

Each one ends in a `SeedError` naming the file (and the line where there is one), quickly,
with bounded memory; through the CLI it is one line on stderr and exit 2.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from catalog.cli.app import main
from catalog.errors import SeedError, SeedErrors
from catalog.seed.file import read_seed
from catalog.seed.reader import MAX_SEED_BYTES, MAX_SEED_DEPTH, MAX_SEED_NODES

from conftest import TEST_DATA

MINI = TEST_DATA / "mini_seed.yaml"

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refused(path: Path) -> SeedError:
    """The error `read_seed` raises, which must come within 5 s and 64 MiB."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SeedError) as caught:
            read_seed(path)
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 64 * 1024 * 1024
    error = caught.value
    assert error.path == str(path)
    return error.errors[0] if isinstance(error, SeedErrors) else error


def written(tmp_path: Path, text: str, name: str = "seed.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mini_with(tmp_path: Path, old: str, new: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    return written(tmp_path, text.replace(old, new, 1))


def test_a_billion_laughs_file_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    error = refused(written(tmp_path, BILLION_LAUGHS))
    assert error.line == 1 and "anchors and aliases" in error.message


def test_an_alias_inside_a_real_seed_is_refused_with_its_line(tmp_path: Path) -> None:
    path = mini_with(
        tmp_path,
        "    publisher: acme\n    source: test-source\n    offerings:",
        "    publisher: *pub\n    source: test-source\n    offerings:",
    )
    error = refused(path)
    assert "anchors and aliases" in error.message
    assert error.line == path.read_text().splitlines().index("    publisher: *pub") + 1


def test_a_ten_megabyte_anchor_is_refused_by_size(tmp_path: Path) -> None:
    path = written(tmp_path, "a: &a '" + "x" * (10 * 1024 * 1024) + "'\nb: [*a, *a]\n")
    error = refused(path)
    assert "larger than 1 MiB" in error.message


def test_a_huge_comment_block_is_refused_by_size_not_parsed(tmp_path: Path) -> None:
    text = MINI.read_text() + ("# " + "c" * 78 + "\n") * (MAX_SEED_BYTES // 80 + 1)
    error = refused(written(tmp_path, text))
    assert "larger than" in error.message


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[" * 100_000, f"nested more than {MAX_SEED_DEPTH} levels"),
        ("{a: " * 50_000, f"nested more than {MAX_SEED_DEPTH} levels"),
        ("sources: !!python/object/apply:os.system ['true']\n", "tags"),
        ("sources: !custom [1]\n", "tags"),
        ("sources: !!str x\n", "tags"),
        ("base: &b {x: 1}\nsources: {<<: *b}\n", "anchors and aliases"),
        ("sources:\n  <<: {key: x}\n", "merge keys"),
        ("sources: 1\nsources: 2\n", "duplicate key"),
        ("sources: [\n", "invalid YAML"),
        ("sources: [1]\n---\nsources: [2]\n", "invalid YAML"),
    ],
)
def test_parser_edge_cases_are_seed_errors_with_a_line(
    tmp_path: Path, text: str, needle: str
) -> None:
    error = refused(written(tmp_path, text))
    assert needle in error.message
    assert error.line is not None


def test_a_merge_key_inside_a_model_is_refused(tmp_path: Path) -> None:
    path = mini_with(
        tmp_path,
        "    publisher: acme\n    source: test-source\n    offerings:",
        "    <<: {publisher: acme}\n    source: test-source\n    offerings:",
    )
    assert "merge keys" in refused(path).message


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "seed.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in refused(fifo).message


def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "seed.yaml"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in refused(link).message


def test_a_directory_is_refused(tmp_path: Path) -> None:
    assert "not a regular file (a directory)" in refused(tmp_path).message


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    assert "No such file" in refused(tmp_path / "absent.yaml").message


def test_binary_and_control_bytes_are_refused_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.yaml"
    path.write_bytes(b"sources:\n  - key: a\n\xff\xfe\n")
    error = refused(path)
    assert error.line == 3 and "not UTF-8" in error.message
    path.write_bytes(b"sources:\n  - key: a\x00b\n")
    error = refused(path)
    assert error.line == 2 and "U+0000" in error.message


def test_a_foreign_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    secret = "root:$6$s3cr3th4sh$abcdef:19000:0:99999:7:::\nalice:$6$other$ghijkl:19000::::::\n"
    for text in (secret, "PASSWORD: hunter2\nTOKEN: abc123\n", "- hunter2\n"):
        error = refused(written(tmp_path, text))
        assert "not a seed file" in error.message and error.line == 1
        for word in ("s3cr3t", "hunter2", "abc123", "PASSWORD", "alice"):
            assert word not in error.message


def test_a_foreign_file_through_the_cli_is_one_line_exit_2(
    tmp_path: Path, migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = written(tmp_path, "PASSWORD: hunter2\n")
    code = main(["load", str(path), "--dry-run", "--database-url", migrated_url])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert f"{path}:1: not a seed file" in err and "hunter2" not in err


@pytest.mark.parametrize("text", [BILLION_LAUGHS, "[" * 100_000, "a: !!python/name:os.system x\n"])
def test_bombs_through_the_cli_are_one_line_exit_2(
    tmp_path: Path, migrated_url: str, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = written(tmp_path, text)
    code = main(["load", str(path), "--dry-run", "--database-url", migrated_url])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert err.startswith(f"model-catalog: error: {path}:1: invalid YAML")


def test_a_long_replacement_chain_is_checked_without_recursion(tmp_path: Path) -> None:
    """A seed of 1,200 models (past the recursion limit) each replaced by the next, closing into one cycle."""
    header = MINI.read_text().split("\nmodels:")[0]
    count = 1200
    models = []
    for index in range(count):
        models.append(
            f"  - name: m{index}\n    publisher: acme\n    source: test-source\n"
            "    offerings:\n      - provider: openai\n        mode: external\n"
            "        tasks: [chat]\n        source: test-source\n"
            "        lifecycle: {basis: unknown, source: test-source}\n"
            f"        replaced_by: [{{model: m{(index + 1) % count}, source: test-source}}]\n"
        )
    path = written(tmp_path, header + "\nmodels:\n" + "".join(models))
    with pytest.raises(SeedError) as caught:
        read_seed(path)
    error = caught.value
    assert error.message.count("replacement cycle") == 1
    assert "m0 -> m1 -> m2" in error.message


def test_too_many_values_are_refused_before_they_are_all_parsed(tmp_path: Path) -> None:
    """Under the byte cap, 50,000 tiny values would still cost seconds each time."""
    path = written(tmp_path, "sources: [" + "0," * MAX_SEED_NODES + "0]\n")
    with pytest.raises(SeedError) as caught:
        read_seed(path)
    assert f"more than {MAX_SEED_NODES} values" in caught.value.message
    assert caught.value.line == 1
