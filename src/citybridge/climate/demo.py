"""Demo data for the climate app: the factor library seeded from the engine's factors_seed (EMISSION_FACTORS.md,
each row with its citation and status), the CDP 2021 city-wide inventories and targets of the registry's cities, and
one draft inventory for the demo city coordinator (Hayward). Idempotent."""

from __future__ import annotations

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from citybridge.cities.models import City
from citybridge.core.models import User

from . import cdp, factors_seed, services
from .models import EmissionFactor, Inventory, Verification

COORDINATOR_EMAIL = "hayward@citybridge.local"
DEMO_YEAR = 2022


def _name(seed: factors_seed.SeedFactor) -> str:
    head = seed.method_note.split(":")[0].strip() or seed.key
    return f"{head} ({seed.gas}, {seed.region})"[:200]


def seed_library() -> int:
    """Create the factors of the seed that are not in the library yet (matched by code); returns how many."""
    present = set(EmissionFactor.objects.values_list("code", flat=True))
    rows = []
    for seed in factors_seed.seed_factors():
        if seed.key in present:
            continue
        mass, _sep, per = seed.unit.partition("/")
        status = seed.status if seed.status in Verification.values else Verification.NOT_VERIFIED
        rows.append(
            EmissionFactor(
                code=seed.key[:80],
                name_en=_name(seed),
                gas=seed.gas,
                value=seed.value,
                unit=mass,
                activity_unit=seed.activity_unit or per,
                region=seed.region[:100],
                year=seed.year,
                heating_basis=seed.basis or "",
                method_note_en=seed.method_note,
                citation=seed.source,
                verification=status,
            )
        )
        present.add(seed.key)
    bulk_create_with_history(rows, EmissionFactor)
    return len(rows)


def _demo_inventory(user: User, city: City) -> None:
    if Inventory.objects.filter(city=city, year=DEMO_YEAR).exists():
        return
    inventory = services.inventory_create(actor=user, city=city, year=DEMO_YEAR, gwp_set="AR5", level="BASIC")
    f = {
        code: EmissionFactor.objects.current().filter(code=code).first()
        for code in (
            "egrid2022-camx-co2",
            "egrid2022-camx-ch4",
            "egrid2022-camx-n2o",
            "epa-hub-natural-gas-stationary-co2",
            "epa-hub-natural-gas-stationary-ch4",
            "epa-hub-natural-gas-stationary-n2o",
        )
    }
    if not all(f.values()):
        return
    grid = [f["egrid2022-camx-co2"].pk, f["egrid2022-camx-ch4"].pk, f["egrid2022-camx-n2o"].pk]
    gas = [
        f["epa-hub-natural-gas-stationary-co2"].pk,
        f["epa-hub-natural-gas-stationary-ch4"].pk,
        f["epa-hub-natural-gas-stationary-n2o"].pk,
    ]
    # illustrative activity figures for the demo (not Hayward's real consumption)
    for data in (
        {
            "gpc_ref": "I.1.1",
            "activity_value": 1_200_000,
            "activity_unit": "MMBtu",
            "factor_ids": gas,
            "data_quality": "medium",
            "source": "Demo figure",
        },
        {
            "gpc_ref": "I.1.2",
            "activity_value": 380_000,
            "activity_unit": "MWh",
            "factor_ids": grid,
            "data_quality": "high",
            "source": "Demo figure",
        },
        {
            "gpc_ref": "I.2.2",
            "activity_value": 450_000,
            "activity_unit": "MWh",
            "factor_ids": grid,
            "data_quality": "high",
            "source": "Demo figure",
        },
        {"gpc_ref": "I.4.1", "notation_key": "NO", "explanation": "No power plant in the city boundary."},
        {
            "gpc_ref": "II.1.1",
            "emissions": [{"gas": "CO2", "value": 410_000, "unit": "t"}],
            "data_quality": "low",
            "source": "Demo figure",
        },
    ):
        services.entry_save(actor=user, inventory=inventory, data=data)


@transaction.atomic
def load(stdout=None) -> None:  # noqa: ANN001
    created = seed_library()
    inventories = cdp._import_inventories()
    targets = cdp._import_targets() if not cdp.Target.objects.filter(source="cdp2021").exists() else None
    user = User.objects.filter(email=COORDINATOR_EMAIL).first()
    city = City.objects.filter(country="US", name_en="Hayward").first()
    if user and city and user.has_perm("climate.add_inventory", city):
        _demo_inventory(user, city)
    if stdout:
        stdout.write(
            f"climate: {EmissionFactor.objects.count()} factors ({created} new), "
            f"{inventories.created} CDP inventories new, {inventories.updated} refreshed, "
            f"{targets.created if targets else 0} CDP targets new"
        )
