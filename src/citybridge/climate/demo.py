"""Demo data for the climate app: the factor library seeded from the engine's factors_seed (EMISSION_FACTORS.md,
each row with its citation and status), the CDP 2021 city-wide inventories and targets of the registry's cities, and
one draft inventory for the demo city coordinator (Hayward) and a draft action plan on it: Hayward's CDP target
(55 % below 2005 by 2030), the sourced default drivers and five catalogue measures at their catalogue settings.
Idempotent."""

from __future__ import annotations

import re
from typing import TextIO

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from citybridge.cities.models import City
from citybridge.core.models import User

from . import cdp, factors_seed, plan_services, services
from .factor_citations import citation
from .factor_notes_zh import method_note_zh, region_zh
from .models import EmissionFactor, Inventory, Target, Verification
from .plan_models import ActionPlan, MeasureTemplate

COORDINATOR_EMAIL = "hayward@citybridge.local"
DEMO_YEAR = 2022
#: the demo plan's measures (catalogue keys): buildings, electricity, transport and waste
DEMO_MEASURES = (
    "building_benchmarking",
    "heat_pumps",
    "clean_electricity_standard",
    "electric_cars",
    "food_waste_diversion",
)


def _name(seed: factors_seed.SeedFactor) -> str:
    head = seed.method_note.split(":")[0].strip() or seed.key
    return f"{head} ({seed.gas}, {seed.region})"[:200]


# --- Chinese names of the seeded factors (docs/glossary.md: 排放因子, 电网排放因子; fuels by their usual names) ---

_FUELS_ZH = (  # most specific first: the first fragment found in the English head names the fuel
    ("Coal (anthracite", "煤炭"),
    ("Oil (gasoline", "油品"),
    ("Coke oven coke / lignite coke", "焦炉焦炭/褐煤焦炭"),
    ("Other bituminous coal", "其他烟煤"),
    ("Sub-bituminous coal", "次烟煤"),
    ("Coking coal", "炼焦煤"),
    ("Anthracite", "无烟煤"),
    ("Lignite", "褐煤"),
    ("Motor gasoline", "车用汽油"),
    ("Gas/diesel oil", "柴油"),
    ("Diesel", "柴油"),
    ("Residual fuel oil", "残渣燃料油"),
    ("Jet kerosene", "航空煤油"),
    ("Other kerosene", "其他煤油"),
    ("Wood / wood waste", "木材/木材废料"),
    ("Wood", "木材"),
    ("LPG", "液化石油气"),
    ("CNG", "压缩天然气"),
    ("Natural gas", "天然气"),
    ("Coal", "煤炭"),
    ("Oil", "油品"),
    ("Gasoline", "汽油"),
)
_USES_ZH = (
    ("Energy industries", "能源工业"),
    ("Commercial / institutional", "商业/机构"),
    ("Residential", "居民生活"),
    ("Road", "道路交通"),
    ("2c. Mobile (road)", "道路交通"),
    ("stationary", "固定源"),
)
_VARIANTS_ZH = (
    ("uncontrolled", "无控制"),
    ("oxidation catalyst", "氧化催化器"),
    ("low-mileage light-duty vehicles, 1995 or later", "低里程轻型车，1995年及以后"),
)
_UTILITIES = ("PG&E", "SCE", "SDG&E", "LADWP", "SMUD")


_region_zh = region_zh


def _name_zh(seed: factors_seed.SeedFactor) -> str:
    """The factor's Chinese name, built from the same seed fields as the English one (fuel or grid, gas, region)."""
    head = seed.method_note.split(":")[0].strip() or seed.key
    region = _region_zh(seed.region)
    year = f"{seed.year}年" if seed.year else ""
    if (
        "electricity" in head
        or "eGRID" in head
        or seed.region.startswith(("California", "China"))
        or any(head.startswith(u) for u in _UTILITIES)
    ):
        if "unspecified imports" in head:
            what = "未指定来源进口电力排放因子（CARB MRR §95111）"
        elif "Statewide" in head:
            what = "全州平均零售电力排放因子"
        elif any(head.startswith(u) for u in _UTILITIES):
            utility = head.split(" (")[0].split(" delivered")[0].removesuffix(" bundled")
            what = f"{utility}电力排放因子"
        elif "eGRID" in head:
            what = "电网排放因子（eGRID" + re.search(r"eGRID(\d{4})", head).group(1) + "）"
        elif "national fossil-fuel" in head:
            what = "全国化石能源电力排放因子"
        elif "excl. market-traded" in head:
            what = "全国电力排放因子（不含市场化交易非化石能源电量）"
        elif "enterprise reporting" in head:
            what = "全国电网排放因子（企业温室气体排放报告）"
        else:
            what = "电网排放因子"
        if "US average" in head:
            region = "美国平均"
        return f"{what}（{seed.gas}，{region}{'，' + year if year else ''}）"[:200]
    fuel = next((zh for en, zh in _FUELS_ZH if en.lower() in head.lower()), "")
    use = next((zh for en, zh in _USES_ZH if en.lower() in head.lower()), "")
    variant = next((zh for en, zh in _VARIANTS_ZH if en in head), "")
    parts = "，".join(p for p in (use, variant) if p)
    label = f"{fuel}（{parts}）" if parts else fuel or head
    return f"{label}排放因子（{seed.gas}，{region}）"[:200]


