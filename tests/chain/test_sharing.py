"""Sharing SØM calculations with every user (SØM's erfaringsdatabase): publish with a description, a searchable
list, copy into your own, read-only while shared, the knowledge version kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from susi.accounts import permissions
from susi.accounts.models import Role, User
from susi.som import services, sharing
from susi.som.models import Calculation, TargetGroup
from susi.web.api_errors import DomainError

CASE = {
    "name": "Udflytning med CTI i Aarhus",
    "horizon": 5,
    "intake": [10],
    "costs": [{"name": "Forløb", "kind": "per_citizen", "amount": 40_000, "payer": "municipality"}],
    "outcomes": [
        {
            "name": "Ud af hjemløshed",
            "success_rate": 0.2,
            "consequences": [{"service": "shelter", "change": -100}],
        }
    ],
    "prices": {"shelter": {"municipality": 450, "state": 450, "area": "housing"}},
}


@pytest.fixture
def own_group(world):
    return TargetGroup.objects.create(
        code="aarhus-egen",
        name="Aarhus' egen målgruppe",
        user_defined=True,
        organisation=world.own_municipality,
    )


@pytest.fixture
def calc(world, own_group):
    return services.save_calculation(
        world.users[Role.MUNICIPALITY],
        CASE,
        draws=200,
        seed=3,
        knowledge_version=0,
        municipality=world.own_municipality,
        initiative=world.own_initiative,
        target_group=own_group,
    )


@pytest.fixture
def odense_user(world):
    return User.objects.create_user(
        "odense-bruger",
        password="x-password-123",
        role=Role.MUNICIPALITY,
        organisation=world.other_municipality,
    )


def test_share_find_copy_and_read_only(world, calc, odense_user, own_group):
    owner = world.users[Role.MUNICIPALITY]
    assert not permissions.can(odense_user, "som.view_calculation", calc)
    with pytest.raises(DomainError):
        sharing.share_calculation(owner, calc, "   ")
    with pytest.raises(PermissionDenied):
        sharing.share_calculation(odense_user, calc, "Ikke min")
    sharing.share_calculation(owner, calc, "CTI i Aarhus: 10 borgere, egne priser.")
    calc.refresh_from_db()
    assert calc.shared and calc.shared_at is not None

    # every logged-in user sees and finds it; nobody may change it while it is shared
    assert permissions.can(odense_user, "som.view_calculation", calc)
    assert not permissions.can(owner, "som.change_calculation", calc)
    assert list(sharing.shared_calculations(odense_user, municipality="751")) == [calc]
    assert list(sharing.shared_calculations(odense_user, intervention="CTI")) == [calc]
    assert list(sharing.shared_calculations(odense_user, target_group="aarhus-egen")) == [calc]
    assert list(sharing.shared_calculations(odense_user, municipality="461")) == []

    # a copy: the copier's own, the knowledge version kept, and no target group the copier may not see
    copy = services.copy_calculation(odense_user, calc)
    assert copy.owner == odense_user and not copy.shared
    assert copy.knowledge_version == calc.knowledge_version and copy.case == calc.case
    assert copy.target_group is None and not permissions.can(odense_user, "som.view_target_group", own_group)
    assert copy.initiative is None  # Odense cannot see the initiative either
    assert permissions.can(odense_user, "som.change_calculation", copy)
    # the owner's own copy keeps the target group
    assert services.copy_calculation(owner, calc).target_group == own_group

    # the shared calculation stays as it was; withdrawing hides it again
    sharing.withdraw_calculation(owner, calc)
    assert not permissions.can(odense_user, "som.view_calculation", calc)
    assert permissions.can(owner, "som.change_calculation", calc)


def test_pages(client, world, calc, odense_user):
    owner = world.users[Role.MUNICIPALITY]
    client.force_login(owner)
    page = client.get(f"/som/beregning/{calc.pk}/").content.decode()
    assert 'data-testid="sharing"' in page and "share_description" in page
    response = client.post(f"/som/beregning/{calc.pk}/del/", {"share_description": "Til inspiration."})
    assert response.status_code == 302
    calc.refresh_from_db()
    assert calc.shared
    assert client.get(f"/som/beregning/{calc.pk}/ret/").status_code == 403  # read-only while shared
    client.force_login(odense_user)
    listing = client.get("/som/erfaringer/?municipality=751").content.decode()
    assert calc.name in listing and "Til inspiration." in listing
    assert client.get(f"/som/beregning/{calc.pk}/").status_code == 200
    assert client.post(f"/som/beregning/{calc.pk}/del/", {"withdraw": "1"}).status_code == 403
    response = client.post(f"/som/beregning/{calc.pk}/kopi/")
    assert response.status_code == 302
    assert Calculation.objects.filter(owner=odense_user).count() == 1


def test_api(client, world, calc, odense_user):
    owner = world.users[Role.MUNICIPALITY]
    client.force_login(owner)
    response = client.post(
        f"/api/som/calculations/{calc.pk}/share", {"description": "Deles."}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["shared"] is True
    client.force_login(odense_user)
    assert [c["id"] for c in client.get("/api/som/shared?municipality=751").json()] == [calc.pk]
    copied = client.post(f"/api/som/calculations/{calc.pk}/copy", content_type="application/json")
    assert copied.status_code == 201 and copied.json()["target_group"] is None
    denied = client.post(f"/api/som/calculations/{calc.pk}/withdraw", content_type="application/json")
    assert denied.status_code == 403
    bad = client.post(
        f"/api/som/calculations/{calc.pk}/share", {"description": ""}, content_type="application/json"
    )
    assert bad.status_code == 403  # not the owner's organisation: refused before the description is read
