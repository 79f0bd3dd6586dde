"""Benchmark `model-catalog check` against ripgrep and a naive per-identifier regex scan.

Run from the checkout: `.venv/bin/python bench/check.py [--tree DIR] [--runs 3]`.

The tree (default: a fresh copy of this virtualenv's site-packages) is listed once with the
check's own walker, and all three approaches read exactly those files:

- the check engine: one Aho-Corasick pass per file, tokens resolved and classified
  (`--show-ok`, so every reference counts, whatever its status);
- `rg -F -w -i -f IDS` (ripgrep, all threads and `-j1`) on the same identifiers;
- a naive scan: one compiled `\\b<id>\\b` regular expression per identifier over every file.

Each time is the median of `--runs`; ratios are against ripgrep and the naive scan measured in
the same run. Then the counts, and where they differ, why. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `catalog` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AS_OF = dt.date(2026, 11, 24)
RG_TARGET = 3.0
NAIVE_TARGET = 10.0


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="tree to scan (default: a copy of site-packages)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    os.environ["XDG_DATA_HOME"] = str(work / "data")  # an embedded catalog of its own
    os.environ.pop("MODEL_CATALOG_DATABASE_URL", None)
    from catalog import Catalog
    from catalog.check.engine import Options, check, list_files, matcher_for
    from catalog.check.matcher import identifiers_of
    from catalog.check.walk import Oversized, Selection
    from catalog.vocabulary import FailOn

    tree = args.tree
    if tree is None:
        tree = work / "site-packages"
        shutil.copytree(sysconfig.get_paths()["purelib"], tree, symlinks=True)
    rg = shutil.which("rg")
    if rg is None:
        sys.exit("ripgrep is needed: apt-get install -y ripgrep")

    catalog = Catalog.open()
    snapshot = catalog.snapshot()
    files = [f for f in list_files([str(tree)], Selection()) if not isinstance(f, Oversized)]
    paths = [str(p) for _, p in files if p is not None]
    size = sum(os.path.getsize(p) for p in paths)
    names: list[str] = []
    for model in snapshot.models:
        names.append(model.name)
        names.extend(alias for alias, kind in model.aliases if kind != "translated")
        names.extend(o.endpoint_name for o in model.offerings if o.endpoint_name)
    identifiers = sorted(identifiers_of(names))
    ids_file = work / "ids.txt"
    ids_file.write_text("\n".join(identifiers) + "\n")
    print(f"tree: {tree} ({len(paths)} files the walker keeps, {size / 1e6:.0f} MB)")
    print(f"identifiers: {len(identifiers)}; runs: median of {args.runs}")
    print(
        f"rg: {subprocess.run([rg, '--version'], capture_output=True, text=True).stdout.splitlines()[0]}"
    )

    options = Options(as_of=AS_OF, show_ok=True, fail_on=FailOn.never)
    start = time.perf_counter()
    matcher_for(snapshot)
    build_ms = (time.perf_counter() - start) * 1000
    for _ in range(1):  # warm the page cache once for everyone
        for path in paths:
            Path(path).read_bytes()

    engine_s, report = timed(lambda: check(snapshot, files, options), args.runs)

    def ripgrep(*extra: str) -> int:
        out = subprocess.run(
            [
                rg,
                "-F",
                "-w",
                "-i",
                "--count-matches",
                "--no-filename",
                "--no-ignore",
                "--hidden",
                *extra,
                "-f",
                str(ids_file),
                "--",
                *paths,
            ],
            capture_output=True,
            text=True,
        ).stdout
        return sum(int(line) for line in out.split())

    rg_s, rg_count = timed(ripgrep, args.runs)
    rg1_s, _ = timed(lambda: ripgrep("-j1"), args.runs)

    patterns = [(i, re.compile(r"\b" + re.escape(i) + r"\b", re.IGNORECASE)) for i in identifiers]

    def naive() -> Counter[str]:
        counts: Counter[str] = Counter()
        for path in paths:
            data = Path(path).read_bytes()
            if b"\x00" in data[:8192]:
                continue
            text = data.decode("utf-8", errors="replace")
            for identifier, pattern in patterns:
                hits = len(pattern.findall(text))
                if hits:
                    counts[identifier] += hits
        return counts

    naive_s, naive_counts = timed(naive, 1)
    assert isinstance(naive_counts, Counter)
    findings = report.findings  # type: ignore[attr-defined]

    print(f"\nmatcher build (once per catalog revision): {build_ms:.1f} ms")
    print(f"{'approach':<34} {'time':>8} {'references':>11}")
    print(f"{'check engine (1 thread)':<34} {engine_s:>7.2f}s {len(findings):>11}")
    print(f"{'rg -F -w -i (all threads)':<34} {rg_s:>7.2f}s {rg_count:>11}")
    print(f"{'rg -F -w -i -j1':<34} {rg1_s:>7.2f}s {'':>11}")
    print(
        f"{'naive: one regex per identifier':<34} {naive_s:>7.2f}s {sum(naive_counts.values()):>11}"
    )
    print(
        f"\nengine / rg: {engine_s / rg_s:.2f}x (target <= {RG_TARGET}x); "
        f"engine / rg -j1: {engine_s / rg1_s:.2f}x"
    )
    print(f"naive / engine: {naive_s / engine_s:.1f}x faster (target >= {NAIVE_TARGET}x)")

    by_name: Counter[str] = Counter(f.name.lower() for f in findings)
    levels = Counter(f.level.value for f in findings)
    print(f"\nengine references by level: {dict(sorted(levels.items()))}")
    print(
        "where the counts differ (naive \\b-bounded matches per identifier vs engine references):"
    )
    print(f"  {'identifier':<42} {'naive':>7} {'engine':>7}  why")
    ordinary = re.compile(r"[a-z]+|.{1,3}")
    rows = []
    for identifier, count in naive_counts.most_common():
        mine = by_name.get(identifier, 0)
        if mine == count:
            continue
        if ordinary.fullmatch(identifier):
            why = "an ordinary word / too short: counts only quoted or as a model key's value"
        elif any(o != identifier and o.startswith(identifier) for o in identifiers):
            why = "also a prefix of longer names: the longest token wins"
        else:
            why = "inside a longer token (path, version, prefix of no known provider)"
        rows.append((identifier, count, mine, why))
    for identifier, count, mine, why in rows[:25]:
        print(f"  {identifier:<42} {count:>7} {mine:>7}  {why}")
    if len(rows) > 25:
        print(f"  ... {len(rows) - 25} more identifiers differ")
    prefixed = sum(1 for f in findings if f.form)
    print(f"engine references written with a provider form (prefix/shape): {prefixed}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
