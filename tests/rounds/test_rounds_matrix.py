"""The permission matrix for application rounds: every role × every rounds action × own / other organisation,
written out by hand; the rules, their queryset twins, the pages and the API must all agree with it."""

from decimal import Decimal

import pytest
from django.test import Client

from susi.accounts import permissions
from susi.accounts.models import Role
from susi.rounds import services
from susi.rounds.models import Grant, Round

from .conftest import close, fill_and_submit

A, M, E, F, S, AD = Role.AGENCY, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION, Role.STEERING, Role.ADMIN
P = Role.PROVIDER
ROLES = (A, M, E, F, S, AD, P)
T, X = True, False
EVERYONE = {r: (T, T) for r in ROLES}
AGENCY_ONLY = {r: ((T, T) if r in (A, AD) else (X, X)) for r in ROLES}
# the provider's own organisation has no application among the objects (both are municipalities')
OWN_OR_ALL = {A: (T, T), M: (T, X), E: (X, X), F: (X, X), S: (T, T), AD: (T, T), P: (X, X)}

EXPECTED: dict[str, dict[str, tuple[bool, bool]]] = {
    "rounds.view_round": EVERYONE,
    "rounds.announce": AGENCY_ONLY,
    "rounds.apply": {A: (X, X), M: (T, X), E: (X, X), F: (X, X), S: (X, X), AD: (X, X), P: (X, X)},
    "rounds.view_application": OWN_OR_ALL,
    "rounds.screen": AGENCY_ONLY,
    # own: a round the user reviews; other: a round without reviewers
    "rounds.review": {A: (T, X), M: (X, X), E: (X, X), F: (X, X), S: (T, X), AD: (X, X), P: (X, X)},
    "rounds.decide": AGENCY_ONLY,
    "rounds.view_grant": OWN_OR_ALL,
    "rounds.record_offer": AGENCY_ONLY,
}


@pytest.fixture
def objects(world, open_round, other_municipality_user):
    """Applications (and grants) from Aarhus (own) and Odense (other); a second round nobody reviews."""
    own = fill_and_submit(world.users[M], open_round)
    other = fill_and_submit(other_municipality_user, open_round)
    unreviewed = Round.objects.get(pk=open_round.pk)
    unreviewed.pk = None
    unreviewed.title = "Uden bedømmere"
    unreviewed.save()
    close(world, open_round)
    agency = world.users[A]
    grants = []
    for application in (own, other):
        services.screen_application(agency, application, screened_in=True, reason="ok")
        services.determine(
            agency, application, accept=True, message="Velkommen", grant_amount=Decimal(100_000)
        )
        grants.append(Grant.objects.get(application=application))
    return {
        "round": (open_round, open_round),
        "application": (own, other),
        "review": (own, type("InOtherRound", (), {"round": unreviewed})()),
        "grant": tuple(grants),
    }


def objects_for(action, objects):
    if action in {"rounds.announce", "rounds.screen", "rounds.decide", "rounds.record_offer"}:
        return None, None
    if action == "rounds.view_round":
        return objects["round"]
    if action == "rounds.review":
        return objects["review"]
    if action == "rounds.view_grant":
        return objects["grant"]
    return objects["application"]


def test_matrix_covers_every_rounds_action():
    assert set(EXPECTED) == {a for a in permissions.ACTIONS if a.startswith("rounds.")}
    for row in EXPECTED.values():
        assert set(row) == set(ROLES)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_rules_follow_the_matrix(world, objects, action):
    for role in ROLES:
        user = world.users[role]
        own, other = objects_for(action, objects)
        expected_own, expected_other = EXPECTED[action][role]
        assert permissions.can(user, action, own) is expected_own, (role, action, "own")
        assert permissions.can(user, action, other) is expected_other, (role, action, "other")


def test_anonymous_may_do_nothing(world, objects):
    from django.contrib.auth.models import AnonymousUser

    for action in EXPECTED:
        own, _ = objects_for(action, objects)
        assert not permissions.can(AnonymousUser(), action, own), action


def test_queryset_twins_agree_with_their_rules(world, objects, open_round):
    draft = Round.objects.create(
        initiative=open_round.initiative,
        phase="maturation",
        title="Kladde",
        text="x",
        opens_at=open_round.opens_at,
        closes_at=open_round.closes_at,
    )
    candidates = {
        "rounds.view_round": [open_round, draft],
        "rounds.view_application": list(objects["application"]),
        "rounds.view_grant": list(objects["grant"]),
    }
    twins = [(permissions.TWINS[action], action, objs) for action, objs in candidates.items()]
    for role in ROLES:
        user = world.users[role]
        for twin, action, candidates in twins:
            visible = set(twin(user))
            for obj in candidates:
                assert (obj in visible) is permissions.can(user, action, obj), (role, action, obj)


