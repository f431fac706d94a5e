"""Default driver sets per country (China, USA) and province / state, each figure with its source beside it.

Published figures are anchors; the rule that turns them into a yearly series is stated with each set and in
``Source.status`` ("assumption" for modelling choices). The UI shows every source; a city can edit every driver.
Figures are as found in public reporting (see the URLs); values marked "single source" or "derived" should be
checked against the primary publication before a plan is published.
"""

from __future__ import annotations

from collections.abc import Mapping

from .bau import Drivers, Series, Source
from .errors import PathwayError

LB_PER_T = 1000 / 0.45359237  # lb per tonne (1 lb = 0.45359237 kg exactly)

# ----------------------------------------------------------------------------------------------- sources
WPP2024_CN = Source(
    "UN DESA, World Population Prospects 2024, medium variant: China 1.41 billion (2024), 1.21 billion (2054), "
    "633 million (2100), as reported at the release (12 July 2024). Yearly rates derived: "
    "(1.21/1.41)^(1/30) - 1 = -0.508 %/yr to 2054; (0.633/1.21)^(1/46) - 1 = -1.399 %/yr after.",
    "https://population.un.org/wpp/ ; https://www.newsbytesapp.com/news/world/by-2100-indias-population-to-decline/story",
    "derived",
)
CENSUS2023_US = Source(
    "U.S. Census Bureau, 2023 National Population Projections (9 Nov 2023), main series: nearly 370 million in "
    "2080, 366 million in 2100, +9.7 % from 2022 (so 2022 = 366 / 1.097 = 333.6 million). Rates derived: "
    "(370/333.6)^(1/58) - 1 = +0.179 %/yr to 2080.",
    "https://census.gov/newsroom/press-releases/2023/population-projections.html",
    "derived",
)
DOF_CA = Source(
    "California Department of Finance, Demographic Research Unit, P-1 projections (Vintage 2023): 39.5 million in "
    "2060; 38,940,231 on 1 Jan 2023 (DOF E-1). Rate derived: (39.5/38.94)^(1/37) - 1 = +0.039 %/yr.",
    "https://dof.ca.gov/forecasting/demographics/projections/ ; https://planetizen.com/node/124862",
    "derived",
)
IMF_CN = Source(
    "GDP (real) growth: NBS-reported 8.4 % (2021), 3.0 % (2022), 5.2 % (2023), 5.0 % (2024); IMF World Economic "
    "Outlook April 2025: 4.0 % (2025) and 4.0 % (2026); IMF 2024 Article IV: slowing to 3.3 % by 2029 (2027-2028 "
    "interpolated linearly). After 2029: assumption, a linear decline to 2.0 % in 2060 (a modelling choice, not a "
    "forecast).",
    "https://www.imf.org/en/Publications/WEO ; https://kaohooninternational.com/economics/556596 ; "
    "https://www.businessupturn.com/world/imf-revises-chinas-2024-gdp-growth-by-an-additional-0-4-but-warns-of-slowdown-in-future/",
    "single source",
)
IMF_US = Source(
    "GDP (real) growth: IMF World Economic Outlook April 2025: 1.8 % (2025), 1.7 % (2026); from 2027 the EIA Annual "
    "Energy Outlook 2023 Reference case average of 1.9 %/yr to 2050, held after 2050 (assumption). Years before 2025: "
    "2.5 % (assumption near recent outturns; edit with BEA data).",
    "https://www.corpcrunch.ai/blog/world-economic-outlook-growth-projections-by-region-april-2025 ; "
    "https://www.eia.gov/outlooks/aeo/",
    "single source",
)
EI_CN = Source(
    "Energy use per unit of GDP: 14th Five-Year Plan target -13.5 % over 2021-2025 (State Council, Jan 2022), i.e. "
    "1 - 0.865^(1/5) = -2.86 %/yr; reported outturns -2.7 % (2021), -0.1 % (2022), -0.5 % (2023), -3.8 % (2024). "
    "From 2025: the plan's pace of -2.86 %/yr, held (assumption).",
    "http://en.people.cn/n3/2022/0125/c90000-9949028.html ; https://www.yuzhehe.com/p/will-china-miss-its-2021-2025-decarbonization",
    "derived",
)
EI_US = Source(
    "Energy use per unit of GDP: EIA Annual Energy Outlook 2020 Reference case, -1.5 %/yr on average 2019-2050 "
    "(energy +0.3 %/yr, GDP +1.9 %/yr), held for every year (assumption beyond 2050).",
    "https://www.eia.gov/ (Today in Energy, 20 Feb 2020)",
    "two sources",
)
GRID_CN = Source(
    "MEE/NBS electricity CO2 emission factors (location-based, t CO2/MWh): national 0.5568 (2021), 0.5366 (2022), "
    "0.5306 (2023); provinces 2023 (and 2022 where published). Before the first published year: that year's value; "
    "after the last: held (rule 'hold') or its average yearly change continued (rule 'trend'). See "
    "shared/data/EMISSION_FACTORS.md §3c.",
    "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/W020251231726284332528.pdf",
    "two sources",
)
GRID_US = Source(
    "EPA eGRID output emission rates (CO2, lb/MWh converted at 0.45359237 kg/lb): US average 823.149 (eGRID2022); "
    "CAMX (California) 531.678 (2021, single source), 497.443 (2022, two sources), 428.47 (2023, single source). "
    "Held after the last year (rule 'hold') or trend. See shared/data/EMISSION_FACTORS.md §3a.",
    "https://www.epa.gov/egrid",
    "two sources",
)
FLAT = Source("No trend in the carbon intensity of fuels (assumption).", "", "assumption")

