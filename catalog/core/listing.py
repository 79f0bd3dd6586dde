"""The list order the API pages in, kept with the snapshot so a page costs no sort.

Lists are ordered by name, case-insensitively (ties by the name itself): the order a cursor
names a position in. The snapshot's own order is by name key, which differs, so the list order
is derived once per snapshot and kept in its derived indexes.
"""

from __future__ import annotations

from catalog.core.records import ModelRec
from catalog.core.snapshot import Snapshot, gc_paused

ListKey = tuple[str, str]


def list_key(name: str) -> ListKey:
    """A model's position in list order: its name folded, then as written."""
    return (name.casefold(), name)


def in_list_order(snapshot: Snapshot) -> tuple[tuple[ModelRec, ...], list[ListKey]]:
    """The snapshot's models in list order, with their keys (for bisecting to a cursor)."""
    found = snapshot.derived.listing
    if found is None:
        with gc_paused():  # 200,000 new strings and tuples, none in a cycle
            ordered = tuple(sorted(snapshot.models, key=lambda m: list_key(m.name)))
            found = snapshot.derived.listing = (ordered, [list_key(m.name) for m in ordered])
    return found
