"""Pages: each renders for the right user in both languages, the wrong user gets 404 (outside scope) or 403, forms
refuse bad input on the field, query counts stay flat as rows grow."""

from __future__ import annotations

import pytest

from citybridge.climate import services
from citybridge.climate.models import InventoryEntry

pytestmark = pytest.mark.django_db


def fill(coordinator, inventory, factors, n):
    from citybridge.climate import gpc

    refs = [line.ref for line in gpc.gpc_lines()][:n]
    for ref in refs:
        services.entry_save(
            actor=coordinator,
            inventory=inventory,
            data={"gpc_ref": ref, "emissions": [{"gas": "CO2", "value": 10, "unit": "t"}]},
        )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_coordinator_pages_render(client_for, coordinator, inventory, factors, language):
    fill(coordinator, inventory, factors, 5)
    client = client_for(coordinator, language)
    entry = inventory.entries.first()
    target = services.target_save(
        actor=coordinator, city=inventory.city, data={"kind": "net_zero", "target_year": 2045}
    )
    for url in (
        "/climate/",
        "/climate/inventories/new/",
        f"/climate/inventories/{inventory.pk}/",
        f"/climate/inventories/{inventory.pk}/edit/",
        f"/climate/inventories/{inventory.pk}/entries/new/",
        f"/climate/inventories/{inventory.pk}/entries/{entry.pk}/",
        f"/climate/inventories/{inventory.pk}/import/",
        "/climate/factors/",
        f"/climate/factors/{factors['east_china'].pk}/",
        "/climate/targets/",
        "/climate/targets/new/",
        f"/climate/targets/{target.pk}/",
        f"/climate/targets/{target.pk}/edit/",
    ):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    listing = client.get("/climate/").content.decode()
    unit = "BASIC（吨二氧化碳当量）" if language == "zh-hans" else "BASIC (t CO2e)"
    assert unit in listing  # the totals' unit in the reader's words and punctuation
    for url in (
        f"/climate/inventories/{inventory.pk}/gpc-table.xlsx",
        f"/climate/inventories/{inventory.pk}/cdp-summary.xlsx",
        "/climate/template.xlsx",
    ):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment"), url


def test_inventory_page_shows_totals_rule_missing_lines_and_chart(client_for, coordinator, inventory, factors):
    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 100,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    html = client_for(coordinator).get(f"/climate/inventories/{inventory.pk}/").content.decode()
    assert "55" in html  # 100 MWh × 0.55 kg/kWh = 55 t
    assert "GPC v1.1" in html  # the rule cited beside the totals
    assert "Still empty" in html and "I.1.1" in html
    assert 'data-vega-spec="chart-breakdown"' in html


def test_inventory_totals_rules_are_one_sentence_in_the_readers_language(client_for, coordinator, inventory, factors):
    """Each total's rule is the translated sentence alone: the engine's English citation (still in the API's
    `rules`) said the same, and showed a Chinese reader an English paragraph. Figures and codes never break."""
    import re

    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 1_234_567,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    html = client_for(coordinator, "zh-hans").get(f"/climate/inventories/{inventory.pk}/").content.decode()
    totals = html[html.index("<h2>总量</h2>") : html.index("</table>", html.index("<h2>总量</h2>"))]
    assert "不计入，只计入辖区总量（GPC v1.1 第 3、4 章及表 3.3）" in totals
    assert "在城内处理的外来废弃物（III.x.3）（GPC v1.1 第 3 章及表 3.3）" in totals
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", totals.replace("GPC v1.1", "")), "English sentence in the totals"
    assert '<td class="num">679,011.85</td>' in totals  # 1,234,567 MWh × 0.55 t/MWh
    english = client_for(coordinator, "en").get(f"/climate/inventories/{inventory.pk}/").content.decode()
    assert english.count("III.x.3") >= 3 and "city-induced framework" not in english  # one sentence per rule


