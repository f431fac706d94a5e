"""Inline tags: parse and render agree, text with < > & survives, underline and theme colours are written back."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pptx import Presentation
from pptx.util import Inches

from citybridge.materials.deck import TagError, extract, write_translation
from citybridge.materials.deck.tags import Piece, Tag, parse, plain, render

from .builders import save

_TAGS = st.sampled_from(
    [Tag("b"), Tag("i"), Tag("u"), Tag("c", "FF0000"), Tag("c", "accent1"), Tag("a", 'https://x.example/?a=1&b="2"')]
)
_PIECES = st.lists(
    st.tuples(
        st.text(alphabet="ab <>&\"'中。", min_size=1, max_size=6),
        st.frozensets(_TAGS, max_size=3).filter(lambda s: len({t.name for t in s}) == len(s)),
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(_PIECES)
def test_render_then_parse_gives_the_pieces_back(pieces):
    tagged = render([Piece(text, tags) for text, tags in pieces])
    # adjacent pieces with the same tags merge; the text and each character's tags are what they were
    chars = [(ch, tags) for text, tags in pieces for ch in text]
    assert [(ch, p.tags) for p in parse(tagged) for ch in p.text] == chars
    assert plain(tagged) == "".join(text for text, _ in pieces)
    assert render(parse(tagged)) == tagged


@pytest.mark.parametrize(
    "bad,code",
    [
        ("<b>x", "tag_unbalanced"),
        ("x</b>", "tag_unbalanced"),
        ("<b><i>x</b></i>", "tag_unbalanced"),
        ('<c val="red;evil">x</c>', "tag_malformed"),
        ("<a>x</a>", "tag_malformed"),
        ("<b><b>x</b></b>", "tag_malformed"),
        ("a & b", "tag_malformed"),
        ("<script>x</script>", "tag_unknown"),
    ],
)
def test_bad_tagged_text(bad, code):
    with pytest.raises(TagError) as e:
        parse(bad)
    assert e.value.code == code


def test_underline_and_escaped_text_are_written_back():
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    p = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.paragraphs[0]
    r1 = p.add_run()
    r1.text = "Use < 5 kWh & "
    r2 = p.add_run()
    r2.text = "save"
    r2.font.underline = True
    data = save(prs)
    (seg,) = extract(data)
    assert seg.source == "Use &lt; 5 kWh &amp; <u>save</u>"
    out = write_translation(data, {seg.id: "用电 &lt; 5 千瓦时 &amp; <u>节约</u>"})
    runs = Presentation(io.BytesIO(out)).slides[0].shapes[0].text_frame.paragraphs[0].runs
    assert [(r.text, r.font.underline) for r in runs] == [("用电 < 5 千瓦时 & ", None), ("节约", True)]
