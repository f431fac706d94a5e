"""The citation of each seeded factor: the publication a reviewer can open (publisher, title, table, year, URL where
the facts sheet gives one), then the named documents the value was cross-checked in. Plain Python, no Django.

The facts sheet (``citybridge/data/EMISSION_FACTORS.md``, read by ``factors_seed``) records how each value was
verified: its sources cells say "✔✔", "[single]" and "a secondary source" (a code repository it does not name). That
text is a verification record, not a citation: the status is stored on its own (``SeedFactor.status``), and the
citation built here names only what the sheet names. Nothing is added that the sheet does not state: no URL, table
or date of our own. Publication titles, table numbers and URLs stay as written in both languages; only the words
around them are Chinese in ``citation(seed, "zh-hans")``.
"""

from __future__ import annotations

import re
from functools import cache

from .factors_seed import SeedFactor, seed_factors

#: the two languages of a part: (English, Chinese); a plain string reads the same in both
Part = tuple[str, str]

IPCC = "IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol 2"
GHGP: Part = (
    "GHG Protocol, Emission Factors from Cross-Sector Tools V2.0 (last modified 13 Mar 2024)",
    "GHG Protocol, Emission Factors from Cross-Sector Tools V2.0（最后修改于2024年3月13日）",
)
_CC_FILE = "app/seed-data/emissions_factors/data_processed/EFDB_2006_IPCC_guidelines/EmissionsFactor.csv"
#: files in public code repositories the sheet names (repository, path)
CC_EFDB: Part = (
    f"Open-Earth-Foundation/CityCatalyst, {_CC_FILE}",
    f"Open-Earth-Foundation/CityCatalyst 仓库，{_CC_FILE}",
)
GHGPY: Part = ("iClimate/ghgpy, src/ghgpy/data/efs.py", "iClimate/ghgpy 仓库，src/ghgpy/data/efs.py")
EPA_HUB = "US EPA, GHG Emission Factors Hub"

# --- China: the MEE/NBS series (3c i), by data year, and the pages that reported it -------------------------------

MEE_NBS: dict[int, Part] = {
    2021: (
        "MEE/NBS, 电力二氧化碳排放因子 (electricity CO2 emission factors), data year 2021, 公告2024年第12号, "
        "12 Apr 2024",
        "生态环境部、国家统计局，电力二氧化碳排放因子，数据年份2021，公告2024年第12号（2024年4月12日）",
    ),
    2022: (
        "MEE/NBS, 电力二氧化碳排放因子 (electricity CO2 emission factors), data year 2022, announcement of "
        "December 2024",
        "生态环境部、国家统计局，电力二氧化碳排放因子，数据年份2022，2024年12月公告",
    ),
    2023: (
        "MEE/NBS, 电力二氧化碳排放因子 (electricity CO2 emission factors), data year 2023, published 31 Dec 2025, "
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/W020251231726284332528.pdf",
        "生态环境部、国家统计局，电力二氧化碳排放因子，数据年份2023，2025年12月31日发布，"
        "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk01/202512/W020251231726284332528.pdf",
    ),
}

#: the news pages the sheet names (by the word it uses for them), as reprints of the MEE/NBS figures
PAGES: dict[str, Part] = {
    "daydaynews": ("https://daydaynews.cc/zh-hant/finance/3899452.html",) * 2,
    "zhangwenkingh": ("http://m.zhangwenkingh.cn/xwzx/xyxw/202501/t20250103_144465.shtml",) * 2,
    "hfyfsb": ("http://www.hfyfsb.com/industry/elec/3596.html",) * 2,
    "163.com": (
        "Guangming Daily, via https://www.163.com/dy/article/KIQVBKCG05567I2C.html",
        "《光明日报》，转载于 https://www.163.com/dy/article/KIQVBKCG05567I2C.html",
    ),
    "reportify": (
        "https://reportify.ai/tags/concept?tagValue=%E7%94%B5%E5%8A%9B%E4%BA%8C%E6%B0%A7%E5%8C%96%E7%A2%B3%E6%8E%92"
        "%E6%94%BE%E5%9B%A0%E5%AD%90",
    )
    * 2,
}

MEE_ETS: Part = (
    "MEE, notice on greenhouse-gas reporting for the power sector in 2023–2025 (February 2023), "
    "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk06/202302/t20230207_1015569.html",
    "生态环境部2023年2月发布的2023—2025年发电行业温室气体排放报告通知，"
    "https://www.mee.gov.cn/xxgk2018/xxgk/xxgk06/202302/t20230207_1015569.html",
)


def _part(value: str | Part) -> Part:
    return (value, value) if isinstance(value, str) else value


def _ghgp(sheet: str = "", table: str = "") -> Part:
    en, zh = GHGP
    if sheet:
        en, zh = f"{en}, sheet {sheet}", f"{zh}，工作表 {sheet}"
    if table:
        en, zh = f"{en}, {table}", f"{zh}，{table}"
    return en, zh


