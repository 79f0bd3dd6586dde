"""One snapshot per request: a Catalog whose every verb reads the same revision."""

from __future__ import annotations

from catalog.library import Catalog
from catalog.snapshot import Snapshot


class PinnedCatalog(Catalog):
    """The caller's catalog, held at `snapshot`: a response never mixes two revisions."""

    def __init__(self, source: Catalog, snapshot: Snapshot) -> None:
        super().__init__(source.engine, source.settings)
        self._pinned = snapshot

    def snapshot(self) -> Snapshot:
        return self._pinned


def pin(catalog: Catalog) -> tuple[Snapshot, Catalog]:
    """The catalog's current snapshot and a view of the catalog that reads only it."""
    snapshot = catalog.snapshot()
    return snapshot, PinnedCatalog(catalog, snapshot)
