"""Difference-in-differences equals the maintained packages on the same data."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.estimators import estimate_effect

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def small():
    return pd.read_csv(REF / "did_small.csv", dtype={"municipality": str})


def test_did_equals_pinned_pyfixest_numbers(small):
    ref = json.loads((REF / "did_small_pyfixest.json").read_text())
    r = estimate_effect(small, "did", synthetic.INSTRUMENT)
    assert r.estimate == pytest.approx(ref["estimate"], abs=1e-10)
    assert r.se == pytest.approx(ref["se"], rel=1e-8)
    assert r.ci_low == pytest.approx(ref["ci_low"], rel=1e-8)
    assert r.ci_high == pytest.approx(ref["ci_high"], rel=1e-8)
    assert r.p_value == pytest.approx(ref["p_value"], rel=1e-6)
    # hand check: (m11 - m10) - (m01 - m00)
    c = ref["cell_means"]
    hand = (c["treat1_post1"] - c["treat1_post0"]) - (c["treat0_post1"] - c["treat0_post0"])
    assert r.estimate == pytest.approx(hand, abs=1e-10)
    assert r.vi == pytest.approx(r.se**2)


def _long(data):
    m = data.measurements
    m = m.loc[m["instrument"] == synthetic.INSTRUMENT].copy()
    m["treat"] = (m["arm"] == "intervention").astype(int)
    m["post"] = (m["occasion"] != "baseline").astype(int)
    return m


def test_did_equals_live_pyfixest_and_linearmodels():
    from linearmodels.panel import PanelOLS

    data = synthetic.generate(300, seed=5, design="observational", n_followups=1)
    m = _long(data)
    ours = estimate_effect(data.measurements, "did", synthetic.INSTRUMENT)
    fx = pf.feols("value ~ treat*post", data=m, vcov={"CRV1": "pseudonym"}).tidy().loc["treat:post"]
    assert ours.estimate == pytest.approx(fx["Estimate"], rel=1e-10)
    assert ours.se == pytest.approx(fx["Std. Error"], rel=1e-8)

    # a balanced 2-period panel: TWFE (PanelOLS with entity + time effects) gives the same point estimate
    panel = m.assign(tp=m["treat"] * m["post"]).set_index(["pseudonym", "post"])
    lm = PanelOLS(panel["value"], panel[["tp"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered",
        cluster_entity=True,
        auto_df=False,
        count_effects=False,
        debiased=True,
        group_debias=True,
    )
    assert ours.estimate == pytest.approx(float(lm.params["tp"]), rel=1e-10)
    tw = estimate_effect(
        data.measurements.loc[data.measurements["occasion"].isin(["baseline", "followup_1"])],
        "twfe",
        synthetic.INSTRUMENT,
    )
    assert tw.estimate == pytest.approx(float(lm.params["tp"]), rel=1e-10)
    assert tw.se == pytest.approx(float(lm.std_errors["tp"]), rel=1e-10)


def test_twfe_equals_pyfixest_feols_with_two_fixed_effects():
    data = synthetic.generate(200, seed=9, n_followups=3)
    m = _long(data)
    m["time"] = m["occasion"].str.extract(r"(\d+)$")[0].fillna("0").astype(int)
    ours = estimate_effect(data.measurements, "twfe", synthetic.INSTRUMENT)
    fx = pf.feols(
        "value ~ treat:post | pseudonym + time", data=m, vcov={"CRV1": "pseudonym"}, ssc=pf.ssc(k_adj=False)
    ).tidy()
    assert ours.estimate == pytest.approx(float(fx["Estimate"].iloc[0]), rel=1e-10)
    # both CRV1 with factor G/(G-1), the citizen effects nested in the clusters (not counted)
    assert ours.se == pytest.approx(float(fx["Std. Error"].iloc[0]), rel=1e-6)


@pytest.mark.slow
def test_staggered_recovers_wave_specific_effects_where_twfe_is_biased():
    """Effects that differ by adoption wave (1, 3, 6): the two-stage estimator is centred on the true
    ATT and its CI covers it; plain TWFE is pulled away (its weights mix the waves wrongly). This is why
    the design exists. 40 seeded datasets."""
    errs_stag, errs_twfe, covered = [], [], 0
    munis = list(synthetic.MUNICIPALITIES)[:8]
    for seed in range(40):
        data = synthetic.generate(
            150, seed=500 + seed, design="waves", municipalities=munis, wave_effects=[1.0, 3.0, 6.0]
        )
        st = estimate_effect(data.measurements, "staggered", synthetic.INSTRUMENT)
        tw = estimate_effect(data.measurements, "twfe", synthetic.INSTRUMENT)
        errs_stag.append(st.estimate - data.true_effect)
        errs_twfe.append(tw.estimate - data.true_effect)
        covered += st.ci_low <= data.true_effect <= st.ci_high
    mc_se = np.std(errs_stag, ddof=1) / np.sqrt(len(errs_stag))
    assert abs(np.mean(errs_stag)) < 3 * mc_se
    assert covered / 40 >= 0.85
    assert abs(np.mean(errs_twfe)) > abs(np.mean(errs_stag))
    assert dict(st.details)["cohorts"] == (2, 3, 4)


def test_staggered_needs_period_and_treated_from():
    data = synthetic.generate(100, seed=1)
    with pytest.raises(EvaluationError) as e:
        estimate_effect(data.measurements, "staggered", synthetic.INSTRUMENT)
    assert e.value.field == "period"
    assert "periode" in e.value.message.da or "period" in e.value.message.da


def test_staggered_without_a_never_treated_group_leaves_out_unidentified_periods():
    # every municipality adopts (periods 2, 3, 4 of 0..5): periods 4 and 5 have nobody untreated
    data = synthetic.generate(
        300, seed=3, design="waves", municipalities=["101", "147", "159"], wave_periods=[2, 3, 4]
    )
    r = estimate_effect(data.measurements, "staggered", synthetic.INSTRUMENT)
    assert r.detail("observations_left_out") == 2 * 300  # periods 4 and 5 for every citizen
    assert r.ci_low < data.true_effect < r.ci_high
    assert r.sd_pooled is not None and r.to_success_rate(0.3).mean > 0


def test_staggered_with_a_wave_from_the_first_period_leaves_out_stage_one_singletons():
    # a municipality that adopts at period 1 gives its citizens one untreated observation each: a singleton
    # citizen effect in stage 1 that cannot impute their treated outcomes (pyfixest would fail on it)
    data = synthetic.generate(400, seed=3, design="waves", wave_periods=[1, 2, 3, None])
    r = estimate_effect(data.measurements, "staggered", synthetic.INSTRUMENT)
    assert r.detail("observations_left_out") > 0
    assert r.ci_low < data.true_effect < r.ci_high


def test_staggered_when_every_municipality_adopts_uses_the_not_yet_treated():
    """The normal roll-out: every municipality adopts (periods 2, 3, 4, 5 of 0..5), no never-treated group.

    Reference (closed form): Gardner's two-stage point estimate of the overall ATT equals the imputation
    estimator (Borusyak, Jaravel & Spiess 2024, eq. 5 with equal weights): fit citizen + period effects
    by OLS on the untreated observations, impute the untreated outcome of every treated observation and
    average y − ŷ(0). Period 5 has nobody untreated, so it is left out on both sides.
    """
    import statsmodels.formula.api as smf

    data = synthetic.generate(
        400,
        seed=1,
        design="waves",
        municipalities=["101", "751", "461", "851"],
        wave_periods=[2, 3, 4, 5],
        true_effect=3.0,
    )
    m = data.measurements
    assert m["treated_from"].notna().all()  # everyone adopts
    r = estimate_effect(m, "staggered", synthetic.INSTRUMENT)
    # the last wave (5) is never treated inside the analysed window: it is the comparison group
    last_wave = m.loc[m["treated_from"] == 5, "pseudonym"].nunique()
    assert r.n_comparison == last_wave > 5
    assert r.n_intervention == m["pseudonym"].nunique() - last_wave
    assert r.detail("never_treated_citizens") == 0
    # waves 3, 4 and 5 are untreated controls while wave 2 is treated (from period 2 on)
    assert r.detail("not_yet_treated_citizens") == m.loc[m["treated_from"] > 2, "pseudonym"].nunique()
    assert r.detail("observations_left_out") == 400  # period 5 for every citizen
    assert r.ci_low < data.true_effect < r.ci_high

    panel = m.loc[m["period"] < 5].copy()
    panel["treated"] = (panel["period"] >= panel["treated_from"]).astype(int)
    untreated = panel.loc[panel["treated"] == 0]
    fit = smf.ols("value ~ 0 + C(pseudonym) + C(period)", data=untreated).fit()
    treated = panel.loc[panel["treated"] == 1]
    imputed = treated["value"] - fit.predict(treated)
    # pyfixest's stage 1 demeans iteratively (alternating projections, stopping when a sweep changes less than
    # 1e-8). That bounds the step, not the distance to the exact OLS solution, which is the step over (1 − the
    # rate of convergence): 1.3e-5 was seen on a CI machine (3.3885722 against 3.3885590). 1e-4 still tells the
    # estimators apart: two-way fixed effects (OLS with citizen and period effects) gives 3.508 on this data.
    assert r.estimate == pytest.approx(float(imputed.mean()), abs=1e-4)
