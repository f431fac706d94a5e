"""API: every endpoint with the right user, the wrong user, and bad input (422 naming the field, nothing written)."""

from __future__ import annotations

import json

import pytest

from citybridge.climate import importers, services
from citybridge.climate.models import Inventory, InventoryEntry, Target

from .helpers import complete, template

pytestmark = pytest.mark.django_db

BASE = "/api/v1/climate"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_create_inventory_and_entry_and_read_totals(api_for, coordinator, hayward, factors):
    api = api_for(coordinator)
    r = post(api, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 2021, "gwp_set": "AR6", "level": "BASIC+"})
    assert r.status_code == 201, r.content
    inv_id = r.json()["id"]
    assert r.json()["totals"] == {"basic": 0.0, "basic_plus": 0.0, "territorial_scope1": 0.0}
    r = post(
        api,
        f"{BASE}/inventories/{inv_id}/entries",
        {
            "gpc_ref": "I.1.1",
            "activity_value": 10,
            "activity_unit": "TJ",
            "factors": [
                {"gas": "CO2", "value": 56100, "unit": "kg/TJ", "citation": "IPCC 2006 Vol 2 Table 1.4"},
                {"gas": "CH4", "value": 5, "unit": "kg/TJ", "citation": "IPCC 2006 Vol 2 Table 2.5"},
            ],
            "data_quality": "high",
            "source": "gas utility",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    # 10 TJ × 56,100 kg/TJ = 561 t CO2; 10 × 5 kg = 0.05 t CH4 × 27.0 (AR6, non-fossil) = 1.35: 562.35 t CO2e
    assert body["emissions_by_gas"] == {"CO2": pytest.approx(561.0), "CH4": pytest.approx(0.05)}
    assert body["co2e_t"] == pytest.approx(562.35)
    r = api.get(f"{BASE}/inventories/{inv_id}")
    assert r.status_code == 200
    data = r.json()
    assert data["totals"]["basic"] == pytest.approx(562.35)
    assert data["totals"]["territorial_scope1"] == pytest.approx(562.35)
    assert data["by_sector"] == {"I": pytest.approx(562.35)}
    assert data["by_scope"] == {"1": pytest.approx(562.35)}
    assert data["by_gas"]["CO2"] == pytest.approx(561.0)
    # by gas in t CO2e: CO2 561; CH4 0.05 t × 27.0 (AR6) = 1.35
    assert data["by_gas_co2e"] == {"CO2": pytest.approx(561.0), "CH4": pytest.approx(1.35)}
    assert r["ETag"] == f'"{data["version"]}"'
    r = post(
        api,
        f"{BASE}/inventories/{inv_id}/entries",
        {"gpc_ref": "I.1.2", "factor_id": factors["east_china"].pk, "activity_value": 1, "activity_unit": "MWh"},
    )
    assert r.status_code == 201 and r.json()["factor_ids"] == [factors["east_china"].pk]
    assert api.get(f"{BASE}/inventories/{inv_id}/entries").json()["count"] == 2
    assert api.get(f"{BASE}/inventories").json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"gpc_ref": "I.1.2", "activity_value": -1, "activity_unit": "MWh", "factor_key": "east_china"},
            "activity_value",
        ),
        (
            {"gpc_ref": "I.1.2", "activity_value": 1, "activity_unit": "parsecs", "factor_key": "east_china"},
            "activity_unit",
        ),
        ({"gpc_ref": "I.1.2", "activity_value": 1, "activity_unit": "kWh", "factor_key": "diesel_l"}, "activity_unit"),
        ({"gpc_ref": "I.1.1", "notation_key": "NO"}, "explanation"),
        ({"gpc_ref": "X.1", "notation_key": "NO", "explanation": "x"}, "gpc_ref"),
        ({"gpc_ref": "I.1.1", "factor_id": 999999, "activity_value": 1, "activity_unit": "TJ"}, "factor_id"),
        ({"gpc_ref": "I.1.1", "bogus": 1}, "bogus"),
        ({"gpc_ref": "I.1.1", "emissions": [{"gas": "CO2", "value": "lots", "unit": "t"}]}, "emissions.0.value"),
    ],
)
def test_bad_entry_422_on_field_nothing_written(api_for, coordinator, inventory, factors, body, field):
    body = dict(body)
    key = body.pop("factor_key", None)
    if key:
        body["factor_id"] = factors[key].pk
    r = post(api_for(coordinator), f"{BASE}/inventories/{inventory.pk}/entries", body)
    assert r.status_code == 422, r.content
    assert field in fields(r), r.json()
    assert all(e["message"] for e in r.json()["errors"])
    assert InventoryEntry.objects.count() == 0


