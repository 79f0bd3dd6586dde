"""What each page shows, as plain template contexts built from library answers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from catalog import arguments
from catalog.api.pages import chains, retirements, timeline
from catalog.api.pages.badges import SOON_DAYS, Badge, badge_for
from catalog.errors import InvalidArgument
from catalog.library import Catalog
from catalog.schemas import ModelInfo, OfferingInfo, Resolution
from catalog.vocabulary import ResolutionStatus, ServingMode, Task

Params = dict[str, str]


@dataclass(frozen=True)
class Row:
    model: ModelInfo
    offering: OfferingInfo
    badge: Badge


def _text(params: Params, name: str) -> str | None:
    value = params.get(name, "").strip()
    return value or None


def day_count(params: Params, name: str, default: int, most: int = 3650) -> int:
    """A window in days from the URL, 0 to `most`; anything else names the parameter."""
    value = _text(params, name)
    if value is None:
        return default
    if not value.isdigit() or int(value) > most:
        raise InvalidArgument(
            f"{name} must be a whole number of days from 0 to {most}, not {value!r}", field=name
        )
    return int(value)


def _badge(value: str | None) -> Badge | None:
    if value is None:
        return None
    try:
        return Badge(value.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(b.value for b in Badge)
        raise InvalidArgument(
            f"unknown status {value!r}; expected one of {choices}", field="status"
        ) from None


def filter_options(catalog: Catalog) -> dict[str, Any]:
    return {
        "providers": sorted(catalog.providers(), key=lambda p: p.name.lower()),
        "tasks": list(Task),
        "modes": list(ServingMode),
        "badges": list(Badge),
    }


def home(catalog: Catalog, params: Params) -> dict[str, Any]:
    """The search box's resolution, and the filtered table of offerings."""
    as_of = arguments.parse_date(_text(params, "as_of"))
    q, provider = _text(params, "q"), _text(params, "provider")
    task, mode = _text(params, "task"), _text(params, "serving_mode")
    wanted = _badge(_text(params, "status"))
    resolution = (
        catalog.resolve(q, task=task, serving_mode=mode, provider=provider, as_of=as_of)
        if q
        else None
    )
    models = catalog.models(provider=provider, task=task, serving_mode=mode, as_of=as_of)
    names = _names_of(resolution)
    note = None
    if q and names:
        models = [m for m in models if m.name in names]
    elif q:
        matching = catalog.models(
            provider=provider, task=task, serving_mode=mode, as_of=as_of, query=q
        )
        models = matching if matching else models
        note = None if matching else f"No model name contains {q!r}; showing every offering."
    rows = [
        Row(model, offering, badge_for(offering.lifecycle))
        for model in models
        for offering in model.offerings
    ]
    if wanted is not None:
        rows = [row for row in rows if row.badge is wanted]
    return {
        "as_of": as_of,
        "today": dt.date.today(),
        "params": {
            "q": q or "",
            "provider": provider or "",
            "task": task or "",
            "serving_mode": mode or "",
            "status": wanted.value if wanted else "",
            "as_of": _text(params, "as_of") or "",
        },
        "resolution": resolution,
        "config_json": json.dumps(resolution.config, indent=2)
        if resolution and resolution.config
        else None,
        "rows": rows,
        "note": note,
        "soon_days": SOON_DAYS,
        **filter_options(catalog),
    }


def _names_of(resolution: Resolution | None) -> set[str]:
    """The models a resolution is about: the one asked, the answer, the chain, the candidates."""
    if resolution is None or resolution.status is ResolutionStatus.unknown:
        return set()
    names = {n for n in (resolution.matched, resolution.model) if n}
    for hop in resolution.chain:
        names.update((hop.from_model, hop.to_model))
    names.update(c.model for c in resolution.candidates)
    return names


def model_page(catalog: Catalog, name: str, params: Params) -> dict[str, Any]:
    """Every offering of one model: timeline, dates with sources, replacement chain."""
    as_of = arguments.parse_date(_text(params, "as_of"))
    model = catalog.model(name, as_of=as_of)

    def lookup(other: str) -> ModelInfo:
        return catalog.model(other, as_of=as_of)

    offerings = []
    for offering in model.offerings:
        hops, cycle = chains.follow(offering, lookup)
        offerings.append(
            {
                "offering": offering,
                "badge": badge_for(offering.lifecycle),
                "timeline": timeline.layout(offering, as_of),
                "hops": hops,
                "cycle": cycle,
            }
        )
    architecture = next(
        (a for a in catalog.architectures() if model.architecture and a.name == model.architecture),
        None,
    )
    replaces = sorted(
        {
            (other.name, o.provider)
            for other in catalog.models(as_of=as_of)
            for o in other.offerings
            if any(r.model == model.name for r in o.replaced_by)
        }
    )
    return {
        "as_of": as_of,
        "model": model,
        "offerings": offerings,
        "architecture": architecture,
        "replaces": replaces,
        "asked": name,
        "params": {"as_of": _text(params, "as_of") or ""},
    }


def deprecations_page(catalog: Catalog, params: Params) -> dict[str, Any]:
    """Retirements from `past_days` before `as_of` to `within_days` after, by provider."""
    as_of = arguments.parse_date(_text(params, "as_of"))
    provider = _text(params, "provider")
    within = day_count(params, "within_days", 180)
    past = day_count(params, "past_days", 365)
    start, end = as_of - dt.timedelta(days=past), as_of + dt.timedelta(days=within)
    found = retirements.retirements(catalog, as_of=as_of, provider=provider, within_days=within)
    shown = retirements.since(found, start)
    groups = retirements.by_provider(shown)
    return {
        "as_of": as_of,
        "start": start,
        "end": end,
        "groups": groups,
        "count": len(shown),
        "overview": timeline.overview(groups, start, end, as_of),
        "params": {
            "as_of": _text(params, "as_of") or "",
            "provider": provider or "",
            "within_days": str(within),
            "past_days": str(past),
        },
        "providers": sorted(catalog.providers(), key=lambda p: p.name.lower()),
    }
