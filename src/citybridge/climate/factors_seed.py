"""Factor rows parsed from ``citybridge/data/EMISSION_FACTORS.md`` (shipped verbatim), each with its citation and
verification status exactly as written there. Plain Python, no Django.

Figures are read from the .md (never retyped here); this module only knows which table holds what. Each row's
``source`` is the table's own sources/status text, copied as written, and ``status`` its marker normalised to
``two_sources`` (✔✔), ``single_source`` ([single] or a lone ✔), ``derived`` ([derived]) or ``not_verified``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

EF_MD = Path(__file__).resolve().parent.parent / "data" / "EMISSION_FACTORS.md"
DOCUMENT = "CityBridge emission-factor facts sheet (citybridge/data/EMISSION_FACTORS.md)"

STATUSES: tuple[str, ...] = ("two_sources", "single_source", "derived", "not_verified")


@dataclass(frozen=True, slots=True)
class SeedFactor:
    key: str
    gas: str
    value: float
    unit: str
    activity_unit: str
    basis: str | None
    region: str
    year: int | None
    method_note: str
    source: str
    status: str
    section: str = ""


@dataclass(frozen=True, slots=True)
class SeedFuelProperty:
    """A fuel's NCV or density (for litre -> kg -> TJ chains), with its source and status."""

    key: str
    fuel: str
    kind: str  # 'ncv' | 'density'
    value: float
    unit: str
    source: str
    status: str
    section: str = ""


# --- reading the markdown -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    heading: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    after: str  # the text between this table and the next heading


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(\S(?:[^*]*?\S)?)\*(?![\w*])")
_CODE = re.compile(r"`([^`]*)`")


def plain(text: str) -> str:
    """The facts sheet's text without its Markdown marks (**bold**, *italic*, `code`): the pages show it as text."""
    return _CODE.sub(r"\1", _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text)))


def _cells(line: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in line.strip().strip("|").split("|"))


@cache
def _document() -> str:
    return EF_MD.read_text(encoding="utf-8")


@cache
def _tables() -> tuple[_Table, ...]:
    lines = _document().splitlines()
    tables: list[_Table] = []
    heading = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("**(") and line.endswith(")") or line.startswith("**(i"):
            heading = line
        if line.startswith("|") and i + 1 < len(lines) and set(lines[i + 1].replace("|", "").strip()) <= set("-: "):
            header = _cells(line)
            rows = []
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                rows.append(_cells(lines[j]))
                j += 1
            k = j
            while k < len(lines) and not lines[k].startswith("#") and not lines[k].startswith("|"):
                k += 1
            tables.append(_Table(heading, header, tuple(rows), "\n".join(lines[j:k]).strip()))
            i = j
            continue
        i += 1
    return tuple(tables)


def _table(heading_prefix: str, first_header: str = "") -> _Table:
    for t in _tables():
        if t.heading.startswith(heading_prefix) and (not first_header or t.header[0].startswith(first_header)):
            return t
    raise LookupError(heading_prefix)


def status_of(text: str) -> str:
    """The verification marker of a sources cell, normalised."""
    low = text.lower()
    if "not verified" in low:
        return "not_verified"
    if "✔✔" in text:
        return "two_sources"
    if "[derived]" in text:
        return "derived"
    if "[single]" in text or "✔" in text:
        return "single_source"
    return "single_source"


_NUM = r"[-+]?\d[\d,]*(?:\.\d+)?"


def _number(text: str) -> float:
    m = re.search(_NUM, text.replace("**", ""))
    if not m:
        raise ValueError(text)
    return float(m.group(0).replace(",", ""))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- the sections ---------------------------------------------------------------------------------------------------


def _ipcc_co2() -> list[SeedFactor]:
    t = _table("2a.")
    sources = t.after  # "Sources for table 2a: 1. … 4. …", as written
    out = []
    for row in t.rows:
        fuel = row[0]
        out.append(
            SeedFactor(
                key=f"ipcc2006-co2-{_slug(fuel)}",
                gas="CO2",
                value=_number(row[2]),
                unit="kg/TJ",
                activity_unit="TJ",
                basis="NCV",
                region="IPCC default",
                year=2006,
                method_note=f"{fuel}: IPCC 2006 Vol 2 Table 1.4 default CO2 emission factor (NCV basis). {t.heading}",
                source=f"Status: {row[5]}. {sources}",
                status=status_of(row[5]),
                section="2a",
            )
        )
    return out


