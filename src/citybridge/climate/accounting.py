"""The GPC inventory engine: entries in, emissions by gas and t CO2e out, totals as the GPC prescribes.

Plain Python, no Django: dataclasses in, dataclasses out. Errors are codes with parameters (``Issue``), never
sentences; the Django layer translates them (``ISSUE_CODES`` lists every code this module emits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import lru_cache
from typing import Literal

from citybridge.climate.gpc import gpc_line, is_gpc_ref, normalise_ref, ref_sort_key, refs_for_level
from citybridge.climate.units import (
    BASES,
    BasisMismatch,
    BasisRatio,
    ClimateError,
    IncompatibleUnits,
    UnknownUnit,
    common_basis,
    conversion_factor,
    fmt,
    is_mass,
    resolve_unit,
    split_ratio,
    to_basis,
    ureg,
)

NotationKey = Literal["NO", "IE", "NE", "C"]
NOTATION_KEYS: tuple[str, ...] = ("NO", "IE", "NE", "C")
DataQuality = Literal["high", "medium", "low"]
DATA_QUALITIES: tuple[str, ...] = ("high", "medium", "low")
Level = Literal["BASIC", "BASIC+"]
LEVELS: tuple[str, ...] = ("BASIC", "BASIC+")


# --- GWP-100 sets --------------------------------------------------------------------------------------------------

#: gases an entry may carry. 'CH4' is generic / non-fossil methane, 'CH4_fossil' fossil methane (AR5 and AR6 give
#: fossil CH4 its own value); 'CO2e' is an amount already expressed in CO2e (an eGRID CO2e rate, HFCs or PFCs
#: reported as a CO2e sum, a CDP total) and counts with 1 in every set.
GASES: tuple[str, ...] = ("CO2", "CH4", "CH4_fossil", "N2O", "HFC-134a", "SF6", "NF3", "CO2e")


@dataclass(frozen=True, slots=True)
class GwpSet:
    """GWP-100 values of one IPCC assessment report; one set per inventory, never mixed."""

    name: str
    values: Mapping[str, float]
    source: str

    def gwp(self, gas: str) -> float:
        try:
            return self.values[gas]
        except KeyError:
            raise ClimateError("unknown_gas", field="gas", gas=gas) from None


# Values from citybridge/data/EMISSION_FACTORS.md §1 (each ✔✔ there) except NF3, which that sheet does not list and
# which is taken from the same IPCC tables (AR4 17,200; AR5 16,100; AR6 17,400) [single: check against the PDFs].
GWP_SETS: dict[str, GwpSet] = {
    "AR4": GwpSet(
        "AR4",
        {"CO2": 1, "CH4": 25, "CH4_fossil": 25, "N2O": 298, "HFC-134a": 1430, "SF6": 22800, "NF3": 17200, "CO2e": 1},
        "IPCC AR4 WG1 (2007), Chapter 2, Table 2.14, GWP for a 100-year horizon (one CH4 value, fossil and "
        "non-fossil alike).",
    ),
    "AR5": GwpSet(
        "AR5",
        {"CO2": 1, "CH4": 28, "CH4_fossil": 30, "N2O": 265, "HFC-134a": 1300, "SF6": 23500, "NF3": 16100, "CO2e": 1},
        "IPCC AR5 WG1 (2013), Chapter 8, Appendix 8.A, Table 8.A.1, GWP100 without climate-carbon feedback "
        "(CH4 28; fossil CH4 30).",
    ),
    "AR6": GwpSet(
        "AR6",
        {
            "CO2": 1,
            "CH4": 27.0,
            "CH4_fossil": 29.8,
            "N2O": 273,
            "HFC-134a": 1530,
            "SF6": 25200,
            "NF3": 17400,
            "CO2e": 1,
        },
        "IPCC AR6 WG1 (2021), Chapter 7, Table 7.15 (CH4 non-fossil 27.0, fossil 29.8, N2O 273) and Table 7.SM.7 "
        "(halogenated gases), GWP-100.",
    ),
}


def gwp_set(name: str | GwpSet) -> GwpSet:
    """'AR4' | 'AR5' | 'AR6'; ``ClimateError('unknown_gwp_set')`` otherwise."""
    if isinstance(name, GwpSet):
        return name
    try:
        return GWP_SETS[name]
    except (KeyError, TypeError):
        raise ClimateError("unknown_gwp_set", field="gwp_set", gwp_set=str(name)[:16]) from None


# --- inputs ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Factor:
    """An emission factor: ``value`` ``unit`` of ``gas`` per activity unit, e.g. 0.5306 'kg/kWh' CO2.

    ``unit`` is 'mass/activity' ('kg/kWh', 't/TJ', 'lb/MWh', 'kg/L'); ``activity_unit`` is its denominator (filled
    from ``unit`` when empty). ``basis`` is 'NCV' | 'HHV' for factors per unit of energy of a fuel, else None.
    """

    id: str
    gas: str
    value: float
    unit: str
    activity_unit: str = ""
    basis: str | None = None
    source: str = ""
    status: str = ""


@dataclass(frozen=True, slots=True)
class Amount:
    """A value with its unit ('t', 'kg', 'kg/L', 'TJ/Gg', ...)."""

    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One GPC line of an inventory: a notation key, or activity × factors, or emissions reported by gas."""

    ref: str
    notation_key: str | None = None
    explanation: str = ""
    included_in: str = ""
    activity_value: float | None = None
    activity_unit: str = ""
    activity_basis: str | None = None
    factors: tuple[Factor, ...] = ()
    emissions_by_gas: Mapping[str, Amount] | None = None
    data_quality: str = ""
    source: str = ""
    #: fuel properties for bridging volume -> mass -> energy (e.g. 0.74 kg/L and 44.3 TJ/Gg for gasoline)
    density: Amount | None = None
    ncv: Amount | None = None
    #: the only way NCV and HHV may meet in one entry
    basis_ratio: BasisRatio | None = None


