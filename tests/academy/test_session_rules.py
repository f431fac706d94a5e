"""Issue #8: the session's lecturer and partner, and "certificates only for completed courses", are rules of the
services: the page and the API get the same answer."""

from __future__ import annotations

import json

import pytest

from citybridge.academy.models import Certificate, Course, Session
from citybridge.core.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in Chinese leaves the thread's language active; later tests call services directly."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def world(staff, coordinator, lecturer, course, make_official):
    return {
        "coordinator": coordinator,
        "lecturer": lecturer,
        "course": course,
        "official": make_official(),
        "company": Organisation.objects.create(name="Vanke", name_en="Vanke", type="company", country="CN"),
    }


def _api_session(api_for, user, course, **kw):
    body = {"date": "2025-03-04", "start_time": "09:00", "end_time": "12:00", **kw}
    return api_for(user).post(
        f"/api/v1/academy/courses/{course.pk}/sessions", json.dumps(body), content_type="application/json"
    )


def _page_session(client_for, user, course, **kw):
    data = {"date": "2025-03-04", "start_time": "09:00", "end_time": "12:00", "format": "lecture", **kw}
    return client_for(user).post(f"/academy/courses/{course.pk}/sessions/new/", data)


def test_api_refuses_a_lecturer_who_is_not_a_lecturer_and_does_not_reveal_the_name(world, api_for):
    o = world["official"]
    r = _api_session(api_for, world["coordinator"], world["course"], lecturer_id=o.person_id)
    assert r.status_code == 422
    assert o.person.display_name() not in r.content.decode()
    assert r.json()["errors"][0]["field"] == "lecturer_id"  # the body's field (the service calls it "lecturer")
    # an unknown id gets the same answer, on the same field
    r2 = _api_session(api_for, world["coordinator"], world["course"], lecturer_id=999999)
    assert r2.status_code == 422 and r2.json()["errors"] == r.json()["errors"]
    assert not Session.objects.exists()


def test_page_refuses_a_lecturer_who_is_not_a_lecturer(world, client_for):
    r = _page_session(client_for, world["coordinator"], world["course"], lecturer=world["official"].person_id)
    assert r.status_code == 200 and not Session.objects.exists()


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_real_lecturer_and_partner_are_accepted(world, client_for, api_for, how):
    lecturer, company = world["lecturer"].person, world["company"]
    if how == "api":
        r = _api_session(api_for, world["coordinator"], world["course"], lecturer_id=lecturer.pk, partner_id=company.pk)
        assert r.status_code == 201 and r.json()["lecturer_name"] == lecturer.display_name()
        assert r["ETag"] == f'"{r.json()["version"]}"'  # the version the next edit starts from
    else:
        r = _page_session(client_for, world["coordinator"], world["course"], lecturer=lecturer.pk, partner=company.pk)
        assert r.status_code == 302
    s = Session.objects.get()
    assert (s.lecturer_id, s.partner_id) == (lecturer.pk, company.pk)


@pytest.mark.parametrize("how", ["page", "api"])
def test_an_academy_is_not_a_partner(world, client_for, api_for, how, other_academy):
    org = other_academy.organisation
    if how == "api":
        r = _api_session(api_for, world["coordinator"], world["course"], partner_id=org.pk)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "partner_id"
    else:
        r = _page_session(client_for, world["coordinator"], world["course"], partner=org.pk)
        assert r.status_code == 200
    assert not Session.objects.exists()


def test_service_refuses_non_lecturer(world):
    from django.core.exceptions import ValidationError

    from citybridge.academy import services

    with pytest.raises(ValidationError):
        services.session_save(
            actor=world["coordinator"],
            course=world["course"],
            date=world["course"].start_date,
            start_time="09:00",
            end_time="12:00",
            lecturer=world["official"].person,
        )


# --------------------------------------------------------------------------- certificates


def test_certificates_refused_on_an_open_course_page_in_chinese(world, client_for):
    course = world["course"]
    r = client_for(world["coordinator"], "zh-hans").post(f"/academy/courses/{course.pk}/certificates/", follow=True)
    text = r.content.decode()
    from django.utils import translation

    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        expected = gettext("Certificates are issued once the course is completed.")
    assert expected != "Certificates are issued once the course is completed." and expected in text
    assert not Certificate.objects.exists()


def test_certificates_refused_on_an_open_course_api(world, api_for):
    course = world["course"]
    r = api_for(world["coordinator"]).post(f"/api/v1/academy/courses/{course.pk}/certificates")
    assert r.status_code == 422 and "completed" in r.json()["errors"][0]["message"]
    assert Course.objects.get(pk=course.pk).status == "open"


def test_certificate_service_refuses_open_course(world):
    from django.core.exceptions import ValidationError

    from citybridge.academy import services

    with pytest.raises(ValidationError):
        services.certificate_issue_all(actor=world["coordinator"], course=world["course"])
