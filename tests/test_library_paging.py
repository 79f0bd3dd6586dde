"""`Catalog.models_page`: the filters of `models()`, one page at a time, in list order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalog import Catalog, InvalidArgument, ModelInfo, ModelListPage
from catalog import library as library_module
from catalog.core.listing import in_list_order

TODAY = dt.date(2026, 11, 24)

FILTERS: list[dict[str, Any]] = [
    {},
    {"provider": "azure-openai"},
    {"provider": "openai", "task": "chat"},
    {"publisher": "meta"},
    {"serving_mode": "provisioned_throughput"},
    {"status": "retired", "as_of": TODAY},
    {"status": "active", "as_of": "2025-01-01", "provider": "databricks"},
    {"query": "gpt"},
]


def list_order(models: list[ModelInfo]) -> list[ModelInfo]:
    """The order the API pages in: by name, case-insensitively, ties by the name itself."""
    return sorted(models, key=lambda m: (m.name.casefold(), m.name))


def every_page(catalog: Catalog, limit: int, **filters: Any) -> tuple[list[ModelInfo], set[int]]:
    seen: list[ModelInfo] = []
    counts: set[int] = set()
    after = None
    for _ in range(10_000):
        found = catalog.models_page(limit=limit, after=after, **filters)
        assert len(found.models) <= limit
        seen += found.models
        counts.add(found.count)
        after = found.next_after
        if after is None:
            return seen, counts
        assert len(found.models) == limit  # only the last page may be short
    raise AssertionError("paging never ended")


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("limit", [1, 7, 1000])
def test_paging_through_yields_exactly_the_full_list(
    catalog: Catalog, filters: dict[str, Any], limit: int
) -> None:
    full = catalog.models(**filters)
    paged, counts = every_page(catalog, limit, **filters)
    assert paged == list_order(full)
    assert counts == {len(full)}


def test_the_filters_narrow_the_list(catalog: Catalog) -> None:
    """A guard on the test above: the filters chosen really select different, non-empty lists."""
    sizes = {len(catalog.models(**f)) for f in FILTERS}
    assert len(sizes) >= 5 and 0 not in sizes


def test_status_filter_follows_the_day(catalog: Catalog) -> None:
    before = catalog.models_page(status="retired", as_of="2025-04-30", query="dbrx")
    after = catalog.models_page(status="retired", as_of="2025-05-01", query="dbrx")
    assert before.count == 0 and before.models == []
    assert after.count == 1 and [m.name for m in after.models] == ["DBRX Instruct"]
    assert all(o.lifecycle.status == "retired" for m in after.models for o in m.offerings)


def test_only_the_page_is_converted(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    converted: list[str] = []
    real = library_module.model_info

    def counting(model: Any, *args: Any) -> ModelInfo:
        converted.append(model.name)
        return real(model, *args)

    monkeypatch.setattr(library_module, "model_info", counting)
    found = catalog.models_page(limit=3)
    assert found.count > 3
    assert converted == [m.name for m in found.models] and len(converted) == 3


def test_a_page_after_the_last_model_is_empty(catalog: Catalog) -> None:
    last = list_order(catalog.models())[-1].name
    found = catalog.models_page(after=(last.casefold(), last))
    assert found == ModelListPage(models=[], count=len(catalog.models()), next_after=None)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": "5"}, "limit"),
        ({"after": "gpt-4o"}, "after"),
        ({"after": ("a", 1)}, "after"),
        ({"provider": "no-such-provider"}, "provider"),
    ],
)
def test_bad_arguments_name_their_field(
    catalog: Catalog, arguments: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        catalog.models_page(**arguments)
    assert raised.value.field == field


def test_the_list_order_index_is_built_once_per_snapshot(catalog: Catalog) -> None:
    snapshot = catalog.snapshot()
    first = in_list_order(snapshot)
    assert in_list_order(snapshot) is first
    ordered, keys = first
    assert keys == sorted(keys) and len(ordered) == len(snapshot.models)
