"""Issue #7: the mandatory-training figures, hand-worked. Each test failed on the code before the fix.

Rules (docs/academy.md "Which training day counts"): 12 days a calendar year from the year service began; 78 days
in every 5 years of service; a day counts when at least half of the day's scheduled sessions were attended."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from citybridge.academy import compliance as comp
from citybridge.academy import selectors, services
from citybridge.academy.models import Course, Enrolment, Session, TrainingSummary

from .conftest import fill_timetable

D = date
pytestmark = pytest.mark.django_db


def _external(o, start, days, staff):
    end = date.fromordinal(start.toordinal() + days - 1)
    services.external_training_create(
        actor=staff,
        official=o,
        provider="CAG",
        title=f"T{start}",
        start_date=start,
        end_date=end,
        days=days,
        evidence_reference="REF-1",
    )


# 1 ------------------------------------------------------------------------ attended days count, whatever follows


def test_days_attended_then_withdrawn_then_waitlisted_still_count(staff, course, make_official):
    """Course 2025-03-03 – 03-16, two sessions a day, rest days 03-09 and 03-16. The official attends both
    sessions of 03-03 … 03-07 (5 days), withdraws, and is put back on the waitlist: 5 days in 2025, 7 short.
    Before: waitlisted enrolments were dropped wholesale, so 0 days and 12 short."""
    sessions = fill_timetable(course)
    o = make_official()
    e = services.enrolment_create(actor=staff, course=course, official=o)
    first5 = [s for s in sessions if s.date <= D(2025, 3, 7)]
    assert len(first5) == 10
    services.attendance_record(actor=staff, course=course, marks=[services.Mark(o.pk, s.pk, "present") for s in first5])
    services.enrolment_withdraw(actor=staff, enrolment=e)
    s = TrainingSummary.objects.get(official=o, year=2025)
    assert (s.total_days, s.shortfall) == (5, 7)  # withdrawn: attended days are real training
    services.enrolment_create(actor=staff, course=course, official=o, waitlist=True)
    assert Enrolment.objects.get(official=o).status == "waitlisted"
    s = TrainingSummary.objects.get(official=o, year=2025)
    assert (s.academy_days, s.total_days, s.shortfall) == (5, 5, 7)
    history = selectors.official_history(official=o, as_of=D(2025, 12, 31)).compliance
    assert history.year.total == 5


def test_withdrawn_sessions_without_marks_do_not_dilute_a_double_booked_day(staff, course, academy, make_official):
    """03-03: the official attended 1 of the 2 sessions of a course they later withdrew from, and nothing of the
    other course scheduled that day has a mark yet -- the withdrawn course's day still counts only through its
    marked session: 1 attended of (1 marked + 2 scheduled in the confirmed course) = 1/3 < 1/2: not a day."""
    fill_timetable(course)
    other = Course.objects.create(
        academy=academy,
        title="Waste",
        title_en="Waste",
        start_date=D(2025, 3, 3),
        end_date=D(2025, 3, 16),
        status="open",
    )
    fill_timetable(other)
    o = make_official()
    e = services.enrolment_create(actor=staff, course=course, official=o)
    services.enrolment_create(actor=staff, course=other, official=o)
    s0 = Session.objects.filter(course=course, date=D(2025, 3, 3)).order_by("start_time").first()
    services.attendance_record(actor=staff, course=course, marks=[services.Mark(o.pk, s0.pk, "present")])
    services.enrolment_withdraw(actor=staff, enrolment=e)
    assert TrainingSummary.objects.get(official=o, year=2025).total_days == 0
    # attending one session of the other course that day: 2 of 3 -> the day counts, once
    s1 = Session.objects.filter(course=other, date=D(2025, 3, 3)).order_by("start_time").first()
    services.attendance_record(actor=staff, course=other, marks=[services.Mark(o.pk, s1.pk, "present")])
    assert TrainingSummary.objects.get(official=o, year=2025).total_days == 1


# 2 ------------------------------------------------------------------------ future sessions


def test_attendance_for_a_session_after_today_is_refused(staff, academy, make_official):
    from django.utils import timezone

    today = timezone.localdate()
    start = date(today.year + 1, 3, 2)
    course = Course.objects.create(
        academy=academy,
        title="Future",
        title_en="Future",
        start_date=start,
        end_date=date(today.year + 1, 3, 15),
        status="open",
    )
    sessions = fill_timetable(course)
    o = make_official()
    services.enrolment_create(actor=staff, course=course, official=o)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=staff, course=course, marks=[services.Mark(o.pk, sessions[0].pk, "present")])
    assert "has not taken place yet" in " ".join(exc.value.messages)
    assert not TrainingSummary.objects.filter(official=o, total_days__gt=0).exists()


def test_annual_total_and_window_count_the_same_days():
    """5 external days 2026-12-01 – 12-05, looked at on 2026-11-28: the year counts 5, and so does the window
    (service began 2022-01-01; window 2022-01-01 – 2026-12-31). Before: the window ignored dates after as_of."""
    ext = [comp.ExternalTraining(D(2026, 12, 1), D(2026, 12, 5), 5)]
    assert comp.year_compliance(2026, [], ext).total == 5
    w = comp.window_compliance(D(2022, 1, 1), D(2026, 11, 28), [], ext)[-1]
    assert (w.window.start, w.window.end, w.days) == (D(2022, 1, 1), D(2027, 1, 1), 5)
    result = comp.official_compliance(comp.OfficialInput(1, D(2022, 1, 1), external=tuple(ext)), D(2026, 11, 28))
    assert result.year.total == result.window.days == 5


# 3 ------------------------------------------------------------------------ before service began


def test_training_in_the_year_before_service_requires_nothing(staff, make_official):
    """Service began 2025-06-01; 5 external days in May 2024. 2024 requires nothing: no "behind" row for 2024, and
    the official's history shows 2024 with 5 days, 0 required, 0 short. Before: 2024 required 12, 7 short."""
    o = make_official(service_start=D(2025, 6, 1))
    _external(o, D(2024, 5, 6), 5, staff)
    assert not TrainingSummary.objects.filter(official=o, year=2024).exists()
    y2024 = comp.year_compliance(
        2024, [], [comp.ExternalTraining(D(2024, 5, 6), D(2024, 5, 10), 5)], service_start=D(2025, 6, 1)
    )
    assert (y2024.total, y2024.required, y2024.shortfall) == (5, 0, 0)
    history = selectors.official_history(official=o, as_of=D(2025, 12, 31)).compliance.history
    assert [(y.year, y.total, y.required, y.shortfall) for y in history] == [(2024, 5, 0, 0), (2025, 0, 12, 12)]


