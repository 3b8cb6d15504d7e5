"""Notifications: in-app and by email in the recipient's language; kinds a user turned off are not sent; the
gate decision, a submitted product and an opened prioritisation round notify the people concerned."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from susi.accounts.models import Role
from susi.engines import phases
from susi.engines.text import Text
from susi.notifications import selectors, services
from susi.notifications.models import Kind, Notification, Preference
from susi.portfolio import services as portfolio_services
from susi.portfolio.models import Product
from tests.factories import UserFactory

TEXT = Text("Der er nyt om dit forslag.", "There is news about your proposal.")


@pytest.fixture
def people(world):
    world.users[Role.MUNICIPALITY].email = "karen@example.dk"
    world.users[Role.MUNICIPALITY].save()
    english = UserFactory(
        username="english", role=Role.FOUNDATION, organisation=world.foundation_org, email="en@example.org"
    )
    Preference.objects.create(user=english, language="en")
    return world.users[Role.MUNICIPALITY], english


def test_notify_writes_in_app_and_emails_each_recipient_in_their_language(
    people, django_capture_on_commit_callbacks
):
    danish, english = people
    with django_capture_on_commit_callbacks(execute=True):
        written = services.notify([danish, english, danish], Kind.PROPOSAL_STATUS, TEXT, "/forslag/1/")
    assert len(written) == 2  # each user once
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "Der er nyt om dit forslag." in by_address["karen@example.dk"].body
    assert "There is news about your proposal." in by_address["en@example.org"].body
    assert by_address["en@example.org"].subject == "SUSI: There is news about your proposal."


def test_a_kind_turned_off_is_neither_listed_nor_emailed(people, django_capture_on_commit_callbacks):
    danish, english = people
    services.save_preference(danish, muted_kinds=[Kind.PROPOSAL_STATUS], language="da")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([danish, english], Kind.PROPOSAL_STATUS, TEXT)
        services.notify([danish], Kind.PHASE_OVERDUE, TEXT)
    assert list(Notification.objects.filter(user=danish).values_list("kind", flat=True)) == [
        Kind.PHASE_OVERDUE
    ]
    assert [m.to for m in mail.outbox].count(["karen@example.dk"]) == 1


def test_nothing_is_emailed_when_the_transaction_is_rolled_back(people):
    from django.db import transaction

    danish, _ = people
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify([danish], Kind.PROPOSAL_STATUS, TEXT)
        raise RuntimeError
    assert not mail.outbox and not Notification.objects.exists()


def test_unknown_kinds_and_languages_are_refused(people):
    from susi.web.api_errors import DomainError

    with pytest.raises(DomainError):
        services.save_preference(people[0], muted_kinds=["nonsense"], language="da")
    with pytest.raises(DomainError):
        services.save_preference(people[0], muted_kinds=[], language="fr")
    with pytest.raises(ValueError):
        services.notify([people[0]], "nonsense", TEXT)


def test_the_list_page_the_unread_count_and_marking_read(client, people):
    danish, english = people
    services.notify([danish], Kind.PROPOSAL_STATUS, TEXT, "/")
    other = services.notify([english], Kind.PROPOSAL_STATUS, TEXT)[0]
    client.force_login(danish)
    page = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in page and ">1</span>" in page
    listing = client.get("/notifikationer/").content.decode()
    assert "Der er nyt om dit forslag." in listing
    mine = Notification.objects.get(user=danish)
    assert client.post(f"/notifikationer/{mine.pk}/laest/").status_code == 302
    assert selectors.unread_count(danish) == 0
    # another user's notification cannot be read or marked
    assert client.post(f"/notifikationer/{other.pk}/laest/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_are_saved_from_the_page(client, people):
    danish, _ = people
    client.force_login(danish)
    kept = [k for k in Kind.values if k != Kind.PHASE_OVERDUE]
    assert (
        client.post("/notifikationer/", {"kinds": kept, "language": "en", "email": "on"}).status_code == 302
    )
    pref = Preference.objects.get(user=danish)
    assert (pref.muted_kinds, pref.language, pref.email) == ([Kind.PHASE_OVERDUE], "en", True)


def test_the_api_lists_only_the_users_own_notifications(client, people):
    danish, english = people
    services.notify([danish], Kind.PROPOSAL_STATUS, TEXT)
    services.notify([english], Kind.PHASE_OVERDUE, TEXT)
    client.force_login(english)
    items = client.get("/api/notifications").json()["items"]
    assert [(i["kind"], i["read"]) for i in items] == [(Kind.PHASE_OVERDUE, False)]
    mine = items[0]["id"]
    assert client.post(f"/api/notifications/{mine}/read").json()["read"] is True
    theirs = Notification.objects.get(user=danish).pk
    assert client.post(f"/api/notifications/{theirs}/read").status_code == 404


def test_a_gate_decision_notifies_the_initiatives_participants(
    world, people, django_capture_on_commit_callbacks
):
    danish, _ = people
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_services.record_gate_decision(
            world.users[Role.AGENCY],
            world.own_initiative,
            outcome="stop",
            justification="Ikke realistisk",
            assessments=[
                portfolio_services.AssessmentInput(criterion=c.value, rating="not_met", justification="Nej")
                for c in phases.Criterion
            ],
        )
    told = set(Notification.objects.filter(kind=Kind.GATE_DECISION).values_list("user__username", flat=True))
    assert told == {
        "municipality",
        "evaluator",
        "foundation",
        "provider",
        "english",  # a second user of the foundation
    }  # not the other initiative's people, not the agency user who decided
    assert (
        "Beslutning ved faseovergangen efter screening"
        in Notification.objects.filter(user=danish).get().text_da
    )
    assert any(m.to == ["karen@example.dk"] for m in mail.outbox)


def test_a_submitted_product_notifies_the_reviewer(world):
    initiative = world.own_initiative
    initiative.lead = world.users[Role.AGENCY]
    initiative.save()
    version = portfolio_services.upload_product_version(
        world.users[Role.MUNICIPALITY],
        initiative,
        kind="knowledge_report",
        title="Vidensrapport",
        file=SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport"),
    )
    product = Product.objects.get(pk=version.product_id)
    product.state = "draft"
    product.save()
    portfolio_services.set_product_state(world.users[Role.MUNICIPALITY], product, "submitted")
    (note,) = Notification.objects.filter(kind=Kind.PRODUCT_REVIEW)
    assert note.user == world.users[Role.AGENCY]
    assert note.url.endswith("#products")


def test_an_initiative_past_its_phases_typical_duration_is_reported_once_per_phase(world):
    import datetime as dt

    from typer.testing import CliRunner

    from susi.cli import app
    from susi.notifications.models import Notification
    from susi.portfolio.services import notify_overdue_phases

    initiative = world.own_initiative
    initiative.phase, initiative.phase_started_on = (
        "testing",
        dt.date(2019, 1, 1),
    )  # testing: typically 3-5 years
    initiative.lead = world.users["agency"]
    initiative.save()
    result = CliRunner().invoke(app, ["notifications", "overdue"])
    assert result.exit_code == 0, result.output
    url = reverse("portfolio:initiative", args=[initiative.pk])
    told = Notification.objects.filter(kind="phase_overdue", user=world.users["agency"], url=url)
    assert told.count() == 1 and "typisk varer fasen 3-5 år" in told.get().text_da
    assert notify_overdue_phases() == 0 and told.count() == 1  # a second run tells no one again
