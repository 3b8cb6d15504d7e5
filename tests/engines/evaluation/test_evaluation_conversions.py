"""Effect sizes for the evidence base and SØM success rates, checked against hand calculations."""

import math

import pytest
from scipy import stats

from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.results import EffectEstimate
from susi.engines.evidence.effect_sizes import standardized_mean_difference
from susi.engines.text import Text


def _est(measure, estimate, se, yi=None, higher=True, sd=None, n1=50, n0=50):
    return EffectEstimate(
        method="test",
        measure=measure,
        estimate=estimate,
        se=se,
        ci_low=estimate - 1.96 * se,
        ci_high=estimate + 1.96 * se,
        p_value=0.05,
        n_intervention=n1,
        n_comparison=n0,
        yi=estimate if yi is None else yi,
        vi=se * se,
        label=Text("test", "test"),
        higher_is_better=higher,
        sd_pooled=sd,
    )


def test_smd_equals_the_evidence_engines_metafor_smd_for_an_unadjusted_difference():
    # escalc("SMD", m1i=12, sd1i=4, n1i=50, m2i=10, sd2i=4, n2i=50), which the evidence engine pins
    se = math.sqrt(16 / 50 + 16 / 50)
    g = _est("MD", 2.0, se, sd=4.0).to_smd()
    ref = standardized_mean_difference([12.0], [4.0], [50], [10.0], [4.0], [50])
    assert g.yi == pytest.approx(float(ref.yi[0]), rel=1e-12)
    assert g.vi == pytest.approx(float(ref.vi[0]), rel=1e-12)
    # by hand: c(98) = 0.992304...; vi = 1/50 + 1/50 + g^2/200
    assert g.yi == pytest.approx(0.5 * 0.9923, abs=1e-4)
    assert g.vi == pytest.approx(0.04 + g.yi**2 / 200, rel=1e-12)
    assert g.measure == "SMD"


def test_rd_success_rate_is_the_difference():
    s = _est("RD", 0.10, 0.03).to_success_rate(0.02)
    assert (s.mean, s.sd) == (0.10, 0.03)
    s = _est("RD", -0.10, 0.03, higher=False).to_success_rate(0.02)
    assert s.mean == pytest.approx(0.10)


def test_or_success_rate_by_hand():
    # baseline 2 % leave homelessness; OR 6.68 -> odds 0.0204082*6.68 = 0.136327 -> p1 = 0.11997
    log_or = math.log(6.68)
    s = _est("OR", 6.68, 0.2, yi=log_or).to_success_rate(0.02)
    odds1 = 0.02 / 0.98 * 6.68
    p1 = odds1 / (1 + odds1)
    assert s.mean == pytest.approx(p1 - 0.02, rel=1e-12)
    assert s.sd == pytest.approx(p1 * (1 - p1) * 0.2, rel=1e-12)


def test_hr_success_rate_by_hand():
    # event = success (job): 30 % within the horizon, HR 1.5 -> 1 - 0.7^1.5
    s = _est("HR", 1.5, 0.1, yi=math.log(1.5)).to_success_rate(0.30)
    assert s.mean == pytest.approx((1 - 0.7**1.5) - 0.30, rel=1e-12)
    assert s.sd == pytest.approx(abs(0.7**1.5 * math.log(0.7) * 1.5) * 0.1, rel=1e-12)
    # event = harm (relapse) with HR 0.5: success = staying out; baseline 60 % stay out -> 0.6^0.5
    s = _est("HR", 0.5, 0.1, yi=math.log(0.5), higher=False).to_success_rate(0.60)
    assert s.mean == pytest.approx(0.6**0.5 - 0.6, rel=1e-12)


def test_md_success_rate_by_probit():
    est = _est("MD", 2.0, 0.8, sd=4.0)
    g = est.to_smd()
    s = est.to_success_rate(0.25)
    z0 = stats.norm.ppf(0.25)
    assert s.mean == pytest.approx(stats.norm.cdf(z0 + g.yi) - 0.25, rel=1e-12)
    assert s.sd == pytest.approx(stats.norm.pdf(z0 + g.yi) * math.sqrt(g.vi), rel=1e-12)
    assert 0 < s.mean < 0.25


@pytest.mark.parametrize("rate", [0.0, 1.0, -0.1, 2])
def test_success_rate_needs_a_share(rate):
    with pytest.raises(EvaluationError) as exc:
        _est("RD", 0.1, 0.01).to_success_rate(rate)
    assert exc.value.field == "baseline_rate"


def test_smd_needs_sd():
    with pytest.raises(EvaluationError):
        _est("MD", 1.0, 0.5).to_smd()
