"""Personal API tokens: hashed at rest, read/write scope, expiry, revocation, listed on the user's own page."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from susi.accounts import tokens
from susi.accounts.models import ApiToken
from susi.web.api_errors import DomainError


def _api(token: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)  # a token caller has no session and no CSRF token
    if token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_a_token_is_stored_only_as_its_digest(world):
    user = world.users["agency"]
    row, token = tokens.issue_token(user, name="Sagssystem", scope="read", days=30)
    assert token.startswith("susi_") and len(token) > 40
    stored = ApiToken.objects.values().get(pk=row.pk)
    assert token not in json.dumps(stored, default=str)
    assert stored["digest"] == hashlib.sha256(token.encode()).hexdigest()
    assert stored["prefix"] == token[:11]


def test_a_read_token_reads_as_its_user_and_may_not_write(world):
    user = world.users["municipality"]
    _row, token = tokens.issue_token(user, name="BI", scope="read", days=30)
    listed = _api(token).get("/api/initiatives")
    assert listed.status_code == 200
    titles = [i["title"] for i in listed.json()["items"]]
    assert "Eget initiativ" in titles and "Andet initiativ" not in titles, "the user's own scope applies"
    write = _api(token).post(
        f"/api/initiatives/{world.own_initiative.pk}/gate-decisions",
        json.dumps({"outcome": "stop", "justification": "x"}),
        content_type="application/json",
    )
    assert write.status_code == 401
    assert ApiToken.objects.get().last_used_at is not None


def test_a_write_token_writes_without_a_session_or_csrf(world):
    agency = world.users["agency"]
    _row, token = tokens.issue_token(agency, name="Integration", scope="write", days=30)
    url = f"/api/initiatives/{world.own_initiative.pk}/gate-decisions"
    body = {
        "outcome": "rework",
        "justification": "Mere arbejde",
        "assessments": {
            c: {"rating": "partly_met", "justification": "x"}
            for c in ("effect", "economy", "implementation", "demand", "realistic_operation")
        },
    }
    response = _api(token).post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["decided_by"]


@pytest.mark.parametrize("state", ["expired", "revoked", "inactive_user", "wrong", "missing"])
def test_unusable_tokens_get_401(world, state):
    user = world.users["agency"]
    row, token = tokens.issue_token(user, name="x", scope="write", days=1)
    if state == "expired":
        ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        tokens.revoke_token(user, row)
    elif state == "inactive_user":
        user.is_active = False
        user.save()
    elif state == "wrong":
        token = token[:-2] + "xx"
    elif state == "missing":
        token = None
    assert _api(token).get("/api/initiatives").status_code == 401


def test_bad_input_is_refused_and_nothing_is_made(world):
    user = world.users["agency"]
    for kwargs, field in (
        ({"name": "", "scope": "read", "days": 30}, "name"),
        ({"name": "x", "scope": "admin", "days": 30}, "scope"),
        ({"name": "x", "scope": "read", "days": 0}, "days"),
        ({"name": "x", "scope": "read", "days": 366}, "days"),
    ):
        with pytest.raises(DomainError) as error:
            tokens.issue_token(user, **kwargs)
        assert error.value.field == field
    assert not ApiToken.objects.exists()


def test_the_account_page_lists_makes_and_revokes_own_tokens(client, world):
    user = world.users["evaluator"]
    client.force_login(user)
    page = client.get("/konto/").content.decode()
    assert "Du har ingen API-nøgler." in page and "Skift adgangskode" in page
    made = client.post("/konto/", {"name": "Statistikserver", "scope": "read", "days": "90"})
    assert made.status_code == 200
    html = made.content.decode()
    row = ApiToken.objects.get(user=user)
    token = html.split('data-testid="new-token">')[1].split("<")[0]
    assert hashlib.sha256(token.encode()).hexdigest() == row.digest
    listing = client.get("/konto/").content.decode()
    assert "Statistikserver" in listing and row.prefix in listing and token not in listing
    assert client.post(f"/konto/noegler/{row.pk}/tilbagekald/").status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert "Tilbagekaldt" in client.get("/konto/").content.decode()


def test_nobody_revokes_another_users_token(client, world):
    row, _token = tokens.issue_token(world.users["agency"], name="x", scope="read", days=1)
    client.force_login(world.users["municipality"])
    assert client.post(f"/konto/noegler/{row.pk}/tilbagekald/").status_code == 404
    row.refresh_from_db()
    assert row.revoked_at is None


def test_the_account_page_in_english(client, world):
    client.force_login(world.users["evaluator"])
    client.cookies["django_language"] = "en"
    page = client.get("/konto/").content.decode()
    assert "My account" in page and "API tokens" in page and "You have no API tokens." in page
    bad = client.post("/konto/", {"name": "x", "scope": "read", "days": "999"})
    assert bad.status_code == 422


def test_the_openapi_schema_documents_token_and_session_login(client, world):
    client.force_login(world.users["agency"])
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiTokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
