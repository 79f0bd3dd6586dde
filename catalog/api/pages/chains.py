"""Replacement chains drawn hop by hop: from an offering along `replaced_by` to its end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from catalog.errors import NotFound
from catalog.schemas import ModelInfo, OfferingInfo, ReplacementInfo

MAX_HOPS = 20


@dataclass(frozen=True)
class ChainHop:
    from_model: str
    to: ReplacementInfo
    since: dt.date | None  # the replacement's own date, else the day the old one is gone
    target: OfferingInfo | None  # the offering it leads to, when the catalog lists it


def follow(start: OfferingInfo, lookup: Callable[[str], ModelInfo]) -> tuple[list[ChainHop], bool]:
    """The hops from `start`, first replacement at each step; True when a cycle cut it short."""
    hops: list[ChainHop] = []
    seen = {(start.model, start.provider, start.serving_mode)}
    current = start
    while current.replaced_by and len(hops) < MAX_HOPS:
        link = current.replaced_by[0]
        target = _offering(lookup, link, current)
        since = link.effective_on or current.lifecycle.retired_from
        hops.append(ChainHop(current.model, link, since, target))
        place = (link.model, link.provider, link.serving_mode)
        if place in seen:
            return hops, True
        seen.add(place)
        if target is None:
            break
        current = target
    return hops, False


def _offering(
    lookup: Callable[[str], ModelInfo], link: ReplacementInfo, previous: OfferingInfo
) -> OfferingInfo | None:
    try:
        model = lookup(link.model)
    except NotFound:
        return None
    fits = [
        o
        for o in model.offerings
        if o.provider == link.provider and o.serving_mode == link.serving_mode
    ]
    same_task = [o for o in fits if o.task == previous.task]
    chosen = same_task or fits
    return chosen[0] if chosen else None
