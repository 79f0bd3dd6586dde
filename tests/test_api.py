"""The REST API in process, on both engines: every endpoint, filter and error."""

from __future__ import annotations

import datetime as dt

import pytest

from catalog import Catalog

from api_support import Api, error_of, make_api

TODAY = "2026-11-24"


@pytest.fixture
def api(catalog: Catalog) -> Api:
    return make_api(catalog)


def names(body: dict[str, object]) -> list[str]:
    return [m["name"] for m in body["data"]]  # type: ignore[attr-defined,index]


# -- /v1/models ------------------------------------------------------------------------------


def test_models_answer_the_envelope_with_the_librarys_fields(api: Api, catalog: Catalog) -> None:
    response = api.get("/v1/models", params={"limit": 1000, "as_of": TODAY})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "next_cursor", "count"}
    assert body["next_cursor"] is None
    library = catalog.models(as_of=TODAY)
    assert body["count"] == len(library) == len(body["data"])
    by_name = {m.name: m.model_dump(mode="json") for m in library}
    assert all(item == by_name[item["name"]] for item in body["data"])


def test_models_filter_by_provider_and_task(api: Api) -> None:
    body = api.get("/v1/models", params={"provider": "openai", "task": "embeddings"}).json()
    assert names(body) == [
        "text-embedding-3-large",
        "text-embedding-3-small",
        "text-embedding-ada-002",
    ]
    offerings = [o for m in body["data"] for o in m["offerings"]]
    assert all(o["provider"] == "openai" and o["task"] == "embeddings" for o in offerings)


@pytest.mark.parametrize(
    ("parameter", "value", "field", "expected"),
    [
        ("publisher", "databricks", None, None),
        ("serving_mode", "provisioned_throughput", "serving_mode", "provisioned_throughput"),
        ("serving_mode", "pay-per-token", "serving_mode", "pay_per_token"),
        ("task", "llm/v1/completions", "task", "completions"),
        ("provider", "Azure OpenAI", "provider", "azure-openai"),
    ],
)
def test_models_filters_keep_only_matching_offerings(
    api: Api, catalog: Catalog, parameter: str, value: str, field: str | None, expected: str | None
) -> None:
    body = api.get("/v1/models", params={parameter: value, "limit": 1000}).json()
    assert body["count"] > 0
    if field is not None:
        assert all(o[field] == expected for m in body["data"] for o in m["offerings"])
    else:
        assert all(m["publisher"] == value for m in body["data"])
    everything = api.get("/v1/models", params={"limit": 1000}).json()
    assert body["count"] < everything["count"]


def test_status_filter_is_evaluated_on_as_of(api: Api) -> None:
    before = api.get("/v1/models", params={"status": "retired", "as_of": "2025-04-30", "q": "dbrx"})
    after = api.get("/v1/models", params={"status": "retired", "as_of": "2025-05-01", "q": "dbrx"})
    assert names(before.json()) == []
    assert names(after.json()) == ["DBRX Instruct"]
    assert before.headers["etag"] != after.headers["etag"]


def test_q_searches_names_aliases_and_endpoints(api: Api) -> None:
    assert names(api.get("/v1/models", params={"q": "dbrx-instruct"}).json()) == ["DBRX Instruct"]


def test_pages_walk_the_whole_list_in_a_stable_order(api: Api) -> None:
    whole = api.get("/v1/models", params={"limit": 1000}).json()
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        params: dict[str, str | int] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        body = api.get("/v1/models", params=params).json()
        assert body["count"] == whole["count"]
        assert len(body["data"]) <= 7
        seen += names(body)
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == names(whole)
    assert seen == sorted(seen, key=lambda n: (n.casefold(), n))
    assert len(set(seen)) == len(seen)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"provider": "opneai"}, "provider"),
        ({"publisher": "nobody"}, "publisher"),
        ({"task": "summarize"}, "task"),
        ({"serving_mode": "free"}, "serving_mode"),
        ({"status": "alive"}, "status"),
        ({"as_of": "2026-13-01"}, "as_of"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(
    api: Api, params: dict[str, str], parameter: str
) -> None:
    response = api.get("/v1/models", params=params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["parameter"] == parameter
    assert next(iter(params.values())) in error["message"]
    assert "--" not in error["message"]  # hints speak HTTP, not CLI flags


@pytest.mark.parametrize("limit", ["0", "1001", "many"])
def test_a_limit_out_of_range_is_422(api: Api, limit: str) -> None:
    response = api.get("/v1/models", params={"limit": limit})
    assert response.status_code == 422
    assert error_of(response)["parameter"] == "limit"


# -- /v1/models/{name} -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("databricks-dbrx-instruct", "DBRX Instruct"),
        ("DBRX Instruera", "DBRX Instruct"),
        ("TEXT-EMBEDDING-3-SMALL", "text-embedding-3-small"),
        ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"),
    ],
)
def test_a_model_by_any_of_its_names(api: Api, catalog: Catalog, name: str, model: str) -> None:
    response = api.get(f"/v1/models/{name}", params={"as_of": TODAY})
    assert response.status_code == 200
    assert response.json() == catalog.model(model, as_of=TODAY).model_dump(mode="json")


