# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""Lecturer services and selectors (issue #11): profile, availability windows, preferences, donated days, scope."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.academy import selectors_lecturers as sel
from citybridge.academy.models import (
    Attendance,
    LecturerAvailability,
    LecturerProfile,
    Session,
)
from citybridge.academy.services import lecturers as svc
from citybridge.core.concurrency import StaleEdit

from .lecturer_fixtures import other_lecturer, plan_course, profile  # noqa: F401

pytestmark = pytest.mark.django_db


def test_staff_creates_and_the_lecturer_edits_their_own_profile(profile, lecturer):
    assert profile.version == 1 and profile.languages == ["en"]
    svc.lecturer_update(
        actor=lecturer,
        lecturer=profile,
        expected_version=1,
        bio_en="Former energy commissioner.",
        bio_zh_hans="前能源专员。",
        preferred_weekdays=[3, 1, 1],
        max_sessions_per_day=3,
        group_sessions=True,
        visiting=True,
        needs_interpretation=True,
    )
    profile.refresh_from_db()
    assert profile.version == 2
    assert profile.preferred_weekdays == [1, 3]  # sorted, each once
    assert profile.display_bio("zh-hans") == "前能源专员。"
    assert profile.history.count() == 2  # created, edited


def test_a_stale_edit_is_refused_and_writes_nothing(profile, lecturer):
    svc.lecturer_update(actor=lecturer, lecturer=profile, expected_version=1, bio_en="First")
    stale = LecturerProfile.objects.get(pk=profile.pk)
    stale.version = 1
    with pytest.raises(StaleEdit):
        svc.lecturer_update(actor=lecturer, lecturer=stale, expected_version=1, bio_en="Second")
    assert LecturerProfile.objects.get(pk=profile.pk).bio_en == "First"


def test_another_lecturer_or_a_coordinator_may_not_edit(profile, other_lecturer, coordinator):
    for user in (other_lecturer, coordinator):
        with pytest.raises(PermissionDenied):
            svc.lecturer_update(actor=user, lecturer=profile, expected_version=1, bio_en="x")
        with pytest.raises(PermissionDenied):
            svc.availability_save(actor=user, lecturer=profile, start_date=date(2026, 3, 1), end_date=date(2026, 3, 9))
    assert LecturerProfile.objects.get(pk=profile.pk).version == 1
    assert not LecturerAvailability.objects.exists()


def test_every_bad_field_is_reported_at_once(profile, lecturer):
    with pytest.raises(ValidationError) as exc:
        svc.lecturer_update(
            actor=lecturer,
            lecturer=profile,
            expected_version=1,
            languages=["en", "klingon"],
            home_timezone="Mars/Olympus",
            preferred_weekdays=[7],
            max_sessions_per_day=9,
            salary=1,
        )
    assert set(exc.value.message_dict) == {
        "languages",
        "home_timezone",
        "preferred_weekdays",
        "max_sessions_per_day",
        "salary",
    }
    profile.refresh_from_db()
    assert profile.version == 1 and profile.languages == ["en"]


def test_a_window_that_ends_before_it_starts_is_refused_in_the_users_language(profile, lecturer):
    from django.utils import translation

    with pytest.raises(ValidationError) as exc:
        svc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 9), end_date=date(2026, 3, 1))
    assert exc.value.message_dict["end_date"] == ["The window must end on or after the day it starts."]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        svc.availability_save(actor=lecturer, lecturer=profile, start_date=date(2026, 3, 9), end_date=date(2026, 3, 1))
    assert "结束" in exc.value.message_dict["end_date"][0]
    assert not LecturerAvailability.objects.exists()


