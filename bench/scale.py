"""Production scale: a catalog of 100,000 models and 300,000 offerings on SQLite and PostgreSQL.

Run from the checkout: `.venv/bin/python bench/scale.py [--models N] [--engines sqlite,postgresql]`
(`--quick`: 10,000 models, to check the bench runs). PostgreSQL is MODEL_CATALOG_TEST_PG_URL
(default 127.0.0.1:5432, database `test`); the bench makes a database of its own and drops it.

Per engine, in one run: the load (the loader's writer, `sync.apply`), a snapshot read against a
raw fetch of the same tables (the baseline), the resident memory of a fresh process holding
the snapshot, and HTTP latencies through the real app (httpx over ASGI, in process, response
cache off so every request is computed) against `/healthz` (the baseline: the stack's own
cost). Then close-name suggestions against the previous hand-written search on the same
names. Figures are reported, never asserted.

Names are realistic in shape: families with major.minor versions and sizes
(`nimbus-3.1-70b-instruct`), dated snapshot ids and `-latest` pointers as aliases, Bedrock
prefixed ids, translated display names, and replacement chains up to three links long
(version n retired in favour of n+1, itself retired...). The YAML parser is bypassed
(a 30 MB seed file is over the reader's bounds): rows are built in `desired_rows`'s shape and
`check_rows_match_loader` proves that on the first 3,000 models.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import difflib
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.generate import (
    EXTERNAL_PROVIDERS,
    SIZES,
    SOURCE,
    VARIANTS,
    WORDS,
    Vocabulary,
    check_rows_match_loader,
    fast_writes,
    load_vocabulary,
    write_catalog,
)
from catalog.core.lookup import suggest
from catalog.core.names import name_key
from catalog.core.snapshot import Snapshot
from catalog.store.db import make_engine, session_scope, upgrade
from catalog.store.models import Base
from catalog.store.read import read_snapshot

SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "seed.yaml"
PG_URL = os.environ.get(
    "MODEL_CATALOG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FAMILIES = len(WORDS) * len(VARIANTS) * len(SIZES)  # 1,280 (word, variant, size) families
CHAIN_EVERY = 10  # one family in ten retires its versions, three in four of them
RETIRED_ON = dt.date(2025, 6, 30)
RANDOM_SEED = 20261125


# -- the catalog -----------------------------------------------------------------------------


def _family(index: int) -> tuple[str, str, int]:
    family = index % FAMILIES
    return (
        WORDS[family % len(WORDS)],
        VARIANTS[(family // len(WORDS)) % len(VARIANTS)],
        SIZES[(family // (len(WORDS) * len(VARIANTS))) % len(SIZES)],
    )


def scale_name(index: int) -> str:
    """Model `index`: version index // FAMILIES of family index % FAMILIES."""
    word, variant, size = _family(index)
    version = index // FAMILIES
    return f"{word}-{1 + version // 10}.{version % 10}-{size}b-{variant}"


def _task(variant: str) -> str:
    return "embeddings" if variant == "embed" else "completions" if variant == "base" else "chat"


def _retired(index: int, count: int) -> bool:
    """Retired with a replacement: the next version exists and is not the chain's last."""
    version = index // FAMILIES
    return (index % FAMILIES) % CHAIN_EVERY == 0 and version % 4 != 3 and index + FAMILIES < count


def scale_entry(index: int, count: int, vocabulary: Vocabulary) -> dict[str, Any]:
    """Model `index` as a seed-file entry: three external offerings (one more Databricks
    endpoint every 40th), aliases, and maybe a retirement replaced by the next version."""
    word, variant, size = _family(index)
    name = scale_name(index)
    task = _task(variant)
    family = index % FAMILIES
    offerings = []
    for shift in (0, 2, 4):
        provider, bedrock = EXTERNAL_PROVIDERS[(family + shift) % len(EXTERNAL_PROVIDERS)]
        offering: dict[str, Any] = {
            "provider": provider,
            "mode": "external",
            "tasks": [task],
            "source": SOURCE,
            "lifecycle": {"basis": "active", "source": SOURCE},
        }
        if bedrock is not None:
            offering["bedrock_provider"] = bedrock
        offerings.append(offering)
    if _retired(index, count):
        offerings[0]["lifecycle"] = {
            "retires": {"on": RETIRED_ON, "meaning": "last", "source": SOURCE}
        }
        offerings[0]["replaced_by"] = [{"model": scale_name(index + FAMILIES), "source": SOURCE}]
    if index % 40 == 1:
        offerings.append(
            {
                "provider": "databricks",
                "mode": "pay_per_token",
                "tasks": [task],
                "endpoint": f"databricks-{name_key(name)}",
                "source": SOURCE,
                "lifecycle": {"basis": "active", "source": SOURCE},
            }
        )
    version = index // FAMILIES
    aliases = [
        {
            "name": f"{name}-{2023 + version % 3}-{1 + index % 12:02d}-{1 + index % 28:02d}",
            "kind": "other",
        }
    ]
    if index + FAMILIES >= count:  # the family's newest version
        aliases.append({"name": f"{word}-{size}b-{variant}-latest", "kind": "latest"})
    if any(o.get("bedrock_provider") for o in offerings):
        aliases.append({"name": f"amazon.{name_key(name)}-v1:0", "kind": "prefixed"})
    if index % 12 == 2:
        aliases.append(
            {"name": f"{word.title()} {size}B {variant} v{version} (svensk)", "kind": "translated"}
        )
    return {
        "name": name,
        "publisher": vocabulary.publishers[family % len(vocabulary.publishers)],
        "family": f"{word.title()} {size}B",
        "source": SOURCE,
        "aliases": aliases,
        "offerings": offerings,
    }


