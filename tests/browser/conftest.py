"""Browser tests: Playwright for Python driving Debian's /usr/bin/chromium against Django's live server.

Without chromium the tests are skipped with a loud reason — except when SUSI_REQUIRE_BROWSER=1 (CI), where a
missing browser fails the run.
"""

import os
import shutil
import warnings

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "test-password-123"
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _browser():
    if CHROMIUM is None:
        message = "chromium is not installed: browser tests NOT RUN (apt-get install chromium)"
        if os.environ.get("SUSI_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server, settings, request):
    settings.DEBUG = False
    # The browser enforces the Content-Security-Policy, except for tests marked bypass_csp that inject their
    # own inline script (axe-core); the pages themselves never need the bypass.
    bypass_csp = request.node.get_closest_marker("bypass_csp") is not None
    # Tests marked phone see the pages as a 390 px wide phone does.
    viewport = PHONE if request.node.get_closest_marker("phone") is not None else None
    context = _browser.new_context(
        base_url=live_server.url,
        locale="da-DK",
        accept_downloads=True,
        bypass_csp=bypass_csp,
        **({"viewport": viewport} if viewport else {}),
    )
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    def _login(username: str, password: str = PASSWORD):
        page.goto("/login/")
        page.get_by_label("Brugernavn").fill(username)
        page.get_by_label("Adgangskode").fill(password)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login
