"""The library's public surface: listed once, importable, typed, versioned in one place."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
from pathlib import Path

import catalog

ROOT = Path(__file__).resolve().parents[1]


def _type_checking_imports() -> dict[str, str]:
    """Name -> module of the `if TYPE_CHECKING:` re-exports in catalog/__init__.py."""
    tree = ast.parse((ROOT / "catalog" / "__init__.py").read_text())
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
    )
    return {
        alias.asname or alias.name: node.module or ""
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_the_public_names_are_listed_once_and_typed_alike() -> None:
    assert _type_checking_imports() == catalog._HOME
    assert set(catalog.__all__) == {"__version__", *catalog._HOME}


def test_every_public_name_comes_from_its_home() -> None:
    for name, home in catalog._HOME.items():
        assert getattr(catalog, name) is getattr(importlib.import_module(home), name), name


def test_the_version_is_written_once() -> None:
    assert catalog.__version__ == importlib.metadata.version("model-catalog")
    assert (
        "version =" not in (ROOT / "pyproject.toml").read_text().split("[project]")[1].split("[")[0]
    )


def test_the_package_ships_its_type_hints() -> None:
    assert (ROOT / "catalog" / "py.typed").is_file()


def test_the_readme_documents_every_public_name() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in catalog._HOME if f"`{name}`" not in readme]
    assert not missing, f"README.md does not mention {missing}"


def test_the_changelog_names_this_version() -> None:
    assert f"## {catalog.__version__}" in (ROOT / "CHANGELOG.md").read_text()
