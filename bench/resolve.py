"""Benchmark the resolver and the snapshot build, and check them against their targets.

Run from the checkout: `.venv/bin/python bench/resolve.py [--quick] [--no-memory]`.

Everything is measured in the same run, so the numbers can be compared with each other:
resolution latency per kind of name on the seed catalog, against a plain dict lookup of the
same names (the floor any resolver pays for Python call and timer overhead); then the time
and memory to read a snapshot from SQLite, for the seed and for a generated catalog of
100,000 models. Timings are reported, never asserted: the exit status is 0 whatever they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from bench.generate import (
    Generated,
    check_rows_match_loader,
    fast_writes,
    load_vocabulary,
    model_name,
    write_catalog,
)
from catalog.core.resolver import resolve
from catalog.core.snapshot import Snapshot
from catalog.library import Catalog
from catalog.schemas import Resolution
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, session_scope, upgrade
from catalog.store.models import Base
from catalog.store.read import read_snapshot
from catalog.vocabulary import ResolutionStatus, Rule, ServingMode, Task

SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "seed.yaml"
CORPUS_PATH = Path(__file__).resolve().parents[1] / "tests" / "data" / "name_corpus.yaml"
AS_OF = dt.date(2026, 11, 24)
LISTED_TARGET_US = 20.0
BUILD_TARGET_S = 3.0
TARGET_MODELS = 100_000
RANDOM_SEED = 20261124

Call = tuple[str, dict[str, Any]]  # a name and the keyword arguments of `resolve`


@dataclass(frozen=True)
class Plan:
    """How much to measure: the full run, or a quick one that only checks the bench works."""

    calls: int  # timed calls per category
    budget_s: float  # a category stops early past this (slow paths like suggestions)
    models: int  # size of the generated catalog
    seed_builds: int  # timed snapshot reads of the seed
    # Timed reads of the generated catalog. One more, untimed, runs under tracemalloc and
    # costs about six plain reads, which is why the full run times only one.
    big_builds: int
    memory: bool = True  # trace the generated catalog's read (--no-memory skips it)


FULL = Plan(calls=20_000, budget_s=3.0, models=TARGET_MODELS, seed_builds=5, big_builds=3)
QUICK = Plan(calls=2_000, budget_s=1.0, models=10_000, seed_builds=3, big_builds=1)


@dataclass(frozen=True)
class Latency:
    """Per-call timings of one category, in nanoseconds, with what the calls resolved to."""

    label: str
    names: int
    samples: Sequence[int]
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def median_ns(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95_ns(self) -> float:
        return statistics.quantiles(self.samples, n=20, method="inclusive")[-1]

    @property
    def per_second(self) -> float:
        return len(self.samples) * 1e9 / sum(self.samples)


@dataclass(frozen=True)
class Build:
    """Snapshot reads from SQLite: wall times of the timed runs and tracemalloc figures."""

    models: int
    offerings: int
    seconds: Sequence[float]
    gc_seconds: Sequence[float]  # the part of each run spent in the cyclic garbage collector
    index_seconds: float  # Snapshot.build alone, over records already in memory
    raw_seconds: float  # the baseline: every row of every table fetched with stdlib sqlite3
    peak_bytes: int | None  # None: not measured (--no-memory)
    retained_bytes: int | None

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_gc_s(self) -> float:
        return statistics.median(self.gc_seconds)


class GcClock:
    """Time spent in the cyclic garbage collector while active, through `gc.callbacks`.

    A snapshot is a million small objects built at once: the collector's passes over them
    are a cost of the build that a profile of Python functions does not show.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._started = 0.0

    def _callback(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started
            self.collections += 1

    def __enter__(self) -> GcClock:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._callback)


# -- the catalogs -------------------------------------------------------------------------------


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite:///{directory / name}"


def load_seed_catalog(url: str) -> tuple[Snapshot, float]:
    """The seed loaded the way a user loads it (migrate, `load_seed`), read through `Catalog`."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    load_seed(engine, SEED_PATH)
    engine.dispose()
    seconds = time.perf_counter() - started
    with Catalog.open(url) as catalog:
        return catalog.snapshot(), seconds


def generate_catalog(url: str, models: int) -> Generated:
    """A fresh database holding `models` generated models, written by the loader's `apply`."""
    engine = fast_writes(make_engine(url))
    upgrade(engine)
    vocabulary = load_vocabulary(SEED_PATH)
    check_rows_match_loader(vocabulary)
    generated = write_catalog(engine, vocabulary, models)
    engine.dispose()
    return generated


# -- the workloads ----------------------------------------------------------------------------------


