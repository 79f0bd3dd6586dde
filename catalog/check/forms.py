"""How code and tools write a provider's model: prefixes and shapes around the bare name.

A small table, kept here until the catalog carries provider name forms as data (issue 8):
then `read_form` is the one function to replace. A form decides the provider; a token with
a prefix that is no known form is not read as a reference at all (`gemini/...`,
`prompts/gpt-4.txt`), never as a silent match on the bare name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Form:
    """What a form read: the provider it names and where the bare name sits in the token."""

    label: str
    provider: str
    start: int  # the bare name's span inside the token
    end: int


# Literal prefixes, longest first where one is the start of another. (prefix, provider, label)
PREFIXES: tuple[tuple[str, str, str], ...] = (
    ("azure/global/", "azure-openai", "litellm"),
    ("azure/us/", "azure-openai", "litellm"),
    ("azure/eu/", "azure-openai", "litellm"),
    ("azure/", "azure-openai", "litellm"),
    ("azure_openai:", "azure-openai", "langchain"),
    ("openai/", "openai", "litellm"),
    ("text-completion-openai/", "openai", "litellm"),
    ("openai:", "openai", "langchain"),
    ("anthropic/", "anthropic", "litellm"),
    ("anthropic:", "anthropic", "langchain"),
    ("cohere_chat/", "cohere", "litellm"),
    ("cohere/", "cohere", "litellm"),
    ("cohere:", "cohere", "langchain"),
    ("bedrock/converse/", "amazon-bedrock", "litellm"),
    ("bedrock/", "amazon-bedrock", "litellm"),
    ("bedrock_converse:", "amazon-bedrock", "langchain"),
    ("bedrock:", "amazon-bedrock", "langchain"),
    ("vertex_ai/", "google-cloud-vertex-ai", "litellm"),
    ("google_vertexai:", "google-cloud-vertex-ai", "langchain"),
    ("databricks/", "databricks", "litellm"),
    ("databricks:", "databricks", "langchain"),
    ("endpoints:/", "databricks", "mlflow"),
    ("ai21/", "ai21labs", "litellm"),
    ("ai21:", "ai21labs", "langchain"),
)

# Shapes with a variable part; each has one group, `name`. Matched on the lowercased token.
SHAPES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (  # Bedrock cross-region inference profiles: us.anthropic.claude-...-v2:0
        re.compile(
            r"(?:us|eu|apac|global|us-gov|ca|jp|au)\."
            r"(?P<name>(?:anthropic|cohere|ai21|amazon|meta|mistral)\..+)"
        ),
        "amazon-bedrock",
        "bedrock profile",
    ),
    (
        re.compile(
            r"arn:aws:bedrock:[a-z0-9-]*:\d*:(?:foundation-model|inference-profile)/(?P<name>.+)"
        ),
        "amazon-bedrock",
        "bedrock arn",
    ),
    (  # Databricks serving URLs
        re.compile(r"(?:https?://[^/]+)?/serving-endpoints/(?P<name>[^/]+)(?:/invocations)?"),
        "databricks",
        "serving url",
    ),
    (  # Vertex publisher paths
        re.compile(r"(?:[^\s]*/)?publishers/google/models/(?P<name>[^/:@]+(?:@[a-z0-9]+)?)"),
        "google-cloud-vertex-ai",
        "vertex path",
    ),
)


def read_form(token: str) -> Form | None:
    """The provider form `token` is written in, if any (one prefix, then perhaps a shape)."""
    lowered = token.lower()
    for prefix, provider, label in PREFIXES:
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            inner = _shape(lowered[len(prefix) :])
            if inner is not None:  # bedrock/us.anthropic....: the outer prefix decides
                return Form(
                    f"{label} {prefix}",
                    provider,
                    len(prefix) + inner.start,
                    inner.end + len(prefix),
                )
            return Form(f"{label} {prefix}", provider, len(prefix), len(token))
    return _shape(lowered)


def _shape(lowered: str) -> Form | None:
    for pattern, provider, label in SHAPES:
        found = pattern.fullmatch(lowered)
        if found is not None:
            return Form(label, provider, found.start("name"), found.end("name"))
    return None
