"""Behind a reverse proxy, with real processes: `serve --root-path /catalog` behind a proxy
that strips the prefix (as the README's nginx example). In-process clients cannot show
this: under uvicorn a request's path keeps the root path."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from production_support import PrefixProxy, TcpProxy, environment, server
from sqlalchemy.engine import make_url

from catalog.cli.app import main

from conftest import new_database_url

pytestmark = pytest.mark.slow


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


def front_answers(base: str) -> float:
    text = httpx.get(f"{base}/catalog/metrics", timeout=10).text
    found = re.search(r"^model_catalog_front_answers_total (\S+)$", text, re.M)
    assert found, "no front-door counter in /metrics"
    return float(found.group(1))


# -- under a root path ---------------------------------------------------------------------------


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
