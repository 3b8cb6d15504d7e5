"""Monte Carlo: agreement with the deterministic result for a linear case, reproducibility, percentiles,
break-even probability and the tornado."""

import numpy as np
import pytest
from scipy import stats

from susi.engines.som import (
    Case,
    Consequence,
    Cost,
    Fixed,
    Interval90,
    LogNormal,
    Normal,
    Outcome,
    Pert,
    Price,
    Triangular,
    Uniform,
    calculate,
    simulate,
)
from susi.engines.som.results import break_even_year


def linear_case(**changes) -> Case:
    """Uncertain success rate, price and cost, each entering the net result linearly (and independently),
    so that E[net] equals the net at the means."""
    base = Case(
        name="linear",
        intake=(50.0, 50.0),
        costs=(Cost("forløb", "per_citizen", Uniform(20_000.0, 40_000.0)),),
        outcomes=(Outcome("o", Normal(0.15, 0.03), (Consequence("s", -10.0),)),),
        prices=(Price("s", municipality=LogNormal(2_000.0, 400.0), region=500.0, area="housing"),),
        horizon=6,
        discount_rate=0.035,
    )
    return base.with_changes(**changes)


def test_monte_carlo_mean_equals_deterministic_for_a_linear_case():
    case = linear_case()
    mc = simulate(case, draws=20_000, seed=7)
    det = calculate(case)
    se = mc.present_value.std(ddof=1) / np.sqrt(mc.draws)
    assert abs(mc.mean_present_value - det.present_value) < 4 * se
    np.testing.assert_allclose(mc.deterministic.net, det.net)
    # Year by year as well.
    se_years = mc.net.std(axis=0, ddof=1) / np.sqrt(mc.draws)
    assert np.all(np.abs(mc.net.mean(axis=0) - det.net) <= 4 * se_years + 1e-6)


def test_same_seed_same_result_other_seed_other_result():
    case = linear_case()
    a = simulate(case, draws=2_000, seed=42)
    b = simulate(case, draws=2_000, seed=42)
    c = simulate(case, draws=2_000, seed=43)
    np.testing.assert_array_equal(a.present_value, b.present_value)
    assert a.to_json() == b.to_json()
    assert not np.array_equal(a.present_value, c.present_value)


def test_a_case_without_uncertainty_has_no_spread():
    case = linear_case(
        costs=(Cost("forløb", "per_citizen", 30_000.0),),
        outcomes=(Outcome("o", 0.15, (Consequence("s", -10.0),)),),
        prices=(Price("s", municipality=2000.0, region=500.0, area="housing"),),
    )
    mc = simulate(case, draws=100, seed=1)
    assert mc.uncertain_inputs == ()
    assert np.ptp(mc.present_value) == 0
    assert mc.present_value[0] == pytest.approx(calculate(case).present_value)


def test_break_even_probability_matches_the_share_of_draws():
    case = linear_case()
    mc = simulate(case, draws=5_000, seed=3)
    # By hand: a draw has broken even by year t when its payback year (the last turn to non-negative,
    # staying there) is at most t.
    years = [break_even_year(row) for row in mc.cumulative_discounted]
    manual = [np.mean([y is not None and y <= t + 1 for y in years]) for t in range(case.horizon)]
    np.testing.assert_allclose(mc.probability_break_even, manual)
    assert mc.probability_break_even[0] == 0  # year 1 never breaks even: costs exceed one year's gains
    assert 0 < mc.probability_break_even[-1] <= 1
    # Percentiles are ordered.
    p = mc.cumulative_percentiles
    assert np.all(p[5] <= p[50]) and np.all(p[50] <= p[95])


