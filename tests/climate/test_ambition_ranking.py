"""The ambition ranking (/climate/ambition/, GET /api/v1/climate/ambition, the target page's "Compared with peers"),
with figures worked by hand from four cities' targets:

- Hayward (US): 2010 → 2030, −50 %: 1 − 0.5^(1/20) = 3.406 % a year; 0.50 ≤ 0.55 of 2010: aligned
- Shenzhen (CN): 2010 → 2030, −50 %: the same 3.406 %: shares rank 1 with Hayward (ties by name: Hayward first)
- Hefei (CN): 2005 → 2030, −40 %: 1 − 0.6^(1/25) = 2.023 % a year; 0.60 > 0.55: not aligned; rank 3
  (and a peak-year target for 2030, not ranked, not listed: Hefei is ranked by its other target)
- Wuhan (CN): peak year 2028 only: not ranked, "a peak-year target sets no level"
- the 1.5 °C benchmark: 1 − 0.55^(1/20) = 2.945 % a year, between rank 1 and rank 3
- median of 3.406, 3.406, 2.023: 3.4 %; in China (3.406, 2.023): 2.714 → 2.7 %
"""

from __future__ import annotations

import pytest

from citybridge.climate import services

pytestmark = pytest.mark.django_db

URL = "/climate/ambition/"
API = "/api/v1/climate/ambition"
NBSP = "\u00a0"


def _city(gid, en, zh, country):
    from citybridge.cities.models import City

    return City.objects.create(
        geonames_id=gid, name=en, name_en=en, name_zh_hans=zh, country=country, population=1000, timezone="UTC"
    )


def _base(staff, city, base_year, pct, target_year=2030):
    data = {
        "kind": "base_year",
        "base_year": base_year,
        "base_emissions_t": 1_000_000.0,
        "target_year": target_year,
        "reduction_pct": pct,
    }
    return services.target_save(actor=staff, city=city, data=data)


@pytest.fixture
def board(staff, hayward, hefei):
    shenzhen = _city(1795565, "Shenzhen", "深圳", "CN")
    wuhan = _city(1791247, "Wuhan", "武汉", "CN")
    return {
        "hayward": _base(staff, hayward, 2010, 50),
        "shenzhen": _base(staff, shenzhen, 2010, 50),
        "hefei": _base(staff, hefei, 2005, 40),
        "hefei_peak": services.target_save(actor=staff, city=hefei, data={"kind": "peak_year", "target_year": 2030}),
        "wuhan": services.target_save(actor=staff, city=wuhan, data={"kind": "peak_year", "target_year": 2028}),
    }


def _rows(html: str) -> list[str]:
    """The ranked table's rows, in order, as the names they carry (the benchmark as "benchmark")."""
    table = html.split('<table class="cards ambition">')[1].split("</table>")[0]
    out = []
    for tr in table.split("<tr")[2:]:
        if 'class="benchmark"' in tr:
            out.append("benchmark")
        else:
            out.append(next(n for n in ("Hayward", "Shenzhen", "Hefei", "Wuhan", "海沃德", "深圳", "合肥") if n in tr))
    return out


def test_page_ranks_cities_with_ties_the_benchmark_in_its_place_and_the_unranked_with_reasons(
    client_for, coordinator, board
):
    r = client_for(coordinator).get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert _rows(html) == ["Hayward", "Shenzhen", "benchmark", "Hefei"]
    ranked = html.split('<table class="cards ambition">')[1].split("</table>")[0]
    assert ranked.count("No. 1") == 2 and "No. 3" in ranked and "No. 2" not in ranked
    assert f"3.4{NBSP}% a year" in ranked and f"2.0{NBSP}% a year" in ranked and f"2.9{NBSP}% a year" in ranked
    assert "<td>yes</td>" in ranked and "<td>no</td>" in ranked  # the column is named by its heading (a card's label)
    assert "2010 → 2030" in ranked and "2005 → 2030" in ranked and "−50 %" in ranked and "−40 %" in ranked
    assert "United States" in ranked and "China" in ranked
    assert f'href="/climate/targets/{board["hefei"].pk}/"' in ranked
    # the coordinator's own city highlighted and summarised
    assert 'class="mine"' in ranked.split("Shenzhen")[0] and ranked.count('class="mine"') == 1
    assert "Your city Hayward: rank 1 of 3." in html
    assert f"The median city reduces 3.4{NBSP}% a year." in html
    # below: Wuhan's peak-year target with its reason; not Hefei's (Hefei is ranked by its other target)
    unranked = html.split("Cities whose targets cannot be ranked")[1]
    assert "Wuhan" in unranked and "A peak-year target sets no level" in unranked and "Hefei" not in unranked
    # the section menu links the page
    assert f'href="{URL}"' in client_for(coordinator).get("/climate/targets/").content.decode()


def test_page_in_chinese(client_for, other_coordinator, board):
    html = client_for(other_coordinator, "zh-hans").get(URL).content.decode()
    assert _rows(html) == ["海沃德", "深圳", "benchmark", "合肥"]
    assert "各城市减排雄心比较" in html
    assert f"每年 3.4{NBSP}%" in html and "第 3 名" in html and "美国" in html and "中国" in html
    assert "您的城市合肥：在 3 个城市中排名第 3。" in html
    assert f"中位城市每年减排 3.4{NBSP}%。" in html
    assert "目标无法排名的城市" in html and "达峰年目标未设定排放水平" in html.split("目标无法排名的城市")[1]


