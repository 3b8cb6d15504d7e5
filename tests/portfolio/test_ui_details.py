"""Details of the portfolio pages a user notices: the gate history in the criteria's order, the skip section
collapsed until a skip is chosen, official municipality names, searchable municipality pickers."""

import re

from susi.engines import phases
from susi.organisations.models import Organisation
from susi.portfolio import selectors, services
from tests.portfolio.test_gate_services import approve_required, inputs


def test_gate_history_lists_criteria_in_the_phase_models_order(world, client):
    agency = world.users["agency"]
    initiative = world.own_initiative
    approve_required(agency, initiative)
    services.record_gate_decision(
        agency, initiative, outcome="continue", justification="", assessments=inputs()
    )
    [decision] = selectors.gate_history(initiative)
    assert [a.criterion for a in decision.assessments.all()] == [c.value for c in phases.Criterion]
    client.force_login(agency)
    page = client.get(f"/initiativer/{initiative.pk}/").content.decode()
    gates = page[page.index('id="gates"') :]
    shown = [gates.index(f">{name}") for name in ("Virkning", "Økonomi", "Implementering", "Efterspørgsel")]
    assert shown == sorted(shown), (
        "virkning, økonomi, implementering, efterspørgsel (not alphabetical by key)"
    )


def test_skip_section_is_collapsed_until_a_skip_is_chosen(world, client):
    agency = world.users["agency"]
    client.force_login(agency)
    url = f"/initiativer/{world.own_initiative.pk}/faseovergang/"
    page = client.get(url).content.decode()
    tag = re.search(r'<details class="skip-section"[^>]*>', page).group(0)
    assert " open" not in tag
    refused = client.post(url, {"outcome": "skip", "record": "1"}).content.decode()
    assert re.search(r'<details class="skip-section"[^>]* open>', refused), "a chosen skip shows its section"


def test_official_municipality_names(db):
    from susi.organisations.services import ensure_municipalities

    assert ensure_municipalities() == 98
    assert str(Organisation.objects.get(code="101")) == "Københavns Kommune"
    assert str(Organisation.objects.get(code="400")) == "Bornholms Regionskommune"
    assert str(Organisation.objects.get(code="751")) == "Aarhus Kommune"


def test_municipality_pickers_are_searchable(world, client):
    client.force_login(world.users["agency"])
    board = client.get("/").content.decode()
    assert re.search(r'<select id="f-municipality" name="municipality" data-search="Søg kommune">', board)
    assert "susi/picker.js" in board
    form = client.get("/initiativer/nyt/").content.decode()
    assert re.search(r'<select name="municipalities"[^>]*data-search="Søg kommune"', form)
