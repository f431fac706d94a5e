"""Answers the API's one error format did not cover: a method an address does not take (was a bare English HTML
"Method not allowed"), and a choice error's list of choices (its "or" stayed English in Chinese)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_method_an_api_address_does_not_take_is_json_in_the_users_language(staff, api_for, language):
    r = api_for(staff, language=language).put("/api/v1/organisations/1", data="{}", content_type="application/json")
    assert r.status_code == 405 and r["Content-Type"].startswith("application/json"), r.content
    body = r.json()
    assert body["errors"] == [] and "PUT" in body["detail"] and "PATCH" in r["Allow"]
    if language == "zh-hans":
        assert "此地址不接受" in body["detail"] and "请求方法" in body["detail"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_form_address_opened_as_a_page_says_what_happened(staff, client_for, language):
    r = client_for(staff, language).get("/academy/behind/prepare/")
    assert r.status_code == 405 and r["Content-Type"].startswith("text/html") and r["Allow"] == "POST"
    html = r.content.decode()
    assert ("This address is for a form" if language == "en" else "此地址用于提交表单") in html
    assert 'href="/"' in html  # the site's header and a way home, not a bare line of text


def test_a_choice_error_lists_the_choices_in_chinese(staff, api_for):
    r = api_for(staff, language="zh-hans").post(
        "/api/v1/climate/inventories",
        data={"city_id": 1, "year": 2022, "gwp_set": "AR7", "level": "BASIC"},
        content_type="application/json",
    )
    assert r.status_code == 422
    message = next(e["message"] for e in r.json()["errors"] if e["field"] == "gwp_set")
    assert "'AR4'、'AR5' 或 'AR6'" in message and not re.search(r"\bor\b", message), message


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_database_constraint_is_never_named_to_the_user(language):
    """The session API answered "Constraint “academy_session_times” is violated." beside "The session must end
    after it starts."."""
    from django.core.exceptions import ValidationError
    from django.db.models import CheckConstraint, Q
    from django.utils import translation

    from citybridge.api.errors import django_validation_errors

    with translation.override(language):
        constraint = CheckConstraint(condition=Q(end_time__gt=1), name="academy_session_times")
        echo = constraint.get_violation_error_message()
        field = ValidationError({"end_time": ["ends too early"], "__all__": [echo]})
        assert django_validation_errors(field) == [{"field": "end_time", "message": "ends too early"}]
        alone = django_validation_errors(ValidationError({"__all__": [echo]}))
        assert len(alone) == 1 and "academy_session_times" not in alone[0]["message"]
        assert ("do not fit together" if language == "en" else "相互矛盾") in alone[0]["message"]
