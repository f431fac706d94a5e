"""GPC sector and sub-sector names in the user's language (the engine's table keeps the GPC's English)."""

from __future__ import annotations

import re

from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from citybridge.core.models import is_chinese

from . import gpc
from .sources_zh import text_zh

SECTORS = {
    "I": _("Stationary energy"),
    "II": pgettext_lazy("GPC sector", "Transportation"),
    "III": pgettext_lazy("GPC sector", "Waste"),
    "IV": _("Industrial processes and product use (IPPU)"),
    "V": _("Agriculture, forestry and other land use (AFOLU)"),
    "VI": _("Other scope 3"),
}

SUBSECTORS = {
    "Residential buildings": _("Residential buildings"),
    "Commercial and institutional buildings and facilities": _("Commercial and institutional buildings and facilities"),
    "Manufacturing industries and construction": _("Manufacturing industries and construction"),
    "Energy industries": _("Energy industries"),
    "Agriculture, forestry and fishing activities": _("Agriculture, forestry and fishing activities"),
    "Non-specified sources": _("Non-specified sources"),
    "Fugitive emissions from mining, processing, storage, and transportation of coal": _(
        "Fugitive emissions from mining, processing, storage and transportation of coal"
    ),
    "Fugitive emissions from oil and natural gas systems": _("Fugitive emissions from oil and natural gas systems"),
    "On-road transportation": _("On-road transportation"),
    "Railways": _("Railways"),
    "Waterborne navigation": _("Waterborne navigation"),
    "Aviation": _("Aviation"),
    "Off-road transportation": _("Off-road transportation"),
    "Solid waste disposal": _("Solid waste disposal"),
    "Biological treatment of waste": _("Biological treatment of waste"),
    "Incineration and open burning": _("Incineration and open burning"),
    "Wastewater treatment and discharge": _("Wastewater treatment and discharge"),
    "Emissions from industrial processes occurring within the city boundary": _("Industrial processes"),
    "Emissions from product use occurring within the city boundary": _("Product use"),
    "Emissions from livestock within the city boundary": _("Livestock"),
    "Emissions from land within the city boundary": _("Land"),
    "Emissions from aggregate sources and non-CO2 emission sources on land within the city boundary": _(
        "Aggregate sources and non-CO2 emission sources on land"
    ),
    "Other Scope 3": _("Other scope 3"),
}


def sector_label(prefix: str) -> str:
    return str(SECTORS.get(prefix, prefix))


def subsector_label(line: gpc.GpcLine) -> str:
    return str(SUBSECTORS.get(line.subsector, line.subsector))


def line_label(ref: str) -> str:
    try:
        line = gpc.gpc_line(ref)
    except KeyError:
        return ref
    return f"{line.ref} {subsector_label(line)}"


#: the unit registry's codes written with an underscore (climate/units.py), as a reader writes them
_UNIT_WORDS = {"US_gallon": ("US gallon", "美制加仑"), "US_gal": ("US gallon", "美制加仑"),
               "cubic_meter": ("m3", "立方米"), "metric_ton": ("t", "吨")}  # fmt: skip
_UNIT_CODE = re.compile(r"\b(" + "|".join(_UNIT_WORDS) + r")\b")


def unit_words(text: str, language: str | None = None) -> str:
    """`text` (a unit, or a line of a calculation) with the registry's codes in words: "kg/US_gallon" is
    "kg/US gallon" in English and "kg/美制加仑" in Chinese."""
    chinese = (language or get_language() or "").startswith("zh")
    return _UNIT_CODE.sub(lambda m: _UNIT_WORDS[m.group(1)][1 if chinese else 0], text or "")


def source_text(text: str, language: str | None = None) -> str:
    """A source text an engine writes in English (a default driver's source, the 1.5 °C benchmark's, the GPC
    table's) in the reader's language (sources_zh); any other text, such as a source a city typed, as written."""
    if text and is_chinese(language):
        return text_zh(text) or text
    return text or ""


#: how well a driver's or a measure's source was checked (pathways.Source.status)
_SOURCE_STATUSES = {
    "two sources": _("Two sources"),
    "single source": _("Single source"),
    "derived": _("Derived"),
    "assumption": pgettext_lazy("source status", "Assumption"),
}


def source_status_label(status: str) -> str:
    return str(_SOURCE_STATUSES.get(status, status))
