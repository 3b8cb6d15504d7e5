"""Fixtures shared by every app's tests: one world with two municipalities, an evaluator, a foundation,
and one user per role, plus an initiative each municipality takes part in."""

import os
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings

from susi.accounts.models import Role, User
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative
from tests.factories import (
    AgencyOrgFactory,
    EvaluatorOrgFactory,
    FoundationOrgFactory,
    InitiativeFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)

# Property tests on a loaded two-core machine: no per-example deadline and no failure because generating
# examples is slow (both measure the machine, not the code). "ci" is the default; HYPOTHESIS_PROFILE=dev
# gives Hypothesis' own defaults back when you want to see slow examples.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@dataclass
class World:
    own_municipality: Organisation
    other_municipality: Organisation
    evaluator_org: Organisation
    other_evaluator_org: Organisation
    foundation_org: Organisation
    own_initiative: Initiative  # the own municipality, the evaluator and the foundation take part
    other_initiative: Initiative  # only the other municipality and the other evaluator take part
    users: dict[str, User]
    provider_org: Organisation | None = None  # a social provider taking part in the own initiative


@pytest.fixture
def world(db) -> World:
    agency = AgencyOrgFactory()
    own = MunicipalityFactory(name="Aarhus", code="751")
    other = MunicipalityFactory(name="Odense", code="461")
    evaluator = EvaluatorOrgFactory(name="VIVE")
    other_evaluator = EvaluatorOrgFactory(name="Rambøll")
    foundation = FoundationOrgFactory(name="TrygFonden")
    provider = OrganisationFactory(name="Herberget")
    own_initiative = InitiativeFactory(
        title="Eget initiativ", municipalities=[own], evaluator=evaluator, foundation=foundation
    )
    own_initiative.providers.set([provider])
    other_initiative = InitiativeFactory(
        title="Andet initiativ", municipalities=[other], evaluator=other_evaluator
    )
    users = {
        Role.AGENCY: UserFactory(username="agency", role=Role.AGENCY, organisation=agency),
        Role.MUNICIPALITY: UserFactory(username="municipality", role=Role.MUNICIPALITY, organisation=own),
        Role.EVALUATOR: UserFactory(username="evaluator", role=Role.EVALUATOR, organisation=evaluator),
        Role.FOUNDATION: UserFactory(username="foundation", role=Role.FOUNDATION, organisation=foundation),
        Role.STEERING: UserFactory(username="steering", role=Role.STEERING),
        Role.ADMIN: UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        Role.PROVIDER: UserFactory(username="provider", role=Role.PROVIDER, organisation=provider),
    }
    return World(
        own, other, evaluator, other_evaluator, foundation, own_initiative, other_initiative, users, provider
    )


def _snapshot():
    from django.apps import apps

    data = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "axes", "admin"}:
            continue
        data[model._meta.label] = sorted(map(repr, model.objects.values_list()))
    return data


@pytest.fixture
def db_snapshot(db):
    """Call it to get every row of every table; compare two calls to prove that nothing changed."""
    return _snapshot


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with empty caches (results cached by one test never leak into the next)."""
    from django.core.cache import caches

    for alias in ("default", "som"):
        caches[alias].clear()
    yield
