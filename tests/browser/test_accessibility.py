"""WCAG 2.1 A/AA checks with axe-core (vendored from the npm package axe-core 4.14.1, MPL-2.0, in assets/).

Automated checks find only part of WCAG's failures, but every one they find is real: the pages a user meets
first must have none.
"""

from pathlib import Path

import pytest

from tests.portfolio.test_gate_services import approve_required

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe-core is injected as an inline script by the test, which the site's Content-Security-Policy forbids.
pytestmark = pytest.mark.bypass_csp


def violations(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_login_page(page, world):
    page.goto("/login/")
    assert violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?municipality=751",
        "/initiativer/{own}/",
        "/initiativer/{own}/faseovergang/",
        "/kommuner/751/",
        "/kommuner/",
        "/initiativer/nyt/",
    ],
)
def test_portfolio_pages(page, login, world, path):
    approve_required(world.users["agency"], world.own_initiative)
    login("agency")
    page.goto(path.format(own=world.own_initiative.pk))
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/konto/", "/adgangskode/"])
def test_account_pages(page, login, world, path):
    login("agency")
    page.goto(path)
    assert violations(page) == []


def test_password_reset_page(page, world):
    page.goto("/adgangskode/glemt/")
    assert violations(page) == []
