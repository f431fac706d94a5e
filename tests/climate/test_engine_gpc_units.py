"""The GPC table as data, and the one unit registry (hand-worked conversions, typed errors, round trips)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citybridge.climate import gpc
from citybridge.climate.units import (
    BasisMismatch,
    BasisRatio,
    ClimateError,
    IncompatibleUnits,
    UnknownUnit,
    common_basis,
    convert,
    resolve_unit,
    to_basis,
)

# --- GPC table -----------------------------------------------------------------------------------------------------


def test_table_has_the_53_gpc_lines_in_gpc_order():
    lines = gpc.gpc_lines()
    assert len(lines) == 53
    assert lines[0].ref == "I.1.1" and lines[-1].ref == "VI.1"
    refs = [line.ref for line in lines]
    assert refs.index("I.8.1") < refs.index("II.1.1") < refs.index("III.1.1") < refs.index("IV.1") < refs.index("V.3")
    assert refs.index("II.1.3") < refs.index("II.2.1")  # numeric, not text order of sub-sectors


def test_lines_that_count_only_in_the_territorial_total():
    territorial_only = {line.ref for line in gpc.gpc_lines() if line.territorial and not line.basic_plus}
    assert territorial_only == {"I.4.4", "III.1.3", "III.2.3", "III.3.3", "III.4.3"}
    vi = gpc.gpc_line("VI.1")
    assert (vi.basic, vi.basic_plus, vi.territorial, vi.scope) == (False, False, False, 3)


def test_scope_3_transport_and_t_and_d_lines_count_only_in_basic_plus():
    plus_only = {line.ref for line in gpc.gpc_lines() if line.basic_plus and not line.basic}
    assert {"I.1.3", "I.4.3", "II.1.3", "II.4.3", "IV.1", "IV.2", "V.1", "V.2", "V.3"} <= plus_only
    assert all(
        line.scope == 3 or line.sector_prefix in ("IV", "V") for line in gpc.gpc_lines() if line.ref in plus_only
    )
    # waste scope 3 (treated outside the city) is BASIC
    assert gpc.gpc_line("III.1.2").basic and gpc.gpc_line("III.1.2").scope == 3


def test_every_basic_line_is_a_basic_plus_line():
    assert all(line.basic_plus for line in gpc.gpc_lines() if line.basic)


def test_unknown_reference_is_a_typed_key_error():
    with pytest.raises(KeyError) as exc:
        gpc.gpc_line("I.63")  # CityCatalyst's typo for I.6.3 is not guessed
    assert isinstance(exc.value, gpc.UnknownGpcRef) and exc.value.code == "unknown_ref"
    assert gpc.gpc_line(" i.6.3 ").ref == "I.6.3"


def test_citation_names_the_gpc():
    assert "GPC" in gpc.GPC_CITATION and "v1.1" in gpc.GPC_CITATION


# --- units -----------------------------------------------------------------------------------------------------------


def test_tce_and_therm_to_gj_hand_worked():
    # 1,000 tce × 29.3076 GJ/tce (GB/T 2589-2020: 7,000 kcal/kgce × 4.1868 kJ/kcal) = 29,307.6 GJ
    c = convert(1000, "tce", "GJ")
    assert c.value == pytest.approx(29_307.6, rel=1e-12)
    assert c.factor == pytest.approx(29.3076, rel=1e-12)
    assert c.explanation == "1000 tce × 29.3076 GJ/tce = 29307.6 GJ"
    # 10,000 therm × 0.1055056 GJ/therm (10⁵ Btu_IT) = 1,055.056 GJ
    assert convert(10_000, "therm", "GJ").value == pytest.approx(1_055.056, rel=1e-12)
    # 1 therm = 0.1 MMBtu exactly (both from Btu_IT)
    assert convert(10, "therm", "MMBtu").value == pytest.approx(1.0, rel=1e-12)
    # 1 toe = 41.868 GJ (IEA); 万吨标准煤 = 10,000 tce = 293.076 TJ
    assert convert(1, "toe", "GJ").value == pytest.approx(41.868, rel=1e-12)
    assert convert(1, "万吨标准煤", "TJ").value == pytest.approx(293.076, rel=1e-12)


def test_spellings_cities_use():
    assert convert(1, "MWh", "kWh").value == pytest.approx(1000)
    assert convert(1, "kWh", "MJ").value == pytest.approx(3.6)
    assert convert(1, "US_gallon", "L").value == pytest.approx(3.785411784)
    assert convert(1, "gal", "litre").value == pytest.approx(3.785411784)
    assert convert(1, "m³", "L").value == pytest.approx(1000)
    assert convert(1, "m3", "L").value == pytest.approx(1000)
    assert convert(1, "lb", "kg").value == pytest.approx(0.45359237)
    assert convert(1, "t CO2e", "kg").value == pytest.approx(1000)
    assert convert(2, "kt", "t").value == pytest.approx(2000)  # kilotonne, never the knot
    assert convert(1, "lb/MWh", "kg/kWh").value == pytest.approx(0.00045359237)
    assert convert(1, "t/TJ", "kg/GJ").value == pytest.approx(1.0)


def test_vehicle_km_is_its_own_dimension():
    assert convert(1, "vkm", "vehicle-km").value == 1
    with pytest.raises(IncompatibleUnits):
        convert(1, "vkm", "km")
    with pytest.raises(IncompatibleUnits):
        convert(1, "vkm", "kWh")


@pytest.mark.parametrize("bad", ["kwhh", "knot", "", "kg/kWh/h", "a" * 200, "/kWh"])
def test_unknown_units_are_typed_errors(bad):
    with pytest.raises(UnknownUnit) as exc:
        resolve_unit(bad)
    assert exc.value.code == "unknown_unit"


def test_incompatible_units_carry_both_units():
    with pytest.raises(IncompatibleUnits) as exc:
        convert(1, "kWh", "L")
    assert exc.value.params == {"from_unit": "kWh", "to_unit": "L"}


def test_non_numbers_are_refused():
    for bad in (math.nan, math.inf, True):
        with pytest.raises(ClimateError):
            convert(bad, "kWh", "MWh")


ENERGY = ["kWh", "MWh", "GJ", "TJ", "therm", "MMBtu", "tce", "toe", "MJ", "kcal"]
VOLUME = ["L", "litre", "gal", "US_gallon", "m3", "m³", "bbl", "scf"]
MASS = ["t", "tonne", "kg", "lb", "Gg", "kt", "short_ton", "g"]
GROUPS = [ENERGY, VOLUME, MASS, ["vkm", "vehicle-km"]]


@given(
    group=st.sampled_from(GROUPS),
    data=st.data(),
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
)
def test_converting_and_back_is_identity(group, data, value):
    a = data.draw(st.sampled_from(group))
    b = data.draw(st.sampled_from(group))
    there = convert(value, a, b)
    back = convert(there.value, b, a)
    assert back.value == pytest.approx(value, rel=1e-12, abs=1e-9)


# --- heating-value basis ---------------------------------------------------------------------------------------------


def test_mixing_ncv_and_hhv_is_a_typed_error_unless_a_ratio_is_given():
    assert common_basis(["NCV", None, "NCV"]) == "NCV"
    assert common_basis([None, None]) is None
    with pytest.raises(BasisMismatch) as exc:
        common_basis(["NCV", "HHV"])
    assert exc.value.code == "basis_mixed" and exc.value.params["bases"] == ["HHV", "NCV"]
    ratio = BasisRatio(0.9, "IPCC 2006 Vol 2 Ch 1: NCV ≈ 90% of GCV for natural gas")
    assert common_basis(["HHV", "NCV"], ratio) == "HHV"
    # 100 GJ (HHV) × 0.9 = 90 GJ (NCV), and back
    assert to_basis(100, "HHV", "NCV", ratio).value == pytest.approx(90)
    assert to_basis(90, "NCV", "HHV", ratio).value == pytest.approx(100)
    with pytest.raises(BasisMismatch):
        to_basis(100, "HHV", "NCV", None)