def test_a_model_by_a_name_form_reads_as_in_the_library(api: Api, catalog: Catalog) -> None:
    name = "gpt-4o-2024-08-06"  # a version: the library and the API both read its family
    assert catalog.model(name).name == "gpt-4o"
    assert api.get(f"/v1/models/{name}").json()["name"] == "gpt-4o"


def test_a_model_name_with_a_slash_reaches_the_model_route(api: Api) -> None:
    response = api.get("/v1/models/azure/no-such-model")
    assert response.status_code == 404
    error = error_of(response)
    assert error["parameter"] == "name"
    assert "'azure/no-such-model'" in error["message"]


def test_an_unknown_model_is_404_with_suggestions(api: Api) -> None:
    response = api.get("/v1/models/gpt-4oo")
    assert response.status_code == 404
    error = error_of(response)
    assert "gpt-4o" in error["suggestions"]
    assert error["parameter"] == "name"


def test_a_model_shows_lifecycle_on_as_of(api: Api) -> None:
    before = api.get("/v1/models/databricks-dbrx-instruct", params={"as_of": "2025-04-30"}).json()
    after = api.get("/v1/models/databricks-dbrx-instruct", params={"as_of": "2025-05-01"}).json()
    assert before["offerings"][0]["lifecycle"]["status"] != "retired"
    assert after["offerings"][0]["lifecycle"]["status"] == "retired"
    assert after["offerings"][0]["lifecycle"]["retired_from"] == "2025-05-01"


# -- providers and vocabulary -----------------------------------------------------------------


def test_providers_list_matches_the_library(api: Api, catalog: Catalog) -> None:
    body = api.get("/v1/providers").json()
    assert body["count"] == len(body["data"])
    assert body["data"] == [p.model_dump(mode="json") for p in catalog.providers()]


def test_a_provider_groups_its_models_by_endpoint_type(api: Api) -> None:
    body = api.get("/v1/providers/openai").json()
    assert body["provider"]["slug"] == "openai"
    assert body["provider"]["custom_model_tasks"] == ["chat", "completions"]
    grouped = body["models_by_endpoint_type"]
    assert "text-embedding-3-small" in grouped["llm/v1/embeddings"]
    assert "gpt-4o" in grouped["llm/v1/chat"]


def test_a_provider_says_how_its_names_are_written_and_whose_own_api_it_is(
    api: Api, catalog: Catalog
) -> None:
    provider = api.get("/v1/providers/azure-openai").json()["provider"]
    forms = {f["form"]: f for f in provider["name_forms"]}
    assert "azure_openai:" in forms and forms["azure_openai:"]["tool"] == "LangChain"
    assert any(f["kind"] == "pattern" for f in provider["name_forms"])  # LiteLLM's azure/...
    assert provider["own_api_of"] == []
    # every form listed is one the resolver reads as this provider
    for form in provider["name_forms"]:
        if form["kind"] == "prefix":
            written = catalog.resolve(f"{form['form']}gpt-4o", as_of="2025-01-01")
            assert written.provider == "azure-openai", form
    openai = api.get("/v1/providers/openai").json()["provider"]
    assert openai["own_api_of"] == ["openai"]
    assert {f["form"] for f in openai["name_forms"]} >= {"openai/", "openai:"}
    snapshot = catalog.snapshot()
    expected = {f.form for f in snapshot.name_forms if f.provider == "openai"}
    assert {f["form"] for f in openai["name_forms"]} == expected


def test_a_provider_by_its_display_name(api: Api) -> None:
    assert api.get("/v1/providers/Azure OpenAI").json()["provider"]["slug"] == "azure-openai"


def test_an_unknown_provider_is_404_with_suggestions(api: Api) -> None:
    response = api.get("/v1/providers/anthropik")
    assert response.status_code == 404
    error = error_of(response)
    assert error["parameter"] == "slug"
    assert "anthropic" in error["suggestions"]


def test_task_types_carry_their_endpoint_types(api: Api) -> None:
    body = api.get("/v1/task-types").json()
    assert {t["task"]: t["endpoint_type"] for t in body["data"]} == {
        "chat": "llm/v1/chat",
        "completions": "llm/v1/completions",
        "embeddings": "llm/v1/embeddings",
    }


def test_serving_modes_are_the_three_modes(api: Api) -> None:
    body = api.get("/v1/serving-modes").json()
    assert [m["serving_mode"] for m in body["data"]] == [
        "pay_per_token",
        "provisioned_throughput",
        "external",
    ]
    assert all(m["description"] for m in body["data"])


