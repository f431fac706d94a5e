"""Control characters are refused at every input: query strings, form posts, JSON bodies (keys and values)."""

from __future__ import annotations

import json

import pytest

from citybridge.core.models import Person

pytestmark = pytest.mark.django_db


def post_json(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    "name",
    ["Wang\x00", "\x1bFang", "Li\x7f", "Zhao\x0b", "X\x1f", "\u202eAcme Bank\u202c gnp.exe", "Li\u2067Wei\u2069"],
)  # the last two: bidi overrides and isolates, which make a name display reversed
def test_api_refuses_control_characters_with_422_in_the_error_format(staff, api_for, name):
    before = Person.objects.count()
    r = post_json(api_for(staff), "/api/v1/people", {"family_name_en": name})
    assert r.status_code == 422
    assert r.json() == {
        "detail": "The request contains control characters.",
        "errors": [
            {
                "field": "family_name_en",
                "message": "Remove the control characters (invisible characters such as NUL) from this field.",
            }
        ],
    }
    assert Person.objects.count() == before


def test_api_answers_in_chinese_and_checks_nested_keys_and_lists(staff, api_for):
    r = post_json(api_for(staff, "zh-hans"), "/api/v1/people", {"notes": ["ok", {"a\x00b": 1}]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "notes.1.ab"
    assert "控制字符" in r.json()["detail"]
    r = post_json(api_for(staff), "/api/v1/people", {"notes": {"deep": [[["x\x02"]]]}})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "notes.deep.0.0.0"


def test_api_query_strings_are_checked(staff, api_for):
    r = api_for(staff).get("/api/v1/people", {"q": "Wang\x00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q"


def test_tab_newline_and_carriage_return_are_text(staff, api_for):
    r = post_json(api_for(staff), "/api/v1/people", {"family_name_en": "Wang", "notes": "a\tb\r\nc"})
    assert r.status_code == 201, r.content
    assert Person.objects.get(pk=r.json()["id"]).notes == "a\tb\r\nc"


def test_pages_answer_400_with_a_clear_message_in_the_users_language(staff, client_for):
    r = client_for(staff).get("/academy/behind/", {"province": "An\x00hui"})
    assert r.status_code == 400 and "control characters" in r.content.decode()
    before = Person.objects.count()
    r = client_for(staff, "zh-hans").post("/people/new/", {"family_name_en": "Wang\x00", "given_name_en": "Fang"})
    assert r.status_code == 400
    assert "控制字符" in r.content.decode()
    assert Person.objects.count() == before


def test_malformed_json_is_left_to_the_view(staff, api_for):
    r = api_for(staff).post("/api/v1/people", "{not json", content_type="application/json")
    assert r.status_code in (400, 422) and r.json()["detail"] != "The request contains control characters."
