"""selection.counting_conflicts, split into named steps, gives exactly what the single function gave (oracle:
the original, kept verbatim below) on random pools and constraints; and a table of one case per conflict."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybridge.cities.selection import (
    ATTRIBUTES,
    AttributeBound,
    Candidate,
    Conflict,
    Constraints,
    counting_conflicts,
    province_cap,
)

# ruff: noqa: E501  (the oracle is kept exactly as it was)


def counting_conflicts_before_refactor(cands: list[Candidate], constraints: Constraints) -> list[Conflict]:
    """selection.counting_conflicts as it was before it was split into named steps (kept verbatim as the oracle)."""
    conflicts: list[Conflict] = []
    counts = constraints.counts
    inc, exc = constraints.must_include, constraints.must_exclude
    both = sorted(inc & exc)
    if both:
        conflicts.append(Conflict("include_exclude_overlap", ["must_include", "must_exclude"], {"ids": both}))
    by_group: dict[str, list[Candidate]] = defaultdict(list)
    for c in cands:
        by_group[c.group].append(c)
    wrong_group = sorted(c.id for c in cands if c.id in inc and c.group not in counts)
    if wrong_group:
        conflicts.append(Conflict("must_include_outside_groups", ["must_include", "counts"], {"ids": wrong_group}))
    for group, n in sorted(counts.items()):
        cap = province_cap(constraints, group)
        pool = [c for c in by_group.get(group, []) if c.id not in exc]
        incl = [c for c in by_group.get(group, []) if c.id in inc]
        if len(pool) < n:
            conflicts.append(
                Conflict(
                    "pool_too_small",
                    [f"count:{group}"]
                    + (["must_exclude"] if any(c.group == group and c.id in exc for c in cands) else []),
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
        if cap is not None:
            per_prov: dict[str, int] = defaultdict(int)
            unprovinced = 0
            for c in pool:
                if c.province:
                    per_prov[c.province] += 1
                else:
                    unprovinced += 1
            reachable = sum(min(cap, k) for k in per_prov.values()) + unprovinced
            if reachable < n and len(pool) >= n:
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
            for prov, lst in sorted(inc_prov.items()):
                if len(lst) > cap:
                    conflicts.append(
                        Conflict(
                            "must_include_exceeds_province_cap",
                            ["must_include", "max_per_province"],
                            {"group": group, "province": prov, "ids": sorted(lst), "cap": cap},
                        )
                    )
    # attribute bounds
    for b in constraints.bounds:
        groups = [b.group] if b.group else sorted(counts)
        members = [c for c in cands if getattr(c, b.attribute) == b.value and c.group in groups]
        avail = [c for c in members if c.id not in exc]
        incl = [c for c in members if c.id in inc]
        required = sum(counts.get(g, 0) for g in groups)
        if b.min is not None and b.min > len(avail):
            conflicts.append(
                Conflict("bound_min_unreachable", [b.key()], {"bound": b.key(), "min": b.min, "available": len(avail)})
            )
        if b.min is not None and b.min > required:
            conflicts.append(
                Conflict(
                    "bound_min_exceeds_count",
                    [b.key()] + [f"count:{g}" for g in groups],
                    {"bound": b.key(), "min": b.min, "required": required},
                )
            )
        if b.max is not None and len(incl) > b.max:
            conflicts.append(
                Conflict(
                    "must_include_exceeds_bound",
                    ["must_include", b.key()],
                    {"bound": b.key(), "max": b.max, "ids": sorted(c.id for c in incl)},
                )
            )
        if b.min is not None and b.max is not None and b.min > b.max:
            conflicts.append(Conflict("bound_min_above_max", [b.key()], {"bound": b.key(), "min": b.min, "max": b.max}))
    # sums of minima per attribute and group
    for group, n in sorted(counts.items()):
        for attr in ATTRIBUTES:
            mins = [b for b in constraints.bounds if b.attribute == attr and b.group == group and b.min]
            if mins and sum(b.min for b in mins) > n:
                conflicts.append(
                    Conflict(
                        "bound_mins_exceed_count",
                        [b.key() for b in mins] + [f"count:{group}"],
                        {"group": group, "attribute": attr, "sum_of_minima": sum(b.min for b in mins), "required": n},
                    )
                )
    return conflicts


@st.composite
def cases(draw):
    n = draw(st.integers(0, 12))
    cands = [
        Candidate(
            id=f"c{i}",
            group=draw(st.sampled_from(["CA", "CN", "XX"])),
            values={},
            province=draw(st.sampled_from(["", "P1", "P2", "P3"])),
            size_class=draw(st.sampled_from(["", "small", "large"])),
            climate_zone=draw(st.sampled_from(["", "hot", "cold"])),
        )
        for i in range(n)
    ]
    ids = [c.id for c in cands] + ["unknown"]
    counts = draw(st.dictionaries(st.sampled_from(["CA", "CN"]), st.integers(0, 6)))
    values = {"size_class": ["small", "large"], "climate_zone": ["hot", "cold"], "province": ["P1", "P2"]}
    bound = st.sampled_from(ATTRIBUTES).flatmap(
        lambda attr: st.builds(
            AttributeBound,
            attribute=st.just(attr),
            value=st.sampled_from(values[attr]),
            min=st.one_of(st.none(), st.integers(0, 5)),
            max=st.one_of(st.none(), st.integers(0, 5)),
            group=st.sampled_from([None, "CA", "CN"]),
        )
    )
    cons = Constraints(
        counts=counts,
        max_per_province=draw(
            st.one_of(st.none(), st.integers(1, 3), st.dictionaries(st.sampled_from(["CA", "CN"]), st.integers(1, 3)))
        ),
        bounds=tuple(draw(st.lists(bound, max_size=4))),
        must_include=frozenset(draw(st.lists(st.sampled_from(ids), max_size=5))),
        must_exclude=frozenset(draw(st.lists(st.sampled_from(ids), max_size=5))),
    )
    return cands, cons


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_named_steps_give_exactly_what_the_single_function_gave(case):
    cands, cons = case
    assert counting_conflicts(cands, cons) == counting_conflicts_before_refactor(cands, cons)


def _c(cid, group, province="", size="", climate=""):
    return Candidate(id=cid, group=group, values={}, province=province, size_class=size, climate_zone=climate)


POOL = [
    _c("a1", "CA", "", "small"),
    _c("a2", "CA", "", "large"),
    _c("n1", "CN", "P1", "large", "cold"),
    _c("n2", "CN", "P1", "small", "cold"),
    _c("n3", "CN", "P2", "small"),
]


@pytest.mark.parametrize(
    ("cons", "expected"),
    [
        (Constraints(counts={"CA": 1, "CN": 1}), []),
        (
            Constraints(counts={"CA": 1}, must_include=frozenset({"a1"}), must_exclude=frozenset({"a1"})),
            [Conflict("include_exclude_overlap", ["must_include", "must_exclude"], {"ids": ["a1"]})],
        ),
        (
            Constraints(counts={"CA": 1}, must_include=frozenset({"n1"})),
            [Conflict("must_include_outside_groups", ["must_include", "counts"], {"ids": ["n1"]})],
        ),
        (
            Constraints(counts={"CA": 2}, must_exclude=frozenset({"a2"})),
            [Conflict("pool_too_small", ["count:CA", "must_exclude"], {"group": "CA", "pool": 1, "required": 2})],
        ),
        (
            Constraints(counts={"CN": 4}),
            [Conflict("pool_too_small", ["count:CN"], {"group": "CN", "pool": 3, "required": 4})],
        ),
        (
            Constraints(counts={"CA": 1}, must_include=frozenset({"a1", "a2"})),
            [
                Conflict(
                    "must_include_exceeds_count",
                    ["must_include", "count:CA"],
                    {"group": "CA", "included": 2, "required": 1},
                )
            ],
        ),
        (
            Constraints(counts={"CN": 3}, max_per_province={"CN": 1}),
            [
                Conflict(
                    "province_cap_too_tight",
                    ["max_per_province", "count:CN"],
                    {"group": "CN", "cap": 1, "provinces": 2, "reachable": 2, "required": 3},
                )
            ],
        ),
        (Constraints(counts={"CA": 2}, max_per_province=1), []),  # cities without a province are not capped
        (
            Constraints(counts={"CN": 2}, max_per_province=1, must_include=frozenset({"n1", "n2"})),
            [
                Conflict(
                    "must_include_exceeds_province_cap",
                    ["must_include", "max_per_province"],
                    {"group": "CN", "province": "P1", "ids": ["n1", "n2"], "cap": 1},
                )
            ],
        ),
        (
            Constraints(counts={"CN": 2}, bounds=(AttributeBound("size_class", "large", min=2, group="CN"),)),
            [
                Conflict(
                    "bound_min_unreachable",
                    ["bound:size_class=large@CN"],
                    {"bound": "bound:size_class=large@CN", "min": 2, "available": 1},
                )
            ],
        ),
        (
            Constraints(counts={"CA": 1, "CN": 1}, bounds=(AttributeBound("size_class", "small", min=3),)),
            [
                Conflict(
                    "bound_min_exceeds_count",
                    ["bound:size_class=small@*", "count:CA", "count:CN"],
                    {"bound": "bound:size_class=small@*", "min": 3, "required": 2},
                )
            ],
        ),
        (
            Constraints(
                counts={"CN": 2},
                must_include=frozenset({"n1"}),
                bounds=(AttributeBound("climate_zone", "cold", max=0, group="CN"),),
            ),
            [
                Conflict(
                    "must_include_exceeds_bound",
                    ["must_include", "bound:climate_zone=cold@CN"],
                    {"bound": "bound:climate_zone=cold@CN", "max": 0, "ids": ["n1"]},
                )
            ],
        ),
        (
            Constraints(counts={"CN": 2}, bounds=(AttributeBound("size_class", "small", min=2, max=1, group="CN"),)),
            [
                Conflict(
                    "bound_min_above_max",
                    ["bound:size_class=small@CN"],
                    {"bound": "bound:size_class=small@CN", "min": 2, "max": 1},
                )
            ],
        ),
        (
            Constraints(
                counts={"CN": 2},
                bounds=(
                    AttributeBound("province", "P1", min=2, group="CN"),
                    AttributeBound("province", "P2", min=1, group="CN"),
                ),
            ),
            [
                Conflict(
                    "bound_mins_exceed_count",
                    ["bound:province=P1@CN", "bound:province=P2@CN", "count:CN"],
                    {"group": "CN", "attribute": "province", "sum_of_minima": 3, "required": 2},
                )
            ],
        ),
    ],
)
def test_one_case_per_conflict(cons, expected):
    assert counting_conflicts(POOL, cons) == expected
    assert counting_conflicts_before_refactor(POOL, cons) == expected
