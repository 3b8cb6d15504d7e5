"""The SØM portfolio page: several saved calculations added up per year and authority, the joint
uncertainty of the sum, a chart, tables and an Excel export — the same numbers as the engine."""

import io
import re

import numpy as np
import openpyxl
import pytest

from susi.accounts.models import Role
from susi.engines.som import DEFAULT_SEED, Case, Consequence, Normal, Outcome, Price, case_to_json
from susi.engines.som.portfolio import simulate_portfolio
from susi.som import services
from susi.som.models import Calculation
from susi.web.formatting import kr


def _case(name: str, success_rate, price, horizon: int) -> Case:
    # 10 citizens; each success saves one unit of "s" a year at `price` (municipality) + 200 (region)
    return Case(
        name=name,
        intake=(10.0,),
        costs=(),
        outcomes=(Outcome("o", success_rate, (Consequence("s", -1.0),)),),
        prices=(Price("s", municipality=price, region=200.0, area="housing"),),
        horizon=horizon,
        discount_rate=0.0,
    )


@pytest.fixture
def saved(knowledge):
    owner = knowledge.users[Role.MUNICIPALITY]
    cases = [
        _case("Bolig først", Normal(0.1, 0.01), Normal(1000.0, 100.0), 3),
        _case("Efterværn", 0.2, Normal(1000.0, 100.0), 4),
    ]
    calcs = [
        services.save_calculation(owner, case_to_json(c), draws=2000, seed=1, knowledge_version=1)
        for c in cases
    ]
    return knowledge, calcs, cases


def test_portfolio_page_shows_the_engines_sums_and_joint_uncertainty(client_for, saved):
    knowledge, (a, b), cases = saved
    client = client_for(Role.MUNICIPALITY)
    response = client.get(f"/som/portefoelje/?ids={a.pk}&ids={b.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    engine = simulate_portfolio(cases, draws=2000, seed=DEFAULT_SEED)
    det = engine.deterministic_net_by_authority
    # Hand calculation: year 1-3 both cases (1 + 2 successes) × (1,000 + 200); year 4 only the second.
    np.testing.assert_allclose(det, [[3000, 600, 0]] * 3 + [[2000, 400, 0]])
    assert kr(3600) in html and kr(2400) in html
    assert kr(3 * 3600 + 2400) in html  # the present value of the sum (no discounting)
    assert kr(float(engine.present_value.mean())) in html
    p = engine.pv_percentiles()
    assert f"{kr(p[5])} til {kr(p[95])}" in html
    assert "<svg" in html and 'data-testid="portfolio-years"' in html
    # a shared price is drawn once: named on the page
    assert "prices[s].municipality" in html


def test_portfolio_excel_has_the_same_numbers(client_for, saved):
    knowledge, (a, b), cases = saved
    client = client_for(Role.MUNICIPALITY)
    response = client.get(f"/som/portefoelje/excel/?ids={a.pk}&ids={b.pk}")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    years = wb["Pr. år"]
    rows = list(years.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1:5] for r in rows] == [(3000, 600, 0, 3600)] * 3 + [(2000, 400, 0, 2400)]
    assert [r[5] for r in rows] == [3600, 7200, 10800, 13200]  # accumulated present value
    authorities = list(wb["Pr. myndighed"].iter_rows(min_row=2, values_only=True))
    assert authorities[0][1] == 11000 and authorities[1][1] == 2200


def test_portfolio_needs_two_visible_calculations(client_for, saved):
    knowledge, (a, b), _cases = saved
    owner = client_for(Role.MUNICIPALITY)
    assert owner.get(f"/som/portefoelje/?ids={a.pk}").status_code == 302
    assert Calculation.objects.count() == 2
    # someone who may not see the calculations gets 403, not the numbers
    other = client_for(Role.PROVIDER)
    assert other.get(f"/som/portefoelje/?ids={a.pk}&ids={b.pk}").status_code in (403, 404)
    assert other.get(f"/som/portefoelje/excel/?ids={a.pk}&ids={b.pk}").status_code in (403, 404)


def test_the_som_pages_link_to_the_portfolio(client_for, saved):
    knowledge, (a, b), _cases = saved
    client = client_for(Role.MUNICIPALITY)
    assert 'data-testid="portfolio-button"' in client.get("/som/").content.decode()
    html = client.get(f"/som/sammenlign/?ids={a.pk}&ids={b.pk}").content.decode()
    assert f"/som/portefoelje/?ids={a.pk}&amp;ids={b.pk}" in html


def test_portfolio_page_in_english_has_no_danish(client_for, saved):
    from django.conf import settings

    from tests.web.test_english_pages import WORD, visible_text

    knowledge, (a, b), _cases = saved
    client = client_for(Role.MUNICIPALITY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/som/portefoelje/?ids={a.pk}&ids={b.pk}").content.decode()
    text = visible_text(re.search(r"<main.*?</main>", page, re.S).group(0))  # header/footer: other tests
    for name in (a.name, b.name):
        text = text.replace(name, "")
    assert "SØM portfolio" in text
    assert not WORD.findall(text), WORD.findall(text)
