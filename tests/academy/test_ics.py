from datetime import UTC, date, datetime, time

from icalendar import Calendar

from citybridge.academy.ics import CalendarSession, timetable_ics


def test_timetable_round_trip():
    sessions = [
        CalendarSession(
            "s2@cb",
            date(2025, 3, 4),
            time(14, 0),
            time(16, 30),
            "现场考察 Site visit: Covanta",
            "Shanghai",
            "Lecturer: 李明",
        ),
        CalendarSession("s1@cb", date(2025, 3, 3), time(9, 0), time(12, 0), "能源总体规划 Energy master planning"),
    ]
    data = timetable_ics(sessions, calendar_name="能源智慧城市 2025", stamp=datetime(2025, 1, 1, tzinfo=UTC))
    cal = Calendar.from_ical(data)
    assert str(cal["x-wr-calname"]) == "能源智慧城市 2025"
    events = [c for c in cal.walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == ["s1@cb", "s2@cb"]
    first = events[0]
    start = first.decoded("dtstart")
    assert start.isoformat() == "2025-03-03T09:00:00+08:00"
    assert start.astimezone(UTC).hour == 1
    assert str(events[1]["summary"]) == "现场考察 Site visit: Covanta"
    assert str(events[1]["description"]) == "Lecturer: 李明"
    assert b"TZID=Asia/Shanghai" in data and b"BEGIN:VTIMEZONE" in data


def test_empty_timetable_is_valid():
    cal = Calendar.from_ical(timetable_ics([], calendar_name="x"))
    assert list(cal.walk("VEVENT")) == []
