"""Which clock a city's records are read in, and its name in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citybridge.core.models import is_chinese
from citybridge.core.zone_names import ZONES

#: the zones of the collaborative's cities as their readers name them; any other as the CLDR names it (zone_name)
_ZONE_NAMES = {
    "Asia/Shanghai": _("Beijing time"),
    "America/Los_Angeles": _("Pacific time"),
    "UTC": _("UTC"),
}


def city_time_zone(city: object) -> tuple[str, str]:
    """The zone a city's records are dated in on its pages, and the zone's name: a coordinator reads the times of
    their own city's changes in their own clock (a Californian's 11:27 was shown as China's 3:27 a.m., unnamed).
    A Chinese city keeps Beijing time, China's one legal time, whatever zone GeoNames gives it; a zone the time zone
    database does not know falls back to the site's (settings.TIME_ZONE)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.conf import settings

    zone = "Asia/Shanghai" if getattr(city, "country", "") == "CN" else getattr(city, "timezone", "") or ""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = settings.TIME_ZONE
    return zone, zone_name(zone)


def zone_name(zone: str, *, short: bool = False) -> str:
    """A time zone as the reader names it, in their language: the collaborative's own zones as their readers say
    them (Beijing time, 北京时间), any other as the CLDR names it (core.zone_names): its name and city, Eastern Time
    (New York), 北美东部时间（纽约）, or with `short` the city alone (纽约); the name alone when it says the place
    already (Japan Time). The IANA name when neither names the zone."""
    if zone in _ZONE_NAMES:
        return str(_ZONE_NAMES[zone])
    if (names := ZONES.get(zone)) is None:
        return zone
    chinese = is_chinese()
    name, city = names[2:] if chinese else names[:2]
    if not city:
        return name
    if short:
        return city
    return f"{name}（{city}）" if chinese else f"{name} ({city})"
