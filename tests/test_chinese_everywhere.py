"""Everything a Chinese user sees is Chinese: exports, charts, validation messages, the API's own words."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.utils import translation

from citybridge.api.errors import _pydantic_message


@pytest.mark.django_db
def test_behind_export_in_chinese(staff, client_for):
    r = client_for(staff, language="zh-hans").get("/academy/behind.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["培训未达标"]
    header = [c.value for c in wb.active[1]]
    assert header[:4] == ["姓名（英文）", "姓名（中文）", "职务", "机构"]


@pytest.mark.django_db
def test_chart_menu_and_labels_in_chinese(staff, client_for):
    html = client_for(staff, language="zh-hans").get("/academy/impact/").content.decode()
    words = json.loads(re.search(r'<script type="application/json" id="chart-i18n">(.*?)</script>', html, re.S)[1])
    assert words["PNG_ACTION"] == "保存为 PNG" and words["SVG_ACTION"] == "保存为 SVG"
    assert "图表" in words["CLICK_TO_VIEW_ACTIONS"]
    spec = json.loads(re.search(r'<script id="chart-year" type="application/json">(.*?)</script>', html, re.S)[1])
    assert spec["description"] == "各年度受训官员" and spec["encoding"]["x"]["title"] == "年份"


def test_django_and_pydantic_messages_in_chinese():
    from citybridge.core.forms import QueuedPasswordResetForm

    with translation.override("zh-hans"):
        form = QueuedPasswordResetForm(data={"email": "x"})
        assert not form.is_valid()
        assert form.errors["email"] == ["请输入有效的电子邮箱地址。"] and form["email"].label == "电子邮箱"
        assert _pydantic_message({"type": "int_parsing"}) == "请输入整数。"
        assert _pydantic_message({"type": "string_too_long", "ctx": {"max_length": 5}}) == "请确保此值不超过 5 个字符。"
        assert _pydantic_message({"type": "url_parsing"}) == "请输入有效的网址。"
        assert _pydantic_message({"type": "something_new"}) == "请输入有效的值。"


@pytest.mark.django_db
def test_api_docs_speak_the_request_language(client_for):
    schema = client_for(None, language="zh-hans").get("/api/v1/openapi.json").json()
    assert "机构、人员" in schema["info"]["description"]
    schema = client_for(None, language="en").get("/api/v1/openapi.json").json()
    assert schema["info"]["description"].startswith("Organisations, people")


@pytest.mark.django_db
def test_error_pages_in_chinese(client_for):
    html = client_for(None, language="zh-hans").get("/no-such-page/").content.decode()
    assert "未找到" in html
