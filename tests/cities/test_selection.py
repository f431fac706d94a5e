"""Cohort selection engine: known optima, brute force, constraints, errors, explanations."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citybridge.cities.selection import (
    AttributeBound,
    Candidate,
    Constraints,
    Criterion,
    SelectionError,
    SelectionRequest,
    select_cohort,
    size_class,
)


def cand(cid, group, v, province="", size="", climate="", **more):
    values = {"a": v} if not isinstance(v, dict) else v
    return Candidate(
        id=cid, group=group, values={**values, **more}, province=province, size_class=size, climate_zone=climate
    )


def run(cands, criteria=None, perturbations=0, **kw):
    criteria = criteria or [Criterion("a", 1.0)]
    cons = kw.pop("constraints", Constraints(counts={"CA": 1, "CN": 1}))
    return select_cohort(SelectionRequest(cands, criteria, cons, perturbations=perturbations, **kw))


# ----------------------------------------------------------------- known optimum


def test_top_scores_per_group_without_side_constraints():
    cands = [cand(f"ca{i}", "CA", i) for i in range(6)] + [cand(f"cn{i}", "CN", 10 - i) for i in range(6)]
    r = run(cands, constraints=Constraints(counts={"CA": 2, "CN": 3}))
    assert r.feasible
    assert set(r.selected) == {"ca5", "ca4", "cn0", "cn1", "cn2"}
    # min-max within group: CA 5 -> 1.0, 4 -> 0.8; CN 10 -> 1.0, 9 -> 0.8, 8 -> 0.6
    assert r.objective == pytest.approx(1.0 + 0.8 + 1.0 + 0.8 + 0.6)


def test_province_cap_forces_a_lower_scoring_city_in():
    cands = [
        cand("a", "CN", 100, "P1"),
        cand("b", "CN", 99, "P1"),
        cand("c", "CN", 98, "P1"),
        cand("d", "CN", 10, "P2"),
        cand("e", "CN", 0, "P3"),
    ]
    r = run(cands, constraints=Constraints(counts={"CN": 3}, max_per_province=2))
    assert set(r.selected) == {"a", "b", "d"}


def test_lower_is_better_and_rank_normalisation():
    cands = [cand(f"c{i}", "CN", x) for i, x in enumerate([5.0, 1.0, 3.0, 3.0, 9.0])]
    r = run(
        cands,
        [Criterion("a", 1, higher_is_better=False)],
        constraints=Constraints(counts={"CN": 2}),
        normalisation="rank",
    )
    assert set(r.selected) == {"c1", "c2"}  # c2 and c3 tie; tie-break prefers input order
    # ranks (1 = worst): 9 -> 1, 5 -> 2, 3,3 -> 3.5, 1 -> 5; normalised (r-1)/4
    assert r.scores["c1"].score == pytest.approx(1.0)
    assert r.scores["c2"].score == pytest.approx(0.625)
    assert r.scores["c3"].score == pytest.approx(0.625)
    assert r.scores["c4"].score == pytest.approx(0.0)


def test_size_class_minimum_and_climate_maximum():
    cands = [
        cand("big1", "CA", 90, size="large", climate="hot"),
        cand("big2", "CA", 80, size="large", climate="hot"),
        cand("small1", "CA", 70, size="small", climate="hot"),
        cand("small2", "CA", 10, size="small", climate="mild"),
    ]
    bounds = (AttributeBound("size_class", "small", min=2, group="CA"), AttributeBound("climate_zone", "hot", max=2))
    r = run(cands, constraints=Constraints(counts={"CA": 3}, bounds=bounds))
    assert set(r.selected) == {"big1", "small1", "small2"}


def test_province_cap_per_group_leaves_other_groups_free():
    cands = [cand(f"ca{i}", "CA", i, "California") for i in range(4)] + [
        cand(f"cn{i}", "CN", i, f"P{i % 2}") for i in range(4)
    ]
    r = run(cands, constraints=Constraints(counts={"CA": 3, "CN": 2}, max_per_province={"CN": 1}))
    assert set(r.selected) == {"ca3", "ca2", "ca1", "cn3", "cn2"}


def test_must_include_and_must_exclude():
    cands = [cand(f"c{i}", "CN", i) for i in range(5)]
    r = run(
        cands, constraints=Constraints(counts={"CN": 2}, must_include=frozenset({"c0"}), must_exclude=frozenset({"c4"}))
    )
    assert set(r.selected) == {"c0", "c3"}


def test_weighted_sum_and_contributions_add_up():
    cands = [
        cand("x", "CN", {"a": 0.0, "b": 10.0}),
        cand("y", "CN", {"a": 10.0, "b": 0.0}),
        cand("z", "CN", {"a": 5.0, "b": 5.0}),
    ]
    r = run(cands, [Criterion("a", 3), Criterion("b", 1)], constraints=Constraints(counts={"CN": 1}))
    assert r.weights_normalised and r.weight_sum_input == 4
    assert r.weights == {"a": 0.75, "b": 0.25}
    assert r.selected == ["y"]
    for s in r.scores.values():
        assert math.fsum(c.weighted for c in s.contributions) == pytest.approx(s.score)
    assert r.scores["z"].score == pytest.approx(0.5)


def test_weights_summing_to_one_are_not_reported_as_normalised():
    r = run([cand("a", "CN", 1), cand("b", "CN", 2)], [Criterion("a", 1.0)], constraints=Constraints(counts={"CN": 1}))
    assert not r.weights_normalised


# ----------------------------------------------------------------- missing values


def pool_with_gap():
    return [
        cand("full_hi", "CN", {"a": 10.0, "b": 10.0}, size="m"),
        cand("gap", "CN", {"a": 9.0, "b": None}, size="m"),
        cand("full_lo", "CN", {"a": 0.0, "b": 0.0}, size="m"),
        cand("peer", "CN", {"a": 1.0, "b": 9.0}, size="m"),
    ]


def test_missing_exclude_drops_candidate_and_reports_it():
    r = run(
        pool_with_gap(),
        [Criterion("a", 1), Criterion("b", 1)],
        constraints=Constraints(counts={"CN": 2}),
        missing="exclude",
    )
    assert r.excluded_for_missing == {"gap": ["b"]}
    assert "gap" not in r.scores
    assert set(r.selected) == {"full_hi", "peer"}


def test_missing_penalise_scores_worst_on_that_criterion():
    r = run(
        pool_with_gap(),
        [Criterion("a", 1), Criterion("b", 1)],
        constraints=Constraints(counts={"CN": 2}),
        missing="penalise",
    )
    gap = r.scores["gap"]
    assert gap.contributions[1].missing and gap.contributions[1].normalised == 0.0
    assert gap.score == pytest.approx(0.5 * 0.9)  # a: (9-0)/10 = 0.9
    # peer: 0.5 * 0.1 + 0.5 * 0.9 = 0.5 beats gap's 0.45
    assert r.scores["peer"].score == pytest.approx(0.5)
    assert set(r.selected) == {"full_hi", "peer"}


def test_missing_impute_from_peers_uses_median_of_same_size_class():
    cands = pool_with_gap() + [cand("other_size", "CN", {"a": 0.0, "b": 100.0}, size="xl")]
    r = run(
        cands, [Criterion("a", 1), Criterion("b", 1)], constraints=Constraints(counts={"CN": 2}), missing="impute_peers"
    )
    assert r.imputed == {"gap": ["b"]}
    contrib = r.scores["gap"].contributions[1]
    assert contrib.imputed and contrib.raw == pytest.approx(9.0)  # median of 10, 0, 9 (size m only, not 100)


def test_criterion_without_data_in_a_group_is_a_warning_not_a_score():
    cands = [
        cand("ca1", "CA", {"a": 1.0, "b": None}),
        cand("ca2", "CA", {"a": 2.0, "b": None}),
        cand("cn1", "CN", {"a": 1.0, "b": 3.0}),
    ]
    r = run(cands, [Criterion("a", 1), Criterion("b", 1)], missing="penalise")
    assert {"code": "criterion_no_data_in_group", "criterion": "b", "group": "CA"} in r.warnings
    assert r.selected_in("CA") == ["ca2"]


# ----------------------------------------------------------------- errors (typed)


@pytest.mark.parametrize(
    ("criteria", "code"),
    [
        ([Criterion("a", -0.1)], "negative_weight"),
        ([Criterion("a", 0.0)], "zero_weights"),
        ([], "no_criteria"),
        ([Criterion("a", 1), Criterion("a", 1)], "duplicate_criterion"),
        ([Criterion("a", float("nan"))], "invalid_weight"),
        ([Criterion("nodata", 1)], "criterion_no_data"),
    ],
)
def test_bad_criteria_raise_typed_errors(criteria, code):
    with pytest.raises(SelectionError) as exc:
        select_cohort(SelectionRequest([cand("a", "CN", 1)], criteria, Constraints(counts={"CN": 1}), perturbations=0))
    assert exc.value.code == code
    if code == "negative_weight":
        assert exc.value.params == {"criterion": "a", "weight": -0.1}


def test_unknown_ids_and_policies_raise():
    with pytest.raises(SelectionError) as exc:
        run([cand("a", "CN", 1)], constraints=Constraints(counts={"CN": 1}, must_include=frozenset({"zz"})))
    assert exc.value.code == "unknown_candidate" and exc.value.params == {"ids": ["zz"]}
    with pytest.raises(SelectionError) as exc:
        run([cand("a", "CN", 1)], constraints=Constraints(counts={"CN": 1}), normalisation="zscore")
    assert exc.value.code == "unknown_normalisation"
    with pytest.raises(SelectionError) as exc:
        run([cand("a", "CN", 1)], constraints=Constraints(counts={"CN": 1}), missing="ignore")
    assert exc.value.code == "unknown_missing_policy"


# ----------------------------------------------------------------- infeasibility


def codes(result):
    return {c.code for c in result.conflicts}


def test_pool_smaller_than_n():
    r = run([cand(f"c{i}", "CN", i) for i in range(3)], constraints=Constraints(counts={"CN": 4}))
    assert not r.feasible and r.selected == []
    (c,) = r.conflicts
    assert c.code == "pool_too_small" and c.params == {"group": "CN", "pool": 3, "required": 4}


def test_must_include_and_exclude_overlap():
    cs = [cand(f"c{i}", "CN", i) for i in range(3)]
    r = run(
        cs, constraints=Constraints(counts={"CN": 1}, must_include=frozenset({"c1"}), must_exclude=frozenset({"c1"}))
    )
    assert not r.feasible
    assert "include_exclude_overlap" in codes(r)


def test_must_include_more_than_n():
    cs = [cand(f"c{i}", "CN", i) for i in range(5)]
    r = run(cs, constraints=Constraints(counts={"CN": 2}, must_include=frozenset({"c0", "c1", "c2"})))
    assert codes(r) == {"must_include_exceeds_count"}


def test_province_cap_makes_n_impossible():
    cs = [cand(f"c{i}", "CN", i, province=f"P{i % 2}") for i in range(8)]
    r = run(cs, constraints=Constraints(counts={"CN": 5}, max_per_province=2))
    (c,) = r.conflicts
    assert c.code == "province_cap_too_tight"
    assert c.params["reachable"] == 4 and set(c.constraints) == {"max_per_province", "count:CN"}


def test_must_include_missing_data_under_exclude_policy():
    cs = [cand("c0", "CN", {"a": None}), cand("c1", "CN", 1.0), cand("c2", "CN", 2.0)]
    r = run(cs, constraints=Constraints(counts={"CN": 1}, must_include=frozenset({"c0"})))
    assert not r.feasible and "must_include_missing_data" in codes(r)


def test_non_counting_conflict_found_by_minimal_conflict_search():
    # 4 cities; group needs 2; "large" at least 2 and climate "hot" at most 0, but both large cities are hot.
    cs = [
        cand("l1", "CN", 1, size="large", climate="hot"),
        cand("l2", "CN", 2, size="large", climate="hot"),
        cand("s1", "CN", 3, size="small", climate="mild"),
        cand("s2", "CN", 4, size="small", climate="mild"),
    ]
    bounds = (AttributeBound("size_class", "large", min=2, group="CN"), AttributeBound("climate_zone", "hot", max=0))
    r = run(cs, constraints=Constraints(counts={"CN": 2}, bounds=bounds))
    assert not r.feasible
    (c,) = r.conflicts
    assert c.code == "constraints_conflict"
    assert set(c.constraints) == {"bound:size_class=large@CN", "bound:climate_zone=hot@*"}


# ----------------------------------------------------------------- runners-up and robustness


def test_runner_up_gain_is_exact_and_names_binding_constraint():
    cs = [
        cand("a", "CN", 100, "P1"),
        cand("b", "CN", 90, "P1"),
        cand("c", "CN", 80, "P1"),  # blocked by the province cap
        cand("d", "CN", 10, "P2"),
        cand("e", "CN", 0, "P3"),
    ]
    r = run(cs, constraints=Constraints(counts={"CN": 3}, max_per_province=2))
    ru = {x.id: x for x in r.runners_up}
    assert ru["c"].blocking_constraint == "max_per_province" and ru["c"].reason == "constraint"
    # forcing c in drops b (0.9) for c (0.8): the gain needed is 0.1, not the gap to the weakest (d)
    assert ru["c"].gain_needed == pytest.approx(0.1)
    assert ru["c"].would_displace == ["b"]
    assert ru["e"].reason == "score_gap" and ru["e"].gain_needed == pytest.approx(0.1)
    assert ru["e"].would_displace == ["d"]


def test_robustness_is_reproducible_and_bounded():
    cs = [cand(f"c{i}", "CN", {"a": float(i), "b": float(9 - i) * 1.05}) for i in range(10)]
    crit = [Criterion("a", 1), Criterion("b", 1)]
    r1 = run(cs, crit, constraints=Constraints(counts={"CN": 3}), perturbations=40, seed=7)
    r2 = run(cs, crit, constraints=Constraints(counts={"CN": 3}), perturbations=40, seed=7)
    assert r1.robustness == r2.robustness
    assert all(0.0 <= v <= 1.0 for v in r1.robustness.values())
    # each perturbation selects exactly 3 cities
    assert math.fsum(r1.robustness.values()) * 40 == pytest.approx(3 * 40)
    # a city chosen on every weighting: the extremes are far ahead on their criterion only if weights tilt,
    # so at least one city moves in and out
    assert any(0 < v < 1 for v in r1.robustness.values())


def test_dominant_city_is_always_selected():
    cs = [cand("top", "CN", {"a": 100.0, "b": 100.0})] + [
        cand(f"c{i}", "CN", {"a": float(i), "b": float(10 - i)}) for i in range(10)
    ]
    r = run(cs, [Criterion("a", 1), Criterion("b", 2)], constraints=Constraints(counts={"CN": 1}), perturbations=30)
    assert r.robustness["top"] == 1.0


# ----------------------------------------------------------------- brute force + properties


def brute_force(cands, scores, cons):
    best, best_set = -1.0, None
    groups = sorted(cons.counts)
    by_group = {g: [c for c in cands if c.group == g] for g in groups}
    for combo in itertools.product(*(itertools.combinations(by_group[g], cons.counts[g]) for g in groups)):
        chosen = [c for part in combo for c in part]
        if not satisfies(chosen, cons):
            continue
        total = math.fsum(scores[c.id] for c in chosen)
        if total > best + 1e-12:
            best, best_set = total, {c.id for c in chosen}
    return best, best_set


def satisfies(chosen, cons):
    ids = {c.id for c in chosen}
    if not cons.must_include <= ids or ids & cons.must_exclude:
        return False
    counts = {}
    for c in chosen:
        if c.province:
            counts[(c.group, c.province)] = counts.get((c.group, c.province), 0) + 1
    for (g, _p), v in counts.items():
        cap = cons.max_per_province if not isinstance(cons.max_per_province, dict) else cons.max_per_province.get(g)
        if cap is not None and v > cap:
            return False
    for b in cons.bounds:
        n = sum(1 for c in chosen if getattr(c, b.attribute) == b.value and (b.group is None or c.group == b.group))
        if (b.min is not None and n < b.min) or (b.max is not None and n > b.max):
            return False
    for g, n in cons.counts.items():
        if sum(1 for c in chosen if c.group == g) != n:
            return False
    return True


@st.composite
def pools(draw):
    n = draw(st.integers(3, 9))
    cands = []
    for i in range(n):
        cands.append(
            Candidate(
                id=f"c{i}",
                group=draw(st.sampled_from(["CA", "CN"])),
                values={
                    "a": draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
                    "b": draw(st.floats(-50, 50, allow_nan=False)),
                },
                province=draw(st.sampled_from(["P1", "P2", "P3"])),
                size_class=draw(st.sampled_from(["small", "large"])),
                climate_zone=draw(st.sampled_from(["hot", "cold"])),
            )
        )
    ids = [c.id for c in cands]
    counts = {"CA": draw(st.integers(0, 3)), "CN": draw(st.integers(0, 3))}
    cons = Constraints(
        counts=counts,
        max_per_province=draw(
            st.one_of(st.none(), st.integers(1, 2), st.fixed_dictionaries({"CN": st.integers(1, 2)}))
        ),
        bounds=tuple(
            draw(
                st.lists(
                    st.builds(
                        AttributeBound,
                        attribute=st.just("size_class"),
                        value=st.sampled_from(["small", "large"]),
                        min=st.one_of(st.none(), st.integers(0, 2)),
                        max=st.one_of(st.none(), st.integers(0, 3)),
                        group=st.sampled_from([None, "CA", "CN"]),
                    ),
                    max_size=2,
                )
            )
        ),
        must_include=frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))),
        must_exclude=frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))),
    )
    crit = [Criterion("a", draw(st.floats(0.1, 3))), Criterion("b", draw(st.floats(0.1, 3)), draw(st.booleans()))]
    return (
        cands,
        crit,
        cons,
        draw(st.sampled_from(["minmax", "rank"])),
        draw(st.sampled_from(["penalise", "impute_peers"])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools())
def test_matches_brute_force_and_constraints_always_hold(case):
    cands, crit, cons, norm, missing = case
    if any(c.values["a"] is not None for c in cands) is False:
        return
    r = select_cohort(SelectionRequest(cands, crit, cons, normalisation=norm, missing=missing, perturbations=3))
    scores = {cid: s.score for cid, s in r.scores.items()}
    best, best_set = brute_force(cands, scores, cons)
    if best_set is None:
        assert not r.feasible and r.conflicts, "an infeasible request must name conflicting constraints"
        return
    assert r.feasible
    chosen = [c for c in cands if c.id in set(r.selected)]
    assert satisfies(chosen, cons)
    assert r.objective == pytest.approx(best, abs=len(chosen) * 1e-6)
    # every perturbation result satisfied the counts (shares sum to the cohort size)
    assert math.fsum(r.robustness.values()) == pytest.approx(sum(cons.counts.values()))


def test_size_class_thresholds():
    assert size_class(None) == ""
    assert size_class(15_000) == "town"
    assert size_class(100_000) == "small"
    assert size_class(999_999) == "medium"
    assert size_class(1_000_000) == "large"
    assert size_class(10_000_000) == "megacity"


def test_result_is_json_serialisable():
    import json

    r = run([cand("a", "CA", 1), cand("b", "CN", 2), cand("c", "CN", 3)], perturbations=5)
    json.dumps(r.to_dict())


def test_pruned_perturbation_model_gives_the_same_robustness_as_the_full_model():
    """The perturbation re-solves run on a reduced model; replay them on the full model and compare."""
    import random as _random

    import numpy as np

    from citybridge.cities import selection as S

    rng = _random.Random(3)
    cands = [
        Candidate(
            id=f"c{i}",
            group="CN" if i % 4 else "CA",
            values={"a": rng.random(), "b": rng.random(), "c": rng.choice([None, rng.random()])},
            province=f"P{rng.randrange(3)}",
            size_class=rng.choice(["small", "large"]),
        )
        for i in range(120)
    ]
    crit = [Criterion("a", 1), Criterion("b", 2), Criterion("c", 1, False)]
    cons = Constraints(
        counts={"CA": 3, "CN": 5},
        max_per_province={"CN": 2},
        bounds=(AttributeBound("size_class", "large", min=2, group="CN"),),
    )
    req = SelectionRequest(cands, crit, cons, missing="penalise", perturbations=25, seed=11)
    result = select_cohort(req)
    sc = S._score_matrix(req)
    w = np.array([result.weights[c.code] for c in crit])
    keep = S._perturbation_keep(req, sc, w)
    assert len(keep) < len(cands)  # the reduction does something on this pool
    full = S._Model(sc.cands, cons)
    replay = _random.Random(11)
    counts: dict[str, int] = {}
    for _ in range(25):
        wp = w * np.array([1.0 + replay.uniform(-0.2, 0.2) for _ in range(len(w))])
        full.set_objective(sc.matrix @ (wp / wp.sum()))
        for i in full.solve(10):
            counts[sc.ids[i]] = counts.get(sc.ids[i], 0) + 1
    expected = {cid: n / 25 for cid, n in counts.items()}
    assert {k: v for k, v in result.robustness.items() if v} == expected


def test_figure_format():
    from citybridge.cities.templatetags.cities_format import figure

    assert figure(88155426.789) == "88,155,427"
    assert figure(4.0021) == "4.00"
    assert figure(-1.11852) == "-1.12"
    assert figure(0.012345) == "0.0123"
    assert figure(None) == "—" and figure(0) == "0"


# ----------------------------------------------------------------- missing values and weights (#9)


def test_a_zero_weight_criterion_excludes_nobody():
    cands = [
        cand("ca1", "CA", {"a": 1.0}),
        cand("ca2", "CA", {"a": 2.0}),
        cand("cn1", "CN", {"a": 3.0, "b": 1.0}),
        cand("cn2", "CN", {"a": 4.0, "b": 2.0}),
    ]
    r = run(cands, [Criterion("a", 1.0), Criterion("b", 0.0)], missing="exclude")
    assert r.feasible and r.excluded_for_missing == {}
    assert set(r.selected) == {"ca2", "cn2"}
    # a zero-weight criterion without any data is no error either
    r = run(
        [cand("ca1", "CA", 1.0), cand("cn1", "CN", 2.0)], [Criterion("a", 1.0), Criterion("zz", 0.0)], missing="exclude"
    )
    assert r.feasible and r.warnings == []  # an unused criterion does not warn either


def test_exclude_rule_that_empties_california_is_named():
    from citybridge.cities.selection import precheck

    cands = [cand(f"ca{i}", "CA", {"a": float(i)}) for i in range(3)]
    cands += [cand(f"cn{i}", "CN", {"a": float(i), "ceads": float(i)}) for i in range(3)]
    crit = [Criterion("a", 1.0), Criterion("ceads", 1.0)]
    req = SelectionRequest(cands, crit, Constraints(counts={"CA": 2, "CN": 2}), missing="exclude", perturbations=0)
    conflicts = precheck(req)
    assert conflicts[0].code == "missing_rule_empties_group"
    assert conflicts[0].constraints == ["missing:exclude", "count:CA"]
    assert conflicts[0].params == {"group": "CA", "criteria": ["ceads"], "excluded": 3, "remaining": 0, "count": 2}
    r = select_cohort(req)
    assert not r.feasible and r.conflicts[0].code == "missing_rule_empties_group"


def test_lone_reporter_under_minmax_and_the_min_reporting_alternative():
    cands = [
        cand("ca1", "CA", {"a": 1.0, "t": 5.0}),
        cand("ca2", "CA", {"a": 1.2}),
        cand("ca3", "CA", {"a": 1.1}),
        cand("cn1", "CN", {"a": 1.0, "t": 1.0}),
        cand("cn2", "CN", {"a": 2.0, "t": 2.0}),
    ]
    crit = [Criterion("a", 1.0), Criterion("t", 1.0)]
    cons = Constraints(counts={"CA": 1, "CN": 1})
    # penalise + min–max: the lone Californian reporter scores 1 on "t", the others 0 (the worst): it wins
    r = run(cands, crit, constraints=cons, missing="penalise")
    assert "ca1" in r.selected
    # leaving "t" out of groups where fewer than 2 cities report it: California is ranked on "a" alone
    r = run(cands, crit, constraints=cons, missing="penalise", min_reporting=2)
    assert set(r.selected) == {"ca2", "cn2"}
    assert {
        "code": "criterion_left_out_in_group",
        "criterion": "t",
        "group": "CA",
        "reporting": 1,
        "min_reporting": 2,
    } in r.warnings
    assert not any(w.get("group") == "CN" for w in r.warnings)  # both Chinese cities report it
