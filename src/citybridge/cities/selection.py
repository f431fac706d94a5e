"""Cohort selection engine: an exact, explained choice of a balanced cohort of cities.

Plain Python with typed dataclasses in and out; no Django import.  The Django layer
(``services.py``) loads candidates and indicator values, calls :func:`select_cohort` and
stores :meth:`SelectionResult.to_dict` with the run.

Method
------
1. *Scoring.*  For every criterion the raw indicator values are normalised to [0, 1]
   (1 = best) **within each group** (e.g. "CA", "CN"), because the groups are filled by
   separate quotas and never compete with each other:

   * ``minmax``: ``(v - min) / (max - min)`` (reversed when lower is better); a criterion
     whose values are all equal in a group gives every city 1.0 there;
   * ``rank``: average rank of ties, ``(rank - 1) / (n - 1)`` with rank 1 the worst.

   Missing values follow the stated policy: ``exclude`` drops a candidate that lacks any
   criterion; ``penalise`` gives it 0 (the worst normalised value) on that criterion;
   ``impute_peers`` replaces the raw value by the median of its peers (same group and size
   class, else the whole group).  Weights are normalised to sum to 1 (the result says so);
   a city's score is ``sum_k w_k * n_ik`` in [0, 1] and its contribution per criterion is
   ``w_k * n_ik``.

2. *Exact optimum.*  A 0/1 integer programme solved with OR-Tools CP-SAT: maximise the
   total score subject to exact counts per group, at most *k* per province, min/max per
   size class or climate zone, must-include and must-exclude.  CP-SAT needs integer
   coefficients, so a score *s* enters as ``round(s * SCORE_SCALE)`` (``SCORE_SCALE`` =
   10**6, i.e. scores are exact to 5e-7) multiplied by ``TIE_FACTOR`` = (total cohort size
   × number of candidates + 1), plus a tie-break term that prefers candidates earlier in
   the input order.  The tie-break sum over the cohort is always below ``TIE_FACTOR``, so it
   never overrides one unit of scaled score: the optimum is exact for the rounded scores
   and unique.  The reported objective is the sum of the unrounded scores of the chosen
   cities; it is at most ``cohort size × 5e-7`` below the true real-valued optimum.

3. *Explanations.*  Per-criterion contributions; for each runner-up the exact score gain
   it would need to enter (``objective - best objective with that city forced in``), the
   cities it would displace, and the constraint that blocks a simple swap with the weakest
   selected city of its group, if any; robustness as the share of seeded perturbations of
   the weights (each weight multiplied by a factor uniform in [1 - r, 1 + r], default
   r = 0.2, then re-normalised) in which each city stays selected (re-solved on a model
   reduced to the candidates that can be optimal under some such weighting, with the same
   objective coefficients, so the answers are those of the full model); for infeasible requests,
   counting arguments that name the conflicting constraints, confirmed by a minimal
   conflicting set of constraint families found with CP-SAT (deletion filter).
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

SCORE_SCALE = 1_000_000
NORMALISATIONS = ("minmax", "rank")
MISSING_POLICIES = ("exclude", "penalise", "impute_peers")
ATTRIBUTES = ("size_class", "climate_zone", "province")
DEFAULT_COUNTS: Mapping[str, int] = {"CA": 10, "CN": 10}


# --------------------------------------------------------------------------- errors


#: called between solver calls of a long computation (each bounded by its time limit), so the caller can show
#: progress or renew a claim on the work; it may raise to abandon the computation
Progress = Callable[[], None]


def _no_progress() -> None:
    return None


class SelectionError(ValueError):
    """Bad input.  ``code`` + ``params`` let the caller translate the message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Candidate:
    id: str
    group: str
    values: Mapping[str, float | None] = field(default_factory=dict)
    province: str = ""
    size_class: str = ""
    climate_zone: str = ""
    label: str = ""


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: float
    higher_is_better: bool = True


@dataclass(frozen=True)
class AttributeBound:
    """At least ``min`` / at most ``max`` selected cities with ``attribute == value``
    (in ``group`` only, or over the whole cohort when group is None)."""

    attribute: str
    value: str
    min: int | None = None
    max: int | None = None
    group: str | None = None

    def key(self) -> str:
        scope = self.group or "*"
        return f"bound:{self.attribute}={self.value}@{scope}"


def province_cap(cons: Constraints, group: str) -> int | None:
    cap = cons.max_per_province
    if cap is None or isinstance(cap, int):
        return cap
    return cap.get(group)


@dataclass(frozen=True)
class Constraints:
    counts: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_COUNTS))
    # an int caps every province of every group; a mapping caps only the groups it names
    # (e.g. {"CN": 2}: California is a single "province", so a cap rarely makes sense there)
    max_per_province: int | Mapping[str, int] | None = None
    bounds: tuple[AttributeBound, ...] = ()
    must_include: frozenset[str] = frozenset()
    must_exclude: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SelectionRequest:
    candidates: Sequence[Candidate]
    criteria: Sequence[Criterion]
    constraints: Constraints = field(default_factory=Constraints)
    normalisation: str = "minmax"
    missing: str = "exclude"
    perturbations: int = 200
    perturbation_range: float = 0.2
    seed: int = 0
    runners_up_per_group: int = 5
    time_limit_s: float = 20.0
    #: a criterion reported by fewer than this many cities of a group is left out for that group (it then neither
    #: excludes, penalises nor ranks anyone there); 0 = off.  Avoids a lone reporter taking the best score under
    #: min–max while every other city of the group gets the worst.
    min_reporting: int = 0