# --- outputs ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Issue:
    """A validation problem or warning: a code, the field, parameters; the UI writes the sentence."""

    code: str
    field: str = ""
    params: Mapping[str, object] = dc_field(default_factory=dict)
    ref: str = ""
    index: int | None = None


class InvalidEntries(ClimateError):
    """Raised by ``compute_entry`` / ``compute_inventory`` with every problem found (not only the first)."""

    code = "invalid_entries"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        super().__init__(count=len(self.issues))


@dataclass(frozen=True, slots=True)
class EntryResult:
    ref: str
    by_gas_t: dict[str, float]
    co2e_t: float
    conversions: list[str]
    warnings: list[Issue]
    notation_key: str | None = None
    #: t CO2e of each gas (tonnes × the set's GWP)
    by_gas_co2e: dict[str, float] = dc_field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RuleNote:
    """Which GPC rule a total follows (a code the UI translates) and where the GPC states it."""

    code: str
    citation: str


@dataclass(frozen=True, slots=True)
class Totals:
    basic: float
    basic_plus: float
    territorial_scope1: float
    by_sector: dict[str, float]
    by_subsector: dict[str, float]
    by_scope: dict[int, float]
    #: tonnes of each gas (not CO2e)
    by_gas: dict[str, float]
    #: t CO2e of each gas
    by_gas_co2e: dict[str, float]
    rule_notes: dict[str, RuleNote]


@dataclass(frozen=True, slots=True)
class InventoryResult:
    entries: tuple[EntryResult, ...]
    totals: Totals
    missing: tuple[str, ...] = ()
    warnings: tuple[Issue, ...] = ()


# --- validation ----------------------------------------------------------------------------------------------------

#: every code this module emits, with the parameters the message may use (the Django layer translates them)
ISSUE_CODES: dict[str, tuple[str, ...]] = {
    "unknown_ref": ("ref",),
    "duplicate_ref": ("ref", "first_index"),
    "unknown_notation_key": ("key",),
    "notation_key_needs_explanation": ("key",),
    "ie_needs_included_in": (),
    "ie_included_in_itself": ("ref",),
    "notation_key_with_data": ("key",),
    "no_data": (),
    "activity_and_emissions": (),
    "activity_needs_factor": (),
    "factor_needs_activity": (),
    "not_a_number": ("value",),
    "negative_activity": ("value",),
    "negative_factor": ("value", "factor_id"),
    "negative_emissions": ("gas", "value"),
    "unknown_unit": ("unit",),
    "factor_unit_not_per_activity": ("unit", "factor_id"),
    "emissions_unit_not_mass": ("unit", "gas"),
    "unit_mismatch": ("activity_unit", "factor_unit", "factor_id", "needs"),
    "unknown_gas": ("gas",),
    "duplicate_gas": ("gas",),
    "unknown_basis": ("basis",),
    "basis_mixed": ("bases",),
    "basis_ratio_out_of_range": ("ratio",),
    "unknown_data_quality": ("value",),
    "unknown_gwp_set": ("gwp_set",),
    "unknown_level": ("level",),
    # warnings (never block a save)
    "factor_not_verified": ("factor_id",),
    "ie_target_missing": ("ref", "included_in"),
    "ie_target_is_notation_key": ("ref", "included_in"),
}
WARNING_CODES: frozenset[str] = frozenset({"ie_target_missing", "ie_target_is_notation_key", "factor_not_verified"})
#: lines whose reported net CO2 may be negative: land (V.2) can be a net sink of CO2 (GPC v1.1 ch. 10, AFOLU)
NET_REMOVAL_LINES: frozenset[str] = frozenset({"V.2"})


