"""Number formatting for figures: whole numbers above 1,000, three significant figures below."""

from __future__ import annotations

import math

from django import template
from django.utils.translation import pgettext_lazy

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


#: the catalogue's unit codes in the reader's language (docs/glossary.md: 人, %/年, 吨二氧化碳/人, 平方公里, 摄氏度·日)
UNITS = {
    "people": pgettext_lazy("unit", "people"),
    "people/household": pgettext_lazy("unit", "people/household"),
    "%/year": pgettext_lazy("unit", "%/year"),
    "km2": pgettext_lazy("unit", "km²"),
    "tCO2": pgettext_lazy("unit", "tCO2"),
    "tCO2e": pgettext_lazy("unit", "tCO2e"),
    "tCO2/person": pgettext_lazy("unit", "tCO2/person"),
    "tCO2e/person": pgettext_lazy("unit", "tCO2e/person"),
    "tCO2/million CNY": pgettext_lazy("unit", "tCO2/million CNY"),
    "°C·day": pgettext_lazy("unit", "°C·day"),
}


@register.filter
def unit(value) -> str:
    """A unit code as words in the page's language; an unknown code as it is."""
    return str(UNITS.get(value, value or ""))
