"""The completed phase model through the portfolio: a skip over two phases from the gate page, the track
changed only at a gate with a reason, the prototype recorded at screening, initiatives created in a later phase
only with an entry assessment, and the 'over typical duration' flag on the board and the initiative page."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile

from susi.engines import phases
from susi.portfolio import selectors, services
from susi.portfolio.models import EntryAssessment, Initiative, Product
from tests.portfolio.test_gate_services import approve_required, inputs

ALL = [c.value for c in phases.Criterion]


@pytest.fixture
def agency(world):
    return world.users["agency"]


def skipped(*phase_names, **overrides):
    return [
        services.AssessmentInput(c, overrides.get(f"{p}:{c}", "met"), "Dokumenteret", phase=p)
        for p in phase_names
        for c in ALL
    ]


def test_a_skip_over_two_phases_needs_both_phases_criteria(world, agency, db_snapshot):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    before = db_snapshot()
    with pytest.raises(services.GateDecisionRefused) as refused:
        services.record_gate_decision(
            agency,
            initiative,
            outcome="skip",
            justification="Fondens effektstudie",
            assessments=inputs(),
            skipped_assessments=skipped("maturation"),
            target_phase="dissemination",
        )
    assert any("(afprøvning) er ikke vurderet" in m for m in refused.value.messages)
    assert db_snapshot() == before
    decision = services.record_gate_decision(
        agency,
        initiative,
        outcome="skip",
        justification="Fondens effektstudie",
        assessments=inputs(),
        skipped_assessments=skipped("maturation", "testing"),
        target_phase="dissemination",
    )
    initiative.refresh_from_db()
    assert initiative.phase == "dissemination" and decision.to_phase == "dissemination"
    assert sorted(
        set(decision.assessments.filter(scope="skipped").values_list("skipped_phase", flat=True))
    ) == [
        "maturation",
        "testing",
    ]


def test_gate_page_offers_the_target_and_a_section_per_jumped_phase(client, world, agency):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    client.force_login(agency)
    url = f"/initiativer/{initiative.pk}/faseovergang/"
    page = client.get(url).content.decode()
    assert 'name="target_phase"' in page
    assert 'data-skipped-phase="maturation"' in page and 'data-skipped-phase="testing"' in page
    data = {
        "outcome": "skip",
        "justification": "Dokumenteret",
        "target_phase": "dissemination",
        "record": "1",
    }
    for prefix in ("gate", "skip_maturation", "skip_testing"):
        for c in ALL:
            data[f"{prefix}_{c}_rating"] = "met"
            data[f"{prefix}_{c}_justification"] = "ok"
    assert client.post(url, data).status_code == 302
    initiative.refresh_from_db()
    assert initiative.phase == "dissemination"


def test_the_track_changes_only_at_a_gate_with_a_reason_and_the_prototype_is_recorded(world, agency):
    initiative = world.own_initiative
    approve_required(agency, initiative)
    services.upload_product_version(
        agency, initiative, kind="prototype", title="Prototype", file=ContentFile(b"prototype", "p.md")
    )
    prototype = Product.objects.get(initiative=initiative, kind="prototype")
    with pytest.raises(services.GateDecisionRefused):
        services.record_gate_decision(
            agency,
            initiative,
            outcome="continue",
            justification="",
            assessments=inputs(),
            track=services.TrackChoice("track2", ""),
        )
    decision = services.record_gate_decision(
        agency,
        initiative,
        outcome="continue",
        justification="",
        assessments=inputs(),
        track=services.TrackChoice("track2", "Lokal variation i kommunerne"),
        prototype_id=prototype.pk,
    )
    initiative.refresh_from_db()
    assert initiative.track == "track2" and initiative.phase == "maturation"
    assert decision.new_track == "track2" and decision.track_reason and decision.prototype == prototype


def _create(agency, world, phase, **extra):
    return services.create_initiative(
        agency,
        intervention=world.own_initiative.intervention,
        title=f"Direkte i {phase}",
        phase=phase,
        track="track1",
        programme="uip_adults",
        area="adults",
        start_date=date(2026, 1, 1),
        **extra,
    )


def test_creating_in_a_later_phase_needs_an_entry_assessment(world, agency, db_snapshot):
    before = db_snapshot()
    with pytest.raises(services.GateDecisionRefused) as refused:
        _create(agency, world, "testing")
    assert len(refused.value.problems) == 1 + 2 * 5
    assert db_snapshot() == before
    initiative = _create(
        agency,
        world,
        "testing",
        entry_assessments=skipped("screening", "maturation"),
        entry_justification="Dokumenteret i tidligere projekt",
    )
    entry = EntryAssessment.objects.get(initiative=initiative)
    assert entry.phase == "testing" and entry.criteria.count() == 10
    steps = selectors.timeline(initiative, [])
    assert [step.state for step in steps] == ["skipped", "skipped", "current", "future"]
    assert _create(agency, world, "screening").phase == "screening"


def test_create_page_refuses_a_later_phase_without_entry_assessment(client, world, agency):
    client.force_login(agency)
    data = {
        "intervention": world.own_initiative.intervention.pk,
        "title": "Direkte i udbredelse",
        "phase": "dissemination",
        "track": "track1",
        "programme": "uip_adults",
        "area": "adults",
        "start_date": "2026-01-01",
        "budget_dkk": "0",
    }
    refused = client.post("/initiativer/nyt/", data)
    assert refused.status_code == 422 and "ikke vurderet" in refused.content.decode()
    assert not Initiative.objects.filter(title="Direkte i udbredelse").exists()
    for p in ("screening", "maturation", "testing"):
        for c in ALL:
            data[f"entry_{p}_{c}_rating"] = "met"
            data[f"entry_{p}_{c}_justification"] = "ok"
    data["entry_justification"] = "Dokumenteret"
    assert client.post("/initiativer/nyt/", data).status_code == 302
    assert Initiative.objects.get(title="Direkte i udbredelse").phase == "dissemination"


def test_an_initiative_past_its_typical_duration_is_flagged(client, world, agency):
    initiative = world.own_initiative
    Initiative.objects.update(phase_started_on=date.today() - timedelta(days=30))
    Initiative.objects.filter(pk=initiative.pk).update(
        phase="maturation", phase_started_on=date.today() - timedelta(days=5 * 366)
    )
    client.force_login(agency)
    board = client.get("/").content.decode()
    assert "Over typisk varighed" in board
    page = client.get(f"/initiativer/{initiative.pk}/").content.decode()
    assert "3-4 år" in page and "Over typisk varighed" in page
    Initiative.objects.filter(pk=initiative.pk).update(phase_started_on=date.today() - timedelta(days=30))
    assert "Over typisk varighed" not in client.get("/").content.decode()
