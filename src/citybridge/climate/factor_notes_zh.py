"""The Chinese method notes and regions of the seeded factors (EMISSION_FACTORS.md), written by hand.

Plain Python, no Django. ``method_note_zh`` rebuilds each seed's method note from the same parts the English one is
built from (``factors_seed``), every explanatory phrase translated; source titles, table numbers, document numbers,
URLs and verification markers ([single], [derived]) stay as written, since a citation is not translated. A part this
module does not know gives "" (the page then falls back to the English note) and the test lists it.
Terms follow docs/glossary.md: 排放因子, 低位热值 (NCV), 高位热值 (HHV).
"""

from __future__ import annotations

import re

from .factors_seed import SeedFactor

PROVINCES_ZH = {
    "Beijing": "北京", "Tianjin": "天津", "Hebei": "河北", "Shanxi": "山西", "Inner Mongolia": "内蒙古",
    "Liaoning": "辽宁", "Jilin": "吉林", "Heilongjiang": "黑龙江", "Shanghai": "上海", "Jiangsu": "江苏",
    "Zhejiang": "浙江", "Anhui": "安徽", "Fujian": "福建", "Jiangxi": "江西", "Shandong": "山东", "Henan": "河南",
    "Hubei": "湖北", "Hunan": "湖南", "Guangdong": "广东", "Guangxi": "广西", "Hainan": "海南", "Chongqing": "重庆",
    "Sichuan": "四川", "Guizhou": "贵州", "Yunnan": "云南", "Tibet": "西藏", "Shaanxi": "陕西", "Gansu": "甘肃",
    "Qinghai": "青海", "Ningxia": "宁夏", "Xinjiang": "新疆",
}  # fmt: skip


def region_zh(region: str) -> str:
    """A seeded factor's region in Chinese; any other text (a city's own factor) as it was written."""
    if region == "IPCC default":
        return "IPCC缺省值"
    if region == "US":
        return "美国"
    if region.startswith("California/WECC"):
        return "加州/WECC（CAMX）"
    if region == "California":
        return "加州"
    if region.startswith("China (national ETS"):
        return "全国碳市场/企业报告"
    if region.startswith("China (national)"):
        return "全国"
    grid = re.search(r"[\u4e00-\u9fff]+", region)
    if region.startswith("China ") and grid:
        return f"{grid.group(0)}区域电网"
    if region.startswith("China "):
        name = region.removeprefix("China ").strip()
        return PROVINCES_ZH.get(name, region)
    return region


# --- 2a-2d: fuels (IPCC 2006, EPA Emission Factors Hub) ---------------------------------------------------------------

FUELS_ZH = {
    "Natural gas": "天然气",
    "Motor gasoline": "车用汽油",
    "Gas/diesel oil": "柴油",
    "Diesel": "柴油",
    "LPG": "液化石油气",
    "CNG": "压缩天然气",
    "Other kerosene": "其他煤油",
    "Jet kerosene": "航空煤油",
    "Residual fuel oil": "残渣燃料油",
    "Anthracite": "无烟煤",
    "Coking coal": "炼焦煤",
    "Other bituminous coal": "其他烟煤",
    "Sub-bituminous coal": "次烟煤",
    "Lignite": "褐煤",
    "Coke oven coke / lignite coke": "焦炉焦炭/褐煤焦炭",
    "Coal (anthracite, bituminous, sub-bituminous, lignite, coke oven coke)": (
        "煤炭（无烟煤、烟煤、次烟煤、褐煤、焦炉焦炭）"
    ),
    "Oil (gasoline, diesel, kerosene, RFO)": "油品（汽油、柴油、煤油、残渣燃料油）",
    "Wood / wood waste": "木材/木材废料",
    "Coal": "煤炭",
    "Oil": "油品",
    "Wood": "木材",
}

SECTORS_ZH = {
    "Energy industries (Table 2.2)": "能源工业（Table 2.2）",
    "Commercial / institutional (Table 2.4)": "商业/机构（Table 2.4）",
    "Residential (Table 2.5)": "居民生活（Table 2.5）",
}

