"""The full permission matrix: every role × every action × own / other organisation.

EXPECTED is the specification, written out by hand; `permissions.RULES` must agree with it cell by cell, and
the HTTP probes below check the same cells through the pages and the JSON API.
"""

from types import SimpleNamespace

import pytest

from susi.accounts import permissions
from susi.accounts.models import Role

A, M, E, F, S, AD = Role.AGENCY, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION, Role.STEERING, Role.ADMIN
P = Role.PROVIDER
ROLES = (A, M, E, F, S, AD, P)

# action → role → (own, other). For actions without an object, own == other.
T, X = True, False
EVERYONE = {r: (T, T) for r in ROLES}
NOBODY_BUT = lambda *roles: {r: ((T, T) if r in roles else (X, X)) for r in ROLES}  # noqa: E731
VIEW_INITIATIVE = {A: (T, T), M: (T, X), E: (T, X), F: (T, X), S: (T, T), AD: (T, T), P: (T, X)}

EXPECTED: dict[str, dict[str, tuple[bool, bool]]] = {
    "portfolio.view_board": EVERYONE,
    "portfolio.view_initiative": VIEW_INITIATIVE,
    "portfolio.create_initiative": NOBODY_BUT(A, AD),
    "portfolio.edit_initiative": NOBODY_BUT(A, AD),
    "portfolio.create_intervention": NOBODY_BUT(A, AD, F),
    "portfolio.upload_product": {
        A: (T, T),
        M: (T, X),
        E: (T, X),
        F: (X, X),
        S: (X, X),
        AD: (T, T),
        P: (T, X),
    },
    "portfolio.download_product": VIEW_INITIATIVE,
    "portfolio.review_product": NOBODY_BUT(A, AD),
    "portfolio.prepare_gate": NOBODY_BUT(A, AD),
    "portfolio.record_gate": NOBODY_BUT(A, AD),
    "portfolio.recommend": NOBODY_BUT(S),
    "portfolio.lead_initiative": NOBODY_BUT(A),
    "portfolio.view_municipality": {
        A: (T, T),
        M: (T, X),
        E: (X, X),
        F: (X, X),
        S: (T, T),
        AD: (T, T),
        P: (X, X),
    },
    "som.view_knowledge": EVERYONE,
    # a municipality's own target groups, prices and sizes (national rows: everyone, see test_som_knowledge_scope)
    "som.view_knowledge_row": {A: (T, T), M: (T, X), E: (T, X), F: (T, X), S: (T, T), AD: (T, T), P: (T, X)},
    "som.edit_knowledge": NOBODY_BUT(A, AD),
    "som.calculate": VIEW_INITIATIVE,
    "som.view_calculation": {A: (T, T), M: (T, X), E: (T, X), F: (T, X), S: (T, T), AD: (T, T), P: (T, X)},
    "som.view_target_group": {A: (T, T), M: (T, X), E: (T, X), F: (T, X), S: (T, T), AD: (T, T), P: (T, X)},
    # Steering members belong to no organisation: they change only calculations they own themselves.
    "som.change_calculation": {A: (T, X), M: (T, X), E: (T, X), F: (T, X), S: (X, X), AD: (T, T), P: (T, X)},
    "evidence.view": EVERYONE,
    "evidence.edit_studies": NOBODY_BUT(A, E, AD),
    "evidence.run_meta": EVERYONE,
    "evidence.view_practice": {A: (T, T), M: (T, X), E: (T, T), F: (T, X), S: (T, T), AD: (T, T), P: (T, X)},
    "evidence.choose_practice_organisation": NOBODY_BUT(A, AD),
    "evidence.fill_practice": {A: (T, T), M: (T, X), E: (X, X), F: (X, X), S: (X, X), AD: (T, T), P: (X, X)},
    "outcomes.import": {A: (X, X), M: (T, X), E: (T, X), F: (X, X), S: (X, X), AD: (T, T), P: (X, X)},
    "outcomes.view_citizens": {A: (X, X), M: (T, X), E: (T, X), F: (X, X), S: (X, X), AD: (X, X), P: (X, X)},
    "outcomes.view_aggregates": {
        A: (T, T),
        M: (T, X),
        E: (T, X),
        F: (X, X),
        S: (T, T),
        AD: (T, T),
        P: (X, X),
    },
    "outcomes.list_citizens": {A: (X, X), M: (T, X), E: (T, X), F: (X, X), S: (X, X), AD: (X, X), P: (X, X)},
    "outcomes.save_estimate": {A: (T, T), M: (X, X), E: (T, X), F: (X, X), S: (X, X), AD: (T, T), P: (X, X)},
    "outcomes.citizen_rights": NOBODY_BUT(M, AD),
    "outcomes.export_citizen": {A: (X, X), M: (T, X), E: (X, X), F: (X, X), S: (X, X), AD: (T, T), P: (X, X)},
    "outcomes.erase_citizen": {A: (X, X), M: (T, X), E: (X, X), F: (X, X), S: (X, X), AD: (T, T), P: (X, X)},
    "accounts.manage_api_token": {r: (T, X) for r in ROLES},
    "jobs.view": {r: (T, X) for r in ROLES},
    # dissemination: readiness check and expected results (susi.dissemination)
    "dissemination.view_pack": {A: (T, T), M: (T, X), E: (X, X), F: (X, X), S: (T, T), AD: (T, T), P: (T, X)},
    "dissemination.answer_readiness": {
        A: (X, X),
        M: (T, X),
        E: (X, X),
        F: (X, X),
        S: (X, X),
        AD: (X, X),
        P: (T, X),
    },
    "dissemination.define_readiness": NOBODY_BUT(A, AD),
}


