"""Product review through the service follows the declared workflow (`phases.PRODUCT_REVIEW`)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from susi.engines import phases
from susi.portfolio import services
from susi.portfolio.models import Product
from susi.portfolio.services import DomainError


def test_the_model_states_are_the_workflow_states():
    assert set(Product.State.values) == {s.value for s in phases.ProductState}


@pytest.fixture
def product(world):
    agency = world.users["agency"]
    services.upload_product_version(
        agency,
        world.own_initiative,
        kind="knowledge_report",
        title="",
        file=ContentFile(b"indhold", "f.md"),
    )
    return Product.objects.get(initiative=world.own_initiative, kind="knowledge_report")


def test_a_rejected_product_cannot_be_approved_and_nothing_changes(world, product):
    agency, municipality = world.users["agency"], world.users["municipality"]
    services.set_product_state(municipality, product, "submitted")
    services.set_product_state(agency, product, "rejected")
    with pytest.raises(DomainError):
        services.set_product_state(agency, product, "approved")
    product.refresh_from_db()
    assert product.state == "rejected"
    # the way back: a new version is a draft again, which is submitted and then approved
    services.upload_product_version(
        municipality, world.own_initiative, kind="knowledge_report", title="", file=ContentFile(b"ny", "g.md")
    )
    product.refresh_from_db()
    assert product.state == "draft"
    services.set_product_state(municipality, product, "submitted")
    services.set_product_state(agency, product, "approved")
    product.refresh_from_db()
    assert product.state == "approved"


def test_who_may_move_a_product_is_the_declared_actor(world, product):
    municipality = world.users["municipality"]
    services.set_product_state(municipality, product, "submitted")
    with pytest.raises(PermissionDenied):  # approving is the reviewer's move
        services.set_product_state(municipality, product, "approved")
    product.refresh_from_db()
    assert product.state == "submitted"


def test_an_unknown_state_is_a_clear_refusal(world, product):
    with pytest.raises(DomainError):
        services.set_product_state(world.users["agency"], product, "published")
    product.refresh_from_db()
    assert product.state == "draft"


def test_the_page_offers_only_the_declared_moves(client, world, product):
    agency = world.users["agency"]
    services.set_product_state(world.users["municipality"], product, "submitted")
    services.set_product_state(agency, product, "rejected")
    product.refresh_from_db()
    assert [value for value, _ in product.review_choices] == ["draft"]
    client.force_login(agency)
    page = client.get(f"/initiativer/{world.own_initiative.pk}/").content.decode()
    select = page.split(f'id="state-{product.pk}"')[1].split("</select>")[0]
    assert 'value="draft"' in select and 'value="approved"' not in select
