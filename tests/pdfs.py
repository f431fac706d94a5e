"""A real one-page PDF for upload tests (reportlab), as a user's file would be."""

from __future__ import annotations

import io


def real_pdf(text: str = "Memorandum of understanding") -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(100, 700, text)
    c.save()
    return buf.getvalue()
