"""The snapshot read's shortcuts give the same catalog as the plain build from records.

`read_snapshot` hands the build the aliases as the database's columns (keys already folded),
reads rarely set offering columns in a second, filtered query, and freezes a large snapshot
out of the cyclic collector. Each shortcut is checked against the slow, obvious way.
"""

from __future__ import annotations

import gc
import random
import types
from pathlib import Path

import pytest

from catalog.core.listing import facet_positions, in_list_order, positions_matching, search_text
from catalog.core.names import name_key
from catalog.core.records import ModelRec, OfferingRec, SourceRec
from catalog.core.snapshot import FREEZE_OVER, Snapshot, gc_paused
from catalog.errors import InvalidArgument
from catalog.library import Catalog
from catalog.store.db import session_scope
from catalog.store.read import read_snapshot
from catalog.vocabulary import ServingMode, Task

SOURCE = SourceRec(key="test", title="test", verified=True)


def test_read_snapshot_indexes_equal_the_build_from_records(catalog: Catalog) -> None:
    read = catalog.snapshot()
    rebuilt = Snapshot.build(
        revision=read.revision,
        models=read.models,
        providers=read.providers.values(),
        publishers=read.publishers.values(),
        architectures=read.architectures,
        name_forms=read.name_forms,
    )
    assert dict(read.by_alias) == dict(rebuilt.by_alias)
    assert dict(read.display_by_key) == dict(rebuilt.display_by_key)
    assert dict(read.by_name) == dict(rebuilt.by_name)
    assert read.models == rebuilt.models
    written = {a for m in read.models for a, _ in m.aliases} | {
        o.endpoint_name for m in read.models for o in m.offerings if o.endpoint_name
    }
    assert len(written) > 20  # the seed's aliases and endpoint names, each reachable
    assert {read.display_by_key[name_key(name)] for name in written} <= written | {
        m.name for m in read.models
    }
    assert all(
        name_key(name) in read.by_alias or name_key(name) in read.by_name for name in written
    )


def test_sparse_offering_columns_land_on_their_own_offerings(catalog: Catalog) -> None:
    """Endpoint names and retirement dates are read apart from the rest: each must sit on
    the offering the database holds it for, never on a neighbour."""
    snapshot = catalog.snapshot()
    offerings = [o for m in snapshot.models for o in m.offerings]
    with_endpoint = [o for o in offerings if o.endpoint_name]
    retiring = [o for o in offerings if o.retires_on]
    assert with_endpoint and retiring
    assert len(with_endpoint) < len(offerings) and len(retiring) < len(offerings)
    for offering in with_endpoint:
        found = catalog.resolve(offering.endpoint_name or "", task=offering.task)
        assert found.matched == offering.model  # (`model` is the replacement, if retired)
    # the same facts through the ORM, row by row
    from sqlalchemy import select

    from catalog.store import models as orm

    with session_scope(catalog.engine) as session:
        rows = session.execute(
            select(orm.Model.name, orm.Provider.slug, orm.Offering.retires_on)
            .join(orm.Model, orm.Model.id == orm.Offering.model_id)
            .join(orm.Provider, orm.Provider.id == orm.Offering.provider_id)
            .where(orm.Offering.retires_on.is_not(None))
        ).all()
    assert sorted((r[0], r[1], r[2]) for r in rows) == sorted(
        (o.model, o.provider, o.retires_on) for o in retiring
    )


def test_offerings_at_filters_a_models_offerings(catalog: Catalog) -> None:
    snapshot = catalog.snapshot()
    model = max(snapshot.models, key=lambda m: len(m.offerings))
    for offering in model.offerings:
        found = snapshot.offerings_at(model.name, offering.provider, offering.mode)
        assert offering in found
        assert all(o.provider == offering.provider and o.mode is offering.mode for o in found)
    assert snapshot.offerings_at("no-such-model", "openai", ServingMode.pay_per_token) == ()


def test_a_large_build_is_frozen_out_of_the_collector() -> None:
    before = gc.get_freeze_count()
    try:
        with gc_paused(freeze_over=1_000):
            kept = [(i, [i]) for i in range(5_000)]
        assert gc.get_freeze_count() >= before + 5_000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert kept


def test_a_small_build_is_not_frozen() -> None:
    gc.collect()
    before = gc.get_freeze_count()
    with gc_paused(freeze_over=100_000):
        kept = [(i, [i]) for i in range(100)]
    assert gc.get_freeze_count() == before
    assert kept


def test_read_snapshot_never_freezes_the_seed_catalog(catalog: Catalog) -> None:
    before = gc.get_freeze_count()
    with session_scope(catalog.engine) as session:
        snapshot = read_snapshot(session)
    assert gc.get_freeze_count() == before
    assert snapshot.models