# -- databases ---------------------------------------------------------------------------------


@contextmanager
def database(engine_name: str, directory: Path) -> Iterator[str]:
    """A fresh empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if engine_name == "sqlite":
        yield f"sqlite:///{directory / 'scale.sqlite3'}"
        return
    name = f"mc_scale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def raw_fetch(url: str) -> None:
    """Every row of every table as plain tuples from the driver: what any read must pay."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            cursor = connection.connection.cursor()
            for table in Base.metadata.sorted_tables:
                cursor.execute(f"SELECT * FROM {table.name}")
                cursor.fetchall()
            cursor.close()
    finally:
        engine.dispose()


def snapshot_read(url: str) -> Snapshot:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return read_snapshot(session)
    finally:
        engine.dispose()


def timed(action: Callable[[], Any]) -> tuple[float, float]:
    """Wall and CPU seconds of one call (CPU: the machine is shared, wall alone is noisy)."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    elapsed = time.perf_counter() - wall, time.process_time() - cpu
    del result
    return elapsed


RSS_PROBE = """
import sys, gc
def rss():
    with open('/proc/self/status') as f:
        return next(int(l.split()[1]) for l in f if l.startswith('VmRSS')) * 1024
from catalog.library import Catalog
import catalog.core.resolver, catalog.api
before = rss()
c = Catalog.open(sys.argv[1])
s = c.snapshot()
gc.collect()
print(before, rss())
"""


TIMING_PROBE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from bench.scale import raw_fetch, snapshot_read, timed
action = {"raw": raw_fetch, "read": snapshot_read}[sys.argv[1]]
print(*timed(lambda: action(sys.argv[2])))
"""


def timed_fresh(kind: str, url: str) -> tuple[float, float]:
    """Wall and CPU seconds of a raw fetch or a snapshot read in a process of its own, after
    its imports: what a replica pays when it starts, with nothing else in its heap (a read
    in this process would find the heap the generated rows left behind)."""
    root = str(Path(__file__).resolve().parents[1])
    out = subprocess.run(
        [sys.executable, "-c", TIMING_PROBE, kind, url, root],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def resident_memory(url: str) -> tuple[int, int]:
    """RSS of a fresh process after its imports, and once it holds the snapshot."""
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, url], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]), int(out[1])


# -- HTTP ------------------------------------------------------------------------------------------


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def _latencies(url: str, workloads: dict[str, list[str]]) -> dict[str, list[float]]:
    from catalog.api import create_app
    from catalog.api.settings import ApiSettings
    from catalog.library import Catalog

    catalog = Catalog.open(url, revision_check_seconds=3600)
    catalog.snapshot()
    app = create_app(catalog, settings=ApiSettings(cache_entries=0))
    transport = httpx.ASGITransport(app=app)
    results: dict[str, list[float]] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for label, paths in workloads.items():
            for path in paths[:20]:  # warm-up
                await client.get(path)
            samples = []
            for path in paths:
                started = time.perf_counter()
                response = await client.get(path)
                samples.append(time.perf_counter() - started)
                if response.status_code >= 500:
                    raise RuntimeError(f"{path}: {response.status_code}")
            results[label] = samples
    catalog.close()
    return results


