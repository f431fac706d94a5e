from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

#: Django's forms end a label with _(":"), which Django's own Chinese catalogue leaves half-width (新版本:); the core
#: catalogue translates it as "：" (app catalogues override Django's). Named here so `makemessages` keeps it.
LABEL_SUFFIX = _(":")

#: (label, href, sub-items); a menu with sub-items is shown as a drop-down whose label opens it.
NavItem = tuple["str | Promise", str, tuple[tuple["str | Promise", str], ...]]

#: the permissions an item of the navigation needs (every other item opens for anyone signed in); the header is
#: built once per set of these a user has (core.templatetags.chrome)
NAV_PERMS = ("cities.run_selection",)


@cache
def _nav_items(
    signed_in: bool, script_prefix: str, urlconf: str, allowed: frozenset[str] = frozenset(NAV_PERMS)
) -> tuple[NavItem, ...]:
    """The items, URLs reversed once per process (per script prefix and URLconf) instead of a dozen reverse() calls
    on every page: the labels stay lazy, so each request still shows them in its own language. An item that needs
    one of NAV_PERMS is left out unless it is `allowed`: a menu never leads to "permission denied".

    The climate collaborative is one menu: its cohort selection (cities app) and its inventories, targets and plans
    (climate app) are sub-items, every URL unchanged."""
    items: list[NavItem] = [(_("Home"), reverse("home"), ())]
    if signed_in:
        selection = ((_("Cohort selection"), reverse("cities:runs")),) if "cities.run_selection" in allowed else ()
        climate = (
            (_("Cities"), reverse("cities:index")),
            (_("City pairs"), reverse("cities:pairs")),
            *selection,
            (_("GHG inventories"), reverse("climate:inventories")),
            (_("Emission factor library"), reverse("climate:factors")),
            (_("Targets and ambition"), reverse("climate:targets")),
            (_("Action plans"), reverse("climate:plans")),
        )
        items += [
            (_("Government Training"), reverse("academy:index"), ()),
            (_("Climate collaborative"), reverse("cities:index"), climate),
            (_("Materials"), reverse("materials:list"), ()),
            (_("Outreach"), reverse("outreach:index"), ()),
            (_("Organisations"), reverse("organisation-list"), ()),
            (_("People"), reverse("person-list"), ()),
        ]
    return tuple(items)


def navigation(request: HttpRequest) -> dict[str, object]:
    """The top navigation; each program's section is listed once its app provides pages. `nav_open` is the href of
    the menu whose sub-items hold the current page (it is marked as the current section)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    items = _nav_items(signed_in, get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    path = getattr(request, "path", "")
    nav_open = next((href for _label, href, subs in items if any(path.startswith(h) for _l, h in subs)), None)
    return {"nav_items": items, "nav_open": nav_open}
