"""One snapshot per request: a Catalog whose every verb reads the same revision."""

from __future__ import annotations

from catalog.core.snapshot import Snapshot
from catalog.library import Catalog


class PinnedCatalog(Catalog):
    """The caller's catalog, held at `snapshot`: a response never mixes two revisions."""

    def __init__(self, source: Catalog, snapshot: Snapshot) -> None:
        super().__init__(source.engine, source.settings)
        self._pinned = snapshot

    def snapshot(self) -> Snapshot:
        return self._pinned
