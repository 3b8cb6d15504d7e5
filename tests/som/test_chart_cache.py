"""A saved calculation's charts are drawn and its simulation run once, then read: not on every view of its page."""

from __future__ import annotations

import re

from django.core.cache import caches

from susi.accounts.models import Role
from susi.som import charts, services
from susi.som.models import Calculation

from .test_calculator import form_post


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)


def test_charts_are_drawn_once_per_calculation_and_language(client_for, monkeypatch):
    caches["som"].clear()
    drawn = []
    real = charts.cumulative

    def counting(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "cumulative", counting)
    simulated = []
    real_recalculate = services.recalculate

    def counting_simulations(calculation):
        simulated.append(1)
        return real_recalculate(calculation)

    monkeypatch.setattr(services, "recalculate", counting_simulations)
    client = client_for(Role.MUNICIPALITY)
    assert client.post("/som/beregn/", form_post(client, draws="500")).status_code == 302
    calc = Calculation.objects.get()
    url = f"/som/beregning/{calc.pk}/"
    client.get(url)  # the first view after saving (with its "saved" message) draws
    first = _without_tokens(client.get(url).content.decode())
    second = _without_tokens(client.get(url).content.decode())
    assert len(drawn) == 1 and first == second and "<svg" in first
    # The figures are read too: the simulation ran once (and the page still prints them).
    assert len(simulated) == 1 and 'data-testid="present-value"' in second and " kr." in second

    client.cookies["django_language"] = "en"  # the English page has its own drawing (English labels)
    client.get(url)
    client.get(url)
    assert len(drawn) == 2

    # Another calculation (other inputs) is drawn for itself.
    Calculation.objects.filter(pk=calc.pk).update(seed=calc.seed + 1)
    client.get(url)
    assert len(drawn) == 3