_NUMBER_TYPES = (int, float)


def _is_number(x: object) -> bool:
    # type(), not isinstance(): a bool is an int but never a quantity
    return type(x) in _NUMBER_TYPES and math.isfinite(x)  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def _factor_unit_parts(unit: str) -> tuple[str, str] | None:
    """('kg', 'kWh') for a mass-per-activity factor unit; None when it is not one. Raises UnknownUnit."""
    if "/" not in unit:
        resolve_unit(unit)
        return None
    num, den = split_ratio(unit)
    if not is_mass(num):
        return None
    resolve_unit(den)
    return num, den


@lru_cache(maxsize=4096)
def _plan(activity_unit: str, den: str, density_unit: str | None, ncv_unit: str | None) -> tuple[int, int, float]:
    """How to bring an activity in ``activity_unit`` to the factor's ``den``: (density power, NCV power, unit factor).

    Tried in order: directly; through the density; through the NCV; through both. Raises ``IncompatibleUnits``
    (with ``needs``) when no path exists with the properties given.
    """
    a = resolve_unit(activity_unit)
    target = resolve_unit(den)
    options: list[tuple[int, int]] = [(0, 0)]
    options += [(d, 0) for d in (1, -1)] + [(0, n) for n in (1, -1)] + [(d, n) for d in (1, -1) for n in (1, -1)]
    for d, n in options:
        if d and density_unit is None or n and ncv_unit is None:
            continue
        q = a
        if d:
            q = q * resolve_unit(density_unit) ** d
        if n:
            q = q * resolve_unit(ncv_unit) ** n
        if q.dimensionality == target.dimensionality:
            return d, n, float((q / target).to("dimensionless").magnitude)
    needs = _what_is_missing(a, target)
    err = IncompatibleUnits(activity_unit, den)
    err.params["needs"] = needs
    raise err


@lru_cache(maxsize=4096)
def _fast_plan(
    activity_unit: str, density_unit: str | None, ncv_unit: str | None, factor_units: tuple[str, ...]
) -> tuple[tuple[int, int, float], ...]:
    """Per factor: (density power, NCV power, unit factor × factor-mass-to-tonnes)."""
    out = []
    for unit in factor_units:
        num, den = _factor_unit_parts(unit) or ("", "")
        d, n, k = _plan(activity_unit, den, density_unit, ncv_unit)
        out.append((d, n, k * conversion_factor(num, "t")))
    return tuple(out)


def _what_is_missing(a: object, target: object) -> str:
    a_dim, t_dim = a.dimensionality, target.dimensionality  # type: ignore[attr-defined]
    vol, mass, energy = ureg.liter.dimensionality, ureg.kg.dimensionality, ureg.joule.dimensionality
    pair = {a_dim, t_dim}
    if pair == {vol, mass}:
        return "density"
    if pair == {mass, energy}:
        return "ncv"
    if pair == {vol, energy}:
        return "density_and_ncv"
    return ""


