"""model-catalog: foundation models, where they are served, and what replaces them.

>>> from catalog import Catalog
>>> catalog = Catalog.open()          # the embedded SQLite catalog, seeded on first use
>>> catalog.resolve("databricks-dbrx-instruct").status
"""

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
