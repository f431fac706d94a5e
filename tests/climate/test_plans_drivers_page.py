"""The drivers page (per city): staff and the city's coordinator edit the four BAU driver series; a gap, a
non-number or a negative population is refused on its field and nothing is written; a stale version is refused;
history is kept; both languages; the BAU records which drivers (set, version) produced it."""

from __future__ import annotations

import pytest

from citybridge.climate import plan_services
from citybridge.climate.plan_models import ActionPlan, DriverSet

from .plan_helpers import FLAT, computed_inventory

pytestmark = pytest.mark.django_db


def _form(version, **overrides):
    """The page's form for 2020-2060 with flat drivers: growth 0 % (entered in per cent), grid 0.2 t/MWh."""
    data = {"version": "" if version is None else str(version)}
    for name in ("population", "gdp", "energy_intensity"):
        for y in range(2021, 2061):
            data[f"{name}-{y}"] = "0"
    for y in range(2020, 2061):
        data[f"grid_factor-{y}"] = "0.2"
    data.update(overrides)
    return data


def test_defaults_shown_with_sources_both_languages(client_for, coordinator, hayward):
    c = client_for(coordinator)
    r = c.get(f"/climate/plans/drivers/{hayward.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Default drivers" in body and 'name="population-2021"' in body and 'name="grid_factor-2020"' in body
    assert 'name="population-2020"' not in body  # a growth series has no value in its base year
    assert 'aria-label="population-' not in body and 'aria-label="Grid emission factor (t CO2e/MWh), 2020"' in body
    c.cookies["django_language"] = "zh-hans"
    zh = c.get(f"/climate/plans/drivers/{hayward.pk}/").content.decode()
    assert "电网排放因子" in zh and "保存驱动因素" in zh
    # each field is named for a screen reader by its driver and year, in the page's language, never by its code
    assert 'aria-label="2020年电网排放因子（吨二氧化碳当量/兆瓦时）"' in zh and 'aria-label="grid_factor' not in zh


def test_save_edits_records_history_and_the_bau_label(client_for, coordinator, hayward):
    c = client_for(coordinator)
    r = c.post(f"/climate/plans/drivers/{hayward.pk}/", _form(None, **{"population-2030": "1.5"}))
    assert r.status_code == 302, r.content.decode()[:800]
    ds = DriverSet.objects.get(city=hayward)
    assert ds.series["population"]["2030"] == pytest.approx(0.015)  # 1.5 % entered, stored as a fraction
    assert ds.series["grid_factor"]["2045"] == pytest.approx(0.2)
    r = c.post(f"/climate/plans/drivers/{hayward.pk}/", _form(ds.version, **{"gdp-2040": "2"}))
    assert r.status_code == 302
    ds.refresh_from_db()
    assert ds.series["gdp"]["2040"] == pytest.approx(0.02) and ds.version == 2
    page = c.get(f"/climate/plans/drivers/{hayward.pk}/").content.decode()
    # the set named in words (its recorded label is not shown), two history rows
    assert "own drivers, version 2" in page and page.count("<td>edited for the city</td>") == 2
    zh = client_for(coordinator, "zh-hans").get(f"/climate/plans/drivers/{hayward.pk}/").content.decode()
    assert zh.count("<td>为本市编辑</td>") == 2
    # a plan of the city records which drivers (set and version) produced its BAU
    inv = computed_inventory(coordinator, hayward, 2022, {"I": 1000.0})
    plan = plan_services.plan_create(actor=coordinator, city=hayward, name="P", base_inventory=inv, end_year=2040)
    assert ActionPlan.objects.get(pk=plan.pk).drivers_label == ds.label and ds.label.endswith("/v2")


def test_a_gap_is_refused_on_its_field_and_nothing_written(client_for, coordinator, hayward):
    c = client_for(coordinator)
    r = c.post(f"/climate/plans/drivers/{hayward.pk}/", _form(None, **{"gdp-2035": ""}))
    assert r.status_code == 422
    body = r.content.decode()
    assert (
        'name="gdp-2035" value="" inputmode="decimal" maxlength="30" size="8" aria-label="GDP growth, real (% per year), 2035" '
        "aria-invalid" in body
    )
    assert "2035" in body and not DriverSet.objects.filter(city=hayward).exists()


def test_negative_population_is_refused_on_its_field(client_for, coordinator, hayward):
    # -150 % a year would leave a negative population: refused on population-2031, nothing written
    c = client_for(coordinator)
    c.cookies["django_language"] = "zh-hans"
    r = c.post(f"/climate/plans/drivers/{hayward.pk}/", _form(None, **{"population-2031": "-150"}))
    assert r.status_code == 422
    body = r.content.decode()
    assert 'name="population-2031" value="-150"' in body
    assert 'aria-label="2031年人口增长率（每年 %）" aria-invalid="true"' in body
    assert "人口" in body and "未保存" in body
    assert not DriverSet.objects.filter(city=hayward).exists()


@pytest.mark.parametrize("bad", ["abc", "1e999", "nan", "x" * 40, "=1+1"])
def test_non_numbers_are_refused(client_for, coordinator, hayward, bad):
    c = client_for(coordinator)
    r = c.post(f"/climate/plans/drivers/{hayward.pk}/", _form(None, **{"energy_intensity-2050": bad}))
    assert r.status_code == 422
    assert 'name="energy_intensity-2050" value="' in r.content.decode()
    assert 'aria-label="Energy intensity trend (% per year), 2050" aria-invalid="true"' in r.content.decode()
    assert not DriverSet.objects.filter(city=hayward).exists()


def test_stale_version_is_refused(client_for, coordinator, staff, hayward):
    plan_services.driver_set_save(actor=coordinator, city=hayward, series=FLAT)
    ds = DriverSet.objects.get(city=hayward)
    old = ds.version
    assert client_for(staff).post(f"/climate/plans/drivers/{hayward.pk}/", _form(old)).status_code == 302
    r = client_for(coordinator).post(f"/climate/plans/drivers/{hayward.pk}/", _form(old, **{"gdp-2030": "9"}))
    assert r.status_code == 409
    ds.refresh_from_db()
    assert ds.version == old + 1 and ds.series["gdp"]["2030"] == 0.0


def test_wrong_users(client_for, other_coordinator, expert, outsider, hayward, client):
    url = f"/climate/plans/drivers/{hayward.pk}/"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    for user in (other_coordinator, expert, outsider):
        c = client_for(user)
        assert c.get(url).status_code in (403, 404)
        assert c.post(url, _form(None)).status_code in (403, 404)
    assert not DriverSet.objects.filter(city=hayward).exists()
    assert client_for(expert).get("/climate/plans/drivers/999999/").status_code == 404


def test_the_bau_cache_follows_the_drivers_version(coordinator, hayward):
    # the plan page reuses the BAU for a drivers version; a new version must give a new BAU
    from citybridge.climate.plan_services import bau_of

    inv = computed_inventory(coordinator, hayward, 2022, {"I": 1000.0})
    plan_services.driver_set_save(actor=coordinator, city=hayward, series=FLAT, base_year=2022)
    plan = plan_services.plan_create(actor=coordinator, city=hayward, name="P", base_inventory=inv, end_year=2030)
    ds = DriverSet.objects.get(city=hayward)
    bau1, label1 = bau_of(plan, ds)
    assert bau1.total[-1] == pytest.approx(1000.0)  # flat drivers: 1000 t every year
    gdp = {str(y): 0.1 for y in range(2000, 2101)}
    plan_services.driver_set_save(actor=coordinator, city=hayward, series={"gdp": gdp}, expected_version=ds.version,
                                  base_year=2022)  # fmt: skip
    ds.refresh_from_db()
    bau2, label2 = bau_of(plan, ds)
    # sector I follows GDP: 1000 x 1.1^8 = 2143.59 t in 2030
    assert label2 != label1 and bau2.total[-1] == pytest.approx(1000.0 * 1.1**8)
