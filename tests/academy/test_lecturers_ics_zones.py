# ruff: noqa: F811  (pytest fixtures imported from lecturer_fixtures are redefined as test arguments)
"""A lecturer's .ics spans courses in several time zones: each event carries its own course's zone (TZID per
event, one VTIMEZONE per zone), so a calendar program shows each session at its real instant."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from citybridge.academy.models import Course, Session

from .lecturer_fixtures import profile  # noqa: F401

pytestmark = pytest.mark.django_db


def test_each_event_in_its_own_courses_zone(profile, lecturer, course, academy, client_for):
    """Course 1 (Asia/Shanghai, the fixture's), course 2 in America/Los_Angeles. The Los Angeles session of
    2025-03-10 09:00 PDT (DST began 9 March 2025, UTC−7) is 16:00 UTC; the Shanghai one of 2025-03-04 09:00 (UTC+8)
    is 01:00 UTC."""
    assert course.timezone == "Asia/Shanghai"
    la = Course.objects.create(
        academy=academy,
        title_en="Study tour California",
        start_date=date(2025, 3, 10),
        end_date=date(2025, 3, 14),
        status="open",
        timezone="America/Los_Angeles",
    )
    for c, day in ((la, date(2025, 3, 10)), (course, date(2025, 3, 4))):  # the LA course booked first
        Session.objects.create(
            course=c, date=day, start_time=time(9), end_time=time(12), lecturer=lecturer.person, title_en=c.title_en
        )
    response = client_for(lecturer).get(f"/academy/lecturers/{profile.pk}/sessions.ics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "DTSTART;TZID=Asia/Shanghai:20250304T090000" in body
    assert "DTSTART;TZID=America/Los_Angeles:20250310T090000" in body
    cal = Calendar.from_ical(response.content)
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    assert zones == {"Asia/Shanghai", "America/Los_Angeles"}
    starts = sorted(e.decoded("dtstart").astimezone(ZoneInfo("UTC")) for e in cal.walk("VEVENT"))
    assert starts == [
        datetime(2025, 3, 4, 1, tzinfo=ZoneInfo("UTC")),  # 09:00 − 8 h
        datetime(2025, 3, 10, 16, tzinfo=ZoneInfo("UTC")),  # 09:00 + 7 h
    ]
