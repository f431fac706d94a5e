"""Hand-worked compliance cases: one rule per test."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from citybridge.academy.compliance import (
    ComplianceRules,
    DayRule,
    ExternalTraining,
    OfficialInput,
    SessionMark,
    WindowStatus,
    add_years,
    behind_list,
    credited_days,
    external_dates,
    official_compliance,
    service_windows,
    window_compliance,
    year_compliance,
)

D = date


def marks(day, *statuses):
    return [SessionMark(day, s) for s in statuses]


def test_day_counts_with_half_of_sessions_attended():
    # 4 sessions: 2 attended (present+late) -> 2/4 = 1/2 >= 1/2 counts
    ms = marks(D(2024, 3, 4), "present", "late", "absent", "excused")
    assert credited_days(ms) == [D(2024, 3, 4)]


def test_day_does_not_count_below_half():
    # 3 sessions: 1 present -> 1/3 < 1/2
    assert credited_days(marks(D(2024, 3, 4), "present", "absent", "absent")) == []


def test_excused_and_absent_do_not_count_and_unrecorded_is_absent():
    assert credited_days(marks(D(2024, 3, 4), "excused", "excused")) == []
    assert credited_days(marks(D(2024, 3, 4), "present", None, None)) == []
    assert credited_days(marks(D(2024, 3, 4), "present", None)) == [D(2024, 3, 4)]


def test_rule_is_configurable():
    strict = DayRule(min_fraction=Fraction(1), counted_statuses=frozenset({"present"}))
    ms = marks(D(2024, 3, 4), "present", "late")
    assert credited_days(ms, strict) == []
    assert credited_days(marks(D(2024, 3, 5), "present", "present"), strict) == [D(2024, 3, 5)]
    with pytest.raises(ValueError):
        DayRule(min_fraction=Fraction(0))


def test_from_mapping_rejects_unknown_keys_and_reads_values():
    r = ComplianceRules.from_mapping({"annual_required_days": 10, "min_fraction": "0.75"})
    assert r.annual_required_days == 10
    assert r.day_rule.min_fraction == Fraction(3, 4)
    with pytest.raises(ValueError):
        ComplianceRules.from_mapping({"anual_required_days": 10})


def test_year_counts_and_shortfall():
    credited = [D(2024, 1, d) for d in range(8, 13)] + [D(2023, 12, 30)]  # 5 days in 2024
    yc = year_compliance(2024, credited)
    assert (yc.academy_days, yc.external_days, yc.total, yc.required, yc.shortfall) == (5, 0, 5, 12, 7)
    assert not yc.met


def test_external_training_needs_evidence():
    ext = [ExternalTraining(D(2024, 5, 1), D(2024, 5, 10), 8, has_evidence=False)]
    assert year_compliance(2024, [], ext).external_days == 0
    no_evidence_rule = ComplianceRules(external_requires_evidence=False)
    assert year_compliance(2024, [], ext, no_evidence_rule).external_days == 8


def test_external_training_split_across_years_and_not_double_counted():
    # 10 days claimed over 28 Dec 2023 - 10 Jan 2024: placed on 28..31 Dec (4) and 1..6 Jan (6)
    ext = ExternalTraining(D(2023, 12, 28), D(2024, 1, 10), 10)
    assert len(external_dates(ext)) == 10
    assert year_compliance(2023, [], [ext]).external_days == 4
    # 2 Jan is also an academy day -> external gives 5 more, academy 1, total 6
    yc = year_compliance(2024, [D(2024, 1, 2)], [ext])
    assert (yc.academy_days, yc.external_days, yc.total) == (1, 5, 6)


def test_external_days_capped_by_period_length():
    ext = ExternalTraining(D(2024, 1, 1), D(2024, 1, 3), 9)
    assert len(external_dates(ext)) == 3


def test_twelve_days_meets_the_year():
    credited = [D(2024, 6, d) for d in range(1, 13)]
    assert year_compliance(2024, credited).met


def test_windows_from_service_start():
    ws = service_windows(D(2012, 7, 1), D(2024, 3, 1))
    assert [(w.start, w.end) for w in ws] == [
        (D(2012, 7, 1), D(2017, 7, 1)),
        (D(2017, 7, 1), D(2022, 7, 1)),
        (D(2022, 7, 1), D(2027, 7, 1)),
    ]
    assert add_years(D(2020, 2, 29), 5) == D(2025, 2, 28)


def test_window_status_and_pace():
    # service 2019-01-01; window 0 = [2019-01-01, 2024-01-01): 80 days -> met
    # window 1 = [2024-01-01, 2029-01-01), as of 2026-07-02: 30 days done
    rules = ComplianceRules(window_required_days=78)
    w0 = [D(2019, 1, 1) + timedelta(days=i) for i in range(80)]
    w1 = [D(2025, 1, 1) + timedelta(days=i) for i in range(30)]
    res = window_compliance(D(2019, 1, 1), D(2026, 7, 2), w0 + w1, rules=rules)
    assert [r.days for r in res] == [80, 30]
    assert res[0].status == WindowStatus.MET
    assert res[1].status == WindowStatus.IN_PROGRESS
    assert res[1].shortfall == 48
    # elapsed: 2024-01-01 .. 2026-07-02 = 913 days of 1827 -> 78*913/1827 = 38.98 -> expected 39, behind 9
    assert (D(2026, 7, 2) - D(2024, 1, 1)).days == 913
    assert (D(2029, 1, 1) - D(2024, 1, 1)).days == 1827
    assert res[1].expected_by_now == 39
    assert res[1].behind_pace == 9


def test_window_missed_when_over():
    days = [D(2015, 1, 1) + timedelta(days=i) for i in range(60)]
    res = window_compliance(D(2014, 9, 1), D(2020, 1, 1), days)
    assert res[0].days == 60 and res[0].status == WindowStatus.MISSED and res[0].shortfall == 18


def test_official_compliance_and_behind_list_order():
    year = 2024
    on_track = OfficialInput(
        1,
        D(2022, 1, 1),
        marks=tuple(m for d in range(1, 15) for m in marks(D(2024, 2, d), "present"))
        + tuple(SessionMark(D(2023, 3, 1) + timedelta(days=i), "present") for i in range(40)),
    )
    # 3 days of attendance, a 4th day only 1 of 3 sessions -> does not count
    behind = OfficialInput(
        2,
        D(2022, 1, 1),
        marks=tuple(m for d in (5, 6, 7) for m in marks(D(2024, 3, d), "present", "absent"))
        + tuple(marks(D(2024, 3, 8), "present", "absent", "absent")),
    )
    none = OfficialInput(3, D(2022, 1, 1))
    as_of = D(2024, 12, 31)
    results = [official_compliance(o, as_of, year=year) for o in (on_track, behind, none)]
    assert [r.year.total for r in results] == [14, 3, 0]
    assert [r.annual_shortfall for r in results] == [0, 9, 12]
    assert [h.year for h in results[0].history] == [2022, 2023, 2024]
    # window [2022-01-01, 2027-01-01): 1095 of 1826 days elapsed -> ceil(78*1095/1826) = ceil(46.77) = 47
    assert results[0].window.expected_by_now == 47
    assert results[0].window.days == 54 and results[0].window.behind_pace == 0
    assert results[1].window.behind_pace == 47 - 3
    lst = behind_list(results)
    assert [r.official_id for r in lst] == [3, 2]
    assert [r.official_id for r in behind_list(results, include_on_track=True)] == [3, 2, 1]


def test_official_without_service_start_has_no_window():
    res = official_compliance(OfficialInput(9, None), D(2024, 5, 1))
    assert res.window is None and res.window_shortfall == 0 and res.annual_shortfall == 12
