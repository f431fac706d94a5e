"""/api/v1/people answers exactly what it did before its rows were shaped for speed (issue 9): every key and value of
an item, in order, the `items` / `count` envelope, contact details only where the personal-data rule allows them,
and the same number of queries."""

from __future__ import annotations

import pytest

from citybridge.core.models import Person

PERSON_KEYS = [
    "id",
    "name",
    "family_name_en",
    "given_name_en",
    "family_name_zh_hans",
    "given_name_zh_hans",
    "title_en",
    "title_zh_hans",
    "organisation_id",
    "organisation_name",
    "preferred_language",
    "erased_at",
    "email",
    "phone",
    "notes",
    "version",
]


def _official(training, **contact):
    person = training.person
    return {
        "id": person.pk,
        "name": "Wei Zhang",
        "family_name_en": "Zhang",
        "given_name_en": "Wei",
        "family_name_zh_hans": "张",
        "given_name_zh_hans": "伟",
        "title_en": "Mayor",
        "title_zh_hans": "市长",
        "organisation_id": training.city_gov.pk,
        "organisation_name": "Hangzhou Municipal Government",
        "preferred_language": person.preferred_language,
        "erased_at": None,
        "email": None,
        "phone": None,
        "notes": None,
        "version": person.version,
        **contact,
    }


PERSONAL = {"email": "zhang.wei@hangzhou.gov.cn", "phone": "+86 571 8888 0000", "notes": "Prefers morning sessions."}


@pytest.fixture
def colleague(training):
    """A non-official of the official's organisation: the organisation's partner may read their contact details."""
    return Person.objects.create(
        family_name="Li",
        family_name_en="Li",
        family_name_zh_hans="李",
        given_name_zh_hans="娜",
        organisation=training.city_gov,
        email="li@hangzhou.gov.cn",
        phone="1",
        notes="n",
    )


def _colleague(colleague, language_name="Li"):
    return {
        "id": colleague.pk,
        "name": language_name,
        "family_name_en": "Li",
        "given_name_en": None,  # a text never given in a language is null (modeltranslation)
        "family_name_zh_hans": "李",
        "given_name_zh_hans": "娜",
        "title_en": None,
        "title_zh_hans": None,
        "organisation_id": colleague.organisation_id,
        "organisation_name": "Hangzhou Municipal Government",
        "preferred_language": colleague.preferred_language,
        "erased_at": None,
        "email": "li@hangzhou.gov.cn",
        "phone": "1",
        "notes": "n",
        "version": colleague.version,
    }


def test_staff_rows_carry_every_field_and_contact_details(training, colleague, api_for):
    r = api_for(training.staff).get("/api/v1/people?q=zhang")
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["items", "count"] and body["count"] == 1
    (row,) = body["items"]
    assert list(row) == PERSON_KEYS
    assert row == _official(training, **PERSONAL)


def test_a_user_without_personal_data_access_sees_no_contact_details(training, colleague, api_for):
    """The partner of the official's organisation sees the official (name, title, organisation) without contact
    details, and the non-official colleague with them."""
    body = api_for(training.partner).get("/api/v1/people").json()
    assert body["count"] == 2
    by_id = {row["id"]: row for row in body["items"]}
    assert by_id == {training.person.pk: _official(training), colleague.pk: _colleague(colleague)}
    assert all(list(row) == PERSON_KEYS for row in body["items"])


def test_names_in_the_request_language_and_a_person_without_organisation(training, colleague, api_for):
    loner = Person.objects.create(family_name="Solo", family_name_en="Solo", given_name_en="Han")
    body = api_for(training.staff, language="zh-hans").get("/api/v1/people").json()
    by_id = {row["id"]: row for row in body["items"]}
    assert by_id[training.person.pk]["name"] == "张伟"
    assert by_id[training.person.pk]["organisation_name"] == "杭州市人民政府"
    assert by_id[colleague.pk]["name"] == "李娜"
    assert by_id[loner.pk]["name"] == "Han Solo"
    assert by_id[loner.pk]["organisation_id"] is None and by_id[loner.pk]["organisation_name"] is None


def test_pages_walk_the_list_in_order(training, api_for):
    """Page by page (the back half walked from the end) gives the whole list's order, each page's count the
    list's."""
    for i in range(7):
        Person.objects.create(family_name=f"P{i}", family_name_en=f"P{i}", organisation=training.city_gov)
    api = api_for(training.staff)
    whole = api.get("/api/v1/people?page_size=200").json()
    assert whole["count"] == 8
    paged = []
    for page in (1, 2, 3):
        body = api.get(f"/api/v1/people?page={page}&page_size=3").json()
        assert body["count"] == 8
        paged += body["items"]
    assert paged == whole["items"]
    assert api.get("/api/v1/people?page=9&page_size=3").json() == {"items": [], "count": 8}


@pytest.mark.parametrize("who", ["staff", "partner"])
def test_query_count(training, colleague, api_for, django_assert_num_queries, who):
    """The token, the throttle's counter, the count, the page's keys and its rows; for a user the rule is not a
    constant for, also the rule's column of the page's rows."""
    api = api_for(getattr(training, who))
    api.get("/api/v1/people")
    with django_assert_num_queries({"staff": 5, "partner": 6}[who]):
        assert api.get("/api/v1/people").status_code == 200
