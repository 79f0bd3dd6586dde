"""HTTP done properly: ETags and 304, caching headers, gzip, CORS, size limits, one error
shape, fresh revisions without a restart, offline docs, an OpenAPI document with examples."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from catalog import Catalog
from catalog.api.settings import ApiSettings
from catalog.seed.load import load_seed
from catalog.store.db import make_engine
from catalog.store.resources import seed_path

from api_support import Api, error_of, make_api

DBRX = "/v1/models/databricks-dbrx-instruct"
SEED_TITLE = "Supported foundation models on Mosaic AI Model Serving (Swedish machine translation)"


@pytest.fixture
def api(catalog: Catalog) -> Api:
    return make_api(catalog)


def changed_seed(directory: Path, title: str) -> Path:
    """The shipped seed with one visible change: the seed page's title."""
    text = seed_path().read_text(encoding="utf-8")
    assert SEED_TITLE in text
    path = directory / "changed-seed.yaml"
    path.write_text(text.replace(SEED_TITLE, title), encoding="utf-8")
    return path


# -- ETag, 304, caching headers ----------------------------------------------------------------


def test_an_answer_carries_etag_cache_control_and_revision(api: Api, catalog: Catalog) -> None:
    response = api.get(DBRX)
    assert re.fullmatch(r'"r\d+-[0-9a-f]{20}"', response.headers["etag"])
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert response.headers["x-catalog-revision"] == str(catalog.revision().revision)


