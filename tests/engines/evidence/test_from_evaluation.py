"""A saved effect evaluation as an evidence study: measure, yi/vi and design (engines.evidence.from_evaluation).

Reference numbers by hand (metafor's escalc formulas): log RR = log((ai/n1i)/(ci/n2i)),
vi = 1/ai − 1/n1i + 1/ci − 1/n2i. For ai=61, n1i=100, ci=43, n2i=100: yi = log(0.61/0.43) = 0.3496737…,
vi = 1/61 − 1/100 + 1/43 − 1/100 = 0.0196493… (computed by hand; these are the formulas of R's
metafor::escalc("RR", ai=61, n1i=100, ci=43, n2i=100), against which the evidence engine is pinned).
"""

from __future__ import annotations

import math

import pytest

from susi.engines.evidence import EvidenceInputError
from susi.engines.evidence.from_evaluation import METHOD_DESIGN, Counts, design_for, grade_for, study_effect
from susi.engines.evidence.rating import Design, Grade


def test_a_two_by_two_table_becomes_a_log_risk_ratio():
    effect = study_effect("RD", 0.18, 0.0048, counts=Counts(61, 100, 43, 100))
    assert effect.measure == "RR"
    assert effect.yi == pytest.approx(math.log(0.61 / 0.43), abs=1e-12)
    assert effect.yi == pytest.approx(0.3496737, abs=1e-7)
    assert effect.vi == pytest.approx(1 / 61 - 1 / 100 + 1 / 43 - 1 / 100, abs=1e-12)
    assert effect.vi == pytest.approx(0.0196493, abs=1e-7)


@pytest.mark.parametrize(
    ("kind", "smd", "measure", "yi", "vi"),
    [
        ("RD", None, "RD", 0.12, 0.0016),
        ("OR", None, "OR", 0.4, 0.09),
        ("MD", (0.31, 0.021), "SMD", 0.31, 0.021),
        ("MD", None, "MD", 2.5, 1.44),
        ("SMD", None, "SMD", 0.2, 0.01),
        ("HR", None, "GEN", -0.3, 0.04),
    ],
)
def test_each_measure_keeps_its_scale(kind, smd, measure, yi, vi):
    effect = study_effect(kind, yi if smd is None else 9.0, vi if smd is None else 9.0, smd=smd)
    assert (effect.measure, effect.yi, effect.vi) == (measure, yi, vi)
    assert effect.se == pytest.approx(math.sqrt(vi))


@pytest.mark.parametrize("vi", [0.0, -1.0, float("nan"), None])
def test_no_usable_variance_is_refused(vi):
    with pytest.raises(EvidenceInputError):
        study_effect("RD", 0.1, vi)


def test_an_unknown_measure_is_refused():
    with pytest.raises(EvidenceInputError):
        study_effect("ROM", 0.1, 0.01)


def test_the_design_table_and_the_grades():
    assert design_for("rct_proportions") is Design.RCT and grade_for(Design.RCT) is Grade.ONE
    assert (
        design_for("ancova") is Design.BEFORE_AFTER_CONTROL
        and grade_for(Design.BEFORE_AFTER_CONTROL) is Grade.TWO
    )
    assert design_for("psm") is Design.QUASI_EXPERIMENT
    assert design_for("ancova", "rct") is Design.RCT  # the person adding it says it was randomised
    assert design_for("unknown_method") is Design.OTHER and grade_for(Design.OTHER) is None
    assert set(METHOD_DESIGN) >= {"rct_means", "rct_proportions", "ancova", "did", "twfe", "staggered", "psm"}
    with pytest.raises(EvidenceInputError):
        design_for("ancova", "not-a-design")
