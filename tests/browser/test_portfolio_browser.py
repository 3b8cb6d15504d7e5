"""As a person would: agency staff take an initiative through a gate; a municipality user is kept out."""

import re

from playwright.sync_api import expect

from tests.portfolio.test_gate_services import approve_required

CRITERIA = ["Virkning", "Økonomi", "Implementering", "Efterspørgsel", "Realistisk drift"]


def test_agency_takes_initiative_through_gate_and_sees_it_in_new_column(page, login, world):
    initiative = world.own_initiative
    approve_required(world.users["agency"], initiative)
    login("agency")
    expect(page.locator('[data-phase="screening"]')).to_contain_text(initiative.title)

    page.get_by_role("link", name=initiative.title).click()
    page.get_by_role("link", name="Forbered faseovergang").click()
    expect(page.get_by_role("heading", name=re.compile("Faseovergang efter"))).to_be_visible()
    expect(page.get_by_text("Alle krævede produkter er godkendt.")).to_be_visible()

    for name in CRITERIA:
        fieldset = page.locator("fieldset.criterion", has=page.locator("legend", has_text=name)).first
        fieldset.get_by_label("Opfyldt", exact=True).check()
        fieldset.get_by_label("Begrundelse").fill(f"{name} er dokumenteret i vidensrapporten.")
    page.get_by_label("Fortsæt til næste fase").check()
    page.locator("#fast-track").get_by_label("Nej, ikke endnu").check()  # the fast track for knowledge
    page.get_by_role("button", name="Træf beslutning").click()

    expect(page.get_by_text("Beslutningen er truffet")).to_be_visible()
    expect(page.locator(".timeline li.current")).to_contain_text("Modning")
    page.get_by_role("link", name="Porteføljen").first.click()
    expect(page.locator('[data-phase="maturation"]')).to_contain_text(initiative.title)
    expect(page.locator('[data-phase="screening"]')).not_to_contain_text(initiative.title)


def test_gate_refused_shows_danish_reasons(page, login, world):
    login("agency")
    page.goto(f"/initiativer/{world.own_initiative.pk}/faseovergang/")
    page.get_by_label("Fortsæt til næste fase").check()
    page.get_by_role("button", name="Træf beslutning").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Beslutningen kan ikke træffes")
    expect(alert).to_contain_text("Produktet »Vidensrapport« mangler eller er ikke godkendt.")
    expect(alert).to_contain_text("Kriteriet »Virkning« (screening) er ikke vurderet.")


def test_municipality_user_cannot_open_another_municipalitys_initiative(page, login, world):
    login("municipality")
    expect(page.locator(".board")).to_contain_text(world.own_initiative.title)
    expect(page.locator(".board")).not_to_contain_text(world.other_initiative.title)
    response = page.goto(f"/initiativer/{world.other_initiative.pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Du har ikke adgang til denne side")).to_be_visible()
    api = page.goto(f"/api/initiatives/{world.other_initiative.pk}")
    assert api.status == 403
    assert page.goto(f"/kommuner/{world.other_municipality.code}/").status == 403


def test_board_filters_with_htmx(page, login, world):
    login("agency")
    page.get_by_label("Kommune", exact=True).select_option("461")
    expect(page.locator(".board")).not_to_contain_text(world.own_initiative.title)
    expect(page.locator(".board")).to_contain_text(world.other_initiative.title)
    assert "municipality=461" in page.url
