"""Pages and API: the import flow, the effect estimate with its chart, and who sees which citizens."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from susi.outcomes.models import AccessLog, Citizen, EffectEvaluation, Enrolment, ImportBatch
from susi.outcomes.services import commit_batch, stage_file

from .helpers import csv_bytes, rows_for


def load(world, municipality, n=30, offset=0, user=None):
    batch = stage_file(
        user=user or world.evaluator,
        initiative=world.initiative,
        municipality=municipality,
        fh=io.BytesIO(csv_bytes(rows_for(n, offset=offset))),
        name="data.csv",
    )
    return commit_batch(user=user or world.evaluator, batch=batch)


def test_upload_preview_import_and_estimate(client, world):
    client.force_login(world.evaluator)
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk]))
    assert page.status_code == 200 and "Indlæs udfaldsdata" in page.content.decode()
    upload = io.BytesIO(csv_bytes(rows_for(40)))
    upload.name = "trivsel.csv"
    response = client.post(
        reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload, "municipality": "751"}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("outcomes:batch", args=[batch.pk])
    preview = client.get(response.url).content.decode()
    assert "Filen er gyldig" in preview and "Importér" in preview
    response = client.post(reverse("outcomes:commit", args=[batch.pk]))
    assert response.status_code == 302
    assert Citizen.objects.count() == 40
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "<svg" in page and "<title>" in page and 'data-testid="effect"' in page
    # HTMX recalculation with another method returns the partial.
    partial = client.get(
        reverse("outcomes:estimate", args=[world.initiative.pk]),
        {"instrument": "trivsel", "design": "ancova", "followup": 1},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "udgangsmåling" in partial and "<html" not in partial
    client.post(
        reverse("outcomes:save_estimate", args=[world.initiative.pk]),
        {"instrument": "trivsel", "design": "rct_means", "followup": 1},
    )
    saved = EffectEvaluation.objects.get()
    assert saved.effect_size_kind == "MD" and saved.n_treated == 20 and 0 < saved.estimate < 15


def test_invalid_file_shows_danish_report(client, world):
    client.force_login(world.evaluator)
    rows = rows_for(5)
    rows[0][0] = "123"
    upload = io.BytesIO(csv_bytes(rows))
    upload.name = "fejl.csv"
    response = client.post(
        reverse("outcomes:upload", args=[world.initiative.pk]),
        {"file": upload, "municipality": "751"},
        follow=True,
    )
    text = response.content.decode()
    assert "10 cifre" in text and "kan ikke importeres" in text
    assert Citizen.objects.count() == 0


def test_municipality_user_sees_only_own_citizens(client, world):
    load(world, world.aarhus)
    load(world, world.odense, offset=1000)
    odense_enrolment = Enrolment.objects.filter(municipality=world.odense).first()
    aarhus_enrolment = Enrolment.objects.filter(municipality=world.aarhus).first()
    client.force_login(world.aarhus_user)
    assert client.get(reverse("outcomes:enrolment", args=[aarhus_enrolment.pk])).status_code == 200
    assert client.get(reverse("outcomes:enrolment", args=[odense_enrolment.pk])).status_code == 404
    listing = client.get(reverse("outcomes:citizens", args=[world.initiative.pk])).content.decode()
    assert aarhus_enrolment.citizen.short_pseudonym in listing
    assert odense_enrolment.citizen.short_pseudonym not in listing
    # The API answers the same way.
    assert client.get(f"/api/outcomes/enrolments/{odense_enrolment.pk}").status_code == 404
    data = client.get(f"/api/outcomes/enrolments/{aarhus_enrolment.pk}").json()
    assert data["municipality"] == "751" and len(data["measurements"]) == 2
    listed = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/enrolments?limit=1000").json()
    assert {row["municipality"] for row in listed} == {"751"} and len(listed) == 30
    # Every read was logged: who, what, which citizens (the enrolment page twice: the page, and the
    # feedback with its free text).
    logs = AccessLog.objects.filter(username="aarhus")
    assert logs.count() == 5
    assert all(odense_enrolment.citizen_id not in log.citizen_ids for log in logs)


@pytest.mark.parametrize("who", ["agency_user", "steering", "other_evaluator", "vejle_user", "admin"])
def test_no_citizen_level_access_for_others(client, world, who):
    load(world, world.aarhus)
    enrolment = Enrolment.objects.first()
    client.force_login(getattr(world, who))
    assert client.get(reverse("outcomes:enrolment", args=[enrolment.pk])).status_code == 404
    assert client.get(f"/api/outcomes/enrolments/{enrolment.pk}").status_code == 404
    assert client.get(reverse("outcomes:citizens", args=[world.initiative.pk])).status_code in (403, 404)
    assert client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/enrolments").status_code in (403, 404)


def test_agency_sees_aggregates_with_small_cells_suppressed(client, world):
    load(world, world.aarhus, n=30)
    load(world, world.odense, n=3, offset=1000)
    client.force_login(world.agency_user)
    data = client.get(f"/api/outcomes/initiatives/{world.initiative.pk}/summary").json()
    by_code = {m["code"]: m for m in data["municipalities"]}
    assert by_code["751"]["total"] == 30
    assert by_code["461"]["total"] is None and by_code["461"]["intervention"] is None
    estimate = client.post(
        f"/api/outcomes/initiatives/{world.initiative.pk}/estimate",
        json.dumps({"instrument": "trivsel", "design": "rct_means", "followup": 1}),
        content_type="application/json",
    )
    assert estimate.status_code == 200
    body = estimate.json()
    assert body["measure"] == "MD" and body["ci_low"] < body["estimate"] < body["ci_high"]
    assert body["smd"]["yi"] > 0
    page = client.get(reverse("outcomes:initiative", args=[world.initiative.pk])).content.decode()
    assert "Indlæs udfaldsdata" not in page and "Borgere (pseudonymiseret)" not in page


def test_estimate_withheld_below_five_citizens(client, world):
    load(world, world.aarhus, n=8)  # 4 per arm
    client.force_login(world.evaluator)
    response = client.post(
        f"/api/outcomes/initiatives/{world.initiative.pk}/estimate",
        json.dumps({"instrument": "trivsel", "design": "rct_means", "followup": 1}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "under 5" in response.json()["detail"][0]["message"]


def test_matching_shows_unmatched_citizens_and_balance(client, world):
    """Propensity matching: the page shows the pairs, the intervention citizens left without a match
    (below 5 as "<5") and each covariate's standardised difference before and after matching."""
    from susi.outcomes.evaluation import run_estimate
    from susi.outcomes.models import Instrument

    load(world, world.aarhus, n=80)
    result = run_estimate(world.initiative, Instrument.objects.get(code="trivsel"), "psm", 1, chart=False)
    assert result.estimate is not None, result.error
    est = result.estimate
    matching = result.matching
    assert matching["pairs"] == est.detail("pairs") == est.n_intervention
    unmatched = est.detail("unmatched_intervention")
    assert matching["unmatched"] == (unmatched if unmatched == 0 or unmatched >= 5 else None)
    before = dict(est.detail("balance_before"))
    assert [b["covariate"] for b in matching["balance"]] == list(before)
    assert matching["balance"][0]["before"] == before["baseline"]
    assert result.as_dict()["matching"] == matching
    client.force_login(world.evaluator)
    partial = client.get(
        reverse("outcomes:estimate", args=[world.initiative.pk]),
        {"instrument": "trivsel", "design": "psm", "followup": 1},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="matching"' in partial and "Borgere i indsatsgruppen uden match" in partial
    assert "Før matchning" in partial and "Udgangsmåling" in partial
    # the small-cell rule: 1-4 unmatched citizens are shown as "<5"
    from dataclasses import replace

    details = dict(est.details)
    details["unmatched_intervention"] = 3
    result.estimate = replace(est, details=tuple(details.items()))
    assert result.matching["unmatched"] is None


def test_api_subgroups_with_the_interaction_test(client, world):
    """For whom: the effect per declared subgroup and the treatment × subgroup test, as the engine's
    subgroup_effects computes it; undeclared splits and other municipalities' effects are refused."""
    from susi.engines.evaluation.estimators import subgroup_effects
    from susi.outcomes import selectors
    from susi.outcomes.models import Instrument

    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    url = f"/api/outcomes/initiatives/{world.initiative.pk}/subgroups"
    client.force_login(world.agency_user)
    response = client.post(
        url, {"instrument": "trivsel", "by": "municipality"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    frame = selectors.measurements_frame(world.initiative, Instrument.objects.get(code="trivsel"))
    expected = subgroup_effects(frame, "trivsel", "municipality")
    assert [g["group"] for g in body["groups"]] == ["461", "751"]
    assert body["interaction"]["f"] == pytest.approx(expected.statistic, rel=1e-12)
    assert body["interaction"]["df_num"] == 1 and body["design"] == "ancova"
    assert body["groups"][0]["estimate"] == pytest.approx(expected.groups[0].estimate.estimate, rel=1e-12)
    bad = client.post(url, {"instrument": "trivsel", "by": "skostørrelse"}, content_type="application/json")
    assert bad.status_code == 422 and "forhåndsdefinerede" in bad.json()["detail"][0]["message"]
    client.force_login(world.aarhus_user)
    refused = client.post(
        url, {"instrument": "trivsel", "by": "municipality"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "andre kommuner" in refused.json()["detail"][0]["message"]
    client.force_login(world.vejle_user)
    assert client.post(url, {"instrument": "trivsel"}, content_type="application/json").status_code == 403


def test_cli_subgroups_equals_the_api(client, world):
    from typer.testing import CliRunner

    from susi.cli import app

    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    client.force_login(world.agency_user)
    api = client.post(
        f"/api/outcomes/initiatives/{world.initiative.pk}/subgroups",
        {"instrument": "trivsel", "by": "municipality"},
        content_type="application/json",
    ).json()
    args = ["outcomes", "subgroups", "--initiative", str(world.initiative.pk), "--instrument", "trivsel"]
    result = CliRunner().invoke(
        app, [*args, "--by", "municipality", "--user", world.agency_user.username, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    table = CliRunner().invoke(app, [*args, "--by", "municipality", "--user", world.agency_user.username])
    assert table.exit_code == 0 and "Test af, om effekten er den samme" in table.output
    own = CliRunner().invoke(app, [*args, "--by", "municipality", "--user", world.aarhus_user.username])
    assert own.exit_code == 1 and "andre kommuner" in own.output
    bad = CliRunner().invoke(app, [*args, "--by", "hårfarve", "--user", world.agency_user.username])
    assert bad.exit_code == 2 and "forhåndsdefinerede" in bad.output


def test_api_subgroups_answers_in_the_request_language(client, world):
    load(world, world.aarhus, n=60)
    url = f"/api/outcomes/initiatives/{world.initiative.pk}/subgroups"
    client.force_login(world.agency_user)
    client.cookies["django_language"] = "en"
    bad = client.post(url, {"instrument": "trivsel", "by": "skostørrelse"}, content_type="application/json")
    assert bad.status_code == 422 and "declared subgroups" in bad.json()["detail"][0]["message"]
    one = client.post(url, {"instrument": "trivsel", "by": "municipality"}, content_type="application/json")
    assert one.status_code == 200, one.content
    assert "At least two groups" in one.json()["interaction"]["reason"]
    client.force_login(world.aarhus_user)
    client.cookies["django_language"] = "en"
    refused = client.post(
        url, {"instrument": "trivsel", "by": "municipality"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "other municipalities" in refused.json()["detail"][0]["message"]


def test_api_subgroups_by_sex_names_the_groups_in_the_request_language(client, world):
    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    url = f"/api/outcomes/initiatives/{world.initiative.pk}/subgroups"
    client.force_login(world.agency_user)
    names = {}
    for language in ("da", "en"):
        client.cookies["django_language"] = language
        response = client.post(url, {"instrument": "trivsel", "by": "sex"}, content_type="application/json")
        assert response.status_code == 200, response.content
        names[language] = {g["group"] for g in response.json()["groups"]}
    assert names["da"] <= {"kvinde", "mand"} and names["en"] <= {"woman", "man"} and names["da"]
