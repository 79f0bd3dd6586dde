"""Start-up of `model-catalog check` against `python -c "import sqlalchemy, pydantic"`.

Run from the checkout: `.venv/bin/python bench/check_startup.py [--runs 15]`.

Three commands, each run `--runs` times interleaved (so a busy machine slows all alike),
medians compared: the baseline import; `check` on an empty directory (what a pre-commit hook
pays when no staged file matches); `check` on a directory holding one small file (the catalog
is opened and its snapshot read). The target for the empty directory is at most 2x the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bindir = Path(sys.executable).parent
    cli = str(bindir / "model-catalog")
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {**os.environ, "XDG_DATA_HOME": str(work / "data")}
    env.pop("MODEL_CATALOG_DATABASE_URL", None)
    empty = work / "empty"
    empty.mkdir()
    one = work / "one"
    one.mkdir()
    (one / "app.py").write_text('MODEL = "databricks-meta-llama-3-3-70b-instruct"\n')
    subprocess.run([cli, "check", str(one)], env=env, capture_output=True)  # seed the catalog
    commands = {
        "python -c 'import sqlalchemy, pydantic'": [
            sys.executable,
            "-c",
            "import sqlalchemy, pydantic",
        ],
        "model-catalog check EMPTY_DIR": [cli, "check", str(empty)],
        "model-catalog check ONE_FILE_DIR": [cli, "check", str(one)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    baseline = statistics.median(times["python -c 'import sqlalchemy, pydantic'"])
    print(f"median of {args.runs} runs each, interleaved")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<42} {median * 1000:7.0f} ms  {median / baseline:5.2f}x")
    ratio = statistics.median(times["model-catalog check EMPTY_DIR"]) / baseline
    print(f"empty directory: {ratio:.2f}x the baseline (target <= {TARGET}x)")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from catalog.cli.app import main; main(['check', sys.argv[1]]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'fastapi', 'uvicorn', 'starlette', 'sqlalchemy'}))",
            str(empty),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"heavy modules imported on the empty directory: {probe.stdout.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
