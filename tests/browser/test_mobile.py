"""A phone (390 px wide): the pages a user opens on the move never scroll sideways, and stay axe-clean.

Wide tables may scroll inside their own box (`.table-scroll`), never the page itself.
"""

import json
from pathlib import Path

import pytest

from susi.accounts.models import Role
from susi.som import demo as som_demo
from susi.som import services as som_services
from susi.som.models import KnowledgeVersion
from tests.browser.test_accessibility import violations
from tests.portfolio.test_gate_services import approve_required

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "developers" / "som-examples" / "cti-uncertain.json"
# axe-core is injected as an inline script (the CSP itself has its own test); the conftest's page is a phone
pytestmark = [pytest.mark.bypass_csp, pytest.mark.phone]


@pytest.fixture
def saved_calculation(world):
    som_demo._load_knowledge(lambda line: None)
    user = world.users[Role.MUNICIPALITY]
    return som_services.save_calculation(
        user,
        json.loads(EXAMPLE.read_text(encoding="utf-8")),
        draws=500,
        seed=1,
        knowledge_version=KnowledgeVersion.objects.latest("number").number,
        municipality=world.own_municipality,
    )


def _overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0 = no sideways scrolling)."""
    assert page.viewport_size["width"] == 390, "the phone marker gives a phone's viewport"
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("who", ["agency", "municipality"])
def test_board_and_gate_form_fit_a_phone(page, login, world, who):
    approve_required(world.users["agency"], world.own_initiative)
    login(world.users[who].username)
    paths = ["/", "/?municipality=751"]
    if who == "agency":
        paths.append(f"/initiativer/{world.own_initiative.pk}/faseovergang/")
    for path in paths:
        page.goto(path)
        assert _overflow(page) == 0, path
        assert violations(page) == [], path


def test_som_calculator_and_result_fit_a_phone(page, login, world, saved_calculation):
    login(world.users[Role.MUNICIPALITY].username)
    for path in (
        "/som/",
        "/som/beregn/?target_group=homelessness",
        f"/som/beregning/{saved_calculation.pk}/",
    ):
        page.goto(path)
        assert _overflow(page) == 0, path
        assert violations(page) == [], path
