"""An offering's lifecycle as SVG geometry: coloured spans, dated markers, today's line.

Pure layout over `OfferingInfo`; the template draws it. Labels that would overlap move
to another row, so close dates (announced one week, retired the next) stay readable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby

from catalog.api.pages.render import long_date, meaning_label
from catalog.api.pages.retirements import Retirement
from catalog.schemas import OfferingInfo, SourceRef
from catalog.vocabulary import DateMeaning, LifecycleBasis

WIDTH = 720
PAD = 16
TRACK_Y = 44
TRACK_H = 14
ROW_H = 34
CHAR_W = 6.6  # an estimate of the label font's average advance, in viewBox units


@dataclass(frozen=True)
class Span:
    x: float
    width: float
    kind: str  # active, deprecated, retired, unknown


@dataclass(frozen=True)
class Marker:
    day: dt.date
    what: str  # "deprecated", "last day", "gone from", ... or "also reported: ..."
    kind: str  # deprecated, retires, reported
    source: SourceRef
    x: float = 0.0
    label_x: float = 0.0
    row: int = 0
    note: str | None = None

    @property
    def unverified(self) -> bool:
        return not self.source.verified

    @property
    def lines(self) -> tuple[str, str]:
        return (self.what + (" (unverified)" if self.unverified else ""), long_date(self.day))

    @property
    def label_width(self) -> float:
        return max(len(line) for line in self.lines) * CHAR_W


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    spans: list[Span]
    markers: list[Marker]
    today_x: float
    today_label: str
    ticks: list[Tick] = field(default_factory=list)
    track_y: int = TRACK_Y
    track_h: int = TRACK_H
    summary: str = ""


def markers_of(offering: OfferingInfo) -> list[Marker]:
    life = offering.lifecycle
    found: list[Marker] = []
    if life.deprecated_on is not None and life.deprecated_source is not None:
        found.append(
            Marker(
                life.deprecated_on,
                "deprecated",
                "deprecated",
                life.deprecated_source,
                note=life.deprecated_note,
            )
        )
    if life.retires is not None:
        found.append(
            Marker(
                life.retires.on,
                meaning_label(life.retires.meaning),
                "retires",
                life.retires.source,
                note=life.retires.note,
            )
        )
    for report in life.also_reported:
        found.append(
            Marker(
                report.on,
                "also reported: " + meaning_label(report.meaning),
                "reported",
                report.source,
                note=report.note,
            )
        )
    return sorted(found, key=lambda m: m.day)


def layout(offering: OfferingInfo, today: dt.date) -> Timeline:
    """Place the offering's dates and `today` on one axis."""
    life = offering.lifecycle
    markers = markers_of(offering)
    days = [m.day for m in markers] + [today]
    if life.retired_from is not None:
        days.append(life.retired_from)
    low, high = min(days), max(days)
    margin = max(dt.timedelta(days=60), (high - low) * 0.12)
    start, end = low - margin, high + margin
    usable = WIDTH - 2 * PAD

    def x_of(day: dt.date) -> float:
        return round(PAD + usable * (day - start) / (end - start), 1)

    spans = _spans(offering, start, end, x_of)
    placed = _rows([_at(m, x_of(m.day)) for m in markers])
    rows = max((m.row for m in placed), default=-1) + 1
    ticks = [Tick(x_of(day), label) for day, label in _month_ticks(start, end)]
    height = TRACK_Y + TRACK_H + 16 + max(rows, 1) * ROW_H
    return Timeline(
        width=WIDTH,
        height=height,
        spans=spans,
        markers=placed,
        today_x=x_of(today),
        today_label=f"as of {long_date(today)}",
        ticks=ticks,
        summary=_summary(offering, markers, today),
    )


def _at(marker: Marker, x: float) -> Marker:
    half = marker.label_width / 2
    label_x = min(max(x, PAD + half), WIDTH - PAD - half)
    return Marker(marker.day, marker.what, marker.kind, marker.source, x, label_x, 0, marker.note)


