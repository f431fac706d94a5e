"""Real decks built with python-pptx for the materials tests and the benchmark (nothing mocked)."""

from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.util import Emu, Inches, Pt

RED = RGBColor(0xFF, 0x00, 0x00)
LINK = "https://www.c40.org/what-we-do/"

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
DSP = "http://schemas.microsoft.com/office/drawing/2008/diagram"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def save(prs) -> bytes:
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def add_runs(paragraph, runs) -> None:
    """runs: (text, {"bold": True, "italic": True, "color": RGBColor, "link": url, "size": 24})."""
    for text, fmt in runs:
        r = paragraph.add_run()
        r.text = text
        if fmt.get("bold"):
            r.font.bold = True
        if fmt.get("italic"):
            r.font.italic = True
        if fmt.get("color") is not None:
            r.font.color.rgb = fmt["color"]
        if fmt.get("size"):
            r.font.size = Pt(fmt["size"])
        if fmt.get("link"):
            r.hyperlink.address = fmt["link"]


def rich_deck() -> bytes:
    """Two slides: a title placeholder; a text box with bold, red, italic and linked runs over two sentences; a
    table; a group holding a group holding a text box; notes; a column chart with a title; a SmartArt node."""
    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[0])
    s1.shapes.title.text = "Energy master planning for cities"
    s1.placeholders[1].text = "A two-day module. Shanghai, 2026."
    s1.notes_slide.notes_text_frame.text = "Welcome the mayors. Introduce the lecturer."

    s2 = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    box = s2.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(6), Inches(1.5))
    p = box.text_frame.paragraphs[0]
    add_runs(
        p,
        [
            ("Green buildings ", {}),
            ("cut energy use", {"bold": True}),
            (" by ", {}),
            ("30%", {"color": RED}),
            (". See ", {}),
            ("the C40 guide", {"link": LINK}),
            (" for ", {}),
            ("details", {"italic": True}),
            (".", {}),
        ],
    )
    p2 = box.text_frame.add_paragraph()
    add_runs(p2, [("绿色建筑", {"bold": True}), ("可以节能。", {}), ("欢迎提问！", {"color": RED})])

    table = s2.shapes.add_table(2, 2, Inches(0.5), Inches(2.2), Inches(6), Inches(1)).table
    table.cell(0, 0).text = "Sector"
    table.cell(0, 1).text = "Share of emissions"
    table.cell(1, 0).text = "Buildings"
    table.cell(1, 1).text = "About 40% in large cities."

    outer = s2.shapes.add_group_shape()
    inner = outer.shapes.add_group_shape()
    inner_box = inner.shapes.add_textbox(Inches(7), Inches(0.5), Inches(2.5), Inches(1))
    inner_box.text_frame.text = "Grouped text inside a group."
    outer.shapes.add_textbox(Inches(7), Inches(2), Inches(2.5), Inches(1)).text_frame.text = "Outer group text."

    data = CategoryChartData()
    data.categories = ["2020", "2025", "2030"]
    data.add_series("Emissions", (10.0, 8.5, 6.0))
    chart = s2.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(3.5), Inches(5), Inches(3), data
    ).chart
    chart.has_title = True
    chart.chart_title.text_frame.text = "Emissions by year"

    s2.notes_slide.notes_text_frame.text = "Ask about local examples. Mention Zhenjiang."
    add_smartart(s2, ["Plan the grid", "Build clean energy"])
    return save(prs)


