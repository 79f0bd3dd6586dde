"""Benchmark the REST API against a constant FastAPI app on the same uvicorn, with wrk.

Run from the checkout: `.venv/bin/python bench/api.py [--seconds 10] [--soak-seconds 30]`
(needs `wrk`: `apt-get install wrk`).

In one run it starts, on loopback ports, `model-catalog serve` on a fresh embedded catalog
and `bench/constant_app.py` (one async route returning a constant dict) under the same
uvicorn settings (one worker, no access log), drives both with the same wrk command at 32
connections, and reports requests per second as a ratio of the constant app's, with p50
and p99 latencies. The same routes are then measured with the front door off (cached bytes,
but after routing and parameter parsing) and with no cache at all (every answer built and
serialised), to show what each buys. Last, 64 connections for `--soak-seconds` on GET /v1/resolve
must see no failed request. Figures are reported, never asserted: exit 0 unless wrk fails
or a request failed in the soak.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
AS_OF = "2026-11-24"
ROUTES = {
    "GET /v1/resolve": f"/v1/resolve?model=databricks-dbrx-instruct&as_of={AS_OF}",
    "GET /v1/models/{name}": f"/v1/models/databricks-dbrx-instruct?as_of={AS_OF}",
    "GET /healthz": "/healthz",
}
TARGET_RATIO = 0.8


@dataclass(frozen=True)
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(command: list[str], env: dict[str, str], health: str) -> Iterator[str]:
    """A server process on a loopback port; yields its base URL once `health` answers."""
    port = free_port()
    child = subprocess.Popen(
        [*command, "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if child.poll() is not None:
                raise SystemExit(f"{command[:3]} exited with {child.returncode}")
            try:
                with urllib.request.urlopen(base + health, timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[:3]} did not start within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(
    url: str, connections: int, seconds: float, threads: int = 2, headers: tuple[str, ...] = ()
) -> Run:
    """One wrk run; failures are socket errors plus non-2xx/3xx answers."""
    out = subprocess.run(
        [
            "wrk",
            *(part for header in headers for part in ("-H", header)),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "5s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    failures = sum(
        int(n)
        for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        + re.findall(r"Non-2xx or 3xx responses: (\d+)", out)
    )
    return Run(rps, p50, p99, total, failures)


def measure(url: str, connections: int, seconds: float, headers: tuple[str, ...] = ()) -> Run:
    wrk(url, connections, min(2.0, seconds), headers=headers)  # warm up: caches, connections
    return wrk(url, connections, seconds, headers=headers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measured run")
    parser.add_argument("--soak-seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--soak-connections", type=int, default=64)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/api.py needs wrk: apt-get install wrk")

    home = tempfile.mkdtemp(prefix="bench-api-")
    env = {k: v for k, v in os.environ.items() if k != "MODEL_CATALOG_DATABASE_URL"}
    env.update(XDG_DATA_HOME=home, PYTHONPATH=str(ROOT))
    uvicorn_flags = ["--host", "127.0.0.1", "--no-access-log"]
    serve = [PYTHON, "-m", "catalog", "serve", "--workers", "1", *uvicorn_flags]
    constant = [PYTHON, "-m", "uvicorn", "bench.constant_app:app", *uvicorn_flags]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores; wrk -t2 "
        f"-c{args.connections} -d{args.seconds:g}s; loopback; one uvicorn worker each"
    )

    variants = {
        "": {},
        " (routed)": {"MODEL_CATALOG_FRONT_CACHE": "0"},  # cached bytes, after routing
        " (no cache)": {"MODEL_CATALOG_RESPONSE_CACHE_ENTRIES": "0"},  # built every time
        " (gzip)": {},  # as a browser or httpx asks: Accept-Encoding: gzip
    }
    measured = [("GET /v1/resolve", ""), ("GET /v1/models/{name}", ""), ("GET /healthz", "")]
    measured += [(label, v) for v in list(variants)[1:] for label in list(ROUTES)[:2]]
    gzip = ("Accept-Encoding: gzip",)
    # Every server is up at once (an idle one costs nothing), and each route is measured right
    # after a run of the constant app: the machine is shared, so a ratio is taken between
    # neighbouring runs, not against one baseline from minutes before.
    results: dict[str, tuple[Run, Run]] = {}
    with ExitStack() as stack:
        constant_base = stack.enter_context(process(constant, env, "/"))
        bases = {
            variant: stack.enter_context(process(serve, {**env, **extra}, "/healthz"))
            for variant, extra in variants.items()
        }
        for label, variant in measured:
            baseline = measure(constant_base + "/", args.connections, args.seconds)
            url = bases[variant] + ROUTES[label]
            run = measure(url, args.connections, args.seconds, gzip if "gzip" in variant else ())
            results[label + variant] = (run, baseline)
        soak = wrk(bases[""] + ROUTES["GET /v1/resolve"], args.soak_connections, args.soak_seconds)
    shutil.rmtree(home, ignore_errors=True)

    print(
        f"\n{'route':<32} {'req/s':>8} {'constant':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'const p50/p99':>14} {'fail':>5}"
    )
    for label, (run, baseline) in results.items():
        print(
            f"{label:<32} {run.requests_per_second:>8.0f} {baseline.requests_per_second:>8.0f} "
            f"{run.requests_per_second / baseline.requests_per_second:>6.2f} {run.p50_ms:>7.2f} "
            f"{run.p99_ms:>7.2f} {baseline.p50_ms:>6.2f}/{baseline.p99_ms:<7.2f} {run.failures:>5}"
        )

    def ratio(label: str) -> float:
        run, baseline = results[label]
        return run.requests_per_second / baseline.requests_per_second

    for label in list(ROUTES)[:2]:
        verdict = "meets" if ratio(label) >= TARGET_RATIO else "misses"
        print(
            f"{label}: {ratio(label):.2f} of the constant app ({verdict} the {TARGET_RATIO} target)"
        )
        print(
            f"  cached bytes after routing: {ratio(label + ' (routed)') / ratio(label + ' (no cache)'):.1f}x"
            f" no cache; the front door: {ratio(label) / ratio(label + ' (routed)'):.1f}x more"
        )
    print(
        f"soak: {args.soak_connections} connections for {args.soak_seconds:g} s on GET /v1/resolve: "
        f"{soak.requests} requests, {soak.failures} failed, {soak.requests_per_second:.0f} req/s, "
        f"p99 {soak.p99_ms:.2f} ms"
    )
    return 1 if soak.failures else 0


if __name__ == "__main__":
    sys.exit(main())
