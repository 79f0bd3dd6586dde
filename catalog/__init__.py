"""model-catalog: foundation models, where they are served, and what replaces them.

Usage: `Catalog.open()` (the embedded SQLite catalog, seeded on first use), then
`catalog.resolve("databricks-dbrx-instruct")`, `catalog.models(provider="openai")`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog.errors import (
        CatalogError,
        DatabaseUnavailable,
        InvalidArgument,
        NotFound,
        NotLoaded,
        SchemaOutOfDate,
        SeedError,
    )
    from catalog.library import Catalog
    from catalog.schemas import (
        ArchitectureInfo,
        Candidate,
        Hop,
        Lifecycle,
        ModelInfo,
        Notice,
        OfferingInfo,
        ProviderInfo,
        Resolution,
        RevisionInfo,
    )
    from catalog.vocabulary import OfferingStatus, ResolutionStatus, Rule, ServingMode, Task

__all__ = [
    "ArchitectureInfo",
    "Candidate",
    "Catalog",
    "CatalogError",
    "DatabaseUnavailable",
    "Hop",
    "InvalidArgument",
    "Lifecycle",
    "ModelInfo",
    "NotFound",
    "NotLoaded",
    "Notice",
    "OfferingInfo",
    "OfferingStatus",
    "ProviderInfo",
    "Resolution",
    "ResolutionStatus",
    "RevisionInfo",
    "Rule",
    "SchemaOutOfDate",
    "SeedError",
    "ServingMode",
    "Task",
]

_HOME = {
    "Catalog": "catalog.library",
    **{
        name: "catalog.errors"
        for name in (
            "CatalogError",
            "DatabaseUnavailable",
            "InvalidArgument",
            "NotFound",
            "NotLoaded",
            "SchemaOutOfDate",
            "SeedError",
        )
    },
    **{
        name: "catalog.schemas"
        for name in (
            "ArchitectureInfo",
            "Candidate",
            "Hop",
            "Lifecycle",
            "ModelInfo",
            "Notice",
            "OfferingInfo",
            "ProviderInfo",
            "Resolution",
            "RevisionInfo",
        )
    },
    **{
        name: "catalog.vocabulary"
        for name in (
            "OfferingStatus",
            "ResolutionStatus",
            "Rule",
            "ServingMode",
            "Task",
        )
    },
}


def __getattr__(name: str) -> Any:
    """Import on first use: `import catalog` stays cheap for the CLI and for embedding tools."""
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'catalog' has no attribute {name!r}")
