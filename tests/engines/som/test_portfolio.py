"""A portfolio of cases: sums per year and authority, joint uncertainty from shared draws (closed forms)."""

import numpy as np
import pytest

from susi.engines.som import Case, Consequence, Normal, Outcome, Price, calculate
from susi.engines.som.portfolio import simulate_portfolio


def case(success_rate=0.10, price=1000.0, name="a") -> Case:
    # 10 citizens × success rate; each success saves one unit of "s" at `price` a year; 3 years, no discounting.
    return Case(
        name=name,
        intake=(10.0,),
        costs=(),
        outcomes=(Outcome("o", success_rate, (Consequence("s", -1.0),)),),
        prices=(Price("s", municipality=price, region=200.0, area="housing"),),
        horizon=3,
        discount_rate=0.0,
    )


def test_deterministic_sum_per_year_and_authority():
    p = simulate_portfolio([case(), case(0.2, name="b")], draws=10, seed=1)
    # a: 1 success × (1,000 + 200); b: 2 successes: municipality 1,000 + 2,000, region 200 + 400 each year.
    np.testing.assert_allclose(p.deterministic_net_by_authority, [[3000, 600, 0]] * 3)
    assert p.net.shape == (10, 3)
    np.testing.assert_allclose(p.net, 3600)  # nothing uncertain: every draw is the sum


def test_a_shared_price_is_drawn_once_and_case_inputs_independently():
    # Uncertain price only (shared): PV of one case = 3 · 1 · (X + 200), sd 3 · 100 = 300; two cases with the
    # same price move together: sd 600 (= 2 × 300), not √2 × 300.
    shared = [case(price=Normal(1000.0, 100.0)), case(price=Normal(1000.0, 100.0), name="b")]
    p = simulate_portfolio(shared, draws=40_000, seed=2)
    tol = 4 / np.sqrt(2 * 40_000)
    assert p.present_value.std() == pytest.approx(600, rel=tol)
    assert p.shared_inputs == ("prices[s].municipality",)
    # Uncertain success rates only (each case's own): PV = 3 · 10 · sr · 1,200, sd 3 · 10 · 0.01 · 1,200 = 360
    # each; independent: √2 · 360 = 509.1.
    own = [case(success_rate=Normal(0.1, 0.01)), case(success_rate=Normal(0.1, 0.01), name="b")]
    q = simulate_portfolio(own, draws=40_000, seed=3)
    assert q.present_value.std() == pytest.approx(np.sqrt(2) * 360, rel=tol)
    assert q.present_value.mean() == pytest.approx(2 * calculate(own[0]).present_value, abs=4 * 509.1 / 200)
