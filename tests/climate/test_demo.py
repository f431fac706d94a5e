"""The demo loader: the factor library from EMISSION_FACTORS.md with citations, CDP inventories and targets, a
coordinator's draft inventory; loading twice changes nothing."""

from __future__ import annotations

import io

import pytest

from citybridge.climate import demo, factors_seed
from citybridge.climate.models import EmissionFactor, Inventory, Target

pytestmark = pytest.mark.django_db


def counts():
    return (
        EmissionFactor.objects.count(),
        Inventory.objects.count(),
        Target.objects.count(),
        sum(i.entries.count() for i in Inventory.objects.all()),
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
    demo.load(io.StringIO())
    assert counts() == first
    assert "climate:" in out.getvalue()
