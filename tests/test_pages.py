"""The pages and feeds over HTTP, in process (httpx ASGITransport), on both engines."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi import FastAPI
from icalendar import Calendar
from page_app import make_app

from catalog import Catalog
from catalog.api.pages import retirements, views
from catalog.api.pages.badges import Badge, badge_for
from catalog.api.pages.render import render
from catalog.errors import DatabaseUnavailable
from catalog.seed.load import load_seed
from catalog.store.db import make_engine

from api_support import error_of
from conftest import TEST_DATA

ATOM = "{http://www.w3.org/2005/Atom}"
MINI = TEST_DATA / "mini_seed.yaml"


@pytest.fixture
def app(catalog: Catalog) -> FastAPI:
    return make_app(catalog)


def get(app: FastAPI, url: str, method: str = "GET", **headers: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://pages.test") as client:
            return await client.request(method, url, headers=headers)

    return asyncio.run(fetch())


def cells(page: str, label: str) -> list[str]:
    """The text of every offerings-table cell with this data-label."""
    found = re.findall(rf'<t[dh][^>]*data-label="{label}"[^>]*>(.*?)</t[dh]>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in found]


def every_offering(catalog: Catalog, as_of: str) -> list[tuple[Any, Any]]:
    return [(m, o) for m in catalog.models(as_of=as_of) for o in m.offerings]


def dated_versions(catalog: Catalog, as_of: str) -> list[Any]:
    """Versions that retire on a date of their own: listed beside their models' offerings."""
    return [
        v
        for m in catalog.models(as_of=as_of)
        for v in m.versions
        if v.own_lifecycle and v.lifecycle is not None and v.lifecycle.retired_from
    ]


# -- / -------------------------------------------------------------------------------


def test_the_catalog_page_lists_every_offering_with_its_badge(
    app: FastAPI, catalog: Catalog
) -> None:
    response = get(app, "/?as_of=2025-04-15")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    expected = every_offering(catalog, "2025-04-15")
    assert len(cells(response.text, "Model")) == len(expected)
    badges = cells(response.text, "Status")
    assert badges == [badge_for(o.lifecycle).label for _m, o in expected]
    assert "retiring soon" in badges and "retired" in badges


def test_a_retired_endpoint_name_shows_its_replacement_and_the_ready_config(
    app: FastAPI, catalog: Catalog
) -> None:
    expected = catalog.resolve("databricks-dbrx-instruct", as_of="2025-06-01")
    page = get(app, "/?q=databricks-dbrx-instruct&as_of=2025-06-01").text
    assert '<span class="rstatus">replaced</span>' in page
    assert expected.model is not None and expected.since is not None
    assert f">{expected.model}</a> at {expected.provider}" in page
    assert f'<time datetime="{expected.since}">' in page
    config = re.search(r'<pre id="config-json"[^>]*><code>(.*?)</code></pre>', page, re.S)
    assert config is not None
    assert json.loads(html.unescape(config.group(1))) == expected.config
    assert 'class="copy"' in page and "hidden" in page  # the script reveals the button
    assert set(cells(page, "Model")) == {"DBRX Instruct", expected.model}


def test_an_ok_answer_still_says_it_retires_soon_or_is_deprecated(
    app: FastAPI, catalog: Catalog
) -> None:
    """`ok` with a retirement inside the window carries the "retiring soon" badge beside
    its status; the same name long before, nothing; a deprecated one, "deprecated"."""
    offering = catalog.model("openai:gpt-4o").offerings[0]
    gone = offering.lifecycle.retired_from
    assert gone is not None
    soon = gone - dt.timedelta(days=10)
    assert catalog.resolve("openai:gpt-4o", as_of=soon).status.value == "ok"
    heading = re.compile(r'<h2 id="resolution-title">(.*?)</h2>', re.S)

    def title(as_of: dt.date) -> str:
        found = heading.search(get(app, f"/?q=openai:gpt-4o&as_of={as_of}").text)
        assert found is not None
        return found.group(1)

    assert "badge-retiring_soon" in title(soon)
    deprecated = offering.lifecycle.deprecated_on
    assert deprecated is not None and deprecated < gone - dt.timedelta(days=91)
    assert "badge-deprecated" in title(deprecated)  # deprecated, not yet in the window
    assert "badge-" not in title(deprecated - dt.timedelta(days=1))


