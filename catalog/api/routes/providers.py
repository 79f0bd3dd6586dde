"""`/v1/providers`: who serves models, their config slugs and custom-model rules."""

from __future__ import annotations

import difflib
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep
from catalog.api.errors import ERROR_RESPONSES, NOT_FOUND_RESPONSE
from catalog.api.schemas import ProviderDetail, ProvidersList
from catalog.errors import NotFound
from catalog.library import Catalog
from catalog.schemas import ProviderInfo

router = APIRouter(prefix="/v1/providers", tags=["providers"])


@router.get("", response_model=ProvidersList, responses=ERROR_RESPONSES)
async def list_providers(request: Request, answer: AnswerDep) -> Response:
    """Every provider, with how many models it serves."""

    def build(catalog: Catalog) -> ProvidersList:
        found = catalog.providers()
        return ProvidersList(data=found, count=len(found))

    return answer.answer(request, ("providers",), build)


@router.get(
    "/{slug}", response_model=ProviderDetail, responses={**ERROR_RESPONSES, **NOT_FOUND_RESPONSE}
)
async def get_provider(
    request: Request,
    answer: AnswerDep,
    slug: Annotated[str, Path(description="Provider slug or name.", examples=["azure-openai"])],
) -> Response:
    """One provider: its custom-model rules and its models by endpoint type."""

    def build(catalog: Catalog) -> ProviderDetail:
        provider = _find(catalog.providers(), slug)
        grouped: dict[str, set[str]] = {}
        for model in catalog.models(provider=provider.slug):
            for offering in model.offerings:
                grouped.setdefault(offering.endpoint_type, set()).add(model.name)
        return ProviderDetail(
            provider=provider,
            models_by_endpoint_type={
                kind: sorted(names, key=str.casefold) for kind, names in sorted(grouped.items())
            },
        )

    return answer.answer(request, ("provider", slug.strip().casefold()), build)


def _find(providers: list[ProviderInfo], wanted: str) -> ProviderInfo:
    key = wanted.strip().casefold()
    for provider in providers:
        if key in (provider.slug.casefold(), provider.name.casefold()):
            return provider
    slugs = [p.slug for p in providers]
    close = difflib.get_close_matches(key, slugs, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFound(f"no provider {wanted!r} in the catalog{hint}", field="slug", suggestions=close)