# --- per section ---------------------------------------------------------------------------------------------------


def _ipcc_co2(seed: SeedFactor) -> list[str | Part]:
    # 2a: Table 1.4 of Vol 2 Ch 1, and GHGP-V2 Stationary Combustion Table 1 (the CO2 EF in kg/TJ)
    if "GHGP-V2, sheet Stationary Combustion, Table 1" not in seed.source:
        raise LookupError(seed.key)
    return [f"{IPCC}, Ch 1 (V2_1_Ch1_Introduction.pdf), Table 1.4", _ghgp("Stationary Combustion", "Table 1")]


def _ipcc_stationary(seed: SeedFactor) -> list[str | Part]:
    table = re.search(r"\(Table (2\.\d)\)", seed.method_note)
    if not table:
        raise LookupError(seed.key)
    main = f"{IPCC}, Ch 2, Table {table.group(1)}"
    if table.group(1) == "2.2":
        main += ", pp.2.16–2.17"  # the page reference the sheet gives for its Table 2.2 transcription
    parts: list[str | Part] = [main]
    src = seed.source
    if "GHGP-V2" in src:
        parts.append(_ghgp("Stationary Combustion", "Tables 2–3"))
    row = re.search(r"(?:CC|row) (I\.\d\.\d)", src)
    if row:
        parts.append((f"{CC_EFDB[0]}, row {row.group(1)}", f"{CC_EFDB[1]}，{row.group(1)} 行"))
    if "iClimate/ghgpy" in src:
        parts.append(GHGPY)
    return parts


def _ipcc_road(seed: SeedFactor) -> list[str | Part]:
    src = seed.source
    if seed.gas == "CO2":
        parts: list[str | Part] = [f"{IPCC}, Ch 3, Table 3.2.1, p.3.16"]
        if "GHGP-V2" in src:
            parts.append(_ghgp())
        return parts
    main = f"{IPCC}, Ch 3, Table 3.2.2"
    if "p.3.21" in src or src.startswith("same as above"):
        main += ", p.3.21"
    if "not verified" in src.lower():
        return [(f"{main} (no source found for this value: not verified)", f"{main}（未找到该数值的来源：未核实）")]
    if "CC EFDB" in src:
        row = re.search(r"\(II\.1\.1,? ([^)]+)\)", src)
        detail = row.group(1).strip() if row else ""
        where = f"{CC_EFDB[0]}, row II.1.1 ({detail})", f"{CC_EFDB[1]}，II.1.1 行（{detail}）"
        if "only" in src:  # the value was found only in CityCatalyst's export of the IPCC defaults
            return [(f"{main}, as exported in {where[0]}", f"{main}，引自 {where[1]}")]
        return [main, where]
    return [main]


def _epa_hub(seed: SeedFactor) -> list[str | Part]:
    src = seed.source
    if "EPA Hub 2025" in src:
        return [f"{EPA_HUB} 2025"]
    if "EPA Hub 2024 Table 2" in src or src.startswith("✔✔ same three"):
        return [f"{EPA_HUB} 2024, Table 2", _ghgp("Mobile Combustion – Fuel Use")]
    if "GHGP-V2" in src:
        return [EPA_HUB, _ghgp()]
    raise LookupError(seed.key)


_EGRID_REGION: dict[str, Part] = {
    "camx": (
        "subregion output emission rates, CAMX (WECC California)",
        "子区域产出排放率，CAMX（WECC 加州）",
    ),
    "us-average": ("output emission rates, US average", "产出排放率，美国平均"),
}


def _egrid(seed: SeedFactor) -> list[str | Part]:
    m = re.fullmatch(r"egrid(\d{4})-(camx|us-average)-\w+", seed.key)
    if not m:
        raise LookupError(seed.key)
    year, region = m.groups()
    en, zh = _EGRID_REGION[region]
    src = seed.source
    if year == "2023":
        cells = re.search(r"\((eGRID2023 rev 2 metric file, sheet SRL23, row 6, cells AC/AE/AG/AI)\)", src)
        if not cells:
            raise LookupError(seed.key)
        return [
            (
                f"US EPA, eGRID2023 (revision 2), {en}: metric file, sheet SRL23, row 6, cells AC/AE/AG/AI",
                f"US EPA, eGRID2023（第2次修订），{zh}：metric 文件，工作表 SRL23，第 6 行，单元格 AC/AE/AG/AI",
            )
        ]
    parts: list[str | Part] = [(f"US EPA, eGRID{year}, {en}", f"US EPA, eGRID{year}，{zh}")]
    table = re.search(r"GHGP-V2 (?:sheet )?Electricity US (Table \d)", src)
    if table:
        year_note = re.search(r'\("(Year \d{4})"\)', src)
        parts.append(_ghgp("Electricity US", table.group(1) + (f" ({year_note.group(1)})" if year_note else "")))
    return parts


