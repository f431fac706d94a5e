"""Gap to target, MACC, cumulative avoided, ranking, progress; the catalogue; CEADs calibration."""

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from citybridge.climate.measures_catalogue import TOPICS, catalogue_measure, load_catalogue
from citybridge.climate.pathways import (
    BaseInventory,
    Costs,
    Measure,
    PathwayError,
    Target,
    Uptake,
    cumulative_avoided,
    default_drivers,
    fit_trend,
    gap_to_target,
    implied_intensity_change,
    macc,
    pathway,
    progress,
    project_bau,
    rank_measures,
    summary,
    wedges,
)

from .pathway_helpers import now, simple_bau

CEADS = Path(__file__).resolve().parents[2] / "src/citybridge/data/cities/ceads_290_chinese_cities_1997_2019.xlsx"


def test_gap_to_target_hand_worked():
    # BAU flat 100 t (2020-2030). A 30 % cut from 2021. Target: 40 % below 100 t of 2020 by 2030 -> 60 t.
    # target path: straight line 100 (2020) -> 60 (2030): 2025 is 80. Plan 70 every year from 2021.
    # gap 2025: 70 - 80 = -10 (below the path); 2030: 70 - 60 = +10 still to close; BAU gap 100 - 60 = 40.
    pw = pathway(simple_bau(), [now("cut", "activity", ("I",), year=2021, share=0.3)])
    g = gap_to_target(pw, Target(2030, base_year=2020, base_emissions=100.0, reduction_share=0.4))
    assert g.target_level == pytest.approx(60.0)
    assert g.target_path[5] == pytest.approx(80.0) and g.gap[5] == pytest.approx(-10.0)
    assert g.gap_in_target_year == pytest.approx(10.0) and g.bau_gap_in_target_year == pytest.approx(40.0)
    assert not g.met
    fixed = gap_to_target(pw, Target(2030, fixed_level=75.0))
    assert fixed.met and fixed.gap_in_target_year == pytest.approx(-5.0)


def test_target_errors():
    pw = pathway(simple_bau(), [])
    with pytest.raises(PathwayError) as e:
        gap_to_target(pw, Target(2060, base_year=2020, base_emissions=100.0, reduction_share=0.5))
    assert e.value.code == "target_year_outside_projection" and e.value.params["last_year"] == 2030
    with pytest.raises(PathwayError) as e:
        gap_to_target(pw, Target(2030, base_year=2020, base_emissions=100.0, reduction_share=1.5))
    assert e.value.code == "target_invalid" and e.value.params["field"] == "reduction_share"
    with pytest.raises(PathwayError) as e:
        gap_to_target(pw, Target(2030, base_year=2020, base_emissions=0.0, reduction_share=0.5))
    assert e.value.code == "target_invalid"


def test_cumulative_avoided_and_ranking_hand_worked():
    # I 100 t flat; A 10 % from 2021, B 20 % from 2026 (compounding: from 2026 100 x 0.9 x 0.8 = 72).
    # reduction: 2021-2025 10 t a year (50), 2026-2030 28 t a year (140): cumulative 190 t by 2030.
    # Shapley 2026+: A = (10 + (20 - 18)) / 2 = 6 ... check: alone A 10, B 20; together 28. A = (10 + 8) / 2 = 9,
    #   B = (20 + 18) / 2 = 19. Cumulative A = 50 + 5 x 9 = 95, B = 5 x 19 = 95: a tie, ranked by key.
    pw = pathway(
        simple_bau(), [now("A", "activity", ("I",), 2021, share=0.1), now("B", "activity", ("I",), 2026, share=0.2)]
    )
    cum = cumulative_avoided(pw)
    assert cum[-1] == pytest.approx(190.0) and cum[5] == pytest.approx(50.0)
    rows = rank_measures(wedges(pw, "shapley"), pw)
    assert [r.key for r in rows] == ["A", "B"]
    assert rows[0].cumulative == pytest.approx(95.0) and rows[1].cumulative == pytest.approx(95.0)
    assert rows[0].share == pytest.approx(0.5) and rows[1].in_year == pytest.approx(19.0)


