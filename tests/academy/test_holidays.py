"""China's public holidays: the package's years as it lists them; a later year keeps its holidays fixed by date
(the generated timetable put classes on 1 January 2027)."""

from __future__ import annotations

from datetime import date

from citybridge.academy import holidays


def test_a_year_the_package_does_not_cover_keeps_its_fixed_date_holidays():
    first, last = holidays.covered_years()
    year = last + 1
    days = {p.day: p for p in holidays.public_days(date(year, 1, 1), date(year, 12, 31))}
    expected = [date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), *(date(year, 10, d) for d in (1, 2, 3))]
    assert sorted(days) == expected  # nothing else is invented (the lunar holidays come from the academy)
    assert (days[date(year, 1, 1)].name_en, days[date(year, 1, 1)].name_zh) == ("New Year's Day", "元旦")
    assert days[date(year, 10, 3)].name_zh == "国庆节" and not any(p.working for p in days.values())
    assert holidays.holiday_coverage_gaps(date(year, 1, 1), date(year, 1, 31)) == [year]


def test_a_covered_year_is_the_packages_own():
    _first, last = holidays.covered_years()
    days = holidays.public_days(date(last, 1, 1), date(last, 12, 31))
    names = {p.name_zh for p in days if not p.working}
    assert {"元旦", "春节", "劳动节", "国庆节"} <= names and any(p.working for p in days)  # adjusted working days too