# --------------------------------------------------------------------------- outputs


@dataclass
class Contribution:
    criterion: str
    raw: float | None
    normalised: float
    weighted: float
    imputed: bool = False
    missing: bool = False


@dataclass
class ScoredCity:
    id: str
    group: str
    score: float
    contributions: list[Contribution]
    rank_in_group: int
    label: str = ""
    province: str = ""
    size_class: str = ""
    climate_zone: str = ""


@dataclass
class RunnerUp:
    id: str
    group: str
    score: float
    gap_to_weakest: float | None
    weakest_selected: str | None
    gain_needed: float | None
    would_displace: list[str]
    blocking_constraint: str | None
    reason: str


@dataclass
class Conflict:
    code: str
    constraints: list[str]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class SelectionResult:
    feasible: bool
    selected: list[str]
    objective: float
    scores: dict[str, ScoredCity]
    weights: dict[str, float]
    weights_normalised: bool
    weight_sum_input: float
    normalisation: str
    missing: str
    excluded_for_missing: dict[str, list[str]]
    imputed: dict[str, list[str]]
    warnings: list[dict[str, Any]]
    runners_up: list[RunnerUp]
    robustness: dict[str, float]
    perturbations: int
    perturbation_range: float
    seed: int
    conflicts: list[Conflict]
    solve_seconds: float
    robustness_seconds: float
    score_scale: int = SCORE_SCALE

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def selected_in(self, group: str) -> list[str]:
        return [cid for cid in self.selected if self.scores[cid].group == group]


# --------------------------------------------------------------------------- scoring


def normalise_weights(criteria: Sequence[Criterion]) -> tuple[dict[str, float], float, bool]:
    if not criteria:
        raise SelectionError("no_criteria")
    seen: set[str] = set()
    for c in criteria:
        if c.code in seen:
            raise SelectionError("duplicate_criterion", criterion=c.code)
        seen.add(c.code)
        if not isinstance(c.weight, int | float) or math.isnan(c.weight) or math.isinf(c.weight):
            raise SelectionError("invalid_weight", criterion=c.code, weight=str(c.weight))
        if c.weight < 0:
            raise SelectionError("negative_weight", criterion=c.code, weight=c.weight)
    total = math.fsum(c.weight for c in criteria)
    if total <= 0:
        raise SelectionError("zero_weights")
    normalised = not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-9)
    return {c.code: c.weight / total for c in criteria}, total, normalised


def _normalise_column(values: np.ndarray, higher_is_better: bool, method: str) -> np.ndarray:
    """values: 1-D array without NaN. Returns values in [0, 1], 1 = best."""
    n = len(values)
    if n == 0:
        return values.astype(float)
    v = values if higher_is_better else -values
    if method == "minmax":
        lo, hi = float(v.min()), float(v.max())
        if hi - lo <= 0:
            return np.ones(n)
        return (v - lo) / (hi - lo)
    # rank: average rank for ties, 1 = worst
    order = np.argsort(v, kind="mergesort")
    ranks = np.empty(n)
    sv = v[order]
    i = 0
    while i < n:
        j = i
        while j + 1 < n and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    if n == 1:
        return np.ones(1)
    return (ranks - 1.0) / (n - 1.0)


@dataclass
class _Scored:
    ids: list[str]
    index: dict[str, int]
    cands: list[Candidate]
    matrix: np.ndarray  # eligible candidates × criteria, normalised, 1 = best
    raw: list[list[float | None]]
    imputed_mask: np.ndarray
    missing_mask: np.ndarray
    excluded: dict[str, list[str]]
    warnings: list[dict[str, Any]]


