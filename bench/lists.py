"""Filtered model lists at scale: the first page before and after paging on records.

Run from the checkout: `.venv/bin/python bench/lists.py [--models N] [--engines sqlite,postgresql]`
(`--quick`: 10,000 models). It writes a catalog generated as `bench/scale.py` does (100,000
models, about 300,000 offerings) into SQLite and PostgreSQL, then times, per engine, the first
page (`limit=50`) of a few filtered lists three ways in one run:

- before (the baseline): `Catalog.models(...)` converts every match to a `ModelInfo`, then the
  page is sorted and cut from that list, as the list route did before `Catalog.models_page`;
- after: `Catalog.models_page(..., limit=50)`, which filters records and converts only the page;
- HTTP: `GET /v1/models?...&limit=50` through the real app (httpx over ASGI, in process,
  response cache off), beside `GET /healthz` (the stack's own cost);
- next page: the second page of the same list, whose matches the snapshot kept from the first
  (every other figure drops them first, so it is computed).

The two library paths are checked to return the same page and count. Figures are reported,
never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.generate import EXTERNAL_PROVIDERS, WORDS, fast_writes, load_vocabulary, write_catalog
from bench.scale import RANDOM_SEED, SEED_PATH, database, scale_entry
from catalog.core.listing import in_list_order
from catalog.library import Catalog
from catalog.schemas import ModelInfo
from catalog.store.db import make_engine, upgrade

LIMIT = 50
AS_OF = "2026-11-24"


def workloads(rng: random.Random) -> dict[str, dict[str, str]]:
    providers = [p for p, _ in EXTERNAL_PROVIDERS]
    return {
        "provider&task": {"provider": rng.choice(providers), "task": "chat"},
        "provider": {"provider": rng.choice(providers)},
        "status=retired&as_of": {"status": "retired", "as_of": AS_OF},
        "q": {"q": f"{rng.choice(WORDS)}-{rng.randint(1, 8)}"},
    }


def library_filters(params: dict[str, str]) -> dict[str, Any]:
    return {("query" if k == "q" else k): v for k, v in params.items()}


def before(catalog: Catalog, filters: dict[str, Any]) -> tuple[list[ModelInfo], int]:
    """The list route's work before this change: convert every match, sort, cut a page."""
    found = catalog.models(**filters)
    ordered = sorted(found, key=lambda m: (m.name.casefold(), m.name))
    return ordered[:LIMIT], len(found)


def after(catalog: Catalog, filters: dict[str, Any]) -> tuple[list[ModelInfo], int]:
    """A first page computed: the list's kept matches are dropped first."""
    catalog.snapshot().derived.list_matches.clear()
    page = catalog.models_page(**filters, limit=LIMIT)
    return page.models, page.count


def next_page(catalog: Catalog, filters: dict[str, Any]) -> float:
    """Median ms of the second page, the list's matches kept from its first page."""
    first = catalog.models_page(**filters, limit=LIMIT)
    if first.next_after is None:
        return float("nan")
    cursor = first.next_after
    return median_ms(lambda: catalog.models_page(**filters, limit=LIMIT, after=cursor), 15)


def median_ms(action: Callable[[], Any], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


async def http_ms(catalog: Catalog, paths: dict[str, str], repeats: int) -> dict[str, float]:
    from catalog.api import create_app
    from catalog.api.settings import ApiSettings

    app = create_app(catalog, settings=ApiSettings(cache_entries=0))
    results: dict[str, float] = {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        for label, path in paths.items():
            await client.get(path)  # warm-up
            samples = []
            for _ in range(repeats):
                catalog.snapshot().derived.list_matches.clear()  # every request computed
                started = time.perf_counter()
                response = await client.get(path)
                samples.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")
            results[label] = statistics.median(samples) * 1000
    return results


def run_engine(engine_name: str, models: int, repeats: int, directory: Path) -> list[str]:
    lines = ["", f"== {engine_name}"]
    with database(engine_name, directory) as url:
        engine = make_engine(url)
        upgrade(engine)
        if engine_name == "sqlite":
            engine.dispose()
            engine = fast_writes(make_engine(url))
        generated = write_catalog(engine, load_vocabulary(SEED_PATH), models, scale_entry)
        engine.dispose()
        lines.append(f"  {generated.models:,} models, {generated.offerings:,} offerings")
        catalog = Catalog.open(url, revision_check_seconds=3600)
        snapshot = catalog.snapshot()
        started = time.perf_counter()
        in_list_order(snapshot)  # once per snapshot, by the API's refresher off the loop
        lines.append(
            f"  list-order index (once per snapshot): {time.perf_counter() - started:.2f} s"
        )
        lines.append(
            f"  first page, limit={LIMIT}, median ms: before (baseline) | after | ratio | "
            "HTTP after | next page (matches kept)"
        )
        chosen = workloads(random.Random(RANDOM_SEED))
        paths = {"/healthz": "/healthz"} | {
            label: f"/v1/models?{urlencode(params | {'limit': str(LIMIT)})}"
            for label, params in chosen.items()
        }
        http = asyncio.run(http_ms(catalog, paths, repeats))
        for label, params in chosen.items():
            filters = library_filters(params)
            if before(catalog, filters) != after(catalog, filters):
                raise RuntimeError(f"{label}: the two paths disagree")
            count = after(catalog, filters)[1]
            old = median_ms(lambda f=filters: before(catalog, f), 3)
            new = median_ms(lambda f=filters: after(catalog, f), repeats)
            lines.append(
                f"    {label:22} ({count:6,} matches) {old:9.1f} | {new:7.1f} | "
                f"{old / new:6.1f}x faster | {http[label]:7.1f} | {next_page(catalog, filters):6.2f}"
            )
        lines.append(f"    GET /healthz (HTTP baseline): {http['/healthz']:.2f} ms")
        catalog.close()
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=15, help="timed calls per figure")
    parser.add_argument("--quick", action="store_true", help="10,000 models")
    args = parser.parse_args(argv)
    models = 10_000 if args.quick else args.models
    started = time.perf_counter()
    lines = [
        f"bench/lists.py: {models:,} models, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    ]
    with tempfile.TemporaryDirectory(prefix="catalog-lists-") as tmp:
        for engine_name in args.engines.split(","):
            lines += run_engine(engine_name.strip(), models, args.repeats, Path(tmp))
    lines.append(f"\ntotal wall time {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
