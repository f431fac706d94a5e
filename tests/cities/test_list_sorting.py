"""City lists sort by their columns (whitelisted keys) and keep filters in the URL, in both languages."""

from __future__ import annotations

import pytest

KEYS = {
    "/cities/": ["name", "province", "population", "size", "climate"],
    "/cities/interests/": ["city", "submitted", "contact", "status"],
    "/cities/pool/": ["city", "province", "origin", "added"],
    "/cities/selection/": ["name", "created", "by", "state"],
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url", list(KEYS))
def test_every_sort_key_renders(client_for, staff, small_registry, url, language):
    client = client_for(staff, language)
    for key in KEYS[url]:
        for sort in (key, f"-{key}"):
            assert client.get(url, {"sort": sort}).status_code == 200, (url, sort)
    assert client.get(url, {"sort": "lease_owner"}).status_code == 200


def test_city_list_sorts_by_name_and_keeps_the_country(client_for, staff, small_registry):
    html = client_for(staff).get("/cities/", {"country": "US", "sort": "name"}).content.decode()
    assert html.index("Hayward") < html.index("Oakland") < html.index("San Jose")
    assert "▲" in html and 'href="?country=US&amp;sort=-name"' in html
    html = client_for(staff, "zh-hans").get("/cities/", {"country": "CN", "sort": "-population"}).content.decode()
    assert html.index("北京") < html.index("合肥") < html.index("安庆")


def test_city_list_filters_by_province_code(client_for, staff, small_registry):
    html = client_for(staff, "zh-hans").get("/cities/", {"province": "CN-AH"}).content.decode()
    assert "安庆" in html and "合肥" in html and "圣何塞" not in html
    assert '<option value="CN-AH" selected>安徽省</option>' in html
    html = client_for(staff).get("/cities/", {"province": "US-CA", "sort": "name"}).content.decode()
    assert html.index("Hayward") < html.index("Oakland") and "Hefei" not in html
