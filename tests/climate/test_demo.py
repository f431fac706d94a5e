"""The demo loader: the factor library from EMISSION_FACTORS.md with citations, CDP inventories and targets, a
coordinator's draft inventory and a draft plan on it; loading twice changes nothing."""

from __future__ import annotations

import io

import pytest

from citybridge.climate import demo, factors_seed
from citybridge.climate.models import EmissionFactor, Inventory, Target
from citybridge.climate.plan_models import ActionPlan

pytestmark = pytest.mark.django_db


def counts():
    return (
        EmissionFactor.objects.count(),
        Inventory.objects.count(),
        Target.objects.count(),
        sum(i.entries.count() for i in Inventory.objects.all()),
        ActionPlan.objects.count(),
        sum(p.measures.count() for p in ActionPlan.objects.all()),
    )


def test_demo_is_idempotent_and_cites_every_factor(make_user, hayward):
    make_user("city_coordinator", city=hayward, email=demo.COORDINATOR_EMAIL)
    out = io.StringIO()
    demo.load(out)
    first = counts()
    assert first[0] == len({s.key for s in factors_seed.seed_factors()})
    assert not EmissionFactor.objects.filter(citation="").exists()
    camx = EmissionFactor.objects.get(code="egrid2022-camx-co2")
    assert (camx.value, camx.unit, camx.activity_unit, camx.verification) == (497.443, "lb", "MWh", "two_sources")
    draft = Inventory.objects.get(city=hayward, year=demo.DEMO_YEAR)
    assert draft.entries.count() == 5 and draft.total_basic > 0
    assert Inventory.objects.filter(city=hayward, origin="cdp2021").exists()
    plan = ActionPlan.objects.get(city=hayward)
    assert plan.base_inventory == draft and plan.status == "draft"
    # Hayward's CDP 2021 target: 55 % below its 2005 emissions (1,082,891 t CO2e) by 2030
    assert (plan.target.target_year, plan.target.base_year, float(plan.target.reduction_pct)) == (2030, 2005, 55.0)
    assert list(plan.measures.order_by("position").values_list("measure__key", flat=True)) == list(demo.DEMO_MEASURES)
    assert plan.summary and plan.drivers_label
    demo.load(io.StringIO())
    assert counts() == first
    assert "climate:" in out.getvalue()