def test_wrong_users_on_pages(client_for, other_coordinator, outsider, coordinator, inventory, factors):
    fill(coordinator, inventory, factors, 1)
    entry = inventory.entries.first()
    other = client_for(other_coordinator)
    for url in (
        f"/climate/inventories/{inventory.pk}/",
        f"/climate/inventories/{inventory.pk}/edit/",
        f"/climate/inventories/{inventory.pk}/entries/new/",
        f"/climate/inventories/{inventory.pk}/entries/{entry.pk}/",
        f"/climate/inventories/{inventory.pk}/import/",
        f"/climate/inventories/{inventory.pk}/gpc-table.xlsx",
    ):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/climate/inventories/{inventory.pk}/step/submit/").status_code == 404
    assert other.post(f"/climate/inventories/{inventory.pk}/entries/{entry.pk}/delete/").status_code == 404
    # coordinators cannot add or supersede library factors, nor start a recompute
    client = client_for(coordinator)
    assert client.get("/climate/factors/new/").status_code == 403
    assert client.post(f"/climate/factors/{factors['east_china'].pk}/recompute/").status_code == 403
    assert client_for(outsider).get("/climate/inventories/new/").status_code == 403
    assert InventoryEntry.objects.count() == 1


def test_entry_form_refuses_on_the_field(client_for, coordinator, inventory):
    r = client_for(coordinator).post(
        f"/climate/inventories/{inventory.pk}/entries/new/", {"gpc_ref": "I.1.1", "notation_key": "NE"}
    )
    assert r.status_code == 422
    assert "A notation key needs its explanation." in r.content.decode()
    assert InventoryEntry.objects.count() == 0


def test_stale_entry_form_409(client_for, coordinator, inventory):
    entry = services.entry_save(
        actor=coordinator, inventory=inventory, data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "first"}
    )
    old_version = entry.version
    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        entry=entry,
        expected_version=old_version,
        data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "second"},
    )
    r = client_for(coordinator).post(
        f"/climate/inventories/{inventory.pk}/entries/{entry.pk}/",
        {"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "third", "version": old_version},
    )
    assert r.status_code == 409
    entry.refresh_from_db()
    assert entry.explanation == "second"


def test_editing_a_line_keeps_every_library_factor(client_for, coordinator, inventory, factors):
    """A grid-electricity line has three library factors (CO2, CH4, N2O); the edit form offered one, so changing
    only the activity value dropped two of them (86,069 t became 152 t in the demo). Hand-worked, eGRID2022 CAMX,
    AR5: 400,000 MWh × (497.443 + 0.03 × 28 + 0.004 × 265) lb/MWh × 0.00045359237 t/lb = 90,599.27 t CO2e."""
    camx = [factors["camx_co2"], factors["camx_ch4"], factors["camx_n2o"]]
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.2", "activity_value": 380000, "activity_unit": "MWh",
              "factor_ids": [f.pk for f in camx]},
    )  # fmt: skip
    client = client_for(coordinator)
    url = f"/climate/inventories/{inventory.pk}/entries/{entry.pk}/"
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    assert {data["factor"], data["factor_2"], data["factor_3"]} == {f.pk for f in camx}
    r = client.post(url, {**data, "activity_value": 400000, "version": entry.version})
    assert r.status_code == 302, r.content.decode()[:2000]
    entry.refresh_from_db()
    assert set(entry.factors.values_list("pk", flat=True)) == {f.pk for f in camx}
    assert entry.co2e == pytest.approx(90599.27, abs=0.01)
    # two factors of one gas are refused on the field, nothing changed
    co2 = next(name for name in ("factor", "factor_2", "factor_3") if data[name] == factors["camx_co2"].pk)
    other = {"factor": data["factor"], "factor_2": data["factor_2"], "factor_3": data["factor_3"]}
    other["factor_3" if co2 != "factor_3" else "factor_2"] = factors["east_china"].pk  # also CO2
    r = client.post(url, {**data, **other, "version": entry.version})
    assert r.status_code == 422 and "one library factor per gas" in r.content.decode()
    assert entry.co2e == pytest.approx(90599.27, abs=0.01) and entry.factors.count() == 3


LIMITS = {
    "/climate/": 8,
    "/climate/inventories/{inv}/": 16,
    "/api/v1/climate/inventories": 6,
    "/api/v1/climate/inventories/{inv}": 6,
    "/api/v1/climate/inventories/{inv}/entries": 7,
    "/climate/factors/": 7,
    "/api/v1/climate/factors": 6,
    "/api/v1/climate/targets": 6,
}


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("path", list(LIMITS))
def test_query_counts_flat(
    n, path, coordinator, inventory, factors, client_for, api_for, django_assert_max_num_queries
):
    fill(coordinator, inventory, factors, n)
    for i in range(n):
        services.target_save(
            actor=coordinator, city=inventory.city, data={"kind": "net_zero", "target_year": 2040 + i % 10}
        )
    url = path.format(inv=inventory.pk)
    client = api_for(coordinator) if url.startswith("/api/") else client_for(coordinator)
    client.get(url)
    with django_assert_max_num_queries(LIMITS[path]):
        r = client.get(url)
    assert r.status_code == 200


