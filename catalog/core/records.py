"""Plain immutable records of the catalog, the snapshot's building blocks.

They are what the resolver works on: no ORM, no I/O. Tests build them directly to
generate catalogs that no seed file describes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from catalog.vocabulary import DateMeaning, LifecycleBasis, ServingMode, Task, VersionShape


@dataclass(frozen=True, slots=True)
class SourceRec:
    key: str
    title: str
    verified: bool
    url: str | None = None
    read_on: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReportRec:
    """A second, disagreeing or regional retirement date, kept for display."""

    on: dt.date
    meaning: DateMeaning
    source: SourceRec
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ReplacementRec:
    model: str
    provider: str
    mode: ServingMode
    source: SourceRec
    effective_on: dt.date | None = None
    reason: str | None = None


class OfferingRec(NamedTuple):
    """A named tuple, not a frozen dataclass: a catalog of 100,000 models builds 135,000 of
    these, and a tuple is made ten times faster while staying just as immutable."""

    model: str
    provider: str
    mode: ServingMode
    task: Task
    source: SourceRec
    endpoint_name: str | None = None
    bedrock_provider: str | None = None
    notes: str | None = None
    lifecycle_basis: LifecycleBasis | None = None
    lifecycle_source: SourceRec | None = None
    lifecycle_note: str | None = None
    deprecated_on: dt.date | None = None
    deprecated_source: SourceRec | None = None
    deprecated_note: str | None = None
    retires_on: dt.date | None = None
    retires_meaning: DateMeaning | None = None
    retires_source: SourceRec | None = None
    retires_note: str | None = None
    reports: tuple[ReportRec, ...] = ()
    replacements: tuple[ReplacementRec, ...] = ()

    @property
    def identity(self) -> tuple[str, str, ServingMode, Task]:
        return (self.model, self.provider, self.mode, self.task)


class ModelRec(NamedTuple):
    """A named tuple for the same reason as `OfferingRec`."""

    name: str
    key: str
    publisher: str
    source: SourceRec
    offerings: tuple[OfferingRec, ...]
    display_name: str | None = None
    family: str | None = None
    architecture: str | None = None
    license: str | None = None
    embeddings_normalized: bool | None = None
    notes: str | None = None
    aliases: tuple[tuple[str, str], ...] = ()  # (alias, kind)
    version_shapes: tuple[VersionShape, ...] = ()
    versions: tuple[VersionRec, ...] = ()


@dataclass(frozen=True, slots=True)
class ProviderRec:
    slug: str
    name: str
    source: SourceRec
    config_provider: str | None = None
    openai_api_type: str | None = None
    custom_tasks: tuple[Task, ...] = ()
    custom_source: SourceRec | None = None
    note: str | None = None
    custom_naming: str | None = None  # how the provider names fine-tuned models
    custom_pattern: str | None = None  # what such a name must look like, as a regular expression


@dataclass(frozen=True, slots=True)
class ArchitectureRec:
    name: str
    key: str
    publisher: str
    tasks: tuple[Task, ...]
    source: SourceRec
    license: str | None = None
    embeddings_normalized: bool | None = None
    notes: str | None = None
    aliases: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PublisherRec:
    slug: str
    name: str
    own_provider: str | None = None  # the provider that is its own API (a bare name reads as it)


@dataclass(frozen=True, slots=True)
class VersionRec:
    """A provider's version of a model (`gpt-35-turbo` at Azure, version 0613)."""

    model: str
    provider: str
    version: str
    shape: VersionShape
    name: str  # as written: gpt-35-turbo-0613
    source: SourceRec
    own_lifecycle: bool  # False: the offering's lifecycle covers this version
    note: str | None = None
    lifecycle_basis: LifecycleBasis | None = None
    lifecycle_source: SourceRec | None = None
    lifecycle_note: str | None = None
    deprecated_on: dt.date | None = None
    deprecated_source: SourceRec | None = None
    deprecated_note: str | None = None
    retires_on: dt.date | None = None
    retires_meaning: DateMeaning | None = None
    retires_source: SourceRec | None = None
    retires_note: str | None = None

    def applied_to(self, offering: OfferingRec) -> OfferingRec:
        """The offering as this version lives it: the version's own dates where it has them."""
        if not self.own_lifecycle:
            return offering
        return offering._replace(
            lifecycle_basis=self.lifecycle_basis,
            lifecycle_source=self.lifecycle_source,
            lifecycle_note=self.lifecycle_note,
            deprecated_on=self.deprecated_on,
            deprecated_source=self.deprecated_source,
            deprecated_note=self.deprecated_note,
            retires_on=self.retires_on,
            retires_meaning=self.retires_meaning,
            retires_source=self.retires_source,
            retires_note=self.retires_note,
            reports=(),
        )


@dataclass(frozen=True, slots=True)
class NameFormRec:
    """A way code and tools write a provider's model names (`azure/`, `endpoints:/`, an ARN)."""

    kind: str  # "prefix" or "pattern" (a regular expression with a group `name`)
    form: str
    tool: str
    source: SourceRec
    provider: str | None = None  # a catalog provider's slug
    outside: str | None = None  # a provider the catalog does not cover
    mode: ServingMode | None = None  # the serving mode the form implies, if any
    note: str | None = None

    @property
    def label(self) -> str:
        """How messages name the form: `LiteLLM's azure/ form`, `AWS ARN form`."""
        return f"{self.tool}'s {self.form} form" if self.kind == "prefix" else f"{self.tool} form"


@dataclass(frozen=True, slots=True)
class RevisionRec:
    """One load that changed the catalog."""

    revision: int
    loaded_at: dt.datetime
    seed_sha256: str
    summary: str | None = None


KEPT_REVISIONS = 50  # the newest revisions a snapshot keeps, for the change feed


@dataclass(frozen=True, slots=True)
class CatalogFacts:
    """What a snapshot read learns about the database besides the catalog itself, in the same
    transaction: what `meta` and the change feed show, so that neither asks the database
    again (a request then never waits on it, whatever state it is in)."""

    schema_revision: str | None = None
    sources: tuple[SourceRec, ...] = ()  # by key
    table_rows: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    revisions: tuple[RevisionRec, ...] = ()  # newest first, at most KEPT_REVISIONS
    revision_count: int = 0