def test_an_unknown_name_in_the_search_box_suggests_close_names(app: FastAPI) -> None:
    page = get(app, "/?q=databricks-dbrx-instrukt").text
    assert '<span class="rstatus">unknown</span>' in page
    assert "Did you mean" in page and "databricks-dbrx-instruct" in page


def test_an_ambiguous_name_links_each_candidate_to_its_deciding_filter(
    app: FastAPI, catalog: Catalog
) -> None:
    resolution = catalog.resolve("command")  # Cohere's, for chat or completions
    assert resolution.status.value == "ambiguous"
    page = get(app, "/?q=command").text
    for candidate in resolution.candidates:
        field, value = next(iter(candidate.decided_by.items()))
        assert f"q=command&amp;{field}={value}" in page
        decided = get(app, f"/?q=command&{field}={value}").text
        assert '<span class="rstatus">ambiguous</span>' not in decided


def test_a_retired_name_without_a_replacement_says_so(app: FastAPI, catalog: Catalog) -> None:
    lone = next(d for d in catalog.deprecations(within_days=0) if not d.replacement_model)
    expected = catalog.resolve(lone.model, provider=lone.provider, serving_mode=lone.serving_mode)
    assert expected.status.value == "retired"
    page = get(
        app, f"/?q={lone.model}&provider={lone.provider}&serving_mode={lone.serving_mode}"
    ).text
    assert '<span class="rstatus">retired</span>' in page
    assert html.escape(expected.message, quote=False) in page
    assert 'id="config-json"' not in page


def test_an_unsupported_task_lists_what_the_model_does_offer(
    app: FastAPI, catalog: Catalog
) -> None:
    expected = catalog.resolve("gpt-4o", task="embeddings", provider="openai")
    assert expected.status.value == "unsupported" and expected.candidates
    page = get(app, "/?q=gpt-4o&task=embeddings&provider=openai").text
    assert '<span class="rstatus">unsupported</span>' in page
    offered = re.search(r'<ul class="candidates">(.*?)</ul>', page, re.S)
    assert offered is not None
    assert offered.group(1).count("<li>") == len(expected.candidates)


def test_filters_narrow_the_table_and_stay_in_the_form(app: FastAPI, catalog: Catalog) -> None:
    page = get(app, "/?provider=openai&task=embeddings&serving_mode=external").text
    expected = catalog.models(provider="openai", task="embeddings", serving_mode="external")
    assert cells(page, "Model") == [m.name for m in expected for _o in m.offerings]
    assert set(cells(page, "Provider")) == {"openai"}
    assert set(cells(page, "Task")) == {"embeddings"}
    assert '<option value="openai" selected>' in page
    assert '<option value="embeddings" selected>' in page


def test_the_status_filter_keeps_the_offerings_with_that_badge_on_that_date(
    app: FastAPI, catalog: Catalog
) -> None:
    for badge in (Badge.retired, Badge.retiring_soon):
        page = get(app, f"/?status={badge.value}&as_of=2025-04-15").text
        expected = [
            m.name
            for m, o in every_offering(catalog, "2025-04-15")
            if badge_for(o.lifecycle) is badge
        ]
        assert expected and cells(page, "Model") == expected
        assert set(cells(page, "Status")) == {badge.label}