ALLOWED = {200, 201, 302, 422}  # 422: allowed through, then refused by the workflow with a message
DENIED = {403, 404}


def _probes(client, action, obj):
    if action == "rounds.view_round":
        return [client.get(f"/runder/{obj.pk}/"), client.get(f"/api/rounds/{obj.pk}")]
    if action == "rounds.announce":
        payload = {
            "initiative_id": obj.initiative_id,
            "phase": "testing",
            "title": "Ny runde",
            "text": "Tekst",
            "opens_at": "2027-01-01T09:00:00+01:00",
            "closes_at": "2027-02-01T12:00:00+01:00",
            "criteria": [{"name": "Behov", "weight": 100}],
        }
        return [
            client.get("/runder/ny/"),
            client.post("/api/rounds", payload, content_type="application/json"),
        ]
    if action == "rounds.view_application":
        return [client.get(f"/ansoegninger/{obj.pk}/"), client.get(f"/api/applications/{obj.pk}")]
    if action == "rounds.screen":
        return [
            client.post(
                f"/api/applications/{obj.pk}/screening",
                {"screened_in": True, "reason": "x"},
                content_type="application/json",
            )
        ]
    if action == "rounds.decide":
        return [
            client.post(
                f"/api/applications/{obj.pk}/determination",
                {"accept": True, "message": "x"},
                content_type="application/json",
            )
        ]
    return []


@pytest.mark.parametrize("action", ["rounds.view_round", "rounds.announce", "rounds.view_application"])
def test_pages_and_api_follow_the_matrix(world, objects, action):
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        own, other = objects["round"] if action != "rounds.view_application" else objects["application"]
        for obj, expected in ((own, EXPECTED[action][role][0]), (other, EXPECTED[action][role][1])):
            for response in _probes(client, action, obj):
                assert response.status_code in ALLOWED | DENIED, (role, action, response.status_code)
                assert (response.status_code in ALLOWED) is expected, (role, action, response.status_code)


def test_apply_review_offers_and_grants_through_the_pages_and_the_api(world, objects, open_round):
    """The remaining actions through HTTP: applying (the own municipality's form), reviewing (the API),
    recording what a participant received (the offers page) and reading a grant (the application page)."""
    own_application, other_application = objects["application"]
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        page = client.get(f"/runder/{open_round.pk}/ansoeg/")
        # the round is closed now: an allowed applicant is sent on to its application, nobody else gets in
        assert (page.status_code in ALLOWED) is EXPECTED["rounds.apply"][role][0], (role, page.status_code)
        review = client.post(
            f"/api/applications/{own_application.pk}/reviews",
            {"scores": {}, "comment": ""},
            content_type="application/json",
        )
        # allowed reviewers reach the workflow (422: the application is decided); others are refused
        assert (review.status_code == 422) is EXPECTED["rounds.review"][role][0], (role, review.status_code)
        offers = client.post(
            f"/initiativer/{open_round.initiative_id}/tilbud/",
            {"organisation": world.own_municipality.pk, "offer": "som_course", "delivered_on": "2027-01-10"},
        )
        if EXPECTED["rounds.record_offer"][role][0]:
            assert offers.status_code == 302, (role, offers.status_code)
        else:
            assert offers.status_code in DENIED, (role, offers.status_code)
        for application, expected in zip(
            (own_application, other_application), EXPECTED["rounds.view_grant"][role], strict=True
        ):
            shown = client.get(f"/ansoegninger/{application.pk}/")
            assert ("100.000 kr." in shown.content.decode()) is expected, (role, shown.status_code)


@pytest.mark.parametrize("action", ["rounds.screen", "rounds.decide"])
def test_agency_actions_through_the_api(world, objects, action):
    """Agency staff reach the workflow (422: already decided); everyone else is refused; nothing changes."""
    own = objects["application"][0]
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        [response] = _probes(client, action, own)
        expected = EXPECTED[action][role][0]
        assert (response.status_code == 422) is expected, (role, action, response.status_code)
        if not expected:
            assert response.status_code in DENIED
        own.refresh_from_db()
        assert own.state == "accepted"