def validate_entry(entry: Entry, *, index: int | None = None) -> list[Issue]:
    """Every problem of one entry on its own (unknown ref, notation-key rules, units, negative values, bases)."""
    issues: list[Issue] = []
    ref = entry.ref

    def add(code: str, fld: str = "", **params: object) -> None:
        issues.append(Issue(code, fld, params, ref, index))

    if not is_gpc_ref(ref):
        add("unknown_ref", "gpc_ref", ref=str(ref)[:32])
    if entry.data_quality and entry.data_quality not in DATA_QUALITIES:
        add("unknown_data_quality", "data_quality", value=str(entry.data_quality)[:16])
    has_activity = entry.activity_value is not None or bool(entry.factors)
    has_emissions = entry.emissions_by_gas is not None and len(entry.emissions_by_gas) > 0
    key = entry.notation_key
    if key:
        if key not in NOTATION_KEYS:
            add("unknown_notation_key", "notation_key", key=str(key)[:16])
        if not (entry.explanation or "").strip():
            add("notation_key_needs_explanation", "explanation", key=key)
        if key == "IE":
            target = (entry.included_in or "").strip()
            if not target:
                add("ie_needs_included_in", "included_in")
            elif not is_gpc_ref(target):
                add("unknown_ref", "included_in", ref=target[:32])
            elif normalise_ref(target) == normalise_ref(ref):
                add("ie_included_in_itself", "included_in", ref=target)
        if has_activity or has_emissions:
            add("notation_key_with_data", "notation_key", key=key)
        return issues
    if has_activity and has_emissions:
        add("activity_and_emissions", "emissions")
        return issues
    if not has_activity and not has_emissions:
        add("no_data", "activity_value")
        return issues
    if has_emissions:
        assert entry.emissions_by_gas is not None
        for gas, amount in entry.emissions_by_gas.items():
            fld = f"emissions.{gas}"
            if gas not in GASES:
                add("unknown_gas", fld, gas=str(gas)[:16])
            if not _is_number(amount.value):
                add("not_a_number", fld, value=str(amount.value)[:32])
            elif amount.value < 0 and not (gas == "CO2" and normalise_ref(ref) in NET_REMOVAL_LINES):
                add("negative_emissions", fld, gas=gas, value=amount.value)
            try:
                if not is_mass(amount.unit):
                    add("emissions_unit_not_mass", fld, unit=amount.unit, gas=gas)
            except UnknownUnit:
                add("unknown_unit", fld, unit=str(amount.unit)[:64])
        return issues
    # activity × factors: the values here, the units / gases / bases once per shape (cached)
    if entry.activity_value is None:
        add("factor_needs_activity", "activity_value")
    elif not _is_number(entry.activity_value):
        add("not_a_number", "activity_value", value=str(entry.activity_value)[:32])
    elif entry.activity_value < 0:
        add("negative_activity", "activity_value", value=entry.activity_value)
    if not entry.factors:
        add("activity_needs_factor", "factors")
    for name, prop in (("density", entry.density), ("ncv", entry.ncv)):
        if prop is not None and (not _is_number(prop.value) or prop.value <= 0):
            add("not_a_number", name, value=str(prop.value)[:32])
    for i, f in enumerate(entry.factors):
        if not _is_number(f.value):
            add("not_a_number", f"factors[{i}].value", value=str(f.value)[:32])
        elif f.value < 0:
            add("negative_factor", f"factors[{i}].value", value=f.value, factor_id=f.id)
    try:
        shape = _shape_issues(
            entry.activity_unit,
            entry.density.unit if entry.density else None,
            entry.ncv.unit if entry.ncv else None,
            entry.activity_basis,
            tuple((f.id, f.gas, f.unit, f.activity_unit, f.basis) for f in entry.factors),
            entry.basis_ratio is not None,
        )
    except TypeError:  # an unhashable value where a unit belongs
        shape = (("unknown_unit", "activity_unit", (("unit", str(entry.activity_unit)[:64]),)),)
    for code, fld, params in shape:
        add(code, fld, **dict(params))
    return issues


def _sig_str(x: object, n: int) -> str:
    return str(x)[:n]


