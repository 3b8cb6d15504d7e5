"""Reading and validating the outcome files municipalities have: CSV (any delimiter, UTF-8 or
Windows-1252) and Excel (.xlsx), one row per measurement.

The file is read through the upload kit (``susi.engines.tabular``: type, size limit, zip-bomb check,
encoding, delimiter, headings); this module declares the table (``TABLE``) and checks each row against
it (``FIELDS``, ``_RowChecker``). Each CPR number is validated and turned into a pseudonym at once,
and only the pseudonymised row is kept, in a staging file next to the database (``var/``, never
served). The clear number lives for one row.

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

import csv
import datetime as dt
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from susi.engines import tabular
from susi.engines.evaluation.cpr import mask_cpr_like, validate_cpr
from susi.engines.evaluation.errors import CprError
from susi.engines.tabular import Column, blank, fold, hash_and_sniff, parse_cpr_cell, parse_date
from susi.web.i18n import localized

from .models import Arm

__all__ = [
    "TABLE",
    "FileError",
    "Validation",
    "check_upload",
    "file_kind",
    "hash_and_sniff",
    "parse_cpr_cell",
    "parse_date",
    "parse_occasion",
    "parse_value",
    "read_staged",
    "validate_file",
]

MAX_REPORTED_ERRORS = 1000

# The declared table: key, label in the report, accepted headings (compared after norm_heading).
TABLE = tabular.Table(
    (
        Column("cpr", "CPR-nummer", ("cpr", "cprnummer", "cprnr", "personnummer")),
        Column("arm", "gruppe", ("gruppe", "arm")),
        Column("start", "startdato", ("startdato", "start", "indskrivningsdato", "enrolledon")),
        Column("end", "slutdato", ("slutdato", "slut", "enddate"), required=False),
        Column("instrument", "måleredskab", ("maaleredskab", "maleredskab", "redskab", "instrument")),
        Column("occasion", "måletidspunkt", ("maaletidspunkt", "maletidspunkt", "tidspunkt", "occasion")),
        Column("value", "værdi", ("vaerdi", "value", "score")),
        Column("measured_on", "måledato", ("maaledato", "maledato", "dato", "measuredon"), required=False),
        Column(
            "municipality",
            "kommune",
            ("kommune", "kommunenummer", "kommunekode", "kommunenr"),
            required=False,
        ),
    )
)
COLUMN_LABELS = {column.key: column.label for column in TABLE.columns}

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

_OCCASION = re.compile(r"^(?:followup|opfoelgning|opfolgning|opf)?_?(\d{1,2})$")


class FileError(ValueError):
    """The file as a whole cannot be read (wrong type, too large, no heading row, missing columns)."""

    def __init__(self, message: str) -> None:
        message = mask_cpr_like(message)  # a message may quote a file name or a cell
        super().__init__(message)
        self.message = message

    @classmethod
    def from_kit(cls, exc: tabular.TabularError) -> FileError:
        return cls(localized(exc.message))


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
            # A message built from a cell value may quote a CPR-like number: masked before it is kept.
            self.errors.append(
                {"row": row, "field": COLUMN_LABELS.get(column, column), "message": mask_cpr_like(message)}
            )

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.rows_total > 0


# --- reading ------------------------------------------------------------------------------------------


def upload_limit() -> int:
    return settings.SUSI_UPLOAD_LIMITS["outcomes"]


def file_kind(name: str) -> str:
    try:
        return tabular.file_kind(name)
    except tabular.TabularError as exc:
        raise FileError.from_kit(exc) from None


def check_upload(fh: IO[bytes], name: str) -> None:
    """The file type and size, before a byte of it is read (raises ``FileError``)."""
    try:
        tabular.file_kind(name)
        tabular.check_size(fh, upload_limit())
    except tabular.TabularError as exc:
        raise FileError.from_kit(exc) from None


# --- cell parsing -------------------------------------------------------------------------------------


def parse_value(value: Any) -> float:
    return tabular.parse_number(value)


def parse_occasion(value: Any) -> int:
    """'baseline'/'0' → 0; 'opfølgning 2', 'followup_2', '2' → 2."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    else:
        text = re.sub(r"[\s\-]", "", fold(str(value or "")))
        if text in {"baseline", "foer", "start"}:
            return 0
        match = _OCCASION.match(text)
        if not match:
            raise ValueError(value)
        number = int(match.group(1))
    if not 0 <= number <= 20:
        raise ValueError(value)
    return number