def test_errors_in_chinese(api_for, coordinator, inventory):
    r = post(
        api_for(coordinator, "zh-hans"),
        f"{BASE}/inventories/{inventory.pk}/entries",
        {"gpc_ref": "I.1.1", "notation_key": "NE"},
    )
    assert r.status_code == 422
    message = next(e["message"] for e in r.json()["errors"] if e["field"] == "explanation")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_duplicate_line_422(api_for, coordinator, inventory):
    api = api_for(coordinator)
    body = {"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "no fuel"}
    assert post(api, f"{BASE}/inventories/{inventory.pk}/entries", body).status_code == 201
    r = post(api, f"{BASE}/inventories/{inventory.pk}/entries", body)
    assert r.status_code == 422 and "gpc_ref" in fields(r)
    assert InventoryEntry.objects.count() == 1


def test_wrong_users(api_for, coordinator, other_coordinator, outsider, expert, hayward, inventory, factors):
    other = api_for(other_coordinator)
    # another city's draft: 404 on every route naming it
    assert other.get(f"{BASE}/inventories/{inventory.pk}").status_code == 404
    assert other.get(f"{BASE}/inventories/{inventory.pk}/entries").status_code == 404
    assert (
        post(
            other,
            f"{BASE}/inventories/{inventory.pk}/entries",
            {"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "x"},
        ).status_code
        == 404
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert (
        other.post(
            f"{BASE}/inventories/{inventory.pk}/import", {"file": SimpleUploadedFile("t.xlsx", template([]))}
        ).status_code
        == 404
    )
    assert post(other, f"{BASE}/inventories/{inventory.pk}/submit", {}).status_code == 404
    # creating for a city that is not theirs: 403 (the city is public, the permission is not)
    r = post(other, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 2020, "gwp_set": "AR5", "level": "BASIC"})
    assert r.status_code == 403
    r = post(other, f"{BASE}/targets", {"city_id": hayward.pk, "kind": "net_zero", "target_year": 2045})
    assert r.status_code == 403
    # an expert not asked to review, and a user outside the collaborative
    assert api_for(expert).get(f"{BASE}/inventories/{inventory.pk}").status_code == 404
    out = api_for(outsider)
    assert out.get(f"{BASE}/inventories").json()["count"] == 0
    assert out.get(f"{BASE}/targets").json()["count"] == 0
    assert api_for(None).get(f"{BASE}/factors").status_code == 401
    # the city's own coordinator may not publish a draft that was never reviewed
    r = post(api_for(coordinator), f"{BASE}/inventories/{inventory.pk}/publish", {"version": inventory.version})
    assert r.status_code == 422
    assert Inventory.objects.get(pk=inventory.pk).status == "draft"


def test_inventory_create_bad_input(api_for, coordinator, hayward):
    api = api_for(coordinator)
    assert (
        post(
            api, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 2021, "gwp_set": "AR9", "level": "BASIC"}
        ).status_code
        == 422
    )
    r = post(api, f"{BASE}/inventories", {"city_id": 10**15, "year": 2021, "gwp_set": "AR5", "level": "BASIC"})
    assert r.status_code == 422 and "city_id" in fields(r)
    assert (
        post(
            api, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 1500, "gwp_set": "AR5", "level": "BASIC"}
        ).status_code
        == 422
    )
    assert (
        post(
            api, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 2021, "gwp_set": "AR5", "level": "BASIC"}
        ).status_code
        == 201
    )
    r = post(api, f"{BASE}/inventories", {"city_id": hayward.pk, "year": 2021, "gwp_set": "AR5", "level": "BASIC"})
    assert r.status_code == 422 and "year" in fields(r)
    assert Inventory.objects.count() == 1


def test_stale_patch_409_with_current(api_for, coordinator, inventory):
    api = api_for(coordinator)
    url = f"{BASE}/inventories/{inventory.pk}"
    v = api.get(url).json()["version"]
    r = api.patch(url, json.dumps({"boundary": "first", "version": v}), content_type="application/json")
    assert r.status_code == 200
    r = api.patch(url, json.dumps({"boundary": "second", "version": v}), content_type="application/json")
    assert r.status_code == 409
    assert r.json()["current"]["boundary"] == "first"


