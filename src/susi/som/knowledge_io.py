"""Import and export of the knowledge database as Excel (one sheet per table) and CSV (one table).

Columns use stable English codes (see docs/users/som.md). An import is validated completely first; one bad
cell refuses the whole file with a Danish message naming sheet, row and column, and nothing is written. A
valid import updates rows by their natural key, adds new ones, and becomes one new knowledge version.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from susi.accounts.permissions import TARGET_GROUP_OWNER, require, visible_knowledge
from susi.engines import tabular
from susi.engines.som import AREA_CODES, COMMITTEE_CODES
from susi.organisations.models import Organisation
from susi.web.api_errors import DomainError
from susi.web.i18n import localized
from susi.web.spreadsheets import SafeWorkbook, safe_csv_writer, unescape_cell

from .models import Consequence, EffectStudy, Outcome, Price, TargetGroup
from .services import new_version


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | float | int | bool | area | committee
    required: bool = True


@dataclass(frozen=True)
class Table:
    key: str
    sheet: str
    columns: tuple[Column, ...]
    rows: Callable[[Any], Iterable[dict[str, Any]]]  # the rows the given user may see

    @property
    def upload(self) -> tabular.Table:
        """The table as the upload kit reads it: headings are the column codes."""
        return tabular.Table(
            tuple(tabular.Column(c.name, c.name, required=c.required) for c in self.columns), name=self.sheet
        )


def _common(obj) -> dict[str, Any]:
    return {"source": obj.source, "is_illustrative": obj.is_illustrative}


TABLES: tuple[Table, ...] = (
    Table(
        "target_groups",
        "Målgrupper",
        (
            Column("code"),
            Column("name"),
            Column("description", required=False),
            Column("area", "area"),
            Column("committee", "committee"),
            Column("source", required=False),
            Column("is_illustrative", "bool", required=False),
        ),
        lambda user: (
            {
                "code": t.code,
                "name": t.name,
                "description": t.description,
                "area": t.area,
                "committee": t.committee,
                **_common(t),
            }
            for t in visible_knowledge(user, TargetGroup.objects.filter(organisation__isnull=True))
        ),
    ),
    Table(
        "outcomes",
        "Succesmål",
        (
            Column("target_group"),
            Column("code"),
            Column("name"),
            Column("description", required=False),
            Column("source", required=False),
            Column("is_illustrative", "bool", required=False),
        ),
        lambda user: (
            {
                "target_group": o.target_group.code,
                "code": o.code,
                "name": o.name,
                "description": o.description,
                **_common(o),
            }
            for o in visible_knowledge(
                user, Outcome.objects.select_related("target_group"), TARGET_GROUP_OWNER
            )
        ),
    ),
    Table(
        "consequences",
        "Konsekvenser",
        (
            Column("target_group"),
            Column("outcome"),
            Column("service"),
            Column("year_after_success", "int", required=False),
            Column("change", "float"),
            Column("standard_error", "float", required=False),
            Column("source", required=False),
            Column("is_illustrative", "bool", required=False),
        ),
        lambda user: (
            {
                "target_group": c.target_group.code,
                "outcome": c.outcome.code,
                "service": c.service,
                "year_after_success": c.year_after_success,
                "change": c.change,
                "standard_error": c.standard_error,
                **_common(c),
            }
            for c in visible_knowledge(
                user, Consequence.objects.select_related("target_group", "outcome"), TARGET_GROUP_OWNER
            )
        ),
    ),
    Table(
        "prices",
        "Priser",
        (
            Column("service"),
            Column("name"),
            Column("unit"),
            Column("municipality", "float"),
            Column("region", "float"),
            Column("state", "float"),
            Column("area", "area"),
            Column("committee", "committee", required=False),
            Column("price_year", "int"),
            Column("municipality_code", required=False),
            Column("source", required=False),
            Column("is_illustrative", "bool", required=False),
        ),
        lambda user: (
            {
                "service": p.service,
                "name": p.name,
                "unit": p.unit,
                "municipality": p.municipality,
                "region": p.region,
                "state": p.state,
                "area": p.area,
                "committee": p.committee,
                "price_year": p.price_year,
                "municipality_code": p.organisation.code if p.organisation else "",
                **_common(p),
            }
            for p in visible_knowledge(user, Price.objects.select_related("organisation"))
        ),
    ),
    Table(
        "studies",
        "Effektstudier",
        (
            Column("target_group"),
            Column("outcome"),
            Column("intervention"),
            Column("title"),
            Column("year", "int", required=False),
            Column("grade", "int"),
            Column("effect", "float"),
            Column("standard_error", "float", required=False),
            Column("source", required=False),
            Column("is_illustrative", "bool", required=False),
        ),
        lambda user: (
            {
                "target_group": s.target_group.code,
                "outcome": s.outcome.code,
                "intervention": s.intervention,
                "title": s.title,
                "year": s.year,
                "grade": s.grade,
                "effect": s.effect,
                "standard_error": s.standard_error,
                **_common(s),
            }
            for s in visible_knowledge(
                user, EffectStudy.objects.select_related("target_group", "outcome"), TARGET_GROUP_OWNER
            )
        ),
    ),
)
TABLE_BY_KEY = {t.key: t for t in TABLES}
TABLE_BY_SHEET = {t.sheet: t for t in TABLES}


# --- export -------------------------------------------------------------------------------------------


def export_xlsx(user) -> bytes:
    """Every table as one sheet, with the rows `user` may see (no other municipality's own numbers)."""
    buffer = io.BytesIO()
    workbook = SafeWorkbook(buffer)
    bold = workbook.add_format({"bold": True, "bg_color": "#dde6f0"})
    for table in TABLES:
        sheet = workbook.add_worksheet(table.sheet)
        for c, column in enumerate(table.columns):
            sheet.write(0, c, column.name, bold)
            sheet.set_column(c, c, 16)
        for r, row in enumerate(table.rows(user), start=1):
            for c, column in enumerate(table.columns):
                value = row.get(column.name)
                if value is not None and value != "":
                    sheet.write(r, c, value)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def export_csv(key: str, user) -> str:
    table = TABLE_BY_KEY[key]
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow([c.name for c in table.columns])
    for row in table.rows(user):
        writer.writerow(["" if row.get(c.name) is None else row.get(c.name) for c in table.columns])
    return out.getvalue()


# --- import -------------------------------------------------------------------------------------------


def _cell(table: Table, column: Column, raw: Any, where: str) -> Any:
    text = "" if raw is None else unescape_cell(str(raw).strip())
    if text == "":
        if column.required:
            raise DomainError(
                column.name,
                _("%(where)s, kolonne %(column)s: værdien mangler.")
                % {"where": where, "column": column.name},
            )
        return False if column.kind == "bool" else None
    if column.kind == "float":
        try:
            return tabular.parse_number(raw)
        except ValueError:
            raise DomainError(
                column.name,
                _("%(where)s, kolonne %(column)s: »%(text)s« er ikke et tal.")
                % {"where": where, "column": column.name, "text": text},
            ) from None
    if column.kind == "int":
        try:
            value = float(raw) if isinstance(raw, int | float) else float(text)
            if value != int(value):
                raise ValueError
            return int(value)
        except ValueError:
            raise DomainError(
                column.name,
                _("%(where)s, kolonne %(column)s: »%(text)s« er ikke et helt tal.")
                % {"where": where, "column": column.name, "text": text},
            ) from None
    if column.kind == "bool":
        return text.lower() in ("1", "true", "ja", "yes", "sand", "x")
    if column.kind == "area" and text not in AREA_CODES:
        raise DomainError(
            column.name,
            _("%(where)s, kolonne %(column)s: ukendt hovedområde »%(text)s«.")
            % {"where": where, "column": column.name, "text": text},
        )
    if column.kind == "committee" and text not in COMMITTEE_CODES:
        raise DomainError(
            column.name,
            _("%(where)s, kolonne %(column)s: ukendt udvalg »%(text)s«.")
            % {"where": where, "column": column.name, "text": text},
        )
    return text


def _rows(table: Table, header: Sequence[Any], data: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    located = table.upload.locate(header)
    out = []
    for r, values in tabular.data_rows(data):
        where = _("%(sheet)s, række %(row)d") % {"sheet": table.sheet, "row": r}
        out.append(
            {c.name: _cell(table, c, located.cell(values, c.name), where) for c in table.columns}
            | {"_where": where}
        )
    return out


def parse_upload(data: bytes, filename: str, csv_table: str = "") -> dict[str, list[dict[str, Any]]]:
    """Rows per table key from an Excel workbook (sheets named as in the export) or a CSV file of one table
    (UTF-8 or Windows-1252; ``;``, ``,`` or tab). Read through the upload kit (size limit, zip-bomb check)."""
    try:
        return _parse(io.BytesIO(data), filename, csv_table)
    except tabular.TabularError as exc:
        raise DomainError("file", localized(exc.message)) from None


def _parse(fh: io.BytesIO, filename: str, csv_table: str) -> dict[str, list[dict[str, Any]]]:
    kind = tabular.file_kind(filename)
    if kind == "csv" and csv_table not in TABLE_BY_KEY:
        raise DomainError("table", _("Vælg hvilken tabel CSV-filen indeholder."))
    tabular.check_size(fh, settings.SUSI_UPLOAD_LIMITS["knowledge"])
    if kind == "csv":
        upload = tabular.open_upload(fh, filename)
        return {csv_table: _rows(TABLE_BY_KEY[csv_table], upload.header(), upload.rows)}
    result = {}
    for sheet_name, open_sheet in tabular.excel_sheets(fh).items():
        table = TABLE_BY_SHEET.get(sheet_name)
        if table is None:
            continue
        rows = open_sheet()[1]
        header = next(rows, None)
        if header is not None:
            result[table.key] = _rows(table, header, rows)
    if not result:
        names = ", ".join(t.sheet for t in TABLES)
        raise DomainError("file", _("Excel-filen har ingen af arkene %(names)s.") % {"names": names})
    return result


def _require_prices(consequences: list[dict[str, Any]]) -> None:
    """A consequence is only usable with a national price for its service: refuse the import otherwise."""
    priced = set(Price.objects.filter(organisation__isnull=True).values_list("service", flat=True))
    for row in consequences:
        if row["service"] not in priced:
            raise DomainError(
                "service",
                _(
                    "%(where)s: ydelsen »%(service)s« har ingen pris; tilføj prisen (arket med priser) i samme import."
                )
                % {"where": row["_where"], "service": row["service"]},
            )


def _target_group(row: dict[str, Any]) -> TargetGroup:
    try:
        return TargetGroup.objects.get(code=row["target_group"])
    except TargetGroup.DoesNotExist:
        raise DomainError(
            "target_group",
            _("%(where)s: ukendt målgruppe »%(code)s«.")
            % {"where": row["_where"], "code": row["target_group"]},
        ) from None


def _outcome(row: dict[str, Any], tg: TargetGroup) -> Outcome:
    try:
        return Outcome.objects.get(target_group=tg, code=row["outcome"])
    except Outcome.DoesNotExist:
        raise DomainError(
            "outcome",
            _("%(where)s: ukendt succesmål »%(code)s«.") % {"where": row["_where"], "code": row["outcome"]},
        ) from None


def _write_target_group(row: dict[str, Any]) -> None:
    TargetGroup.objects.update_or_create(
        code=row["code"],
        defaults={k: row[k] or "" for k in ("name", "description", "area", "committee", "source")}
        | {"is_illustrative": row["is_illustrative"]},
    )


def _write_outcome(row: dict[str, Any]) -> None:
    Outcome.objects.update_or_create(
        target_group=_target_group(row),
        code=row["code"],
        defaults={
            "name": row["name"],
            "description": row["description"] or "",
            "source": row["source"] or "",
            "is_illustrative": row["is_illustrative"],
        },
    )


def _write_consequence(row: dict[str, Any]) -> None:
    tg = _target_group(row)
    Consequence.objects.update_or_create(
        target_group=tg,
        outcome=_outcome(row, tg),
        service=row["service"],
        year_after_success=row["year_after_success"],
        defaults={
            "change": row["change"],
            "standard_error": row["standard_error"],
            "source": row["source"] or "",
            "is_illustrative": row["is_illustrative"],
        },
    )


def _write_price(row: dict[str, Any]) -> None:
    org = None
    if row["municipality_code"]:
        org = Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, code=row["municipality_code"]
        ).first()
        if org is None:
            raise DomainError(
                "municipality_code",
                _("%(where)s: ukendt kommunenummer »%(code)s«.")
                % {"where": row["_where"], "code": row["municipality_code"]},
            )
    fields = ("name", "unit", "municipality", "region", "state", "area", "price_year", "is_illustrative")
    Price.objects.update_or_create(
        service=row["service"],
        organisation=org,
        defaults={k: row[k] for k in fields}
        | {"committee": row["committee"] or "", "source": row["source"] or ""},
    )


def _write_study(row: dict[str, Any]) -> None:
    tg = _target_group(row)
    if row["grade"] not in (1, 2, 3):
        raise DomainError(
            "grade", _("%(where)s: evidensniveau skal være 1, 2 eller 3.") % {"where": row["_where"]}
        )
    fields = ("intervention", "year", "grade", "effect", "standard_error", "is_illustrative")
    EffectStudy.objects.update_or_create(
        target_group=tg,
        outcome=_outcome(row, tg),
        title=row["title"],
        defaults={k: row[k] for k in fields} | {"source": row["source"] or ""},
    )


# The tables of an upload and how each row is written, in the order the rows depend on each other.
_WRITERS: tuple[tuple[str, Callable[[dict[str, Any]], None]], ...] = (
    ("target_groups", _write_target_group),
    ("outcomes", _write_outcome),
    ("consequences", _write_consequence),
    ("prices", _write_price),
    ("studies", _write_study),
)


def import_knowledge(
    user,
    data: bytes,
    filename: str,
    csv_table: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Validate and import in one transaction; returns (rows written, new version number).

    ``progress(done, total)`` is called every 500 rows (from inside the transaction)."""
    require(user, "som.edit_knowledge")
    tables = parse_upload(data, filename, csv_table)
    total = sum(len(rows) for rows in tables.values())
    written = 0
    with transaction.atomic():
        for key, write in _WRITERS:
            for row in tables.get(key, []):
                write(row)
                written += 1
                if progress and written % 500 == 0:
                    progress(written, total)
        _require_prices(tables.get("consequences", []))
        version = new_version(user, f"Import af {filename} ({written} rækker)")
    if progress:
        progress(written, total)
    return written, version.number
