"""No lost updates (issue #7) for organisations and people: pages and API refuse a stale save with the current
values; a fresh save goes through and bumps the version."""

import json

import pytest
from django.core.exceptions import ValidationError

from citybridge.core import services
from citybridge.core.concurrency import StaleEdit
from citybridge.core.models import Organisation, Person

STALE_EN = "Someone else saved this record while you were editing it."
STALE_ZH = "在您编辑期间，其他人保存了此记录。"


def _org_form(org, **changes):
    data = {
        "name_en": org.name_en,
        "name_zh_hans": org.name_zh_hans or "",
        "short_name_en": "",
        "short_name_zh_hans": "",
        "type": org.type,
        "country": org.country,
        "province_en": "",
        "province_zh_hans": "",
        "city_en": "",
        "city_zh_hans": "",
        "website": "",
        "parent": "",
    }
    data.update(changes)
    return data


def _person_form(person, **changes):
    data = {
        "family_name_en": person.family_name_en,
        "given_name_en": person.given_name_en or "",
        "family_name_zh_hans": person.family_name_zh_hans or "",
        "given_name_zh_hans": "",
        "title_en": "",
        "title_zh_hans": "",
        "organisation": "",
        "email": person.email,
        "phone": "",
        "preferred_language": "en",
        "notes": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def person(db):
    return Person.objects.create(
        family_name="Li", family_name_en="Li", given_name_en="Wei", family_name_zh_hans="李", email="li@example.cn"
    )


# --------------------------------------------------------------------------- service


def test_service_refuses_stale_and_missing_versions(staff, organisation):
    assert organisation.version == 1
    services.organisation_update(actor=staff, organisation=organisation, expected_version=1, website="https://a.org")
    organisation.refresh_from_db()
    assert organisation.version == 2
    stale = Organisation.objects.get(pk=organisation.pk)
    stale.version = 1
    with pytest.raises(StaleEdit) as caught:
        services.organisation_update(actor=staff, organisation=stale, expected_version=1, website="https://b.org")
    assert caught.value.instance.website == "https://a.org" and caught.value.current_version == 2
    with pytest.raises(ValidationError) as missing:
        services.organisation_update(actor=staff, organisation=organisation, website="https://c.org")
    assert "version" in missing.value.message_dict
    organisation.refresh_from_db()
    assert (organisation.website, organisation.version) == ("https://a.org", 2)


def test_a_refused_edit_does_not_bump_the_version(staff, organisation):
    with pytest.raises(ValidationError):
        services.organisation_update(
            actor=staff, organisation=organisation, expected_version=1, name_en="", name_zh_hans=""
        )
    organisation.refresh_from_db()
    assert organisation.version == 1 and organisation.name_en == "Test Academy"


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize("language,message", [("en", STALE_EN), ("zh-hans", STALE_ZH)])
def test_organisation_page_stale_save_is_refused_with_current_values(
    client_for, staff, organisation, language, message
):
    client = client_for(staff, language=language)
    page = client.get(f"/organisations/{organisation.pk}/edit/")
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    # someone else saves first
    services.organisation_update(
        actor=staff, organisation=Organisation.objects.get(pk=organisation.pk), expected_version=1, short_name_en="NAMC"
    )
    r = client.post(
        f"/organisations/{organisation.pk}/edit/",
        _org_form(organisation, version=1, short_name_en="Mine", website="https://mine.org"),
    )
    body = r.content.decode()
    assert r.status_code == 409 and message in body
    assert "NAMC" in body and "Mine" in body  # theirs beside mine
    assert body.count('class="stale-value"') == 2  # only the fields that differ: short name and website
    assert ("其他人保存的值：NAMC" if language == "zh-hans" else "Saved by someone else: NAMC") in body
    assert 'name="version" value="2"' in body  # saving again after review goes through
    organisation.refresh_from_db()
    assert (organisation.short_name_en, organisation.website, organisation.version) == ("NAMC", "", 2)
    # review and save again: fresh version, accepted, bumped
    r = client.post(
        f"/organisations/{organisation.pk}/edit/",
        _org_form(organisation, version=2, short_name_en="Mine", website="https://mine.org"),
    )
    assert r.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.short_name_en, organisation.version) == ("Mine", 3)


