"""Reads for the cities screens and API, scoped by visible_to(user), related rows loaded in one pass.

Every object is fetched through an ``<entity>_get(*, user, pk)`` here, which raises Http404 when the object is
missing or outside the user's scope: a user never learns that an object they cannot see exists (404, not 403)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    CandidateCity,
    City,
    CityPair,
    DataSource,
    ExpressionOfInterest,
    IndicatorDefinition,
    IndicatorValue,
    ReportedTarget,
    SelectionRun,
)

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import Model

    from citybridge.core.models import User


#: indicators shown as key figures on a profile, in this order
KEY_FIGURES = (
    "population",
    "ceads_co2",
    "ceads_co2_per_capita",
    "ceads_co2_trend_5y",
    "cdp_scope1",
    "cdp_scope2",
    "cdp_population",
    "cdp_scope1_per_capita",
    "nangini_scope1",
    "nangini_scope1_population",
    "nangini_scope1_per_capita",
    "nangini_population",
    "nangini_co2_per_gdp",
    "cdp_target_annual_rate",
    "hdd",
    "cdd",
    "household_size",
    "nangini_area",
)


def city_list(
    *, user: User, q: str = "", country: str = "", size_class: str = "", province: str = ""
) -> QuerySet[City]:
    qs = City.objects.visible_to(user).listed()
    if province:  # a code of core.provinces
        qs = qs.filter(province_code=province)
    if q:
        qs = qs.filter(
            Q(name_en__icontains=q)
            | Q(name_zh_hans__icontains=q)
            | Q(province_en__icontains=q)
            | Q(province_zh_hans__icontains=q)
        )
    if country:
        qs = qs.filter(country=country)
    if size_class:
        qs = qs.filter(size_class=size_class)
    return qs.order_by("-population", "id")


def _get(queryset: QuerySet, pk: int) -> Model:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def city_get(*, user: User, pk: int) -> City:
    return _get(City.objects.visible_to(user), pk)


@dataclass
class KeyFigure:
    indicator: IndicatorDefinition
    value: IndicatorValue

    @property
    def note(self) -> str:
        """What the population covers, or which population (source, year, area) a per-person value used."""
        from .labels import figure_note

        return figure_note(self.value)


def pair_list(*, user: User) -> QuerySet[CityPair]:
    """Pairs the user can see, active first (newest first), then ended ones; both cities in the same query."""
    return CityPair.objects.visible_to(user).select_related("us_city", "cn_city").order_by(*CityPair._meta.ordering)


def pair_get(*, user: User, pk: int) -> CityPair:
    return _get(pair_list(user=user), pk)


def city_active_pair(*, user: User, city: City) -> CityPair | None:
    """The city's active pair (a city is in at most one), with both cities, or None."""
    return pair_list(user=user).active().filter(Q(us_city=city) | Q(cn_city=city)).first()


@dataclass
class CityProfile:
    city: City
    figures: list[KeyFigure]
    trend: list[dict]
    targets: list[ReportedTarget]
    peers: list[City]
    sources: list[DataSource]
    candidate: bool
    interests: list[ExpressionOfInterest] = field(default_factory=list)
    pair: CityPair | None = None


def _latest(values: list[IndicatorValue]) -> dict[str, IndicatorValue]:
    out: dict[str, IndicatorValue] = {}
    for v in values:
        cur = out.get(v.indicator.code)
        if cur is None or (v.year or 0) > (cur.year or 0):
            out[v.indicator.code] = v
    return out


def city_profile(*, user: User, city: City) -> CityProfile:
    values = list(IndicatorValue.objects.filter(city=city).select_related("indicator", "source").order_by("year", "id"))
    latest = _latest(values)
    figures = [KeyFigure(latest[c].indicator, latest[c]) for c in KEY_FIGURES if c in latest]
    trend = [{"year": v.year, "value": v.value / 1_000_000} for v in values if v.indicator.code == "ceads_co2"]
    targets = list(ReportedTarget.objects.filter(city=city).select_related("source"))
    peers = city_peers(city=city)
    used = {v.source_id: v.source for v in values}
    for t in targets:
        used[t.source_id] = t.source
    interests = list(ExpressionOfInterest.objects.visible_to(user).filter(city=city)[:5])
    return CityProfile(
        city=city,
        figures=figures,
        trend=trend,
        targets=targets,
        peers=peers,
        sources=sorted(used.values(), key=lambda s: s.code),
        candidate=CandidateCity.objects.filter(city=city).exists(),
        interests=interests,
        pair=city_active_pair(user=user, city=city),
    )


