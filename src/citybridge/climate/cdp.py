"""CDP 2021 city-wide emissions → reported inventories, CDP 2021 targets → targets.

Source (bundled extracts under ``data/cities/``, matched to the registry through its tested alias table):
CDP Open Data Portal, "2021 City-wide Emissions" and "2021 Cities Emissions Reduction Targets". "This data was
collected in partnership by CDP and ICLEI - Local Governments for Sustainability." Self-reported, unverified.

A reported inventory stores the published figures verbatim (``totals["reported"]``): its BASIC, BASIC+ and scope
totals are CDP's columns, never recomputed; a figure the city did not report stays empty.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citybridge.cities import sources
from citybridge.cities.models import City
from citybridge.core.models import User
from citybridge.core.services import require

from .models import Inventory, Origin, Status, Target, TargetKind
from .services import clean_target

ATTRIBUTION = (
    "CDP Open Data Portal, 2021 City-wide Emissions. This data was collected in partnership by CDP and ICLEI - "
    "Local Governments for Sustainability. Self-reported, unverified."
)
TARGET_ATTRIBUTION = (
    "CDP Open Data Portal, 2021 Cities Emissions Reduction Targets. This data was collected in partnership by CDP "
    "and ICLEI - Local Governments for Sustainability. Self-reported, unverified."
)

#: the published columns kept on a reported inventory (key → CDP 2021 column), tonnes CO2e
COLUMNS = {
    "scope1_generation": "Direct emissions (metric tonnes CO2e) for Total generation of grid-supplied energy",
    "scope1_excl_generation": "Direct emissions (metric tonnes CO2e) for Total emissions (excluding generation of "
    "grid-supplied energy)",
    "scope2_generation": "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total "
    "generation of grid supplied energy",
    "scope2_excl_generation": "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total "
    "Emissions (excluding generation of grid-supplied energy)",
    "scope3_generation": "Emissions occurring outside city boundary (metric tonnes CO2e) for Total Generation of "
    "grid supplied energy",
    "scope3_excl_generation": "Emissions occurring outside city boundary (metric tonnes CO2e) for Total Emissions "
    "(excluding generation of grid-supplied energy)",
    "total_scope1": "TOTAL Scope 1 Emissions (metric tonnes CO2e)",
    "total_scope2": "TOTAL Scope 2 emissions (metric tonnes CO2e)",
    "total_scope3": "TOTAL Scope 3 Emissions",
    "basic": "TOTAL BASIC Emissions (GPC)",
    "basic_plus": "TOTAL BASIC+ Emissions (GPC)",
}


def _num(text: str | None) -> float | None:
    d = sources._dec(text)
    return float(d) if d is not None else None


@dataclass
class CdpReport:
    created: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _scope_total(reported: dict, scope: str) -> float | None:
    """A scope's total: CDP's TOTAL column, or else the sum of the two parts the row reports, the emissions
    excluding the generation of grid-supplied energy and those of that generation (GPC's scope 1 holds both: the
    generation, I.4.4, is left out of BASIC only). Where only one part is reported, that part."""
    total = reported[f"total_scope{scope}"]
    if total is not None:
        return total
    parts = [
        v for v in (reported[f"scope{scope}_excl_generation"], reported[f"scope{scope}_generation"]) if v is not None
    ]
    return float(sum(Decimal(str(v)) for v in parts)) if parts else None  # exact: 797588.59 + … stays 2 decimals


def reported_totals(row: dict[str, str]) -> dict:
    """The inventory totals of one CDP row: the published figures, unchanged (None where not reported), and each
    scope's total (_scope_total)."""
    reported = {key: _num(row.get(column)) for key, column in COLUMNS.items()}
    by_scope = {k: v for k in "123" if (v := _scope_total(reported, k)) is not None}
    generation_known = reported["total_scope1"] is not None or reported["scope1_generation"] is not None
    return {
        "basic": reported["basic"],
        "basic_plus": reported["basic_plus"],
        # GPC territorial scope-1 total: every scope-1 emission in the boundary, incl. generation supplied to the grid
        # (not known when the row reports neither the total nor the generation)
        "territorial_scope1": by_scope.get("1") if generation_known else None,
        "by_sector": {},
        "by_subsector": {},
        "by_scope": by_scope,
        "by_gas": {},
        "by_gas_co2e": {},
        "reported": reported,
        "rules": {},
    }


def _rows(path: Path | None) -> list[dict[str, str]]:
    path = path or sources.DATA_DIR / sources.CDP_EMISSIONS_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _matched_cities(source: str, names: list[str]) -> dict[str, City]:
    aliases = sources.read_aliases()
    by_gid = {
        c.geonames_id: c
        for c in City.objects.filter(geonames_id__isnull=False).only("id", "geonames_id", "name_en", "name_zh_hans")
    }
    match = sources.match(source, names, aliases, set(by_gid))
    return {name: by_gid[gid] for name, gid in match.matched.items()}


