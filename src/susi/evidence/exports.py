"""Exports: the study register and a meta-analysis as CSV or Excel.

The register uses the import's own column names (metafor's), so an exported file can be edited and
imported again. A meta-analysis export has one sheet with the summary and one with the studies.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from susi.web.i18n import localized
from susi.web.spreadsheets import SafeWorkbook, safe_csv_writer

from .analysis import Analysis
from .models import DATA_FIELDS, Study

STUDY_COLUMNS = (
    ("study", "label"),
    ("intervention", None),
    ("outcome", "outcome"),
    ("year", "year"),
    ("design", "design"),
    ("grade", "grade"),
    ("risk_of_bias", "risk_of_bias"),
    ("country", "country"),
    ("target_group", "target_group"),
    ("setting", "setting"),
    ("measure", "measure"),
    *((name, name) for name in DATA_FIELDS),
    ("subgroup", "subgroup"),
    ("moderator", "moderator"),
    ("citation", "citation"),
)


def _study_rows(studies: Iterable[Study]) -> list[list[object]]:
    rows = []
    for s in studies:
        row: list[object] = []
        for header, attr in STUDY_COLUMNS:
            value = s.intervention.name if header == "intervention" else getattr(s, attr or "")
            row.append("" if value is None else value)
        rows.append(row)
    return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    buffer = io.BytesIO()
    book = SafeWorkbook(buffer)
    bold = book.add_format({"bold": True})
    for name, header, rows in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, list(header), bold)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, list(row))
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def studies_csv(studies: Iterable[Study]) -> bytes:
    return _csv([h for h, _ in STUDY_COLUMNS], _study_rows(studies))


def studies_xlsx(studies: Iterable[Study]) -> bytes:
    return _xlsx([("Studier", [h for h, _ in STUDY_COLUMNS], _study_rows(studies))])


def _summary_rows(a: Analysis) -> list[list[object]]:
    data = a.meta.as_dict()
    data["rating"] = localized(a.rating.label)
    return [[k, "" if v is None else v] for k, v in data.items()]


def _analysis_study_rows(a: Analysis) -> list[list[object]]:
    adjusted = a.effects.adjusted or (False,) * a.effects.k
    return [
        [s.label, float(y), float(v), w, "ja" if adj else "nej"]
        for s, y, v, w, adj in zip(
            a.studies, a.effects.yi, a.effects.vi, a.meta.weights, adjusted, strict=True
        )
    ]


STUDY_RESULT_HEADER = ("study", "yi", "vi", "weight_percent", "zero_cell_adjusted")


def analysis_csv(a: Analysis) -> bytes:
    rows = [*_summary_rows(a), [], list(STUDY_RESULT_HEADER), *_analysis_study_rows(a)]
    return _csv(["statistic", "value"], rows)


def analysis_xlsx(a: Analysis) -> bytes:
    return _xlsx(
        [
            ("Resultat", ["statistic", "value"], _summary_rows(a)),
            ("Studier", STUDY_RESULT_HEADER, _analysis_study_rows(a)),
        ]
    )
