"""The "who is behind" export: one XLSX row per official behind, with the year's and the five-year window's figures.
Headers and the sheet name are in the active language; every cell goes through core.files (formulas neutralised).
Reads only: the rows come from selectors.behind_rows."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from citybridge.core import provinces
from citybridge.core.files import append, xlsx_bytes

from .selectors import BehindRow

#: at most this many rows in one export (the page pages through the rest)
MAX_ROWS = 20_000


def behind_header() -> list[str]:
    return [
        pgettext("person", "Name (English)"),
        pgettext("person", "Name (Chinese)"),
        _("Position"),
        _("Organisation"),
        _("Province"),
        _("Year"),
        _("Training days"),
        _("Required"),
        _("Shortfall"),
        _("Five-year window"),
        _("Days in window"),
        _("Window requirement"),
        _("Window gap at the annual pace"),
    ]


def behind_xlsx(rows: list[BehindRow]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Who is behind"))
    cells = []
    for h in behind_header():
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        cells.append(c)
    ws.append(cells)
    for r in rows:
        s, o = r.summary, r.summary.official
        append(
            ws,
            [
                o.person.full_name_en(),
                o.person.full_name_zh(),
                o.get_position_display(),
                o.person.organisation.display_name() if o.person.organisation_id else "",
                provinces.province_name(o.province_code) or o.province,  # in the reader's language, as the page
                s.year,
                s.total_days,
                s.required_days,
                s.shortfall,
                f"{s.window_start} – {r.window_last_day}" if s.window_start else "",
                s.window_days if s.window_start else None,
                s.window_required if s.window_start else None,
                s.window_gap if s.window_start else None,
            ],
        )
    return xlsx_bytes(wb)
