"""Editing an initiative's details: through one service that never touches phase, track or status, with every
change in the history; phase, status and recorded decisions cannot be changed through the admin or the API."""

import datetime as dt

import pytest
from django.utils import timezone

from susi.accounts.models import Role
from susi.portfolio import services
from susi.portfolio.models import GateDecision, Initiative
from susi.rounds.models import Participation
from susi.web.api_errors import DomainError
from tests.accounts.test_admin_lockdown import _initiative_form
from tests.factories import MunicipalityFactory


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.ADMIN])
    return client


def _state(initiative: Initiative):
    initiative.refresh_from_db()
    return (initiative.phase, initiative.track, initiative.status, initiative.phase_started_on)


def test_an_edit_through_the_service_leaves_phase_and_history_intact(world):
    initiative = world.own_initiative
    initiative.phase = "maturation"
    initiative.save()
    before_state = _state(initiative)
    versions_before = list(initiative.history.values_list("history_id", "title", "phase"))
    copenhagen = MunicipalityFactory(name="København", code="101")
    services.edit_initiative(
        world.users[Role.AGENCY],
        initiative,
        title="Nyt navn",
        summary="Ny beskrivelse",
        end_date=dt.date(2029, 12, 31),
        evaluator=world.other_evaluator_org,
        municipalities=[world.own_municipality, copenhagen],
    )
    assert _state(initiative) == before_state
    assert initiative.title == "Nyt navn" and initiative.evaluator == world.other_evaluator_org
    history = list(initiative.history.order_by("history_id").values_list("history_id", "title", "phase"))
    assert history[: len(versions_before)] == sorted(versions_before)  # old versions untouched
    assert history[-1][1:] == ("Nyt navn", "maturation")
    assert any(title == "Eget initiativ" for _, title, _ in history)  # the old title is kept in the history
    # a municipality added outside a round takes part from today, in the current phase
    joined = Participation.objects.get(initiative=initiative, organisation=copenhagen)
    assert (joined.phase, joined.from_date, joined.to_date) == ("maturation", timezone.localdate(), None)


def test_removing_a_municipality_ends_its_participation(world):
    initiative = world.own_initiative
    Participation.objects.create(
        initiative=initiative,
        organisation=world.own_municipality,
        phase="screening",
        from_date=dt.date(2024, 1, 1),
    )
    services.edit_initiative(world.users[Role.AGENCY], initiative, municipalities=[])
    assert Participation.objects.get(organisation=world.own_municipality).to_date == timezone.localdate()
    assert not initiative.municipalities.exists()


@pytest.mark.parametrize(
    "field, value", [("phase", "dissemination"), ("status", "completed"), ("track", "track2")]
)
def test_the_service_refuses_phase_track_and_status_and_changes_nothing(world, db_snapshot, field, value):
    before = db_snapshot()
    with pytest.raises(DomainError, match="kun ved en faseovergang"):
        services.edit_initiative(world.users[Role.AGENCY], world.own_initiative, title="X", **{field: value})
    assert db_snapshot() == before


def test_bad_details_are_refused_and_nothing_changes(world, db_snapshot):
    agency = world.users[Role.AGENCY]
    before = db_snapshot()
    for changes in (
        {"title": "  "},
        {"end_date": dt.date(2000, 1, 1)},
        {"evaluator": world.own_municipality},
        {"lead": world.users[Role.MUNICIPALITY]},
    ):
        with pytest.raises(DomainError):
            services.edit_initiative(agency, world.own_initiative, **changes)
    assert db_snapshot() == before


def test_only_agency_staff_edit(world, client):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.edit_initiative(world.users[Role.STEERING], world.own_initiative, title="X")
    url = f"/initiativer/{world.own_initiative.pk}/rediger/"
    client.force_login(world.users[Role.MUNICIPALITY])
    assert client.get(url).status_code == 403
    client.force_login(world.users[Role.AGENCY])
    page = client.get(url).content.decode()
    assert 'name="title"' in page and 'name="phase"' not in page and 'name="status"' not in page


def test_the_edit_page_saves_through_the_service(world, client):
    initiative = world.own_initiative
    client.force_login(world.users[Role.AGENCY])
    response = client.post(
        f"/initiativer/{initiative.pk}/rediger/",
        {
            "title": "Retter titlen",
            "summary": "",
            "start_date": "2024-01-01",
            "municipalities": [world.own_municipality.pk],
            "evaluator": world.evaluator_org.pk,
            "foundation": world.foundation_org.pk,
            "phase": "dissemination",  # not a field of the form: ignored
            "status": "completed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _state(initiative)[:3] == ("screening", "track1", "active")
    assert initiative.title == "Retter titlen"


@pytest.fixture
def recorded(world):
    return GateDecision.objects.create(
        initiative=world.own_initiative,
        phase="screening",
        track="track1",
        state=GateDecision.State.RECORDED,
        outcome="stop",
        justification="Besluttet.",
        prepared_by=world.users[Role.AGENCY],
        decided_by=world.users[Role.AGENCY],
        decided_at=timezone.now(),
        sequence=1,
    )


def test_phase_status_and_a_recorded_decision_cannot_be_changed_through_the_admin(
    admin_client, world, recorded
):
    initiative = world.own_initiative
    before = _state(initiative)
    admin_client.post(
        f"/admin/portfolio/initiative/{initiative.pk}/change/",
        _initiative_form(initiative, phase="dissemination", status="completed", track="track2"),
    )
    assert _state(initiative) == before
    base = f"/admin/portfolio/gatedecision/{recorded.pk}"
    admin_client.post(f"{base}/change/", {"outcome": "continue", "to_phase": "maturation", "state": "draft"})
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.state, recorded.justification) == ("stop", "recorded", "Besluttet.")


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_phase_status_and_a_recorded_decision_cannot_be_changed_through_the_api(
    client, world, recorded, method
):
    initiative = world.own_initiative
    before = _state(initiative)
    client.force_login(world.users[Role.ADMIN])
    body = {"phase": "dissemination", "status": "completed", "outcome": "continue"}
    for url in (
        f"/api/initiatives/{initiative.pk}",
        f"/api/initiatives/{initiative.pk}/gate-decisions",
        f"/api/initiatives/{initiative.pk}/gate-decisions/{recorded.pk}",
    ):
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code in {404, 405}, (url, response.status_code)
    assert _state(initiative) == before
    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.state) == ("stop", "recorded")


def test_a_recorded_prioritisation_decision_cannot_be_changed_or_deleted_in_the_admin(admin_client, world):
    from susi.programme import services as programme_services
    from susi.programme.models import Candidate, Decision, Programme

    agency = world.users[Role.AGENCY]
    year = programme_services.set_frame(
        agency, Programme.objects.create(code="uip_adults"), year=2027, frame_dkk=10
    )
    round_ = programme_services.open_round(
        agency,
        year,
        title="R",
        candidates=[programme_services.CandidateInput(kind="new_screening", title="S")],
    )
    decision = programme_services.record_decision(agency, round_.candidates.get(), approved=False)
    base = f"/admin/programme/decision/{decision.pk}"
    assert admin_client.get(f"{base}/change/").status_code == 200
    admin_client.post(f"{base}/change/", {"approved": "on", "amount_dkk": "10"})
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    decision.refresh_from_db()
    assert (decision.approved, decision.amount_dkk) == (False, 0)
    assert Candidate.objects.count() == Decision.objects.count() == 1
