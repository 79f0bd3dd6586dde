"""`/readyz` asks the database one question at a time, and never waits long for the answer.

A probe runs `Catalog.health()` in a worker thread. A database that hangs without closing
its connections would hold that thread until the client-side deadline (statement timeout
+ 5 s); with a probe every few seconds from each load balancer, the worker threads would run
out and take every other thread-bound request with them. So probes share the check in
flight, and a probe that has waited `WAIT_SECONDS` answers 503 saying how long the
database has been silent (a load balancer's probe gives up after a second or so anyway).
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool

from catalog.library import Catalog
from catalog.schemas import Health

WAIT_SECONDS = 2.0


class ReadinessProbe:
    """The readiness check in flight (at most one per worker) and when it began."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._running: asyncio.Future[Health] | None = None
        self._started = 0.0

    async def check(self) -> Health | str:
        """The check's result, or why there is none yet (the database has not answered)."""
        loop = asyncio.get_running_loop()
        if self._running is None or self._running.done():
            self._running = asyncio.ensure_future(run_in_threadpool(_ready, self.catalog))
            self._running.add_done_callback(_retrieved)
            self._started = loop.time()
        try:
            return await asyncio.wait_for(asyncio.shield(self._running), WAIT_SECONDS)
        except TimeoutError:
            waited = loop.time() - self._started
            return f"the database has not answered the readiness check for {waited:.0f} s"


def _ready(catalog: Catalog) -> Health:
    health = catalog.health()
    if health.ok:
        catalog.snapshot()  # a catalog that cannot be read into memory is not ready either
    return health


def _retrieved(done: asyncio.Future[Health]) -> None:
    """Mark a failed check's error as seen: the probes that waited for it have raised it, or
    have answered 503 already and gone."""
    if not done.cancelled():
        done.exception()
