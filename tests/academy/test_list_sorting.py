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
    Course.objects.create(
        academy=academy,
        title="Zero Waste",
        title_en="Zero Waste",
        title_zh_hans="零废弃",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 10),
        status="planning",
    )
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


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_who_is_behind_filters_one_province_however_it_was_written(client_for, staff, make_official, course, language):
    from citybridge.academy.models import Enrolment, Jurisdiction

    en = Jurisdiction.objects.create(name="Shijiazhuang", name_en="Shijiazhuang", province_en="Hebei Province")
    zh = Jurisdiction.objects.create(name="保定", name_zh_hans="保定", province_zh_hans="河北省")
    other = Jurisdiction.objects.create(name="Hefei", name_en="Hefei", province_en="Anhui")
    officials = [make_official(jurisdiction=j, province=j.province_en or j.province_zh_hans) for j in (en, zh, other)]
    for o in officials:
        Enrolment.objects.create(course=course, official=o, status="confirmed", position=o.position)
    assert [o.province_code for o in officials] == ["CN-HE", "CN-HE", "CN-AH"]
    from citybridge.academy import services

    services.compliance_prepare_year(year=course.start_date.year)  # what the background task does
    html = (
        client_for(staff, language)
        .get("/academy/behind/", {"province": "CN-HE", "year": course.start_date.year})
        .content.decode()
    )
    assert f"/academy/officials/{officials[0].pk}/" in html and f"/academy/officials/{officials[1].pk}/" in html
    assert f"/academy/officials/{officials[2].pk}/" not in html
    assert ("河北省" if language == "zh-hans" else ">Hebei<") in html
