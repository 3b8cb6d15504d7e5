"""Two identical gate decisions made from the same state (a double click, two people at once) record one.

Deterministic on SQLite, no threads and no timing: the decision's number is unique per initiative, and each
test builds the moment of the race by hand — the second decider read the state before the first one wrote.
"""

import json

import pytest
from django.db import IntegrityError, transaction

from susi.portfolio import services
from susi.portfolio.models import GateDecision
from tests.portfolio.test_gate_services import inputs
from tests.portfolio.test_pages_and_api import gate_post


def _rework(user, initiative, **kwargs):
    # "rework" keeps the initiative in its phase and active, so the engine alone would accept it twice.
    return services.record_gate_decision(
        user,
        initiative,
        outcome="rework",
        justification="Mere arbejde",
        assessments=inputs("partly_met"),
        **kwargs,
    )


def _recorded(initiative):
    return GateDecision.objects.filter(initiative=initiative, state=GateDecision.State.RECORDED)


def test_the_database_refuses_two_recorded_decisions_with_the_same_number(world):
    agency, initiative = world.users["agency"], world.own_initiative
    first = _rework(agency, initiative)
    assert first.sequence == 1
    twin = GateDecision(
        initiative=initiative,
        phase="screening",
        track="track1",
        state="recorded",
        prepared_by=agency,
        sequence=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_decisions_are_numbered_in_order(world):
    agency, initiative = world.users["agency"], world.own_initiative
    assert services.next_gate_sequence(initiative) == 1
    assert [_rework(agency, initiative).sequence for _ in range(3)] == [1, 2, 3]
    assert services.next_gate_sequence(initiative) == 4


def test_a_second_decision_made_from_the_same_state_is_refused(world, db_snapshot):
    """With a row lock (PostgreSQL) the second decider waits, then finds the state it decided on is gone."""
    agency, initiative = world.users["agency"], world.own_initiative
    seen = services.next_gate_sequence(initiative)  # both deciders opened the gate page now
    _rework(agency, initiative, expected_sequence=seen)
    before = db_snapshot()
    with pytest.raises(services.GateAlreadyDecided) as refused:
        _rework(world.users["agency"], initiative, expected_sequence=seen)
    assert "En anden beslutning om denne faseovergang er netop blevet truffet" in refused.value.message
    assert db_snapshot() == before
    assert _recorded(initiative).count() == 1


def test_without_a_row_lock_the_unique_number_makes_the_second_writer_fail_cleanly(
    world, db_snapshot, monkeypatch
):
    """SQLite takes no row lock: the second transaction read "no decision yet" before the first committed.

    It then computes the same number 1 and its insert violates the unique constraint; the service turns the
    IntegrityError into a refusal and its whole transaction writes nothing.
    """
    agency, initiative = world.users["agency"], world.own_initiative
    _rework(agency, initiative)
    before = db_snapshot()
    monkeypatch.setattr(services, "_next_gate_sequence", lambda _initiative: 1)  # the stale read
    with pytest.raises(services.GateAlreadyDecided):
        _rework(agency, initiative)
    assert db_snapshot() == before
    assert list(_recorded(initiative).values_list("sequence", flat=True)) == [1]


def test_a_double_submitted_gate_form_records_one_decision(client, world):
    client.force_login(world.users["agency"])
    initiative = world.own_initiative
    url = f"/initiativer/{initiative.pk}/faseovergang/"
    page = client.get(url).content.decode()
    assert 'name="sequence" value="1"' in page
    data = gate_post(outcome="rework", rating="partly_met", justification="Mere arbejde", sequence="1")
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert _recorded(initiative).count() == 1
    shown = client.get(second["Location"]).content.decode()
    assert "En anden beslutning om denne faseovergang er netop blevet truffet" in shown


def test_the_api_refuses_a_decision_on_a_state_that_is_gone(client, world):
    client.force_login(world.users["agency"])
    initiative = world.own_initiative
    url = f"/api/initiatives/{initiative.pk}/gate-decisions"
    body = {
        "outcome": "rework",
        "justification": "Mere arbejde",
        "assessments": {c.criterion: {"rating": "partly_met", "justification": "x"} for c in inputs()},
        "expected_sequence": 1,
    }
    first = client.post(url, json.dumps(body), content_type="application/json")
    assert first.status_code == 201 and first.json()["sequence"] == 1
    second = client.post(url, json.dumps(body), content_type="application/json")
    assert second.status_code == 422
    assert second.json()["detail"][0]["field"] == "outcome"
    assert _recorded(initiative).count() == 1
