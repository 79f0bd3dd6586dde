"""Behind a reverse proxy, with real processes: `serve --root-path /catalog` behind a proxy
that strips the prefix (as the README's nginx example), forwarded headers, the Host header
and `--public-url`. In-process clients cannot show these: under uvicorn a request's path
keeps the root path, and the Host and scheme come from the socket and the proxy."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import httpx
import pytest
from icalendar import Calendar
from production_support import PrefixProxy, TcpProxy, environment, server
from sqlalchemy.engine import make_url

from catalog.cli.app import main
from catalog.settings import parse_public_url

from conftest import new_database_url

pytestmark = pytest.mark.slow
ATOM = "{http://www.w3.org/2005/Atom}"
PAGES = ["/", "/?q=databricks-dbrx-instruct", "/models/gpt-4o", "/deprecations"]
PUBLIC = "https://models.example.com/catalog"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One embedded catalog for the module's servers (the first one seeds it)."""
    return environment(XDG_DATA_HOME=str(tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="module")
def proxied(home: dict[str, str]) -> Iterator[str]:
    """The proxy's base URL; the app is at `{base}/catalog/`."""
    options = ("--root-path", "/catalog", "--forwarded-allow-ips", "127.0.0.1")
    with server(*options, env=home) as app, PrefixProxy("/catalog", app.base) as proxy:
        yield proxy.base


@pytest.fixture(scope="module")
def direct(home: dict[str, str]) -> Iterator[str]:
    """The same app on its own port, no proxy, no root path, no public URL."""
    with server(env=home) as app:
        yield app.base


def links_in(page: str) -> list[str]:
    return [html.unescape(v) for v in re.findall(r'(?:href|src|action)="([^"]*)"', page)]


def front_answers(base: str) -> float:
    text = httpx.get(f"{base}/catalog/metrics", timeout=10).text
    found = re.search(r"^model_catalog_front_answers_total (\S+)$", text, re.M)
    assert found, "no front-door counter in /metrics"
    return float(found.group(1))


def feed_links(response: httpx.Response) -> list[str]:
    """Every absolute URL in an Atom feed or a calendar."""
    if response.headers["content-type"].startswith("application/atom+xml"):
        feed = ET.fromstring(response.content)
        ids = [e.text or "" for e in feed.iter(f"{ATOM}id")]
        return ids + [e.get("href", "") for e in feed.iter(f"{ATOM}link")]
    return [str(e["URL"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


# -- under a root path ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PAGES, "/models/no-such-model-anywhere"])
def test_every_link_in_a_page_starts_with_the_root_path(proxied: str, path: str) -> None:
    response = httpx.get(f"{proxied}/catalog{path}", timeout=10)
    assert response.status_code == (404 if "no-such" in path else 200)
    links = links_in(response.text)
    assert len(links) > 10
    for link in links:
        external = link.startswith(("http://", "https://")) and urlsplit(link).hostname not in (
            "127.0.0.1",
            "localhost",
        )
        assert link.startswith(("/catalog/", "#")) or external, link


def test_the_links_of_a_page_resolve_through_the_proxy(proxied: str) -> None:
    page = httpx.get(f"{proxied}/catalog/models/gpt-4o", timeout=10).text
    internal = sorted({link for link in links_in(page) if link.startswith("/catalog/")})
    assert any(link.startswith("/catalog/static/style.css?v=") for link in internal)
    with httpx.Client(base_url=proxied, timeout=10) as client:
        for link in internal:
            assert client.get(link).status_code == 200, link
        css = client.get("/catalog/static/style.css")
    assert css.headers["content-type"].startswith("text/css")


def test_a_repeated_api_request_is_answered_by_the_front_door(proxied: str) -> None:
    url = f"{proxied}/catalog/v1/resolve?model=gpt-4o"
    first = httpx.get(url, timeout=10)  # routed: fills the cache
    before = front_answers(proxied)
    second = httpx.get(url, timeout=10)
    assert first.status_code == second.status_code == 200
    assert second.headers["etag"] == first.headers["etag"] and second.json() == first.json()
    assert front_answers(proxied) == before + 1


def test_the_health_answers_are_never_stale_under_the_root_path(tmp_path: Path) -> None:
    for url in new_database_url("postgresql", tmp_path):
        env = environment()
        assert main(["db", "upgrade", "--database-url", url]) == 0
        assert main(["load", "--database-url", url]) == 0
        target = make_url(url)
        database = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        database.start()
        cut_off = target.set(host="127.0.0.1", port=database.port)
        options = ("--root-path", "/catalog", "--reload-seconds", "0.3")
        try:
            with (
                server(*options, "--database-url", cut_off.render_as_string(False), env=env) as app,
                PrefixProxy("/catalog", app.base) as proxy,
            ):
                database.cut()
                base = f"{proxy.base}/catalog"
                deadline = time.monotonic() + 15
                while "x-catalog-stale" not in (data := httpx.get(f"{base}/v1/providers")).headers:
                    assert time.monotonic() < deadline, "the data never went stale"
                    time.sleep(0.2)
                assert data.status_code == 200 and data.headers["x-catalog-stale"] == "true"
                assert httpx.get(f"{base}/readyz", timeout=10).status_code == 503
                for path in ("/healthz", "/readyz", "/metrics"):
                    answer = httpx.get(f"{base}{path}", timeout=10)
                    assert "x-catalog-stale" not in answer.headers, path
        finally:
            database.close()


# -- absolute links: Host, forwarded headers, the public URL -------------------------------------


@pytest.mark.parametrize("feed", ["/feeds/changes.atom", "/v1/deprecations.ics"])
def test_each_host_gets_feed_links_to_itself(direct: str, feed: str) -> None:
    with httpx.Client(base_url=direct, timeout=10) as client:
        first = client.get(feed, headers={"Host": "first.example"})
        second = client.get(feed, headers={"Host": "second.example"})
        again = client.get(feed, headers={"Host": "first.example"})
    for response, host in ((first, "first"), (second, "second"), (again, "first")):
        links = feed_links(response)
        assert links and all(link.startswith(f"http://{host}.example/") for link in links)
        assert "host" in response.headers["vary"].lower()
    assert first.headers["etag"] != second.headers["etag"]
    assert again.headers["etag"] == first.headers["etag"]


def test_a_trusted_proxy_makes_the_feed_links_https_at_the_clients_host(proxied: str) -> None:
    headers = {"Host": "models.example.org", "X-Forwarded-Host": "attacker.example"}
    atom = httpx.get(f"{proxied}/catalog/feeds/changes.atom", headers=headers, timeout=10)
    links = feed_links(atom)
    assert links and all(link.startswith("https://models.example.org/catalog/") for link in links)
    assert "attacker" not in atom.text  # uvicorn ignores X-Forwarded-Host: the Host counts


def test_a_public_url_is_what_every_feed_links_to(home: dict[str, str]) -> None:
    options = ("--root-path", "/catalog", "--public-url", PUBLIC + "/")
    with server(*options, env=home) as app, PrefixProxy("/catalog", app.base) as proxy:
        for feed in ("/feeds/changes.atom", "/v1/deprecations.ics"):
            for host in ("first.example", "second.example"):
                response = httpx.get(
                    f"{proxy.base}/catalog{feed}", headers={"Host": host}, timeout=10
                )
                links = feed_links(response)
                assert links and all(link.startswith(f"{PUBLIC}/") for link in links), feed
                assert "host" not in response.headers.get("vary", "").lower()


# -- the settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [(PUBLIC + "/", PUBLIC), ("http://localhost:8000", "http://localhost:8000")],
)
def test_a_public_url_is_kept_without_its_final_slash(given: str, kept: str) -> None:
    assert parse_public_url(given) == kept


@pytest.mark.parametrize(
    "given", ["/catalog", "ftp://example.com", "https://example.com/?a=1", "https://u@h/", "x y"]
)
def test_a_public_url_that_is_not_an_http_url_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="not an http or https URL"):
        parse_public_url(given)


def test_serve_refuses_a_public_url_whose_path_is_not_the_root_path(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    assert main(["serve", "--public-url", PUBLIC]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--root-path" in err
