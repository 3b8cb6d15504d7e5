"""The demo's story (two initiatives with involvement, CTI published) and the knowledge API."""

from datetime import date

import pytest
from django.conf import settings

from susi.knowledge.models import InvolvementActivity, KnowledgeNote, Publication, SideEffect
from tests.knowledge.conftest import ACTIVITY


@pytest.fixture
def demo(db):
    from susi.demo import load_all

    load_all(log=lambda line: None)


def test_demo_tells_the_story_and_publishes_cti(client, demo):
    from susi.demo import load_all

    assert InvolvementActivity.objects.filter(initiative__title__startswith="Afprøvning af CTI").count() == 2
    panel = InvolvementActivity.objects.get(kind="user_panel")
    assert "Indsatsbeskrivelsen er ændret" in panel.changed
    stepping = InvolvementActivity.objects.filter(
        initiative__title__startswith="Udbredelse af Stepping Stones"
    )
    assert any("proxy" in a.adaptations for a in stepping)
    assert SideEffect.objects.count() == 1 and KnowledgeNote.objects.count() == 1
    publication = Publication.objects.get(published=True)
    assert publication.intervention.name.startswith("CTI")

    html = client.get(f"/viden/{publication.intervention_id}/").content.decode()
    for dimension in ("Målgruppe", "Metode", "Implementering", "Effekt", "Økonomi"):
        assert f'<th scope="row">{dimension}</th>' in html
    assert "<svg" in html and "Forest plot" in html
    assert "overgangsmøde ved hver af CTI" in html  # the fast-track note
    assert "Sandsynlighed for positivt nettoresultat" in html  # the public SØM calculation
    assert "Der er ingen offentliggjort SØM-beregning." not in html

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/viden/{publication.intervention_id}/").content.decode()
    assert "Knowledge declaration" in english and "Investment potential" in english

    load_all(log=lambda line: None)  # idempotent
    assert InvolvementActivity.objects.count() == 4 and KnowledgeNote.objects.count() == 1


def test_demo_gate_page_shows_the_panel_under_demand(client, demo):
    from susi.accounts.models import User
    from susi.portfolio.models import Initiative

    client.force_login(User.objects.get(username="styrelse"))
    ss = Initiative.objects.get(title__startswith="Udbredelse af Stepping Stones")
    page = client.get(f"/initiativer/{ss.pk}/inddragelse/").content.decode()
    assert "Co-design-workshop med forældre" in page and "Stedfortræder" in page


def test_api_involvement_side_effects_and_notes(client, world, evaluation):
    client.force_login(world.users["municipality"])
    pk = world.own_initiative.pk
    payload = {**ACTIVITY, "held_on": "2025-03-01"}
    created = client.post(
        f"/api/knowledge/initiatives/{pk}/involvement", payload, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["citizens"] == 3
    bad = client.post(
        f"/api/knowledge/initiatives/{pk}/involvement",
        {**payload, "kind": "seance"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "kind"
    listed = client.get(f"/api/knowledge/initiatives/{pk}/involvement").json()
    assert [a["title"] for a in listed] == ["Brugerpanel"]
    other = client.get(f"/api/knowledge/initiatives/{world.other_initiative.pk}/involvement")
    assert other.status_code in (403, 404)

    # side effects: the municipality may not record, the evaluator may
    body = {"outcome": "Indlæggelse", "measured_by": "Antal", "estimate": 1.0, "ci_low": 0.5, "ci_high": 1.5}
    url = f"/api/knowledge/evaluations/{evaluation.pk}/side-effects"
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(world.users["evaluator"])
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["harmful"] is True
    assert len(client.get(f"/api/knowledge/initiatives/{pk}/side-effects").json()) == 1

    # a recorded decision's note through the API (agency only), then listed
    from susi.portfolio.models import GateDecision

    decision = GateDecision.objects.create(
        initiative=world.own_initiative,
        phase="screening",
        track="track1",
        state="recorded",
        outcome="continue",
        prepared_by=world.users["agency"],
        sequence=1,
        decided_at=None,
    )
    note = {"spread_now": True, "audiences": ["civil_society"], "learned": "Noget nyt"}
    assert (
        client.put(
            f"/api/knowledge/gate-decisions/{decision.pk}/note", note, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(world.users["agency"])
    refused = client.put(
        f"/api/knowledge/gate-decisions/{decision.pk}/note",
        {**note, "audiences": []},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "audiences"
    saved = client.put(
        f"/api/knowledge/gate-decisions/{decision.pk}/note", note, content_type="application/json"
    )
    assert saved.status_code == 200 and saved.json()["initiative_id"] == pk
    items = client.get("/api/knowledge/notes").json()["items"]
    assert [n["learned"] for n in items] == ["Noget nyt"]
    assert date.today()


def test_knowledge_pages_in_english_have_no_danish_ui_word(client, demo):
    """The English pages of this app (the generic English-pages test cannot fill their ids)."""
    import re

    from susi.accounts.models import User
    from susi.portfolio.models import Initiative
    from tests.web.test_english_pages import NAMES, WORD, data_strings, visible_text

    client.force_login(User.objects.get(username="styrelse"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cti = Initiative.objects.get(title__startswith="Afprøvning af CTI")
    adhd = Initiative.objects.get(title__startswith="Afprøvning af mestringsindsats")
    activity = InvolvementActivity.objects.filter(initiative=cti).first()
    paths = [
        f"/viden/{cti.intervention_id}/",
        "/viden/",
        "/viden/ny-viden/",
        "/ny-viden/",
        "/ny-viden/offentliggoerelse/",
        f"/ny-viden/offentliggoerelse/{cti.intervention_id}/",
        f"/initiativer/{cti.pk}/inddragelse/",
        f"/initiativer/{cti.pk}/inddragelse/ny/",
        f"/initiativer/{cti.pk}/inddragelse/{activity.pk}/",
        f"/initiativer/{adhd.pk}/inddragelse/",
        f"/initiativer/{adhd.pk}/bivirkninger/ny/",
        f"/initiativer/{cti.pk}/faseovergang/",
    ]
    data = data_strings()
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        for value in data:
            if value in text:
                text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text)
        for proper in NAMES:
            text = text.replace(proper, " ")
        words = sorted(set(WORD.findall(text)))
        if words:
            found[path] = [
                m.group(0) for m in re.finditer(r".{0,40}\b(?:" + "|".join(words) + r")\b.{0,40}", text)
            ][:6]
    assert not found, found
