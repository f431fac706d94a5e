"""A partner's engagement is a session of its course's timetable, so it is a session scheduled for everyone
confirmed in the course (docs/academy.md, "Which training day counts"). The stored yearly summaries that "who is
behind", its API and its XLSX read must follow every engagement write that adds, moves or removes that session, as
the official's own page (computed live) does; and a completed course's timetable is not changed by an engagement.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ._part_fixtures import *  # noqa: F403  (fixtures)

DAY, OTHER_DAY = date(2025, 3, 4), date(2025, 3, 5)


@pytest.fixture
def day_of_two(staff, pcourse, officials):
    """Everyone confirmed; on DAY two lectures, each official at one of them (1 of 2: a training day), and one
    lecture on OTHER_DAY that they all attended."""
    from citybridge.academy import services
    from citybridge.academy.models import Enrolment, Session

    for o in officials:
        Enrolment.objects.create(course=pcourse, official=o, status="confirmed")
    morning, afternoon, other = (
        Session.objects.create(course=pcourse, date=d, start_time=time(h), end_time=time(h + 2), title_en=t)
        for d, h, t in ((DAY, 9, "Morning"), (DAY, 14, "Afternoon"), (OTHER_DAY, 9, "Other"))
    )
    marks = [services.Mark(official_id=o.pk, session_id=s.pk, status=st) for o in officials for s, st in
             ((morning, "present"), (afternoon, "absent"), (other, "present"))]  # fmt: skip
    services.attendance_record(actor=staff, course=pcourse, marks=marks)
    return officials


def _stored(officials):
    from citybridge.academy.models import TrainingSummary

    return {
        s.official_id: (s.academy_days, s.total_days, s.shortfall, s.window_days, s.behind_days)
        for s in TrainingSummary.objects.filter(official__in=officials, year=2025)
    }


def _stored_is_current(officials):
    """What the summaries hold is what a fresh computation from the records gives (what the official's page shows)."""
    from citybridge.academy.services import compliance_refresh

    before = _stored(officials)
    compliance_refresh(official_ids=[o.pk for o in officials], years={2025})
    assert _stored(officials) == before
    return before


def _engagement(staff, partner, course, on=DAY):
    from citybridge.outreach import services

    return services.engagement_create(
        actor=staff,
        partner=partner,
        course=course,
        kind="dinner",
        title_en="Dinner with Philips",
        date=on,
        start_time=time(18),
        end_time=time(20),
        status="confirmed",
    )


def test_an_engagement_changes_the_stored_days_as_it_changes_the_timetable(staff, partner, pcourse, day_of_two):
    from citybridge.outreach import services

    assert {v[0] for v in _stored_is_current(day_of_two).values()} == {2}  # DAY (1 of 2) and OTHER_DAY

    # a dinner on DAY: 1 of 3 sessions that day, below half, so DAY no longer counts
    e = _engagement(staff, partner, pcourse)
    assert e.session is not None and e.session.date == DAY
    assert {v[0] for v in _stored_is_current(day_of_two).values()} == {1}

    # moved to OTHER_DAY: DAY counts again, OTHER_DAY is 1 of 2 and still counts
    e = services.engagement_update(actor=staff, engagement=e, expected_version=e.version, date=OTHER_DAY)
    assert {v[0] for v in _stored_is_current(day_of_two).values()} == {2}

    # back to DAY, then cancelled: the session leaves the timetable and DAY counts again
    e = services.engagement_update(actor=staff, engagement=e, expected_version=e.version, date=DAY)
    assert {v[0] for v in _stored_is_current(day_of_two).values()} == {1}
    e = services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="cancelled")
    assert e.session is None
    assert {v[0] for v in _stored_is_current(day_of_two).values()} == {2}


def test_a_completed_course_keeps_its_timetable(staff, partner, pcourse, day_of_two):
    from citybridge.academy.models import Session
    from citybridge.outreach import services

    # an engagement created while the course ran, then the course completes
    running = _engagement(staff, partner, pcourse, on=OTHER_DAY)
    pcourse.status = "completed"
    pcourse.save(update_fields=["status"])
    before, sessions = _stored_is_current(day_of_two), set(Session.objects.values_list("pk", "date"))

    # recorded afterwards: kept with the partner, not added to the closed timetable, nobody's days change
    later = _engagement(staff, partner, pcourse)
    assert later.session is None
    assert set(Session.objects.values_list("pk", "date")) == sessions
    assert _stored_is_current(day_of_two) == before

    # its session cannot be moved now (refused in the user's language), nor taken out by a cancellation
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.engagement_update(actor=staff, engagement=running, expected_version=running.version, date=DAY)
    assert exc.value.message_dict["date"] == ["课程已结束，其课程表不能再更改。"]
    running.refresh_from_db()
    assert running.date == OTHER_DAY
    running = services.engagement_update(
        actor=staff, engagement=running, expected_version=running.version, title_en="Dinner, renamed"
    )
    services.engagement_transition(
        actor=staff, engagement=running, expected_version=running.version, status="cancelled"
    )
    assert set(Session.objects.values_list("pk", "date")) == sessions
    assert _stored_is_current(day_of_two) == before


def test_a_cancelled_engagement_keeps_a_session_a_lecturer_s_material_is_tied_to(staff, partner, pcourse):
    """The session is taken out of the timetable only when nothing depends on it: a material tied to it keeps it
    (Material.session is protected: the cancellation was a server error), and the cancellation still goes through."""
    from citybridge.academy.models import Session
    from citybridge.core.models import Person
    from citybridge.materials.models import Material
    from citybridge.outreach import services

    e = _engagement(staff, partner, pcourse)
    speaker = Person.objects.create(family_name_en="Hammer", given_name_en="Steve")
    Material.objects.create(title="Deck", lecturer=speaker, session=e.session)
    session_id = e.session_id
    e = services.engagement_transition(actor=staff, engagement=e, expected_version=e.version, status="cancelled")
    assert e.status == "cancelled" and e.session is None
    assert Session.objects.filter(pk=session_id).exists()
