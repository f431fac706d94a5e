"""Features no test executed before issue #8: course edit (page and PATCH API), confirming from the waitlist,
deleting external training, saving an academy. Each through the real URL, with the refusals beside it."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.academy import services
from citybridge.academy.models import Academy, Course, Enrolment, ExternalTraining, TrainingSummary
from tests.chinese import has_chinese

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db


def _form(course, **over):
    data = {
        "academy": course.academy_id,
        "title_en": course.title_en,
        "title_zh_hans": course.title_zh_hans or "",
        "start_date": course.start_date.isoformat(),
        "end_date": course.end_date.isoformat(),
        "location_en": "",
        "location_zh_hans": "",
        "version": Course.objects.get(pk=course.pk).version,
    }  # the version the edit started from
    data.update(over)
    return data


# --------------------------------------------------------------------------- course edit: page


def test_course_edit_page_shows_the_course_and_saves(client_for, coordinator, course, staff):
    module = services.module_save(actor=staff, title_en="Heat", title_zh_hans="热", days=3)
    client = client_for(coordinator)
    url = f"/academy/courses/{course.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and "Energy Smart Cities" in page.content.decode()
    r = client.post(url, _form(course, title_en="Energy Smart Cities II", location_en="Beijing", modules=[module.pk]))
    assert r.status_code == 302 and r.url == f"/academy/courses/{course.pk}/"
    course.refresh_from_db()
    assert (course.title_en, course.title_zh_hans, course.location_en) == (
        "Energy Smart Cities II",
        "能源智慧城市",
        "Beijing",
    )
    assert list(course.modules.all()) == [module]


def test_course_edit_page_refuses_bad_dates_in_chinese_and_keeps_the_course(client_for, coordinator, course):
    r = client_for(coordinator, "zh-hans").post(
        f"/academy/courses/{course.pk}/edit/", _form(course, title_en="Renamed", end_date="2025-03-01")
    )
    assert r.status_code == 200
    assert has_chinese(r.context["form"].errors["end_date"][0])
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


def test_course_edit_page_refuses_a_completed_course(client_for, coordinator, course):
    Course.objects.filter(pk=course.pk).update(status="completed")
    r = client_for(coordinator).post(f"/academy/courses/{course.pk}/edit/", _form(course, title_en="Renamed"))
    assert r.status_code == 200 and "cannot be changed" in r.content.decode()
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


@pytest.mark.parametrize(("role", "status"), [("lecturer", 403), ("other_coordinator", 404)])
def test_course_edit_page_wrong_roles(client_for, course, lecturer, other_coordinator, role, status):
    fill_timetable(course, lecturer_person=lecturer.person)  # the lecturer may see the course, not edit it
    user = {"lecturer": lecturer, "other_coordinator": other_coordinator}[role]
    url = f"/academy/courses/{course.pk}/edit/"
    assert client_for(user).get(url).status_code == status
    assert client_for(user).post(url, _form(course, title_en="Renamed")).status_code == status
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


# --------------------------------------------------------------------------- course edit: PATCH API


def _patch(api_for, user, course, body, language="en"):
    body = {"version": Course.objects.get(pk=course.pk).version, **body}
    return api_for(user, language).patch(f"/api/v1/academy/courses/{course.pk}", body, content_type="application/json")


def test_course_patch_changes_only_the_fields_given(api_for, coordinator, course, staff):
    module = services.module_save(actor=staff, title_en="Heat", days=3)
    r = _patch(api_for, coordinator, course, {"location_en": "Pudong", "module_ids": [module.pk]})
    assert r.status_code == 200, r.content
    assert r.json()["title_en"] == "Energy Smart Cities"
    course.refresh_from_db()
    assert (course.location_en, course.title_zh_hans, course.end_date) == ("Pudong", "能源智慧城市", date(2025, 3, 16))
    assert list(course.modules.all()) == [module]
    r = _patch(api_for, coordinator, course, {"end_date": "2025-03-20"})
    assert r.status_code == 200 and r.json()["end_date"] == "2025-03-20"
    assert list(Course.objects.get(pk=course.pk).modules.all()) == [module]  # modules kept when not given


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"end_date": "2025-03-01"}, "end_date"),
        ({"module_ids": [999999]}, "999999"),
        ({"status": "completed"}, "status"),
    ],
)
def test_course_patch_bad_input_is_422_and_nothing_changes(api_for, coordinator, course, body, needle):
    r = _patch(api_for, coordinator, course, body)
    assert r.status_code == 422 and needle in r.content.decode()
    c = Course.objects.get(pk=course.pk)
    assert (c.end_date, c.status, c.modules.count()) == (date(2025, 3, 16), "open", 0)


def test_course_patch_of_a_completed_course_is_422_in_chinese(api_for, coordinator, course):
    Course.objects.filter(pk=course.pk).update(status="completed")
    r = _patch(api_for, coordinator, course, {"title_en": "Renamed"}, language="zh-hans")
    assert r.status_code == 422
    assert has_chinese(e["message"] for e in r.json()["errors"])
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


@pytest.mark.parametrize(("role", "status"), [("other_coordinator", 404), ("lecturer", 403), (None, 401)])
def test_course_patch_wrong_roles(api_for, course, lecturer, other_coordinator, role, status):
    fill_timetable(course, lecturer_person=lecturer.person)
    user = {"lecturer": lecturer, "other_coordinator": other_coordinator, None: None}[role]
    assert _patch(api_for, user, course, {"title_en": "Renamed"}).status_code == status
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


# --------------------------------------------------------------------------- confirming from the waitlist


def test_confirm_from_the_waitlist_on_the_page(client_for, coordinator, staff, course, make_official):
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    r = client_for(coordinator).post(f"/academy/enrolments/{waiting.pk}/confirm/")
    assert r.status_code == 302 and r.url == f"/academy/courses/{course.pk}/"
    assert Enrolment.objects.get(pk=waiting.pk).status == "confirmed"
    assert TrainingSummary.objects.filter(official_id=waiting.official_id, year=2025).exists()


def test_confirm_into_a_full_class_shows_the_error(client_for, coordinator, staff, course, make_official, settings):
    settings.CITYBRIDGE_ACADEMY_COURSE_RULES = {"class_max": 1, "class_min": 1}
    services.enrolment_create(actor=staff, course=course, official=make_official())
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    r = client_for(coordinator).post(f"/academy/enrolments/{waiting.pk}/confirm/", follow=True)
    assert r.status_code == 200 and "full" in " ".join(str(m) for m in r.context["messages"])
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"


@pytest.mark.parametrize("role", ["lecturer", "other_coordinator"])
def test_confirm_wrong_roles(client_for, staff, course, make_official, lecturer, other_coordinator, role):
    fill_timetable(course, lecturer_person=lecturer.person)
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    user = {"lecturer": lecturer, "other_coordinator": other_coordinator}[role]
    r = client_for(user).post(f"/academy/enrolments/{waiting.pk}/confirm/")
    assert r.status_code == 404  # a waitlisted enrolment is outside both users' scope
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"
    assert client_for(staff).get(f"/academy/enrolments/{waiting.pk}/confirm/").status_code == 405


# --------------------------------------------------------------------------- deleting external training


@pytest.fixture
def external(staff, coordinator, course, make_official):
    official = make_official()
    services.enrolment_create(actor=staff, course=course, official=official)  # the coordinator's official
    services.compliance_prepare_year(year=2024)
    record = services.external_training_create(
        actor=staff,
        official=official,
        provider="CAG",
        title="Leadership",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 10),
        days=5,
        evidence_reference="CAG-2024-0001",
    )
    assert TrainingSummary.objects.get(official=official, year=2024).external_days == 5
    return record


def test_delete_external_training_on_the_page(client_for, coordinator, external):
    r = client_for(coordinator).post(f"/academy/external-training/{external.pk}/delete/")
    assert r.status_code == 302 and r.url == f"/academy/officials/{external.official_id}/"
    assert not ExternalTraining.objects.filter(pk=external.pk).exists()
    s = TrainingSummary.objects.get(official_id=external.official_id, year=2024)
    assert (s.external_days, s.total_days, s.shortfall) == (0, 0, 12)


@pytest.mark.parametrize("role", ["lecturer", "other_coordinator"])
def test_delete_external_training_wrong_roles(client_for, lecturer, other_coordinator, external, role):
    user = {"lecturer": lecturer, "other_coordinator": other_coordinator}[role]
    r = client_for(user).post(f"/academy/external-training/{external.pk}/delete/")
    assert r.status_code == 404  # the lecturer does not teach this course: the official is outside both scopes
    assert ExternalTraining.objects.filter(pk=external.pk).exists()


def test_delete_external_training_needs_post(client_for, coordinator, external):
    assert client_for(coordinator).get(f"/academy/external-training/{external.pk}/delete/").status_code == 405
    assert ExternalTraining.objects.filter(pk=external.pk).exists()


# --------------------------------------------------------------------------- saving an academy


def test_staff_saves_an_academy_on_the_page(client_for, staff, academy):
    client = client_for(staff)
    assert client.get("/academy/academies/").status_code == 200
    r = client.post(
        "/academy/academies/",
        {"academy": academy.pk, "managed_by_program": "on", "version": Academy.objects.get(pk=academy.pk).version},
    )
    assert r.status_code == 302 and r.url == "/academy/academies/"
    a = Academy.objects.get(pk=academy.pk)
    assert (a.official, a.managed_by_program) == (False, True)
    client.post("/academy/academies/", {"academy": academy.pk, "official": "on", "version": a.version})
    a.refresh_from_db()
    assert (a.official, a.managed_by_program) == (True, False)
    assert Academy.objects.count() == 1


def test_saving_an_academy_is_staff_only(client_for, coordinator, academy):
    r = client_for(coordinator).post("/academy/academies/", {"academy": academy.pk})
    assert r.status_code == 403
    a = Academy.objects.get(pk=academy.pk)
    assert (a.official, a.managed_by_program) == (True, True)


def test_saving_an_unknown_academy_is_404(client_for, staff, academy):
    assert client_for(staff).post("/academy/academies/", {"academy": academy.pk + 1000}).status_code == 404


def test_academy_save_service_creates_once_per_organisation(staff, organisation):
    first = services.academy_save(actor=staff, organisation=organisation, official=False)
    again = services.academy_save(
        actor=staff, organisation=organisation, managed_by_program=True, expected_version=first.version
    )
    assert first.pk == again.pk and Academy.objects.filter(organisation=organisation).count() == 1
    assert (again.official, again.managed_by_program) == (True, True)