def test_distributions_draw_what_they_promise():
    rng = np.random.default_rng(0)
    n = 200_000
    interval = Interval90(10.0, 20.0)
    draws = interval.sample(rng, n)
    assert np.mean(draws < 10.0) == pytest.approx(0.05, abs=0.003)
    assert np.mean(draws > 20.0) == pytest.approx(0.05, abs=0.003)
    np.testing.assert_allclose(interval.ppf(np.array([0.05, 0.95])), [10.0, 20.0])
    ln = LogNormal(100.0, 30.0)
    ln_draws = ln.sample(rng, n)
    assert ln_draws.mean() == pytest.approx(100.0, rel=0.01)
    assert ln_draws.std() == pytest.approx(30.0, rel=0.02)
    pert = Pert(0.0, 0.2, 1.0)
    assert pert.mean == pytest.approx((0 + 4 * 0.2 + 1) / 6)
    assert pert.sample(rng, n).mean() == pytest.approx(pert.mean, abs=0.003)
    # The PERT with λ = 4 is Beta(α = 1 + 4·0.2, β = 1 + 4·0.8) on [0, 1].
    assert pert.ppf(0.5) == pytest.approx(stats.beta.ppf(0.5, 1.8, 4.2))
    tri = Triangular(0.0, 1.0, 4.0)
    assert tri.sample(rng, n).mean() == pytest.approx(5 / 3, abs=0.01)
    assert tri.ppf(0.5) == pytest.approx(stats.triang.ppf(0.5, 0.25, loc=0, scale=4))
    uni = Uniform(2.0, 4.0)
    assert uni.ppf(0.25) == pytest.approx(2.5)
    assert Fixed(3.0).sample(rng, 4).tolist() == [3.0] * 4


def test_tornado_ranks_the_inputs_that_move_the_result_most():
    case = linear_case()
    mc = simulate(case, draws=1_000, seed=1)
    bars = mc.tornado
    assert bars, "an uncertain case has a tornado"
    swings = [b.swing for b in bars]
    assert swings == sorted(swings, reverse=True)
    by_path = {b.path: b for b in bars}
    sr = by_path["outcomes[0].success_rate"]
    # Uncertain inputs move between their 10th and 90th percentile.
    assert sr.basis == "p10-p90"
    assert sr.input_low == pytest.approx(stats.norm.ppf(0.1, 0.15, 0.03))
    # Recompute one bar by hand: the case with the success rate at its 90th percentile.
    high_case = case.with_changes(
        outcomes=(Outcome("o", sr.input_high, (Consequence("s", -10.0),)),),
        costs=(Cost("forløb", "per_citizen", 30_000.0),),
        prices=(Price("s", municipality=2000.0, region=500.0, area="housing"),),
    )
    assert sr.result_high == pytest.approx(calculate(high_case).present_value)
    # A fixed input is varied ±20 %.
    region = by_path["prices[s].region"]
    assert region.basis == "pm20"
    assert (region.input_low, region.input_high) == pytest.approx((400.0, 600.0))


def test_success_rate_draws_may_fall_below_zero_but_not_below_minus_one():
    case = linear_case(outcomes=(Outcome("o", Normal(0.02, 0.05), (Consequence("s", -10.0),)),))
    mc = simulate(case, draws=2_000, seed=5)
    assert (
        mc.present_value
        < calculate(
            case.with_changes(outcomes=(Outcome("o", 0.0, (Consequence("s", -10.0),)),))
        ).present_value
    ).any()


def test_break_even_probability_is_monotone_when_draws_dip_again():
    # A large one-off cost in year 3 pulls the cumulative result below zero again in many draws: the
    # share "cumulative ≥ 0 in year t" then falls from year 2 to 3, but P(broken even by year t) may not.
    case = linear_case().with_changes(
        costs=(
            Cost("c", "once", Normal(300_000.0, 50_000.0)),
            Cost("late", "once", Normal(700_000.0, 300_000.0), year=3),
        ),
        horizon=6,
    )
    mc = simulate(case, draws=4_000, seed=5, with_tornado=False)
    naive = (mc.cumulative_discounted >= 0).mean(axis=0)
    assert np.any(np.diff(naive) < 0)  # the case really dips
    assert np.all(np.diff(mc.probability_break_even) >= 0)
    assert mc.probability_break_even[-1] == pytest.approx((mc.present_value >= 0).mean())


