"""model-catalog: foundation models, where they are served, and what replaces them.

Usage: `Catalog.open()` (the embedded SQLite catalog, seeded on first use), then
`catalog.resolve("databricks-dbrx-instruct")`, `catalog.models(provider="openai")`.

The public API is `_HOME` below: every name in it is importable from `catalog` and stable
across minor versions (see CHANGELOG.md). Everything else is internal.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# The public API, listed once: name -> the module that defines it. Imported on first use, so
# that `import catalog` stays cheap for the CLI and for embedding tools.
_HOME: dict[str, str] = {
    "Catalog": "catalog.library",
    **dict.fromkeys(
        (
            "CatalogError",
            "DatabaseUnavailable",
            "InvalidArgument",
            "NotFound",
            "NotLoaded",
            "SchemaOutOfDate",
            "SeedError",
        ),
        "catalog.errors",
    ),
    **dict.fromkeys(
        (
            "ArchitectureInfo",
            "Candidate",
            "CatalogMeta",
            "ChangeInfo",
            "CheckFinding",
            "CheckReplacement",
            "CheckReport",
            "Deprecation",
            "FileFix",
            "Health",
            "Hop",
            "Lifecycle",
            "LifecycleDate",
            "LoadReport",
            "ModelInfo",
            "ModelListPage",
            "NameFormInfo",
            "Notice",
            "OfferingInfo",
            "ProviderInfo",
            "ReplacementInfo",
            "Resolution",
            "ResolveRequest",
            "RevisionEntry",
            "RevisionInfo",
            "SchemaStatus",
            "SkippedFile",
            "SourceRef",
            "VersionInfo",
        ),
        "catalog.schemas",
    ),
    **dict.fromkeys(
        (
            "DateMeaning",
            "FailOn",
            "FindingLevel",
            "OfferingStatus",
            "ResolutionStatus",
            "Rule",
            "ServingMode",
            "Task",
            "VersionShape",
        ),
        "catalog.vocabulary",
    ),
}

__all__ = ["__version__", *sorted(_HOME)]

if TYPE_CHECKING:  # the same names for type checkers; tests/test_public_api.py keeps them equal
    from catalog.errors import CatalogError as CatalogError
    from catalog.errors import DatabaseUnavailable as DatabaseUnavailable
    from catalog.errors import InvalidArgument as InvalidArgument
    from catalog.errors import NotFound as NotFound
    from catalog.errors import NotLoaded as NotLoaded
    from catalog.errors import SchemaOutOfDate as SchemaOutOfDate
    from catalog.errors import SeedError as SeedError
    from catalog.library import Catalog as Catalog
    from catalog.schemas import ArchitectureInfo as ArchitectureInfo
    from catalog.schemas import Candidate as Candidate
    from catalog.schemas import CatalogMeta as CatalogMeta
    from catalog.schemas import ChangeInfo as ChangeInfo
    from catalog.schemas import CheckFinding as CheckFinding
    from catalog.schemas import CheckReplacement as CheckReplacement
    from catalog.schemas import CheckReport as CheckReport
    from catalog.schemas import Deprecation as Deprecation
    from catalog.schemas import FileFix as FileFix
    from catalog.schemas import Health as Health
    from catalog.schemas import Hop as Hop
    from catalog.schemas import Lifecycle as Lifecycle
    from catalog.schemas import LifecycleDate as LifecycleDate
    from catalog.schemas import LoadReport as LoadReport
    from catalog.schemas import ModelInfo as ModelInfo
    from catalog.schemas import ModelListPage as ModelListPage
    from catalog.schemas import NameFormInfo as NameFormInfo
    from catalog.schemas import Notice as Notice
    from catalog.schemas import OfferingInfo as OfferingInfo
    from catalog.schemas import ProviderInfo as ProviderInfo
    from catalog.schemas import ReplacementInfo as ReplacementInfo
    from catalog.schemas import Resolution as Resolution
    from catalog.schemas import ResolveRequest as ResolveRequest
    from catalog.schemas import RevisionEntry as RevisionEntry
    from catalog.schemas import RevisionInfo as RevisionInfo
    from catalog.schemas import SchemaStatus as SchemaStatus
    from catalog.schemas import SkippedFile as SkippedFile
    from catalog.schemas import SourceRef as SourceRef
    from catalog.schemas import VersionInfo as VersionInfo
    from catalog.vocabulary import DateMeaning as DateMeaning
    from catalog.vocabulary import FailOn as FailOn
    from catalog.vocabulary import FindingLevel as FindingLevel
    from catalog.vocabulary import OfferingStatus as OfferingStatus
    from catalog.vocabulary import ResolutionStatus as ResolutionStatus
    from catalog.vocabulary import Rule as Rule
    from catalog.vocabulary import ServingMode as ServingMode
    from catalog.vocabulary import Task as Task
    from catalog.vocabulary import VersionShape as VersionShape


def __getattr__(name: str) -> Any:
    """Import on first use: `import catalog` stays cheap for the CLI and for embedding tools."""
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'catalog' has no attribute {name!r}")
