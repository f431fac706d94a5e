"""Ranking cities by ambition (ranking.py), worked by hand: competition ranks with ties, the median, each city's
most ambitious target, the reasons of targets without a rate, and the benchmark's own compound rate."""

from __future__ import annotations

import pytest

from citybridge.climate.ranking import (
    NOT_COMPUTED,
    Candidate,
    benchmark_compound_rate,
    competition_ranks,
    median,
    rank_cities,
    reasons,
)


def test_competition_ranks_share_a_rank_on_ties_and_skip_after():
    assert competition_ranks([0.05, 0.03, 0.03, 0.01]) == [1, 2, 2, 4]
    assert competition_ranks([0.04, 0.04, 0.04]) == [1, 1, 1]
    assert competition_ranks([0.05, 0.05, 0.02, 0.02, 0.01]) == [1, 1, 3, 3, 5]
    assert competition_ranks([]) == []
    # the same target in two cities can differ in the last bits of a float: still a tie
    assert competition_ranks([0.1 + 0.2, 0.3]) == [1, 1]


def test_median_of_odd_and_even_counts():
    assert median([0.01, 0.05, 0.03]) == 0.03
    assert median([0.05, 0.03, 0.03, 0.01]) == pytest.approx(0.03)  # (0.03 + 0.03) / 2
    assert median([0.02, 0.04]) == pytest.approx(0.03)
    assert median([]) is None


def test_each_city_ranked_by_its_most_ambitious_target_with_ties():
    ranking = rank_cities(
        [
            Candidate(city_id=1, target_id=10, annual_rate=0.02, sort_name="A"),
            Candidate(city_id=1, target_id=11, annual_rate=0.05, sort_name="A"),  # city 1's best: 5 %
            Candidate(city_id=2, target_id=20, annual_rate=0.03, sort_name="B"),
            Candidate(city_id=3, target_id=30, annual_rate=0.03, sort_name="C"),
            Candidate(city_id=4, target_id=40, annual_rate=0.01, sort_name="D"),
            Candidate(city_id=4, target_id=41, annual_rate=None, notes=("peak_year_not_quantified",), sort_name="D"),
            Candidate(city_id=5, target_id=50, annual_rate=None, notes=("peak_year_not_quantified",), sort_name="E"),
            Candidate(city_id=6, target_id=60, annual_rate=None, notes=("no_base_year_no_rate",), sort_name="F"),
        ]
    )
    assert [(r.rank, r.city_id, r.target_id) for r in ranking.ranked] == [
        (1, 1, 11),
        (2, 2, 20),
        (2, 3, 30),
        (4, 4, 40),
    ]
    assert ranking.count == 4
    assert ranking.median == pytest.approx(0.03)
    # city 4 is ranked by its 1 % target: its peak-year target is not listed as unranked
    assert [(u.city_id, u.target_id, u.reasons) for u in ranking.unranked] == [
        (5, 50, ("peak_year_not_quantified",)),
        (6, 60, ("no_base_year_no_rate",)),
    ]
    assert ranking.of_city(3).rank == 2 and ranking.of_city(5) is None
    # the benchmark (2.94 %) goes after the three cities at 3 % or more, before the one at 1 %
    assert ranking.position_of(benchmark_compound_rate()) == 3
    assert ranking.position_of(0.03) == 3 and ranking.position_of(0.06) == 0 and ranking.position_of(0.0) == 4


def test_ties_are_ordered_by_name_and_a_citys_equal_targets_by_id():
    ranking = rank_cities(
        [
            Candidate(city_id=9, target_id=92, annual_rate=0.04, sort_name="Zhuhai"),
            Candidate(city_id=9, target_id=91, annual_rate=0.04, sort_name="Zhuhai"),
            Candidate(city_id=7, target_id=70, annual_rate=0.04, sort_name="Alameda"),
        ]
    )
    assert [(r.rank, r.city_id, r.target_id) for r in ranking.ranked] == [(1, 7, 70), (1, 9, 91)]
    assert ranking.median == pytest.approx(0.04)


def test_a_target_above_its_base_ranks_last_with_a_negative_rate():
    ranking = rank_cities(
        [Candidate(city_id=1, target_id=1, annual_rate=-0.01), Candidate(city_id=2, target_id=2, annual_rate=0.02)]
    )
    assert [(r.rank, r.city_id) for r in ranking.ranked] == [(1, 2), (2, 1)]
    assert ranking.median == pytest.approx(0.005)


def test_nothing_ranked():
    ranking = rank_cities([Candidate(city_id=1, target_id=1, annual_rate=None)])
    assert ranking.ranked == () and ranking.median is None
    assert ranking.unranked[0].reasons == (NOT_COMPUTED,)
    assert rank_cities([]).count == 0


def test_reasons_keep_only_the_notes_that_explain_a_missing_rate():
    assert reasons(["target_above_base", "no_base_year_no_rate", "no_base_year_no_rate"]) == ("no_base_year_no_rate",)
    assert reasons([]) == (NOT_COMPUTED,)


def test_benchmark_compound_rate_is_derived_from_the_path():
    # 2010 → 2030: index 1.00 → 0.55; 1 − 0.55^(1/20) = 1 − e^(ln 0.55 / 20) = 1 − e^(−0.029892) = 0.029450
    assert benchmark_compound_rate() == pytest.approx(0.029450, abs=1e-6)
