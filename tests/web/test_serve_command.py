"""`susi serve` starts gunicorn with production settings; the server answers /healthz, pages and static files."""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    request = urllib.request.Request(url, headers={"Host": "susi.example.dk"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - a local test server
        return response.status, dict(response.headers), response.read()


@pytest.mark.slow
def test_susi_serve_runs_gunicorn_with_production_settings(tmp_path):
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DEBUG", "SUSI_PSEUDONYM_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
        "PYTHONPATH": str(ROOT / "src"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "susi.example.dk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_SSL_REDIRECT": "0",
        "SUSI_PSEUDONYM_KEY": secrets.token_hex(32),  # production refuses to start without the key
    }
    subprocess.run([sys.executable, "-m", "susi.cli", "migrate"], env=env, check=True, capture_output=True)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "susi.cli", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        health = None
        for _ in range(
            240
        ):  # wait for the server to come up (generous on a loaded machine; no timing assert)
            if server.poll() is not None:
                break
            try:
                health = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert health is not None, (tmp_path / "server.log").read_text()
        status, headers, body = health
        assert status == 200 and json.loads(body)["database"] == "ok"
        status, headers, body = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200 and "Content-Security-Policy" in headers
        css = body.decode().split('href="/static/susi/susi.')[1].split('"')[0]
        status, headers, _ = _get(f"http://127.0.0.1:{port}/static/susi/susi.{css}")
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert "gunicorn" in (tmp_path / "server.log").read_text().lower()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def test_gunicorn_replaces_each_worker_after_a_jittered_number_of_requests():
    from susi.cli import gunicorn_argv

    argv = gunicorn_argv(bind="127.0.0.1:8000", workers=5, timeout=120)
    assert argv[argv.index("--max-requests") + 1] == "10000"
    assert argv[argv.index("--max-requests-jitter") + 1] == "1000"
    assert argv[argv.index("--workers") + 1] == "5"


def test_the_wsgi_module_imports_every_view_before_the_first_request():
    """A gunicorn worker imports the URLconf (every view, matplotlib, pandas …) while it boots: a fresh interpreter
    that only imports the WSGI module already has the views."""
    code = (
        "import sys, susi.config.wsgi; "
        "print(all(m in sys.modules for m in ('susi.config.urls', 'susi.portfolio.views', 'susi.som.views')))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "susi.config.settings.test",
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True"
