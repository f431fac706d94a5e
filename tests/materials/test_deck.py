"""Decks built with python-pptx: extract, translate, write back, re-open with python-pptx and look at the runs."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from pptx import Presentation
from pptx.util import Inches

from citybridge.materials.deck import (
    DeckError,
    Limits,
    TagError,
    extract,
    split_sentences,
    translate_deck,
    write_translation,
)
from citybridge.materials.deck.tags import Piece, parse, render

from .builders import LINK, RED, add_runs, rich_deck, save

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def deck() -> bytes:
    return rich_deck()


def upper(tagged: str) -> str:
    """The fake translation: every piece of text upper-cased, tags as they are."""
    return render([Piece(p.text.upper(), p.tags, p.empty) for p in parse(tagged)])


def runs_of(data: bytes) -> list[tuple]:
    """(slide, shape name, text, bold, italic, colour, link) of every run of every text frame, groups walked."""
    out = []
    prs = Presentation(io.BytesIO(data))

    def walk(shapes, n):
        for shape in shapes:
            if shape.shape_type == 6:  # group
                walk(shape.shapes, n)
            if shape.has_text_frame:
                for p in shape.text_frame.paragraphs:
                    for r in p.runs:
                        colour = r.font.color.rgb if r.font.color and r.font.color.type is not None else None
                        out.append((n, r.text, r.font.bold, r.font.italic, colour, r.hyperlink.address))

    for n, slide in enumerate(prs.slides, 1):
        walk(slide.shapes, n)
    return out


def test_extract_finds_every_kind_of_text_with_tags(deck):
    segs = {s.id: s for s in extract(deck)}
    assert segs["s1/sh0/p0/s0"].source == "Energy master planning for cities"  # title placeholder
    assert [segs["s1/sh1/p0/s0"].source, segs["s1/sh1/p0/s1"].source] == ["A two-day module.", "Shanghai, 2026."]
    assert segs["s1/notes/sh1/p0/s1"].source == "Introduce the lecturer."
    assert segs["s1/notes/sh1/p0/s1"].context == "notes"
    assert segs["s2/sh0/p0/s0"].source == 'Green buildings <b>cut energy use</b> by <c val="FF0000">30%</c>.'
    assert segs["s2/sh0/p0/s1"].source == f'See <a href="{LINK}">the C40 guide</a> for <i>details</i>.'
    assert segs["s2/sh0/p1/s0"].source == "<b>绿色建筑</b>可以节能。"  # Chinese sentence end, no space needed
    assert segs["s2/sh0/p1/s1"].source == '<c val="FF0000">欢迎提问！</c>'
    assert segs["s2/sh1/r1c1/p0/s0"].context == "table"
    assert segs["s2/sh1/r1c1/p0/s0"].text == "About 40% in large cities."
    assert segs["s2/sh2.0.0/p0/s0"].text == "Grouped text inside a group."  # group in a group
    assert segs["s2/sh2.1/p0/s0"].text == "Outer group text."
    assert (segs["s2/sh3/chart0/p0/s0"].context, segs["s2/sh3/chart0/p0/s0"].text) == ("chart", "Emissions by year")
    assert (segs["s2/sh4/dm1/p0/s0"].context, segs["s2/sh4/dm1/p0/s0"].source) == ("smartart", "<b>Plan the grid</b>")
    assert segs["s2/sh4/dm2/p0/s0"].text == "Build clean energy"
    assert segs["s2/notes/sh1/p0/s1"].slide == 2
    assert len(segs) == 20
    # stable: a second extraction of the same bytes gives the same segments
    assert extract(deck) == list(segs.values())


def test_fake_translation_round_trips_text_and_formatting(deck):
    segs = extract(deck)
    out = write_translation(deck, {s.id: upper(s.source) for s in segs})
    again = {s.id: s for s in extract(out)}
    assert {s.id: upper(s.source) for s in segs} == {k: v.source for k, v in again.items()}
    runs = runs_of(out)
    assert (2, "CUT ENERGY USE", True, None, None, None) in runs
    assert (2, "30%", None, None, RED, None) in runs
    assert (2, "THE C40 GUIDE", None, None, None, LINK) in runs
    assert (2, "DETAILS", None, True, None, None) in runs
    prs = Presentation(io.BytesIO(out))
    s2 = prs.slides[1]
    assert s2.shapes[1].table.cell(1, 1).text == "ABOUT 40% IN LARGE CITIES."
    assert s2.shapes[2].shapes[0].shapes[0].text_frame.text == "GROUPED TEXT INSIDE A GROUP."
    assert s2.shapes[3].chart.chart_title.text_frame.text == "EMISSIONS BY YEAR"
    assert s2.notes_slide.notes_text_frame.text == "ASK ABOUT LOCAL EXAMPLES. MENTION ZHENJIANG."
    assert prs.slides[0].shapes.title.text == "ENERGY MASTER PLANNING FOR CITIES"
    # SmartArt: the data part and its cached drawing both carry the translation
    parts = {str(p.partname): p.blob for p in prs.part.package.iter_parts()}
    data = next(b for name, b in parts.items() if "/diagrams/data" in name)
    drawing = next(b for name, b in parts.items() if "/diagrams/drawing" in name)
    assert b"PLAN THE GRID" in data and b"Plan the grid" not in data
    assert b"BUILD CLEAN ENERGY" in drawing and b"Build clean energy" not in drawing


def test_chinese_translation_gets_east_asian_font_and_keeps_runs(deck):
    zh = {
        "s2/sh0/p0/s0": '绿色建筑可<b>降低能耗</b> <c val="FF0000">30%</c>。',
        "s2/sh0/p0/s1": f'详见<a href="{LINK}">C40 指南</a>的<i>细节</i>。',
        "s2/sh3/chart0/p0/s0": "逐年排放",
    }
    out = write_translation(deck, zh)
    runs = runs_of(out)
    assert (2, "降低能耗", True, None, None, None) in runs
    assert (2, "30%", None, None, RED, None) in runs
    assert (2, "C40 指南", None, None, None, LINK) in runs
    assert (2, "细节", None, True, None, None) in runs
    box = Presentation(io.BytesIO(out)).slides[1].shapes[0]
    para = box.text_frame.paragraphs[0]
    assert (
        para.text == "绿色建筑可降低能耗 30%。 详见C40 指南的细节。"
    )  # the space between the sentences is the source's
    eas = [r._r.find(f"{A}rPr/{A}ea") for r in para.runs]
    chinese = [e for e, r in zip(eas, para.runs, strict=True) if any("\u4e00" <= ch <= "\u9fff" for ch in r.text)]
    assert len(chinese) == 6 and all(e is not None and e.get("typeface") == "Microsoft YaHei" for e in chinese)
    assert [s.text for s in extract(out) if s.id == "s2/sh3/chart0/p0/s0"] == ["逐年排放"]
    # untouched segments stay as they were
    assert {s.id: s.source for s in extract(out)}["s2/sh0/p1/s0"] == "<b>绿色建筑</b>可以节能。"


def test_identity_translation_gives_the_same_deck_text(deck):
    segs = extract(deck)
    out = write_translation(deck, {s.id: s.source for s in segs})
    assert extract(out) == segs
    assert runs_of(out) == runs_of(deck)


@pytest.mark.parametrize(
    "target,code",
    [
        ("Green buildings cut energy use by 30%.", "tag_missing"),
        ('<b>Green</b> buildings <b>cut</b> by <c val="FF0000">30%</c>.', "tag_extra"),
        ('Green buildings <b>cut energy use by <c val="FF0000">30%</b></c>.', "tag_unbalanced"),
        ('<b>cut</b> <c val="FF0000">30%</c> <blink>x</blink>', "tag_unknown"),
        ('<b>cut</b> <c val="FF0000">30%</c> 5 < 6', "tag_malformed"),
        ('<b>cut</b> <c val="00FF00">30%</c>', "tag_missing"),  # another colour is another tag
    ],
)
def test_tags_that_do_not_match_the_source_are_refused(deck, target, code):
    with pytest.raises(TagError) as e:
        write_translation(deck, {"s2/sh0/p0/s0": target})
    assert e.value.code == code
    assert e.value.segment_id == "s2/sh0/p0/s0"


def test_reordered_tags_are_accepted_and_written(deck):
    out = write_translation(deck, {"s2/sh0/p0/s0": '<c val="FF0000">30%</c> by <b>CUT</b> green.'})
    assert (2, "CUT", True, None, None, None) in runs_of(out)


def test_overflow_heuristic_flags_a_long_translation_only():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(0.6))  # about 2 lines of 18 pt
    add_runs(box.text_frame.paragraphs[0], [("Green buildings save energy.", {"size": 18})])
    data = save(prs)
    (seg,) = extract(data)
    # 18 pt = 228,600 EMU a line at 1.2; usable height 0.6in − 0.1in = 457,200 EMU → 2 lines fit.
    # usable width 3in − 0.2in = 2,560,320 EMU = 11.2 em at 18 pt; 160 letters ≈ 80+ em ≈ 8 lines → overflow
    long = "Green buildings save a very great deal of energy " * 3 + "."
    result = translate_deck(data, {seg.id: long})
    assert len(result.overflows) == 1
    assert result.overflows[0].slide == 1 and result.overflows[0].target_fill > 1.0
    assert translate_deck(data, {seg.id: "绿色建筑节能。"}).overflows == []  # 7 characters = 7 em: one line


def test_unknown_ids_are_reported_not_written(deck):
    result = translate_deck(deck, {"s9/sh0/p0/s0": "x", "s1/sh0/p0/s0": "能源总体规划"})
    assert result.unknown == ["s9/sh0/p0/s0"]
    assert result.applied == 1


@pytest.mark.parametrize(
    "text,sentences",
    [
        ("Cities grow. They need power! Do they? Yes.", ["Cities grow.", "They need power!", "Do they?", "Yes."]),
        ("Dr. Hammer met the U.S. team at 9.30 a.m. today.", ["Dr. Hammer met the U.S. team at 9.30 a.m. today."]),
        ("城市在发展。需要电力！对吗？是的", ["城市在发展。", "需要电力！", "对吗？", "是的"]),
        ("他说：“要节能。”然后离开了。", ["他说：“要节能。”", "然后离开了。"]),
        ("Line one\nLine two", ["Line one", "Line two"]),
        ("Growth of 1.5% a year… 中文句子。English again.", ["Growth of 1.5% a year…", "中文句子。", "English again."]),
    ],
)
def test_sentences(text, sentences):
    assert split_sentences(text) == sentences


# --------------------------------------------------------------------------- hostile files


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    members[name] = content
    return zip_of(members)


def test_hostile_files_are_typed_errors(deck):
    cases = {
        "empty": b"",
        "not_zip": b"just some text, named deck.pptx",
        "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "not_pptx": zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "corrupt": replace_member(deck, "ppt/slides/slide1.xml", b"<p:sld><unclosed"),
    }
    for code, data in cases.items():
        with pytest.raises(DeckError) as e:
            extract(data)
        assert e.value.code == code, code
    with pytest.raises(DeckError) as e:
        extract(cases["not_pptx"])
    assert e.value.params["kind"] == "docx"  # a DOCX renamed .pptx is told apart
    with pytest.raises(DeckError) as e:
        write_translation(cases["corrupt"], {})
    assert e.value.code == "corrupt"


def test_size_limits(deck):
    with pytest.raises(DeckError) as e:
        extract(deck, Limits(max_bytes=len(deck) - 1))
    assert (e.value.code, e.value.params) == ("too_large", {"max": len(deck) - 1})
    with pytest.raises(DeckError) as e:
        extract(deck, Limits(max_parts=5))
    assert e.value.code == "too_many_parts"
    with pytest.raises(DeckError) as e:
        extract(deck, Limits(max_unzipped=10_000))
    assert e.value.code == "unzipped_too_large"


def test_zip_bomb_is_refused_from_the_central_directory(deck):
    bomb = replace_member(deck, "ppt/media/zeros.bin", b"\0" * (20 * 1024 * 1024))  # 20 MiB → ~20 KiB
    with pytest.raises(DeckError) as e:
        extract(bomb)
    assert e.value.code == "ratio"


def test_xml_with_entity_expansion_is_refused(deck):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE p:sld [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><p:sld xmlns:p="http://schemas.openxmlformats.org/'
        b'presentationml/2006/main"><p:cSld><p:spTree/></p:cSld><p:txt>&c;</p:txt></p:sld>'
    )
    with pytest.raises(DeckError) as e:
        extract(replace_member(deck, "ppt/slides/slide1.xml", laughs))
    assert (e.value.code, e.value.params["part"]) == ("xml_doctype", "ppt/slides/slide1.xml")


def test_control_characters_in_a_translation_do_not_break_the_file(deck):
    out = write_translation(deck, {"s1/sh0/p0/s0": "能源\x00总体\x0b规划"})
    assert extract(out)[0].source == "能源总体规划"


# --------------------------------------------------------------------------- property


_TEXT = st.text(alphabet=st.sampled_from(list("abcXYZ 01.,!?。，！？中文绿色&<>\"'")), min_size=1, max_size=30).filter(
    lambda s: s.strip()
)
_RUN = st.tuples(_TEXT, st.fixed_dictionaries({"bold": st.booleans(), "italic": st.booleans()}))


_ROTATE = str.maketrans("abcXYZ中文绿色", "bcaYZX文绿色中")


def rotate(tagged: str) -> str:
    return render([Piece(p.text.translate(_ROTATE), p.tags, p.empty) for p in parse(tagged)])


def build(paragraphs: list[list[tuple[str, dict]]]) -> bytes:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    tf = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(5), Inches(3)).text_frame
    for k, runs in enumerate(paragraphs):
        add_runs(tf.paragraphs[0] if k == 0 else tf.add_paragraph(), runs)
    return save(prs)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_RUN, min_size=1, max_size=4), min_size=1, max_size=3))
def test_identity_and_rewrite_round_trip(paragraphs):
    data = build(paragraphs)
    segs = extract(data)
    assert extract(write_translation(data, {s.id: s.source for s in segs})) == segs
    # a translation that changes every text forces every paragraph to be rebuilt; undoing it gives the segments back
    # (letters rotated within their class, so sentence boundaries stay where they were)
    rotated = write_translation(data, {s.id: rotate(s.source) for s in segs})
    assert [(s.id, s.source) for s in extract(rotated)] == [(s.id, rotate(s.source)) for s in segs]


def test_hyperlink_relationship_survives_in_the_xml(deck):
    out = write_translation(deck, {"s2/sh0/p0/s1": f'见<a href="{LINK}">指南</a>，<i>细节</i>。'})
    prs = Presentation(io.BytesIO(out))
    runs = prs.slides[1].shapes[0].text_frame.paragraphs[0].runs
    link_run = next(r for r in runs if r.text == "指南")
    rid = link_run._r.find(f"{A}rPr/{A}hlinkClick").get(
        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    )
    assert prs.slides[1].part.rels[rid].target_ref == LINK
    assert etree.QName(link_run._r).localname == "r"


def test_hidden_slides_are_extracted_and_marked():
    prs = Presentation()
    for text, hidden in (("Shown slide.", False), ("Hidden slide.", True)):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.shapes.add_textbox(Inches(1), Inches(1), Inches(4), Inches(1)).text_frame.text = text
        if hidden:
            slide._element.set("show", "0")
    segs = extract(save(prs))
    assert [(s.text, s.slide, s.hidden) for s in segs] == [("Shown slide.", 1, False), ("Hidden slide.", 2, True)]


def test_check_translations_lists_every_tag_problem_without_raising(deck):
    from citybridge.materials.deck import check_translations

    problems = check_translations(
        deck,
        {
            "s2/sh0/p0/s0": "绿色建筑降低能耗 30%。",  # <b> and <c> lost
            "s2/sh0/p1/s0": "<b>Green buildings</b> save energy.",  # fine
            "s2/sh0/p1/s1": '<c val="FF0000">Questions</c> <b>welcome</b>!',  # <b> added
        },
    )
    assert [(p.segment_id, p.code) for p in problems] == [
        ("s2/sh0/p0/s0", "tag_missing"),
        ("s2/sh0/p1/s1", "tag_extra"),
    ]


def test_smartart_drawing_cache_with_other_text_is_left_alone():
    from .builders import add_smartart

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    add_smartart(slide, ["Plan the grid"], drawing_texts=["Stale cached text"])
    data = save(prs)
    (seg,) = extract(data)  # the node's text; the cached drawing is never a segment
    assert (seg.id, seg.source) == ("s1/sh0/dm1/p0/s0", "<b>Plan the grid</b>")
    out = write_translation(data, {seg.id: "<b>规划电网</b>"})
    parts = {str(p.partname): p.blob for p in Presentation(io.BytesIO(out)).part.package.iter_parts()}
    data_xml = next(b for n, b in parts.items() if "/diagrams/data" in n)
    drawing_xml = next(b for n, b in parts.items() if "/diagrams/drawing" in n)
    assert "规划电网".encode() in data_xml
    assert b"Stale cached text" in drawing_xml and "规划电网".encode() not in drawing_xml


@pytest.mark.parametrize("part", ["ppt/charts/chart1.xml", "ppt/diagrams/data258.xml", "ppt/diagrams/drawing258.xml"])
def test_a_broken_part_read_late_is_a_typed_error(deck, part):
    with zipfile.ZipFile(io.BytesIO(deck)) as z:
        assert part in z.namelist()
    broken = replace_member(deck, part, b"<c:chartSpace><not closed")
    for call in (lambda: extract(broken), lambda: write_translation(broken, {})):
        with pytest.raises(DeckError) as e:
            call()
        assert e.value.code == "corrupt"


def test_fields_and_line_breaks_are_kept():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    p = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.paragraphs[0]
    p._p.append(etree.fromstring(f'<a:r xmlns:a="{A[1:-1]}"><a:t>This is slide </a:t></a:r>'))
    p._p.append(
        etree.fromstring(
            f'<a:fld xmlns:a="{A[1:-1]}" id="{{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}}" type="slidenum">'
            f"<a:rPr/><a:t>1</a:t></a:fld>"
        )
    )
    p._p.append(etree.fromstring(f'<a:r xmlns:a="{A[1:-1]}"><a:t>.</a:t></a:r>'))
    p._p.append(etree.fromstring(f'<a:br xmlns:a="{A[1:-1]}"/>'))
    p._p.append(etree.fromstring(f'<a:r xmlns:a="{A[1:-1]}"><a:t>Second line</a:t></a:r>'))
    data = save(prs)
    segs = extract(data)
    assert [(s.id, s.source) for s in segs] == [
        ("s1/sh0/p0/s0", 'This is slide <fld id="0"/>.'),
        ("s1/sh0/p0/s1", "Second line"),
    ]
    out = write_translation(data, {"s1/sh0/p0/s0": '这是第 <fld id="0"/> 页。', "s1/sh0/p0/s1": "第二行"})
    para = Presentation(io.BytesIO(out)).slides[0].shapes[0].text_frame.paragraphs[0]._p
    names = [etree.QName(c).localname for c in para if etree.QName(c).localname != "endParaRPr"]
    assert names == ["r", "fld", "r", "br", "r"]
    fld = para.find(f"{A}fld")
    assert fld.get("type") == "slidenum" and fld.get("id") == "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
    assert [s.source for s in extract(out)] == ['这是第 <fld id="0"/> 页。', "第二行"]
    with pytest.raises(TagError) as e:
        write_translation(data, {"s1/sh0/p0/s0": "这是幻灯片。"})
    assert (e.value.code, e.value.tag) == ("tag_missing", '<fld id="0"/>')