def objects_for(action: str, world, user):
    """(own, other) objects for an action, seen from `user`'s organisation."""
    kind = action.split(".")[1]
    if action in {
        "portfolio.view_board",
        "portfolio.create_initiative",
        "portfolio.create_intervention",
        "portfolio.lead_initiative",
        "som.view_knowledge",
        "som.edit_knowledge",
        "evidence.view",
        "evidence.edit_studies",
        "evidence.run_meta",
        "evidence.choose_practice_organisation",
        "outcomes.citizen_rights",
        "dissemination.define_readiness",
    }:
        return None, None
    if action == "accounts.manage_api_token":
        return SimpleNamespace(user_id=user.pk), SimpleNamespace(user_id=-1)
    if action == "portfolio.view_municipality":
        return world.own_municipality, world.other_municipality
    if action == "som.view_knowledge_row":
        own_org = user.organisation_id
        return (
            SimpleNamespace(organisation_id=own_org if own_org else -1),
            SimpleNamespace(organisation_id=world.other_municipality.pk),
        )
    if action in {
        "som.view_calculation",
        "som.change_calculation",
        "som.view_target_group",
        "evidence.view_practice",
    }:
        own_org = user.organisation_id
        return (
            SimpleNamespace(owner_id=None, organisation_id=own_org if own_org else -1),
            SimpleNamespace(owner_id=None, organisation_id=world.other_municipality.pk),
        )
    if action == "jobs.view":
        return SimpleNamespace(created_by_id=user.pk), SimpleNamespace(created_by_id=-1)
    if action == "evidence.fill_practice":
        return (
            SimpleNamespace(organisation_id=world.own_municipality.pk),
            SimpleNamespace(organisation_id=world.other_municipality.pk),
        )
    if kind in {"view_citizens", "export_citizen", "erase_citizen"}:
        return (
            SimpleNamespace(initiative=world.own_initiative, municipality_id=world.own_municipality.pk),
            SimpleNamespace(initiative=world.other_initiative, municipality_id=world.other_municipality.pk),
        )
    return world.own_initiative, world.other_initiative


def test_matrix_covers_every_action():
    # The application rounds' actions have their own matrix: tests/rounds/test_rounds_matrix.py.
    assert set(EXPECTED) == {a for a in permissions.ACTIONS if not a.startswith("rounds.")}
    for action, row in EXPECTED.items():
        assert set(row) == set(ROLES), action


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_rule(world, action, role):
    user = world.users[role]
    own, other = objects_for(action, world, user)
    expected_own, expected_other = EXPECTED[action][role]
    assert permissions.can(user, action, own) is expected_own, f"{role} {action} own"
    assert permissions.can(user, action, other) is expected_other, f"{role} {action} other"


def test_anonymous_and_inactive_users_may_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    inactive = world.users[A]
    inactive.is_active = False
    for action in EXPECTED:
        own, _ = objects_for(action, world, world.users[A])
        assert not permissions.can(AnonymousUser(), action, own)
        assert not permissions.can(inactive, action, own)


