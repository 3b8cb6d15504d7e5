"""Citizens' feedback in delivery: import (CSV/Excel), entry by hand, and reading it back.

The instrument (the short questions, who may answer, the formats) is declared in
``engines.evaluation.feedback``; this module stores it under the rules of all citizen data:

- **Import** (``import_feedback``): one row per citizen and follow-up, read through the upload kit with the
  declared ``TABLE`` (a column per question, from the instrument). Each CPR number is validated and
  pseudonymised at once and never kept. The citizen must already be enrolled in the initiative in a
  municipality the user may import for (``outcomes.import``). Every row is checked first; with any error
  nothing is written and the Danish report says which row, which column and what is wrong. Otherwise all rows
  are written in one transaction; a response already held for the citizen and follow-up is replaced, so the
  same file twice changes nothing.
- **By hand** (``record_feedback``): one response for one enrolment, under the same rules.
- **Free text is personal data**: it is read only through ``responses_with_text``, which checks
  ``outcomes.view_citizens`` for every enrolment and writes an access-log entry on every call. The aggregates
  (``selectors.feedback_summary``) never read it.

Columns (headings matched without regard to case, spaces, dashes or æ/ø/å):

=================  ==============================================  ==========
column             accepted headings                                required
=================  ==============================================  ==========
CPR-nummer         cpr, cpr-nummer, cprnr                           yes
måletidspunkt      måletidspunkt, opfølgning, tidspunkt             yes (opfølgning 1, 2, ...)
besvaret af        besvaret af, respondent, svarperson              yes (borger / pårørende / medarbejder)
form               form, format, tilpasning                         no (let læst, piktogrammer, tolk, ...)
dato               dato, besvaret, svardato                         no
hjælper            hjælper, hjulpet                                 no  (1-5)
bliver hørt        bliver hørt, lyttet til                          no  (1-5)
bestemme           er med til at bestemme, bestemme, indflydelse    no  (1-5)
kommentar          kommentar, fritekst, bemærkning                  no  (free text)
=================  ==============================================  ==========
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines import tabular
from susi.engines.evaluation import feedback as spec
from susi.engines.evaluation.cpr import mask_cpr_like, validate_cpr
from susi.engines.evaluation.errors import CprError
from susi.engines.tabular import Column, blank, norm_heading, parse_cpr_cell, parse_date, parse_number
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from .importing import FileError, Validation, parse_occasion, upload_limit
from .models import AccessLog, Enrolment, FeedbackAnswer, FeedbackResponse, Occasion
from .pseudonyms import PseudonymKeyError, pseudonymiser

INSTRUMENT = spec.FEEDBACK_INSTRUMENT
MAX_TEXT = 2000

TABLE = tabular.Table(
    (
        Column("cpr", "CPR-nummer", ("cpr", "cprnummer", "cprnr", "personnummer")),
        Column("occasion", "måletidspunkt", ("maaletidspunkt", "opfoelgning", "tidspunkt", "occasion")),
        Column("respondent", "besvaret af", ("besvaretaf", "respondent", "svarperson", "hvemsvarede")),
        Column("format", "form", ("form", "format", "tilpasning", "svarform"), required=False),
        Column("given_on", "dato", ("dato", "besvaret", "svardato", "date"), required=False),
        *(
            Column(q.code, q.label.da.lower(), (q.code, q.label.da, *q.headings), required=False)
            for q in INSTRUMENT.questions
        ),
    )
)
LABELS = {column.key: column.label for column in TABLE.columns}
# The English headings a file may use instead (each is one of the column's accepted headings).
ENGLISH_HEADINGS = {"cpr": "cpr", "given_on": "date"}

# How a file may name who answered and the format (compared after norm_heading).
RESPONDENT_VALUES = {
    **{norm_heading(text.da): code for code, text in spec.RESPONDENTS.items()},
    **dict.fromkeys(("borger", "borgeren", "borgerenselv", "selv", "citizen", "bruger"), spec.CITIZEN),
    **dict.fromkeys(
        ("paaroerende", "parorende", "foraelder", "foraeldre", "relative", "familie"),
        spec.RELATIVE,
    ),
    **dict.fromkeys(
        ("medarbejder", "personale", "fagperson", "stedfortraeder", "proxy", "staff", "kontaktperson"),
        spec.STAFF,
    ),
}
FORMAT_VALUES = {
    **{norm_heading(code): code for code in spec.FORMATS},
    **{norm_heading(text.da): code for code, text in spec.FORMATS.items()},
    **dict.fromkeys(("skriftlig", "skema", "spoergeskema", "papir"), "written"),
    **dict.fromkeys(("letlaest", "easyread"), "easy_read"),
    **dict.fromkeys(("piktogrammer", "billeder", "smileys", "pictograms"), "pictograms"),
    **dict.fromkeys(("mundtlig", "mundtligt", "samtale", "oral", "telefon"), "oral"),
    **dict.fromkeys(("tolk", "medtolk", "interpreter"), "interpreter"),
    **dict.fromkeys(("tegnsprog", "tegnsprogstolk"), "sign_language"),
    **dict.fromkeys(("hjemmebesoeg", "homevisit"), "home_visit"),
    **dict.fromkeys(("digital", "digitalt", "sms", "app", "web"), "digital"),
    **dict.fromkeys(("", "ikkeoplyst", "ukendt"), "not_stated"),
}


@dataclass
class Entry:
    """One checked row (or one hand-entered response): pseudonymised, ready to be written."""

    pseudonym: str
    occasion: int
    respondent: str
    format: str
    given_on: dt.date | None
    values: dict[str, float] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    row: int = 0


def respondent_label(code: str) -> str:
    return localized(spec.RESPONDENTS.get(code, code))


def format_label(code: str) -> str:
    return localized(spec.FORMATS.get(code, code))


# --- checking one row ------------------------------------------------------------------------------------


def parse_scale(raw: Any, question: spec.Question) -> float | None:
    """A scale answer: a whole number from low to high, or blank (not answered). Raises ValueError."""
    if blank(raw):
        return None
    value = parse_number(raw)
    if not value.is_integer() or not question.low <= value <= question.high:
        raise ValueError(raw)
    return value


def clean_text(raw: Any) -> str:
    """A free-text answer as it may be stored: CPR-like numbers masked, at most ``MAX_TEXT`` characters."""
    text = mask_cpr_like("" if blank(raw) else str(raw)).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(len(text))
    return text


def _answers(located, row, report: Validation, number: int, entry: Entry) -> None:
    for question in INSTRUMENT.questions:
        raw = located.cell(row, question.code)
        try:
            if question.kind == spec.SCALE:
                value = parse_scale(raw, question)
                if value is not None:
                    entry.values[question.code] = value
            else:
                text = clean_text(raw)
                if text:
                    entry.texts[question.code] = text
        except (ValueError, TypeError):
            if question.kind == spec.SCALE:
                message = _("Svaret skal være et helt tal fra %(low)s til %(high)s, eller tomt.") % {
                    "low": question.low,
                    "high": question.high,
                }
            else:
                message = _("Kommentaren er for lang (højst %(n)s tegn).") % {"n": MAX_TEXT}
            report.add_error(number, LABELS[question.code], message)


def _check_row(
    located, report: Validation, pseudonymise: Callable[[Any], str], number: int, row
) -> Entry | None:
    before = report.error_count
    entry = Entry("", 0, "", "not_stated", None, row=number)
    try:
        entry.pseudonym = pseudonymise(validate_cpr(parse_cpr_cell(located.cell(row, "cpr"))))
    except CprError as exc:
        report.add_error(number, LABELS["cpr"], localized(exc.message))
    try:
        entry.occasion = parse_occasion(located.cell(row, "occasion"))
        if entry.occasion == 0:
            raise ValueError
    except (ValueError, TypeError):
        report.add_error(
            number,
            LABELS["occasion"],
            _("Feedback gives ved en opfølgning: skriv 'opfølgning 1', 'opfølgning 2' osv."),
        )
    respondent = RESPONDENT_VALUES.get(norm_heading(located.cell(row, "respondent")))
    if respondent is None:
        report.add_error(
            number,
            LABELS["respondent"],
            _("Skriv hvem der svarede: 'borger', 'pårørende' eller 'medarbejder'."),
        )
    entry.respondent = respondent or ""
    form = FORMAT_VALUES.get(norm_heading(located.cell(row, "format")))
    if form is None:
        report.add_error(
            number,
            LABELS["format"],
            _(
                "Ukendt form. Brug fx skriftlig, let læst, piktogrammer, mundtlig, tolk, tegnsprog, hjemmebesøg, digital."
            ),
        )
    entry.format = form or ""
    raw_date = located.cell(row, "given_on")
    if not blank(raw_date):
        try:
            entry.given_on = parse_date(raw_date)
        except (ValueError, TypeError):
            report.add_error(number, LABELS["given_on"], _("Datoen er ikke en dato (ÅÅÅÅ-MM-DD)."))
    _answers(located, row, report, number, entry)
    if report.error_count == before and not entry.values and not entry.texts:
        report.add_error(number, _("svar"), _("Rækken har ingen svar."))
    return entry if report.error_count == before else None


def read_feedback(
    fh: IO[bytes], name: str, report: Validation, pseudonymise: Callable[[Any], str]
) -> list[Entry]:
    """Every valid row of the file (errors go to ``report``). Raises ``FileError`` for an unreadable file."""
    entries: list[Entry] = []
    seen: dict[tuple[str, int], int] = {}
    try:
        upload = tabular.open_upload(fh, name, max_bytes=upload_limit())
        located = TABLE.locate(upload.header())
        if not any(q.code in located.positions for q in INSTRUMENT.questions):
            raise FileError(
                _("Filen har ingen kolonne med svar. Første række skal være overskrifter: %(columns)s.")
                % {"columns": ", ".join(LABELS[q.code] for q in INSTRUMENT.questions)}
            )
        for number, row in tabular.data_rows(upload.rows):
            report.rows_total += 1
            entry = _check_row(located, report, pseudonymise, number, row)
            if entry is None:
                continue
            key = (entry.pseudonym, entry.occasion)
            if key in seen:
                report.add_error(
                    number,
                    LABELS["occasion"],
                    _("Borgeren har allerede feedback for denne opfølgning i række %(row)s.")
                    % {"row": seen[key]},
                )
                continue
            seen[key] = number
            entries.append(entry)
    except tabular.TabularError as exc:
        raise FileError.from_kit(exc) from None
    return entries


# --- writing -----------------------------------------------------------------------------------------------


def _write(entries: Iterable[tuple[int, Entry]], user) -> tuple[int, int]:
    """Write (enrolment id, entry) pairs; inside the caller's transaction. Returns (new, changed)."""
    new = changed = 0
    occasions: dict[int, Occasion] = {}
    for enrolment_id, entry in entries:
        if entry.occasion not in occasions:
            occasions[entry.occasion] = Occasion.objects.get_or_create(number=entry.occasion)[0]
        response, created = FeedbackResponse.objects.get_or_create(
            enrolment_id=enrolment_id,
            instrument=INSTRUMENT.code,
            occasion=occasions[entry.occasion],
            defaults={"respondent": entry.respondent, "format": entry.format, "given_on": entry.given_on},
        )
        wanted: dict[str, tuple[float | None, str]] = {
            code: (value, "") for code, value in entry.values.items()
        }
        wanted.update({code: (None, text) for code, text in entry.texts.items()})
        if not created:
            held = {a.question: (a.value, a.text) for a in response.answers.all()}
            same = (response.respondent, response.format, response.given_on) == (
                entry.respondent,
                entry.format,
                entry.given_on,
            )
            if same and held == wanted:
                continue
            response.respondent, response.format, response.given_on = (
                entry.respondent,
                entry.format,
                entry.given_on,
            )
            response.answers.all().delete()
        response.entered_by = user if getattr(user, "pk", None) else None
        response.save()
        FeedbackAnswer.objects.bulk_create(
            FeedbackAnswer(response=response, question=code, value=value, text=text)
            for code, (value, text) in wanted.items()
        )
        new, changed = (new + 1, changed) if created else (new, changed + 1)
    return new, changed


