"""Involvement, side effects and the fast-track note: services, the gate page and its one transaction."""

from datetime import date

import pytest

from susi.knowledge import services
from susi.knowledge.models import InvolvementActivity, KnowledgeNote, SideEffect
from susi.portfolio.models import GateDecision, Initiative
from susi.web.api_errors import DomainError
from tests.knowledge.conftest import ACTIVITY
from tests.portfolio.test_gate_services import approve_required
from tests.portfolio.test_pages_and_api import gate_post

FAST_TRACK = {
    "ft-spread_now": "yes",
    "ft-audiences": ["municipalities", "providers"],
    "ft-learned": "Borgerne vil have ét fast kontaktpunkt.",
    "ft-for_whom": "Kommuner med herberger",
    "ft-caveats": "Fire kommuner",
}


def test_involvement_is_recorded_with_counts_never_names(world, activity):
    assert activity.participants == 10
    assert activity.recorded_by == world.users["agency"]
    assert not any(f.name in {"name", "names", "citizen"} for f in InvolvementActivity._meta.fields)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "seance"}, "kind"),
        ({"phase": "x"}, "phase"),
        ({"citizens": -1}, "citizens"),
        ({"citizens": 0, "relatives": 0, "staff": 0, "user_organisations": 0}, "citizens"),
        ({"adaptations": ["telepathy"]}, "adaptations"),
        ({"criteria": ["beauty"]}, "criteria"),
        ({"learned": "  "}, "learned"),
        ({"title": ""}, "title"),
        ({"held_on": "2025-01-01"}, "held_on"),
    ],
)
def test_bad_involvement_is_refused_and_nothing_written(world, db_snapshot, change, field):
    before = db_snapshot()
    with pytest.raises(DomainError) as error:
        services.record_involvement(world.users["agency"], world.own_initiative, {**ACTIVITY, **change})
    assert error.value.field == field
    assert db_snapshot() == before


def test_participants_of_an_initiative_may_record_others_may_not(world):
    from django.core.exceptions import PermissionDenied

    services.record_involvement(world.users["municipality"], world.own_initiative, dict(ACTIVITY))
    services.record_involvement(world.users["provider"], world.own_initiative, dict(ACTIVITY))
    for role in ("steering", "foundation"):
        with pytest.raises(PermissionDenied):
            services.record_involvement(world.users[role], world.own_initiative, dict(ACTIVITY))
    with pytest.raises(PermissionDenied):
        services.record_involvement(world.users["municipality"], world.other_initiative, dict(ACTIVITY))


def test_involvement_pages_add_edit_and_list(client, world):
    client.force_login(world.users["municipality"])
    url = f"/initiativer/{world.own_initiative.pk}/inddragelse/"
    data = {**ACTIVITY, "held_on": "2025-03-01", "adaptations": ["pictograms"], "criteria": ["demand"]}
    assert client.post(url + "ny/", data).status_code == 302
    activity = InvolvementActivity.objects.get()
    page = client.get(url).content.decode()
    assert "Brugerpanel" in page and "Piktogrammer og billeder" in page
    assert client.post(url + f"{activity.pk}/", {**data, "title": "Nyt navn"}).status_code == 302
    assert InvolvementActivity.objects.get().title == "Nyt navn"
    bad = client.post(url + "ny/", {**data, "citizens": "-3"})
    assert bad.status_code == 422 and InvolvementActivity.objects.count() == 1
    client.force_login(world.users["steering"])
    assert client.get(url).status_code == 200
    assert client.get(url + "ny/").status_code == 403


def test_side_effect_validation_and_harm(world, evaluation, db_snapshot):
    agency = world.users["agency"]
    base = {"outcome": "Indlæggelser", "measured_by": "Antal", "estimate": 0.2, "ci_low": 0.1, "ci_high": 0.3}
    effect = services.record_side_effect(agency, evaluation, base)
    assert effect.harmful
    assert not services.record_side_effect(agency, evaluation, {**base, "ci_low": -0.1}).harmful
    before = db_snapshot()
    with pytest.raises(DomainError):
        services.record_side_effect(agency, evaluation, {**base, "estimate": 0.5})
    with pytest.raises(DomainError):
        services.record_side_effect(agency, evaluation, {**base, "outcome": ""})
    assert db_snapshot() == before
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_side_effect(world.users["municipality"], evaluation, base)
    services.record_side_effect(world.users["evaluator"], evaluation, base)
    assert SideEffect.objects.count() == 3


def test_gate_page_shows_involvement_under_its_criteria_and_side_effects_under_effect(
    client, world, activity, evaluation
):
    services.record_side_effect(
        world.users["agency"],
        evaluation,
        {
            "outcome": "Frafald fra skole",
            "measured_by": "Andel",
            "estimate": 0.1,
            "ci_low": 0.05,
            "ci_high": 0.2,
        },
    )
    client.force_login(world.users["agency"])
    page = client.get(f"/initiativer/{world.own_initiative.pk}/faseovergang/").content.decode()

    def fieldset(criterion):
        start = page.index(f'<fieldset class="criterion" id="gate-{criterion}">')
        return page[start : page.index('<fieldset class="criterion"', start + 10)]

    assert "Borgerne ønskede færre møder." in fieldset("demand")  # the activity informs demand only
    assert "Borgerne ønskede færre møder." not in fieldset("economy")
    assert "Frafald fra skole" in fieldset("effect")
    assert "Påvist skadelig" in page
    assert "Fast track for viden" in page
    assert "Advarsel: der er ikke registreret nogen brugerinddragelse" not in page


