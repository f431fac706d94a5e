"""What the plan page reads from a pathway: the gap to target, the marginal abatement cost curve, cumulative avoided
emissions, the measures ranked by contribution, and progress of actual inventories against the pathway."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .bau import SECTOR_INDEX, SECTORS, Bau
from .errors import PathwayError
from .measures import uptake_of
from .plan import Pathway, Wedges


@dataclass(frozen=True)
class Target:
    """A base-year target (``reduction_share`` below ``base_emissions`` of ``base_year`` by ``target_year``) or a
    fixed level (``fixed_level`` t CO2e in ``target_year``). The path to it is a straight line from the base year
    (or, for a fixed level, from the pathway's first year at BAU) to the target year, held flat afterwards."""

    target_year: int
    base_year: int | None = None
    base_emissions: float | None = None
    reduction_share: float | None = None
    fixed_level: float | None = None
    #: (T,) levels from the target year on, for targets converted with a driver (``converted_target``): per capita x
    #: projected population, intensity x projected GDP; None: the level held flat
    hold: tuple[float, ...] | None = None
    #: a cap from the target year on with no path before it (a peak year)
    cap_only: bool = False

    def level(self) -> float:
        if self.fixed_level is not None:
            v = float(self.fixed_level)
            if not math.isfinite(v) or v < 0:
                raise PathwayError("target_invalid", field="fixed_level", value=str(self.fixed_level))
            return v
        if self.base_emissions is None or self.reduction_share is None or self.base_year is None:
            raise PathwayError("target_invalid", field="base_emissions", value="")
        r = float(self.reduction_share)
        if not (0.0 <= r <= 1.0):
            raise PathwayError("target_invalid", field="reduction_share", value=str(self.reduction_share))
        b = float(self.base_emissions)
        if not math.isfinite(b) or b <= 0:
            raise PathwayError("target_invalid", field="base_emissions", value=str(self.base_emissions))
        return b * (1.0 - r)


@dataclass(frozen=True)
class Conversion:
    """How a per-capita, intensity or peak-year target became an emissions path: the kind, the driver used
    (``population``, ``gdp`` or ``bau``), the driver's value in the target year and where it came from
    (``entered`` with the target, or ``projected`` from an anchor year with the BAU's driver index)."""

    kind: str
    driver: str
    driver_value: float
    origin: str
    anchor_year: int | None
    level: float


def converted_target(
    bau: Bau,
    kind: str,
    target_year: int,
    *,
    value: float | None = None,
    anchor_year: int | None = None,
    anchor_value: float | None = None,
    target_driver: float | None = None,
) -> tuple[Target, Conversion]:
    """A per-capita (t CO2e per person), intensity (t CO2e per unit GDP) or peak-year target as an emissions path:

    * ``per_capita``: level(t) = value x population(t) from the target year on; population(t) = ``anchor_value``
      (people in ``anchor_year``) x population index(t) / index(anchor_year) — the BAU's population driver — or, in
      the target year, ``target_driver`` when the target states its own population for that year (it then scales the
      later years by the driver index too).
    * ``intensity``: the same with GDP (``anchor_value`` in the target's GDP unit, the BAU's GDP driver).
    * ``peak_year``: a cap from ``target_year`` on at the BAU's emissions in that year (emissions must not rise
      above where business as usual would be when they peak); no path before it.

    Before the target year, per-capita and intensity paths run straight from the BAU's first year, as a fixed level
    does. Raises PathwayError when the year is outside the projection or an input is missing or not positive."""
    years = bau.years
    first, last = int(years[0]), int(years[-1])
    if not (first <= target_year <= last):
        raise PathwayError("target_year_outside_projection", target_year=target_year, first_year=first, last_year=last)
    it = int(np.flatnonzero(years == target_year)[0])
    if kind == "peak_year":
        level = float(bau.total[it])
        return Target(target_year, fixed_level=level, cap_only=True), Conversion(
            kind, "bau", level, "projected", None, level
        )
    if kind not in ("per_capita", "intensity"):
        raise PathwayError("target_invalid", field="kind", value=kind)
    driver = "population" if kind == "per_capita" else "gdp"
    index = bau.arrays.population_index[0] if kind == "per_capita" else bau.arrays.gdp_index[0]
    v = float(value) if value is not None else float("nan")
    if not (math.isfinite(v) and v >= 0):
        raise PathwayError("target_invalid", field="target_value", value=str(value))
    if target_driver is not None:
        d_t = float(target_driver)
        if not (math.isfinite(d_t) and d_t > 0):
            raise PathwayError("target_invalid", field=f"target_{driver}", value=str(target_driver))
        scale = d_t / float(index[it])
        origin, anchor = "entered", target_year
    else:
        if anchor_year is None or anchor_value is None or not (first <= anchor_year <= last):
            raise PathwayError("target_invalid", field=f"base_{driver}", value=str(anchor_value))
        a = float(anchor_value)
        if not (math.isfinite(a) and a > 0):
            raise PathwayError("target_invalid", field=f"base_{driver}", value=str(anchor_value))
        scale = a / float(index[int(np.flatnonzero(years == anchor_year)[0])])
        origin, anchor = "projected", anchor_year
    projected = scale * index  # (T,) people, or GDP in the target's unit
    hold = v * projected
    level = float(hold[it])
    return Target(target_year, fixed_level=level, hold=tuple(float(h) for h in hold)), Conversion(
        kind, driver, float(projected[it]), origin, anchor, level
    )


@dataclass(frozen=True)
class Gap:
    years: np.ndarray
    target_path: np.ndarray  # (T,) t CO2e; NaN before the target's base year
    gap: np.ndarray  # (T,) plan minus target path (positive = above the target: still to close)
    target_year: int
    target_level: float
    gap_in_target_year: float
    bau_gap_in_target_year: float
    met: bool


def gap_to_target(pw: Pathway, target: Target) -> Gap:
    years = pw.years
    first, last = int(years[0]), int(years[-1])
    if not (first <= target.target_year <= last):
        raise PathwayError(
            "target_year_outside_projection", target_year=target.target_year, first_year=first, last_year=last
        )
    level = target.level()
    if target.fixed_level is not None:
        y0, e0 = first, float(pw.bau_total[0])
    else:
        y0, e0 = int(target.base_year), float(target.base_emissions)
        if y0 >= target.target_year:
            raise PathwayError("target_invalid", field="base_year", value=str(y0))
    yt = target.target_year
    path = np.where(years >= yt, level, e0 + (level - e0) * (years - y0) / max(yt - y0, 1))
    path = np.where(years < y0, np.nan, path)
    if target.cap_only:
        path = np.where(years >= yt, level, np.nan)
    if target.hold is not None:
        if len(target.hold) != len(years):
            raise PathwayError("shape_mismatch", name="target.hold", expected=len(years), got=len(target.hold))
        path = np.where(years >= yt, np.asarray(target.hold, dtype=float), path)
    gap = pw.total - path
    i = int(np.flatnonzero(years == yt)[0])
    return Gap(
        years=years,
        target_path=path,
        gap=gap,
        target_year=yt,
        target_level=level,
        gap_in_target_year=float(gap[i]),
        bau_gap_in_target_year=float(pw.bau_total[i] - level),
        met=bool(gap[i] <= 1e-9 * max(1.0, level)),
    )


def cumulative_avoided(pw: Pathway) -> np.ndarray:
    """(T,) cumulative BAU minus plan, t CO2e, from the first year."""
    return np.cumsum(pw.reduction)


@dataclass(frozen=True)
class Contribution:
    key: str
    cumulative: float  # t CO2e over the projection
    share: float  # of the plan's cumulative reduction
    in_year: float  # t CO2e in ``year``
    year: int


def rank_measures(w: Wedges, pw: Pathway, year: int | None = None) -> list[Contribution]:
    """Measures by cumulative avoided emissions (largest first; ties by key), with the value in ``year`` (default:
    the last year)."""
    years = pw.years
    y = int(years[-1]) if year is None else year
    if not (years[0] <= y <= years[-1]):
        raise PathwayError(
            "target_year_outside_projection", target_year=y, first_year=int(years[0]), last_year=int(years[-1])
        )
    i = int(np.flatnonzero(years == y)[0])
    bm = w.by_measure  # (T, K)
    cum = bm.sum(axis=0)
    total = float(cum.sum())
    rows = [
        Contribution(k, float(cum[j]), float(cum[j] / total) if total else 0.0, float(bm[i, j]), y)
        for j, k in enumerate(w.keys)
    ]
    return sorted(rows, key=lambda r: (-r.cumulative, r.key))


@dataclass(frozen=True)
class MaccBar:
    key: str
    cost_per_t: float | None  # currency per t CO2e; None when the measure avoids nothing
    abatement_t: float  # width: cumulative t CO2e avoided over the window
    net_cost: float  # present value of capital + operating - savings over the window
    currency: str
    x_start: float  # cumulative width of the bars before this one


def macc(
    pw: Pathway,
    w: Wedges,
    *,
    currency: str,
    discount_rate: float = 0.03,
    first_year: int | None = None,
    last_year: int | None = None,
) -> list[MaccBar]:
    """Marginal abatement cost curve data: per measure, net cost per t CO2e avoided = present value (to the first
    year, at ``discount_rate``) of capital spent as uptake grows + operating cost - savings (both scaled by uptake)
    over the window, divided by the tonnes it avoids there (its wedge, undiscounted). Sorted cheapest first; bars
    with no abatement come last with ``cost_per_t`` None. Measures without costs count as zero cost. All costs must
    be in ``currency`` (``currency_mismatch`` otherwise: convert before, at a stated rate)."""
    years = pw.years
    y0 = int(years[0]) if first_year is None else first_year
    y1 = int(years[-1]) if last_year is None else last_year
    sel = (years >= y0) & (years <= y1)
    if not sel.any():
        raise PathwayError(
            "target_year_outside_projection", target_year=y0, first_year=int(years[0]), last_year=int(years[-1])
        )
    disc = (1.0 + discount_rate) ** -(years - y0).astype(float)
    bars = []
    bm = w.by_measure
    for j, m in enumerate(pw.measures):
        up = uptake_of(m, years.tolist())
        prev = np.concatenate([[uptake_of(m, [int(years[0]) - 1])[0]], up[:-1]])
        if m.costs is not None and m.costs.currency != currency:
            raise PathwayError("currency_mismatch", measure=m.key, currency=m.costs.currency, expected=currency)
        c = m.costs
        flows = (
            np.zeros(len(years))
            if c is None
            else c.capital * np.maximum(up - prev, 0.0) + (c.operating_per_year - c.savings_per_year) * up
        )
        net = float((flows * disc)[sel].sum())
        ab = float(bm[sel, j].sum())
        bars.append((m.key, net / ab if ab > 0 else None, ab, net))
    bars.sort(key=lambda b: (b[1] is None, b[1] if b[1] is not None else 0.0, b[0]))
    out, x = [], 0.0
    for key, cpt, ab, net in bars:
        out.append(MaccBar(key, cpt, ab, net, currency, x))
        x += max(ab, 0.0)
    return out


PROGRESS_STATUSES = ("on_track", "behind", "ahead", "no_data")


@dataclass(frozen=True)
class Progress:
    sector: str  # a GPC sector or "total"
    status: str
    reason: str  # a code the Django side translates
    params: dict


def progress(
    pw: Pathway,
    actuals: Mapping[str, Mapping[int, float]],
    *,
    tolerance: float = 0.05,
) -> list[Progress]:
    """Actual yearly emissions per sector (``{"I": {2022: 1.2e6, ...}, ...}``, t CO2e) against the plan pathway, in the
    latest year with an actual value: within ``tolerance`` (share of the planned value) is on track, above is
    behind, below is ahead. A "total" row compares the sum over the sectors reported in that year.

    Reason codes: ``within_tolerance``, ``above_pathway``, ``below_pathway`` (params: year, actual, planned,
    deviation = actual / planned - 1, tolerance), ``rising_while_plan_falls`` (behind, and the last two actual years
    rise while the pathway falls: params add previous_year, previous_actual), ``no_actual``, ``no_planned_emissions``
    (the pathway is zero there and the actual is not)."""
    years = pw.years
    first, last = int(years[0]), int(years[-1])
    plan = pw.by_sector
    out = []
    totals: dict[int, float] = {}
    planned_totals: dict[int, float] = {}
    for s in actuals:
        if s not in SECTOR_INDEX:
            raise PathwayError("unknown_sector", sector=s)
    for s in SECTORS:
        series = {int(y): float(v) for y, v in actuals.get(s, {}).items()}
        for y, v in series.items():
            if not math.isfinite(v) or v < 0:
                raise PathwayError("series_value_invalid", year=y, value=str(v))
            if not (first <= y <= last):
                raise PathwayError("target_year_outside_projection", target_year=y, first_year=first, last_year=last)
            totals[y] = totals.get(y, 0.0) + v
            planned_totals[y] = planned_totals.get(y, 0.0) + float(plan[y - first, SECTOR_INDEX[s]])
        if not series:
            out.append(Progress(s, "no_data", "no_actual", {}))
            continue
        col = plan[:, SECTOR_INDEX[s]]
        out.append(_judge(s, series, lambda y, c=col: float(c[y - first]), tolerance))
    if totals:
        out.append(_judge("total", totals, lambda y: planned_totals[y], tolerance))
    else:
        out.append(Progress("total", "no_data", "no_actual", {}))
    return out


def _judge(sector: str, series: Mapping[int, float], planned_of: Callable[[int], float], tolerance: float) -> Progress:
    y = max(series)
    actual, planned = series[y], planned_of(y)
    params = {"year": y, "actual": actual, "planned": planned, "tolerance": tolerance}
    if planned <= 0:
        if actual <= 0:
            return Progress(sector, "on_track", "within_tolerance", {**params, "deviation": 0.0})
        return Progress(sector, "behind", "no_planned_emissions", params)
    dev = actual / planned - 1.0
    params["deviation"] = dev
    if abs(dev) <= tolerance:
        return Progress(sector, "on_track", "within_tolerance", params)
    if dev < 0:
        return Progress(sector, "ahead", "below_pathway", params)
    earlier = [x for x in series if x < y]
    if earlier:
        y_prev = max(earlier)
        if series[y] > series[y_prev] and planned_of(y) < planned_of(y_prev):
            return Progress(
                sector,
                "behind",
                "rising_while_plan_falls",
                {**params, "previous_year": y_prev, "previous_actual": series[y_prev]},
            )
    return Progress(sector, "behind", "above_pathway", params)


def ensure_keys(keys: Sequence[str]) -> None:
    if len(set(keys)) != len(keys):
        raise PathwayError("duplicate_measure", measure=next(k for k in keys if list(keys).count(k) > 1))


def summary(pw: Pathway, w: Wedges, target: Target | None = None) -> dict:
    """Everything the plan page charts, as plain lists and numbers (JSON-ready, t CO2e): years, BAU and plan totals
    and per sector, wedges per measure (summed over sectors) with the attribution method, cumulative avoided
    emissions, the measures ranked, and the target path and gap when a target is given."""
    gap = gap_to_target(pw, target) if target is not None else None
    out = {
        "unit": "t CO2e",
        "years": [int(y) for y in pw.years],
        "sectors": list(SECTORS),
        "bau": pw.bau_total.tolist(),
        "plan": pw.total.tolist(),
        "bau_by_sector": pw.bau_by_sector.T.tolist(),
        "plan_by_sector": pw.by_sector.T.tolist(),
        "wedge_method": w.method,
        "wedge_method_by_sector": dict(w.method_by_sector),
        "wedges": {k: w.by_measure[:, j].tolist() for j, k in enumerate(w.keys)},
        "cumulative_avoided": cumulative_avoided(pw).tolist(),
        "ranking": [{"key": r.key, "cumulative": r.cumulative, "share": r.share} for r in rank_measures(w, pw)],
        "drivers_version": pw.bau.drivers_version,
    }
    if gap is not None:
        out["target"] = {
            "year": gap.target_year,
            "level": gap.target_level,
            "path": [None if np.isnan(v) else float(v) for v in gap.target_path],
            "gap": [None if np.isnan(v) else float(v) for v in gap.gap],
            "gap_in_target_year": gap.gap_in_target_year,
            "met": gap.met,
        }
    return out