@lru_cache(maxsize=8192)
def _shape_issues(
    activity_unit: str,
    density_unit: str | None,
    ncv_unit: str | None,
    activity_basis: str | None,
    sigs: tuple[tuple[str, str, str, str, str | None], ...],
    has_ratio: bool,
) -> tuple[tuple[str, str, tuple[tuple[str, object], ...]], ...]:
    """Unit, gas and basis problems of an entry's shape (no values), as (code, field, params) triples."""
    out: list[tuple[str, str, tuple[tuple[str, object], ...]]] = []

    def add(code: str, fld: str, **params: object) -> None:
        out.append((code, fld, tuple(params.items())))

    activity_ok = True
    try:
        resolve_unit(activity_unit)
    except UnknownUnit:
        add("unknown_unit", "activity_unit", unit=_sig_str(activity_unit, 64))
        activity_ok = False
    for name, unit in (("density", density_unit), ("ncv", ncv_unit)):
        if unit is None:
            continue
        try:
            resolve_unit(unit)
        except UnknownUnit:
            add("unknown_unit", name, unit=_sig_str(unit, 64))
            activity_ok = False
    seen_gases: set[str] = set()
    bases: list[str | None] = [activity_basis]
    for i, (fid, gas, unit, f_activity_unit, basis) in enumerate(sigs):
        fld = f"factors[{i}]"
        if gas not in GASES:
            add("unknown_gas", f"{fld}.gas", gas=_sig_str(gas, 16))
        elif gas in seen_gases:
            add("duplicate_gas", f"{fld}.gas", gas=gas)
        seen_gases.add(gas)
        if basis is not None and basis not in BASES:
            add("unknown_basis", f"{fld}.basis", basis=_sig_str(basis, 16))
        else:
            bases.append(basis)
        try:
            parts = _factor_unit_parts(unit)
        except UnknownUnit:
            add("unknown_unit", f"{fld}.unit", unit=_sig_str(unit, 64))
            continue
        if parts is None:
            add("factor_unit_not_per_activity", f"{fld}.unit", unit=unit, factor_id=fid)
            continue
        if f_activity_unit and f_activity_unit != parts[1]:
            try:
                conversion_factor(f_activity_unit, parts[1])
            except (UnknownUnit, IncompatibleUnits):
                add("factor_unit_not_per_activity", f"{fld}.activity_unit", unit=f_activity_unit, factor_id=fid)
                continue
        if activity_ok:
            try:
                _d, n, _k = _plan(activity_unit, parts[1], density_unit, ncv_unit)
            except IncompatibleUnits as exc:
                add(
                    "unit_mismatch",
                    "activity_unit",
                    activity_unit=activity_unit,
                    factor_unit=unit,
                    factor_id=fid,
                    needs=exc.params.get("needs", ""),
                )
                continue
            if n:
                # an NCV turned mass into energy (or energy into mass): that energy is on the NCV basis
                bases.append("NCV")
    try:
        common_basis(bases, BasisRatio(1.0) if has_ratio else None)
    except BasisMismatch as exc:
        add("basis_mixed", "factors", bases=exc.params["bases"])
    except ClimateError:
        pass  # unknown bases reported above
    return tuple(out)


def validate_entries(entries: Sequence[Entry]) -> list[Issue]:
    """``validate_entry`` for each, plus duplicates and IE targets across the inventory (those two are warnings
    when the target is missing or itself a notation key)."""
    issues: list[Issue] = []
    first: dict[str, int] = {}
    by_ref: dict[str, Entry] = {}
    for i, entry in enumerate(entries):
        issues.extend(validate_entry(entry, index=i))
        ref = normalise_ref(entry.ref)
        if ref in first:
            issues.append(Issue("duplicate_ref", "gpc_ref", {"ref": ref, "first_index": first[ref]}, entry.ref, i))
        else:
            first[ref] = i
            by_ref[ref] = entry
    for i, entry in enumerate(entries):
        if entry.notation_key == "IE" and entry.included_in and is_gpc_ref(entry.included_in):
            target = by_ref.get(normalise_ref(entry.included_in))
            params = {"ref": entry.ref, "included_in": normalise_ref(entry.included_in)}
            if target is None:
                issues.append(Issue("ie_target_missing", "included_in", params, entry.ref, i))
            elif target.notation_key:
                issues.append(Issue("ie_target_is_notation_key", "included_in", params, entry.ref, i))
    return issues


def _errors(issues: Iterable[Issue]) -> list[Issue]:
    return [i for i in issues if i.code not in WARNING_CODES]


# --- computing -----------------------------------------------------------------------------------------------------


