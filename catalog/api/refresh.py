"""Keep a worker's snapshot fresh off the event loop.

`Catalog.snapshot()` rechecks the revision when its interval is up, on whichever call comes
next; in a server that call would be a request, and the check (or a rebuild after a load)
would block the event loop. A background thread checks at half the interval instead, so
requests find the check already done and a new revision shows within the interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from starlette.concurrency import run_in_threadpool

from catalog.core.listing import facet_positions, in_list_order, search_text
from catalog.core.lookup import prepare_suggestions
from catalog.errors import CatalogError
from catalog.library import Catalog

log = logging.getLogger("catalog.api")


def _refresh_and_prepare(catalog: Catalog) -> None:
    """Recheck the revision; a new snapshot gets its suggestion, list-order and search indexes
    here, off the loop (built once per snapshot; a request would otherwise pay for them)."""
    snapshot = catalog.refresh()
    prepare_suggestions(snapshot)
    in_list_order(snapshot)
    search_text(snapshot)
    facet_positions(snapshot)


async def _refresh(catalog: Catalog, every: float, after_check: Callable[[], None]) -> None:
    while True:
        await asyncio.sleep(every)
        await _refresh_once(catalog, after_check)


async def _refresh_once(catalog: Catalog, after_check: Callable[[], None]) -> None:
    """One check. Whatever goes wrong is logged and counted, and the loop goes on: a refresher
    that died would leave the worker on its old revision for good, with nothing to say so.
    `after_check` runs either way (the metrics of several workers are written then)."""
    try:
        await run_in_threadpool(_refresh_and_prepare, catalog)
    except CatalogError as error:  # requests and /readyz report it; keep trying
        log.warning("catalog revision check failed: %s", error.message)
    except Exception:
        catalog.reload_failures += 1
        log.exception("catalog revision check failed unexpectedly; trying again")
    try:
        after_check()
    except Exception:
        log.exception("writing the worker's metrics failed")


@contextlib.asynccontextmanager
async def refreshing(
    catalog: Catalog, interval: float, after_check: Callable[[], None] = lambda: None
) -> AsyncIterator[None]:
    await _refresh_once(catalog, after_check)  # the first snapshot, before the first request
    task = asyncio.create_task(_refresh(catalog, interval / 2, after_check))
    catalog.refreshed_in_background = True  # requests never wait on the database now
    try:
        yield
    finally:
        catalog.refreshed_in_background = False
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
