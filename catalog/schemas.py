"""The public result types, shared by the library, the CLI's `--json` and the REST API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from catalog.vocabulary import (
    DateMeaning,
    FailOn,
    FindingLevel,
    LifecycleBasis,
    OfferingStatus,
    ProviderRule,
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


class ModelListPage(Public):
    """One page of `Catalog.models_page`: list order is by name, case-insensitively."""

    models: list[ModelInfo]
    count: int  # how many models pass the filters, over all pages
    next_after: tuple[str, str] | None = None  # pass as `after` for the next page; None: last


class ProviderNameForm(Public):
    """One way code and tools write this provider's model names (`azure/`, `openai:`, an ARN)."""

    form: str
    kind: str  # "prefix" or "pattern" (a regular expression with a group `name`)
    tool: str
    label: str  # how messages name it: "LiteLLM's azure/ form", "AWS ARN form"
    serving_mode: ServingMode | None = None  # the serving mode the form implies, if any
    note: str | None = None
    source: SourceRef


class ProviderInfo(Public):
    slug: str
    name: str
    config_provider: str | None = None
    openai_api_type: str | None = None
    custom_model_tasks: list[Task] = Field(default_factory=list)
    custom_naming: str | None = None  # how the provider names fine-tuned models
    note: str | None = None
    source: SourceRef
    model_count: int
    # the publishers whose own API this is: their bare names read as this provider's
    own_api_of: list[str] = Field(default_factory=list)
    name_forms: list[ProviderNameForm] = Field(default_factory=list)


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


class RevisionEntry(Public):
    """One load that changed the catalog: when, from which seed bytes, and what it changed."""

    revision: int
    loaded_at: dt.datetime
    seed_sha256: str
    summary: str | None = None


class ResolveRequest(Public):
    name: str
    task: Task | None = None
    serving_mode: ServingMode | None = None
    provider: str | None = None
    as_of: dt.date
    # True: a name written with no provider that several providers serve stays `ambiguous`
    # (by default it reads as the publisher's own API, where the catalog names one)
    strict_provider: bool = False


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
    face can say them its own way: `--serving-mode provisioned_throughput`, `serving_mode=...`;
    None when none does (a None default keeps the many notices per resolve cheap to build)."""

    code: str
    message: str
    options: dict[str, str] | None = None


class Candidate(Public):
    """An offering that fits the request (ambiguous), that the model does offer (unsupported),
    or that fits at another provider than the one the publisher's own API decided."""

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
    decided_by: tuple[str, ...] = ()  # a tuple: an immutable default costs nothing to build
    suggestions: list[str] = Field(default_factory=list)
    config: dict[str, Any] | None = None
    # how the name was written, when a provider form wrapped it
    name_form: NameFormInfo | None = None
    # the provider's version the name carries (`0613`, `2024-08-06`, `002`), when it carries one
    version: str | None = None
    # what chose the provider when the name fits several and the request named none; the
    # other providers' offerings are then the candidates
    provider_rule: ProviderRule | None = None


# -- the admin verbs: load, health, meta, deprecations ------------------------------------------


class ChangeInfo(Public):
    """One row a load inserted, updated or deleted (or, in a dry run, would)."""

    action: str  # insert, update or delete
    table: str
    description: str


class LoadReport(Public):
    """What `Catalog.load` changed and the catalog revision it left."""

    path: str
    dry_run: bool
    revision: int | None = None
    changes: list[ChangeInfo] = Field(default_factory=list)
    summary: str


class SchemaStatus(Public):
    """The database's schema revision against the one this version needs."""

    current: str | None = None
    head: str
    up_to_date: bool


class Health(Public):
    """Can the catalog be read: database reachable, schema at head, a catalog loaded, and how old."""

    reachable: bool
    schema_current: bool
    schema_revision: str | None = None
    head_revision: str
    catalog_revision: int | None = None
    loaded_at: dt.datetime | None = None
    age_seconds: float | None = None
    problem: str | None = None  # what is wrong and how to fix it; None when healthy

    @property
    def ok(self) -> bool:
        return self.problem is None


class CatalogMeta(Public):
    """Which catalog this is: its revision, the schema, where its facts come from, its size."""

    catalog_revision: int
    loaded_at: dt.datetime | None = None
    schema_revision: str | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)  # rows per table
    offerings_by_serving_mode: dict[str, int] = Field(default_factory=dict)
    offerings_by_task: dict[str, int] = Field(default_factory=dict)


class Deprecation(Public):
    """An offering retired on `as_of`, or retiring within the window after it."""

    model: str
    provider: str
    serving_mode: ServingMode
    task: Task
    endpoint_name: str | None = None
    status: OfferingStatus
    date: dt.date  # the retirement date as the source states it
    meaning: DateMeaning  # what `date` means (see DateMeaning)
    retired_from: dt.date  # the first day without the offering, from `date` and `meaning`
    days: int  # from as_of to retired_from: negative once retired
    replacement_model: str | None = None
    replacement_provider: str | None = None
    replacement_serving_mode: ServingMode | None = None
    # a version of `model` that retires on its own date (Azure's gpt-35-turbo 0613), if it is one
    version: str | None = None


# -- the deprecation check ---------------------------------------------------------------------


class CheckReplacement(Public):
    model: str
    provider: str
    serving_mode: ServingMode
    task: Task
    endpoint_name: str | None = None


class CheckFinding(Public):
    """One reference to a model in a file, with what the catalog says about it on `as_of`."""

    path: str
    line: int  # 1-based; within the cell for a notebook
    column: int  # 1-based, in characters
    end_column: int
    cell: int | None = None  # 1-based notebook cell
    file_line: int | None = None  # for a notebook: where the reference sits in the file's JSON
    file_column: int | None = None
    text: str  # the whole reference as written, prefix included
    name: str  # the name inside it that was resolved
    form: str | None = None  # the provider form that was read (`litellm azure/`, ...)
    level: FindingLevel
    status: ResolutionStatus
    rule: Rule | None = None
    model: str | None = None
    provider: str | None = None
    serving_mode: ServingMode | None = None
    task: Task | None = None
    endpoint_name: str | None = None
    retired_from: dt.date | None = None
    retires_on: dt.date | None = None
    retires_meaning: DateMeaning | None = None
    deprecated_on: dt.date | None = None
    replacement: CheckReplacement | None = None
    message: str
    fix: str | None = None  # the text `--fix` writes instead of `text`
    fix_note: str | None = None  # why a retired reference is not fixed automatically
    fixed: bool = False  # `--fix` wrote the fix (a fixed finding no longer fails the check)


class FileFix(Public):
    path: str
    replacements: int
    diff: str
    written: bool


class SkippedFile(Public):
    """A file the check did not read: a gate that passes must say what it left out."""

    path: str
    reason: str  # a short sentence: "over the 2,000,000-byte limit"
    bytes: int | None = None  # its size, when known (not for standard input)


class CheckReport(Public):
    as_of: dt.date
    warn_within: int
    fail_on: FailOn
    fail_on_skipped: bool = False  # a skipped file fails the check too
    catalog_revision: int | None = None
    files_scanned: int
    findings: list[CheckFinding] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)  # in the order they were met
    suppressed: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    fixes: list[FileFix] = Field(default_factory=list)
    failed: bool = False
