"""Chinese pages and exports explain their sources in Chinese (audit finding 9): the default drivers' sources on the
plan and drivers pages, the 1.5 °C benchmark's source on the target page, and the GPC table's source in the Chinese
GPC workbook. Publication titles, figures, formulas and URLs stay as published."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

from citybridge.climate import ambition, gpc, plan_services, services
from citybridge.climate.pathways import defaults
from citybridge.climate.pathways.bau import Source
from citybridge.climate.sources_zh import text_zh

from .plan_helpers import FLAT, computed_inventory
from .test_factor_notes_zh import english_phrases

DEFAULT_SOURCES = [v for v in vars(defaults).values() if isinstance(v, Source)]
#: a sentence of each English text that must not reach a Chinese reader
ENGLISH = {
    defaults.DOF_CA.label: "Rate derived: (39.5/38.94)",
    defaults.IMF_US.label: "assumption near recent outturns; edit with BEA data",
    defaults.EI_US.label: "held for every year (assumption beyond 2050)",
    defaults.GRID_US.label: "Held after the last year (rule 'hold') or trend.",
    defaults.EI_US.url: "(Today in Energy, 20 Feb 2020)",
    ambition.BENCHMARK_SOURCE: "in pathways with no or limited overshoot of 1.5 °C",
    gpc.GPC_CITATION: "as made machine-readable in the GPC 1.1 schema",
}


def _text(page: bytes) -> str:
    body = re.sub(r"<script.*?</script>", " ", page.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def test_every_default_source_has_a_chinese_version_with_its_figures():
    assert len(DEFAULT_SOURCES) == 10
    for text in [s.label for s in DEFAULT_SOURCES] + [ambition.BENCHMARK_SOURCE, gpc.GPC_CITATION]:
        zh = text_zh(text)
        assert zh and english_phrases(zh) == [], (text[:60], english_phrases(zh))
        # every rate and percentage of the English text is in the Chinese one, as written
        for figure in re.findall(r"\d+(?:\.\d+)?(?=\s?%)", text):
            assert figure in zh, (text[:60], figure)
    assert english_phrases(defaults.DOF_CA.label)  # the check finds the English sentences
    assert text_zh("A source a city typed") == ""


@pytest.mark.django_db
@pytest.mark.parametrize("edited", [False, True])
def test_drivers_and_plan_pages_in_chinese_explain_the_sources_in_chinese(client_for, coordinator, hayward, edited):
    """Hayward (California): the DOF, IMF/EIA and eGRID sources; an edited driver set keeps a copy of them."""
    if edited:
        plan_services.driver_set_save(actor=coordinator, city=hayward, series=FLAT, base_year=2022)
    shown = [defaults.DOF_CA, defaults.IMF_US, defaults.EI_US, defaults.GRID_US]
    zh = _text(client_for(coordinator, "zh-hans").get(f"/climate/plans/drivers/{hayward.pk}/").content)
    for src in shown:
        assert text_zh(src.label) in zh
        assert src.label[:50] not in zh and ENGLISH.get(src.label, src.label) not in zh
    assert text_zh(defaults.EI_US.url) in zh and "(Today in Energy, 20 Feb 2020)" not in zh
    assert " · 推算" in zh and " · 单一来源" in zh and " · 两个来源" in zh and "· derived" not in zh
    en = _text(client_for(coordinator).get(f"/climate/plans/drivers/{hayward.pk}/").content)
    assert all(src.label in en for src in shown) and " · Derived" in en

    inventory = computed_inventory(coordinator, hayward, 2022, {"I": 1000.0, "II": 500.0})
    plan = plan_services.plan_create(actor=coordinator, city=hayward, name="P", base_inventory=inventory, end_year=2040)
    zh = _text(client_for(coordinator, "zh-hans").get(f"/climate/plans/{plan.pk}/").content)
    assert "驱动因素来源" in zh
    for src in shown:
        assert text_zh(src.label) in zh and ENGLISH.get(src.label, src.label) not in zh
    en = _text(client_for(coordinator).get(f"/climate/plans/{plan.pk}/").content)
    assert all(src.label in en for src in shown)


@pytest.mark.django_db
def test_the_target_page_explains_the_benchmark_in_chinese(client_for, coordinator, hayward):
    target = services.target_save(
        actor=coordinator,
        city=hayward,
        data={"kind": "base_year", "base_year": 2005, "base_emissions_t": 1000.0, "target_year": 2030,
              "reduction_pct": 55.0},
    )  # fmt: skip
    assert target.ambition["benchmark"]["definition"] == ambition.BENCHMARK_SOURCE  # stored in English
    zh = _text(client_for(coordinator, "zh-hans").get(f"/climate/targets/{target.pk}/").content)
    assert text_zh(ambition.BENCHMARK_SOURCE) in zh
    assert "IPCC (2018) Global Warming of 1.5 °C" in zh  # the publication's title as published
    assert ENGLISH[ambition.BENCHMARK_SOURCE] not in zh and "reaching net zero around 2050" not in zh
    en = _text(client_for(coordinator).get(f"/climate/targets/{target.pk}/").content)
    assert ambition.BENCHMARK_SOURCE in en


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_gpc_tables_source_in_the_readers_language(client_for, coordinator, inventory, language):
    r = client_for(coordinator, language).get(f"/climate/inventories/{inventory.pk}/gpc-table.xlsx")
    totals = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[1]
    cells = {row[0]: row[1] for row in totals.iter_rows(values_only=True) if row and row[0]}
    if language == "en":
        assert cells["Source of the GPC table"] == gpc.GPC_CITATION
    else:
        source = cells["GPC 表的来源"]
        assert source == text_zh(gpc.GPC_CITATION) and ENGLISH[gpc.GPC_CITATION] not in source
        assert "Global Protocol for Community-Scale Greenhouse Gas Inventories" in source  # the title as published
    page = _text(client_for(coordinator, language).get(f"/climate/inventories/{inventory.pk}/").content)
    assert (gpc.GPC_CITATION if language == "en" else text_zh(gpc.GPC_CITATION)) in page
