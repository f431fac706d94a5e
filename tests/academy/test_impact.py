"""Hand-worked impact figures, including the rule that a jurisdiction is counted once."""

from datetime import date

from citybridge.academy.impact import (
    MAYOR,
    SOE_EXECUTIVE,
    VICE_MAYOR,
    PopulationFigure,
    PopulationTable,
    Training,
    figures,
    impact_report,
)

D = date
# Jurisdictions: 100 = city A, 200 = city B, 300 = city C (no figure before 2015)
POP = [
    PopulationFigure(100, D(2000, 1, 1), 8_000_000),
    PopulationFigure(100, D(2015, 1, 1), 9_000_000),
    PopulationFigure(200, D(2000, 1, 1), 3_000_000),
    PopulationFigure(300, D(2015, 1, 1), 1_000_000),
]
NAMC, CELAP = 1, 2
ENERGY, TRANSPORT = 10, 20


def T(official, on, academy, course, position, j=None, topics=(ENERGY,), company=None, size=None):
    return Training(official, on, academy, course, frozenset(topics), position, j, company, size)


TRAININGS = [
    # course 1, NAMC, 2012, energy: A's mayor and A's vice mayor, B's mayor, an SOE exec of company 7
    T(1, D(2012, 5, 20), NAMC, 1, MAYOR, 100),
    T(2, D(2012, 5, 20), NAMC, 1, VICE_MAYOR, 100),
    T(3, D(2012, 5, 20), NAMC, 1, MAYOR, 200),
    T(4, D(2012, 5, 20), NAMC, 1, SOE_EXECUTIVE, company=7, size=50_000),
    # course 2, CELAP, 2016, energy+transport: official 1 again (A, now 9M), C's mayor, bureau officer,
    # another exec of company 7 (size now 60,000) and an exec of company 8
    T(1, D(2016, 9, 30), CELAP, 2, MAYOR, 100, (ENERGY, TRANSPORT)),
    T(5, D(2016, 9, 30), CELAP, 2, MAYOR, 300, (ENERGY, TRANSPORT)),
    T(6, D(2016, 9, 30), CELAP, 2, "bureau_officer", None, (ENERGY, TRANSPORT)),
    T(7, D(2016, 9, 30), CELAP, 2, SOE_EXECUTIVE, None, (ENERGY, TRANSPORT), company=7, size=60_000),
    T(8, D(2016, 9, 30), CELAP, 2, SOE_EXECUTIVE, None, (ENERGY, TRANSPORT), company=8, size=20_000),
]


def test_population_in_force():
    t = PopulationTable(POP)
    assert t.in_force(100, D(2014, 12, 31)) == 8_000_000
    assert t.in_force(100, D(2015, 1, 1)) == 9_000_000
    assert t.in_force(300, D(2014, 1, 1)) is None
    assert t.in_force(999, D(2014, 1, 1)) is None


def test_mayor_and_vice_mayor_of_same_city_counted_once():
    f = figures(TRAININGS[:2], PopulationTable(POP))
    assert f.officials == 2
    assert f.jurisdictions == 1
    assert f.population == 8_000_000  # not 16 million


def test_totals_hand_worked():
    # officials: {1..8} = 8 distinct (official 1 trained twice)
    # jurisdictions: A (latest training 2016 -> 9M), B (2012 -> 3M), C (2016 -> 1M) = 13M
    # companies: 7 (latest size 60,000) and 8 (20,000)
    f = figures(TRAININGS, PopulationTable(POP))
    assert (f.officials, f.jurisdictions, f.population) == (8, 3, 13_000_000)
    assert (f.companies, f.company_employees) == (2, 80_000)
    assert f.jurisdictions_without_population == 0


def test_missing_population_is_reported_not_guessed():
    f = figures([T(5, D(2014, 1, 1), NAMC, 3, MAYOR, 300)], PopulationTable(POP))
    assert (f.jurisdictions, f.population, f.jurisdictions_without_population) == (1, 0, 1)


def test_breakdowns_hand_worked():
    r = impact_report(TRAININGS, POP)
    # 2012: officials 1-4; A 8M + B 3M = 11M; company 7 at 50,000
    assert (r.by_year[2012].officials, r.by_year[2012].population) == (4, 11_000_000)
    assert (r.by_year[2012].companies, r.by_year[2012].company_employees) == (1, 50_000)
    # 2016: officials 1,5,6,7,8; A 9M + C 1M = 10M; companies 7 (60,000) and 8 (20,000)
    assert (r.by_year[2016].officials, r.by_year[2016].population) == (5, 10_000_000)
    assert r.by_year[2016].company_employees == 80_000
    # slices do not add up to the total: official 1 and city A appear in both years
    assert r.by_year[2012].officials + r.by_year[2016].officials == 9 != r.total.officials == 8
    assert list(r.by_year) == [2012, 2016]
    # cumulative to end of 2012 equals 2012; to end of 2016 equals the total
    assert r.cumulative_by_year[2012] == r.by_year[2012]
    assert r.cumulative_by_year[2016] == r.total
    # academies
    assert r.by_academy[NAMC].officials == 4 and r.by_academy[NAMC].population == 11_000_000
    assert r.by_academy[CELAP].officials == 5 and r.by_academy[CELAP].population == 10_000_000
    # topics: energy covers both courses = the total; transport only course 2
    assert r.by_topic[ENERGY] == r.total
    assert r.by_topic[TRANSPORT] == r.by_year[2016]


def test_empty():
    r = impact_report([], [])
    assert r.total.officials == 0 and r.total.population == 0 and r.by_year == {}
