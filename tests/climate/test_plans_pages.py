"""Plan pages: the plan page in both languages, the htmx parameter change, the wrong user on each page, bad input,
a stale edit, variants compared, progress with its XLSX and PDF opened and checked, query counts pinned."""

from __future__ import annotations

import io
import re
import subprocess

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citybridge.climate import plan_services
from citybridge.climate.plan_models import ActionPlan, PlanMeasure

from .plan_helpers import computed_inventory, make_plan, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(coordinator, hayward):
    p = make_plan(coordinator, hayward)
    plan_services.plan_measure_save(
        actor=coordinator, plan=p, template=template("deep_retrofit"),
        data={"share": 0.2, "start_year": 2025, "full_year": 2030, "shape": "linear"},
    )  # fmt: skip
    p.refresh_from_db()
    return p


def test_plan_page_both_languages(client_for, coordinator, plan):
    c = client_for(coordinator)
    r = c.get(f"/climate/plans/{plan.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    # no measure has costs: the cost curve is said in words, not drawn empty (test_audit_wording)
    for needle in ("chart-pathway", "chart-wedges", "chart-lmdi", "chart-cumulative", "proportional"):
        assert needle in body
    c.cookies["django_language"] = "zh-hans"
    zh = c.get(f"/climate/plans/{plan.pk}/").content.decode()
    assert "楔形" in zh or "减排" in zh


def test_htmx_parameter_change_saves_and_swaps(client_for, coordinator, plan):
    c = client_for(coordinator)
    pm = plan.measures.get()
    r = c.post(
        f"/climate/plans/{plan.pk}/measures/{pm.pk}/",
        {"version": pm.version, "share": "50", "start_year": "2025", "full_year": "2030", "shape": "linear",
         "mwh_per_year": "0"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert r.status_code == 200, r.content.decode()[:500]
    assert "chart-pathway" in r.content.decode() and "<html" not in r.content.decode()
    plan.refresh_from_db()
    # 50 % of I (1000 t) at full uptake in 2030: plan 2030 = 500 + 500 = 1000 t
    assert plan.summary["plan"][plan.summary["years"].index(2030)] == pytest.approx(1000.0)


def test_bad_parameter_and_stale_edit(client_for, coordinator, plan):
    c = client_for(coordinator)
    pm = plan.measures.get()
    before = list(PlanMeasure.objects.values())
    r = c.post(f"/climate/plans/{plan.pk}/measures/{pm.pk}/", {"version": pm.version, "share": "150"},
               HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 422 and "100" in r.content.decode()
    r = c.post(f"/climate/plans/{plan.pk}/measures/{pm.pk}/",
               {"version": pm.version, "start_year": "2035", "full_year": "2030"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert r.status_code == 422
    assert list(PlanMeasure.objects.values()) == before
    ok = c.post(f"/climate/plans/{plan.pk}/measures/{pm.pk}/", {"version": pm.version, "share": "30"},
                HTTP_HX_REQUEST="true")  # fmt: skip
    assert ok.status_code == 200
    stale = c.post(f"/climate/plans/{plan.pk}/measures/{pm.pk}/", {"version": pm.version, "share": "40"},
                   HTTP_HX_REQUEST="true")  # fmt: skip
    assert stale.status_code == 409
    assert PlanMeasure.objects.get(pk=pm.pk).share == pytest.approx(0.3)


def test_wrong_user_on_each_page(client_for, coordinator, other_coordinator, expert, outsider, plan):
    pm = plan.measures.get()
    gets = [f"/climate/plans/{plan.pk}/", f"/climate/plans/{plan.pk}/progress/",
            f"/climate/plans/{plan.pk}/progress.xlsx", f"/climate/plans/{plan.pk}/progress.pdf",
            f"/climate/plans/compare/?a={plan.pk}&b={plan.pk}"]  # fmt: skip
    posts = [f"/climate/plans/{plan.pk}/measures/add/", f"/climate/plans/{plan.pk}/measures/{pm.pk}/",
             f"/climate/plans/{plan.pk}/measures/{pm.pk}/delete/", f"/climate/plans/{plan.pk}/copy/",
             f"/climate/plans/{plan.pk}/publish/"]  # fmt: skip
    for user in (other_coordinator, expert, outsider):
        c = client_for(user)
        for url in gets + posts:
            r = c.post(url, {"version": 1}) if url in posts else c.get(url)
            assert r.status_code == 404, (user, url, r.status_code)
    assert ActionPlan.objects.count() == 1 and PlanMeasure.objects.count() == 1
    # published: others read it, but may not change it (403)
    plan_services.plan_publish(actor=coordinator, plan=plan, expected_version=plan.version)
    for user in (other_coordinator, expert):
        c = client_for(user)
        assert c.get(f"/climate/plans/{plan.pk}/").status_code == 200
        assert c.post(f"/climate/plans/{plan.pk}/measures/{pm.pk}/", {"version": 1, "share": "10"}).status_code == 403
    assert client_for(expert).post(f"/climate/plans/{plan.pk}/copy/", {"name": "x"}).status_code == 403


def test_create_page_refuses_missing_base_inventory(client_for, coordinator, hayward):
    c = client_for(coordinator)
    r = c.post("/climate/plans/new/", {"name": "P", "city_id": hayward.pk, "base_inventory_id": "", "end_year": "2050"})
    assert r.status_code == 422 and "base" in r.content.decode().lower()
    assert "City and base inventory: " in r.content.decode() and "base_inventory_id:" not in r.content.decode()
    zh = client_for(coordinator, "zh-hans").post(
        "/climate/plans/new/", {"name": "P", "city_id": hayward.pk, "base_inventory_id": "", "end_year": "2050"}
    )
    assert "城市与基准清单：" in zh.content.decode()
    assert not ActionPlan.objects.exists()
    inv = computed_inventory(coordinator, hayward, 2022, {"I": 100.0})
    r = c.post(
        "/climate/plans/new/", {"name": "P", "city_id": hayward.pk, "base_inventory_id": inv.pk, "end_year": "2050"}
    )
    assert r.status_code == 302
    assert ActionPlan.objects.get().base_inventory_id == inv.pk


def test_copy_and_compare(client_for, coordinator, plan):
    c = client_for(coordinator)
    r = c.post(f"/climate/plans/{plan.pk}/copy/", {"name": "Plan B"})
    assert r.status_code == 302
    variant = ActionPlan.objects.get(name="Plan B")
    r = c.get(r["Location"])
    assert r.status_code == 200
    body = r.content.decode()
    assert "Plan A" in body and "Plan B" in body and "chart-cmp-1" in body and "chart-cmp-2" in body
    assert variant.measures.count() == 1


def test_progress_and_exports(client_for, coordinator, hayward, plan, tmp_path):
    # actual 2024 inventory: I 1100 t (plan 1000: +10 %, behind), II 400 t (plan 500: -20 %, ahead)
    computed_inventory(coordinator, hayward, 2024, {"I": 1100.0, "II": 400.0})
    c = client_for(coordinator)
    r = c.get(f"/climate/plans/{plan.pk}/progress/")
    body = r.content.decode()
    assert r.status_code == 200 and "Behind" in body and "Ahead" in body and "+10.0 %" in body
    x = c.get(f"/climate/plans/{plan.pk}/progress.xlsx")
    assert x.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    rows = list(wb["Progress 进展"].iter_rows(values_only=True))
    assert rows[3][0] == "Sector / 部门" or "/" in rows[3][0]
    by_sector = {r[0].split(" / ")[0]: r for r in rows[4:] if r and r[0]}
    assert by_sector["Stationary energy"][1].startswith("Behind / ")
    assert by_sector["Stationary energy"][3] == pytest.approx(1100.0)
    assert by_sector["Stationary energy"][4] == pytest.approx(1000.0)
    assert by_sector["Transportation"][1].startswith("Ahead / ")
    assert wb["Chart 图表"]._images
    # the drivers in words, in both languages (never the internal label "US/California/2025-11/hold/default")
    drivers = rows[1][1]
    assert drivers.count(" / ") == 1 and "/default" not in drivers and "drivers" in drivers.lower(), drivers
    pathway = list(wb["Pathway 路径"].iter_rows(values_only=True))
    assert all("(t CO2e)" in h for h in pathway[0][1:]), pathway[0]
    p = c.get(f"/climate/plans/{plan.pk}/progress.pdf")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    f = tmp_path / "report.pdf"
    f.write_bytes(p.content)
    text = subprocess.run(["pdftotext", str(f), "-"], capture_output=True, check=True, text=True).stdout
    assert "Progress report" in text and "Behind" in text and "落后" in text
    assert plan.drivers_label not in text
    assert len(re.findall(rb"/Subtype\s*/Image", p.content)) >= 2


LIMITS = {"/climate/plans/": 12, "/api/v1/climate/plans": 6}


@pytest.mark.parametrize("url", list(LIMITS))
def test_query_counts_pinned(client_for, api_for, coordinator, hayward, url):
    plan = make_plan(coordinator, hayward)
    c = api_for(coordinator) if url.startswith("/api/") else client_for(coordinator)
    counts = []
    assert c.get(url).status_code == 200  # warm-up (session, token last use)
    for n in (3, 30):
        while ActionPlan.objects.count() < n:
            plan_services.plan_copy(actor=coordinator, plan=plan, name=f"V{ActionPlan.objects.count()}")
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= LIMITS[url], counts
