"""Benchmark the pages against the JSON API in the same app, in the same run.

Run from the checkout: `.venv/bin/python bench/pages.py [--requests N]`.

Each page is fetched in process (httpx ASGITransport, no network) on an embedded SQLite
catalog holding the seed; the baseline is `GET /v1/models/gpt-4o` from the same app, and
every page is timed served from the page cache, as a 304 revalidation (`If-None-Match`),
and rendered afresh (a URL the cache has not seen).
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `catalog` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from catalog.api import create_app
from catalog.library import Catalog
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.store.resources import seed_path

BASELINE = "/v1/models/gpt-4o"
PAGES = [
    "/",
    "/?q=databricks-dbrx-instruct",
    "/models/gpt-4o",
    "/deprecations?as_of=2025-04-15",
    "/v1/deprecations.ics",
    "/feeds/changes.atom",
]


async def _time(client: httpx.AsyncClient, url: str, n: int, etag: str | None) -> float:
    """The median of `n` requests, in milliseconds."""
    headers = {"If-None-Match": etag} if etag else {}
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = await client.get(url, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == (304 if etag else 200), (url, response.status_code)
    return statistics.median(samples)


async def _render(client: httpx.AsyncClient, url: str, n: int) -> float:
    """The median of `n` renders: a query parameter the page ignores makes each URL new."""
    samples = []
    for i in range(n):
        fresh = f"{url}{'&' if '?' in url else '?'}bench={i}"
        start = time.perf_counter()
        response = await client.get(fresh)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (fresh, response.status_code)
    return statistics.median(samples)


async def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        load_seed(engine, seed_path())
        engine.dispose()
        with Catalog.open(url) as catalog:
            transport = httpx.ASGITransport(app=create_app(catalog))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for warm in [BASELINE, *PAGES]:
                    await client.get(warm)
                baseline = await _time(client, BASELINE, n, None)
                print(
                    f"{'request':38} {'cached ms':>9} {'x API':>6} {'304 ms':>7} "
                    f"{'render ms':>9} {'bytes':>7}"
                )
                print(f"{'GET ' + BASELINE + ' (JSON)':38} {baseline:9.2f} {1.0:6.2f}")
                for page in PAGES:
                    cached = await _time(client, page, n, None)
                    response = await client.get(page)
                    revalidated = await _time(client, page, n, response.headers["etag"])
                    rendered = await _render(client, page, max(n // 10, 5))
                    print(
                        f"{'GET ' + page:38} {cached:9.2f} {cached / baseline:6.2f} "
                        f"{revalidated:7.2f} {rendered:9.2f} {len(response.content):7d}"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per URL")
    asyncio.run(run(parser.parse_args().requests))


if __name__ == "__main__":
    main()
