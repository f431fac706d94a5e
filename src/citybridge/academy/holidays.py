"""China's public holidays and adjusted working days, from the `chinesecalendar` package (PyPI
`chinesecalendar`, import name `chinese_calendar`, https://github.com/LKI/chinese-calendar, MIT licence), which
transcribes the State Council General Office's yearly notice on public holiday arrangements
(国务院办公厅关于部分节假日安排的通知). Plain Python, no Django.

- A *holiday* is a statutory day off (it may fall on a weekend inside a holiday span): no class is held.
- An *adjusted working day* (调休上班) is a weekend day made a working day to lengthen a holiday: a normal day.
The package covers the years it lists (2004 – 2026 in version 1.11.0); for a later year it knows nothing, which
`holiday_coverage_gaps` reports so the page can say the academy must add that year's dates by hand.
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


def public_days(start: date, end: date) -> list[PublicDay]:
    """Holidays and adjusted working days between start and end (both included), in order."""
    out: list[PublicDay] = []
    day = start
    while day <= end:
        if day in chinese_calendar.holidays:
            name = chinese_calendar.holidays[day]
            out.append(PublicDay(day, name, _NAMES_ZH.get(name, name), working=False))
        elif day in chinese_calendar.workdays:
            name = chinese_calendar.workdays[day]
            out.append(PublicDay(day, name, _NAMES_ZH.get(name, name), working=True))
        day += timedelta(days=1)
    return out