def test_windows_are_saved_edited_with_their_version_and_deleted(profile, lecturer):
    w = svc.availability_save(
        actor=lecturer, lecturer=profile, start_date=date(2026, 3, 2), end_date=date(2026, 3, 8), weekdays=["0", 2]
    )
    assert w.weekdays == [0, 2]
    svc.availability_save(
        actor=lecturer,
        lecturer=profile,
        window=w,
        expected_version=1,
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 9),
    )
    w.refresh_from_db()
    assert (w.end_date, w.version) == (date(2026, 3, 9), 2)
    svc.availability_delete(actor=lecturer, window=w)
    assert not LecturerAvailability.objects.exists()


def test_a_window_of_another_lecturer_cannot_be_edited_through_mine(profile, other_lecturer, staff):
    theirs = LecturerProfile.objects.get(person=other_lecturer.person)
    w = svc.availability_save(
        actor=other_lecturer, lecturer=theirs, start_date=date(2026, 3, 2), end_date=date(2026, 3, 8)
    )
    with pytest.raises(ValidationError):
        svc.availability_save(
            actor=staff,
            lecturer=profile,
            window=w,
            expected_version=1,
            start_date=date(2026, 1, 1),
            end_date=date(2026, 1, 2),
        )
    w.refresh_from_db()
    assert w.start_date == date(2026, 3, 2)


def test_donated_days_count_days_taught(profile, lecturer, course, make_official, staff):
    """course: 3 – 16 March 2025. Sessions of the lecturer: 3 March twice (one day), 4 March, and 20 December 2099
    (future, no attendance) and one on 5 March in a cancelled course... counted: 3 and 4 March = 2 days; then
    attendance on the future session makes it taught: 3 days."""
    p = lecturer.person
    s1 = Session.objects.create(course=course, date=date(2025, 3, 3), start_time=time(9), end_time=time(12), lecturer=p)
    Session.objects.create(course=course, date=date(2025, 3, 3), start_time=time(14), end_time=time(17), lecturer=p)
    Session.objects.create(course=course, date=date(2025, 3, 4), start_time=time(9), end_time=time(12), lecturer=p)
    from citybridge.academy.models import Course

    later = Course.objects.create(
        academy=course.academy, title_en="Later", start_date=date(2099, 12, 20), end_date=date(2099, 12, 31)
    )
    s4 = Session.objects.create(
        course=later, date=date(2099, 12, 20), start_time=time(9), end_time=time(12), lecturer=p
    )
    cancelled = Course.objects.create(
        academy=course.academy,
        title_en="Off",
        start_date=date(2025, 3, 1),
        end_date=date(2025, 3, 9),
        status="cancelled",
    )
    Session.objects.create(course=cancelled, date=date(2025, 3, 5), start_time=time(9), end_time=time(12), lecturer=p)
    assert sel.donated_days(lecturer=profile) == 2
    Attendance.objects.create(session=s4, official=make_official(), status="present")
    assert sel.donated_days(lecturer=profile) == 3
    assert sel.lecturer_list(user=staff).get(pk=profile.pk).donated_days == 3
    assert s1.pk  # the two sessions of 3 March count as one day


def test_scope_staff_all_lecturer_own_others_none(profile, other_lecturer, lecturer, staff, coordinator, make_user):
    theirs = LecturerProfile.objects.get(person=other_lecturer.person)
    assert set(sel.lecturer_list(user=staff)) == {profile, theirs}
    assert list(sel.lecturer_list(user=lecturer)) == [profile]
    assert list(sel.lecturer_list(user=coordinator)) == []
    assert list(sel.lecturer_list(user=make_user("translator"))) == []
    from django.http import Http404

    with pytest.raises(Http404):
        sel.lecturer_get(user=lecturer, pk=theirs.pk)
    assert sel.lecturer_own(user=lecturer) == profile
    assert sel.lecturer_own(user=coordinator) is None


def test_a_person_gets_one_profile(profile, lecturer, staff):
    with pytest.raises(ValidationError) as exc:
        svc.lecturer_create(actor=staff, person=lecturer.person)
    assert "person" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        svc.lecturer_create(actor=lecturer, person=lecturer.person)
