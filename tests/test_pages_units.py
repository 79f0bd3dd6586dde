"""The pages' pure parts: badges, timeline layout, replacement chains, window filtering."""

from __future__ import annotations

import datetime as dt

from catalog.api.pages import chains
from catalog.api.pages.badges import Badge, badge_for
from catalog.api.pages.retirements import Retirement
from catalog.api.pages.timeline import PAD, WIDTH, layout, overview
from catalog.errors import NotFound
from catalog.schemas import (
    Deprecation,
    Lifecycle,
    LifecycleDate,
    ModelInfo,
    OfferingInfo,
    ReplacementInfo,
    SourceRef,
)
from catalog.vocabulary import DateMeaning, OfferingStatus, ServingMode, Task

CHECKED = SourceRef(key="page", title="Vendor page", verified=True)
RECALLED = SourceRef(key="memory", title="Recalled", verified=False)
D = dt.date
NEW_YEAR = D(2025, 1, 1)


def offering(
    model: str = "m",
    *,
    as_of: dt.date = NEW_YEAR,
    status: OfferingStatus = OfferingStatus.active,
    deprecated: dt.date | None = None,
    last_day: dt.date | None = None,
    source: SourceRef = CHECKED,
    replaced_by: tuple[str, ...] = (),
) -> OfferingInfo:
    retires = (
        LifecycleDate(on=last_day, meaning=DateMeaning.last, source=source) if last_day else None
    )
    return OfferingInfo(
        model=model,
        provider="p",
        serving_mode=ServingMode.pay_per_token,
        task=Task.chat,
        endpoint_type="llm/v1/chat",
        source=CHECKED,
        lifecycle=Lifecycle(
            as_of=as_of,
            status=status,
            retired_from=last_day + dt.timedelta(days=1) if last_day else None,
            deprecated_on=deprecated,
            deprecated_source=CHECKED if deprecated else None,
            retires=retires,
        ),
        replaced_by=[
            ReplacementInfo(
                model=name, provider="p", serving_mode=ServingMode.pay_per_token, source=CHECKED
            )
            for name in replaced_by
        ],
    )


def test_an_offering_gone_within_the_window_is_retiring_soon() -> None:
    soon = offering(as_of=D(2025, 4, 1), last_day=D(2025, 4, 30))
    later = offering(as_of=D(2025, 1, 1), last_day=D(2025, 12, 31))
    assert badge_for(soon.lifecycle) is Badge.retiring_soon
    assert badge_for(later.lifecycle) is Badge.active
    assert badge_for(soon.lifecycle, soon_days=10) is Badge.active


def test_a_retired_offering_keeps_its_retired_badge() -> None:
    gone = offering(as_of=D(2025, 6, 1), status=OfferingStatus.retired, last_day=D(2025, 4, 30))
    assert badge_for(gone.lifecycle) is Badge.retired


def test_the_timeline_orders_spans_and_places_today_between_the_dates() -> None:
    o = offering(as_of=D(2025, 3, 1), deprecated=D(2025, 1, 15), last_day=D(2025, 4, 30))
    drawn = layout(o, D(2025, 3, 1))
    assert [s.kind for s in drawn.spans] == ["active", "deprecated", "retired"]
    xs = {m.what: m.x for m in drawn.markers}
    assert PAD <= xs["deprecated"] < drawn.today_x < xs["last day"] <= WIDTH - PAD
    right_edges = [s.x + s.width for s in drawn.spans]
    assert all(abs(a - b.x) < 0.2 for a, b in zip(right_edges, drawn.spans[1:], strict=False))


def test_close_dates_put_their_labels_on_separate_rows() -> None:
    o = offering(deprecated=D(2025, 4, 20), last_day=D(2025, 4, 30))
    drawn = layout(o, D(2025, 4, 25))
    assert sorted(m.row for m in drawn.markers) == [0, 1]


