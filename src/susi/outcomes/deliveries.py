"""Import of delivery records (implementation fidelity): which core components each citizen received.

One row per citizen and core component: ``CPR-nummer``, ``kerneelement``, ``leveret`` (1/0 or a share) and
optionally ``planlagt`` (default 1). The citizen must already be enrolled in the initiative in a municipality
the user may import for. Every row is checked first; with any error nothing is written (the report says
which row, which field and what is wrong); otherwise all rows are written in one transaction, and a
component already recorded for a citizen is updated, so the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from susi.engines import tabular
from susi.engines.evaluation.cpr import mask_cpr_like, validate_cpr
from susi.engines.evaluation.errors import CprError
from susi.engines.tabular import Column, blank, parse_cpr_cell, parse_number
from susi.web.i18n import localized

from .importing import FileError, Validation, upload_limit
from .models import AccessLog, DeliveryRecord, Enrolment
from .pseudonyms import PseudonymKeyError, pseudonymiser

TABLE = tabular.Table(
    (
        Column("cpr", "CPR-nummer", ("cpr", "cprnummer", "cprnr", "personnummer")),
        Column("component", "kerneelement", ("kerneelement", "komponent", "component", "element")),
        Column("delivered", "leveret", ("leveret", "delivered")),
        Column("intended", "planlagt", ("planlagt", "intended"), required=False),
    )
)
LABELS = {column.key: column.label for column in TABLE.columns}
# The share columns and the value an empty cell means (None: the cell is required).
SHARES = (("delivered", None), ("intended", 1.0))

Parsed = tuple[str, str, float, float, int]


def _share(raw: Any, default: float | None) -> float:
    if blank(raw) and default is not None:
        return default
    value = parse_number(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _check_row(
    located: tabular.Located, report: Validation, pseudonymise: Callable[[Any], str], number: int, row: Any
) -> Parsed | None:
    """One row as (pseudonym, component, delivered, intended, row number), or None with its errors reported."""
    before = report.error_count
    pseudonym = ""
    try:
        pseudonym = pseudonymise(validate_cpr(parse_cpr_cell(located.cell(row, "cpr"))))
    except CprError as exc:
        report.add_error(number, LABELS["cpr"], localized(exc.message))
    component = mask_cpr_like(str(located.cell(row, "component") or "")).strip()[:200]
    if not component:
        report.add_error(number, LABELS["component"], _("Kerneelementet mangler."))
    values = {}
    for column, default in SHARES:
        try:
            values[column] = _share(located.cell(row, column), default)
        except (ValueError, TypeError):
            report.add_error(number, LABELS[column], _("Skal være 1, 0 eller en andel (fx 0,5)."))
    if report.error_count != before:
        return None
    return pseudonym, component, values["delivered"], values["intended"], number


def read_deliveries(
    fh: IO[bytes], name: str, report: Validation, pseudonymise: Callable[[Any], str]
) -> list[Parsed]:
    """Every valid row of the file (errors go to ``report``). Raises ``FileError`` for an unreadable file."""
    parsed: list[Parsed] = []
    seen: set[tuple[str, str]] = set()
    try:
        upload = tabular.open_upload(fh, name, max_bytes=upload_limit())
        located = TABLE.locate(upload.header())
        for number, row in tabular.data_rows(upload.rows):
            report.rows_total += 1
            entry = _check_row(located, report, pseudonymise, number, row)
            if entry is None:
                continue
            if entry[:2] in seen:
                report.add_error(
                    number, LABELS["component"], _("Kerneelementet står allerede for borgeren i filen.")
                )
                continue
            seen.add(entry[:2])
            parsed.append(entry)
    except tabular.TabularError as exc:
        raise FileError.from_kit(exc) from None
    return parsed


def import_deliveries(*, user, initiative, fh: IO[bytes], name: str) -> Validation:
    """Validate and (when there is no error) write a delivery file. Raises ``FileError`` for an unreadable file."""
    from .services import importable_municipalities, log_access

    allowed = {m.pk for m in importable_municipalities(user, initiative)}
    try:
        pseudonymise = pseudonymiser(initiative)
    except PseudonymKeyError as exc:
        raise FileError(exc.message) from None
    report = Validation()
    parsed = read_deliveries(fh, name, report, pseudonymise)

    # Only enrolments in the municipalities the user may import for are looked at, and a citizen enrolled
    # elsewhere gets the same answer as one enrolled nowhere: the file is no yes/no test for any CPR.
    in_scope: dict[str, list[int]] = {}
    for pseudonym, pk in Enrolment.objects.filter(
        initiative=initiative,
        municipality_id__in=allowed,
        citizen__pseudonym__in={entry[0] for entry in parsed},
    ).values_list("citizen__pseudonym", "pk"):
        in_scope.setdefault(pseudonym, []).append(pk)
    enrolments = {p: pks[0] for p, pks in in_scope.items() if len(pks) == 1}
    for pseudonym, _component, _d, _i, number in parsed:
        if pseudonym not in in_scope:
            report.add_error(
                number,
                LABELS["cpr"],
                _("Borgeren er ikke indskrevet i initiativet i en kommune, du må indlæse data for."),
            )
        elif pseudonym not in enrolments:
            report.add_error(
                number,
                LABELS["cpr"],
                _(
                    "Borgeren er indskrevet i flere af dine kommuner; indlæs leverancerne for én kommune ad gangen."
                ),
            )
    report.errors.sort(key=lambda e: e["row"])
    if report.error_count or not parsed:
        if not parsed and not report.error_count:
            raise FileError(_("Filen har ingen datarækker under overskrifterne."))
        return report

    with transaction.atomic():
        existing = {
            (d.enrolment_id, d.component): d
            for d in DeliveryRecord.objects.filter(enrolment_id__in=set(enrolments.values()))
        }
        create, update = [], []
        for pseudonym, component, delivered, intended, _number in parsed:
            found = existing.get((enrolments[pseudonym], component))
            if found is None:
                create.append(
                    DeliveryRecord(
                        enrolment_id=enrolments[pseudonym],
                        component=component,
                        delivered=delivered,
                        intended=intended,
                    )
                )
            elif (found.delivered, found.intended) != (delivered, intended):
                found.delivered, found.intended = delivered, intended
                update.append(found)
        DeliveryRecord.objects.bulk_create(create, batch_size=1000)
        DeliveryRecord.objects.bulk_update(update, ["delivered", "intended"], batch_size=1000)
        report.rows_new, report.rows_changed = len(create), len(update)
        log_access(
            user,
            AccessLog.Action.IMPORT,
            f"leverancer: {mask_cpr_like(name)}"[:255],
            initiative=initiative,
            citizen_ids=Enrolment.objects.filter(pk__in=set(enrolments.values())).values_list(
                "citizen_id", flat=True
            ),
        )
    return report