def test_if_none_match_with_the_etag_is_304_without_a_body(api: Api) -> None:
    etag = api.get(DBRX).headers["etag"]
    response = api.get(DBRX, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    weak = api.get(DBRX, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304


def test_a_304_needs_no_body_computed_first(catalog: Catalog) -> None:
    first = make_api(catalog)
    etag = first.get(DBRX).headers["etag"]
    fresh = make_api(catalog)  # an empty cache: the ETag follows from the request alone
    assert fresh.get(DBRX, headers={"If-None-Match": etag}).status_code == 304


def test_a_stale_etag_gets_the_full_answer(api: Api) -> None:
    response = api.get(DBRX, headers={"If-None-Match": '"r0-00000000000000000000"'})
    assert response.status_code == 200 and response.json()["name"] == "DBRX Instruct"


def test_the_etag_depends_on_the_request(api: Api) -> None:
    tags = {
        api.get(url).headers["etag"]
        for url in (
            DBRX,
            f"{DBRX}?as_of=2025-01-01",
            "/v1/models?provider=openai",
            "/v1/models?provider=anthropic",
            "/v1/resolve?model=gpt-4o",
        )
    }
    assert len(tags) == 5


def test_equivalent_requests_share_one_etag(api: Api) -> None:
    a = api.get("/v1/models", params={"provider": "openai", "task": "chat"}).headers["etag"]
    b = api.get("/v1/models", params={"task": "Chat", "provider": " OpenAI"}).headers["etag"]
    assert a == b


def test_errors_are_never_cached(api: Api) -> None:
    response = api.get("/v1/models/no-such-model")
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


# -- the response cache ------------------------------------------------------------------------


def test_a_repeated_request_is_served_from_cached_bytes(catalog: Catalog) -> None:
    api = make_api(catalog)
    cache = api.app.state.answerer.cache
    first = api.get("/v1/resolve", params={"model": "claude-2.1"})
    hits = cache.hits
    second = api.get("/v1/resolve", params={"model": "claude-2.1"})
    assert cache.hits == hits + 1
    assert second.content == first.content


def test_the_cache_is_bounded(catalog: Catalog) -> None:
    api = make_api(catalog, cache_entries=3)
    for name in ("gpt-4o", "gpt-4", "o1", "claude-2.1", "dbrx"):
        api.get("/v1/resolve", params={"model": name})
    assert len(api.app.state.answerer.cache) == 3


# -- fresh data without a restart ------------------------------------------------------------


@pytest.fixture
def loaded_url(migrated_url: str) -> Iterator[str]:
    engine = make_engine(migrated_url)
    load_seed(engine, seed_path())
    engine.dispose()
    yield migrated_url


def test_a_new_revision_is_served_after_a_load_without_a_restart(
    loaded_url: str, tmp_path: Path
) -> None:
    with Catalog.open(loaded_url, revision_check_seconds=0) as catalog:
        api = make_api(catalog)
        before = api.get(DBRX)
        assert before.json()["source"]["title"] == SEED_TITLE
        engine = make_engine(loaded_url)
        load_seed(engine, changed_seed(tmp_path, "The seed page, retitled"))
        engine.dispose()
        after = api.get(DBRX, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["source"]["title"] == "The seed page, retitled"
    assert int(after.headers["x-catalog-revision"]) > int(before.headers["x-catalog-revision"])
    assert after.headers["etag"] != before.headers["etag"]


def test_one_request_reads_one_snapshot(loaded_url: str, tmp_path: Path) -> None:
    """A load between two library calls of one request does not show in its answer."""
    with Catalog.open(loaded_url, revision_check_seconds=0) as catalog:
        api = make_api(catalog)
        engine = make_engine(loaded_url)
        real_providers = Catalog.providers
        loads = iter([changed_seed(tmp_path, "Mid-request title")])

        def providers_then_load(self: Catalog) -> list:  # type: ignore[type-arg]
            found = real_providers(self)
            for path in loads:  # once: a load lands between providers() and models()
                load_seed(engine, path)
            return found

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Catalog, "providers", providers_then_load)
            detail = api.get("/v1/providers/databricks")
        engine.dispose()
        revision = int(detail.headers["x-catalog-revision"])
        assert catalog.revision().revision == revision + 1  # the load did land
        listing = api.get("/v1/providers/databricks")
    assert int(listing.headers["x-catalog-revision"]) == revision + 1
    assert detail.json()["provider"]["source"]["title"] != "Mid-request title"


# -- gzip, CORS, size limits -----------------------------------------------------------------


def test_large_bodies_are_gzipped_small_ones_are_not(api: Api) -> None:
    large = api.get("/v1/models", params={"limit": 1000}, headers={"Accept-Encoding": "gzip"})
    assert large.headers["content-encoding"] == "gzip"
    assert large.json()["count"] > 0  # httpx decodes it
    small = api.get("/v1/task-types", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


def test_cors_is_off_unless_configured(catalog: Catalog) -> None:
    headers = {"Origin": "https://example.test"}
    off = make_api(catalog).get("/v1/task-types", headers=headers)
    assert "access-control-allow-origin" not in off.headers
    on = make_api(catalog, cors_origins=("https://example.test",))
    answer = on.get("/v1/task-types", headers=headers)
    assert answer.headers["access-control-allow-origin"] == "https://example.test"
    assert "etag" in answer.headers["access-control-expose-headers"].lower()
    other = on.get("/v1/task-types", headers={"Origin": "https://elsewhere.test"})
    assert "access-control-allow-origin" not in other.headers


def test_cors_origins_come_from_the_environment() -> None:
    settings = ApiSettings.from_env(
        {"MODEL_CATALOG_CORS_ORIGINS": "https://a.test, https://b.test"}
    )
    assert settings.cors_origins == ("https://a.test", "https://b.test")
    assert ApiSettings.from_env({}).cors_origins == ()


def test_a_malformed_setting_fails_fast_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="MODEL_CATALOG_RELOAD_SECONDS"):
        ApiSettings.from_env({"MODEL_CATALOG_RELOAD_SECONDS": "soon"})


def test_a_body_over_the_size_limit_is_413(catalog: Catalog) -> None:
    api = make_api(catalog, max_body_bytes=200)
    response = api.post("/v1/resolve", json={"models": ["x" * 50] * 10})
    assert response.status_code == 413
    error = error_of(response)
    assert "200 bytes" in error["message"]


def test_a_streamed_body_over_the_size_limit_is_413(catalog: Catalog) -> None:
    api = make_api(catalog, max_body_bytes=200)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit counts bytes
        yield b'{"models": ['
        for _ in range(20):
            yield b'"' + b"x" * 40 + b'",'
        yield b'"y"]}'

    response = api.post("/v1/resolve", content=chunks())
    assert response.status_code == 413
    assert "200 bytes" in error_of(response)["message"]


def test_a_body_that_stalls_is_408_in_the_one_error_shape(catalog: Catalog) -> None:
    api = make_api(catalog, body_timeout_seconds=0.3)

    async def stalls() -> AsyncIterator[bytes]:  # part of a body, then nothing
        yield b'{"models": ['
        await asyncio.sleep(30)
        yield b'"gpt-4o"]}'

    started = time.monotonic()
    response = api.post("/v1/resolve", content=stalls())
    assert time.monotonic() - started < 5
    assert response.status_code == 408
    assert response.headers["connection"] == "close"
    error = error_of(response)
    assert error["parameter"] == "body" and "0.3 seconds" in error["message"]


def test_a_body_that_arrives_within_the_deadline_is_answered(catalog: Catalog) -> None:
    api = make_api(catalog, body_timeout_seconds=2)

    async def slowly() -> AsyncIterator[bytes]:
        yield b'{"models": ['
        await asyncio.sleep(0.3)
        yield b'"gpt-4o"]}'

    json_type = {"Content-Type": "application/json"}
    response = api.post("/v1/resolve", content=slowly(), headers=json_type)
    assert response.status_code == 200, response.text


def test_the_body_deadline_comes_from_the_environment() -> None:
    assert ApiSettings.from_env({}).body_timeout_seconds == 10.0
    settings = ApiSettings.from_env({"MODEL_CATALOG_BODY_TIMEOUT": "2.5"})
    assert settings.body_timeout_seconds == 2.5
    with pytest.raises(ValueError, match="MODEL_CATALOG_BODY_TIMEOUT"):
        ApiSettings.from_env({"MODEL_CATALOG_BODY_TIMEOUT": "0"})


# -- one error shape, no writes ------------------------------------------------------------------


def test_an_unknown_route_is_404_in_the_error_shape(api: Api) -> None:
    response = api.get("/v2/models")
    assert response.status_code == 404
    assert "/v2/models" in error_of(response)["message"]


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_writing_methods_are_405_in_the_error_shape(api: Api, method: str) -> None:
    response = api.request(method, "/v1/models")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]
    assert method in error_of(response)["message"]


def test_no_endpoint_writes(api: Api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    methods = {(path, method) for path, ops in paths.items() for method in ops}
    assert {m for _, m in methods} <= {"get", "post"}
    assert {p for p, m in methods if m == "post"} == {"/v1/resolve"}


def test_a_database_that_went_away_serves_the_last_snapshot_marked_stale(seeded_url: str) -> None:
    with Catalog.open(seeded_url, revision_check_seconds=0) as catalog:
        api = make_api(catalog)
        assert api.get("/v1/task-types").status_code == 200
        catalog.engine.dispose()
        # the same catalog, its database now unreachable (nothing listens on port 9)
        catalog.engine = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:9/gone", connect_args={"connect_timeout": 2}
        )
        response = api.get("/v1/task-types")
        ready = api.get("/readyz")
    # the data it had is still served, marked stale (issue 12); readiness says what is wrong
    assert response.status_code == 200 and response.headers["x-catalog-stale"] == "true"
    assert ready.status_code == 503
    assert "database" in error_of(ready)["message"]


def test_a_database_unreachable_before_any_read_is_503(seeded_url: str) -> None:
    with Catalog.open(seeded_url, revision_check_seconds=0) as catalog:
        catalog.engine.dispose()
        catalog.engine = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:9/gone", connect_args={"connect_timeout": 2}
        )
        response = make_api(catalog).get("/v1/task-types")
    assert response.status_code == 503
    assert "database" in error_of(response)["message"]


