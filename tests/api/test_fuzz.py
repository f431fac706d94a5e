"""Schemathesis drives every operation in the OpenAPI schema with generated (often hostile) input:
no answer may be a server error, and every error answer carries the one error format."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


@pytest.fixture
def staff_token(staff):
    from citybridge.core.services import api_token_create

    return api_token_create(actor=staff, name="fuzz")[1]


def error_format(ctx, response, case):
    """4xx answers are JSON {"detail": …, "errors": […]}."""
    if 400 <= response.status_code < 500 and response.status_code != 405:
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(
                f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}"
            )
        assert isinstance(body.get("detail"), str) and isinstance(body.get("errors", []), list), body


@pytest.fixture
def keep_test_connection():
    """Schemathesis calls the raw WSGI app, whose request signals would close the test's database connection
    (PostgreSQL); Django's own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error(db, staff_token, keep_test_connection):
    from citybridge.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def check(case):
            case.call_and_validate(
                headers={"Authorization": f"Bearer {staff_token}"}, checks=[not_a_server_error, error_format]
            )

        check()