def _outcome(resolution: Resolution) -> str:
    rule = resolution.rule.value if resolution.rule else "-"
    return f"{resolution.status.value}/{rule}"


def _resolve_call(snapshot: Snapshot, call: Call) -> Resolution:
    name, options = call
    return resolve(snapshot, name, as_of=AS_OF, **options)


def _keep(
    snapshot: Snapshot, calls: Sequence[Call], wanted: Callable[[Resolution], bool]
) -> tuple[list[Call], list[Call]]:
    """Split candidate calls into those that resolve as the category means, and the others.

    Categories are defined by how the resolver answers, not by how the names look, so a
    seed edit can never silently turn, say, the `inferred` category into unknown names.
    """
    kept: list[Call] = []
    dropped: list[Call] = []
    for call in calls:
        (kept if wanted(_resolve_call(snapshot, call)) else dropped).append(call)
    return kept, dropped


RETIRED_STATES = (ResolutionStatus.replaced, ResolutionStatus.retired)


def _alias_calls(snapshot: Snapshot) -> list[Call]:
    """Translated and prefixed aliases, and endpoint names: the names users copy from pages."""
    aliases: list[Call] = [
        (alias, {})
        for m in snapshot.models
        for alias, kind in m.aliases
        if kind in ("translated", "prefixed")
    ]
    aliases += [
        (o.endpoint_name, {}) for m in snapshot.models for o in m.offerings if o.endpoint_name
    ]
    return aliases


def _custom_calls(snapshot: Snapshot) -> list[Call]:
    """Fine-tuned model names, unlisted, at a provider that accepts them (openai, chat)."""
    rng = random.Random(RANDOM_SEED)
    options = {"provider": snapshot.providers["openai"], "task": Task.chat}
    return [
        (f"ft:gpt-4o-mini-2024-07-18:{org}::{rng.randrange(16**8):08x}", options)
        for org in ("acme", "initech", "globex", "umbrella")
        for _ in range(50)
    ]


def _inferred_calls(snapshot: Snapshot) -> list[Call]:
    """Dated or `-latest` variants of every model with an external offering, plus two
    hand-picked examples; a provider is passed where the family has several."""
    calls: list[Call] = [
        ("gpt-4o-2024-11-20", {"provider": snapshot.providers["openai"]}),
        ("claude-3-5-sonnet-20250101", {}),
    ]
    for model in snapshot.models:
        external = sorted({o.provider for o in model.offerings if o.mode is ServingMode.external})
        if external:
            options = {"provider": snapshot.providers[external[0]]} if len(external) > 1 else {}
            calls += [(model.name + s, options) for s in ("-2025-03-01", "-20250301", "-latest")]
    return calls


def _written_calls() -> list[Call]:
    """The name corpus as code and tools write it (provider forms, versions, profiles, ARNs)."""
    corpus = YAML(typ="safe").load(CORPUS_PATH.read_text(encoding="utf-8"))
    return [(row["text"], {}) for row in corpus["names"]]


def seed_workloads(snapshot: Snapshot) -> tuple[dict[str, list[Call]], list[str]]:
    """The names of each category for the seed catalog, and notes on candidates left out.

    `listed` are the model names that resolve to something usable (or ambiguous); the
    model names that resolve to replaced or retired form `retired`.
    """
    names: list[Call] = [(m.name, {}) for m in snapshot.models]
    listed, retired = _keep(snapshot, names, lambda r: r.status not in RETIRED_STATES)
    checks: list[tuple[str, list[Call], Callable[[Resolution], bool]]] = [
        ("aliases", _alias_calls(snapshot), lambda r: r.rule is Rule.alias),
        ("retired", retired, lambda r: r.status in RETIRED_STATES),
        ("custom", _custom_calls(snapshot), lambda r: r.rule is Rule.custom),
        ("inferred", _inferred_calls(snapshot), lambda r: r.rule is Rule.inferred),
        ("written", _written_calls(), lambda r: r.status is not ResolutionStatus.unknown),
        ("unknown", random_strings(200), lambda r: r.status is ResolutionStatus.unknown),
    ]
    notes: list[str] = []
    categories: dict[str, list[Call]] = {"listed": listed}
    for label, candidates, wanted in checks:
        categories[label], dropped = _keep(snapshot, candidates, wanted)
        for name, options in dropped[:3]:
            got = _outcome(_resolve_call(snapshot, (name, options)))
            notes.append(f"{label}: {name!r} left out, it resolves {got}")
        if len(dropped) > 3:
            notes.append(f"{label}: {len(dropped) - 3} more candidates left out")
    return categories, notes


