"""Number formatting for figures: whole numbers above 1,000, three significant figures below."""

from __future__ import annotations

import math

from django import template

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return "—"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    digits = max(0, 2 - int(math.floor(math.log10(abs(x)))))
    return f"{x:,.{digits}f}"
