"""Acceptance: the 95 % CI covers the known true effect 93–97 % of the time (RCT and DiD).

800 synthetic datasets per estimator (more than the 200 the acceptance asks for, so the binomial noise
on the coverage, sd ≈ 0.8 pp, leaves the 93–97 band > 2.5 sd either side of 95 %). The RCT estimators
run on randomised datasets; DiD runs on observational datasets where the intervention group differs
at baseline (selection on a risk score) but trends are parallel — the situation DiD is for, and where
the naive difference is biased. Seeded, so the test is deterministic.

The 800 datasets are drawn at once as (dataset × citizen) arrays from the data-generating model of
``synthetic.generate`` (design 'rct' and 'observational', one follow-up), and the estimators are their
closed forms in NumPy across all datasets at once: Welch's interval, Newcombe's hybrid score interval and
the 2×2 difference-in-differences with citizen-clustered (CRV1) standard errors. Building 3,200 small
pandas frames and statsmodels fits one by one took about two minutes of one worker; this takes well under
a second. `test_vectorised_estimators_equal_the_engine` proves the closed forms give the engine's numbers
(`estimate_effect`, i.e. the statsmodels path) on the same data, dataset by dataset.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.estimators import estimate_effect

N_DATASETS = 800
TRUE_EFFECT = 2.5
BINARY_EFFECT = 0.10  # synthetic.generate's default binary_effect
N_CITIZENS = 120
MUNICIPALITIES = ("101", "461", "751", "851")  # synthetic.generate's default
Z = stats.norm.ppf(0.975)


@dataclass(frozen=True)
class Draws:
    """(dataset × citizen) arrays: arm, the scale at baseline and follow-up, the 0/1 outcome likewise."""

    treat: np.ndarray
    y0: np.ndarray
    y1: np.ndarray
    b0: np.ndarray
    b1: np.ndarray


def draw(design: str, seed: int, n_datasets: int = N_DATASETS, n: int = N_CITIZENS) -> Draws:
    """`synthetic.generate`'s model (see its docstring), vectorised over datasets."""
    rng = np.random.default_rng(seed)
    shape = (n_datasets, n)
    muni = rng.integers(0, len(MUNICIPALITIES), size=shape)
    muni_level = np.take_along_axis(rng.normal(0, 2.0, (n_datasets, len(MUNICIPALITIES))), muni, axis=1)
    age = rng.integers(18, 66, size=shape)
    x = rng.normal(0, 1, size=shape)
    a = rng.normal(0, 6.0, size=shape)
    if design == "rct":  # block randomisation within municipality: the first half (rounded up) of a shuffle
        keys = rng.random(shape)
        treat = np.zeros(shape, dtype=int)
        for m in range(len(MUNICIPALITIES)):
            inside = muni == m
            rank = np.argsort(np.argsort(np.where(inside, keys, np.inf), axis=1), axis=1)
            treat |= inside & (rank < ((inside.sum(axis=1, keepdims=True) + 1) // 2))
    else:
        p = 1.0 / (1.0 + np.exp(-(-0.2 + 0.8 * x + 0.02 * (age - 40))))
        treat = (rng.random(shape) < p).astype(int)
    base = 42.0 + muni_level + a + 2.0 * x - 0.05 * (age - 40)
    p_base = 0.30 + 0.05 * np.tanh(x)
    y0 = np.round(base + rng.normal(0, 5.0, size=shape), 2)
    y1 = np.round(base + 0.8 + TRUE_EFFECT * treat + rng.normal(0, 5.0, size=shape), 2)
    b0 = (rng.random(shape) < np.clip(p_base, 0, 1)).astype(float)
    b1 = (rng.random(shape) < np.clip(p_base + 0.02 + BINARY_EFFECT * treat, 0, 1)).astype(float)
    return Draws(treat, y0, y1, b0, b1)


@dataclass(frozen=True)
class Intervals:
    estimate: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray


def _arm_moments(values: np.ndarray, treat: np.ndarray):
    out = []
    for arm in (1, 0):
        mask = treat == arm
        n = mask.sum(axis=1)
        mean = np.where(mask, values, 0).sum(axis=1) / n
        var = np.where(mask, (values - mean[:, None]) ** 2, 0).sum(axis=1) / (n - 1)
        out.append((n, mean, var))
    return out


def welch(values: np.ndarray, treat: np.ndarray) -> Intervals:
    """Difference in means with Welch's t interval (what `rct_means` gets from statsmodels' CompareMeans)."""
    (n1, m1, v1), (n0, m0, v0) = _arm_moments(values, treat)
    se = np.sqrt(v1 / n1 + v0 / n0)
    df = se**4 / ((v1 / n1) ** 2 / (n1 - 1) + (v0 / n0) ** 2 / (n0 - 1))
    half = stats.t.ppf(0.975, df) * se
    diff = m1 - m0
    return Intervals(diff, se, diff - half, diff + half)


def newcombe(values: np.ndarray, treat: np.ndarray) -> Intervals:
    """Difference in proportions with Newcombe's hybrid score interval (Wilson limits per arm)."""
    (n1, p1, _), (n0, p0, _) = _arm_moments(values, treat)

    def wilson(p, n):
        centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
        half = Z / (1 + Z**2 / n) * np.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
        return centre - half, centre + half

    (l1, u1), (l0, u0) = wilson(p1, n1), wilson(p0, n0)
    diff = p1 - p0
    low = diff - np.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    return Intervals(diff, np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0), low, high)


def did_2x2(before: np.ndarray, after: np.ndarray, treat: np.ndarray) -> Intervals:
    """OLS ``y ~ treat + post + treat:post`` on a balanced two-period panel, clustered by citizen.

    The coefficient is the difference of the arms' mean changes; each citizen's score in the sandwich is
    (change − arm's mean change) / arm size, so V = Σ_arms (n−1)·s²_change / n². CRV1 scales it by
    G/(G−1)·(N−1)/(N−K) with G citizens, N = 2G rows, K = 4, and the interval uses t(G−1).
    """
    (n1, m1, v1), (n0, m0, v0) = _arm_moments(after - before, treat)
    g = n1 + n0
    correction = g / (g - 1) * (2 * g - 1) / (2 * g - 4)
    se = np.sqrt(correction * ((n1 - 1) * v1 / n1**2 + (n0 - 1) * v0 / n0**2))
    half = stats.t.ppf(0.975, g - 1) * se
    diff = m1 - m0
    return Intervals(diff, se, diff - half, diff + half)


@pytest.fixture(scope="module")
def estimates():
    rct, obs = draw("rct", seed=10_000), draw("observational", seed=20_000)
    return {
        "rct_means": welch(rct.y1, rct.treat),
        "rct_proportions": newcombe(rct.b1, rct.treat),
        "did": did_2x2(obs.y0, obs.y1, obs.treat),
        "naive_observational": welch(obs.y1, obs.treat),
    }


def _frame(draws: Draws, i: int) -> pd.DataFrame:
    """Dataset `i` as the engine's measurements frame."""
    n = draws.treat.shape[1]
    arm = np.where(draws.treat[i] == 1, "intervention", "comparison")
    rows = []
    for occasion, scale, binary in (("baseline", draws.y0, draws.b0), ("followup_1", draws.y1, draws.b1)):
        for instrument, values in ((synthetic.INSTRUMENT, scale), (synthetic.BINARY_INSTRUMENT, binary)):
            rows.append(
                pd.DataFrame(
                    {
                        "pseudonym": [f"syn{k:07d}" for k in range(n)],
                        "municipality": "101",
                        "arm": arm,
                        "occasion": occasion,
                        "instrument": instrument,
                        "value": values[i],
                        "enrolled_on": pd.Timestamp("2025-01-01"),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("design", ["rct", "observational"])
def test_vectorised_estimators_equal_the_engine(design):
    draws = draw(design, seed=7, n_datasets=4)
    checks = {
        "rct_means": (welch(draws.y1, draws.treat), synthetic.INSTRUMENT),
        "rct_proportions": (newcombe(draws.b1, draws.treat), synthetic.BINARY_INSTRUMENT),
        "did": (did_2x2(draws.y0, draws.y1, draws.treat), synthetic.INSTRUMENT),
    }
    for i in range(4):
        frame = _frame(draws, i)
        for method, (ours, instrument) in checks.items():
            engine = estimate_effect(frame, method, instrument)
            got = (ours.estimate[i], ours.se[i], ours.low[i], ours.high[i])
            want = (engine.estimate, engine.se, engine.ci_low, engine.ci_high)
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), (design, method, i)


def test_the_vectorised_model_is_the_synthetic_model():
    """The draws have the moments of `synthetic.generate`'s datasets: arm sizes, effect, baseline level."""
    rct = draw("rct", seed=1, n_datasets=200)
    assert set(np.unique(rct.treat.sum(axis=1))) <= {60, 61, 62}  # block randomisation, halves rounded up
    one = synthetic.generate(N_CITIZENS, seed=1, true_effect=TRUE_EFFECT, n_followups=1)
    scale = one.measurements.loc[one.measurements["instrument"] == synthetic.INSTRUMENT, "value"]
    assert abs(rct.y0.mean() - 42.0) < 0.5 and abs(scale.mean() - rct.y0.mean()) < 3.0
    assert abs(welch(rct.y1, rct.treat).estimate.mean() - TRUE_EFFECT) < 0.2


def _coverage(result: Intervals, truth: float) -> float:
    return float(np.mean((result.low <= truth) & (truth <= result.high)))


@pytest.mark.parametrize("design", ["rct_means", "did"])
def test_ci_coverage_of_true_effect(estimates, design):
    assert len(estimates[design].estimate) >= 200
    cover = _coverage(estimates[design], TRUE_EFFECT)
    assert 0.93 <= cover <= 0.97, f"{design}: coverage {cover:.3f}"


@pytest.mark.parametrize("design", ["rct_means", "did"])
def test_estimators_are_unbiased_with_honest_standard_errors(estimates, design):
    est = estimates[design].estimate
    # the mean over 800 datasets is within 3 Monte Carlo SEs of the truth
    assert abs(est.mean() - TRUE_EFFECT) < 3 * est.std(ddof=1) / np.sqrt(len(est))
    # and the reported SE matches the spread of the estimates (within 10 %)
    assert 0.9 < estimates[design].se.mean() / est.std(ddof=1) < 1.1


def test_proportion_ci_coverage(estimates):
    cover = _coverage(estimates["rct_proportions"], BINARY_EFFECT)
    assert 0.93 <= cover <= 0.97, f"coverage {cover:.3f}"


def test_the_coverage_test_can_fail(estimates):
    """The same check rejects an estimator that is wrong for the design: a plain difference in means on
    observational data is biased (selection on the risk score) and falls outside the band."""
    naive = estimates["naive_observational"].estimate
    assert naive.mean() - TRUE_EFFECT > 10 * naive.std(ddof=1) / np.sqrt(len(naive))
    assert _coverage(estimates["naive_observational"], TRUE_EFFECT) < 0.93
