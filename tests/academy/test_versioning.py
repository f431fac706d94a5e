"""No lost updates (issue #7) in Government Training: course, session, official, topic, module and academy edits
refuse a stale save with the current values (pages and API); a fresh save goes through and bumps the version."""

import json
from datetime import date, time

import pytest

from citybridge.academy import services
from citybridge.academy.models import Academy, Course, Module, OfficialProfile, Session, Topic
from citybridge.core import services as core_services
from citybridge.core.concurrency import StaleEdit
from citybridge.core.models import Person

from .conftest import fill_timetable

STALE = {
    "en": "Someone else saved this record while you were editing it.",
    "zh-hans": "在您编辑期间，其他人保存了此记录。",
}
STALE_API = {"en": "Someone else saved this record after the version you sent", "zh-hans": "在您发送的版本"}
LANGUAGES = pytest.mark.parametrize("language", ["en", "zh-hans"])


def _json(client, method, url, body, **headers):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


def _course_form(course, **changes):
    data = {
        "academy": course.academy_id,
        "title_en": course.title_en,
        "title_zh_hans": course.title_zh_hans,
        "start_date": course.start_date.isoformat(),
        "end_date": course.end_date.isoformat(),
        "location_en": "",
        "location_zh_hans": "",
    }
    data.update(changes)
    return data


def _first_session(course):
    fill_timetable(course)
    return Session.objects.filter(course=course).order_by("date", "start_time").first()


def _session_form(session, **changes):
    data = {
        "date": session.date.isoformat(),
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "format": session.format,
        "title_en": session.title_en,
        "title_zh_hans": session.title_zh_hans or "",
        "site_en": session.site_en or "",
        "site_zh_hans": session.site_zh_hans or "",
    }
    data.update(changes)
    return data


# --------------------------------------------------------------------------- courses


@LANGUAGES
def test_course_page_stale_save_is_refused_with_current_values(client_for, coordinator, staff, course, language):
    client = client_for(coordinator, language=language)
    assert 'name="version" value="1"' in client.get(f"/academy/courses/{course.pk}/edit/").content.decode()
    services.course_update(
        actor=staff, course=Course.objects.get(pk=course.pk), expected_version=1, location_en="Beijing"
    )
    r = client.post(f"/academy/courses/{course.pk}/edit/", _course_form(course, version=1, title_en="Mine"))
    body = r.content.decode()
    assert r.status_code == 409 and STALE[language] in body
    assert "Beijing" in body and 'value="Mine"' in body and 'name="version" value="2"' in body
    course.refresh_from_db()
    assert (course.title_en, course.location_en, course.version) == ("Energy Smart Cities", "Beijing", 2)
    r = client.post(
        f"/academy/courses/{course.pk}/edit/", _course_form(course, version=2, title_en="Mine", location_en="Beijing")
    )
    assert r.status_code == 302
    course.refresh_from_db()
    assert (course.title_en, course.version) == ("Mine", 3)


@LANGUAGES
def test_course_api_stale_patch_is_409(api_for, coordinator, course, language):
    api = api_for(coordinator, language=language)
    url = f"/api/v1/academy/courses/{course.pk}"
    got = api.get(url)
    assert got.json()["version"] == 1 and got["ETag"] == '"1"'
    assert _json(api, "patch", url, {"location_en": "Beijing", "version": 1}).json()["version"] == 2
    r = _json(api, "patch", url, {"title_en": "Mine", "version": 1})
    assert r.status_code == 409 and STALE_API[language] in r.json()["detail"]
    assert r.json()["current"]["location"] == "Beijing" and r.json()["current"]["version"] == 2
    course.refresh_from_db()
    assert (course.title_en, course.version) == ("Energy Smart Cities", 2)
    ok = _json(api, "patch", url, {"title_en": "Mine"}, HTTP_IF_MATCH='"2"')
    assert ok.status_code == 200 and ok.json()["version"] == 3 and ok["ETag"] == '"3"'
    assert _json(api, "patch", url, {"title_en": "No version"}).status_code == 422


def test_two_saves_from_one_version_exactly_one_wins(staff, course):
    a, b = Course.objects.get(pk=course.pk), Course.objects.get(pk=course.pk)
    services.course_update(actor=staff, course=a, expected_version=1, location_en="A")
    with pytest.raises(StaleEdit):
        services.course_update(actor=staff, course=b, expected_version=1, location_en="B")
    course.refresh_from_db()
    assert (course.location_en, course.version) == ("A", 2)


# --------------------------------------------------------------------------- sessions


