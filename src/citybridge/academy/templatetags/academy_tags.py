"""Number formatting for figures: 12,345,678 in English, 12,345,678 in Chinese too (digits grouped by thousands)."""

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def thousands(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


@register.filter
def short_day(value) -> str:
    """A day of a timetable: “12月7日 周一” in Chinese, “Mon 7 Dec” in English."""
    if not value:
        return ""
    if (get_language() or "").lower().startswith("zh"):
        return f"{date_format(value, 'MONTH_DAY_FORMAT')} {_WEEKDAYS_ZH[value.weekday()]}"
    return date_format(value, "D j M")
