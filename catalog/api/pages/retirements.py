"""Retirements in a window around a date: what the deprecations page and the calendar show.

Computed from `Catalog.models` so the page shows exactly what the library answers; every
offering with a date on which it stops being available is one retirement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from catalog.library import Catalog
from catalog.schemas import ModelInfo, OfferingInfo


@dataclass(frozen=True)
class Retirement:
    model: ModelInfo
    offering: OfferingInfo
    gone_from: dt.date  # the first day it is unavailable

    @property
    def last_day(self) -> dt.date:
        return self.gone_from - dt.timedelta(days=1)

    @property
    def past(self) -> bool:
        return self.gone_from <= self.offering.lifecycle.as_of


def retirements(
    catalog: Catalog, *, as_of: dt.date, provider: str | None = None
) -> list[Retirement]:
    """Every dated retirement, soonest first (then by model, provider, mode, task)."""
    found = [
        Retirement(model, offering, offering.lifecycle.retired_from)
        for model in catalog.models(provider=provider, as_of=as_of)
        for offering in model.offerings
        if offering.lifecycle.retired_from is not None
    ]
    found.sort(
        key=lambda r: (r.gone_from, r.model.name.lower(), r.offering.provider, r.offering.task)
    )
    return found


def in_window(
    found: list[Retirement], *, as_of: dt.date, past_days: int, within_days: int
) -> list[Retirement]:
    low = as_of - dt.timedelta(days=past_days)
    high = as_of + dt.timedelta(days=within_days)
    return [r for r in found if low <= r.gone_from <= high]


def by_provider(found: list[Retirement]) -> list[tuple[str, list[Retirement]]]:
    ordered = sorted(found, key=lambda r: r.offering.provider)
    return [
        (slug, list(group)) for slug, group in groupby(ordered, key=lambda r: r.offering.provider)
    ]
