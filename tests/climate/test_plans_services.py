"""Action-plan services: a hand-worked plan matches the engine; every bad input refused with its field and nothing
written; the wrong user refused; a stale edit refused; variants and publishing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from citybridge.climate import plan_selectors, plan_services
from citybridge.climate.pathways import ERROR_CODES, PathwayError
from citybridge.climate.plan_models import ActionPlan, DriverSet, MeasureTemplate, PlanMeasure

from .plan_helpers import FLAT, computed_inventory, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(coordinator, hayward):
    return computed_inventory(coordinator, hayward, 2022, {"I": 1000.0, "II": 500.0})


@pytest.fixture
def flat(coordinator, hayward):
    return plan_services.driver_set_save(actor=coordinator, city=hayward, series=FLAT, base_year=2022)


@pytest.fixture
def target(coordinator, hayward):
    from citybridge.climate import services

    return services.target_save(
        actor=coordinator,
        city=hayward,
        data={"kind": "base_year", "base_year": 2022, "base_emissions_t": 1500.0, "target_year": 2030,
              "reduction_pct": 40.0},
    )  # fmt: skip


@pytest.fixture
def plan(coordinator, hayward, base, flat, target):
    return plan_services.plan_create(
        actor=coordinator, city=hayward, name="Plan A", base_inventory=base, target=target, end_year=2040
    )


def snap():
    return (
        list(ActionPlan.objects.order_by("pk").values()),
        list(PlanMeasure.objects.order_by("pk").values()),
        list(DriverSet.objects.order_by("pk").values()),
    )


def test_catalogue_seeded_bilingual():
    assert MeasureTemplate.objects.count() >= 21
    m = template("landfill_gas_capture")
    assert m.name_en and m.name_zh_hans and m.sources
    assert plan_services.catalogue_seed() == 0  # idempotent


def test_hand_worked_plan_matches_engine(coordinator, plan):
    # Flat drivers, base 2022: I = 1000 t, II = 500 t, so BAU = 1500 t every year.
    # deep_retrofit (activity on I) 20 % from 2025 to full in 2030, linear: 2027 uptake 2/5 -> I = 1000 (1 - .2 .4)
    # = 920; from 2030 I = 800. congestion_pricing (activity on II) 10 % as a step in 2025: II = 450 from 2025.
    # 2030 plan = 800 + 450 = 1250; reduction 250 = wedges 200 + 50 (different sectors: no interaction).
    # Target: 40 % below 1500 t by 2030 = 900 t; gap in 2030 = 1250 - 900 = 350 t still to close.
    plan_services.plan_measure_save(
        actor=coordinator, plan=plan, template=template("deep_retrofit"),
        data={"share": 0.2, "start_year": 2025, "full_year": 2030, "shape": "linear"},
    )  # fmt: skip
    plan_services.plan_measure_save(
        actor=coordinator, plan=plan, template=template("congestion_pricing"),
        data={"share": 0.1, "start_year": 2025, "full_year": 2025, "shape": "linear"},
    )  # fmt: skip
    plan.refresh_from_db()
    s = plan.summary
    y = s["years"].index(2027)
    assert s["bau"][y] == pytest.approx(1500.0)
    assert s["plan"][y] == pytest.approx(920.0 + 450.0)
    y30 = s["years"].index(2030)
    assert s["plan"][y30] == pytest.approx(1250.0)
    assert s["wedge_method"].startswith("shapley")
    assert s["wedges"]["deep_retrofit"][y30] == pytest.approx(200.0)
    assert s["wedges"]["congestion_pricing"][y30] == pytest.approx(50.0)
    assert s["target"]["level"] == pytest.approx(900.0)
    assert s["target"]["gap_in_target_year"] == pytest.approx(350.0)
    assert plan.drivers_label.endswith("/edited/v1")
    live = plan_selectors.plan_run(plan)
    assert live.wedges.method == "proportional"
    assert live.summary["plan"] == pytest.approx(s["plan"])


@pytest.mark.parametrize(
    "data,field",
    [
        ({"share": 1.2}, "share"),
        ({"share": "abc"}, "share"),
        ({"start_year": 2035, "full_year": 2030}, "full_year"),
        ({"start_year": 99999}, "start_year"),
        ({"shape": "zigzag"}, "shape"),
        ({"currency": "DOLLARS"}, "currency"),
        ({"capital": -5}, "capital"),
    ],
)
def test_bad_measure_refused_nothing_written(coordinator, plan, data, field):
    before = snap()
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_measure_save(actor=coordinator, plan=plan, template=template("deep_retrofit"), data=data)
    assert field in exc.value.message_dict
    assert snap() == before


@pytest.mark.parametrize("level", ["BASIC", "BASIC+"])
def test_the_plan_starts_from_the_inventorys_own_total(coordinator, hayward, flat, level):
    """Business as usual starts from the inventory's BASIC (or BASIC+) total, not from the sum of every line: I.4.4
    (generation supplied to the grid) is in no city total, a scope-3 line only in BASIC+. Hand-worked: BASIC =
    1,000 (I.1.1) + 100 (I.1.2, grid) + 500 (II.1.1) = 1,600 t; BASIC+ adds II.1.3's 200 t = 1,800 t."""
    from citybridge.climate import services
    from citybridge.climate.models import InventoryEntry

    def inventory(year):
        inv = services.inventory_create(actor=coordinator, city=hayward, year=year, gwp_set="AR5", level=level)
        lines = {"I.1.1": 1000.0, "I.1.2": 100.0, "I.4.4": 300.0, "II.1.1": 500.0, "II.1.3": 200.0}
        InventoryEntry.objects.bulk_create(
            InventoryEntry(inventory=inv, gpc_ref=ref, co2e=t, by_gas={"CO2": t}) for ref, t in lines.items()
        )
        return inv

    base = plan_services.base_of(inventory(2022))
    expected = 1600.0 if level == "BASIC" else 1800.0
    assert base.electricity == {"I": 100.0}
    assert base.direct == {"I": 1000.0, "II": 500.0 if level == "BASIC" else 700.0}
    assert sum(base.direct.values()) + sum(base.electricity.values()) == expected
    plan = plan_services.plan_create(
        actor=coordinator, city=hayward, name="P", base_inventory=inventory(2021), end_year=2030
    )
    inventory(2024)
    actuals = plan_selectors.actuals_of(plan)
    assert actuals["I"][2024] + actuals["II"][2024] == expected
    # every later year's lines in one query: two queries whether one later year or three
    inventory(2025)
    inventory(2026)
    with CaptureQueriesContext(connection) as queries:
        actuals = plan_selectors.actuals_of(plan)
    assert len(queries) == 2
    assert [actuals["I"][y] + actuals["II"][y] for y in (2024, 2025, 2026)] == [expected] * 3


