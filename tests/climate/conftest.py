"""Fixtures for the climate app: two real cities, users in every role that matters, a few library factors with
their real values (EMISSION_FACTORS.md), and helpers to build inventories."""

from __future__ import annotations

import pytest


@pytest.fixture
def cities(db):
    from citybridge.cities.models import City

    def city(gid, en, zh, country, p_en, p_zh, pop):
        return City.objects.create(
            geonames_id=gid,
            name=en,
            name_en=en,
            name_zh_hans=zh,
            country=country,
            province=p_en,
            province_en=p_en,
            province_zh_hans=p_zh,
            population=pop,
            timezone="UTC",
        )

    return {
        "hayward": city(5355933, "Hayward", "海沃德", "US", "California", "加利福尼亚州", 158289),
        "hefei": city(1808722, "Hefei", "合肥", "CN", "Anhui", "安徽", 3310268),
    }


@pytest.fixture
def hayward(cities):
    return cities["hayward"]


@pytest.fixture
def hefei(cities):
    return cities["hefei"]


@pytest.fixture
def coordinator(make_user, hayward):
    return make_user("city_coordinator", city=hayward)


@pytest.fixture
def other_coordinator(make_user, hefei):
    return make_user("city_coordinator", city=hefei)


@pytest.fixture
def expert(make_user):
    return make_user("expert")


@pytest.fixture
def outsider(make_user, organisation):
    """Signed in, but not part of the climate collaborative (an academy coordinator)."""
    return make_user("academy_coordinator", organisation=organisation)


def _factor(code, gas, value, unit, activity_unit, **extra):
    from citybridge.climate.models import EmissionFactor

    defaults = {
        "name_en": code,
        "name_zh_hans": code,
        "region": extra.pop("region", ""),
        "citation": "EMISSION_FACTORS.md",
        "verification": "two_sources",
    }
    defaults.update(extra)
    return EmissionFactor.objects.create(
        code=code, gas=gas, value=value, unit=unit, activity_unit=activity_unit, **defaults
    )


@pytest.fixture
def factors(db):
    """Real values from EMISSION_FACTORS.md (eGRID2022 CAMX; MEE/NBS 2023 East China grid; IPCC 2006 natural gas)."""
    return {
        "camx_co2": _factor(
            "egrid2022-camx-co2", "CO2", 497.443, "lb", "MWh", region="California/WECC (CAMX)", year=2022
        ),
        "camx_ch4": _factor("egrid2022-camx-ch4", "CH4", 0.03, "lb", "MWh", region="California/WECC (CAMX)", year=2022),
        "camx_n2o": _factor(
            "egrid2022-camx-n2o", "N2O", 0.004, "lb", "MWh", region="California/WECC (CAMX)", year=2022
        ),
        "east_china": _factor(
            "mee-nbs-2023-china-east-china-grid",
            "CO2",
            0.55,
            "kg",
            "kWh",
            region="China East China 华东 grid",
            year=2023,
        ),
        "ng_co2": _factor("ipcc2006-co2-natural-gas", "CO2", 56100.0, "kg", "TJ", heating_basis="NCV"),
        "ng_ch4": _factor("ipcc2006-residential-natural-gas-ch4", "CH4", 5.0, "kg", "TJ", heating_basis="NCV"),
        "ng_n2o": _factor("ipcc2006-residential-natural-gas-n2o", "N2O", 0.1, "kg", "TJ", heating_basis="NCV"),
        "diesel_l": _factor("own-diesel-per-litre", "CO2", 2.68, "kg", "L", verification="derived"),
    }


@pytest.fixture
def inventory(coordinator, hayward):
    from citybridge.climate import services

    return services.inventory_create(actor=coordinator, city=hayward, year=2022, gwp_set="AR5", level="BASIC")


@pytest.fixture
def snapshot(db):
    """Every climate row, to prove a refused write changed nothing."""
    from citybridge.climate.models import EmissionFactor, Inventory, InventoryEntry, Target

    def _snap():
        return (
            list(Inventory.objects.order_by("pk").values()),
            list(InventoryEntry.objects.order_by("pk").values()),
            list(Target.objects.order_by("pk").values()),
            list(EmissionFactor.objects.order_by("pk").values()),
        )

    return _snap