def _parse_arm(value: Any) -> str:
    arm = ARM_VALUES.get(tabular.norm_heading(value))
    if arm is None:
        raise ValueError(value)
    return arm


def _parse_instrument(value: Any) -> str:
    code = re.sub(r"[^a-z0-9_-]", "", fold(mask_cpr_like(str(value or ""))).replace(" ", "-"))
    if not code:
        raise ValueError(value)
    return code


@dataclass(frozen=True)
class _Field:
    """How one column's cell becomes a value, and the sentence when it cannot."""

    key: str
    parse: Callable[[Any], Any]
    message: str  # Danish msgid, translated when reported
    required: bool = True
    cached: bool = True  # the same dates, groups and codes recur on thousands of rows: parse each once


# The plain columns, walked in this order. (The CPR and the municipality are checked on their own: the
# clear number is never cached, and the municipality depends on the user's scope.)
FIELDS = (
    _Field(
        "arm", _parse_arm, gettext_noop("Gruppen skal være 'indsats', 'sammenligning' eller 'venteliste'.")
    ),
    _Field("start", parse_date, gettext_noop("Startdatoen mangler eller er ikke en dato (ÅÅÅÅ-MM-DD).")),
    _Field("end", parse_date, gettext_noop("Slutdatoen er ikke en dato (ÅÅÅÅ-MM-DD)."), required=False),
    _Field(
        "measured_on", parse_date, gettext_noop("Måledatoen er ikke en dato (ÅÅÅÅ-MM-DD)."), required=False
    ),
    _Field("instrument", _parse_instrument, gettext_noop("Måleredskabet mangler.")),
    _Field(
        "occasion",
        parse_occasion,
        gettext_noop("Måletidspunktet skal være 'baseline' eller 'opfølgning 1', 'opfølgning 2' osv."),
    ),
    _Field("value", parse_value, gettext_noop("Værdien mangler eller er ikke et tal."), cached=False),
)


# --- validation ---------------------------------------------------------------------------------------


@dataclass
class _CitizenSeen:
    row: int
    arm: str
    start: dt.date
    end: dt.date | None
    municipality_id: int | None


