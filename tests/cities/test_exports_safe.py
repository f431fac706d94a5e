"""The selection workbook is safe to open: names that look like formulas are written as text."""

from __future__ import annotations

import io

import openpyxl
import pytest

from citybridge.cities.models import City

from .test_pages_api import run_params


@pytest.mark.django_db
def test_selection_xlsx_writes_formula_like_names_as_text(staff, client_for, small_registry, create_run):
    City.objects.filter(pk=small_registry["Beijing"].pk).update(name_en="=cmd|' /C calc'!A0")
    City.objects.filter(pk=small_registry["Hayward"].pk).update(name_en="@SUM(1)")
    run = create_run(actor=staff, name='=HYPERLINK("http://x")', parameters=run_params())
    r = client_for(staff).get(f"/cities/selection/{run.pk}/export.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    a1 = wb["Selection"]["A1"]
    assert a1.data_type == "s" and a1.quotePrefix and a1.value == '=HYPERLINK("http://x")'
    quoted = {c.value for c in cells if c.quotePrefix}
    assert "=cmd|' /C calc'!A0" in quoted and "@SUM(1)" in quoted