@pytest.mark.parametrize("language,message", [("en", STALE_EN), ("zh-hans", STALE_ZH)])
def test_person_page_stale_save_is_refused(client_for, staff, person, language, message):
    client = client_for(staff, language=language)
    assert 'name="version" value="1"' in client.get(f"/people/{person.pk}/edit/").content.decode()
    services.person_update(actor=staff, person=Person.objects.get(pk=person.pk), expected_version=1, phone="110")
    r = client.post(f"/people/{person.pk}/edit/", _person_form(person, version=1, title_en="Mayor"))
    assert r.status_code == 409 and message in r.content.decode() and "110" in r.content.decode()
    person.refresh_from_db()
    assert (person.title_en or "", person.phone, person.version) == ("", "110", 2)
    assert (
        client.post(
            f"/people/{person.pk}/edit/", _person_form(person, version=2, title_en="Mayor", phone="110")
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert (person.title_en, person.version) == ("Mayor", 3)


def test_page_create_has_no_version_field(client_for, staff):
    assert 'name="version"' not in client_for(staff).get("/organisations/new/").content.decode()


# --------------------------------------------------------------------------- API


def _patch(api, url, body, **headers):
    return api.patch(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize(
    "language,detail",
    [("en", "Someone else saved this record after the version you sent"), ("zh-hans", "在您发送的版本")],
)
def test_organisation_api_stale_patch_is_409_with_current(api_for, staff, organisation, language, detail):
    api = api_for(staff, language=language)
    url = f"/api/v1/organisations/{organisation.pk}"
    got = api.get(url)
    assert got.json()["version"] == 1 and got["ETag"] == '"1"'
    assert _patch(api, url, {"short_name_en": "A", "version": 1}).status_code == 200  # someone else
    r = _patch(api, url, {"short_name_en": "B", "version": 1})
    assert r.status_code == 409 and detail in r.json()["detail"] and r.json()["errors"] == []
    assert r.json()["current"]["short_name_en"] == "A" and r.json()["current"]["version"] == 2
    assert r["ETag"] == '"2"'
    organisation.refresh_from_db()
    assert (organisation.short_name_en, organisation.version) == ("A", 2)
    fresh = _patch(api, url, {"short_name_en": "B", "version": 2})
    assert fresh.status_code == 200 and fresh.json()["version"] == 3 and fresh["ETag"] == '"3"'


def test_api_accepts_if_match_and_refuses_a_missing_version(api_for, staff, organisation):
    api = api_for(staff)
    url = f"/api/v1/organisations/{organisation.pk}"
    missing = _patch(api, url, {"short_name_en": "X"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "version"
    assert _patch(api, url, {"short_name_en": "X"}, HTTP_IF_MATCH='"1"').json()["version"] == 2
    assert _patch(api, url, {"short_name_en": "Y"}, HTTP_IF_MATCH='"1"').status_code == 409
    organisation.refresh_from_db()
    assert organisation.short_name_en == "X"


def test_person_api_stale_patch_is_409(api_for, staff, person):
    api = api_for(staff)
    url = f"/api/v1/people/{person.pk}"
    assert api.get(url)["ETag"] == '"1"'
    assert _patch(api, url, {"phone": "1", "version": 1}).json()["version"] == 2
    r = _patch(api, url, {"phone": "2", "version": 1})
    assert r.status_code == 409 and r.json()["current"]["phone"] == "1"
    person.refresh_from_db()
    assert (person.phone, person.version) == ("1", 2)
    assert _patch(api, url, {"phone": "2"}, HTTP_IF_MATCH='W/"2"').json()["version"] == 3
