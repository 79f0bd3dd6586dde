"""Schemathesis against the app's own OpenAPI document: no server error, no answer that
breaks the documented schema, status codes and content types as documented; and input that
breaks the documented schema (negative mode) is refused with a 4xx in the one error shape."""

from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from catalog import Catalog
from catalog.api import create_app
from catalog.api.settings import ApiSettings

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


def operations(catalog: Catalog, app: FastAPI | None = None) -> list[schemathesis.APIOperation]:
    app = app or create_app(catalog, settings=ApiSettings())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_api_keeps_its_own_contract(catalog: Catalog) -> None:
    found = operations(catalog)
    assert len(found) == 13
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_within_contract(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        answers_within_contract()


# Operations with no input that can break their schema: no parameters, or one path segment
# that any string fits. Schemathesis finds no negative case for these; every other operation
# must be exercised, so a parameter added later is not left out silently.
NOTHING_TO_BREAK = {
    "GET /healthz",
    "GET /readyz",
    "GET /v1/architectures",
    "GET /v1/meta",
    "GET /v1/providers",
    "GET /v1/providers/{slug}",
    "GET /v1/serving-modes",
    "GET /v1/task-types",
}


def refused_in_the_error_shape(case: schemathesis.Case) -> None:
    """No server error; a 4xx under /v1/ is JSON in the one error shape."""
    response = case.call()
    status = response.status_code
    assert status < 500, (case.path, case.query, response.text[:300])
    if status < 400 or not case.formatted_path.startswith("/v1/"):
        return
    content_types = response.headers.get("content-type", [])
    assert content_types and content_types[0].startswith("application/json"), content_types
    body = json.loads(response.text)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "message", "parameter", "suggestions"}, error
    assert error["status"] == status and error["message"], error


def test_input_that_breaks_the_schema_is_refused_in_the_error_shape(catalog: Catalog) -> None:
    exercised, unbreakable = set(), set()
    for operation in operations(catalog):
        strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)

        @given(case=strategy)
        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        def refused(case: schemathesis.Case) -> None:
            refused_in_the_error_shape(case)

        try:
            refused()
        except Unsatisfiable:
            unbreakable.add(operation.label)
        else:
            exercised.add(operation.label)
    assert unbreakable == NOTHING_TO_BREAK
    assert len(exercised) == 5, exercised


def test_the_shape_check_fails_on_another_error_body(catalog: Catalog) -> None:
    """The control: FastAPI's own 422 body (`{"detail": [...]}`) is caught as the wrong shape."""
    app = create_app(catalog, settings=ApiSettings())
    app.exception_handlers[RequestValidationError] = request_validation_exception_handler
    (models,) = [op for op in operations(catalog, app) if op.label == "GET /v1/models"]
    with pytest.raises(AssertionError, match="detail"):
        refused_in_the_error_shape(models.Case(query={"limit": "not a number"}))
