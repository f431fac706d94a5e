"""A course timetable as an iCalendar (.ics) file. Plain Python, no Django.

Times are local to the course (default Asia/Shanghai) and written with a TZID, so calendar programs in California
and in China both show them correctly. Each session may carry its own zone (a lecturer's calendar spans courses in
several zones): every event then has its own TZID, and the file one VTIMEZONE per zone used. UIDs are stable per session, so importing an updated file updates events
instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CalendarSession:
    uid: str  # stable, e.g. "session-123@citybridge"
    day: date
    start: time
    end: time
    summary: str
    location: str = ""
    description: str = ""
    #: the session's own time zone (a course's); None: the calendar's ``tz``
    tz: str | None = None


def timetable_ics(
    sessions: Iterable[CalendarSession],
    *,
    calendar_name: str,
    tz: str = "Asia/Shanghai",
    stamp: datetime | None = None,
    language: str = "en",
) -> bytes:
    from icalendar import Calendar, Event

    zones = {tz: ZoneInfo(tz)}
    cal = Calendar()
    cal.add("prodid", "-//CityBridge//Government Training//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", tz)
    stamp = stamp or datetime.now(ZoneInfo("UTC"))
    for s in sorted(sessions, key=lambda s: (s.day, s.start, s.uid)):
        zone = zones.get(s.tz or tz) or zones.setdefault(s.tz, ZoneInfo(s.tz))
        ev = Event()
        ev.add("uid", s.uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", datetime.combine(s.day, s.start, tzinfo=zone))
        ev.add("dtend", datetime.combine(s.day, s.end, tzinfo=zone))
        ev.add("summary", s.summary)
        if s.location:
            ev.add("location", s.location)
        if s.description:
            ev.add("description", s.description)
        cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