# 4 ------------------------------------------------------------------------ correcting the service start


def test_correcting_the_service_start_removes_the_year_no_longer_required(staff, make_official):
    o = make_official(service_start=D(2015, 1, 1))
    services.compliance_prepare_year(year=2024)
    assert TrainingSummary.objects.get(official=o, year=2024).shortfall == 12
    services.official_update(actor=staff, official=o, service_start=D(2025, 1, 1), expected_version=o.version)
    assert not TrainingSummary.objects.filter(official=o, year=2024).exists()
    qs = selectors.behind_list(user=staff, year=2024)
    assert o.pk not in {s.official_id for s in qs}


# 5 ------------------------------------------------------------------------ the 5-year rule in "who is behind"


def test_meeting_the_annual_rule_exactly_misses_the_window(staff, make_official):
    """Service began 2022-01-01; exactly 12 external days in each of 2022 … 2026. Window 2022-01-01 – 2026-12-31
    needs 78: 5 × 12 = 60, 18 short. The 2026 row: 12 / 12 this year (not behind), window 60 / 78, gap 18.
    The 2024 row already sees it: 36 done + 0 still due in 2024 + 2 × 12 for 2025-2026 = 60 < 78, gap 18.
    Before: the window never reached the list; the official was never shown."""
    o = make_official(service_start=D(2022, 1, 1))
    keep = make_official(
        service_start=D(2022, 1, 1)
    )  # 16 a year: 80 by 2026, met (at the annual pace, 2024 looked short)
    for y in range(2022, 2027):
        _external(o, D(y, 3, 1), 12, staff)
        _external(keep, D(y, 3, 1), 16, staff)
    s = TrainingSummary.objects.get(official=o, year=2026)
    assert (s.total_days, s.shortfall) == (12, 0)
    assert (s.window_start, s.window_end, s.window_days, s.window_required, s.window_gap) == (
        D(2022, 1, 1),
        D(2027, 1, 1),
        60,
        78,
        18,
    )
    assert s.behind_days == 18
    s24 = TrainingSummary.objects.get(official=o, year=2024)
    assert (s24.window_days, s24.window_gap) == (36, 18)
    k24 = TrainingSummary.objects.get(official=keep, year=2024)
    assert (k24.window_days, k24.window_gap) == (48, 6)  # 48 + 0 + 2 × 12 = 72: 6 short in 2024 already
    ids = lambda rule: [r.official_id for r in selectors.behind_list(user=staff, year=2026, rule=rule)]  # noqa: E731
    assert ids("annual") == []
    assert ids("window") == [o.pk]
    assert ids("any") == [o.pk]
    assert ids("both") == []
    rows = selectors.behind_rows(list(selectors.behind_list(user=staff, year=2026, rule="window")))
    assert rows[0].year_sources == [("T2026-03-01 (CAG)", 12)]
    assert sorted(n for _name, n in rows[0].window_sources) == [12, 12, 12, 12, 12]


def test_window_standing_hand_worked():
    """Service began 2023-07-01 (window 2023-07-01 – 2028-06-30). In 2025: 20 days in the window so far, 4 of them
    in 2025. Capacity at the annual pace = (12 - 4) for 2025 + 12 × 3 (2026, 2027, 2028) = 44; 20 + 44 = 64 < 78:
    at risk, 14 short."""
    marks = [comp.SessionMark(D(2023, 9, i), "present") for i in range(1, 17) for _s in range(2)]
    marks += [comp.SessionMark(D(2025, 3, 3), st) for st in ("present", "absent", None, "excused")]  # 1 of 4
    ext = [comp.ExternalTraining(D(2025, 2, 1), D(2025, 2, 4), 4)]
    dates = comp.all_training_dates(comp.credited_days(marks), ext)
    assert len(dates) == 20 and D(2025, 3, 3) not in dates
    assert comp.year_compliance(2025, comp.credited_days(marks), ext).shortfall == 8
    assert comp.window_standing(D(2023, 7, 1), 2024, dates).gap == 2  # 16 + 12 + 4 × 12 = 76
    ws = comp.window_standing(D(2023, 7, 1), 2025, dates)
    assert (ws.window.start, ws.window.end, ws.days, ws.capacity, ws.gap) == (D(2023, 7, 1), D(2028, 7, 1), 20, 44, 14)
    assert ws.at_risk and ws.shortfall == 58
    assert comp.window_standing(D(2026, 1, 1), 2025, dates) is None