def _enrolments_in_scope(user, initiative, entries: list[Entry], report: Validation) -> dict[str, int]:
    """pseudonym -> enrolment id, for citizens enrolled in exactly one municipality the user may import for.

    A citizen enrolled elsewhere gets the same answer as one enrolled nowhere: the file is no yes/no test for
    any CPR number (as for delivery files)."""
    from .services import importable_municipalities

    allowed = {m.pk for m in importable_municipalities(user, initiative)}
    in_scope: dict[str, list[int]] = {}
    for pseudonym, pk in Enrolment.objects.filter(
        initiative=initiative,
        municipality_id__in=allowed,
        citizen__pseudonym__in={e.pseudonym for e in entries},
    ).values_list("citizen__pseudonym", "pk"):
        in_scope.setdefault(pseudonym, []).append(pk)
    for entry in entries:
        found = in_scope.get(entry.pseudonym, [])
        if not found:
            report.add_error(
                entry.row,
                LABELS["cpr"],
                _("Borgeren er ikke indskrevet i initiativet i en kommune, du må indlæse data for."),
            )
        elif len(found) > 1:
            report.add_error(
                entry.row,
                LABELS["cpr"],
                _(
                    "Borgeren er indskrevet i flere af dine kommuner; indlæs feedback for én kommune ad gangen."
                ),
            )
    return {p: pks[0] for p, pks in in_scope.items() if len(pks) == 1}