def compute_entry(entry: Entry, gwp: GwpSet | str, *, explain: bool = True, validate: bool = True) -> EntryResult:
    """Emissions by gas (t) and t CO2e of one entry; ``InvalidEntries`` when it does not validate.

    A notation-key entry gives zero of every gas. With activity: activity (converted to each factor's activity unit,
    through density and NCV when given) × factor, in tonnes of the factor's gas. With reported emissions: each gas
    converted to tonnes. CO2e = Σ tonnes × GWP of the set.
    """
    gwp = gwp_set(gwp)
    if validate:
        errors = _errors(validate_entry(entry))
        if errors:
            raise InvalidEntries(errors)
    by_gas: dict[str, float] = {}
    conversions: list[str] = []
    if entry.notation_key:
        return EntryResult(entry.ref, by_gas, 0.0, conversions, [], entry.notation_key)
    if entry.emissions_by_gas:
        for gas, amount in entry.emissions_by_gas.items():
            k = conversion_factor(amount.unit, "t")
            t = amount.value * k
            by_gas[gas] = by_gas.get(gas, 0.0) + t
            if explain and k != 1.0:
                conversions.append(f"{gas}: {fmt(amount.value)} {amount.unit} × {fmt(k)} t/{amount.unit} = {fmt(t)} t")
    elif not explain and entry.basis_ratio is None:
        # the worker's recompute: one cached plan per shape, plain float arithmetic (validation has ruled out
        # mixed bases without a ratio, so no basis step can occur here)
        by_gas = activity_by_gas(
            entry.activity_value,
            entry.activity_unit,
            (entry.density.value, entry.density.unit) if entry.density else None,
            (entry.ncv.value, entry.ncv.unit) if entry.ncv else None,
            tuple((f.gas, f.value, f.unit) for f in entry.factors),
        )
    else:
        value = float(entry.activity_value or 0.0)
        density_unit = entry.density.unit if entry.density else None
        ncv_unit = entry.ncv.unit if entry.ncv else None
        for f in entry.factors:
            num, den = _factor_unit_parts(f.unit) or ("", "")
            d, n, k = _plan(entry.activity_unit, den, density_unit, ncv_unit)
            amount = value * k
            if d:
                amount *= entry.density.value**d  # type: ignore[union-attr]
            if n:
                amount *= entry.ncv.value**n  # type: ignore[union-attr]
            activity_in_den = amount
            basis_step = ""
            if n == -1 and entry.activity_basis == "HHV":
                # energy metered on HHV divided by an NCV: restate the energy on NCV first (explicit ratio)
                conv = to_basis(amount, "HHV", "NCV", entry.basis_ratio)
                amount = conv.value
                basis_step = conv.explanation
            activity_basis = "NCV" if n == 1 else (None if n == -1 else entry.activity_basis)
            if f.basis and activity_basis and f.basis != activity_basis:
                conv = to_basis(amount, activity_basis, f.basis, entry.basis_ratio)
                amount = conv.value
                basis_step = conv.explanation
            to_t = conversion_factor(num, "t")
            t = amount * f.value * to_t
            by_gas[f.gas] = by_gas.get(f.gas, 0.0) + t
            if explain:
                if d or n or k != 1.0:
                    chain = f"{fmt(value)} {entry.activity_unit}"
                    if d:
                        chain += (
                            f" × {fmt(entry.density.value)} {entry.density.unit}"
                            if d == 1
                            else f" ÷ {fmt(entry.density.value)} {entry.density.unit}"
                        )  # type: ignore[union-attr]  # noqa: E501
                    if n:
                        chain += (
                            f" × {fmt(entry.ncv.value)} {entry.ncv.unit}"
                            if n == 1
                            else f" ÷ {fmt(entry.ncv.value)} {entry.ncv.unit}"
                        )  # type: ignore[union-attr]  # noqa: E501
                    if k != 1.0:
                        chain += f" × {fmt(k)}"
                    line_text = f"{chain} = {fmt(activity_in_den)} {den}"
                    if line_text not in conversions:
                        conversions.append(line_text)
                if basis_step:
                    conversions.append(basis_step)
                conversions.append(
                    f"{f.gas}: {fmt(amount)} {den} × {fmt(f.value)} {f.unit}"
                    + (f" × {fmt(to_t)} t/{num}" if to_t != 1.0 else "")
                    + f" = {fmt(t)} t"
                )
    by_gas_co2e = {gas: t * gwp.values[gas] for gas, t in by_gas.items()}
    co2e = math.fsum(by_gas_co2e.values())
    if explain:
        parts = [f"{fmt(t)} t {gas} × {fmt(gwp.values[gas])}" for gas, t in by_gas.items()]
        conversions.append(f"CO2e ({gwp.name}): " + " + ".join(parts) + f" = {fmt(co2e)} t CO2e")
    warnings = [
        Issue("factor_not_verified", f"factors[{i}]", {"factor_id": f.id}, entry.ref)
        for i, f in enumerate(entry.factors)
        if f.status == "not_verified"
    ]
    return EntryResult(entry.ref, by_gas, co2e, conversions, warnings, None, by_gas_co2e)


def activity_by_gas(
    activity_value: float | None,
    activity_unit: str,
    density: tuple[float, str] | None,
    ncv: tuple[float, str] | None,
    factors: tuple[tuple[str, float, str], ...],
) -> dict[str, float]:
    """Tonnes of each gas of activity × factors, ``factors`` as (gas, value, unit) of an entry that validated: the
    arithmetic of ``compute_entry`` without the explanation (one cached plan per shape). The recompute calls it for
    many entries in a row, without building an ``Entry`` for each."""
    plan = _fast_plan(activity_unit, density[1] if density else None, ncv[1] if ncv else None, _units(factors))
    return planned_by_gas(activity_value, density, ncv, factors, plan)


