from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, list[tuple[str, str]]]:
    """The top navigation; each program's section is listed once its app provides pages."""
    items = [(_("Home"), reverse("home"))]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items += [
            (_("Government Training"), reverse("academy:index")),
            (_("Climate collaborative"), reverse("cities:index")),
            (pgettext_lazy("navigation", "Climate"), reverse("climate:inventories")),
            (_("Organisations"), reverse("organisation-list")),
            (_("People"), reverse("person-list")),
        ]
    return {"nav_items": items}