# -- docs and OpenAPI --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_only_local_urls(api: Api, page: str) -> None:
    response = api.get(page)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), html
    for asset in re.findall(r"(?:src|href)=['\"]([^'\"]+)['\"]", html):
        assert asset.startswith("/"), asset
        assert api.get(asset).status_code == 200, asset
    assert "/openapi.json" in html


def test_swagger_ui_sends_nothing_to_a_validator(api: Api) -> None:
    assert '"validatorUrl": null' in api.get("/docs").text


def test_openapi_documents_every_endpoint_with_examples(api: Api) -> None:
    document = api.get("/openapi.json").json()
    assert set(document["paths"]) == {
        "/v1/models",
        "/v1/models/{name}",
        "/v1/providers",
        "/v1/providers/{slug}",
        "/v1/task-types",
        "/v1/serving-modes",
        "/v1/architectures",
        "/v1/resolve",
        "/v1/deprecations",
        "/v1/meta",
        "/healthz",
        "/readyz",
    }
    resolve = document["paths"]["/v1/resolve"]["get"]
    model = next(p for p in resolve["parameters"] if p["name"] == "model")
    assert model.get("examples") or model["schema"].get("examples")
    assert "ErrorBody" in document["components"]["schemas"]
    assert "404" in document["paths"]["/v1/models/{name}"]["get"]["responses"]


