"""The Jinja2 environment the pages render with: autoescaped, templates from the package."""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from catalog.api.pages.badges import Badge, badge_for
from catalog.schemas import OfferingInfo, Resolution
from catalog.vocabulary import DateMeaning, ResolutionStatus, ServingMode

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"

MODE_LABELS = {
    ServingMode.pay_per_token: "pay-per-token",
    ServingMode.provisioned_throughput: "provisioned throughput",
    ServingMode.external: "external",
}
MEANING_LABELS = {
    DateMeaning.last: "last day",
    DateMeaning.gone: "gone from",
    DateMeaning.by: "gone by",
    DateMeaning.not_before: "available at least until",
}


def mode_label(mode: ServingMode | str | None) -> str:
    return MODE_LABELS.get(ServingMode(mode), str(mode)) if mode else ""


def meaning_label(meaning: DateMeaning | str | None) -> str:
    return MEANING_LABELS.get(DateMeaning(meaning), str(meaning)) if meaning else ""


def model_url(name: str) -> str:
    """The model page of `name`; a `/` in a name stays a path separator the route accepts."""
    return "/models/" + quote(name, safe="/")


def model_link(name: str, as_of: str | None = None) -> str:
    """The model page, keeping the date the reader chose (the URL carries the state)."""
    return query_url(model_url(name), {"as_of": as_of})


def query_url(path: str, params: dict[str, Any]) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


@pass_context
def _rooted_model_url(context: Context, name: str) -> str:
    """`model_url` under the root path the page is served at (a proxy's prefix)."""
    return str(context["root"]) + model_url(name)


@pass_context
def _rooted_model_link(context: Context, name: str, as_of: str | None = None) -> str:
    return str(context["root"]) + model_link(name, as_of)


@pass_context
def _rooted_query_url(context: Context, path: str, params: dict[str, Any]) -> str:
    return str(context["root"]) + query_url(path, params)


def badge_of(offering: OfferingInfo) -> Badge:
    return badge_for(offering.lifecycle)


def resolution_badge(resolution: Resolution) -> Badge | None:
    """What an `ok` answer still faces: retiring soon, or deprecated (None: nothing)."""
    if resolution.status is not ResolutionStatus.ok:
        return None
    codes = {w.code for w in resolution.warnings}
    if "retires_soon" in codes:
        return Badge.retiring_soon
    if "deprecated" in codes:
        return Badge.deprecated
    return None


def long_date(day: dt.date | None) -> str:
    return day.strftime("%d %b %Y").lstrip("0") if day else ""


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        mode=mode_label,
        meaning=meaning_label,
        model_url=_rooted_model_url,  # in templates every link starts with the root path
        model_link=_rooted_model_link,
        long_date=long_date,
    )
    env.globals.update(
        query_url=_rooted_query_url,
        badge_of=badge_of,
        badge_life=badge_for,
        resolution_badge=resolution_badge,
        static_version=static_version(),
    )
    return env


@cache
def static_version() -> str:
    """A fingerprint of the templates and static files: part of every ETag and asset URL."""
    digest = hashlib.sha256()
    for folder in (TEMPLATES, STATIC):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def render(template: str, *, root: str, **context: Any) -> str:
    """`root`: the path prefix every link starts with ("" unless served under a root path)."""
    return environment().get_template(template).render(root=root, **context)
