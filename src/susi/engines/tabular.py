"""One kit for every tabular upload (outcomes, deliveries, SØM knowledge, evidence studies).

An importer declares its table (columns with a key, the label users see, the headings accepted, whether
the column is required) and walks the rows this module hands it; the kit does the rest the same way for
all of them:

- the file type from its name (CSV ``.csv``/``.txt``/``.tsv``, Excel ``.xlsx``/``.xlsm``);
- the size against the importer's limit, and for Excel the zip's declared uncompressed size and
  compression ratio *before* anything is unpacked (a 256 KB bomb that inflates to 100 MB is refused);
- CSV in UTF-8 (with or without BOM) or Windows-1252, the delimiter sniffed from the heading row
  (``;`` from Danish Excel, ``,`` or tab), fields up to :data:`CSV_FIELD_LIMIT` (longer is a sentence,
  not a crash);
- Excel through python-calamine (read-only, several times faster than openpyxl; openpyxl and
  XlsxWriter remain for writing);
- headings matched without regard to case, spaces, dashes, underscores or Danish letters;
- cell parsers shared by the importers (numbers with a decimal comma, dates, CPR numbers typed as
  numbers);
- file-level errors as one :class:`TabularError` carrying a Danish and an English sentence.

Pure Python: no Django. The apps turn a :class:`TabularError` into their own error and pick the language.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from susi.engines.errors import EngineError
from susi.engines.text import Text

MB = 1 << 20
CHUNK = MB

#: The longest CSV field accepted. Python's default is 128 KB, and a longer field raised an unhandled
#: ``csv.Error``; no column of any upload needs more than a few hundred characters, so 1 MB leaves room
#: for a long free-text column while a longer field is refused with a sentence naming the row.
CSV_FIELD_LIMIT = MB
csv.field_size_limit(CSV_FIELD_LIMIT)

#: An .xlsx is a zip of XML. Real workbooks compress 8-12 times; a zip bomb hundreds of times. calamine
#: holds the whole sheet in memory (about 70 MB for 100,000 rows, 31 MB of XML), so 200 MB of XML (some
#: 650,000 rows) bounds a worker's memory; a larger table goes in as CSV, which streams.
XLSX_MAX_UNCOMPRESSED = 200 * MB
XLSX_MAX_RATIO = 100
#: Below this uncompressed size the ratio is not checked (a tiny, very repetitive sheet is harmless).
XLSX_RATIO_FLOOR = 10 * MB

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
DELIMITERS = ";,\t"


class TabularError(EngineError):
    """The file as a whole cannot be read; nothing was written. ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, text: Text, row: int | None = None) -> None:
        super().__init__("file", text, code, row=row)


# --- headings and cells -------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case, Danish letters spelt out (æ→ae, ø→oe, å→aa), other accents dropped."""
    text = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def norm_heading(text: Any) -> str:
    """A heading as it is compared: folded, letters and digits only ("Måle-dato" == "maaledato")."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_number(value: Any, *, finite: bool = True) -> float:
    """A number from a cell: Excel numbers as they are, text with a decimal comma ("0,25") or a Unicode
    minus. Raises ValueError (or TypeError) for anything else, and for inf/NaN when ``finite``."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u2212", "-").replace(" ", "").replace("\xa0", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        number = float(text)
    if finite and not math.isfinite(number):
        raise ValueError(value)
    return number


_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
)


def parse_date(value: Any) -> dt.date:
    """A date from an Excel date cell, ``2024-03-01`` or the Danish ``1.3.2024`` / ``01-03-2024``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            return dt.date(parts["y"], parts["m"], parts["d"])  # may raise ValueError
    raise ValueError(text)


def parse_cpr_cell(value: Any) -> str:
    """Excel stores a CPR number typed as a number without its leading zero: put it back."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return f"{value:010d}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):010d}"
    return "" if value is None else str(value)


def memo(parse: Callable[[Any], Any], limit: int = 50_000) -> Callable[[Any], Any]:
    """``parse`` with a bounded memory of earlier answers, including the ValueError/TypeError it raised.
    The same dates, groups and codes recur on thousands of rows. Never for a CPR column."""
    seen: dict[Any, tuple[bool, Any]] = {}

    def cached(value: Any) -> Any:
        try:
            ok, answer = seen[value]
        except KeyError:
            try:
                ok, answer = True, parse(value)
            except (ValueError, TypeError) as exc:
                ok, answer = False, exc
            if len(seen) < limit:
                seen[value] = (ok, answer)
        except TypeError:  # an unhashable cell
            return parse(value)
        if not ok:
            raise answer.with_traceback(None)
        return answer

    return cached


# --- declared tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an upload: ``key`` in code, ``label`` in messages, ``aliases`` the accepted headings
    (compared after :func:`norm_heading`; the label and key are always accepted)."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    @property
    def headings(self) -> frozenset[str]:
        return frozenset(norm_heading(h) for h in (self.key, self.label, *self.aliases))


