"""Every API error is JSON in the documented shape ``{"detail": [{"field": ..., "message": ...}]}`` — never HTML —
for 401, 403 (no access and a failed CSRF check), 404, 405, 422 and 500, over every route of the API, with the
message in the request's language."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from susi.accounts.models import Role
from susi.config.api import api


def routes() -> list[tuple[str, str, list[str]]]:
    """(method, path template, query parameter names) for every operation in the OpenAPI schema."""
    schema = api.get_openapi_schema()
    out = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            out.append((method.upper(), path, query))
    return out


ROUTES = routes()
PATHS = sorted({path for _, path, _ in ROUTES})
UNKNOWN_ID = 987654


def url(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", str(UNKNOWN_ID), path)


def error_shape(response) -> list[dict]:
    """The `detail` list, after checking the response is JSON in the documented shape."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = json.loads(response.content)
    assert set(body) == {"detail"}
    detail = body["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert set(item) == {"field", "message"}
        assert isinstance(item["field"], str) and isinstance(item["message"], str) and item["message"]
    return detail


def call(client: Client, method: str, path: str, **extra):
    return client.generic(method, path, data=extra.pop("data", ""), content_type="application/json", **extra)


def test_the_schema_lists_the_api():
    assert len(ROUTES) >= 20 and any(p.startswith("/api/outcomes/") for p in PATHS)


@pytest.mark.parametrize(("method", "path", "query"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_not_logged_in_is_401_json(client, world, method, path, query):
    response = call(client, method, url(path))
    assert response.status_code == 401
    assert error_shape(response)[0]["message"] == "Du skal være logget ind."


@pytest.mark.parametrize(("method", "path", "query"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_every_route_answers_json_for_an_unknown_or_bad_request(client, world, method, path, query):
    client.force_login(world.users[Role.AGENCY])
    response = call(client, method, url(path), data="{}" if method == "POST" else "")
    if response.status_code < 400:  # a list that is simply empty for an unknown filter
        assert method == "GET"
        return
    assert response.status_code in (403, 404, 422)
    error_shape(response)


@pytest.mark.parametrize("path", PATHS)
def test_a_method_the_path_does_not_take_is_405_json(client, world, path):
    client.force_login(world.users[Role.AGENCY])
    response = client.delete(url(path))
    assert response.status_code == 405
    assert error_shape(response)[0]["message"] == "Denne metode kan ikke bruges her."


QUERY_ROUTES = [(m, p, q) for m, p, q in ROUTES if q]


@pytest.mark.parametrize(
    ("method", "path", "query"), QUERY_ROUTES, ids=[f"{m} {p}" for m, p, _ in QUERY_ROUTES]
)
def test_every_bad_query_parameter_is_422_json(client, world, method, path, query):
    client.force_login(world.users[Role.AGENCY])
    path = re.sub(r"\{[a-z_]+\}", str(world.own_initiative.pk), path)
    for name in query:
        response = call(client, method, f"{path}?{name}=abc%2F1")
        # free text: any value is a valid filter (also the shared SØM calculations' search fields)
        if name in ("outcome",) or (
            path == "/api/som/shared" and name in ("target_group", "intervention", "q")
        ):
            assert response.status_code == 200
            continue
        if name in (
            "phase",
            "programme",
            "area",
            "track",
            "status",
            "municipality",
        ):  # text filters: unknown is empty
            assert response.status_code in (200, 422)
            if response.status_code == 200:
                continue
        assert response.status_code == 422, (name, response.content[:200])
        detail = error_shape(response)
        assert detail[0]["field"] == name


@pytest.mark.parametrize(
    "path", ["/api/interventions", "/api/initiatives", "/api/outcomes/initiatives/{pk}/enrolments"]
)
def test_a_negative_offset_is_422_not_500(client, world, path):
    client.force_login(world.users[Role.AGENCY])
    response = client.get(path.replace("{pk}", str(world.own_initiative.pk)), {"offset": -5})
    assert response.status_code == 422
    assert error_shape(response) == [{"field": "offset", "message": "Skal være mindst 0."}]


def test_the_message_follows_the_language_cookie(client, world):
    client.force_login(world.users[Role.AGENCY])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/interventions", {"offset": -5})
    assert error_shape(response) == [{"field": "offset", "message": "Must be at least 0."}]
    response = client.get(f"/api/initiatives/{UNKNOWN_ID}")
    assert response.status_code == 404 and error_shape(response)[0]["message"] == "Not found."


def test_an_engine_error_is_422_in_the_request_language(client, world):
    client.force_login(world.users[Role.AGENCY])
    body = {"measure": "RR", "method": "DL", "studies": [{"ai": 1, "bi": 2, "ci": 3, "di": 4}]}
    danish = client.post("/api/evidence/meta", body, content_type="application/json")
    assert danish.status_code == 422
    assert "mindst 2 studier" in error_shape(danish)[0]["message"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post("/api/evidence/meta", body, content_type="application/json")
    assert english.status_code == 422
    assert "at least 2 studies" in error_shape(english)[0]["message"]


@pytest.mark.parametrize(
    ("method", "path"), sorted({(m, p) for m, p, _ in ROUTES if m == "POST"}), ids=lambda v: str(v)
)
def test_a_failed_csrf_check_is_403_json(world, method, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.AGENCY])
    response = call(client, method, url(path), data="{}")
    assert response.status_code == 403
    assert "CSRF" in error_shape(response)[0]["message"]


def test_an_unknown_api_path_is_404_json(client, world):
    client.force_login(world.users[Role.AGENCY])
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert error_shape(response)[0]["message"] == "Findes ikke."


def test_a_server_fault_is_500_json_and_says_nothing_of_the_cause(client, world, monkeypatch):
    from susi.som import selectors

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "current_version", broken)
    client.force_login(world.users[Role.AGENCY])
    response = client.get("/api/som/version")
    assert response.status_code == 500
    detail = error_shape(response)
    assert "secret" not in response.content.decode()
    assert detail[0]["message"] == "Der skete en fejl på serveren. Prøv igen senere."
