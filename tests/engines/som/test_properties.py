"""Properties over random cases: the fast year-major path used by Monte Carlo gives the same money as the
detailed path used for the deterministic result and its splits; the splits add up; a draw of the point
values reproduces the deterministic result."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.som import Case, Consequence, Cost, Normal, Outcome, Price, calculate, compile_case
from susi.engines.som.core import evaluate

AREAS = ["housing", "health", "employment", "psychiatry"]
money = st.floats(min_value=-5_000, max_value=5_000, allow_nan=False)


@st.composite
def cases(draw):
    horizon = draw(st.integers(1, 8))
    intake = tuple(draw(st.lists(st.floats(0, 50, allow_nan=False), min_size=1, max_size=horizon)))
    services = [f"s{i}" for i in range(draw(st.integers(1, 4)))]
    prices = tuple(
        Price(s, municipality=draw(money), region=draw(money), state=draw(money), area=draw(st.sampled_from(AREAS)),
              committee=draw(st.sampled_from(["social", "employment", None])))
        for s in services
    )  # fmt: skip
    outcomes = []
    for o in range(draw(st.integers(1, 3))):
        consequences = []
        for _ in range(draw(st.integers(1, 3))):
            service = draw(st.sampled_from(services))
            kind = draw(st.integers(0, 2))
            if kind == 2:  # a profile drawn as one: one uncertain change scaled across the years
                profile = tuple(
                    draw(st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=horizon + 2))
                )
                consequences.append(
                    Consequence(service, Normal(draw(st.floats(-20, 20)), 2.0), profile=profile)
                )
            elif kind == 1:
                change = tuple(
                    draw(st.lists(st.floats(-20, 20, allow_nan=False), min_size=1, max_size=horizon + 2))
                )
                consequences.append(Consequence(service, change))
            else:
                years = draw(st.one_of(st.none(), st.integers(1, horizon + 1)))
                consequences.append(
                    Consequence(service, draw(st.floats(-20, 20, allow_nan=False)), years=years)
                )
        outcomes.append(
            Outcome(
                f"o{o}",
                Normal(draw(st.floats(0.07, 0.5)), 0.05),
                tuple(consequences),
                effect_delay_years=draw(st.one_of(st.none(), st.integers(0, horizon - 1))),
                phase_in_years=draw(st.floats(0, 4)),
                relapse=Normal(draw(st.floats(0.07, 0.5)), 0.05),  # near 0: truncated to [0, 1]
                scale=draw(st.sampled_from([1.0, 0.5, Normal(1.0, 0.2)])),
            )
        )
    costs = (
        Cost("a", "once", draw(st.floats(0, 1e5)), year=draw(st.integers(1, horizon))),
        Cost("b", "per_citizen", Normal(draw(st.floats(700, 1e4)), 500.0), payer=draw(st.sampled_from(["municipality", "region", "state"]))),
        Cost("c", "per_year", draw(st.floats(0, 1e4)), payer="state"),
    )  # fmt: skip
    return Case(
        name="random",
        intake=intake,
        costs=costs,
        outcomes=tuple(outcomes),
        prices=prices,
        horizon=horizon,
        duration_years=draw(st.integers(1, min(3, horizon))),
        discount_rate=draw(st.floats(0, 0.1)),
    )


@settings(max_examples=60, deadline=None)
@given(cases(), st.integers(0, 2**32 - 1))
def test_fast_path_equals_detailed_path(case, seed):
    cc = compile_case(case)
    columns = tuple(range(len(cc.parameters)))
    rng = np.random.default_rng(seed)
    values = np.column_stack([p.dist.sample(rng, 7) for p in cc.parameters])
    fast = evaluate(cc, columns, values)
    for i in range(7):
        slow = evaluate(cc, columns, values[i : i + 1], detail=True)
        np.testing.assert_allclose(fast.gains[i], slow.gains[0], rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(fast.costs[i], slow.costs[0], rtol=1e-9, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_splits_add_up_and_point_draw_equals_deterministic(case):
    result = calculate(case)
    np.testing.assert_allclose(sum(result.net_by_authority.values()), result.net, atol=1e-6)
    if result.net_by_area:
        np.testing.assert_allclose(sum(result.net_by_area.values()), result.net, atol=1e-6)
    committee_total = sum(result.net_by_committee.values()) if result.net_by_committee else 0.0
    np.testing.assert_allclose(committee_total, result.net_by_authority["municipality"], atol=1e-6)
    cc = compile_case(case)
    columns = tuple(range(len(cc.parameters)))
    means = np.array([[p.dist.mean for p in cc.parameters]])
    np.testing.assert_allclose(evaluate(cc, columns, means).net[0], result.net, rtol=1e-9, atol=1e-6)