def test_exports_carry_activity_factors_and_sources(client_for, coordinator, staff, inventory, factors, cities):
    """The GPC table gives each line's activity data, its factors with version and citation, and the calculation,
    as the inventory page does; a CDP-reported inventory's summary carries CDP's citation instead of claiming GPC."""
    import io

    import openpyxl

    from citybridge.climate import cdp
    from citybridge.climate.models import Inventory

    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 1000,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    r = client_for(coordinator, "zh-hans").get(f"/climate/inventories/{inventory.pk}/gpc-table.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    header, line = rows[0], next(row for row in rows if row[0] == "I.1.2")
    assert "活动水平数值" in header and "注释键" in header and "数据质量" in header
    assert line[header.index("活动水平数值")] == 1000 and line[header.index("活动水平单位")] == "MWh"
    cited = line[header.index("排放因子（版本、来源）")]
    assert "（v1）" in cited and factors["east_china"].citation in cited
    assert line[header.index("计算过程")]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    row_no = next(i for i, row in enumerate(rows, start=1) if row[0] == "I.1.2")
    t_co2e = sheet.cell(row=row_no, column=header.index("吨二氧化碳当量") + 1)
    assert t_co2e.value == 550 and t_co2e.number_format == "#,##0.00"  # shown rounded, stored exact

    cdp._import_inventories()
    reported = Inventory.objects.filter(origin="cdp2021").exclude(reported_source="").first()
    summary = client_for(staff).get(f"/climate/inventories/{reported.pk}/cdp-summary.xlsx")
    cells = dict(
        (row[0], row[1])
        for row in openpyxl.load_workbook(io.BytesIO(summary.content)).active.iter_rows(values_only=True)
    )
    assert "Primary protocol" not in cells and cells["Data source"] == reported.reported_source


def test_template_reference_sheet_names_lines_in_chinese(client_for, coordinator):
    import io

    import openpyxl

    r = client_for(coordinator).get("/climate/template.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content))["GPC lines 编号"].iter_rows(values_only=True))
    header, line = rows[0], next(row for row in rows if row[0] == "I.1.1")
    assert header[-2:] == ("部门", "子部门")
    assert line[1] == "Stationary Energy" and line[-2] == "固定能源" and line[-1] == "居住建筑"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_targets_yearly_reduction_is_one_percent_figure_named_by_its_definition(
    client_for, coordinator, hayward, language
):
    """Hayward's "55 % below 2005 by 2030" read "3 %" in the list, "0.0314" on its page and "2.20 %/year" on the
    city page. Hand-worked: compound 1 − 0.45^(1/25) = 3.14 %; average 55 / 25 = 2.20 %."""
    target = services.target_save(
        actor=coordinator,
        city=hayward,
        data={"kind": "base_year", "base_year": 2005, "base_emissions_t": 1000.0, "target_year": 2030,
              "reduction_pct": 55.0},
    )  # fmt: skip
    client = client_for(coordinator, language)
    page = client.get(f"/climate/targets/{target.pk}/").content.decode()
    assert "3.1\u00a0%" in page and "2.2\u00a0%" in page and "0.0314" not in page
    assert ("compound" if language == "en" else "复合") in page
    assert "3.1\u00a0%" in client.get("/climate/targets/").content.decode()


@pytest.mark.parametrize(("language", "gallon"), [("en", "US gallon"), ("zh-hans", "美制加仑")])
def test_a_line_shows_units_in_words_and_the_source_of_its_own_factors(
    client_for, coordinator, inventory, language, gallon
):
    """The page showed "40000000 US_gallon" and "kg/US_gallon" (the unit registry's codes), and not the source a
    city gave for its own factors."""
    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "II.1.1", "activity_value": 1000, "activity_unit": "US_gallon",
              "factors": [{"gas": "CO2", "value": 8.78, "unit": "kg/US_gallon", "citation": "EPA GHG Hub 2025"}]},
    )  # fmt: skip
    page = client_for(coordinator, language).get(f"/climate/inventories/{inventory.pk}/").content.decode()
    assert f"1000 {gallon}" in page and "US_gallon" not in page
    assert "EPA GHG Hub 2025" in page
