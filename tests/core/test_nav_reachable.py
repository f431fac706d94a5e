"""Every item the top navigation shows a user opens for that user (issue 9: a menu item that answers "permission
denied" is a dead end), for each role and for a user with no role; and the items that need a permission are shown
to those who have it."""

from __future__ import annotations

import re

import pytest

from citybridge.core.models import Role

pytestmark = pytest.mark.django_db


def _nav_links(html: str) -> list[str]:
    header = html[html.index("<header") : html.index("</header>")]
    return [h for h in re.findall(r'<a href="(/[^"]*)"', header) if not h.startswith(("/i18n/", "/accounts/"))]


@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_navigation_item_opens(role, make_user, client_for, organisation):
    from citybridge.cities.models import City

    city = City.objects.create(name_en="Baoding", name_zh_hans="保定", country="CN")
    scope = {"organisation": organisation} if role in ("academy_coordinator", "solution_provider", "partner") else {}
    if role == "city_coordinator":
        scope = {"city": city}
    user = make_user(role, **scope)
    client = client_for(user)
    links = _nav_links(client.get("/").content.decode())
    assert "/" in links and len(links) >= 2
    for href in links:
        status = client.get(href).status_code
        assert status == 200, f"{role}: {href} answers {status}"


def test_cohort_selection_is_in_the_menu_of_who_may_run_it(make_user, client_for):
    assert "/cities/selection/" in _nav_links(client_for(make_user("program_staff")).get("/").content.decode())
    assert "/cities/selection/" not in _nav_links(client_for(make_user("lecturer")).get("/").content.decode())