# Every distribution kind, once inside its input's valid range and once reaching outside it (then truncated):
# the cost is linear in the present value, so the Monte Carlo mean must equal the deterministic result.
COST_DISTRIBUTIONS = {
    "normal": Normal(30_000.0, 5_000.0),
    "normal, truncated at 0": Normal(8_000.0, 5_000.0),  # 5.5 % below 0
    "lognormal": LogNormal(30_000.0, 20_000.0),
    "triangular": Triangular(10_000.0, 20_000.0, 60_000.0),
    "triangular, truncated at 0": Triangular(-2_000.0, 20_000.0, 60_000.0),
    "pert": Pert(10_000.0, 20_000.0, 60_000.0),
    "pert, truncated at 0": Pert(-5_000.0, 20_000.0, 60_000.0),
    "uniform": Uniform(20_000.0, 40_000.0),
    "uniform, truncated at 0": Uniform(-1_000.0, 40_000.0),
    "interval90": Interval90(20_000.0, 40_000.0),
    "interval90, truncated at 0": Interval90(1_000.0, 40_000.0),
    "interval90 log-normal": Interval90(20_000.0, 40_000.0, "lognormal"),
}


@pytest.mark.parametrize("kind", list(COST_DISTRIBUTIONS))
def test_monte_carlo_mean_equals_deterministic_for_every_distribution_kind(kind):
    dist = COST_DISTRIBUTIONS[kind]
    case = linear_case(costs=(Cost("forløb", "per_citizen", dist),))
    mc = simulate(case, draws=20_000, seed=11, with_tornado=False)
    det = calculate(case)
    se = mc.present_value.std(ddof=1) / np.sqrt(mc.draws)
    assert abs(mc.mean_present_value - det.present_value) < 4 * se, kind
    truncated = "truncated" in kind
    assert bool(det.truncations) == truncated
    if truncated:
        (t,) = det.truncations
        assert t.path == "costs[0].amount" and t.low == 0 and 0 < t.share_outside < 0.10
        assert t.mean > t.stated_mean  # cutting off the negative tail raises the mean


def test_truncated_normal_mean_is_the_closed_form():
    # Normal(8000, 5000) cut at 0: α = −8000/5000 = −1.6; mean = μ + σ·φ(α)/(1 − Φ(α))
    #   φ(−1.6) = 0.110921, 1 − Φ(−1.6) = 0.945201 → 8000 + 5000 · 0.117352 = 8586.76
    case = linear_case(costs=(Cost("forløb", "per_citizen", Normal(8_000.0, 5_000.0)),))
    (t,) = calculate(case).truncations
    alpha = -1.6
    closed = 8_000 + 5_000 * stats.norm.pdf(alpha) / stats.norm.sf(alpha)
    assert t.mean == pytest.approx(closed, rel=1e-12)
    assert t.mean == pytest.approx(8586.76, abs=0.01)
    assert t.share_outside == pytest.approx(stats.norm.cdf(alpha), rel=1e-12)
    # The deterministic result uses it: the costs are 100 starters × the truncated mean.
    assert calculate(case).costs.sum() == pytest.approx(100 * closed, rel=1e-12)


def test_no_draw_leaves_the_valid_range_and_none_sits_on_the_boundary():
    case = linear_case(
        outcomes=(Outcome("o", Normal(0.15, 0.03), (Consequence("s", -10.0),), relapse=Normal(0.08, 0.05)),),
    )
    from susi.engines.som.core import compile_case

    cc = compile_case(case)
    (relapse,) = [p for p in cc.parameters if p.path == "outcomes[0].relapse"]
    draws = relapse.dist.sample(np.random.default_rng(1), 50_000)
    assert draws.min() > 0 and draws.max() < 1  # truncated, not clipped: no mass piled up at 0
    assert draws.mean() == pytest.approx(relapse.dist.mean, abs=4 * draws.std() / np.sqrt(draws.size))


