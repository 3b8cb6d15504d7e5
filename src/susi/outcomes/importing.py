"""Reading and validating the outcome files municipalities have: CSV (any delimiter, UTF-8 or
Windows-1252) and Excel (.xlsx), one row per measurement.

Everything streams: the file is read row by row (``csv`` / ``openpyxl`` in read-only mode), each
CPR number is validated and turned into a pseudonym at once, and only the pseudonymised row is kept,
in a staging file next to the database (``var/``, never served). The clear number lives for one row.

The columns (headings are matched without regard to case, spaces, dashes or underscores):

=================  ==============================================  ==========
column             accepted headings                                required
=================  ==============================================  ==========
CPR-nummer         cpr, cpr-nummer, cprnr                           yes
gruppe             gruppe, arm                                      yes
startdato          startdato, start, indskrivningsdato, enrolled_on yes
slutdato           slutdato, slut                                   no
måleredskab        måleredskab, instrument                          yes
måletidspunkt      måletidspunkt, tidspunkt, occasion               yes
værdi              værdi, value, score                              yes
måledato           måledato, dato                                   no
kommune            kommune, kommunenummer (e.g. 751)                no (else the chosen one)
=================  ==============================================  ==========

A file may hold several municipalities' citizens when it has a ``kommune`` column (an evaluator's
collected file); every row's municipality must take part in the initiative and be one the user may
import for.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from susi.engines.evaluation.cpr import pseudonymise, validate_cpr
from susi.engines.evaluation.errors import CprError
from susi.web.i18n import localized

from .models import Arm
from .pseudonyms import get_key

MAX_REPORTED_ERRORS = 1000
CHUNK = 1 << 20

# canonical name -> accepted headings (already normalised by _norm_heading)
COLUMNS: dict[str, tuple[str, ...]] = {
    "cpr": ("cpr", "cprnummer", "cprnr", "personnummer"),
    "arm": ("gruppe", "arm"),
    "start": ("startdato", "start", "indskrivningsdato", "enrolledon"),
    "end": ("slutdato", "slut", "enddate"),
    "instrument": ("maaleredskab", "maleredskab", "redskab", "instrument"),
    "municipality": ("kommune", "kommunenummer", "kommunekode", "kommunenr"),
    "occasion": ("maaletidspunkt", "maletidspunkt", "tidspunkt", "occasion"),
    "value": ("vaerdi", "value", "score"),
    "measured_on": ("maaledato", "maledato", "dato", "measuredon"),
}
REQUIRED = ("cpr", "arm", "start", "instrument", "occasion", "value")
COLUMN_LABELS = {
    "cpr": "CPR-nummer",
    "arm": "gruppe",
    "start": "startdato",
    "end": "slutdato",
    "instrument": "måleredskab",
    "occasion": "måletidspunkt",
    "value": "værdi",
    "measured_on": "måledato",
    "municipality": "kommune",
}

ARM_VALUES = {
    "indsats": Arm.INTERVENTION,
    "intervention": Arm.INTERVENTION,
    "interventionsgruppe": Arm.INTERVENTION,
    "sammenligning": Arm.COMPARISON,
    "sammenligningsgruppe": Arm.COMPARISON,
    "kontrol": Arm.COMPARISON,
    "kontrolgruppe": Arm.COMPARISON,
    "comparison": Arm.COMPARISON,
    "venteliste": Arm.WAITLIST,
    "waitlist": Arm.WAITLIST,
    "waitinglist": Arm.WAITLIST,
}

STAGED_FIELDS = (
    "pseudonym",
    "municipality",
    "birth_year",
    "sex",
    "arm",
    "start",
    "end",
    "instrument",
    "occasion",
    "value",
    "measured_on",
)

_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
)
_OCCASION = re.compile(r"^(?:followup|opfoelgning|opfolgning|opf)?_?(\d{1,2})$")


def _fold(text: str) -> str:
    """Lower-case, Danish letters spelt out (æ→ae, ø→oe, å→aa), other accents dropped."""
    text = text.strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _norm_heading(text: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(str(text or "")))


class FileError(ValueError):
    """The file as a whole cannot be read (wrong type, no heading row, missing columns)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Validation:
    """The outcome of reading one file: counts, the row-by-row report, and the staged rows."""

    rows_total: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    citizens: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    # Instruments the file names that do not exist yet: code -> 'binary' (only 0/1 seen) or 'continuous'.
    new_instruments: dict[str, str] = field(default_factory=dict)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": COLUMN_LABELS.get(column, column), "message": message})

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.rows_total > 0


