"""Schemathesis over the partner, engagement, event, registration, press, testimonial, impact, agreement and
document operations only (tests/api/test_fuzz.py drives the whole schema; this one runs in the outreach area's own
test time): generated, often hostile input never makes a server error, and every 4xx carries the one error format."""

from __future__ import annotations

import re

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.test_fuzz import error_format, keep_test_connection, staff_token  # noqa: F401  (fixtures)

MINE = re.compile(
    r"^/api/v1/outreach/(partners|engagements|events|registrations|press|testimonials|impact|agreements|documents)"
)


def test_outreach_operations_never_answer_with_a_server_error(db, staff_token, keep_test_connection):  # noqa: F811
    from citybridge.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [op for op in (r.ok() for r in schema.get_all_operations()) if MINE.match(op.path)]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def check(case: object) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {staff_token}"}, checks=[not_a_server_error, error_format]
            )

        check()
