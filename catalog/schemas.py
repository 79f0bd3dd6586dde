"""The public result types, shared by the library, the CLI's `--json` and the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalog.vocabulary import (
    DateMeaning,
    LifecycleBasis,
    OfferingStatus,
    ResolutionStatus,
    Rule,
    ServingMode,
    Task,
    VersionShape,
)


class Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourceRef(Public):
    key: str
    title: str
    verified: bool
    url: str | None = None
    read_on: dt.date | None = None


class LifecycleDate(Public):
    on: dt.date
    meaning: DateMeaning
    source: SourceRef
    note: str | None = None


class Lifecycle(Public):
    """Dates with their meanings, and the status they give on `as_of`."""

    as_of: dt.date
    status: OfferingStatus
    retired_from: dt.date | None = None
    basis: LifecycleBasis | None = None
    basis_source: SourceRef | None = None
    deprecated_on: dt.date | None = None
    deprecated_source: SourceRef | None = None
    deprecated_note: str | None = None
    retires: LifecycleDate | None = None
    also_reported: list[LifecycleDate] = Field(default_factory=list)
    note: str | None = None


class ReplacementInfo(Public):
    model: str
    provider: str
    serving_mode: ServingMode
    effective_on: dt.date | None = None
    reason: str | None = None
    source: SourceRef


class OfferingInfo(Public):
    model: str
    provider: str
    serving_mode: ServingMode
    task: Task
    endpoint_type: str
    endpoint_name: str | None = None
    bedrock_provider: str | None = None
    notes: str | None = None
    source: SourceRef
    lifecycle: Lifecycle
    replaced_by: list[ReplacementInfo] = Field(default_factory=list)


class AliasInfo(Public):
    name: str
    kind: str


class VersionInfo(Public):
    """A provider's version of a model; `lifecycle` is its own where a source gives one."""

    version: str
    name: str
    provider: str
    shape: VersionShape
    source: SourceRef
    own_lifecycle: bool
    lifecycle: Lifecycle | None = None
    note: str | None = None


class ModelInfo(Public):
    name: str
    display_name: str | None = None
    publisher: str
    family: str | None = None
    architecture: str | None = None
    license: str | None = None
    embeddings_normalized: bool | None = None
    notes: str | None = None
    source: SourceRef
    aliases: list[AliasInfo] = Field(default_factory=list)
    offerings: list[OfferingInfo] = Field(default_factory=list)
    version_shapes: list[VersionShape] = Field(default_factory=list)
    versions: list[VersionInfo] = Field(default_factory=list)


class ProviderInfo(Public):
    slug: str
    name: str
    config_provider: str | None = None
    openai_api_type: str | None = None
    custom_model_tasks: list[Task] = Field(default_factory=list)
    note: str | None = None
    source: SourceRef
    model_count: int


class ArchitectureInfo(Public):
    name: str
    publisher: str
    tasks: list[Task]
    license: str | None = None
    embeddings_normalized: bool | None = None
    aliases: list[str] = Field(default_factory=list)
    notes: str | None = None
    source: SourceRef


class RevisionInfo(Public):
    revision: int
    loaded_at: dt.datetime | None = None
    models: int
    offerings: int


class ResolveRequest(Public):
    name: str
    task: Task | None = None
    serving_mode: ServingMode | None = None
    provider: str | None = None
    as_of: dt.date


class Hop(Public):
    """One step of a replacement chain: which offering handed over to which, and from when."""

    from_model: str
    to_model: str
    provider: str
    serving_mode: ServingMode
    task: Task
    effective_on: dt.date | None = None
    reason: str | None = None
    source: SourceRef


class Notice(Public):
    """A warning or note. `options` names request fields (and values) that act on it, so each
    face can say them its own way: `--serving-mode provisioned_throughput`, `serving_mode=...`."""

    code: str
    message: str
    options: dict[str, str] = Field(default_factory=dict)


class Candidate(Public):
    """An offering that fits the request (ambiguous) or that the model does offer (unsupported)."""

    model: str
    provider: str
    serving_mode: ServingMode
    task: Task
    endpoint_type: str
    endpoint_name: str | None = None
    status: OfferingStatus
    decided_by: dict[str, str] = Field(default_factory=dict)


class NameFormInfo(Public):
    """The form a name was written in (`azure/`, `endpoints:/`, a Bedrock ARN) and what it said."""

    form: str
    kind: str  # "prefix" or "pattern"
    tool: str
    label: str  # how messages name it: "LiteLLM's azure/ form", "AWS ARN form"
    provider: str | None = None  # the catalog provider the form decides
    outside: str | None = None  # a provider the catalog does not cover
    name: str  # the name read inside the form
    source: SourceRef


class Resolution(Public):
    """The answer to "what do I use for this name, task, mode and provider on this date"."""

    request: ResolveRequest
    status: ResolutionStatus
    rule: Rule | None = None
    message: str
    matched: str | None = None
    model: str | None = None
    provider: str | None = None
    serving_mode: ServingMode | None = None
    task: Task | None = None
    endpoint_type: str | None = None
    endpoint_name: str | None = None
    since: dt.date | None = None
    retires_on: dt.date | None = None
    chain: list[Hop] = Field(default_factory=list)
    warnings: list[Notice] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    # the request fields that would choose among the candidates (`provider`, `serving_mode`, `task`)
    decided_by: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    config: dict[str, Any] | None = None
    # how the name was written, when a provider form wrapped it
    name_form: NameFormInfo | None = None
    # the provider's version the name carries (`0613`, `2024-08-06`, `002`), when it carries one
    version: str | None = None
