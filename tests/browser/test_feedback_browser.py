"""Citizens' feedback in a browser: a municipality worker enters a proxy answer by hand, reads it back on the
citizen's page, and sees the aggregate with the proxy share on the monitoring page (axe-clean, also on a phone)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from susi.accounts.models import Role, User
from susi.organisations.models import Organisation
from susi.outcomes import feedback as fb
from susi.outcomes import pseudonyms
from susi.outcomes.models import AccessLog, Enrolment, FeedbackResponse
from susi.outcomes.services import commit_batch, stage_file
from susi.portfolio.models import Initiative, Intervention
from tests.browser.conftest import PASSWORD
from tests.browser.test_accessibility import violations
from tests.outcomes.helpers import csv_bytes, rows_for, synthetic_cpr

pytestmark = pytest.mark.bypass_csp  # axe-core is injected as an inline script

HEADER = [
    "CPR-nummer",
    "Måletidspunkt",
    "Besvaret af",
    "Form",
    "Hjælper",
    "Bliver hørt",
    "Bestemme",
    "Kommentar",
]


@pytest.fixture
def stepping_stones(db, settings, tmp_path, monkeypatch):
    settings.SUSI_OUTCOMES_STAGING_DIR = tmp_path / "staging"
    settings.SUSI_PSEUDONYM_KEY_FILE = tmp_path / "pseudonym.key"
    monkeypatch.delenv("SUSI_PSEUDONYM_KEY", raising=False)
    pseudonyms.reset_key_cache()
    aarhus = Organisation.objects.create(kind=Organisation.Kind.MUNICIPALITY, name="Aarhus", code="751")
    via = Organisation.objects.create(kind=Organisation.Kind.EVALUATOR, name="VIA")
    initiative = Initiative.objects.create(
        intervention=Intervention.objects.create(name="Stepping Stones", area="disability"),
        title="Udbredelse af Stepping Stones",
        phase="dissemination",
        programme="uip_children",
        area="disability",
        start_date=dt.date(2016, 3, 1),
        phase_started_on=dt.date(2020, 6, 1),
        evaluator=via,
    )
    initiative.municipalities.set([aarhus])
    user = User.objects.create_user(
        username="aarhus", password=PASSWORD, role=Role.MUNICIPALITY, organisation=aarhus
    )
    batch = stage_file(
        user=user, initiative=initiative, fh=io.BytesIO(csv_bytes(rows_for(12))), name="trivsel.csv"
    )
    commit_batch(user=user, batch=batch)
    rows = [
        [
            synthetic_cpr(i),
            "opfølgning 1",
            "pårørende" if i < 6 else "borger",
            "mundtlig",
            4,
            3,
            2 + i % 3,
            "",
        ]
        for i in range(1, 12)
    ]
    report = fb.import_feedback(
        user=user, initiative=initiative, fh=io.BytesIO(csv_bytes(rows, header=HEADER)), name="feedback.csv"
    )
    assert report.error_count == 0
    yield initiative
    pseudonyms.reset_key_cache()


def test_a_proxy_answer_is_entered_read_back_and_counted(page, login, stepping_stones):
    enrolment = Enrolment.objects.filter(feedback__isnull=True).get()  # citizen 0 has no feedback yet
    login("aarhus")
    page.goto(f"/udfald/forloeb/{enrolment.pk}/feedback/")
    assert violations(page) == []
    page.get_by_label("Medarbejder på borgerens vegne").check()
    page.get_by_label("Hvordan blev der spurgt?").select_option("home_visit")
    page.locator("input[name=helps][value='4']").check()
    page.get_by_label("Er der noget, vi skal gøre anderledes?").fill(
        "Barnet pegede på billedkortet med bilen."
    )
    page.get_by_role("button", name="Gem feedback").click()
    page.wait_for_url(f"**/udfald/forloeb/{enrolment.pk}/")
    assert "Barnet pegede på billedkortet med bilen." in page.content()
    assert FeedbackResponse.objects.get(enrolment=enrolment).respondent == "staff"
    assert AccessLog.objects.filter(what__contains="fritekst", citizen_ids=[enrolment.citizen_id]).exists()

    page.goto(f"/udfald/initiativ/{stepping_stones.pk}/monitorering/")
    note = page.get_by_test_id("proxy-note")
    assert "Andel besvaret af en stedfortræder: 50 %" in note.inner_text()  # 6 of 12
    assert page.locator("[data-testid=feedback-summary] svg[role=img]").count() == 1
    assert "Barnet pegede" not in page.content()
    assert violations(page) == []


@pytest.mark.phone
def test_the_feedback_figures_fit_a_phone(page, login, stepping_stones):
    login("aarhus")
    page.goto(f"/udfald/initiativ/{stepping_stones.pk}/monitorering/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    assert violations(page) == []
