"""The permission matrix through the pages and the API of SØM, evidence and outcomes.

Same specification (`EXPECTED` in test_permission_matrix.py), same cells: for every role, an object of the
user's own side and one of the other side, requested over HTTP. Allowed means the page or answer is served;
denied means 403 or 404 and nothing shown.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from susi.accounts import permissions
from susi.accounts.models import Role, User
from susi.evidence.models import PracticeAssessment
from susi.outcomes.models import Citizen, Enrolment
from susi.outcomes.pseudonyms import pseudonym_for
from susi.som.models import Calculation, TargetGroup
from tests.accounts.test_permission_matrix import EXPECTED, ROLES
from tests.som.test_calculator import form_post

ALLOWED, DENIED = {200, 201, 302}, {403, 404}
OWN_CPR, OTHER_CPR = "0101304123", "0202314234"  # synthetic: born 2030/2031, century digit 4


@pytest.fixture
def objects(world):
    """One object of each kind on each side, made through the apps' own pages and models."""
    from susi.som import demo

    demo._load_knowledge(lambda line: None)
    other_user = User.objects.create_user(
        "other-municipality",
        password="x-password-123",
        role=Role.MUNICIPALITY,
        organisation=world.other_municipality,
    )
    from django.test import Client

    maker = Client()
    maker.force_login(world.users[Role.MUNICIPALITY])
    assert maker.post("/som/beregn/", form_post(maker, **{"draws": "200"})).status_code == 302
    template = Calculation.objects.get()

    def calculation_for(organisation):
        clone = Calculation.objects.get(pk=template.pk)
        clone.pk = None
        clone.owner = other_user if organisation != world.own_municipality else world.users[Role.MUNICIPALITY]
        clone.organisation = organisation
        clone.save()
        return clone

    def practice_for(municipality, user):
        return PracticeAssessment.objects.create(
            organisation=municipality,
            practice_name=f"Praksis i {municipality.name}",
            answers={},
            created_by=user,
        )

    def enrolment_for(cpr, initiative, municipality):
        citizen = Citizen.objects.create(pseudonym=pseudonym_for(cpr, initiative))
        return Enrolment.objects.create(
            citizen=citizen,
            initiative=initiative,
            municipality=municipality,
            arm="intervention",
            start=date(2025, 1, 1),
        )

    def target_group_for(organisation):
        key = organisation.pk if organisation else "national"
        return TargetGroup.objects.get_or_create(
            code=f"tg-{key}", defaults={"name": f"Målgruppe {key}", "organisation": organisation}
        )[0]

    def own_organisation(role):
        return world.users[role].organisation or world.own_municipality

    return {
        "target_group": {role: target_group_for(world.users[role].organisation) for role in ROLES},
        "other_target_group": target_group_for(world.other_municipality),
        "own_practice": {
            role: PracticeAssessment.objects.get_or_create(
                organisation=own_organisation(role),
                practice_name=f"Egen praksis {own_organisation(role).pk}",
                defaults={"answers": {}, "created_by": world.users[role]},
            )[0]
            for role in ROLES
        },
        "calculation": {role: calculation_for(world.users[role].organisation) for role in ROLES},
        "other_calculation": calculation_for(world.other_municipality),
        "shared_calculation": _shared(calculation_for(world.other_municipality)),
        "evaluation": (_evaluation(world.own_initiative), _evaluation(world.other_initiative)),
        "practice": (
            practice_for(world.own_municipality, world.users[Role.MUNICIPALITY]),
            practice_for(world.other_municipality, other_user),
        ),
        "enrolment": (
            enrolment_for(OWN_CPR, world.own_initiative, world.own_municipality),
            enrolment_for(OTHER_CPR, world.other_initiative, world.other_municipality),
        ),
    }


def _shared(calculation):
    calculation.shared = True
    calculation.save(update_fields=["shared"])
    return calculation


def _evaluation(initiative):
    from susi.outcomes.models import EffectEvaluation, Instrument, Occasion

    instrument, _ = Instrument.objects.get_or_create(code="trivsel", defaults={"name": "Trivsel"})
    occasion, _ = Occasion.objects.get_or_create(number=1)
    return EffectEvaluation.objects.create(
        initiative=initiative,
        instrument=instrument,
        occasion=occasion,
        method="rct_means",
        estimate=1.0,
        ci_low=0.0,
        ci_high=2.0,
        n_treated=50,
        n_control=50,
        effect_size=1.0,
        effect_size_se=0.5,
        effect_size_kind="MD",
    )