def test_unknown_action_is_a_programming_error(world):
    with pytest.raises(ValueError):
        permissions.can(world.users[A], "portfolio.fly")


def test_visible_initiatives_agrees_with_view_initiative(world):
    for role in ROLES:
        user = world.users[role]
        visible = set(permissions.visible_initiatives(user))
        for initiative in (world.own_initiative, world.other_initiative):
            assert (initiative in visible) is permissions.can(user, "portfolio.view_initiative", initiative)


# --- the same cells through the pages and the API --------------------------------------------------------

ALLOWED = {200, 201, 302}
DENIED = {403, 404}


def _product_version(initiative):
    """A stored product file of the initiative (made directly: the upload itself is tested elsewhere)."""
    from django.core.files.base import ContentFile

    from susi.portfolio.models import Product, ProductVersion

    product, _ = Product.objects.get_or_create(
        initiative=initiative, phase=initiative.phase, kind="knowledge_report", defaults={"title": "Rapport"}
    )
    version = product.versions.first()
    if version is None:
        version = ProductVersion(product=product, number=1, sha256="0" * 64, uploaded_by=_any_user())
        version.file.save("rapport.pdf", ContentFile(b"%PDF-1.4 fortroligt"), save=False)
        version.save()
    return version


def _any_user():
    from susi.accounts.models import User

    return User.objects.order_by("pk").first()


def _probe(client, world, action, initiative, municipality):
    pk = initiative.pk
    if action == "portfolio.view_initiative":
        return [client.get(f"/initiativer/{pk}/"), client.get(f"/api/initiatives/{pk}")]
    if action == "portfolio.prepare_gate":
        return [client.get(f"/initiativer/{pk}/faseovergang/")]
    if action == "portfolio.download_product":
        version = _product_version(initiative)
        return [client.get(f"/initiativer/{pk}/produkter/filer/{version.pk}/")]
    if action == "portfolio.record_gate":
        return [
            client.post(
                f"/api/initiatives/{pk}/gate-decisions",
                {"outcome": "stop", "justification": "x"},
                content_type="application/json",
            )
        ]
    if action == "portfolio.view_municipality":
        return [client.get(f"/kommuner/{municipality.code}/")]
    if action == "portfolio.create_initiative":
        return [client.get("/initiativer/nyt/")]
    if action == "portfolio.create_intervention":
        return [client.get("/indsatser/ny/")]
    if action == "portfolio.view_board":
        return [client.get("/"), client.get("/api/initiatives")]
    return None


HTTP_ACTIONS = [
    "portfolio.view_board",
    "portfolio.view_initiative",
    "portfolio.download_product",
    "portfolio.prepare_gate",
    "portfolio.view_municipality",
    "portfolio.create_initiative",
    "portfolio.create_intervention",
]


@pytest.mark.parametrize("action", HTTP_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_views_and_api_follow_the_matrix(client, world, action, role):
    client.force_login(world.users[role])
    for target, expected in (
        ((world.own_initiative, world.own_municipality), EXPECTED[action][role][0]),
        ((world.other_initiative, world.other_municipality), EXPECTED[action][role][1]),
    ):
        for response in _probe(client, world, action, *target):
            allowed = response.status_code in ALLOWED
            assert response.status_code in ALLOWED | DENIED, response.status_code
            assert allowed is expected, (role, action, response.request["PATH_INFO"], response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_record_gate_through_api_is_refused_for_everyone_but_agency_and_admin(client, world, role):
    """A permitted user reaches the engine (422: criteria unassessed); others get 403/404; nothing changes."""
    client.force_login(world.users[role])
    for initiative, expected in (
        (world.own_initiative, EXPECTED["portfolio.record_gate"][role][0]),
        (world.other_initiative, EXPECTED["portfolio.record_gate"][role][1]),
    ):
        response = _probe(client, world, "portfolio.record_gate", initiative, None)[0]
        assert response.status_code == (422 if expected else response.status_code)
        if not expected:
            assert response.status_code in DENIED
        initiative.refresh_from_db()
        assert initiative.status == "active"


def test_anonymous_is_sent_to_login_and_api_says_401(client, world):
    assert client.get("/").status_code == 302
    assert client.get(f"/api/initiatives/{world.own_initiative.pk}").status_code == 401