def _score_matrix(request: SelectionRequest) -> _Scored:
    if request.normalisation not in NORMALISATIONS:
        raise SelectionError("unknown_normalisation", normalisation=request.normalisation)
    if request.missing not in MISSING_POLICIES:
        raise SelectionError("unknown_missing_policy", missing=request.missing)
    codes = [c.code for c in request.criteria]
    seen_ids: set[str] = set()
    for cand in request.candidates:
        if cand.id in seen_ids:
            raise SelectionError("duplicate_candidate", candidate=cand.id)
        seen_ids.add(cand.id)

    def val(cand: Candidate, code: str) -> float | None:
        x = cand.values.get(code)
        if x is None:
            return None
        x = float(x)
        return None if math.isnan(x) else x

    weighted = {c.code for c in request.criteria if c.weight > 0}
    for code in codes:
        if code in weighted and not any(val(c, code) is not None for c in request.candidates):
            raise SelectionError("criterion_no_data", criterion=code)

    # criteria left out per group: too few reporters there (min_reporting)
    reporting: dict[tuple[str, str], int] = defaultdict(int)
    for cand in request.candidates:
        for code in codes:
            if val(cand, code) is not None:
                reporting[(cand.group, code)] += 1
    left_out = {
        (g, code)
        for g in {c.group for c in request.candidates}
        for code in codes
        if request.min_reporting > 0 and reporting[(g, code)] < request.min_reporting
    }

    excluded: dict[str, list[str]] = {}
    cands: list[Candidate] = []
    for cand in request.candidates:
        # a criterion of weight 0 (or left out for the group) excludes nobody
        missing = [
            code
            for code in codes
            if code in weighted and (cand.group, code) not in left_out and val(cand, code) is None
        ]
        if missing and request.missing == "exclude":
            excluded[cand.id] = missing
        else:
            cands.append(cand)

    n, m = len(cands), len(codes)
    raw = [[val(c, code) for code in codes] for c in cands]
    filled = np.full((n, m), np.nan)
    missing_mask = np.zeros((n, m), dtype=bool)
    imputed_mask = np.zeros((n, m), dtype=bool)
    warnings: list[dict[str, Any]] = []
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_group[c.group].append(i)
        for k in range(m):
            if raw[i][k] is None:
                missing_mask[i, k] = True
            else:
                filled[i, k] = raw[i][k]

    matrix = np.zeros((n, m))
    for group, rows in sorted(by_group.items()):
        rows_arr = np.array(rows)
        for k, crit in enumerate(request.criteria):
            col = filled[rows_arr, k]
            have = ~np.isnan(col)
            if crit.code not in weighted:  # weight 0: not used, so nothing to warn about
                matrix[rows_arr, k] = 0.0
                missing_mask[rows_arr, k] = False
                continue
            if (group, crit.code) in left_out:
                warnings.append(
                    {
                        "code": "criterion_left_out_in_group",
                        "criterion": crit.code,
                        "group": group,
                        "reporting": reporting[(group, crit.code)],
                        "min_reporting": request.min_reporting,
                    }
                )
                matrix[rows_arr, k] = 0.0
                missing_mask[rows_arr, k] = False
                continue
            if not have.any():
                warnings.append({"code": "criterion_no_data_in_group", "criterion": crit.code, "group": group})
                matrix[rows_arr, k] = 0.0
                continue
            if request.missing == "impute_peers" and (~have).any():
                group_median = float(np.median(col[have]))
                by_size: dict[str, list[float]] = defaultdict(list)
                for pos in np.nonzero(have)[0]:
                    by_size[cands[rows[pos]].size_class].append(float(col[pos]))
                medians = {size: float(np.median(vals)) for size, vals in by_size.items()}
                for pos in np.nonzero(~have)[0]:
                    i = rows[pos]
                    filled[i, k] = medians.get(cands[i].size_class, group_median)
                    imputed_mask[i, k] = True
                col = filled[rows_arr, k]
                have = ~np.isnan(col)
            norm = np.zeros(len(rows))
            norm[have] = _normalise_column(col[have], crit.higher_is_better, request.normalisation)
            matrix[rows_arr, k] = norm  # penalise: missing stays 0 (the worst)
    ids = [c.id for c in cands]
    return _Scored(
        ids=ids,
        index={cid: i for i, cid in enumerate(ids)},
        cands=cands,
        matrix=matrix,
        raw=[[filled[i, k] if imputed_mask[i, k] else raw[i][k] for k in range(m)] for i in range(n)],
        imputed_mask=imputed_mask,
        missing_mask=missing_mask,
        excluded=excluded,
        warnings=warnings,
    )


# --------------------------------------------------------------------------- model


