"""Translation memory: hand-checked scores for English (words) and Chinese (characters), tags restored, and the
prefix-filtered index giving exactly what a scan of every entry gives."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from citybridge.materials.tm import TranslationMemory, similarity


@pytest.fixture
def tm() -> TranslationMemory:
    tm = TranslationMemory()
    tm.add("Green buildings <b>cut energy use</b> by 30%.", "绿色建筑<b>降低能耗</b> 30%。", key=1)
    tm.add("绿色建筑可以节能。", "Green buildings save energy.", key=2)
    tm.add('See <a href="https://a.example/">the guide</a>.', '见<a href="https://a.example/">指南</a>。', key=3)
    tm.add("District heating serves the old town.", "集中供热覆盖老城区。", key=4)
    return tm


def test_english_fuzzy_score_on_words(tm):
    # words: green buildings cut energy use by 30 (7) vs green buildings cut water use by 30 (7); LCS 6 words
    # 100 × 2·6 / (7 + 7) = 85.714… → 85.7
    (m,) = tm.lookup("Green buildings <b>cut water use</b> by 30%.")
    assert (m.score, m.exact, m.entry.key) == (85.7, False, 1)
    assert m.target == "绿色建筑<b>降低能耗</b> 30%。" and m.tags_restored
    assert similarity("cut energy use", "cut water use") == pytest.approx(66.7)  # 2·2/(3+3)


def test_chinese_fuzzy_score_on_characters(tm):
    # 绿色建筑可以节能。 vs 绿色建筑能够节能。: 9 characters each, LCS 绿色建筑节能。 = 7; 100 × 14 / 18 = 77.8
    (m,) = tm.lookup("绿色建筑能够节能。")
    assert (m.score, m.entry.key) == (77.8, 2)
    # 集中供热覆盖新城区。 (no match above 70 in the English-source entries: it is compared as characters)
    assert similarity("集中供热覆盖老城区。", "集中供热覆盖新城区。") == pytest.approx(90.0)  # LCS 9 of 10+10


def test_exact_match_ignores_tags_case_and_width(tm):
    (m,) = tm.lookup("Green buildings cut energy use by 30%.")
    assert (m.score, m.exact) == (100.0, True)
    assert m.target == "绿色建筑降低能耗 30%。"  # the query has no tags: none in the suggestion
    (m,) = tm.lookup("GREEN BUILDINGS <b>CUT ENERGY USE</b> BY ３０%.")
    assert (m.score, m.exact, m.target) == (99.0, True, "绿色建筑<b>降低能耗</b> 30%。")


def test_tags_of_the_query_are_restored(tm):
    (m,) = tm.lookup('See <a href="https://b.example/">the guide</a>.')
    assert m.exact and m.tags_restored
    assert m.target == '见<a href="https://b.example/">指南</a>。'
    (m,) = tm.lookup("See <i>the</i> <b>guide</b>.")  # other tags: the text comes without them
    assert (m.target, m.tags_restored) == ("见指南。", False)


def test_below_min_score_nothing(tm):
    assert tm.lookup("Completely different words here.") == []
    assert tm.lookup("District heating serves the new town.", min_score=90) == []  # 2·5/12 = 83.3
    (m,) = tm.lookup("District heating serves the new town.", min_score=80)
    assert m.score == 83.3


def test_index_finds_what_a_full_scan_finds():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(300)]
    chars = [chr(0x4E00 + i) for i in range(400)]
    tm = TranslationMemory()
    en, zh = [], []
    for _ in range(1500):
        s = " ".join(rng.choice(words[: rng.choice([20, 300])]) for _ in range(rng.randint(3, 12)))
        en.append(s)
        tm.add(s, "x")
        c = "".join(rng.choice(chars[: rng.choice([30, 400])]) for _ in range(rng.randint(4, 20)))
        zh.append(c)
        tm.add(c, "y")
    for _ in range(30):
        base = rng.choice(en).split()
        base[rng.randrange(len(base))] = rng.choice(words)
        query = " ".join(base)
        got = [m.score for m in tm.lookup(query, limit=5, min_score=60)]
        scan = sorted((similarity(query, s) for s in en), reverse=True)
        assert got == [s for s in scan if s >= 60][:5]
        cq = list(rng.choice(zh))
        cq[rng.randrange(len(cq))] = rng.choice(chars)
        query = "".join(cq)
        got = [m.score for m in tm.lookup(query, limit=5, min_score=60)]
        scan = sorted((round(fuzz.ratio(query, s), 1) for s in zh), reverse=True)
        assert got == [s for s in scan if s >= 60][:5]
