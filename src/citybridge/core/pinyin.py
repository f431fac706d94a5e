"""The Chinese sort order of names: a key by pinyin, as Chinese users expect a list of people, organisations or
cities to be ordered (as Excel, WPS and phones' contact lists do): 李, 王, 张. Ordered by code point, Chinese text
follows the radical-and-stroke order of the CJK block: 张, 李, 王.

`sort_key("重庆")` is `chong2qing4`: each character's reading with its tone number, with nothing between them, then
any Latin letters and digits in lower case without their accents, spaces or punctuation (`Ürümqi` → `urumqi`). Keys
compare the same way under every collation the databases use (`a`–`z` and `0`–`9` in lower case, bar the rare
character without a reading), and a tone number ends each syllable, so 西安 (`xi1an1`) comes before 夏 (`xia4`) as
in a dictionary, and a name before the longer names it begins. A name in Latin letters only sorts among the Chinese
ones by its letters. A character without a reading in the table (outside the Basic Multilingual Plane's CJK blocks)
stays as it is, after the rest.

The readings are each character's first (most common) one, from pinyin-data (data/pinyin/README.md). Surnames and
place names that read otherwise are corrected here: 单 is the surname Shàn, 曾 Zēng; 重庆 is Chóngqìng, 厦门 Xiàmén.
Plain Python, no Django import (DESIGN.md, engines).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

READINGS = Path(__file__).resolve().parent.parent / "data" / "pinyin" / "readings.txt"

#: surnames whose reading is not their character's first one (《现代汉语词典》, 《百家姓》): a family name is read
#: with these first; compound surnames in full
SURNAMES = {
    "单": "shan4", "曾": "zeng1", "仇": "qiu2", "解": "xie4", "区": "ou1", "朴": "piao2", "查": "zha1",
    "盖": "ge3", "华": "hua4", "乐": "yue4", "缪": "miao4", "覃": "qin2", "员": "yun4", "种": "chong2",
    "秘": "bi4", "召": "shao4", "繁": "po2", "宿": "su4", "过": "guo1", "翟": "zhai2", "阚": "kan4",
    "葛": "ge3", "隗": "wei3", "句": "gou1", "祭": "zhai4", "任": "ren2", "尉": "yu4", "纪": "ji3",
    "都": "du1", "薄": "bo2", "柏": "bai3", "褚": "chu3", "莘": "shen1", "冼": "xian3", "卜": "bu3",
    "牟": "mou2", "相": "xiang1", "应": "ying1", "殷": "yin1", "折": "she2", "乜": "nie4", "能": "nai4",
    "长孙": "zhang3sun1", "尉迟": "yu4chi2", "万俟": "mo4qi2", "单于": "chan2yu2", "澹台": "tan2tai2",
}  # fmt: skip

#: places (prefecture-level cities and above of the registry; others as found) whose characters' first readings
#: are not the place's: their official romanisations
PLACES = {
    "重庆": "chong2qing4", "长沙": "chang2sha1", "长春": "chang2chun1", "长治": "chang2zhi4", "厦门": "xia4men2",
    "六安": "lu4an1", "蚌埠": "beng4bu4", "成都": "cheng2du1", "都匀": "du1yun2", "昌都": "chang1du1",
    "那曲": "na4qu1", "乐山": "le4shan1", "丽水": "li2shui3", "台州": "tai1zhou1", "东莞": "dong1guan3",
    "朝阳": "chao2yang2", "莘县": "shen1xian4", "番禺": "pan1yu2", "铅山": "yan2shan1", "蔚县": "yu4xian4",
    "乐清": "yue4qing1", "涡阳": "guo1yang2", "洪洞": "hong2tong2",
}  # fmt: skip

#: characters whose first reading is not the one they take in names, places and transliterations (什 shén is
#: 什么's; 阿什兰, 喀什 read shí)
CHARACTERS = {"什": "shi2", "勒": "le4", "佛": "fo2"}

_PLACE_RE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))
_DROP = re.compile(r"[\W_]+")  # what a key leaves out: spaces, punctuation, symbols


@functools.cache
def _table() -> dict[int, str]:
    """Character code → reading, read from the table once per process (about 3 MB, 0.05 s)."""
    table: dict[int, str] = {}
    for line in READINGS.read_text(encoding="utf-8").splitlines():
        reading, _, chars = line.partition("\t")
        for ch in chars:
            table[ord(ch)] = reading
    table.update((ord(ch), reading) for ch, reading in CHARACTERS.items())
    return table


def sort_key(text: str, *, surname: bool = False) -> str:
    """The pinyin sort key of `text` (see the module's note); with `surname`, `text` is a family name."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    if surname and text:
        head = text[:2] if text[:2] in SURNAMES else text[:1]
        if head in SURNAMES:
            return SURNAMES[head] + sort_key(text[len(head) :])
    text = _PLACE_RE.sub(lambda m: PLACES[m.group(0)], text)
    return _DROP.sub("", text.translate(_table())).casefold()


def first_key(*texts: str | None, limit: int = 255) -> str:
    """The key of the first of `texts` that is not empty (a Chinese name, else the English one), at most `limit`
    characters: an organisation's or a city's."""
    return sort_key(next((t for t in texts if t), ""))[:limit]


def name_sort_key(family_zh: str, given_zh: str, family_en: str, given_en: str, *, limit: int = 255) -> str:
    """A person's key for the Chinese order: family name, then given name, in Chinese when the person has a Chinese
    name, else in Latin letters, so that 史密斯 and Smith both sort under S. At most `limit` characters."""
    if family_zh or given_zh:
        return (sort_key(family_zh, surname=True) + sort_key(given_zh))[:limit]
    return (sort_key(family_en) + sort_key(given_en))[:limit]