@pytest.mark.parametrize(
    ("query", "field"),
    [("provider=nowhere", "provider"), ("status=sleeping", "status"), ("as_of=someday", "date")],
)
def test_a_bad_filter_is_a_400_page_that_names_it(app: FastAPI, query: str, field: str) -> None:
    response = get(app, f"/?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert field in response.text and "Traceback" not in response.text


# -- /models/{name} -------------------------------------------------------------------


def test_the_model_page_draws_each_offering_lifecycle_with_today_marked(
    app: FastAPI, catalog: Catalog
) -> None:
    page = get(app, "/models/DBRX%20Instruct?as_of=2025-04-15").text
    model = catalog.model("DBRX Instruct", as_of="2025-04-15")
    assert page.count('<svg class="timeline"') == len(model.offerings)
    assert "as of 15 Apr 2025" in page
    assert ">last day</text>" in page and ">30 Apr 2025</text>" in page
    assert 'class="span span-active"' in page and 'class="span span-retired"' in page
    assert "retiring soon" in page
    assert "Provisioned throughput: the DBRX architecture" in page
    assert "DBRX Instruera" in page  # the translated alias
    assert "Meta-Llama-3.3-70B-Instruct" in page  # the replacement hop


def test_an_unverified_date_is_marked_on_the_timeline_and_in_the_table(
    app: FastAPI, catalog: Catalog
) -> None:
    unverified = next(
        m.name
        for m in catalog.models()
        for o in m.offerings
        if o.lifecycle.retires is not None and not o.lifecycle.retires.source.verified
    )
    page = get(app, "/models/" + unverified).text
    assert "marker-unverified" in page and 'class="row-unverified"' in page


def test_the_replacement_chain_is_drawn_hop_by_hop_with_dates(
    app: FastAPI, catalog: Catalog
) -> None:
    chained = catalog.resolve("databricks-llama-2-70b-chat", as_of="2026-01-01")
    assert len(chained.chain) >= 1
    page = get(app, "/models/databricks-llama-2-70b-chat?as_of=2026-01-01").text
    hops = re.search(r'<ol class="chain hops">(.*?)</ol>', page, re.S)
    assert hops is not None
    for hop in chained.chain:
        assert f">{hop.to_model}</a>" in hops.group(1)


def test_a_model_with_versions_lists_each_with_its_own_lifecycle(catalog: Catalog) -> None:
    """Versions come with names as people write them; the page shows them once a model has any."""
    context = views.model_page(catalog, "gpt-4o", {"as_of": "2026-12-01"})
    offering = context["model"].offerings[0]
    version = SimpleNamespace(
        name="gpt-4o-2024-05-13",
        provider=offering.provider,
        lifecycle=offering.lifecycle,
        source=offering.source,
    )
    context["model"] = context["model"].model_copy(update={"versions": [version]})
    page = render("model.html", root="", request_path="/models/gpt-4o", **context)
    versions = re.search(r'<table class="dates versions">(.*?)</table>', page, re.S)
    assert versions is not None
    assert "<code>gpt-4o-2024-05-13</code>" in versions.group(1)
    assert badge_for(offering.lifecycle).label in versions.group(1)
    assert 'class="dates versions"' not in get_page_without_versions(catalog)


def get_page_without_versions(catalog: Catalog) -> str:
    context = views.model_page(catalog, "DBRX Instruct", {})
    return render("model.html", root="", request_path="/", **context)


def test_an_endpoint_name_finds_the_model_page(app: FastAPI) -> None:
    page = get(app, "/models/databricks-dbrx-instruct").text
    assert "<h1>DBRX Instruct</h1>" in page
    assert "Found by the name <code>databricks-dbrx-instruct</code>" in page


def test_a_misspelt_provider_links_to_the_same_view_with_the_close_slug(app: FastAPI) -> None:
    response = get(app, "/?provider=opnai&task=chat")
    assert response.status_code == 400
    assert 'href="/?provider=openai&amp;task=chat"' in response.text


def test_an_unknown_model_is_a_404_page_with_suggestions(app: FastAPI) -> None:
    response = get(app, "/models/gpt-4-turbo-preview-x")
    assert response.status_code == 404
    assert "No model named" in response.text
    assert re.search(r'<ul class="suggestions">.*?href="/models/', response.text, re.S)


# -- /deprecations and the feeds -------------------------------------------------------


def test_the_deprecations_page_shows_the_window_grouped_by_provider(
    app: FastAPI, catalog: Catalog
) -> None:
    as_of = dt.date(2025, 4, 15)
    page = get(app, "/deprecations?as_of=2025-04-15&past_days=30&within_days=60").text
    window = (as_of - dt.timedelta(days=30), as_of + dt.timedelta(days=60))
    offerings = [
        (o.provider, str(o.lifecycle.retired_from), m.name)
        for m, o in every_offering(catalog, "2025-04-15")
        if o.lifecycle.retired_from and window[0] <= o.lifecycle.retired_from <= window[1]
    ]
    versions = [
        (v.provider, str(v.lifecycle.retired_from), v.name)
        for v in dated_versions(catalog, "2025-04-15")
        if window[0] <= v.lifecycle.retired_from <= window[1]
    ]
    expected = sorted(offerings + versions)
    groups = re.findall(r'<h2 id="group-([^"]+)">', page)
    assert groups == sorted({provider for provider, _d, _m in expected})
    shown = re.findall(r'<time datetime="([\d-]+)">[\d-]+</time><span class="rel">', page)
    assert len(shown) == len(expected)
    assert "DBRX Instruct" in page and "Use instead:" in page
    uses = re.findall(r'Use instead: <a href="[^"]*">([^<]+)</a>', page)
    library = [
        d.replacement_model
        for d in catalog.deprecations(as_of=as_of, within_days=60)
        if d.retired_from >= as_of - dt.timedelta(days=30) and d.replacement_model
    ]
    assert sorted(uses) == sorted(library)


def test_a_bad_window_is_a_400_page(app: FastAPI) -> None:
    response = get(app, "/deprecations?within_days=soon")
    assert response.status_code == 400 and "within_days" in response.text


def test_the_calendar_parses_back_with_one_event_per_retirement(
    app: FastAPI, catalog: Catalog
) -> None:
    response = get(app, "/v1/deprecations.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    expected = [(m, o) for m, o in every_offering(catalog, "today") if o.lifecycle.retired_from]
    assert len(events) == len(expected) + len(dated_versions(catalog, "today"))
    assert len({str(e["UID"]) for e in events}) == len(events)
    dbrx = [e for e in events if str(e["SUMMARY"]).startswith("Retired: DBRX Instruct at")]
    assert len(dbrx) == 1
    assert dbrx[0].decoded("DTSTART") == dt.date(2025, 5, 1)
    assert dbrx[0].decoded("DTEND") == dt.date(2025, 5, 2)
    assert "Meta-Llama-3.3-70B-Instruct" in str(dbrx[0]["DESCRIPTION"])
    assert str(dbrx[0]["URL"]) == "http://pages.test/models/DBRX%20Instruct"


def test_the_calendar_keeps_rfc_5545_lines_and_required_properties(app: FastAPI) -> None:
    body = get(app, "/v1/deprecations.ics").content
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75  # folded, as RFC 5545 section 3.1 asks
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and "PRODID" in calendar
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} <= set(event.keys())


def test_the_calendar_narrows_to_a_provider(app: FastAPI, catalog: Catalog) -> None:
    calendar = Calendar.from_ical(get(app, "/v1/deprecations.ics?provider=anthropic").content)
    providers = {str(e["CATEGORIES"].cats[0]) for e in calendar.walk("VEVENT")}
    assert providers == {"anthropic"}


def test_the_calendar_narrows_to_a_window(app: FastAPI, catalog: Catalog) -> None:
    every = Calendar.from_ical(get(app, "/v1/deprecations.ics?as_of=2025-01-01").content)
    window = "/v1/deprecations.ics?as_of=2025-01-01&within_days=30"
    near = Calendar.from_ical(get(app, window).content)
    days = [e.decoded("DTSTART") for e in near.walk("VEVENT")]
    assert days and max(days) <= dt.date(2025, 2, 1)
    assert len(days) < len(list(every.walk("VEVENT")))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("as_of=someday", "as_of"),
        ("within_days=soon", "within_days"),
        ("within_days=99999999", "within_days"),
        ("provider=no-such-cloud", "provider"),
    ],
)
def test_a_calendar_error_is_the_api_json_error_naming_the_parameter(
    app: FastAPI, query: str, parameter: str
) -> None:
    response = get(app, f"/v1/deprecations.ics?{query}")
    assert 400 <= response.status_code < 500
    assert error_of(response)["parameter"] == parameter


