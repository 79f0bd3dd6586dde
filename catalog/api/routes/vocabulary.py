"""The fixed words: task types with their endpoint types, serving modes, architectures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from catalog.api.deps import AnswerDep
from catalog.api.errors import ERROR_RESPONSES
from catalog.api.schemas import (
    ArchitecturesList,
    ServingModeInfo,
    ServingModesList,
    TaskTypeInfo,
    TaskTypesList,
)
from catalog.library import Catalog
from catalog.vocabulary import ServingMode, Task

router = APIRouter(prefix="/v1", tags=["vocabulary"])

_MODE_MEANINGS = {
    ServingMode.pay_per_token: "Shared endpoints billed per token, hosted by the platform.",
    ServingMode.provisioned_throughput: "Dedicated capacity for an architecture you deploy.",
    ServingMode.external: "A model served by another provider, called through an endpoint config.",
}


@router.get("/task-types", response_model=TaskTypesList, responses=ERROR_RESPONSES)
async def task_types(request: Request, answer: AnswerDep) -> Response:
    """What a request does, with the endpoint type it needs."""

    def build(_catalog: Catalog) -> TaskTypesList:
        data = [TaskTypeInfo(task=task, endpoint_type=task.endpoint_type) for task in Task]
        return TaskTypesList(data=data, count=len(data))

    return answer.answer(request, ("task-types",), build)


@router.get("/serving-modes", response_model=ServingModesList, responses=ERROR_RESPONSES)
async def serving_modes(request: Request, answer: AnswerDep) -> Response:
    """How a model can be served."""

    def build(_catalog: Catalog) -> ServingModesList:
        data = [
            ServingModeInfo(serving_mode=mode, description=_MODE_MEANINGS[mode])
            for mode in ServingMode
        ]
        return ServingModesList(data=data, count=len(data))

    return answer.answer(request, ("serving-modes",), build)


@router.get("/architectures", response_model=ArchitecturesList, responses=ERROR_RESPONSES)
async def architectures(request: Request, answer: AnswerDep) -> Response:
    """The model families provisioned throughput can deploy, with their tasks."""

    def build(catalog: Catalog) -> ArchitecturesList:
        found = catalog.architectures()
        return ArchitecturesList(data=found, count=len(found))

    return answer.answer(request, ("architectures",), build)
