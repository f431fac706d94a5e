"""Issue #7: a coordinator never links to, sees or edits an official outside their academy (roster matching,
withdrawn enrolments, shared person records, training evidence)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment, ExternalTraining, OfficialProfile, PossibleDuplicate
from citybridge.academy.roster import rows_to_csv
from citybridge.core.models import Person

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff, coordinator, other_coordinator, lecturer, other_academy, course, make_official):
    """o1 is enrolled at the first academy only; `other_course` belongs to the second academy."""
    fill_timetable(course, lecturer_person=lecturer.person)
    o1 = make_official()
    services.enrolment_create(actor=staff, course=course, official=o1)
    ExternalTraining.objects.create(
        official=o1,
        provider="Party School",
        title="Evidence by staff",
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 3),
        days=3,
        evidence_reference="PS-1",
    )
    other_course = Course.objects.create(
        academy=other_academy,
        title="Other",
        title_en="Other course",
        start_date=date(2025, 4, 7),
        end_date=date(2025, 4, 20),
        status="open",
    )
    return {
        "staff": staff,
        "coordinator": coordinator,
        "other": other_coordinator,
        "lecturer": lecturer,
        "course": course,
        "other_course": other_course,
        "o1": o1,
    }


def _row(**kw):
    row = {"family_name_en": "Someone", "given_name_en": "New", "position": "mayor"}
    row.update(kw)
    return rows_to_csv([row])


def _partner_org():
    from citybridge.core.models import Organisation

    return Organisation.objects.create(name="Partner Co", name_en="Partner Co", type="company", country="US")


def _assert_hidden(client_for, api_for, user, official):
    assert client_for(user).get(f"/academy/officials/{official.pk}/").status_code == 404
    assert client_for(user).get(f"/academy/officials/{official.pk}/edit/").status_code == 404
    r = api_for(user).get(f"/api/v1/academy/officials/{official.pk}")
    assert r.status_code == 404 and official.person.email not in r.content.decode()


@pytest.mark.parametrize("how", ["page", "api"])
@pytest.mark.parametrize("match", ["email", "name"])
def test_import_by_another_academy_creates_a_new_official_and_reveals_nothing(world, client_for, api_for, how, match):
    o1 = world["o1"]
    p = o1.person
    row = (
        _row(email=p.email)
        if match == "email"
        else _row(family_name_en=p.family_name_en, given_name_en=p.given_name_en)
    )
    upload = SimpleUploadedFile("r.csv", row)
    if how == "page":
        url = f"/academy/courses/{world['other_course'].pk}/roster/"
        r = client_for(world["other"]).post(url, {"file": upload})  # the preview, then the confirmation
        assert r.status_code == 200
        text = r.content.decode()
        from citybridge.academy.models import RosterUpload

        upload = RosterUpload.objects.get()
        r = client_for(world["other"]).post(url, {"upload": upload.pk, "sha256": upload.sha256}, follow=True)
        text += r.content.decode()
        assert "1 new, 0 already known" in text
    else:
        r = api_for(world["other"]).post(f"/api/v1/academy/courses/{world['other_course'].pk}/roster", {"file": upload})
        assert r.status_code == 200, r.content
        body = r.json()
        assert (body["created"], body["matched"], body["enrolled"]) == (1, 0, 1)
        text = r.content.decode()
    # nothing about the existing official: not their Chinese name, phone, or that a match was found
    assert "possible duplicate" not in text.lower() and p.full_name_zh() not in text and p.phone not in text
    # o1 untouched and invisible; a new official is in the other course
    assert not Enrolment.objects.filter(official=o1, course=world["other_course"]).exists()
    new = Enrolment.objects.get(course=world["other_course"]).official
    assert new.pk != o1.pk and new.person_id != p.pk
    _assert_hidden(client_for, api_for, world["other"], o1)
    dup = PossibleDuplicate.objects.get()
    assert (dup.new_official_id, dup.existing_official_id, dup.reason) == (new.pk, o1.pk, match)


def test_staff_import_still_matches_globally(world):
    report = services.roster_import(
        actor=world["staff"], data=_row(email=world["o1"].person.email), filename="r.csv", course=world["other_course"]
    )
    assert report.ok and (report.created, report.matched) == (0, 1)
    assert Enrolment.objects.filter(official=world["o1"], course=world["other_course"]).exists()
    assert not PossibleDuplicate.objects.exists()


def test_coordinator_still_matches_own_officials(world):
    """An official with a current enrolment at the coordinator's academy is matched, not duplicated."""
    second = Course.objects.create(
        academy=world["course"].academy,
        title="Second",
        title_en="Second",
        start_date=date(2025, 5, 5),
        end_date=date(2025, 5, 18),
        status="open",
    )
    report = services.roster_import(
        actor=world["coordinator"], data=_row(email=world["o1"].person.email), filename="r.csv", course=second
    )
    assert report.ok and (report.created, report.matched) == (0, 1)
    assert not PossibleDuplicate.objects.exists()


