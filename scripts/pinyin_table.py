"""Write src/citybridge/data/pinyin/readings.txt, the table behind core.pinyin (the Chinese sort order of names).

Each line is a reading in tone-number pinyin (`zhang1`, `lv4` for lǜ, tone 5 for the neutral tone) and, after a
tab, every character whose first reading it is. The readings are pinyin-data's as pypinyin 0.55.0 ships them
(`pypinyin.pinyin_dict`; both MIT, by mozillazg; pinyin-data compiles Unicode's Unihan kHanyuPinyin, kMandarin and
kXHC1983 readings), for the CJK Unified Ideographs of the Basic Multilingual Plane (U+3400–U+4DBF, U+4E00–U+9FFF).
A character's first reading is its most common one; names and places that read otherwise are in core.pinyin.

A one-off for a developer (pypinyin is not a dependency of the project):
    pip install pypinyin==0.55.0 && python scripts/pinyin_table.py
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path

from pypinyin.pinyin_dict import pinyin_dict

TONES = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
OUT = Path(__file__).resolve().parent.parent / "src" / "citybridge" / "data" / "pinyin" / "readings.txt"


def tone_number(reading: str) -> str:
    """`zhāng` → `zhang1`, `lǜ` → `lv4`, `ma` → `ma5`."""
    tone, letters = "5", []
    for ch in unicodedata.normalize("NFD", reading):
        if ch in TONES:
            tone = TONES[ch]
        elif ch == "\u0308":  # the diaeresis of ü
            letters[-1] = "v"
        elif not unicodedata.combining(ch):
            letters.append(ch)
    return "".join(letters).replace("ê", "e") + tone


def main() -> None:
    by_reading: dict[str, list[str]] = defaultdict(list)
    for code, readings in sorted(pinyin_dict.items()):
        if 0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF:
            by_reading[tone_number(readings.split(",")[0])].append(chr(code))
    OUT.write_text("".join(f"{r}\t{''.join(chars)}\n" for r, chars in sorted(by_reading.items())), encoding="utf-8")
    print(f"{OUT}: {sum(map(len, by_reading.values()))} characters, {len(by_reading)} readings")


if __name__ == "__main__":
    main()