def import_feedback(*, user, initiative, fh: IO[bytes], name: str) -> Validation:
    """Validate and (when there is no error) write a feedback file. Raises ``FileError`` for a file that
    cannot be read at all; with any row error nothing is written and the report says why."""
    from .services import Scope, importable_municipalities, log_access

    if not importable_municipalities(user, initiative):
        require(user, "outcomes.import", Scope(initiative, None))
    try:
        pseudonymise = pseudonymiser(initiative)
    except PseudonymKeyError as exc:
        raise FileError(exc.message) from None
    report = Validation()
    entries = read_feedback(fh, name, report, pseudonymise)
    if not entries and not report.error_count:
        raise FileError(_("Filen har ingen datarækker under overskrifterne."))
    enrolments = _enrolments_in_scope(user, initiative, entries, report)
    report.errors.sort(key=lambda e: e["row"])
    if report.error_count:
        return report
    with transaction.atomic():
        report.rows_new, report.rows_changed = _write(((enrolments[e.pseudonym], e) for e in entries), user)
        report.citizens = len({e.pseudonym for e in entries})
        log_access(
            user,
            AccessLog.Action.IMPORT,
            f"feedback: {mask_cpr_like(name)}"[:255],
            initiative=initiative,
            citizen_ids=Enrolment.objects.filter(pk__in=set(enrolments.values())).values_list(
                "citizen_id", flat=True
            ),
        )
    return report


