"""One pint unit registry for the whole project, with the units cities really report, and typed errors.

Plain Python, no Django. Every unit a user types goes through ``resolve_unit``: only the spellings in ``ALIASES``
(and quotients ``a/b`` of them) are accepted, so 'kt' is a kilotonne here, never a knot, and a typo is an
``UnknownUnit`` instead of a guess.

Sources of the definitions (see ``citybridge/data/EMISSION_FACTORS.md`` §5):
- 1 tce (tonne of coal equivalent, 吨标准煤) = 29.3076 GJ (7,000 kcal/kgce × 4.1868 kJ/kcal), GB/T 2589-2020.
- 1 toe (tonne of oil equivalent) = 41.868 GJ, IEA (International Energy Agency) definition; [single] in
  EMISSION_FACTORS.md.
- 1 therm = 10⁵ Btu_IT = 105.5056 MJ; 1 MMBtu = 10⁶ Btu_IT = 1.055056 GJ (GHG Protocol cross-sector tools V2.0,
  "Abbreviations and Conversions" Table 1; USEPA/egrid conversion_factors.csv). pint's Btu is the IT Btu.
- 1 kWh = 3.6 MJ; 1 US gallon = 3.785411784 L; 1 lb = 0.45359237 kg (exact definitions).
- vehicle-km is its own dimension ([vehicle] × length): it never converts to energy or mass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import pint

Basis = Literal["NCV", "HHV"]
BASES: tuple[str, ...] = ("NCV", "HHV")


#: codes raised from this module (``ClimateError.code``) with their parameters
ISSUE_CODES: dict[str, tuple[str, ...]] = {
    "unknown_unit": ("unit",),
    "incompatible_units": ("from_unit", "to_unit"),
    "basis_mixed": ("bases",),
    "unknown_basis": ("basis",),
    "basis_ratio_out_of_range": ("ratio",),
    "not_a_number": ("value",),
}


class ClimateError(Exception):
    """Base of every engine error: a stable ``code`` and its ``params``; the Django layer writes the sentence."""

    code = "climate_error"

    def __init__(self, code: str | None = None, *, field: str = "", **params: Any) -> None:
        if code:
            self.code = code
        self.field = field
        self.params = params
        super().__init__(f"{self.code} {params}")


class UnknownUnit(ClimateError):
    code = "unknown_unit"

    def __init__(self, unit: str, *, field: str = "") -> None:
        super().__init__(field=field, unit=unit)


class IncompatibleUnits(ClimateError):
    code = "incompatible_units"

    def __init__(self, from_unit: str, to_unit: str, *, field: str = "") -> None:
        super().__init__(field=field, from_unit=from_unit, to_unit=to_unit)


class BasisMismatch(ClimateError):
    """NCV and HHV met in one calculation without an explicit conversion ratio."""

    code = "basis_mixed"

    def __init__(self, bases: Iterable[str], *, field: str = "") -> None:
        super().__init__(field=field, bases=sorted(set(bases)))


def _build_registry() -> pint.UnitRegistry:
    reg = pint.UnitRegistry(cache_folder=None)
    # GB/T 2589-2020 (综合能耗计算通则): 1 kgce = 7,000 kcal_IT = 29.3076 MJ
    reg.define("tonne_coal_equivalent = 29.3076 * gigajoule = tce")
    # IEA: 1 toe = 10⁷ kcal_IT = 41.868 GJ (pint ships the same value as 'toe'; pinned here so the source is ours)
    reg.define("tonne_oil_equivalent_iea = 41.868 * gigajoule")
    # 10⁶ Btu_IT (US EPA's mmBtu)
    reg.define("million_btu = 1e6 * Btu")
    # a separate base dimension: vehicle-km is activity, never energy or mass
    reg.define("vehicle = [vehicle]")
    reg.define("vehicle_kilometre = vehicle * kilometer")
    reg.define("vehicle_mile = vehicle * mile")
    reg.define("passenger = [passenger]")
    reg.define("passenger_kilometre = passenger * kilometer")
    return reg


#: the one registry of the project
ureg = _build_registry()

#: spellings cities use -> pint expression (case-sensitive first, then a case-insensitive pass; see resolve_unit)
ALIASES: dict[str, str] = {
    # energy
    "J": "joule",
    "kJ": "kilojoule",
    "MJ": "megajoule",
    "GJ": "gigajoule",
    "TJ": "terajoule",
    "PJ": "petajoule",
    "Wh": "watt_hour",
    "kWh": "kilowatt_hour",
    "MWh": "megawatt_hour",
    "GWh": "gigawatt_hour",
    "TWh": "terawatt_hour",
    "kcal": "kilocalorie",
    "Btu": "Btu",
    "therm": "therm",
    "therms": "therm",
    "MMBtu": "million_btu",
    "mmBtu": "million_btu",
    "mmbtu": "million_btu",
    "MMBTU": "million_btu",
    "tce": "tonne_coal_equivalent",
    "kgce": "kilogram * tonne_coal_equivalent / tonne",
    "吨标准煤": "tonne_coal_equivalent",
    "万吨标准煤": "10000 * tonne_coal_equivalent",
    "toe": "tonne_oil_equivalent_iea",
    "ktoe": "1000 * tonne_oil_equivalent_iea",
    # volume
    "L": "liter",
    "l": "liter",
    "litre": "liter",
    "litres": "liter",
    "liter": "liter",
    "liters": "liter",
    "kL": "kiloliter",
    "ML": "megaliter",
    "gal": "gallon",
    "gallon": "gallon",
    "gallons": "gallon",
    "US_gallon": "gallon",
    "US gallon": "gallon",
    "USgal": "gallon",
    "US_gal": "gallon",
    "m3": "meter ** 3",
    "m³": "meter ** 3",
    "cubic_meter": "meter ** 3",
    "cubic metre": "meter ** 3",
    "Nm3": "meter ** 3",
    "Nm³": "meter ** 3",
    "scf": "foot ** 3",
    "ft3": "foot ** 3",
    "Mcf": "1000 * foot ** 3",
    "bbl": "oil_barrel",
    "barrel": "oil_barrel",
    # mass
    "g": "gram",
    "kg": "kilogram",
    "t": "tonne",
    "tonne": "tonne",
    "tonnes": "tonne",
    "metric_ton": "tonne",
    "metric ton": "tonne",
    "Mg": "megagram",
    "Gg": "gigagram",
    "kt": "kilotonne",
    "Mt": "megatonne",
    "lb": "pound",
    "lbs": "pound",
    "short_ton": "short_ton",
    "吨": "tonne",
    "万吨": "10000 * tonne",
    # distance and transport activity
    "m": "meter",
    "km": "kilometer",
    "mi": "mile",
    "vkm": "vehicle_kilometre",
    "vehicle-km": "vehicle_kilometre",
    "vehicle_km": "vehicle_kilometre",
    "VKT": "vehicle_kilometre",
    "vkt": "vehicle_kilometre",
    "VMT": "vehicle_mile",
    "vmt": "vehicle_mile",
    "vehicle-mile": "vehicle_mile",
    "pkm": "passenger_kilometre",
    "passenger-km": "passenger_kilometre",
    # dimensionless counts (per head, per unit)
    "1": "dimensionless",
    "unit": "dimensionless",
    "units": "dimensionless",
    "person": "dimensionless",
    "head": "dimensionless",
}

#: words a user may write after a mass unit naming the gas ('t CO2e', 'kg CO2'); the unit is the mass
GAS_WORDS: tuple[str, ...] = ("CO2e", "CO2eq", "CO2-eq", "CO2", "CH4", "N2O", "SF6", "NF3", "HFC", "PFC", "C")

_MAX_UNIT_LEN = 64
_ALIASES_CI = {k.lower(): v for k, v in ALIASES.items()}
# case-insensitive matches that would be wrong ('mt' could be Mt or a typo of mT; 'ml' millilitre vs ML megalitre)
for _ambiguous in ("mt", "ml", "mg", "t", "l", "m", "g"):
    _ALIASES_CI.pop(_ambiguous, None)


def _strip_gas(part: str) -> str:
    text = part.strip()
    for word in GAS_WORDS:
        for sep in (" ", "_", ""):
            suffix = sep + word
            if text.endswith(suffix) and len(text) > len(suffix):
                return text[: -len(suffix)].strip()
    return text


def _resolve_part(part: str, original: str) -> pint.Quantity:
    text = _strip_gas(part)
    expr = ALIASES.get(text) or _ALIASES_CI.get(text.lower())
    if expr is None:
        raise UnknownUnit(original)
    q = ureg.parse_expression(expr)
    return q if isinstance(q, ureg.Quantity) else ureg.Quantity(q)


@lru_cache(maxsize=4096)
def resolve_unit(text: str) -> pint.Quantity:
    """The unit a user wrote, as a pint quantity of magnitude 1 (or the alias's scale). ``UnknownUnit`` otherwise.

    Accepts one quotient: 'kg/kWh', 't CO2e/TJ', 'lb/MWh', 'kg/US_gallon', 'TJ/Gg'.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_UNIT_LEN:
        raise UnknownUnit(str(text)[:_MAX_UNIT_LEN])
    raw = text.strip()
    if raw.count("/") > 1:
        raise UnknownUnit(raw)
    if "/" in raw:
        num, den = raw.split("/")
        if not num.strip() or not den.strip():
            raise UnknownUnit(raw)
        q = _resolve_part(num, raw) / _resolve_part(den, raw)
    else:
        q = _resolve_part(raw, raw)
    return q.to_reduced_units() if q.dimensionless else q


def split_ratio(text: str) -> tuple[str, str]:
    """'kg/kWh' -> ('kg', 'kWh'); raises ``UnknownUnit`` when it is not a quotient of two known units."""
    resolve_unit(text)
    if "/" not in text:
        raise UnknownUnit(text)
    num, den = text.strip().split("/")
    return num.strip(), den.strip()


def dimensionality(text: str) -> str:
    """A stable text for the unit's dimension ('[length] ** 2 * [mass] / [time] ** 2' for energy)."""
    return str(resolve_unit(text).dimensionality)


@lru_cache(maxsize=4096)
def is_energy(text: str) -> bool:
    return resolve_unit(text).check("[energy]")


@lru_cache(maxsize=4096)
def is_mass(text: str) -> bool:
    return resolve_unit(text).check("[mass]")


@lru_cache(maxsize=4096)
def is_volume(text: str) -> bool:
    return resolve_unit(text).check("[volume]")


@lru_cache(maxsize=16384)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """The number that turns a value in ``from_unit`` into ``to_unit``; cached (the engine's hot path)."""
    src = resolve_unit(from_unit)
    dst = resolve_unit(to_unit)
    if src.dimensionality != dst.dimensionality:
        raise IncompatibleUnits(from_unit, to_unit)
    return float((src / dst).to("dimensionless").magnitude)


@dataclass(frozen=True, slots=True)
class Conversion:
    value: float
    factor: float
    explanation: str
    from_unit: str = ""
    to_unit: str = ""


def fmt(x: float) -> str:
    """Numbers in explanations: up to 10 significant digits, no exponent for everyday sizes."""
    if x == 0:
        return "0"
    if 1e-6 <= abs(x) < 1e15:
        text = f"{x:.10f}".rstrip("0").rstrip(".")
        digits = len(text.replace("-", "").replace(".", "").lstrip("0"))
        return text if digits <= 12 else f"{x:.10g}"
    return f"{x:.10g}"


def convert(value: float, from_unit: str, to_unit: str) -> Conversion:
    """``value`` in ``from_unit`` expressed in ``to_unit``, with the factor and a formula the UI shows as is."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ClimateError("not_a_number", value=str(value)[:32])
    f = conversion_factor(from_unit, to_unit)
    out = value * f
    ratio = f"({to_unit})/({from_unit})" if "/" in from_unit + to_unit else f"{to_unit}/{from_unit}"
    explanation = f"{fmt(value)} {from_unit} × {fmt(f)} {ratio} = {fmt(out)} {to_unit}"
    return Conversion(out, f, explanation, from_unit, to_unit)


# --- heating-value basis -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BasisRatio:
    """An explicit NCV/HHV ratio for one fuel (e.g. 0.9 for natural gas, IPCC 2006 Vol 2 Ch 1 §1.4.1.2), with its
    source; the only way NCV and HHV figures may meet in one calculation."""

    ncv_over_hhv: float
    source: str = ""
    notes: tuple[str, ...] = field(default=())


def common_basis(bases: Iterable[str | None], ratio: BasisRatio | None = None, *, field: str = "") -> str | None:
    """The one heating-value basis of a calculation chain (None when no step depends on it).

    Mixed NCV and HHV raise ``BasisMismatch`` unless ``ratio`` is given; then the first basis met is returned and the
    caller converts the others with ``to_basis``.
    """
    seen = [b for b in bases if b]
    if not seen:
        return None
    for b in seen:
        if b not in BASES:
            raise ClimateError("unknown_basis", field=field, basis=str(b)[:16])
    if len(set(seen)) > 1 and ratio is None:
        raise BasisMismatch(seen, field=field)
    return seen[0] if seen else None


def to_basis(energy: float, from_basis: str, to_basis_: str, ratio: BasisRatio | None) -> Conversion:
    """An energy amount stated on one basis, restated on the other through the explicit ratio."""
    if from_basis == to_basis_:
        return Conversion(energy, 1.0, "", from_basis, to_basis_)
    if ratio is None:
        raise BasisMismatch([from_basis, to_basis_])
    if not (0 < ratio.ncv_over_hhv <= 1):
        raise ClimateError("basis_ratio_out_of_range", field="basis_ratio", ratio=ratio.ncv_over_hhv)
    f = ratio.ncv_over_hhv if (from_basis, to_basis_) == ("HHV", "NCV") else 1 / ratio.ncv_over_hhv
    out = energy * f
    text = f"{fmt(energy)} ({from_basis}) × {fmt(f)} ({to_basis_}/{from_basis}) = {fmt(out)} ({to_basis_})"
    return Conversion(out, f, text, from_basis, to_basis_)