@pytest.mark.parametrize("how", ["page", "api"])
def test_withdrawn_enrolment_ends_the_coordinators_access(world, client_for, api_for, how):
    coordinator, o1 = world["coordinator"], world["o1"]
    assert client_for(coordinator).get(f"/academy/officials/{o1.pk}/").status_code == 200
    e = Enrolment.objects.get(official=o1)
    if how == "page":
        client_for(coordinator).post(f"/academy/enrolments/{e.pk}/withdraw/")
    else:
        assert api_for(coordinator).post(f"/api/v1/academy/enrolments/{e.pk}/withdraw").status_code == 200
    _assert_hidden(client_for, api_for, coordinator, o1)
    assert not coordinator.has_perm("academy.change_official", OfficialProfile.objects.get(pk=o1.pk))
    # evidence cannot be added or deleted any more
    body = {
        "provider": "X",
        "title": "Invented",
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
        "days": 2,
        "evidence_reference": "N/A",
    }
    r = api_for(coordinator).post(
        f"/api/v1/academy/officials/{o1.pk}/external-training", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 404  # the official is out of scope now
    rec = ExternalTraining.objects.get(official=o1)
    assert client_for(coordinator).post(f"/academy/external-training/{rec.pk}/delete/").status_code == 404
    assert ExternalTraining.objects.filter(official=o1).count() == 1
    # the course roster still shows the withdrawn row by name, without the contact details
    page = client_for(coordinator).get(f"/academy/courses/{world['course'].pk}/").content.decode()
    assert o1.person.display_name() in page and o1.person.email not in page
    rows = api_for(coordinator).get(f"/api/v1/academy/courses/{world['course'].pk}/enrolments").json()
    assert rows[0]["name"] == o1.person.display_name() and rows[0]["email"] is None


@pytest.mark.parametrize("role", ["other", "lecturer", "partner"])
def test_evidence_only_by_those_who_may_edit_the_official(world, client_for, api_for, make_user, role):
    user = make_user("partner", organisation=_partner_org()) if role == "partner" else world[role]
    o1 = world["o1"]
    body = {
        "provider": "X",
        "title": "Invented days",
        "start_date": "2024-01-01",
        "end_date": "2024-01-10",
        "days": 10,
        "evidence_reference": "FAKE",
    }
    # the lecturer sees the official (by name) but may not change them: 403; the others do not see them: 404
    refused = 403 if role == "lecturer" else 404
    r = api_for(user).post(
        f"/api/v1/academy/officials/{o1.pk}/external-training", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == refused
    r = client_for(user).post(f"/academy/officials/{o1.pk}/", {**body, "start_date": "2024-01-01"})
    assert r.status_code == refused
    rec = ExternalTraining.objects.get(official=o1)
    assert client_for(user).post(f"/academy/external-training/{rec.pk}/delete/").status_code == refused
    assert api_for(user).delete(f"/api/v1/academy/external-training/{rec.pk}").status_code == refused
    assert list(ExternalTraining.objects.filter(official=o1).values_list("title", flat=True)) == ["Evidence by staff"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.external_training_delete(actor=user, record=rec)
    with pytest.raises(PermissionDenied):
        services.external_training_create(
            actor=user,
            official=o1,
            provider="X",
            title="Y",
            start_date=date(2024, 1, 1),
            end_date=date(2024, 1, 2),
            days=2,
            evidence_reference="Z",
        )


def test_coordinator_manages_evidence_of_own_official(world, client_for, api_for):
    o1 = world["o1"]
    body = {
        "provider": "X",
        "title": "Real",
        "start_date": "2024-02-01",
        "end_date": "2024-02-02",
        "days": 2,
        "evidence_reference": "R-1",
    }
    r = api_for(world["coordinator"]).post(
        f"/api/v1/academy/officials/{o1.pk}/external-training", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201
    rec = ExternalTraining.objects.get(pk=r.json()["id"])
    assert api_for(world["coordinator"]).delete(f"/api/v1/academy/external-training/{rec.pk}").status_code == 204


def _versions(official: OfficialProfile) -> dict:
    """The hidden fields an edit form carries: the versions the edit started from (no lost updates)."""
    official = OfficialProfile.objects.select_related("person").get(pk=official.pk)
    return {"version": official.version, "person_version": official.person.version}


def test_coordinator_cannot_edit_a_person_who_is_someone_elses_record(world, client_for, make_user, staff):
    """The official's person is also a partner's user account: the coordinator may not rewrite their contact."""
    partner_person = Person.objects.create(
        family_name="Partner",
        family_name_en="Partner",
        given_name_en="Pat",
        email="pat@partner.example",
        phone="+1 555",
    )
    make_user("partner", person=partner_person, email="pat-login@partner.example", organisation=_partner_org())
    official = OfficialProfile.objects.create(person=partner_person, position="other")
    services.enrolment_create(actor=staff, course=world["course"], official=official)
    form = {
        "family_name_en": "Partner",
        "given_name_en": "Pat",
        "email": "attacker@evil.example",
        "phone": "+1 555",
        "position": "other",
    }
    r = client_for(world["coordinator"]).post(
        f"/academy/officials/{official.pk}/edit/", dict(form, **_versions(official))
    )
    assert r.status_code == 200 and "only program staff" in r.content.decode()
    partner_person.refresh_from_db()
    assert partner_person.email == "pat@partner.example"
    # the profile alone (same names and contact) may still be saved
    r = client_for(world["coordinator"]).post(
        f"/academy/officials/{official.pk}/edit/",
        dict(form, email="pat@partner.example", position="mayor", **_versions(official)),
    )
    assert r.status_code == 302
    assert OfficialProfile.objects.get(pk=official.pk).position == "mayor"
    # staff may
    r = client_for(staff).post(
        f"/academy/officials/{official.pk}/edit/", dict(form, email="new@partner.example", **_versions(official))
    )
    assert r.status_code == 302
    partner_person.refresh_from_db()
    assert partner_person.email == "new@partner.example"


def test_coordinator_edits_own_official_person(world, client_for):
    o1 = world["o1"]
    form = {
        "family_name_en": o1.person.family_name_en,
        "given_name_en": "Changed",
        "email": "new@example.cn",
        "phone": "1",
        "position": "mayor",
        **_versions(o1),
    }
    assert client_for(world["coordinator"]).post(f"/academy/officials/{o1.pk}/edit/", form).status_code == 302
    assert Person.objects.get(pk=o1.person_id).email == "new@example.cn"