def planned_by_gas(
    activity_value: float | None,
    density: tuple[float, str] | None,
    ncv: tuple[float, str] | None,
    factors: tuple[tuple[str, float, str], ...],
    plan: tuple[tuple[int, int, float], ...],
) -> dict[str, float]:
    """``activity_by_gas`` with the plan given (``fast_plan``): a caller with many entries of one shape plans once."""
    value = float(activity_value or 0.0)
    by_gas: dict[str, float] = {}
    for (gas, factor_value, _unit), (d, n, kt) in zip(factors, plan, strict=True):
        amount = value * kt
        if d:
            amount *= density[0] ** d  # type: ignore[index]
        if n:
            amount *= ncv[0] ** n  # type: ignore[index]
        by_gas[gas] = by_gas.get(gas, 0.0) + amount * factor_value
    return by_gas


def _units(factors: tuple[tuple[str, float, str], ...]) -> tuple[str, ...]:
    return tuple(f[2] for f in factors)


def fast_plan(
    activity_unit: str,
    density: tuple[float, str] | None,
    ncv: tuple[float, str] | None,
    factors: tuple[tuple[str, float, str], ...],
) -> tuple[tuple[int, int, float], ...]:
    """The conversion plan ``planned_by_gas`` follows for one shape of entry (cached)."""
    return _fast_plan(activity_unit, density[1] if density else None, ncv[1] if ncv else None, _units(factors))


def co2e_of(by_gas: Mapping[str, float], gwp: GwpSet | str) -> float:
    """t CO2e of tonnes by gas with one GWP set, summed as ``compute_entry`` sums them."""
    values = gwp_set(gwp).values
    return math.fsum([t * values[gas] for gas, t in by_gas.items()])


#: The citations stay at chapter level on purpose. Issue 10 asks for sections ("GPC v1.1, §6.3, Table 6.2"), but the
#: section and table numbers could not be confirmed with the sources at hand (the GPC table in shared/data cites the
#: document, not its sections; no copy of the GPC v1.1 PDF or of its table of contents was found with the search
#: tools on 2026-11-28), and a section number is never guessed. To refine: check BASIC / BASIC+ (ch. 3 and 4),
#: scope 1 territorial (ch. 3), notation keys (ch. 2) and scope 2 location-based (ch. 6) against the PDF.
RULES: dict[str, RuleNote] = {
    "basic": RuleNote(
        "gpc_basic",
        "GPC v1.1 ch. 3 (inventory boundary, city-induced framework) and ch. 4 (reporting requirements): BASIC = "
        "scope 1 and 2 of Stationary Energy and Transportation plus scope 1 and 3 of Waste; excludes energy "
        "generation supplied to the grid (I.4.4, ch. 6) and waste imported from outside the city (III.x.3, ch. 8), "
        "which count only in the scope-1 territorial total.",
    ),
    "basic_plus": RuleNote(
        "gpc_basic_plus",
        "GPC v1.1 ch. 3 and ch. 4: BASIC+ = BASIC plus IPPU (IV), AFOLU (V) and the scope-3 lines of Stationary "
        "Energy and Transportation (transmission and distribution losses, transboundary journeys); I.4.4, III.x.3 "
        "and Other Scope 3 (VI.1) stay outside.",
    ),
    "territorial_scope1": RuleNote(
        "gpc_territorial",
        "GPC v1.1 ch. 3 (scopes framework): the territorial total is every scope-1 line, including energy "
        "generation supplied to the grid (I.4.4) and waste from outside the city treated inside (III.x.3).",
    ),
    "by_sector": RuleNote("sum_all_lines", "Sum of every entry of the sector, every scope (GPC v1.1 ch. 4)."),
    "by_subsector": RuleNote("sum_all_lines", "Sum of every entry of the sub-sector, every scope (GPC v1.1 ch. 4)."),
    "by_scope": RuleNote("sum_all_lines", "Sum of every entry of the scope (GPC v1.1 ch. 3, scopes framework)."),
    "by_gas": RuleNote("sum_all_lines", "Sum of every entry, gas by gas; CO2e with the inventory's one GWP set."),
}


