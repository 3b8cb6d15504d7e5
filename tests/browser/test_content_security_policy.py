"""Every main page loads under the Content-Security-Policy with no violation in the browser console.

The policy forbids inline script and style and anything from another host, so a page that still had an
inline handler, an htmx-injected <style> or a chart with style attributes would log a violation here.
Runs on the demo data (charts, meta-analysis, outcome estimate) with CSP enforced by the browser.
"""

from __future__ import annotations

import pytest

from susi.accounts.demo import DEMO_PASSWORD


@pytest.fixture
def demo(db):
    from susi.demo import load_all

    load_all(lambda line: None)


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def _paths() -> list[str]:
    from susi.evidence.models import MetaAnalysis
    from susi.outcomes.models import EffectEvaluation, ImportBatch
    from susi.portfolio.models import Initiative
    from susi.som.models import Calculation

    initiative = Initiative.objects.filter(status="active").order_by("pk").first()
    paths = [
        "/",
        f"/initiativer/{initiative.pk}/",
        f"/initiativer/{initiative.pk}/faseovergang/",
        "/kommuner/",
        "/som/",
        f"/som/beregning/{Calculation.objects.order_by('pk').first().pk}/",
        "/som/viden/",
        "/evidens/",
        "/evidens/studier/",
        f"/evidens/metaanalyse/{MetaAnalysis.objects.order_by('pk').first().pk}/",
        "/udfald/",
        "/adgangskode/",
        "/konto/",
        "/api/docs",
        "/findes-ikke/",
    ]
    for model in (ImportBatch, EffectEvaluation):
        row = model.objects.order_by("pk").first()
        if row is not None:
            paths.append(f"/udfald/initiativ/{row.initiative_id}/")
            break
    return paths


def test_main_pages_load_under_the_policy_without_violations(page, login, demo):
    problems = _watch(page)
    paths = _paths()
    login("styrelse", DEMO_PASSWORD)
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("load")
        assert response is not None and response.status in (200, 404), (path, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
    # charts are drawn, htmx is loaded and the Swagger UI rendered from local files
    page.goto(paths[5])
    assert page.locator("svg[role='img']").first.is_visible()
    assert page.evaluate("typeof window.htmx") == "object"
    page.goto("/api/docs")
    page.locator(".swagger-ui .info").wait_for()
    assert problems == []


def test_the_language_switch_works_without_inline_script(page, login, demo):
    problems = _watch(page)
    login("styrelse", DEMO_PASSWORD)
    page.goto("/")
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="My account").is_visible()
    assert problems == []


def test_the_admin_loads_under_the_policy(page, login, demo):
    from susi.portfolio.models import Initiative

    problems = _watch(page)
    login("admin", DEMO_PASSWORD)
    for path in (
        "/admin/",
        f"/admin/portfolio/initiative/{Initiative.objects.order_by('pk').first().pk}/change/",
    ):
        response = page.goto(path)
        assert response.status == 200 and "content-security-policy" in response.headers, path
    assert problems == []


def test_the_login_and_password_reset_pages_have_no_violations(page, db):
    problems = _watch(page)
    for path in ("/login/", "/adgangskode/glemt/"):
        response = page.goto(path)
        assert response.status == 200 and "content-security-policy" in response.headers
    page.get_by_role("link", name="Glemt adgangskode?").count()
    assert problems == []
