"""A municipality's own SØM numbers (own target groups with their outcomes, consequences and studies, own
prices, own target-group sizes) are seen by that municipality and by the roles that see every municipality,
never by another municipality, an evaluator or a foundation: on the knowledge page, in both exports, through
the API and as calculator defaults. National rows are seen by everyone."""

import csv
import io

import pytest
from openpyxl import load_workbook

from susi.accounts import permissions
from susi.accounts.models import Role, User
from susi.som.models import (
    Consequence,
    EffectStudy,
    KnowledgeVersion,
    Outcome,
    Price,
    TargetGroup,
    TargetGroupSize,
)
from tests.accounts.test_permission_matrix import ROLES

SECRET = "Aarhus' hemmelige målgruppe"  # every own text below carries this word
OWNER_PATH = {
    TargetGroup: "organisation",
    Price: "organisation",
    TargetGroupSize: "organisation",
    Outcome: permissions.TARGET_GROUP_OWNER,
    Consequence: permissions.TARGET_GROUP_OWNER,
    EffectStudy: permissions.TARGET_GROUP_OWNER,
}


@pytest.fixture
def own_numbers(knowledge):
    """Aarhus (the own municipality) has its own target group with an outcome, a consequence and a study, the
    demo's own shelter price (here 4.321 kr.) and citizens per year (35), and a version naming its target group."""
    aarhus = knowledge.own_municipality
    group = TargetGroup.objects.create(
        code="aarhus-egen", name=SECRET, user_defined=True, organisation=aarhus, description=SECRET
    )
    outcome = Outcome.objects.create(target_group=group, code="bolig", name=f"{SECRET}: bolig")
    Consequence.objects.create(
        target_group=group, outcome=outcome, service="shelter_night", change=-77.0, source=SECRET
    )
    EffectStudy.objects.create(
        target_group=group,
        outcome=outcome,
        intervention=SECRET,
        title=f"{SECRET}: studie",
        grade=2,
        effect=0.3,
    )
    Price.objects.filter(organisation=aarhus).update(source=f"{SECRET} (egen pris)", municipality=4321)
    KnowledgeVersion.objects.create(
        number=2, note=f"Egen målgruppe gemt: {SECRET}", created_by=knowledge.users[Role.MUNICIPALITY]
    )
    odense_user = User.objects.create_user(
        "odense", password="x-password-123", role=Role.MUNICIPALITY, organisation=knowledge.other_municipality
    )
    return {"aarhus": aarhus, "group": group, "odense_user": odense_user}


def _viewers(knowledge, own_numbers):
    """(user, may see Aarhus' own numbers)"""
    users = [
        (knowledge.users[role], role in {Role.AGENCY, Role.MUNICIPALITY, Role.STEERING, Role.ADMIN})
        for role in ROLES
    ]
    return [*users, (own_numbers["odense_user"], False)]


def test_the_queryset_twin_agrees_with_the_rule_for_every_row(knowledge, own_numbers):
    for user, _expected in _viewers(knowledge, own_numbers):
        for model, owner in OWNER_PATH.items():
            visible = set(permissions.visible_knowledge(user, model.objects.all(), owner))
            for row in model.objects.all():
                assert (row in visible) is permissions.can(user, "som.view_knowledge_row", row), (
                    user.username,
                    model.__name__,
                    row.pk,
                )


def test_national_rows_are_seen_by_everyone_and_own_rows_by_the_right_users(knowledge, own_numbers):
    for user, sees_aarhus in _viewers(knowledge, own_numbers):
        assert permissions.can(user, "som.view_knowledge_row", TargetGroup.objects.get(code="homelessness"))
        for model in OWNER_PATH:
            own_rows = [r for r in model.objects.all() if permissions._knowledge_owner(r) is not None]
            assert own_rows, model
            for row in own_rows:
                assert permissions.can(user, "som.view_knowledge_row", row) is sees_aarhus, (
                    user.username,
                    row,
                )


def _client(client, user):
    client.force_login(user)
    return client


def test_the_knowledge_page(client, knowledge, own_numbers):
    for user, sees_aarhus in _viewers(knowledge, own_numbers):
        html = _client(client, user).get("/som/viden/").content.decode()
        assert ("hemmelige" in html) is sees_aarhus, user.username
        assert ("4.321 kr." in html) is sees_aarhus, user.username
        assert "Borgere i hjemløshed" in html  # the national knowledge database


def test_both_knowledge_exports(client, knowledge, own_numbers):
    for user, sees_aarhus in _viewers(knowledge, own_numbers):
        c = _client(client, user)
        book = load_workbook(io.BytesIO(c.get("/som/viden/eksport/").content))
        texts = " ".join(str(cell.value) for ws in book for row in ws.iter_rows() for cell in row)
        assert ("hemmelige" in texts) is sees_aarhus, user.username
        assert ("751" in texts) is sees_aarhus  # the municipality_code of Aarhus' own price
        assert "homelessness" in texts
        for table in ("outcomes", "consequences", "prices", "studies"):
            rows = list(csv.reader(io.StringIO(c.get(f"/som/viden/eksport/?table={table}").content.decode())))
            assert any("hemmelige" in cell for row in rows for cell in row) is sees_aarhus, (
                user.username,
                table,
            )


def test_the_prices_api(client, knowledge, own_numbers):
    aarhus = own_numbers["aarhus"]
    for user, sees_aarhus in _viewers(knowledge, own_numbers):
        answer = _client(client, user).get(f"/api/som/prices?municipality={aarhus.pk}").json()
        shelter = next(p for p in answer if p["service"] == "shelter_night")
        assert shelter["own_price"] is sees_aarhus, user.username
        assert (shelter["municipality"] == 4321) is sees_aarhus


def test_the_calculator_defaults(client, knowledge, own_numbers):
    aarhus = own_numbers["aarhus"]
    for user, sees_aarhus in _viewers(knowledge, own_numbers):
        c = _client(client, user)
        html = c.get(f"/som/beregn/?target_group=homelessness&municipality={aarhus.pk}").content.decode()
        assert ('name="intake-0" value="35"' in html) is sees_aarhus, user.username
        assert ('value="4321"' in html) is sees_aarhus, user.username
        assert c.get(f"/som/skoen/?target_group=homelessness&municipality={aarhus.pk}").status_code == 200
        own_group = c.get("/som/beregn/?target_group=aarhus-egen")
        assert (own_group.status_code == 200) is sees_aarhus, user.username
        assert own_group.status_code in {200, 404}
