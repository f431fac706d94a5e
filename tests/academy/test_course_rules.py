from datetime import date, timedelta

import pytest

from citybridge.academy.course_rules import (
    CourseRules,
    Severity,
    check_can_confirm,
    check_class_size,
    check_course,
    check_course_dates,
    check_module_length,
    check_rest_days,
    errors,
)

D = date


@pytest.mark.parametrize("days,ok", [(1, False), (2, True), (6, True), (7, False), (None, False)])
def test_module_length(days, ok):
    probs = check_module_length(days)
    assert (probs == []) is ok
    if not ok:
        assert probs[0].code == "module.length" and probs[0].is_error
        assert probs[0].params == {"days": days, "min": 2, "max": 6}


def test_course_length_bounds_inclusive():
    s = D(2025, 3, 3)
    assert check_course_dates(s, s + timedelta(days=13)) == []  # 14 days
    assert check_course_dates(s, s + timedelta(days=30)) == []  # 31 days
    short = check_course_dates(s, s + timedelta(days=9))  # 10 days
    assert short[0].code == "course.too_short" and short[0].severity == Severity.WARNING
    assert short[0].params["days"] == 10
    long = check_course_dates(s, s + timedelta(days=41))  # 6 weeks
    assert long[0].code == "course.too_long" and long[0].params["days"] == 42


def test_course_length_severity_configurable():
    rules = CourseRules.from_mapping({"course_length_severity": "error"})
    assert check_course_dates(D(2025, 3, 3), D(2025, 3, 12), rules)[0].is_error
    with pytest.raises(ValueError):
        CourseRules.from_mapping({"class_maximum": 60})


def test_end_before_start_and_missing():
    assert check_course_dates(D(2025, 3, 3), D(2025, 3, 1))[0].code == "course.end_before_start"
    assert check_course_dates(None, D(2025, 3, 1))[0].code == "course.dates_missing"


def test_rest_day_each_week():
    s = D(2025, 3, 3)
    e = s + timedelta(days=15)  # 16 days: 2 full weeks, 2 extra days
    # sessions every day except day 7 (week 1) -> week 2 has no rest day
    sessions = [s + timedelta(days=i) for i in range(16) if i != 6]
    probs = check_rest_days(s, e, sessions)
    assert [p.code for p in probs] == ["course.no_rest_day"]
    assert probs[0].params["week"] == 2
    assert probs[0].params["start"] == s + timedelta(days=7)
    assert probs[0].params["end"] == s + timedelta(days=13)
    # add a rest day in week 2; the trailing 2-day block is not checked even if busy
    sessions.remove(s + timedelta(days=10))
    assert check_rest_days(s, e, sessions) == []
    assert check_rest_days(s, e, sessions + [s + timedelta(days=40)])[0].code == "session.outside_course"


def test_class_size_warning_and_error():
    assert check_class_size(30) == [] and check_class_size(55) == []
    under = check_class_size(29)
    assert under[0].code == "course.class_under_min" and under[0].severity == Severity.WARNING
    assert check_class_size(56)[0].is_error


def test_fifty_sixth_confirmed_enrolment_refused():
    assert check_can_confirm(54) == []
    p = check_can_confirm(55)
    assert p[0].code == "enrolment.class_full" and p[0].params["free"] == 0
    assert check_can_confirm(50, adding=6)[0].params["free"] == 5
    assert check_can_confirm(50, adding=5) == []


def test_check_course_combines():
    s = D(2025, 3, 3)
    e = s + timedelta(days=20)
    sessions = [s + timedelta(days=i) for i in range(21) if i % 7 != 6]
    assert check_course(s, e, sessions, confirmed=40, module_days=[5, 5, 5]) == []
    probs = check_course(s, e, sessions, confirmed=20, module_days=[6, 6, 6, 6])
    assert {p.code for p in probs} == {"course.class_under_min", "course.modules_exceed_length"}
    assert errors(probs) == []