def test_alias_precedence_without_the_database() -> None:
    """Built from records alone, the first model in key order keeps a shared alias key."""
    offering = OfferingRec("m", "openai", ServingMode.pay_per_token, Task.chat, SOURCE)
    names = [f"model-{i:03d}" for i in range(50)]
    random.Random(7).shuffle(names)
    models = [
        ModelRec(
            name=name,
            key=name,
            publisher="openai",
            source=SOURCE,
            offerings=(offering._replace(model=name),),
            aliases=(("Shared Alias", "display"), (f"{name} alias", "display")),
        )
        for name in names
    ]
    snapshot = Snapshot.build(revision=1, models=models, providers=())
    owner, kind = snapshot.by_alias["shared-alias"]
    assert owner.name == "model-000" and kind == "display"
    assert snapshot.by_alias["model-031-alias"][0].name == "model-031"


def _brute_force_matches(model: ModelRec, needle: str) -> bool:
    """The query filter as it was: fold every name of the model, look for the needle."""
    haystack = (
        model.key,
        name_key(model.display_name or ""),
        name_key(model.family or ""),
        *(name_key(alias) for alias, _ in model.aliases),
        *(name_key(o.endpoint_name) for o in model.offerings if o.endpoint_name),
    )
    return any(needle in text for text in haystack)


def test_search_text_finds_what_folding_every_name_finds(catalog: Catalog) -> None:
    snapshot = catalog.snapshot()
    ordered, _ = in_list_order(snapshot)
    rng = random.Random(11)
    names = [m.key for m in snapshot.models] + [a for m in snapshot.models for a, _ in m.aliases]
    needles = {"gpt", "a", "-", "instruct", "zzz-none", "embed", "v2"}
    for name in rng.sample(names, 40):  # substrings of real keys, some spanning separators
        key = name_key(name)
        start = rng.randrange(len(key))
        needles.add(key[start : start + rng.randint(1, 8)])
    for needle in needles:
        expected = [i for i, m in enumerate(ordered) if _brute_force_matches(m, needle)]
        assert positions_matching(snapshot, needle) == expected, needle


def test_query_filter_through_the_library_uses_the_search_text(catalog: Catalog) -> None:
    found = catalog.models(query="gpt-4o")
    assert found and all("gpt-4o" in name_key(m.name) or m.aliases for m in found)
    page = catalog.models_page(query="gpt-4o", limit=2)
    assert page.count == len(found)
    assert [m.name for m in page.models] == sorted((m.name for m in found), key=str.casefold)[:2]


def test_facet_positions_hold_exactly_the_models_of_each_filter(catalog: Catalog) -> None:
    snapshot = catalog.snapshot()
    ordered, _ = in_list_order(snapshot)
    facets = facet_positions(snapshot)
    for provider in snapshot.providers:
        expected = [
            i for i, m in enumerate(ordered) if any(o.provider == provider for o in m.offerings)
        ]
        assert facets.get(("provider", provider), []) == expected
    for task in Task:
        expected = [i for i, m in enumerate(ordered) if any(o.task is task for o in m.offerings)]
        assert facets.get(("task", task.value), []) == expected
    for publisher in snapshot.publishers:
        expected = [i for i, m in enumerate(ordered) if m.publisher == publisher]
        assert facets.get(("publisher", publisher), []) == expected


def test_filtered_pages_equal_the_unpaged_list(catalog: Catalog) -> None:
    """Every filter combination pages through exactly what `models(...)` lists."""
    combos = [
        {"provider": "openai"},
        {"provider": "azure-openai", "task": "chat"},
        {"task": "embeddings", "serving_mode": "pay_per_token"},
        {"publisher": "meta"},
        {"query": "gpt", "provider": "openai"},
        {"query": "llama", "serving_mode": "provisioned_throughput"},
        {"status": "retired"},
        {"status": "deprecated", "as_of": "2030-01-01"},
        {"status": "retired", "as_of": "2024-01-01", "provider": "openai"},
        {"status": "active"},
        {"status": "unknown", "task": "embeddings"},
    ]
    for combo in combos:
        everything = sorted((m.name for m in catalog.models(**combo)), key=str.casefold)
        paged: list[str] = []
        after = None
        while True:
            page = catalog.models_page(limit=3, after=after, **combo)
            assert page.count == len(everything), combo
            paged += [m.name for m in page.models]
            if page.next_after is None:
                break
            after = tuple(page.next_after)  # type: ignore[assignment]
        assert paged == everything, combo
        assert everything or combo.get("status") in ("deprecated", "retired"), combo


