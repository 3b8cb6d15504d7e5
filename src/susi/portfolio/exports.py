"""The board as a spreadsheet: the initiatives the user sees on the board, with the board's filters, in Excel
or CSV (written through `susi.web.spreadsheets`, so no text cell becomes a formula)."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from susi.web.spreadsheets import SafeWorkbook, safe_csv_writer

from .models import PHASE_CHOICES, TRACK_CHOICES, Area, Initiative, Programme, Status


def _headings() -> list[str]:
    return [
        _("Titel"),
        _("Indsats"),
        _("Fase"),
        _("Program"),
        _("Spor"),
        _("Målgruppeområde"),
        _("Status"),
        _("Kommuner"),
        _("Startdato"),
        _("Forventet slutdato"),
        _("Budget (kr.)"),
    ]


def board_rows(initiatives: QuerySet[Initiative]) -> list[list]:
    """One row per initiative, in the board's order (phase, then title)."""
    labels: dict[str, dict] = {
        "phase": dict(PHASE_CHOICES),
        "programme": dict(Programme.choices),
        "track": dict(TRACK_CHOICES),
        "area": dict(Area.choices),
        "status": dict(Status.choices),
    }
    rows = []
    initiatives = initiatives.select_related("intervention").prefetch_related("municipalities")
    # phase by phase, each by title as the database orders it: the board's own order (selectors.board)
    ordered = [
        i for value, _label in PHASE_CHOICES for i in initiatives.filter(phase=value).order_by("title")
    ]
    for i in ordered:
        rows.append(
            [
                i.title,
                i.intervention.name,
                str(labels["phase"].get(i.phase, i.phase)),
                str(labels["programme"].get(i.programme, i.programme)),
                str(labels["track"].get(i.track, i.track)),
                str(labels["area"].get(i.area, i.area)),
                str(labels["status"].get(i.status, i.status)),
                ", ".join(sorted(m.name for m in i.municipalities.all())),
                i.start_date.isoformat(),
                i.end_date.isoformat() if i.end_date else "",
                int(i.budget_dkk),
            ]
        )
    return rows


def board_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer, delimiter=";")
    writer.writerow(_headings())
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read the file as UTF-8


def board_xlsx(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = SafeWorkbook(buffer)
    sheet = book.add_worksheet(_("Portefølje")[:31])
    bold = book.add_format({"bold": True})
    for col, heading in enumerate(_headings()):
        sheet.write(0, col, heading, bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write(r, col, value)  # text through the sheet's safe handler, numbers as numbers
    sheet.set_column(0, 1, 40)
    sheet.set_column(2, 10, 16)
    book.close()
    return buffer.getvalue()
