from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.http import HttpRequest


@cache
def _nav_items(signed_in: bool, script_prefix: str, urlconf: str) -> tuple[tuple[str, str], ...]:
    """The items, URLs reversed once per process (per script prefix and URLconf) instead of five reverse() calls on
    every page: the labels stay lazy, so each request still shows them in its own language."""
    items = [(_("Home"), reverse("home"))]
    if signed_in:
        items += [
            (_("Government Training"), reverse("academy:index")),
            (_("Climate collaborative"), reverse("cities:index")),
            (pgettext_lazy("navigation", "Climate"), reverse("climate:inventories")),
            (_("Materials"), reverse("materials:list")),
            (_("Outreach"), reverse("outreach:index")),
            (_("Organisations"), reverse("organisation-list")),
            (_("People"), reverse("person-list")),
        ]
    return tuple(items)


def navigation(request: HttpRequest) -> dict[str, tuple[tuple[str, str], ...]]:
    """The top navigation; each program's section is listed once its app provides pages."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {"nav_items": _nav_items(signed_in, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))}