def cdp_inventories_import(*, actor: User, path: Path | None = None) -> CdpReport:
    require(actor, "climate.import_cdp")
    return _import_inventories(path=path)


@transaction.atomic
def _import_inventories(*, path: Path | None = None) -> CdpReport:
    """No permission check: the demo loader and the console only (requests go through cdp_inventories_import)."""
    rows = _rows(path)
    cities = _matched_cities(sources.SOURCE_CDP_EMISSIONS, [r["Organization"] for r in rows])
    report = CdpReport()
    for row in rows:
        name = row["Organization"]
        city = cities.get(name)
        year = sources._year_end(row.get("Accounting year", ""))
        if city is None:
            report.skipped.append((name, _("not matched to a city in the registry")))
            continue
        if year is None or (row.get("City-wide emissions inventory") or "").strip() != "Yes":
            report.skipped.append((name, _("no city-wide inventory reported")))
            continue
        totals = reported_totals(row)
        existing = Inventory.objects.filter(city=city, year=year, origin=Origin.CDP2021).first()
        values = {
            "totals": totals,
            "total_basic": totals["basic"],
            "total_basic_plus": totals["basic_plus"],
            "total_territorial": totals["territorial_scope1"],
            "computed_at": timezone.now(),
            "boundary": (row.get("Inventory boundary (compared to Administrative city boundary)") or "")[:5000],
            "reported_source": f"{ATTRIBUTION} {_('Protocol')}: {row.get('Primary Protocol') or '—'}; "
            f"{_('gases')}: {row.get('Gases Included') or '—'}; {_('accounting year')}: {row.get('Accounting year')}",
        }
        if existing:
            for k, v in values.items():
                setattr(existing, k, v)
            existing.save()
            report.updated += 1
            continue
        if Inventory.objects.filter(city=city, year=year).exists():
            report.skipped.append((name, _("the city already has an inventory for that year")))
            continue
        Inventory.objects.create(
            city=city, year=year, origin=Origin.CDP2021, status=Status.PUBLISHED, published_at=timezone.now(), **values
        )
        report.created += 1
    return report


TARGET_KINDS = {
    "Base year emissions (absolute) target": TargetKind.BASE_YEAR,
    "Fixed level target": TargetKind.FIXED_LEVEL,
}


def cdp_targets_import(*, actor: User, path: Path | None = None) -> CdpReport:
    require(actor, "climate.import_cdp")
    return _import_targets(path=path)


@transaction.atomic
def _import_targets(*, path: Path | None = None) -> CdpReport:
    """Absolute base-year and fixed-level targets become targets (with their ambition); intensity and
    business-as-usual targets, and rows missing a figure the type needs, are reported as skipped."""
    from . import compute

    path = path or sources.DATA_DIR / sources.CDP_TARGETS_FILE
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cities = _matched_cities(sources.SOURCE_CDP_TARGETS, [r["Organization"] for r in rows])
    report = CdpReport()
    Target.objects.filter(source="cdp2021").delete()
    for row in rows:
        name = row["Organization"]
        city = cities.get(name)
        kind = TARGET_KINDS.get(row.get("Type.of.target", ""))
        if city is None:
            report.skipped.append((name, _("not matched to a city in the registry")))
            continue
        if kind is None:
            report.skipped.append(
                (name, _("type of target not imported: %(type)s") % {"type": row.get("Type.of.target")})
            )
            continue
        level = _num(row.get("Target.year.absolute.emissions..metric.tonnes.CO2e."))
        data = {
            "kind": kind,
            "base_year": sources._int(row.get("Base.year")),
            "base_emissions_t": _num(row.get("Base.year.emissions..metric.tonnes.CO2e.")),
            "reduction_pct": _num(row.get("Percentage.reduction.target")),
            "target_year": sources._int(row.get("Target.year")),
            "target_value": level if kind == TargetKind.FIXED_LEVEL else None,
            "description": (sources._na(row.get("Target.description")) or "")[:5000],
        }
        try:
            clean = clean_target(data)
        except ValidationError as exc:
            report.skipped.append((name, "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())))
            continue
        target = Target(city=city, source="cdp2021", **clean)
        target.description = (target.description + "\n" + TARGET_ATTRIBUTION).strip()
        try:
            target.ambition = compute.target_ambition(target)
        except ValidationError as exc:
            report.skipped.append((name, "; ".join(exc.messages)))
            continue
        target.save()
        report.created += 1
    return report


def published_figure(value: float | None) -> Decimal | None:
    """For tests and the page: a reported figure as the decimal CDP published."""
    return None if value is None else Decimal(repr(value))