def record_feedback(
    *,
    user,
    enrolment: Enrolment,
    occasion: int,
    respondent: str,
    format: str,
    given_on: dt.date | None = None,
    values: Mapping[str, float | None] | None = None,
    texts: Mapping[str, str] | None = None,
) -> FeedbackResponse:
    """One response entered by hand for one enrolment, under the rules of an import (``outcomes.import`` for
    the enrolment's municipality) and of reading the citizen (``outcomes.view_citizens``)."""
    from .services import log_access

    require(user, "outcomes.view_citizens", enrolment)
    require(user, "outcomes.import", enrolment)
    if respondent not in spec.RESPONDENTS:
        raise DomainError("respondent", _("Vælg hvem der svarede."))
    if format not in spec.FORMATS:
        raise DomainError("format", _("Vælg hvordan der blev spurgt."))
    if occasion < 1:
        raise DomainError("occasion", _("Feedback gives ved en opfølgning (1, 2, ...)."))
    entry = Entry(enrolment.citizen.pseudonym, occasion, respondent, format, given_on)
    for question in INSTRUMENT.scale_questions:
        value = (values or {}).get(question.code)
        if value is not None:
            if not question.low <= value <= question.high:
                raise DomainError(question.code, _("Svaret skal være fra 1 til 5."))
            entry.values[question.code] = float(value)
    for question in INSTRUMENT.text_questions:
        try:
            text = clean_text((texts or {}).get(question.code))
        except ValueError:
            raise DomainError(
                question.code, _("Kommentaren er for lang (højst %(n)s tegn).") % {"n": MAX_TEXT}
            ) from None
        if text:
            entry.texts[question.code] = text
    if not entry.values and not entry.texts:
        raise DomainError("helps", _("Besvar mindst ét spørgsmål."))
    with transaction.atomic():
        _write([(enrolment.pk, entry)], user)
        log_access(
            user,
            AccessLog.Action.IMPORT,
            f"feedback registreret: forløb {enrolment.pk}, opfølgning {occasion}",
            initiative=enrolment.initiative,
            municipality=enrolment.municipality,
            citizen_ids=[enrolment.citizen_id],
        )
    return FeedbackResponse.objects.get(
        enrolment=enrolment, instrument=INSTRUMENT.code, occasion__number=occasion
    )


