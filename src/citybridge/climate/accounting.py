"""The GPC inventory engine: entries in, emissions by gas and t CO2e out, totals as the GPC prescribes.

Plain Python, no Django: dataclasses in, dataclasses out. Errors are codes with parameters (``Issue``), never
sentences; the Django layer translates them (``ISSUE_CODES`` lists every code this module emits).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Literal

from citybridge.climate.units import BasisRatio, ClimateError

NotationKey = Literal["NO", "IE", "NE", "C"]
NOTATION_KEYS: tuple[str, ...] = ("NO", "IE", "NE", "C")
DataQuality = Literal["high", "medium", "low"]
DATA_QUALITIES: tuple[str, ...] = ("high", "medium", "low")
Level = Literal["BASIC", "BASIC+"]
LEVELS: tuple[str, ...] = ("BASIC", "BASIC+")


# --- GWP-100 sets --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GwpSet:
    """GWP-100 values of one IPCC assessment report; one set per inventory, never mixed."""

    name: str
    values: Mapping[str, float]
    source: str

    def gwp(self, gas: str) -> float:
        raise NotImplementedError


def gwp_set(name: str) -> GwpSet:
    """'AR4' | 'AR5' | 'AR6'; ``ClimateError('unknown_gwp_set')`` otherwise."""
    raise NotImplementedError


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


# --- functions -----------------------------------------------------------------------------------------------------


def validate_entry(entry: Entry, *, index: int | None = None) -> list[Issue]:
    """Every problem of one entry on its own (unknown ref, notation-key rules, units, negative values, bases)."""
    raise NotImplementedError


def validate_entries(entries: Sequence[Entry]) -> list[Issue]:
    """``validate_entry`` for each, plus duplicates and IE targets across the inventory."""
    raise NotImplementedError


def compute_entry(entry: Entry, gwp: GwpSet | str, *, explain: bool = True) -> EntryResult:
    """Emissions by gas (t) and t CO2e of one entry; ``InvalidEntries`` when it does not validate."""
    raise NotImplementedError


def compute_totals(results: Iterable[EntryResult]) -> Totals:
    """BASIC, BASIC+, territorial scope-1 and every cut, each with its rule."""
    raise NotImplementedError


def compute_inventory(
    entries: Sequence[Entry], gwp: GwpSet | str, level: str, *, explain: bool = True
) -> InventoryResult:
    """Validate all, compute all, total; ``InvalidEntries`` with every issue when anything is wrong."""
    raise NotImplementedError


def completeness(entries: Iterable[Entry], level: str) -> list[str]:
    """References the level requires that have neither data nor a notation key, in GPC order."""
    raise NotImplementedError
