"""`/metrics` in Prometheus text format, from `prometheus_client`.

Request counts and latencies are recorded by `catalog.api.observe`; the catalog's own state
(revision, age, staleness, failed reloads) is read from the catalog at scrape time. Each app
has its own registry, so several apps in one process (tests) never collide.

With several workers (`serve --workers N`) set `PROMETHEUS_MULTIPROC_DIR` to an empty
directory: the request metrics are then summed over the workers by prometheus_client's
multiprocess collector, and the catalog gauges carry each worker's `pid`.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from catalog.api.answer import Answerer
from catalog.library import Catalog

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class CatalogCollector(Collector):
    """The snapshot's revision and age, whether it is stale, and failed reloads."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def collect(self) -> Iterator[Metric]:
        labels = ["pid"] if os.environ.get(MULTIPROCESS_VARIABLE) else []
        values = [str(os.getpid())] if labels else []
        snapshot = self.catalog._snapshot  # what is served now; never a database round trip
        revision = GaugeMetricFamily(
            "model_catalog_snapshot_revision", "Catalog revision being served.", labels=labels
        )
        age = GaugeMetricFamily(
            "model_catalog_snapshot_age_seconds",
            "Seconds since the served revision was loaded into the database.",
            labels=labels,
        )
        if snapshot is not None:
            revision.add_metric(values, snapshot.revision)
            loaded_at = snapshot.loaded_at
            if loaded_at is not None:
                if loaded_at.tzinfo is None:  # SQLite keeps no zone: the loader writes UTC
                    loaded_at = loaded_at.replace(tzinfo=dt.UTC)
                age.add_metric(values, max(0.0, time.time() - loaded_at.timestamp()))
        stale = GaugeMetricFamily(
            "model_catalog_stale",
            "1 while the database is unreachable and the last snapshot is served.",
            labels=labels,
        )
        stale.add_metric(values, 1.0 if self.catalog.stale else 0.0)
        failures = CounterMetricFamily(
            "model_catalog_reload_failures",
            "Revision checks or snapshot reads that failed.",
            labels=labels,
        )
        failures.add_metric(values, self.catalog.reload_failures)
        yield from (revision, age, stale, failures)


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
        self.collectors = (CatalogCollector(catalog), FrontCollector(answerer))
        for collector in self.collectors:
            self.registry.register(collector)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def exposition(self) -> bytes:
        directory = os.environ.get(MULTIPROCESS_VARIABLE)
        if not directory:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

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
