"""Which clock a city's records are read in, and its name in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: the zones of the collaborative's cities as their readers name them; any other zone is shown by its IANA name
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
    return zone, str(_ZONE_NAMES.get(zone, zone))
