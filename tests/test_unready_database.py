"""A database with no catalog tables, or tables but no catalog, gives a clear CatalogError from
every library verb, a 503 JSON error from every /v1 route, and one line from the CLI."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalog import Catalog
from catalog.cli.app import main
from catalog.errors import CatalogError, DatabaseUnavailable, NotLoaded, SchemaOutOfDate

from api_support import error_of, make_api
from conftest import TEST_DATA

VERBS: dict[str, Callable[[Catalog], Any]] = {
    "models": lambda c: c.models(),
    "model": lambda c: c.model("gpt-4o"),
    "providers": lambda c: c.providers(),
    "architectures": lambda c: c.architectures(),
    "resolve": lambda c: c.resolve("gpt-4o"),
    "resolve_many": lambda c: c.resolve_many(["gpt-4o"]),
    "deprecations": lambda c: c.deprecations(),
    "meta": lambda c: c.meta(),
    "revision": lambda c: c.revision(),
    "snapshot": lambda c: c.snapshot(),
}
PASSWORD = "pw-never-shown"
CLI = [
    ["models"],
    ["show", "gpt-4o"],
    ["providers"],
    ["architectures"],
    ["resolve", "gpt-4o"],
    ["deprecations"],
]


@pytest.fixture(params=["no tables", "no catalog"])
def unready(request: pytest.FixtureRequest, empty_db_url: str) -> tuple[str, type[CatalogError]]:
    """A database of each engine that cannot be read: (its URL, the error it must give)."""
    url = empty_db_url
    if url.startswith("postgresql"):  # trust auth ignores it; no message may show it
        url = make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)
    if request.param == "no tables":
        return url, SchemaOutOfDate
    with Catalog.open(url, prepare=False) as admin:
        admin.upgrade()
    return url, NotLoaded


def _remedy(error_class: type[CatalogError]) -> str:
    return "model-catalog db upgrade" if error_class is SchemaOutOfDate else "model-catalog load"


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_every_library_verb_names_the_remedy(
    unready: tuple[str, type[CatalogError]], verb: str
) -> None:
    url, expected = unready
    with Catalog.open(url, prepare=False) as catalog, pytest.raises(expected) as raised:
        VERBS[verb](catalog)
    message = raised.value.message
    assert _remedy(expected) in message
    assert "SELECT" not in message.upper() and "\n" not in message
    assert PASSWORD not in message


def test_every_v1_route_answers_503_json(unready: tuple[str, type[CatalogError]]) -> None:
    url, expected = unready
    with Catalog.open(url, prepare=False) as catalog:
        api = make_api(catalog)
        paths = {p: ops for p, ops in api.app.openapi()["paths"].items() if p.startswith("/v1")}
        assert len(paths) >= 8
        for template, operations in paths.items():
            path = template.replace("{name}", "gpt-4o").replace("{slug}", "openai")
            for method in operations:
                if method == "post":
                    response = api.post(path, json={"models": ["gpt-4o"]})
                else:
                    response = api.request(method, path, params={"model": "gpt-4o"})
                assert response.status_code == 503, (method, path, response.text)
                if method != "head":
                    assert _remedy(expected) in error_of(response)["message"], path
                assert PASSWORD not in response.text


@pytest.mark.parametrize("args", CLI, ids=lambda a: a[0])
def test_every_cli_command_exits_with_one_line(
    unready: tuple[str, type[CatalogError]],
    args: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, expected = unready
    code = main([*args, "--database-url", url])
    captured = capsys.readouterr()
    assert code == expected.exit_code
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and _remedy(expected) in lines[0], captured.err
    assert "Traceback" not in captured.err + captured.out
    assert PASSWORD not in captured.err + captured.out


def test_check_on_an_unready_database_exits_with_one_line(
    unready: tuple[str, type[CatalogError]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url, expected = unready
    (tmp_path / "app.py").write_text('MODEL = "gpt-4o"\n')
    code = main(["check", str(tmp_path / "app.py"), "--database-url", url])
    captured = capsys.readouterr()
    assert code not in (0, 2)
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and _remedy(expected) in lines[0], captured.err


def test_a_refused_read_is_database_unavailable_without_sql(
    engine_name: str, empty_db_url: str
) -> None:
    """PostgreSQL's `permission denied` is a ProgrammingError: still a 503, never a traceback."""
    if engine_name != "postgresql":
        pytest.skip("SQLite has no privileges")
    with Catalog.open(empty_db_url, prepare=False) as admin:
        admin.upgrade()
        admin.load(TEST_DATA / "mini_seed.yaml")
    role = f"mc_reader_{uuid.uuid4().hex[:8]}"
    owner = create_engine(empty_db_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" LOGIN'))
    reader_url = make_url(empty_db_url).set(username=role, password=PASSWORD)
    try:
        with Catalog.open(
            reader_url.render_as_string(hide_password=False), prepare=False
        ) as catalog:
            with pytest.raises(DatabaseUnavailable) as raised:
                catalog.models()
            assert "permission denied" in raised.value.message
            assert "SELECT" not in raised.value.message.upper()
            assert PASSWORD not in raised.value.message
    finally:
        with owner.connect() as connection:
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        owner.dispose()