def test_architectures_match_the_library(api: Api, catalog: Catalog) -> None:
    body = api.get("/v1/architectures").json()
    assert body["data"] == [a.model_dump(mode="json") for a in catalog.architectures()]
    assert body["count"] > 0


# -- /v1/resolve -----------------------------------------------------------------------------


def test_resolve_answers_the_librarys_resolution(api: Api, catalog: Catalog) -> None:
    response = api.get("/v1/resolve", params={"model": "databricks-dbrx-instruct", "as_of": TODAY})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "replaced"
    assert body["model"] == "Meta-Llama-3.3-70B-Instruct"
    library = catalog.resolve("databricks-dbrx-instruct", as_of=TODAY)
    assert body == library.model_dump(mode="json")


def test_resolve_passes_every_option(api: Api, catalog: Catalog) -> None:
    params = {
        "model": "gpt-4o",
        "provider": "azure-openai",
        "task": "chat",
        "serving_mode": "external",
        "as_of": "2026-01-01",
    }
    body = api.get("/v1/resolve", params=params).json()
    assert body["status"] == "ok"
    assert body["provider"] == "azure-openai"
    assert body["request"] == {
        "name": "gpt-4o",
        "task": "chat",
        "serving_mode": "external",
        "provider": "azure-openai",
        "as_of": "2026-01-01",
        "strict_provider": False,
    }


def test_resolve_defaults_as_of_to_today(api: Api) -> None:
    body = api.get("/v1/resolve", params={"model": "gpt-4o"}).json()
    assert body["request"]["as_of"] == dt.date.today().isoformat()


def test_resolve_an_unknown_name_is_a_resolution_not_an_error(api: Api) -> None:
    response = api.get("/v1/resolve", params={"model": "gpt-4oo"})
    assert response.status_code == 200
    assert response.json()["status"] == "unknown"
    assert "gpt-4o" in response.json()["suggestions"]


def test_resolve_without_a_model_is_422(api: Api) -> None:
    response = api.get("/v1/resolve")
    assert response.status_code == 422
    assert error_of(response)["parameter"] == "model"


def test_resolve_with_an_unknown_provider_is_400_with_suggestions(api: Api) -> None:
    response = api.get("/v1/resolve", params={"model": "gpt-4o", "provider": "opneai"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["parameter"] == "provider"
    assert error["suggestions"][0] == "openai"


def test_batch_resolve_keeps_order_and_matches_single_answers(api: Api) -> None:
    models = ["databricks-dbrx-instruct", "gpt-4o", "claude-2.1", "no-such-model"]
    response = api.post("/v1/resolve", json={"models": models, "as_of": TODAY})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [r["request"]["name"] for r in body["data"]] == models
    for name, result in zip(models, body["data"], strict=True):
        assert result == api.get("/v1/resolve", params={"model": name, "as_of": TODAY}).json()


def test_batch_of_exactly_the_limit_is_answered(api: Api) -> None:
    response = api.post("/v1/resolve", json={"models": ["gpt-4o"] * 1000})
    assert response.status_code == 200
    assert response.json()["count"] == 1000


def test_batch_over_the_limit_is_413_naming_the_limit(api: Api) -> None:
    response = api.post("/v1/resolve", json={"models": ["gpt-4o"] * 1001})
    assert response.status_code == 413
    error = error_of(response)
    assert "1000" in error["message"] and error["parameter"] == "models"


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        ({}, "models"),
        ({"models": "gpt-4o"}, "models"),
        ({"models": ["gpt-4o"], "as_of": "someday"}, "as_of"),
        ({"models": ["gpt-4o"], "colour": "red"}, "colour"),
    ],
)
def test_batch_with_a_malformed_body_is_422(
    api: Api, body: dict[str, object], parameter: str
) -> None:
    response = api.post("/v1/resolve", json=body)
    assert response.status_code == 422
    assert error_of(response)["parameter"] == parameter


def test_batch_with_an_unknown_task_is_400(api: Api) -> None:
    response = api.post("/v1/resolve", json={"models": ["gpt-4o"], "task": "dance"})
    assert response.status_code == 400
    assert error_of(response)["parameter"] == "task"


# -- health ------------------------------------------------------------------------------------


def test_healthz_says_the_process_is_up(api: Api) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["cache-control"] == "no-store"


def test_readyz_reports_health_when_ready(api: Api, catalog: Catalog) -> None:
    response = api.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["reachable"] and body["schema_current"] and body["problem"] is None
    assert body["catalog_revision"] == catalog.revision().revision
    assert response.headers["cache-control"] == "no-store"


