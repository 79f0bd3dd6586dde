"""Opening a ready catalog and resolving a name imports no loader: what `check` pays at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from catalog import Catalog

PROBE = """
import json, sys
from catalog import Catalog
with Catalog.open() as catalog:
    catalog.resolve("gpt-4o")
print(json.dumps(sorted(sys.modules)))
"""
LOADER_ONLY = ("alembic", "catalog.seed", "ruamel", "yaml")


def test_a_read_only_open_imports_no_alembic_and_no_seed_loader(isolated_home: Path) -> None:
    Catalog.open().close()  # the embedded catalog exists before the probe opens it
    env = {**os.environ, "XDG_DATA_HOME": str(isolated_home)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    modules = json.loads(probe.stdout)
    assert "catalog.library" in modules and "catalog.store.read" in modules
    loaded = [m for m in modules if m.split(".")[0] in LOADER_ONLY or m.startswith(LOADER_ONLY)]
    assert loaded == []


def test_the_first_open_still_builds_the_embedded_catalog(isolated_home: Path) -> None:
    """The loader imported on demand: a new machine gets a whole catalog on first use."""
    env = {**os.environ, "XDG_DATA_HOME": str(isolated_home)}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert "catalog.seed.load" in json.loads(probe.stdout)
    with Catalog.open() as catalog:
        assert len(catalog.snapshot().models) > 90
