"""Reads for the climate screens and API, scoped by ``visible_to(user)``; ``<entity>_get`` raises Http404 for an
object that is missing or outside the user's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from citybridge.cities.models import City, IndicatorValue
from citybridge.core.models import User

from . import compute, gpc
from .models import EmissionFactor, Inventory, InventoryEntry, Origin, RecomputeRun, ReviewRequest, Status, Target
from .ranking import Candidate, benchmark_compound_rate, rank_cities


def _get(queryset: QuerySet, pk: Any) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --------------------------------------------------------------------------- factors


def factor_list(*, user: User, q: str = "", gas: str = "", current_only: bool = True) -> QuerySet[EmissionFactor]:
    qs = EmissionFactor.objects.visible_to(user).select_related("city")
    if current_only:
        qs = qs.current()
    if gas:
        qs = qs.filter(gas=gas)
    if q:
        qs = qs.filter(
            Q(code__icontains=q) | Q(name_en__icontains=q) | Q(name_zh_hans__icontains=q) | Q(region__icontains=q)
        )
    return qs.order_by("code", "gas", "id")


def factor_get(*, user: User, pk: Any) -> EmissionFactor:
    return _get(EmissionFactor.objects.visible_to(user).select_related("city", "superseded_by"), pk)


def factor_versions(*, factor: EmissionFactor) -> list[EmissionFactor]:
    return list(EmissionFactor.objects.filter(code=factor.code).order_by("-id"))


def factor_inventories(*, user: User, factor: EmissionFactor) -> QuerySet[Inventory]:
    """The inventories (visible to the user) with an entry computed with any version of this factor."""
    codes = EmissionFactor.objects.filter(code=factor.code).values("pk")
    ids = InventoryEntry.objects.filter(factors__in=codes).values("inventory_id")
    return Inventory.objects.visible_to(user).filter(pk__in=ids).select_related("city").order_by("-year", "id")


# --------------------------------------------------------------------------- inventories


def inventory_list(
    *, user: Any, city_id: int | None = None, year: int | None = None, status: str = ""
) -> QuerySet[Inventory]:
    qs = Inventory.objects.visible_to(user).select_related("city").defer("totals")
    if city_id:
        qs = qs.filter(city_id=city_id)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "city_id", "-revision", "-id")


def inventory_get(*, user: User, pk: Any) -> Inventory:
    return _get(Inventory.objects.visible_to(user).select_related("city", "previous"), pk)


def entry_list(*, inventory: Inventory) -> list[InventoryEntry]:
    entries = list(
        inventory.entries.prefetch_related(
            Prefetch(
                "factors",
                queryset=EmissionFactor.objects.only(
                    "id",
                    "code",
                    "gas",
                    "version",
                    "name_en",
                    "name_zh_hans",
                    "value",
                    "unit",
                    "activity_unit",
                    "citation",
                ),
            )
        )
    )
    entries.sort(key=lambda e: gpc.ref_sort_key(e.gpc_ref))
    return entries


def entry_get(*, user: User, inventory: Inventory, pk: Any) -> InventoryEntry:
    return _get(inventory.entries.all(), pk)


@dataclass
class Line:
    """A GPC line on the inventory page: its reference data and the entry for it (if any)."""

    line: gpc.GpcLine
    entry: InventoryEntry | None
    required: bool


@dataclass
class InventoryPage:
    inventory: Inventory
    lines: list[Line]
    entries: list[InventoryEntry]
    missing: list[gpc.GpcLine]
    series: list[dict] = field(default_factory=list)
    diff: list[dict] = field(default_factory=list)


def inventory_page(*, user: User, inventory: Inventory) -> InventoryPage:
    entries = entry_list(inventory=inventory)
    by_ref = {e.gpc_ref: e for e in entries}
    required = set(gpc.refs_for_level(inventory.level))
    lines = [Line(line, by_ref.get(line.ref), line.ref in required) for line in gpc.gpc_lines()]
    missing = (
        [gpc.gpc_line(ref) for ref in compute.missing_lines(inventory, entries)]
        if inventory.origin == Origin.ENTERED
        else []
    )
    diff = (
        inventory_diff(previous=inventory.previous, current=inventory, current_entries=entries)
        if inventory.previous_id
        else []
    )
    return InventoryPage(
        inventory=inventory,
        lines=lines,
        entries=entries,
        missing=missing,
        series=city_series(user=user, city=inventory.city),
        diff=diff,
    )


def inventory_diff(
    *, previous: Inventory, current: Inventory, current_entries: list[InventoryEntry] | None = None
) -> list[dict]:
    """What changed line by line from the previous revision: added, removed, changed (t CO2e or notation key)."""
    old = {e.gpc_ref: e for e in previous.entries.all()}
    new = {e.gpc_ref: e for e in (current_entries if current_entries is not None else current.entries.all())}
    out = []
    for ref in sorted(set(old) | set(new), key=gpc.ref_sort_key):
        a, b = old.get(ref), new.get(ref)
        if (
            a
            and b
            and (a.co2e, a.notation_key, a.activity_value, a.activity_unit)
            == (b.co2e, b.notation_key, b.activity_value, b.activity_unit)
        ):
            continue
        out.append(
            {
                "ref": ref,
                "change": "added" if a is None else "removed" if b is None else "changed",
                "before": a.co2e if a else None,
                "after": b.co2e if b else None,
                "before_key": a.notation_key if a else "",
                "after_key": b.notation_key if b else "",
            }
        )
    return out


def city_series(*, user: User, city: City) -> list[dict]:
    """The city's inventories over the years (the newest visible revision of each year, BASIC total) and its
    reference figures: CEADs territorial CO2 (energy and industrial processes, not a GPC inventory) and the CDP 2021
    reported scope-1 figure."""
    points: list[dict] = []
    newest: dict[int, Inventory] = {}
    for inv in (
        Inventory.objects.visible_to(user)
        .filter(city=city)
        .only("id", "year", "revision", "total_basic", "origin", "city_id", "status")
    ):
        if inv.origin != Origin.ENTERED:
            continue
        if inv.year not in newest or inv.revision > newest[inv.year].revision:
            newest[inv.year] = inv
    for year, inv in sorted(newest.items()):
        if inv.total_basic is not None:
            points.append({"year": year, "value": inv.total_basic, "series": "inventory"})
    for code, year, value in IndicatorValue.objects.filter(
        city=city, indicator__code__in=["ceads_co2", "cdp_scope1"]
    ).values_list("indicator__code", "year", "value"):
        if year is not None:
            points.append({"year": year, "value": value, "series": "ceads" if code == "ceads_co2" else "cdp"})
    return points


def review_inventories(*, user: User) -> QuerySet[Inventory]:
    return Inventory.objects.filter(
        review_requests__expert=user, status__in=[Status.SUBMITTED, Status.REVIEWED]
    ).select_related("city")


# --------------------------------------------------------------------------- targets


def target_list(*, user: User, city_id: int | None = None) -> QuerySet[Target]:
    qs = Target.objects.visible_to(user).select_related("city")
    if city_id:
        qs = qs.filter(city_id=city_id)
    return qs.order_by("city_id", "target_year", "id")


def target_get(*, user: User, pk: Any) -> Target:
    return _get(Target.objects.visible_to(user).select_related("city"), pk)


# --------------------------------------------------------------------------- ambition compared among peers

#: the countries the ambition ranking filters on
AMBITION_COUNTRIES: tuple[str, ...] = ("US", "CN")


@dataclass
class AmbitionRow:
    """A ranked city: its rank, its most ambitious comparable target (with its city) and that target's rate."""

    rank: int
    target: Target
    annual_rate: float
    is_benchmark: bool = False

    @property
    def city(self) -> City:
        return self.target.city

    @property
    def aligned(self) -> bool | None:
        return ((self.target.ambition or {}).get("benchmark") or {}).get("aligned")

    @property
    def reduction_pct(self) -> float | None:
        return target_reduction_pct(self.target)


