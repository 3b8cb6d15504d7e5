"""Reading a table of studies (CSV or Excel) into metafor-named numeric columns.

Columns are named as in metafor (`ai, bi, ci, di`, `m1i, sd1i, n1i, m2i, sd2i, n2i`, `yi, vi`), plus an
optional study label (`study`, `slab` or `label`) and any other text or numeric columns (moderators, groups),
which are kept as text. Headers are matched case-insensitively. Decimal commas ("0,25") are accepted, since
Danish spreadsheets write them. A cell that is not a number in a numeric column is an error naming the column
and the row as the user sees it in the file (the header is row 1). An empty cell is read as missing (NaN):
an exported register has empty cells in the columns another measure uses, and `compute` reports a gap in
a column the chosen measure needs.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from susi.engines.text import Text

from .effect_sizes import REQUIRED_COLUMNS
from .errors import EvidenceInputError

NUMERIC_COLUMNS = frozenset(c for cols in REQUIRED_COLUMNS.values() for c in cols)
LABEL_COLUMNS = ("study", "slab", "label")


@dataclass(frozen=True)
class StudyTable:
    columns: dict[str, tuple[float, ...]]  # numeric metafor columns present in the file
    labels: tuple[str, ...]
    extra: dict[str, tuple[str, ...]]  # every other column, as text

    @property
    def k(self) -> int:
        return len(self.labels)


def _number(cell: str, column: str, row: int) -> float:
    text = cell.strip().replace("\u2212", "-").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    if text == "":
        return math.nan  # allowed here; the measure's own columns are checked for gaps by `compute`
    try:
        return float(text)
    except ValueError:
        raise EvidenceInputError(
            column,
            Text(
                f"Kolonnen '{column}' indeholder '{cell}', som ikke er et tal, i række {row} i filen.",
                f"Column '{column}' has a non-numeric value '{cell}' in row {row}",
            ),
            row=row,
        ) from None


def _rows_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]


def _rows_from_excel(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        raise EvidenceInputError(
            "file", Text("Excel-filen kunne ikke læses.", "The Excel file could not be read.")
        ) from exc
    ws = wb.worksheets[0]
    rows = []
    for values in ws.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in values]
        if any(c.strip() for c in cells):
            rows.append(cells)
    wb.close()
    return rows


def read_table(data: bytes, filename: str) -> StudyTable:
    """Parse an uploaded CSV (`.csv`, `.txt`) or Excel (`.xlsx`) file of studies."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        rows = _rows_from_excel(data)
    elif name.endswith((".csv", ".txt", ".tsv")):
        rows = _rows_from_csv(data)
    else:
        raise EvidenceInputError(
            "file", Text("Upload en fil af typen .csv eller .xlsx.", "Upload a .csv or .xlsx file.")
        )
    if len(rows) < 2:
        raise EvidenceInputError(
            "file",
            Text(
                "Filen skal have en overskriftsrække og mindst ét studie.",
                "The file needs a header row and at least one study.",
            ),
        )
    header = [h.strip().lower() for h in rows[0]]
    if len(set(header)) != len(header):
        raise EvidenceInputError(
            "file", Text("To kolonner har samme navn i overskriftsrækken.", "Two columns have the same name.")
        )
    body = rows[1:]
    label_col = next((c for c in LABEL_COLUMNS if c in header), None)
    columns: dict[str, tuple[float, ...]] = {}
    extra: dict[str, tuple[str, ...]] = {}
    for j, col in enumerate(header):
        if not col or col == label_col:
            continue
        cells = [r[j] if j < len(r) else "" for r in body]
        if col in NUMERIC_COLUMNS:
            columns[col] = tuple(_number(c, col, i + 2) for i, c in enumerate(cells))
        else:
            extra[col] = tuple(c.strip() for c in cells)
    if label_col is not None:
        j = header.index(label_col)
        labels = tuple((r[j].strip() if j < len(r) else "") or f"Studie {i + 1}" for i, r in enumerate(body))
    else:
        labels = tuple(f"Studie {i + 1}" for i in range(len(body)))
    return StudyTable(columns, labels, extra)