def test_a_distribution_mostly_outside_the_valid_range_is_refused_naming_the_input():
    from susi.engines.som import SomInputError

    case = linear_case(
        outcomes=(
            Outcome("Bolig", Normal(0.15, 0.03), (Consequence("s", -10.0),), relapse=Normal(0.02, 0.05)),
        ),
    )
    with pytest.raises(SomInputError) as err:
        calculate(case)
    assert err.value.field == "outcomes[0].relapse"
    # Normal(0.02, 0.05): Φ(−0.4) = 34.5 % below 0.
    assert "34 % af fordelingen ligger uden for" in err.value.message.da
    assert "outcomes[0].relapse: 34 % of this distribution" in str(err.value)


def test_rank_correlation_by_iman_conover_keeps_every_marginal_exactly():
    from susi.engines.som.core import compile_case
    from susi.engines.som.montecarlo import draw_inputs

    targets = {("outcomes[0].success_rate", "costs[0].amount"): 0.6,
               ("outcomes[0].success_rate", "prices[s].municipality"): -0.3}  # fmt: skip
    plain = linear_case()
    correlated = plain.with_changes(correlations=tuple((a, b, r) for (a, b), r in targets.items()))
    n = 20_000
    cols, independent = draw_inputs(compile_case(plain), n, seed=9)
    cols2, paired = draw_inputs(compile_case(correlated), n, seed=9)
    assert cols == cols2
    # Marginals unchanged exactly: every input has the very same draws, only reordered.
    np.testing.assert_array_equal(np.sort(independent, axis=0), np.sort(paired, axis=0))
    cc = compile_case(correlated)
    paths = [cc.parameters[i].path for i in cols]
    for (a, b), target in targets.items():
        rho = stats.spearmanr(paired[:, paths.index(a)], paired[:, paths.index(b)]).statistic
        # Sampling error of Spearman's ρ: about (1 − ρ²)/√(n − 3) · 1.06 (Fieller, Hartley & Pearson 1957);
        # allow 4 of them.
        se = 1.06 * (1 - target**2) / np.sqrt(n - 3)
        assert abs(rho - target) < 4 * se, (a, b, rho)
    # The uncorrelated pair stays uncorrelated.
    rho = stats.spearmanr(
        paired[:, paths.index("costs[0].amount")], paired[:, paths.index("prices[s].municipality")]
    )
    assert abs(rho.statistic) < 0.05
    # Correlation between the success rate and the cost that pays for it changes the spread of the present
    # value but not its mean (the marginals are the same; the case is linear in each input).
    a = simulate(plain, draws=n, seed=9, with_tornado=False)
    b = simulate(correlated, draws=n, seed=9, with_tornado=False)
    assert abs(a.mean_present_value - b.mean_present_value) < 4 * a.present_value.std() / np.sqrt(n) * 2
    assert a.present_value.std() != pytest.approx(b.present_value.std(), rel=0.01)


def test_bad_correlations_are_refused_naming_the_input():
    from susi.engines.som import SomInputError

    case = linear_case(correlations=(("outcomes[0].relapse", "costs[0].amount", 0.5),))
    with pytest.raises(SomInputError) as err:
        calculate(case)
    assert err.value.field == "correlations[0].inputs" and "outcomes[0].relapse" in err.value.message.en
    contradictory = linear_case(
        correlations=(
            ("outcomes[0].success_rate", "costs[0].amount", 0.9),
            ("outcomes[0].success_rate", "prices[s].municipality", 0.9),
            ("costs[0].amount", "prices[s].municipality", -0.9),
        )
    )
    with pytest.raises(SomInputError) as err:
        calculate(contradictory)
    assert err.value.field == "correlations"
    with pytest.raises(SomInputError) as err:
        calculate(linear_case(correlations=(("outcomes[0].success_rate", "costs[0].amount", 1.0),)))
    assert err.value.field == "correlations[0].rank_correlation"