def random_strings(count: int, seed: int = RANDOM_SEED + 1) -> list[Call]:
    """Random lowercase and digit strings, for the unknown path (checked by the outcomes)."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return [
        ("".join(rng.choice(alphabet) for _ in range(rng.randint(6, 18))), {}) for _ in range(count)
    ]


def generated_listed(models: int, count: int) -> list[Call]:
    """A random sample of the generated catalog's model names."""
    rng = random.Random(RANDOM_SEED + 2)
    return [(model_name(rng.randrange(models)), {}) for _ in range(count)]


# -- timing ------------------------------------------------------------------------------------


def time_resolve(
    snapshot: Snapshot, label: str, calls: Sequence[Call], plan: Plan, *, warmup: int = 200
) -> Latency:
    """Time each call on its own with perf_counter_ns, cycling through the names.

    A warm-up pass first (lazy caches, such as the suggestion index, are built outside the
    timings); then up to `plan.calls` calls, fewer if `plan.budget_s` runs out on a slow path.
    """
    for index in range(min(warmup, plan.calls)):
        _resolve_call(snapshot, calls[index % len(calls)])
    outcomes = Counter(_outcome(_resolve_call(snapshot, call)) for call in calls)
    gc.collect()
    samples: list[int] = []
    clock = time.perf_counter_ns
    deadline = clock() + int(plan.budget_s * 1e9)
    for index in range(plan.calls):
        name, options = calls[index % len(calls)]
        started = clock()
        resolve(snapshot, name, as_of=AS_OF, **options)
        ended = clock()
        samples.append(ended - started)
        if ended > deadline and len(samples) >= 100:
            break
    return Latency(label, len(calls), samples, outcomes)


def time_dict(table: Mapping[str, object], calls: Sequence[Call], count: int) -> Latency:
    """The same names through a plain dict's `get`, timed exactly like the resolver."""
    names = [name for name, _options in calls]
    get = table.get
    for name in names:
        get(name)
    gc.collect()
    samples = [0] * count
    clock = time.perf_counter_ns
    for index in range(count):
        name = names[index % len(names)]
        started = clock()
        get(name)
        samples[index] = clock() - started
    return Latency("dict", len(names), samples)


def timer_overhead(count: int) -> float:
    """Median ns of an empty timed block: the part of every median that is the clock itself."""
    clock = time.perf_counter_ns
    samples = [0] * count
    for index in range(count):
        started = clock()
        samples[index] = clock() - started
    return statistics.median(samples)


def name_table(snapshot: Snapshot) -> dict[str, object]:
    """Every name the snapshot knows (model names, aliases, endpoints) to its model."""
    table: dict[str, object] = {}
    for model in snapshot.models:
        table[model.name] = model
        for alias, _kind in model.aliases:
            table[alias] = model
        for offering in model.offerings:
            if offering.endpoint_name:
                table[offering.endpoint_name] = model
    return table


def _read(url: str) -> Snapshot:
    """One snapshot read in a fresh engine and session, as a process starting up would do."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return read_snapshot(session)
    finally:
        engine.dispose()


def time_reads(url: str, runs: int) -> tuple[list[float], list[float], Snapshot]:
    """Wall time and collector time of `runs` reads; the last snapshot is kept for later use."""
    seconds, gc_seconds = [], []
    snapshot: Snapshot | None = None
    for _ in range(runs):
        snapshot = None  # the previous one is garbage before the next read, as in a reload
        gc.collect()
        with GcClock() as collector:
            started = time.perf_counter()
            snapshot = _read(url)
            seconds.append(time.perf_counter() - started)
        gc_seconds.append(collector.seconds)
    assert snapshot is not None
    return seconds, gc_seconds, snapshot


def time_index(snapshot: Snapshot) -> float:
    """`Snapshot.build` alone over the records already read: the indexing share of a read."""
    started = time.perf_counter()
    Snapshot.build(
        revision=snapshot.revision,
        models=snapshot.models,
        providers=snapshot.providers.values(),
        publishers=snapshot.publishers.values(),
        architectures=snapshot.architectures,
    )
    return time.perf_counter() - started


def traced_read(url: str) -> tuple[int, int]:
    """tracemalloc's peak during one read, and what the finished snapshot keeps allocated.

    tracemalloc slows every allocation (this read takes several times a plain one), so it
    runs on its own and is never timed.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        snapshot = _read(url)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        del snapshot
    finally:
        tracemalloc.stop()
    return peak - before, current - before


