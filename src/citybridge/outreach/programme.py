"""An event's bilingual programme as PDF (reportlab, Chinese in the WenQuanYi Zen Hei font the certificates use,
see academy/certificate.py) and as an .ics calendar (academy/ics.py). Plain Python: dataclasses in, bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, time

from citybridge.academy.certificate import DEFAULT_CJK_FONT, register_cjk_font
from citybridge.academy.ics import CalendarSession, timetable_ics


@dataclass(frozen=True)
class ProgrammeItem:
    uid: str
    day: date
    start: time
    end: time
    title_en: str
    title_zh: str
    room: str = ""
    speakers_en: tuple[str, ...] = ()
    speakers_zh: tuple[str, ...] = ()


@dataclass(frozen=True)
class Programme:
    title_en: str
    title_zh: str
    #: the venue (and city) in each language, as the reader sees them
    venue_en: str
    venue_zh: str
    #: the event's dates, and each day of the programme, as the web pages write them in each language (the caller
    #: formats them: core.rows.date_range_text, date_text), so the printout reads like the site
    period_en: str
    period_zh: str
    day_labels: dict[date, tuple[str, str]]
    items: list[ProgrammeItem] = field(default_factory=list)


def programme_pdf(p: Programme, *, font_path: str = DEFAULT_CJK_FONT) -> bytes:
    """A4, one line per session: time, English title over the Chinese one, speakers in both languages. Every
    string is drawn with the CJK font (it also holds Latin glyphs), so mixed names render."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    zh = register_cjk_font(font_path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{p.title_en} / {p.title_zh}".strip(" /"))
    width, height = A4
    left, y = 18 * mm, height - 22 * mm

    def line(text: str, size: float, x: float = left, gap: float = 6 * mm) -> None:
        nonlocal y
        if y < 20 * mm:
            c.showPage()
            y = height - 20 * mm
        c.setFont(zh, size)
        c.drawString(x, y, text[:110])
        y -= gap

    line(p.title_en, 16, gap=8 * mm)
    line(p.title_zh, 16, gap=8 * mm)
    line(f"{p.period_en} · {p.venue_en}", 10)
    line(f"{p.period_zh}，{p.venue_zh}", 10, gap=10 * mm)
    day = None
    for it in sorted(p.items, key=lambda i: (i.day, i.start, i.uid)):
        if it.day != day:
            day = it.day
            line(" / ".join(p.day_labels[day]), 12, gap=7 * mm)
        line(f"{it.start:%H:%M}–{it.end:%H:%M}  {it.title_en}", 10, gap=5 * mm)
        if it.title_zh:
            line(it.title_zh, 10, x=left + 24 * mm, gap=5 * mm)
        if it.speakers_en:
            line("; ".join(it.speakers_en), 9, x=left + 24 * mm, gap=5 * mm)
        if it.speakers_zh and it.speakers_zh != it.speakers_en:
            line("；".join(it.speakers_zh), 9, x=left + 24 * mm, gap=5 * mm)
        if it.room:
            line(it.room, 9, x=left + 24 * mm, gap=5 * mm)
        y -= 2 * mm
    c.showPage()
    c.save()
    return buf.getvalue()


def programme_ics(p: Programme, *, language: str = "en") -> bytes:
    zh = language.startswith("zh")
    sessions = [
        CalendarSession(
            uid=it.uid,
            day=it.day,
            start=it.start,
            end=it.end,
            summary=(it.title_zh or it.title_en) if zh else (it.title_en or it.title_zh),
            location=("，" if zh else ", ").join(x for x in (it.room, p.venue_zh if zh else p.venue_en) if x),
            description=("；" if zh else "; ").join(it.speakers_zh if zh else it.speakers_en),
        )
        for it in p.items
    ]
    name = (p.title_zh or p.title_en) if zh else (p.title_en or p.title_zh)
    return timetable_ics(sessions, calendar_name=name, language=language)
