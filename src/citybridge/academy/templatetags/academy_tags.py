"""Number formatting for figures: 12,345,678 in English, 12,345,678 in Chinese too (digits grouped by thousands)."""

from django import template

register = template.Library()


@register.filter
def thousands(value) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