def city_peers(*, city: City, limit: int = 6) -> list[City]:
    """Cities of the same group, size class and climate zone, nearest in population (log scale)."""
    qs = City.objects.listed().filter(country=city.country, size_class=city.size_class).exclude(pk=city.pk)
    if city.climate_zone:
        qs = qs.filter(climate_zone=city.climate_zone)
    pop = city.population or 1
    lo, hi = pop / 3, pop * 3
    cands = list(
        qs.filter(population__gte=lo, population__lte=hi).only(
            "id", "name_en", "name_zh_hans", "population", "province_en", "province_zh_hans", "country"
        )
    )
    cands.sort(key=lambda c: (abs(math.log((c.population or 1) / pop)), c.pk))
    return cands[:limit]


def indicator_list() -> QuerySet[IndicatorDefinition]:
    return IndicatorDefinition.objects.select_related("derivation__numerator", "derivation__denominator")


def indicators_with_data() -> list[IndicatorDefinition]:
    """Indicators that have at least one value, with the number of cities per group that have one."""
    from django.db.models import Count

    inds = list(
        indicator_list().annotate(
            ca=Count("values__city", filter=Q(values__city__country="US"), distinct=True),
            cn=Count("values__city", filter=Q(values__city__country="CN"), distinct=True),
        )
    )
    return [i for i in inds if i.ca or i.cn]


def city_values(*, user: User, city: City) -> QuerySet[IndicatorValue]:
    return (
        IndicatorValue.objects.visible_to(user)
        .filter(city=city)
        .select_related("indicator", "source")
        .order_by("indicator__code", "year")
    )


def interest_list(*, user: User) -> QuerySet[ExpressionOfInterest]:
    return ExpressionOfInterest.objects.visible_to(user).select_related("city")


def interest_get(*, user: User, pk: int) -> ExpressionOfInterest:
    return _get(interest_list(user=user), pk)


def candidate_pool(*, user: User) -> QuerySet[CandidateCity]:
    if not user.has_perm("cities.manage_pool"):
        return CandidateCity.objects.none()
    return CandidateCity.objects.select_related("city")


def run_list(*, user: User) -> QuerySet[SelectionRun]:
    return SelectionRun.objects.visible_to(user).select_related("created_by").defer("result")


def run_get(*, user: User, pk: int) -> SelectionRun:
    return _get(SelectionRun.objects.visible_to(user).select_related("created_by"), pk)


def done_run_get(*, user: User, pk: int) -> SelectionRun:
    """A run the user can see that has a result (exports, comparison); Http404 otherwise."""
    run = run_get(user=user, pk=pk)
    if not run.is_done:
        raise Http404
    return run


def run_history(*, run: SelectionRun) -> QuerySet:
    return run.history.select_related("history_user__person").order_by("-history_date")


def compare_runs(a: SelectionRun, b: SelectionRun) -> dict:
    sa, sb = set(a.result["selected"]), set(b.result["selected"])
    labels = {**a.result.get("labels", {}), **b.result.get("labels", {})}
    pa, pb = a.parameters, b.parameters
    weights_a = {c["code"]: c["weight"] for c in pa["criteria"]}
    weights_b = {c["code"]: c["weight"] for c in pb["criteria"]}
    changed = []
    for key in sorted(set(pa) | set(pb)):
        if key == "criteria":
            continue
        if pa.get(key) != pb.get(key):
            changed.append({"key": key, "a": pa.get(key), "b": pb.get(key)})
    rows = []
    for cid in sorted(
        sa | sb,
        key=lambda i: (
            a.result["scores"].get(i, b.result["scores"].get(i, {})).get("group", ""),
            labels.get(i, {}).get("en", i),
        ),
    ):
        sc_a, sc_b = a.result["scores"].get(cid), b.result["scores"].get(cid)
        rows.append(
            {
                "id": cid,
                "labels": labels.get(cid, {}),
                "group": (sc_a or sc_b or {}).get("group", ""),
                "in_a": cid in sa,
                "in_b": cid in sb,
                "score_a": sc_a["score"] if sc_a else None,
                "score_b": sc_b["score"] if sc_b else None,
                "rank_a": sc_a["rank_in_group"] if sc_a else None,
                "rank_b": sc_b["rank_in_group"] if sc_b else None,
                "robustness_a": a.result.get("robustness", {}).get(cid),
                "robustness_b": b.result.get("robustness", {}).get(cid),
            }
        )
    return {
        "rows": rows,
        "both": sorted(sa & sb, key=lambda i: labels.get(i, {}).get("en", i)),
        "only_a": sorted(sa - sb, key=lambda i: labels.get(i, {}).get("en", i)),
        "only_b": sorted(sb - sa, key=lambda i: labels.get(i, {}).get("en", i)),
        "labels": labels,
        "weights": [
            {"code": c, "a": weights_a.get(c), "b": weights_b.get(c)} for c in sorted(set(weights_a) | set(weights_b))
        ],
        "changed": changed,
        "objective_a": a.result["objective"],
        "objective_b": b.result["objective"],
    }


def run_stuck_count(*, now: datetime | None = None) -> int:
    """Runs still marked running whose worker's lease has expired (for /healthz; reading changes nothing)."""
    return SelectionRun.objects.stuck(now).count()
