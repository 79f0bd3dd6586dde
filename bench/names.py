"""How many real model-name strings the catalog recognises, and which it misses and why.

Run from the checkout: `.venv/bin/python bench/names.py [--as-of YYYY-MM-DD]`.

The corpus (tests/data/name_corpus.yaml) holds strings as code, configs and tools write them
(LiteLLM's model map keys, LangChain `provider:model`, MLflow `endpoints:/`, serving URLs,
Bedrock profiles and ARNs, Vertex paths, Azure and OpenAI versions), each with the catalog model
and provider it means. A name is recognised when the resolver names that model at that provider
(and serving mode, where the corpus pins one) with no further input. A bare name that several
providers serve reads as the publisher's own API; the figure without that rule (`strict_provider`,
where such names are `ambiguous`) is printed beside it. The baseline, measured in the
same run, is the plain lookup the catalog had before name forms: the whole string as a listed
name or alias, nothing stripped. Names at providers the catalog does not cover must never come
back usable. Entries are verified when read from the LiteLLM JSON or when they name the public
file they were found in (`where`); the count of verified entries and the share recognised among
them are printed beside the total. The exit status is 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ruamel.yaml import YAML

from catalog.core.lookup import find
from catalog.core.names import name_key
from catalog.core.resolver import resolve
from catalog.core.snapshot import Snapshot
from catalog.library import Catalog
from catalog.schemas import Resolution
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.vocabulary import ResolutionStatus

ROOT = Path(__file__).resolve().parents[1]
SEED_PATH = ROOT / "data" / "seed.yaml"
CORPUS_PATH = ROOT / "tests" / "data" / "name_corpus.yaml"
AS_OF = dt.date(2026, 11, 25)
TARGET = 0.95
USABLE = (ResolutionStatus.ok, ResolutionStatus.replaced)
VERIFIED_SOURCE = "litellm"  # the entries read from LiteLLM's model map keys


@dataclass(frozen=True)
class Entry:
    text: str
    model: str
    provider: str
    source: str
    mode: str | None = None
    where: str | None = None  # owner/repo:path the string was found in
    commit: str | None = None
    verified: bool | None = None  # False: no public source was found for it

    @property
    def is_verified(self) -> bool:
        """Read from the LiteLLM JSON, or found where `where` says."""
        return self.verified is not False and (self.source == VERIFIED_SOURCE or bool(self.where))


def read_corpus(
    path: Path = CORPUS_PATH,
) -> tuple[list[Entry], list[dict[str, Any]], dict[str, str]]:
    """The covered entries, the uncovered ones and the corpus's sources."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    entries = [Entry(**row) for row in data["names"]]
    return entries, list(data["uncovered"]), dict(data["sources"])


def asked_place(result: Resolution) -> tuple[str | None, str | None, str | None]:
    """The model, provider and serving mode the resolver read the name as (before any replacement)."""
    if result.status is ResolutionStatus.replaced and result.chain:
        hop = result.chain[0]
        return result.matched, hop.provider, hop.serving_mode.value
    if result.status in (ResolutionStatus.ok, ResolutionStatus.retired):
        mode = result.serving_mode.value if result.serving_mode else None
        return result.matched, result.provider, mode
    return result.matched, None, None


def judge(
    snapshot: Snapshot, entry: Entry, as_of: dt.date = AS_OF, *, strict: bool = False
) -> str | None:
    """None when the name is recognised as the entry's model at its provider; else the reason."""
    result = resolve(snapshot, entry.text, as_of=as_of, strict_provider=strict)
    model, provider, mode = asked_place(result)
    if result.status is ResolutionStatus.ambiguous:
        places = {(c.model, c.provider) for c in result.candidates}
        if places == {(entry.model, entry.provider)} and result.matched == entry.model:
            return None  # model and provider recognised; only the task is left to choose
        shown = sorted(f"{m} at {p}" for m, p in places)
        return f"ambiguous between {', '.join(shown)}"
    if result.status in (ResolutionStatus.unknown, ResolutionStatus.unsupported):
        return f"{result.status.value}: {result.message}"
    if model != entry.model:
        return f"read as {model}, not {entry.model}"
    if provider != entry.provider:
        return f"read at {provider}, not {entry.provider}"
    if entry.mode is not None and mode != entry.mode:
        return f"read in {mode}, not {entry.mode}"
    return None


def recognised_given_provider(snapshot: Snapshot, entry: Entry, as_of: dt.date) -> bool:
    """Whether the name is recognised once the provider the name leaves open is given."""
    provider = snapshot.providers[entry.provider]
    result = resolve(snapshot, entry.text, as_of=as_of, provider=provider)
    model, at, mode = asked_place(result)
    return (model, at) == (entry.model, entry.provider) and entry.mode in (None, mode)