MOBILE_ZH = {
    "Road CO2, motor gasoline (Table 3.2.1)": "道路交通CO2，车用汽油（Table 3.2.1）",
    "Road CO2, diesel (Table 3.2.1)": "道路交通CO2，柴油（Table 3.2.1）",
    "Gasoline, uncontrolled (Table 3.2.2)": "汽油，无排放控制（Table 3.2.2）",
    "Gasoline, oxidation catalyst": "汽油，装氧化型催化转化器",
    "Gasoline, low-mileage light-duty vehicles, 1995 or later": "汽油，低里程轻型车（1995年及以后车型）",
    "Gas/diesel oil": "柴油",
    "CNG": "压缩天然气",
    "LPG": "液化石油气",
}

US_FUELS_ZH = {
    "Natural gas, stationary": "天然气，固定源燃烧",
    "Motor gasoline": "车用汽油",
    "Diesel": "柴油",
    "LPG": "液化石油气",
    "CNG": "压缩天然气",
}

#: the facts sheet's section headings, which every note of the section ends with
HEADINGS_ZH = {
    "2a": "2a. 缺省低位热值（Table 1.2）与CO2排放因子（Table 1.4，即 Table 2.2 中的对应栏）",
    "2b": "2b. 固定源燃烧CH4和N2O缺省排放因子（kg/TJ，低位热值基准）",
    "2c": "2c. 移动源（道路交通）缺省排放因子，IPCC 2006 V2 Ch3",
    "2d": "2d. 美国专用燃料燃烧排放因子（EPA GHG Emission Factors Hub，高位热值基准；适用于加州）",
    "3a": "3a. 美国 eGRID（产出排放率，以发电量计；不含输配电损耗）",
    "3b": (
        "3b. 加州专用数值（均为往年数据；宜优先采用电力公司当前的 Power Source Disclosure 或 "
        "Power Content Label 排放因子）"
    ),
}

# --- 3a, 3b: US and California electricity ---------------------------------------------------------------------------

EGRID_LABELS_ZH = {
    "CAMX (WECC California), eGRID2022": "CAMX（WECC 加州），eGRID2022",
    "US average, eGRID2022": "美国平均，eGRID2022",
    "CAMX, eGRID2021 (for reference)": "CAMX，eGRID2021（供参考）",
    "CAMX, eGRID2023 (revision 2)": "CAMX，eGRID2023（第2次修订）",
}

CALIFORNIA_ITEMS_ZH = {
    "Statewide average retail mix, about 2018": "全州平均零售电力结构，约2018年",
    "PG&E / SCE / SDG&E / LADWP / SMUD bundled, about 2018": "PG&E / SCE / SDG&E / LADWP / SMUD 捆绑售电，约2018年",
    "PG&E delivered electricity, 2014": "PG&E 售出电力，2014年",
    "CARB MRR default factor for unspecified imports (§95111)": "CARB MRR 未指明来源的外购电力缺省排放因子（§95111）",
    "SMUD bundled": "SMUD 捆绑售电",
}

# --- 3c: China (MEE/NBS, national ETS) -------------------------------------------------------------------------------

CHINA_LABELS_ZH = {
    "national average": "全国平均",
    "national, excl. market-traded non-fossil power": "全国，不含市场化交易的非化石能源电量",
    "national fossil-fuel power": "全国化石能源电力",
    "region": "区域电网",
    "province": "省级",
}

#: the announcement column of the national series, explanatory sentences translated, numbers and URLs as written
ANNOUNCEMENTS_ZH = {
    "MEE/NBS 公告2024年第12号, 12 Apr 2024": "MEE/NBS 公告2024年第12号，2024年4月12日",
    (
        "MEE/NBS, December 2024. The 20 Dec 2024 signing date comes from a reprint of the announcement text (no URL "
        'in the index); daydaynews reports release on 26 Dec. The number "2024年第33号" is [single], a secondary '
        "source."
    ): (
        "MEE/NBS，2024年12月。2024年12月20日的签发日期出自公告文本的一份转载（索引中无网址）；daydaynews 报道的"
        "发布日期为12月26日。文号“2024年第33号”为 [single]，出自二手来源。"
    ),
    (
        "MEE/NBS, published 31 Dec 2025 (PDF https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/"
        'W020251231726284332528.pdf; "公告2025年第47号" per a secondary source [single])'
    ): (
        "MEE/NBS，2025年12月31日发布（PDF https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/"
        "W020251231726284332528.pdf；文号“公告2025年第47号”据二手来源 [single]）"
    ),
}