def test_filters_rank_within_the_filtered_targets(client_for, coordinator, board):
    client = client_for(coordinator)
    html = client.get(URL, {"country": "CN"}).content.decode()
    assert _rows(html) == ["Shenzhen", "benchmark", "Hefei"]
    ranked = html.split('<table class="cards ambition">')[1].split("</table>")[0]
    assert "No. 1" in ranked and "No. 2" in ranked
    # Hayward is not in China: its coordinator is told so, with the median of the two Chinese cities (2.714 %)
    assert "Your city is not ranked here" in html and f"The median city reduces 2.7{NBSP}% a year." in html
    assert '<option value="CN" selected>' in html
    # peak-year targets only: nothing ranked, both listed with their reason (Hefei's too, now)
    html = client.get(URL, {"kind": "peak_year"}).content.decode()
    assert _rows(html) == ["benchmark"]
    unranked = html.split("Cities whose targets cannot be ranked")[1]
    assert "Hefei" in unranked and "Wuhan" in unranked
    # an unknown filter value is ignored, as the other lists do
    assert _rows(client.get(URL, {"country": "FR", "kind": "x"}).content.decode()) == _rows(
        client.get(URL).content.decode()
    )


def test_who_may_see_it_as_the_targets_list(client_for, expert, outsider, board):
    # anonymous: sent to sign in, as from the targets list
    for url in (URL, "/climate/targets/"):
        r = client_for(None).get(url)
        assert r.status_code == 302 and "login" in r["Location"]
    # a signed-in user outside the collaborative sees no city on either page
    for url in (URL, "/climate/targets/"):
        html = client_for(outsider).get(url).content.decode()
        assert "Hayward" not in html and "Wuhan" not in html
    # an expert takes part: sees the ranking, no "your city"
    html = client_for(expert).get(URL).content.decode()
    assert _rows(html) == ["Hayward", "Shenzhen", "benchmark", "Hefei"] and "Your city" not in html


def test_target_page_compares_with_peers(client_for, coordinator, board):
    client = client_for(coordinator)
    html = client.get(f"/climate/targets/{board['hefei'].pk}/").content.decode()
    assert "Compared with peers" in html
    assert "By its most ambitious target, Hefei ranks 3 of 3 ranked cities." in html
    assert "In China: 2 of 2." in html
    assert f"The median city reduces 3.4{NBSP}% a year (in China: 2.7{NBSP}%)." in html
    html = client.get(f"/climate/targets/{board['wuhan'].pk}/").content.decode()
    assert "Wuhan is not ranked: none of its targets gives an annual reduction rate." in html
    html = client_for(coordinator, "zh-hans").get(f"/climate/targets/{board['hayward'].pk}/").content.decode()
    assert (
        "与同伴城市比较" in html and "在 3 个参与排名的城市中排名第 1" in html and "在美国：1 个城市中排名第 1" in html
    )


def test_api_figures_filters_and_refusals(api_for, coordinator, outsider, board, hayward, hefei):
    r = api_for(coordinator).get(API)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 3
    items = body["items"]
    assert [(i["rank"], i["city_name_en"]) for i in items] == [(1, "Hayward"), (1, "Shenzhen"), (3, "Hefei")]
    first = items[0]
    assert first["city_id"] == hayward.pk and first["city_name_zh_hans"] == "海沃德" and first["country"] == "US"
    assert first["target_id"] == board["hayward"].pk and first["kind"] == "base_year"
    assert (first["base_year"], first["target_year"], first["reduction_pct"]) == (2010, 2030, 50.0)
    assert first["annual_rate_pct"] == pytest.approx(3.4064, abs=1e-4) and first["aligned"] is True
    assert items[2]["city_id"] == hefei.pk and items[2]["annual_rate_pct"] == pytest.approx(2.0226, abs=1e-4)
    assert items[2]["aligned"] is False
    # filters
    cn = api_for(coordinator).get(API, {"country": "CN"}).json()
    assert [(i["rank"], i["city_name_en"]) for i in cn["items"]] == [(1, "Shenzhen"), (2, "Hefei")]
    assert api_for(coordinator).get(API, {"kind": "peak_year"}).json() == {"items": [], "count": 0}
    assert api_for(coordinator).get(API, {"page_size": 1, "page": 2}).json()["items"][0]["city_name_en"] == "Shenzhen"
    # unknown values: 422 naming the parameter, in the project's one error format
    for params, name in (({"country": "FR"}, "country"), ({"kind": "tonnes"}, "kind")):
        r = api_for(coordinator).get(API, params)
        assert r.status_code == 422 and name in {e["field"] for e in r.json()["errors"]}, r.content
    # refused: no credentials; outside the collaborative: nothing, as GET /targets
    assert api_for(None).get(API).status_code == 401
    assert api_for(outsider).get(API).json()["count"] == 0
    assert api_for(outsider).get("/api/v1/climate/targets").json()["count"] == 0


# --------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", [URL, API, "target"])
def test_query_counts_are_fixed(n, path, staff, coordinator, hayward, client_for, api_for, django_assert_num_queries):
    """Every target read in one query: the same count for 3 and 30 targets (each in its own city)."""
    first = _base(staff, hayward, 2010, 50)
    for i in range(1, n):
        city = _city(9_000_000 + i, f"City {i}", f"城市{i}", "CN" if i % 2 else "US")
        _base(staff, city, 2010, 20 + i)
    url = f"/climate/targets/{first.pk}/" if path == "target" else path
    client = api_for(coordinator) if url.startswith("/api/") else client_for(coordinator)
    client.get(url)
    expected = QUERIES[path]
    with django_assert_num_queries(expected):
        r = client.get(url)
    assert r.status_code == 200


QUERIES = {URL: 4, API: 3, "target": 5}