@dataclass(frozen=True)
class Located:
    """A declared table matched against one file's heading row: where each column is."""

    positions: dict[str, int]
    width: int

    def cell(self, row: Sequence[Any], key: str) -> Any:
        position = self.positions.get(key)
        if position is None or position >= len(row):
            return None
        return row[position]

    def has(self, key: str) -> bool:
        return key in self.positions


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    name: str = ""  # a sheet name or the table's name in messages ("" for a one-table file)

    def label(self, key: str) -> str:
        return next((c.label for c in self.columns if c.key == key), key)

    def locate(self, header: Sequence[Any]) -> Located:
        """The position of every declared column in ``header``; a missing required column is an error."""
        positions: dict[str, int] = {}
        for position, heading in enumerate(header):
            key = norm_heading(heading)
            for column in self.columns:
                if key in column.headings and column.key not in positions:
                    positions[column.key] = position
                    break
        missing = [c.label for c in self.columns if c.required and c.key not in positions]
        if missing:
            names = ", ".join(missing)
            where_da = f"{self.name}: " if self.name else ""
            raise TabularError(
                "missing_columns",
                Text(
                    f"{where_da}Filen mangler kolonnen/kolonnerne: {names}. Første række skal være overskrifter.",
                    f"{where_da}The file is missing the column(s): {names}. The first row must be the headings.",
                ),
            )
        return Located(positions, max(positions.values(), default=-1) + 1)


def data_rows(rows: Iterable[Sequence[Any]], width: int | None = None) -> Iterator[tuple[int, Sequence[Any]]]:
    """(row number as the user sees it, row) for every non-empty row after the heading row (row 1)."""
    for number, row in enumerate(rows, start=2):
        if row is None:
            continue
        cells = row if width is None else row[:width]
        if not all(blank(v) for v in cells):
            yield number, row


# --- reading ------------------------------------------------------------------------------------------

_UNREADABLE_TYPE = Text(
    "Filtypen {suffix} kan ikke læses. Brug CSV (.csv) eller Excel (.xlsx).",
    "The file type {suffix} cannot be read. Use CSV (.csv) or Excel (.xlsx).",
)


def file_kind(name: str) -> str:
    """'csv' or 'xlsx' from the file name; anything else is a :class:`TabularError`."""
    suffix = Path(name).suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in EXCEL_SUFFIXES:
        return "xlsx"
    shown = suffix[:12] or "?"
    raise TabularError(
        "file_type", Text(_UNREADABLE_TYPE.da.format(suffix=shown), _UNREADABLE_TYPE.en.format(suffix=shown))
    )


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size


def megabytes(size: int, decimal: str = ",") -> str:
    """A size for a sentence: whole megabytes, or one decimal under 1 MB (a comma in Danish)."""
    return f"{size / MB:.0f}" if size >= MB else f"{size / MB:.1f}".replace(".", decimal)


def check_size(fh: IO[bytes], max_bytes: int | None) -> int:
    """The file's size in bytes; over ``max_bytes`` it is refused before a single row is read."""
    size = _size(fh)
    if max_bytes is not None and size > max_bytes:
        limit = megabytes(max_bytes)
        raise TabularError(
            "too_large",
            Text(
                f"Filen er for stor ({megabytes(size)} MB). Den største tilladte størrelse er {limit} MB.",
                f"The file is too large ({megabytes(size, '.')} MB). "
                f"The largest size allowed is {megabytes(max_bytes, '.')} MB.",
            ),
        )
    return size


_NOT_EXCEL = Text(
    "Excel-filen kan ikke åbnes. Gem den igen som Excel-projektmappe (.xlsx).",
    "The Excel file cannot be opened. Save it again as an Excel workbook (.xlsx).",
)


def check_xlsx(
    fh: IO[bytes], *, max_uncompressed: int = XLSX_MAX_UNCOMPRESSED, max_ratio: int = XLSX_MAX_RATIO
) -> None:
    """Refuse a workbook whose zip would unpack to more than ``max_uncompressed`` bytes or which compresses
    more than ``max_ratio`` times (a zip bomb), from the zip's directory alone: nothing is inflated."""
    compressed = _size(fh)
    try:
        with zipfile.ZipFile(fh) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise TabularError("excel_unreadable", _NOT_EXCEL) from None
    finally:
        fh.seek(0)
    ratio = unpacked / max(compressed, 1)
    if unpacked > max_uncompressed or (unpacked > XLSX_RATIO_FLOOR and ratio > max_ratio):
        raise TabularError(
            "excel_too_large",
            Text(
                f"Excel-filen fylder {megabytes(unpacked)} MB udpakket og kan ikke læses. "
                "Del den i mindre filer, eller gem den som CSV.",
                f"The Excel file takes {megabytes(unpacked, '.')} MB unpacked and cannot be read. "
                "Split it into smaller files or save it as CSV.",
            ),
        )


