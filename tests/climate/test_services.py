"""Services: hand-worked numbers, the workflow, refusals that write nothing, frozen published inventories,
revisions with their diff, stale edits, recompute runs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from citybridge.climate import selectors, services
from citybridge.climate.models import EmissionFactor, Inventory, RecomputeRun, Status
from citybridge.core.concurrency import StaleEdit

from .helpers import complete

pytestmark = pytest.mark.django_db


def test_grid_electricity_times_provincial_factor(coordinator, other_coordinator, hefei, factors):
    inv = services.inventory_create(actor=other_coordinator, city=hefei, year=2023, gwp_set="AR5", level="BASIC")
    entry = services.entry_save(
        actor=other_coordinator,
        inventory=inv,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 1200,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    # 1,200 MWh = 1,200,000 kWh × 0.55 kg/kWh = 660,000 kg = 660 t CO2
    assert entry.by_gas == {"CO2": pytest.approx(660.0)}
    assert entry.co2e == pytest.approx(660.0)
    assert entry.factor_versions == [
        {"id": factors["east_china"].pk, "code": "mee-nbs-2023-china-east-china-grid", "version": 1}
    ]
    inv.refresh_from_db()
    # I.1.2 is scope 2, counted in BASIC and BASIC+, not in the territorial scope-1 total
    assert (inv.total_basic, inv.total_basic_plus, inv.total_territorial) == (
        pytest.approx(660.0),
        pytest.approx(660.0),
        0.0,
    )


def test_california_city_on_egrid_lb_per_mwh_with_gwp(coordinator, inventory, factors):
    ids = [factors["camx_co2"].pk, factors["camx_ch4"].pk, factors["camx_n2o"].pk]
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.2.2", "activity_value": 1000, "activity_unit": "MWh", "factor_ids": ids},
    )
    lb = 0.45359237
    # CO2: 1000 MWh × 497.443 lb/MWh × 0.45359237 kg/lb / 1000 = 225.635... t
    assert entry.by_gas["CO2"] == pytest.approx(1000 * 497.443 * lb / 1000)
    # CH4 0.03 lb/MWh → 0.0136 t; N2O 0.004 lb/MWh → 0.00181 t; AR5: CH4 × 28, N2O × 265
    co2e = 1000 * lb / 1000 * (497.443 + 0.03 * 28 + 0.004 * 265)
    assert entry.co2e == pytest.approx(co2e)


def test_natural_gas_in_tj_and_the_gwp_set_changes_only_non_co2(coordinator, inventory, factors):
    ids = [factors["ng_co2"].pk, factors["ng_ch4"].pk, factors["ng_n2o"].pk]
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.1", "activity_value": 10, "activity_unit": "TJ", "factor_ids": ids},
    )
    # 10 TJ × 56,100 kg/TJ = 561 t CO2; × 5 kg/TJ = 0.05 t CH4; × 0.1 kg/TJ = 0.001 t N2O
    assert entry.by_gas == {"CO2": pytest.approx(561.0), "CH4": pytest.approx(0.05), "N2O": pytest.approx(0.001)}
    # AR5: 561 + 0.05 × 28 + 0.001 × 265 = 562.665 t CO2e
    assert entry.co2e == pytest.approx(562.665)
    services.inventory_update(
        actor=coordinator, inventory=inventory, expected_version=inventory.version, data={"gwp_set": "AR4"}
    )
    entry.refresh_from_db()
    # AR4: 561 + 0.05 × 25 + 0.001 × 298 = 562.548 t CO2e; CO2 itself unchanged
    assert entry.by_gas["CO2"] == pytest.approx(561.0)
    assert entry.co2e == pytest.approx(562.548)
    inventory.refresh_from_db()
    assert inventory.total_basic == pytest.approx(562.548)
    assert inventory.total_territorial == pytest.approx(562.548)  # I.1.1 is scope 1


def test_therms_converted_for_a_per_gj_own_factor(coordinator, inventory):
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.2.1",
            "activity_value": 1000,
            "activity_unit": "therm",
            "factors": [{"gas": "CO2", "value": 50, "unit": "kg/GJ", "citation": "city utility 2022"}],
        },
    )
    # 1,000 therm × 0.1055056 GJ/therm = 105.5056 GJ × 50 kg/GJ = 5,275.28 kg = 5.27528 t
    assert entry.co2e == pytest.approx(5.27528)
    assert entry.conversion, "the conversion is shown"


def test_tce_converted(coordinator, inventory):
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "I.3.1",
            "activity_value": 100,
            "activity_unit": "tce",
            "factors": [{"gas": "CO2", "value": 0.1, "unit": "t/GJ", "citation": "test"}],
        },
    )
    # 100 tce × 29.3076 GJ/tce = 2,930.76 GJ × 0.1 t/GJ = 293.076 t
    assert entry.co2e == pytest.approx(293.076)


def test_notation_key_line_counts_zero_and_is_not_missing(coordinator, inventory):
    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "no fuel"},
    )
    inventory.refresh_from_db()
    assert inventory.total_basic == 0
    page = selectors.inventory_page(user=coordinator, inventory=inventory)
    assert "I.1.1" not in [line.ref for line in page.missing]
    assert "I.1.2" in [line.ref for line in page.missing]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"gpc_ref": "I.1.2", "activity_value": -5, "activity_unit": "MWh", "factor_key": "east_china"},
            "activity_value",
        ),
        (
            {"gpc_ref": "I.1.2", "activity_value": 5, "activity_unit": "furlongs", "factor_key": "east_china"},
            "activity_unit",
        ),
        ({"gpc_ref": "I.1.2", "activity_value": 5, "activity_unit": "kWh", "factor_key": "diesel_l"}, "activity_unit"),
        ({"gpc_ref": "I.1.1", "notation_key": "NE"}, "explanation"),
        ({"gpc_ref": "I.1.1", "notation_key": "IE", "explanation": "elsewhere"}, "included_in"),
        ({"gpc_ref": "IX.9.9", "notation_key": "NO", "explanation": "x"}, "gpc_ref"),
        ({"gpc_ref": "I.1.1"}, "activity_value"),
    ],
)
def test_bad_entries_refused_on_their_field_and_nothing_written(coordinator, inventory, factors, snapshot, data, field):
    data = dict(data)
    key = data.pop("factor_key", None)
    if key:
        data["factor_ids"] = [factors[key].pk]
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.entry_save(actor=coordinator, inventory=inventory, data=data)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert snapshot() == before


def test_kwh_against_per_litre_factor_message_names_the_units(coordinator, inventory, factors):
    with pytest.raises(ValidationError) as exc:
        services.entry_save(
            actor=coordinator,
            inventory=inventory,
            data={
                "gpc_ref": "II.1.1",
                "activity_value": 5,
                "activity_unit": "kWh",
                "factor_ids": [factors["diesel_l"].pk],
            },
        )
    message = exc.value.message_dict["activity_unit"][0]
    assert "kWh" in message and "L" in message


def test_duplicate_gpc_line_refused(coordinator, inventory, snapshot):
    services.entry_save(
        actor=coordinator, inventory=inventory, data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "x"}
    )
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.entry_save(
            actor=coordinator, inventory=inventory, data={"gpc_ref": "I.1.1", "notation_key": "NE", "explanation": "y"}
        )
    assert "gpc_ref" in exc.value.message_dict
    assert snapshot() == before


def test_other_city_coordinator_cannot_create_or_edit(other_coordinator, hayward, inventory, snapshot):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.inventory_create(actor=other_coordinator, city=hayward, year=2020)
    with pytest.raises(PermissionDenied):
        services.entry_save(
            actor=other_coordinator,
            inventory=inventory,
            data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "x"},
        )
    assert snapshot() == before


def test_workflow_visibility_frozen_and_revision_with_diff(
    coordinator, other_coordinator, expert, staff, inventory, factors
):
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
    # a draft: the city and staff see it, another city and an expert do not
    assert Inventory.objects.visible_to(other_coordinator).filter(pk=inventory.pk).count() == 0
    assert Inventory.objects.visible_to(expert).filter(pk=inventory.pk).count() == 0
    # BASIC lines still empty: not submitted, and the refusal names them
    with pytest.raises(ValidationError) as exc:
        services.inventory_submit(actor=coordinator, inventory=inventory)
    assert "still empty" in exc.value.messages[0] and "I.1.1" in exc.value.messages[0]
    inventory.refresh_from_db()
    assert inventory.status == Status.DRAFT
    complete(inventory)
    services.inventory_submit(actor=coordinator, inventory=inventory)
    with pytest.raises(PermissionDenied):
        services.inventory_review(actor=expert, inventory=inventory)
    services.review_request_add(actor=staff, inventory=inventory, expert=expert)
    assert Inventory.objects.visible_to(expert).filter(pk=inventory.pk).count() == 1
    services.inventory_review(actor=expert, inventory=inventory)
    services.inventory_publish(actor=coordinator, inventory=inventory)
    assert inventory.status == Status.PUBLISHED
    assert Inventory.objects.visible_to(other_coordinator).filter(pk=inventory.pk).count() == 1
    # frozen
    with pytest.raises(ValidationError):
        services.entry_save(
            actor=coordinator, inventory=inventory, data={"gpc_ref": "I.1.1", "notation_key": "NO", "explanation": "x"}
        )
    # a correction is a new revision; the diff shows the changed line
    new = services.inventory_new_version(actor=coordinator, inventory=inventory)
    assert (new.revision, new.previous_id, new.status) == (2, inventory.pk, Status.DRAFT)
    entry = new.entries.get(gpc_ref="I.1.2")
    services.entry_save(
        actor=coordinator,
        inventory=new,
        entry=entry,
        expected_version=entry.version,
        data={
            "gpc_ref": "I.1.2",
            "activity_value": 200,
            "activity_unit": "MWh",
            "factor_ids": [factors["east_china"].pk],
        },
    )
    diff = selectors.inventory_diff(previous=inventory, current=new)
    # 100 MWh × 0.55 = 55 t before; 200 MWh × 0.55 = 110 t after
    assert diff == [
        {
            "ref": "I.1.2",
            "change": "changed",
            "before": pytest.approx(55.0),
            "after": pytest.approx(110.0),
            "before_key": "",
            "after_key": "",
        }
    ]
    inventory.refresh_from_db()
    assert inventory.total_basic == pytest.approx(55.0)


def test_concurrent_edit_refused_with_current_values(coordinator, inventory):
    version = inventory.version
    services.inventory_update(
        actor=coordinator, inventory=inventory, expected_version=version, data={"boundary": "first"}
    )
    stale = Inventory.objects.get(pk=inventory.pk)
    with pytest.raises(StaleEdit) as exc:
        services.inventory_update(
            actor=coordinator, inventory=stale, expected_version=version, data={"boundary": "second"}
        )
    assert exc.value.instance.boundary == "first"
    assert Inventory.objects.get(pk=inventory.pk).boundary == "first"


def test_supersede_factor_keeps_old_and_recompute_run_updates_inventory(
    coordinator, staff, inventory, factors, django_capture_on_commit_callbacks
):
    old = factors["east_china"]
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.2", "activity_value": 100, "activity_unit": "MWh", "factor_ids": [old.pk]},
    )
    assert entry.co2e == pytest.approx(55.0)
    new = services.factor_supersede(actor=staff, factor=old, expected_version=old.version, data={"value": 0.6})
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk and old.value == 0.55
    assert list(selectors.factor_inventories(user=staff, factor=new)) == [inventory]
    with django_capture_on_commit_callbacks(execute=True):  # the task is enqueued at commit; tests run it inline
        run = services.recompute_run_create(actor=staff, factor=new)
    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.changed) == ("done", 1, 1, 1)
    entry.refresh_from_db()
    # 100 MWh × 0.6 kg/kWh = 60 t
    assert entry.co2e == pytest.approx(60.0)
    assert entry.factor_versions[0]["id"] == new.pk


def test_a_finished_run_names_its_inventories_and_factors(
    client_for, coordinator, staff, inventory, factors, django_capture_on_commit_callbacks
):
    """The run's summary names what it changed, the city and year of each inventory and each factor by its name
    (issue 9: internal codes never reach a user), not "#12" or "ca-carb-…-co2e v2"; a long list ends "and N more"."""
    old = factors["east_china"]
    services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={"gpc_ref": "I.1.2", "activity_value": 100, "activity_unit": "MWh", "factor_ids": [old.pk]},
    )
    new = services.factor_supersede(actor=staff, factor=old, expected_version=old.version, data={"value": 0.6})
    with django_capture_on_commit_callbacks(execute=True):
        run = services.recompute_run_create(actor=staff, factor=new)
    EmissionFactor.objects.filter(pk=new.pk).update(name_en="East China grid", name_zh_hans="华东区域电网")
    new.refresh_from_db()
    html = client_for(staff, language="zh-hans").get(f"/climate/runs/{run.pk}/status/").content.decode()
    city = inventory.city.display_name("zh-hans")
    assert f'">{city} {inventory.year}</a>' in html and f">#{inventory.pk}<" not in html
    assert f'">华东区域电网</a> v{new.version}' in html and new.code not in html
    assert "另有" not in html
    # the inventory's own page says who recomputed it, by name, and with which factor, by its name
    staff.first_name, staff.last_name = "Lin", "Chen"
    staff.save()
    page = client_for(staff, language="zh-hans").get(f"/climate/inventories/{inventory.pk}/").content.decode()
    line = page[page.index("重新计算，使用的排放因子版本") - 80 :][:400]
    assert "华东区域电网</a>" in line and new.code not in line
    assert "由 Lin Chen 重新计算" in line and staff.email not in line
    RecomputeRun.objects.filter(pk=run.pk).update(
        changed=13, factor_versions=[{"id": new.pk, "code": new.code, "version": new.version}] * 12
    )
    html = client_for(staff, language="zh-hans").get(f"/climate/runs/{run.pk}/status/").content.decode()
    assert "，另有 3 项" in html and "，另有 2 项" in html
    html = client_for(staff).get(f"/climate/runs/{run.pk}/status/").content.decode()
    assert " and 3 more" in html


def test_recompute_refused_to_coordinator(coordinator, factors):
    with pytest.raises(PermissionDenied):
        services.recompute_run_create(actor=coordinator, factor=factors["east_china"])
    assert RecomputeRun.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"kind": "base_year", "base_year": 2020, "base_emissions_t": 1e6, "reduction_pct": 40, "target_year": 2010},
            "target_year",
        ),
        ({"kind": "per_capita", "base_year": 2020, "target_year": 2030, "target_value": 3.0}, "target_population"),
    ],
)
def test_bad_targets_refused(coordinator, hayward, snapshot, data, field):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.target_save(actor=coordinator, city=hayward, data=data)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert snapshot() == before


def test_target_ambition(coordinator, hayward):
    target = services.target_save(
        actor=coordinator,
        city=hayward,
        data={
            "kind": "base_year",
            "base_year": 2020,
            "base_emissions_t": 1_000_000,
            "reduction_pct": 50,
            "target_year": 2030,
        },
    )
    # 50 % in 10 years: 1 − 0.5^(1/10) = 0.0670 per year, compound; target level 500,000 t
    assert target.ambition["target_emissions_t"] == pytest.approx(500_000)
    assert target.ambition["annual_rate"] == pytest.approx(1 - 0.5**0.1)
    assert "1.5" in target.ambition["benchmark"]["definition"]


def test_gasoline_in_litres_through_density_and_ncv(coordinator, inventory):
    entry = services.entry_save(
        actor=coordinator,
        inventory=inventory,
        data={
            "gpc_ref": "II.1.1",
            "activity_value": 1000,
            "activity_unit": "L",
            "factors": [{"gas": "CO2", "value": 69300, "unit": "kg/TJ", "citation": "IPCC 2006 Vol 2 Table 1.4"}],
            "density": {"value": 0.74, "unit": "kg/L"},
            "ncv": {"value": 44.3, "unit": "TJ/Gg"},
        },
    )
    # 1,000 L × 0.74 kg/L = 740 kg = 0.00074 Gg × 44.3 TJ/Gg = 0.032782 TJ × 69,300 kg/TJ = 2,271.79 kg = 2.27179 t
    assert entry.co2e == pytest.approx(2.2717926)
    assert entry.fuel_properties == {
        "density": {"value": 0.74, "unit": "kg/L"},
        "ncv": {"value": 44.3, "unit": "TJ/Gg"},
    }


def test_gasoline_in_litres_without_fuel_properties_is_refused(coordinator, inventory, snapshot):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.entry_save(
            actor=coordinator,
            inventory=inventory,
            data={
                "gpc_ref": "II.1.1",
                "activity_value": 1000,
                "activity_unit": "L",
                "factors": [{"gas": "CO2", "value": 69300, "unit": "kg/TJ", "citation": "IPCC"}],
            },
        )
    assert "activity_unit" in exc.value.message_dict
    assert snapshot() == before