def _ipcc_stationary_ch4_n2o() -> list[SeedFactor]:
    t = _table("2b.")
    out = []
    sector = ""
    for row in t.rows:
        sector = row[0] or sector
        fuel, src = row[1], row[4]
        for gas, cell in (("CH4", row[2]), ("N2O", row[3])):
            out.append(
                SeedFactor(
                    key=f"ipcc2006-{_slug(sector.split('(')[0])}-{_slug(fuel.split('(')[0])}-{gas.lower()}",
                    gas=gas,
                    value=_number(cell),
                    unit="kg/TJ",
                    activity_unit="TJ",
                    basis="NCV",
                    region="IPCC default",
                    year=2006,
                    method_note=f"{sector} — {fuel}. {t.heading}",
                    source=src,
                    status=status_of(src),
                    section="2b",
                )
            )
    return out


def _ipcc_mobile() -> list[SeedFactor]:
    t = _table("2c.")
    out = []
    for item, value, src in t.rows:
        pairs = re.findall(r"(CH4|N2O)\s+(" + _NUM + ")", value)
        if pairs:
            gases = [(g, float(v.replace(",", ""))) for g, v in pairs]
        else:
            gases = [("CO2", _number(value))]
        for gas, v in gases:
            out.append(
                SeedFactor(
                    key=f"ipcc2006-road-{_slug(item.split('(')[0])}-{gas.lower()}",
                    gas=gas,
                    value=v,
                    unit="kg/TJ",
                    activity_unit="TJ",
                    basis="NCV",
                    region="IPCC default",
                    year=2006,
                    method_note=f"{item}. {t.heading}",
                    source=src,
                    status=status_of(src),
                    section="2c",
                )
            )
    return out


_UNIT_WORDS = {"mmBtu": "MMBtu", "US gal": "US_gallon", "scf": "scf"}


def _epa_hub() -> list[SeedFactor]:
    t = _table("2d.")
    out = []
    for item, value, src in t.rows:
        main = value.split("(")[0]
        for part in main.split(";"):
            m = re.search(r"(" + _NUM + r")\s*(kg|g)\s+(CO2|CH4|N2O)/(mmBtu|US gal|scf)", part)
            if not m:
                continue
            num, mass, gas, per = m.groups()
            act = _UNIT_WORDS[per]
            out.append(
                SeedFactor(
                    key=f"epa-hub-{_slug(item)}-{gas.lower()}",
                    gas=gas,
                    value=float(num.replace(",", "")),
                    unit=f"{mass}/{act}",
                    activity_unit=act,
                    basis="HHV",
                    region="US",
                    year=None,
                    method_note=f"{item}. {t.heading}",
                    source=src,
                    status=status_of(src),
                    section="2d",
                )
            )
    return out


def _egrid() -> list[SeedFactor]:
    t = _table("3a.")
    out = []
    for row in t.rows:
        label, src = row[0].replace("**", ""), row[5]
        year_m = re.search(r"eGRID(\d{4})", label)
        year = int(year_m.group(1)) if year_m else None
        if "gas basis is not stated" in row[1]:
            continue  # US eGRID2023 770.9: the sheet says the gas is not stated; not seeded as a factor
        region = "California/WECC (CAMX)" if "CAMX" in label else "US"
        for gas, cell in (("CO2", row[1]), ("CH4", row[2]), ("N2O", row[3]), ("CO2e", row[4])):
            cell = cell.replace("**", "").strip()
            if cell in ("—", "-", "") or "[derived" in cell:
                continue
            m = re.match(r"≈?\s*(" + _NUM + r")\s*(lb/MWh|lb/GWh)", cell)
            if not m:
                continue
            status = status_of(src)
            if "CO2, CH4 and N2O are [single]" in src and gas != "CO2e":
                status = "single_source"
            out.append(
                SeedFactor(
                    key=f"egrid{year}-{'camx' if 'CAMX' in label else 'us-average'}-{gas.lower()}",
                    gas=gas,
                    value=float(m.group(1).replace(",", "")),
                    unit=m.group(2),
                    activity_unit=m.group(2).split("/")[1],
                    basis=None,
                    region=region,
                    year=year,
                    method_note=f"{label}: output emission rate, generation-based, T&D losses not included. "
                    f"{t.heading}",
                    source=src,
                    status=status,
                    section="3a",
                )
            )
    return out