class _Model:
    """The CP-SAT model with one enforcement literal per constraint family (used for
    conflict detection); for normal solves every family literal is fixed to true."""

    def __init__(
        self,
        cands: list[Candidate],
        constraints: Constraints,
        with_families: bool = False,
        original_index: list[int] | None = None,
        original_n: int | None = None,
    ):
        self.cands = cands
        # a reduced model keeps the full model's tie-break coefficients, so both have the same optimum
        self.original_index = original_index if original_index is not None else list(range(len(cands)))
        self.original_n = original_n if original_n is not None else len(cands)
        self.model = cp_model.CpModel()
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(cands))]
        self.families: dict[str, Any] = {}
        counts = constraints.counts
        self.total = sum(counts.values())

        def family(name: str) -> Any:
            if not with_families:
                return None
            lit = self.families.get(name)
            if lit is None:
                lit = self.model.new_bool_var(name)
                self.families[name] = lit
            return lit

        def add(ct: cp_model.Constraint, name: str) -> None:
            lit = family(name)
            if lit is not None:
                ct.only_enforce_if(lit)

        by_group: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cands):
            by_group[c.group].append(i)
        for i, c in enumerate(cands):
            if c.group not in counts:
                self.model.add(self.x[i] == 0)
        for group, n in counts.items():
            add(self.model.add(sum(self.x[i] for i in by_group.get(group, [])) == n), f"count:{group}")
        by_prov: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, c in enumerate(cands):
            if c.province:
                by_prov[(c.group, c.province)].append(i)
        for (g, _p), rows in by_prov.items():
            cap = province_cap(constraints, g)
            if cap is not None and len(rows) > cap:
                add(self.model.add(sum(self.x[i] for i in rows) <= cap), "max_per_province")
        for b in constraints.bounds:
            rows = [
                i
                for i, c in enumerate(cands)
                if getattr(c, b.attribute) == b.value and (b.group is None or c.group == b.group)
            ]
            expr = sum(self.x[i] for i in rows)
            if b.min is not None:
                add(self.model.add(expr >= b.min), b.key())
            if b.max is not None:
                add(self.model.add(expr <= b.max), b.key())
        index = {c.id: i for i, c in enumerate(cands)}
        for cid in sorted(constraints.must_include):
            if cid in index:
                add(self.model.add(self.x[index[cid]] == 1), "must_include")
        for cid in sorted(constraints.must_exclude):
            if cid in index:
                add(self.model.add(self.x[index[cid]] == 0), "must_exclude")

    def set_objective(self, scores: np.ndarray) -> None:
        """scores: one per candidate of this model."""
        n = self.original_n
        tie_factor = self.total * n + 1
        coef = [
            int(round(float(s) * SCORE_SCALE)) * tie_factor + (n - 1 - orig)
            for s, orig in zip(scores, self.original_index, strict=True)
        ]
        self.model.clear_objective()
        self.model.maximize(cp_model.LinearExpr.weighted_sum(self.x, coef))

    def solve(
        self,
        time_limit: float,
        hint: Iterable[int] | None = None,
        fixed: dict[int, int] | None = None,
        presolve: bool = True,
    ) -> list[int] | None:
        self.model.clear_hints()
        if hint is not None:
            chosen = set(hint)
            for i, v in enumerate(self.x):
                self.model.add_hint(v, 1 if i in chosen else 0)
        if fixed:
            # temporary bounds through a copy of the proto
            model = self.model.clone()
            for i, value in fixed.items():
                model.add(model.get_bool_var_from_proto_index(self.x[i].index) == value)
            target = model
        else:
            target = self.model
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.cp_model_presolve = presolve
        status = solver.solve(target)
        if status == cp_model.OPTIMAL:
            return [i for i, v in enumerate(self.x) if solver.boolean_value(v)]
        if status == cp_model.INFEASIBLE:
            return None
        if status == cp_model.FEASIBLE:
            raise SelectionError("solver_time_limit", seconds=time_limit)
        raise SelectionError("solver_failed", status=solver.status_name(status))


# --------------------------------------------------------------------------- infeasibility


def explain_infeasibility(
    cands: list[Candidate], constraints: Constraints, progress: Progress = _no_progress
) -> list[Conflict]:
    """Counting arguments that name conflicting constraints, then a minimal conflicting
    set of constraint families from CP-SAT when no counting argument applies."""
    conflicts = counting_conflicts(cands, constraints)
    if conflicts:
        return conflicts
    # no counting argument: minimal conflicting set of families (deletion filter)
    core = _minimal_conflict(cands, constraints, progress)
    return [Conflict("constraints_conflict", core, {})] if core else []


def counting_conflicts(cands: list[Candidate], constraints: Constraints) -> list[Conflict]:
    """The conflicts a counting argument proves, without solving (cheap: linear in the pool).

    In this order: include/exclude lists, then per group (sorted) its count and province cap, then each
    attribute bound, then the sums of minima per group and attribute."""
    by_group: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_group[c.group].append(c)
    conflicts = _include_exclude_conflicts(cands, constraints)
    for group, n in sorted(constraints.counts.items()):
        conflicts += _group_count_conflicts(group, n, by_group.get(group, []), constraints)
    for b in constraints.bounds:
        conflicts += _bound_conflicts(b, cands, constraints)
    conflicts += _bound_minima_conflicts(constraints)
    return conflicts


def _include_exclude_conflicts(cands: list[Candidate], constraints: Constraints) -> list[Conflict]:
    """A city both included and excluded; an included city outside every counted group."""
    inc, exc = constraints.must_include, constraints.must_exclude
    conflicts = []
    both = sorted(inc & exc)
    if both:
        conflicts.append(Conflict("include_exclude_overlap", ["must_include", "must_exclude"], {"ids": both}))
    wrong_group = sorted(c.id for c in cands if c.id in inc and c.group not in constraints.counts)
    if wrong_group:
        conflicts.append(Conflict("must_include_outside_groups", ["must_include", "counts"], {"ids": wrong_group}))
    return conflicts


