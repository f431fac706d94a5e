"""The controlled list of provinces and states: China's 34 provincial-level divisions and the 50 US states + DC.

Codes are ISO 3166-2 (`CN-HE`, `US-CA`). Each entry has the English and Chinese names; `province_code(text)`
maps free text written either way — with or without 省 / 市 / 自治区 / "Province" / "Autonomous Region",
"Guangxi Zhuang Autonomous Region", "Hebei Province", "河北", "加州", "CA" — to its code, or "" when it does not
know the text (the caller keeps the text). No Django model: a code list changes only with the map of China.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .han import has_han

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TextIO

    from django.db.models import CharField, Model


@dataclass(frozen=True)
class Province:
    code: str
    name_en: str
    name_zh_hans: str
    aliases: tuple[str, ...] = ()

    @property
    def country(self) -> str:
        return self.code[:2]

    def display_name(self, language: str | None = None) -> str:
        from .models import is_chinese

        return self.name_zh_hans if is_chinese(language) else self.name_en


_CN = [
    ("BJ", "Beijing", "北京市", ("Peking",)),
    ("TJ", "Tianjin", "天津市", ()),
    ("HE", "Hebei", "河北省", ()),
    ("SX", "Shanxi", "山西省", ()),
    ("NM", "Inner Mongolia", "内蒙古自治区", ("Nei Mongol", "Neimenggu", "内蒙")),
    ("LN", "Liaoning", "辽宁省", ()),
    ("JL", "Jilin", "吉林省", ()),
    ("HL", "Heilongjiang", "黑龙江省", ()),
    ("SH", "Shanghai", "上海市", ()),
    ("JS", "Jiangsu", "江苏省", ()),
    ("ZJ", "Zhejiang", "浙江省", ()),
    ("AH", "Anhui", "安徽省", ()),
    ("FJ", "Fujian", "福建省", ()),
    ("JX", "Jiangxi", "江西省", ()),
    ("SD", "Shandong", "山东省", ()),
    ("HA", "Henan", "河南省", ()),
    ("HB", "Hubei", "湖北省", ()),
    ("HN", "Hunan", "湖南省", ()),
    ("GD", "Guangdong", "广东省", ()),
    ("GX", "Guangxi", "广西壮族自治区", ()),
    ("HI", "Hainan", "海南省", ()),
    ("CQ", "Chongqing", "重庆市", ()),
    ("SC", "Sichuan", "四川省", ()),
    ("GZ", "Guizhou", "贵州省", ()),
    ("YN", "Yunnan", "云南省", ()),
    ("XZ", "Tibet", "西藏自治区", ("Xizang",)),
    ("SN", "Shaanxi", "陕西省", ()),
    ("GS", "Gansu", "甘肃省", ()),
    ("QH", "Qinghai", "青海省", ()),
    ("NX", "Ningxia", "宁夏回族自治区", ()),
    ("XJ", "Xinjiang", "新疆维吾尔自治区", ()),
    ("TW", "Taiwan", "台湾省", ()),
    ("HK", "Hong Kong", "香港特别行政区", ("Hongkong",)),
    ("MO", "Macao", "澳门特别行政区", ("Macau",)),
]
_US = [
    ("AL", "Alabama", "亚拉巴马州", ("阿拉巴马州",)),
    ("AK", "Alaska", "阿拉斯加州", ()),
    ("AZ", "Arizona", "亚利桑那州", ()),
    ("AR", "Arkansas", "阿肯色州", ()),
    ("CA", "California", "加利福尼亚州", ("加州", "Calif")),
    ("CO", "Colorado", "科罗拉多州", ()),
    ("CT", "Connecticut", "康涅狄格州", ()),
    ("DE", "Delaware", "特拉华州", ()),
    ("FL", "Florida", "佛罗里达州", ()),
    ("GA", "Georgia", "佐治亚州", ()),
    ("HI", "Hawaii", "夏威夷州", ()),
    ("ID", "Idaho", "爱达荷州", ()),
    ("IL", "Illinois", "伊利诺伊州", ()),
    ("IN", "Indiana", "印第安纳州", ()),
    ("IA", "Iowa", "艾奥瓦州", ("爱荷华州",)),
    ("KS", "Kansas", "堪萨斯州", ()),
    ("KY", "Kentucky", "肯塔基州", ()),
    ("LA", "Louisiana", "路易斯安那州", ()),
    ("ME", "Maine", "缅因州", ()),
    ("MD", "Maryland", "马里兰州", ()),
    ("MA", "Massachusetts", "马萨诸塞州", ("麻省",)),
    ("MI", "Michigan", "密歇根州", ()),
    ("MN", "Minnesota", "明尼苏达州", ()),
    ("MS", "Mississippi", "密西西比州", ()),
    ("MO", "Missouri", "密苏里州", ()),
    ("MT", "Montana", "蒙大拿州", ()),
    ("NE", "Nebraska", "内布拉斯加州", ()),
    ("NV", "Nevada", "内华达州", ()),
    ("NH", "New Hampshire", "新罕布什尔州", ()),
    ("NJ", "New Jersey", "新泽西州", ()),
    ("NM", "New Mexico", "新墨西哥州", ()),
    ("NY", "New York", "纽约州", ()),
    ("NC", "North Carolina", "北卡罗来纳州", ()),
    ("ND", "North Dakota", "北达科他州", ()),
    ("OH", "Ohio", "俄亥俄州", ()),
    ("OK", "Oklahoma", "俄克拉何马州", ()),
    ("OR", "Oregon", "俄勒冈州", ()),
    ("PA", "Pennsylvania", "宾夕法尼亚州", ()),
    ("RI", "Rhode Island", "罗得岛州", ()),
    ("SC", "South Carolina", "南卡罗来纳州", ()),
    ("SD", "South Dakota", "南达科他州", ()),
    ("TN", "Tennessee", "田纳西州", ()),
    ("TX", "Texas", "得克萨斯州", ()),
    ("UT", "Utah", "犹他州", ()),
    ("VT", "Vermont", "佛蒙特州", ()),
    ("VA", "Virginia", "弗吉尼亚州", ()),
    ("WA", "Washington", "华盛顿州", ()),
    ("WV", "West Virginia", "西弗吉尼亚州", ()),
    ("WI", "Wisconsin", "威斯康星州", ()),
    ("WY", "Wyoming", "怀俄明州", ()),
    ("DC", "District of Columbia", "哥伦比亚特区", ("Washington DC", "Washington D.C.", "华盛顿哥伦比亚特区")),
]

PROVINCES: tuple[Province, ...] = tuple(
    [Province(f"CN-{c}", en, zh, aliases) for c, en, zh, aliases in _CN]
    + [Province(f"US-{c}", en, zh, aliases + (c,)) for c, en, zh, aliases in _US]
)
BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
CODE_MAX_LENGTH = 5

# longest first, so "壮族自治区" goes before "自治区"
_SUFFIXES_ZH = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市", "州")
_SUFFIXES_EN = (
    "zhuangautonomousregion",
    "huiautonomousregion",
    "uygurautonomousregion",
    "uyghurautonomousregion",
    "uighurautonomousregion",
    "autonomousregion",
    "specialadministrativeregion",
    "municipality",
    "province",
    "sar",
    "state",
    "city",
    "shi",
    "sheng",
)


def normalise(text: str) -> str:
    """Lower case without spaces, punctuation or the administrative suffix ("Hebei Province", "河北省" → hebei, 河北)."""
    s = re.sub(r"[\s\-'’.,()（）·]", "", (text or "").strip().lower())
    for suffix in _SUFFIXES_ZH if has_han(s) else _SUFFIXES_EN:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            return s[: -len(suffix)]
    return s


def _index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for p in PROVINCES:
        for name in {p.code.lower(), p.name_en, p.name_zh_hans, *p.aliases}:
            for key in {name.lower().replace(" ", ""), normalise(name)}:
                if p.code not in index.setdefault(key, []):
                    index[key].append(p.code)
    return index


_INDEX = _index()


def province_code(text: str, country: str = "") -> str:
    """The code of the province or state `text` names (English or Chinese, any usual form), or ""."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.upper() in BY_CODE:
        return text.upper()
    for key in (text.lower().replace(" ", ""), normalise(text)):
        codes = [c for c in _INDEX.get(key, []) if not country or c.startswith(f"{country.upper()}-")]
        if len(codes) == 1:
            return codes[0]
        if codes and not country:  # "HI", "MO": a US postal code and no country to decide; prefer a name match
            names = [
                c for c in codes if normalise(BY_CODE[c].name_en) == key or normalise(BY_CODE[c].name_zh_hans) == key
            ]
            if len(names) == 1:
                return names[0]
    return ""