def test_macc_hand_worked():
    # I 100 t flat 2020-2030, discount rate 0 for the arithmetic.
    # A: 10 % from 2021 (step), capital 1,000, saving 50 a year: avoids 10 t x 10 years = 100 t;
    #    net = 1,000 - 50 x 10 = 500 -> 5 per t.
    # B: 20 % from 2021, operating 100 a year: alone 20 t a year; Shapley with A: (20 + 18) / 2 = 19 t a year.
    #    190 t over 2021-2030; net 100 x 10 = 1,000 -> 5.263 per t.
    # A with Shapley: (10 + 8) / 2 = 9 t a year -> 90 t; 500 / 90 = 5.556 per t. Cheapest first: B, then A.
    a = now("A", "activity", ("I",), 2021, share=0.1, costs=Costs("USD", capital=1000.0, savings_per_year=50.0))
    b = now("B", "activity", ("I",), 2021, share=0.2, costs=Costs("USD", operating_per_year=100.0))
    pw = pathway(simple_bau(), [a, b])
    bars = macc(pw, wedges(pw, "shapley"), currency="USD", discount_rate=0.0)
    assert [x.key for x in bars] == ["B", "A"]
    assert bars[0].cost_per_t == pytest.approx(1000 / 190) and bars[0].abatement_t == pytest.approx(190.0)
    assert bars[1].cost_per_t == pytest.approx(500 / 90) and bars[1].x_start == pytest.approx(190.0)
    with pytest.raises(PathwayError) as e:
        macc(pw, wedges(pw, "shapley"), currency="CNY")
    assert e.value.code == "currency_mismatch" and e.value.params == {
        "measure": "A",
        "currency": "USD",
        "expected": "CNY",
    }


def test_progress_against_actuals():
    # plan: I 70 t from 2021 (30 % cut), II 50 t BAU. Actuals 2022: I 77 (+10 %: behind), II 45 (-10 %: ahead);
    # 2023: I 72 (+2.9 %, within 5 %: on track). II's latest is 2022. Total 2022... the latest year with any
    # actual is 2023, where only I reports: 72 against 70 -> on track.
    pw = pathway(simple_bau({"I": 100.0, "II": 50.0}), [now("cut", "activity", ("I",), 2021, share=0.3)])
    rows = {p.sector: p for p in progress(pw, {"I": {2022: 77.0}, "II": {2022: 45.0}})}
    assert rows["I"].status == "behind" and rows["I"].reason == "above_pathway"
    assert rows["I"].params["deviation"] == pytest.approx(0.1)
    assert rows["II"].status == "ahead" and rows["II"].reason == "below_pathway"
    assert rows["III"].status == "no_data" and rows["III"].reason == "no_actual"
    assert rows["total"].status == "on_track"  # 122 against 120: +1.7 %
    rows = {p.sector: p for p in progress(pw, {"I": {2022: 69.0, 2023: 72.0}})}
    assert rows["I"].status == "on_track" and rows["I"].params["year"] == 2023
    # rising while the plan falls: I's plan falls 2024 -> 2025 under a ramping measure
    ramp = pathway(simple_bau(), [Measure("r", "activity", ("I",), Uptake(2021, 2030), share=0.5)])
    rows = {p.sector: p for p in progress(ramp, {"I": {2024: 80.0, 2025: 95.0}})}
    assert rows["I"].status == "behind" and rows["I"].reason == "rising_while_plan_falls"
    assert rows["I"].params["previous_year"] == 2024
    with pytest.raises(PathwayError) as e:
        progress(pw, {"I": {2040: 1.0}})
    assert e.value.code == "target_year_outside_projection"
    with pytest.raises(PathwayError) as e:
        progress(pw, {"I": {2022: -1.0}})
    assert e.value.code == "series_value_invalid"


def test_catalogue_has_twenty_cited_bilingual_measures_on_every_topic():
    cat = load_catalogue()
    assert len(cat) >= 20
    assert {e.topic for e in cat} == set(TOPICS)
    for e in cat:
        assert e.name_en and e.name_zh and e.effect_en and e.effect_zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.name_zh + e.effect_zh)
        cited = [s for s in e.measure.sources if s.status != "assumption"]
        assert cited and all(s.label for s in cited), e.key
        assert any(s.url for s in cited), e.key
    keys = [e.key for e in cat]
    assert len(set(keys)) == len(keys)


