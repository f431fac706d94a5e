"""`citybridge import cities` against the real bundled data: sums reproduced exactly, idempotent, reported."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from citybridge.cities import sources
from citybridge.cities.models import City, IndicatorValue, ReportedTarget

#: verbatim copies of the published originals (tests/fixtures/shared_data/README.md); CEADs ships verbatim in the package
SHARED = Path(__file__).resolve().parents[1] / "fixtures" / "shared_data"


def _fsum(qs) -> float:
    return math.fsum(qs.values_list("value", flat=True))


@pytest.mark.django_db
def test_import_reproduces_source_sums_and_is_idempotent():
    out = io.StringIO()
    call_command("import_cities", stdout=out)
    text = out.getvalue()
    # 401 California cities (452 GeoNames places less the 51 neighbourhoods of california_sections.csv) + 326
    # Chinese entries of prefectures.csv (4 municipalities, 292 prefecture-level cities, 24 seats of autonomous
    # prefectures/leagues/regions, 4 province-administered county-level cities and 2 former prefecture-level
    # cities, all with CEADs or prefecture status); the other 1,780 Chinese GeoNames places above 15,000 (districts
    # such as 浦东新, counties, towns) and the 51 sections are folded into them
    assert "cities: 727 created, 0 updated" in text
    folded = (
        "GeoNames places folded into their city (Chinese districts, counties and towns; California's city sections)"
    )
    assert f"{folded}: 1831" in text
    assert "override 吴忠 Wuzhong population: 7202654 -> 1382713" in text
    assert "ceads: 290 matched, 0 unmatched" in text
    assert "unmatched: Hong Kong (Hong Kong SAR is outside the mainland-China registry)" in text
    assert City.objects.filter(country="US").count() == 401 and City.objects.filter(country="CN").count() == 326

    # CEADs: the DB total equals the published workbook's total (Mt x 10^6), value for value
    wb = openpyxl.load_workbook(sources.DATA_DIR / "ceads_290_chinese_cities_1997_2019.xlsx", read_only=True)
    expected = [
        float(Decimal(repr(r[3])) * 1_000_000) for r in list(wb["emission vector"].iter_rows(values_only=True))[1:]
    ]
    wb.close()
    ceads = IndicatorValue.objects.filter(indicator__code="ceads_co2")
    assert ceads.count() == 3929
    assert _fsum(ceads) == math.fsum(expected)
    assert set(ceads.values_list("unit", flat=True)) == {"tCO2"}
    anqing = City.objects.get(country="CN", name_en="Anqing", province_en="Anhui")
    assert anqing.name_zh_hans == "安庆"
    assert ceads.get(city=anqing, year=2019).value == 30427221.39398105

    # CDP: Scope 1 of matched California cities equals the original column's sum for those organisations
    rows = sources.read_cdp_emissions()
    aliases = sources.read_aliases()
    matched = {a.source_name for a in aliases.values() if a.source == "cdp2021_emissions" and a.geonames_id}
    assert _fsum(IndicatorValue.objects.filter(indicator__code="cdp_scope1")) == math.fsum(
        float(r.scope1_t) for r in rows if r.organization in matched and r.scope1_t is not None
    )
    hayward = City.objects.get(country="US", name_en="Hayward")
    assert IndicatorValue.objects.get(city=hayward, indicator__code="cdp_scope1").value == 797588.59

    # Nangini: Scope 1 of matched cities equals the original's sum for them
    nangini_matched = {a.source_name for a in aliases.values() if a.source == "nangini2019" and a.geonames_id}
    assert _fsum(IndicatorValue.objects.filter(indicator__code="nangini_scope1")) == math.fsum(
        float(r.scope1_t) for r in sources.read_nangini() if r.name in nangini_matched and r.scope1_t is not None
    )

    # derived values carry their inputs; one recomputed by hand
    trend = IndicatorValue.objects.get(city=anqing, indicator__code="ceads_co2_trend_5y")
    v2014, v2019 = (ceads.get(city=anqing, year=y).value for y in (2014, 2019))
    assert trend.value == pytest.approx(((v2019 / v2014) ** 0.2 - 1) * 100)
    assert [i["year"] for i in trend.inputs] == [2014, 2019] and trend.source.code == "derived"
    per_capita = IndicatorValue.objects.get(city=hayward, indicator__code="cdp_scope1_per_capita")
    assert per_capita.value == pytest.approx(797588.59 / 160197) and per_capita.unit == "tCO2e/person"
    assert ReportedTarget.objects.filter(city=hayward).count() == 2

    before = (
        City.objects.count(),
        IndicatorValue.objects.count(),
        ReportedTarget.objects.count(),
        _fsum(IndicatorValue.objects.all()),
    )
    ids = dict(City.objects.values_list("geonames_id", "id"))
    out2 = io.StringIO()
    call_command("import_cities", stdout=out2)
    assert "cities: 0 created, 0 updated" in out2.getvalue()
    assert (
        City.objects.count(),
        IndicatorValue.objects.count(),
        ReportedTarget.objects.count(),
        _fsum(IndicatorValue.objects.all()),
    ) == before
    assert dict(City.objects.values_list("geonames_id", "id")) == ids


@pytest.mark.django_db
def test_import_folds_stale_district_rows_without_losing_references(make_user):
    """Rows of the earlier (GeoNames-place) registry for Shanghai districts: references move to Shanghai, the row
    a selection run names is kept archived, the unreferenced one is removed; labelled populations and per-person
    values of the same source and area."""
    from citybridge.cities import selectors
    from citybridge.cities.models import CandidateCity, ExpressionOfInterest, SelectionRun
    from citybridge.core.models import RoleMembership

    def district(gid, en, zh, pop, lat, lon):
        return City.objects.create(
            geonames_id=gid,
            name=en,
            name_en=en,
            name_zh_hans=zh,
            country="CN",
            province="Shanghai",
            province_en="Shanghai",
            province_zh_hans="上海",
            population=pop,
            latitude=lat,
            longitude=lon,
            size_class="large",
        )

    pudong = district(1798524, "Pudong", "浦东新", 5681512, 31.23995, 121.50094)
    minhang = district(1800480, "Minhang", "闵行", 2716600, 31.10881, 121.37471)
    coordinator = make_user("city_coordinator", city=pudong)
    other = make_user("city_coordinator", city=minhang)
    ExpressionOfInterest.objects.create(
        city=pudong, submitted_by=coordinator, contact_name="A", contact_email="a@example.org", motivation="m"
    )
    CandidateCity.objects.create(city=pudong, origin="staff")
    run = SelectionRun.objects.create(
        name="old",
        parameters={"must_include": [pudong.pk], "must_exclude": []},
        status="done",
        result={"selected": [str(pudong.pk)]},
    )

    out = io.StringIO()
    call_command("import_cities", stdout=out)
    assert "stale rows: 1 deleted, 1 archived, 4 references moved" in out.getvalue()
    shanghai = City.objects.get(geonames_id=1796236)
    pudong.refresh_from_db()
    assert pudong.merged_into == shanghai  # archived: the old run still names it
    assert not City.objects.filter(geonames_id=1800480).exists()
    assert RoleMembership.objects.get(user=coordinator).city == shanghai
    assert RoleMembership.objects.get(user=other).city == shanghai
    assert ExpressionOfInterest.objects.get().city == shanghai
    assert CandidateCity.objects.get().city == shanghai
    run.refresh_from_db()
    assert run.parameters["must_include"] == [pudong.pk]
    staff = make_user("program_staff")
    assert not selectors.city_list(user=staff, q="Pudong").exists()
    assert selectors.city_get(user=staff, pk=pudong.pk) == pudong  # old links still open
    assert shanghai.admin_level == "municipality"

    # populations say what they cover; per-person values divide by a population of the same source and area
    wuzhong = City.objects.get(geonames_id=1790842)
    assert (wuzhong.population, wuzhong.population_year, wuzhong.population_area) == (1382713, 2020, "prefecture")
    pop = IndicatorValue.objects.get(city=wuzhong, indicator__code="population")
    assert (pop.value, pop.year, pop.area) == (1382713, 2020, "prefecture") and "普查" in pop.method_zh_hans
    anshan = City.objects.get(geonames_id=2038632)
    pc = IndicatorValue.objects.get(city=anshan, indicator__code="nangini_scope1_per_capita")
    num, den = pc.inputs
    assert den["indicator"] == "nangini_scope1_population" and den["area"] == "city_proper"
    assert den["value"] == 2449061 and pc.value == pytest.approx(num["value"] / 2449061)
    assert IndicatorValue.objects.get(city=anshan, indicator__code="nangini_population").area == "city_proper"
    # CEADs per person only where a whole-prefecture population of the same year exists (Nangini: Suzhou 2010)
    suzhou = City.objects.get(geonames_id=1886760)
    ceads_pc = IndicatorValue.objects.filter(indicator__code="ceads_co2_per_capita")
    assert set(ceads_pc.values_list("area", flat=True)) <= {"prefecture", "municipality"}
    s = ceads_pc.get(city=suzhou)
    assert s.year == 2010 and s.inputs[1]["value"] == 10465994 and s.inputs[1]["area"] == "prefecture"
    assert not ceads_pc.filter(city=anshan).exists()  # Anshan has only city-proper populations
    assert not ceads_pc.filter(city=wuzhong).exists()  # 2020 census, CEADs ends in 2019
    assert ceads_pc.count() == 8  # Dalian, Haikou, Shanghai, Suzhou, Xiamen, Zhangjiakou 2010; Xi'an 2015; Nanjing 2017

    # a second import changes nothing: the archived row stays archived, nothing else is stale
    out2 = io.StringIO()
    call_command("import_cities", stdout=out2)
    assert "cities: 0 created, 0 updated" in out2.getvalue()
    assert "stale rows: 0 deleted, 0 archived, 0 references moved" in out2.getvalue()
    pudong.refresh_from_db()
    assert pudong.merged_into == shanghai


@pytest.mark.django_db
def test_import_folds_california_neighbourhood_rows_into_their_city(make_user):
    """Rows of the earlier registry for Los Angeles neighbourhoods: the coordinator's role moves to Los Angeles;
    Koreatown, which has a climate inventory of its own, is kept archived (the inventory is the neighbourhood's,
    not the city's); Van Nuys, referenced by nothing, is removed."""
    from citybridge.climate.models import Inventory
    from citybridge.core.models import RoleMembership

    def place(gid, en, pop, lat, lon):
        return City.objects.create(geonames_id=gid, name=en, name_en=en, country="US", province="California",
                                   province_en="California", province_zh_hans="加利福尼亚州", population=pop,
                                   latitude=lat, longitude=lon, size_class="large")  # fmt: skip

    koreatown = place(5363748, "Koreatown", 124281, 34.05779, -118.30091)
    van_nuys = place(5405693, "Van Nuys", 136443, 34.18667, -118.44897)
    coordinator = make_user("city_coordinator", city=van_nuys)
    Inventory.objects.create(city=koreatown, year=2020)
    out = io.StringIO()
    call_command("import_cities", stdout=out)
    assert "stale rows: 1 deleted, 1 archived, 1 references moved" in out.getvalue()
    los_angeles = City.objects.get(geonames_id=5368361)
    koreatown.refresh_from_db()
    assert koreatown.merged_into == los_angeles and Inventory.objects.get().city == koreatown
    assert not City.objects.filter(geonames_id=5405693).exists()
    assert RoleMembership.objects.get(user=coordinator).city == los_angeles
    listed = set(City.objects.listed().values_list("name_en", flat=True))
    assert {"Los Angeles", "San Francisco", "Irvine", "Culver City", "West Hollywood"} <= listed
    assert not listed & {"Koreatown", "Van Nuys", "Hollywood", "Mission District", "La Jolla", "Woodbridge"}
