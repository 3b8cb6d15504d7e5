"""Browser: the agency announces a round; two municipalities see it on their home page and apply; the agency
screens, a steering-group member scores, the agency accepts one and rejects the other; the accepted municipality
now sees the initiative and takes part in the phase, the rejected one reads the message."""

import re
from datetime import timedelta

from django.utils import timezone

from susi.accounts.models import Role
from susi.rounds.models import Application, Participation
from tests.factories import MunicipalityFactory, UserFactory


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _apply(page, login, username, round_title, size):
    login(username)
    page.goto("/")
    panel = page.locator("#open-rounds")
    panel.get_by_role("link", name=round_title).click()
    assert page.get_by_text(
        "Ambulant rådgivning til voldsudsatte"
    ).is_visible()  # the intervention's description
    page.get_by_role("link", name="Søg om at deltage").click()
    page.get_by_label("Hvorfor vil I være med?").fill("Vi har mange borgere i målgruppen.")
    page.get_by_label("Målgruppens størrelse hos jer (antal borgere)").fill(str(size))
    page.get_by_label(re.compile(r"^Kontaktperson:?$")).fill("Kim")
    page.get_by_label("Kontaktpersonens e-mail").fill("kim@example.dk")
    page.get_by_role("button", name="Indsend ansøgningen").click()
    page.wait_for_url(re.compile(r"/ansoegninger/\d+/$"))
    assert page.get_by_test_id("application-state").inner_text() == "Indsendt"
    page.context.clear_cookies()


def test_a_round_from_announcement_to_participation(page, login, world):
    initiative = world.other_initiative  # Aarhus (the own municipality) does not take part in it yet
    initiative.intervention.description = "Ambulant rådgivning til voldsudsatte"
    initiative.intervention.save()
    vejle = MunicipalityFactory(name="Vejle", code="630")
    UserFactory(username="vejle", role=Role.MUNICIPALITY, organisation=vejle)
    now = timezone.now()

    login("agency")
    page.goto(f"/runder/ny/?initiative={initiative.pk}")
    page.get_by_label("Fase").select_option("maturation")
    page.get_by_label("Titel").fill("Modning: ambulante indsatser")
    page.get_by_label("Beskrivelse af runden").fill("Vi søger én kommune.")
    page.get_by_label("Antal pladser").fill("1")
    page.get_by_label("Åbner").fill(_local(now - timedelta(hours=1)))
    page.get_by_label("Ansøgningsfrist").fill(_local(now + timedelta(days=7)))
    page.get_by_label("Puljens beløb (kr.)").fill("500000")
    page.get_by_label("Spørgsmål, ansøgerne skal besvare (ét pr. linje)").fill("Hvorfor vil I være med?")
    page.get_by_label(re.compile(r"^Kriterium 1")).fill("Behov i kommunen")
    page.get_by_label("Vægt (%) for kriterium 1").fill("100")
    page.get_by_label(world.users[Role.STEERING].get_full_name() or "steering").check()
    page.get_by_role("button", name="Gem som kladde").click()
    page.wait_for_url(re.compile(r"/runder/\d+/$"))
    page.get_by_role("button", name="Åbn runden").click()
    assert page.get_by_test_id("round-state").inner_text() == "Åben"
    page.context.clear_cookies()

    _apply(page, login, "municipality", "Modning: ambulante indsatser", 80)
    _apply(page, login, "vejle", "Modning: ambulante indsatser", 20)

    login("agency")
    page.goto("/runder/")
    page.get_by_role("link", name="Modning: ambulante indsatser").first.click()
    page.get_by_role("button", name="Luk runden").click()
    round_url = page.url
    for name in ("Aarhus Kommune", "Vejle Kommune"):
        page.goto(round_url)
        page.get_by_role("link", name=name).click()
        page.get_by_label("Videre til vurdering").check()
        page.get_by_label("Begrundelse").fill("Opfylder kravene")
        page.get_by_role("button", name="Gem screening").click()
        assert page.get_by_test_id("application-state").inner_text() == "Går videre til vurdering"
    page.context.clear_cookies()

    aarhus_application = Application.objects.get(organisation=world.own_municipality)
    login("steering")
    page.goto(f"/ansoegninger/{aarhus_application.pk}/")
    page.get_by_role("radiogroup").first  # noqa: B018 - the scores are radio buttons
    page.locator("input[name^='score_'][value='5']").check()
    page.get_by_role("button", name="Gem vurdering").click()
    assert page.get_by_text("Din vurdering er gemt.").is_visible()
    page.context.clear_cookies()

    login("agency")
    page.goto(round_url)
    assert page.locator("table").get_by_text("5,00").is_visible()  # the weighted score in the ranking
    for name, decision, message in (
        ("Aarhus Kommune", "Optag", "Velkommen i modningen."),
        ("Vejle Kommune", "Afvis", "Runden havde én plads; tak for ansøgningen."),
    ):
        page.goto(round_url)
        page.get_by_role("link", name=name).click()
        page.get_by_label(decision, exact=True).check()
        page.get_by_label("Besked til ansøgeren").fill(message)
        if decision == "Optag":
            page.get_by_label("Tilskud (kr.)").fill("200000")
        page.get_by_role("button", name="Gem afgørelse").click()
        assert page.get_by_test_id("decision-message").is_visible()
    page.context.clear_cookies()

    assert Participation.objects.get().organisation == world.own_municipality
    login("municipality")
    page.goto(f"/initiativer/{initiative.pk}/")
    assert page.get_by_role("heading", name=initiative.title).is_visible()
    assert page.locator("#participation").get_by_text("Aarhus Kommune").is_visible()
    page.context.clear_cookies()

    login("vejle")
    page.goto("/runder/")
    page.locator("main ul").get_by_role(
        "link", name="Modning: ambulante indsatser"
    ).click()  # "Jeres ansøgninger"
    assert page.get_by_test_id("application-state").inner_text() == "Ikke optaget"
    assert "Runden havde én plads" in page.get_by_test_id("decision-message").inner_text()
