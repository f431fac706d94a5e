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

The readings are each character's first (most common) one, from pinyin-data (data/pinyin/README.md). Surnames,
place names and words that read otherwise are corrected here: 单 is the surname Shàn, 曾 Zēng; 重庆 is Chóngqìng,
厦门 Xiàmén; 银行 is yínháng, 城市更新 chéngshì gēngxīn.
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
    "乐清": "yue4qing1", "涡阳": "guo1yang2", "洪洞": "hong2tong2", "西藏": "xi1zang4",
    "都江堰": "du1jiang1yan4", "长滩": "chang2tan1", "都伯林": "du1bo2lin2", "喜瑞都": "xi3rui4du1",
}  # fmt: skip

#: words of organisations' names and course titles (banks, accounting firms, urban renewal, climate adaptation …)
#: whose characters' first readings are not the word's (行 xíng, 长 zhǎng, 都 dōu, 调 diào, 会 huì, 重 zhòng,
#: 更 gèng, 应 yīng, 处 chù, 给 gěi, 乐 lè). Readings from 《现代汉语词典》 (7th edition). The second group keeps
#: the first reading but is listed so the text is cut into words where it should be: 市长期望 is 市长 + 期望, not
#: 市 + 长期, and 进行业务 is 进行 + 业务.
WORDS = {
    "银行": "yin2hang2", "行业": "hang2ye4", "行长": "hang2zhang3", "分行": "fen1hang2", "支行": "zhi1hang2",
    "总行": "zong3hang2", "央行": "yang1hang2", "投行": "tou2hang2", "长期": "chang2qi1", "长江": "chang2jiang1",
    "长城": "chang2cheng2", "长效": "chang2xiao4", "长远": "chang2yuan3", "长度": "chang2du4", "长途": "chang2tu2",
    "延长": "yan2chang2", "长三角": "chang2san1jiao3", "首都": "shou3du1", "都市": "du1shi4", "都会": "du1hui4",
    "古都": "gu3du1", "调整": "tiao2zheng3", "调节": "tiao2jie2", "调控": "tiao2kong4", "协调": "xie2tiao2",
    "空调": "kong1tiao2", "会计": "kuai4ji4", "重建": "chong2jian4", "重新": "chong2xin1", "重组": "chong2zu3",
    "重复": "chong2fu4", "更新": "geng1xin1", "变更": "bian4geng1", "适应": "shi4ying4", "应对": "ying4dui4",
    "应用": "ying4yong4", "应急": "ying4ji2", "供应": "gong1ying4", "响应": "xiang3ying4", "效应": "xiao4ying4",
    "相应": "xiang1ying4", "处理": "chu3li3", "处置": "chu3zhi4", "测量": "ce4liang2", "参与": "can1yu4",
    "供给": "gong1ji3", "给水": "ji3shui3", "自给": "zi4ji3", "音乐": "yin1yue4", "行为": "xing2wei2",
    "作为": "zuo4wei2", "成为": "cheng2wei2",
    "成长": "cheng2zhang3", "增长": "zeng1zhang3", "生长": "sheng1zhang3", "市长": "shi4zhang3",
    "部长": "bu4zhang3", "局长": "ju2zhang3", "省长": "sheng3zhang3", "县长": "xian4zhang3", "校长": "xiao4zhang3",
    "院长": "yuan4zhang3", "处长": "chu4zhang3", "厅长": "ting1zhang3", "会长": "hui4zhang3", "董事长": "dong3shi4zhang3",
    "进行": "jin4xing2", "执行": "zhi2xing2", "运行": "yun4xing2", "实行": "shi2xing2", "发行": "fa1xing2",
    "可行": "ke3xing2", "推行": "tui1xing2", "出行": "chu1xing2", "步行": "bu4xing2", "履行": "lv3xing2",
    "强调": "qiang2diao4", "严重": "yan2zhong4", "尊重": "zun1zhong4", "注重": "zhu4zhong4", "着重": "zhuo2zhong4",
    "比重": "bi3zhong4", "社会": "she4hui4", "协会": "xie2hui4", "学会": "xue2hui4", "大会": "da4hui4",
    "机会": "ji1hui4", "商会": "shang1hui4", "年会": "nian2hui4",
}  # fmt: skip

#: characters whose first reading is not the one they take in names, places and transliterations (什 shén is
#: 什么's; 阿什兰, 喀什 read shí)
CHARACTERS = {"什": "shi2", "勒": "le4", "佛": "fo2"}

#: places and words, each read as a whole; the longest first where two begin at the same character
_WHOLE = {**WORDS, **PLACES}
_WHOLE_RE = re.compile("|".join(sorted(_WHOLE, key=len, reverse=True)))
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
    text = _WHOLE_RE.sub(lambda m: _WHOLE[m.group(0)], text)
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
