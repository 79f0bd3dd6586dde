"""Schemathesis against the app's own OpenAPI document: no server error, no answer that
breaks the documented schema, status codes and content types as documented."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
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


def operations(catalog: Catalog) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(catalog, settings=ApiSettings())
    )
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