def _california() -> list[SeedFactor]:
    t = _table("3b.")
    out = []
    for item, value, src in t.rows:
        m = re.search(r"(t CO2e|lb CO2)/MWh", value)
        if not m:
            continue
        gas = "CO2e" if "CO2e" in m.group(1) else "CO2"
        unit = "t/MWh" if m.group(1).startswith("t") else "lb/MWh"
        nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", value[: m.start()])]
        names = [n.strip() for n in item.split(",")[0].split("/")] if len(nums) > 1 else [item]
        year_m = re.search(r"(20\d\d)", item)
        status = "not_verified" if "not verified" in value.lower() else status_of(src)
        for name, v in zip(names, nums, strict=False):
            out.append(
                SeedFactor(
                    key=f"ca-{_slug(name.split(',')[0])}-{gas.lower()}",
                    gas=gas,
                    value=v,
                    unit=unit,
                    activity_unit="MWh",
                    basis=None,
                    region="California",
                    year=int(year_m.group(1)) if year_m else None,
                    method_note=f"{name}" + (f" ({item})" if name != item else "") + f": {value}. {t.heading}",
                    source=src,
                    status=status,
                    section="3b",
                )
            )
    return out


def _year_status(text: str, year: str, previous: dict[str, str]) -> str:
    m = re.search(year + r"\s*(✔✔|\[single\]|\[derived\])", text)
    if m:
        return status_of(m.group(1))
    if text.startswith("same pattern") and year in previous:
        return previous[year]
    return "single_source"


def _china() -> list[SeedFactor]:
    out = []
    # (i) national series
    t = _table("**(i) MEE + NBS")
    for row in t.rows:
        year = int(row[0])
        src = row[5]
        for label, cell, marker in (
            ("national average", row[1], "national"),
            ("national, excl. market-traded non-fossil power", row[2], "excl.-market"),
            ("national fossil-fuel power", row[3], "fossil"),
        ):
            cell = cell.replace("**", "").strip()
            if cell in ("—", ""):
                continue
            m = re.search(re.escape(marker) + r"[^;]*?(✔✔|\[single\])", src)
            status = status_of(m.group(1)) if m else "single_source"
            out.append(
                SeedFactor(
                    key=f"mee-nbs-{year}-{_slug(label)}",
                    gas="CO2",
                    value=float(cell),
                    unit="kg/kWh",
                    activity_unit="kWh",
                    basis=None,
                    region="China (national)",
                    year=year,
                    method_note=f"MEE/NBS electricity CO2 emission factor, {label}, data year {year}; {row[4]}",
                    source=src,
                    status=status,
                    section="3c(i)",
                )
            )
    # regional grids
    t = _table("**(i) MEE + NBS", "Region")
    previous: dict[str, str] = {}
    for region, v22, v23, src in t.rows:
        statuses = {y: _year_status(src, y, previous) for y in ("2022", "2023")}
        previous = statuses
        for year, cell in (("2022", v22), ("2023", v23)):
            out.append(_grid(f"China {region} grid", int(year), _number(cell), src, statuses[year], "region"))
        derived = re.search(r"\*\*2021 = (" + _NUM + r")\*\* \[derived\]", src)
        if derived:
            out.append(_grid(f"China {region} grid", 2021, float(derived.group(1)), src, "derived", "region"))
    # provinces with both years
    t = _table("**(i) MEE + NBS", "Province")
    for row in t.rows:
        names = [re.sub(r"[\u4e00-\u9fff]+", "", n).strip() for n in row[0].split("/")]
        for year, cell in (("2022", row[1]), ("2023", row[2])):
            if cell.strip() in ("—", "not found", ""):
                continue
            values = [_number(v) for v in cell.split("/")]
            status = _year_status(row[3], year, {})
            for name, v in zip(names, values, strict=True):
                out.append(_grid(f"China {name}", int(year), v, row[3], status, "province"))
    seen = {(f.region, f.year) for f in out}
    # full 2023 provincial list (three provinces a row); the line above the table states its sources
    full = next(x for x in _tables() if x.header[:2] == ("Province", "2023"))
    intro = _document().split("Full 2023 provincial list", 1)[1].split("\n", 1)[0]
    note = "Full 2023 provincial list" + intro
    for row in full.rows:
        for name, cell in zip(row[0::2], row[1::2], strict=True):
            region = f"China {name.strip()}"
            if (region, 2023) in seen:
                continue
            out.append(_grid(region, 2023, _number(cell), note, "two_sources", "province"))
    # (ii) the ETS / enterprise-reporting factor
    doc = _document()
    para = doc.split("**(ii) Factor for enterprise reporting and the national ETS:**", 1)[1].split("\n- **Correction")[
        0
    ]
    value = _number(para.split("**")[1])
    out.append(
        SeedFactor(
            key="mee-ets-2022",
            gas="CO2",
            value=value,
            unit="t/MWh",
            activity_unit="MWh",
            basis=None,
            region="China (national ETS / enterprise reporting)",
            year=2022,
            method_note="Factor for enterprise reporting and the national ETS (not the MEE/NBS series). "
            + para.strip().split("\n")[0].split("**", 3)[-1].strip(),
            source=para.strip(),
            status=status_of(para),
            section="3c(ii)",
        )
    )
    return out