def province_name(code: str, language: str | None = None) -> str:
    p = BY_CODE.get(code or "")
    return p.display_name(language) if p else ""


def choices(country: str = "", language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for a select, in the language of the page; China first, then the US."""
    rows = [p for p in PROVINCES if not country or p.country == country.upper()]
    return [(p.code, p.display_name(language)) for p in rows]


def grouped_choices(language: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices grouped by country (optgroups), labels translated."""
    from django.utils.translation import gettext as _

    return [(_("China"), choices("CN", language)), (_("United States"), choices("US", language))]


def map_values(values: Iterable[str | None]) -> tuple[dict[str, str], list[str]]:
    """{text: code} for the texts the list knows, and the texts it does not (for a migration's report)."""
    mapped, unmapped = {}, []
    for v in sorted({(v or "").strip() for v in values} - {""}):
        code = province_code(v)
        if code:
            mapped[v] = code
        else:
            unmapped.append(v)
    return mapped, unmapped


def code_field() -> CharField:
    """The `province_code` column every model with a province carries (additive: the free text stays). No
    `choices` on the column (the list would be copied into every migration): forms offer `choices()`."""
    from django.db import models
    from django.utils.translation import gettext_lazy

    return models.CharField(
        gettext_lazy("province or state (code)"), max_length=CODE_MAX_LENGTH, blank=True, db_index=True
    )


def fill_code(obj: Model, *text_fields: str, kwargs: dict | None = None) -> None:
    """Before a save: set `obj.province_code` from the free text (first field that maps, within `obj.country` if it
    has one). A text the list does not know clears the code; no text keeps it. Adds the column to update_fields."""
    texts = [getattr(obj, f, "") or "" for f in text_fields]
    if any(t.strip() for t in texts):
        country = getattr(obj, "country", "") or ""
        obj.province_code = next((c for c in (province_code(t, country) for t in texts) if c), "")
    if kwargs and kwargs.get("update_fields") is not None:
        fields = set(kwargs["update_fields"])
        if fields & set(text_fields):
            kwargs["update_fields"] = fields | {"province_code"}


def migrate_codes(
    model: type[Model], text_fields: tuple[str, ...], country_field: str | None = "country", out: TextIO | None = None
) -> tuple[int, list]:
    """For a data migration: set `province_code` on every row whose free text names a province; the text is never
    changed. Returns (rows mapped, distinct texts not mapped) and prints a one-line report when rows were seen."""
    import sys

    rows, unmapped = [], set()
    seen = 0
    for obj in model.objects.only("pk", "province_code", *text_fields, *([country_field] if country_field else [])):
        texts = [(getattr(obj, f) or "").strip() for f in text_fields]
        if not any(texts):
            continue
        seen += 1
        country = getattr(obj, country_field, "") if country_field else ""
        code = next((c for c in (province_code(t, country) for t in texts) if c), "")
        if code:
            if obj.province_code != code:
                obj.province_code = code
                rows.append(obj)
        else:
            unmapped.add(" / ".join(dict.fromkeys(t for t in texts if t)))
    model.objects.bulk_update(rows, ["province_code"], batch_size=500)
    if seen:
        label = f"{model._meta.app_label}.{model.__name__}"
        (out or sys.stdout).write(
            f"\n  {label}: {seen} rows with a province, {len(rows)} coded, "
            f"{len(unmapped)} distinct unmapped texts kept as written{': ' if unmapped else ''}"
            f"{'; '.join(sorted(unmapped)[:50])}\n"
        )
    return len(rows), sorted(unmapped)
