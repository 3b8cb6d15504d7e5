"""Citizens' feedback in delivery: import and hand entry under the citizen-data rules, free text read only by
citizen readers and logged on every read, never in aggregates; small cells withheld; the proxy share shown."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from susi.outcomes import feedback as fb
from susi.outcomes import selectors
from susi.outcomes.importing import FileError
from susi.outcomes.models import AccessLog, Enrolment, FeedbackAnswer, FeedbackResponse
from susi.outcomes.services import commit_batch, stage_file
from susi.web.api_errors import DomainError

from .helpers import csv_bytes, rows_for, synthetic_cpr, xlsx_bytes

HEADER = [
    "CPR-nummer",
    "Måletidspunkt",
    "Besvaret af",
    "Form",
    "Dato",
    "Hjælper",
    "Bliver hørt",
    "Bestemme",
    "Kommentar",
]
SECRET = "Kontaktpersonen kommer for sent hver gang"


def _load(world, municipality, n, offset=0):
    batch = stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=municipality,
        fh=io.BytesIO(csv_bytes(rows_for(n, offset=offset))),
        name="trivsel.csv",
    )
    return commit_batch(user=world.evaluator, batch=batch)


def _rows(n, *, offset=0, proxies=0, occasion="opfølgning 1", comment=SECRET):
    """n citizens' feedback; the first ``proxies`` answered by staff, the rest by the citizen."""
    rows = []
    for i in range(offset, offset + n):
        who = "medarbejder" if i - offset < proxies else "borger"
        form = "hjemmebesøg" if who == "medarbejder" else "let læst"
        rows.append([synthetic_cpr(i), occasion, who, form, "2024-06-01", 4, 5 - i % 2, 3, comment])
    return rows


def _import(world, rows, *, user=None, name="feedback.csv", data=None):
    return fb.import_feedback(
        user=user or world.aarhus_user,
        initiative=world.initiative,
        fh=io.BytesIO(data if data is not None else csv_bytes(rows, header=HEADER)),
        name=name,
    )


# --- import -------------------------------------------------------------------------------------------------


def test_a_feedback_file_is_imported_pseudonymised_and_logged(world):
    _load(world, world.aarhus, 10)
    report = _import(world, _rows(10, proxies=4))
    assert (report.error_count, report.rows_new, report.rows_changed) == (0, 10, 0)
    assert FeedbackResponse.objects.count() == 10
    assert FeedbackResponse.objects.filter(respondent="staff", format="home_visit").count() == 4
    assert FeedbackAnswer.objects.filter(question="comment", text=SECRET).count() == 10
    log = AccessLog.objects.get(action=AccessLog.Action.IMPORT, what__startswith="feedback")
    assert log.citizen_count == 10
    # The same file again changes nothing; an Excel file with the same content neither.
    again = _import(world, _rows(10, proxies=4))
    assert (again.rows_new, again.rows_changed) == (0, 0)
    excel = _import(world, None, name="feedback.xlsx", data=xlsx_bytes(_rows(10, proxies=4), header=HEADER))
    assert (excel.error_count, excel.rows_new, excel.rows_changed) == (0, 0, 0)
    assert FeedbackResponse.objects.count() == 10


def test_a_bad_feedback_file_is_refused_with_a_danish_report_and_nothing_is_written(world, db_snapshot):
    _load(world, world.aarhus, 6)
    rows = _rows(6)
    rows[0][0] = "311399-1234"  # no such date
    rows[1][1] = "baseline"  # feedback is given at a follow-up
    rows[2][2] = "naboen"  # unknown respondent
    rows[3][5] = 7  # outside 1-5
    rows[4][3] = "røgsignaler"  # unknown format
    rows.append([synthetic_cpr(900), "opfølgning 1", "borger", "", "", 3, 3, 3, ""])  # not enrolled here
    rows.append([synthetic_cpr(5), "opfølgning 1", "borger", "", "", "", "", "", ""])  # no answers
    before = db_snapshot()
    report = _import(world, rows)
    assert db_snapshot() == before
    messages = {(e["row"], e["field"]): e["message"] for e in report.errors}
    assert report.error_count == 7
    assert "CPR" in messages[(2, "CPR-nummer")] or messages[(2, "CPR-nummer")]
    assert "opfølgning" in messages[(3, "måletidspunkt")]
    assert "pårørende" in messages[(4, "besvaret af")]
    assert "1 til 5" in messages[(5, "hjælper")]
    assert "Ukendt form" in messages[(6, "form")]
    assert "ikke indskrevet" in messages[(8, "CPR-nummer")]
    assert "ingen svar" in messages[(9, "svar")]