# action → the requests (method, path) that exercise it on one side's objects (see `_requests`)
PROBES = {
    "som.view_knowledge": lambda o: [("get", "/som/viden/"), ("get", "/api/som/version")],
    "som.edit_knowledge": lambda o: [("get", "/som/viden/import/")],
    "som.calculate": lambda o: [("get", f"/som/beregn/?initiative={o.initiative.pk}")],
    "som.view_calculation": lambda o: [
        ("get", f"/som/beregning/{o.calculation.pk}/json/"),
        ("get", f"/api/som/calculations/{o.calculation.pk}"),
    ],
    "som.change_calculation": lambda o: [("get", f"/som/beregning/{o.calculation.pk}/ret/")],
    "som.view_target_group": lambda o: [("get", f"/som/beregn/?target_group={o.target_group.code}")],
    "som.view_knowledge_row": lambda o: [("get", f"/som/beregn/?target_group={o.target_group.code}")],
    "evidence.view_practice": lambda o: [("get", f"/evidens/lovende-praksis/{o.readable_practice.pk}/")],
    "evidence.view": lambda o: [("get", "/evidens/"), ("get", "/api/evidence/studies")],
    "evidence.edit_studies": lambda o: [("get", "/evidens/studier/ny/")],
    "evidence.run_meta": lambda o: [("get", "/evidens/metaanalyse/")],
    "evidence.fill_practice": lambda o: [("get", f"/evidens/lovende-praksis/{o.practice.pk}/rediger/")],
    "outcomes.import": lambda o: [("post", f"/udfald/initiativ/{o.initiative.pk}/upload/")],
    "outcomes.view_citizens": lambda o: [
        ("get", f"/udfald/forloeb/{o.enrolment.pk}/"),
        ("get", f"/api/outcomes/enrolments/{o.enrolment.pk}"),
    ],
    "outcomes.view_aggregates": lambda o: [
        ("get", f"/udfald/initiativ/{o.initiative.pk}/"),
        ("get", f"/api/outcomes/initiatives/{o.initiative.pk}/summary"),
    ],
    "outcomes.list_citizens": lambda o: [("get", f"/udfald/initiativ/{o.initiative.pk}/borgere/")],
    "outcomes.save_estimate": lambda o: [("post", f"/udfald/initiativ/{o.initiative.pk}/estimat/gem/")],
    "outcomes.citizen_rights": lambda o: [("get", "/udfald/borgerrettigheder/")],
    # dissemination: readiness check and expected results
    "dissemination.view_pack": lambda o: [
        ("get", f"/udbredelse/initiativer/{o.initiative.pk}/forventede-resultater/")
    ],
    "dissemination.answer_readiness": lambda o: [
        ("post", f"/udbredelse/initiativer/{o.initiative.pk}/parathed/")
    ],
    "dissemination.define_readiness": lambda o: [
        ("get", f"/udbredelse/indsatser/{o.initiative.intervention_id}/parathedstjek/")
    ],
    # knowledge pages: calculations are marked public on the publication page (knowledge app's matrix: its tests)
    "som.make_public": lambda o: [("get", f"/ny-viden/offentliggoerelse/{o.initiative.intervention_id}/")],
    # --- the evidence chain and shared SØM calculations (issue 14) ---
    "som.view_shared_calculation": lambda o: (
        [("get", f"/som/beregning/{o.shared_calculation.pk}/")] if o.shared_calculation else []
    ),
    "som.share_calculation": lambda o: [("post", f"/som/beregning/{o.calculation.pk}/del/")],
    "evidence.add_evaluation": lambda o: [("post", f"/evidens/fra-evaluering/{o.evaluation.pk}/")],
}


def _requests(client, world, objects, action, role, side):
    """The HTTP requests that exercise `action` on the own (side=0) or other (side=1) object."""
    own = side == 0
    side_objects = SimpleNamespace(
        initiative=(world.own_initiative, world.other_initiative)[side],
        calculation=objects["calculation"][role] if own else objects["other_calculation"],
        target_group=objects["target_group"][role] if own else objects["other_target_group"],
        readable_practice=objects["own_practice"][role] if own else objects["practice"][1],
        practice=objects["practice"][side],
        enrolment=objects["enrolment"][side],
        shared_calculation=objects["shared_calculation"] if own else None,
        evaluation=objects["evaluation"][side],
    )
    return [
        client.get(path) if method == "get" else client.post(path, {})
        for method, path in PROBES[action](side_objects)
    ]