def _california(seed: SeedFactor, ibew: str) -> list[str | Part]:
    url = re.search(r"https?://\S+", seed.source)
    if "IBEW 1245" in seed.source or seed.source.startswith("[single] same page"):
        return [
            (
                f"IBEW 1245, article of Feb 2020 citing CEC data, {ibew}",
                f"IBEW 1245，2020年2月的文章（引用 CEC 数据），{ibew}",
            )
        ]
    if url and "pgecurrents" in url.group(0):
        return [("PG&E, " + url.group(0),) * 2]
    if "casetext §95111" in seed.source:
        return [
            (
                "CARB, MRR §95111 (regulation text found via casetext; the excerpt did not show the number: not "
                "verified)",
                "CARB，MRR §95111（经 casetext 找到法规文本，但摘录未显示该数值：未核实）",
            )
        ]
    raise LookupError(seed.key)


def _year_text(src: str, year: int) -> str:
    """The part of a sources cell about one data year ("2022 [single], daydaynews. 2023 ✔✔ 163.com …")."""
    m = re.search(rf"\b{year}\b(.*?)(?=\b20\d\d\b|$)", src, re.S)
    return m.group(1) if m else ""


def _china(seed: SeedFactor, previous: dict[int, str]) -> list[str | Part]:
    year = seed.year
    if year not in MEE_NBS:
        raise LookupError(seed.key)
    src = seed.source
    if seed.status == "derived":  # South China grid 2021, from its 2022 value and the drop a news page reported
        drop = re.search(r"zhangwenkingh gives a (\d+(?:\.\d+)?) drop from 2021", src)
        later = next(
            (s for s in seed_factors() if s.region == seed.region and s.year == 2022 and s.status != "derived"), None
        )
        if drop is None or later is None:
            raise LookupError(seed.key)
        en22, zh22 = MEE_NBS[2022]
        page = PAGES["zhangwenkingh"][0]
        value, step = f"{later.value:g}", drop.group(1)
        return [
            (
                f"Derived: {value} (2022; {en22}) + {step} (the drop from 2021 reported at {page}) = {seed.value:g}",
                f"推算：{value}（2022年；{zh22}）+ {step}（{page} 报道的较2021年降幅）= {seed.value:g}",
            )
        ]
    if seed.key.startswith("mee-nbs-") and "national" in seed.key:
        text = src
        if "excl-market" in seed.key:
            text = "reportify" if year == 2023 else ""
        elif "fossil" in seed.key:
            text = ""  # fossil-fuel power: a single source the sheet does not name
        elif "(same two news pages)" in src:
            text = "daydaynews zhangwenkingh"
    else:
        text = _year_text(src, year)
        if src.startswith("same pattern"):
            text = previous.get(year, "")
    parts: list[str | Part] = [MEE_NBS[year]]
    parts += [PAGES[name] for name in PAGES if name in text]
    return parts


@cache
def _citations() -> dict[str, Part]:
    out: dict[str, Part] = {}
    previous: dict[int, str] = {}  # the last regional row's text per year ("same pattern" repeats it)
    ibew = next(
        m.group(0) for s in seed_factors() if (m := re.search(r"https://ibew1245\.com/\S+", s.source)) is not None
    )
    for seed in seed_factors():
        if seed.section == "2a":
            parts = _ipcc_co2(seed)
        elif seed.section == "2b":
            parts = _ipcc_stationary(seed)
        elif seed.section == "2c":
            parts = _ipcc_road(seed)
        elif seed.section == "2d":
            parts = _epa_hub(seed)
        elif seed.section == "3a":
            parts = _egrid(seed)
        elif seed.section == "3b":
            parts = _california(seed, ibew)
        elif seed.section == "3c(i)":
            parts = _china(seed, previous)
            if not seed.source.startswith("same pattern") and "grid" in seed.key:
                previous = {y: _year_text(seed.source, y) for y in (2022, 2023)}
        elif seed.section == "3c(ii)":
            parts = [MEE_ETS]
            if "GHGP-V2 sheet Electricity CN, TW, BR, TH, UK Table 1" in seed.source:
                parts.append(_ghgp("Electricity CN, TW, BR, TH, UK", "Table 1"))
        else:
            raise LookupError(seed.key)
        pairs = [_part(p) for p in parts]
        out[seed.key] = ("; ".join(p[0] for p in pairs), "；".join(p[1] for p in pairs))
    return out


def citation(seed: SeedFactor, language: str = "en") -> str:
    """The seed's citation in English, or with its connecting words in Chinese (``language`` "zh-hans")."""
    en, zh = _citations()[seed.key]
    return zh if language.lower().startswith("zh") else en


@cache
def chinese_by_english() -> dict[str, str]:
    """English citation -> its Chinese version, for a factor row whose stored citation is the seeded one."""
    return {en: zh for en, zh in _citations().values()}