def _group_count_conflicts(group: str, n: int, members: list[Candidate], constraints: Constraints) -> list[Conflict]:
    """One group's count against its pool (after exclusions), its must-include list and its province cap."""
    inc, exc = constraints.must_include, constraints.must_exclude
    pool = [c for c in members if c.id not in exc]
    incl = [c for c in members if c.id in inc]
    conflicts = []
    if len(pool) < n:
        excluded_some = len(pool) < len(members)
        conflicts.append(
            Conflict(
                "pool_too_small",
                [f"count:{group}"] + (["must_exclude"] if excluded_some else []),
                {"group": group, "pool": len(pool), "required": n},
            )
        )
    if len(incl) > n:
        conflicts.append(
            Conflict(
                "must_include_exceeds_count",
                ["must_include", f"count:{group}"],
                {"group": group, "included": len(incl), "required": n},
            )
        )
    cap = province_cap(constraints, group)
    if cap is not None:
        conflicts += _province_cap_conflicts(group, n, cap, pool, incl)
    return conflicts


def _province_cap_conflicts(
    group: str, n: int, cap: int, pool: list[Candidate], incl: list[Candidate]
) -> list[Conflict]:
    """The cap leaves fewer than n reachable cities (a city without a province is not capped); more included
    cities in one province than the cap allows."""
    conflicts = []
    per_prov = Counter(c.province for c in pool if c.province)
    reachable = sum(min(cap, k) for k in per_prov.values()) + sum(1 for c in pool if not c.province)
    if reachable < n <= len(pool):
        conflicts.append(
            Conflict(
                "province_cap_too_tight",
                ["max_per_province", f"count:{group}"],
                {"group": group, "cap": cap, "provinces": len(per_prov), "reachable": reachable, "required": n},
            )
        )
    inc_prov: dict[str, list[str]] = defaultdict(list)
    for c in incl:
        if c.province:
            inc_prov[c.province].append(c.id)
    for prov, ids in sorted(inc_prov.items()):
        if len(ids) > cap:
            conflicts.append(
                Conflict(
                    "must_include_exceeds_province_cap",
                    ["must_include", "max_per_province"],
                    {"group": group, "province": prov, "ids": sorted(ids), "cap": cap},
                )
            )
    return conflicts


def _bound_conflicts(b: AttributeBound, cands: list[Candidate], constraints: Constraints) -> list[Conflict]:
    """One attribute bound against the cities that have the attribute value, the counts and the include list."""
    counts, inc, exc = constraints.counts, constraints.must_include, constraints.must_exclude
    groups = [b.group] if b.group else sorted(counts)
    members = [c for c in cands if getattr(c, b.attribute) == b.value and c.group in groups]
    available = sum(1 for c in members if c.id not in exc)
    incl = sorted(c.id for c in members if c.id in inc)
    required = sum(counts.get(g, 0) for g in groups)
    key = b.key()
    conflicts = []
    if b.min is not None and b.min > available:
        conflicts.append(Conflict("bound_min_unreachable", [key], {"bound": key, "min": b.min, "available": available}))
    if b.min is not None and b.min > required:
        conflicts.append(
            Conflict(
                "bound_min_exceeds_count",
                [key] + [f"count:{g}" for g in groups],
                {"bound": key, "min": b.min, "required": required},
            )
        )
    if b.max is not None and len(incl) > b.max:
        conflicts.append(
            Conflict("must_include_exceeds_bound", ["must_include", key], {"bound": key, "max": b.max, "ids": incl})
        )
    if b.min is not None and b.max is not None and b.min > b.max:
        conflicts.append(Conflict("bound_min_above_max", [key], {"bound": key, "min": b.min, "max": b.max}))
    return conflicts


def _bound_minima_conflicts(constraints: Constraints) -> list[Conflict]:
    """Per group and attribute, group-specific minima that add up to more than the group's count."""
    conflicts = []
    for group, n in sorted(constraints.counts.items()):
        for attr in ATTRIBUTES:
            mins = [b for b in constraints.bounds if b.attribute == attr and b.group == group and b.min]
            total = sum(b.min for b in mins)
            if mins and total > n:
                conflicts.append(
                    Conflict(
                        "bound_mins_exceed_count",
                        [b.key() for b in mins] + [f"count:{group}"],
                        {"group": group, "attribute": attr, "sum_of_minima": total, "required": n},
                    )
                )
    return conflicts


def _minimal_conflict(cands: list[Candidate], constraints: Constraints, progress: Progress = _no_progress) -> list[str]:
    m = _Model(cands, constraints, with_families=True)
    names = sorted(m.families)

    def feasible(active: set[str]) -> bool:
        progress()
        model = m.model.clone()
        for name in names:
            lit = model.get_bool_var_from_proto_index(m.families[name].index)
            model.add(lit == (1 if name in active else 0))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 10
        solver.parameters.num_workers = 1
        status = solver.solve(model)
        return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)

    active = set(names)
    if feasible(active):
        return []
    for name in names:
        trial = active - {name}
        if not feasible(trial):
            active = trial
    return sorted(active)


# --------------------------------------------------------------------------- main entry


