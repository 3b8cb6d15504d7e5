"""The smoke test of a production installation: gunicorn with the production settings plus one job worker,
on the database the suite runs on (PostgreSQL in CI's second pass, a SQLite file otherwise), driven over HTTP
like a browser would: health, login, the board, a static file, a product file with and without permission, and
an import that runs as a job in the worker, followed through its progress page to completion."""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOST = "susi.example.dk"
DEMO_PASSWORD = "demo-susi-2026"  # the published demo password (accounts/demo.py)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A cookie-keeping HTTP client that sends the production Host header and never follows redirects."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirect())

    def request(self, path: str, data: dict | None = None, files: dict | None = None):
        # As nginx in front of it would: TLS ends at the proxy, which says so in X-Forwarded-Proto; the cookies
        # are Secure, so they are kept here by hand rather than by a cookie jar that would hold them back.
        headers = {"Host": HOST, "Referer": f"https://{HOST}{path}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = secrets.token_hex(16)
            body = _multipart(boundary, data or {}, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            answer = error.code, error.headers, error.read()
        for cookie in answer[1].get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer[0], dict(answer[1]), answer[2]

    def csrf(self) -> str:
        return next(v for k, v in self.cookies.items() if k.endswith("csrftoken"))

    def login(self, username: str) -> None:
        status, _, _ = self.request("/login/")
        assert status == 200
        status, headers, _ = self.request(
            "/login/",
            {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )
        assert status == 302, f"login as {username} failed ({status})"


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


@pytest.fixture
def production_database(tmp_path):
    """A database of its own for the production processes: a fresh PostgreSQL database when the suite runs on
    PostgreSQL, a SQLite file otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    import psycopg

    name = f"susi_smoke_{secrets.token_hex(4)}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    dropped = {"DEBUG", "SUSI_PSEUDONYM_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
    return {
        **{k: v for k, v in os.environ.items() if k not in dropped},
        "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
        "PYTHONPATH": str(ROOT / "src"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SUSI_PSEUDONYM_KEY": secrets.token_hex(32),
        "SUSI_DEMO_MODE": "1",  # demo logins, so the smoke test can sign in as each role
    }


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "susi.cli", *args],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def _django(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


PRODUCTS = (
    "import json; from susi.portfolio.models import ProductVersion; from susi.accounts.models import User; "
    "from susi.accounts.permissions import visible_initiatives; "
    "seen = visible_initiatives(User.objects.get(username='kommune')).values('pk'); "
    "v = ProductVersion.objects.filter(product__initiative__in=seen).order_by('pk').first(); "
    "w = ProductVersion.objects.exclude(product__initiative__in=seen).order_by('pk').first(); "
    "print(json.dumps([v.product.initiative_id, v.pk, w.product.initiative_id, w.pk]))"
)


def _wait_until_up(client: Client, server: subprocess.Popen, log: Path) -> None:
    for _ in range(480):  # generous on a loaded machine; this is a wait, not a timing assertion
        if server.poll() is not None:
            break
        try:
            status, _, _ = client.request("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("the production server did not start:\n" + log.read_text()[-4000:])


def _follow_job(client: Client, job_path: str) -> dict:
    """Poll the job's progress page until the worker has finished it; return the job's last state."""
    progress = job_path.rstrip("/") + "/fremdrift/"
    seen = []
    for _ in range(600):
        status, _, body = client.request(progress)
        assert status == 200
        text = body.decode()
        seen.append(text)
        if re.search(r'data-status="(done|failed)"', text):
            return {"html": text, "polls": len(seen)}
        time.sleep(0.5)
    pytest.fail("the job did not finish: " + seen[-1][-2000:])


@pytest.mark.slow
def test_production_server_and_worker_smoke(tmp_path, production_database):
    env = _environment(tmp_path, production_database)
    for command in (["migrate"], ["demo"]):
        subprocess.run([sys.executable, "-m", "susi.cli", *command], env=env, check=True, capture_output=True)
    port = _free_port()
    server = _start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, tmp_path / "web.log")
    worker = _start(["worker"], env, tmp_path / "worker.log")
    try:
        agency = Client(f"http://127.0.0.1:{port}")
        _wait_until_up(agency, server, tmp_path / "web.log")

        status, _, body = agency.request("/healthz")
        health = json.loads(body)
        assert health["database"] == "ok" and health["pseudonym_key_present"] is True, health

        agency.login("styrelse")
        status, _, body = agency.request("/")
        assert status == 200 and "initiativ" in body.decode().lower()
        css = re.search(r'href="(/static/susi/susi\.[0-9a-f]+\.css)"', body.decode())
        assert css, "the board links the hashed stylesheet"
        status, headers, _ = agency.request(css.group(1))
        assert status == 200 and "immutable" in headers["Cache-Control"]

        own_initiative, own_version, other_initiative, other_version = json.loads(_django(env, PRODUCTS))
        status, headers, content = agency.request(
            f"/initiativer/{other_initiative}/produkter/filer/{other_version}/"
        )
        assert status == 200 and headers["Content-Disposition"].startswith("attachment")
        assert content.startswith(b"# ")

        municipality = Client(agency.base)
        municipality.login("kommune")
        status, _, content = municipality.request(
            f"/initiativer/{own_initiative}/produkter/filer/{own_version}/"
        )
        assert status == 200 and content.startswith(b"# ")
        status, _, content = municipality.request(
            f"/initiativer/{other_initiative}/produkter/filer/{other_version}/"
        )
        assert status in (403, 404) and not content.startswith(b"# ")

        status, _, exported = agency.request("/som/viden/eksport/?table=prices")
        assert status == 200 and exported
        status, headers, _ = agency.request(
            "/som/viden/import/",
            {"csrfmiddlewaretoken": agency.csrf(), "table": "prices"},
            files={"file": ("priser.csv", exported, "text/csv")},
        )
        assert status == 302, "the import is accepted and handed to the job queue"
        job_path = urllib.parse.urlparse(headers["Location"]).path
        assert job_path.startswith("/job/"), job_path
        finished = _follow_job(agency, job_path)
        assert 'data-status="done"' in finished["html"], finished["html"][-2000:]
    finally:
        _stop(server)
        _stop(worker)
    assert "gunicorn" in (tmp_path / "web.log").read_text().lower()