# ----------------------------------------------------------------------------------------------- anchors
CN_GRID_NATIONAL = {2021: 0.5568, 2022: 0.5366, 2023: 0.5306}
#: MEE/NBS 2023 provincial factors (t CO2/MWh); 2022 values where found (EMISSION_FACTORS.md §3c)
CN_GRID_PROVINCES: dict[str, dict[int, float]] = {
    "Beijing": {2023: 0.5554},
    "Tianjin": {2022: 0.7041, 2023: 0.6796},
    "Hebei": {2022: 0.7252, 2023: 0.6516},
    "Shanxi": {2022: 0.7096, 2023: 0.6634},
    "Inner Mongolia": {2022: 0.6849, 2023: 0.6479},
    "Liaoning": {2023: 0.4878},
    "Jilin": {2023: 0.4671},
    "Heilongjiang": {2023: 0.5229},
    "Shanghai": {2023: 0.5737},
    "Jiangsu": {2023: 0.5827},
    "Zhejiang": {2023: 0.4974},
    "Anhui": {2022: 0.6782, 2023: 0.6553},
    "Fujian": {2022: 0.4092, 2023: 0.4211},
    "Jiangxi": {2023: 0.5836},
    "Shandong": {2023: 0.6191},
    "Henan": {2023: 0.5897},
    "Hubei": {2023: 0.4044},
    "Hunan": {2023: 0.4976},
    "Guangdong": {2023: 0.4419},
    "Guangxi": {2022: 0.4044, 2023: 0.4476},
    "Hainan": {2023: 0.3648},
    "Chongqing": {2023: 0.5581},
    "Sichuan": {2022: 0.1404, 2023: 0.1564},
    "Guizhou": {2023: 0.5683},
    "Yunnan": {2022: 0.1073, 2023: 0.1333},
    "Shaanxi": {2023: 0.6335},
    "Gansu": {2023: 0.4471},
    "Qinghai": {2022: 0.1567, 2023: 0.1796},
    "Ningxia": {2023: 0.6187},
    "Xinjiang": {2023: 0.6021},
}
US_GRID_NATIONAL = {2022: 823.149 / LB_PER_T}
US_GRID_STATES = {"California": {2021: 531.678 / LB_PER_T, 2022: 497.443 / LB_PER_T, 2023: 428.47 / LB_PER_T}}


def _rates(anchors: Mapping[int, float], years: range) -> dict[int, float]:
    """A growth series from yearly anchors: linear between anchors, the first before, the last after."""
    ys = sorted(anchors)
    out = {}
    for y in years:
        if y <= ys[0]:
            out[y] = anchors[ys[0]]
        elif y >= ys[-1]:
            out[y] = anchors[ys[-1]]
        else:
            hi = next(a for a in ys if a >= y)
            lo = max(a for a in ys if a <= y)
            out[y] = anchors[lo] if hi == lo else anchors[lo] + (anchors[hi] - anchors[lo]) * (y - lo) / (hi - lo)
    return out