class _RowChecker:
    """Checks one row at a time against the declared table and what earlier rows said."""

    def __init__(
        self,
        located: tabular.Located,
        report: Validation,
        *,
        municipalities: dict[str, int],
        default_municipality_id: int | None,
        known_instruments: dict[str, str],
        pseudonymise: Callable[[Any], str],
    ) -> None:
        self.located = located
        self.report = report
        self.municipalities = municipalities
        self.default_municipality_id = default_municipality_id
        self.instrument_kinds = dict(known_instruments)
        self.new_instruments: dict[str, bool] = {}  # code -> all values 0/1 so far
        self.citizens: dict[str, _CitizenSeen] = {}
        self.seen_values: set[tuple[str, str, int]] = set()
        self.pseudonymise = pseudonymise
        self.parsers = {f.key: tabular.memo(f.parse) if f.cached else f.parse for f in FIELDS}

    def check(self, number: int, row: Any) -> tuple[Any, ...] | None:
        """The staged (pseudonymised) row, or None when the row has an error (reported)."""
        self.report.rows_total += 1
        before = self.report.error_count
        pseudonym, birth_year, sex = self._cpr(number, row)
        municipality_id = self._municipality(number, row)
        values = {f.key: self._field(f, number, row) for f in FIELDS}
        start, end = values["start"], values["end"]
        if start and end and end < start:
            self.report.add_error(number, "end", _("Slutdatoen ligger før startdatoen."))
        self._instrument_kind(number, values["instrument"], values["value"])
        self._same_citizen(number, pseudonym, values, municipality_id)
        if self.report.error_count != before:
            return None
        measured_on = values["measured_on"]
        return (
            pseudonym,
            municipality_id,
            birth_year,
            sex,
            values["arm"],
            start.isoformat(),
            end.isoformat() if end else "",
            values["instrument"],
            values["occasion"],
            repr(values["value"]),
            measured_on.isoformat() if measured_on else "",
        )

    def _cpr(self, number: int, row: Any) -> tuple[str, int | None, str]:
        # The clear number is validated and pseudonymised here and goes no further than this function.
        try:
            normalised = validate_cpr(parse_cpr_cell(self.located.cell(row, "cpr")))
        except CprError as exc:
            self.report.add_error(number, "cpr", localized(exc.message))
            return "", None, ""
        return self.pseudonymise(normalised), normalised.birth_date.year, normalised.sex

    def _municipality(self, number: int, row: Any) -> int | None:
        code_cell = self.located.cell(row, "municipality")
        if blank(code_cell):
            if self.default_municipality_id is None:
                self.report.add_error(number, "municipality", _("Kommunen mangler (kolonnen kommune)."))
            return self.default_municipality_id
        code = str(int(code_cell)) if isinstance(code_cell, int | float) else str(code_cell).strip()
        municipality_id = self.municipalities.get(code.zfill(3))
        if municipality_id is None:
            self.report.add_error(
                number,
                "municipality",
                _("Kommune %(code)s deltager ikke i initiativet, eller du må ikke indlæse data for den.")
                % {"code": code[:10]},
            )
        return municipality_id

    def _field(self, spec: _Field, number: int, row: Any) -> Any:
        raw = self.located.cell(row, spec.key)
        if not spec.required and blank(raw):
            return None
        try:
            return self.parsers[spec.key](raw)
        except (ValueError, TypeError):
            self.report.add_error(number, spec.key, _(spec.message))
            return None

    def _instrument_kind(self, number: int, instrument: str | None, value: float | None) -> None:
        if not instrument or value is None:
            return
        kind = self.instrument_kinds.get(instrument)
        if kind == "binary" and value not in (0.0, 1.0):
            self.report.add_error(number, "value", _("Måleredskabet er ja/nej: værdien skal være 0 eller 1."))
        elif kind is None:
            self.new_instruments[instrument] = self.new_instruments.get(instrument, True) and value in (
                0.0,
                1.0,
            )

    def _same_citizen(
        self, number: int, pseudonym: str, values: dict[str, Any], municipality_id: int | None
    ) -> None:
        """One citizen has one group, municipality and period in a file, and one value per occasion."""
        arm, start, end = values["arm"], values["start"], values["end"]
        if pseudonym and arm and start:
            seen = self.citizens.get(pseudonym)
            if seen is None:
                self.citizens[pseudonym] = _CitizenSeen(number, arm, start, end, municipality_id)
            elif (seen.arm, seen.start, seen.end, seen.municipality_id) != (arm, start, end, municipality_id):
                self.report.add_error(
                    number,
                    "arm",
                    _("Borgeren står i række %(row)s med en anden gruppe, kommune, startdato eller slutdato.")
                    % {"row": seen.row},
                )
        instrument, occasion = values["instrument"], values["occasion"]
        if pseudonym and instrument and occasion is not None:
            value_key = (pseudonym, instrument, occasion)
            if value_key in self.seen_values:
                self.report.add_error(
                    number,
                    "occasion",
                    _("Borgeren har allerede en værdi for dette måleredskab og måletidspunkt i filen."),
                )
            self.seen_values.add(value_key)