def _validate(request: SelectionRequest) -> tuple[dict[str, float], float, bool]:
    """Raise SelectionError on malformed input; return the normalised weights."""
    weights, weight_sum, weights_normalised = normalise_weights(request.criteria)
    if request.perturbations < 0:
        raise SelectionError("negative_perturbations", perturbations=request.perturbations)
    if not 0 <= request.perturbation_range < 1:
        raise SelectionError("invalid_perturbation_range", range=request.perturbation_range)
    cons = request.constraints
    for group, n in cons.counts.items():
        if not isinstance(n, int) or n < 0:
            raise SelectionError("invalid_count", group=group, count=str(n))
    caps = cons.max_per_province
    for cap in [caps] if isinstance(caps, int) else list((caps or {}).values()):
        if not isinstance(cap, int) or cap < 0:
            raise SelectionError("invalid_province_cap", cap=str(cap))
    for b in cons.bounds:
        if b.attribute not in ATTRIBUTES:
            raise SelectionError("unknown_attribute", attribute=b.attribute)
        if (b.min is not None and b.min < 0) or (b.max is not None and b.max < 0):
            raise SelectionError("invalid_bound", bound=b.key())
    known = {c.id for c in request.candidates}
    unknown = sorted((cons.must_include | cons.must_exclude) - known)
    if unknown:
        raise SelectionError("unknown_candidate", ids=unknown)
    return weights, weight_sum, weights_normalised


def _missing_rule_conflicts(request: SelectionRequest, sc: _Scored) -> list[Conflict]:
    """Groups that the "exclude" missing-value rule leaves with fewer cities than the cohort needs, naming the
    criteria that did it (the ones most of the group lacks first) -- instead of a bare "pool too small"."""
    if request.missing != "exclude" or not sc.excluded:
        return []
    remaining: dict[str, int] = defaultdict(int)
    for c in sc.cands:
        remaining[c.group] += 1
    lacking: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    excluded_n: dict[str, int] = defaultdict(int)
    for c in request.candidates:
        for code in sc.excluded.get(c.id, []):
            lacking[c.group][code] += 1
        if c.id in sc.excluded:
            excluded_n[c.group] += 1
    out = []
    for group, n in sorted(request.constraints.counts.items()):
        if n and remaining[group] < n and excluded_n[group]:
            crit = sorted(lacking[group], key=lambda code: (-lacking[group][code], code))
            out.append(
                Conflict(
                    "missing_rule_empties_group",
                    ["missing:exclude", f"count:{group}"],
                    {
                        "group": group,
                        "criteria": crit,
                        "excluded": excluded_n[group],
                        "remaining": remaining[group],
                        "count": n,
                    },
                )
            )
    return out


def precheck(request: SelectionRequest) -> list[Conflict]:
    """Everything that can be refused before solving: SelectionError for malformed input (negative weights,
    a criterion without data, unknown ids …), and the conflicts counting arguments prove. An empty list does
    not promise feasibility: :func:`select_cohort` may still find a conflict only the solver can see."""
    _validate(request)
    sc = _score_matrix(request)
    cons = request.constraints
    dropped_inc = sorted(cid for cid in cons.must_include if cid in sc.excluded)
    missing_rule = _missing_rule_conflicts(request, sc)
    if dropped_inc:
        conflict = Conflict("must_include_missing_data", ["must_include", "missing:exclude"], {"ids": dropped_inc})
        return [conflict] + missing_rule + counting_conflicts(sc.cands, _without(cons, dropped_inc))
    return missing_rule + counting_conflicts(sc.cands, cons)


