"""Prioritisation rounds: candidates, the steering group's recommendations, the summary, the decision."""

from decimal import Decimal

import pytest
from django.core import mail

from susi.accounts.models import Role
from susi.notifications.models import Kind, Notification
from susi.programme import selectors, services
from susi.programme.models import Allocation, Candidate, Decision
from susi.web.api_errors import DomainError


@pytest.fixture
def prioritisation(world, year_2027, second_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        round_ = services.open_round(
            world.users[Role.AGENCY],
            year_2027,
            title="Prioritering 2027",
            candidates=[
                services.CandidateInput(kind=Candidate.Kind.NEXT_PHASE, initiative=world.own_initiative),
                services.CandidateInput(kind=Candidate.Kind.NEW_SCREENING, title="Ny screening: ensomhed"),
                services.CandidateInput(
                    kind=Candidate.Kind.PROPOSAL,
                    proposal_reference="proposals.Proposal:7",
                    title="Fondens forslag",
                ),
            ],
        )
    return round_


def _candidate(round_, kind):
    return round_.candidates.get(kind=kind)


def test_opening_a_round_asks_every_steering_member_for_a_recommendation(
    world, prioritisation, second_member
):
    asked = Notification.objects.filter(kind=Kind.RECOMMENDATION_REQUESTED)
    assert {n.user for n in asked} == {world.users[Role.STEERING], second_member}
    assert all(n.url == f"/prioritering/{prioritisation.pk}/" for n in asked)
    assert any(m.to == ["s2@example.dk"] and "Prioritering 2027" in m.body for m in mail.outbox)


def test_recommendations_are_summarised_per_candidate(world, prioritisation, second_member):
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    services.recommend(world.users[Role.STEERING], candidate, recommends=True, justification="Lovende")
    services.recommend(second_member, candidate, recommends=False, justification="For dyr")
    # a member may revise their own recommendation while the round is open: still one per member
    services.recommend(second_member, candidate, recommends=True, justification="Overbevist")
    summary = next(s for s in selectors.candidate_summaries(prioritisation) if s.candidate == candidate)
    assert (summary.recommended, summary.not_recommended) == (2, 0)
    assert sorted(r.justification for r in summary.recommendations) == ["Lovende", "Overbevist"]


def test_a_recommendation_needs_a_justification_and_a_steering_member(world, prioritisation):
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    with pytest.raises(DomainError, match="begrundelse"):
        services.recommend(world.users[Role.STEERING], candidate, recommends=True, justification="  ")
    with pytest.raises(Exception, match="programme.recommend"):
        services.recommend(world.users[Role.AGENCY], candidate, recommends=True, justification="x")


def test_an_approval_commits_its_amount_from_the_programme_year(world, prioritisation, year_2027):
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    decision = services.record_decision(
        world.users[Role.AGENCY], candidate, approved=True, amount_dkk=12_000_000
    )
    assert decision.allocation.amount_dkk == Decimal(12_000_000)
    assert decision.allocation.initiative == world.own_initiative
    assert services.committed(year_2027) == Decimal(12_000_000)
    # a proposal that is not an initiative yet can be approved too: the money is committed to its title
    proposal = _candidate(prioritisation, Candidate.Kind.PROPOSAL)
    services.record_decision(world.users[Role.AGENCY], proposal, approved=True, amount_dkk=3_000_000)
    assert Allocation.objects.get(initiative=None).title == "Fondens forslag"


def test_a_rejection_commits_nothing(world, prioritisation, year_2027):
    candidate = _candidate(prioritisation, Candidate.Kind.NEW_SCREENING)
    decision = services.record_decision(world.users[Role.AGENCY], candidate, approved=False, amount_dkk=5)
    assert (decision.approved, decision.amount_dkk, decision.allocation) == (False, 0, None)
    assert not Allocation.objects.exists()


def test_an_approval_past_the_frame_is_refused_and_nothing_changes(
    world, prioritisation, year_2027, db_snapshot
):
    services.allocate(
        world.users[Role.AGENCY], year_2027, amount_dkk=60_000_000, initiative=world.other_initiative
    )
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    before = db_snapshot()
    with pytest.raises(services.FrameExceeded, match="Rammen for 2027 er 65.000.000 kr."):
        services.record_decision(world.users[Role.AGENCY], candidate, approved=True, amount_dkk=8_000_000)
    assert db_snapshot() == before


def test_a_decision_is_recorded_once(world, prioritisation, db_snapshot):
    candidate = _candidate(prioritisation, Candidate.Kind.NEW_SCREENING)
    services.record_decision(world.users[Role.AGENCY], candidate, approved=False)
    before = db_snapshot()
    with pytest.raises(DomainError, match="allerede truffet beslutning"):
        services.record_decision(world.users[Role.AGENCY], candidate, approved=True, amount_dkk=1_000)
    with pytest.raises(DomainError, match="allerede truffet beslutning"):
        services.recommend(world.users[Role.STEERING], candidate, recommends=True, justification="x")
    assert db_snapshot() == before


def test_a_closed_round_takes_no_more_recommendations_or_candidates(world, prioritisation):
    services.close_round(world.users[Role.AGENCY], prioritisation)
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    with pytest.raises(DomainError, match="afsluttet"):
        services.recommend(world.users[Role.STEERING], candidate, recommends=True, justification="x")
    with pytest.raises(DomainError, match="afsluttet"):
        services.add_candidate(
            world.users[Role.AGENCY], prioritisation, services.CandidateInput(kind="new_screening", title="x")
        )


def test_candidates_are_checked(world, prioritisation):
    agency = world.users[Role.AGENCY]
    for data, field in (
        (services.CandidateInput(kind="nonsense", title="x"), "kind"),
        (services.CandidateInput(kind="next_phase"), "initiative"),
        (services.CandidateInput(kind="proposal", title="x"), "proposal_reference"),
    ):
        with pytest.raises(DomainError) as refused:
            services.add_candidate(agency, prioritisation, data)
        assert refused.value.field == field


def test_recommendations_are_shown_on_the_gate_page(client, world, prioritisation):
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    services.recommend(
        world.users[Role.STEERING], candidate, recommends=True, justification="Klar til afprøvning"
    )
    client.force_login(world.users[Role.AGENCY])
    page = client.get(f"/initiativer/{world.own_initiative.pk}/faseovergang/").content.decode()
    assert "Styregruppens anbefalinger i prioriteringen" in page
    assert "Klar til afprøvning" in page
    other = client.get(f"/initiativer/{world.other_initiative.pk}/faseovergang/").content.decode()
    assert "Styregruppens anbefalinger i prioriteringen" not in other


def test_the_round_through_the_pages(client, world, prioritisation):
    candidate = _candidate(prioritisation, Candidate.Kind.NEXT_PHASE)
    steering = client
    steering.force_login(world.users[Role.STEERING])
    response = steering.post(
        f"/prioritering/kandidater/{candidate.pk}/anbefaling/",
        {"recommends": "1", "justification": "God idé"},
    )
    assert response.status_code == 302
    page = steering.get(f"/prioritering/{prioritisation.pk}/").content.decode()
    assert "God idé" in page and "Registrér beslutningen" not in page
    steering.force_login(world.users[Role.AGENCY])
    response = steering.post(
        f"/prioritering/kandidater/{candidate.pk}/beslutning/", {"approved": "1", "amount_dkk": "2.500.000"}
    )
    assert response.status_code == 302
    assert Decision.objects.get(candidate=candidate).amount_dkk == 2_500_000


def test_the_round_through_the_api(client, world, year_2027):
    client.force_login(world.users[Role.AGENCY])
    created = client.post(
        "/api/programmes/uip_adults/prioritisation-rounds",
        {
            "year": 2027,
            "title": "API-runde",
            "candidates": [{"kind": "next_phase", "initiative_id": world.own_initiative.pk}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    candidate_id = created.json()["candidates"][0]["id"]
    client.force_login(world.users[Role.STEERING])
    rec = client.post(
        f"/api/prioritisation-candidates/{candidate_id}/recommendations",
        {"recommends": False, "justification": "Afvent data"},
        content_type="application/json",
    )
    assert rec.status_code == 201
    client.force_login(world.users[Role.AGENCY])
    decided = client.post(
        f"/api/prioritisation-candidates/{candidate_id}/decision",
        {"approved": True, "amount_dkk": 1_000_000},
        content_type="application/json",
    )
    assert decided.status_code == 201
    detail = client.get(f"/api/prioritisation-rounds/{created.json()['id']}").json()
    assert detail["candidates"][0]["not_recommended"] == 1
    assert detail["candidates"][0]["decision"]["amount_dkk"] == 1_000_000
    programme = client.get("/api/programmes/uip_adults").json()
    assert programme["years"] == [
        {
            "year": 2027,
            "frame_dkk": 65_000_000,
            "committed_dkk": 1_000_000,
            "spent_dkk": 0,
            "remaining_dkk": 64_000_000,
        }
    ]


def test_a_foundations_full_proposal_is_offered_as_a_candidate_when_a_round_opens(client, world, year_2027):
    from susi.proposals import services as proposal_services
    from tests.proposals.test_proposals import concept, full

    fond, agency = world.users[Role.FOUNDATION], world.users[Role.AGENCY]
    proposal = concept(fond)
    proposal_services.invite(agency, proposal, message="Send et fuldt forslag.")
    full(fond, proposal)
    client.force_login(agency)
    url = f"/programmer/{year_2027.programme.code}/prioritering/ny/"
    assert proposal.title in client.get(url).content.decode()
    response = client.post(url, {"year": 2027, "title": "Prioritering 2027", "proposals": [proposal.pk]})
    assert response.status_code == 302
    candidate = Candidate.objects.get(kind=Candidate.Kind.PROPOSAL)
    assert candidate.title == proposal.title
    assert candidate.proposal_reference == f"proposals.Proposal:{proposal.pk}"
