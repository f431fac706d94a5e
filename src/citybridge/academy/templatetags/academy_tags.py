"""Number formatting for figures: 12,345,678 in English, 12,345,678 in Chinese too (digits grouped by thousands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

if TYPE_CHECKING:
    from datetime import date

    from citybridge.academy.models import Session

register = template.Library()


@register.filter
def thousands(value: int | float | None) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _day_with_weekday(value: date | None, zh_format: str, en_format: str) -> str:
    if not value:
        return ""
    if (get_language() or "").lower().startswith("zh"):
        return f"{date_format(value, zh_format)} {_WEEKDAYS_ZH[value.weekday()]}"
    return date_format(value, en_format)


@register.filter
def short_day(value: date | None) -> str:
    """A day of a timetable: “12月7日 周一” in Chinese, “Mon 7 Dec” in English."""
    return _day_with_weekday(value, "MONTH_DAY_FORMAT", "D j M")


@register.filter
def day_and_year(value: date | None) -> str:
    """A day in a list that spans years: “2019年5月6日 周一” in Chinese, “Mon 6 May 2019” in English."""
    return _day_with_weekday(value, "DATE_FORMAT", "D j M Y")


@register.filter
def province_name(value: str | None) -> str:
    """A Chinese province written in English (“Jiangsu”) in Chinese on a Chinese page (江苏); anything else as it is."""
    if not value or not (get_language() or "").lower().startswith("zh"):
        return value or ""
    from citybridge.cities.sources import CN_PROVINCES  # plain data, no Django models

    names = {en.lower(): zh for en, zh in CN_PROVINCES.values()}
    return names.get(str(value).strip().lower(), value)


@register.filter
def zone_name(name: str | None, short: str = "") -> str:
    """A time zone as the reader names it (cities.zones.zone_name): “Eastern Time (New York)”, “北美东部时间（纽约）”;
    `zone_name:"short"` its city where it has one (纽约)."""
    from citybridge.cities.zones import zone_name as named

    return named(name, short=bool(short)) if name else ""


@register.filter
def time_zone(name: str | None) -> str:
    """A lecturer's home time zone as a reader can place it: its offset from UTC today, then its name
    (“UTC−05:00 · Eastern Time (New York)”, zone_name); what was entered when it is no zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name:
        return ""
    try:
        offset = datetime.now(ZoneInfo(name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return name
    if offset is None:
        return name
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d} · {zone_name(name)}"


def other_zone(name: str | None) -> bool:
    """Whether a lecturer's home time zone keeps other hours than the academies' (settings.TIME_ZONE, Beijing time,
    in which every session is held) today: then the lecturer's pages show each session in it too."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.conf import settings
    from django.utils import timezone

    try:
        home = ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return False
    now = timezone.now()
    return (
        home is not None
        and now.astimezone(home).utcoffset() != now.astimezone(ZoneInfo(settings.TIME_ZONE)).utcoffset()
    )


@register.filter
def home_time(session: Session, zone: str) -> str:
    """A session's hours in `zone` (a lecturer's home time zone), with that day where it is another one there:
    “20:00–23:00 · Sun 5 May” for a morning session in Beijing seen from New York."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings

    held, home = ZoneInfo(settings.TIME_ZONE), ZoneInfo(zone)
    start = datetime.combine(session.date, session.start_time, held).astimezone(home)
    end = datetime.combine(session.date, session.end_time, held).astimezone(home)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    return hours if start.date() == session.date else f"{hours} · {short_day(start.date())}"
