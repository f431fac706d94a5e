"""A Chinese user's workbook is Chinese: sheet names and headers."""

from __future__ import annotations

import io

import openpyxl
import pytest

from .test_pages_api import run_params


@pytest.mark.django_db
def test_selection_xlsx_in_chinese(staff, client_for, small_registry, create_run):
    run = create_run(actor=staff, name="试算", parameters=run_params())
    r = client_for(staff, language="zh-hans").get(f"/cities/selection/{run.pk}/export.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["遴选结果", "指标", "候补城市", "数据来源", "参数"]
    assert [c.value for c in wb["指标"][1]] == ["指标", "给定权重", "实际权重", "方向"]
    created = wb["遴选结果"]["B2"].value  # in the site's time and the reader's words, as the pages date it
    assert wb["遴选结果"]["A2"].value == "创建时间" and "年" in created and "UTC" not in created
    terms = {row[2] for row in wb["数据来源"].iter_rows(min_row=2, values_only=True)}
    assert "Attribution required" not in terms and (not terms - {"", None} or terms & {"须注明出处", "CC BY 4.0"})


def test_licence_terms_read_in_the_reader_language():
    from django.utils import translation

    from citybridge.cities.models import DataSource

    cdp, cc = DataSource(licence="Attribution required"), DataSource(licence="CC BY 4.0")
    with translation.override("zh-hans"):
        assert (cdp.display_licence(), cc.display_licence()) == ("须注明出处", "CC BY 4.0")
    with translation.override("en"):
        assert cdp.display_licence() == "Attribution required"


@pytest.mark.django_db
def test_city_page_uses_full_width_punctuation(staff, client_for, small_registry):
    city = small_registry["Beijing"]
    html = client_for(staff, language="zh-hans").get(f"/cities/{city.pk}/").content.decode()
    assert "，中国" in html and "规模等级：" in html and "时区：北京时间" in html
    assert "Asia/Shanghai" not in html  # a zone is named as its readers name it, never by its database code