def hash_and_sniff(fh: IO[bytes]) -> tuple[str, str, int]:
    """One pass over the bytes: SHA-256, the text encoding (UTF-8 or Windows-1252), and the line count."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    lines = 0
    fh.seek(0)
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
    fh.seek(0)
    return digest.hexdigest(), ("utf-8-sig" if utf8 else "cp1252"), lines


_CSV_UNREADABLE = Text("Filen kan ikke læses som CSV.", "The file cannot be read as CSV.")


def _csv_row_error(row: int) -> TabularError:
    limit = megabytes(CSV_FIELD_LIMIT)
    return TabularError(
        "csv_unreadable",
        Text(
            f"Række {row} kan ikke læses: et felt er længere end {limit} MB, eller et anførselstegn er ikke lukket.",
            f"Row {row} cannot be read: a field is longer than {limit} MB, or a quotation mark is not closed.",
        ),
        row=row,
    )


def csv_rows(fh: IO[bytes], encoding: str) -> Iterator[list[str]]:
    """Rows of a CSV file. The delimiter is the one the heading row uses most (';' from Danish Excel).
    A row that cannot be parsed (a field over :data:`CSV_FIELD_LIMIT`) is a :class:`TabularError`."""
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    try:
        try:
            first = text.readline(CSV_FIELD_LIMIT)
        except UnicodeDecodeError:
            raise TabularError("csv_unreadable", _CSV_UNREADABLE) from None
        text.seek(0)
        delimiter = max(DELIMITERS, key=first.count) if first else ";"
        reader = csv.reader(text, delimiter=delimiter)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise _csv_row_error(reader.line_num or 1) from None
            except UnicodeDecodeError:
                raise TabularError("csv_unreadable", _CSV_UNREADABLE) from None
            yield row
    finally:
        if not fh.closed:
            text.detach()


def _plain(value: Any) -> Any:
    """calamine gives every number as a float and an empty cell as ''; give whole numbers as int, as
    openpyxl did (a CPR typed as a number, a year), and empty cells as None."""
    if type(value) is float and value.is_integer():
        return int(value)
    if value == "":
        return None
    return value


def excel_sheets(fh: IO[bytes]) -> dict[str, Callable[[], tuple[int, Iterator[list[Any]]]]]:
    """Each sheet of a workbook by name, as a function giving (row count, rows). Checks the zip first."""
    from python_calamine import CalamineWorkbook

    check_xlsx(fh)
    try:
        workbook = CalamineWorkbook.from_filelike(fh)
    except Exception:  # calamine raises its own error types for a broken file
        raise TabularError("excel_unreadable", _NOT_EXCEL) from None

    def opener(name: str) -> Callable[[], tuple[int, Iterator[list[Any]]]]:
        def open_sheet() -> tuple[int, Iterator[list[Any]]]:
            try:
                sheet = workbook.get_sheet_by_name(name)
            except Exception:
                raise TabularError("excel_unreadable", _NOT_EXCEL) from None
            rows = ([_plain(v) for v in row] for row in sheet.iter_rows())
            return sheet.height, rows

        return open_sheet

    return {name: opener(name) for name in workbook.sheet_names}


def excel_rows(fh: IO[bytes]) -> tuple[int, Iterator[list[Any]]]:
    """(row count, rows) of the first sheet."""
    sheets = excel_sheets(fh)
    if not sheets:
        raise TabularError("excel_unreadable", _NOT_EXCEL)
    return next(iter(sheets.values()))()


@dataclass
class Upload:
    """An opened upload: its kind, SHA-256, an estimate of its data rows (for progress), and its rows
    (the heading row first)."""

    kind: str
    sha256: str
    total: int
    rows: Iterator[Sequence[Any]]

    def header(self) -> Sequence[Any]:
        try:
            return next(self.rows)
        except StopIteration:
            raise TabularError("empty", Text("Filen er tom.", "The file is empty.")) from None


def open_upload(fh: IO[bytes], name: str, *, max_bytes: int | None = None) -> Upload:
    """The one entry for a single-table upload: type, size, encoding, and the rows of the file."""
    kind = file_kind(name)
    check_size(fh, max_bytes)
    sha256, encoding, lines = hash_and_sniff(fh)
    if kind == "csv":
        return Upload(kind, sha256, max(lines - 1, 0), csv_rows(fh, encoding))
    height, rows = excel_rows(fh)
    return Upload(kind, sha256, max(height - 1, 0), rows)


def no_rows_error() -> TabularError:
    return TabularError(
        "no_rows",
        Text(
            "Filen har ingen datarækker under overskrifterne.",
            "The file has no data rows below the headings.",
        ),
    )


# --- the report ---------------------------------------------------------------------------------------


def row_ranges(rows: Iterable[int]) -> str:
    """``[3, 5, 9, 10, 11, 12, 13, 14]`` → ``"3, 5, 9-14"``."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)


def group_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Identical problems (the same field and message) on several rows as one line: ``rows`` is
    ``"3, 5, 9-14"``, ``count`` how many rows; in the order of each problem's first row."""
    groups: dict[tuple[str, str], list[int]] = {}
    for error in errors:
        groups.setdefault((str(error.get("field", "")), str(error.get("message", ""))), []).append(
            int(error.get("row") or 0)
        )
    ordered = sorted(groups.items(), key=lambda item: min(item[1]))
    return [
        {"rows": row_ranges(rows), "count": len(set(rows)), "field": field, "message": message}
        for (field, message), rows in ordered
    ]
