"""The subgroups page ("for whom does it work"): the engine's numbers, the small-cell rule (no group under
5 citizens, none that a small group could be worked out from by subtraction), who may see it, English."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from susi.outcomes import selectors
from susi.outcomes.models import Instrument

from .test_pages_and_api import load


def _url(world, **query):
    base = reverse("outcomes:subgroups", args=[world.initiative.pk])
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_page_shows_the_engines_effects_per_group_and_the_interaction_test(client, world):
    from susi.engines.evaluation.estimators import subgroup_effects

    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    client.force_login(world.agency_user)
    response = client.get(_url(world, instrument="trivsel", by="municipality", followup=1))
    assert response.status_code == 200
    html = response.content.decode()
    frame = selectors.measurements_frame(world.initiative, Instrument.objects.get(code="trivsel"))
    expected = subgroup_effects(frame, "trivsel", "municipality")
    with translation.override("da"):
        for g in expected.groups:
            e = g.estimate
            assert f'<td class="num">{floatformat(e.estimate, 2)}</td>' in html
            assert f"{floatformat(e.ci_low, 2)} til {floatformat(e.ci_high, 2)}" in html
            assert f"{e.n_intervention} / {e.n_comparison}" in html
        assert f"F(1, {expected.df_denom}) = {floatformat(expected.statistic, 2)}" in html
        assert f"p = {floatformat(expected.p_value, 4)}" in html
    assert "<svg" in html and "Effekten i hver undergruppe" in html


def test_small_groups_and_groups_they_could_be_derived_from_are_withheld(client, world):
    world.initiative.municipalities.add(world.vejle)
    load(world, world.aarhus, n=60)
    load(world, world.odense, n=40, offset=500)
    load(world, world.vejle, n=6, offset=900)  # 3 + 3 citizens: under 5 in each arm
    client.force_login(world.agency_user)
    html = client.get(_url(world, instrument="trivsel", by="municipality", followup=1)).content.decode()
    withheld = re.findall(r'<th scope="row">(\d+)</th><td colspan="3" data-testid="withheld">([^<]*)<', html)
    # Vejle (630) is small; Odense (461), the smaller of the others, would give Vejle's 3 + 3 by
    # subtraction from the overall numbers, so it is withheld too and only Aarhus shows a number
    assert {code for code, _ in withheld} == {"630", "461"}
    assert any("trække fra" in reason for _, reason in withheld)
    assert " 3 / 3" not in html and "20 / 20" not in html
    assert "mindst to grupper" in html  # one group left: no interaction test


def test_only_those_who_see_the_initiatives_aggregates(client, world):
    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    url = _url(world, instrument="trivsel", by="sex", followup=1)
    for user in (world.vejle_user, world.other_evaluator):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(world.evaluator)
    assert client.get(url).status_code == 200
    # a municipality sees the split by sex or age, but not the other municipalities' effects
    client.force_login(world.aarhus_user)
    page = client.get(reverse("outcomes:subgroups", args=[world.initiative.pk])).content.decode()
    assert 'value="sex"' in page and 'value="municipality"' not in page
    refused = client.get(_url(world, instrument="trivsel", by="municipality", followup=1)).content.decode()
    assert 'data-testid="subgroups"' not in refused


def test_estimate_page_links_to_the_subgroups(client, world):
    load(world, world.aarhus, n=40)
    client.force_login(world.evaluator)
    page = client.get(
        reverse("outcomes:estimate", args=[world.initiative.pk]),
        {"instrument": "trivsel", "design": "ancova", "followup": 1},
    ).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="subgroups-link"', page).group(1).replace("&amp;", "&")
    followed = client.get(link)
    assert followed.status_code == 200 and 'data-testid="subgroups"' in followed.content.decode()


@pytest.mark.parametrize("by", ["municipality", "sex"])
def test_english_page_has_no_danish(client, world, by):
    from tests.web.test_english_pages import WORD, visible_text

    load(world, world.aarhus, n=60)
    load(world, world.odense, n=60, offset=500)
    client.force_login(world.agency_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_url(world, instrument="trivsel", by=by, followup=1)).content.decode()
    text = visible_text(re.search(r"<main.*?</main>", page, re.S).group(0))
    text = text.replace(world.initiative.title, "")
    assert "For whom" in text or "subgroup" in text
    assert not WORD.findall(text), WORD.findall(text)