def http_workloads(models: int, rng: random.Random, calls: int) -> dict[str, list[str]]:
    names = [scale_name(rng.randrange(models)) for _ in range(calls)]
    providers = [p for p, _ in EXTERNAL_PROVIDERS]
    return {
        "GET /healthz (baseline)": ["/healthz"] * calls,
        "GET /v1/models/{name}": [f"/v1/models/{n}" for n in names],
        "GET /v1/models/{unknown} (404 + suggestions)": [
            f"/v1/models/{n[:-3]}zzq" for n in names[: calls // 4]
        ],
        "GET /v1/resolve?model=": [f"/v1/resolve?model={n}&as_of=2026-11-24" for n in names],
        "GET /v1/resolve (replacement chain)": [
            f"/v1/resolve?model={scale_name(FAMILIES * v)}&as_of=2026-11-24"
            for v in range(min(3, models // FAMILIES))
            for _ in range(max(1, calls // 30))
        ],
        "GET /v1/models?provider&task&limit=50": [
            f"/v1/models?provider={rng.choice(providers)}&task=chat&limit=50"
            for _ in range(max(5, calls // 200))
        ],
        "GET /v1/models?q=&limit=50": [
            f"/v1/models?q={rng.choice(WORDS)}-{rng.randint(1, 8)}-{rng.randint(0, 9)}&limit=50"
            for _ in range(max(5, calls // 200))
        ],
    }


# -- suggestions -----------------------------------------------------------------------------------


def old_suggest(snapshot: Snapshot, index: dict[str, list[str]], name: str) -> list[str]:
    """The hand-written search this replaced (trigram counts, then difflib): the baseline."""
    key = name_key(name)
    padded = f"  {key} "
    hits: Counter[str] = Counter()
    for gram in {padded[i : i + 3] for i in range(len(padded) - 2)}:
        hits.update(index.get(gram, ()))
    scored = []
    for known, _count in hits.most_common(50):
        ratio = difflib.SequenceMatcher(None, key, known).ratio()
        if ratio >= 0.6:
            scored.append((-ratio, known))
    scored.sort()
    return [snapshot.display_by_key[known] for _ratio, known in scored[:5]]


def suggestion_figures(snapshot: Snapshot, rng: random.Random, calls: int) -> list[str]:
    models = len(snapshot.models)
    typos, meant = [], {}
    for _ in range(calls // 2):
        original = scale_name(rng.randrange(models))
        name = list(original)
        spot = rng.randrange(len(name))
        name[spot] = rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
        typos.append("".join(name))
        meant["".join(name)] = original
    alphabet = "abcdefghijklmnopqrstuvwxyz-0123456789"
    noise = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 30))) for _ in range(calls // 2)
    ]
    started = time.perf_counter()
    suggest(snapshot, "warm-up")  # builds the trigram index once per snapshot
    index_s = time.perf_counter() - started
    grams: defaultdict[str, list[str]] = defaultdict(list)
    for known in snapshot.display_by_key:
        padded = f"  {known} "
        for gram in {padded[i : i + 3] for i in range(len(padded) - 2)}:
            grams[gram].append(known)
    lines = [f"  trigram index built on first use: {index_s * 1000:.0f} ms"]
    for label, names in (("one-character typos", typos), ("random strings", noise)):
        new_t, old_t, agree, found, hit, old_hit = [], [], 0, 0, 0, 0
        for name in names:
            t = time.perf_counter()
            got = suggest(snapshot, name)
            new_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            before = old_suggest(snapshot, grams, name)
            old_t.append(time.perf_counter() - t)
            found += bool(got)
            hit += meant.get(name) in got
            old_hit += meant.get(name) in before
            agree += (bool(got) and bool(before) and got[0] == before[0]) or not (got or before)
        (p50, p99), (o50, o99) = percentiles(new_t), percentiles(old_t)
        lines.append(
            f"  {label:20} rapidfuzz p50 {p50 * 1000:.3f} ms p99 {p99 * 1000:.3f} ms | "
            f"old search p50 {o50 * 1000:.3f} ms p99 {o99 * 1000:.3f} ms | "
            f"ratio {o50 / p50:.1f}x faster | suggestions for {found}/{len(names)}, "
            f"same first suggestion (or both none) {agree}/{len(names)}"
            + (
                f"; the name meant is suggested {hit} times, by the old search {old_hit}"
                if meant.keys() & set(names)
                else ""
            )
        )
    lines.append(unknown_name_figure(snapshot, typos))
    return lines


def unknown_name_figure(snapshot: Snapshot, names: Sequence[str]) -> str:
    """An unknown name through the whole resolver (name forms, versions, then suggestions):
    what the core spends on it, before any HTTP (the target: under 0.5 ms)."""
    from catalog.core.resolver import resolve

    day = dt.date(2026, 11, 24)
    samples = []
    for name in names:
        started = time.perf_counter()
        resolution = resolve(snapshot, f"{name}zq", as_of=day)
        samples.append(time.perf_counter() - started)
        assert resolution.status.value == "unknown", resolution.status
    p50, p99 = percentiles(samples)
    return (
        f"  an unknown name through the resolver (status unknown, with suggestions): "
        f"p50 {p50 * 1000:.3f} ms p99 {p99 * 1000:.3f} ms (target < 0.5 ms)"
    )


def matcher_figure(snapshot: Snapshot) -> str:
    """The check's multi-pattern matcher over every name, built once per snapshot."""
    from catalog.check.engine import matcher_for

    wall, cpu = timed(lambda: matcher_for(snapshot))
    return (
        f"  the check's matcher (every name and alias, Aho-Corasick): built in {wall:.2f} s "
        f"wall, {cpu:.2f} s CPU; the snapshot read it follows: see above"
    )


# -- the run ---------------------------------------------------------------------------------------


def run_engine(engine_name: str, models: int, calls: int, directory: Path) -> list[str]:
    lines = ["", f"== {engine_name}"]
    vocabulary = load_vocabulary(SEED_PATH)
    with database(engine_name, directory) as url:
        engine = make_engine(url)
        upgrade(engine)
        if engine_name == "sqlite":
            engine.dispose()
            engine = fast_writes(make_engine(url))
        generated = write_catalog(engine, vocabulary, models, scale_entry)
        engine.dispose()
        lines.append(
            f"  load: {generated.models:,} models, {generated.offerings:,} offerings, "
            f"{generated.aliases:,} aliases, {generated.replacements:,} replacements "
            f"({generated.rows:,} rows): rows built {generated.entries_seconds:.1f} s, "
            f"written by sync.apply {generated.write_seconds:.1f} s"
        )
        raws, reads = [], []
        for _ in range(5):  # interleaved, so both see the same machine; each a fresh process
            raws.append(timed_fresh("raw", url))
            reads.append(timed_fresh("read", url))
        raw_wall, raw_cpu = (statistics.median(x) for x in zip(*raws, strict=True))
        read_wall, read_cpu = (statistics.median(x) for x in zip(*reads, strict=True))
        lines.append(
            f"  snapshot read (median of 5, each in a fresh process): wall {read_wall:.2f} s vs raw fetch {raw_wall:.2f} s "
            f"= {read_wall / raw_wall:.1f}x; CPU {read_cpu:.2f} s vs {raw_cpu:.2f} s "
            f"= {read_cpu / raw_cpu:.1f}x (target <= 2x)"
        )
        before, after = resident_memory(url)
        lines.append(
            f"  resident memory of a fresh API process: {before / 2**20:.0f} MiB after imports, "
            f"{after / 2**20:.0f} MiB holding the snapshot (+{(after - before) / 2**20:.0f} MiB)"
        )
        latencies = asyncio.run(
            _latencies(url, http_workloads(models, random.Random(RANDOM_SEED), calls))
        )
        base50, _ = percentiles(latencies["GET /healthz (baseline)"])
        lines.append("  HTTP in process (httpx ASGITransport, response cache off), ms:")
        for label, samples in latencies.items():
            p50, p99 = percentiles(samples)
            lines.append(
                f"    {label:45} n={len(samples):5} p50 {p50 * 1000:8.2f} p99 {p99 * 1000:8.2f}"
                f"  ({p50 / base50:.1f}x /healthz)"
            )
        if engine_name == "sqlite":
            snapshot = snapshot_read(url)
            lines.append(matcher_figure(snapshot))
            lines.append("  suggestions (core.lookup.suggest) on unknown names:")
            lines += suggestion_figures(snapshot, random.Random(RANDOM_SEED), calls)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--models", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--calls", type=int, default=2_000, help="HTTP requests per workload")
    parser.add_argument("--quick", action="store_true", help="10,000 models, 400 calls")
    args = parser.parse_args(argv)
    models, calls = (10_000, 400) if args.quick else (args.models, args.calls)
    started = time.perf_counter()
    check_rows_match_loader(load_vocabulary(SEED_PATH), min(models, 3_000), scale_entry)
    load = os.getloadavg()[0]
    lines = [
        f"bench/scale.py: {models:,} models, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at start",
        "  generated rows match validation + desired_rows on the first 3,000 models",
    ]
    with tempfile.TemporaryDirectory(prefix="catalog-scale-") as tmp:
        for engine_name in args.engines.split(","):
            lines += run_engine(engine_name.strip(), models, calls, Path(tmp))
    lines.append(f"\ntotal wall time {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
