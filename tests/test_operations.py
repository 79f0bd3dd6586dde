"""Operations: request ids, structured logs, /metrics, the stale header, the read-only role,
the container definition. In process (httpx over ASGI) unless a real server is the point."""

from __future__ import annotations

import json
import logging
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import make_url

from catalog import Catalog
from catalog.logs import JsonFormatter, RequestIdFilter, uvicorn_log_config
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.store.resources import seed_path

from api_support import Api, make_api
from conftest import PG_URL, new_database_url

ROOT = Path(__file__).resolve().parents[1]
DBRX = "/v1/models/databricks-dbrx-instruct"


@pytest.fixture
def api(catalog: Catalog) -> Api:
    return make_api(catalog)


def test_a_request_id_is_made_when_none_comes_in(api: Api) -> None:
    first, second = api.get(DBRX), api.get(DBRX)
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_well_formed_request_id_is_kept_and_a_hostile_one_replaced(api: Api) -> None:
    kept = api.get(DBRX, headers={"X-Request-ID": "lb-7f3a:42"})
    assert kept.headers["x-request-id"] == "lb-7f3a:42"
    hostile = api.get(DBRX, headers={"X-Request-ID": "a\tb" + "x" * 300})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])


def test_errors_carry_a_request_id_too(api: Api) -> None:
    response = api.get("/v1/models/no-such-model-anywhere")
    assert response.status_code == 404 and response.headers["x-request-id"]


def test_access_log_lines_are_json_with_the_request_id(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_CATALOG_ACCESS_LOG", "1")
    api = make_api(catalog)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("catalog.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        api.get(DBRX, headers={"X-Request-ID": "trace-1"})
    finally:
        logger.removeHandler(handler)
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "trace-1"
    assert line["route"] == "/v1/models/{name:path}" and line["status"] == 200
    assert line["method"] == "GET" and line["duration_ms"] >= 0 and line["level"] == "info"


def test_uvicorn_log_config_is_valid_for_both_formats() -> None:
    import logging.config

    for fmt in ("text", "json"):
        logging.config.dictConfig(uvicorn_log_config(fmt))
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} {labels} not in /metrics")


def test_metrics_count_requests_by_route_template_and_report_the_snapshot(api: Api) -> None:
    for name in ("databricks-dbrx-instruct", "gpt-4o", "gpt-4o"):  # the last from the cache
        assert api.get(f"/v1/models/{name}").status_code == 200
    api.get("/v1/models/not-a-model-at-all")
    response = api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    body = response.text
    route = "/v1/models/{name:path}"
    assert _metric(body, "model_catalog_http_requests_total", route=route, status="200") == 3
    assert _metric(body, "model_catalog_http_requests_total", route=route, status="404") == 1
    assert _metric(body, "model_catalog_http_request_duration_seconds_count", route=route) == 4
    assert _metric(body, "model_catalog_snapshot_revision") >= 1
    assert _metric(body, "model_catalog_snapshot_age_seconds") >= 0
    assert _metric(body, "model_catalog_stale") == 0
    assert _metric(body, "model_catalog_reload_failures_total") == 0
    assert "gpt-4o" not in body  # raw paths never become labels


def test_unknown_paths_share_one_metrics_label(api: Api) -> None:
    for index in range(5):
        api.get(f"/nowhere/{index}")
    body = api.get("/metrics").text
    assert _metric(body, "model_catalog_http_requests_total", route="unmatched") == 5
    assert "/nowhere/" not in body


def test_stale_answers_say_so_and_metrics_count_the_failures(seeded_url: str) -> None:
    with Catalog.open(seeded_url, revision_check_seconds=0) as catalog:
        api = make_api(catalog)
        assert "x-catalog-stale" not in api.get(DBRX).headers
        catalog.engine.dispose()
        catalog.engine = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:9/gone", connect_args={"connect_timeout": 2}
        )
        stale = api.get("/v1/resolve?model=gpt-4o")
        body = api.get("/metrics").text
    assert stale.status_code == 200 and stale.headers["x-catalog-stale"] == "true"
    assert _metric(body, "model_catalog_stale") == 1
    assert _metric(body, "model_catalog_reload_failures_total") >= 1


# -- the read-only role ------------------------------------------------------------------------


def readme_sql(marker: str) -> str:
    """The fenced SQL block after `marker` in the README: the test runs what is documented."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(re.escape(marker) + r".*?```sql\n(.*?)```", readme, re.DOTALL)
    assert found, f"no SQL block after {marker!r} in README.md"
    return found.group(1)


def test_the_api_serves_with_a_read_only_postgresql_role(tmp_path: Path) -> None:
    for url in new_database_url("postgresql", tmp_path):
        engine = make_engine(url)
        upgrade(engine)
        load_seed(engine, seed_path())
        role = f"mc_reader_{uuid.uuid4().hex[:8]}"
        database = make_url(url).database or ""
        sql = readme_sql("<!-- read-only role -->")
        sql = sql.replace("catalog_reader", role).replace("model_catalog", database)
        with engine.begin() as connection:
            for statement in filter(str.strip, sql.split(";")):
                connection.execute(text(statement))
        reader = make_url(url).set(username=role, password=None)
        reader_url = reader.render_as_string(hide_password=False)
        try:
            with Catalog.open(reader_url) as catalog:
                api = make_api(catalog)
                assert api.get("/readyz").status_code == 200
                assert api.get(DBRX).status_code == 200
                assert api.get("/v1/resolve?model=gpt-4o&provider=openai").status_code == 200
                assert api.get("/v1/models?limit=5").status_code == 200
            writer = create_engine(reader_url.replace("+psycopg", "+psycopg", 1))
            with pytest.raises(exc.DBAPIError), writer.begin() as connection:
                connection.execute(text("DELETE FROM catalog_revisions"))
            writer.dispose()
        finally:
            with engine.begin() as connection:
                connection.execute(text(f'DROP OWNED BY "{role}"'))
            engine.dispose()
            admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM "{role}"'))
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            admin.dispose()


# -- the container ------------------------------------------------------------------------------


def test_the_dockerfile_installs_the_wheel_and_runs_as_a_non_root_user() -> None:
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    final_stage = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM")) :]
    assert any("pip wheel" in line or "build --wheel" in line for line in lines)
    assert any(line.startswith("RUN") and ".whl" in line for line in final_stage)
    users = [line.split()[1] for line in final_stage if line.startswith("USER")]
    assert users and users[-1] not in ("root", "0"), users
    entry = next(line for line in final_stage if line.startswith("ENTRYPOINT"))
    assert '"serve"' in entry and '"0.0.0.0"' in entry
    dockerignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in dockerignore and ".git" in dockerignore


# -- behind a reverse proxy ---------------------------------------------------------------------


def test_under_a_root_path_the_docs_and_openapi_point_at_the_prefix(catalog: Catalog) -> None:
    import asyncio

    import httpx

    from catalog.api import create_app

    async def fetch() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(catalog), root_path="/catalog")
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy.test") as c:
            return await c.get("/docs"), await c.get("/openapi.json"), await c.get(DBRX)

    docs, openapi, model = asyncio.run(fetch())
    assert "'/catalog/openapi.json'" in docs.text and "/catalog/docs-assets/" in docs.text
    assert openapi.json()["servers"] == [{"url": "/catalog"}]
    assert model.status_code == 200