_ETS_PREFIX = "Factor for enterprise reporting and the national ETS (not the MEE/NBS series). "
_ETS_ZH = (
    "用于企业温室气体排放报告和全国碳排放权交易市场的排放因子（不属于 MEE/NBS 系列），标注年份为2022年。"
    "该值由生态环境部2023年2月发布的2023—2025年发电行业温室气体排放报告通知确定（{url}）。"
)


def _heading(seed: SeedFactor) -> str:
    return HEADINGS_ZH[seed.section]


def method_note_zh(seed: SeedFactor) -> str:  # noqa: C901, PLR0911
    """The seed's method note in Chinese, or "" when one of its parts has no translation here."""
    note = seed.method_note
    try:
        if seed.section == "2a":
            fuel = note.split(": IPCC 2006", 1)[0]
            return f"{FUELS_ZH[fuel]}：IPCC 2006 Vol 2 Table 1.4 缺省CO2排放因子（低位热值基准）。{_heading(seed)}"
        if seed.section == "2b":
            head = note.split(". 2b.", 1)[0]
            sector, fuel = head.split(" — ", 1)
            return f"{SECTORS_ZH[sector]}——{FUELS_ZH[fuel]}。{_heading(seed)}"
        if seed.section == "2c":
            item = note.split(". 2c.", 1)[0]
            return f"{MOBILE_ZH[item]}。{_heading(seed)}"
        if seed.section == "2d":
            item = note.split(". 2d.", 1)[0]
            return f"{US_FUELS_ZH[item]}。{_heading(seed)}"
        if seed.section == "3a":
            label = note.split(": output emission rate", 1)[0]
            return f"{EGRID_LABELS_ZH[label]}：产出排放率，以发电量计，不含输配电损耗。{_heading(seed)}"
        if seed.section == "3b":
            return _california(note, seed)
        if seed.section == "3c(i)":
            return _china_series(note)
        if seed.section == "3c(ii)" and note.startswith(_ETS_PREFIX):
            url = re.search(r"\((https?://[^)\s]+)\)", note)
            return _ETS_ZH.format(url=url.group(1)) if url else ""
    except (KeyError, ValueError):
        return ""
    return ""


def _california(note: str, seed: SeedFactor) -> str:
    head, value = note.split(". 3b.", 1)[0].split(": ", 1)
    m = re.fullmatch(r"(.+?) \((.+)\)", head)
    if m and m.group(2) in CALIFORNIA_ITEMS_ZH:  # "PG&E (PG&E / SCE / … bundled, about 2018)"
        name, item = m.group(1), m.group(2)
        label = f"{CALIFORNIA_ITEMS_ZH.get(name, name)}（{CALIFORNIA_ITEMS_ZH[item]}）"
    else:
        label = CALIFORNIA_ITEMS_ZH[head]
    value = value.replace(", not verified", "，未经核实")
    return f"{label}：{value}。{_heading(seed)}"


def _china_series(note: str) -> str:
    m = re.fullmatch(
        r"MEE/NBS electricity CO2 emission factor, (.+), data year (\d{4})(?:; (.+)| \(location-based, CO2 only\)\.)",
        note,
        re.S,
    )  # noqa: E501
    if not m:
        return ""
    label, year, announcement = m.groups()
    text = f"MEE/NBS 电力CO2排放因子，{CHINA_LABELS_ZH[label]}，数据年份{year}"
    if announcement is None:
        return text + "（基于地理位置的排放因子，仅含CO2）。"
    return f"{text}；{ANNOUNCEMENTS_ZH[announcement]}"
