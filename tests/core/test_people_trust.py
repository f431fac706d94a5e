"""Issue #7 "Trust first": officials' personal data, what organisation members may edit, nothing lost by a delete."""

from __future__ import annotations

import json
import re

import pytest

from citybridge.academy.models import Attendance, Certificate, Enrolment, OfficialProfile
from citybridge.core import services
from citybridge.core.models import Organisation, Person, RoleMembership

PERSONAL = ("zhang.wei@hangzhou.gov.cn", "+86 571 8888 0000", "Prefers morning sessions.")


def _api_person(api, person):
    r = api.get("/api/v1/people")
    assert r.status_code == 200
    rows = [p for p in r.json()["items"] if p["id"] == person.pk]
    return rows[0] if rows else None


# --------------------------------------------------------------------------- 1. officials' personal data


@pytest.mark.parametrize("who", ["partner", "provider"])
def test_partner_and_provider_of_the_officials_organisation_see_name_title_organisation_only(
    training, api_for, client_for, who
):
    user = getattr(training, who)
    row = _api_person(api_for(user), training.person)
    assert row is not None, "the official works for their organisation: they may see the person"
    assert row["name"] == "Wei Zhang" and row["title_en"] == "Mayor" and row["organisation_id"] == training.city_gov.pk
    assert row["email"] is None and row["phone"] is None and row["notes"] is None
    one = api_for(user).get(f"/api/v1/people/{training.person.pk}").json()
    assert one["email"] is None and one["phone"] is None and one["notes"] is None
    page = client_for(user).get(f"/people/{training.person.pk}/").content.decode()
    assert "Wei Zhang" in page and not any(value in page for value in PERSONAL)


def test_coordinator_of_another_academy_sees_nothing_personal(training, api_for, client_for):
    api = api_for(training.coordinator_b)
    assert _api_person(api, training.person) is None
    assert api.get(f"/api/v1/people/{training.person.pk}").status_code == 404
    assert client_for(training.coordinator_b).get(f"/people/{training.person.pk}/").status_code == 404


def test_coordinator_of_the_enrolling_academy_and_staff_see_personal_data(training, api_for, client_for):
    for user in (training.coordinator_a, training.staff):
        row = _api_person(api_for(user), training.person)
        assert (row["email"], row["phone"], row["notes"]) == PERSONAL
        page = client_for(user).get(f"/people/{training.person.pk}/").content.decode()
        assert "zhang.wei@hangzhou.gov.cn" in page


def test_withdrawn_enrolment_gives_no_personal_data(training, api_for):
    Enrolment.objects.filter(pk=training.enrolment.pk).update(status="withdrawn")
    assert _api_person(api_for(training.coordinator_a), training.person) is None


def test_non_officials_of_the_organisation_keep_their_contact_for_its_members(training, api_for):
    colleague = Person.objects.create(
        family_name="Li", family_name_en="Li", organisation=training.city_gov, email="li@hangzhou.gov.cn"
    )
    assert _api_person(api_for(training.partner), colleague)["email"] == "li@hangzhou.gov.cn"


def test_people_list_query_count_does_not_grow(training, api_for, django_assert_max_num_queries):
    api = api_for(training.partner)
    api.get("/api/v1/people")
    with django_assert_max_num_queries(8):
        api.get("/api/v1/people")
    for i in range(10):
        p = Person.objects.create(
            family_name=f"O{i}", family_name_en=f"O{i}", organisation=training.city_gov, email=f"o{i}@x.cn"
        )
        OfficialProfile.objects.create(person=p, position="mayor")
    with django_assert_max_num_queries(8):
        r = api.get("/api/v1/people")
    assert r.json()["count"] == 11 and all(row["email"] is None for row in r.json()["items"])


# --------------------------------------------------------------------------- 2. organisation members edit contact fields


IDENTITY = {"name_en": "Renamed", "type": "company", "parent_id": None, "country": "US", "province_en": "X"}


@pytest.mark.parametrize("field,value", list(IDENTITY.items()))
def test_partner_cannot_change_identity_through_api(training, api_for, field, value):
    org = training.city_gov
    other = Organisation.objects.create(name="P", name_en="Parent", type="ministry", country="CN")
    if field == "parent_id":
        value = other.pk
    r = api_for(training.partner).patch(
        f"/api/v1/organisations/{org.pk}",
        data=json.dumps({field: value, "version": org.version}),
        content_type="application/json",
    )
    assert r.status_code == 422, r.content
    assert field.removesuffix("_id") in {e["field"] for e in r.json()["errors"]}
    fresh = Organisation.objects.get(pk=org.pk)
    assert (fresh.name_en, fresh.type, fresh.parent_id, fresh.country) == (
        "Hangzhou Municipal Government",
        "city_government",
        None,
        "CN",
    )


