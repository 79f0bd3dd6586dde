"""An offering's status on a date, derived from its dates and what each date means."""

from __future__ import annotations

import datetime as dt

from catalog.core.records import OfferingRec
from catalog.vocabulary import DateMeaning, LifecycleBasis, OfferingStatus

ONE_DAY = dt.timedelta(days=1)
# Dates the catalog computes with: far enough from `date.min`/`date.max` that a day after a
# last day, or any window of up to a thousand years, never overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)


def date_problem(day: dt.date) -> str | None:
    """Why `day` is outside the dates the catalog computes with, or None."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return (
        f"date {day.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{LATEST_DATE.isoformat()}"
    )


def retired_from(offering: OfferingRec) -> dt.date | None:
    """The first day the offering is unavailable, where a date says so.

    "Not supported after D" (last day D) is retired from D+1; a shutdown or "by" date
    from D itself; a "not before" date promises nothing about when it ends.
    """
    on, meaning = offering.retires_on, offering.retires_meaning
    if on is None or meaning is None or meaning is DateMeaning.not_before:
        return None
    return on + ONE_DAY if meaning is DateMeaning.last else on


def status_on(offering: OfferingRec, as_of: dt.date) -> OfferingStatus:
    first_gone = retired_from(offering)
    if first_gone is not None and as_of >= first_gone:
        return OfferingStatus.retired
    if (
        offering.retires_meaning is DateMeaning.not_before
        and offering.retires_on is not None
        and as_of >= offering.retires_on
    ):
        return OfferingStatus.unknown
    if offering.deprecated_on is not None and as_of >= offering.deprecated_on:
        return OfferingStatus.deprecated
    if first_gone is not None or offering.lifecycle_basis is LifecycleBasis.active:
        return OfferingStatus.active
    return OfferingStatus.unknown


def retirement_label(meaning: DateMeaning, on: dt.date) -> tuple[str, dt.date]:
    """How to say a dated retirement: `last day D` for a last-day date, else `gone from D`."""
    return ("last day", on) if meaning is DateMeaning.last else ("gone from", on)


RETIRES_SOON_DAYS = 90  # the default "retires soon" window, in days


def retires_within(first_gone: dt.date | None, as_of: dt.date, within_days: int) -> bool:
    """Whether `first_gone` (see `retired_from`) is at most `within_days` after `as_of`."""
    return first_gone is not None and (first_gone - as_of).days <= within_days