def test_a_file_without_answer_columns_or_rows_is_refused_and_writes_nothing(world, db_snapshot):
    _load(world, world.aarhus, 2)
    before = db_snapshot()
    with pytest.raises(FileError, match="ingen kolonne med svar"):
        _import(world, None, data=csv_bytes([[synthetic_cpr(0), "1", "borger"]], header=HEADER[:3]))
    with pytest.raises(FileError, match="mangler kolonnen"):
        _import(world, None, data=csv_bytes([[synthetic_cpr(0), "4"]], header=["CPR-nummer", "Hjælper"]))
    with pytest.raises(FileError, match="ingen datarækker"):
        _import(world, [])
    with pytest.raises(FileError):
        _import(world, None, name="feedback.pdf", data=b"%PDF")
    assert db_snapshot() == before


def test_the_page_shows_the_report_and_writes_nothing(client, world, db_snapshot):
    _load(world, world.aarhus, 3)
    rows = _rows(3)
    rows[1][5] = "meget"
    upload = io.BytesIO(csv_bytes(rows, header=HEADER))
    upload.name = "feedback.csv"
    client.force_login(world.aarhus_user)
    before = db_snapshot()
    response = client.post(reverse("outcomes:feedback_upload", args=[world.initiative.pk]), {"file": upload})
    assert response.status_code == 200
    assert db_snapshot() == before
    page = response.content.decode()
    assert "Intet er indlæst" in page and "Svaret skal være et helt tal fra 1 til 5" in page


def test_a_feedback_file_is_no_yes_no_test_for_another_municipalitys_cpr(world):
    _load(world, world.odense, 2, offset=500)
    elsewhere = _import(world, [_rows(1, offset=500)[0]])
    nowhere = _import(world, [_rows(1, offset=900)[0]])
    assert [e["message"] for e in elsewhere.errors] == [e["message"] for e in nowhere.errors]


def test_a_cpr_in_the_comment_is_masked(world):
    _load(world, world.aarhus, 1)
    _import(world, _rows(1, comment="ring til 010330-4002"))
    assert FeedbackAnswer.objects.get(question="comment").text == "ring til XXXXXX-XXXX"


def test_only_importers_for_the_municipality_may_import(world):
    _load(world, world.aarhus, 1)
    for user in (world.agency_user, world.steering, world.vejle_user):
        with pytest.raises(PermissionDenied):
            fb.import_feedback(
                user=user,
                initiative=world.initiative,
                fh=io.BytesIO(csv_bytes(_rows(1), header=HEADER)),
                name="f.csv",
            )
    # Odense may import, but Aarhus' citizen is not one of its own: a row error, nothing written.
    report = _import(world, _rows(1), user=world.odense_user)
    assert report.error_count == 1 and not FeedbackResponse.objects.exists()


# --- by hand --------------------------------------------------------------------------------------------------


