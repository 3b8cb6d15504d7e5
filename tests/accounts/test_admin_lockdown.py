"""Django admin, tried as an administrator who wants more than it should have: no citizen-level access by one
save, no citizen-level data on any admin page, no hand-made phase, track or status, and recorded gate decisions
that cannot be changed or deleted. Everything goes through the admin's own pages."""

import datetime as dt

import pytest
from django.contrib import admin
from django.utils import timezone
from typer.testing import CliRunner

from susi.accounts import permissions
from susi.accounts.models import Role, User
from susi.cli import app as cli
from susi.outcomes.models import AccessLog
from susi.portfolio.models import GateDecision, Initiative
from tests.accounts.test_permission_matrix import EXPECTED, ROLES

REFUSED = "data på borgerniveau"


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users[Role.ADMIN])
    return client


def _user_form(user: User, **changes) -> dict:
    """The change form as the browser posts it, with `changes` applied."""
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "role": user.role,
        "organisation": user.organisation_id or "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _change(client, user, **changes):
    return client.post(f"/admin/accounts/user/{user.pk}/change/", _user_form(user, **changes))


def _snapshot(user):
    user.refresh_from_db()
    return (user.role, user.organisation_id, user.is_active)


def test_the_citizen_level_roles_are_the_roles_the_matrix_gives_citizen_data():
    from_matrix = {
        role for role in ROLES for action in permissions.CITIZEN_LEVEL_ACTIONS if any(EXPECTED[action][role])
    }
    assert from_matrix == set(permissions.CITIZEN_LEVEL_ROLES)


@pytest.mark.parametrize("role", [Role.MUNICIPALITY, Role.EVALUATOR])
def test_an_administrator_cannot_give_itself_a_citizen_level_role(admin_client, world, role):
    me = world.users[Role.ADMIN]
    org = world.own_municipality if role == Role.MUNICIPALITY else world.evaluator_org
    me.role = Role.STEERING  # even an administrator first demoted to steering
    me.save()
    before = _snapshot(me)
    response = _change(admin_client, me, role=role, organisation=org.pk)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert _snapshot(me) == before


def test_no_one_is_made_administrator_in_the_admin(admin_client, world):
    steering = world.users[Role.STEERING]
    before = _snapshot(steering)
    response = _change(admin_client, steering, role=Role.ADMIN)
    assert REFUSED in response.content.decode()
    assert _snapshot(steering) == before


def test_a_municipality_user_is_not_moved_to_another_municipality(admin_client, world):
    user = world.users[Role.MUNICIPALITY]
    before = _snapshot(user)
    response = _change(admin_client, user, organisation=world.other_municipality.pk)
    assert REFUSED in response.content.decode()
    assert _snapshot(user) == before


def test_a_deactivated_evaluator_is_not_reactivated_but_deactivating_and_harmless_edits_work(
    admin_client, world
):
    user = world.users[Role.EVALUATOR]
    response = _change(admin_client, user, is_active="", first_name="Ny")
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active and user.first_name == "Ny"
    response = _change(admin_client, user, is_active="on")
    assert REFUSED in response.content.decode()
    assert _snapshot(user)[2] is False


def test_no_citizen_level_account_is_created_in_the_admin(admin_client, world):
    data = {
        "username": "ny-kommunebruger",
        "password1": "Et-langt-kodeord-2026",
        "password2": "Et-langt-kodeord-2026",
        "usable_password": "true",
        "role": Role.MUNICIPALITY,
        "organisation": world.own_municipality.pk,
    }
    response = admin_client.post("/admin/accounts/user/add/", data)
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert not User.objects.filter(username="ny-kommunebruger").exists()
    data.update(username="ny-styregruppe", role=Role.STEERING)
    data.pop("organisation")
    assert admin_client.post("/admin/accounts/user/add/", data).status_code == 302
    assert User.objects.get(username="ny-styregruppe").role == Role.STEERING


def test_the_operator_grants_citizen_level_roles_on_the_server(world):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["users", "grant", "ny-evaluator", "--role", "evaluator", "--organisation", "VIVE", "--create"]
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="ny-evaluator")
    assert (user.role, user.organisation, user.has_usable_password()) == (
        Role.EVALUATOR,
        world.evaluator_org,
        False,
    )
    assert user.history.first().history_change_reason == "susi users grant"
    mismatch = runner.invoke(
        cli, ["users", "grant", "ny-evaluator", "--role", "municipality", "--organisation", "VIVE"]
    )
    assert mismatch.exit_code == 2 and "kræver en organisation" in mismatch.output
    assert User.objects.get(username="ny-evaluator").role == Role.EVALUATOR
    unknown = runner.invoke(cli, ["users", "grant", "findes-ikke", "--role", "steering"])
    assert unknown.exit_code == 2 and "--create" in unknown.output


