"""Browser: an evaluator uploads a file, sees the validation report, imports it and sees the effect estimate
with its chart; a municipality user cannot reach another municipality's citizens (UI or API)."""

from __future__ import annotations

import datetime as dt

import pytest

from susi.accounts.models import Role, User
from susi.organisations.models import Organisation
from susi.outcomes.models import Enrolment
from susi.portfolio.models import Initiative, Intervention
from tests.outcomes.helpers import csv_bytes, rows_for

from .conftest import PASSWORD


@pytest.fixture
def setup(db, settings, tmp_path):
    settings.SUSI_OUTCOMES_STAGING_DIR = tmp_path / "staging"
    settings.SUSI_PSEUDONYM_KEY_FILE = tmp_path / "pseudonym.key"
    from susi.outcomes import pseudonyms

    pseudonyms.reset_key_cache()
    aarhus = Organisation.objects.create(kind="municipality", name="Aarhus", code="751")
    odense = Organisation.objects.create(kind="municipality", name="Odense", code="461")
    vive = Organisation.objects.create(kind="evaluator", name="VIVE")
    initiative = Initiative.objects.create(
        intervention=Intervention.objects.create(name="Mestringsforløb", area="adults"),
        title="Afprøvning af mestringsforløb",
        phase="testing",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2024, 1, 1),
        phase_started_on=dt.date(2024, 1, 1),
        evaluator=vive,
    )
    initiative.municipalities.set([aarhus, odense])
    for username, role, org in (
        ("eva", Role.EVALUATOR, vive),
        ("karen", Role.MUNICIPALITY, aarhus),
    ):
        User.objects.create_user(username=username, password=PASSWORD, role=role, organisation=org)
    yield initiative
    pseudonyms.reset_key_cache()


def test_evaluator_imports_and_sees_estimate_then_municipality_is_fenced(setup, page, login, tmp_path):
    initiative = setup
    good = tmp_path / "trivsel.csv"
    good.write_bytes(csv_bytes(rows_for(40)))
    bad_rows = rows_for(3)
    bad_rows[0][0] = "310231-4000"
    bad = tmp_path / "fejl.csv"
    bad.write_bytes(csv_bytes(bad_rows))

    login("eva")
    page.goto(f"/udfald/initiativ/{initiative.pk}/")
    # A file with an error: the report names row, field and problem, and nothing is imported.
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(bad))
    page.get_by_label("Kommune", exact=True).select_option("751")
    page.get_by_role("button", name="Kontrollér filen").click()
    report = page.get_by_test_id("report")
    assert "gyldig fødselsdato" in report.inner_text()
    assert "kan ikke importeres" in page.content()

    page.goto(f"/udfald/initiativ/{initiative.pk}/")
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(good))
    page.get_by_label("Kommune", exact=True).select_option("751")
    page.get_by_role("button", name="Kontrollér filen").click()
    assert page.get_by_test_id("status").inner_text() == "Til gennemsyn"
    page.get_by_role("button", name="Importér").click()
    # The import runs as a background job; its page shows the outcome and leads back.
    page.wait_for_url("**/job/*/")
    assert "Importen er gennemført: 80 nye" in page.content()
    page.get_by_role("link", name="Tilbage").click()
    page.wait_for_url(f"**/udfald/initiativ/{initiative.pk}/")
    effect = page.get_by_test_id("effect")
    assert float(effect.inner_text().replace(",", ".")) > 0
    assert page.locator("#estimate svg[role=img] title").count() == 1
    # Recalculate with another method through HTMX.
    page.get_by_label("Metode").select_option("ancova")
    page.get_by_role("button", name="Beregn").click()
    page.wait_for_selector("#estimate caption:has-text('udgangsmåling')")

    # Odense's citizens exist too (imported by the evaluator).
    odense = tmp_path / "odense.csv"
    odense.write_bytes(csv_bytes(rows_for(10, offset=500)))
    page.goto(f"/udfald/initiativ/{initiative.pk}/")
    page.get_by_label("Fil (CSV eller Excel)").set_input_files(str(odense))
    page.get_by_label("Kommune", exact=True).select_option("461")
    page.get_by_role("button", name="Kontrollér filen").click()
    page.get_by_role("button", name="Importér").click()
    page.wait_for_url("**/job/*/")
    assert "Importen er gennemført: 20 nye" in page.content()

    # The municipality user: own citizens only, in the UI and in the API.
    page.get_by_role("button", name="Log ud").click()
    login("karen")
    own = Enrolment.objects.filter(municipality__code="751").first()
    other = Enrolment.objects.filter(municipality__code="461").first()
    page.goto(f"/udfald/initiativ/{initiative.pk}/borgere/")
    listing = page.content()
    assert own.citizen.short_pseudonym in listing and other.citizen.short_pseudonym not in listing
    assert page.goto(f"/udfald/forloeb/{other.pk}/").status == 404
    assert page.goto(f"/udfald/forloeb/{own.pk}/").status == 200
    assert page.goto(f"/api/outcomes/enrolments/{other.pk}").status == 404
    api = page.goto(f"/api/outcomes/initiatives/{initiative.pk}/enrolments?limit=1000")
    assert {row["municipality"] for row in api.json()} == {"751"}