def test_feedback_is_entered_by_hand_for_an_own_citizen(client, world):
    _load(world, world.aarhus, 1)
    enrolment = Enrolment.objects.get()
    client.force_login(world.aarhus_user)
    url = reverse("outcomes:feedback_entry", args=[enrolment.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"occasion": "2", "respondent": "relative", "format": "pictograms", "helps": "4", "comment": SECRET},
    )
    assert response.status_code == 302
    saved = FeedbackResponse.objects.get()
    assert (saved.occasion.number, saved.respondent, saved.format) == (2, "relative", "pictograms")
    assert saved.entered_by == world.aarhus_user
    assert AccessLog.objects.filter(
        action=AccessLog.Action.IMPORT, what__startswith="feedback registreret"
    ).exists()
    # No answer at all: the form says so, nothing more is written.
    response = client.post(url, {"occasion": "3", "respondent": "citizen", "format": "oral"})
    assert response.status_code == 200 and "Besvar mindst ét spørgsmål" in response.content.decode()
    assert FeedbackResponse.objects.count() == 1


def test_hand_entry_follows_the_citizen_data_rules(client, world):
    _load(world, world.aarhus, 1)
    enrolment = Enrolment.objects.get()
    for user in (world.odense_user, world.agency_user, world.admin, world.other_evaluator):
        with pytest.raises(PermissionDenied):
            fb.record_feedback(
                user=user,
                enrolment=enrolment,
                occasion=1,
                respondent="citizen",
                format="oral",
                values={"helps": 3},
            )
        client.force_login(user)
        assert client.get(reverse("outcomes:feedback_entry", args=[enrolment.pk])).status_code == 404
    with pytest.raises(DomainError):
        fb.record_feedback(
            user=world.aarhus_user,
            enrolment=enrolment,
            occasion=1,
            respondent="neighbour",
            format="oral",
            values={"helps": 3},
        )
    assert not FeedbackResponse.objects.exists()


# --- free text: citizen readers only, every read logged, never in aggregates ------------------------------------


def _feedback_logs():
    return AccessLog.objects.filter(what__contains="fritekst")


def test_every_read_of_free_text_is_logged(client, world):
    _load(world, world.aarhus, 6)
    _import(world, _rows(6, proxies=2))
    enrolment = Enrolment.objects.first()
    client.force_login(world.aarhus_user)
    for n in (1, 2):  # the enrolment page, twice: two entries
        page = client.get(reverse("outcomes:enrolment", args=[enrolment.pk])).content.decode()
        assert SECRET in page
        assert _feedback_logs().count() == n
    page = client.get(reverse("outcomes:feedback", args=[world.initiative.pk])).content.decode()
    assert SECRET in page and _feedback_logs().count() == 3
    assert _feedback_logs().order_by("-pk").first().citizen_count == 6
    answer = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/feedback/responses")
    assert answer.status_code == 200 and SECRET in answer.content.decode()
    logged = _feedback_logs().order_by("-pk").first()
    assert logged.action == AccessLog.Action.API and logged.citizen_count == 6
    # The service itself logs even when nobody has feedback.
    assert fb.responses_with_text(world.aarhus_user, [], what="fritekst: tom") == []
    assert _feedback_logs().count() == 5


def test_free_text_is_only_for_citizen_readers(client, world):
    _load(world, world.aarhus, 6)
    _import(world, _rows(6))
    enrolment = Enrolment.objects.first()
    for user in (world.agency_user, world.steering, world.admin, world.other_evaluator):
        with pytest.raises(PermissionDenied):
            fb.responses_with_text(user, [enrolment], what="fritekst")
        client.force_login(user)
        assert client.get(reverse("outcomes:feedback", args=[world.initiative.pk])).status_code == 404
        api = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/feedback/responses")
        assert api.status_code == 404
    assert not _feedback_logs().exists()
    # Odense takes part, but reads only its own citizens: Aarhus' comments are not in its list.
    with pytest.raises(PermissionDenied):
        fb.responses_with_text(world.odense_user, [enrolment], what="fritekst")
    client.force_login(world.odense_user)
    assert SECRET not in client.get(reverse("outcomes:feedback", args=[world.initiative.pk])).content.decode()
    api = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/feedback/responses")
    assert api.status_code == 404 or api.json() == []
    # The evaluator of the initiative reads it (logged).
    client.force_login(world.evaluator)
    assert SECRET in client.get(reverse("outcomes:feedback", args=[world.initiative.pk])).content.decode()


