"""`Catalog.model` reads every name form the resolver reads, so `show` and the API agree."""

from __future__ import annotations

import json

import pytest

from catalog import Catalog, NotFound
from catalog.cli.app import main

DATED = "gpt-4o-2024-08-06"  # no catalog name: the resolver infers its family


def test_a_name_only_the_resolver_reads_finds_the_model(catalog: Catalog) -> None:
    assert catalog.model(DATED) == catalog.model("gpt-4o")
    assert catalog.model(DATED.upper(), as_of="2025-01-01") == catalog.model(
        "gpt-4o", as_of="2025-01-01"
    )


def test_a_name_nothing_reads_is_still_not_found_with_suggestions(catalog: Catalog) -> None:
    with pytest.raises(NotFound) as raised:
        catalog.model("gpt-4oo")
    assert "gpt-4o" in raised.value.suggestions
    assert raised.value.field == "name"


def test_show_takes_a_name_only_the_resolver_reads(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["show", DATED, "--database-url", seeded_url, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out)["name"] == "gpt-4o"
