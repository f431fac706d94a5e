"""Number formatting for figures: whole numbers above 1,000, three significant figures below."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django import template

if TYPE_CHECKING:
    from collections.abc import Iterable

    from citybridge.core.models import User

    from ..models import City

register = template.Library()


@register.filter
def figure(value: float | int | None) -> str:
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


@register.filter
def unit(value: str | None) -> str:
    """A stored unit ("tCO2/person", "km2", "%/year" …) in the reader's language."""
    from citybridge.cities.labels import unit_label

    return unit_label(str(value or ""))


@register.filter
def population_note(city: City) -> str:
    """What a city's population covers and its year, e.g. "whole prefecture, 2020"."""
    from citybridge.cities.labels import city_population_note

    return city_population_note(city)


@register.filter
def words(values: Iterable[str]) -> str:
    """The "data available" codes of an expression of interest as words."""
    from citybridge.cities.labels import data_available_labels
    from citybridge.core.templatetags.listing import listed

    return listed(data_available_labels(list(values or [])))


@register.filter
def person(user: User) -> str:
    """A user's name (never the e-mail)."""
    from citybridge.cities.labels import person_label

    return person_label(user)