@lru_cache(maxsize=256)
def _cuts(ref: str) -> tuple[bool, bool, bool, str, str, int]:
    line = gpc_line(ref)
    return line.basic, line.basic_plus, line.territorial, line.sector_prefix, line.subsector_ref, line.scope


def compute_totals(results: Iterable[EntryResult], gwp: GwpSet | str | None = None) -> Totals:
    """BASIC, BASIC+, territorial scope-1 and every cut, each with its rule. Notation-key lines add nothing.

    Results rebuilt from storage may lack ``by_gas_co2e``: pass the inventory's ``gwp`` and it is derived from
    ``by_gas_t`` (tonnes × GWP), so the by-gas CO2e cut is never silently empty."""
    return totals_of_rows(((r.ref, r.by_gas_t, r.co2e_t, r.notation_key, r.by_gas_co2e) for r in results), gwp)


def totals_of_rows(
    rows: Iterable[tuple[str, Mapping[str, float], float, str | None, Mapping[str, float] | None]],
    gwp: GwpSet | str | None = None,
) -> Totals:
    """``compute_totals`` over plain rows (ref, tonnes by gas, t CO2e, notation key, t CO2e by gas or None): the
    recompute totals stored results this way, without building an ``EntryResult`` per entry."""
    gwp_values = gwp_set(gwp).values if gwp is not None else None
    basic = basic_plus = territorial = 0.0
    sector: dict[str, float] = {}
    subsector: dict[str, float] = {}
    scope: dict[int, float] = {}
    gas_t: dict[str, float] = {}
    gas_e: dict[str, float] = {}
    for ref, by_gas_t, v, notation_key, by_gas_co2e in rows:
        if notation_key:
            continue
        in_basic, in_plus, in_terr, sec, sub, sco = _cuts(ref)
        if in_basic:
            basic += v
        if in_plus:
            basic_plus += v
        if in_terr:
            territorial += v
        sector[sec] = sector.get(sec, 0.0) + v
        subsector[sub] = subsector.get(sub, 0.0) + v
        scope[sco] = scope.get(sco, 0.0) + v
        for g, t in by_gas_t.items():
            gas_t[g] = gas_t.get(g, 0.0) + t
        if not by_gas_co2e and by_gas_t and gwp_values is not None:
            by_gas_co2e = {g: t * gwp_values[g] for g, t in by_gas_t.items()}
        for g, e in (by_gas_co2e or {}).items():
            gas_e[g] = gas_e.get(g, 0.0) + e
    return Totals(
        basic=basic,
        basic_plus=basic_plus,
        territorial_scope1=territorial,
        by_sector={k: sector[k] for k in sorted(sector, key=_sector_order)},
        by_subsector={k: subsector[k] for k in sorted(subsector, key=ref_sort_key)},
        by_scope={k: scope[k] for k in sorted(scope)},
        by_gas=gas_t,
        by_gas_co2e=gas_e,
        rule_notes=dict(RULES),
    )


def _sector_order(prefix: str) -> tuple[int, int, int]:
    return ref_sort_key(prefix + ".0")


def compute_inventory(
    entries: Sequence[Entry], gwp: GwpSet | str, level: str, *, explain: bool = True
) -> InventoryResult:
    """Validate all, compute all, total; ``InvalidEntries`` with every error when anything is wrong (warnings such
    as an IE pointing at a line with no entry travel in ``warnings``)."""
    gwp = gwp_set(gwp)
    if level not in LEVELS:
        raise ClimateError("unknown_level", field="level", level=str(level)[:16])
    issues = validate_entries(entries)
    errors = _errors(issues)
    if errors:
        raise InvalidEntries(errors)
    results = tuple(compute_entry(e, gwp, explain=explain, validate=False) for e in entries)
    return InventoryResult(
        entries=results,
        totals=compute_totals(results),
        missing=tuple(completeness(entries, level)),
        warnings=tuple(i for i in issues if i.code in WARNING_CODES),
    )


def completeness(entries: Iterable[Entry], level: str) -> list[str]:
    """References the level requires that have no entry yet, in GPC order.

    Any listed entry fills its line (one with neither data nor a notation key is refused by ``validate_entry``, so it
    cannot have been stored); a caller may therefore pass stubs ``Entry(ref)`` built from stored lines."""
    if level not in LEVELS:
        raise ClimateError("unknown_level", field="level", level=str(level)[:16])
    filled = {normalise_ref(e.ref) for e in entries}
    return [ref for ref in refs_for_level(level) if ref not in filled]