def time_raw_fetch(url: str, runs: int) -> float:
    """Median seconds to fetch every catalog row as plain tuples: what any read must pay."""
    path = make_url(url).database
    assert path is not None
    seconds = []
    for _ in range(runs):
        connection = sqlite3.connect(path)
        started = time.perf_counter()
        for table in Base.metadata.sorted_tables:
            connection.execute(f"SELECT * FROM {table.name}").fetchall()
        seconds.append(time.perf_counter() - started)
        connection.close()
    return statistics.median(seconds)


def measure_build(url: str, runs: int, memory: bool) -> tuple[Build, Snapshot]:
    """Timed reads, the indexing share, then (unless `memory` is off) one traced read."""
    raw_seconds = time_raw_fetch(url, runs)
    seconds, gc_seconds, snapshot = time_reads(url, runs)
    index_seconds = time_index(snapshot)
    peak, retained = traced_read(url) if memory else (None, None)
    build = Build(
        models=len(snapshot.models),
        offerings=snapshot.offering_count,
        seconds=seconds,
        gc_seconds=gc_seconds,
        index_seconds=index_seconds,
        raw_seconds=raw_seconds,
        peak_bytes=peak,
        retained_bytes=retained,
    )
    return build, snapshot


# -- the report ---------------------------------------------------------------------------------


def _us(ns: float) -> str:
    return f"{ns / 1000:.1f}"


def _mib(count: int | None) -> str:
    return "-" if count is None else f"{count / 2**20:.1f}"


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)
) -> list[str]:
    """Plain aligned columns: numbers right-aligned, the columns in `left` (text) left-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    text = {index % len(header) for index in left}

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.ljust(width) if index in text else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  " + "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _outcomes(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {count}" for key, count in counter.most_common(3)) + (
        ", ..." if len(counter) > 3 else ""
    )


def latency_rows(results: Sequence[Latency], baseline: Mapping[str, Latency]) -> list[list[str]]:
    rows = []
    for result in results:
        floor = baseline.get(result.label)
        rows.append(
            [
                result.label,
                str(result.names),
                f"{len(result.samples):,}",
                f"{result.per_second:,.0f}",
                _us(result.median_ns),
                _us(result.p95_ns),
                f"{floor.median_ns:.0f}" if floor else "-",
                f"{result.median_ns / floor.median_ns:,.0f}x" if floor else "-",
                _outcomes(result.outcomes),
            ]
        )
    return rows


LATENCY_HEADER = (
    "category",
    "names",
    "calls",
    "resolves/s",
    "median us",
    "p95 us",
    "dict ns",
    "ratio",
    "outcomes (status/rule)",
)


def build_rows(builds: Sequence[tuple[str, Build]]) -> list[list[str]]:
    return [
        [
            label,
            f"{b.models:,}",
            f"{b.offerings:,}",
            f"{b.median_s:.3f}",
            f"{b.raw_seconds:.3f}",
            f"{b.median_s / b.raw_seconds:.1f}x",
            f"{b.median_gc_s:.3f}",
            ", ".join(f"{s:.3f}" for s in b.seconds),
            f"{b.index_seconds * 1000:.1f}",
            _mib(b.peak_bytes),
            _mib(b.retained_bytes),
        ]
        for label, b in builds
    ]


BUILD_HEADER = (
    "catalog",
    "models",
    "offerings",
    "median s",
    "raw fetch s",
    "ratio",
    "of which gc s",
    "runs s",
    "Snapshot.build ms",
    "peak MiB",
    "retained MiB",
)


def verdict(met: bool | None) -> str:
    return "not measured" if met is None else ("met" if met else "MISSED")


@dataclass
class Report:
    """Everything measured, printed once at the end so nothing is printed while timing."""

    lines: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.lines += ["", title]

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def print(self) -> None:
        print("\n".join(self.lines))


# -- the run ------------------------------------------------------------------------------------


def header(report: Report, quick: bool) -> None:
    """What the numbers depend on: the interpreter, the cores, and how busy the machine was."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report.add(
        f"bench/resolve.py{' --quick' if quick else ''}: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f} at start, as_of {AS_OF}",
        f"timer overhead (empty perf_counter_ns block): {timer_overhead(100_000):.0f} ns",
    )