# --- reading back (citizen-level, audited) -----------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    """One response as a citizen reader sees it, free text included."""

    response: FeedbackResponse
    enrolment: Enrolment
    occasion: int
    respondent: str
    format: str
    values: dict[str, float]
    texts: dict[str, str]

    @property
    def respondent_label(self) -> str:
        return respondent_label(self.respondent)

    @property
    def format_label(self) -> str:
        return format_label(self.format)

    @property
    def is_proxy(self) -> bool:
        return self.respondent in spec.PROXIES

    def answers(self) -> list[tuple[spec.Question, float | None]]:
        return [(q, self.values.get(q.code)) for q in INSTRUMENT.scale_questions]


def responses_with_text(
    user, enrolments: list[Enrolment], *, what: str, action: str = AccessLog.Action.VIEW
) -> list[ResponseRow]:
    """The feedback of the given enrolments, free text included: the ONLY way free text is read.

    Every enrolment must be one the user may read (``outcomes.view_citizens``); every call writes an
    access-log entry naming the citizens, whether or not any of them has feedback."""
    from .services import log_access

    for enrolment in enrolments:
        require(user, "outcomes.view_citizens", enrolment)
    by_id = {e.pk: e for e in enrolments}
    responses = (
        FeedbackResponse.objects.filter(enrolment_id__in=by_id)
        .select_related("occasion")
        .prefetch_related("answers")
        .order_by("enrolment_id", "occasion__number")
    )
    rows = []
    for response in responses:
        answers = list(response.answers.all())
        rows.append(
            ResponseRow(
                response=response,
                enrolment=by_id[response.enrolment_id],
                occasion=response.occasion.number,
                respondent=response.respondent,
                format=response.format,
                values={a.question: a.value for a in answers if a.value is not None},
                texts={a.question: a.text for a in answers if a.text},
            )
        )
    first = enrolments[0] if enrolments else None
    log_access(
        user,
        action,
        what,
        initiative=first.initiative if first and len({e.initiative_id for e in enrolments}) == 1 else None,
        municipality=first.municipality
        if first and len({e.municipality_id for e in enrolments}) == 1
        else None,
        citizen_ids=[e.citizen_id for e in enrolments],
    )
    return rows
