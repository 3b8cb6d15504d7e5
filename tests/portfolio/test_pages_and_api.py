"""The pages and the JSON API of the portfolio, as a user meets them."""

import json

import pytest

from susi.portfolio.models import Initiative
from tests.portfolio.test_gate_services import approve_required

ALL = ["effect", "economy", "implementation", "demand", "realistic_operation"]


def gate_post(outcome="continue", rating="met", skip=(), **extra):
    data = {"outcome": outcome, "justification": extra.pop("justification", ""), "record": "1"}
    for c in ALL:
        if c in skip:
            continue
        data[f"gate_{c}_rating"] = rating
        data[f"gate_{c}_justification"] = f"Begrundelse {c}"
    data.update(extra)
    return data


def test_board_shows_columns_counts_and_filters(client, world):
    client.force_login(world.users["agency"])
    page = client.get("/").content.decode()
    for name in ("Screening", "Modning", "Afprøvning", "Udbredelse"):
        assert name in page
    assert "Eget initiativ" in page and "Andet initiativ" in page
    filtered = client.get("/", {"municipality": "751"}).content.decode()
    assert "Eget initiativ" in filtered and "Andet initiativ" not in filtered
    partial = client.get("/", {"municipality": "461"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Andet initiativ" in partial


def test_municipality_board_shows_only_own_initiatives(client, world):
    client.force_login(world.users["municipality"])
    page = client.get("/").content.decode()
    assert "Eget initiativ" in page and "Andet initiativ" not in page


def test_gate_page_refuses_with_danish_message_and_changes_nothing(client, world, db_snapshot):
    client.force_login(world.users["agency"])
    url = f"/initiativer/{world.own_initiative.pk}/faseovergang/"
    page = client.get(url).content.decode()
    assert "Vidensrapport" in page  # the missing products are listed before anyone decides
    before = db_snapshot()
    response = client.post(url, gate_post())
    assert response.status_code == 422
    body = response.content.decode()
    assert "Beslutningen kan ikke træffes" in body
    assert "Produktet »Vidensrapport« mangler eller er ikke godkendt." in body
    assert "Intet er gemt" in body
    assert db_snapshot() == before


def test_gate_page_moves_the_initiative(client, world):
    approve_required(world.users["agency"], world.own_initiative)
    client.force_login(world.users["agency"])
    response = client.post(f"/initiativer/{world.own_initiative.pk}/faseovergang/", gate_post())
    assert response.status_code == 302
    assert Initiative.objects.get(pk=world.own_initiative.pk).phase == "maturation"
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    assert "Fortsæt til næste fase" in page and "Begrundelse effect" in page


def test_save_draft_keeps_partial_assessment(client, world):
    client.force_login(world.users["agency"])
    url = f"/initiativer/{world.own_initiative.pk}/faseovergang/"
    data = gate_post(skip=("demand",))
    data.pop("record")
    data["save_draft"] = "1"
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert "Begrundelse economy" in page


def test_api_gate_decision_refused_then_accepted(client, world, db_snapshot):
    client.force_login(world.users["agency"])
    url = f"/api/initiatives/{world.own_initiative.pk}/gate-decisions"
    body = {"outcome": "continue", "assessments": {c: {"rating": "met", "justification": "ok"} for c in ALL}}
    before = db_snapshot()
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    fields = {d["field"] for d in refused.json()["detail"]}
    assert fields == {"product:knowledge_report", "product:preliminary_description"}
    assert db_snapshot() == before
    approve_required(world.users["agency"], world.own_initiative)
    accepted = client.post(url, json.dumps(body), content_type="application/json")
    assert accepted.status_code == 201
    assert accepted.json()["to_phase"] == "maturation"
    history = client.get(url).json()
    assert len(history) == 1 and len(history[0]["assessments"]) == 5


def test_api_rejects_unknown_criterion_and_malformed_body(client, world):
    client.force_login(world.users["agency"])
    url = f"/api/initiatives/{world.own_initiative.pk}/gate-decisions"
    bad = client.post(
        url,
        json.dumps({"outcome": "continue", "assessments": {"luck": {"rating": "met"}}}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "assessments.luck"
    malformed = client.post(url, "{not json", content_type="application/json")
    assert malformed.status_code in (400, 422)
    missing = client.post(url, json.dumps({}), content_type="application/json")
    assert missing.status_code == 422 and "detail" in missing.json()


def test_api_lists_respect_permissions(client, world):
    client.force_login(world.users["evaluator"])
    ids = {i["id"] for i in client.get("/api/initiatives").json()["items"]}
    assert ids == {world.own_initiative.pk}
    assert client.get(f"/api/initiatives/{world.other_initiative.pk}").status_code == 403
    assert client.get(f"/api/initiatives/{world.other_initiative.pk}/products").status_code == 403
    assert client.get("/api/initiatives/999999").status_code == 404


def test_api_create_initiative_validates(client, world):
    client.force_login(world.users["agency"])
    payload = {
        "intervention_id": world.own_initiative.intervention_id,
        "title": "Nyt",
        "phase": "screening",
        "track": "track1",
        "programme": "uip_adults",
        "area": "adults",
        "start_date": "2026-01-01",
        "end_date": "2025-01-01",
        "municipality_codes": ["751"],
    }
    response = client.post("/api/initiatives", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "end_date",
        "message": "Slutdatoen ligger før startdatoen.",
    }
    payload["end_date"] = None
    payload["municipality_codes"] = ["999"]
    response = client.post("/api/initiatives", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422 and "999" in response.json()["detail"][0]["message"]
    payload["municipality_codes"] = ["751"]
    created = client.post("/api/initiatives", json.dumps(payload), content_type="application/json")
    assert created.status_code == 201 and created.json()["municipalities"][0]["code"] == "751"


def test_openapi_schema_is_served(client, world):
    client.force_login(world.users["agency"])
    schema = client.get("/api/openapi.json").json()
    assert "/api/initiatives/{pk}/gate-decisions" in schema["paths"]


@pytest.mark.parametrize(
    "lang,word", [("da", "Porteføljen af initiativer"), ("en", "Portfolio of initiatives")]
)
def test_board_in_danish_and_english(client, world, lang, word):
    client.force_login(world.users["agency"])
    client.cookies["django_language"] = lang
    assert word in client.get("/").content.decode()


def test_initiative_page_links_only_to_what_the_user_may_open(client, world):
    client.force_login(world.users["foundation"])
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    assert f"/som/?initiative={world.own_initiative.pk}" in page
    assert f"/evidens/indsats/{world.own_initiative.intervention_id}/" in page
    assert f"/udfald/initiativ/{world.own_initiative.pk}/" not in page  # foundations see no outcome data
    client.force_login(world.users["evaluator"])
    assert client.get(f"/udfald/initiativ/{world.own_initiative.pk}/").status_code == 200
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    assert f"/udfald/initiativ/{world.own_initiative.pk}/" in page


def test_service_errors_follow_the_language(client, world):
    client.force_login(world.users["agency"])
    payload = {
        "intervention_id": world.own_initiative.intervention_id,
        "title": "Nyt",
        "phase": "screening",
        "track": "track1",
        "programme": "uip_adults",
        "area": "adults",
        "start_date": "2026-01-01",
        "end_date": "2025-01-01",
    }
    client.cookies["django_language"] = "en"
    response = client.post("/api/initiatives", json.dumps(payload), content_type="application/json")
    assert response.json()["detail"][0]["message"] == "The end date is before the start date."