def test_catalogue_measures_run_in_a_plan():
    base = BaseInventory(2020, {"I": 6e6, "II": 4e6, "III": 1e6, "IV": 2e6}, {"I": 5e6, "II": 3e5, "IV": 1e6})
    bau = project_bau(base, default_drivers("CN", "Guangdong", 2020, 2060), 2060)
    pw = pathway(bau, [e.measure for e in load_catalogue()])
    assert (pw.total <= pw.bau_total + 1e-6).all() and pw.total[-1] < 0.8 * pw.bau_total[-1]
    m = catalogue_measure("heat_pumps", start_year=2025, full_year=2035, share=0.5)
    assert (m.uptake.start_year, m.share, m.mwh_per_tco2) == (2025, 0.5, 1.651)
    with pytest.raises(PathwayError) as e:
        catalogue_measure("heat_pumps", share=1.5)
    assert e.value.code == "measure_share_above_one"
    with pytest.raises(PathwayError):
        catalogue_measure("no_such_measure")


def test_fit_trend_hand_worked():
    # 100 x 1.05^t exactly: growth 5 %, R² 1, RMSE 0
    years = list(range(2000, 2010))
    fit = fit_trend(years, [100 * 1.05 ** (y - 2000) for y in years])
    assert fit.growth == pytest.approx(0.05, rel=1e-12) and fit.r2 == pytest.approx(1.0) and fit.rmse < 1e-9
    # implied intensity change with GDP +7 %: 1.05 / 1.07 - 1 = -1.869 %
    assert implied_intensity_change(fit, 0.07) == pytest.approx(1.05 / 1.07 - 1)
    with pytest.raises(PathwayError) as e:
        fit_trend([2000, 2001], [1.0, 2.0])
    assert e.value.code == "series_too_short"
    with pytest.raises(PathwayError) as e:
        fit_trend([2000, 2001, 2002], [1.0, 0.0, 2.0])
    assert e.value.code == "series_value_invalid" and e.value.params["year"] == 2001


def test_fit_trend_on_a_real_ceads_city():
    # Beijing's CEADs series (Mt CO2, 1997-2019), read from the bundled workbook
    ws = openpyxl.load_workbook(CEADS, read_only=True)["emission vector"]
    rows = [(int(r[2]), float(r[3])) for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "北京"]
    assert len(rows) == 23 and rows[0][0] == 1997
    years, values = zip(*rows, strict=True)
    whole = fit_trend(years, values)
    recent = fit_trend(years, values, first_year=2010)
    assert 0.0 <= whole.r2 <= 1.0 and whole.n == 23 and whole.rmse > 0
    assert recent.n == 10 and recent.first_year == 2010
    assert recent.growth < whole.growth  # Beijing's emissions peaked within the window: the recent trend is lower
    assert 1997 <= whole.peak_year <= 2019


def test_bau_stays_finite_for_long_horizons():
    bau = simple_bau({"I": 1.0}, end_year=2100)
    assert np.isfinite(bau.total).all() and len(bau.years) == 81


def test_summary_is_json_ready_and_consistent():
    import json

    pw = pathway(
        simple_bau(), [now("A", "activity", ("I",), 2021, share=0.1), now("B", "activity", ("I",), 2026, share=0.2)]
    )
    w = wedges(pw, "shapley")
    out = summary(pw, w, Target(2030, base_year=2020, base_emissions=100.0, reduction_share=0.4))
    json.dumps(out)  # plain lists and numbers only
    assert out["years"][0] == 2020 and out["plan"][-1] == pytest.approx(72.0)
    assert out["wedge_method"] == "shapley_exact" and set(out["wedges"]) == {"A", "B"}
    # wedges add up to BAU - plan in every year
    for t in range(len(out["years"])):
        assert out["wedges"]["A"][t] + out["wedges"]["B"][t] == pytest.approx(out["bau"][t] - out["plan"][t], abs=1e-9)
    assert out["target"]["level"] == pytest.approx(60.0) and out["target"]["gap_in_target_year"] == pytest.approx(12.0)


# --- per-capita, intensity and peak-year targets converted into a path (issue 12)


def _growing_bau():
    """I = 100 t fuel in 2020; population +1 %/yr, GDP +3 %/yr, energy intensity chosen so that emissions stay at
    100 t (1.03 x (1/1.03) = 1): only the drivers grow."""
    from citybridge.climate.pathways import BaseInventory, Drivers, Series, project_bau

    years = range(2020, 2041)
    d = Drivers(
        population=Series({y: 0.01 for y in years}), gdp=Series({y: 0.03 for y in years}),
        energy_intensity=Series({y: 1 / 1.03 - 1 for y in years}), grid_factor=Series({y: 0.5 for y in years}, "level"),
    )  # fmt: skip
    return project_bau(BaseInventory(2020, direct={"I": 100.0}), d, 2040)


