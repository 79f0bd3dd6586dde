"""`Catalog.meta()` describes one revision: the snapshot's, with that revision's counts."""

from __future__ import annotations

from pathlib import Path

from catalog import Catalog

from conftest import TEST_DATA

MINI = TEST_DATA / "mini_seed.yaml"
EXTRA_MODEL = """
  - name: Extra Model
    publisher: acme
    source: test-source
    offerings:
      - provider: databricks
        mode: pay_per_token
        tasks: [chat]
        endpoint: databricks-extra-model
        source: test-source
        lifecycle: {basis: active, source: test-source}
"""


def test_meta_counts_are_the_snapshots(catalog: Catalog) -> None:
    meta, snapshot = catalog.meta(), catalog.snapshot()
    assert meta.catalog_revision == snapshot.revision
    assert meta.counts["models"] == len(snapshot.models)
    assert meta.counts["offerings"] == snapshot.offering_count
    assert meta.counts["providers"] == len(snapshot.providers)
    assert meta.counts["architectures"] == len(snapshot.architectures)


def test_meta_after_a_load_never_pairs_the_old_snapshot_with_new_counts(
    migrated_url: str, tmp_path: Path
) -> None:
    # A long revision check: the reader still holds revision 1 when revision 2 commits.
    reader = Catalog.open(migrated_url, prepare=False, revision_check_seconds=3600)
    writer = Catalog.open(migrated_url, prepare=False)
    try:
        writer.load(MINI)
        held = reader.snapshot()
        assert (held.revision, len(held.models)) == (1, 3)
        grown = tmp_path / "grown.yaml"
        grown.write_text(MINI.read_text() + EXTRA_MODEL)
        assert writer.load(grown).revision == 2

        # meta describes the revision every other verb answers from: the held one, whole
        meta = reader.meta()
        assert (meta.catalog_revision, meta.counts["models"], meta.counts["offerings"]) == (1, 3, 4)
        assert meta.counts["catalog_revisions"] == 1
        assert [r.revision for r in reader.revisions()] == [1]

        reader.revision_check_seconds = 0  # the next call rechecks, and moves on
        meta = reader.meta()
        assert meta.catalog_revision == 2
        assert meta.counts["models"] == 4
        assert meta.counts["offerings"] == sum(meta.offerings_by_serving_mode.values()) == 5
        assert meta.counts["catalog_revisions"] == 2
        assert [r.revision for r in reader.revisions()] == [2, 1]
        latest = writer.snapshot()
        assert (meta.catalog_revision, meta.loaded_at) == (latest.revision, latest.loaded_at)
    finally:
        reader.close()
        writer.close()


def test_meta_counts_equal_a_count_of_every_table(catalog: Catalog) -> None:
    """The sizes the snapshot read counts as it goes are what COUNT(*) says, table by table,
    and name every catalog table."""
    from catalog.store.db import session_scope
    from catalog.store.read import table_counts

    with session_scope(catalog.engine) as session:
        expected = table_counts(session)
    assert catalog.meta().counts == expected
    assert list(catalog.meta().counts) == list(expected)  # in the schema's table order


def test_meta_never_queries_the_database(catalog: Catalog) -> None:
    """Once the snapshot is read, meta and the newest revisions are answered without a query,
    so a server answers them even while its database hangs."""
    from sqlalchemy import event

    catalog.snapshot()
    catalog.revision_check_seconds = 3600
    statements: list[str] = []
    record = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(catalog.engine, "before_cursor_execute", record)
    try:
        meta = catalog.meta()
        revisions = catalog.revisions()
    finally:
        event.remove(catalog.engine, "before_cursor_execute", record)
    assert statements == []
    assert meta.schema_revision == "0004" and meta.sources
    assert [r.revision for r in revisions] == [meta.catalog_revision]


def test_a_long_history_reads_past_the_kept_revisions(migrated_url: str, tmp_path: Path) -> None:
    from catalog.core.records import KEPT_REVISIONS

    catalog = Catalog.open(migrated_url, prepare=False, revision_check_seconds=0)
    try:
        for number in range(KEPT_REVISIONS + 2):  # each a change: another extra model
            seed = tmp_path / f"seed-{number}.yaml"
            extra = EXTRA_MODEL.replace("Extra Model", f"Extra Model {number}")
            seed.write_text(MINI.read_text() + extra.replace("extra-model", f"extra-{number}"))
            catalog.load(seed)
        snapshot = catalog.snapshot()
        assert len(snapshot.facts.revisions) == KEPT_REVISIONS
        assert snapshot.facts.revision_count == KEPT_REVISIONS + 2
        history = catalog.revisions(limit=KEPT_REVISIONS + 5)
        assert [r.revision for r in history] == list(range(snapshot.revision, 0, -1))
    finally:
        catalog.close()
