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

        meta = reader.meta()
        assert meta.catalog_revision == 2
        assert meta.counts["models"] == 4
        assert meta.counts["offerings"] == sum(meta.offerings_by_serving_mode.values()) == 5
        latest = writer.snapshot()
        assert (meta.catalog_revision, meta.loaded_at) == (latest.revision, latest.loaded_at)
    finally:
        reader.close()
        writer.close()