def _rows(markers: list[Marker]) -> list[Marker]:
    """Greedy rows: a label goes to the first row whose last label ends before it starts."""
    ends: list[float] = []
    placed = []
    for marker in markers:
        left = marker.label_x - marker.label_width / 2
        row = next((i for i, end in enumerate(ends) if end + 10 < left), len(ends))
        right = marker.label_x + marker.label_width / 2
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        placed.append(
            Marker(
                marker.day,
                marker.what,
                marker.kind,
                marker.source,
                marker.x,
                marker.label_x,
                row,
                marker.note,
            )
        )
    return placed


def _spans(
    offering: OfferingInfo, start: dt.date, end: dt.date, x_of: Callable[[dt.date], float]
) -> list[Span]:
    life = offering.lifecycle
    cuts: list[tuple[dt.date, str]] = []
    first = "unknown" if life.basis is LifecycleBasis.unknown else "active"
    if life.retires is None and life.deprecated_on is None and life.basis is None:
        first = "unknown"
    cuts.append((start, first))
    if life.deprecated_on is not None:
        cuts.append((life.deprecated_on, "deprecated"))
    if life.retired_from is not None:
        cuts.append((life.retired_from, "retired"))
    elif life.retires is not None and life.retires.meaning is DateMeaning.not_before:
        cuts.append((life.retires.on, "unknown"))
    cuts.sort(key=lambda cut: cut[0])
    spans = []
    for (day, kind), (next_day, _next) in zip(cuts, [*cuts[1:], (end, "")], strict=True):
        left, right = x_of(day), x_of(next_day)
        if right > left:
            spans.append(Span(left, round(right - left, 1), kind))
    return spans


def _summary(offering: OfferingInfo, markers: list[Marker], today: dt.date) -> str:
    parts = [
        f"{m.what} {long_date(m.day)} (source: {m.source.title}"
        + ("" if m.source.verified else ", unverified")
        + ")"
        for m in markers
    ]
    facts = "; ".join(parts) if parts else "no lifecycle dates known"
    return (
        f"Lifecycle of {offering.model} at {offering.provider}: {facts}. "
        f"Status as of {long_date(today)}: {offering.lifecycle.status.value}."
    )


@dataclass(frozen=True)
class Dot:
    """Every retirement of one provider on one day: one dot, with how many it stands for."""

    x: float
    y: float
    title: str
    past: bool
    count: int = 1


@dataclass
class Overview:
    width: int
    height: int
    rows: list[tuple[str, float]]  # provider slug, y
    dots: list[Dot]
    today_x: float
    ticks: list[Tick]
    label_w: int


def overview(
    groups: list[tuple[str, list[Retirement]]], start: dt.date, end: dt.date, today: dt.date
) -> Overview:
    """One row per provider, one dot per retirement between `start` and `end`."""
    label_w = 150
    usable = WIDTH - label_w - 2 * PAD
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        return round(label_w + PAD + usable * (day - start).days / span, 1)

    rows: list[tuple[str, float]] = []
    dots: list[Dot] = []
    for index, (slug, found) in enumerate(groups):
        y = 36 + index * 26
        rows.append((slug, y))
        for day, same_day in groupby(found, key=lambda r: r.gone_from):
            names = sorted({r.offering.model for r in same_day})
            dots.append(
                Dot(
                    x_of(day),
                    y,
                    f"{slug}: {', '.join(names)} gone from {long_date(day)}",
                    day <= today,
                    len(names),
                )
            )
    months = _month_ticks(start, end)
    return Overview(
        width=WIDTH,
        height=36 + max(len(groups), 1) * 26,
        rows=rows,
        dots=dots,
        today_x=x_of(today),
        ticks=[Tick(x_of(day), label) for day, label in months],
        label_w=label_w,
    )


def _month_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    days = (end - start).days
    step = 1 if days <= 200 else 3 if days <= 800 else 12
    ticks: list[tuple[dt.date, str]] = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        day = dt.date(year, month, 1)
        if day >= end:
            return ticks
        if (month - 1) % step == 0:
            label = str(year) if month == 1 or step == 12 else day.strftime("%b")
            ticks.append((day, label))
