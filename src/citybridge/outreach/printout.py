"""The paper evaluation form (PDF, A4, both languages on the page) and the QR code of a course's link.

Plain Python, no Django: the view passes the course title, the form items and the link. Chinese is drawn with the
font academy/certificate.py registers (WenQuanYi Zen Hei, embedded as a subset). The QR code is reportlab's own
widget (ISO/IEC 18004), so no extra dependency."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from citybridge.academy.certificate import register_cjk_font

#: the questions as printed: (English, Chinese)
QUESTIONS = (("Relevance to China", "与中国的相关性"), ("Delivery", "授课质量"), ("Expectations met", "达到预期"))


_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+")


def wrap(text: str, measure: Callable[[str], float], width: float) -> list[str]:
    """`text` in lines no wider than `width` (by `measure`): English breaks between words, Chinese between any two
    characters; a word wider than the line is cut."""
    out, line = [], ""
    for token in _TOKENS.findall(text):
        if measure(line + token) <= width or not line.strip():
            line += token
            while measure(line) > width and len(line) > 1:  # one word wider than the line
                cut = max(i for i in range(1, len(line) + 1) if measure(line[:i]) <= width or i == 1)
                out.append(line[:cut])
                line = line[cut:]
        else:
            out.append(line.rstrip())
            line = token.lstrip()
    if line.strip():
        out.append(line.rstrip())
    return out


@dataclass(frozen=True)
class PrintItem:
    label_en: str
    label_zh: str


@dataclass(frozen=True)
class PrintForm:
    course_en: str
    course_zh: str
    dates: str
    items: list[PrintItem]
    topics: list[tuple[str, str]]  # (English, Chinese) names of the topics one may ask follow-up on
    link_url: str = ""


def qr_svg(url: str, size: float = 160) -> bytes:
    """The QR code of `url` as SVG."""
    from reportlab.graphics import renderSVG
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return renderSVG.drawToString(drawing).encode("utf-8")


def form_pdf(form: PrintForm, *, font_path: str | None = None) -> bytes:
    """One A4 page per six items: scale boxes 1–5 per question, a comment box, then the follow-up request."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = register_cjk_font(font_path) if font_path else register_cjk_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(f"Evaluation / 课程评价 — {form.course_en}")
    width, height = A4
    margin = 40

    def lines(text: str, size: float, x: float, y: float, leading: float, right: float = width - margin) -> float:
        """Draw `text` from (x, y), wrapped within `right`; return the y below its last line."""
        c.setFont(font, size)
        for line in wrap(text, lambda t: c.stringWidth(t, font, size), right - x):
            c.drawString(x, y, line)
            y -= leading
        return y

    def header() -> float:
        beside_qr = width - margin - (80 if form.link_url else 0)  # the text keeps clear of the QR code
        y = lines(
            f"Course evaluation / 课程评价：{form.course_zh or form.course_en}", 14, margin, height - 50, 17, beside_qr
        )
        y = lines(f"{form.course_en}  ·  {form.dates}", 10, margin, y + 1, 13, beside_qr)
        y = lines(
            "Anonymous: do not write your name unless you want us to follow up.", 10, margin, y - 2, 13, beside_qr
        )
        y = lines("匿名填写：如需我们跟进，请留下姓名和联系方式。", 10, margin, y, 13, beside_qr)
        y = lines("1 = poor / 差   …   5 = excellent / 优秀", 10, margin, y, 13, beside_qr)
        if form.link_url:
            widget = QrCodeWidget(form.link_url, barLevel="M")
            x0, y0, x1, y1 = widget.getBounds()
            d = Drawing(70, 70, transform=[70 / (x1 - x0), 0, 0, 70 / (y1 - y0), 0, 0])
            d.add(widget)
            renderPDF.draw(d, c, width - margin - 70, height - 110)
        return min(y - 8, height - 120)

    y = header()
    for item in form.items:
        if y < 150:
            c.showPage()
            y = header()
        y = lines(item.label_zh, 11, margin, y, 14)  # each language on its own lines, wrapped within the page
        y = lines(item.label_en, 11, margin, y, 14) - 2
        c.setFont(font, 9)
        for en, zh in QUESTIONS:
            c.drawString(margin + 10, y, f"{zh} / {en}")
            for n in range(1, 6):
                x = margin + 220 + (n - 1) * 40
                c.rect(x, y - 2, 10, 10)
                c.drawString(x + 13, y, str(n))
            y -= 14
        c.drawString(margin + 10, y, "Comments / 意见：")
        c.rect(margin + 90, y - 26, width - 2 * margin - 90, 34)
        y -= 44
    if y < 200:
        c.showPage()
        y = header()
    c.setFont(font, 11)
    c.drawString(margin, y, "I want follow-up on / 我希望就以下主题得到跟进：")
    y -= 16
    c.setFont(font, 9)
    for i, (en, zh) in enumerate(form.topics[:24]):
        col, row = i % 2, i // 2
        x = margin + 10 + col * 260
        c.rect(x, y - row * 14 - 2, 8, 8)
        c.drawString(x + 12, y - row * 14, f"{zh} / {en}"[:60])
    y -= ((min(len(form.topics), 24) + 1) // 2) * 14 + 10
    c.drawString(margin, y, "Other / 其他：")
    c.rect(margin + 70, y - 20, width - 2 * margin - 70, 28)
    y -= 44
    c.drawString(margin, y, "Name and contact (optional) / 姓名和联系方式（可选）：")
    c.line(margin + 230, y - 2, width - margin, y - 2)
    c.showPage()
    c.save()
    return buf.getvalue()