def test_freezing_is_on_by_default_and_an_environment_variable_turns_it_off(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODEL_CATALOG_FREEZE_SNAPSHOTS", raising=False)
    with Catalog.open(seeded_url) as catalog:
        assert catalog.freeze_over == FREEZE_OVER
    monkeypatch.setenv("MODEL_CATALOG_FREEZE_SNAPSHOTS", "0")
    with Catalog.open(seeded_url) as catalog:
        assert catalog.freeze_over is None
    monkeypatch.setenv("MODEL_CATALOG_FREEZE_SNAPSHOTS", "maybe")
    with pytest.raises(InvalidArgument, match="MODEL_CATALOG_FREEZE_SNAPSHOTS must be 1 or 0"):
        Catalog.open(seeded_url)


def _reaches(start: object, target: object) -> bool:
    """Whether `target` is reachable from `start` through object references (functions
    through their closures only: their globals reach every module)."""
    seen: set[int] = set()
    stack = [start]
    while stack:
        found = stack.pop()
        if found is target:
            return True
        if id(found) in seen or isinstance(found, (types.ModuleType, type)):
            continue
        seen.add(id(found))
        if isinstance(found, types.FunctionType):
            stack.extend(cell.cell_contents for cell in found.__closure__ or ())
            stack.extend(found.__defaults__ or ())
        else:
            stack.extend(gc.get_referents(found))
    return False


def test_no_derived_index_refers_back_to_its_snapshot(catalog: Catalog, tmp_path: Path) -> None:
    """A large snapshot is frozen out of the cyclic collector: a cycle through it (an index
    holding its snapshot) would keep every old revision alive for good."""
    from catalog.core.lookup import prepare_suggestions
    from catalog.core.names import form_index

    (tmp_path / "app.py").write_text('MODEL = "azure/gpt-4o"\nOTHER = "gpt-4o"\n', "utf-8")
    catalog.check_paths([tmp_path], deny=[("gpt-4", "no")])
    catalog.models_page(query="gpt", provider="openai", status="retired")
    catalog.resolve("gpt-4o-2024-08-06")
    snapshot = catalog.snapshot()
    prepare_suggestions(snapshot)
    form_index(snapshot)
    derived = snapshot.derived
    assert derived.matchers and derived.listing and derived.search_text and derived.facets
    assert not _reaches(derived, snapshot)


def test_a_frozen_snapshot_is_freed_when_it_is_dropped(catalog: Catalog, tmp_path: Path) -> None:
    """Frozen objects are still freed by reference counting: a snapshot replaced by the next
    revision (here: dropped, after every derived index was built on it) leaves the permanent
    generation whole."""
    from catalog.check.engine import matcher_for
    from catalog.core.lookup import prepare_suggestions

    with session_scope(catalog.engine) as session:
        read_snapshot(session)  # warm the engine's statement cache, which outlives any snapshot
    gc.collect()
    gc.unfreeze()
    alive = len(gc.get_objects())
    try:
        with session_scope(catalog.engine) as session:
            snapshot = read_snapshot(session, freeze_over=0)  # the seed frozen, as a large one
        frozen = gc.get_freeze_count()
        assert frozen > alive
        prepare_suggestions(snapshot)
        in_list_order(snapshot)
        search_text(snapshot)
        facet_positions(snapshot)
        matcher_for(snapshot)
        snapshot.offerings_at("gpt-4o", "openai", ServingMode.external)
        records = len(snapshot.models) + snapshot.offering_count
        del snapshot
        left = gc.get_freeze_count()
        # what stays is what module caches (regular expressions, ...) kept meanwhile: fewer
        # objects than the snapshot's records alone, which would all stay if it leaked
        assert left - alive < records < frozen - alive, (alive, frozen, left, records)
    finally:
        gc.unfreeze()


def test_a_filtered_list_is_kept_for_its_next_pages_and_told_apart_by_its_filters(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import catalog.library as library

    snapshot = catalog.snapshot()
    snapshot.derived.list_matches.clear()
    first = catalog.models_page(provider="openai", limit=2)
    assert len(snapshot.derived.list_matches) == 1
    second = catalog.models_page(provider="openai", limit=2, after=first.next_after)  # type: ignore[arg-type]
    assert len(snapshot.derived.list_matches) == 1  # the same list: its matches are reused
    assert {m.name for m in first.models}.isdisjoint(m.name for m in second.models)
    # the status filter depends on the day, and each day is its own list
    early = catalog.models_page(status="retired", as_of="2024-01-01", limit=500)
    late = catalog.models_page(status="retired", as_of="2030-01-01", limit=500)
    assert early.count < late.count
    assert early.count == len(catalog.models(status="retired", as_of="2024-01-01"))
    assert len(snapshot.derived.list_matches) == 3
    # past the cap the kept lists are dropped, and answers stay the same
    monkeypatch.setattr(library, "KEPT_LISTS", 3)
    again = catalog.models_page(provider="azure-openai", limit=2)
    assert len(snapshot.derived.list_matches) == 1
    assert again.count == len(catalog.models(provider="azure-openai"))
