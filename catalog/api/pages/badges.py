"""Status badges: the offering's status on a date, with "retiring soon" singled out."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from catalog.core.lifecycle import RETIRES_SOON_DAYS
from catalog.schemas import Lifecycle
from catalog.vocabulary import OfferingStatus

SOON_DAYS = RETIRES_SOON_DAYS  # the library's "retires soon" window


class Badge(StrEnum):
    active = "active"
    deprecated = "deprecated"
    retiring_soon = "retiring_soon"
    retired = "retired"
    unknown = "unknown"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def badge_for(lifecycle: Lifecycle, *, soon_days: int = SOON_DAYS) -> Badge:
    """A status, except that an offering still usable but gone within `soon_days` is "soon"."""
    status = lifecycle.status
    gone = lifecycle.retired_from
    if (
        status in (OfferingStatus.active, OfferingStatus.deprecated)
        and gone is not None
        and dt.timedelta(0) <= gone - lifecycle.as_of <= dt.timedelta(days=soon_days)
    ):
        return Badge.retiring_soon
    return Badge(status.value)
