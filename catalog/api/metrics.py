"""`/metrics` in Prometheus text format, from `prometheus_client`.

Request counts and latencies are recorded by `catalog.api.observe`; the catalog's own state
(revision, age, staleness, failed reloads) is read from the catalog at scrape time. Each app
has its own registry, so several apps in one process (tests) never collide.

With several workers (`serve --workers N`) set `PROMETHEUS_MULTIPROC_DIR` to an empty
directory: the request metrics are then summed over the workers by prometheus_client's
multiprocess collector, and every worker's revision, age and staleness shows as its own
series (label `pid`), whichever worker answers the scrape (`WorkerGauges`).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from catalog.api.answer import Answerer
from catalog.library import Catalog

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


REVISION_HELP = "Catalog revision being served."
AGE_HELP = "Seconds since the served revision was loaded into the database."
STALE_HELP = "1 while the database is unreachable and the last snapshot is served."
FAILURES_HELP = "Revision checks or snapshot reads that failed."


def _served(catalog: Catalog) -> tuple[int | None, float | None]:
    """The served snapshot's revision and age in seconds; never a database round trip."""
    snapshot = catalog._snapshot
    if snapshot is None:
        return None, None
    loaded_at = snapshot.loaded_at
    if loaded_at is None:
        return snapshot.revision, None
    if loaded_at.tzinfo is None:  # SQLite keeps no zone: the loader writes UTC
        loaded_at = loaded_at.replace(tzinfo=dt.UTC)
    return snapshot.revision, max(0.0, time.time() - loaded_at.timestamp())


class CatalogCollector(Collector):
    """One worker: the snapshot's revision and age, whether it is stale, and failed reloads,
    read from the catalog at scrape time."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def collect(self) -> Iterator[Metric]:
        revision = GaugeMetricFamily("model_catalog_snapshot_revision", REVISION_HELP)
        age = GaugeMetricFamily("model_catalog_snapshot_age_seconds", AGE_HELP)
        served, seconds = _served(self.catalog)
        if served is not None:
            revision.add_metric([], served)
        if seconds is not None:
            age.add_metric([], seconds)
        stale = GaugeMetricFamily("model_catalog_stale", STALE_HELP)
        stale.add_metric([], 1.0 if self.catalog.stale else 0.0)
        failures = CounterMetricFamily("model_catalog_reload_failures", FAILURES_HELP)
        failures.add_metric([], self.catalog.reload_failures)
        yield from (revision, age, stale, failures)


def _live_gauge(name: str, text: str) -> Gauge:
    """A gauge with a series per live worker process (label pid), kept in the shared files."""
    return Gauge(name, text, registry=None, multiprocess_mode="liveall")


class WorkerGauges:
    """Several workers: each one's revision, age and staleness as a series of its own.

    A scrape reaches one worker, so a collector reading its catalog would show that worker
    only. Instead every worker writes its values to prometheus_client's files in
    `PROMETHEUS_MULTIPROC_DIR` (mode "liveall": a series per live process, label `pid`)
    after each revision check and each scrape it answers; the files of a worker that is gone
    (killed, or stopped: it says so on its way out) are dropped at the next scrape. Failed
    reloads are a counter summed over every worker that ever ran.
    """

    def __init__(self, catalog: Catalog, directory: str) -> None:
        self.catalog = catalog
        self.directory = directory
        self.failures = Counter("model_catalog_reload_failures", FAILURES_HELP, registry=None)
        self._failures_written = 0
        self._gauges: tuple[Gauge, Gauge, Gauge] | None = None

    def publish(self) -> None:
        """Write this worker's values now. Its gauges exist from its first snapshot on: a
        worker still starting has no series rather than a revision 0."""
        failures = self.catalog.reload_failures
        if failures > self._failures_written:
            self.failures.inc(failures - self._failures_written)
            self._failures_written = failures
        served, seconds = _served(self.catalog)
        if served is None:
            return
        if self._gauges is None:
            self._gauges = (
                _live_gauge("model_catalog_snapshot_revision", REVISION_HELP),
                _live_gauge("model_catalog_snapshot_age_seconds", AGE_HELP),
                _live_gauge("model_catalog_stale", STALE_HELP),
            )
        revision, age, stale = self._gauges
        revision.set(served)
        if seconds is not None:
            age.set(seconds)
        stale.set(1.0 if self.catalog.stale else 0.0)

    def forget_the_gone(self) -> None:
        """Drop the series of workers that no longer run (a killed one never said so)."""
        from prometheus_client import multiprocess

        for path in Path(self.directory).glob("gauge_live*_*.db"):
            pid = path.stem.rsplit("_", 1)[-1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                multiprocess.mark_process_dead(int(pid), self.directory)  # type: ignore[no-untyped-call]

    def close(self) -> None:
        """This worker is stopping: its series go."""
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid(), self.directory)  # type: ignore[no-untyped-call]


class FrontCollector(Collector):
    """How many requests the front door answered from cached bytes, before routing."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer

    def collect(self) -> Iterator[Metric]:
        labels = ["pid"] if os.environ.get(MULTIPROCESS_VARIABLE) else []
        answers = CounterMetricFamily(
            "model_catalog_front_answers",
            "GET requests answered from the response cache before routing.",
            labels=labels,
        )
        answers.add_metric([str(os.getpid())] if labels else [], self.answerer.front_answers)
        yield answers


class Metrics:
    """The app's metrics: requests by route, method and status, and their latency."""

    def __init__(self, catalog: Catalog, answerer: Answerer) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "model_catalog_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "model_catalog_http_request_duration_seconds",
            "Time from request to the last byte of the response, by route template.",
            ["route", "method"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        directory = os.environ.get(MULTIPROCESS_VARIABLE)
        self.workers = WorkerGauges(catalog, directory) if directory else None
        self.collectors: tuple[Collector, ...] = (FrontCollector(answerer),)
        if self.workers is None:
            self.collectors = (CatalogCollector(catalog), *self.collectors)
        for collector in self.collectors:
            self.registry.register(collector)

    def after_check(self) -> None:
        """The refresher checked the revision: with several workers, write this one's values."""
        if self.workers is not None:
            self.workers.publish()

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def exposition(self) -> bytes:
        directory = os.environ.get(MULTIPROCESS_VARIABLE)
        if not directory:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        if self.workers is not None:
            self.workers.publish()
            self.workers.forget_the_gone()
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        for collector in self.collectors:
            registry.register(collector)
        return generate_latest(registry)


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format; never cached, never gzip-negotiated away from scrapers."""
    metrics: Metrics = request.app.state.metrics
    return Response(
        metrics.exposition(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"}
    )
