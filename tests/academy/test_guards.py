"""Every guard clause of the academy services refuses, and a refusal writes nothing (issue #8).

Each test calls the real service through the fixtures, expects the refusal (``PermissionDenied`` or
``ValidationError``, or the documented no-op) and compares a snapshot of every row of the academy, core and cities
tables (history tables included) taken before and after: a guard that is removed makes the test fail either
because nothing is raised or because something was written.

Guard → test (``existing:`` = already exercised elsewhere, named for the table; ``*`` = pinned here too)

services/courses.py
  course_create: require academy.add_course ............ test_course_create_needs_add_course
  course_update: require academy.manage_course .......... test_course_update_needs_manage_course
  course_update: completed / cancelled course ........... test_completed_or_cancelled_course_cannot_be_edited
  _course_write: unknown field .......................... test_course_update_unknown_field
  _course_write: title in at least one language ......... test_course_update_needs_a_title
  _course_write: last day before first day .............. test_course_update_end_before_start  (existing: test_course_rules_enforced, create)
  _course_write: sessions left outside the new dates .... test_course_update_cannot_strand_sessions
  course_set_status: require academy.manage_course ...... test_course_set_status_needs_manage_course
  course_set_status: transition not allowed ............. existing: test_status_workflow
  course_set_status: errors block open / running ........ test_course_with_errors_cannot_open
  course_set_status: completed only after the last day .. test_course_cannot_be_completed_before_its_last_day
services/enrolment.py
  enrolment_create: require ............................. test_enrolment_create_needs_manage_course *  (existing: test_wrong_coordinator_cannot_write)
  _check_open_for_enrolment (create) .................... test_no_enrolment_in_a_completed_or_cancelled_course
  enrolment_create: already enrolled (not withdrawn) .... test_enrolling_twice_is_refused, test_withdrawn_official_can_enrol_again
  enrolment_create: class full without waitlist ........ existing: test_fifty_sixth_confirmed_refused_and_waitlist
  enrolment_withdraw: require ........................... test_enrolment_withdraw_needs_manage_course
  enrolment_withdraw: already withdrawn ................. test_withdrawing_twice_is_refused
  enrolment_withdraw: promotes only while course open ... test_withdrawal_from_a_completed_course_promotes_nobody
  enrolment_confirm: require ............................ test_enrolment_confirm_needs_manage_course
  _check_open_for_enrolment (confirm) ................... test_no_confirmation_in_a_cancelled_course
  enrolment_confirm: already confirmed is a no-op ....... test_confirming_a_confirmed_enrolment_writes_nothing
  enrolment_confirm: withdrawn enrolment ................ test_confirming_a_withdrawn_enrolment_is_refused
  enrolment_confirm: class full ......................... test_confirming_into_a_full_class_is_refused
services/certificates.py
  certificate_issue: require ............................ test_certificate_issue_needs_manage_course
  certificate_issue: course not completed ............... existing: test_certificates_and_revocation
  certificate_issue: enrolment not confirmed ............ test_no_certificate_for_a_waitlisted_or_withdrawn_official
  certificate_issue: valid certificate exists ........... test_issuing_twice_returns_the_same_certificate
  certificate_issue: no training day .................... test_no_certificate_without_a_training_day *  (existing: issue_all count)
  certificate_issue_all: require ........................ test_certificate_issue_all_needs_manage_course
  certificate_revoke: require / reason .................. existing: test_certificates_and_revocation
  certificate_revoke: already revoked ................... test_revoking_twice_is_refused
services/external_training.py
  external_training_create: require ..................... test_external_training_create_needs_change_official
  external_training_create: last day before first ....... test_external_training_bad_period[end_before_start]
  external_training_create: days outside 1..span ........ test_external_training_bad_period[zero_days|too_many_days]
  external_training_create: not yet taken place ......... test_external_training_bad_period[future]
  external_training_create: evidence .................... existing: test_external_training_requires_evidence_and_counts
  external_training_delete: require ..................... test_external_training_delete_needs_change_official
services/sessions.py
  session_save: require ................................. test_session_save_needs_manage_course
  session_save: completed / cancelled course ............ test_no_session_changes_in_a_completed_course
  session_save: unknown field ........................... test_session_save_refusals[unknown_field]
  session_save: session of another course ............... test_session_of_another_course_is_refused
  session_save: date outside the course ................. existing: test_session_outside_course_refused
  session_save: ends before it starts ................... test_session_save_refusals[ends_before_start]
  session_save: module not in the course ................ test_session_save_refusals[module_not_in_course]
  session_save: rest day ................................ existing: test_no_rest_day_refused
  session_delete: require ............................... test_session_delete_needs_manage_course
  session_delete: completed / cancelled course .......... test_no_session_changes_in_a_completed_course
  session_delete: a lecturer's material depends on it ... test_a_session_with_a_material_is_not_deleted
services/attendance.py
  attendance_record: require ............................ test_attendance_needs_manage_course
  attendance_record: course not open yet ................ test_no_attendance_before_the_course_opens
  attendance_record: session of another course .......... test_attendance_for_a_session_of_another_course
  attendance_record: waitlisted / not enrolled .......... test_waitlisted_official_cannot_be_marked  (existing: not enrolled)
  attendance_record: unknown status ..................... existing: test_attendance_rejects_unknown_status_and_not_enrolled
  attendance_import: require ............................ test_attendance_import_needs_manage_course
services/curriculum.py
  academy_save: require / not an academy organisation ... test_academy_save_refusals
  topic_save: require / name / motivation ............... test_topic_save_refusals
  module_save: require / title / format ................. test_module_save_refusals  (length: existing test_module_length)
services/officials.py
  official_create: require / second profile ............. test_official_create_refusals
  _validate_official: position / future start / company  test_official_update_refusals
  _official_write: unknown field ........................ test_official_update_refusals[unknown_field]
  official_update / _with_person: require ............... test_official_update_needs_change_official
  _official_person_save: e-mail of another person ....... test_official_with_person_duplicate_email
  _official_person_save: no name / population only ...... existing: test_coordinator_adds_an_official_with_jurisdiction_and_population
  official_create_with_person: require .................. existing: test_lecturer_cannot_add_officials
services/roster_import.py
  roster_import: require (course / no course) ........... test_roster_import_needs_permission
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from citybridge.academy import services
from citybridge.academy.models import Course, Enrolment, ExternalTraining, Session

from .conftest import fill_timetable

pytestmark = pytest.mark.django_db

APPS = ("academy", "core", "cities")


def snapshot() -> dict:
    """Every row of every table of these apps (history tables included), in primary-key order."""
    return {
        m._meta.label: list(m._default_manager.order_by("pk").values())
        for label in APPS
        for m in apps.get_app_config(label).get_models()
    }


def refused(exc_type, call, **kwargs):
    """Call the service, expect ``exc_type`` and that the database is exactly as before; return the exception."""
    before = snapshot()
    with pytest.raises(exc_type) as info:
        call(**kwargs)
    assert snapshot() == before
    return info.value


def _set_status(course, status):
    Course.objects.filter(pk=course.pk).update(status=status)
    course.refresh_from_db()
    return course


@pytest.fixture
def taught(staff, course, make_official):
    """An open course with a timetable and one confirmed official present at every session."""
    sessions = fill_timetable(course)
    official = make_official()
    enrolment = services.enrolment_create(actor=staff, course=course, official=official)
    services.attendance_record(
        actor=staff, course=course, marks=[services.Mark(official.pk, s.pk, "present") for s in sessions]
    )
    return {"course": course, "sessions": sessions, "official": official, "enrolment": enrolment}


@pytest.fixture
def completed(taught):
    _set_status(taught["course"], "completed")
    taught["enrolment"].refresh_from_db()
    return taught


# --------------------------------------------------------------------------- courses


def test_course_create_needs_add_course(other_coordinator, lecturer, academy):
    for actor in (other_coordinator, lecturer):
        refused(
            PermissionDenied,
            services.course_create,
            actor=actor,
            academy=academy,
            title_en="X",
            start_date=date(2025, 3, 3),
            end_date=date(2025, 3, 16),
        )


def test_course_update_needs_manage_course(other_coordinator, lecturer, course):
    for actor in (other_coordinator, lecturer):
        refused(
            PermissionDenied,
            services.course_update,
            actor=actor,
            course=course,
            expected_version=course.version,
            title_en="Changed",
        )


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_completed_or_cancelled_course_cannot_be_edited(staff, course, status):
    _set_status(course, status)
    exc = refused(
        ValidationError,
        services.course_update,
        actor=staff,
        course=course,
        expected_version=course.version,
        title_en="Changed",
    )
    assert "cannot be changed" in " ".join(exc.messages)
    assert Course.objects.get(pk=course.pk).title_en == "Energy Smart Cities"


def test_course_update_unknown_field(staff, course):
    exc = refused(
        ValidationError,
        services.course_update,
        actor=staff,
        course=course,
        expected_version=course.version,
        status="completed",
    )
    assert "status" in exc.message_dict
    assert Course.objects.get(pk=course.pk).status == "open"


def test_course_update_needs_a_title(staff, course):
    exc = refused(
        ValidationError,
        services.course_update,
        actor=staff,
        course=course,
        expected_version=course.version,
        title_en="",
        title_zh_hans="",
    )
    assert "title_en" in exc.message_dict


def test_course_update_end_before_start(staff, course):
    exc = refused(
        ValidationError,
        services.course_update,
        actor=staff,
        course=course,
        expected_version=course.version,
        end_date=date(2025, 3, 1),
    )
    assert "end_date" in exc.message_dict


def test_course_update_cannot_strand_sessions(staff, course):
    fill_timetable(course)
    exc = refused(
        ValidationError,
        services.course_update,
        actor=staff,
        course=course,
        expected_version=course.version,
        end_date=date(2025, 3, 14),
    )
    assert "end_date" in exc.message_dict
    assert Course.objects.get(pk=course.pk).end_date == date(2025, 3, 16)


def test_course_set_status_needs_manage_course(other_coordinator, course):
    refused(PermissionDenied, services.course_set_status, actor=other_coordinator, course=course, status="planning")


def test_course_with_errors_cannot_open(staff, academy, settings):
    settings.CITYBRIDGE_ACADEMY_COURSE_RULES = {"course_length_severity": "error"}
    course = Course.objects.create(
        academy=academy,
        title_en="Six weeks",
        start_date=date(2025, 3, 1),
        end_date=date(2025, 4, 11),
        status="planning",
    )
    exc = refused(ValidationError, services.course_set_status, actor=staff, course=course, status="open")
    assert "status" in exc.message_dict
    assert Course.objects.get(pk=course.pk).status == "planning"


def test_course_cannot_be_completed_before_its_last_day(staff, academy):
    today = timezone.localdate()
    course = Course.objects.create(
        academy=academy,
        title_en="Now",
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=10),
        status="running",
    )
    exc = refused(ValidationError, services.course_set_status, actor=staff, course=course, status="completed")
    assert "after its last day" in " ".join(exc.messages)


# --------------------------------------------------------------------------- enrolment


def test_enrolment_create_needs_manage_course(other_coordinator, lecturer, course, make_official):
    official = make_official()
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.enrolment_create, actor=actor, course=course, official=official)


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_no_enrolment_in_a_completed_or_cancelled_course(staff, course, make_official, status):
    _set_status(course, status)
    for waitlist in (False, True):
        refused(
            ValidationError,
            services.enrolment_create,
            actor=staff,
            course=course,
            official=make_official(),
            waitlist=waitlist,
        )


@pytest.mark.parametrize("waitlist", [False, True])
def test_enrolling_twice_is_refused(staff, course, make_official, waitlist):
    official = make_official()
    services.enrolment_create(actor=staff, course=course, official=official, waitlist=waitlist)
    for again in (False, True):
        exc = refused(
            ValidationError, services.enrolment_create, actor=staff, course=course, official=official, waitlist=again
        )
        assert "already enrolled" in " ".join(exc.messages)
    assert Enrolment.objects.filter(course=course, official=official).count() == 1


def test_withdrawn_official_can_enrol_again(staff, course, make_official):
    official = make_official()
    first = services.enrolment_create(actor=staff, course=course, official=official)
    services.enrolment_withdraw(actor=staff, enrolment=first)
    again = services.enrolment_create(actor=staff, course=course, official=official)
    assert again.pk == first.pk and again.status == "confirmed" and again.withdrawn_at is None


def test_enrolment_withdraw_needs_manage_course(other_coordinator, staff, course, make_official):
    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    refused(PermissionDenied, services.enrolment_withdraw, actor=other_coordinator, enrolment=enrolment)


def test_withdrawing_twice_is_refused(staff, course, make_official):
    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    services.enrolment_withdraw(actor=staff, enrolment=enrolment)
    exc = refused(
        ValidationError, services.enrolment_withdraw, actor=staff, enrolment=Enrolment.objects.get(pk=enrolment.pk)
    )
    assert "already withdrawn" in " ".join(exc.messages)


def test_withdrawal_from_a_completed_course_promotes_nobody(staff, course, make_official):
    first = services.enrolment_create(actor=staff, course=course, official=make_official())
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    _set_status(course, "completed")
    first.refresh_from_db()
    assert services.enrolment_withdraw(actor=staff, enrolment=first) is None
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"


def test_enrolment_confirm_needs_manage_course(other_coordinator, staff, course, make_official):
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    refused(PermissionDenied, services.enrolment_confirm, actor=other_coordinator, enrolment=waiting)
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_no_confirmation_in_a_cancelled_course(staff, course, make_official, status):
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    _set_status(course, status)
    waiting.refresh_from_db()
    refused(ValidationError, services.enrolment_confirm, actor=staff, enrolment=waiting)
    assert Enrolment.objects.get(pk=waiting.pk).status == "waitlisted"


def test_confirming_a_confirmed_enrolment_writes_nothing(staff, course, make_official):
    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    before = snapshot()
    assert services.enrolment_confirm(actor=staff, enrolment=enrolment).status == "confirmed"
    assert snapshot() == before


def test_confirming_a_withdrawn_enrolment_is_refused(staff, course, make_official):
    """A withdrawal is not undone by "confirm" (a stale page's button): bringing the official back is a new
    enrolment, which checks the class like any other."""
    enrolment = services.enrolment_create(actor=staff, course=course, official=make_official())
    services.enrolment_withdraw(actor=staff, enrolment=enrolment)
    # the caller's object may still say "waitlisted" or "confirmed": the service reads the row as it is now
    exc = refused(ValidationError, services.enrolment_confirm, actor=staff, enrolment=enrolment)
    assert "has withdrawn from this course" in " ".join(exc.messages)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


def test_confirming_into_a_full_class_is_refused(staff, course, make_official, settings):
    settings.CITYBRIDGE_ACADEMY_COURSE_RULES = {"class_max": 2, "class_min": 1}
    for _ in range(2):
        services.enrolment_create(actor=staff, course=course, official=make_official())
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    exc = refused(ValidationError, services.enrolment_confirm, actor=staff, enrolment=waiting)
    assert "full" in " ".join(exc.messages)


# --------------------------------------------------------------------------- certificates


def test_certificate_issue_needs_manage_course(other_coordinator, completed):
    refused(PermissionDenied, services.certificate_issue, actor=other_coordinator, enrolment=completed["enrolment"])


def test_no_certificate_for_a_waitlisted_or_withdrawn_official(staff, taught, make_official):
    course = taught["course"]
    waiting = services.enrolment_create(actor=staff, course=course, official=make_official(), waitlist=True)
    withdrawn = taught["enrolment"]
    services.enrolment_withdraw(actor=staff, enrolment=withdrawn, promote_waitlist=False)
    _set_status(course, "completed")
    for enrolment in (waiting, withdrawn):
        enrolment = Enrolment.objects.get(pk=enrolment.pk)
        exc = refused(ValidationError, services.certificate_issue, actor=staff, enrolment=enrolment)
        assert "confirmed" in " ".join(exc.messages)


def test_issuing_twice_returns_the_same_certificate(staff, completed):
    first = services.certificate_issue(actor=staff, enrolment=completed["enrolment"])
    before = snapshot()
    again = services.certificate_issue(actor=staff, enrolment=Enrolment.objects.get(pk=completed["enrolment"].pk))
    assert (again.pk, again.code) == (first.pk, first.code)
    assert snapshot() == before


def test_no_certificate_without_a_training_day(staff, taught, make_official):
    absent = services.enrolment_create(actor=staff, course=taught["course"], official=make_official())
    _set_status(taught["course"], "completed")
    absent.refresh_from_db()
    exc = refused(ValidationError, services.certificate_issue, actor=staff, enrolment=absent)
    assert "no training day" in " ".join(exc.messages)


def test_certificate_issue_all_needs_manage_course(other_coordinator, completed):
    refused(PermissionDenied, services.certificate_issue_all, actor=other_coordinator, course=completed["course"])


def test_revoking_twice_is_refused(staff, completed):
    cert = services.certificate_issue(actor=staff, enrolment=completed["enrolment"])
    services.certificate_revoke(actor=staff, certificate=cert, reason="Issued in error")
    cert.refresh_from_db()
    exc = refused(ValidationError, services.certificate_revoke, actor=staff, certificate=cert, reason="Again")
    assert "already revoked" in " ".join(exc.messages)
    cert.refresh_from_db()
    assert cert.revoked_reason == "Issued in error"


# --------------------------------------------------------------------------- external training

EXTERNAL = {
    "provider": "CAG",
    "title": "Leadership",
    "start_date": date(2024, 5, 6),
    "end_date": date(2024, 5, 10),
    "days": 5,
    "evidence_reference": "CAG-2024-0001",
}


def test_external_training_create_needs_change_official(other_coordinator, lecturer, make_official):
    official = make_official()
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.external_training_create, actor=actor, official=official, **EXTERNAL)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": date(2024, 5, 5)}, "end_date"),
        ({"days": 0}, "days"),
        ({"days": 6}, "days"),
        ("future", "end_date"),
    ],
    ids=["end_before_start", "zero_days", "too_many_days", "future"],
)
def test_external_training_bad_period(staff, make_official, change, field):
    if change == "future":
        today = timezone.localdate()
        change = {"start_date": today - timedelta(days=1), "end_date": today + timedelta(days=1), "days": 1}
    exc = refused(
        ValidationError,
        services.external_training_create,
        actor=staff,
        official=make_official(),
        **{**EXTERNAL, **change},
    )
    assert field in exc.message_dict


def test_external_training_delete_needs_change_official(staff, other_coordinator, lecturer, make_official):
    record = services.external_training_create(actor=staff, official=make_official(), **EXTERNAL)
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.external_training_delete, actor=actor, record=record)
    assert ExternalTraining.objects.filter(pk=record.pk).exists()


# --------------------------------------------------------------------------- sessions

SESSION = {"date": date(2025, 3, 4), "start_time": time(9), "end_time": time(11), "format": "lecture"}


def test_session_save_needs_manage_course(other_coordinator, lecturer, course):
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.session_save, actor=actor, course=course, **SESSION)


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_no_session_changes_in_a_completed_course(staff, course, status):
    session = fill_timetable(course)[0]
    _set_status(course, status)
    refused(ValidationError, services.session_save, actor=staff, course=course, **SESSION)
    refused(ValidationError, services.session_save, actor=staff, course=course, session=session, start_time=time(8))
    refused(ValidationError, services.session_delete, actor=staff, session=Session.objects.get(pk=session.pk))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"room": "B12"}, "room"),
        ({"end_time": time(9)}, "end_time"),
        ("module", "module"),
    ],
    ids=["unknown_field", "ends_before_start", "module_not_in_course"],
)
def test_session_save_refusals(staff, course, change, field):
    if change == "module":
        change = {"module": services.module_save(actor=staff, title_en="Elsewhere", days=3)}
    exc = refused(ValidationError, services.session_save, actor=staff, course=course, **{**SESSION, **change})
    assert field in exc.message_dict


def test_session_of_another_course_is_refused(staff, course, academy):
    other = Course.objects.create(
        academy=academy, title_en="Other", start_date=course.start_date, end_date=course.end_date, status="open"
    )
    session = fill_timetable(other)[0]
    exc = refused(
        ValidationError, services.session_save, actor=staff, course=course, session=session, start_time=time(8)
    )
    assert "another course" in " ".join(exc.messages)


def test_session_delete_needs_manage_course(other_coordinator, lecturer, course):
    session = fill_timetable(course, lecturer_person=lecturer.person)[0]
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.session_delete, actor=actor, session=session)


def test_a_session_with_a_material_is_not_deleted(staff, lecturer, course, client_for):
    """Material.session is protected: the deletion is refused with the records named, in the user's language, on
    the service and on the page (it was a server error), and the session and its material stay."""
    from citybridge.materials.models import Material

    session = fill_timetable(course, lecturer_person=lecturer.person)[0]
    material = Material.objects.create(title="Deck", lecturer=lecturer.person, session=session)
    exc = refused(ValidationError, services.session_delete, actor=staff, session=session)
    assert "This session cannot be deleted" in exc.messages[0] and "materials: 1" in exc.messages[0]
    response = client_for(staff, language="zh-hans").post(f"/academy/sessions/{session.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert "无法删除此课次" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists() and Material.objects.filter(pk=material.pk).exists()


# --------------------------------------------------------------------------- attendance


def test_attendance_needs_manage_course(other_coordinator, taught):
    mark = services.Mark(taught["official"].pk, taught["sessions"][0].pk, "absent")
    refused(
        PermissionDenied, services.attendance_record, actor=other_coordinator, course=taught["course"], marks=[mark]
    )


def test_no_attendance_before_the_course_opens(staff, taught):
    _set_status(taught["course"], "planning")
    mark = services.Mark(taught["official"].pk, taught["sessions"][0].pk, "absent")
    exc = refused(ValidationError, services.attendance_record, actor=staff, course=taught["course"], marks=[mark])
    assert "once the course is “Open for enrolment” or later" in " ".join(exc.messages)


def test_attendance_for_a_session_of_another_course(staff, taught, academy):
    other = Course.objects.create(
        academy=academy, title_en="Other", start_date=date(2025, 3, 3), end_date=date(2025, 3, 16), status="open"
    )
    foreign = fill_timetable(other)[0]
    refused(
        ValidationError,
        services.attendance_record,
        actor=staff,
        course=taught["course"],
        marks=[services.Mark(taught["official"].pk, foreign.pk, "present")],
    )


def test_waitlisted_official_cannot_be_marked(staff, taught, make_official):
    waiting = services.enrolment_create(actor=staff, course=taught["course"], official=make_official(), waitlist=True)
    refused(
        ValidationError,
        services.attendance_record,
        actor=staff,
        course=taught["course"],
        marks=[services.Mark(waiting.official_id, taught["sessions"][0].pk, "present")],
    )


def test_attendance_import_needs_manage_course(other_coordinator, taught):
    refused(
        PermissionDenied,
        services.attendance_import,
        actor=other_coordinator,
        course=taught["course"],
        data=b"not a workbook",
    )


# --------------------------------------------------------------------------- curriculum


def test_academy_save_refusals(staff, coordinator, academy, organisation):
    refused(
        PermissionDenied, services.academy_save, actor=coordinator, organisation=academy.organisation, official=False
    )
    organisation.type = "government"
    organisation.save()
    exc = refused(ValidationError, services.academy_save, actor=staff, organisation=organisation)
    assert "organisation" in exc.message_dict


def test_topic_save_refusals(staff, coordinator):
    refused(PermissionDenied, services.topic_save, actor=coordinator, slug="energy", name_en="Energy")
    assert "name_en" in refused(ValidationError, services.topic_save, actor=staff, slug="energy").message_dict
    exc = refused(
        ValidationError, services.topic_save, actor=staff, slug="energy", name_en="Energy", motivations=["vanity"]
    )
    assert "motivations" in exc.message_dict


def test_module_save_refusals(staff, coordinator):
    refused(PermissionDenied, services.module_save, actor=coordinator, title_en="M", days=3)
    assert "title_en" in refused(ValidationError, services.module_save, actor=staff, days=3).message_dict
    exc = refused(ValidationError, services.module_save, actor=staff, title_en="M", days=3, formats=["karaoke"])
    assert "formats" in exc.message_dict


# --------------------------------------------------------------------------- officials


def test_official_create_refusals(staff, lecturer, make_official):
    from citybridge.core.models import Person

    person = Person.objects.create(family_name="New", family_name_en="New")
    refused(PermissionDenied, services.official_create, actor=lecturer, person=person, position="mayor")
    existing = make_official()
    exc = refused(ValidationError, services.official_create, actor=staff, person=existing.person, position="mayor")
    assert "person" in exc.message_dict


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"position": "emperor"}, "position"),
        ("future", "service_start"),
        ("company", "company"),
        ({"person": None}, "person"),
    ],
    ids=["position", "future_start", "company_not_a_company", "unknown_field"],
)
def test_official_update_refusals(staff, make_official, organisation, change, field):
    if change == "future":
        change = {"service_start": timezone.localdate() + timedelta(days=30)}
    elif change == "company":
        change = {"company": organisation}  # type "academy"
    official = make_official()
    exc = refused(
        ValidationError,
        services.official_update,
        actor=staff,
        official=official,
        expected_version=official.version,
        **change,
    )
    assert field in exc.message_dict


def test_official_update_needs_change_official(other_coordinator, lecturer, make_official):
    official = make_official()
    for actor in (other_coordinator, lecturer):
        refused(PermissionDenied, services.official_update, actor=actor, official=official, position="vice_mayor")
        refused(
            PermissionDenied,
            services.official_update_with_person,
            actor=actor,
            official=official,
            family_name_en="Changed",
            position="vice_mayor",
        )


def test_official_with_person_duplicate_email(staff, make_official):
    a, b = make_official(), make_official()
    exc = refused(
        ValidationError,
        services.official_update_with_person,
        actor=staff,
        official=b,
        family_name_en="B",
        email=a.person.email.upper(),
        position="mayor",
        expected_version=b.version,
        expected_person_version=b.person.version,
    )
    assert "email" in exc.message_dict


# --------------------------------------------------------------------------- roster import


def test_roster_import_needs_permission(other_coordinator, lecturer, course):
    refused(
        PermissionDenied, services.roster_import, actor=other_coordinator, data=b"x", filename="r.csv", course=course
    )
    refused(PermissionDenied, services.roster_import, actor=lecturer, data=b"x", filename="r.csv")
