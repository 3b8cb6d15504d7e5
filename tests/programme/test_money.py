"""Programme years and money: frame, committed, spent, remaining; over-commitment refused, nothing changes."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from susi.accounts.models import Role
from susi.programme import selectors, services
from susi.programme.models import Allocation
from susi.web.api_errors import DomainError
from tests.factories import InitiativeFactory


def test_commitments_add_up_and_remaining_is_frame_minus_committed(world, adults, year_2027):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=40_000_000, initiative=world.own_initiative)
    services.allocate(agency, year_2027, amount_dkk=20_000_000, initiative=world.other_initiative)
    (row,) = selectors.money(adults)
    assert (row.year, row.frame, row.committed, row.remaining) == (
        2027,
        Decimal(65_000_000),
        Decimal(60_000_000),
        Decimal(5_000_000),
    )


def test_over_committing_a_programme_year_is_refused_with_a_clear_danish_message_and_nothing_changes(
    world, year_2027, db_snapshot
):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=60_000_000, initiative=world.own_initiative)
    before = db_snapshot()
    with pytest.raises(services.FrameExceeded) as refused:
        services.allocate(agency, year_2027, amount_dkk=8_000_000, initiative=world.other_initiative)
    assert refused.value.message == (
        "Rammen for 2027 er 65.000.000 kr.; der er allerede disponeret 60.000.000 kr., så der er "
        "5.000.000 kr. tilbage, og 8.000.000 kr. kan ikke disponeres. Intet er gemt."
    )
    assert db_snapshot() == before


def test_exactly_the_remaining_amount_may_be_committed(world, year_2027):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=60_000_000, initiative=world.own_initiative)
    services.allocate(agency, year_2027, amount_dkk=5_000_000, initiative=world.other_initiative)
    assert services.committed(year_2027) == Decimal(65_000_000)


def test_over_commitment_through_the_page_shows_the_message_and_changes_nothing(
    client, world, adults, year_2027, db_snapshot
):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=60_000_000, initiative=world.own_initiative)
    client.force_login(agency)
    before = db_snapshot()
    response = client.post(
        "/programmer/uip_adults/",
        {
            "alloc-year": "2027",
            "alloc-initiative": world.other_initiative.pk,
            "alloc-amount_dkk": "8.000.000",
        },
    )
    assert response.status_code == 422
    assert (
        "Rammen for 2027 er 65.000.000 kr.; der er allerede disponeret 60.000.000 kr."
        in response.content.decode()
    )
    assert db_snapshot() == before


def test_over_commitment_through_the_api_is_a_422_and_changes_nothing(client, world, year_2027, db_snapshot):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=60_000_000, initiative=world.own_initiative)
    client.force_login(agency)
    before = db_snapshot()
    response = client.post(
        "/api/programmes/uip_adults/allocations",
        {"year": 2027, "initiative_id": world.other_initiative.pk, "amount_dkk": 8_000_000},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("Rammen for 2027 er 65.000.000 kr.")
    assert db_snapshot() == before


def test_an_english_api_reader_gets_the_refusal_in_english(client, world, year_2027):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=65_000_000, initiative=world.own_initiative)
    client.force_login(agency)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/api/programmes/uip_adults/allocations",
        {"year": 2027, "initiative_id": world.other_initiative.pk, "amount_dkk": 1},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"].startswith("The frame for 2027 is 65.000.000 kr.")


def test_a_frame_cannot_be_lowered_below_what_is_committed(world, adults, year_2027, db_snapshot):
    agency = world.users[Role.AGENCY]
    services.allocate(agency, year_2027, amount_dkk=50_000_000, initiative=world.own_initiative)
    before = db_snapshot()
    with pytest.raises(services.FrameExceeded, match="allerede disponeret 50.000.000 kr."):
        services.set_frame(agency, adults, year=2027, frame_dkk=40_000_000)
    assert db_snapshot() == before
    services.set_frame(agency, adults, year=2027, frame_dkk=70_000_000)
    year_2027.refresh_from_db()
    assert year_2027.frame_dkk == 70_000_000


@pytest.mark.parametrize("amount", [-1, 0, "abc", "1,5"])
def test_bad_amounts_are_refused(world, year_2027, amount):
    with pytest.raises(DomainError):
        services.allocate(
            world.users[Role.AGENCY], year_2027, amount_dkk=amount, initiative=world.own_initiative
        )
    assert not Allocation.objects.exists()


def test_an_initiative_of_another_programme_cannot_take_this_programmes_money(world, year_2027):
    children = InitiativeFactory(programme="uip_children")
    with pytest.raises(DomainError, match="hører ikke til"):
        services.allocate(world.users[Role.AGENCY], year_2027, amount_dkk=1_000, initiative=children)


def test_spent_is_the_grant_instalments_paid_to_the_programmes_initiatives_in_the_year(
    world, adults, year_2027
):
    from susi.rounds.models import Application, Grant, Instalment, Round

    round_ = Round.objects.create(
        initiative=world.own_initiative,
        phase="maturation",
        title="Runde",
        text="x",
        opens_at="2026-01-01T09:00:00+01:00",
        closes_at="2026-02-01T09:00:00+01:00",
        pool_amount=1_000_000,
    )
    application = Application.objects.create(
        round=round_, organisation=world.own_municipality, created_by=world.users[Role.AGENCY]
    )
    grant = Grant.objects.create(application=application, amount=300_000, purpose=Grant.Purpose.values[0])
    Instalment.objects.create(grant=grant, due_on=date(2027, 3, 1), amount=100_000, paid_on=date(2027, 3, 2))
    Instalment.objects.create(grant=grant, due_on=date(2027, 9, 1), amount=100_000, paid_on=None)
    Instalment.objects.create(grant=grant, due_on=date(2028, 3, 1), amount=100_000, paid_on=date(2028, 1, 5))
    (row,) = selectors.money(adults)
    assert row.spent == Decimal(100_000)


def test_counts_a_programme_manager_reports(world):
    InitiativeFactory(programme="uip_adults", phase="testing", status="completed")
    InitiativeFactory(programme="uip_adults", phase="testing", status="stopped")
    InitiativeFactory(programme="uip_children", phase="maturation")
    from susi.portfolio.models import Initiative

    counts = {c.code: c for c in selectors.programme_counts(Initiative.objects.all())}
    adults = counts["uip_adults"]
    assert (adults.prioritised, adults.closed) == (4, 2)  # the world's two initiatives are adult screenings
    testing = next(p for p in adults.phases if p.phase.phase.value == "testing")
    assert (testing.prioritised, testing.closed) == (2, 2)
    assert (counts["uip_children"].prioritised, counts["uip_children"].closed) == (1, 0)


def test_programme_page_shows_frame_committed_spent_remaining_and_counts(client, world, adults, year_2027):
    services.allocate(
        world.users[Role.AGENCY], year_2027, amount_dkk=15_000_000, initiative=world.own_initiative
    )
    client.force_login(world.users[Role.STEERING])
    page = client.get("/programmer/uip_adults/").content.decode()
    for text in ("65.000.000 kr.", "15.000.000 kr.", "50.000.000 kr.", "prioriteret 2, heraf afsluttet 0"):
        assert text in page
    assert client.get("/programmer/").status_code == 200
    assert "Disponér" not in page  # steering reads, does not commit
