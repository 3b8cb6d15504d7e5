"""The permission matrix through the pages and the API of SØM, evidence and outcomes.

Same specification (`EXPECTED` in test_permission_matrix.py), same cells: for every role, an object of the
user's own side and one of the other side, requested over HTTP. Allowed means the page or answer is served;
denied means 403 or 404 and nothing shown.
"""

from datetime import date

import pytest

from susi.accounts.models import Role, User
from susi.engines.evaluation.cpr import pseudonymise, validate_cpr
from susi.evidence.models import PracticeAssessment
from susi.outcomes.models import Citizen, Enrolment
from susi.outcomes.pseudonyms import get_key
from susi.som.models import Calculation
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
        citizen = Citizen.objects.create(pseudonym=pseudonymise(validate_cpr(cpr), get_key()))
        return Enrolment.objects.create(
            citizen=citizen,
            initiative=initiative,
            municipality=municipality,
            arm="intervention",
            start=date(2025, 1, 1),
        )

    return {
        "calculation": {role: calculation_for(world.users[role].organisation) for role in ROLES},
        "other_calculation": calculation_for(world.other_municipality),
        "practice": (
            practice_for(world.own_municipality, world.users[Role.MUNICIPALITY]),
            practice_for(world.other_municipality, other_user),
        ),
        "enrolment": (
            enrolment_for(OWN_CPR, world.own_initiative, world.own_municipality),
            enrolment_for(OTHER_CPR, world.other_initiative, world.other_municipality),
        ),
    }


def _requests(client, world, objects, action, role, side):
    """The HTTP requests that exercise `action` on the own (side=0) or other (side=1) object."""
    initiative = (world.own_initiative, world.other_initiative)[side]
    if action == "som.view_knowledge":
        return [client.get("/som/viden/"), client.get("/api/som/version")]
    if action == "som.edit_knowledge":
        return [client.get("/som/viden/import/")]
    if action == "som.calculate":
        return [client.get(f"/som/beregn/?initiative={initiative.pk}")]
    if action == "som.view_calculation":
        calc = objects["calculation"][role] if side == 0 else objects["other_calculation"]
        return [client.get(f"/som/beregning/{calc.pk}/json/"), client.get(f"/api/som/calculations/{calc.pk}")]
    if action == "som.change_calculation":
        calc = objects["calculation"][role] if side == 0 else objects["other_calculation"]
        return [client.get(f"/som/beregning/{calc.pk}/ret/")]
    if action == "evidence.view":
        return [client.get("/evidens/"), client.get("/api/evidence/studies")]
    if action == "evidence.edit_studies":
        return [client.get("/evidens/studier/ny/")]
    if action == "evidence.run_meta":
        return [client.get("/evidens/metaanalyse/")]
    if action == "evidence.fill_practice":
        return [client.get(f"/evidens/lovende-praksis/{objects['practice'][side].pk}/rediger/")]
    if action == "outcomes.import":
        return [client.post(f"/udfald/initiativ/{initiative.pk}/upload/", {})]
    if action == "outcomes.view_citizens":
        enrolment = objects["enrolment"][side]
        return [
            client.get(f"/udfald/forloeb/{enrolment.pk}/"),
            client.get(f"/api/outcomes/enrolments/{enrolment.pk}"),
        ]
    if action == "outcomes.view_aggregates":
        return [
            client.get(f"/udfald/initiativ/{initiative.pk}/"),
            client.get(f"/api/outcomes/initiatives/{initiative.pk}/summary"),
        ]
    if action == "outcomes.list_citizens":
        return [client.get(f"/udfald/initiativ/{initiative.pk}/borgere/")]
    if action == "outcomes.save_estimate":
        return [client.post(f"/udfald/initiativ/{initiative.pk}/estimat/gem/", {})]
    if action == "outcomes.citizen_rights":
        return [client.get("/udfald/borgerrettigheder/")]
    raise AssertionError(action)


HTTP_ACTIONS = [a for a in EXPECTED if a.split(".")[0] in {"som", "evidence"}] + [
    "outcomes.import",
    "outcomes.view_citizens",
    "outcomes.list_citizens",
    "outcomes.view_aggregates",
    "outcomes.save_estimate",
    "outcomes.citizen_rights",
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
