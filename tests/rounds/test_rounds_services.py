"""Rounds through their services: the whole path from announcement to participation and grant, and every
refusal (after the deadline, twice, for another organisation, over the pool, deciding unscreened) changes
nothing."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from susi.accounts.models import Role
from susi.rounds import selectors, services
from susi.rounds.models import Application, Grant, Participation
from susi.web.api_errors import DomainError

from .conftest import close, fill_and_submit


def test_from_announcement_to_participation_and_grant(world, open_round, other_municipality_user):
    agency, steering = world.users[Role.AGENCY], world.users[Role.STEERING]
    own = fill_and_submit(world.users[Role.MUNICIPALITY], open_round, size=80)
    other = fill_and_submit(other_municipality_user, open_round, size=30)
    assert own.state == other.state == "submitted" and own.submitted_at is not None
    close(world, open_round)
    for application in (own, other):
        services.screen_application(agency, application, screened_in=True, reason="Opfylder kravene")
    criteria = list(open_round.criteria.all())
    services.submit_review(steering, own, scores={str(criteria[0].pk): 5, str(criteria[1].pk): 3})
    services.submit_review(steering, other, scores={str(criteria[0].pk): 2, str(criteria[1].pk): 4})
    ranked = selectors.ranked_applications(open_round)
    # Aarhus: 0.6*5 + 0.4*3 = 4.2; Odense: 0.6*2 + 0.4*4 = 2.8
    assert [(r.application.pk, round(r.score, 6), r.rank) for r in ranked] == [
        (own.pk, 4.2, 1),
        (other.pk, 2.8, 2),
    ]

    services.determine(
        agency,
        own,
        accept=True,
        message="Velkommen",
        grant_amount=600_000,
        instalments=[
            services.InstalmentInput(date(2027, 1, 1), Decimal(300_000)),
            services.InstalmentInput(date(2027, 7, 1), Decimal(300_000)),
        ],
    )
    services.determine(agency, other, accept=False, message="Tak for ansøgningen, runden er fuld.")
    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.state, other.state) == ("accepted", "rejected")
    participation = Participation.objects.get()
    assert (participation.organisation, participation.phase) == (world.own_municipality, "maturation")
    assert world.own_initiative.municipalities.filter(pk=world.own_municipality.pk).exists()
    grant = Grant.objects.get()
    assert grant.amount == 600_000 and grant.instalments.count() == 2
    assert selectors.pool(open_round).remaining == 400_000
    [demand] = selectors.demand(world.own_initiative)
    assert (demand.applicants, demand.places, demand.per_place, demand.accepted) == (
        2,
        3,
        pytest.approx(2 / 3),
        1,
    )
    assert demand.target_group_sizes == [("Aarhus Kommune", 80)]
    services.move_round(agency, open_round, "decide")


def test_refusals_change_nothing(world, open_round, other_municipality_user, db_snapshot):
    municipality, agency = world.users[Role.MUNICIPALITY], world.users[Role.AGENCY]
    own = fill_and_submit(municipality, open_round)
    before = db_snapshot()
    # applying twice
    with pytest.raises(DomainError, match="allerede søgt"):
        fill_and_submit(municipality, open_round)
    # applying for another organisation
    with pytest.raises(DomainError, match="egen organisation"):
        services.save_application(municipality, open_round, organisation=world.other_municipality, answers={})
    assert db_snapshot() == before
    # deciding before screening
    close(world, open_round)
    before = db_snapshot()
    with pytest.raises(DomainError, match="screenes"):
        services.determine(agency, own, accept=True, message="x")
    assert db_snapshot() == before
    # applying after the deadline
    with pytest.raises(DomainError, match="lukket for ansøgninger"):
        fill_and_submit(other_municipality_user, open_round)
    assert db_snapshot() == before
    # over-allocating the pool (1.000.000 kr.)
    services.screen_application(agency, own, screened_in=True, reason="ok")
    before = db_snapshot()
    with pytest.raises(DomainError, match="Puljen rækker ikke"):
        services.determine(agency, own, accept=True, message="Velkommen", grant_amount=1_000_001)
    assert db_snapshot() == before
    assert Application.objects.get(pk=own.pk).state == "screened_in"


def test_the_deadline_follows_copenhagen_time(world, open_round, other_municipality_user):
    """A deadline of 12:00 on 1 March in Copenhagen is 11:00 UTC (winter time): at 11:30 UTC it has passed."""
    copenhagen = ZoneInfo("Europe/Copenhagen")
    deadline = datetime(2027, 3, 1, 12, 0, tzinfo=copenhagen)
    open_round.closes_at = deadline
    open_round.opens_at = deadline - timedelta(days=30)
    open_round.save()
    assert (
        services.effective_state(open_round, now=datetime(2027, 3, 1, 10, 59, tzinfo=ZoneInfo("UTC")))
        == "open"
    )
    assert (
        services.effective_state(open_round, now=datetime(2027, 3, 1, 11, 0, tzinfo=ZoneInfo("UTC")))
        == "closed"
    )


def test_withdraw_and_reviewers_see_others_scores_only_after_their_own(
    world, open_round, other_municipality_user
):
    agency, steering = world.users[Role.AGENCY], world.users[Role.STEERING]
    own = fill_and_submit(world.users[Role.MUNICIPALITY], open_round)
    other = fill_and_submit(other_municipality_user, open_round)
    services.withdraw_application(other_municipality_user, other)
    assert Application.objects.get(pk=other.pk).state == "withdrawn"
    close(world, open_round)
    services.screen_application(agency, own, screened_in=True, reason="ok")
    criteria = [str(c.pk) for c in open_round.criteria.all()]
    services.submit_review(agency, own, scores=dict.fromkeys(criteria, 4))
    assert selectors.reviews_visible_to(steering, own) == []
    services.submit_review(steering, own, scores=dict.fromkeys(criteria, 2))
    assert len(selectors.reviews_visible_to(steering, own)) == 2
    with pytest.raises(DomainError, match="allerede vurderet"):
        services.submit_review(steering, own, scores=dict.fromkeys(criteria, 1))
    with pytest.raises(DomainError, match="fra 0 til 5"):
        services.submit_review(agency, own, scores=dict.fromkeys(criteria, 9))


def test_close_due_rounds_closes_only_rounds_past_their_deadline(world, open_round):
    assert services.close_due_rounds() == 0
    assert services.close_due_rounds(now=open_round.closes_at + timedelta(seconds=1)) == 1
    open_round.refresh_from_db()
    assert open_round.state == "closed"


def test_an_offer_delivery_needs_a_participant(world, open_round):
    agency = world.users[Role.AGENCY]
    with pytest.raises(DomainError, match="deltager ikke"):
        services.record_offer_delivery(
            agency,
            world.own_initiative,
            organisation=world.own_municipality,
            offer="som_course",
            delivered_on=timezone.localdate(),
        )
    Participation.objects.create(
        initiative=world.own_initiative,
        organisation=world.own_municipality,
        phase="maturation",
        from_date=date.today(),
    )
    delivery = services.record_offer_delivery(
        agency,
        world.own_initiative,
        organisation=world.own_municipality,
        offer="som_course",
        delivered_on=timezone.localdate(),
        people_trained=12,
    )
    assert delivery.people_trained == 12


def test_a_provider_applies_to_a_round_open_to_providers_and_takes_part_when_accepted(world, open_round):
    """Rounds may be opened to social providers; a provider user applies for its own provider only, and an
    accepted provider becomes a provider of the initiative in that phase."""
    provider_user = world.users[Role.PROVIDER]
    world.own_initiative.providers.clear()
    with pytest.raises(PermissionDenied):  # this round is for municipalities only
        fill_and_submit(provider_user, open_round)
    open_round.for_providers = True
    open_round.save(update_fields=["for_providers"])
    application = fill_and_submit(provider_user, open_round, size=25)
    assert application.organisation == world.provider_org
    with pytest.raises(DomainError, match="egen organisation"):
        services.save_application(provider_user, open_round, organisation=world.own_municipality, answers={})
    close(world, open_round)
    agency = world.users[Role.AGENCY]
    services.screen_application(agency, application, screened_in=True, reason="Et relevant tilbud")
    services.determine(agency, application, accept=True, message="Velkommen")
    participation = Participation.objects.get(organisation=world.provider_org)
    assert participation.phase == "maturation"
    assert world.own_initiative.providers.filter(pk=world.provider_org.pk).exists()
    assert not world.own_initiative.municipalities.filter(pk=world.provider_org.pk).exists()


def test_a_gate_that_ends_the_phase_ends_its_participations(world):
    """Who took part in a phase took part until the gate decision that moved the initiative on; a rework keeps
    them in; the initiative's page keeps the whole history."""
    from susi.portfolio import services as portfolio
    from tests.portfolio.test_gate_services import approve_required, inputs

    agency, initiative = world.users[Role.AGENCY], world.own_initiative
    start = date(2024, 1, 2)
    Participation.objects.create(
        initiative=initiative, organisation=world.own_municipality, phase="screening", from_date=start
    )
    approve_required(agency, initiative)
    portfolio.record_gate_decision(
        agency, initiative, outcome="rework", justification="Mere arbejde", assessments=inputs()
    )
    assert Participation.objects.get().to_date is None
    portfolio.record_gate_decision(
        agency,
        initiative,
        outcome="continue",
        justification="",
        assessments=inputs(),
        decided_on=date(2025, 6, 1),
    )
    participation = Participation.objects.get()
    assert participation.to_date == date(2025, 6, 1)
    page = _client_for(agency).get(f"/initiativer/{initiative.pk}/").content.decode()
    section = page[page.index('id="participation"') :]
    section = section[: section.index("</section>")]
    assert "2. jan. 2024" in section and "1. juni 2025" in section  # Danish: "jan." abbreviated, "juni" not


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