def test_a_profile_drawn_as_one_versus_year_by_year_closed_form():
    # docs/developers/som.md, "A profile is one draw": 10 citizens × 10 % = 1 success from year 1, a
    # shelter night at 1,000 kr., the change −100 nights a year with sd 30, 6 years, no discounting.
    # PV = Σ_t 1,000 · (−X_t). Independent yearly draws: sd = 1,000 · 30 · √6 = 73,485 kr.;
    # one draw scaled across the years (profile): sd = 1,000 · 30 · 6 = 180,000 kr. — √6 = 2.45 × wider.
    def case(consequence):
        return Case(
            name="profile",
            intake=(10.0,),
            costs=(),
            outcomes=(Outcome("o", 0.10, (consequence,)),),
            prices=(Price("s", municipality=1000.0, area="housing"),),
            horizon=6,
            discount_rate=0.0,
        )

    yearly = case(Consequence("s", tuple(Normal(-100.0, 30.0) for _ in range(6))))
    profile = case(Consequence("s", Normal(-100.0, 30.0), profile=(1.0,) * 6))
    n = 40_000
    a = simulate(yearly, draws=n, seed=4, with_tornado=False).present_value
    b = simulate(profile, draws=n, seed=4, with_tornado=False).present_value
    assert calculate(yearly).present_value == calculate(profile).present_value == pytest.approx(600_000)
    # The sample sd of n normal draws has a relative standard error of 1/√(2(n − 1)) ≈ 0.35 %; allow 4.
    tolerance = 4 / np.sqrt(2 * (n - 1))
    assert a.std(ddof=1) == pytest.approx(1000 * 30 * np.sqrt(6), rel=tolerance)
    assert b.std(ddof=1) == pytest.approx(1000 * 30 * 6, rel=tolerance)
    assert round(1000 * 30 * np.sqrt(6)) == 73_485


@pytest.mark.parametrize("shape", ["normal", "lognormal"])
def test_ninety_percent_sure_between_a_and_b_closed_form(shape):
    # "90 % sure between 20,000 and 80,000": the 5th and 95th percentiles are exactly a and b.
    a, b = 20_000.0, 80_000.0
    d = Interval90(a, b, shape)
    np.testing.assert_allclose(d.ppf(np.array([0.05, 0.95])), [a, b], rtol=1e-12)
    if shape == "lognormal":
        # ln X ~ N(μ, σ): μ = (ln a + ln b)/2 = ln 40,000, σ = ln(b/a)/(2 · 1.6448536) = ln 4 / 3.2897 = 0.42141
        assert d.ppf(0.5) == pytest.approx(40_000.0, rel=1e-12)  # the median is √(a·b)
        sigma = np.log(4) / (2 * stats.norm.ppf(0.95))
        assert sigma == pytest.approx(0.42141, abs=1e-5)
        assert d.mean == pytest.approx(
            40_000 * np.exp(sigma**2 / 2), rel=1e-12
        )  # 40,000 · e^0.088793 = 43,714.1
        assert d.mean == pytest.approx(43_714.1, abs=0.1)
    else:
        assert d.mean == 50_000.0 and d.sd == pytest.approx(60_000 / (2 * 1.6448536), rel=1e-7)
    draws = d.sample(np.random.default_rng(3), 200_000)
    low, high = np.quantile(draws, [0.05, 0.95])
    assert low == pytest.approx(a, rel=0.01) and high == pytest.approx(b, rel=0.01)
    if shape == "lognormal":
        assert draws.min() > 0


def test_a_log_normal_interval_needs_a_positive_lower_bound():
    from susi.engines.som import parse_quantity

    problems = []
    assert (
        parse_quantity({"dist": "interval90", "low": 0, "high": 5, "shape": "lognormal"}, "x", problems)
        is None
    )
    assert problems[0].field == "x.low"
    problems = []
    parse_quantity({"dist": "interval90", "low": 1, "high": 5, "shape": "gamma"}, "x", problems)
    assert problems[0].field == "x.shape"


def test_summaries_are_computed_once_per_result(monkeypatch):
    from susi.engines.som import montecarlo

    mc = simulate(linear_case(), draws=500, seed=1, with_tornado=False)
    calls = []
    real = np.percentile
    monkeypatch.setattr(montecarlo.np, "percentile", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(20):  # what a page with a 10-year table and charts reads
        mc.cumulative_percentiles[5]
        mc.cumulative_percentiles[95]
        mc.net_percentiles[50]
        mc.pv_percentiles[5]
        mc.probability_break_even[0]
    assert len(calls) == 3  # cumulative, net and present value, once each
