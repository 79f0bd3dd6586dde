"""The shape of `data/seed.yaml`, as Pydantic models.

The file reads like the vendor's tables: one entry per model with its offerings
nested under it. Unknown keys are refused so that a typo never passes silently.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from catalog.core.lifecycle import date_problem
from catalog.core.names import name_key
from catalog.vocabulary import (
    NAME_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    AliasKind,
    DateMeaning,
    LifecycleBasis,
    ServingMode,
    Slug,
    Task,
    VersionShape,
)
from catalog.vocabulary import Name as PlainName

# The same sizes as the database's columns (`catalog.store.models` builds them from these);
# `seed.sync.column_problems` checks every row against the columns themselves as well.
SLUG_LENGTH = SLUG_MAX_LENGTH
NAME_LENGTH = NAME_MAX_LENGTH
ENDPOINT_LENGTH = NAME_MAX_LENGTH


def _has_key(name: str) -> str:
    if not name_key(name):
        raise ValueError("a name needs at least one letter or digit")
    return name


def _computable(day: dt.date) -> dt.date:
    problem = date_problem(day)
    if problem is not None:
        raise ValueError(problem)
    return day


Name = Annotated[PlainName, AfterValidator(_has_key)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Day = Annotated[dt.date, AfterValidator(_computable)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceEntry(Strict):
    key: Slug
    title: Text
    url: str | None = None
    verified: bool
    read_on: Day | None = None
    note: Text | None = None


class TaskTypeEntry(Strict):
    slug: Task
    name: Name
    endpoint_type: Annotated[str, StringConstraints(pattern=r"^llm/v1/[a-z]+$")]

    @model_validator(mode="after")
    def _endpoint_type_matches(self) -> TaskTypeEntry:
        if self.endpoint_type != self.slug.endpoint_type:
            raise ValueError(f"endpoint_type of {self.slug} must be {self.slug.endpoint_type}")
        return self


class ServingModeEntry(Strict):
    slug: ServingMode
    name: Name
    note: Text | None = None


class PublisherEntry(Strict):
    slug: Slug
    name: Name
    # the catalog provider that is the publisher's own first-party API: a model name written
    # with no provider reads as it when several providers serve the name
    own_provider: Slug | None = None


class CustomModelsEntry(Strict):
    tasks: list[Task] = Field(min_length=1)
    source: Slug
    naming: Text | None = None  # how the provider names such models, said in every answer
    pattern: Text | None = None  # a regular expression a custom name must match in full
    note: Text | None = None

    @model_validator(mode="after")
    def _pattern_compiles(self) -> CustomModelsEntry:
        if self.pattern is not None:
            _compile(self.pattern)
        return self


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise ValueError(f"not a regular expression: {error}") from error


class NameFormEntry(Strict):
    """A way code and tools write a provider's model names: a prefix, or a pattern whose group
    `name` is the model name. `outside` names a provider the catalog does not cover."""

    provider: Slug | None = None
    outside: Name | None = None
    prefix: Annotated[str, StringConstraints(min_length=2, max_length=100)] | None = None
    pattern: Text | None = None
    tool: Name
    mode: ServingMode | None = None
    source: Slug
    note: Text | None = None

    @model_validator(mode="after")
    def _one_of_each(self) -> NameFormEntry:
        if (self.provider is None) == (self.outside is None):
            raise ValueError("give exactly one of `provider` (a catalog provider) or `outside`")
        if (self.prefix is None) == (self.pattern is None):
            raise ValueError("give exactly one of `prefix` or `pattern`")
        if self.pattern is not None and "name" not in _compile(self.pattern).groupindex:
            raise ValueError("a name-form pattern needs a group `(?P<name>...)`")
        return self


class ProviderEntry(Strict):
    slug: Slug
    name: Name
    config_provider: Slug | None = None
    openai_api_type: Slug | None = None
    custom_models: CustomModelsEntry | None = None
    source: Slug
    note: Text | None = None


class ArchitectureEntry(Strict):
    name: Name
    publisher: Slug
    tasks: list[Task] = Field(min_length=1)
    license: Text | None = None
    embeddings_normalized: bool | None = None
    aliases: list[Name] = Field(default_factory=list)
    notes: Text | None = None
    source: Slug


class AliasEntry(Strict):
    name: Name
    kind: AliasKind = AliasKind.other


class DatedFact(Strict):
    on: Day
    source: Slug
    note: Text | None = None


class RetirementFact(DatedFact):
    meaning: DateMeaning


class LifecycleEntry(Strict):
    basis: LifecycleBasis | None = None
    source: Slug | None = None
    deprecated: DatedFact | None = None
    retires: RetirementFact | None = None
    also_reported: list[RetirementFact] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="after")
    def _basis_when_undated(self) -> LifecycleEntry:
        if self.retires is None and self.basis is None:
            raise ValueError(
                "give either `retires` or `basis` (active or unknown): "
                "a lifecycle is never silently active"
            )
        if self.basis is not None and self.source is None:
            raise ValueError("`basis` needs a `source`")
        return self


class ReplacementEntry(Strict):
    model: Name
    provider: Slug | None = None
    mode: ServingMode | None = None
    effective: Day | None = None
    reason: Text | None = None
    source: Slug


class VersionEntry(Strict):
    """A provider's version of a model, with its own lifecycle where a source gives one."""

    version: Annotated[str, StringConstraints(pattern=r"^[0-9a-z][0-9a-z-]*$", max_length=32)]
    provider: Slug | None = None  # default: the model's only provider
    shape: VersionShape | None = None  # default: the model's only version shape
    source: Slug
    lifecycle: LifecycleEntry | None = None  # none: the offering's lifecycle covers it
    note: Text | None = None


class OfferingEntry(Strict):
    provider: Slug
    mode: ServingMode
    tasks: list[Task] = Field(min_length=1)
    endpoint: (
        Annotated[
            str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=ENDPOINT_LENGTH)
        ]
        | None
    ) = None
    bedrock_provider: Slug | None = None
    notes: Text | None = None
    source: Slug
    lifecycle: LifecycleEntry
    replaced_by: list[ReplacementEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_endpoint_one_task(self) -> OfferingEntry:
        if self.endpoint is not None and len(self.tasks) != 1:
            raise ValueError("an offering with an endpoint name serves exactly one task")
        return self


class ModelEntry(Strict):
    name: Name
    display_name: Name | None = None
    publisher: Slug
    family: Name | None = None
    architecture: Name | None = None
    license: Text | None = None
    embeddings_normalized: bool | None = None
    notes: Text | None = None
    source: Slug
    aliases: list[AliasEntry | Name] = Field(default_factory=list)
    version_shapes: list[VersionShape] = Field(default_factory=list)
    versions: list[VersionEntry] = Field(default_factory=list)
    offerings: list[OfferingEntry] = Field(min_length=1)


class SeedDocument(Strict):
    sources: list[SourceEntry] = Field(min_length=1)
    task_types: list[TaskTypeEntry] = Field(min_length=1)
    serving_modes: list[ServingModeEntry] = Field(min_length=1)
    publishers: list[PublisherEntry] = Field(min_length=1)
    providers: list[ProviderEntry] = Field(min_length=1)
    architectures: list[ArchitectureEntry] = Field(default_factory=list)
    name_forms: list[NameFormEntry] = Field(default_factory=list)
    models: list[ModelEntry] = Field(min_length=1)
