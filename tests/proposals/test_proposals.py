"""Foundations' proposals through the services, pages and API: the two stages, the inbox, acceptance into any
phase (after screening only with an entry assessment), and the permission matrix written out by hand."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from susi.accounts import permissions
from susi.accounts.models import Role
from susi.engines import phases
from susi.portfolio.models import Initiative
from susi.portfolio.services import AssessmentInput, GateDecisionRefused
from susi.proposals import selectors, services
from susi.proposals.models import Proposal
from susi.web.api_errors import DomainError
from tests.factories import FoundationOrgFactory, UserFactory

A, M, E, F, S, AD = Role.AGENCY, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION, Role.STEERING, Role.ADMIN
P = Role.PROVIDER
ROLES = (A, M, E, F, S, AD, P)
T, X = True, False

# action → role → (own foundation's proposal, another foundation's proposal)
EXPECTED = {
    "proposals.view_list": {r: (T, T) for r in ROLES},
    "proposals.submit": {r: ((T, X) if r == F else (X, X)) for r in ROLES},
    "proposals.view_proposal": {A: (T, T), M: (X, X), E: (X, X), F: (T, X), S: (T, T), AD: (T, T), P: (X, X)},
    "proposals.decide": {r: ((T, T) if r in (A, AD) else (X, X)) for r in ROLES},
}


def concept(user, title="Mentorer for unge"):
    return services.submit_concept(user, title=title, area="adults", concept="Et mentorforløb.")


def met(phase):
    return tuple(
        AssessmentInput(c.value, "met", "Dokumenteret", phase=p.value)
        for p in phases.entry_phases(phase)
        for c in phases.Criterion
    )


def full(user, proposal, phase="dissemination"):
    doc = SimpleUploadedFile("projekt.pdf", b"%PDF-1.4 fondens projekt", content_type="application/pdf")
    return services.submit_full(
        user,
        proposal,
        description="Beskrivelse",
        evidence="Effektstudie",
        co_funding_dkk=2_000_000,
        requested_phase=phase,
        documents=[doc],
    )


@pytest.fixture
def other_foundation_proposal(world):
    other = UserFactory(
        username="fond2", role=Role.FOUNDATION, organisation=FoundationOrgFactory(name="Anden")
    )
    return concept(other, "Anden fonds forslag")


def test_matrix_covers_every_proposals_action():
    assert set(EXPECTED) == {a for a in permissions.ACTIONS if a.startswith("proposals.")}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_rules_follow_the_matrix(world, other_foundation_proposal, action):
    own = concept(world.users[F])
    for role in ROLES:
        user = world.users[role]
        assert permissions.can(user, action, own) is EXPECTED[action][role][0], (role, action)
        assert permissions.can(user, action, other_foundation_proposal) is EXPECTED[action][role][1], (
            role,
            action,
        )


def test_twin_agrees_with_the_rule(world, other_foundation_proposal):
    own = concept(world.users[F])
    for role in ROLES:
        user = world.users[role]
        visible = set(permissions.visible_proposals(user))
        for proposal in (own, other_foundation_proposal):
            assert (proposal in visible) is permissions.can(user, "proposals.view_proposal", proposal)


def test_two_stages_into_dissemination_with_an_entry_assessment(world):
    fond, agency = world.users[F], world.users[A]
    proposal = concept(fond)
    assert proposal.state == "concept_submitted"
    with pytest.raises(DomainError):
        services.submit_full(
            fond, proposal, description="x", evidence="", co_funding_dkk=0, requested_phase="testing"
        )
    services.invite(agency, proposal, message="Send et fuldt forslag.")
    full(fond, proposal)
    proposal.refresh_from_db()
    assert proposal.state == "full_submitted" and proposal.documents.count() == 1
    assert list(selectors.proposals_for_prioritisation(date.today().year)) == [proposal]
    decision = services.Acceptance("dissemination", "track1", "uip_adults", date(2026, 1, 1), "Velkommen")
    with pytest.raises(GateDecisionRefused):
        services.accept(agency, proposal, decision)  # no entry assessment: refused, nothing written
    proposal.refresh_from_db()
    assert proposal.state == "full_submitted" and not Initiative.objects.filter(title=proposal.title).exists()
    decision = services.Acceptance(
        "dissemination",
        "track1",
        "uip_adults",
        date(2026, 1, 1),
        "Velkommen",
        met("dissemination"),
        "Dokumenteret",
    )
    initiative = services.accept(agency, proposal, decision)
    assert initiative.phase == "dissemination" and initiative.foundation == fond.organisation
    assert initiative.entry_assessment.criteria.count() == 15
    assert permissions.can(fond, "portfolio.view_initiative", initiative)
    assert initiative in permissions.visible_initiatives(fond)


def test_into_screening_needs_no_entry_assessment_and_a_decline_needs_a_message(world):
    fond, agency = world.users[F], world.users[A]
    proposal = concept(fond)
    with pytest.raises(DomainError) as refused:
        services.decline(agency, proposal, message=" ")
    assert refused.value.field == "message"
    services.invite(agency, proposal, message="Ja tak")
    full(fond, proposal, "screening")
    decision = services.Acceptance("screening", "track2", "uip_children", date(2026, 1, 1))
    assert services.accept(agency, proposal, decision).phase == "screening"


def test_pages_inbox_and_private_documents(client, world, other_foundation_proposal):
    fond, agency = world.users[F], world.users[A]
    client.force_login(fond)
    response = client.post("/forslag/nyt/", {"title": "Lektiecafé", "area": "children", "concept": "Idé"})
    proposal = Proposal.objects.get(title="Lektiecafé")
    assert response.status_code == 302
    listing = client.get("/forslag/").content.decode()
    assert "Lektiecafé" in listing and "Anden fonds forslag" not in listing
    assert client.get(f"/forslag/{other_foundation_proposal.pk}/").status_code in (403, 404)
    client.force_login(agency)
    inbox = client.get("/forslag/", {"state": "waiting"}).content.decode()
    assert "Lektiecafé" in inbox and "Anden fonds forslag" in inbox
    assert client.post(f"/forslag/{proposal.pk}/inviter/", {"message": ""}).status_code == 422
    client.post(f"/forslag/{proposal.pk}/inviter/", {"message": "Send mere"})
    client.force_login(fond)
    doc = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    data = {"description": "Plan", "evidence": "", "co_funding_dkk": "100000", "requested_phase": "testing"}
    client.post(f"/forslag/{proposal.pk}/fuldt-forslag/", {**data, "documents": doc})
    proposal.refresh_from_db()
    document = proposal.documents.get()
    assert client.get(f"/forslag/{proposal.pk}/dokumenter/{document.pk}/").status_code == 200
    client.force_login(world.users[M])
    assert client.get(f"/forslag/{proposal.pk}/dokumenter/{document.pk}/").status_code in (403, 404)


def test_api_list_detail_submit_invite_decline_accept(client, world):
    fond, agency = world.users[F], world.users[A]
    client.force_login(fond)
    created = client.post(
        "/api/proposals",
        json.dumps({"title": "API", "area": "adults", "concept": "Idé"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert (
        client.post(
            f"/api/proposals/{pk}/invite", json.dumps({"message": "x"}), content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(agency)
    assert (
        client.post(
            f"/api/proposals/{pk}/invite", json.dumps({"message": "Ja"}), content_type="application/json"
        ).status_code
        == 200
    )
    client.force_login(fond)
    body = {"description": "Plan", "requested_phase": "testing", "co_funding_dkk": 5}
    assert (
        client.post(
            f"/api/proposals/{pk}/full", json.dumps(body), content_type="application/json"
        ).status_code
        == 200
    )
    client.force_login(agency)
    accept = {"phase": "testing", "programme": "uip_adults", "start_date": "2026-01-01"}
    refused = client.post(f"/api/proposals/{pk}/accept", json.dumps(accept), content_type="application/json")
    assert refused.status_code == 422
    accept["entry_justification"] = "Dokumenteret"
    accept["entry_assessments"] = {
        f"{p}:{c.value}": {"rating": "met", "justification": "ok"}
        for p in ("screening", "maturation")
        for c in phases.Criterion
    }
    accepted = client.post(f"/api/proposals/{pk}/accept", json.dumps(accept), content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert client.get("/api/proposals", {"state": "accepted"}).json()["count"] == 1
    client.force_login(world.users[M])
    assert client.get(f"/api/proposals/{pk}").status_code in (403, 404)
    assert client.get("/api/proposals").json()["count"] == 0


def test_the_foundation_is_told_each_status_and_the_agency_of_each_arrival(world):
    from susi.notifications.models import Notification

    fond, agency = world.users[F], world.users[A]
    fond.email, agency.email = "fond@example.dk", "styrelse@example.dk"
    fond.save()
    agency.save()
    proposal = concept(fond)
    services.invite(agency, proposal, message="Send et fuldt forslag.")
    told = Notification.objects.filter(kind="proposal_status")
    assert [n.text_da for n in told.filter(user=fond).order_by("pk")] == [
        "Forslaget »Mentorer for unge« har fået status: idéoplæg indsendt.",
        "Forslaget »Mentorer for unge« har fået status: inviteret til fuldt forslag.",
    ]
    # the agency hears of the concept note's arrival, not of its own invitation
    assert told.filter(user=agency).count() == 1
    assert all(n.url == f"/forslag/{proposal.pk}/" for n in told)
    assert not told.filter(
        user=world.users[M]
    ).exists()  # a municipality is not told of a foundation's proposal
