"""The fixed words of the domain: tasks, serving modes, lifecycle meanings, statuses.

They live in code because the resolver's rules depend on them; the seed file
describes them (names, endpoint types) and the loader refuses any other value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

# Identifier shapes, shared by the seed file's validation and the database's column sizes.
SLUG_MAX_LENGTH = 64
NAME_MAX_LENGTH = 200
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH)]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)
]


class Task(StrEnum):
    chat = "chat"
    completions = "completions"
    embeddings = "embeddings"

    @property
    def endpoint_type(self) -> str:
        return _ENDPOINT_TYPES[self]


_ENDPOINT_TYPES = {task: f"llm/v1/{task.value}" for task in Task}


class ServingMode(StrEnum):
    pay_per_token = "pay_per_token"
    provisioned_throughput = "provisioned_throughput"
    external = "external"


class DateMeaning(StrEnum):
    """What a retirement date means, as the provider states it: the one definition.

    `core.lifecycle.retired_from` turns a date and its meaning into the first day without the
    offering; `describe` says it in words for every face.
    """

    last = "last"  # last day available: retired from the next day
    gone = "gone"  # first day unavailable (a shutdown date)
    by = "by"  # unavailable by that date; the exact day is unstated
    not_before = "not_before"  # the provider promises availability until at least then

    @property
    def describe(self) -> str:
        return _MEANING_TEXT[self]


_MEANING_TEXT = {
    DateMeaning.last: "last day available; retired from the next day",
    DateMeaning.gone: "first day unavailable",
    DateMeaning.by: "unavailable by this date; the exact day is not stated",
    DateMeaning.not_before: "available until at least this date",
}


def sql_choices(values: type[StrEnum]) -> str:
    """`('a', 'b')`: an enum's values for a CHECK constraint, so the database and code agree."""
    return "(" + ", ".join(f"'{value.value}'" for value in values) + ")"


class LifecycleBasis(StrEnum):
    """What is known when no date decides: a source says it is current, or nothing is known."""

    active = "active"
    unknown = "unknown"


class OfferingStatus(StrEnum):
    active = "active"
    deprecated = "deprecated"
    retired = "retired"
    unknown = "unknown"


class Rule(StrEnum):
    listed = "listed"
    alias = "alias"
    custom = "custom"
    inferred = "inferred"
    architecture = "architecture"


class ProviderRule(StrEnum):
    """What chose the provider when a name fits offerings at several and the request named none
    (no provider given, no provider form such as `azure/`)."""

    publisher_api = "publisher_api"  # the model's publisher's own API: the seed's `own_provider`

    @property
    def describe(self) -> str:
        return "the publisher's own API"


class ResolutionStatus(StrEnum):
    ok = "ok"
    replaced = "replaced"
    retired = "retired"
    ambiguous = "ambiguous"
    unsupported = "unsupported"
    unknown = "unknown"


class AliasKind(StrEnum):
    display = "display"
    translated = "translated"
    prefixed = "prefixed"
    latest = "latest"
    endpoint = "endpoint"
    other = "other"


class VersionShape(StrEnum):
    """How a provider writes a version after a family's name; a family lists the shapes it uses.

    A suffix is read as a version only for a family that declares its shape, so that
    `text-embedding-3-large-256` is never `text-embedding-3-large` at version 256.
    """

    date = "date"  # gpt-4o-2024-08-06 (OpenAI and Azure dated snapshots)
    mmdd = "mmdd"  # gpt-35-turbo-0613 (Azure and older OpenAI versions)
    three_digit = "three_digit"  # gemini-1.5-pro-002 (Vertex stable versions)
    at = "at"  # textembedding-gecko@003 (Vertex PaLM-era versions)
    revision = "revision"  # claude-v2:1 (Bedrock model revisions)

    @property
    def joiner(self) -> str:
        """What stands between the family's name and the version."""
        return {"at": "@", "revision": ":"}.get(self.value, "-")

    @property
    def version_pattern(self) -> str:
        """A regular expression for the version itself (without the joiner)."""
        return _VERSION_PATTERNS[self]


_VERSION_PATTERNS = {
    VersionShape.date: r"\d{4}-\d{2}-\d{2}",
    VersionShape.mmdd: r"\d{4}",
    VersionShape.three_digit: r"\d{3}",
    VersionShape.at: r"\d{3}",
    VersionShape.revision: r"\d+",
}


class FindingLevel(StrEnum):
    """How serious a reference found by `check` is, least serious first."""

    ok = "ok"
    # usable where a bare name is read (the publisher's own API), but retired, retiring or
    # deprecated at another provider that serves the same name: a warning, never an error
    other_provider = "other_provider"
    deprecated = "deprecated"
    retiring = "retiring"
    retired = "retired"
    denied = "denied"  # the organisation's own deny list

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {
    FindingLevel.ok: 0,
    FindingLevel.other_provider: 1,
    FindingLevel.deprecated: 1,
    FindingLevel.retiring: 2,
    FindingLevel.retired: 3,
    FindingLevel.denied: 3,
}


class FailOn(StrEnum):
    """The least serious level that makes `check` exit 1."""

    retired = "retired"
    retiring = "retiring"
    deprecated = "deprecated"
    never = "never"

    @property
    def threshold(self) -> int | None:
        return {"retired": 3, "retiring": 2, "deprecated": 1, "never": None}[self.value]