@dataclass
class AmbitionBoard:
    """Cities ranked by their most ambitious comparable target (engine: ranking.rank_cities)."""

    rows: list[AmbitionRow]
    #: (target, reason codes) of cities none of whose targets has a rate
    unranked: list[tuple[Target, tuple[str, ...]]]
    median: float | None
    benchmark_rate: float
    #: where the benchmark's reference row goes among ``rows``
    benchmark_at: int

    @property
    def count(self) -> int:
        return len(self.rows)

    def of_city(self, city_id: int) -> AmbitionRow | None:
        return next((r for r in self.rows if r.target.city_id == city_id), None)


def target_reduction_pct(target: Target) -> float | None:
    """The reduction from the base year in percent: as stated, else implied by the target-year emissions."""
    if target.reduction_pct is not None:
        return target.reduction_pct
    emissions = (target.ambition or {}).get("target_emissions_t")
    if emissions is None or not target.base_emissions_t:
        return None
    return 100 * (1 - emissions / target.base_emissions_t)


def _board(targets: list[Target]) -> AmbitionBoard:
    by_id = {t.pk: t for t in targets}
    ranking = rank_cities(
        Candidate(
            city_id=t.city_id,
            target_id=t.pk,
            annual_rate=(t.ambition or {}).get("annual_rate"),
            notes=tuple(n.get("code", "") for n in (t.ambition or {}).get("notes") or [] if isinstance(n, dict)),
            sort_name=t.city.name_en or "",
        )
        for t in targets
    )
    bench = benchmark_compound_rate()
    return AmbitionBoard(
        rows=[AmbitionRow(r.rank, by_id[r.target_id], r.annual_rate) for r in ranking.ranked],
        unranked=[(by_id[u.target_id], u.reasons) for u in ranking.unranked],
        median=ranking.median,
        benchmark_rate=bench,
        benchmark_at=ranking.position_of(bench),
    )


