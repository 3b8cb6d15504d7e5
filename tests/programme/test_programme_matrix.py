"""The permission matrix for programmes, prioritisation and notifications: every role × every action ×
own / other object, written out by hand; the rules, the pages and the API must agree with it."""

from types import SimpleNamespace

import pytest
from django.test import Client

from susi.accounts import permissions
from susi.accounts.models import Role
from susi.programme import services
from susi.programme.models import Candidate

A, M, E, F, S, AD = Role.AGENCY, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION, Role.STEERING, Role.ADMIN
P = Role.PROVIDER
ROLES = (A, M, E, F, S, AD, P)
T, X = True, False
NOBODY_BUT = lambda *roles: {r: ((T, T) if r in roles else (X, X)) for r in ROLES}  # noqa: E731

EXPECTED: dict[str, dict[str, tuple[bool, bool]]] = {
    "programme.view": NOBODY_BUT(A, S, AD),
    "programme.manage": NOBODY_BUT(A, AD),
    "programme.recommend": NOBODY_BUT(S),
    "programme.decide": NOBODY_BUT(A, AD),
    # own: the user's own notification; other: someone else's
    "notifications.view": {r: (T, X) for r in ROLES},
}


def objects_for(action, user):
    if action == "notifications.view":
        return SimpleNamespace(user_id=user.pk), SimpleNamespace(user_id=-1)
    return None, None


def test_matrix_covers_every_programme_and_notifications_action():
    assert set(EXPECTED) == {a for a in permissions.ACTIONS if a.startswith(("programme.", "notifications."))}
    for row in EXPECTED.values():
        assert set(row) == set(ROLES)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_rules_follow_the_matrix(world, action):
    for role in ROLES:
        user = world.users[role]
        own, other = objects_for(action, user)
        assert permissions.can(user, action, own) is EXPECTED[action][role][0], (role, action, "own")
        assert permissions.can(user, action, other) is EXPECTED[action][role][1], (role, action, "other")


def test_anonymous_and_inactive_users_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    inactive = world.users[A]
    inactive.is_active = False
    for action in EXPECTED:
        own, _ = objects_for(action, inactive)
        assert not permissions.can(AnonymousUser(), action, own), action
        assert not permissions.can(inactive, action, own), action


ALLOWED = {200, 201, 302, 422}  # 422: let through, then refused by the service with a message
DENIED = {403, 404}


@pytest.fixture
def candidate(world, year_2027):
    round_ = services.open_round(
        world.users[A],
        year_2027,
        title="Runde",
        candidates=[services.CandidateInput(kind=Candidate.Kind.NEXT_PHASE, initiative=world.own_initiative)],
    )
    return round_.candidates.get()


def _probes(client, action, candidate, world):
    round_id = candidate.round_id
    if action == "programme.view":
        return [
            client.get("/programmer/"),
            client.get("/programmer/uip_adults/"),
            client.get(f"/prioritering/{round_id}/"),
            client.get("/api/programmes"),
            client.get("/api/programmes/uip_adults"),
            client.get("/api/prioritisation-rounds"),
            client.get(f"/api/prioritisation-rounds/{round_id}"),
        ]
    if action == "programme.manage":
        return [
            client.get("/programmer/uip_adults/prioritering/ny/"),
            client.put(
                "/api/programmes/uip_adults/frames",
                {"year": 2027, "frame_dkk": 65_000_000},
                content_type="application/json",
            ),
            client.post(
                "/api/programmes/uip_adults/allocations",
                {"year": 2027, "initiative_id": world.own_initiative.pk, "amount_dkk": 0},
                content_type="application/json",
            ),
        ]
    if action == "programme.recommend":
        return [
            client.post(
                f"/api/prioritisation-candidates/{candidate.pk}/recommendations",
                {"recommends": True, "justification": ""},
                content_type="application/json",
            )
        ]
    if action == "programme.decide":
        return [
            client.post(
                f"/api/prioritisation-candidates/{candidate.pk}/decision",
                {"approved": True, "amount_dkk": 0},
                content_type="application/json",
            )
        ]
    return [client.get("/notifikationer/"), client.get("/api/notifications")]


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_pages_and_api_follow_the_matrix(world, candidate, action):
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        for response in _probes(client, action, candidate, world):
            code = response.status_code
            assert code in ALLOWED | DENIED, (role, action, response.request["PATH_INFO"], code)
            assert (code in ALLOWED) is EXPECTED[action][role][0], (
                role,
                action,
                response.request["PATH_INFO"],
                code,
            )


def test_the_menu_shows_programmes_only_to_those_who_may_see_them(client, world):
    for role in ROLES:
        client.force_login(world.users[role])
        page = client.get("/").content.decode()
        assert ('href="/programmer/"' in page) is EXPECTED["programme.view"][role][0], role
