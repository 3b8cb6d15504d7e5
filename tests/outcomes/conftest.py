"""Fixtures for the outcomes tests: two municipalities in one initiative, an evaluator, and users."""

from __future__ import annotations

import datetime as dt

import pytest

from susi.accounts.models import Role, User
from susi.organisations.models import Organisation
from susi.outcomes import pseudonyms
from susi.portfolio.models import Initiative, Intervention


@pytest.fixture(autouse=True)
def _outcomes_dirs(settings, tmp_path, monkeypatch):
    """Each test gets its own staging directory and its own pseudonym key file."""
    settings.SUSI_OUTCOMES_STAGING_DIR = tmp_path / "staging"
    settings.SUSI_PSEUDONYM_KEY_FILE = tmp_path / "pseudonym.key"
    monkeypatch.delenv("SUSI_PSEUDONYM_KEY", raising=False)
    pseudonyms.reset_key_cache()
    yield
    pseudonyms.reset_key_cache()


def _org(kind, name, code=""):
    return Organisation.objects.create(kind=kind, name=name, code=code)


def _user(username, role, organisation=None):
    return User.objects.create_user(
        username=username, password="x-secret-123", role=role, organisation=organisation
    )


@pytest.fixture
def world(db):
    """Aarhus and Odense take part in one testing initiative evaluated by VIVE; Vejle does not."""
    aarhus = _org(Organisation.Kind.MUNICIPALITY, "Aarhus", "751")
    odense = _org(Organisation.Kind.MUNICIPALITY, "Odense", "461")
    vejle = _org(Organisation.Kind.MUNICIPALITY, "Vejle", "630")
    vive = _org(Organisation.Kind.EVALUATOR, "VIVE")
    rambøll = _org(Organisation.Kind.EVALUATOR, "Rambøll")
    agency = _org(Organisation.Kind.AGENCY, "Social- og Boligstyrelsen")
    intervention = Intervention.objects.create(name="Mestringsforløb for ADHD", area="adults")
    initiative = Initiative.objects.create(
        intervention=intervention,
        title="Afprøvning af mestringsforløb",
        phase="testing",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2024, 1, 1),
        phase_started_on=dt.date(2024, 1, 1),
        evaluator=vive,
    )
    initiative.municipalities.set([aarhus, odense])
    other = Initiative.objects.create(
        intervention=Intervention.objects.create(name="CTI", area="adults"),
        title="Udbredelse af CTI",
        phase="dissemination",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2023, 1, 1),
        phase_started_on=dt.date(2023, 1, 1),
        evaluator=rambøll,
    )
    other.municipalities.set([aarhus, vejle])

    class World:
        pass

    w = World()
    w.aarhus, w.odense, w.vejle, w.vive, w.rambøll, w.agency = aarhus, odense, vejle, vive, rambøll, agency
    w.initiative, w.other = initiative, other
    w.aarhus_user = _user("aarhus", Role.MUNICIPALITY, aarhus)
    w.odense_user = _user("odense", Role.MUNICIPALITY, odense)
    w.vejle_user = _user("vejle", Role.MUNICIPALITY, vejle)
    w.evaluator = _user("vive", Role.EVALUATOR, vive)
    w.other_evaluator = _user("ramboll", Role.EVALUATOR, rambøll)
    w.agency_user = _user("styrelsen", Role.AGENCY, agency)
    w.steering = _user("styregruppe", Role.STEERING)
    w.admin = _user("admin", Role.ADMIN)
    return w