def _fill_chinese_names() -> int:
    """Give the seeded factors that lack one their Chinese name and method note (libraries seeded before they
    existed). Only the seed's own text is filled: a note staff wrote stays."""
    from django.db.models import Q

    seeds = {s.key[:80]: s for s in factors_seed.seed_factors()}
    missing = list(
        EmissionFactor.objects.filter(code__in=list(seeds)).filter(
            Q(name_zh_hans__isnull=True)
            | Q(name_zh_hans="")
            | Q(method_note_zh_hans__isnull=True)
            | Q(method_note_zh_hans="")
        )
    )
    for factor in missing:
        seed = seeds[factor.code]
        factor.name_zh_hans = factor.name_zh_hans or _name_zh(seed)
        if factor.method_note_en == seed.method_note:
            factor.method_note_zh_hans = factor.method_note_zh_hans or method_note_zh(seed) or None
    EmissionFactor.objects.bulk_update(missing, ["name_zh_hans", "method_note_zh_hans"], batch_size=200)
    return len(missing)


def _fill_citations() -> int:
    """Libraries seeded before the citations named their publications carry the facts sheet's verification record
    as citation ("✔✔ a secondary source (EPA Hub 2025: …); a secondary source"): give each the seed's citation
    (factor_citations). A citation staff wrote stays."""
    seeds = {s.key[:80]: s for s in factors_seed.seed_factors()}
    stale = [
        f
        for f in EmissionFactor.objects.filter(code__in=list(seeds)).only("id", "code", "citation")
        if f.citation == seeds[f.code].source
    ]
    for factor in stale:
        factor.citation = citation(seeds[factor.code])
    EmissionFactor.objects.bulk_update(stale, ["citation"], batch_size=200)
    return len(stale)


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
                name_zh_hans=_name_zh(seed),
                gas=seed.gas,
                value=seed.value,
                unit=mass,
                activity_unit=seed.activity_unit or per,
                region=seed.region[:100],
                year=seed.year,
                heating_basis=seed.basis or "",
                method_note_en=seed.method_note,
                method_note_zh_hans=method_note_zh(seed) or None,
                citation=citation(seed),
                verification=status,
            )
        )
        present.add(seed.key)
    bulk_create_with_history(rows, EmissionFactor)
    _fill_chinese_names()
    _fill_citations()
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


def _demo_plan(user: User, city: City) -> None:
    """A draft plan on the demo inventory, towards the city's CDP 2030 target, with the catalogue's measures as the
    catalogue sets them (shares, years, sources), so the pathway, wedges and gap pages have something to show."""
    inventory = Inventory.objects.filter(city=city, year=DEMO_YEAR).first()
    if inventory is None or ActionPlan.objects.filter(city=city).exists():
        return
    target = Target.objects.filter(city=city, source="cdp2021", target_year=2030).order_by("pk").first()
    plan = plan_services.plan_create(
        actor=user, city=city, name="Hayward climate action plan (demo)", base_inventory=inventory, target=target,
        end_year=2050,
    )  # fmt: skip
    for template in sorted(
        MeasureTemplate.objects.filter(key__in=DEMO_MEASURES), key=lambda t: DEMO_MEASURES.index(t.key)
    ):
        plan_services.plan_measure_save(actor=user, plan=plan, template=template, data={})


@transaction.atomic
def load(stdout: TextIO | None = None) -> None:
    created = seed_library()
    inventories = cdp._import_inventories()
    targets = cdp._import_targets() if not cdp.Target.objects.filter(source="cdp2021").exists() else None
    user = User.objects.filter(email=COORDINATOR_EMAIL).first()
    city = City.objects.filter(country="US", name_en="Hayward").first()
    if user and city and user.has_perm("climate.add_inventory", city):
        _demo_inventory(user, city)
        _demo_plan(user, city)
    if stdout:
        stdout.write(
            f"climate: {EmissionFactor.objects.count()} factors ({created} new), "
            f"{inventories.created} CDP inventories new, {inventories.updated} refreshed, "
            f"{targets.created if targets else 0} CDP targets new"
        )
