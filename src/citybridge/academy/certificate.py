"""Bilingual completion certificates (PDF) and their verification codes.

Plain Python, no Django. Chinese is drawn with the WenQuanYi Zen Hei TrueType collection (Debian package
``fonts-wqy-zenhei``), embedded as a subset, so the PDF shows and copies Chinese text on any machine.

Verification codes are 15 random characters from a 32-letter alphabet without look-alikes (no 0/O, 1/I) plus a
Luhn mod-32 check character, written in four groups: ``7KQX-M2PA-RT9C-HW4E``. 32**15 = 2**75 possibilities, so a
code cannot be guessed; the check character lets the public page reject a mistyped code without a lookup.
"""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from datetime import date

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_RANDOM_CHARS = 15
DEFAULT_CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
CJK_FONT_NAME = "WQYZenHei"


# --------------------------------------------------------------------------- verification codes


def _check_char(payload: str) -> str:
    """Luhn mod N over ``payload`` (N = 32)."""
    n = len(ALPHABET)
    factor = 2
    total = 0
    for ch in reversed(payload):
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def _group(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_verification_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(CODE_RANDOM_CHARS))
    return _group(payload + _check_char(payload))


def normalise_code(text: str) -> str | None:
    """The canonical form of a typed code, or None when it cannot be one (wrong length, letters, check)."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != CODE_RANDOM_CHARS + 1 or any(ch not in ALPHABET for ch in raw):
        return None
    if _check_char(raw[:-1]) != raw[-1]:
        return None
    return _group(raw)


# --------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class CertificateData:
    name_en: str
    name_zh: str
    course_en: str
    course_zh: str
    academy_en: str
    academy_zh: str
    start: date
    end: date
    training_days: int
    issued_on: date
    code: str
    verify_url: str
    issuer_en: str = "CityBridge Government Training"
    issuer_zh: str = "CityBridge 政府官员培训项目"
    revoked: bool = False


def register_cjk_font(path: str = DEFAULT_CJK_FONT) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if CJK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        if not os.path.exists(path):
            raise FileNotFoundError(f"CJK font not found: {path} (install the Debian package fonts-wqy-zenhei)")
        pdfmetrics.registerFont(TTFont(CJK_FONT_NAME, path, subfontIndex=0))
    return CJK_FONT_NAME


def _zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _en_date(d: date) -> str:
    """Locale-independent English date (strftime's %B follows the process locale)."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def certificate_pdf(data: CertificateData, *, font_path: str = DEFAULT_CJK_FONT) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    zh = register_cjk_font(font_path)
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Certificate {data.code} / 结业证书")
    c.setAuthor(data.issuer_en)
    c.setSubject(f"{data.course_en} / {data.course_zh}")

    navy = HexColor("#1F3A5F")
    c.setStrokeColor(navy)
    c.setLineWidth(3)
    c.rect(24, 24, width - 48, height - 48)
    c.setLineWidth(0.8)
    c.rect(32, 32, width - 64, height - 64)

    cx = width / 2
    y = height - 100
    c.setFillColor(navy)
    c.setFont(zh, 30)
    c.drawCentredString(cx, y, "结业证书")
    y -= 32
    c.setFont("Helvetica-Bold", 20)
    c.drawCentredString(cx, y, "Certificate of Completion")

    c.setFillColor(HexColor("#000000"))
    y -= 50
    c.setFont(zh, 13)
    c.drawCentredString(cx, y, "兹证明")
    y -= 18
    c.setFont("Helvetica", 11)
    c.drawCentredString(cx, y, "This is to certify that")
    y -= 36
    c.setFont(zh, 26)
    names = "  ".join(n for n in (data.name_zh, data.name_en) if n)
    c.drawCentredString(cx, y, names)

    y -= 36
    c.setFont(zh, 13)
    c.drawCentredString(
        cx,
        y,
        f"于{_zh_date(data.start)}至{_zh_date(data.end)}在{data.academy_zh or data.academy_en}"
        f"参加“{data.course_zh or data.course_en}”培训，完成培训{data.training_days}天。",
    )
    y -= 22
    c.setFont("Helvetica", 11)
    c.drawCentredString(
        cx,
        y,
        f"completed {data.training_days} training days of \u201c{data.course_en or data.course_zh}\u201d",
    )
    y -= 16
    c.drawCentredString(
        cx,
        y,
        f"at {data.academy_en or data.academy_zh}, {_en_date(data.start)} \u2013 {_en_date(data.end)}.",
    )

    y -= 44
    c.setFont(zh, 12)
    c.drawCentredString(cx, y, f"{data.issuer_zh}    颁发日期：{_zh_date(data.issued_on)}")
    y -= 16
    c.setFont("Helvetica", 10)
    c.drawCentredString(cx, y, f"{data.issuer_en}    Issued on {_en_date(data.issued_on)}")

    # verification block, bottom left; QR code bottom right
    c.setFont(zh, 10)
    c.drawString(60, 78, f"证书验证码：{data.code}")
    c.setFont("Helvetica", 9)
    c.drawString(60, 64, f"Verification code: {data.code}")
    c.setFont(zh, 9)
    c.drawString(60, 50, f"Verify / 验证：{data.verify_url}")
    qr = QrCodeWidget(data.verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 80
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(qr)
    renderPDF.draw(d, c, width - 60 - size, 44)

    if data.revoked:
        c.saveState()
        c.setFillColor(HexColor("#C00000"))
        c.setFont(zh, 22)
        c.drawCentredString(cx, height - 62, "本证书已撤销  REVOKED – this certificate is no longer valid")
        c.restoreState()

    c.showPage()
    c.save()
    return buf.getvalue()
