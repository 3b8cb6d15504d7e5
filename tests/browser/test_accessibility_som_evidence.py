"""axe-core (WCAG 2.1 A/AA) on the SØM and evidence pages too, not only the portfolio's."""

import pytest
from django.test import Client

from susi.accounts.models import Role
from tests.browser.test_accessibility import violations
from tests.browser.test_mobile import saved_calculation  # noqa: F401 - fixture
from tests.evidence.test_evidence_pages import meta_url, upload

pytestmark = pytest.mark.bypass_csp  # axe-core is injected as an inline script


@pytest.fixture
def evidence_world(world):
    client = Client()
    client.force_login(world.users[Role.AGENCY])
    assert upload(client, world).status_code == 302
    return world


def test_evidence_pages(page, login, evidence_world):
    intervention = evidence_world.own_initiative.intervention.pk
    login(evidence_world.users[Role.AGENCY].username)
    for path in (
        "/evidens/",
        "/evidens/studier/",
        meta_url(evidence_world),
        f"/evidens/indsats/{intervention}/",
    ):
        page.goto(path)
        assert violations(page) == [], path


def test_som_pages(page, login, world, saved_calculation):  # noqa: F811 - fixture
    login(world.users[Role.MUNICIPALITY].username)
    for path in (
        "/som/",
        "/som/beregn/?target_group=homelessness",
        f"/som/beregning/{saved_calculation.pk}/",
    ):
        page.goto(path)
        assert violations(page) == [], path
