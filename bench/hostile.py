"""The worst seed files and names we could build, each measured in a fresh process.

Prints wall time and peak resident memory for reading each input (`read_seed`, or a
`resolve` for names), against the shipped seed read the same way in the same run.

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from catalog.seed.reader import MAX_SEED_BYTES  # noqa: E402

MINI = (ROOT / "tests" / "data" / "mini_seed.yaml").read_text()
HEADER = MINI.split("\nmodels:")[0] + "\nmodels:\n"

CHILD = """
import json, resource, sys, time
from pathlib import Path
from catalog.errors import CatalogError
from catalog.seed.file import read_seed
kind, target = sys.argv[1], sys.argv[2]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
outcome = "ok"
try:
    if kind == "name":
        from catalog import Catalog
        catalog = Catalog.open()
        catalog.resolve("gpt-4o")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        catalog.resolve(Path(target).read_text())
    else:
        read_seed(target)
except CatalogError as error:
    outcome = error.message.splitlines()[0][-60:]
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak / 1024, "grew_mib": (peak - before) / 1024, "outcome": outcome}))
"""


def model(index: int, next_index: int) -> str:
    return (
        f"  - name: m{index}\n    publisher: acme\n    source: test-source\n"
        "    offerings:\n      - provider: openai\n        mode: external\n"
        "        tasks: [chat]\n        source: test-source\n"
        "        lifecycle: {basis: unknown, source: test-source}\n"
        f"        replaced_by: [{{model: m{next_index}, source: test-source}}]\n"
    )


def fill(prefix: str, unit: str, limit: int = MAX_SEED_BYTES) -> str:
    room = limit - len(prefix.encode())
    return prefix + unit * (room // len(unit.encode()))


def inputs(directory: Path) -> dict[str, tuple[str, Path]]:
    chain = 1_500  # 32 values each: just under MAX_SEED_NODES
    files = {
        f"largest valid seed: {chain} models in one replacement chain": HEADER
        + "".join(model(i, i + 1) for i in range(chain - 1))
        + model(chain - 1, chain - 1).replace(f"model: m{chain - 1},", "model: m0,"),
        "seed + comments to 1 MiB": fill(MINI + "\n", "# " + "c" * 77 + "\n"),
        "1 MiB flow sequence of tiny items": fill("sources: [", "0,", MAX_SEED_BYTES - 4) + "0]\n",
        "1 MiB of distinct one-line keys": "".join(f"k{i}: v\n" for i in range(120_000))[
            : MAX_SEED_BYTES - 1
        ],
        "1 MiB single-quoted scalar": fill("sources: '", "x", MAX_SEED_BYTES - 3) + "'\n",
        "1 MiB of '['": fill("", "["),
        "billion laughs (342 bytes)": "".join(
            f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9 if p else ['"lol"'] * 9) + "]\n"
            for p, c in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
        ),
    }
    paths: dict[str, tuple[str, Path]] = {}
    for index, (label, text) in enumerate(files.items()):
        path = directory / f"input-{index}.yaml"
        path.write_text(text)
        paths[label] = ("seed", path)
    for label, name in {
        "name at the 512 cap: 'a-' x 256": "a-" * 256,
        "name at the 512 cap: '-2024-01-01' repeated": ("-2024-01-01" * 47)[:512],
        "name of 1 MB (refused)": "a" * 1_000_000,
    }.items():
        path = directory / f"name-{len(paths)}.txt"
        path.write_text(name)
        paths[label] = ("name", path)
    return paths


def measure(kind: str, path: Path, env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
    )
    if result.returncode != 0:
        return {
            "seconds": float("nan"),
            "peak_mib": 0,
            "grew_mib": 0,
            "outcome": result.stderr[-80:],
        }
    return dict(json.loads(result.stdout))


def main() -> None:
    import os

    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        env = {**os.environ, "XDG_DATA_HOME": str(directory / "home")}
        env.pop("MODEL_CATALOG_DATABASE_URL", None)
        baseline = measure("seed", ROOT / "data" / "seed.yaml", env)
        print(
            f"baseline: the shipped seed (80 KB): {baseline['seconds']:.2f} s, "
            f"peak RSS {baseline['peak_mib']:.0f} MiB"
        )
        print(f"{'input':<58} {'time':>8} {'x base':>7} {'peak':>9}  outcome")
        for label, (kind, path) in inputs(directory).items():
            row = measure(kind, path, env)
            ratio = float(row["seconds"]) / float(baseline["seconds"])  # type: ignore[arg-type]
            print(
                f"{label:<58} {row['seconds']:>7.3f}s {ratio:>6.1f}x "
                f"{row['peak_mib']:>6.0f} MiB  {row['outcome']}"
            )


if __name__ == "__main__":
    main()
