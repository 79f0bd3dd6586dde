"""Retirements in a window around a date: what the deprecations page and the calendar show.

The list and each replacement come from `Catalog.deprecations`, the verb the API answers
`/v1/deprecations` with; each entry carries its offering in full too, for the date's source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from catalog.library import Catalog
from catalog.schemas import Deprecation, OfferingInfo

EVERY_COMING_DAY = 365 * 100  # the calendar holds every dated retirement, however far off


@dataclass(frozen=True)
class Retirement:
    deprecation: Deprecation
    offering: OfferingInfo

    @property
    def gone_from(self) -> dt.date:
        """The first day the offering is unavailable."""
        return self.deprecation.retired_from

    @property
    def past(self) -> bool:
        return self.deprecation.days <= 0


def retirements(
    catalog: Catalog,
    *,
    as_of: dt.date,
    provider: str | None = None,
    within_days: int = EVERY_COMING_DAY,
) -> list[Retirement]:
    """Retired by `as_of` or retiring within `within_days` after it, soonest first."""
    found = catalog.deprecations(as_of=as_of, within_days=within_days, provider=provider)
    offerings = {
        (o.model, o.provider, o.serving_mode, o.task): o
        for model in catalog.models(provider=provider, as_of=as_of)
        for o in model.offerings
    }
    return [Retirement(d, offerings[(d.model, d.provider, d.serving_mode, d.task)]) for d in found]


def since(found: list[Retirement], first_day: dt.date) -> list[Retirement]:
    return [r for r in found if r.gone_from >= first_day]


def by_provider(found: list[Retirement]) -> list[tuple[str, list[Retirement]]]:
    ordered = sorted(found, key=lambda r: r.offering.provider)
    return [
        (slug, list(group)) for slug, group in groupby(ordered, key=lambda r: r.offering.provider)
    ]
