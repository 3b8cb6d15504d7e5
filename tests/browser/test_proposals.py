"""Browser: a foundation submits a concept note; the agency invites a full proposal; the foundation submits it,
asking for dissemination; the agency takes it into dissemination with an entry assessment; the foundation sees
the resulting initiative."""

import re

from susi.accounts.models import Role
from susi.engines import phases

FOUNDATION_TITLE = "Peer-støtte efter løsladelse"


def _logout(page):
    page.context.clear_cookies()


def test_a_foundation_proposal_from_concept_note_to_initiative_in_dissemination(page, login, world, tmp_path):
    # the foundation: a concept note
    login("foundation")
    page.goto("/forslag/")
    page.get_by_role("link", name="Foreslå et projekt").click()
    page.get_by_label("Projektets titel").fill(FOUNDATION_TITLE)
    page.get_by_label("Målgruppeområde").select_option("adults")
    page.get_by_label("Idéoplæg").fill("Tidligere indsatte støtter nyløsladte det første år.")
    page.get_by_role("button", name="Send idéoplægget").click()
    page.wait_for_url(re.compile(r"/forslag/\d+/$"))
    assert page.locator("#proposal-state").inner_text() == "Idéoplæg indsendt"
    _logout(page)

    # the agency: the inbox, and an invitation with a message
    login("agency")
    page.goto("/forslag/?state=waiting")
    page.get_by_role("link", name=FOUNDATION_TITLE).click()
    page.get_by_label("Besked til fonden").fill("Send et fuldt forslag med jeres effektstudie.")
    page.get_by_role("button", name="Invitér til fuldt forslag").click()
    assert page.locator("#proposal-state").inner_text() == "Inviteret til fuldt forslag"
    _logout(page)

    # the foundation: the full proposal, asking for dissemination, with a document
    login("foundation")
    page.goto("/forslag/")
    page.get_by_role("link", name=FOUNDATION_TITLE).click()
    assert "effektstudie" in page.locator("#agency-message").inner_text()
    page.get_by_label("Projektbeskrivelse").fill("Mentorer, forløb på 12 måneder, drift i 12 kommuner.")
    page.get_by_label("Den viden og dokumentation, projektet har").fill("Kvasieksperimentel effektstudie.")
    page.get_by_label("Medfinansiering fra fonden (kr.)").fill("4000000")
    page.get_by_label("Ønsket fase").select_option("dissemination")
    document = tmp_path / "effektstudie.pdf"
    document.write_bytes(b"%PDF-1.4 effektstudie")
    page.get_by_label("Dokumenter").set_input_files(str(document))
    page.get_by_role("button", name="Send det fulde forslag").click()
    assert page.locator("#proposal-state").inner_text() == "Fuldt forslag indsendt"
    _logout(page)

    # the agency: into dissemination — refused without the entry assessment, accepted with it
    login("agency")
    page.goto("/forslag/?state=full_submitted")
    page.get_by_role("link", name=FOUNDATION_TITLE).click()
    assert page.get_by_role("link", name="effektstudie.pdf").is_visible()
    page.get_by_label("Optag i fasen").select_option("dissemination")
    page.get_by_label(re.compile(r"^Program:?$")).select_option("uip_adults")
    page.get_by_role("button", name="Optag som initiativ").click()
    assert "ikke vurderet" in page.locator("#accept-problems").inner_text()
    for phase in phases.entry_phases(phases.Phase.DISSEMINATION):
        for criterion in phases.Criterion:
            fieldset = page.locator(f"#entry-{phase.value}-{criterion.value}")
            fieldset.get_by_label("Opfyldt", exact=True).check()
            fieldset.locator("textarea").fill("Dokumenteret i fondens effektstudie.")
    page.get_by_label("Begrundelse for at starte i en senere fase").fill("Effekten er dokumenteret.")
    page.get_by_role("button", name="Optag som initiativ").click()
    page.wait_for_url(re.compile(r"/initiativer/\d+/$"))
    assert page.get_by_role("heading", name=FOUNDATION_TITLE).is_visible()
    _logout(page)

    # the foundation sees the resulting initiative, on its proposal and on the board
    login("foundation")
    page.goto("/forslag/")
    page.get_by_role("link", name=FOUNDATION_TITLE).click()
    assert page.locator("#proposal-state").inner_text() == "Optaget i en fase"
    page.locator("#proposal-initiative").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/initiativer/\d+/$"))
    assert page.get_by_role("heading", name=FOUNDATION_TITLE).is_visible()
    page.goto("/")
    assert FOUNDATION_TITLE in page.locator('[data-phase="dissemination"]').inner_text()
    funded = world.users[Role.FOUNDATION].organisation.funded_initiatives.get(title=FOUNDATION_TITLE)
    assert funded.phase == "dissemination" and funded.entry_assessment.criteria.count() == 15
