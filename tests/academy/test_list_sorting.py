"""Academy lists sort by their columns (whitelisted keys) and keep filters in the URL, in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from citybridge.academy.models import Course

KEYS = {
    "/academy/": ["title", "academy", "dates", "status", "confirmed"],
    "/academy/officials/": ["name", "position", "organisation", "jurisdiction"],
    "/academy/behind/": ["official", "position", "organisation", "province", "days", "shortfall"],
}


@pytest.fixture
def rows(course, make_official, academy):
    Course.objects.create(academy=academy, title="Zero Waste", title_en="Zero Waste", title_zh_hans="零废弃",
                          start_date=date(2024, 5, 6), end_date=date(2024, 5, 10), status="planning")
    for _ in range(3):
        make_official()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url", list(KEYS))
def test_every_sort_key_renders_with_an_arrow(client_for, staff, rows, url, language):
    client = client_for(staff, language)
    for key in KEYS[url]:
        for sort in (key, f"-{key}"):
            response = client.get(url, {"sort": sort})
            assert response.status_code == 200, (url, sort)
            html = response.content.decode()
            if url != "/academy/behind/" or "<tbody>" in html:
                assert ("▼" if sort.startswith("-") else "▲") in html, (url, sort)
    assert client.get(url, {"sort": "person__user__password"}).status_code == 200


def test_courses_sort_by_title_and_keep_the_status_filter(client_for, staff, rows):
    html = client_for(staff).get("/academy/", {"sort": "title"}).content.decode()
    assert html.index("Energy Smart Cities") < html.index("Zero Waste")
    html = client_for(staff).get("/academy/", {"sort": "-title"}).content.decode()
    assert html.index("Zero Waste") < html.index("Energy Smart Cities")
    html = client_for(staff, "zh-hans").get("/academy/", {"sort": "-title", "status": "open"}).content.decode()
    assert "能源智慧城市" in html and "零废弃" not in html
    assert 'href="?sort=title&amp;status=open"' in html
    assert '<input type="hidden" name="sort" value="-title">' in html