def _grid(region: str, year: int, value: float, src: str, status: str, level: str) -> SeedFactor:
    return SeedFactor(
        key=f"mee-nbs-{year}-{_slug(region)}",
        gas="CO2",
        value=value,
        unit="kg/kWh",
        activity_unit="kWh",
        basis=None,
        region=region,
        year=year,
        method_note=f"MEE/NBS electricity CO2 emission factor, {level}, data year {year} (location-based, CO2 only).",
        source=src,
        status=status,
        section="3c(i)",
    )


@cache
def seed_factors() -> tuple[SeedFactor, ...]:
    """Every factor of the facts sheet that the engine can use (gas per activity unit), keys unique."""
    rows = _ipcc_co2() + _ipcc_stationary_ch4_n2o() + _ipcc_mobile() + _epa_hub() + _egrid() + _california()
    rows += _china()
    keys = [r.key for r in rows]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise ValueError(f"duplicate factor keys: {sorted(dupes)}")
    return tuple(replace(r, method_note=plain(r.method_note), source=plain(r.source)) for r in rows)


@cache
def seed_fuel_properties() -> tuple[SeedFuelProperty, ...]:
    """NCVs (IPCC 2006 Table 1.2, section 2a) and densities (section 5) with their sources and status."""
    out = []
    t = _table("2a.")
    for row in t.rows:
        out.append(
            SeedFuelProperty(
                f"ncv-{_slug(row[0])}",
                row[0],
                "ncv",
                _number(row[1]),
                "TJ/Gg",
                f"Status: {row[5]}. {t.after}",
                status_of(row[5]),
                "2a",
            )
        )
    dens = next(x for x in _tables() if x.header[0] == "Fuel" and x.header[1] == "Value")
    for fuel, value, src in dens.rows:
        unit = "kg/m3" if "kg/m³" in value else "kg/L"
        out.append(
            SeedFuelProperty(f"density-{_slug(fuel)}", fuel, "density", _number(value), unit, src, status_of(src), "5")
        )
    return tuple(out)


@cache
def gwp_table() -> dict[str, dict[str, str]]:
    """Section 1 as written: gas label -> {'AR4': cell, 'AR5': cell, 'AR6': cell} (for cross-checking GWP_SETS)."""
    t = _table("1. GWP-100")
    return {row[0]: {"AR4": row[1], "AR5": row[2], "AR6": row[3]} for row in t.rows}