def test_import_endpoint(api_for, coordinator, inventory, factors):
    api = api_for(coordinator)
    good = template(
        [
            importers.ImportedRow(
                row=3, ref="I.1.2", activity_value=100.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)
            )
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post(f"{BASE}/inventories/{inventory.pk}/import", {"file": SimpleUploadedFile("t.xlsx", good)})
    assert r.status_code == 200, r.content
    assert r.json()["imported"] == 1 and r.json()["rows"][0]["status"] == "ok"
    bad = template(
        [
            importers.ImportedRow(
                row=3, ref="I.2.2", activity_value=-5.0, activity_unit="MWh", factor_id=str(factors["east_china"].pk)
            )
        ]
    )
    r = api.post(f"{BASE}/inventories/{inventory.pk}/import", {"file": SimpleUploadedFile("t.xlsx", bad)})
    assert r.status_code == 422
    assert r.json()["rows"][0]["row"] == 3 and r.json()["rows"][0]["status"] == "error"
    assert r.json()["detail"].startswith("Nothing was imported")  # the one error format: a sentence, then errors
    r = api.post(f"{BASE}/inventories/{inventory.pk}/import", {})
    assert r.status_code == 422 and fields(r) == {"file"}  # was "file.file"
    r = api.post(
        f"{BASE}/inventories/{inventory.pk}/import",
        {"file": SimpleUploadedFile("t.xlsx", b"MZ\x90\x00 not a workbook")},
    )
    assert r.status_code == 422 and "file" in fields(r)
    assert InventoryEntry.objects.filter(inventory=inventory).count() == 1


def test_factors_endpoint(api_for, coordinator, factors):
    r = api_for(coordinator).get(f"{BASE}/factors?gas=CO2")
    assert r.status_code == 200
    codes = {f["code"] for f in r.json()["items"]}
    assert "mee-nbs-2023-china-east-china-grid" in codes and "egrid2022-camx-ch4" not in codes
    one = api_for(coordinator).get(f"{BASE}/factors/{factors['east_china'].pk}").json()
    assert one["citation"] and one["verification"] == "two_sources"


def test_targets_endpoint(api_for, coordinator, other_coordinator, hayward):
    api = api_for(coordinator)
    body = {
        "city_id": hayward.pk,
        "kind": "base_year",
        "base_year": 2005,
        "base_emissions_t": 1_000_000,
        "reduction_pct": 40,
        "target_year": 2030,
    }
    r = post(api, f"{BASE}/targets", body)
    assert r.status_code == 201, r.content
    assert r["ETag"] == f'"{r.json()["version"]}"'
    # 40 % below 2005 by 2030: 600,000 t; compound 1 − 0.6^(1/25)
    assert r.json()["ambition"]["target_emissions_t"] == pytest.approx(600_000)
    assert r.json()["ambition"]["annual_rate"] == pytest.approx(1 - 0.6 ** (1 / 25))
    assert api_for(other_coordinator).get(f"{BASE}/targets").json()["count"] == 1  # peers read targets
    r = post(api, f"{BASE}/targets", {**body, "target_year": 2000})
    assert r.status_code == 422 and "target_year" in fields(r)
    r = post(
        api,
        f"{BASE}/targets",
        {"city_id": hayward.pk, "kind": "per_capita", "base_year": 2005, "target_year": 2030, "target_value": 2.0},
    )
    assert r.status_code == 422 and "target_population" in fields(r)
    assert Target.objects.count() == 1


def test_published_inventory_visible_to_peers_and_frozen(api_for, coordinator, other_coordinator, staff, inventory):
    complete(inventory)
    services.inventory_submit(actor=coordinator, inventory=inventory)
    services.inventory_review(actor=staff, inventory=inventory)
    services.inventory_publish(actor=staff, inventory=inventory)
    assert api_for(other_coordinator).get(f"{BASE}/inventories/{inventory.pk}").status_code == 200
    r = post(
        api_for(coordinator),
        f"{BASE}/inventories/{inventory.pk}/entries",
        {"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "x"},
    )
    assert r.status_code == 422
    r = api_for(coordinator).post(f"{BASE}/inventories/{inventory.pk}/revisions")
    assert r.status_code == 201 and r.json()["revision"] == 2 and r.json()["previous_id"] == inventory.pk


def test_review_request_endpoint(api_for, staff, coordinator, expert, inventory):
    url = f"{BASE}/inventories/{inventory.pk}/review-requests"
    assert post(api_for(coordinator), url, {"expert_id": expert.pk}).status_code == 403
    r = post(api_for(staff), url, {"expert_id": coordinator.pk})
    assert r.status_code == 422 and "expert_id" in fields(r)
    assert post(api_for(staff), url, {"expert_id": expert.pk}).status_code == 201
    complete(inventory)
    services.inventory_submit(actor=coordinator, inventory=inventory)
    assert api_for(expert).get(f"{BASE}/inventories/{inventory.pk}").status_code == 200
    r = post(api_for(expert), f"{BASE}/inventories/{inventory.pk}/review", {})
    assert r.status_code == 200 and r.json()["status"] == "reviewed"