def select_cohort(request: SelectionRequest, *, progress: Progress = _no_progress) -> SelectionResult:
    """Score, solve, explain. ``progress`` is called between solver calls (see Progress)."""
    weights, weight_sum, weights_normalised = _validate(request)
    cons = request.constraints
    sc = _score_matrix(request)
    codes = [c.code for c in request.criteria]
    w = np.array([weights[c] for c in codes])
    scores = sc.matrix @ w if len(sc.ids) else np.zeros(0)

    # must-include candidates dropped by the missing-value policy
    dropped_inc = sorted(cid for cid in cons.must_include if cid in sc.excluded)

    def base_result(**kw: Any) -> SelectionResult:
        defaults = dict(
            feasible=False,
            selected=[],
            objective=0.0,
            scores={},
            weights=weights,
            weights_normalised=weights_normalised,
            weight_sum_input=weight_sum,
            normalisation=request.normalisation,
            missing=request.missing,
            excluded_for_missing=sc.excluded,
            imputed={},
            warnings=sc.warnings,
            runners_up=[],
            robustness={},
            perturbations=request.perturbations,
            perturbation_range=request.perturbation_range,
            seed=request.seed,
            conflicts=[],
            solve_seconds=0.0,
            robustness_seconds=0.0,
        )
        defaults.update(kw)
        return SelectionResult(**defaults)

    if dropped_inc:
        conflict = Conflict("must_include_missing_data", ["must_include", "missing:exclude"], {"ids": dropped_inc})
        return base_result(
            conflicts=[conflict] + explain_infeasibility(sc.cands, _without(cons, dropped_inc), progress)
        )
    missing_rule = _missing_rule_conflicts(request, sc)
    if missing_rule:
        return base_result(conflicts=missing_rule + counting_conflicts(sc.cands, cons))

    # ranks within group
    group_rank: dict[str, int] = {}
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, c in enumerate(sc.cands):
        by_group[c.group].append(i)
    for rows in by_group.values():
        for r, i in enumerate(sorted(rows, key=lambda j: (-scores[j], j)), start=1):
            group_rank[sc.ids[i]] = r

    scored: dict[str, ScoredCity] = {}
    imputed: dict[str, list[str]] = {}
    for i, c in enumerate(sc.cands):
        contribs = [
            Contribution(
                criterion=codes[k],
                raw=sc.raw[i][k],
                normalised=float(sc.matrix[i, k]),
                weighted=float(sc.matrix[i, k] * w[k]),
                imputed=bool(sc.imputed_mask[i, k]),
                missing=bool(sc.missing_mask[i, k]),
            )
            for k in range(len(codes))
        ]
        if sc.imputed_mask[i].any():
            imputed[c.id] = [codes[k] for k in range(len(codes)) if sc.imputed_mask[i, k]]
        scored[c.id] = ScoredCity(
            id=c.id,
            group=c.group,
            score=float(scores[i]),
            contributions=contribs,
            rank_in_group=group_rank[c.id],
            label=c.label,
            province=c.province,
            size_class=c.size_class,
            climate_zone=c.climate_zone,
        )

    t0 = time.perf_counter()
    model = _Model(sc.cands, cons)
    model.set_objective(scores)
    chosen = model.solve(request.time_limit_s)
    solve_seconds = time.perf_counter() - t0
    if chosen is None:
        return base_result(
            scores=scored,
            imputed=imputed,
            conflicts=explain_infeasibility(sc.cands, cons, progress),
            solve_seconds=solve_seconds,
        )
    objective = math.fsum(float(scores[i]) for i in chosen)
    selected = [sc.ids[i] for i in sorted(chosen, key=lambda j: (sc.cands[j].group, -scores[j], j))]

    progress()
    runners = _runners_up(request, sc, scores, model, chosen, objective, progress)

    t1 = time.perf_counter()
    robustness = _robustness(request, sc, w, model, chosen, runners, progress)
    robustness_seconds = time.perf_counter() - t1

    return base_result(
        feasible=True,
        selected=selected,
        objective=objective,
        scores=scored,
        imputed=imputed,
        runners_up=runners,
        robustness=robustness,
        solve_seconds=solve_seconds,
        robustness_seconds=robustness_seconds,
    )


def _without(cons: Constraints, ids: Iterable[str]) -> Constraints:
    return dataclasses.replace(cons, must_include=frozenset(cons.must_include - set(ids)))


def _swap_blocker(cons: Constraints, cands: list[Candidate], chosen: set[int], out: int, into: int) -> str | None:
    """Name the constraint that forbids replacing ``out`` by ``into`` (or None)."""
    c_in, c_out = cands[into], cands[out]
    if c_in.id in cons.must_exclude:
        return "must_exclude"
    if c_out.id in cons.must_include:
        return "must_include"
    after = (chosen - {out}) | {into}
    cap = province_cap(cons, c_in.group)
    if cap is not None and c_in.province:
        n = sum(1 for i in after if cands[i].group == c_in.group and cands[i].province == c_in.province)
        if n > cap:
            return "max_per_province"
    for b in cons.bounds:
        n = sum(
            1
            for i in after
            if getattr(cands[i], b.attribute) == b.value and (b.group is None or cands[i].group == b.group)
        )
        if (b.min is not None and n < b.min) or (b.max is not None and n > b.max):
            return b.key()
    return None


def _runners_up(
    request: SelectionRequest,
    sc: _Scored,
    scores: np.ndarray,
    model: _Model,
    chosen: list[int],
    objective: float,
    progress: Progress = _no_progress,
) -> list[RunnerUp]:
    cons = request.constraints
    chosen_set = set(chosen)
    out: list[RunnerUp] = []
    for group in sorted(cons.counts):
        rows = [i for i, c in enumerate(sc.cands) if c.group == group]
        sel = sorted((i for i in rows if i in chosen_set), key=lambda j: (scores[j], -j))
        weakest = sel[0] if sel else None
        rest = sorted((i for i in rows if i not in chosen_set), key=lambda j: (-scores[j], j))
        for i in rest[: request.runners_up_per_group]:
            cand = sc.cands[i]
            gap = float(scores[weakest] - scores[i]) if weakest is not None else None
            blocker = _swap_blocker(cons, sc.cands, chosen_set, weakest, i) if weakest is not None else None
            if cand.id in cons.must_exclude:
                out.append(
                    RunnerUp(
                        cand.id,
                        group,
                        float(scores[i]),
                        gap,
                        _id(sc, weakest),
                        None,
                        [],
                        "must_exclude",
                        "must_exclude",
                    )
                )
                continue
            progress()
            forced = model.solve(request.time_limit_s, hint=None, fixed={i: 1})
            if forced is None:
                out.append(
                    RunnerUp(cand.id, group, float(scores[i]), gap, _id(sc, weakest), None, [], blocker, "cannot_enter")
                )
                continue
            forced_obj = math.fsum(float(scores[j]) for j in forced)
            gain = max(0.0, objective - forced_obj)
            displaced = sorted((sc.ids[j] for j in chosen_set - set(forced)), key=lambda cid: -scores[sc.index[cid]])
            reason = "score_gap" if blocker is None else "constraint"
            out.append(
                RunnerUp(cand.id, group, float(scores[i]), gap, _id(sc, weakest), gain, displaced, blocker, reason)
            )
    return out


