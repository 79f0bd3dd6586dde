"""The API's own JSON shapes: list envelopes, the batch request and the one error body.

Everything inside an envelope is a `catalog.schemas` type, so field names match the
library and the CLI's `--json`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from catalog.schemas import ArchitectureInfo, Deprecation, ModelInfo, ProviderInfo, Resolution
from catalog.vocabulary import ServingMode, Task


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True)


class ModelsPage(Envelope):
    """One page of models, in a stable order (by name, case-insensitively)."""

    data: list[ModelInfo]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` for the next page; null on the last page."
    )
    count: int = Field(description="How many models match the filters, over all pages.")


class ProvidersList(Envelope):
    data: list[ProviderInfo]
    count: int


class ProviderDetail(Envelope):
    """A provider, its custom-model rules, and its models grouped by endpoint type."""

    provider: ProviderInfo
    models_by_endpoint_type: dict[str, list[str]]


class TaskTypeInfo(Envelope):
    task: Task
    endpoint_type: str


class TaskTypesList(Envelope):
    data: list[TaskTypeInfo]
    count: int


class ServingModeInfo(Envelope):
    serving_mode: ServingMode
    description: str


class ServingModesList(Envelope):
    data: list[ServingModeInfo]
    count: int


class ArchitecturesList(Envelope):
    data: list[ArchitectureInfo]
    count: int


class ResolveBatch(BaseModel):
    """Many names resolved with the same options against one catalog revision."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "models": ["databricks-dbrx-instruct", "gpt-4o", "claude-2.1"],
                    "as_of": "2026-11-24",
                }
            ]
        },
    )

    models: list[str] = Field(description="Names as code writes them; at most 1,000.")
    task: str | None = Field(
        None, description="chat, completions or embeddings (or `llm/v1/chat` and so on)."
    )
    serving_mode: str | None = Field(
        None, description="pay_per_token, provisioned_throughput or external."
    )
    provider: str | None = Field(None, description="Provider slug or name.")
    as_of: dt.date | None = Field(None, description="Date (YYYY-MM-DD); default today.")
    strict_provider: bool = Field(
        False,
        description=(
            "true: a name that several providers serve needs a provider, else it is ambiguous; "
            "default: it reads as the publisher's own API."
        ),
    )


class ResolutionsList(Envelope):
    data: list[Resolution]
    count: int


class DeprecationsList(Envelope):
    """Retired or retiring offerings, soonest first."""

    data: list[Deprecation]
    count: int


class Liveness(Envelope):
    status: str = "ok"


class ErrorDetail(Envelope):
    status: int
    message: str
    parameter: str | None = Field(None, description="The offending parameter, if one is.")
    suggestions: list[str] = Field(default_factory=list)


class ErrorBody(Envelope):
    """The one error shape of every 4xx and 5xx answer."""

    error: ErrorDetail