def test_an_unverified_date_says_so_in_its_label_and_summary() -> None:
    drawn = layout(offering(last_day=D(2025, 4, 30), source=RECALLED), D(2025, 1, 1))
    (marker,) = drawn.markers
    assert marker.unverified and "unverified" in marker.lines[0]
    assert "unverified" in drawn.summary


def test_an_offering_without_dates_is_one_unknown_span() -> None:
    drawn = layout(offering(status=OfferingStatus.unknown), D(2025, 1, 1))
    assert [s.kind for s in drawn.spans] == ["unknown"] and drawn.markers == []


def _model(*offerings: OfferingInfo) -> ModelInfo:
    return ModelInfo(
        name=offerings[0].model, publisher="x", source=CHECKED, offerings=list(offerings)
    )


def test_a_chain_follows_each_replacement_to_its_end() -> None:
    models = {
        "a": _model(offering("a", last_day=D(2025, 1, 31), replaced_by=("b",))),
        "b": _model(offering("b", last_day=D(2025, 6, 30), replaced_by=("c",))),
        "c": _model(offering("c")),
    }

    def lookup(name: str) -> ModelInfo:
        return models[name]

    hops, cycle = chains.follow(models["a"].offerings[0], lookup)
    assert [(h.from_model, h.to.model, h.since) for h in hops] == [
        ("a", "b", D(2025, 2, 1)),
        ("b", "c", D(2025, 7, 1)),
    ]
    assert not cycle


def test_a_cycle_stops_the_chain_and_is_reported() -> None:
    models = {
        "a": _model(offering("a", replaced_by=("b",))),
        "b": _model(offering("b", replaced_by=("a",))),
    }
    hops, cycle = chains.follow(models["a"].offerings[0], models.__getitem__)
    assert cycle and [h.to.model for h in hops] == ["b", "a"]


def test_a_replacement_missing_from_the_catalog_ends_the_chain() -> None:
    def lookup(name: str) -> ModelInfo:
        raise NotFound(name)

    hops, cycle = chains.follow(offering("a", replaced_by=("ghost",)), lookup)
    assert [h.target for h in hops] == [None] and not cycle


def test_the_overview_draws_one_dot_per_provider_and_day_with_its_count() -> None:
    def gone(model: str, last_day: dt.date) -> Retirement:
        o = offering(model, as_of=D(2025, 4, 1), last_day=last_day)
        d = Deprecation(
            model=model,
            provider="p",
            serving_mode=o.serving_mode,
            task=o.task,
            status=o.lifecycle.status,
            date=last_day,
            meaning=DateMeaning.last,
            retired_from=last_day + dt.timedelta(days=1),
            days=(last_day + dt.timedelta(days=1) - D(2025, 4, 1)).days,
        )
        return Retirement(d, o)

    found = [gone("a", D(2025, 3, 31)), gone("b", D(2025, 3, 31)), gone("c", D(2025, 5, 31))]
    drawn = overview([("p", found)], D(2025, 1, 1), D(2025, 7, 1), D(2025, 4, 1))
    assert [(d.count, d.past) for d in drawn.dots] == [(2, True), (1, False)]
    assert "a, b gone from 1 Apr 2025" in drawn.dots[0].title
    assert drawn.dots[0].x <= drawn.today_x < drawn.dots[1].x


def test_a_not_before_date_ends_what_is_known_and_a_second_report_is_drawn_apart() -> None:
    base = offering(as_of=D(2025, 1, 1))
    life = base.lifecycle.model_copy(
        update={
            "retires": LifecycleDate(
                on=D(2025, 6, 30), meaning=DateMeaning.not_before, source=CHECKED
            ),
            "also_reported": [
                LifecycleDate(on=D(2025, 9, 30), meaning=DateMeaning.gone, source=RECALLED)
            ],
        }
    )
    drawn = layout(base.model_copy(update={"lifecycle": life}), D(2025, 1, 1))
    assert [s.kind for s in drawn.spans] == ["active", "unknown"]
    assert [(m.kind, m.what) for m in drawn.markers] == [
        ("retires", "available at least until"),
        ("reported", "also reported: gone from"),
    ]
    assert drawn.markers[1].unverified