def _ambition_targets(*, user: User, country: str = "", kind: str = "") -> list[Target]:
    qs = Target.objects.visible_to(user).select_related("city")
    if country:
        qs = qs.filter(city__country=country)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("city_id", "id"))


def ambition_board(*, user: User, country: str = "", kind: str = "") -> AmbitionBoard:
    """Every visible target read in one query, cities ranked by the engine (filters: country, type of target)."""
    return _board(_ambition_targets(user=user, country=country, kind=kind))


@dataclass
class Peers:
    """A city compared with its peers: its place among every ranked city and among those of its country."""

    everywhere: AmbitionBoard
    in_country: AmbitionBoard
    row: AmbitionRow | None
    country_row: AmbitionRow | None


def ambition_peers(*, user: User, city: City) -> Peers:
    """The target page's comparison, from one query of every visible target."""
    targets = _ambition_targets(user=user)
    everywhere = _board(targets)
    in_country = _board([t for t in targets if t.city.country == city.country])
    return Peers(everywhere, in_country, everywhere.of_city(city.pk), in_country.of_city(city.pk))


# --------------------------------------------------------------------------- recompute runs


def run_get(*, user: User, pk: Any) -> RecomputeRun:
    return _get(RecomputeRun.objects.visible_to(user).select_related("factor"), pk)


def runs_for(*, user: User, factor: EmissionFactor) -> list[RecomputeRun]:
    return list(RecomputeRun.objects.visible_to(user).filter(factor__code=factor.code)[:5])


def inventory_runs(*, user: User, inventory: Inventory) -> list[RecomputeRun]:
    """The recompute runs that changed this inventory (its history of factor changes: one record per run, not a
    history row per entry). ``inventory`` comes from ``inventory_get``, so it is already in the user's scope."""
    return list(
        inventory.recompute_runs.filter(status="done")
        .select_related("created_by__person")
        .order_by("-finished_at")[:10]
    )


def expert_choices(*, user: User) -> QuerySet:
    """Active users holding the expert role (whom staff may ask to review an inventory)."""
    from citybridge.core.models import User

    return (
        User.objects.filter(is_active=True, role_memberships__role="expert").distinct().order_by("email")
        if user.is_program_staff
        else User.objects.none()
    )


def review_requests_for(*, user: User, inventory: Inventory) -> list[ReviewRequest]:
    """Who was asked to review this inventory (staff see them; ``inventory`` comes from ``inventory_get``)."""
    if not user.is_program_staff:
        return []
    return list(inventory.review_requests.select_related("expert", "requested_by").order_by("created_at"))


def city_choices(*, user: User) -> QuerySet[City]:
    """Cities the user may create inventories and targets for."""
    if user.is_program_staff:
        return City.objects.listed().filter(country__in=("US", "CN")).annotate(n=Count("climate_inventories"))
    return City.objects.filter(pk__in=user.scoped_city_ids())
