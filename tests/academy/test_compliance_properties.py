"""Properties of the compliance engine that must hold for any attendance (hypothesis)."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from citybridge.academy.compliance import (
    ExternalTraining,
    SessionMark,
    credited_days,
    window_compliance,
    year_compliance,
)

STATUSES = st.sampled_from(["present", "late", "excused", "absent", None])
DAYS = st.dates(min_value=date(2018, 1, 1), max_value=date(2025, 12, 31))
MARKS = st.lists(st.builds(SessionMark, DAYS, STATUSES), max_size=60)


@settings(max_examples=150, deadline=None)
@given(MARKS, DAYS)
def test_marking_someone_present_never_loses_a_day(marks, day):
    before = set(credited_days(marks))
    after = set(credited_days([*marks, SessionMark(day, "present")]))
    # adding an attended session can only help that day; other days are untouched
    assert before - {day} <= after
    assert {d for d in after if d != day} == before - {day}


@settings(max_examples=150, deadline=None)
@given(MARKS, st.lists(st.tuples(DAYS, st.integers(1, 20), st.booleans()), max_size=4))
def test_years_add_up_to_the_training_dates(marks, ext):
    external = [ExternalTraining(s, s + timedelta(days=n + 3), n, ev) for s, n, ev in ext]
    credited = credited_days(marks)
    years = range(2017, 2027)
    per_year = [year_compliance(y, credited, external) for y in years]
    from citybridge.academy.compliance import all_training_dates

    assert sum(y.total for y in per_year) == len(all_training_dates(credited, external))
    for y in per_year:
        assert 0 <= y.shortfall <= 12 and (y.shortfall == 0) == (y.total >= 12)


@settings(max_examples=100, deadline=None)
@given(MARKS, DAYS)
def test_windows_partition_the_days_since_service_start(marks, start):
    credited = credited_days(marks)
    as_of = date(2026, 1, 1)
    windows = window_compliance(start, as_of, credited)
    assert sum(w.days for w in windows) == sum(1 for d in credited if start <= d <= as_of)
