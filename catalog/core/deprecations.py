"""Which offerings are retired or retiring on a date, and what replaces each."""

from __future__ import annotations

import datetime as dt

from catalog.core.convert import deprecation_info
from catalog.core.lifecycle import retired_from, retires_within
from catalog.core.records import OfferingRec
from catalog.core.replacements import follow_replacements
from catalog.core.snapshot import Snapshot
from catalog.schemas import Deprecation


def deprecation_of(
    snapshot: Snapshot, offering: OfferingRec, as_of: dt.date, within_days: int
) -> Deprecation | None:
    """The offering as a deprecation if it is retired on `as_of` or retires within
    `within_days` after it; else None. An offering with no retirement date is never one.

    The replacement is the one in force on the first day without the offering (or on `as_of`,
    if that is later), followed along the links to an offering in use then.
    """
    first_gone = retired_from(offering)
    if first_gone is None or not retires_within(first_gone, as_of, within_days):
        return None
    _chain, _warnings, final = follow_replacements(snapshot, offering, max(as_of, first_gone))
    return deprecation_info(offering, as_of, final if final is not offering else None)
