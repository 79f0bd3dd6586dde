"""Values at and past the database's limits: the seed refuses exactly what either engine would.

A dry run used to accept a 301-character endpoint or a NUL in `notes` that PostgreSQL then
refused, and `9999-12-31` loaded and broke every read; now each is a seed error, on both
engines, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog import Catalog
from catalog.cli.app import main
from catalog.errors import InvalidArgument, SeedError, SeedErrors
from catalog.seed.file import read_seed
from catalog.seed.load import load_seed
from catalog.seed.schema import ENDPOINT_LENGTH, NAME_LENGTH, SLUG_LENGTH
from catalog.store.db import make_engine, session_scope
from catalog.store.models import Model

from conftest import TEST_DATA

MINI = TEST_DATA / "mini_seed.yaml"


def edited(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    text = MINI.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[SeedError]:
    with pytest.raises(SeedError) as caught:
        read_seed(path)
    error = caught.value
    return error.errors if isinstance(error, SeedErrors) else [error]


def model_count(url: str) -> int:
    engine = make_engine(url)
    with session_scope(engine) as session:
        count = session.scalar(select(func.count()).select_from(Model)) or 0
    engine.dispose()
    return count


def test_a_301_character_endpoint_is_refused_with_its_line(tmp_path: Path) -> None:
    path = edited(tmp_path, ("endpoint: databricks-old-model", "endpoint: " + "e" * 301))
    [error] = errors_of(path)
    assert error.field == "models[0].offerings[0].endpoint"
    assert f"at most {ENDPOINT_LENGTH} characters" in error.message
    assert (
        error.line
        == MINI.read_text().splitlines().index("        endpoint: databricks-old-model") + 1
    )


def test_a_nul_in_notes_is_refused_with_its_line(tmp_path: Path) -> None:
    path = edited(tmp_path, ("    architecture: Acme Arch\n", '    notes: "a\\0b"\n'))
    [error] = errors_of(path)
    assert error.field == "models[0].notes" and "control character" in error.message
    assert error.line is not None


def test_an_escape_sequence_in_a_name_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, ("  - name: New Model", '  - name: "New \\e[31mModel"'))
    [error] = errors_of(path)
    assert error.field == "models[1].name" and "control character" in error.message


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_a_date_the_code_cannot_compute_with_is_refused(tmp_path: Path, day: str) -> None:
    path = edited(tmp_path, ("on: 2025-04-30", f"on: {day}"))
    [error] = errors_of(path)
    assert error.field == "models[0].offerings[0].lifecycle.retires.on"
    assert "outside 1900-01-01..2999-12-31" in error.message


def test_an_alias_with_no_letters_or_digits_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, ("{name: Gammal Modell, kind: translated}", "'---'"))
    errors = errors_of(path)
    assert {error.field for error in errors} == {"models[0].aliases[0]"}
    assert any("a name needs at least one letter or digit" in e.message for e in errors)


def test_values_at_every_limit_load_on_both_engines(migrated_url: str, tmp_path: Path) -> None:
    """Exactly the columns' lengths load for real: the seed refuses nothing the database takes."""
    name = "N" * NAME_LENGTH
    path = edited(
        tmp_path,
        ("  - name: acme-chat", f"  - name: {name}"),
        ("endpoint: databricks-new-model", "endpoint: " + "e" * ENDPOINT_LENGTH),
        ("{slug: acme, name: Acme}", f"{{slug: acme, name: {'A' * NAME_LENGTH}}}"),
        ("  - key: test-recalled", "  - key: " + "r" * SLUG_LENGTH),
        ("source: test-recalled}", f"source: {'r' * SLUG_LENGTH}}}"),
        ("on: 2025-04-30", "on: 2999-12-31"),
    )
    report = load_seed(make_engine(migrated_url), path)
    assert report.changed and model_count(migrated_url) == 3
    with Catalog.open(migrated_url) as catalog:
        assert catalog.model(name).name == name
        assert catalog.resolve("Old Model", as_of="2999-12-31").status.value == "ok"


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_name_whose_key_outgrows_its_column_is_refused_before_writing(
    migrated_url: str, tmp_path: Path, dry_run: bool
) -> None:
    """NFKC can lengthen a name (`㍱` is `hpa`): the key column's length is checked too."""
    path = edited(tmp_path, ("  - name: acme-chat", "  - name: " + "㍱" * 100))
    read_seed(path)  # the name itself is 100 characters: the schema accepts it
    with pytest.raises(SeedError) as caught:
        load_seed(make_engine(migrated_url), path, dry_run=dry_run)
    assert f"name_key: 300 characters; at most {NAME_LENGTH}" in caught.value.message
    assert model_count(migrated_url) == 0


def test_a_dry_run_refuses_what_the_database_would(
    migrated_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(tmp_path, ("endpoint: databricks-old-model", "endpoint: " + "e" * 301))
    for extra in (["--dry-run"], []):
        code = main(["load", str(path), "--database-url", migrated_url, *extra])
        err = capsys.readouterr().err
        assert code == 2 and "models[0].offerings[0].endpoint" in err
    assert model_count(migrated_url) == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.resolve("gpt-4o", as_of=20250101), "as_of"),
        (lambda c: c.resolve("gpt-4o", as_of="9999-12-31"), "as_of"),
        (lambda c: c.resolve("gpt-4o", task=5), "task"),
        (lambda c: c.resolve("gpt-4o", serving_mode=1.5), "serving_mode"),
        (lambda c: c.resolve("gpt-4o", provider=["openai"]), "provider"),
        (lambda c: c.models(status=3), "status"),
        (lambda c: c.models(publisher=b"meta"), "publisher"),
        (lambda c: c.models(query=7), "query"),
        (lambda c: c.resolve(None), "name"),
        (lambda c: c.resolve_many("gpt-4o"), "names"),
        (lambda c: c.resolve_many(42), "names"),
        (lambda c: c.resolve_many(["gpt-4o", 3]), "names"),
        (lambda c: c.model(""), "name"),
        (lambda c: c.model("---"), "name"),
    ],
)
def test_library_arguments_of_the_wrong_type_name_their_field(
    catalog: Catalog, call: object, field: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        call(catalog)  # type: ignore[operator]
    assert caught.value.field == field