def test_partner_changes_website_and_short_names_through_api(training, api_for):
    org = training.city_gov
    body = {
        "website": "https://www.hangzhou.gov.cn",
        "short_name_en": "Hangzhou",
        "short_name_zh_hans": "杭州",
        "name_en": "Hangzhou Municipal Government",
        "version": org.version,
    }  # unchanged identity fields accepted
    r = api_for(training.partner).patch(
        f"/api/v1/organisations/{org.pk}", data=json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    org.refresh_from_db()
    assert (org.website, org.short_name_en, org.short_name_zh_hans) == (
        "https://www.hangzhou.gov.cn",
        "Hangzhou",
        "杭州",
    )


def test_partner_page_form_shows_only_contact_fields_and_post_cannot_change_identity(training, client_for):
    org = training.city_gov
    client = client_for(training.partner)
    form = client.get(f"/organisations/{org.pk}/edit/").content.decode()
    assert 'name="website"' in form and 'name="short_name_en"' in form
    assert 'name="name_en"' not in form and 'name="type"' not in form and 'name="parent"' not in form
    r = client.post(
        f"/organisations/{org.pk}/edit/",
        {
            "website": "https://hz.example.cn",
            "short_name_en": "HZ",
            "short_name_zh_hans": "",
            "name_en": "Hijacked",
            "type": "company",
            "country": "US",
            "version": org.version,
        },
    )
    assert r.status_code == 302
    org.refresh_from_db()
    assert org.website == "https://hz.example.cn" and org.name_en == "Hangzhou Municipal Government"
    assert org.type == "city_government" and org.country == "CN"


def test_service_refuses_identity_change_by_non_staff(training):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.organisation_update(
            actor=training.provider,
            organisation=training.city_gov,
            expected_version=training.city_gov.version,
            type="company",
        )
    assert "type" in exc.value.message_dict
    org = Organisation.objects.get(pk=training.city_gov.pk)
    staff_org = services.organisation_update(
        actor=training.staff, organisation=org, expected_version=org.version, type="ministry"
    )
    assert staff_org.type == "ministry"


# --------------------------------------------------------------------------- 3. nothing lost


def test_deleting_an_official_is_refused_with_an_account_and_nothing_is_lost(training, api_for, client_for):
    person = training.person
    r = api_for(training.staff).delete(f"/api/v1/people/{person.pk}")
    assert r.status_code == 409, r.content
    detail = r.json()["detail"]
    assert "This person cannot be deleted" in detail and "enrolments: 1" in detail and "certificates: 1" in detail
    assert "attendance: 5" in detail and "privacy erase" in detail
    assert r.json()["errors"] == []
    r = client_for(training.staff).post(f"/people/{person.pk}/delete/", follow=True)
    assert r.status_code == 200 and "This person cannot be deleted" in r.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    assert Enrolment.objects.count() == 1 and Attendance.objects.count() == 5 and Certificate.objects.count() == 1
    verify = client_for(None).get(f"/academy/verify/{training.certificate.code}/")
    assert verify.status_code == 200 and "This certificate is valid." in verify.content.decode()


def test_refusal_is_translated(training, api_for):
    r = api_for(training.staff, language="zh-hans").delete(f"/api/v1/people/{training.person.pk}")
    assert r.status_code == 409 and "无法删除此人" in r.json()["detail"], r.json()


def test_deleting_an_academy_organisation_is_refused_not_500(training, api_for, client_for):
    org = training.academy_a.organisation
    r = api_for(training.staff).delete(f"/api/v1/organisations/{org.pk}")
    assert r.status_code == 409 and "cannot be deleted" in r.json()["detail"]
    r = client_for(training.staff).post(f"/organisations/{org.pk}/delete/", follow=True)
    assert r.status_code == 200 and "This organisation cannot be deleted" in r.content.decode()
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_deleting_an_organisation_keeps_role_memberships(training, api_for):
    org = training.city_gov
    Person.objects.filter(organisation=org).exclude(pk=training.person.pk).delete()
    r = api_for(training.staff).delete(f"/api/v1/organisations/{org.pk}")
    assert r.status_code == 409 and "role memberships: 2" in r.json()["detail"]
    assert RoleMembership.objects.filter(organisation=org).count() == 2


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_organisation_with_people_or_child_organisations_is_not_deleted(language, api_for, client_for, staff):
    """Its people and child organisations kept their link set to null, silently, with no history (the API answered
    204): the delete is refused with what depends on it, and nothing changes."""
    org = Organisation.objects.create(name_en="Audit Org", type="ngo", country="US")
    person = Person.objects.create(family_name_en="Audit", given_name_en="Del", organisation=org)
    child = Organisation.objects.create(name_en="Audit Branch", type="ngo", country="US", parent=org)
    r = api_for(staff, language=language).delete(f"/api/v1/organisations/{org.pk}")
    assert r.status_code == 409, r.content
    detail = r.json()["detail"]
    if language == "en":
        assert "This organisation cannot be deleted" in detail and "people: 1" in detail, detail
        assert "organisations: 1" in detail, detail
    else:
        assert "无法删除" in detail and "1" in detail and not re.search("[A-Za-z]", detail), detail
    r = client_for(staff, language).post(f"/organisations/{org.pk}/delete/", follow=True)
    assert r.status_code == 200
    person.refresh_from_db()
    child.refresh_from_db()
    assert person.organisation_id == org.pk and person.version == 1 and child.parent_id == org.pk
    person.delete()
    child.delete()
    assert api_for(staff).delete(f"/api/v1/organisations/{org.pk}").status_code == 204


def test_a_person_nothing_depends_on_is_deleted(training, api_for):
    p = Person.objects.create(family_name="Temp", family_name_en="Temp")
    assert api_for(training.staff).delete(f"/api/v1/people/{p.pk}").status_code == 204
    assert not Person.objects.filter(pk=p.pk).exists()
