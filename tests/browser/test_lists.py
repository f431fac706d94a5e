"""Lists in a browser: a click on a column header sorts (arrow shown), long unbroken names wrap."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_header_sorts_and_long_names_do_not_widen_the_page(page, login, make_user):
    from citybridge.core.models import Organisation

    for name in ("Beta", "Alpha", "Gamma"):
        Organisation.objects.create(name=name, name_en=name, type="ngo", country="CN", province_en="Hebei")
    Organisation.objects.create(name="Z", name_en="Z" + "x" * 199, type="ngo", country="CN", province_zh_hans="河北省")
    staff = make_user("program_staff", email="staff@example.org")
    login(page, staff)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.base_url + "/organisations/?province=CN-HE")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("th a.sort-link >> text=Name")  # already sorted by name: reverses
    page.wait_for_load_state("networkidle")
    assert "sort=-name" in page.url and "province=CN-HE" in page.url
    assert page.locator("th[aria-sort=descending]").count() == 1
    names = page.locator("tbody tr td:first-child a").all_inner_texts()
    assert names[1:] == ["Gamma", "Beta", "Alpha"] and names[0].startswith("Zxxx")
    assert not page.failed_responses
