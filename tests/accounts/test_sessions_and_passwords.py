"""Session lifetime, own password change, password reset by email, login throttling behind the proxy."""

import re
import time

import pytest
from django.core import mail
from django.test import RequestFactory

from susi.accounts.client_address import client_ip
from susi.accounts.middleware import LAST_SEEN, STARTED

PASSWORD = "test-password-123"


def _login(client, user):
    client.force_login(user)
    assert client.get("/").status_code == 200  # the first request stamps the session


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


# --- idle timeout and absolute lifetime ------------------------------------------------------------------


def test_a_session_idle_longer_than_the_timeout_is_logged_out(client, world, settings):
    assert settings.SUSI_SESSION_IDLE_TIMEOUT == 30 * 60
    _login(client, world.users["agency"])
    _age_session(client, **{LAST_SEEN: settings.SUSI_SESSION_IDLE_TIMEOUT + 1})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    page = client.get(response["Location"]).content.decode()
    assert "Du er blevet logget ud, fordi sessionen er udløbet" in page
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive_until_the_absolute_lifetime(client, world, settings):
    assert settings.SUSI_SESSION_ABSOLUTE_LIFETIME == 12 * 60 * 60
    _login(client, world.users["agency"])
    _age_session(client, **{STARTED: 11 * 3600, LAST_SEEN: 29 * 60})
    assert client.get("/").status_code == 200, "active within the idle timeout and the lifetime: still in"
    _age_session(client, **{STARTED: settings.SUSI_SESSION_ABSOLUTE_LIFETIME + 1, LAST_SEEN: 10})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_last_activity_is_written_at_most_once_a_minute(client, world):
    _login(client, world.users["agency"])
    _age_session(client, **{LAST_SEEN: 10})
    stamped = client.session[LAST_SEEN]
    client.get("/")
    assert client.session[LAST_SEEN] == stamped, "10 s ago: not rewritten"
    _age_session(client, **{LAST_SEEN: 120})
    client.get("/")
    assert time.time() - client.session[LAST_SEEN] < 60, "2 min ago: rewritten"


def test_an_expired_session_gets_401_from_the_api(client, world, settings):
    _login(client, world.users["agency"])
    assert client.get("/api/initiatives").status_code == 200
    _age_session(client, **{LAST_SEEN: settings.SUSI_SESSION_IDLE_TIMEOUT + 1})
    assert client.get("/api/initiatives").status_code == 401


def test_the_session_cookie_does_not_outlive_the_absolute_lifetime(settings):
    assert settings.SESSION_COOKIE_AGE <= settings.SUSI_SESSION_ABSOLUTE_LIFETIME


# --- own password change -----------------------------------------------------------------------------------