@LANGUAGES
def test_session_page_stale_save_is_refused(client_for, coordinator, staff, course, language):
    session = _first_session(course)
    client = client_for(coordinator, language=language)
    assert 'name="version" value="1"' in client.get(f"/academy/sessions/{session.pk}/edit/").content.decode()
    services.session_save(
        actor=staff,
        course=course,
        session=Session.objects.get(pk=session.pk),
        expected_version=1,
        **{**_session_fields(session), "site_en": "Room 101"},
    )
    r = client.post(f"/academy/sessions/{session.pk}/edit/", _session_form(session, version=1, format="workshop"))
    body = r.content.decode()
    assert r.status_code == 409 and STALE[language] in body and "Room 101" in body
    session.refresh_from_db()
    assert (session.format, session.site, session.version) == ("lecture", "Room 101", 2)
    r = client.post(
        f"/academy/sessions/{session.pk}/edit/",
        _session_form(session, version=2, format="workshop", site_en="Room 101"),
    )
    assert r.status_code == 302
    session.refresh_from_db()
    assert (session.format, session.version) == ("workshop", 3)


def _session_fields(session):
    return {
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "format": session.format,
        "title_en": session.title_en,
        "site_en": session.site_en,
        "site_zh_hans": session.site_zh_hans,
    }


