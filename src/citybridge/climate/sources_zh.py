"""The Chinese versions of the source texts the engines write in English, keyed by the English text (as
``factor_notes_zh`` does for the factors' method notes). Plain Python, no Django.

The texts: the default drivers' sources (``pathways.defaults``; a city's stored driver set keeps a copy of them, so
the lookup is by the text, not by the driver), the 1.5 °C benchmark's source (``ambition.BENCHMARK_SOURCE``, stored
with every target's ambition) and the GPC table's citation (``gpc.GPC_CITATION``). Every explanatory sentence is
Chinese; publication titles (UN DESA World Population Prospects 2024, IMF World Economic Outlook, EIA Annual Energy
Outlook, IPCC Global Warming of 1.5 °C …), figures, formulas and URLs stay as written. A text this module does not
know gives "" (the page then shows it as written, e.g. a source a city typed).
"""

from __future__ import annotations

from .ambition import BENCHMARK_SOURCE
from .gpc import GPC_CITATION
from .pathways import defaults as d

#: English source text -> Chinese
TEXTS_ZH: dict[str, str] = {
    d.WPP2024_CN.label: (
        "UN DESA, World Population Prospects 2024，中方案：中国人口 14.1 亿（2024年）、12.1 亿（2054年）、"
        "6.33 亿（2100年），据发布时（2024年7月12日）的报道。推算的年增长率：至 2054 年为 "
        "(1.21/1.41)^(1/30) - 1 = -0.508 %/年；此后为 (0.633/1.21)^(1/46) - 1 = -1.399 %/年。"
    ),
    d.CENSUS2023_US.label: (
        "U.S. Census Bureau（美国人口普查局），2023 National Population Projections（2023年11月9日），主系列："
        "2080 年接近 3.70 亿人，2100 年 3.66 亿人，较 2022 年增长 9.7 %（因此 2022 年为 366 / 1.097 = 333.6 百万人）。"
        "推算的年增长率：至 2080 年为 (370/333.6)^(1/58) - 1 = +0.179 %/年。"
    ),
    d.DOF_CA.label: (
        "California Department of Finance（加州财政部），Demographic Research Unit（人口研究室），P-1 人口预测"
        "（Vintage 2023）：2060 年 3,950 万人；2023年1月1日为 38,940,231 人（DOF E-1）。推算的年增长率："
        "(39.5/38.94)^(1/37) - 1 = +0.039 %/年。"
    ),
    d.IMF_CN.label: (
        "GDP 实际增长率：国家统计局公布 8.4 %（2021年）、3.0 %（2022年）、5.2 %（2023年）、5.0 %（2024年）；"
        "IMF World Economic Outlook（2025年4月）：4.0 %（2025年）和 4.0 %（2026年）；IMF 2024 年第四条磋商"
        "（Article IV）：到 2029 年放缓至 3.3 %（2027—2028 年按线性插值）。2029 年以后为假设：线性下降至 2060 年的"
        " 2.0 %（建模选择，并非预测）。"
    ),
    d.IMF_US.label: (
        "GDP 实际增长率：IMF World Economic Outlook（2025年4月）：1.8 %（2025年）、1.7 %（2026年）；自 2027 年起"
        "采用 EIA Annual Energy Outlook 2023 参考情景（Reference case）至 2050 年的年均值 1.9 %/年，2050 年后保持"
        "不变（假设）。2025 年以前各年：2.5 %（接近近年实际值的假设；可用美国经济分析局 BEA 的数据修改）。"
    ),
    d.EI_CN.label: (
        "单位 GDP 能耗：“十四五”规划目标为 2021—2025 年 -13.5 %（国务院，2022年1月），即 1 - 0.865^(1/5) = "
        "-2.86 %/年；公布的实际值为 -2.7 %（2021年）、-0.1 %（2022年）、-0.5 %（2023年）、-3.8 %（2024年）。"
        "2025 年起：保持规划速度 -2.86 %/年（假设）。"
    ),
    d.EI_US.label: (
        "单位 GDP 能耗：EIA Annual Energy Outlook 2020 参考情景（Reference case），2019—2050 年平均 -1.5 %/年"
        "（能源消费 +0.3 %/年，GDP +1.9 %/年），每年均采用此值（2050 年以后为假设）。"
    ),
    d.GRID_CN.label: (
        "生态环境部、国家统计局（MEE/NBS）电力二氧化碳排放因子（基于地理位置，吨二氧化碳/兆瓦时）：全国 0.5568"
        "（2021年）、0.5366（2022年）、0.5306（2023年）；各省 2023 年数值（已公布 2022 年数值的省份也含 2022 年）。"
        "首个公布年份之前：采用该年份的数值；最后一个公布年份之后：保持不变（“保持”规则）或延续其年均变化"
        "（“趋势”规则）。参见 shared/data/EMISSION_FACTORS.md §3c。"
    ),
    d.GRID_US.label: (
        "美国环保署 EPA eGRID 产出排放率（CO2，单位 lb/MWh，按 0.45359237 kg/lb 换算）：美国平均 823.149"
        "（eGRID2022）；CAMX（加州）531.678（2021年，单一来源）、497.443（2022年，两个来源）、428.47（2023年，"
        "单一来源）。最后一年之后保持不变（“保持”规则）或延续趋势（“趋势”规则）。参见 "
        "shared/data/EMISSION_FACTORS.md §3a。"
    ),
    d.FLAT.label: "燃料碳强度无变化趋势（假设）。",
    d.EI_US.url: "https://www.eia.gov/（Today in Energy，2020年2月20日）",
    BENCHMARK_SOURCE: (
        "IPCC (2018) Global Warming of 1.5 °C, Summary for Policymakers, C.1：在不超过或仅有限超过 1.5 °C 的"
        "路径中，全球人为二氧化碳净排放量到 2030 年比 2010 年水平下降约 45%（四分位区间为 40–60%），并在 2050 年"
        "左右达到净零（四分位区间为 2045–2055 年）。"
    ),
    GPC_CITATION: (
        "温室气体核算体系（Greenhouse Gas Protocol），Global Protocol for Community-Scale Greenhouse Gas "
        "Inventories（GPC）v1.1（2021年）；参考编号、范围以及是否计入 BASIC/BASIC+，依据开源项目 CityCatalyst"
        "（Open Earth Foundation）GPC 1.1 模式中的机器可读版本，并与其 CDP 和 eCRF 映射交叉核对。"
    ),
}


def text_zh(text: str) -> str:
    """The Chinese version of an engine's English source text, or "" when there is none."""
    return TEXTS_ZH.get(text, "")
