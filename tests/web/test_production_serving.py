"""Production serving: `check --deploy` is clean, static files load with hashed names through WhiteNoise,
/healthz answers, the Swagger UI loads nothing from another host, every response carries the CSP header,
and the 404/500 pages are Danish with an English translation."""

import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

ROOT = Path(__file__).resolve().parents[2]


def _production(code: str, tmp_path: Path, **env) -> subprocess.CompletedProcess:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in the same test process) is no part of a deployment
    dropped = {"DEBUG", "DATABASE_URL", "SUSI_PSEUDONYM_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
            "PYTHONPATH": str(ROOT / "src"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "susi.example.dk,testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "SUSI_PSEUDONYM_KEY": secrets.token_hex(32),  # production refuses to start without the key
            **env,
        },
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = _production(
        """
        import django
        from django.core.management import call_command
        django.setup()
        call_command("check", deploy=True, fail_level="DEBUG")
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


@pytest.mark.slow
def test_css_and_htmx_load_with_hashed_names_under_production_settings(tmp_path):
    result = _production(
        """
        import json
        import django
        from django.core.management import call_command
        django.setup()
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.templatetags.static import static
        from django.test import Client
        client = Client()
        out = {}
        page = client.get("/login/", secure=True)
        out["login_status"] = page.status_code
        out["login_html"] = page.content.decode()
        out["csp"] = page.headers.get("Content-Security-Policy")
        for name in ("susi/susi.css", "susi/htmx.min.js", "susi/susi.js", "ninja/swagger-ui-bundle.js"):
            url = static(name)
            response = client.get(url, secure=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            out[name] = [url, response.status_code, len(body), response.headers.get("Cache-Control")]
        print(json.dumps(out))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["login_status"] == 200
    for name in ("susi/susi.css", "susi/htmx.min.js", "susi/susi.js", "ninja/swagger-ui-bundle.js"):
        url, status, size, cache = out[name]
        stem, suffix = name.rsplit(".", 1)
        assert re.fullmatch(rf"/static/{stem}\.[0-9a-f]{{12}}\.{suffix}", url), url  # hashed (manifest) name
        assert status == 200 and size > 100, (name, status, size)
        assert "max-age=315360000" in cache and "immutable" in cache
    assert out["susi/susi.css"][0] in out["login_html"] and out["susi/htmx.min.js"][0] in out["login_html"]
    assert "default-src 'self'" in out["csp"] and "script-src 'self'" in out["csp"]


def test_healthz_reports_database_queue_and_key_presence_without_the_key(
    client, db, settings, tmp_path, monkeypatch
):
    monkeypatch.delenv("SUSI_PSEUDONYM_KEY", raising=False)
    settings.SUSI_PSEUDONYM_KEY_FILE = tmp_path / "missing.key"
    response = client.get("/healthz")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        # tests run jobs at once (ImmediateBackend); production and `make run` use the database backend
        "job_queue": {
            "ok": True,
            "backend": "ImmediateBackend",
            "queued": 0,
            "running": 0,
            "retryable": 0,
            "oldest_queued_seconds": 0,
        },
        "pseudonym_key_present": False,
    }
    assert not (tmp_path / "missing.key").exists(), "the health check never creates a key"
    key = secrets.token_hex(32)
    monkeypatch.setenv("SUSI_PSEUDONYM_KEY", key)
    body = client.get("/healthz").content.decode()
    assert json.loads(body)["pseudonym_key_present"] is True
    assert key not in body and key.upper() not in body


def test_healthz_says_503_when_the_database_does_not_answer(client, db, monkeypatch):
    from susi.config import health

    monkeypatch.setattr(health, "database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error" and response.json()["status"] == "error"


def test_swagger_ui_loads_nothing_from_another_host(client, world):
    client.force_login(world.users["agency"])
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html) == []
    # no CDN host named anywhere (a random token may of course contain the letters "cdn")
    assert re.search(r"cdn\.|jsdelivr|unpkg|cdnjs|googleapis", html.lower()) is None


@pytest.mark.parametrize(
    "path", ["/login/", "/", "/api/docs", "/healthz", "/findes-ikke/", "/api/initiatives"]
)
def test_every_response_carries_the_content_security_policy(client, world, path):
    client.force_login(world.users["agency"])
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_templates_have_no_inline_script_style_or_event_handlers():
    offenders = []
    for template in (ROOT / "src" / "susi").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)",
            r"<style",
            r"\sstyle=",
            r"\son[a-z]+=",
        ):
            if re.search(pattern, text):
                offenders.append(f"{template.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_charts_carry_no_inline_css(world):
    from susi.web.charts import new_figure, svg

    fig, ax = new_figure()
    ax.plot([1, 2], [3, 4], linestyle="--", label="a")
    ax.legend()
    text = svg(fig, "Titel")
    assert "<style" not in text and "style=" not in text
    assert 'stroke-dasharray="' in text and 'font-family="' in text


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("da", "Siden findes ikke", "Tilbage til porteføljen"),
        ("en", "The page does not exist", "Back to the portfolio"),
    ],
)
def test_404_page_in_both_languages(client, db, language, title, body):
    client.cookies["django_language"] = language
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert title in html and body in html and f'<html lang="{language}">' in html


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        ("da", "Der opstod en fejl hos os", "Prøv igen om lidt"),
        ("en", "Something went wrong on our side", "Please try again in a moment"),
    ],
)
def test_500_page_in_both_languages_without_the_database(language, title, body):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = defaults.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert title in html and body in html and f'<html lang="{language}">' in html


def test_a_crashing_view_answers_with_the_500_page(client, db, monkeypatch, settings):
    from susi.config import health

    def crash():
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "job_queue_status", crash)
    client.raise_request_exception = False
    client.cookies["django_language"] = "en"
    response = client.get("/healthz")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_with_redis_url_the_job_progress_is_shared_through_redis(tmp_path):
    """Production with REDIS_URL keeps job progress in Redis (web and workers on several machines); checked
    against the Redis server this machine runs (127.0.0.1:6379, database 15)."""
    result = _production(
        """
        import django
        django.setup()
        from django.core.cache import caches
        from django.conf import settings
        print(settings.CACHES["jobs"]["BACKEND"])
        caches["jobs"].set("probe", [3, 7], timeout=30)
        print(caches["jobs"].get("probe"))
        caches["jobs"].delete("probe")
        """,
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "[3,", "7]"]