@LANGUAGES
def test_session_api_stale_put_is_409(api_for, coordinator, course, language):
    session = _first_session(course)
    api = api_for(coordinator, language=language)
    url = f"/api/v1/academy/sessions/{session.pk}"
    body = {"date": "2025-03-03", "start_time": "09:00", "end_time": "12:00", "format": "lecture"}
    first = _json(api, "put", url, {**body, "site": "Room 1", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2 and first["ETag"] == '"2"'
    r = _json(api, "put", url, {**body, "site": "Room 2"}, HTTP_IF_MATCH='"1"')
    assert r.status_code == 409 and STALE_API[language] in r.json()["detail"]
    assert r.json()["current"]["site"] == "Room 1"
    session.refresh_from_db()
    assert (session.site, session.version) == ("Room 1", 2)
    assert _json(api, "put", url, {**body, "site": "Room 2", "version": 2}).json()["version"] == 3
    # adding a session needs no version
    new = _json(
        api,
        "post",
        f"/api/v1/academy/courses/{course.pk}/sessions",
        {**body, "date": "2025-03-04", "start_time": "14:00", "end_time": "15:00"},
    )
    assert new.status_code == 201 and new.json()["version"] == 1


# --------------------------------------------------------------------------- officials


def _official_form(official, **changes):
    p = official.person
    data = {
        "family_name_en": p.family_name_en,
        "given_name_en": p.given_name_en or "",
        "family_name_zh_hans": p.family_name_zh_hans or "",
        "given_name_zh_hans": p.given_name_zh_hans or "",
        "email": p.email,
        "phone": p.phone,
        "position": official.position,
        "service_start": official.service_start.isoformat() if official.service_start else "",
    }
    data.update(changes)
    return data


@LANGUAGES
def test_official_page_stale_save_is_refused(client_for, staff, make_official, language):
    official = make_official()
    client = client_for(staff, language=language)
    page = client.get(f"/academy/officials/{official.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page and 'name="person_version" value="1"' in page
    # someone else saves the official's page first
    services.official_update_with_person(
        actor=staff,
        official=OfficialProfile.objects.get(pk=official.pk),
        expected_version=1,
        expected_person_version=1,
        **{**_official_fields(official), "phone": "+86 999"},
    )
    r = client.post(
        f"/academy/officials/{official.pk}/edit/",
        _official_form(official, version=1, person_version=1, position="vice_mayor"),
    )
    body = r.content.decode()
    assert r.status_code == 409 and STALE[language] in body and "+86 999" in body
    assert 'name="version" value="2"' in body and 'name="person_version" value="2"' in body
    official.refresh_from_db()
    official.person.refresh_from_db()
    assert (official.position, official.person.phone, official.version) == ("mayor", "+86 999", 2)
    r = client.post(
        f"/academy/officials/{official.pk}/edit/",
        _official_form(official, version=2, person_version=2, position="vice_mayor", phone="+86 999"),
    )
    assert r.status_code == 302
    official.refresh_from_db()
    assert (official.position, official.version) == ("vice_mayor", 3)


def _official_fields(official):
    p = official.person
    return {
        "family_name_en": p.family_name_en,
        "given_name_en": p.given_name_en,
        "email": p.email,
        "phone": p.phone,
        "position": official.position,
        "service_start": official.service_start,
    }


def test_official_page_is_stale_after_the_person_was_edited_elsewhere(client_for, staff, make_official):
    official = make_official()
    client = client_for(staff)
    client.get(f"/academy/officials/{official.pk}/edit/")
    core_services.person_update(
        actor=staff, person=Person.objects.get(pk=official.person_id), expected_version=1, title_en="Mayor of Wuhan"
    )
    r = client.post(
        f"/academy/officials/{official.pk}/edit/", _official_form(official, version=1, person_version=1, phone="+86 1")
    )
    assert r.status_code == 409
    official.person.refresh_from_db()
    assert official.person.phone == "+86 10 1234 5678" and official.person.version == 2


def test_official_api_detail_carries_the_version(api_for, staff, make_official):
    official = make_official()
    r = api_for(staff).get(f"/api/v1/academy/officials/{official.pk}")
    assert r.json()["version"] == 1 and r["ETag"] == '"1"'


# --------------------------------------------------------------------------- curriculum and academies


@LANGUAGES
def test_topic_page_stale_save_is_refused(client_for, staff, language):
    topic = services.topic_save(actor=staff, slug="energy", name_en="Energy")
    client = client_for(staff, language=language)
    assert 'name="version" value="1"' in client.get(f"/academy/curriculum/topics/{topic.pk}/edit/").content.decode()
    services.topic_save(
        actor=staff,
        topic=Topic.objects.get(pk=topic.pk),
        slug="energy",
        name_en="Energy",
        name_zh_hans="能源",
        expected_version=1,
    )
    form = {"slug": "energy", "name_en": "Energy systems", "order": 0, "version": 1}
    r = client.post(f"/academy/curriculum/topics/{topic.pk}/edit/", form)
    assert r.status_code == 409 and STALE[language] in r.content.decode() and "能源" in r.content.decode()
    topic.refresh_from_db()
    assert (topic.name_en, topic.version) == ("Energy", 2)
    assert (
        client.post(
            f"/academy/curriculum/topics/{topic.pk}/edit/", {**form, "version": 2, "name_zh_hans": "能源"}
        ).status_code
        == 302
    )
    topic.refresh_from_db()
    assert (topic.name_en, topic.version) == ("Energy systems", 3)


def test_module_page_stale_save_is_refused(client_for, staff):
    module = services.module_save(actor=staff, title_en="Planning", days=2)
    client = client_for(staff)
    assert 'name="version" value="1"' in client.get(f"/academy/curriculum/modules/{module.pk}/edit/").content.decode()
    services.module_save(
        actor=staff, module=Module.objects.get(pk=module.pk), title_en="Planning", days=3, expected_version=1
    )
    form = {"title_en": "Planning 2", "days": 2, "version": 1}
    r = client.post(f"/academy/curriculum/modules/{module.pk}/edit/", form)
    assert r.status_code == 409 and STALE["en"] in r.content.decode()
    module.refresh_from_db()
    assert (module.title_en, module.days, module.version) == ("Planning", 3, 2)
    assert client.post(f"/academy/curriculum/modules/{module.pk}/edit/", {**form, "version": 2}).status_code == 302
    module.refresh_from_db()
    assert (module.title_en, module.version) == ("Planning 2", 3)


@LANGUAGES
def test_academy_page_stale_save_is_refused(client_for, staff, academy, language):
    client = client_for(staff, language=language)
    assert 'name="version" value="1"' in client.get("/academy/academies/").content.decode()
    services.academy_save(actor=staff, organisation=academy.organisation, official=False, expected_version=1)
    r = client.post(
        "/academy/academies/",
        {"academy": academy.pk, "official": "1", "managed_by_program": "1", "version": 1},
        follow=True,
    )
    expected = {"en": "Someone else saved this academy", "zh-hans": "在您编辑期间，其他人保存了此学院"}[language]
    assert expected in r.content.decode()
    academy.refresh_from_db()
    assert (academy.official, academy.managed_by_program, academy.version) == (False, False, 2)
    client.post("/academy/academies/", {"academy": academy.pk, "official": "1", "version": 2})
    academy.refresh_from_db()
    assert (academy.official, academy.version) == (True, 3)


def test_editing_without_a_version_is_refused_and_changes_nothing(staff, course):
    session = _first_session(course)
    with pytest.raises(Exception) as caught:
        services.session_save(
            actor=staff, course=course, session=session, date=date(2025, 3, 4), start_time=time(9), end_time=time(10)
        )
    assert "version" in caught.value.message_dict
    session.refresh_from_db()
    assert (session.date, session.version) == (date(2025, 3, 3), 1)
    assert Academy.objects.get(pk=course.academy_id).version == 1


def test_academies_page_names_its_coordinators(client_for, make_user):
    """Coordinators are listed by name with their sign-in e-mail (issue 9: people are named, not shown by e-mail)."""
    from citybridge.academy.models import Academy
    from citybridge.core.models import Organisation, Person, User

    org = Organisation.objects.create(name_en="NAMC", name_zh_hans="全国市长研修学院", type="academy", country="CN")
    Academy.objects.create(organisation=org, official=True)
    person = Person.objects.create(
        family_name_en="Li", given_name_en="Na", family_name_zh_hans="李", given_name_zh_hans="娜"
    )
    make_user("academy_coordinator", organisation=org, email="li@example.org", person=person)
    make_user("academy_coordinator", organisation=org, email="desk@example.org")
    staff = User.objects.filter(role_memberships__role="program_staff").first() or make_user("program_staff")
    html = client_for(staff, "zh-hans").get("/academy/academies/").content.decode()
    assert "李娜（li@example.org）" in html and "desk@example.org" in html