def test_readyz_is_503_on_a_database_behind_its_schema(empty_db_url: str) -> None:
    api = make_api(Catalog.open(empty_db_url, prepare=False))
    response = api.get("/readyz")
    assert response.status_code == 503
    assert "model-catalog db upgrade" in error_of(response)["message"]
    assert api.get("/healthz").status_code == 200  # the process itself is fine


def test_readyz_is_503_on_an_unreachable_database() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    response = make_api(Catalog.open(url, prepare=False)).get("/readyz")
    assert response.status_code == 503
    assert error_of(response)["message"]


# -- meta and deprecations ---------------------------------------------------------------------


def test_meta_is_the_librarys(api: Api, catalog: Catalog) -> None:
    response = api.get("/v1/meta")
    assert response.status_code == 200
    body = response.json()
    assert body == catalog.meta().model_dump(mode="json")
    assert body["catalog_revision"] == int(response.headers["x-catalog-revision"])


def test_deprecations_match_the_library_soonest_first(api: Api, catalog: Catalog) -> None:
    params = {"as_of": "2025-04-01", "within_days": 60}
    body = api.get("/v1/deprecations", params=params).json()
    library = catalog.deprecations(as_of="2025-04-01", within_days=60)
    assert body["count"] == len(library) > 0
    assert body["data"] == [d.model_dump(mode="json") for d in library]
    dates = [d["retired_from"] for d in body["data"]]
    assert dates == sorted(dates)


def test_a_deprecation_carries_its_date_meaning_and_replacement(api: Api) -> None:
    params = {"as_of": "2025-04-01", "within_days": 60, "provider": "databricks"}
    data = api.get("/v1/deprecations", params=params).json()["data"]
    (dbrx,) = [
        d for d in data if d["model"] == "DBRX Instruct" and d["serving_mode"] == "pay_per_token"
    ]
    assert (dbrx["date"], dbrx["meaning"], dbrx["retired_from"]) == (
        "2025-04-30",
        "last",
        "2025-05-01",
    )
    assert dbrx["replacement_model"] == "Meta-Llama-3.3-70B-Instruct"
    assert {d["provider"] for d in data} == {"databricks"}


def test_the_deprecation_window_is_a_parameter(api: Api) -> None:
    narrow = api.get("/v1/deprecations", params={"as_of": "2025-04-01", "within_days": 0})
    wide = api.get("/v1/deprecations", params={"as_of": "2025-04-01", "within_days": 60})
    assert narrow.json()["count"] < wide.json()["count"]


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"within_days": -1}, 422, "within_days"),
        ({"within_days": "soon"}, 422, "within_days"),
        ({"provider": "acme"}, 400, "provider"),
        ({"as_of": "yesterday"}, 400, "as_of"),
    ],
)
def test_bad_deprecation_parameters_are_named(
    api: Api, params: dict[str, object], status: int, parameter: str
) -> None:
    response = api.get("/v1/deprecations", params=params)
    assert response.status_code == status
    assert error_of(response)["parameter"] == parameter


def test_times_carry_their_zone_on_every_engine(api: Api) -> None:
    """RFC 3339 date-times, as the OpenAPI document promises (SQLite stores none)."""
    loaded_at = api.get("/v1/meta").json()["loaded_at"]
    assert loaded_at.endswith(("Z", "+00:00")), loaded_at


def test_resolution_hints_speak_http_not_cli_flags(api: Api) -> None:
    names = ["gpt-4o", "databricks-dbrx-instruct", "gpt-4o-2024-08-06", "claude-2.1", "gte-large"]
    for as_of in ("2025-01-01", TODAY):
        body = api.post("/v1/resolve", json={"models": names, "as_of": as_of}).json()
        for result in body["data"]:
            texts = [result["message"], *(w["message"] for w in result["warnings"])]
            assert not any("--" in text for text in texts), texts


@pytest.mark.parametrize(
    ("method", "url", "payload", "parameter"),
    [
        ("GET", "/v1/resolve?model=gpt%01x", None, "model"),
        ("GET", "/v1/resolve?model=---", None, "model"),
        ("GET", "/v1/models/a%02b", None, "name"),
        ("GET", "/v1/models?q=%00", None, "q"),
        ("POST", "/v1/resolve", {"models": ["gpt-4o", "bad\u0003"]}, "models"),
    ],
)
def test_hostile_names_are_400_naming_the_http_parameter(
    api: Api, method: str, url: str, payload: object, parameter: str
) -> None:
    response = api.request(method, url, json=payload)
    assert response.status_code == 400
    assert error_of(response)["parameter"] == parameter


def test_an_overlong_name_is_400_naming_the_limit(api: Api) -> None:
    response = api.get("/v1/resolve", params={"model": "x" * 5000})
    assert response.status_code == 400
    error = error_of(response)
    assert error["parameter"] == "model" and "512" in error["message"]
