from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request) -> dict[str, list[tuple[str, str]]]:
    """The top navigation; each program's section is listed once its app provides pages."""
    items = [(_("Home"), reverse("home"))]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items += [
            (_("Government Training"), reverse("academy:index")),
            (_("Climate collaborative"), reverse("cities:index")),
            (_("Outreach"), reverse("outreach:index")),
            (_("Organisations"), reverse("organisation-list")),
            (_("People"), reverse("person-list")),
        ]
    return {"nav_items": items}
