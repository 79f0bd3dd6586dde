"""The loader: sync in one transaction, idempotent, revision bumps, atomic on failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalog.errors import SeedError
from catalog.seed.load import load_seed
from catalog.store.db import make_engine, upgrade
from catalog.store.models import Base, CatalogRevision

from conftest import TEST_DATA, new_database_url

MINI = TEST_DATA / "mini_seed.yaml"


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for before/after comparisons."""
    engine = make_engine(url)
    with engine.connect() as connection:
        result = {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }
    engine.dispose()
    return result


def variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    text = MINI.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer contains {old!r}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_first_load_inserts_everything_and_starts_revision_one(migrated_url: str) -> None:
    report = load_seed(make_engine(migrated_url), MINI)
    assert report.changed and report.revision == 1
    assert {c.action for c in report.changes} == {"insert"}
    assert any(c.table == "model" and c.key == ("Old Model",) for c in report.changes)


def test_second_load_reports_no_changes_and_keeps_the_revision(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    before = dump(migrated_url)
    again = load_seed(engine, MINI)
    assert again.changes == () and again.revision == 1
    assert again.summary() == "no changes; catalog revision 1"
    assert dump(migrated_url) == before


def test_dry_run_reports_the_diff_and_writes_nothing(migrated_url: str) -> None:
    before = dump(migrated_url)
    report = load_seed(make_engine(migrated_url), MINI, dry_run=True)
    assert report.dry_run and len(report.changes) > 20
    assert report.summary().startswith("would change:")
    assert dump(migrated_url) == before


def test_an_edited_date_is_one_update_and_a_new_revision(migrated_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    edited = variant(tmp_path, "on: 2025-04-30", "on: 2025-05-31")
    report = load_seed(engine, edited)
    assert [(c.action, c.table) for c in report.changes] == [("update", "offering")]
    assert report.changes[0].fields["retires_on"][1].isoformat() == "2025-05-31"
    assert report.revision == 2
    assert "retires_on 2025-04-30 -> 2025-05-31" in report.changes[0].describe()


def test_a_removed_model_is_deleted_with_its_offerings(migrated_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    text = MINI.read_text(encoding="utf-8")
    start = text.index("  - name: acme-chat")
    trimmed = tmp_path / "trimmed.yaml"
    trimmed.write_text(text[:start], encoding="utf-8")
    report = load_seed(engine, trimmed)
    deleted = {(c.table, c.key[0] if c.table == "model" else None) for c in report.changes}
    assert ("model", "acme-chat") in deleted
    assert sum(1 for c in report.changes if c.table == "offering") == 2
    assert all(c.action == "delete" for c in report.changes)


def test_a_failure_part_way_leaves_the_database_exactly_as_it_was(
    migrated_url: str, tmp_path: Path
) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    before = dump(migrated_url)
    edited = variant(tmp_path, "name: New Model\n", "name: Newer Model\n")
    edited.write_text(edited.read_text().replace("model: New Model", "model: Newer Model"))

    def crash_after_models(label: str) -> None:
        if label == "offering":
            raise RuntimeError("simulated crash after the offerings were written")

    with pytest.raises(RuntimeError, match="simulated crash"):
        load_seed(engine, edited, after_table=crash_after_models)
    assert dump(migrated_url) == before
    with engine.connect() as connection:
        assert (
            connection.scalar(select(CatalogRevision.id).order_by(CatalogRevision.id.desc())) == 1
        )


def test_a_bad_seed_file_changes_nothing(migrated_url: str, tmp_path: Path) -> None:
    engine = make_engine(migrated_url)
    load_seed(engine, MINI)
    before = dump(migrated_url)
    bad = variant(tmp_path, "model: New Model", "model: Missing Model")
    with pytest.raises(SeedError):
        load_seed(engine, bad)
    assert dump(migrated_url) == before


def test_loading_into_a_database_without_schema_says_what_to_run(empty_db_url: str) -> None:
    from catalog.errors import SchemaOutOfDate

    with pytest.raises(SchemaOutOfDate, match="model-catalog db upgrade"):
        load_seed(make_engine(empty_db_url), MINI)


def test_concurrent_postgresql_loads_end_in_one_consistent_revision(tmp_path: Path) -> None:
    """PostgreSQL only: SQLite serializes writers itself; the advisory lock is PostgreSQL's."""
    from concurrent.futures import ThreadPoolExecutor

    for url in new_database_url("postgresql", tmp_path):
        engine = make_engine(url)
        upgrade(engine)
        with ThreadPoolExecutor(max_workers=3) as pool:
            reports = list(pool.map(load_seed, [engine] * 3, [MINI] * 3))
        engine.dispose()
        assert sorted(bool(r.changes) for r in reports) == [False, False, True]
        assert {r.revision for r in reports} == {1}