def test_plan_without_base_inventory_refused(coordinator, hayward, flat):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            plan_services.plan_create(actor=coordinator, city=hayward, name="X", base_inventory=None)
    assert "base_inventory_id" in exc.value.message_dict
    assert "清单" in exc.value.message_dict["base_inventory_id"][0]
    assert not ActionPlan.objects.exists()


def test_target_year_outside_projection(coordinator, hayward, base, flat):
    from citybridge.climate import services

    late = services.target_save(
        actor=coordinator, city=hayward,
        data={"kind": "base_year", "base_year": 2022, "base_emissions_t": 1500.0, "target_year": 2070,
              "reduction_pct": 50.0},
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_create(
            actor=coordinator, city=hayward, name="X", base_inventory=base, target=late, end_year=2060
        )
    assert "2070" in exc.value.message_dict["target_id"][0]
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize(
    "series,needle",
    [
        ({"population": {"2030": -0.1, **{str(y): 0.0 for y in range(2000, 2101) if y != 2031}}}, "2031"),
        ({"grid_factor": {str(y): -0.1 for y in range(2000, 2101)}}, "grid_factor"),
        ({"bogus": {}}, "bogus"),
        ({"gdp": {"x": 1}}, "x"),
    ],
)
def test_bad_driver_series_refused(coordinator, hayward, flat, series, needle):
    before = snap()
    with pytest.raises(ValidationError) as exc:
        plan_services.driver_set_save(
            actor=coordinator, city=hayward, series=series, expected_version=1, base_year=2022
        )
    assert needle in " ".join(exc.value.message_dict["series"])
    assert snap() == before


def test_negative_population_refused(coordinator, hayward, flat):
    # population growth of -150 % a year makes the population index negative
    with pytest.raises(ValidationError) as exc:
        plan_services.driver_set_save(
            actor=coordinator, city=hayward, series={"population": {str(y): -1.5 for y in range(2000, 2101)}},
            expected_version=1, base_year=2022,
        )  # fmt: skip
    assert exc.value.message_dict["series"]


def test_every_engine_code_has_a_sentence():
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            for code, params in ERROR_CODES.items():
                err = plan_services.engine_error(PathwayError(code, **{p: "P" for p in params}))
                ((field, msgs),) = err.message_dict.items()
                assert msgs[0] and "%(" not in msgs[0], code
                if lang == "zh-hans":
                    assert any("\u4e00" <= c <= "\u9fff" for c in msgs[0]), code


def test_wrong_user_refused(other_coordinator, expert, plan, hayward, base):
    for user in (other_coordinator, expert):
        with pytest.raises(PermissionDenied):
            plan_services.plan_measure_save(actor=user, plan=plan, template=template("deep_retrofit"), data={})
        with pytest.raises(PermissionDenied):
            plan_services.plan_create(actor=user, city=hayward, name="X", base_inventory=base)
        with pytest.raises(PermissionDenied):
            plan_services.driver_set_save(actor=user, city=hayward, series={})


def test_concurrent_edit_refused(coordinator, staff, plan):
    plan_services.plan_update(actor=coordinator, plan=plan, expected_version=1, data={"name": "First"})
    stale = ActionPlan.objects.get(pk=plan.pk)
    stale.version = 1
    with pytest.raises(ValidationError):
        plan_services.plan_update(actor=staff, plan=stale, expected_version=1, data={"name": "Second"})
    assert ActionPlan.objects.get(pk=plan.pk).name == "First"


def test_copy_and_publish_and_scope(coordinator, other_coordinator, expert, plan):
    plan_services.plan_measure_save(actor=coordinator, plan=plan, template=template("deep_retrofit"), data={})
    variant = plan_services.plan_copy(actor=coordinator, plan=plan, name="Plan B")
    assert variant.variant_of_id == plan.pk and variant.measures.count() == 1
    assert list(plan_selectors.plan_list(user=other_coordinator)) == []
    assert list(plan_selectors.plan_list(user=expert)) == []
    plan_services.plan_publish(actor=coordinator, plan=plan, expected_version=plan.version)
    assert [p.pk for p in plan_selectors.plan_list(user=other_coordinator)] == [plan.pk]
    assert [p.pk for p in plan_selectors.plan_list(user=expert)] == [plan.pk]
    with pytest.raises(ValidationError):
        plan_services.plan_measure_save(actor=coordinator, plan=plan, template=template("heat_pumps"), data={})
    assert plan.history.count() >= 2


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_per_capita_target_drawn_on_the_plan_page(client_for, coordinator, hayward, base, flat, lang):
    # 0.004 t/person x 200,000 people entered for 2030 = 800 t; the BAU (I 1000 + II 500 t, flat drivers) is 1500 t:
    # a gap of 700 t in 2030
    from citybridge.climate import services

    t = services.target_save(
        actor=coordinator, city=hayward,
        data={"kind": "per_capita", "base_year": 2022, "base_population": 190000, "target_population": 200000,
              "target_year": 2030, "target_value": 0.004},
    )  # fmt: skip
    plan = plan_services.plan_create(
        actor=coordinator, city=hayward, name="PC", base_inventory=base, target=t, end_year=2040
    )
    conv = plan.summary["target"]["conversion"]
    assert conv["driver"] == "population" and conv["origin"] == "entered"
    assert plan.summary["target"]["level"] == pytest.approx(800.0)
    assert plan.summary["target"]["gap_in_target_year"] == pytest.approx(700.0)
    c = client_for(coordinator)
    c.cookies["django_language"] = lang
    body = c.get(f"/climate/plans/{plan.pk}/").content.decode()
    assert "target-conversion" in body and "200,000" in body
    assert ("人均目标已换算为排放量" in body) if lang == "zh-hans" else ("Per-capita target converted" in body)


def test_intensity_and_peak_year_targets_drawn_and_a_year_outside_refused(coordinator, hayward, base, flat):
    from citybridge.climate import services

    # 5 t per USD bn x 150 USD bn entered for 2030 = 750 t (flat GDP driver: 750 t held after 2030)
    t = services.target_save(
        actor=coordinator, city=hayward,
        data={"kind": "intensity", "base_year": 2022, "base_gdp": 140, "target_gdp": 150, "target_year": 2030,
              "target_value": 5, "gdp_unit": "USD bn"},
    )  # fmt: skip
    plan = plan_services.plan_create(actor=coordinator, city=hayward, name="I", base_inventory=base, target=t)
    tgt = plan.summary["target"]
    assert tgt["level"] == pytest.approx(750.0) and tgt["path"][-1] == pytest.approx(750.0)
    assert tgt["conversion"]["driver"] == "gdp" and tgt["conversion"]["gdp_unit"] == "USD bn"
    # peak year 2028: a cap at the BAU of 2028 (1500 t, flat drivers), no path before
    p = services.target_save(actor=coordinator, city=hayward, data={"kind": "peak_year", "target_year": 2028})
    plan2 = plan_services.plan_create(actor=coordinator, city=hayward, name="P", base_inventory=base, target=p)
    path = plan2.summary["target"]["path"]
    assert path[:6] == [None] * 6 and path[6] == pytest.approx(1500.0)  # 2022-2027 none; 2028 on: 1500 t
    late = services.target_save(actor=coordinator, city=hayward, data={"kind": "peak_year", "target_year": 2070})
    with pytest.raises(ValidationError) as e:
        plan_services.plan_create(actor=coordinator, city=hayward, name="L", base_inventory=base, target=late,
                                  end_year=2060)  # fmt: skip
    assert "target_id" in e.value.message_dict
