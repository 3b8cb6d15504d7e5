"""Demo data: the CTI initiative's gate into dissemination shows suggestions from the platform's own numbers,
and a municipality in Housing First (dissemination) gets an expected-results pack with its own numbers."""

from importlib import import_module

import pytest

from susi.engines import phases
from susi.portfolio.models import Initiative
from susi.portfolio.suggestions import gate_suggestions

# every loader but the citizens' outcome data (slow, and not what this test reads)
LOADERS = [name for name in import_module("susi.demo").LOADERS if name != "susi.outcomes.demo"]


@pytest.fixture
def demo(db):
    for name in LOADERS:
        import_module(name).load(lambda line: None)


def test_the_cti_gate_suggests_from_evidence_som_rounds_and_budgets(demo):
    cti = Initiative.objects.get(title__startswith="Afprøvning af CTI")
    assert cti.phase == "testing"
    got = gate_suggestions(cti)
    for criterion in (
        phases.Criterion.EFFECT,
        phases.Criterion.ECONOMY,
        phases.Criterion.DEMAND,
        phases.Criterion.REALISTIC_OPERATION,
    ):
        assert got[criterion].rating is not None, criterion
        assert got[criterion].numbers, criterion
    assert got[phases.Criterion.EFFECT].numbers["level"] == "A"
    assert 0 <= got[phases.Criterion.ECONOMY].numbers["probability_break_even"] <= 1


def test_aarhus_gets_a_pack_in_housing_first(demo, client):
    from susi.accounts.models import User

    housing_first = Initiative.objects.get(title__startswith="Udbredelse af Housing First")
    client.force_login(User.objects.get(username="kommune"))
    html = client.get(f"/udbredelse/initiativer/{housing_first.pk}/forventede-resultater/").content.decode()
    assert "Forventede resultater for Aarhus" in html
    assert "Egne priser brugt for" in html and "35 borgere pr. år" in html
    assert "Bostøttemedarbejdere er uddannet" in html
