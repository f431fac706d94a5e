"""The inventory engine: hand-worked cases (arithmetic in the comments), contract tests (one rule each), and the
validation codes the Django layer translates. Factor values are read from the shipped EMISSION_FACTORS.md."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citybridge.climate import gpc
from citybridge.climate.accounting import (
    GWP_SETS,
    ISSUE_CODES,
    Amount,
    Entry,
    Factor,
    InvalidEntries,
    completeness,
    compute_entry,
    compute_inventory,
    gwp_set,
    validate_entries,
    validate_entry,
)
from citybridge.climate.factors_seed import seed_factors, seed_fuel_properties
from citybridge.climate.units import BasisRatio, ClimateError


def seed(key: str) -> Factor:
    f = next(f for f in seed_factors() if f.key == key)
    return Factor(f.key, f.gas, f.value, f.unit, f.activity_unit, f.basis, f.source, f.status)


def prop(key: str) -> Amount:
    p = next(p for p in seed_fuel_properties() if p.key == key)
    return Amount(p.value, p.unit)


def codes(issues) -> list[str]:
    return [i.code for i in issues]


# --- hand-worked cases ---------------------------------------------------------------------------------------------


def test_grid_electricity_times_a_provincial_factor():
    # A Guangdong city, residential grid electricity 2023: 1,000,000 kWh × 0.4419 kg CO2/kWh (MEE/NBS 2023,
    # Guangdong) = 441,900 kg = 441.9 t CO2 = 441.9 t CO2e (CO2 only, GWP 1 in every set).
    f = seed("mee-nbs-2023-china-guangdong")
    assert (f.value, f.unit, f.status) == (0.4419, "kg/kWh", "two_sources")
    r = compute_entry(Entry("I.1.2", activity_value=1_000_000, activity_unit="kWh", factors=(f,)), "AR6")
    assert r.by_gas_t == {"CO2": pytest.approx(441.9)}
    assert r.co2e_t == pytest.approx(441.9)
    assert r.conversions[0] == "CO2: 1000000 kWh × 0.4419 kg/kWh × 0.001 t/kg = 441.9 t"
    # the same electricity entered in MWh: 1,000 MWh × 1,000 kWh/MWh × 0.4419 kg/kWh = 441.9 t
    r2 = compute_entry(Entry("I.1.2", activity_value=1_000, activity_unit="MWh", factors=(f,)), "AR6")
    assert r2.co2e_t == pytest.approx(441.9)
    assert "1000 MWh × 1000 = 1000000 kWh" in r2.conversions


def test_natural_gas_in_tj_with_co2_ch4_n2o_and_a_gwp_set():
    # Commercial buildings (I.2.1), 100 TJ of natural gas (NCV), IPCC 2006 defaults:
    #   CO2 100 TJ × 56,100 kg/TJ = 5,610,000 kg = 5,610 t
    #   CH4 100 TJ ×      5 kg/TJ =        500 kg =  0.5 t   (Table 2.4, commercial/institutional)
    #   N2O 100 TJ ×    0.1 kg/TJ =         10 kg = 0.01 t
    # AR5: 5,610 + 0.5 × 28 + 0.01 × 265 = 5,610 + 14 + 2.65 = 5,626.65 t CO2e
    # AR6: 5,610 + 0.5 × 27 + 0.01 × 273 = 5,610 + 13.5 + 2.73 = 5,626.23 t CO2e
    # AR4: 5,610 + 0.5 × 25 + 0.01 × 298 = 5,610 + 12.5 + 2.98 = 5,625.48 t CO2e
    factors = (
        seed("ipcc2006-co2-natural-gas"),
        seed("ipcc2006-commercial-institutional-natural-gas-ch4"),
        seed("ipcc2006-commercial-institutional-natural-gas-n2o"),
    )
    entry = Entry("I.2.1", activity_value=100, activity_unit="TJ", activity_basis="NCV", factors=factors)
    r = compute_entry(entry, "AR5")
    assert r.by_gas_t == {"CO2": pytest.approx(5610), "CH4": pytest.approx(0.5), "N2O": pytest.approx(0.01)}
    assert r.co2e_t == pytest.approx(5626.65)
    assert r.by_gas_co2e == {"CO2": pytest.approx(5610), "CH4": pytest.approx(14), "N2O": pytest.approx(2.65)}
    assert compute_entry(entry, "AR6").co2e_t == pytest.approx(5626.23)
    assert compute_entry(entry, "AR4").co2e_t == pytest.approx(5625.48)
    assert r.conversions[-1].startswith("CO2e (AR5): 5610 t CO2 × 1 + 0.5 t CH4 × 28 + 0.01 t N2O × 265")


def test_gasoline_in_litres_through_density_and_ncv():
    # On-road (II.1.1), 1,000 L of motor gasoline:
    #   mass   1,000 L × 0.74 kg/L = 740 kg = 0.00074 Gg
    #   energy 0.00074 Gg × 44.3 TJ/Gg = 0.032782 TJ (NCV)
    #   CO2 0.032782 TJ × 69,300 kg/TJ = 2,271.7926 kg = 2.2717926 t   (≈ 2.27 kg CO2/L, as the facts sheet derives)
    #   CH4 0.032782 TJ × 3.8 kg/TJ = 0.1245716 kg;  N2O 0.032782 TJ × 5.7 kg/TJ = 0.1868574 kg  (LDV 1995 or later)
    # AR6: 2.2717926 + 0.0001245716 × 27 + 0.0001868574 × 273 = 2.2717926 + 0.0033634332 + 0.0510120702
    #      = 2.3261681034 t CO2e
    entry = Entry(
        "II.1.1",
        activity_value=1000,
        activity_unit="L",
        density=prop("density-motor-gasoline"),
        ncv=prop("ncv-motor-gasoline"),
        factors=(
            seed("ipcc2006-road-road-co2-motor-gasoline-co2"),
            seed("ipcc2006-road-gasoline-low-mileage-light-duty-vehicles-1995-or-later-ch4"),
            seed("ipcc2006-road-gasoline-low-mileage-light-duty-vehicles-1995-or-later-n2o"),
        ),
    )
    r = compute_entry(entry, "AR6")
    assert r.by_gas_t["CO2"] == pytest.approx(2.2717926)
    assert r.by_gas_t["CH4"] == pytest.approx(0.0001245716)
    assert r.by_gas_t["N2O"] == pytest.approx(0.0001868574)
    assert r.co2e_t == pytest.approx(2.3261681034)
    assert "1000 L × 0.74 kg/L × 44.3 TJ/Gg × 0.000001 = 0.032782 TJ" in r.conversions
    # without the fuel's properties litres cannot meet a per-TJ factor: a typed error naming what is missing
    bare = Entry("II.1.1", activity_value=1000, activity_unit="L", factors=entry.factors)
    issue = validate_entry(bare)[0]
    assert issue.code == "unit_mismatch" and issue.params["needs"] == "density_and_ncv"


def test_tce_of_coal_and_therms_of_gas():
    # Industry (I.3.1), 1,000 tce of other bituminous coal: 1,000 × 29.3076 GJ = 29,307.6 GJ = 29.3076 TJ;
    #   CO2 29.3076 TJ × 94,600 kg/TJ = 2,772,498.96 kg = 2,772.49896 t
    coal = Entry(
        "I.3.1", activity_value=1000, activity_unit="tce", factors=(seed("ipcc2006-co2-other-bituminous-coal"),)
    )
    r = compute_entry(coal, "AR5")
    assert r.co2e_t == pytest.approx(2772.49896)
    assert "1000 tce × 0.0293076 = 29.3076 TJ" in r.conversions
    # A Californian household sector (I.1.1), 10,000 therms of natural gas on EPA Hub factors (HHV):
    #   10,000 therm = 1,000 MMBtu;  CO2 1,000 × 53.06 kg = 53,060 kg = 53.06 t;
    #   CH4 1,000 × 1.0 g = 1,000 g = 0.001 t;  N2O 1,000 × 0.10 g = 100 g = 0.0001 t
    # AR5: 53.06 + 0.001 × 28 + 0.0001 × 265 = 53.06 + 0.028 + 0.0265 = 53.1145 t CO2e
    gas = Entry(
        "I.1.1",
        activity_value=10_000,
        activity_unit="therm",
        activity_basis="HHV",
        factors=(
            seed("epa-hub-natural-gas-stationary-co2"),
            seed("epa-hub-natural-gas-stationary-ch4"),
            seed("epa-hub-natural-gas-stationary-n2o"),
        ),
    )
    r = compute_entry(gas, "AR5")
    assert r.by_gas_t == {"CO2": pytest.approx(53.06), "CH4": pytest.approx(0.001), "N2O": pytest.approx(0.0001)}
    assert r.co2e_t == pytest.approx(53.1145)


def test_california_city_on_egrid_lb_per_mwh():
    # An Oakland-sized load, 100,000 MWh on eGRID2023 CAMX output rates (lb/MWh):
    #   CO2 100,000 × 428.47 lb = 42,847,000 lb × 0.45359237 kg/lb = 19,435,072.27739 kg = 19,435.07227739 t
    #   CH4 100,000 × 0.025 lb = 2,500 lb = 1.133980925 t;  N2O 100,000 × 0.003 lb = 300 lb = 0.136077711 t
    # AR5 (as eGRID): 19,435.07227739 + 1.133980925 × 28 + 0.136077711 × 265 = 19,502.884336705 t CO2e
    # eGRID's own CO2e rate, 430.0 lb/MWh: 43,000,000 lb × 0.45359237 = 19,504.47191 t, within 0.01%.
    factors = (seed("egrid2023-camx-co2"), seed("egrid2023-camx-ch4"), seed("egrid2023-camx-n2o"))
    r = compute_entry(Entry("I.2.2", activity_value=100_000, activity_unit="MWh", factors=factors), "AR5")
    assert r.by_gas_t["CO2"] == pytest.approx(19_435.07227739)
    assert r.co2e_t == pytest.approx(19_502.884336705)
    co2e = compute_entry(
        Entry("I.2.2", activity_value=100_000, activity_unit="MWh", factors=(seed("egrid2023-camx-co2e"),)), "AR5"
    )
    assert co2e.by_gas_t == {"CO2e": pytest.approx(19_504.47191)}
    assert co2e.co2e_t == pytest.approx(r.co2e_t, rel=1e-4)


def test_hhv_activity_with_ncv_factor_needs_an_explicit_ratio():
    # 100 GJ of gas metered on HHV, IPCC factor on NCV: refused unless the ratio is given;
    # with NCV/HHV = 0.9: 100 GJ × 0.9 = 90 GJ (NCV) = 0.09 TJ × 56,100 kg/TJ = 5,049 kg = 5.049 t
    f = seed("ipcc2006-co2-natural-gas")
    entry = Entry("I.1.1", activity_value=100, activity_unit="GJ", activity_basis="HHV", factors=(f,))
    assert codes(validate_entry(entry)) == ["basis_mixed"]
    with pytest.raises(InvalidEntries):
        compute_entry(entry, "AR6")
    ratio = BasisRatio(0.9, "IPCC 2006 Vol 2 Ch 1 §1.4.1.2")
    r = compute_entry(
        Entry("I.1.1", activity_value=100, activity_unit="GJ", activity_basis="HHV", factors=(f,), basis_ratio=ratio),
        "AR6",
    )
    assert r.co2e_t == pytest.approx(5.049)
    assert any("(HHV)" in c and "(NCV)" in c for c in r.conversions)
    # two factors of different bases in one entry: refused too
    mixed = Entry(
        "I.1.1", activity_value=1, activity_unit="MMBtu", factors=(f, seed("epa-hub-natural-gas-stationary-ch4"))
    )
    assert "basis_mixed" in codes(validate_entry(mixed))


def test_reported_emissions_by_gas():
    # 2 kt CO2 + 3 t CH4 (AR6 27) reported directly: 2,000 + 3 × 27 = 2,081 t CO2e
    e = Entry("III.1.1", emissions_by_gas={"CO2": Amount(2, "kt"), "CH4": Amount(3, "t")})
    r = compute_entry(e, "AR6")
    assert r.co2e_t == pytest.approx(2081)
    assert "CO2: 2 kt × 1000 t/kt = 2000 t" in r.conversions


def test_every_seeded_factor_computes_for_one_unit_of_its_activity():
    for f in seed_factors():
        entry = Entry(
            "I.1.1",
            activity_value=1,
            activity_unit=f.activity_unit,
            activity_basis=f.basis,
            factors=(Factor(f.key, f.gas, f.value, f.unit, f.activity_unit, f.basis),),
        )
        r = compute_entry(entry, "AR6", explain=False)
        assert r.co2e_t > 0, f.key


# --- contract tests: one rule each ---------------------------------------------------------------------------------

ELEC = Factor("cn-2023", "CO2", 0.5306, "kg/kWh")


def _t(ref: str, tonnes: float, gas: str = "CO2") -> Entry:
    return Entry(ref, emissions_by_gas={gas: Amount(tonnes, "t")}, source="test")


def test_a_notation_key_line_contributes_zero_and_is_never_counted_twice():
    base = [_t("I.1.1", 100.0)]
    with_ie = base + [Entry("I.2.1", "IE", "commercial gas metered with residential", included_in="I.1.1")]
    with_no = base + [Entry("I.5.1", "NO", "no agriculture in the city")]
    totals = [compute_inventory(x, "AR6", "BASIC").totals for x in (base, with_ie, with_no)]
    for t in totals:
        assert (t.basic, t.basic_plus, t.territorial_scope1) == (100.0, 100.0, 100.0)
        assert t.by_sector == {"I": 100.0} and t.by_scope == {1: 100.0} and t.by_gas == {"CO2": 100.0}
    inv = compute_inventory(with_ie, "AR6", "BASIC")
    assert inv.entries[1].co2e_t == 0 and inv.entries[1].by_gas_t == {}
    # a notation key with numbers beside it is refused, so a line can never be both "elsewhere" and counted
    both = Entry("I.2.1", "IE", "x", included_in="I.1.1", emissions_by_gas={"CO2": Amount(5, "t")})
    assert codes(validate_entry(both)) == ["notation_key_with_data"]
    # IE pointing at a line the inventory does not have is a warning (the emissions may be missing)
    lonely = compute_inventory([Entry("I.2.1", "IE", "x", included_in="I.3.1")], "AR6", "BASIC")
    assert codes(lonely.warnings) == ["ie_target_missing"]


def _random_inventories():
    refs = [line.ref for line in gpc.gpc_lines()]
    return st.lists(
        st.tuples(st.sampled_from(refs), st.floats(min_value=0, max_value=1e7), st.sampled_from(["CO2", "CH4", "N2O"])),
        max_size=40,
        unique_by=lambda x: x[0],
    )


@settings(max_examples=60, deadline=None)
@given(_random_inventories())
def test_basic_is_a_subset_of_basic_plus(rows):
    entries = [_t(ref, v, gas) for ref, v, gas in rows]
    inv = compute_inventory(entries, "AR5", "BASIC+")
    t = inv.totals
    assert t.basic <= t.basic_plus + 1e-9 * max(1.0, t.basic_plus)
    plus_only = math.fsum(
        r.co2e_t for r in inv.entries if gpc.gpc_line(r.ref).basic_plus and not gpc.gpc_line(r.ref).basic
    )
    assert t.basic_plus - t.basic == pytest.approx(plus_only, rel=1e-9, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(_random_inventories())
def test_totals_equal_the_sum_of_entries_in_every_cut(rows):
    entries = [_t(ref, v, gas) for ref, v, gas in rows]
    inv = compute_inventory(entries, "AR6", "BASIC")
    everything = math.fsum(r.co2e_t for r in inv.entries)
    t = inv.totals
    for cut in (t.by_sector, t.by_subsector, t.by_scope, t.by_gas_co2e):
        assert math.fsum(cut.values()) == pytest.approx(everything, rel=1e-12, abs=1e-6)
    for name, flag in (("basic", "basic"), ("basic_plus", "basic_plus"), ("territorial_scope1", "territorial")):
        expected = math.fsum(r.co2e_t for r in inv.entries if getattr(gpc.gpc_line(r.ref), flag))
        assert getattr(t, name) == pytest.approx(expected, rel=1e-12, abs=1e-6)


def test_generation_supplied_to_the_grid_counts_only_in_the_territorial_total():
    # I.4.4 500 t, I.1.2 (grid electricity consumed) 300 t, III.1.3 (imported waste landfilled) 40 t, IV.1 20 t:
    #   BASIC = 300; BASIC+ = 300 + 20 = 320; territorial scope 1 = 500 + 40 + 20 = 560; all lines = 860
    entries = [_t("I.4.4", 500), _t("I.1.2", 300), _t("III.1.3", 40), _t("IV.1", 20)]
    t = compute_inventory(entries, "AR6", "BASIC+").totals
    assert (t.basic, t.basic_plus, t.territorial_scope1) == (300, 320, 560)
    assert math.fsum(t.by_scope.values()) == 860 and t.by_scope == {1: 560, 2: 300}
    assert t.rule_notes["basic"].code == "gpc_basic" and "I.4.4" in t.rule_notes["basic"].citation
    assert "GPC v1.1" in t.rule_notes["territorial_scope1"].citation


def test_changing_the_gwp_set_changes_only_non_co2_gases():
    entries = [
        Entry(
            "I.2.1",
            activity_value=100,
            activity_unit="TJ",
            factors=(
                seed("ipcc2006-co2-natural-gas"),
                seed("ipcc2006-commercial-institutional-natural-gas-ch4"),
                seed("ipcc2006-commercial-institutional-natural-gas-n2o"),
            ),
        ),
        Entry("I.1.2", activity_value=5e6, activity_unit="kWh", factors=(ELEC,)),
        _t("III.1.1", 12.0, "CH4"),
        _t("I.8.1", 3.0, "CH4_fossil"),
        _t("IV.2", 0.01, "SF6"),
    ]
    results = {name: compute_inventory(entries, name, "BASIC+") for name in GWP_SETS}
    for a in results.values():
        for b in results.values():
            assert a.totals.by_gas == b.totals.by_gas  # tonnes of every gas: identical
            assert a.totals.by_gas_co2e["CO2"] == b.totals.by_gas_co2e["CO2"]
            assert a.entries[1].co2e_t == b.entries[1].co2e_t  # the CO2-only entry
    for gas in ("CH4", "N2O", "CH4_fossil", "SF6"):
        assert len({r.totals.by_gas_co2e[gas] for r in results.values()}) > 1, gas


def test_gwp_sets_are_the_values_of_the_facts_sheet():
    assert GWP_SETS["AR6"].values["CH4"] == 27.0 and GWP_SETS["AR6"].values["CH4_fossil"] == 29.8
    assert (GWP_SETS["AR4"].values["N2O"], GWP_SETS["AR5"].values["N2O"], GWP_SETS["AR6"].values["N2O"]) == (
        298,
        265,
        273,
    )
    assert "Table 2.14" in GWP_SETS["AR4"].source and "8.A.1" in GWP_SETS["AR5"].source
    assert "7.15" in GWP_SETS["AR6"].source
    with pytest.raises(ClimateError) as exc:
        gwp_set("SAR")
    assert exc.value.code == "unknown_gwp_set"


# --- validation codes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "code", "field"),
    [
        (
            Entry("I.1.2", activity_value=-5, activity_unit="kWh", factors=(ELEC,)),
            "negative_activity",
            "activity_value",
        ),
        (Entry("I.1.2", activity_value=5, activity_unit="kwhh", factors=(ELEC,)), "unknown_unit", "activity_unit"),
        (
            Entry("I.1.2", activity_value=5, activity_unit="kWh", factors=(Factor("d", "CO2", 2.68, "kg/L"),)),
            "unit_mismatch",
            "activity_unit",
        ),
        (Entry("I.1.1", notation_key="NO"), "notation_key_needs_explanation", "explanation"),
        (Entry("I.1.1", notation_key="IE", explanation="in I.2.1"), "ie_needs_included_in", "included_in"),
        (Entry("I.9.9", emissions_by_gas={"CO2": Amount(1, "t")}), "unknown_ref", "gpc_ref"),
        (Entry("I.1.1", notation_key="NA", explanation="x"), "unknown_notation_key", "notation_key"),
        (Entry("I.1.1"), "no_data", "activity_value"),
        (Entry("I.1.1", emissions_by_gas={"CFC-11": Amount(1, "t")}), "unknown_gas", "emissions.CFC-11"),
        (Entry("I.1.1", emissions_by_gas={"CO2": Amount(-1, "t")}), "negative_emissions", "emissions.CO2"),
        (Entry("I.1.1", emissions_by_gas={"CO2": Amount(1, "kWh")}), "emissions_unit_not_mass", "emissions.CO2"),
        (
            Entry("I.1.2", activity_value=math.nan, activity_unit="kWh", factors=(ELEC,)),
            "not_a_number",
            "activity_value",
        ),
        (
            Entry("I.1.2", activity_value=5, activity_unit="kWh", factors=(Factor("x", "CO2", 1, "kWh"),)),
            "factor_unit_not_per_activity",
            "factors[0].unit",
        ),
        (
            Entry("I.1.2", activity_value=5, activity_unit="kWh", factors=(ELEC, ELEC)),
            "duplicate_gas",
            "factors[1].gas",
        ),
        (
            Entry("I.1.2", activity_value=5, activity_unit="kWh", factors=(ELEC,), data_quality="great"),
            "unknown_data_quality",
            "data_quality",
        ),
    ],
)
def test_each_bad_input_has_its_code_and_field(entry, code, field):
    issues = validate_entry(entry)
    assert (code, field) in [(i.code, i.field) for i in issues]
    assert code in ISSUE_CODES
    assert all(isinstance(v, str | int | float | list) for i in issues for v in i.params.values())


def test_duplicate_line_and_every_issue_reported_at_once():
    entries = [_t("I.1.1", 1), _t("I.1.1", 2), Entry("I.1.2", activity_value=-1, activity_unit="kWh", factors=(ELEC,))]
    issues = validate_entries(entries)
    assert [(i.code, i.index) for i in issues] == [("duplicate_ref", 1), ("negative_activity", 2)]
    with pytest.raises(InvalidEntries) as exc:
        compute_inventory(entries, "AR6", "BASIC")
    assert codes(exc.value.issues) == ["duplicate_ref", "negative_activity"]


def test_completeness_lists_required_lines_still_empty():
    basic = [line.ref for line in gpc.gpc_lines() if line.basic]
    assert completeness([], "BASIC") == basic
    filled = [_t("I.1.1", 1), Entry("I.1.2", "NE", "no utility data")]
    missing = completeness(filled, "BASIC")
    assert "I.1.1" not in missing and "I.1.2" not in missing and len(missing) == len(basic) - 2
    assert "IV.1" in completeness(filled, "BASIC+") and "IV.1" not in missing
    with pytest.raises(ClimateError):
        completeness([], "EXPANDED")


def test_the_fast_recompute_path_gives_the_same_numbers_as_the_explained_one():
    # compute_inventory(explain=False) (the worker's path, cached plans) equals the path that writes the conversions
    petrol = Entry(
        "II.1.1",
        activity_value=12_345.6,
        activity_unit="gal",
        density=prop("density-motor-gasoline"),
        ncv=prop("ncv-motor-gasoline"),
        factors=(seed("ipcc2006-road-road-co2-motor-gasoline-co2"), seed("ipcc2006-road-gas-diesel-oil-ch4")),
    )
    entries = [
        petrol,
        Entry("I.2.2", activity_value=777, activity_unit="MWh", factors=(seed("egrid2023-camx-co2"),)),
        Entry(
            "I.1.1", activity_value=5_000, activity_unit="therm", factors=(seed("epa-hub-natural-gas-stationary-co2"),)
        ),
        _t("III.4.1", 3.3, "N2O"),
        Entry("I.6.1", "NE", "no data"),
    ]
    fast = compute_inventory(entries, "AR5", "BASIC", explain=False)
    slow = compute_inventory(entries, "AR5", "BASIC", explain=True)
    for a, b in zip(fast.entries, slow.entries, strict=True):
        assert a.by_gas_t == pytest.approx(b.by_gas_t, rel=1e-12) and a.co2e_t == pytest.approx(b.co2e_t, rel=1e-12)
        assert a.conversions == [] and (b.conversions or b.notation_key)
    assert fast.totals.basic == pytest.approx(slow.totals.basic, rel=1e-12)


def test_engine_modules_do_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys; import citybridge.climate.gpc, citybridge.climate.units, citybridge.climate.accounting, "
        "citybridge.climate.ambition, citybridge.climate.importers, citybridge.climate.factors_seed; "
        "citybridge.climate.importers.template_workbook(); "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    from pathlib import Path

    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"), "PATH": "/usr/bin:/bin"}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_every_code_the_engine_emits_is_listed_for_translation():
    import re
    from pathlib import Path

    from citybridge.climate import accounting, ambition, importers, units

    root = Path(accounting.__file__).parent
    pattern = re.compile(r'(?:\badd|Issue|ClimateError|out\.add)\(\s*"([a-z0-9_]+)"')
    listed = {
        "accounting.py": accounting.ISSUE_CODES,
        "ambition.py": ambition.ISSUE_CODES,
        "importers.py": importers.ISSUE_CODES,
        "units.py": units.ISSUE_CODES,
    }
    for name, codes_ in listed.items():
        used = set(pattern.findall((root / name).read_text(encoding="utf-8")))
        assert used, name
        assert used - set(codes_) - set(accounting.ISSUE_CODES) - set(units.ISSUE_CODES) == set(), name


def test_land_may_report_a_net_removal_of_co2_other_lines_may_not():
    # V.2 (land): −1,500 t CO2 (a sink) + 10 t N2O × 273 (AR6) = −1,500 + 2,730 = 1,230 t CO2e
    land = Entry("V.2", emissions_by_gas={"CO2": Amount(-1500, "t"), "N2O": Amount(10, "t")})
    assert validate_entry(land) == []
    assert compute_entry(land, "AR6").co2e_t == pytest.approx(1230)
    assert codes(validate_entry(Entry("V.1", emissions_by_gas={"CO2": Amount(-1, "t")}))) == ["negative_emissions"]
    assert codes(validate_entry(Entry("V.2", emissions_by_gas={"CH4": Amount(-1, "t")}))) == ["negative_emissions"]


def test_a_factor_marked_not_verified_travels_as_a_warning():
    f = seed("ipcc2006-road-lpg-ch4")
    assert f.status == "not_verified"
    r = compute_entry(Entry("II.1.1", activity_value=1, activity_unit="TJ", factors=(f,)), "AR6")
    assert [(w.code, w.params) for w in r.warnings] == [("factor_not_verified", {"factor_id": "ipcc2006-road-lpg-ch4"})]


def test_energy_on_hhv_divided_by_an_ncv_needs_the_ratio_too():
    # 1 TJ of gas metered on HHV against a per-tonne factor (2.693 t CO2/t, the sheet's derived natural-gas value):
    # the NCV (48.0 TJ/Gg) may divide only NCV energy. With NCV/HHV = 0.9:
    #   1 TJ × 0.9 = 0.9 TJ (NCV) ÷ 48 TJ/Gg = 0.01875 Gg = 18.75 t × 2.693 t/t = 50.49375 t CO2
    f = Factor("ng-per-t", "CO2", 2.693, "t/t")
    base = dict(activity_value=1, activity_unit="TJ", activity_basis="HHV", ncv=prop("ncv-natural-gas"), factors=(f,))
    assert codes(validate_entry(Entry("I.1.1", **base))) == ["basis_mixed"]
    r = compute_entry(Entry("I.1.1", **base, basis_ratio=BasisRatio(0.9)), "AR6")
    assert r.co2e_t == pytest.approx(50.49375)
    # on NCV no ratio is needed: 1 TJ ÷ 48 = 20.8333 t × 2.693 = 56.1042 t (= 1 TJ × 56,100 kg/TJ, to rounding)
    ncv = dict(base, activity_basis="NCV")
    assert compute_entry(Entry("I.1.1", **ncv), "AR6").co2e_t == pytest.approx(56.1041667, rel=1e-6)


def test_totals_from_stored_results_derive_co2e_by_gas_from_the_gwp_set():
    from citybridge.climate.accounting import EntryResult, compute_totals

    # a result rebuilt from storage without its CO2e split: 2 t CH4 × 28 (AR5) = 56 t CO2e; 100 t CO2 × 1 = 100
    stored = [
        EntryResult("III.1.1", {"CH4": 2.0}, 56.0, [], []),
        EntryResult("I.1.1", {"CO2": 100.0}, 100.0, [], []),
    ]
    assert compute_totals(stored, "AR5").by_gas_co2e == {"CH4": 56.0, "CO2": 100.0}
    assert compute_totals(stored).by_gas_co2e == {}  # without the set nothing is guessed


def test_completeness_accepts_stubs_of_stored_lines():
    missing = completeness([Entry("I.1.1"), Entry("I.2.1", "NO", "x")], "BASIC")
    assert "I.1.1" not in missing and "I.2.1" not in missing and "I.3.1" in missing
