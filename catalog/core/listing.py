"""The list order the API pages in, kept with the snapshot so a page costs no sort.

Lists are ordered by name, case-insensitively (ties by the name itself): the order a cursor
names a position in. The snapshot's own order is by name key, which differs, so the list order
is derived once per snapshot and kept in its derived indexes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping

from catalog.core.names import name_key
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


# Between two models' keys in the search text: a control character, which no query holds
# (a name with one is refused before it is looked up), so no match spans two models.
_SEPARATOR = "\x00"


def search_text(snapshot: Snapshot) -> tuple[str, list[int]]:
    """Every model's searchable keys (name, display name, family, aliases, endpoint names)
    in one text, in list order, with the offset where each model's part starts.

    A `query` filter is then a few substring searches in C over one string, where folding
    every name of 100,000 models per request took 0.7 s. Built once per snapshot.
    """
    found = snapshot.derived.search_text
    if found is None:
        ordered, _ = in_list_order(snapshot)
        with gc_paused():
            parts = list(map(_searchable, ordered))
            starts: list[int] = []
            offset = 0
            for part in parts:
                starts.append(offset)
                offset += len(part) + 1
            found = snapshot.derived.search_text = (_SEPARATOR.join(parts), starts)
    return found


def _searchable(model: ModelRec) -> str:
    keys = [model.key]
    if model.display_name:
        keys.append(name_key(model.display_name))
    if model.family:
        keys.append(name_key(model.family))
    keys.extend(name_key(alias) for alias, _ in model.aliases)
    keys.extend(name_key(o.endpoint_name) for o in model.offerings if o.endpoint_name)
    return _SEPARATOR.join(keys)


def positions_matching(snapshot: Snapshot, needle: str) -> list[int]:
    """The list-order positions of the models with `needle` (a name key) in one of their keys,
    in order. Each hit skips to the next model's part, so a model is found once."""
    text, starts = search_text(snapshot)
    if not needle:
        return list(range(len(starts)))
    hits: list[int] = []
    if _SEPARATOR in needle:
        return hits
    at = text.find(needle)
    while at != -1:
        position = bisect_right(starts, at) - 1
        hits.append(position)
        if position + 1 == len(starts):
            break
        at = text.find(needle, starts[position + 1])
    return hits


Facet = tuple[str, str]  # ("provider", slug), ("publisher", slug), ("task", task), ("mode", mode)
# The models with an offering that has a retirement or deprecation date: the only ones that can
# be retired or deprecated on any day (catalog.core.lifecycle.status_on).
DATED: Facet = ("dated", "")


def facet_positions(snapshot: Snapshot) -> Mapping[Facet, list[int]]:
    """Each provider, publisher, task and serving mode (and `DATED`) -> the list-order
    positions of the models it applies to, ascending.

    A filtered list then looks only at the models of its narrowest filter (a provider's
    tenth of the catalog, say) instead of every model. Built once per snapshot.
    """
    found = snapshot.derived.facets
    if found is None:
        ordered, _ = in_list_order(snapshot)
        facets: defaultdict[Facet, list[int]] = defaultdict(list)
        with gc_paused():
            for position, model in enumerate(ordered):
                facets["publisher", model.publisher].append(position)
                own: set[Facet] = set()
                for offering in model.offerings:
                    own.add(("provider", offering.provider))
                    own.add(("task", offering.task.value))
                    own.add(("mode", offering.mode.value))
                    if offering.retires_on is not None or offering.deprecated_on is not None:
                        own.add(DATED)
                for facet in own:
                    facets[facet].append(position)
        found = snapshot.derived.facets = dict(facets)
    return found
