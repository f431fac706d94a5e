"""CP-SAT timetable: one model for one course or a whole season (lecturers and hosts shared across courses).

Variables (per course, day index i of its calendar):
- teach[c,i]: the class has a teaching day (else an off day: blackout or rest);
- y[m,i]: day i is a day of module m; a[m,i] "m has started by i", b[m,i] "m has not ended before i" (monotone
  chains), span[m,i] = a ∧ b: the module's calendar span, which is contiguous by construction;
- x[s,i,k]: session s in slot k of day i (one per candidate placement).

Two passes. The first builds only the candidates every rule allows (fast, presolve-friendly). If it proves
infeasibility, a second model keeps every candidate and guards each rule group (a lecturer's availability, a host's
open days, a locked session, a module's length, the rest rule, blackout …) with an assumption literal; CP-SAT's
SufficientAssumptionsForInfeasibility names a set of groups that cannot all hold, which is then shrunk by deletion
to a minimal set, and each group becomes a Conflict with the figures a user needs to relax one.
"""

from __future__ import annotations

import threading
import time as _time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from ortools.sat.python import cp_model

from .model import SLOTS, Conflict, CourseProblem, Placement, Problem, Slot, Solution
from .score import TRIP_GAP, even_share, score, weighted
from .validate import course_days, validate

Group = tuple  # ('lecturer', id) | ('maxday', id) | ('busy', id) | ('host', id) | ('locked', key) | …


def _predecessors(course: CourseProblem) -> dict[int, set[int]]:
    """Module id → ids of modules that must end before it starts (direct: smaller order, or listed in after)."""
    ids = {m.id for m in course.modules}
    pred: dict[int, set[int]] = {m.id: set() for m in course.modules}
    for m in course.modules:
        pred[m.id] |= {a for a in m.after if a in ids and a != m.id}
        pred[m.id] |= {o.id for o in course.modules if o.order < m.order}
    return pred