def baseline_recognises(snapshot: Snapshot, entry: Entry) -> bool:
    """The plain lookup: the whole string as a listed name or alias of the entry's model."""
    found = find(snapshot, name_key(entry.text))
    if found is None or found[0].name != entry.model:
        return False
    return any(o.provider == entry.provider for o in found[0].offerings)


def load_snapshot(directory: Path) -> Snapshot:
    url = f"sqlite:///{directory / 'names-bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    load_seed(engine, SEED_PATH)
    engine.dispose()
    with Catalog.open(url) as catalog:
        return catalog.snapshot()


def median_us(snapshot: Snapshot, names: list[str], as_of: dt.date, rounds: int = 10) -> float:
    """Median time of one resolve over `names` (each timed alone), in microseconds."""
    samples = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for name in names:
            started = clock()
            resolve(snapshot, name, as_of=as_of)
            samples.append(clock() - started)
    return statistics.median(samples) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args(argv)
    as_of: dt.date = args.as_of
    entries, uncovered, sources = read_corpus()
    with tempfile.TemporaryDirectory() as directory:
        snapshot = load_snapshot(Path(directory))
    misses = [(entry, reason) for entry in entries if (reason := judge(snapshot, entry, as_of))]
    hits = len(entries) - len(misses)
    baseline = sum(baseline_recognises(snapshot, entry) for entry in entries)
    share, base_share = hits / len(entries), baseline / len(entries)
    print(f"corpus: {len(entries)} names the catalog covers, {len(uncovered)} it does not")
    print(f"as of {as_of}")
    print(
        f"recognised as the right model at the right provider: {hits}/{len(entries)} "
        f"= {share:.1%} (target {TARGET:.0%}: {'met' if share >= TARGET else 'NOT met'})"
    )
    verified = [entry for entry in entries if entry.is_verified]
    missed = {id(entry) for entry, _ in misses}
    verified_hits = sum(id(entry) not in missed for entry in verified)
    print(
        f"verified (from the LiteLLM JSON or with `where`): {len(verified)}/{len(entries)}; "
        f"recognised among them: {verified_hits}/{len(verified)} "
        f"= {verified_hits / len(verified):.1%}"
    )
    print(
        f"baseline (whole string as a listed name or alias): {baseline}/{len(entries)} "
        f"= {base_share:.1%}; ratio {share / base_share:.2f}x"
    )
    strict_hits = sum(judge(snapshot, entry, as_of, strict=True) is None for entry in entries)
    by_publisher = sum(
        resolve(snapshot, entry.text, as_of=as_of).provider_rule is not None for entry in entries
    )
    print(
        f"of these, {by_publisher} are bare names read as the publisher's own API; in strict "
        f"mode (strict_provider) {strict_hits}/{len(entries)} = {strict_hits / len(entries):.1%}"
    )
    by_source = Counter(entry.source for entry in entries)
    missed_by_source = Counter(entry.source for entry, _ in misses)
    for key in sorted(by_source):
        total = by_source[key]
        print(f"  {key:18} {total - missed_by_source[key]:3}/{total:<3} {sources.get(key, '')}")
    open_provider = [
        entry
        for entry, reason in misses
        if reason.startswith("ambiguous") and recognised_given_provider(snapshot, entry, as_of)
    ]
    print(
        f"of the misses, {len(open_provider)} name a model the catalog lists at several "
        f"providers and name no provider (bare names); with the provider given, "
        f"{hits + len(open_provider)}/{len(entries)} = "
        f"{(hits + len(open_provider)) / len(entries):.1%}"
    )
    print(f"misses ({len(misses)}):")
    for entry, reason in misses:
        mark = "" if entry.is_verified else " [unverified]"
        print(f"  {entry.text!r} ({entry.model} at {entry.provider}){mark}: {reason}")
    wrong = []
    for row in uncovered:
        result = resolve(snapshot, row["text"], as_of=as_of)
        if result.status in USABLE:
            wrong.append(f"  {row['text']!r} came back {result.status.value}: {result.message}")
    print(
        f"names at providers outside the catalog never usable: "
        f"{len(uncovered) - len(wrong)}/{len(uncovered)}"
    )
    print("\n".join(wrong))
    texts = [entry.text for entry in entries]
    listed = [entry.model for entry in entries]  # the same models, by their listed names
    written_us = median_us(snapshot, texts, as_of)
    listed_us = median_us(snapshot, listed, as_of)
    print(
        f"median resolve: the corpus as written {written_us:.1f} µs, the same models by their "
        f"listed names {listed_us:.1f} µs (ratio {written_us / listed_us:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
