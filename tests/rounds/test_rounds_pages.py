"""Rounds seen from the other pages: the gate page shows demand under efterspørgsel, the home page shows open
rounds, the municipality page its grants; the API shows an applicant only its own application; the CLI lists."""

import re
from decimal import Decimal

from django.test import Client
from typer.testing import CliRunner

from susi.accounts.models import Role
from susi.cli import app
from susi.rounds import services

from .conftest import close, fill_and_submit


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_gate_page_shows_applicants_per_place_under_demand(world, open_round, other_municipality_user):
    fill_and_submit(world.users[Role.MUNICIPALITY], open_round, size=80)
    fill_and_submit(other_municipality_user, open_round, size=30)
    page = _client(world.users[Role.AGENCY]).get(f"/initiativer/{world.own_initiative.pk}/faseovergang/")
    html = page.content.decode()
    demand = html[html.index('id="gate-demand"') :]
    demand = demand[: demand.index("</fieldset>")]
    assert 'data-testid="round-demand"' in demand
    assert "2 ansøgere" in demand and "til 3 pladser" in demand and "0,7 ansøgere pr. plads" in demand


def test_home_page_lists_open_rounds_for_municipalities(world, open_round):
    html = _client(world.users[Role.MUNICIPALITY]).get("/").content.decode()
    assert 'id="open-rounds"' in html and "Modningsrunde" in html
    # a municipality sees the round (and the intervention) though it is not a participant of the other initiative
    detail = _client(world.users[Role.MUNICIPALITY]).get(f"/runder/{open_round.pk}/").content.decode()
    assert "Søg om at deltage" in detail


def test_municipality_page_shows_grants_and_the_api_only_own_applications(
    world, open_round, other_municipality_user
):
    own = fill_and_submit(world.users[Role.MUNICIPALITY], open_round)
    other = fill_and_submit(other_municipality_user, open_round)
    close(world, open_round)
    agency = world.users[Role.AGENCY]
    services.screen_application(agency, own, screened_in=True, reason="ok")
    services.determine(agency, own, accept=True, message="Velkommen", grant_amount=Decimal(250_000))
    municipality = _client(world.users[Role.MUNICIPALITY])
    page = municipality.get("/kommuner/751/").content.decode()
    assert "Deltagelse og tilskud" in page and "250.000 kr." in page
    listed = municipality.get(f"/api/rounds/{open_round.pk}/applications").json()
    assert [a["id"] for a in listed["items"]] == [own.pk]
    assert municipality.get(f"/api/applications/{other.pk}").status_code == 404
    assert municipality.get(f"/ansoegninger/{other.pk}/").status_code == 404
    body = municipality.get(f"/api/applications/{own.pk}").json()
    assert body["state"] == "accepted" and body["grant"]["amount"] == 250_000


def test_cli_lists_rounds_with_their_counts(world, open_round, other_municipality_user):
    fill_and_submit(other_municipality_user, open_round)
    result = CliRunner().invoke(app, ["rounds"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "Modningsrunde" in line)
    assert re.search(r"│\s*3\s*│\s*1\s*│\s*0\s*│\s*1\.000\.000 kr\.", row), row
    assert CliRunner().invoke(app, ["rounds", "--state", "nope"]).exit_code == 2
