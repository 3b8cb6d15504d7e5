"""The public knowledge pages: no login, only what is published, nothing citizen-level or small-cell, no link
behind the login; and the site's allow-list of public URLs (SUSI_PUBLIC_PATHS), checked for every route."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from susi.knowledge import services
from susi.knowledge.models import Publication
from tests.knowledge.conftest import ACTIVITY

SECTIONS = ["history", "evidence", "economy", "fidelity", "involvement", "notes"]


def _calculation(world, name, public):
    from susi.som.models import Calculation

    return Calculation.objects.create(
        name=name,
        owner=world.users["agency"],
        initiative=world.own_initiative,
        knowledge_version=1,
        case={},
        public=public,
        result={
            "deterministic": {"present_value": 1234567.0, "pv_costs": -100.0, "pv_gains": 200.0},
            "monte_carlo": {
                "draws": 1000,
                "present_value": {
                    "mean": 1.0,
                    "percentiles": {"5": -10.0, "95": 99.0},
                    "probability_positive": 0.83,
                },
            },
        },
    )


def _fidelity(world, n_citizens, municipality):
    from susi.outcomes.models import Citizen, DeliveryRecord, Enrolment

    for i in range(n_citizens):
        citizen = Citizen.objects.create(pseudonym=f"p-{municipality.code}-{i}", birth_year=1990, sex="F")
        enrolment = Enrolment.objects.create(
            citizen=citizen,
            initiative=world.own_initiative,
            municipality=municipality,
            arm="intervention",
            start=date(2025, 1, 1),
        )
        DeliveryRecord.objects.create(enrolment=enrolment, component="Samtale", delivered=1.0)


@pytest.fixture
def published(world, activity):
    agency = world.users["agency"]
    intervention = world.own_initiative.intervention
    intervention.target_group = "Voksne i hjemløshed"
    intervention.description = "En beskrivelse"
    intervention.save()
    services.publish(agency, intervention, published=True, sections=SECTIONS, summary="Offentligt resumé")
    return intervention


def test_anonymous_reads_the_published_page_without_login(client, published):
    index = client.get("/viden/")
    assert index.status_code == 200 and published.name in index.content.decode()
    page = client.get(f"/viden/{published.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for dimension in ("Målgruppe", "Metode", "Implementering", "Effekt", "Økonomi"):
        assert f'<th scope="row">{dimension}</th>' in html
    assert "Offentligt resumé" in html
    assert "Beskrivelsen siger nu højst ét møde om ugen." in html  # what involvement changed


def test_unpublished_interventions_are_not_public(client, world, published):
    other = world.other_initiative.intervention
    assert client.get(f"/viden/{other.pk}/").status_code == 404
    Publication.objects.filter(intervention=published).update(published=False)
    assert client.get(f"/viden/{published.pk}/").status_code == 404
    assert published.name not in client.get("/viden/").content.decode()


def test_sections_not_chosen_are_not_shown(client, world, published):
    services.publish(world.users["agency"], published, published=True, sections=["history"])
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert 'id="involvement"' not in html and 'id="economy"' not in html and 'id="history"' in html


def test_no_small_cells_on_the_public_page(client, world, published):
    # involvement: 3 citizens, 2 relatives (< 5: withheld), 4 staff, 1 user organisation
    html = client.get(f"/viden/{published.pk}/").content.decode()
    involvement = html[html.index('id="involvement"') :]
    involvement = involvement[: involvement.index("</section>")]
    assert "færre end 5" in involvement
    for small in ("<dd>3</dd>", "<dd>2</dd>", "<dd>4</dd>", "<dd>1</dd>"):
        assert small not in involvement
    # a second activity lifts citizens to 6: shown
    services.record_involvement(world.users["agency"], world.own_initiative, {**ACTIVITY, "citizens": 3})
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "<dd>6</dd>" in html


def test_fidelity_from_fewer_than_five_citizens_is_never_public(client, world, published):
    _fidelity(world, 3, world.own_municipality)
    html = client.get(f"/viden/{published.pk}/").content.decode()
    fidelity = html[html.index('id="fidelity"') :]
    fidelity = fidelity[: fidelity.index("</section>")]
    assert "færre end 5 borgere indgår ikke" in fidelity and "%" not in fidelity
    _fidelity(world, 6, world.other_municipality)
    world.own_initiative.municipalities.add(world.other_municipality)
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "100 %" in html and "1 af 1 kommuner" in html
    for pseudonym in ("p-751-0", "p-461-0"):
        assert pseudonym not in html


def test_no_citizen_level_data_on_the_public_page(client, world, published):
    _fidelity(world, 6, world.own_municipality)
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "p-751-" not in html and "pseudonym" not in html.lower()
    assert not re.search(r"\b\d{6}-?\d{4}\b", html)  # nothing shaped like a CPR number


def test_only_public_som_calculations_are_shown(client, world, published):
    _calculation(world, "Hemmelig beregning", public=False)
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "Hemmelig beregning" not in html and "1.234.567 kr." not in html
    assert "Der er ingen offentliggjort SØM-beregning." in html
    _calculation(world, "Offentlig beregning", public=True)
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "Offentlig beregning" in html and "1.234.567 kr." in html and "83 %" in html
    assert "Hemmelig beregning" not in html


def _hrefs(html):
    return re.findall(r'href="([^"]*)"', html)


def _is_public(href):
    return (
        href.startswith("#")
        or href.startswith(settings.STATIC_URL)
        or any(href.startswith(prefix) for prefix in settings.SUSI_PUBLIC_PATHS)
    )


def test_every_link_on_a_public_page_is_public(client, world, published):
    from susi.portfolio.models import GateDecision

    decision = GateDecision.objects.create(
        initiative=world.own_initiative,
        phase="screening",
        track="track1",
        state="recorded",
        outcome="continue",
        prepared_by=world.users["agency"],
        sequence=1,
    )
    services.record_knowledge_note(
        world.users["agency"], decision, services.FastTrack(True, ("municipalities",), "Lært noget")
    )
    for url in ("/viden/", f"/viden/{published.pk}/", "/viden/ny-viden/"):
        html = client.get(url).content.decode()
        assert "Lært noget" in html
        bad = [h for h in _hrefs(html) if not _is_public(h)]
        assert not bad, (url, bad)
        for href in _hrefs(html):
            if not href.startswith("#") and not href.startswith(settings.STATIC_URL):
                assert client.get(href.split("#")[0]).status_code == 200, href


def test_the_atom_feed_gathers_notes_to_spread(client, world, published):
    from susi.portfolio.models import GateDecision

    def note(spread, text, sequence):
        decision = GateDecision.objects.create(
            initiative=world.own_initiative,
            phase="screening",
            track="track1",
            state="recorded",
            outcome="continue",
            prepared_by=world.users["agency"],
            sequence=sequence,
        )
        services.record_knowledge_note(
            world.users["agency"],
            decision,
            services.FastTrack(spread, ("municipalities",) if spread else (), text),
        )

    note(True, "Del dette nu", 1)
    note(False, "Ikke endnu", 2)
    feed = client.get("/viden/ny-viden/feed.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Del dette nu" in body and "Ikke endnu" not in body
    services.publish(world.users["agency"], published, published=True, sections=["history"])
    assert "Del dette nu" not in client.get("/viden/ny-viden/feed.atom").content.decode()


def test_public_page_in_english(client, published):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/viden/{published.pk}/").content.decode()
    assert "Knowledge declaration" in html and "Target group" in html and "fewer than 5" in html


# --- the allow-list: every route outside SUSI_PUBLIC_PATHS refuses an anonymous visitor --------------------

# reachable without a login by design: logging in, password reset, the health check, the language switch
KNOWN_PUBLIC = (
    "/login/",
    "/adgangskode/glemt/",
    "/adgangskode/ny/",
    "/healthz",
    "/i18n/",
    "/api/docs",
    "/api/openapi",
)


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _example(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(str:|slug:)?[^>]+>", "x", route)
    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    return "/" + route


def test_public_prefix_is_the_knowledge_pages_only():
    assert settings.SUSI_PUBLIC_PATHS == ("/viden/",)


def test_every_route_outside_the_allow_list_refuses_anonymous_visitors(client, world, published):
    routes = sorted({_example(r) for r in _routes(get_resolver().url_patterns)})
    assert "/viden/" in routes and "/viden/1/" in routes
    leaks = []
    for path in routes:
        if "(" in path or "?" in path or path.startswith("/admin/") or path.startswith("/static/"):
            continue  # regex routes (admin, ninja internals) are covered by their own tests
        public = any(path.startswith(p) for p in settings.SUSI_PUBLIC_PATHS)
        if public or path.startswith(KNOWN_PUBLIC):
            continue
        response = client.get(path)
        if response.status_code in (200, 201):
            leaks.append(path)
    assert not leaks, f"served to an anonymous visitor outside SUSI_PUBLIC_PATHS: {leaks}"


def test_public_views_are_marked_login_not_required():
    """If LoginRequiredMiddleware is switched on, the allow-listed pages stay public and nothing else does."""
    resolver = get_resolver()
    for path in ("/viden/", "/viden/1/", "/viden/ny-viden/", "/viden/ny-viden/feed.atom"):
        assert getattr(resolver.resolve(path).func, "login_required", True) is False, path
    for path in ("/ny-viden/", "/initiativer/1/inddragelse/", "/ny-viden/offentliggoerelse/"):
        assert getattr(resolver.resolve(path).func, "login_required", True) is not False, path