def test_per_capita_target_times_projected_population_hand_worked():
    from citybridge.climate.pathways import converted_target, gap_to_target, pathway

    bau = _growing_bau()
    # 1,000 people in 2020, +1 %/yr: 2030 -> 1000 x 1.01^10 = 1104.622; 0.05 t/person -> level 55.231 t
    t, conv = converted_target(bau, "per_capita", 2030, value=0.05, anchor_year=2020, anchor_value=1000.0)
    assert conv.driver == "population" and conv.origin == "projected" and conv.anchor_year == 2020
    assert conv.driver_value == pytest.approx(1000 * 1.01**10, rel=1e-12)
    assert conv.level == pytest.approx(0.05 * 1000 * 1.01**10, rel=1e-12)
    g = gap_to_target(pathway(bau, []), t)
    years = list(bau.years)
    # before 2030: a straight line from the BAU's first year (100 t) to 55.231; after: 0.05 x population(t)
    assert g.target_path[years.index(2025)] == pytest.approx(100 + (conv.level - 100) / 2, rel=1e-12)
    assert g.target_path[years.index(2040)] == pytest.approx(0.05 * 1000 * 1.01**20, rel=1e-12)
    assert g.gap_in_target_year == pytest.approx(100 - conv.level, rel=1e-9)  # BAU stays at 100 t


def test_per_capita_target_with_the_population_entered_for_the_target_year():
    from citybridge.climate.pathways import converted_target

    # the target states 1,200 people in 2030: level 0.05 x 1200 = 60 t; 2040 scales by the driver: 1200 x 1.01^10
    t, conv = converted_target(_growing_bau(), "per_capita", 2030, value=0.05, target_driver=1200.0)
    assert conv.origin == "entered" and conv.level == pytest.approx(60.0, rel=1e-12)
    assert t.hold[-1] == pytest.approx(0.05 * 1200 * 1.01**10, rel=1e-12)


def test_intensity_target_times_projected_gdp_hand_worked():
    from citybridge.climate.pathways import converted_target

    # GDP 100 (bn) in 2020, +3 %/yr: 2030 -> 134.392; 0.5 t per unit -> 67.196 t
    t, conv = converted_target(_growing_bau(), "intensity", 2030, value=0.5, anchor_year=2020, anchor_value=100.0)
    assert conv.driver == "gdp" and conv.level == pytest.approx(0.5 * 100 * 1.03**10, rel=1e-12)


def test_peak_year_is_a_cap_from_that_year():
    from citybridge.climate.pathways import (
        BaseInventory,
        Drivers,
        Series,
        converted_target,
        gap_to_target,
        pathway,
        project_bau,
    )  # fmt: skip

    years = range(2020, 2041)
    d = Drivers(population=Series({y: 0.0 for y in years}), gdp=Series({y: 0.02 for y in years}),
                energy_intensity=Series({y: 0.0 for y in years}), grid_factor=Series({y: 0.5 for y in years}, "level"))  # fmt: skip
    bau = project_bau(BaseInventory(2020, direct={"I": 100.0}), d, 2040)  # I grows 2 %/yr with GDP
    t, conv = converted_target(bau, "peak_year", 2028)
    # the cap is the BAU of 2028: 100 x 1.02^8 = 117.166 t, from 2028 on; no path before
    assert conv.level == pytest.approx(100 * 1.02**8, rel=1e-12) and t.cap_only
    g = gap_to_target(pathway(bau, []), t)
    assert np.isnan(g.target_path[:8]).all() and (g.target_path[8:] == conv.level).all()
    assert g.gap[-1] == pytest.approx(100 * 1.02**20 - conv.level, rel=1e-12)  # BAU keeps rising: above the cap


@pytest.mark.parametrize(
    ("kind", "kw", "code"),
    [
        ("per_capita", {"value": 0.05}, "target_invalid"),  # no population to convert with
        ("per_capita", {"value": -1.0, "target_driver": 10.0}, "target_invalid"),
        ("intensity", {"value": 0.5, "anchor_year": 2010, "anchor_value": 100.0}, "target_invalid"),  # anchor outside
        ("intensity", {"value": 0.5, "target_driver": 0.0}, "target_invalid"),
        ("peak_year", {}, "target_year_outside_projection"),
    ],
)
def test_conversion_refuses_what_it_cannot_convert(kind, kw, code):
    from citybridge.climate.pathways import PathwayError, converted_target

    year = 2050 if kind == "peak_year" else 2030
    with pytest.raises(PathwayError) as e:
        converted_target(_growing_bau(), kind, year, **kw)
    assert e.value.code == code
