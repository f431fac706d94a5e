"""The GPC 1.1 reference table (sectors, sub-sectors, scopes, BASIC / BASIC+ / territorial), loaded once from data.

Plain Python, no Django. The table ships as ``citybridge/data/gpc_1.1_reference_numbers.csv`` (copied verbatim
from the project's shared data; citation in ``citybridge/data/CLIMATE_CITATION.md`` and in ``GPC_CITATION``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

GPC_CSV = Path(__file__).resolve().parent.parent / "data" / "gpc_1.1_reference_numbers.csv"

#: shown beside every total and on the completeness view
GPC_CITATION = (
    "Greenhouse Gas Protocol, Global Protocol for Community-Scale Greenhouse Gas Inventories (GPC) v1.1 (2021); "
    "reference numbers, scopes and BASIC/BASIC+ membership as made machine-readable in the GPC 1.1 schema of the "
    "open-source CityCatalyst project (Open Earth Foundation), cross-checked against its CDP and eCRF mappings."
)

#: GPC sectors in the GPC's own order (reference-number prefix, English name as in the table)
SECTORS: tuple[tuple[str, str], ...] = (
    ("I", "Stationary Energy"),
    ("II", "Transportation"),
    ("III", "Waste"),
    ("IV", "Industrial Processes and Product Uses (IPPU)"),
    ("V", "Agriculture, Forestry, and Other Land Use (AFOLU)"),
    ("VI", "Other Scope 3"),
)
_ROMAN = {prefix: i for i, (prefix, _name) in enumerate(SECTORS)}
_REF_RE = re.compile(r"^(I|II|III|IV|V|VI)\.(\d{1,2})(?:\.(\d{1,2}))?$")


class UnknownGpcRef(KeyError):
    """A reference number that is not a line of the GPC 1.1 table. ``code`` and ``params`` for the UI."""

    code = "unknown_ref"

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref
        self.params = {"ref": ref}


@dataclass(frozen=True, slots=True)
class GpcLine:
    ref: str
    sector: str
    subsector: str
    description: str
    scope: int
    basic: bool
    basic_plus: bool
    territorial: bool
    note: str
    citycatalyst_level: str = ""

    @property
    def sector_prefix(self) -> str:
        return self.ref.split(".", 1)[0]

    @property
    def subsector_ref(self) -> str:
        """'I.1' for 'I.1.1'; the line itself for IV.1, V.2, VI.1 (sectors whose lines are sub-sectors)."""
        parts = self.ref.split(".")
        return ".".join(parts[:2])


def _flag(value: str) -> bool:
    return value.strip().upper() == "Y"


@cache
def gpc_lines() -> tuple[GpcLine, ...]:
    """Every line of the table, in GPC order."""
    with GPC_CSV.open(encoding="utf-8", newline="") as fh:
        lines = tuple(
            GpcLine(
                ref=row["ref"].strip(),
                sector=row["sector"].strip(),
                subsector=row["subsector"].strip(),
                description=row["description"].strip(),
                scope=int(row["scope"]),
                basic=_flag(row["BASIC"]),
                basic_plus=_flag(row["BASIC_PLUS"]),
                territorial=_flag(row["territorial_scope1_total"]),
                note=(row.get("note") or "").strip(),
                citycatalyst_level=(row.get("citycatalyst_level") or "").strip(),
            )
            for row in csv.DictReader(fh)
        )
    return tuple(sorted(lines, key=lambda line: ref_sort_key(line.ref)))


@cache
def _by_ref() -> dict[str, GpcLine]:
    return {line.ref: line for line in gpc_lines()}


def normalise_ref(ref: str) -> str:
    """Trim and upper-case a reference as typed ('i.1.1 ' -> 'I.1.1'); no other guessing."""
    if ref in _by_ref():
        return ref
    return str(ref).strip().upper()


def gpc_line(ref: str) -> GpcLine:
    """The line for ``ref``; raises ``UnknownGpcRef`` (a KeyError) for anything not in the table."""
    table = _by_ref()
    if ref in table:
        return table[ref]
    try:
        return table[normalise_ref(ref)]
    except KeyError:
        raise UnknownGpcRef(str(ref)) from None


def is_gpc_ref(ref: str) -> bool:
    table = _by_ref()
    return ref in table or (isinstance(ref, str) and normalise_ref(ref) in table)


@lru_cache(maxsize=1024)
def ref_sort_key(ref: str) -> tuple[int, int, int]:
    """GPC order: sector (I…VI), sub-sector, scope line. Unparseable references sort last."""
    m = _REF_RE.match(str(ref).strip().upper())
    if not m:
        return (99, 99, 99)
    return (_ROMAN[m.group(1)], int(m.group(2)), int(m.group(3) or 0))


def sector_name(prefix: str) -> str:
    """'II' -> 'Transportation'."""
    for p, name in SECTORS:
        if p == prefix:
            return name
    raise UnknownGpcRef(prefix)


@cache
def refs_for_level(level: str) -> tuple[str, ...]:
    """Lines a BASIC or BASIC+ inventory must fill (a value or a notation key), in GPC order."""
    if level == "BASIC":
        return tuple(line.ref for line in gpc_lines() if line.basic)
    if level == "BASIC+":
        return tuple(line.ref for line in gpc_lines() if line.basic_plus)
    raise ValueError(level)
