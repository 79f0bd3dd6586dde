"""Ready-to-use endpoint configuration for a resolved offering; placeholders, never secrets."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from catalog.core.records import ProviderRec
from catalog.vocabulary import Task


def _secret(name: str) -> str:
    return "{{secrets/<scope>/" + name + "}}"


_PROVIDER_CONFIGS: dict[str, tuple[str, dict[str, str]]] = {
    "openai": ("openai_config", {"openai_api_key": _secret("openai-api-key")}),
    "anthropic": ("anthropic_config", {"anthropic_api_key": _secret("anthropic-api-key")}),
    "cohere": ("cohere_config", {"cohere_api_key": _secret("cohere-api-key")}),
    "ai21labs": ("ai21labs_config", {"ai21labs_api_key": _secret("ai21labs-api-key")}),
    "amazon-bedrock": (
        "amazon_bedrock_config",
        {
            "aws_region": "<aws-region>",
            "aws_access_key_id": _secret("aws-access-key-id"),
            "aws_secret_access_key": _secret("aws-secret-access-key"),
        },
    ),
    "google-cloud-vertex-ai": (
        "google_cloud_vertex_ai_config",
        {
            "project_id": "<gcp-project-id>",
            "region": "<gcp-region>",
            "private_key": _secret("vertex-ai-private-key"),
        },
    ),
    "databricks-model-serving": (
        "databricks_model_serving_config",
        {
            "databricks_workspace_url": "https://<workspace-host>",
            "databricks_api_token": _secret("databricks-token"),
        },
    ),
    "custom": (
        "custom_provider_config",
        {
            "custom_provider_url": "https://<openai-compatible-proxy>",
            "api_key_auth": _secret("proxy-api-key"),
        },
    ),
}

_AZURE = {
    "openai_api_type": "azure",
    "openai_api_key": _secret("azure-openai-api-key"),
    "openai_api_base": "https://<resource-name>.openai.azure.com/",
    "openai_deployment_name": "<deployment-name>",
    "openai_api_version": "<api-version>",
}


_NOT_IN_ENTITY_NAMES = re.compile(r"[^A-Za-z0-9_-]+")


@lru_cache(maxsize=4096)
def entity_name(model: str) -> str:
    """A served entity's name: letters, digits, `-` and `_` only."""
    return _NOT_IN_ENTITY_NAMES.sub("-", model).strip("-").lower() or "model"


def external_model_config(
    provider: ProviderRec, model: str, task: Task, bedrock_provider: str | None
) -> dict[str, Any]:
    """The `served_entities` body that creates an external-model serving endpoint."""
    slug = provider.config_provider or provider.slug
    key, settings = _PROVIDER_CONFIGS.get(slug, (f"{slug.replace('-', '_')}_config", {}))
    settings = dict(settings)
    if slug == "openai" and provider.openai_api_type == "azure":
        settings = dict(_AZURE)
    elif provider.openai_api_type:
        settings["openai_api_type"] = provider.openai_api_type
    if bedrock_provider is not None:
        settings["bedrock_provider"] = bedrock_provider
    external: dict[str, Any] = {
        "name": model,
        "provider": slug,
        "task": task.endpoint_type,
        key: settings,
    }
    return {"served_entities": [{"name": entity_name(model), "external_model": external}]}


def pay_per_token_config(endpoint_name: str, task: Task) -> dict[str, Any]:
    """A pay-per-token model needs no endpoint of your own: query the preconfigured one."""
    return {
        "endpoint_name": endpoint_name,
        "endpoint_type": task.endpoint_type,
        "invocations_path": f"/serving-endpoints/{endpoint_name}/invocations",
    }


def provisioned_throughput_config(model: str) -> dict[str, Any]:
    """The `served_entities` body for a provisioned-throughput endpoint of a registered model."""
    return {
        "served_entities": [
            {
                "name": entity_name(model),
                "entity_name": "<catalog>.<schema>.<registered-model>",
                "entity_version": "<version>",
                "min_provisioned_throughput": 0,
                "max_provisioned_throughput": "<tokens-per-second>",
            }
        ]
    }
