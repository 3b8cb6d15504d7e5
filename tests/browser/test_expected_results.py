"""Browser: a municipality in a dissemination initiative opens its expected-results pack from the initiative
page and downloads the PDF and the Excel file."""

import io

from openpyxl import load_workbook

from tests.dissemination.test_expected_results import disseminating  # noqa: F401  (the fixture)


def test_a_municipality_opens_its_pack_and_downloads_pdf_and_excel(page, login, world, disseminating):  # noqa: F811
    login("municipality")
    page.goto(f"/initiativer/{disseminating.pk}/")
    page.locator("#expected-results-link").click()
    page.wait_for_url(f"**/udbredelse/initiativer/{disseminating.pk}/forventede-resultater/")
    assert page.get_by_role("heading", name="Forventede resultater for Aarhus").is_visible()
    assert page.get_by_role("heading", name="SØM-beregning med kommunens egne tal").is_visible()
    assert page.locator("#pack-present-value").inner_text().endswith("kr.")

    with page.expect_download() as pdf_download:
        page.locator("#download-pdf").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

    with page.expect_download() as excel_download:
        page.locator("#download-excel").click()
    excel = excel_download.value
    assert excel.suggested_filename.endswith(".xlsx")
    with open(excel.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()), data_only=True)
    assert wb.sheetnames == ["Forventede resultater", "SØM pr. år"]
    assert wb["Forventede resultater"].cell(1, 1).value == "Forventede resultater for Aarhus"