# -- the front door ------------------------------------------------------------------------------


def test_the_front_door_answers_as_the_routes_do(catalog: Catalog) -> None:
    with_front, without = make_api(catalog), make_api(catalog, front_cache=False)
    for url in (DBRX, "/v1/resolve?model=claude-2.1", "/v1/models?limit=1000"):
        for _ in range(3):  # the first fills the cache; the others come through the front
            a, b = with_front.get(url), without.get(url)  # httpx accepts gzip
            assert a.content == b.content  # decoded
            # every response has a request id of its own
            assert sorted(h for h in a.headers.multi_items() if h[0] != "x-request-id") == sorted(
                h for h in b.headers.multi_items() if h[0] != "x-request-id"
            )
            assert a.headers.get_list("vary") in ([], ["Accept-Encoding"])


def test_the_front_door_answers_if_none_match_with_304(api: Api) -> None:
    etag = api.get(DBRX).headers["etag"]
    api.get(DBRX)
    hits = api.app.state.answerer.cache.hits
    response = api.get(DBRX, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""
    assert api.app.state.answerer.cache.hits == hits + 1


def test_a_worker_rechecks_the_revision_in_the_background(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from catalog.api.refresh import refreshing

    calls: list[str] = []
    real = catalog.refresh

    def counted() -> object:
        calls.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(catalog, "refresh", counted)

    async def serve_until_three_checks() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with refreshing(catalog, interval=0.2):  # a check every 0.1 s
            while len(calls) < 3 and loop.time() - started < 10:
                await asyncio.sleep(0.02)
        return loop.time() - started

    took = asyncio.run(serve_until_three_checks())
    assert len(calls) >= 3, f"{len(calls)} checks in {took:.1f} s"
    assert threading.main_thread().name not in calls  # off the event loop's thread


def test_every_operation_sits_under_one_tag(api: Api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert all(len(op["tags"]) == 1 for ops in paths.values() for op in ops.values())


@pytest.mark.parametrize("url", [DBRX, "/v1/models?limit=1000", "/healthz", "/v1/task-types"])
def test_head_is_get_without_the_body(api: Api, url: str) -> None:
    for _ in range(2):  # routed, then through the front door
        get, head = api.get(url), api.request("HEAD", url)
        assert head.status_code == get.status_code == 200
        assert head.content == b""
        assert head.headers.get("etag") == get.headers.get("etag")
        assert head.headers["content-length"] == get.headers["content-length"]


def test_the_front_door_compresses_a_large_answer_once(catalog: Catalog) -> None:
    api = make_api(catalog)
    url, gzip_ok = "/v1/models?limit=1000", {"Accept-Encoding": "gzip"}
    answers = [api.get(url, headers=gzip_ok) for _ in range(3)]  # routed, then the front twice
    assert all(a.headers["content-encoding"] == "gzip" for a in answers)
    assert all(a.headers.get_list("vary") == ["Accept-Encoding"] for a in answers)
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert len({a.headers["etag"] for a in answers}) == 1
    cache = api.app.state.answerer.cache
    assert sum(1 for key in cache._entries if key[-1] == "gzip") == 1
    plain = api.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == answers[0].json()


def test_the_cache_is_bounded_in_bytes_too(catalog: Catalog) -> None:
    api = make_api(catalog, cache_bytes=80_000)
    cache = api.app.state.answerer.cache
    for name in ("gpt-4o", "gpt-4", "o1", "claude-2.1", "dbrx", "gte-large", "davinci-002"):
        api.get("/v1/resolve", params={"model": name})
    assert 0 < cache.size <= 80_000
    assert cache.size == sum(len(entry.body) for entry in cache._entries.values())
    api.get("/v1/models", params={"limit": 1000})  # 180 kB: more than an eighth of the budget
    assert all(len(entry.body) <= 10_000 for entry in cache._entries.values())
