"""The name corpus's schema: every string either comes from the LiteLLM JSON or says where it
was found (`where`, `commit`), or is marked `verified: false`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bench.names import VERIFIED_SOURCE, read_corpus

CORPUS = Path(__file__).parent / "data" / "name_corpus.yaml"
NAME_KEYS = {"text", "model", "provider", "source", "mode", "where", "commit", "verified"}
UNCOVERED_KEYS = {"text", "provider", "source", "where", "commit", "verified"}
WHERE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*:\S.*$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def _corpus() -> dict[str, Any]:
    return YAML(typ="safe").load(CORPUS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_corpus_keeps_at_least_150_names_with_known_keys() -> None:
    corpus = _corpus()
    assert len(corpus["names"]) >= 150
    for row in corpus["names"]:
        assert set(row) <= NAME_KEYS, row
        assert {"text", "model", "provider", "source"} <= set(row), row
    for row in corpus["uncovered"]:
        assert set(row) <= UNCOVERED_KEYS, row
        assert {"text", "provider", "source"} <= set(row), row


def test_every_entry_not_from_the_litellm_json_says_where_or_is_unverified() -> None:
    corpus = _corpus()
    for row in corpus["names"] + corpus["uncovered"]:
        assert row["source"] in corpus["sources"], row
        if "where" in row:
            assert WHERE.match(row["where"]), row
            assert "verified" not in row, row  # found: nothing to qualify
        if "commit" in row:
            assert "where" in row and COMMIT.match(row["commit"]), row
        if "verified" in row:
            assert row["verified"] is False, row  # only the unverified say so
        if row["source"] != VERIFIED_SOURCE:
            assert "where" in row or row.get("verified") is False, row


def test_the_bench_reads_the_new_keys_and_counts_verified_entries() -> None:
    entries, _, _ = read_corpus(CORPUS)
    verified = [e for e in entries if e.is_verified]
    assert all(e.source == VERIFIED_SOURCE or e.where for e in verified)
    assert all(not e.is_verified for e in entries if e.verified is False)
    assert len(verified) >= 150
