"""The knowledge app's rules through its pages and API, and its queryset twins against their rules."""

import pytest

from susi.accounts import permissions
from susi.accounts.models import Role, User
from susi.knowledge import services
from tests.accounts.test_permission_matrix import EXPECTED, ROLES
from tests.knowledge.conftest import ACTIVITY

ALLOWED, DENIED = {200, 201, 302}, {403, 404}


@pytest.fixture
def both_sides(world):
    from susi.portfolio.models import GateDecision

    agency = world.users["agency"]
    made = {}
    for side, initiative in ((0, world.own_initiative), (1, world.other_initiative)):
        activity = services.record_involvement(agency, initiative, dict(ACTIVITY))
        decision = GateDecision.objects.create(
            initiative=initiative,
            phase="screening",
            track="track1",
            state="recorded",
            outcome="continue",
            prepared_by=agency,
            sequence=1,
        )
        note = services.record_knowledge_note(agency, decision, services.FastTrack(False))
        made[side] = {"initiative": initiative, "activity": activity, "note": note}
    return made


def _requests(client, action, target):
    pk = target["initiative"].pk
    if action == "knowledge.view_involvement":
        return [
            client.get(f"/initiativer/{pk}/inddragelse/"),
            client.get(f"/api/knowledge/initiatives/{pk}/involvement"),
        ]
    if action == "knowledge.record_involvement":
        return [
            client.get(f"/initiativer/{pk}/inddragelse/ny/"),
            client.get(f"/initiativer/{pk}/inddragelse/{target['activity'].pk}/"),
        ]
    if action == "knowledge.record_side_effect":
        return [client.get(f"/initiativer/{pk}/bivirkninger/ny/")]
    if action == "knowledge.publish":
        intervention = target["initiative"].intervention_id
        return [
            client.get("/ny-viden/offentliggoerelse/"),
            client.get(f"/ny-viden/offentliggoerelse/{intervention}/"),
        ]
    return []


@pytest.mark.parametrize(
    "action",
    [
        "knowledge.view_involvement",
        "knowledge.record_involvement",
        "knowledge.record_side_effect",
        "knowledge.publish",
    ],
)
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_api_follow_the_matrix(client, world, both_sides, action, role):
    client.force_login(world.users[role])
    for side in (0, 1):
        expected = EXPECTED[action][role][side]
        for response in _requests(client, action, both_sides[side]):
            assert response.status_code in ALLOWED | DENIED, (role, action, side, response.status_code)
            assert (response.status_code in ALLOWED) is expected, (
                role,
                action,
                side,
                response.request["PATH_INFO"],
            )


@pytest.mark.parametrize("role", ROLES)
def test_notes_list_and_api_show_only_visible_initiatives(client, world, both_sides, role):
    client.force_login(world.users[role])
    ids = {n["id"] for n in client.get("/api/knowledge/notes").json()["items"]}
    for side in (0, 1):
        note = both_sides[side]["note"]
        assert (note.pk in ids) is EXPECTED["knowledge.view_note"][role][side], (role, side)


@pytest.mark.parametrize("action", ["knowledge.view_involvement", "knowledge.view_note"])
@pytest.mark.parametrize("role", [*ROLES, "anonymous", "inactive", "no_organisation"])
def test_each_rule_agrees_with_its_queryset_twin(world, both_sides, action, role):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        user = AnonymousUser()
    elif role == "inactive":
        user = world.users[Role.MUNICIPALITY]
        user.is_active = False
    elif role == "no_organisation":
        user = User.objects.create_user("lost", password="x-password-123", role=Role.MUNICIPALITY)
    else:
        user = world.users[role]
    twin = permissions.TWINS[action]
    everything = list(twin(world.users[Role.AGENCY]).model.objects.all())
    assert len(everything) >= 2
    allowed = set(twin(user).values_list("pk", flat=True))
    for obj in everything:
        assert (obj.pk in allowed) is permissions.can(user, action, obj), (role, action, obj)
    assert twin(user).count() == len(allowed)
