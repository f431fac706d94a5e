"""Issue #9 on the pages: populations say what they cover, per-person values say which population they used,
and no internal code (indicator codes, Python dicts, group codes, e-mails) reaches a user."""

from __future__ import annotations

import pytest

from citybridge.cities.models import ExpressionOfInterest, IndicatorValue, SelectionRun

CODES = ("cdp_scope1_per_capita", "ceads_co2", "population", "minmax", "penalise", "must_include", "{'", "{&#x27;")


def params(**more):
    return {
        "pool": "candidates",
        "criteria": [{"code": "population", "weight": 1}, {"code": "ceads_co2", "weight": 1}],
        "normalisation": "minmax",
        "missing": "penalise",
        "counts": {"CA": 2, "CN": 2},
        "max_per_province_cn": None,
        "bounds": [],
        "must_include": [],
        "must_exclude": [],
        "perturbations": 5,
        "seed": 0,
        **more,
    }


@pytest.fixture
def named_staff(make_user):
    from citybridge.core.models import Person

    person = Person.objects.create(
        given_name_en="Mei", family_name_en="Lin", given_name_zh_hans="梅", family_name_zh_hans="林"
    )
    return make_user("program_staff", email="mei.lin@example.org", person=person)


def test_profile_labels_population_area_and_the_population_behind_a_per_person_value(
    staff, client_for, small_registry, catalogue
):
    srcs, inds = catalogue
    bj = small_registry["Beijing"]
    bj.population_area, bj.population_year = "municipality", 2020
    bj.save()
    num = {"indicator": "nangini_scope1", "year": 2010, "value": 1.0e8, "unit": "tCO2", "source": "nangini2019"}
    den = {
        "indicator": "nangini_scope1_population",
        "year": 2010,
        "value": 16446857,
        "unit": "people",
        "source": "nangini2019",
        "area": "city_proper",
    }
    IndicatorValue.objects.create(
        city=bj,
        indicator=inds["nangini_scope1_per_capita"],
        year=2010,
        value=6.08,
        unit="tCO2/person",
        source=srcs["derived"],
        method="x",
        inputs=[num, den],
        area="city_proper",
    )
    en = client_for(staff).get(f"/cities/{bj.pk}/").content.decode()
    assert "whole municipality, 2020" in en
    assert "Population used: Nangini et al. (2019)" in en or "Population used: Nangini" in en
    assert "2010, city proper" in en
    zh = client_for(staff, language="zh-hans").get(f"/cities/{bj.pk}/").content.decode()
    assert "直辖市全境，2020" in zh and "所用人口" in zh and "市区" in zh
    assert "吨二氧化碳/人" in zh and "<td>人</td>" in zh and "tCO2/person" not in zh
    # the registry list says what each population covers (GeoNames never does)
    index = client_for(staff).get("/cities/?country=US").content.decode()
    assert "area and year not stated by the source" in index


def test_run_page_names_parameters_history_and_people_in_words(named_staff, client_for, small_registry, create_run):
    run = create_run(
        actor=named_staff,
        name="Words",
        parameters=params(
            must_include=[small_registry["Hefei"].pk],
            criteria=[{"code": "population", "weight": 1}, {"code": "cdp_scope1_per_capita", "weight": 0}],
        ),
    )
    assert run.status == "done"
    page = client_for(named_staff).get(f"/cities/selection/{run.pk}/").content.decode()
    table = page.split("<h2>Parameters</h2>", 1)[1].split("</table>", 1)[0]
    for code in CODES:
        assert code not in table, code
    assert "Scope-1 emissions per person (CDP 2021)" in table and "Population: 1" in table
    assert "California 2, China 2" in table and "Hefei" in table
    assert "Penalise: a missing value scores as the worst" in table
    assert "mei.lin@example.org" not in page and "by Mei Lin" in page
    history = page.split("<h2>History</h2>", 1)[1].split("<h2>", 1)[0]
    assert "Created (Queued)." in history and "@" not in history
    assert "state Running → Done" in history and "result stored" in history
    assert "How cities are scored" in page
    zh = client_for(named_staff, language="zh-hans").get(f"/cities/selection/{run.pk}/").content.decode()
    assert "林梅" in zh and "加州 2、中国 2" in zh and "人均范围一排放（CDP 2021）" in zh
    assert "城市如何评分" in zh and "状态" in zh
    runs = client_for(named_staff).get("/cities/selection/").content.decode()
    assert "<td>Mei Lin</td>" in runs and "mei.lin@example.org" not in runs


def test_interest_list_shows_data_available_in_words(staff, coordinator, client_for, small_registry):
    ExpressionOfInterest.objects.create(
        city=small_registry["Hayward"],
        submitted_by=coordinator,
        contact_name="A",
        contact_email="a@example.org",
        motivation="m",
        data_available=["ghg_inventory", "energy"],
    )
    page = client_for(staff).get("/cities/interests/").content.decode()
    assert "A community GHG inventory, Energy-use statistics" in page and "ghg_inventory" not in page


def test_exclude_rule_that_empties_california_is_named_in_both_languages(staff, client_for, small_registry):
    # CEADs CO2 exists only for Chinese cities: "exclude" removes every Californian city
    base = {
        "name": "Exclude",
        "pool": "candidates",
        "normalisation": "minmax",
        "missing": "exclude",
        "count_ca": 2,
        "count_cn": 2,
        "perturbations": 0,
        "seed": 0,
        "weight_population": 1,
        "weight_ceads_co2": 1,
    }
    en = client_for(staff).post("/cities/selection/", base).content.decode()
    assert "The missing-value rule “exclude cities that lack any criterion” removed 3 of the cities of California" in en
    assert "CO2 emissions (CEADs, territorial)" in en
    zh = client_for(staff, language="zh-hans").post("/cities/selection/", base).content.decode()
    assert "缺失值规则“排除缺少任一指标数据的城市”排除了加州的 3 个城市" in zh
    assert "二氧化碳排放（CEADs，属地核算）" in zh
    assert not SelectionRun.objects.exists()
    # leaving the criterion out where fewer than 2 cities report it makes the same run possible
    ok = client_for(staff).post("/cities/selection/", {**base, "min_reporting": 2})
    assert ok.status_code == 302
    run = SelectionRun.objects.get()
    assert run.parameters["min_reporting"] == 2
