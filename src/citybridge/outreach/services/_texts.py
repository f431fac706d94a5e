"""One check for a text kept in both languages (`<field>_en`, `<field>_zh_hans`: an event's title, venue and city,
a programme item's title, an engagement's title and venue): stripped, each under its limit, and, when it must be
given, given in at least one language (the error on the English field)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from citybridge.core.validation import ErrorCollector


def text_pair(
    errors: ErrorCollector, field: str, en: object, zh: object, limit: int = 200, *, missing: str = ""
) -> tuple[str, str]:
    """(English, Chinese), stripped; `missing` is the error when both are empty (none: both may be)."""
    pair = (str(en or "").strip(), str(zh or "").strip())
    if missing and not any(pair):
        errors.add(f"{field}_en", missing)
    for suffix, text in zip(("en", "zh_hans"), pair, strict=True):
        if len(text) > limit:
            errors.add(f"{field}_{suffix}", _("Keep this under %(limit)s characters.") % {"limit": limit})
    return pair[0][:limit], pair[1][:limit]
