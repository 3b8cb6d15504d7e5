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

import io
import math
from dataclasses import dataclass

from susi.engines import tabular
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
    if cell.strip() == "":
        return math.nan  # allowed here; the measure's own columns are checked for gaps by `compute`
    try:
        return tabular.parse_number(cell, finite=False)
    except ValueError:
        raise EvidenceInputError(
            column,
            Text(
                f"Kolonnen '{column}' indeholder '{cell}', som ikke er et tal, i række {row} i filen.",
                f"Column '{column}' has a non-numeric value '{cell}' in row {row}",
            ),
            row=row,
        ) from None


def _text_rows(data: bytes, filename: str, max_bytes: int | None) -> list[list[str]]:
    """The file's non-empty rows as text (the upload kit reads CSV in any encoding and delimiter, and Excel)."""
    try:
        upload = tabular.open_upload(io.BytesIO(data), filename, max_bytes=max_bytes)
        rows = [["" if v is None else str(v) for v in row] for row in upload.rows]
    except tabular.TabularError as exc:
        raise EvidenceInputError("file", exc.message, exc.code) from None
    return [row for row in rows if any(c.strip() for c in row)]


def read_table(data: bytes, filename: str, *, max_bytes: int | None = None) -> StudyTable:
    """Parse an uploaded CSV (`.csv`, `.txt`, `.tsv`) or Excel (`.xlsx`) file of studies; a file over
    ``max_bytes`` is refused."""
    rows = _text_rows(data, filename, max_bytes)
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
