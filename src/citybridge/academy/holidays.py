"""China's public holidays and adjusted working days, from the `chinesecalendar` package (PyPI
`chinesecalendar`, import name `chinese_calendar`, https://github.com/LKI/chinese-calendar, MIT licence), which
transcribes the State Council General Office's yearly notice on public holiday arrangements
(国务院办公厅关于部分节假日安排的通知). Plain Python, no Django.

- A *holiday* is a statutory day off (it may fall on a weekend inside a holiday span): no class is held.
- An *adjusted working day* (调休上班) is a weekend day made a working day to lengthen a holiday: a normal day.
The package covers the years it lists (2004 – 2026 in version 1.11.0); for a later year it knows nothing, which
`holiday_coverage_gaps` reports so the page can say the academy must add that year's dates by hand. Of such a year
the holidays fixed by date are known all the same (FIXED_DATE): New Year's Day on 1 January, Labour Day on 1 – 2 May
and National Day on 1 – 3 October, as the State Council's 全国年节及纪念日放假办法 sets them (article 2, as revised by
State Council Decree No. 795 of 12 November 2024, in force from 1 January 2025). The lunar holidays (Spring Festival,
Qingming, Dragon Boat, Mid-Autumn) and the adjusted working days of such a year still come from the academy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

#: where the days come from, as each language names the State Council's notices
SOURCE = {
    "en": "chinesecalendar (https://github.com/LKI/chinese-calendar), from the State Council General Office's notices "
    "on public holiday arrangements",
    "zh-hans": "chinesecalendar（https://github.com/LKI/chinese-calendar），据国务院办公厅关于部分节假日安排的通知",
}


@dataclass(frozen=True)
class PublicDay:
    day: date
    name_en: str
    name_zh: str
    working: bool  # True: an adjusted working day; False: a holiday


_NAMES_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}


def covered_years() -> tuple[int, int]:
    years = [d.year for d in chinese_calendar.holidays]
    return min(years), max(years)


def holiday_coverage_gaps(start: date, end: date) -> list[int]:
    """Years of the range the package has no data for."""
    first, last = covered_years()
    return [y for y in range(start.year, end.year + 1) if y < first or y > last]


#: (month, day) -> the holiday, for the years the package does not cover (see the module's docstring)
FIXED_DATE = {
    (1, 1): chinese_calendar.Holiday.new_years_day,
    (5, 1): chinese_calendar.Holiday.labour_day,
    (5, 2): chinese_calendar.Holiday.labour_day,
    (10, 1): chinese_calendar.Holiday.national_day,
    (10, 2): chinese_calendar.Holiday.national_day,
    (10, 3): chinese_calendar.Holiday.national_day,
}


def public_days(start: date, end: date) -> list[PublicDay]:
    """Holidays and adjusted working days between start and end (both included), in order."""
    out: list[PublicDay] = []
    first, last = covered_years()
    day = start
    while day <= end:
        fixed = FIXED_DATE.get((day.month, day.day)) if not first <= day.year <= last else None
        if fixed is not None:
            out.append(PublicDay(day, fixed.value, fixed.chinese, working=False))
        elif day in chinese_calendar.holidays:
            name = chinese_calendar.holidays[day]
            out.append(PublicDay(day, name, _NAMES_ZH.get(name, name), working=False))
        elif day in chinese_calendar.workdays:
            name = chinese_calendar.workdays[day]
            out.append(PublicDay(day, name, _NAMES_ZH.get(name, name), working=True))
        day += timedelta(days=1)
    return out
