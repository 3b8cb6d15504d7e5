"""The default success rate: design adjustment by grade, then the evidence engine's random-effects pooling.

The pooling itself is the evidence engine's REML meta-analysis, pinned to metafor in tests/engines/evidence;
the numbers here are hand calculations."""

import math

import pytest

from susi.engines.som.effects import DESIGN_ADJUSTMENT, Study, pooled_success_rate


def test_design_adjustment_factors_are_the_documented_ones():
    """The factors are data (engines/som/data/design_adjustment.csv) and SUSI's own assumption: WSIPP's
    published values could not be checked (docs/developers/som.md, "Design adjustment"), so the file says
    so and cites no WSIPP number."""
    from importlib.resources import files

    assert DESIGN_ADJUSTMENT == {1: 1.0, 2: 0.75, 3: 0.5}
    text = files("susi.engines.som").joinpath("data/design_adjustment.csv").read_text(encoding="utf-8")
    assert "ASSUMPTION" in text and "could not be checked" in text


def test_homogeneous_studies_pool_to_the_inverse_variance_mean():
    # Grade 1: 0.20 (se 0.05); grade 3: 0.30 (se 0.10) × 0.5 → 0.15 (se 0.05). Equal variances v = 0.0025,
    # sample variance of the effects (0.20 − 0.15)²/2 = 0.00125 < v, so τ² = 0 (REML with equal variances is
    # max(0, s² − v)); mean 0.175, se √(v/2) = 0.035355.
    pooled = pooled_success_rate([Study(0.20, 0.05, 1), Study(0.30, 0.10, 3)])
    assert pooled.method == "REML" and pooled.k == 2
    assert pooled.tau2 == pytest.approx(0.0, abs=1e-10)
    assert pooled.mean == pytest.approx(0.175, abs=1e-10)
    assert pooled.se == pytest.approx(math.sqrt(0.0025 / 2), rel=1e-8)
    assert pooled.sd == pytest.approx(pooled.se, rel=1e-8)


def test_heterogeneous_studies_widen_the_uncertainty_by_tau():
    # Grade 1: 0.10 (se 0.02); grade 3: 0.60 (se 0.04) × 0.5 → 0.30 (se 0.02). v = 0.0004,
    # s² = (0.30 − 0.10)²/2 = 0.02 → τ² = 0.02 − 0.0004 = 0.0196; mean 0.20 (equal weights);
    # se = √((v + τ²)/2) = √0.01 = 0.1; predictive sd = √(se² + τ²) = √0.0296 = 0.17205.
    pooled = pooled_success_rate([Study(0.10, 0.02, 1), Study(0.60, 0.04, 3)])
    assert pooled.tau2 == pytest.approx(0.0196, rel=1e-6)
    assert pooled.mean == pytest.approx(0.20, abs=1e-8)
    assert pooled.se == pytest.approx(0.1, rel=1e-6)
    assert pooled.sd == pytest.approx(math.sqrt(0.0296), rel=1e-6)


def test_single_study_and_studies_without_standard_errors():
    assert pooled_success_rate([]) is None
    one = pooled_success_rate([Study(0.40, 0.08, 2), Study(0.5, None, 3)])
    # Only the grade-2 study has an se: 0.40 × 0.75 = 0.30, se 0.08 × 0.75 = 0.06.
    assert (one.mean, one.sd, one.k, one.method) == pytest.approx((0.30, 0.06, 1, "single study"))
    none = pooled_success_rate([Study(0.2, None, 1), Study(0.4, None, 3)])
    # Plain mean of 0.2 and 0.4 × 0.5 = 0.2 → 0.2, no uncertainty.
    assert none.mean == pytest.approx(0.2) and none.sd is None