def add_smartart(slide, texts: list[str], drawing_texts: list[str] | None = None) -> None:
    """A minimal SmartArt: a diagram data part (``dgm:dataModel`` with one ``dgm:pt`` per text, plus the document
    point) and its cached drawing part (``dsp:drawing``), related from the slide, and the ``graphicFrame``."""
    part = slide.part
    pts = ['<dgm:pt modelId="{00000000-0000-0000-0000-000000000000}" type="doc"><dgm:prSet/><dgm:spPr/></dgm:pt>']
    shapes = []
    for k, text in enumerate(texts, 1):
        model = f"{{{k:08d}-0000-0000-0000-000000000000}}"
        para = f'<a:p><a:r><a:rPr lang="en-US" b="1"/><a:t>{text}</a:t></a:r></a:p>'
        pts.append(
            f'<dgm:pt modelId="{model}"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/>{para}</dgm:t></dgm:pt>'
        )
        if drawing_texts is not None:
            para = f'<a:p><a:r><a:rPr lang="en-US" b="1"/><a:t>{drawing_texts[k - 1]}</a:t></a:r></a:p>'
        shapes.append(
            f'<dsp:sp modelId="{model}"><dsp:nvSpPr><dsp:cNvPr id="0" name=""/><dsp:cNvSpPr/></dsp:nvSpPr>'
            f"<dsp:spPr/><dsp:txBody><a:bodyPr/><a:lstStyle/>{para}</dsp:txBody></dsp:sp>"
        )
    n = len([r for r in part.rels.values() if r.reltype == RT.DIAGRAM_DATA]) + 1 + slide.slide_id
    drawing = Part(
        PackURI(f"/ppt/diagrams/drawing{n}.xml"),
        "application/vnd.ms-office.drawingml.diagramDrawing+xml",
        part.package,
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<dsp:drawing xmlns:dsp="{DSP}" xmlns:a="{A}">'
            f'<dsp:spTree><dsp:nvGrpSpPr><dsp:cNvPr id="0" name=""/><dsp:cNvGrpSpPr/></dsp:nvGrpSpPr>'
            f"<dsp:grpSpPr/>{''.join(shapes)}</dsp:spTree></dsp:drawing>"
        ).encode(),
    )
    drawing_rid = part.relate_to(drawing, "http://schemas.microsoft.com/office/2007/relationships/diagramDrawing")
    data = Part(
        PackURI(f"/ppt/diagrams/data{n}.xml"),
        "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        part.package,
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<dgm:dataModel xmlns:dgm="{DGM}" xmlns:a="{A}" xmlns:r="{R}"><dgm:ptLst>{"".join(pts)}</dgm:ptLst>'
            f'<dgm:cxnLst/><dgm:bg/><dgm:whole/><dgm:extLst><a:ext uri="http://schemas.microsoft.com/office/drawing/2008/diagram">'
            f'<dsp:dataModelExt xmlns:dsp="{DSP}" relId="{drawing_rid}" minVer="http://schemas.openxmlformats.org/drawingml/2006/diagram"/>'
            f"</a:ext></dgm:extLst></dgm:dataModel>"
        ).encode(),
    )
    data_rid = part.relate_to(data, RT.DIAGRAM_DATA)
    frame = etree.fromstring(
        f'<p:graphicFrame xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="{A}" '
        f'xmlns:r="{R}"><p:nvGraphicFramePr><p:cNvPr id="900" name="Diagram"/><p:cNvGraphicFramePr/><p:nvPr/>'
        f'</p:nvGraphicFramePr><p:xfrm><a:off x="{Emu(Inches(6))}" y="{Emu(Inches(4))}"/>'
        f'<a:ext cx="{Emu(Inches(3))}" cy="{Emu(Inches(2))}"/></p:xfrm><a:graphic>'
        f'<a:graphicData uri="{DGM}"><dgm:relIds xmlns:dgm="{DGM}" r:dm="{data_rid}" r:lo="" r:qs="" r:cs=""/>'
        f"</a:graphicData></a:graphic></p:graphicFrame>"
    )
    slide.shapes._spTree.append(frame)


def big_deck(slides: int = 60, boxes: int = 4, sentences: int = 3) -> bytes:
    """A deck of ``slides`` slides, each with ``boxes`` text boxes of two paragraphs of ``sentences`` sentences
    (bold and coloured runs in each), a 3×3 table and notes."""
    prs = Presentation()
    layout = prs.slide_layouts[5]  # title only
    for n in range(slides):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = f"Slide {n + 1}: district heating and green buildings"
        for b in range(boxes):
            tb = slide.shapes.add_textbox(Inches(0.5 + 2.3 * (b % 4)), Inches(1.5), Inches(2.2), Inches(2.5))
            tf = tb.text_frame
            for k in range(2):
                para = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
                for s in range(sentences):
                    add_runs(
                        para,
                        [
                            (f"Measure {n}.{b}.{k}.{s} ", {}),
                            ("cuts heat demand", {"bold": True}),
                            (" by ", {}),
                            (f"{(n + s) % 40 + 5}%", {"color": RED}),
                            (". ", {}),
                        ],
                    )
        table = slide.shapes.add_table(3, 3, Inches(0.5), Inches(4.5), Inches(8), Inches(1.5)).table
        for r in range(3):
            for c in range(3):
                table.cell(r, c).text = f"Cell {r}-{c} of slide {n + 1}."
        slide.notes_slide.notes_text_frame.text = f"Speaker note for slide {n + 1}. Keep it short."
    return save(prs)