def test_free_text_is_absent_from_every_aggregate(client, world):
    _load(world, world.aarhus, 12)
    _import(world, _rows(12, proxies=5))
    summary = selectors.feedback_summary(world.initiative)
    assert SECRET not in repr(summary)
    client.force_login(world.agency_user)
    before = AccessLog.objects.count()
    monitoring = client.get(reverse("outcomes:monitoring", args=[world.initiative.pk])).content.decode()
    api = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/feedback")
    assert api.status_code == 200
    municipality = client.get(reverse("portfolio:municipality", args=["751"])).content.decode()
    for text in (monitoring, api.content.decode(), municipality):
        assert SECRET not in text
    assert (
        'data-testid="feedback-summary"' in monitoring
        and 'data-testid="municipality-feedback"' in municipality
    )
    assert AccessLog.objects.count() == before  # aggregates read no citizen-level data


# --- aggregates: small cells, proxy share -------------------------------------------------------------------------


def test_the_aggregate_shows_the_proxy_share_and_withholds_small_cells(client, world):
    _load(world, world.aarhus, 12)
    _load(world, world.odense, 3, offset=100)
    _import(world, _rows(12, proxies=5))
    assert _import(world, _rows(3, offset=100), user=world.odense_user).error_count == 0
    data = selectors.feedback_summary(world.initiative)
    overall = data["feedback"]
    assert overall.responses == 15
    assert overall.proxy == 5 and overall.proxy_share == pytest.approx(5 / 15)
    helps = overall.questions[0]
    assert (helps.n, helps.mean, helps.mean_citizen, helps.mean_proxy) == (15, 4.0, 4.0, 4.0)
    by_name = dict(data["feedback_by_municipality"])
    # Odense's 3 citizens are withheld, and so is Aarhus (else overall minus Aarhus would be Odense).
    assert by_name["Odense Kommune"].responses is None and by_name["Odense Kommune"].questions[0].mean is None
    assert by_name["Aarhus Kommune"].responses is None and by_name["Aarhus Kommune"].questions[0].mean is None
    # Aarhus' own view: only Aarhus, shown (12 citizens), with the note on proxies.
    client.force_login(world.aarhus_user)
    page = client.get(reverse("outcomes:monitoring", args=[world.initiative.pk])).content.decode()
    assert (
        'data-testid="proxy-note"' in page and "Odense" not in page.split('data-testid="feedback-summary"')[1]
    )
    api = json.loads(client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/feedback").content)
    assert api["overall"]["responses"] == 12 and api["overall"]["proxy"] == 5
    assert [m["municipality"] for m in api["municipalities"]] == ["Aarhus Kommune"]


def test_four_citizens_give_no_figure(world):
    _load(world, world.aarhus, 4)
    _import(world, _rows(4, proxies=1))
    overall = selectors.feedback_summary(world.initiative)["feedback"]
    assert overall.responses is None and overall.proxy_share is None
    assert all(q.mean is None and q.n is None for q in overall.questions)


def test_erasing_a_citizen_erases_their_feedback(world):
    from susi.outcomes.services import erase_citizen

    _load(world, world.aarhus, 2)
    _import(world, _rows(2))
    erase_citizen(user=world.aarhus_user, enrolments=list(Enrolment.objects.all()))
    assert not FeedbackResponse.objects.exists() and not FeedbackAnswer.objects.exists()


def test_the_demo_tells_of_proxy_feedback_in_stepping_stones(world):
    import datetime as dt

    from susi.outcomes.demo import load_feedback
    from susi.portfolio.models import Initiative, Intervention

    initiative = Initiative.objects.create(
        intervention=Intervention.objects.create(name="Stepping Stones", area="disability"),
        title="Udbredelse af Stepping Stones – til forældre, der har et barn med handicap",
        phase="dissemination",
        programme="uip_children",
        area="disability",
        start_date=dt.date(2016, 3, 1),
        phase_started_on=dt.date(2020, 6, 1),
        evaluator=world.vive,
    )
    initiative.municipalities.set([world.aarhus, world.odense])
    lines = []
    load_feedback(lines.append)
    assert FeedbackResponse.objects.filter(enrolment__initiative=initiative).count() > 100
    overall = selectors.feedback_summary(initiative)["feedback"]
    assert 0.5 < overall.proxy_share < 0.8  # most answers are given by parents and counsellors
    say = overall.questions[2]
    assert say.mean_proxy < say.mean_citizen  # and they differ from the children's own answers
    load_feedback(lines.append)  # idempotent
    assert "findes allerede" in lines[-1]


def test_the_csv_export_has_aggregates_only(client, world):
    _load(world, world.aarhus, 12)
    _import(world, _rows(12, proxies=5))
    client.force_login(world.agency_user)
    response = client.get(reverse("outcomes:feedback_csv", args=[world.initiative.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and SECRET not in text
    lines = text.strip().splitlines()
    assert lines[0].startswith("Kommune;Borgere med feedback") and lines[-1].startswith(
        "I alt;12;7;0;5;0.417"
    )
    client.force_login(world.steering)
    assert (
        SECRET
        not in client.get(reverse("outcomes:feedback_csv", args=[world.initiative.pk])).content.decode()
    )
    client.force_login(world.vejle_user)  # takes no part in the initiative
    assert client.get(reverse("outcomes:feedback_csv", args=[world.initiative.pk])).status_code == 403


def test_the_citizens_own_export_includes_their_feedback(world):
    from susi.outcomes.services import citizen_export

    _load(world, world.aarhus, 1)
    _import(world, _rows(1))
    data = citizen_export(user=world.aarhus_user, enrolments=list(Enrolment.objects.all()))
    assert data["enrolments"][0]["feedback"][0]["answers"]["comment"] == SECRET
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1


def test_the_command_line_imports_feedback_or_prints_the_report(world, tmp_path):
    from typer.testing import CliRunner

    from susi.outcomes.cli import app

    _load(world, world.aarhus, 2)
    good, bad = tmp_path / "feedback.csv", tmp_path / "daarlig.csv"
    good.write_bytes(csv_bytes(_rows(2), header=HEADER))
    rows = _rows(2)
    rows[1][2] = "naboen"
    bad.write_bytes(csv_bytes(rows, header=HEADER))
    runner = CliRunner()
    args = ["--initiative", str(world.initiative.pk), "--user", "aarhus"]
    failed = runner.invoke(app, ["feedback", str(bad), *args])
    assert (
        failed.exit_code == 1
        and "Intet er indlæst" in failed.output
        and not FeedbackResponse.objects.exists()
    )
    done = runner.invoke(app, ["feedback", str(good), *args])
    assert done.exit_code == 0 and FeedbackResponse.objects.count() == 2
    refused = runner.invoke(
        app, ["feedback", str(good), "--initiative", str(world.initiative.pk), "--user", "styrelsen"]
    )
    assert refused.exit_code == 1


def test_feedback_is_not_in_the_admin():
    from django.contrib import admin

    assert FeedbackResponse not in admin.site._registry and FeedbackAnswer not in admin.site._registry


def test_no_clear_cpr_is_kept_from_a_feedback_file(world):
    _load(world, world.aarhus, 2)
    rows = _rows(2, comment="borgerens nabo 0103304002 svarede")
    rows[1][2] = "0103304002"  # a CPR in the respondent column: a row error, quoted nowhere in clear
    report = _import(world, rows, name="feedback_0103304002.csv")
    assert report.error_count == 1
    assert "0103304002" not in repr(report.errors)
    report = _import(world, _rows(2, comment="ring 010330-4002"), name="feedback_010330-4002.csv")
    assert report.error_count == 0
    stored = [
        *FeedbackAnswer.objects.values_list("text", flat=True),
        *AccessLog.objects.values_list("what", flat=True),
    ]
    assert not any("0103304002" in s or "010330-4002" in s for s in stored)