def seed_section(report: Report, directory: Path, plan: Plan) -> tuple[Latency, Build]:
    """Parts 1 and 2 on the seed catalog; returns the listed latency and the seed's build."""
    url = sqlite_url(directory, "seed.sqlite3")
    seed, load_s = load_seed_catalog(url)
    workloads, notes = seed_workloads(seed)
    table = name_table(seed)
    results = [time_resolve(seed, label, calls, plan) for label, calls in workloads.items()]
    baseline = {label: time_dict(table, calls, plan.calls) for label, calls in workloads.items()}
    report.section(
        f"1-2. resolve on the seed catalog ({len(seed.models)} models, "
        f"{seed.offering_count} offerings; loaded in {load_s:.2f} s), up to "
        f"{plan.calls:,} calls per category; dict = plain dict.get of the same names"
    )
    report.add(*_table(LATENCY_HEADER, latency_rows(results, baseline), left=(0, -1)))
    report.add(*(f"  note: {note}" for note in notes))
    seed_build, _ = measure_build(url, plan.seed_builds, memory=True)
    return results[0], seed_build


def generated_section(report: Report, directory: Path, plan: Plan, seed_build: Build) -> Build:
    """Part 3: generate the large catalog, read it back, and resolve on it."""
    url = sqlite_url(directory, "generated.sqlite3")
    generated = generate_catalog(url, plan.models)
    big_build, big = measure_build(url, plan.big_builds, memory=plan.memory)
    started = time.perf_counter()
    _resolve_call(big, random_strings(1, seed=RANDOM_SEED + 3)[0])
    first_unknown_s = time.perf_counter() - started
    results = [
        time_resolve(big, "listed", generated_listed(plan.models, 2_000), plan),
        time_resolve(
            big,
            "unknown",
            random_strings(200),
            replace(plan, budget_s=min(plan.budget_s, 2.0)),
            warmup=20,
        ),
    ]
    label = f"generated {plan.models // 1000}k"
    report.section(
        "3. snapshot build: read_snapshot from SQLite in a fresh engine and session "
        "(memory: tracemalloc, separate run)"
    )
    report.add(*_table(BUILD_HEADER, build_rows([("seed", seed_build), (label, big_build)])))
    report.add(
        f"  database generation (not part of any target): "
        f"{generated.seconds:.1f} s = entries {generated.entries_seconds:.1f} s + "
        f"sync.apply {generated.write_seconds:.1f} s; {generated.rows:,} rows "
        f"({generated.models:,} models, {generated.offerings:,} offerings, "
        f"{generated.aliases:,} aliases, {generated.replacements:,} replacements)",
        f"  first unknown resolve on it (builds the suggestion index): "
        f"{first_unknown_s * 1000:.0f} ms",
    )
    report.section(f"   resolve on the {label} snapshot")
    short = [row[:6] + row[-1:] for row in latency_rows(results, {})]
    report.add(*_table(LATENCY_HEADER[:6] + LATENCY_HEADER[-1:], short, left=(0, -1)))
    return big_build


def targets_section(report: Report, plan: Plan, listed: Latency, big_build: Build) -> None:
    """Part 4: each target, what was measured, and whether it is met."""
    listed_us = listed.median_ns / 1000
    big_met = None if plan.models < TARGET_MODELS else big_build.median_s < BUILD_TARGET_S
    big_measured = f"{big_build.median_s:.2f} s"
    if big_met is None:
        big_measured += f" ({plan.models:,} models)"
    rows = [
        [
            "median resolve, listed names (seed)",
            f"< {LISTED_TARGET_US:.0f} us",
            f"{listed_us:.1f} us",
            verdict(listed_us < LISTED_TARGET_US),
        ],
        [
            f"snapshot of {TARGET_MODELS:,} models from SQLite",
            f"< {BUILD_TARGET_S:.0f} s",
            big_measured,
            verdict(big_met),
        ],
    ]
    report.section("4. targets")
    report.add(*_table(("target", "limit", "measured", "verdict"), rows, left=(0, -1)))


def run(plan: Plan, quick: bool) -> Report:
    """Measure everything one step after another, so no two measurements overlap."""
    report = Report()
    header(report, quick)
    with tempfile.TemporaryDirectory(prefix="catalog-bench-") as tmp:
        started = time.perf_counter()
        listed, seed_build = seed_section(report, Path(tmp), plan)
        report.add(f"  (parts 1-2 and the seed build took {time.perf_counter() - started:.1f} s)")
        started = time.perf_counter()
        big_build = generated_section(report, Path(tmp), plan, seed_build)
        report.add(f"  (part 3 took {time.perf_counter() - started:.1f} s)")
    targets_section(report, plan, listed, big_build)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2,000 calls per category and a 10,000-model catalog: checks the bench runs",
    )
    parser.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the traced read of the generated catalog (about 40%% of a full run)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    plan = replace(QUICK if args.quick else FULL, memory=not args.no_memory)
    report = run(plan, args.quick)
    report.add("", f"total wall time: {time.perf_counter() - started:.1f} s")
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