def _closure(pred: dict[int, set[int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}

    def walk(n: int, seen: set[int]) -> set[int]:
        if n in out:
            return out[n]
        acc: set[int] = set()
        for p in pred[n]:
            if p not in seen:
                acc |= {p} | walk(p, seen | {p})
        out[n] = acc
        return acc

    for n in pred:
        walk(n, {n})
    return out


def _module_windows(course: CourseProblem) -> dict[int, tuple[int, int]]:
    """Module id → (earliest first day index, latest last day index), from the teaching days that must come before
    and after it. Greedy prefix/suffix counts of possible teaching days (rest rule + blackout) make them tight."""
    days = course_days(course)
    n = len(days)
    closure = _closure(_predecessors(course))
    succ: dict[int, set[int]] = defaultdict(set)
    for m, ps in closure.items():
        for p in ps:
            succ[p].add(m)
    by_id = {m.id: m for m in course.modules}

    def prefix(order: list[int]) -> list[int]:
        run = taught = 0
        out = []
        for i in order:
            if course.is_blackout(days[i]) or run == course.rest_every - 1:
                run = 0
            else:
                run += 1
                taught += 1
            out.append(taught)
        return out

    fwd = prefix(list(range(n)))  # fwd[i]: most teaching days within days[0..i]
    bwd = prefix(list(range(n - 1, -1, -1)))[::-1]  # bwd[i]: most teaching days within days[i..n-1]
    win = {}
    for m in course.modules:
        before = sum(by_id[p].days for p in closure[m.id])
        after = sum(by_id[s].days for s in succ[m.id])
        lo = next((i for i in range(n) if fwd[i] >= before + 1), n)
        hi = next((i for i in range(n - 1, -1, -1) if bwd[i] >= after + 1), -1)
        win[m.id] = (lo, hi)
    return win


class _Model:
    def __init__(self, problem: Problem, explain: bool) -> None:
        self.p = problem
        self.explain = explain
        self.m = cp_model.CpModel()
        self.assume: dict[Group, cp_model.IntVar] = {}
        self.TRUE = self.m.NewBoolVar("true")
        self.m.Add(self.TRUE == 1)
        self.FALSE = self.TRUE.Not()
        self.lecturers = {lec.id: lec for lec in problem.lecturers}
        self.hosts = {h.id: h for h in problem.hosts}
        self.teach: dict[tuple[int, int], object] = {}
        self.y: dict[tuple[int, int, int], object] = {}
        self.x: dict[str, dict[tuple[int, int], object]] = {}
        self.days: dict[int, list[date]] = {}
        self.obj: list = []
        self.offset = 0
        self.build()

    # ------------------------------------------------------------------ helpers
    def lit(self, group: Group) -> object | None:
        """The assumption literal guarding a rule group (explain mode), or None (the rule is plainly hard)."""
        if not self.explain:
            return None
        if group not in self.assume:
            self.assume[group] = self.m.NewBoolVar(str(group))
        return self.assume[group]

    def guard(self, ct: cp_model.Constraint, group: Group) -> None:
        a = self.lit(group)
        if a is not None:
            ct.OnlyEnforceIf(a)

    # ------------------------------------------------------------------ model
    def build(self) -> None:
        p, m = self.p, self.m
        busy_day: dict[int, set[date]] = defaultdict(set)
        busy_slot: dict[int, set[tuple[date, Slot]]] = defaultdict(set)
        for b in p.busy:
            if b.slot is None:
                busy_day[b.lecturer_id].add(b.day)
            else:
                busy_slot[b.lecturer_id].add((b.day, Slot(b.slot)))
        by_lecturer_slot: dict[tuple[int, date, Slot], list] = defaultdict(list)
        by_lecturer_day: dict[tuple[int, date], list] = defaultdict(list)
        by_host_slot: dict[tuple[int, date, Slot], list] = defaultdict(list)
        self.infeasible_now = False

        for course in p.courses:
            c = course.id
            days = course_days(course)
            self.days[c] = days
            n = len(days)
            win = _module_windows(course) if not self.explain else {mod.id: (0, n - 1) for mod in course.modules}
            teach = []
            for i, d in enumerate(days):
                if course.is_blackout(d) and not self.explain:
                    teach.append(self.FALSE)
                    continue
                t = m.NewBoolVar(f"teach_{c}_{i}")
                teach.append(t)
                if course.is_blackout(d):
                    self.guard(m.Add(t == 0), ("blackout", c))
            for i, t in enumerate(teach):
                self.teach[(c, i)] = t
            # rest rule: an off day in every window of rest_every days
            for i in range(0, n - course.rest_every + 1):
                self.guard(m.Add(sum(teach[i : i + course.rest_every]) <= course.rest_every - 1), ("rest", c))
            # modules
            a: dict[int, list] = {}
            b: dict[int, list] = {}
            span: dict[int, list] = {}
            for mod in course.modules:
                lo, hi = win[mod.id]
                if lo > hi:
                    m.AddBoolOr([self.FALSE])  # no room at all (validate() normally says why first)
                    self.infeasible_now = True
                    lo, hi = 0, -1
                aa, bb, ss, yy = [], [], [], []
                for i in range(n):
                    if i < lo:
                        aa.append(self.FALSE), bb.append(self.TRUE), ss.append(self.FALSE), yy.append(self.FALSE)
                        continue
                    if i > hi:
                        aa.append(self.TRUE), bb.append(self.FALSE), ss.append(self.FALSE), yy.append(self.FALSE)
                        continue
                    if teach[i] is self.FALSE:
                        yv = self.FALSE
                    else:
                        yv = m.NewBoolVar(f"y_{c}_{mod.id}_{i}")
                        m.AddImplication(yv, teach[i])
                    av = m.NewBoolVar(f"a_{c}_{mod.id}_{i}")
                    bv = m.NewBoolVar(f"b_{c}_{mod.id}_{i}")
                    sv = m.NewBoolVar(f"s_{c}_{mod.id}_{i}")
                    m.AddBoolOr([av.Not(), bv.Not(), sv])
                    m.AddImplication(sv, av)
                    m.AddImplication(sv, bv)
                    if yv is not self.FALSE:
                        m.AddImplication(yv, sv)
                    aa.append(av), bb.append(bv), ss.append(sv), yy.append(yv)
                for i in range(n - 1):
                    m.AddImplication(aa[i], aa[i + 1])  # started stays started
                    m.AddImplication(bb[i + 1], bb[i])  # ended stays ended
                for i in range(n):
                    if ss[i] is self.FALSE:
                        continue
                    # the first and the last day of the span are days of the module
                    prev_a = aa[i - 1] if i > 0 else self.FALSE
                    next_b = bb[i + 1] if i + 1 < n else self.FALSE
                    m.AddBoolOr([aa[i].Not(), prev_a, yy[i]])
                    m.AddBoolOr([bb[i].Not(), next_b, yy[i]])
                    # inside the span, a day that is not the module's is an off day
                    m.AddBoolOr([ss[i].Not(), yy[i], teach[i].Not()])
                if hi >= lo:
                    m.AddBoolOr([aa[hi]])  # it has started by its latest possible end
                    m.AddBoolOr([bb[lo]])
                self.guard(m.Add(sum(yy) == mod.days), ("module_length", c, mod.id))
                nonblack = [ss[i] for i in range(n) if not course.is_blackout(days[i])]
                m.Add(sum(nonblack) <= mod.days + 1)
                if not self.explain and self.p.weights.module_breaks:
                    # a rest day inside the module's span: span days (not blackout) beyond its teaching days
                    self.obj.append(self.p.weights.module_breaks * sum(nonblack))
                    self.offset -= self.p.weights.module_breaks * mod.days
                a[mod.id], b[mod.id], span[mod.id] = aa, bb, ss
                for i in range(n):
                    self.y[(c, mod.id, i)] = yy[i]
            for i in range(n):
                cover = [span[mod.id][i] for mod in course.modules if span[mod.id][i] is not self.FALSE]
                if len(cover) > 1:
                    m.AddAtMostOne(cover)
            preds = _predecessors(course)
            for mod in course.modules:
                for pid in preds[mod.id]:
                    for i in range(n):
                        # when mod has started by day i, its predecessor has ended before day i
                        if a[mod.id][i] is self.FALSE or b[pid][i] is self.FALSE:
                            continue
                        ct = m.AddBoolOr([a[mod.id][i].Not(), b[pid][i].Not()])
                        self.guard(ct, ("order", c))

            # sessions
            slot_vars: dict[tuple[int, int], list] = defaultdict(list)
            day_vars: dict[int, list] = defaultdict(list)
            module_ids = {mod.id for mod in course.modules}
            for s in course.sessions:
                lec = self.lecturers.get(s.lecturer_id) if s.lecturer_id is not None else None
                host = self.hosts.get(s.host_id) if s.host_id is not None else None
                slots = (2,) if s.evening else (0, 1)
                cand: dict[tuple[int, int], object] = {}
                for i, d in enumerate(days):
                    if s.module_id in module_ids:
                        place_day = self.y[(c, s.module_id, i)]
                    else:
                        place_day = teach[i]
                    if place_day is self.FALSE:
                        continue
                    for k in slots:
                        forbid: list[Group] = []
                        slot = SLOTS[k]
                        if lec is not None:
                            if d not in lec.available:
                                forbid.append(("lecturer", lec.id))
                            if d in busy_day[lec.id] or (d, slot) in busy_slot[lec.id]:
                                forbid.append(("busy", lec.id))
                        if host is not None and d not in host.open_days:
                            forbid.append(("host", host.id))
                        lk = s.locked
                        if lk is not None and (lk.course_id != c or lk.day != d or Slot(lk.slot) is not slot):
                            forbid.append(("locked", s.key))
                        if forbid and not self.explain:
                            continue
                        v = m.NewBoolVar(f"x_{s.key}_{i}_{k}")
                        m.AddImplication(v, place_day)
                        for g in forbid:
                            m.AddImplication(self.lit(g), v.Not())
                        cand[(i, k)] = v
                if not cand:
                    self.infeasible_now = True
                m.AddExactlyOne(cand.values()) if cand else m.AddBoolOr([self.FALSE])
                self.x[s.key] = cand
                for (i, k), v in cand.items():
                    slot_vars[(i, k)].append(v)
                    day_vars[i].append(v)
                    if lec is not None:
                        by_lecturer_slot[(lec.id, days[i], SLOTS[k])].append(v)
                        by_lecturer_day[(lec.id, days[i])].append(v)
                    if host is not None:
                        by_host_slot[(host.id, days[i], SLOTS[k])].append(v)
            for vs in slot_vars.values():
                if len(vs) > 1:
                    m.AddAtMostOne(vs)
            # a non-module teaching day must hold something (else it is an off day)
            for i in range(n):
                if teach[i] is self.FALSE:
                    continue
                holders = [self.y[(c, mod.id, i)] for mod in course.modules] + [
                    v
                    for s in course.sessions
                    if s.module_id not in module_ids
                    for (j, _k), v in self.x[s.key].items()
                    if j == i
                ]
                holders = [h for h in holders if h is not self.FALSE]
                m.AddBoolOr([teach[i].Not(), *holders])
            if not self.explain:
                self._soft_course(course, teach, day_vars)
            self._symmetry(course)

        for vs in by_lecturer_slot.values():
            if len(vs) > 1:
                m.AddAtMostOne(vs)
        for (lid, _d), vs in by_lecturer_day.items():
            cap = self.lecturers[lid].max_per_day
            if len(vs) > cap:
                self.guard(m.Add(sum(vs) <= cap), ("maxday", lid))
        for (hid, _d, _k), vs in by_host_slot.items():
            if len(vs) > 1:  # a host receives one class at a time
                if self.explain:
                    self.guard(m.Add(sum(vs) <= 1), ("host", hid))
                else:
                    m.AddAtMostOne(vs)
        if not self.explain:
            self._soft_global(by_lecturer_day)
            m.Minimize(sum(self.obj) + self.offset)

    def _symmetry(self, course: CourseProblem) -> None:
        """Interchangeable sessions (same module, lecturer, host, format, topic, slot kind and requests, neither
        locked nor re-planned) are placed in the order of their keys: same cost, far fewer equal solutions."""
        prev = self.p.previous or {}
        groups: dict[tuple, list] = defaultdict(list)
        for s in course.sessions:
            if s.locked is not None or s.key in prev:
                continue
            sig = (s.module_id, s.lecturer_id, s.host_id, s.format, s.topic, s.evening, s.requested_days)
            groups[sig].append(s)
        for members in groups.values():
            if len(members) < 2:
                continue
            members.sort(key=lambda s: s.key)
            pos = [sum((i * 3 + k) * v for (i, k), v in self.x[s.key].items()) for s in members]
            for p1, p2 in zip(pos, pos[1:], strict=False):
                self.m.Add(p1 + 1 <= p2)

    def _soft_course(self, course: CourseProblem, teach: list, day_vars: dict[int, list]) -> None:
        p, m, w = self.p, self.m, self.p.weights
        c = course.id
        days = self.days[c]
        prev = p.previous or {}
        for s in course.sessions:
            cand = self.x[s.key]
            lec = self.lecturers.get(s.lecturer_id) if s.lecturer_id is not None else None
            for (i, _k), v in cand.items():
                cost = 0
                if lec is not None and lec.preferred_weekdays and days[i].weekday() not in lec.preferred_weekdays:
                    cost += w.preferred_days
                if s.requested_days and days[i] not in s.requested_days:
                    cost += w.partner_dates
                if cost:
                    self.obj.append(cost * v)
            if s.key in prev and w.moves:
                pp = prev[s.key]
                key = None
                if pp.course_id == c and pp.day in days:
                    key = (days.index(pp.day), SLOTS.index(Slot(pp.slot)))
                v = cand.get(key) if key else None
                self.offset += w.moves
                if v is not None:
                    self.obj.append(-w.moves * v)
        # even daily load
        share = even_share(len(course.sessions), sum(mod.days for mod in course.modules))
        if w.even_load:
            for _i, vs in day_vars.items():
                if len(vs) > share:
                    e = m.NewIntVar(0, len(vs) - share, "")
                    m.Add(e >= sum(vs) - share)
                    self.obj.append(w.even_load * e)
        # topic variety: a topic on two consecutive days
        if w.topic_variety:
            by_topic: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
            for s in course.sessions:
                if s.topic:
                    for (i, _k), v in self.x[s.key].items():
                        by_topic[s.topic][i].append(v)
            for per_day in by_topic.values():
                h = {}
                for i, vs in per_day.items():
                    hv = m.NewBoolVar("")
                    for v in vs:
                        m.AddImplication(v, hv)
                    h[i] = hv
                for i, hv in h.items():
                    if i + 1 in h:
                        r = m.NewBoolVar("")
                        m.AddBoolOr([hv.Not(), h[i + 1].Not(), r])
                        self.obj.append(w.topic_variety * r)
        # teaching on the preferred rest weekday
        if w.rest_weekday and course.rest_weekday is not None:
            for i, d in enumerate(days):
                if teach[i] is not self.FALSE and d.weekday() == course.rest_weekday:
                    if d not in course.extra_working_days:
                        self.obj.append(w.rest_weekday * teach[i])

    def _soft_global(self, by_lecturer_day: dict[tuple[int, date], list]) -> None:
        m, w = self.m, self.p.weights
        if not w.trips:
            return
        per_lec: dict[int, dict[date, list]] = defaultdict(dict)
        for (lid, d), vs in by_lecturer_day.items():
            lec = self.lecturers[lid]
            if lec.visiting or lec.group_sessions:
                per_lec[lid][d] = vs
        for _lid, per_day in per_lec.items():
            t = {}
            for d, vs in per_day.items():
                tv = m.NewBoolVar("")
                m.AddBoolOr([tv.Not(), *vs])
                for v in vs:
                    m.AddImplication(v, tv)
                t[d] = tv
            for d, tv in t.items():
                earlier = [t[d - timedelta(days=g)] for g in range(1, TRIP_GAP + 1) if d - timedelta(days=g) in t]
                st = m.NewBoolVar("")
                m.AddBoolOr([tv.Not(), *earlier, st])  # teaching on d and on none of the days before: a new trip
                self.obj.append(w.trips * st)
            self.offset -= w.trips  # the first trip is free


def _status(code: int) -> str:
    return {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(code, "unknown")


def _solver(problem: Problem, time_limit: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.05, time_limit)
    s.parameters.num_workers = max(1, problem.workers)
    s.parameters.random_seed = problem.seed
    # the LP relaxation with every constraint in it proves optimality far sooner on these models (measured on the
    # benchmark's courses: median 0.6 s instead of 1.3 s, the slowest 4.4 s instead of timing out)
    s.parameters.linearization_level = 2
    return s


def _empty(status: str, t0: float, conflicts: tuple[Conflict, ...] = ()) -> Solution:
    return Solution(
        status=status,
        placements={},
        module_days={},
        off_days={},
        objective=0,
        objective_parts={},
        bound=0.0,
        gap=0.0,
        solve_seconds=_time.perf_counter() - t0,
        conflicts=conflicts,
    )


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[dict[str, float]], None]) -> None:
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        self.report(
            {"objective": self.ObjectiveValue(), "bound": self.BestObjectiveBound(), "seconds": self.WallTime()}
        )


def solve(
    problem: Problem,
    progress: Callable[[dict[str, float]], None] | None = None,
    stop: threading.Event | None = None,
) -> Solution:
    """`progress`, when given, is called with {objective, bound, seconds} each time a better timetable is found
    (from the solver's thread: keep it short, e.g. store the figures for a progress bar). Setting `stop` (from any
    thread) ends the search within moments: the best timetable so far is returned, else status "stopped"."""
    t0 = _time.perf_counter()
    conflicts = validate(problem)
    if conflicts:
        return _empty("infeasible", t0, conflicts)
    model = _Model(problem, explain=False)
    # a first timetable to start from: the previous one (re-plan), else the greedy baseline's when it finds one
    if problem.previous:
        _hint(model, problem.previous, {}, None)
    else:
        from .greedy import greedy

        base = greedy(problem)
        if base.ok:
            _hint(model, base.placements, base.module_days, base.off_days)
    status = cp_model.INFEASIBLE
    if stop is not None and stop.is_set():
        return _empty("stopped", t0)
    if not model.infeasible_now:
        solver = _solver(problem, problem.time_limit_s)
        watcher = _StopWatcher(solver, stop) if stop is not None else None
        try:
            status = solver.Solve(model.m, _Progress(progress) if progress else None)
        finally:
            if watcher is not None:
                watcher.finish()
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _extract(problem, model, solver, status, t0)
    if stop is not None and stop.is_set():
        return _empty("stopped", t0)
    if status == cp_model.INFEASIBLE:
        remaining = max(1.0, problem.time_limit_s - (_time.perf_counter() - t0))
        return _empty("infeasible", t0, explain(problem, remaining))
    return _empty("unknown", t0, (Conflict("no_solution_in_time", {"seconds": round(problem.time_limit_s)}),))


class _StopWatcher:
    """A thread that calls `solver.stop_search()` (safe from another thread) once `stop` is set."""

    def __init__(self, solver: cp_model.CpSolver, stop: threading.Event) -> None:
        self.solver, self.stop, self.done = solver, stop, threading.Event()
        self.thread = threading.Thread(target=self._watch, name="timetable-stop", daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.is_set():
            if self.stop.wait(0.05):
                self.solver.stop_search()
                return

    def finish(self) -> None:
        self.done.set()
        self.thread.join()


def _hint(
    model: _Model,
    placements: dict[str, Placement],
    module_days: dict[tuple[int, int], tuple[date, ...]],
    off_days: dict[int, tuple[date, ...]] | None,
) -> None:
    m = model.m
    for key, cand in model.x.items():
        pp = placements.get(key)
        for (i, k), v in cand.items():
            if pp is None:
                continue
            c_days = model.days.get(pp.course_id)
            hit = c_days is not None and i < len(c_days) and c_days[i] == pp.day and SLOTS[k] is Slot(pp.slot)
            m.AddHint(v, 1 if hit else 0)
    for (c, mid, i), y in model.y.items():
        if (c, mid) in module_days and not isinstance(y, int) and y is not model.FALSE:
            m.AddHint(y, 1 if model.days[c][i] in module_days[(c, mid)] else 0)
    if off_days is not None:
        for (c, i), t in model.teach.items():
            if t is not model.FALSE and c in off_days:
                m.AddHint(t, 0 if model.days[c][i] in off_days[c] else 1)


def _extract(problem: Problem, model: _Model, solver: cp_model.CpSolver, status: int, t0: float) -> Solution:
    placements: dict[str, Placement] = {}
    module_days: dict[tuple[int, int], tuple[date, ...]] = {}
    off_days: dict[int, tuple[date, ...]] = {}
    teaching: dict[int, set[date]] = {}
    for course in problem.courses:
        days = model.days[course.id]
        teach = [solver.BooleanValue(model.teach[(course.id, i)]) for i in range(len(days))]
        off_days[course.id] = tuple(d for i, d in enumerate(days) if not teach[i])
        teaching[course.id] = {d for i, d in enumerate(days) if teach[i]}
        for mod in course.modules:
            module_days[(course.id, mod.id)] = tuple(
                d for i, d in enumerate(days) if solver.BooleanValue(model.y[(course.id, mod.id, i)])
            )
        for s in course.sessions:
            for (i, k), v in model.x[s.key].items():
                if solver.BooleanValue(v):
                    placements[s.key] = Placement(course.id, days[i], SLOTS[k])
    counts, stats, moved = score(problem, placements, teaching, module_days)
    parts = weighted(problem, counts)
    objective = sum(parts.values())
    bound = solver.BestObjectiveBound()
    gap = 0.0 if status == cp_model.OPTIMAL else max(0.0, (objective - bound) / max(1.0, abs(objective)))
    return Solution(
        status=_status(status),
        placements=placements,
        module_days=module_days,
        off_days=off_days,
        objective=objective,
        objective_parts=parts,
        bound=float(bound),
        gap=gap,
        solve_seconds=_time.perf_counter() - t0,
        moved=moved,
        stats={**stats, **{f"count_{k}": v for k, v in counts.items()}, "cp_objective": round(solver.ObjectiveValue())},
    )


# ---------------------------------------------------------------------- explanation
def explain(problem: Problem, time_limit: float = 10.0) -> tuple[Conflict, ...]:
    """A small set of rule groups that cannot all hold, as Conflicts (see module docstring)."""
    model = _Model(problem, explain=True)
    groups = list(model.assume)
    lits = [model.assume[g] for g in groups]
    index_of = {model.assume[g].Index(): g for g in groups}
    deadline = _time.perf_counter() + time_limit

    def infeasible(subset: list[Group]) -> tuple[bool, list[Group]]:
        model.m.ClearAssumptions()
        model.m.AddAssumptions([model.assume[g] for g in subset])
        left = deadline - _time.perf_counter()
        if left <= 0.05:
            return False, subset
        solver = _solver(problem, min(left, max(1.0, time_limit / 4)))
        solver.parameters.num_workers = 1
        st = solver.Solve(model.m)
        if st != cp_model.INFEASIBLE:
            return False, subset
        core = [index_of[i] for i in solver.SufficientAssumptionsForInfeasibility() if i in index_of]
        return True, core

    model.m.AddAssumptions(lits)
    ok, core = infeasible(groups)
    if not ok:
        return (Conflict("no_solution_in_time", {"seconds": round(time_limit)}),)
    if problem.minimise_explanation:
        i = 0
        core = sorted(core, key=_group_rank, reverse=True)
        while i < len(core):
            trial = core[:i] + core[i + 1 :]
            still, sub = infeasible(trial)
            if still:
                core = sorted(sub, key=_group_rank, reverse=True) if len(sub) < len(trial) else trial
            else:
                i += 1
    if not core:
        return (
            Conflict(
                "course_window",
                {
                    "course": ", ".join(c.title for c in problem.courses),
                    "start": str(min(c.start for c in problem.courses)),
                    "end": str(max(c.end for c in problem.courses)),
                    "sessions": sum(len(c.sessions) for c in problem.courses),
                },
            ),
        )
    return tuple(_describe(problem, g) for g in sorted(core, key=_group_rank))


_RANK = {"lecturer": 0, "maxday": 1, "busy": 2, "host": 3, "locked": 4, "module_length": 5, "order": 6}


def _group_rank(g: Group) -> tuple:
    # the rules a user is least likely to relax (rest day, blackout) are tried for removal first, so the set
    # that remains names the specific things (a lecturer's days, a locked session) a user can change
    return (_RANK.get(g[0], 9), str(g[1:]))


def _describe(problem: Problem, g: Group) -> Conflict:
    courses = {c.id: c for c in problem.courses}
    lecturers = {lec.id: lec for lec in problem.lecturers}
    hosts = {h.id: h for h in problem.hosts}
    kind = g[0]
    if kind in ("lecturer", "maxday", "busy"):
        lec = lecturers[g[1]]
        mine = [(c, s) for c in problem.courses for s in c.sessions if s.lecturer_id == lec.id]
        involved = sorted({c.id for c, _s in mine})
        window = {d for cid in involved for d in course_days(courses[cid]) if not courses[cid].is_blackout(d)}
        if kind == "lecturer":
            titles = {c.id: {m.id: m.title for m in c.modules} for c in problem.courses}
            modules = sorted({titles[c.id][s.module_id] for c, s in mine if s.module_id in titles[c.id]})
            return Conflict(
                "lecturer_unavailable",
                {
                    "lecturer": lec.name,
                    "available_days": len(lec.available & window),
                    "needed_sessions": len(mine),
                    "modules": modules,
                    "courses": [courses[cid].title for cid in involved],
                },
            )
        if kind == "maxday":
            return Conflict(
                "lecturer_max_per_day",
                {"lecturer": lec.name, "max_per_day": lec.max_per_day, "needed_sessions": len(mine)},
            )
        bookings = sum(1 for b in problem.busy if b.lecturer_id == lec.id)
        return Conflict("lecturer_busy_elsewhere", {"lecturer": lec.name, "bookings": bookings})
    if kind == "host":
        host = hosts[g[1]]
        sessions = [s.title for c in problem.courses for s in c.sessions if s.host_id == host.id]
        window = {d for c in problem.courses for d in course_days(c)}
        return Conflict(
            "host_open_days", {"host": host.name, "open_days": len(host.open_days & window), "sessions": sessions}
        )
    if kind == "locked":
        for c in problem.courses:
            for s in c.sessions:
                if s.key == g[1] and s.locked is not None:
                    return Conflict(
                        "locked",
                        {
                            "session": s.title,
                            "course": c.title,
                            "day": str(s.locked.day),
                            "slot": Slot(s.locked.slot).value,
                        },
                    )
    course = courses[g[1]]
    if kind == "module_length":
        mod = next(m for m in course.modules if m.id == g[2])
        return Conflict("module_length", {"course": course.title, "module": mod.title, "days": mod.days})
    if kind == "order":
        return Conflict("module_order", {"course": course.title})
    if kind == "rest":
        return Conflict("rest_day", {"course": course.title, "rest_every": course.rest_every})
    black = sorted(d for d in course_days(course) if course.is_blackout(d))
    return Conflict(
        "blackout",
        {
            "course": course.title,
            "days": len(black),
            "first": str(black[0]) if black else "",
            "last": str(black[-1]) if black else "",
        },
    )