def _id(sc: _Scored, i: int | None) -> str | None:
    return None if i is None else sc.ids[i]


def _robustness(
    request: SelectionRequest,
    sc: _Scored,
    w: np.ndarray,
    model: _Model,
    chosen: list[int],
    runners: list[RunnerUp],
    progress: Progress = _no_progress,
) -> dict[str, float]:
    tracked = {sc.ids[i] for i in chosen} | {r.id for r in runners}
    if request.perturbations == 0:
        return {cid: (1.0 if sc.index[cid] in set(chosen) else 0.0) for cid in tracked}
    rng = random.Random(request.seed)
    r = request.perturbation_range
    counts: dict[str, int] = defaultdict(int)
    # Measured on 2,558 candidates x 12 criteria: warm-start hints made each re-solve
    # slower (84 ms vs 58 ms), disabling presolve made it faster (47 ms), so the
    # perturbation re-solves run cold and without presolve, on a model reduced to the
    # candidates that can be optimal under some perturbation (see _perturbation_keep).
    keep = _perturbation_keep(request, sc, w)
    reduced = _Model([sc.cands[i] for i in keep], request.constraints, original_index=keep, original_n=len(sc.cands))
    sub = sc.matrix[keep]
    for _ in range(request.perturbations):
        progress()
        factors = np.array([1.0 + rng.uniform(-r, r) for _ in range(len(w))])
        wp = w * factors
        wp = wp / wp.sum()
        reduced.set_objective(sub @ wp)
        picked = reduced.solve(request.time_limit_s, presolve=False)
        if picked is None:  # cannot happen: the feasible set does not depend on weights
            raise SelectionError("solver_failed", status="INFEASIBLE")
        for p in picked:
            counts[sc.ids[keep[p]]] += 1
    all_ids = tracked | set(counts)
    return {cid: counts[cid] / request.perturbations for cid in sorted(all_ids)}


def _perturbation_keep(request: SelectionRequest, sc: _Scored, w: np.ndarray) -> list[int]:
    """Indices of the candidates that can be in an optimum for some perturbed weighting.

    Candidate *j* robustly beats *i* when, for every weighting with factors in [1 - r, 1 + r],
    its score is higher by more than the rounding of the scaled objective (2 / SCORE_SCALE):
    the smallest difference is (sum_k w_k d_k - r sum_k w_k |d_k|) / (1 + r) with d = n_j - n_i.
    If *i* has at least N (its group's count) such rivals with the same group, province, size
    class and climate zone (so that swapping them never breaks a constraint), none of them
    excluded and *i* not required, then in any selection containing *i* one of those rivals is
    unselected and swapping it in strictly improves the objective: *i* is never optimal and
    is left out of the perturbation model.  Groups outside the counts and must-exclude
    candidates are left out too (always 0).
    """
    cons = request.constraints
    r = request.perturbation_range
    margin = 2.0 / SCORE_SCALE
    cells: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    keep: list[int] = []
    for i, c in enumerate(sc.cands):
        if c.group not in cons.counts or c.id in cons.must_exclude:
            continue
        cells[(c.group, c.province, c.size_class, c.climate_zone)].append(i)
    for (group, *_rest), rows in cells.items():
        need = cons.counts[group]
        if len(rows) <= need:
            keep.extend(rows)
            continue
        m = sc.matrix[rows]
        beats = np.zeros(len(rows), dtype=int)
        chunk = max(1, 2_000_000 // max(1, len(rows) * m.shape[1]))
        for start in range(0, len(rows), chunk):
            d = m[None, :, :] - m[start : start + chunk, None, :]  # d[i, j] = n_j - n_i
            worst = (d @ w - r * (np.abs(d) @ w)) / (1 + r)
            beats[start : start + chunk] = (worst > margin).sum(axis=1)
        for pos, i in enumerate(rows):
            if beats[pos] < need or sc.cands[i].id in cons.must_include:
                keep.append(i)
    return sorted(keep)


# --------------------------------------------------------------------------- helpers for callers


SIZE_CLASSES: tuple[tuple[str, int], ...] = (
    ("megacity", 10_000_000),
    ("very_large", 5_000_000),
    ("large", 1_000_000),
    ("medium", 500_000),
    ("small", 100_000),
    ("town", 0),
)


def size_class(population: int | None) -> str:
    """Size class by population, following the thresholds of China's 2014 State Council
    city-size classification (merging its sub-classes); applied to both countries."""
    if population is None:
        return ""
    for name, threshold in SIZE_CLASSES:
        if population >= threshold:
            return name
    return "town"
