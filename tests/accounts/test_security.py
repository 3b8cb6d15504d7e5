"""Login throttling, password hashing, production settings that refuse to start unsafely, demo logins."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _import_production(env: dict) -> subprocess.CompletedProcess:
    code = "import django; from django.conf import settings; settings.SECRET_KEY; print('started')"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "SUSI_PSEUDONYM_KEY",
            "SUSI_PSEUDONYM_KEY_FILE",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
            "PYTHONPATH": str(ROOT / "src"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "susi.example.dk",
    "DATABASE_URL": "postgres://u@localhost/susi",
    "SUSI_PSEUDONYM_KEY": "ab" * 32,
}


def test_production_starts_with_a_complete_environment():
    result = _import_production(GOOD)
    assert "started" in result.stdout, result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in GOOD.items() if k != missing}
    result = _import_production(env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_refuses_to_start_without_the_pseudonym_key(tmp_path):
    env = {k: v for k, v in GOOD.items() if k != "SUSI_PSEUDONYM_KEY"}
    result = _import_production(env)
    assert (
        result.returncode != 0
        and "SUSI_PSEUDONYM_KEY or SUSI_PSEUDONYM_KEY_FILE must be set" in result.stderr
    )
    result = _import_production({**env, "SUSI_PSEUDONYM_KEY_FILE": str(tmp_path / "lost.key")})
    assert result.returncode != 0 and "does not exist" in result.stderr
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("cd" * 32)
    assert "started" in _import_production({**env, "SUSI_PSEUDONYM_KEY_FILE": str(key_file)}).stdout


def test_production_refuses_debug():
    result = _import_production({**GOOD, "DEBUG": "1"})
    assert result.returncode != 0 and "DEBUG must be off" in result.stderr


def test_production_cookies_are_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.SUSI_DEMO_MODE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            **GOOD,
            "DJANGO_SETTINGS_MODULE": "susi.config.settings.production",
            "PYTHONPATH": str(ROOT / "src"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "False"], result.stderr


def test_argon2_is_the_default_hasher_outside_tests(settings):
    from susi.config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    from django.contrib.auth.hashers import check_password, make_password

    hashed = make_password("correct horse")
    assert hashed.startswith("argon2$") and check_password("correct horse", hashed)


def test_login_is_throttled_after_five_failures(client, world):
    def attempt(password):
        return client.post("/login/", {"username": "agency", "password": password}, REMOTE_ADDR="10.0.0.1")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = attempt("wrong")
        assert response.status_code == 200
        assert "Brugernavn eller adgangskode er forkert" in response.content.decode()
    fifth = attempt("wrong")
    assert fifth.status_code == 429
    assert "For mange mislykkede loginforsøg" in fifth.content.decode()
    assert attempt("test-password-123").status_code == 429, "even the right password is refused while locked"


def test_correct_login_works_and_csrf_is_enforced(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "agency", "password": "test-password-123"}).status_code == 403
    relaxed = Client()
    response = relaxed.post("/login/", {"username": "agency", "password": "test-password-123"})
    assert response.status_code == 302


def test_demo_logins_only_in_demo_mode(client, settings, db):
    settings.SUSI_DEMO_MODE = True
    assert "Demo-logins" in client.get("/login/").content.decode()
    settings.SUSI_DEMO_MODE = False
    assert "Demo-logins" not in client.get("/login/").content.decode()


def test_change_history_records_who_changed_what(client, world):
    from susi.portfolio import services

    services.record_gate_decision(
        world.users["agency"],
        world.own_initiative,
        outcome="stop",
        justification="Ikke efterspurgt",
        assessments=[
            services.AssessmentInput(c, "not_met", "x")
            for c in ("effect", "economy", "implementation", "demand", "realistic_operation")
        ],
    )
    record = world.own_initiative.history.first()
    assert record.status == "stopped"
    delta = record.diff_against(record.prev_record)
    assert [c.field for c in delta.changes] == ["status"]
