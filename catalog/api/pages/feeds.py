"""The calendar of retirements (RFC 5545, by icalendar) and the Atom feed of catalog revisions."""

from __future__ import annotations

import datetime as dt
import hashlib
from xml.etree import ElementTree as ET

from icalendar import Calendar, Event

from catalog.api.pages.render import meaning_label, mode_label, model_url
from catalog.api.pages.retirements import Retirement
from catalog.schemas import RevisionEntry

PRODID = "-//model-catalog//retirements//EN"
ATOM = "http://www.w3.org/2005/Atom"


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; the catalog writes them in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def event_uid(retirement: Retirement) -> str:
    """Stable across revisions, so a calendar updates an event instead of adding another."""
    o = retirement.offering
    key = f"{o.model}|{o.provider}|{o.serving_mode}|{o.task}"
    return hashlib.sha256(key.encode()).hexdigest()[:24] + "@model-catalog"


def calendar(found: list[Retirement], *, base_url: str, stamp: dt.datetime) -> bytes:
    """One all-day event per retirement, on the first day the offering is unavailable."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Model retirements (model-catalog)")
    for retirement in found:
        o = retirement.offering
        event = Event()
        event.add("uid", event_uid(retirement))
        event.add("dtstamp", _utc(stamp))
        event.add("dtstart", retirement.gone_from)
        event.add("dtend", retirement.gone_from + dt.timedelta(days=1))
        event.add("summary", f"Retired: {o.model} at {o.provider} ({mode_label(o.serving_mode)})")
        event.add("description", _description(retirement))
        event.add("url", base_url.rstrip("/") + model_url(o.model))
        event.add("categories", [o.provider])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())


def _description(retirement: Retirement) -> str:
    o = retirement.offering
    retires = o.lifecycle.retires
    lines = [f"{o.model} at {o.provider}, {mode_label(o.serving_mode)}, {o.task.value}"]
    if o.endpoint_name:
        lines.append(f"Endpoint: {o.endpoint_name}")
    if retires is not None:
        lines.append(
            f"{meaning_label(retires.meaning)} {retires.on.isoformat()}; "
            f"unavailable from {retirement.gone_from.isoformat()}"
        )
        verified = "" if retires.source.verified else " (unverified)"
        lines.append(f"Source: {retires.source.title}{verified}")
    d = retirement.deprecation
    if d.replacement_model:
        lines.append(f"Use instead: {d.replacement_model} at {d.replacement_provider}")
    else:
        lines.append("No replacement is known.")
    return "\n".join(lines)


def atom(revisions: list[RevisionEntry], *, base_url: str) -> bytes:
    """One entry per catalog revision, newest first."""
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    sub(feed, "id", f"{base}/feeds/changes.atom")
    sub(feed, "title", "model-catalog: catalog changes")
    newest = _utc(revisions[0].loaded_at) if revisions else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    sub(feed, "updated", newest.isoformat())
    sub(feed, "link", rel="self", href=f"{base}/feeds/changes.atom")
    sub(feed, "link", rel="alternate", type="text/html", href=f"{base}/deprecations")
    author = sub(feed, "author")
    sub(author, "name", "model-catalog")
    for revision in revisions:
        entry = sub(feed, "entry")
        sub(entry, "id", f"{base}/feeds/changes.atom#revision-{revision.revision}")
        sub(entry, "title", f"Catalog revision {revision.revision}")
        sub(entry, "updated", _utc(revision.loaded_at).isoformat())
        sub(entry, "link", rel="alternate", type="text/html", href=f"{base}/deprecations")
        summary = revision.summary or "the catalog was loaded"
        sub(entry, "summary", f"{summary} (seed sha256 {revision.seed_sha256[:12]})")
    body: bytes = ET.tostring(feed, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