def expand_grid(anchors: Mapping[int, float], years: range, rule: str = "hold") -> dict[int, float]:
    """Yearly grid factors from published years: the published value where there is one, linear between published
    years, the first before them; after the last, held (``hold``) or continued at the average yearly change of the
    published years (``trend``, floored at zero)."""
    ys = sorted(anchors)
    base = _rates(anchors, years)
    if rule == "hold" or len(ys) < 2:
        return base
    if rule != "trend":
        raise PathwayError("driver_value_invalid", driver="grid_factor", year=ys[-1], value=rule)
    step = (anchors[ys[-1]] / anchors[ys[0]]) ** (1 / (ys[-1] - ys[0]))
    return {y: (v if y <= ys[-1] else max(0.0, anchors[ys[-1]] * step ** (y - ys[-1]))) for y, v in base.items()}


def _cn_gdp(y: int) -> float:
    known = {2021: 0.084, 2022: 0.030, 2023: 0.052, 2024: 0.050, 2025: 0.040, 2026: 0.040, 2029: 0.033}
    if y <= 2021:
        return 0.084 if y == 2021 else 0.060  # before 2021: assumption (edit with NBS data)
    if y >= 2029:
        return 0.033 + (0.020 - 0.033) * min(y - 2029, 31) / 31
    return _rates(known, range(y, y + 1))[y]


def _cn_ei(y: int) -> float:
    known = {2021: -0.027, 2022: -0.001, 2023: -0.005, 2024: -0.038}
    return known.get(y, -(1 - 0.865 ** (1 / 5)))


def default_drivers(
    country: str, region: str | None, base_year: int, end_year: int, *, grid_rule: str = "hold"
) -> Drivers:
    """The default drivers for a city in ``country`` ("CN" or "US") and ``region`` (a province or state name in
    English, as in the keys above; None for the national set)."""
    years = range(base_year, end_year + 1)
    if country == "CN":
        pop = {y: (-0.00508 if y <= 2054 else -0.01399) for y in years}
        gdp = {y: _cn_gdp(y) for y in years}
        ei = {y: _cn_ei(y) for y in years}
        anchors = CN_GRID_PROVINCES.get(region or "", CN_GRID_NATIONAL)
        pop_src, gdp_src, ei_src, grid_src = WPP2024_CN, IMF_CN, EI_CN, GRID_CN
        version = f"CN/{region or 'national'}/2025-11"
    elif country == "US":
        if region == "California":
            pop = {y: 0.00039 for y in years}
            pop_src = DOF_CA
        else:
            pop = {y: 0.00179 for y in years}
            pop_src = CENSUS2023_US
        gdp = {y: (0.025 if y < 2025 else 0.018 if y == 2025 else 0.017 if y == 2026 else 0.019) for y in years}
        ei = {y: -0.015 for y in years}
        anchors = US_GRID_STATES.get(region or "", US_GRID_NATIONAL)
        gdp_src, ei_src, grid_src = IMF_US, EI_US, GRID_US
        version = f"US/{region or 'national'}/2025-11"
    else:
        raise PathwayError("driver_value_invalid", driver="country", year=base_year, value=country)
    grid = expand_grid(anchors, years, grid_rule)
    return Drivers(
        population=Series(pop, "growth", "share per year", pop_src),
        gdp=Series(gdp, "growth", "share per year", gdp_src),
        energy_intensity=Series(ei, "growth", "share per year", ei_src),
        grid_factor=Series(grid, "level", "t CO2/MWh", grid_src),
        fuel_carbon_intensity=Series({y: 0.0 for y in years}, "growth", "share per year", FLAT),
        version=version + f"/{grid_rule}",
    )


def regions(country: str) -> list[str]:
    """Regions with their own default grid factor."""
    return sorted(CN_GRID_PROVINCES) if country == "CN" else sorted(US_GRID_STATES) if country == "US" else []
