"""The section menus (core.templatetags.chrome.section_nav) are rendered once per language and set of allowed
permissions and kept: each user must still see exactly the items their roles give, in their language, whoever asked
first, and a user granted a role sees the new items on their next page."""

from __future__ import annotations

import re

import pytest

from citybridge.core.models import RoleMembership

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav aria-label="[^"]*" class="academy-nav">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)">([^<]+)</a>')


def menu(client) -> dict[str, str]:
    html = client.get("/academy/").content.decode()
    (nav,) = NAV.findall(html)
    return dict(LINK.findall(nav))


EVERYONE = {"/academy/", "/academy/curriculum/", "/academy/academies/"}
COMPLIANCE = {"/academy/officials/", "/academy/behind/"}


def test_each_role_sees_its_own_items_whoever_asked_first(staff, coordinator, lecturer, make_user, client_for):
    # staff first: a coordinator, a lecturer and someone with no role asking afterwards must not get staff's menu
    staff_menu = menu(client_for(staff))
    assert set(staff_menu) == EVERYONE | COMPLIANCE | {
        "/academy/duplicates/",
        "/academy/lecturers/",
        "/academy/timetable/season/",
        "/academy/impact/",
    }
    assert staff_menu["/academy/lecturers/"] == "Lecturers"  # staff manage lecturers: not "My lecturer profile"
    assert set(menu(client_for(coordinator))) == EVERYONE | COMPLIANCE | {"/academy/impact/"}
    assert set(menu(client_for(lecturer))) == EVERYONE | {"/academy/lecturers/me/"}
    assert set(menu(client_for(make_user()))) == EVERYONE
    # and the other way round: the staff menu is still whole after the narrower ones were kept
    assert menu(client_for(staff)) == staff_menu


def test_the_menu_speaks_the_users_language(coordinator, client_for):
    english, chinese = menu(client_for(coordinator)), menu(client_for(coordinator, "zh-hans"))
    assert english["/academy/behind/"] == "Who is behind"
    assert chinese.keys() == english.keys()
    assert chinese["/academy/"] == "课程" and chinese["/academy/behind/"] != "Who is behind"
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in chinese.values()), chinese


def test_a_role_granted_shows_its_items_on_the_next_page(make_user, academy, client_for):
    user = make_user()
    client = client_for(user)
    assert set(menu(client)) == EVERYONE
    RoleMembership.objects.create(user=user, role="academy_coordinator", organisation=academy.organisation)
    assert set(menu(client)) == EVERYONE | COMPLIANCE | {"/academy/impact/"}


def test_a_coordinators_academy_pages_ask_no_permission_tables(
    coordinator, course, client_for, django_assert_num_queries
):
    """The menu and "New course" ask the rules (academy/rules.py), never Django's model backend, which reads the
    user's and groups' permission tables for every permission the rules refuse: the course list is the session, the
    user, their roles, the academies ("New course"), the count, the page's keys and its rows (their confirmed counts
    among the columns)."""
    client = client_for(coordinator)
    client.get("/academy/")
    with django_assert_num_queries(7) as captured:
        html = client.get("/academy/").content.decode()
    assert not any("permission" in q["sql"] for q in captured.captured_queries)
    assert 'href="/academy/courses/new/"' in html  # their academy takes a new course from them