# choosing the organisation is a field of the practice form, not a request of its own
HTTP_ACTIONS = [
    a
    for a in EXPECTED
    if a.split(".")[0] in {"som", "evidence"} and a != "evidence.choose_practice_organisation"
] + [
    "outcomes.import",
    "outcomes.view_citizens",
    "outcomes.list_citizens",
    "outcomes.view_aggregates",
    "outcomes.save_estimate",
    "outcomes.citizen_rights",
    "dissemination.view_pack",
    "dissemination.answer_readiness",
    "dissemination.define_readiness",
]


@pytest.mark.parametrize("action", HTTP_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_app_pages_and_api_follow_the_matrix(client, world, objects, action, role):
    client.force_login(world.users[role])
    for side in (0, 1):
        expected = EXPECTED[action][role][side]
        for response in _requests(client, world, objects, action, role, side):
            status = response.status_code
            assert status in ALLOWED | DENIED, (role, action, side, status)
            assert (status in ALLOWED) is expected, (
                role,
                action,
                side,
                response.request["PATH_INFO"],
                status,
            )


@pytest.mark.parametrize("action", ["outcomes.export_citizen", "outcomes.erase_citizen"])
@pytest.mark.parametrize("role", ROLES)
def test_citizen_rights_follow_the_matrix(client, world, objects, action, role):
    """Export (and, with the same rule, erasure) of one citizen's data, looked up by CPR number."""
    client.force_login(world.users[role])
    for side, cpr in ((0, OWN_CPR), (1, OTHER_CPR)):
        expected = EXPECTED[action][role][side]
        if action == "outcomes.export_citizen":
            response = client.post("/udfald/borgerrettigheder/", {"cpr": cpr, "action": "export"})
            served = response.status_code == 200 and response["Content-Type"].startswith("application/json")
            assert served is expected, (role, side, response.status_code)
        else:
            before = Enrolment.objects.filter(pk=objects["enrolment"][side].pk).exists()
            client.post("/udfald/borgerrettigheder/", {"cpr": cpr, "action": "erase", "confirm": "yes"})
            erased = before and not Enrolment.objects.filter(pk=objects["enrolment"][side].pk).exists()
            assert erased is expected, (role, side)


# --- each rule and its queryset twin agree ---------------------------------------------------------------


# The application rounds' twins are checked against their rules in tests/rounds/test_rounds_matrix.py (its world
# has rounds, applications and grants).
# The proposals' twin likewise in tests/proposals/test_proposals.py (its world has proposals of two foundations),
# and the knowledge app's twins in tests/knowledge/test_permissions.py (its world has involvement and notes).
APP_TWINS = sorted(a for a in permissions.TWINS if not a.startswith(("rounds.", "proposals.", "knowledge.")))


def test_every_twin_answers_for_a_rule():
    assert set(APP_TWINS) <= set(EXPECTED)
    assert set(permissions.TWINS) == {
        "portfolio.view_initiative",
        "outcomes.view_aggregates",
        "outcomes.view_citizens",
        "som.view_calculation",
        "som.view_target_group",
        "evidence.view_practice",
        "som.view_shared_calculation",
        "rounds.view_round",
        "rounds.view_application",
        "rounds.view_grant",
        "dissemination.view_pack",
        "proposals.view_proposal",
        "knowledge.view_involvement",
        "knowledge.view_note",
    }


@pytest.mark.parametrize("action", APP_TWINS)
@pytest.mark.parametrize("role", [*ROLES, "anonymous", "inactive", "no_organisation"])
def test_each_rule_agrees_with_its_queryset_twin(world, objects, action, role):
    """For every object of the twin's model in the fixture world: in the queryset ⇔ the rule says yes."""
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
    model = twin(user).model
    everything = list(model.objects.all())
    assert len(everything) >= 2, action
    allowed = set(twin(user).values_list("pk", flat=True))
    for obj in everything:
        assert (obj.pk in allowed) is permissions.can(user, action, obj), (role, action, obj)
    assert twin(user).count() == len(allowed), "a twin returns each object once"