def test_a_calendar_bug_is_a_json_500_without_a_traceback(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(retirements, "retirements", broken)
    response = get(app, "/v1/deprecations.ics")
    assert response.status_code == 500 and error_of(response)["parameter"] is None
    assert "secret internals" not in response.text


def test_the_atom_feed_has_the_current_revision(app: FastAPI, catalog: Catalog) -> None:
    response = get(app, "/feeds/changes.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"Catalog revision {catalog.revision().revision}"
    ]
    for stamp in [feed.findtext(f"{ATOM}updated"), entries[0].findtext(f"{ATOM}updated")]:
        assert dt.datetime.fromisoformat(stamp or "").tzinfo is not None  # RFC 3339


def test_the_atom_feed_has_one_entry_per_revision_newest_first(
    migrated_url: str, tmp_path: Path
) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    edited = tmp_path / "edited.yaml"
    edited.write_text(MINI.read_text().replace("on: 2025-04-30", "on: 2025-05-31", 1))
    load_seed(engine, edited)
    engine.dispose()
    with Catalog.open(migrated_url) as opened:
        feed = ET.fromstring(get(make_app(opened), "/feeds/changes.atom").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Catalog revision 2",
        "Catalog revision 1",
    ]
    assert "0 inserted, 1 updated, 0 deleted" in (entries[0].findtext(f"{ATOM}summary") or "")


# -- HTTP ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/models/gpt-4o", "/deprecations", "/v1/deprecations.ics", "/feeds/changes.atom"]
)
def test_every_page_has_an_etag_and_answers_304_when_it_matches(app: FastAPI, url: str) -> None:
    first = get(app, url)
    etag = first.headers["etag"]
    assert get(app, url).headers["etag"] == etag
    again = get(app, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert get(app, url, **{"If-None-Match": '"other"'}).status_code == 200


def test_head_answers_like_get_for_link_previews(app: FastAPI) -> None:
    head = get(app, "/deprecations", method="HEAD")
    assert head.status_code == 200
    assert head.headers["etag"] == get(app, "/deprecations").headers["etag"]


def test_a_page_is_rendered_once_per_revision_day_and_url(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = get(app, "/?provider=cohere")
    monkeypatch.setattr(views, "home", lambda *a: pytest.fail("rendered twice"))
    again = get(app, "/?provider=cohere")
    assert again.status_code == 200 and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]


def test_another_query_is_another_etag(app: FastAPI) -> None:
    assert get(app, "/?provider=openai").headers["etag"] != get(app, "/").headers["etag"]


def test_the_stylesheet_is_served_from_the_package(app: FastAPI) -> None:
    response = get(app, "/static/style.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
    assert "immutable" in response.headers["cache-control"]
    assert get(app, "/static/../pages/routes.py").status_code == 404


def test_no_page_fetches_anything_off_the_machine(app: FastAPI) -> None:
    for url in ["/", "/?q=gpt-4o", "/models/gpt-4o", "/deprecations"]:
        page = get(app, url).text
        for attribute in re.findall(r'(?:src|href)="([^"]+)"', page):
            if attribute.startswith("http"):
                assert re.search(r'<a [^>]*href="' + re.escape(attribute), page), attribute


def test_a_database_outage_is_a_503_page(
    app: FastAPI, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down() -> Any:
        raise DatabaseUnavailable("the catalog database cannot be reached")

    monkeypatch.setattr(catalog, "snapshot", down)
    response = get(app, "/")
    assert response.status_code == 503
    assert "cannot be reached" in response.text and "<html" in response.text


def test_a_bug_is_a_500_page_without_a_traceback(
    app: FastAPI, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(retirements, "retirements", broken)
    response = get(app, "/deprecations")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
