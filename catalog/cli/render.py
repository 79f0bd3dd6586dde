"""Plain-text rendering for the terminal: aligned tables and short phrases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from catalog.core.lifecycle import retirement_label
from catalog.vocabulary import OfferingStatus

if TYPE_CHECKING:
    from catalog.schemas import OfferingInfo


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def mode_label(mode: str) -> str:
    return mode.replace("_", "-")


def status_phrase(offering: OfferingInfo) -> str:
    """`retired since 2025-05-01`, `active, last day 2027-04-01`, `unknown` ..."""
    life = offering.lifecycle
    first_gone = life.retired_from
    if life.status is OfferingStatus.retired:
        if life.retires is not None and life.retires.meaning == "by":
            return f"retired (by {life.retires.on})"
        return f"retired since {first_gone}"
    text = life.status.value
    if life.status is OfferingStatus.deprecated and life.deprecated_on:
        text += f" since {life.deprecated_on}"
    if life.retires is not None and first_gone is not None:
        label, day = retirement_label(life.retires.meaning, life.retires.on)
        text += f", {label} {day}"
    elif life.retires is not None and life.retires.meaning == "not_before":
        text += f", not before {life.retires.on}"
    return text


def replacement_phrase(offering: OfferingInfo) -> str:
    parts = []
    for rep in offering.replaced_by:
        text = rep.model
        if rep.provider != offering.provider:
            text += f" at {rep.provider}"
        if rep.serving_mode != offering.serving_mode:
            text += f" ({mode_label(rep.serving_mode)})"
        if rep.effective_on is not None:
            text += f" from {rep.effective_on}"
        if not rep.source.verified:
            text += " [unverified]"
        parts.append(text)
    return "; ".join(parts)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