def test_gate_in_screening_and_maturation_warns_without_involvement(client, world):
    client.force_login(world.users["agency"])
    url = f"/initiativer/{world.own_initiative.pk}/faseovergang/"
    assert "Advarsel: der er ikke registreret nogen brugerinddragelse" in client.get(url).content.decode()
    Initiative.objects.filter(pk=world.own_initiative.pk).update(phase="testing")
    assert "Advarsel: der er ikke registreret nogen brugerinddragelse" not in client.get(url).content.decode()


def test_decision_and_note_are_recorded_together(client, world):
    approve_required(world.users["agency"], world.own_initiative)
    client.force_login(world.users["agency"])
    response = client.post(f"/initiativer/{world.own_initiative.pk}/faseovergang/", gate_post(**FAST_TRACK))
    assert response.status_code == 302
    note = KnowledgeNote.objects.get()
    assert note.decision.state == "recorded" and note.spread_now
    assert note.audiences == ["municipalities", "providers"]
    assert "Borgerne vil have ét fast kontaktpunkt." in client.get("/ny-viden/").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"ft-spread_now": ""},  # no answer
        {"ft-audiences": []},  # spread now, but to whom?
        {"ft-learned": ""},  # spread now, but what?
        {"ft-audiences": ["aliens"]},
    ],
)
def test_a_bad_fast_track_answer_records_no_decision(client, world, db_snapshot, bad):
    approve_required(world.users["agency"], world.own_initiative)
    client.force_login(world.users["agency"])
    before = db_snapshot()
    response = client.post(
        f"/initiativer/{world.own_initiative.pk}/faseovergang/", gate_post(**{**FAST_TRACK, **bad})
    )
    assert response.status_code == 422
    assert db_snapshot() == before
    assert Initiative.objects.get(pk=world.own_initiative.pk).phase == "screening"


def test_a_failing_hook_rolls_the_decision_back(world, db_snapshot):
    from susi.portfolio import services as portfolio
    from tests.portfolio.test_gate_services import inputs

    approve_required(world.users["agency"], world.own_initiative)
    before = db_snapshot()

    def hook(decision):
        raise DomainError("learned", "nej")

    with pytest.raises(DomainError):
        portfolio.record_gate_decision(
            world.users["agency"],
            world.own_initiative,
            outcome="continue",
            justification="",
            assessments=inputs(),
            on_recorded=hook,
        )
    assert db_snapshot() == before
    assert not GateDecision.objects.filter(state="recorded").exists()


def test_no_spread_needs_no_note_text(client, world):
    approve_required(world.users["agency"], world.own_initiative)
    client.force_login(world.users["agency"])
    post = gate_post(**{"ft-spread_now": "no", "ft-learned": "", "ft-for_whom": "", "ft-caveats": ""})
    assert client.post(f"/initiativer/{world.own_initiative.pk}/faseovergang/", post).status_code == 302
    assert not KnowledgeNote.objects.get().spread_now


def test_notes_list_follows_who_sees_the_initiative(client, world):
    approve_required(world.users["agency"], world.own_initiative)
    client.force_login(world.users["agency"])
    client.post(f"/initiativer/{world.own_initiative.pk}/faseovergang/", gate_post(**FAST_TRACK))
    client.force_login(world.users["municipality"])
    assert "ét fast kontaktpunkt" in client.get("/ny-viden/").content.decode()
    from tests.factories import MunicipalityFactory, UserFactory

    stranger = UserFactory(username="x", role="municipality", organisation=MunicipalityFactory(code="999"))
    client.force_login(stranger)
    assert "ét fast kontaktpunkt" not in client.get("/ny-viden/").content.decode()
    assert date.today()  # the page renders for everyone logged in


def test_side_effects_reach_the_gate_suggestion_on_effect(world, evaluation):
    """The knowledge app registers its reader with the gate suggestions: none recorded says nothing, a harmless
    one says "studied, none found", a harmful one signals harm (which keeps *virkning* from "met")."""
    from susi.knowledge.selectors import side_effect_signal
    from susi.portfolio.suggestions import SIDE_EFFECT_SIGNALS, gate_numbers

    initiative = evaluation.initiative
    assert side_effect_signal in SIDE_EFFECT_SIGNALS
    assert gate_numbers(initiative).effect.side_effect_signal is None
    agency = world.users["agency"]
    base = {
        "outcome": "Indlæggelser",
        "measured_by": "Antal",
        "estimate": 0.2,
        "ci_low": -0.1,
        "ci_high": 0.3,
    }
    services.record_side_effect(agency, evaluation, base)
    assert gate_numbers(initiative).effect.side_effect_signal is False
    services.record_side_effect(agency, evaluation, {**base, "ci_low": 0.1})
    assert gate_numbers(initiative).effect.side_effect_signal is True