def test_a_user_changes_their_own_password(client, world):
    user = world.users["municipality"]
    client.force_login(user)
    page = client.get("/adgangskode/")
    assert page.status_code == 200 and "Skift adgangskode" in page.content.decode()
    response = client.post(
        "/adgangskode/",
        {
            "old_password": PASSWORD,
            "new_password1": "Blaa-Hest-Klipper-77",
            "new_password2": "Blaa-Hest-Klipper-77",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/adgangskode/skiftet/"
    user.refresh_from_db()
    assert user.check_password("Blaa-Hest-Klipper-77")


def test_a_wrong_old_password_changes_nothing_and_says_why_in_english_too(client, world):
    user = world.users["municipality"]
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.post(
        "/adgangskode/",
        {
            "old_password": "wrong",
            "new_password1": "Blaa-Hest-Klipper-77",
            "new_password2": "Blaa-Hest-Klipper-77",
        },
    )
    assert response.status_code == 200
    assert "Change password" in response.content.decode()
    assert "Your old password was entered incorrectly" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_a_login(client, db):
    response = client.get("/adgangskode/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- forgotten password by email ---------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, world):
    user = world.users["evaluator"]
    user.email = "evaluator@example.dk"
    user.save()
    assert "Glemt adgangskode?" in client.get("/login/").content.decode()
    response = client.post("/adgangskode/glemt/", {"email": "evaluator@example.dk"})
    assert response.status_code == 302 and response["Location"] == "/adgangskode/glemt/sendt/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["evaluator@example.dk"] and message.subject == "Ny adgangskode til SUSI"
    assert "Dit brugernavn er: evaluator" in message.body
    link = re.search(r"http://testserver(/adgangskode/ny/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Vælg en ny adgangskode" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Roed-Kaffe-Bjerg-42", "new_password2": "Roed-Kaffe-Bjerg-42"},
    )
    assert response.status_code == 302 and response["Location"] == "/adgangskode/ny/faerdig/"
    user.refresh_from_db()
    assert user.check_password("Roed-Kaffe-Bjerg-42")
    # the link works once
    assert "Linket virker ikke længere" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, world):
    response = client.post("/adgangskode/glemt/", {"email": "nobody@example.dk"})
    assert response.status_code == 302 and response["Location"] == "/adgangskode/glemt/sendt/"
    assert mail.outbox == []


def test_the_reset_mail_is_english_for_an_english_user(client, world):
    user = world.users["evaluator"]
    user.email = "evaluator@example.dk"
    user.save()
    client.cookies["django_language"] = "en"
    client.post("/adgangskode/glemt/", {"email": "evaluator@example.dk"})
    assert mail.outbox[0].subject == "New password for SUSI"
    assert "Your username is: evaluator" in mail.outbox[0].body


# --- login throttling: per username, per address, behind the trusted proxy ---------------------------------


def _fail(client, username, address, **headers):
    return client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address, **headers)


def test_password_spraying_from_one_address_is_throttled(client, world, settings):
    """Many usernames, one wrong password each, from one address: the address is locked."""
    names = ["agency", "municipality", "evaluator", "foundation", "steering"]
    assert len(names) == settings.AXES_FAILURE_LIMIT
    responses = [_fail(client, name, "10.0.0.7") for name in names]
    assert [r.status_code for r in responses[:-1]] == [200] * (len(names) - 1)
    assert responses[-1].status_code == 429
    right = client.post("/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert right.status_code == 429, "the address is locked for every username"
    other_address = client.post(
        "/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert other_address.status_code == 302


def test_guessing_one_username_from_many_addresses_is_throttled(client, world, settings):
    responses = [_fail(client, "agency", f"10.0.1.{i}") for i in range(settings.AXES_FAILURE_LIMIT)]
    assert responses[-1].status_code == 429
    assert _fail(client, "agency", "10.0.2.1").status_code == 429


def test_behind_the_trusted_proxy_each_client_address_is_throttled_on_its_own(client, world, settings):
    settings.SUSI_TRUSTED_PROXIES = ["127.0.0.1"]
    names = ["agency", "municipality", "evaluator", "foundation", "steering"]
    for name in names:
        _fail(client, name, "127.0.0.1", HTTP_X_REAL_IP="198.51.100.1")
    locked = client.post(
        "/login/",
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="198.51.100.1",
    )
    assert locked.status_code == 429
    other_client = client.post(
        "/login/",
        {"username": "admin", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="198.51.100.2",
    )
    assert other_client.status_code == 302, "another citizen behind the same proxy is not locked out"


@pytest.mark.parametrize(
    ("trusted", "remote", "header", "expected"),
    [
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy configured: the header is ignored
        (["127.0.0.1"], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not from the proxy: a forgery
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.1", "198.51.100.1"),  # a network of proxies
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the proxy's entry is last
        (["127.0.0.1"], "127.0.0.1", "not-an-address", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address_believes_the_header_only_from_a_trusted_proxy(
    settings, trusted, remote, header, expected
):
    settings.SUSI_TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if header:
        meta["HTTP_X_REAL_IP"] = header
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected
