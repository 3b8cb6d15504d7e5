"""Acceptance (issue 13): agency staff record a user-involvement activity, see it under the gate's criteria,
record the decision with a fast-track note and publish the intervention; an anonymous browser then reads the
public knowledge page: the five dimensions, the forest plot and the note, and no link behind the login."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_accessibility import violations
from tests.portfolio.test_gate_services import approve_required

CRITERIA = ["Virkning", "Økonomi", "Implementering", "Efterspørgsel", "Realistisk drift"]
DIMENSIONS = ["Målgruppe", "Metode", "Implementering", "Effekt", "Økonomi"]


def _evidence(world):
    """A saved meta-analysis of the initiative's intervention (the evidence demo's studies)."""
    from susi.evidence import demo, services
    from susi.evidence.models import Study

    agency, intervention = world.users["agency"], world.own_initiative.intervention
    for label, year, design, country, ai, bi, ci, di, subgroup, months in demo.STUDIES:
        services.create_study(
            agency,
            intervention,
            {
                "outcome": demo.OUTCOME,
                "label": label,
                "year": year,
                "design": design,
                "country": country,
                "risk_of_bias": "some",
                "measure": "RR",
                "ai": ai,
                "bi": bi,
                "ci": ci,
                "di": di,
                "subgroup": subgroup,
                "moderator": months,
            },
        )
    services.save_meta_analysis(
        agency,
        intervention,
        outcome=demo.OUTCOME,
        measure="RR",
        method="REML",
        hk=False,
        higher_is_better=True,
        studies=list(Study.objects.filter(intervention=intervention)),
        title="I egen bolig efter 9 måneder",
    )


def _public(href: str) -> bool:
    path = re.sub(r"^https?://[^/]+", "", href)
    return (
        path.startswith("#")
        or path.startswith(settings.STATIC_URL)
        or any(path.startswith(p) for p in settings.SUSI_PUBLIC_PATHS)
    )


def test_involvement_gate_fast_track_publication_and_public_page(page, login, world):
    initiative = world.own_initiative
    intervention = initiative.intervention
    intervention.target_group = "Borgere, der flytter fra herberg"
    intervention.save()
    approve_required(world.users["agency"], initiative)
    _evidence(world)
    login("agency")

    # 1. an involvement activity
    page.goto(f"/initiativer/{initiative.pk}/")
    page.get_by_role("link", name="Brugerinddragelse og bivirkninger").click()
    page.get_by_role("link", name="Registrér en aktivitet").click()
    page.get_by_label("Form for inddragelse").select_option(label="Brugerpanel")
    page.get_by_label("Dato").fill("2025-03-01")
    page.get_by_label("Titel").fill("Brugerpanel på herberget")
    page.get_by_label("Borgere (antal)").fill("8")
    page.get_by_label("Medarbejdere (antal)").fill("2")
    page.get_by_label("Let læst tekst").check()
    page.get_by_label("Hvad lærte vi?").fill("Borgerne frygtede skiftet mellem faserne.")
    page.get_by_label("Hvad blev ændret i indsatsen på grund af det?").fill("Et overgangsmøde ved hver fase.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Inddragelsesaktiviteten er gemt.")).to_be_visible()
    expect(page.locator("#involvement-table")).to_contain_text("Brugerpanel på herberget")

    # 2. the gate shows it under the criteria it informs (demand and implementation by default)
    page.goto(f"/initiativer/{initiative.pk}/faseovergang/")
    demand = page.locator("fieldset.criterion", has=page.locator("legend", has_text="Efterspørgsel")).first
    expect(demand).to_contain_text("Borgerne frygtede skiftet mellem faserne.")
    expect(page.locator("#gate-involvement")).not_to_contain_text("Advarsel")

    # 3. the decision with a fast-track note
    for name in CRITERIA:
        fieldset = page.locator("fieldset.criterion", has=page.locator("legend", has_text=name)).first
        fieldset.get_by_label("Opfyldt", exact=True).check()
        fieldset.locator("textarea[name$='_justification']").fill(f"{name} er dokumenteret.")
    page.get_by_label("Fortsæt til næste fase").check()
    fast_track = page.locator("#fast-track")
    fast_track.get_by_label("Ja, udbred nu").check()
    fast_track.get_by_label("Kommuner", exact=True).check()
    fast_track.get_by_label("Hvad har vi lært?").fill("Et planlagt overgangsmøde gør skiftet forudsigeligt.")
    fast_track.get_by_label("Forbehold").fill("Bygger på ét brugerpanel.")
    page.get_by_role("button", name="Træf beslutning").click()
    expect(page.get_by_text("Beslutningen er truffet")).to_be_visible()

    # 4. publish the intervention
    page.get_by_role("link", name="Ny viden").first.click()
    expect(page.get_by_text("Et planlagt overgangsmøde gør skiftet forudsigeligt.")).to_be_visible()
    page.get_by_role("link", name="Vælg hvad der offentliggøres").click()
    page.get_by_role("link", name=re.compile(f"Vælg {re.escape(intervention.name)}")).click()
    page.get_by_label("Offentliggør vidensiden").check()
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Offentliggørelsen er gemt.")).to_be_visible()

    # 5. an anonymous visitor
    page.context.clear_cookies()
    page.goto("/viden/")
    expect(page.get_by_role("heading", name="Viden om sociale indsatser")).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text("Et planlagt overgangsmøde")
    page.get_by_role("region", name="Indsatser").get_by_role("link", name=intervention.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(intervention.name)
    for dimension in DIMENSIONS:
        expect(page.locator("table.declaration").get_by_role("rowheader", name=dimension)).to_be_visible()
    expect(page.locator("#forest-plot svg")).to_be_visible()
    expect(page.locator("#notes")).to_contain_text("Et planlagt overgangsmøde gør skiftet forudsigeligt.")
    expect(page.locator("#involvement")).to_contain_text("Et overgangsmøde ved hver fase.")
    hrefs = page.eval_on_selector_all("[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(_public(h) for h in hrefs), [h for h in hrefs if not _public(h)]
    assert "/login/" not in page.url


@pytest.mark.bypass_csp
def test_public_pages_are_accessible(page, world):
    from susi.knowledge import services

    _evidence(world)
    services.publish(
        world.users["agency"],
        world.own_initiative.intervention,
        published=True,
        sections=["history", "evidence", "economy", "fidelity", "involvement", "notes"],
    )
    for path in ("/viden/", f"/viden/{world.own_initiative.intervention_id}/", "/viden/ny-viden/"):
        page.goto(path)
        assert violations(page) == [], path


@pytest.mark.phone
def test_public_page_on_a_phone_and_in_print(page, world):
    from susi.knowledge import services

    services.publish(
        world.users["agency"], world.own_initiative.intervention, published=True, sections=["history"]
    )
    page.goto(f"/viden/{world.own_initiative.intervention_id}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.locator("table.declaration")).to_be_visible()