def _check_enrolled(
    report: Validation,
    citizens: dict[str, _CitizenSeen],
    existing_enrolments: Callable[[list[str]], dict[str, list[tuple[str, int]]]],
) -> None:
    """A citizen already enrolled in this initiative cannot change arm, or move to another municipality within
    the user's scope, through a file. `existing_enrolments` only ever looks in the municipalities the user may
    import for: a message must not tell one municipality about another's citizens."""
    pseudonyms = list(citizens)
    for offset in range(0, len(pseudonyms), 5000):
        chunk = pseudonyms[offset : offset + 5000]
        for pseudonym, found in existing_enrolments(chunk).items():
            seen = citizens[pseudonym]
            arms = {muni: arm for arm, muni in found}
            if seen.municipality_id in arms:
                if arms[seen.municipality_id] != seen.arm:
                    report.add_error(
                        seen.row, "arm", _("Borgeren er allerede tilmeldt initiativet i en anden gruppe.")
                    )
            elif arms:  # enrolled at another municipality the user imports for (never one outside scope)
                report.add_error(
                    seen.row, "cpr", _("Borgeren er allerede tilmeldt initiativet i en anden kommune.")
                )


def validate_file(
    fh: IO[bytes],
    name: str,
    staged: IO[str],
    *,
    municipalities: dict[str, int],
    default_municipality_id: int | None,
    known_instruments: dict[str, str],
    existing_enrolments: Callable[[list[str]], dict[str, list[tuple[str, int]]]],
    pseudonymise: Callable[[Any], str],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Validation, str]:
    """Read, validate and pseudonymise every row of ``fh`` into ``staged`` (CSV of STAGED_FIELDS).

    ``pseudonymise`` turns a validated CPR number into the initiative's pseudonym (``pseudonyms.pseudonymiser``).

    ``known_instruments`` maps an instrument code to its kind ('continuous'/'binary').
    ``municipalities`` maps the municipality codes the user may import for (in this initiative) to their
    ids; a row without a ``kommune`` cell goes to ``default_municipality_id``.
    ``existing_enrolments(pseudonyms)`` returns {pseudonym: [(arm, municipality_id), ...]} of citizens
    already enrolled in the initiative *in the municipalities the user may import for* (never others), so a
    file cannot move a citizen to another arm, or to another municipality within the user's scope.
    Returns the validation and the file's SHA-256. Raises ``FileError`` when the file cannot be read at all.
    """
    report = Validation()
    try:
        upload = tabular.open_upload(fh, name, max_bytes=upload_limit())
        located = TABLE.locate(upload.header())
        checker = _RowChecker(
            located,
            report,
            municipalities=municipalities,
            default_municipality_id=default_municipality_id,
            known_instruments=known_instruments,
            pseudonymise=pseudonymise,
        )
        writer = csv.writer(staged)
        writer.writerow(STAGED_FIELDS)
        for number, row in tabular.data_rows(upload.rows, located.width):
            staged_row = checker.check(number, row)
            if staged_row is not None:
                writer.writerow(staged_row)
            if progress and report.rows_total % 2000 == 0:
                progress(report.rows_total, upload.total)
        if report.rows_total == 0:
            raise tabular.no_rows_error()
    except tabular.TabularError as exc:
        raise FileError.from_kit(exc) from None

    _check_enrolled(report, checker.citizens, existing_enrolments)
    report.citizens = len(checker.citizens)
    report.new_instruments = {
        code: ("binary" if binary else "continuous")
        for code, binary in sorted(checker.new_instruments.items())
    }
    report.errors.sort(key=lambda e: e["row"])
    if progress:
        progress(report.rows_total, max(upload.total, report.rows_total))
    return report, upload.sha256


def read_staged(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def rewrite_staged(path: Path, rows: list[dict[str, str]]) -> None:
    """Replace a staging file's rows atomically (a private 0600 file, renamed over the old one)."""
    replacement = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp")
    fd = os.open(replacement, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=STAGED_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(replacement, path)
