"""Acceptance: the 95 % CI covers the known true effect 93–97 % of the time (RCT and DiD).

800 synthetic datasets per estimator (more than the 200 the acceptance asks for, so the binomial noise
on the coverage, sd ≈ 0.8 pp, leaves the 93–97 band > 2.5 sd either side of 95 %). The RCT estimators
run on randomised datasets; DiD runs on observational datasets where the intervention group differs
at baseline (selection on a risk score) but trends are parallel — the situation DiD is for, and where
the naive difference is biased. Seeded, so the test is deterministic.
"""

import numpy as np
import pytest

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.estimators import estimate_effect

N_DATASETS = 800
TRUE_EFFECT = 2.5
N_CITIZENS = 120


@pytest.fixture(scope="module")
def estimates():
    out = {"rct_means": [], "rct_proportions": [], "did": [], "naive_observational": []}
    for seed in range(N_DATASETS):
        rct = synthetic.generate(N_CITIZENS, seed=10_000 + seed, true_effect=TRUE_EFFECT, n_followups=1)
        out["rct_means"].append(estimate_effect(rct.measurements, "rct_means", synthetic.INSTRUMENT))
        out["rct_proportions"].append(
            estimate_effect(rct.measurements, "rct_proportions", synthetic.BINARY_INSTRUMENT)
        )
        obs = synthetic.generate(
            N_CITIZENS, seed=20_000 + seed, true_effect=TRUE_EFFECT, n_followups=1, design="observational"
        )
        out["did"].append(estimate_effect(obs.measurements, "did", synthetic.INSTRUMENT))
        out["naive_observational"].append(
            estimate_effect(obs.measurements, "rct_means", synthetic.INSTRUMENT)
        )
    return out


def _coverage(results, truth):
    return float(np.mean([r.ci_low <= truth <= r.ci_high for r in results]))


@pytest.mark.slow
@pytest.mark.parametrize("design", ["rct_means", "did"])
def test_ci_coverage_of_true_effect(estimates, design):
    assert len(estimates[design]) >= 200
    cover = _coverage(estimates[design], TRUE_EFFECT)
    assert 0.93 <= cover <= 0.97, f"{design}: coverage {cover:.3f}"


@pytest.mark.slow
@pytest.mark.parametrize("design", ["rct_means", "did"])
def test_estimators_are_unbiased_with_honest_standard_errors(estimates, design):
    est = np.array([r.estimate for r in estimates[design]])
    # the mean over 800 datasets is within 3 Monte Carlo SEs of the truth
    assert abs(est.mean() - TRUE_EFFECT) < 3 * est.std(ddof=1) / np.sqrt(len(est))
    # and the reported SE matches the spread of the estimates (within 10 %)
    se = np.array([r.se for r in estimates[design]])
    assert 0.9 < se.mean() / est.std(ddof=1) < 1.1


@pytest.mark.slow
def test_proportion_ci_coverage(estimates):
    cover = _coverage(estimates["rct_proportions"], 0.10)  # synthetic.generate's default binary_effect
    assert 0.93 <= cover <= 0.97, f"coverage {cover:.3f}"


@pytest.mark.slow
def test_the_coverage_test_can_fail(estimates):
    """The same check rejects an estimator that is wrong for the design: a plain difference in means on
    observational data is biased (selection on the risk score) and falls outside the band."""
    naive = np.array([r.estimate for r in estimates["naive_observational"]])
    assert naive.mean() - TRUE_EFFECT > 10 * naive.std(ddof=1) / np.sqrt(len(naive))
    assert _coverage(estimates["naive_observational"], TRUE_EFFECT) < 0.93
