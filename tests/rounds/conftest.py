"""A round for the shared test world: the agency announces a maturation round for the own initiative with two
criteria, one question and a pool of 1.000.000 kr.; Aarhus (own) and Odense (other) may apply."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from susi.accounts.models import Role
from susi.rounds import services
from tests.factories import UserFactory


@pytest.fixture
def other_municipality_user(world):
    return UserFactory(username="odense", role=Role.MUNICIPALITY, organisation=world.other_municipality)


@pytest.fixture
def open_round(world):
    agency = world.users[Role.AGENCY]
    now = timezone.now()
    round_ = services.announce_round(
        agency,
        world.own_initiative,
        phase="maturation",
        title="Modningsrunde",
        text="Vi søger tre kommuner.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=14),
        places=3,
        pool_amount=Decimal(1_000_000),
        criteria=[services.CriterionInput("Behov", 60), services.CriterionInput("Forankring", 40)],
        questions=["Hvorfor vil I være med?"],
        reviewers=[world.users[Role.STEERING], agency],
    )
    return services.move_round(agency, round_, "open")


def fill_and_submit(user, round_, size=50, amount=300_000):
    question = round_.questions.get()
    application = services.save_application(
        user,
        round_,
        organisation=user.organisation,
        answers={str(question.pk): "Fordi vi har mange i målgruppen."},
        target_group_size=size,
        contact_name="Kim",
        contact_email="kim@example.dk",
        amount_requested=amount,
    )
    return services.submit_application(user, application)


def close(world, round_):
    round_.closes_at = timezone.now() - timedelta(minutes=1)
    round_.save(update_fields=["closes_at"])
    return services.move_round(world.users[Role.AGENCY], round_, "close")
