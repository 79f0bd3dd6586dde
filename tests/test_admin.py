"""The library's admin verbs (load, health, meta, deprecations) and the CLI commands over them.

Each runs on SQLite and PostgreSQL through the shared fixtures.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from catalog import Catalog, InvalidArgument
from catalog.cli.app import main
from catalog.schemas import CatalogMeta, Deprecation, Health, LoadReport
from catalog.vocabulary import DateMeaning, OfferingStatus, ServingMode

from conftest import TEST_DATA

MINI = TEST_DATA / "mini_seed.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- load ---------------------------------------------------------------------------------------


def test_load_reports_changes_then_none(migrated_url: str) -> None:
    admin = Catalog.open(migrated_url, prepare=False)
    first = admin.load(MINI)
    assert isinstance(first, LoadReport)
    assert first.revision == 1 and not first.dry_run
    assert {c.action for c in first.changes} == {"insert"}
    assert "+ model Old Model" in [c.description for c in first.changes]
    again = admin.load(MINI)
    assert (again.changes, again.revision) == ([], 1)
    assert again.summary == "no changes; catalog revision 1"


def test_a_dry_run_load_changes_nothing(migrated_url: str) -> None:
    admin = Catalog.open(migrated_url, prepare=False)
    report = admin.load(MINI, dry_run=True)
    assert report.dry_run and report.changes and report.revision is None
    assert report.summary.startswith("would change:")
    assert admin.health().problem == "the catalog database is empty: run `model-catalog load`"


def test_a_load_is_seen_by_the_next_read_at_once(migrated_url: str, tmp_path: Path) -> None:
    admin = Catalog.open(migrated_url, prepare=False, revision_check_seconds=3600)
    admin.load(MINI)
    assert admin.revision().revision == 1
    edited = tmp_path / "edited.yaml"
    edited.write_text(MINI.read_text().replace("on: 2025-04-30", "on: 2025-06-30"))
    assert admin.load(edited).revision == 2
    assert admin.revision().revision == 2


def test_the_embedded_catalog_loads_only_its_own_seed(isolated_home: Path) -> None:
    with pytest.raises(
        InvalidArgument, match="embedded catalog follows the shipped seed"
    ) as caught:
        Catalog.open(prepare=False).load(MINI)
    assert caught.value.field == "path"


def test_cli_load_json_is_the_load_report(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "load", str(MINI), "--database-url", migrated_url, "--json")
    assert code == 0
    report = LoadReport.model_validate_json(out)
    assert report.revision == 1 and report.path == str(MINI)
    assert set(json.loads(out)) >= {"path", "dry_run", "revision", "changes"}


# -- health ---------------------------------------------------------------------------------------


def test_health_of_a_loaded_catalog(catalog: Catalog) -> None:
    health = catalog.health()
    assert isinstance(health, Health)
    assert health.ok and health.reachable and health.schema_current
    assert health.schema_revision == health.head_revision
    assert health.catalog_revision == catalog.revision().revision
    assert health.loaded_at is not None and health.loaded_at.tzinfo is not None
    assert health.age_seconds is not None and health.age_seconds >= 0


def test_health_of_a_database_behind_head_says_what_to_run(empty_db_url: str) -> None:
    health = Catalog.open(empty_db_url, prepare=False).health()
    assert health.reachable and not health.schema_current and not health.ok
    assert health.schema_revision is None and health.catalog_revision is None
    assert health.problem is not None and "model-catalog db upgrade" in health.problem


def test_health_of_an_unreachable_database_does_not_raise() -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    health = Catalog.open(url, prepare=False).health()
    assert not health.reachable and not health.schema_current
    assert health.problem


def test_cli_db_current_json_is_the_schema_status(
    empty_db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "db", "current", "--database-url", empty_db_url, "--json")
    assert code == 0
    assert json.loads(out) == {"current": None, "head": "0001", "up_to_date": False}


# -- meta -----------------------------------------------------------------------------------------


def test_meta_names_revisions_sources_and_sizes(catalog: Catalog) -> None:
    meta = catalog.meta()
    assert isinstance(meta, CatalogMeta)
    assert meta.catalog_revision == catalog.revision().revision
    assert meta.schema_revision == catalog.health().head_revision
    assert meta.sources and [s.key for s in meta.sources] == sorted(s.key for s in meta.sources)
    assert meta.counts["models"] == len(catalog.models())
    assert meta.counts["offerings"] == sum(meta.offerings_by_serving_mode.values())
    assert meta.counts["offerings"] == sum(meta.offerings_by_task.values())
    assert meta.counts["sources"] == len(meta.sources)
    assert set(meta.offerings_by_serving_mode) <= {m.value for m in ServingMode}


# -- deprecations ---------------------------------------------------------------------------------


def test_deprecations_list_retired_and_retiring_soonest_first(catalog: Catalog) -> None:
    found = catalog.deprecations(as_of="2025-04-01", within_days=60)
    assert found and all(isinstance(d, Deprecation) for d in found)
    assert [d.retired_from for d in found] == sorted(d.retired_from for d in found)
    assert all(d.days == (d.retired_from - dt.date(2025, 4, 1)).days for d in found)
    assert all(d.days <= 60 for d in found)
    assert all((d.status is OfferingStatus.retired) == (d.days <= 0) for d in found)


def test_a_deprecation_says_what_its_date_means_and_what_replaces_it(catalog: Catalog) -> None:
    (dbrx,) = [
        d
        for d in catalog.deprecations(as_of="2025-04-01", within_days=60, provider="databricks")
        if d.model == "DBRX Instruct" and d.serving_mode is ServingMode.pay_per_token
    ]
    assert (dbrx.date, dbrx.meaning) == (dt.date(2025, 4, 30), DateMeaning.last)
    assert dbrx.retired_from == dt.date(2025, 5, 1) and dbrx.days == 30
    assert (dbrx.replacement_model, dbrx.replacement_provider) == (
        "Meta-Llama-3.3-70B-Instruct",
        "databricks",
    )


def test_the_window_decides_what_is_retiring(catalog: Catalog) -> None:
    narrow = catalog.deprecations(as_of="2025-04-01", within_days=0)
    wide = catalog.deprecations(as_of="2025-04-01", within_days=60)
    assert set(narrow) < set(wide)
    assert all(d.status is OfferingStatus.retired or d.days == 0 for d in narrow)


def test_deprecations_filter_by_provider(catalog: Catalog) -> None:
    found = catalog.deprecations(as_of="2026-01-01", provider="OpenAI")
    assert found and {d.provider for d in found} == {"openai"}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"within_days": -1}, "within_days"), ({"provider": "acme"}, "provider")],
)
def test_bad_deprecation_arguments_name_the_parameter(
    catalog: Catalog, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        catalog.deprecations(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_cli_deprecations_table_and_json_agree(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("deprecations", "--as-of", "2025-04-01", "--within-days", "60")
    code, out, _ = run(capsys, *args, "--database-url", seeded_url)
    assert code == 0
    assert "DBRX Instruct" in out and "last day 2025-04-30" in out and "in 30 days" in out
    table_rows = out.strip().splitlines()[2:]  # after the header and its rule
    code, out, _ = run(capsys, *args, "--database-url", seeded_url, "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == len(table_rows)
    assert [row.split()[0] for row in table_rows] == [r["model"].split()[0] for r in rows]


def test_cli_deprecations_refuse_a_negative_window(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "deprecations", "--within-days", "-1", "--database-url", seeded_url)
    assert code == 2 and "--within-days" in err and len(err.strip().splitlines()) == 1
