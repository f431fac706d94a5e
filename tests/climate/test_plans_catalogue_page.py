"""The catalogue page: staff add and edit measures (both languages, sectors, mechanism, uptake, costs, co-benefits,
sources) with validation; nobody else may; a retired measure is no longer offered but stays on the plans using it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from citybridge.climate import plan_services
from citybridge.climate.plan_models import MeasureTemplate

from .plan_helpers import make_plan, template

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "key": "cool_roofs", "topic": "green_buildings", "name_en": "Cool roofs", "name_zh_hans": "冷屋顶",
        "effect_en": "Cuts cooling electricity by about 10 %.", "effect_zh_hans": "制冷用电减少约10%。",
        "sectors": ["I"], "mechanism": "activity", "carrier": "electricity", "share": "10", "methane_fraction": "100",
        "mwh_per_tco2": "0", "emission_ratio": "0", "mwh_per_year": "0", "start_year": "2026", "full_year": "2035",
        "shape": "s_curve", "co_benefits": ["health", "energy_bills"], "cost_notes": "USD 2024: 10-30 per m²",
        "sources": "LBNL Heat Island Group, cool roofs | https://heatisland.lbl.gov/coolscience/cool-roofs | single source",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_adds_and_edits_a_measure(client_for, staff):
    c = client_for(staff)
    assert c.get("/climate/plans/catalogue/new/").status_code == 200
    r = c.post("/climate/plans/catalogue/new/", _form())
    assert r.status_code == 302, r.content.decode()[:1500]
    m = MeasureTemplate.objects.get(key="cool_roofs")
    assert m.share == pytest.approx(0.10) and m.sectors == ["I"] and m.carrier == "electricity"
    assert m.co_benefits == ["health", "energy_bills"] and m.sources[0]["url"].startswith("https://heatisland")
    assert m.name_zh_hans == "冷屋顶" and not m.bundled and m.version == 1
    r = c.post(f"/climate/plans/catalogue/{m.pk}/", _form(share="12.5", version=str(m.version)))
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.share == pytest.approx(0.125) and m.version == 2 and m.history.count() == 2
    page = c.get("/climate/plans/catalogue/").content.decode()
    assert "Cool roofs" in page and f"/climate/plans/catalogue/{m.pk}/" in page
    c.cookies["django_language"] = "zh-hans"
    zh = c.get("/climate/plans/catalogue/").content.decode()
    assert "冷屋顶" in zh and "措施目录" in zh
    # the edit page is headed by the measure's name in the reader's language, not its key
    edit = c.get(f"/climate/plans/catalogue/{m.pk}/").content.decode()
    assert "<h1>编辑目录中的措施：冷屋顶</h1>" in edit
    assert "cool_roofs</h1>" not in edit


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"share": "120"}, "share"),  # above 100 %
        ({"start_year": "2035", "full_year": "2030"}, "full_year"),  # uptake end before its start
        ({"sectors": []}, "sectors"),
        ({"sectors": ["VI"]}, "sectors"),
        ({"name_zh_hans": ""}, "name_zh_hans"),
        ({"sources": ""}, "sources"),
        ({"sources": "a | javascript:alert(1)"}, "sources"),
        ({"mechanism": "magic"}, "mechanism"),
        ({"key": "bad key!"}, "key"),
        ({"share": "abc"}, "share"),
        ({"name_en": "x" * 300}, "name_en"),
        ({"start_year": "1e9"}, "start_year"),
    ],
)
def test_bad_input_is_refused_on_its_field(client_for, staff, overrides, field):
    c = client_for(staff)
    c.cookies["django_language"] = "zh-hans"
    r = c.post("/climate/plans/catalogue/new/", _form(**overrides))
    assert r.status_code == 422, r.status_code
    body = r.content.decode()
    assert "未保存" in body
    assert not MeasureTemplate.objects.filter(key="cool_roofs").exists()
    # the service names the field (the page shows the message under it)
    data = _form(**overrides)
    for k in ("share", "methane_fraction"):
        try:
            data[k] = float(data[k]) / 100
        except ValueError:
            pass
    with pytest.raises(ValidationError) as exc:
        plan_services.catalogue_measure_save(actor=staff, data=data)
    assert field in exc.value.message_dict


def test_duplicate_key_and_stale_edit(client_for, staff):
    c = client_for(staff)
    existing = template("deep_retrofit")
    assert c.post("/climate/plans/catalogue/new/", _form(key="deep_retrofit")).status_code == 422
    old = existing.version
    assert c.post(f"/climate/plans/catalogue/{existing.pk}/", _form(version=str(old))).status_code == 302
    r = c.post(f"/climate/plans/catalogue/{existing.pk}/", _form(share="50", version=str(old)))
    assert r.status_code == 409
    existing.refresh_from_db()
    assert existing.share == pytest.approx(0.10) and existing.version == old + 1


def test_wrong_users_cannot_edit(client_for, coordinator, expert, outsider, client):
    m = template("deep_retrofit")
    for user in (coordinator, expert, outsider):
        c = client_for(user)
        assert c.get("/climate/plans/catalogue/new/").status_code == 403
        assert c.post("/climate/plans/catalogue/new/", _form()).status_code == 403
        assert c.post(f"/climate/plans/catalogue/{m.pk}/", _form(version=str(m.version))).status_code == 403
        assert c.post(f"/climate/plans/catalogue/{m.pk}/retire/", {"version": m.version}).status_code == 403
    assert client.get("/climate/plans/catalogue/").status_code == 302
    assert client_for(outsider).get("/climate/plans/catalogue/").status_code == 403
    page = client_for(coordinator).get("/climate/plans/catalogue/").content.decode()
    assert "/retire/" not in page  # coordinators read the catalogue, without the staff buttons
    m.refresh_from_db()
    assert m.version == 1 and not m.retired and not MeasureTemplate.objects.filter(key="cool_roofs").exists()
    # no such measure: 404 for everyone (looked up first, as every route with an id), then the staff-only check
    assert client_for(expert).get("/climate/plans/catalogue/999999/").status_code == 404


def test_a_retired_measure_stays_on_its_plans_and_is_no_longer_offered(client_for, staff, coordinator, hayward):
    plan = make_plan(coordinator, hayward)
    used = template("deep_retrofit")
    plan_services.plan_measure_save(actor=coordinator, plan=plan, template=used, data={"share": 0.2})
    other = template("heat_pumps")
    c = client_for(staff)
    assert c.post(f"/climate/plans/catalogue/{used.pk}/retire/", {"version": used.version}).status_code == 302
    assert c.post(f"/climate/plans/catalogue/{other.pk}/retire/", {"version": other.version}).status_code == 302
    used.refresh_from_db()
    assert used.retired and plan.measures.filter(measure=used).exists()
    page = client_for(coordinator).get(f"/climate/plans/{plan.pk}/").content.decode()
    assert used.name_en in page  # still on the plan
    assert f'value="{other.pk}"' not in page  # no longer in the "add a measure" menu
    r = client_for(coordinator).post(f"/climate/plans/{plan.pk}/measures/add/", {"measure_id": other.pk})
    assert r.status_code == 422 and not plan.measures.filter(measure=other).exists()


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "99999999999999999999"])
def test_retiring_without_a_usable_version_is_refused_on_the_page(client_for, staff, version):
    """No version, or one that is not a whole number: the catalogue says so in the user's language and nothing
    changes (it was a server error)."""
    measure = template("heat_pumps")
    c = client_for(staff, language="zh-hans")
    r = c.post(f"/climate/plans/catalogue/{measure.pk}/retire/", {} if version is None else {"version": version})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "请提供您开始编辑时该记录的版本。" in page
    measure.refresh_from_db()
    assert not measure.retired and measure.version == 1


def test_catalogue_and_drivers_pages_query_counts_are_pinned(client_for, staff, coordinator, hayward):
    # the catalogue list: the same number of queries with 21 or 41 measures; the drivers page: the same with 0 or 5
    # history rows
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .plan_helpers import FLAT

    c = client_for(staff)
    counts = []
    for n in (0, 20):
        for i in range(n):
            plan_services.catalogue_measure_save(
                actor=staff, data={**_form(key=f"extra_{i}"), "share": 0.1, "methane_fraction": 1.0}
            )
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/climate/plans/catalogue/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 8, counts
    counts = []
    version = None
    for n in (1, 5):
        while (version or 0) < n:
            ds = plan_services.driver_set_save(actor=coordinator, city=hayward, series=FLAT, expected_version=version)
            version = ds.version
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(f"/climate/plans/drivers/{hayward.pk}/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 8, counts