# --- reading ------------------------------------------------------------------------------------------


def file_kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in {".csv", ".txt"}:
        return "csv"
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    raise FileError(
        _("Filtypen %(suffix)s kan ikke læses. Brug CSV (.csv) eller Excel (.xlsx).")
        % {"suffix": suffix or "?"}
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


def iter_csv(fh: IO[bytes], encoding: str) -> Iterator[list[Any]]:
    """Rows of a CSV file. The delimiter is the one the heading row uses most (';' from Danish Excel)."""
    text = io.TextIOWrapper(fh, encoding=encoding, newline="")
    first = text.readline()
    text.seek(0)
    delimiter = max(";,\t", key=first.count) if first else ";"
    try:
        yield from csv.reader(text, delimiter=delimiter)
    finally:
        if not fh.closed:
            text.detach()


def iter_xlsx(fh: IO[bytes]) -> tuple[int, Iterator[tuple[Any, ...]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise FileError(
            _("Excel-filen kan ikke åbnes (%(error)s).") % {"error": type(exc).__name__}
        ) from None
    sheet = workbook.worksheets[0]

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return (sheet.max_row or 0), rows()


# --- cell parsing -------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_cpr_cell(value: Any) -> str:
    """Excel stores a CPR number typed as a number without its leading zero: put it back."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return f"{value:010d}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):010d}"
    return "" if value is None else str(value)


def parse_date(value: Any) -> dt.date:
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


def parse_value(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = float(str(value).strip().replace(" ", "").replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_occasion(value: Any) -> int:
    """'baseline'/'0' → 0; 'opfølgning 2', 'followup_2', '2' → 2."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    else:
        text = re.sub(r"[\s\-]", "", _fold(str(value or "")))
        if text in {"baseline", "foer", "start"}:
            return 0
        match = _OCCASION.match(text)
        if not match:
            raise ValueError(value)
        number = int(match.group(1))
    if not 0 <= number <= 20:
        raise ValueError(value)
    return number


def _memo(parse: Callable[[Any], Any], limit: int = 50_000) -> Callable[[Any], Any]:
    """``parse`` with a bounded memory of earlier answers, including the ValueError/TypeError it raised."""
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


# --- validation ---------------------------------------------------------------------------------------


@dataclass
class _CitizenSeen:
    row: int
    arm: str
    start: dt.date
    end: dt.date | None
    municipality_id: int | None


def validate_file(
    fh: IO[bytes],
    name: str,
    staged: IO[str],
    *,
    municipalities: dict[str, int],
    default_municipality_id: int | None,
    known_instruments: dict[str, str],
    existing_enrolments: Callable[[list[str]], dict[str, tuple[str, int]]],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Validation, str]:
    """Read, validate and pseudonymise every row of ``fh`` into ``staged`` (CSV of STAGED_FIELDS).

    ``known_instruments`` maps an instrument code to its kind ('continuous'/'binary').
    ``municipalities`` maps the municipality codes the user may import for (in this initiative) to their
    ids; a row without a ``kommune`` cell goes to ``default_municipality_id``.
    ``existing_enrolments(pseudonyms)`` returns {pseudonym: (arm, municipality_id)} of citizens already
    enrolled in the initiative, so a file cannot move a citizen to another arm or municipality.
    Returns the validation and the file's SHA-256. Raises ``FileError`` when the file cannot be read at all.
    """
    kind = file_kind(name)
    sha256, encoding, lines = hash_and_sniff(fh)
    if kind == "csv":
        total = max(lines - 1, 0)
        rows: Iterator[Any] = iter_csv(fh, encoding)
    else:
        max_row, rows = iter_xlsx(fh)
        total = max(max_row - 1, 0)

    try:
        header = next(rows)
    except StopIteration:
        raise FileError(_("Filen er tom.")) from None
    except (UnicodeDecodeError, csv.Error):
        raise FileError(_("Filen kan ikke læses som CSV.")) from None
    index: dict[str, int] = {}
    for position, heading in enumerate(header):
        key = _norm_heading(heading)
        for canonical, accepted in COLUMNS.items():
            if key in accepted and canonical not in index:
                index[canonical] = position
    missing = [COLUMN_LABELS[c] for c in REQUIRED if c not in index]
    if missing:
        raise FileError(
            _("Filen mangler kolonnen/kolonnerne: %(columns)s. Første række skal være overskrifter.")
            % {"columns": ", ".join(missing)}
        )

    key = get_key()
    report = Validation()
    writer = csv.writer(staged)
    writer.writerow(STAGED_FIELDS)
    citizens: dict[str, _CitizenSeen] = {}
    seen_values: set[tuple[str, str, int]] = set()
    instrument_kinds = dict(known_instruments)
    new_instruments: dict[str, bool] = {}  # code -> all values 0/1 so far
    width = max(index.values()) + 1

    def cell(row: Any, column: str) -> Any:
        position = index.get(column)
        if position is None or position >= len(row):
            return None
        return row[position]

    # The same dates, groups, occasions and instruments recur on thousands of rows: parse each text once.
    # (Never applied to the CPR column: a clear number is not kept beyond its row.)
    arm_of = _memo(lambda v: ARM_VALUES.get(_norm_heading(v)))
    date_of = _memo(parse_date)
    occasion_of = _memo(parse_occasion)
    instrument_of = _memo(lambda v: re.sub(r"[^a-z0-9_-]", "", _fold(str(v or "")).replace(" ", "-")))

    row_number = 1
    try:
        for row in rows:
            row_number += 1
            if row is None or all(_blank(v) for v in row[:width]):
                continue
            report.rows_total += 1
            ok = True

            # CPR: validated and pseudonymised here; the clear number goes no further than this block.
            normalised = None
            try:
                normalised = validate_cpr(parse_cpr_cell(cell(row, "cpr")))
                pseudonym = pseudonymise(normalised, key)
                birth_year, sex = normalised.birth_date.year, normalised.sex
            except CprError as exc:
                report.add_error(row_number, "cpr", localized(exc.message))
                ok, pseudonym, birth_year, sex = False, "", None, ""
            del normalised

            municipality_id = default_municipality_id
            code_cell = cell(row, "municipality")
            if not _blank(code_cell):
                code = str(int(code_cell)) if isinstance(code_cell, int | float) else str(code_cell).strip()
                municipality_id = municipalities.get(code.zfill(3))
                if municipality_id is None:
                    report.add_error(
                        row_number,
                        "municipality",
                        _(
                            "Kommune %(code)s deltager ikke i initiativet, eller du må ikke indlæse data for den."
                        )
                        % {"code": code[:10]},
                    )
                    ok = False
            elif municipality_id is None:
                report.add_error(row_number, "municipality", _("Kommunen mangler (kolonnen kommune)."))
                ok = False

            arm = arm_of(cell(row, "arm"))
            if arm is None:
                report.add_error(
                    row_number, "arm", _("Gruppen skal være 'indsats', 'sammenligning' eller 'venteliste'.")
                )
                ok = False

            start = end = measured_on = None
            try:
                start = date_of(cell(row, "start"))
            except (ValueError, TypeError):
                report.add_error(
                    row_number, "start", _("Startdatoen mangler eller er ikke en dato (ÅÅÅÅ-MM-DD).")
                )
                ok = False
            if not _blank(cell(row, "end")):
                try:
                    end = date_of(cell(row, "end"))
                except (ValueError, TypeError):
                    report.add_error(row_number, "end", _("Slutdatoen er ikke en dato (ÅÅÅÅ-MM-DD)."))
                    ok = False
            if start and end and end < start:
                report.add_error(row_number, "end", _("Slutdatoen ligger før startdatoen."))
                ok = False
            if not _blank(cell(row, "measured_on")):
                try:
                    measured_on = date_of(cell(row, "measured_on"))
                except (ValueError, TypeError):
                    report.add_error(row_number, "measured_on", _("Måledatoen er ikke en dato (ÅÅÅÅ-MM-DD)."))
                    ok = False

            instrument = instrument_of(cell(row, "instrument"))
            if not instrument:
                report.add_error(row_number, "instrument", _("Måleredskabet mangler."))
                ok = False

            occasion = -1
            try:
                occasion = occasion_of(cell(row, "occasion"))
            except (ValueError, TypeError):
                report.add_error(
                    row_number,
                    "occasion",
                    _("Måletidspunktet skal være 'baseline' eller 'opfølgning 1', 'opfølgning 2' osv."),
                )
                ok = False

            value = math.nan
            try:
                value = parse_value(cell(row, "value"))
            except (ValueError, TypeError):
                report.add_error(row_number, "value", _("Værdien mangler eller er ikke et tal."))
                ok = False
            if instrument and math.isfinite(value):
                kind_of = instrument_kinds.get(instrument)
                if kind_of == "binary" and value not in (0.0, 1.0):
                    report.add_error(
                        row_number, "value", _("Måleredskabet er ja/nej: værdien skal være 0 eller 1.")
                    )
                    ok = False
                elif kind_of is None:
                    new_instruments[instrument] = new_instruments.get(instrument, True) and value in (
                        0.0,
                        1.0,
                    )

            if pseudonym and arm and start:
                seen = citizens.get(pseudonym)
                if seen is None:
                    citizens[pseudonym] = _CitizenSeen(row_number, arm, start, end, municipality_id)
                elif (seen.arm, seen.start, seen.end, seen.municipality_id) != (
                    arm,
                    start,
                    end,
                    municipality_id,
                ):
                    report.add_error(
                        row_number,
                        "arm",
                        _(
                            "Borgeren står i række %(row)s med en anden gruppe, kommune, startdato eller slutdato."
                        )
                        % {"row": seen.row},
                    )
                    ok = False
            if pseudonym and instrument and occasion >= 0:
                value_key = (pseudonym, instrument, occasion)
                if value_key in seen_values:
                    report.add_error(
                        row_number,
                        "occasion",
                        _("Borgeren har allerede en værdi for dette måleredskab og måletidspunkt i filen."),
                    )
                    ok = False
                seen_values.add(value_key)

            if ok:
                writer.writerow(
                    (
                        pseudonym,
                        municipality_id,
                        birth_year,
                        sex,
                        arm,
                        start.isoformat(),
                        end.isoformat() if end else "",
                        instrument,
                        occasion,
                        repr(value),
                        measured_on.isoformat() if measured_on else "",
                    )
                )
            if progress and report.rows_total % 2000 == 0:
                progress(report.rows_total, total)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileError(
            _("Række %(row)s kan ikke læses (%(error)s).") % {"row": row_number, "error": type(exc).__name__}
        ) from None

    if report.rows_total == 0:
        raise FileError(_("Filen har ingen datarækker under overskrifterne."))

    # A citizen already enrolled in this initiative cannot change arm or municipality through a file.
    pseudonyms = list(citizens)
    for offset in range(0, len(pseudonyms), 5000):
        chunk = pseudonyms[offset : offset + 5000]
        for pseudonym, (arm, enrolled_at) in existing_enrolments(chunk).items():
            seen = citizens[pseudonym]
            if enrolled_at != seen.municipality_id:
                report.add_error(
                    seen.row,
                    "cpr",
                    _("Borgeren er allerede tilmeldt initiativet i en anden kommune."),
                )
            elif arm != seen.arm:
                report.add_error(
                    seen.row, "arm", _("Borgeren er allerede tilmeldt initiativet i en anden gruppe.")
                )
    report.citizens = len(citizens)
    report.new_instruments = {
        code: ("binary" if binary else "continuous") for code, binary in sorted(new_instruments.items())
    }
    report.errors.sort(key=lambda e: e["row"])
    if progress:
        progress(report.rows_total, max(total, report.rows_total))
    return report, sha256


def read_staged(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)
