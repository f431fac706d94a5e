"""What an audit of the climate pages found, pinned in both languages: Chinese punctuation inside Chinese (full-width
colon and parentheses, no space before them), the drivers named in words instead of their recorded key, the
inventory history's times with their time zone, the plan's measure table as labelled cards on a phone, and the
cost curve and a measure that avoids nothing explained in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from citybridge.climate import plan_services, services

from .plan_helpers import make_plan, template

pytestmark = pytest.mark.django_db


def _page(client_for, user, url, lang="en"):
    r = client_for(user, lang).get(url)
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def target(coordinator, hayward):
    return services.target_save(
        actor=coordinator,
        city=hayward,
        data={"kind": "base_year", "base_year": 2022, "base_emissions_t": 1500.0, "target_year": 2030,
              "reduction_pct": 40.0},
    )  # fmt: skip


@pytest.fixture
def plan(coordinator, hayward, target):
    """Base 2022: I = 1000 t, II = 500 t, III (waste) empty; one measure on I, without costs."""
    p = make_plan(coordinator, hayward, target=target)
    plan_services.plan_measure_save(
        actor=coordinator, plan=p, template=template("deep_retrofit"),
        data={"share": 0.2, "start_year": 2025, "full_year": 2030, "shape": "linear"},
    )  # fmt: skip
    p.refresh_from_db()
    return p


# --------------------------------------------------------------------------- 1. punctuation inside Chinese


def test_drivers_heading_takes_the_full_width_colon(client_for, coordinator, hayward):
    url = f"/climate/plans/drivers/{hayward.pk}/"
    assert "<h1>基准情景预测的驱动因素：海沃德</h1>" in _page(client_for, coordinator, url, "zh-hans")
    assert "<h1>Drivers of the business-as-usual projection: Hayward</h1>" in _page(client_for, coordinator, url)


def test_gap_to_target_aside_in_full_width_parentheses(client_for, coordinator, plan):
    zh = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/", "zh-hans")
    assert re.search(r"吨二氧化碳当量</strong>（仍有差距）</p>", zh), re.findall(r"差距.{0,80}", zh)
    assert "仍需弥合" not in zh
    en = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    assert re.search(r"t CO2e</strong> \(still to close\)</p>", en)


def test_inventory_history_version_in_full_width_parentheses(client_for, coordinator, inventory):
    url = f"/climate/inventories/{inventory.pk}/"
    zh = _page(client_for, coordinator, url, "zh-hans")
    assert "草稿（v1）" in zh and " (v1)" not in zh
    assert re.search(r"Draft \(v1\)", _page(client_for, coordinator, url))


def test_factor_version_in_full_width_parentheses(client_for, coordinator, inventory, factors):
    services.entry_save(
        actor=coordinator, inventory=inventory,
        data={"gpc_ref": "I.1.2", "activity_value": 1000, "activity_unit": "MWh",
              "factor_ids": [factors["east_china"].pk]},
    )  # fmt: skip
    url = f"/climate/inventories/{inventory.pk}/"
    name_zh = factors["east_china"].display_name("zh-hans")
    zh = _page(client_for, coordinator, url, "zh-hans")
    assert f"{name_zh}（v1）" in zh and f"{name_zh} (v1)" not in zh
    assert f"{factors['east_china'].display_name('en')} (v1)" in _page(client_for, coordinator, url)
    zh = _page(client_for, coordinator, f"/climate/factors/{factors['east_china'].pk}/", "zh-hans")
    assert f"{factors['east_china'].code}（v1）" in zh


# --------------------------------------------------------------------------- 2. the drivers in words


def test_drivers_page_names_the_drivers_in_words_not_their_key(client_for, coordinator, hayward):
    url = f"/climate/plans/drivers/{hayward.pk}/"
    en = _page(client_for, coordinator, url)
    assert "Default drivers; California, United States; edition 2025-11; grid factor held after its last year" in en
    assert "/default" not in en and "US/California" not in en
    zh = _page(client_for, coordinator, url, "zh-hans")
    assert "所用驱动因素：默认驱动因素；加利福尼亚州，美国；2025-11版；电网排放因子在其最后一年之后保持不变" in zh
    assert "US/California" not in zh


# --------------------------------------------------------------------------- 3. the history's time zone


def _history_at(inventory, when):
    inventory.history.update(history_date=when)


@pytest.mark.parametrize(
    ("zone", "lang", "shown", "named"),
    [
        ("America/Los_Angeles", "en", "11:27 a.m.", "Times are in Pacific time."),
        ("America/Los_Angeles", "zh-hans", "11:27", "时间均为太平洋时间。"),
    ],
)
def test_inventory_history_in_the_citys_time_zone_named(client_for, coordinator, inventory, zone, lang, shown,
                                                        named):  # fmt: skip
    inventory.city.timezone = zone
    inventory.city.save(update_fields=["timezone"])
    _history_at(inventory, datetime(2026, 11, 29, 19, 27, tzinfo=UTC))  # 11:27 in California, 03:27 in China
    body = _page(client_for, coordinator, f"/climate/inventories/{inventory.pk}/", lang)
    assert named in body
    history = body[body.index(named) :]
    assert shown in history and "3:27" not in history and "03:27" not in history


def test_a_chinese_citys_history_is_in_beijing_time(client_for, make_user, hefei):
    coordinator = make_user("city_coordinator", city=hefei)
    inventory = services.inventory_create(actor=coordinator, city=hefei, year=2022, gwp_set="AR5", level="BASIC")
    _history_at(inventory, datetime(2026, 11, 29, 19, 27, tzinfo=UTC))
    zh = _page(client_for, coordinator, f"/climate/inventories/{inventory.pk}/", "zh-hans")
    assert "时间均为北京时间。" in zh and "2026年11月30日 03:27" in zh
    assert "Times are in Beijing time." in _page(client_for, coordinator, f"/climate/inventories/{inventory.pk}/")


# --------------------------------------------------------------------------- 4. the measure table


def test_measure_table_is_labelled_cards_with_one_input_a_cell(client_for, coordinator, plan):
    body = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    pm = plan.measures.get()
    assert '<table class="cards plan-measures">' in body
    form = f"measure-{pm.pk}"
    assert re.search(rf'<form id="{form}" hx-post="[^"]+/{pm.pk}/" hx-trigger="change from:closest tr"', body)
    for label, name in [("Reduction at full uptake (%)", "share"), ("Uptake start", "start_year"),
                        ("Full uptake", "full_year"), ("Curve", "shape"), ("MWh per year", "mwh_per_year")]:  # fmt: skip
        assert re.search(rf'<td data-label="{re.escape(label)}"><(input|select) form="{form}"[^>]* name="{name}"', body)
    assert re.search(r'<button type="submit" class="outline secondary nowrap">Remove</button>', body)
    zh = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/", "zh-hans")
    assert re.search(rf'<td data-label="[^"]*[\u4e00-\u9fff][^"]*"><select form="{form}"', zh)
    assert "climate/climate.css" in body


def test_measure_table_css_keeps_the_curve_select_readable():
    css = (Path(__file__).parents[2] / "src/citybridge/climate/static/climate/climate.css").read_text()
    assert re.search(r"table\.plan-measures select \{[^}]*min-width: *\d", css)


# --------------------------------------------------------------------------- 5. cost curve and empty sectors


def test_no_costs_says_so_instead_of_an_empty_cost_curve(client_for, coordinator, plan):
    en = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    assert "Enter the costs of the measures in the table above to see the cost curve." in en and "chart-macc" not in en
    zh = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/", "zh-hans")
    assert "在上表中填写各项措施的成本后，即可查看成本曲线。" in zh


def test_with_costs_the_cost_curve_is_drawn(client_for, coordinator, plan):
    pm = plan.measures.get()
    plan_services.plan_measure_save(
        actor=coordinator, plan=plan, template=pm.measure, plan_measure=pm, expected_version=pm.version,
        data={"share": 0.2, "start_year": 2025, "full_year": 2030, "shape": "linear", "currency": "USD",
              "capital": 100000.0},
    )  # fmt: skip
    en = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    assert "chart-macc" in en and "Enter the costs of the measures" not in en


def test_costs_typed_on_the_page_are_in_the_plans_currency_and_draw_the_curve(client_for, coordinator, plan):
    """The measure table takes the costs (the page had no place for them): typed in the plan's one currency, which
    the headings name (a Californian city: USD)."""
    pm = plan.measures.get()
    page = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    assert "Capital cost (USD)" in page and "Savings a year (USD)" in page
    r = client_for(coordinator).post(
        f"/climate/plans/{plan.pk}/measures/{pm.pk}/",
        {"version": pm.version, "capital": "250000", "operating_per_year": "1000", "savings_per_year": "30000"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    pm.refresh_from_db()
    assert (pm.currency, pm.capital, pm.operating_per_year, pm.savings_per_year) == ("USD", 250000, 1000, 30000)
    assert "chart-macc" in r.content.decode()
    zh = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/", "zh-hans")
    assert "投资成本（美元）" in zh
    # a negative cost is refused on its field, nothing saved
    r = client_for(coordinator).post(
        f"/climate/plans/{plan.pk}/measures/{pm.pk}/",
        {"version": pm.version, "capital": "-5"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 422
    pm.refresh_from_db()
    assert pm.capital == 250000


def test_a_measure_on_an_empty_sector_says_why_it_avoids_nothing(client_for, coordinator, plan):
    plan_services.plan_measure_save(
        actor=coordinator, plan=plan, template=template("landfill_gas_capture"),
        data={"share": 0.5, "start_year": 2025, "full_year": 2030, "shape": "linear"},
    )  # fmt: skip
    en = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/")
    assert "Avoids nothing: the base inventory has no emissions in Waste." in en
    assert en.count("Avoids nothing") == 1  # not on the retrofit, which acts on stationary energy
    zh = _page(client_for, coordinator, f"/climate/plans/{plan.pk}/", "zh-hans")
    assert "不减少任何排放：基准清单中废弃物没有排放。" in zh