def test_no_citizen_level_model_is_in_the_admin_and_the_access_log_lists_no_citizens(admin_client, world):
    from susi.outcomes.models import Citizen, Enrolment, Measurement

    registered = set(admin.site._registry)
    for model in (Citizen, Enrolment, Measurement):
        assert model not in registered
    for model in registered:
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) is not Citizen, (model, field)
    entry = AccessLog.objects.create(
        username="kommune",
        action="view",
        what="Forløb",
        citizen_ids=["pseudonym-abcdef123456"],
        citizen_count=1,
    )
    page = admin_client.get(f"/admin/outcomes/accesslog/{entry.pk}/change/")
    assert page.status_code == 200
    assert "pseudonym-abcdef123456" not in page.content.decode()
    assert (
        admin_client.post(f"/admin/outcomes/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def _initiative_form(initiative: Initiative, **changes) -> dict:
    data = {
        "intervention": initiative.intervention_id,
        "title": initiative.title,
        "summary": initiative.summary,
        "programme": initiative.programme,
        "area": initiative.area,
        "start_date": initiative.start_date.isoformat(),
        "budget_dkk": "0",
        "municipalities": [m.pk for m in initiative.municipalities.all()],
        "evaluator": initiative.evaluator_id or "",
        "foundation": initiative.foundation_id or "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_phase_track_and_status_are_read_only_for_everyone(admin_client, world):
    initiative = world.own_initiative
    before = (initiative.phase, initiative.track, initiative.status)
    page = admin_client.get(f"/admin/portfolio/initiative/{initiative.pk}/change/").content.decode()
    for field in ("phase", "track", "status"):
        assert f'name="{field}"' not in page
    response = admin_client.post(
        f"/admin/portfolio/initiative/{initiative.pk}/change/",
        _initiative_form(initiative, title="Nyt navn", phase="dissemination", track="2", status="completed"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    initiative.refresh_from_db()
    assert initiative.title == "Nyt navn"
    assert (initiative.phase, initiative.track, initiative.status) == before
    assert admin_client.get("/admin/portfolio/initiative/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/portfolio/initiative/{initiative.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_an_old_version_cannot_be_restored_from_the_history(admin_client, world):
    initiative = world.own_initiative
    old = initiative.history.earliest()
    initiative.phase = "maturation"
    initiative.save()
    url = f"/admin/portfolio/initiative/{initiative.pk}/history/{old.history_id}/"
    assert admin_client.get(url).status_code == 200  # the history can be read
    response = admin_client.post(url, _initiative_form(initiative))
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.phase == "maturation"


@pytest.fixture
def recorded(world):
    return GateDecision.objects.create(
        initiative=world.own_initiative,
        phase=world.own_initiative.phase,
        track=world.own_initiative.track,
        state=GateDecision.State.RECORDED,
        outcome="stop",
        justification="Besluttet af styrelsen.",
        prepared_by=world.users[Role.AGENCY],
        decided_by=world.users[Role.AGENCY],
        decided_at=timezone.now() - dt.timedelta(days=1),
    )


def test_a_recorded_gate_decision_cannot_be_changed_or_deleted(admin_client, world, recorded):
    base = f"/admin/portfolio/gatedecision/{recorded.pk}"
    page = admin_client.get(f"{base}/change/")
    assert page.status_code == 200  # it can be looked at
    assert 'name="outcome"' not in page.content.decode()
    admin_client.post(f"{base}/change/", {"outcome": "continue", "justification": "Ændret", "state": "draft"})
    assert admin_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        "/admin/portfolio/gatedecision/",
        {"action": "delete_selected", "_selected_action": [recorded.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302, 403}
    old = recorded.history.earliest()
    assert admin_client.post(f"{base}/history/{old.history_id}/", {"outcome": "continue"}).status_code == 403
    assert admin_client.get("/admin/portfolio/gatedecision/add/").status_code == 403
    recorded.refresh_from_db()
    assert (recorded.outcome, recorded.justification, recorded.state) == (
        "stop",
        "Besluttet af styrelsen.",
        "recorded",
    )


def test_an_administrator_cannot_set_the_password_of_a_citizen_level_user(admin_client, world):
    user = world.users[Role.MUNICIPALITY]
    url = f"/admin/accounts/user/{user.pk}/password/"
    data = {"password1": "Admin-kender-det-2026", "password2": "Admin-kender-det-2026"}
    assert admin_client.post(url, data).status_code == 403
    user.refresh_from_db()
    assert not user.check_password("Admin-kender-det-2026")
    steering = world.users[Role.STEERING]
    url = f"/admin/accounts/user/{steering.pk}/password/"
    assert admin_client.post(url, {**data, "usable_password": "true"}).status_code == 302
    steering.refresh_from_db()
    assert steering.check_password("Admin-kender-det-2026")


def test_another_citizen_level_user_s_email_address_is_read_only(admin_client, world):
    user = world.users[Role.MUNICIPALITY]
    before = user.email
    response = _change(admin_client, user, email="admin@angriber.example", first_name="Navn")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == before and user.first_name == "Navn"
    me = world.users[Role.ADMIN]
    assert _change(admin_client, me, email="mig@styrelsen.example").status_code == 302
    me.refresh_from_db()
    assert me.email == "mig@styrelsen.example"


def test_the_evaluator_and_the_municipalities_of_an_initiative_are_read_only(admin_client, world):
    """They decide who reads the initiative's citizen-level data: one save in the admin must not change that."""
    initiative = world.own_initiative
    page = admin_client.get(f"/admin/portfolio/initiative/{initiative.pk}/change/").content.decode()
    assert 'name="evaluator"' not in page and 'name="municipalities"' not in page
    form = _initiative_form(initiative, title="Andet navn")
    form["evaluator"] = str(world.other_evaluator_org.pk)
    form["municipalities"] = [str(world.other_municipality.pk)]
    assert admin_client.post(f"/admin/portfolio/initiative/{initiative.pk}/change/", form).status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Andet navn"
    assert initiative.evaluator == world.evaluator_org
    assert list(initiative.municipalities.all()) == [world.own_municipality]
