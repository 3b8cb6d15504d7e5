"""Gate suggestions: shown next to each criterion; a decision stores the chosen rating, the suggestion
(rating and numbers) and the justification where they differ; an unjustified override is refused."""

import pytest

from susi.engines import phases
from susi.portfolio import services, suggestions
from susi.portfolio.models import CriterionAssessment
from susi.som.models import Calculation
from tests.portfolio.test_gate_services import approve_required, inputs


@pytest.fixture
def agency(world):
    return world.users["agency"]


@pytest.fixture
def calculation(world, agency):
    """A saved SØM calculation on the initiative: 81 % chance of breaking even, DKK 1.60 per krone."""
    return Calculation.objects.create(
        name="CTI – test",
        owner=agency,
        initiative=world.own_initiative,
        knowledge_version=1,
        case={"name": "CTI – test"},
        result={
            "deterministic": {"years": list(range(1, 11)), "return_per_krone": 1.6, "costs": [0] * 10},
            "monte_carlo": {"probability_break_even": [0.0] * 9 + [0.81]},
        },
    )


def test_the_economy_suggestion_comes_from_the_linked_calculation(world, calculation):
    got = suggestions.gate_suggestions(world.own_initiative)
    economy = got[phases.Criterion.ECONOMY]
    assert economy.rating is phases.Rating.MET
    assert economy.numbers["probability_break_even"] == 0.81
    assert economy.numbers["return_per_krone"] == 1.6
    # no meta-analysis, no fidelity, no rounds: no suggestion rather than a guess
    assert got[phases.Criterion.EFFECT].rating is None
    assert got[phases.Criterion.DEMAND].rating is None


def test_a_decision_stores_the_choice_the_suggestion_and_the_reason_for_differing(world, agency, calculation):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    items = [
        services.AssessmentInput(
            criterion=i.criterion,
            rating=i.rating,
            justification=i.justification,
            override_justification="Beregningen bygger på illustrative tal."
            if i.criterion == "economy"
            else "",
        )
        for i in inputs(economy="partly_met")
    ]
    decision = services.record_gate_decision(
        agency, initiative, outcome="rework", justification="Mere viden om økonomien.", assessments=items
    )
    economy = decision.assessments.get(criterion="economy", scope=CriterionAssessment.Scope.GATE)
    assert economy.rating == "partly_met"
    assert economy.suggested_rating == "met"
    assert economy.suggestion["rating"] == "met"
    assert economy.suggestion["numbers"]["return_per_krone"] == 1.6
    assert economy.suggestion["numbers"]["probability_break_even"] == 0.81
    assert economy.override_justification == "Beregningen bygger på illustrative tal."
    assert economy.differs_from_suggestion
    effect = decision.assessments.get(criterion="effect")
    assert effect.suggested_rating == "" and effect.suggestion["rating"] is None
    assert effect.override_justification == ""


def test_agreeing_with_the_suggestion_needs_no_extra_reason(world, agency, calculation):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    decision = services.record_gate_decision(
        agency, initiative, outcome="continue", justification="", assessments=inputs()
    )
    economy = decision.assessments.get(criterion="economy")
    assert economy.rating == economy.suggested_rating == "met"
    assert not economy.differs_from_suggestion and economy.override_justification == ""


def test_an_override_without_a_reason_is_refused_and_nothing_is_saved(
    world, agency, calculation, db_snapshot
):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    before = db_snapshot()
    with pytest.raises(services.DomainError) as refused:
        services.record_gate_decision(
            agency,
            initiative,
            outcome="rework",
            justification="Mere viden.",
            assessments=inputs(economy="not_met"),
        )
    assert refused.value.field == "assessments:economy"
    assert "afviger fra platformens forslag" in refused.value.message
    assert db_snapshot() == before


def test_the_gate_page_shows_the_suggestion_and_the_form_refuses_an_unjustified_override(
    client, world, agency, calculation
):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    client.force_login(agency)
    page = client.get(f"/initiativer/{initiative.pk}/faseovergang/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="suggestion-economy"' in html and "Platformens forslag" in html
    assert "81 %" in html and "1,60 kr." in html
    data = {"outcome": "rework", "justification": "Mere viden.", "record": "1"}
    for c in phases.Criterion:
        data[f"gate_{c.value}_rating"] = "met"
        data[f"gate_{c.value}_justification"] = "Fordi"
    data["gate_economy_rating"] = "not_met"
    response = client.post(f"/initiativer/{initiative.pk}/faseovergang/", data)
    assert response.status_code == 422
    assert "afviger fra platformens forslag" in response.content.decode()
    data["gate_economy_override"] = "Tallene er illustrative."
    response = client.post(f"/initiativer/{initiative.pk}/faseovergang/", data)
    assert response.status_code == 302
    stored = CriterionAssessment.objects.get(decision__initiative=initiative, criterion="economy")
    assert (stored.rating, stored.suggested_rating) == ("not_met", "met")
    assert stored.override_justification == "Tallene er illustrative."
