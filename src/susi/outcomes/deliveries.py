"""Import of delivery records (implementation fidelity): which core components each citizen received.

One row per citizen and core component: ``CPR-nummer``, ``kerneelement``, ``leveret`` (1/0 or a share) and
optionally ``planlagt`` (default 1). The citizen must already be enrolled in the initiative in a municipality
the user may import for. Every row is checked first; with any error nothing is written (the report says
which row, which field and what is wrong); otherwise all rows are written in one transaction, and a
component already recorded for a citizen is updated, so the same file twice changes nothing.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from susi.engines.evaluation.cpr import pseudonymise, validate_cpr
from susi.engines.evaluation.errors import CprError
from susi.web.i18n import localized

from .importing import (
    FileError,
    Validation,
    _blank,
    _norm_heading,
    file_kind,
    hash_and_sniff,
    iter_csv,
    iter_xlsx,
    parse_cpr_cell,
    parse_value,
)
from .models import AccessLog, DeliveryRecord, Enrolment
from .pseudonyms import get_key

COLUMNS = {
    "cpr": ("cpr", "cprnummer", "cprnr", "personnummer"),
    "component": ("kerneelement", "komponent", "component", "element"),
    "delivered": ("leveret", "delivered"),
    "intended": ("planlagt", "intended"),
}
LABELS = {"cpr": "CPR-nummer", "component": "kerneelement", "delivered": "leveret", "intended": "planlagt"}


def import_deliveries(*, user, initiative, fh: IO[bytes], name: str) -> Validation:
    """Validate and (when there is no error) write a delivery file. Raises ``FileError`` for an unreadable file."""
    from .services import importable_municipalities, log_access

    allowed = {m.pk for m in importable_municipalities(user, initiative)}
    kind = file_kind(name)
    encoding = hash_and_sniff(fh)[1]
    rows = iter_csv(fh, encoding) if kind == "csv" else iter_xlsx(fh)[1]
    try:
        header = next(rows)
    except StopIteration:
        raise FileError(_("Filen er tom.")) from None
    index: dict[str, int] = {}
    for position, heading in enumerate(header):
        key = _norm_heading(heading)
        for canonical, accepted in COLUMNS.items():
            if key in accepted and canonical not in index:
                index[canonical] = position
    missing = [LABELS[c] for c in ("cpr", "component", "delivered") if c not in index]
    if missing:
        raise FileError(
            _("Filen mangler kolonnen/kolonnerne: %(columns)s.") % {"columns": ", ".join(missing)}
        )

    def cell(row: Any, column: str) -> Any:
        position = index.get(column)
        return row[position] if position is not None and position < len(row) else None

    key = get_key()
    report = Validation()
    parsed: list[tuple[str, str, float, float, int]] = []
    seen: set[tuple[str, str]] = set()
    row_number = 1
    for row in rows:
        row_number += 1
        if row is None or all(_blank(v) for v in row):
            continue
        report.rows_total += 1
        ok = True
        try:
            pseudonym = pseudonymise(validate_cpr(parse_cpr_cell(cell(row, "cpr"))), key)
        except CprError as exc:
            report.add_error(row_number, LABELS["cpr"], localized(exc.message))
            ok, pseudonym = False, ""
        component = str(cell(row, "component") or "").strip()[:200]
        if not component:
            report.add_error(row_number, LABELS["component"], _("Kerneelementet mangler."))
            ok = False
        values = {}
        for column, default in (("delivered", None), ("intended", 1.0)):
            raw = cell(row, column)
            if _blank(raw) and default is not None:
                values[column] = default
                continue
            try:
                values[column] = parse_value(raw)
                if values[column] < 0:
                    raise ValueError(raw)
            except (ValueError, TypeError):
                report.add_error(row_number, LABELS[column], _("Skal være 1, 0 eller en andel (fx 0,5)."))
                ok = False
        if ok and (pseudonym, component) in seen:
            report.add_error(
                row_number, LABELS["component"], _("Kerneelementet står allerede for borgeren i filen.")
            )
            ok = False
        if ok:
            seen.add((pseudonym, component))
            parsed.append((pseudonym, component, values["delivered"], values["intended"], row_number))

    enrolments = dict(
        Enrolment.objects.filter(
            initiative=initiative, citizen__pseudonym__in={p for p, *_ in parsed}
        ).values_list("citizen__pseudonym", "pk")
    )
    municipality_of = dict(
        Enrolment.objects.filter(pk__in=enrolments.values()).values_list("pk", "municipality_id")
    )
    for pseudonym, _component, _d, _i, number in parsed:
        enrolment = enrolments.get(pseudonym)
        if enrolment is None:
            report.add_error(number, LABELS["cpr"], _("Borgeren er ikke indskrevet i initiativet."))
        elif municipality_of[enrolment] not in allowed:
            report.add_error(
                number, LABELS["cpr"], _("Borgeren hører til en kommune, du ikke må indlæse data for.")
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
            f"leverancer: {name}"[:255],
            initiative=initiative,
            citizen_ids=Enrolment.objects.filter(pk__in=set(enrolments.values())).values_list(
                "citizen_id", flat=True
            ),
        )
    return report
