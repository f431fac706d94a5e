"""Glossary: the seed, term lookup, CSV and TBX in and out, bad files."""

from __future__ import annotations

import csv
import io
import re

import pytest

from citybridge.materials.glossary import (
    SEED,
    Glossary,
    GlossaryError,
    Term,
    load_seed,
    read_csv,
    read_tbx,
    write_csv,
    write_tbx,
)


def test_seed_has_sixty_terms_each_with_its_source():
    g = load_seed()
    assert len(g) >= 60
    assert all(t.source for t in g.terms)
    with SEED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(g)  # no row of the seed is refused
    topics = {t.en: t.zh for t in g.terms}
    assert topics["energy master planning"] == "能源总体规划"  # as academy/demo.py TOPICS
    assert topics["green building"] == "绿色建筑"
    # what a translator reads beside a term: sources and notes in words, never the project's files or codes
    internal = re.compile(r"\.(py|md|po|csv)\b|/work/|seed \d|%\(|catalogue")
    for row in rows:
        assert not internal.search(row["source"] + " " + row["note"]), row


def test_english_lookup_is_case_insensitive_whole_words_and_plurals():
    g = load_seed()
    hits = g.find("Green Buildings and Eco-Cities need ENERGY MASTER PLANNING; eco city pilots too.")
    assert [(h.found, h.targets) for h in hits] == [
        ("Green Buildings", ("绿色建筑",)),
        ("Eco-Cities", ("生态城市",)),
        ("ENERGY MASTER PLANNING", ("能源总体规划",)),
        ("eco city", ("生态城市",)),
    ]
    assert g.find("greenbuilding codes") == []  # not a whole word
    # two renderings of one English term: both accepted
    assert load_seed().find("green finance")[0].targets == ("绿色金融",)


def test_chinese_lookup_is_exact_and_longest_first():
    g = Glossary(
        [Term("energy", "能源"), Term("energy master planning", "能源总体规划"), Term("clean energy", "清洁能源")]
    )
    hits = g.find("能源总体规划和清洁能源", "zh")
    assert [(h.found, h.targets) for h in hits] == [
        ("能源总体规划", ("energy master planning",)),
        ("清洁能源", ("clean energy",)),
    ]


def test_csv_round_trip_and_formula_neutralised():
    terms = [
        Term("energy master planning", "能源总体规划", "topic", "demo"),
        Term("=cmd|' /C calc'!A0", "公式", "", ""),
    ]
    data = write_csv(terms)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"'=cmd" in data  # a spreadsheet shows it as text
    back, problems = read_csv(data)
    assert (back, problems) == (terms, [])


def test_csv_in_gbk_is_refused_unless_allowed():
    data = "en,zh\ngreen building,绿色建筑\n".encode("gbk")
    with pytest.raises(GlossaryError) as e:
        read_csv(data)
    assert e.value.code == "encoding"
    terms, _ = read_csv(data, encodings=("utf-8", "gb18030"))
    assert terms == [Term("green building", "绿色建筑")]


def test_csv_rows_with_problems_are_reported():
    data = "English,Chinese,note\ngreen building,绿色建筑,\n,生态城市,\neco-city,,\ngreen building,绿色建筑,dup\n" + (
        "x" * 201 + ",太长,\n"
    )
    terms, problems = read_csv(data.encode())
    assert terms == [Term("green building", "绿色建筑")]
    assert [(p.row, p.code, p.field) for p in problems] == [
        (2, "missing_en", "en"),
        (3, "missing_zh", "zh"),
        (4, "duplicate", "en"),
        (5, "too_long", "en"),
    ]
    for bad, code in ((b"", "empty"), (b"name,value\na,b\n", "no_header")):
        with pytest.raises(GlossaryError) as e:
            read_csv(bad)
        assert e.value.code == code


def test_tbx_round_trip_with_two_chinese_renderings():
    terms = [
        Term("official", "学员", "on training screens", "docs/glossary.md"),
        Term("official", "官员", "on training screens", "docs/glossary.md"),
        Term("green building", "绿色建筑"),
    ]
    data = write_tbx(terms)
    assert b"<conceptEntry" in data and b'xml:lang="zh-Hans"' in data and b"<termSec>" in data
    assert read_tbx(data) == (terms, [])
    seed = load_seed().terms
    assert read_tbx(write_tbx(seed))[0] == seed


def test_tbx_v2_martif_is_read():
    data = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="t1"><descrip type="definition">x</descrip>
 <langSet xml:lang="en-US"><tig><term>clean energy</term></tig></langSet>
 <langSet xml:lang="zh-CN"><ntig><termGrp><term>清洁能源</term></termGrp></ntig></langSet></termEntry>
<termEntry id="t2"><langSet xml:lang="en"><tig><term>lonely</term></tig></langSet></termEntry>
</body></text></martif>""".encode()
    terms, problems = read_tbx(data)
    assert terms == [Term("clean energy", "清洁能源")]
    assert [(p.row, p.code) for p in problems] == [(2, "missing_zh")]


def test_tbx_hostile_files_are_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><tbx>&b;</tbx>'
    for data, code in (
        (laughs, "xml_doctype"),
        (b"<tbx><unclosed>", "not_tbx"),
        (b"<html/>", "not_tbx"),
        (b"", "empty"),
    ):
        with pytest.raises(GlossaryError) as e:
            read_tbx(data)
        assert e.value.code == code
    with pytest.raises(GlossaryError) as e:
        read_tbx(io.BytesIO(b"<tbx/>").getvalue(), max_bytes=3)
    assert e.value.code == "too_large"
