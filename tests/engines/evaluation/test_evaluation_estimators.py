"""Estimators against hand calculations and independent implementations on the same data."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
import pytest
from scipy import stats

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.estimators import estimate_effect, propensity_match
from susi.engines.evaluation.survival import cox, kaplan_meier

REF = Path(__file__).parent / "reference"


def _frame(values_t, values_c, occasion="followup_1", instrument="x"):
    rows = []
    for arm, vals in (("intervention", values_t), ("comparison", values_c)):
        for i, v in enumerate(vals):
            rows.append(
                {
                    "pseudonym": f"{arm[0]}{i}",
                    "municipality": "101",
                    "arm": arm,
                    "occasion": occasion,
                    "instrument": instrument,
                    "value": v,
                    "enrolled_on": "2025-01-01",
                }
            )
    return pd.DataFrame(rows)


def test_rct_means_is_welch_by_hand():
    t = [12.0, 15.0, 11.0, 14.0, 18.0]
    c = [10.0, 9.0, 13.0, 8.0]
    r = estimate_effect(_frame(t, c), "rct_means", "x")
    v1, v0 = np.var(t, ddof=1) / 5, np.var(c, ddof=1) / 4
    se = math.sqrt(v1 + v0)
    df = (v1 + v0) ** 2 / (v1**2 / 4 + v0**2 / 3)  # Welch–Satterthwaite
    q = stats.t.ppf(0.975, df)
    assert r.estimate == pytest.approx(14.0 - 10.0)
    assert r.se == pytest.approx(se)
    assert (r.ci_low, r.ci_high) == pytest.approx((4 - q * se, 4 + q * se))
    assert r.p_value == pytest.approx(stats.ttest_ind(t, c, equal_var=False).pvalue)
    assert (r.n_intervention, r.n_comparison) == (5, 4)
    assert (r.yi, r.vi) == pytest.approx((4.0, se * se))


def test_rct_proportions_by_hand():
    t = [1] * 30 + [0] * 70
    c = [1] * 20 + [0] * 80
    r = estimate_effect(_frame(t, c), "rct_proportions", "x")
    se = math.sqrt(0.3 * 0.7 / 100 + 0.2 * 0.8 / 100)
    assert r.estimate == pytest.approx(0.1)
    assert r.se == pytest.approx(se) and r.vi == pytest.approx(se * se)  # metafor's RD variance
    # Newcombe (1998, method 10) by hand from the Wilson limits of each arm
    z = stats.norm.ppf(0.975)

    def wilson(x, n):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    (l1, u1), (l0, u0) = wilson(30, 100), wilson(20, 100)
    low = 0.1 - math.sqrt((0.3 - l1) ** 2 + (u0 - 0.2) ** 2)
    high = 0.1 + math.sqrt((u1 - 0.3) ** 2 + (0.2 - l0) ** 2)
    assert (r.ci_low, r.ci_high) == pytest.approx((low, high), rel=1e-9)
    o = estimate_effect(_frame(t, c), "rct_proportions", "x", measure="OR")
    assert o.estimate == pytest.approx((30 * 80) / (70 * 20))
    assert o.yi == pytest.approx(math.log(30 * 80 / (70 * 20)))
    assert o.vi == pytest.approx(1 / 30 + 1 / 70 + 1 / 20 + 1 / 80)  # Woolf, metafor's OR vi


def test_proportions_refuse_non_binary_values():
    with pytest.raises(EvaluationError) as exc:
        estimate_effect(_frame([0, 1, 2], [0, 1, 1]), "rct_proportions", "x")
    assert exc.value.field == "value"


def test_ancova_equals_pyfixest_hc2():
    data = synthetic.generate(150, seed=3)
    r = estimate_effect(data.measurements, "ancova", synthetic.INSTRUMENT)
    m = data.measurements.loc[data.measurements["instrument"] == synthetic.INSTRUMENT]
    wide = m.pivot(index="pseudonym", columns="occasion", values="value").reset_index()
    wide = wide.merge(m[["pseudonym", "arm"]].drop_duplicates(), on="pseudonym")
    wide["treat"] = (wide["arm"] == "intervention").astype(int)
    # statsmodels' HC2 carries no (N-1)/(N-K) factor: pyfixest without it gives the same number
    fx = pf.feols("followup_1 ~ treat + baseline", data=wide, vcov="HC2", ssc=pf.ssc(k_adj=False))
    fx = fx.tidy().loc["treat"]
    assert r.estimate == pytest.approx(fx["Estimate"], rel=1e-10)
    assert r.se == pytest.approx(fx["Std. Error"], rel=1e-8)


def test_ancova_is_more_precise_than_the_raw_difference():
    data = synthetic.generate(300, seed=4)
    raw = estimate_effect(data.measurements, "rct_means", synthetic.INSTRUMENT)
    adj = estimate_effect(data.measurements, "ancova", synthetic.INSTRUMENT)
    assert adj.se < raw.se


def test_propensity_match_by_hand():
    people = pd.DataFrame(
        {
            "treat": [1, 1, 0, 0, 0, 0, 1, 0],
            "x": [2.0, 1.0, 1.9, 1.1, -1.0, -2.0, 0.0, 0.1],
        }
    )
    matched = propensity_match(people, ["x"], caliper=1.0)
    pairs = {frozenset(g.index) for _, g in matched.groupby("pair")}
    # the score is monotone in x, so each treated gets its nearest-x unused control
    assert pairs == {frozenset({0, 2}), frozenset({1, 3}), frozenset({6, 7})}


def test_a_covariate_without_variation_is_left_out_of_the_propensity_model():
    # Everyone the same age (one birth cohort): beside the constant, age would make the model singular, and
    # whether the solver noticed depended on the CPU. It separates no one, so the pairs are those of x alone.
    people = pd.DataFrame(
        {
            "treat": [1, 1, 0, 0, 0, 0, 1, 0],
            "x": [2.0, 1.0, 1.9, 1.1, -1.0, -2.0, 0.0, 0.1],
            "age": [-7.0] * 8,
        }
    )
    with_age = propensity_match(people, ["x", "age"], caliper=1.0)
    alone = propensity_match(people, ["x"], caliper=1.0)
    assert with_age["pair"].tolist() == alone["pair"].tolist()
    assert with_age["pscore"].tolist() == alone["pscore"].tolist()


def test_psm_recovers_effect_under_selection_on_observables():
    errs = []
    for seed in range(8):
        data = synthetic.generate(800, seed=seed, design="observational", true_effect=3.0)
        r = estimate_effect(data.measurements, "psm", synthetic.INSTRUMENT, covariates=["risk_score", "age"])
        errs.append(r.estimate - 3.0)
        before, after = dict(r.detail("balance_before")), dict(r.detail("balance_after"))
        assert all(abs(v) < 0.15 for v in after.values())
        assert abs(after["risk_score"]) < abs(before["risk_score"]) / 3
    assert abs(np.mean(errs)) < 0.5


def test_naive_difference_is_biased_in_observational_data_but_did_is_not():
    naive, did = [], []
    for seed in range(8):
        data = synthetic.generate(800, seed=seed, design="observational", true_effect=3.0)
        naive.append(estimate_effect(data.measurements, "rct_means", synthetic.INSTRUMENT).estimate - 3)
        did.append(estimate_effect(data.measurements, "did", synthetic.INSTRUMENT).estimate - 3)
    assert np.mean(naive) > 1.0  # treated have higher risk scores -> higher levels
    assert abs(np.mean(did)) < 0.4


def test_kaplan_meier_aml_by_hand():
    ref = json.loads((REF / "aml.json").read_text())
    rows = [
        {"pseudonym": f"m{i}", "arm": "intervention", "time": t, "event": e}
        for i, (t, e) in enumerate(ref["maintained"])
    ]
    rows += [
        {"pseudonym": f"n{i}", "arm": "comparison", "time": t, "event": e}
        for i, (t, e) in enumerate(ref["nonmaintained"])
    ]
    frame = pd.DataFrame(rows)
    curves = {c.arm: c for c in kaplan_meier(frame)}
    km = dict(zip(curves["intervention"].times, curves["intervention"].survival, strict=True))
    expected = {9: 10 / 11}
    expected[13] = expected[9] * 9 / 10
    expected[18] = expected[13] * 7 / 8
    expected[23] = expected[18] * 6 / 7
    expected[31] = expected[23] * 4 / 5
    expected[34] = expected[31] * 3 / 4
    expected[48] = expected[34] * 1 / 2
    for t, s in expected.items():
        assert km[t] == pytest.approx(s, rel=1e-12)
    assert curves["intervention"].median == ref["km_maintained_hand"]["median"]
    assert curves["intervention"].n == 11 and curves["intervention"].events == 7

    hr = cox(frame.assign(arm=frame["arm"].map({"intervention": "comparison", "comparison": "intervention"})))
    # R: coxph(Surv(time, status) ~ x, aml) -> coef 0.9155 (Nonmaintained), se 0.5119
    assert hr.yi == pytest.approx(ref["cox_coef"], abs=5e-5)
    assert math.sqrt(hr.vi) == pytest.approx(ref["cox_se"], abs=5e-5)
    assert hr.measure == "HR" and hr.estimate == pytest.approx(math.exp(hr.yi))


def test_cox_recovers_synthetic_hazard_ratio():
    logs = []
    for seed in range(5):
        data = synthetic.generate(1000, seed=seed, log_hr=math.log(1.5))
        logs.append(cox(data.survival, covariates=["risk_score"]).yi)
    assert np.mean(logs) == pytest.approx(math.log(1.5), abs=0.08)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda f: f.drop(columns=["arm"]), "arm"),
        (lambda f: f.assign(arm="treatment"), "arm"),
        (lambda f: f.assign(occasion="after"), "occasion"),
        (lambda f: f.assign(value="high"), "value"),
        (lambda f: pd.concat([f, f.iloc[:1]]), "occasion"),
    ],
)
def test_bad_frames_name_the_field(mutate, field):
    data = synthetic.generate(40, seed=1)
    with pytest.raises(EvaluationError) as exc:
        estimate_effect(mutate(data.measurements), "rct_means", synthetic.INSTRUMENT)
    assert exc.value.field == field
    assert exc.value.message.da


def test_unknown_design_and_instrument():
    data = synthetic.generate(40, seed=1)
    with pytest.raises(EvaluationError) as exc:
        estimate_effect(data.measurements, "magic", synthetic.INSTRUMENT)
    assert exc.value.field == "design"
    with pytest.raises(EvaluationError) as exc:
        estimate_effect(data.measurements, "rct_means", "nope")
    assert exc.value.field == "instrument"


def test_every_design_returns_an_evidence_effect_size_and_a_success_rate():
    rct = synthetic.generate(300, seed=2)
    waves = synthetic.generate(200, seed=2, design="waves", municipalities=list(synthetic.MUNICIPALITIES)[:6])
    for design in ("rct_means", "ancova", "did", "twfe", "psm"):
        r = estimate_effect(rct.measurements, design, synthetic.INSTRUMENT)
        assert r.measure == "MD" and r.vi == pytest.approx(r.se**2)
        assert r.to_smd().measure == "SMD"
        s = r.to_success_rate(0.2)
        assert 0 < s.mean < 0.8 and s.sd > 0
    st = estimate_effect(waves.measurements, "staggered", synthetic.INSTRUMENT)
    assert st.to_success_rate(0.2).mean > 0
    p = estimate_effect(rct.measurements, "rct_proportions", synthetic.BINARY_INSTRUMENT)
    assert p.to_success_rate(0.3).mean == pytest.approx(p.estimate)


def test_estimate_by_municipality_suppresses_small_groups():
    from susi.engines.evaluation.estimators import estimate_by

    data = synthetic.generate(400, seed=6, municipalities=("101", "461"))
    m = data.measurements
    few = m.loc[m["pseudonym"].isin(m.loc[m["municipality"] == "461", "pseudonym"].unique()[:6])]
    frame = pd.concat([m.loc[m["municipality"] == "101"], few.assign(municipality="999")])
    out = {g.group: g for g in estimate_by(frame, "ancova", synthetic.INSTRUMENT, "municipality")}
    assert out["101"].estimate is not None and out["101"].reason is None
    whole = estimate_effect(m.loc[m["municipality"] == "101"], "ancova", synthetic.INSTRUMENT)
    assert out["101"].estimate.estimate == pytest.approx(whole.estimate)
    assert out["999"].estimate is None and "For få borgere" in out["999"].reason.da


def test_psm_refuses_groups_the_covariates_separate_completely():
    people = pd.DataFrame({"treat": [1, 1, 1, 0, 0, 0], "x": [5.0, 6.0, 7.0, 1.0, 2.0, 3.0]})
    with pytest.raises(EvaluationError) as exc:
        propensity_match(people, ["x"])
    assert exc.value.field == "covariates"
    assert "sammenlignelige" in exc.value.message.da


def test_psm_reports_unmatched_and_balance_by_hand():
    """The matching report: intervention citizens without a match and the standardised difference of each
    matching covariate, (mean₁ − mean₀)/sqrt((s₁² + s₀²)/2), written out here for the baseline before
    matching. A narrow caliper leaves intervention citizens unmatched."""
    data = synthetic.generate(600, seed=3, design="observational", true_effect=3.0)
    m = data.measurements.loc[data.measurements["instrument"] == synthetic.INSTRUMENT]
    r = estimate_effect(m, "psm", synthetic.INSTRUMENT, covariates=["risk_score"], caliper=0.01)
    base = m.loc[m["occasion"] == "baseline"]
    treated = base.loc[base["arm"] == "intervention", "value"]
    control = base.loc[base["arm"] != "intervention", "value"]
    by_hand = (treated.mean() - control.mean()) / np.sqrt((treated.var(ddof=1) + control.var(ddof=1)) / 2)
    assert dict(r.detail("balance_before"))["baseline"] == pytest.approx(by_hand, rel=1e-12)
    assert set(dict(r.detail("balance_after"))) == {"baseline", "risk_score"}
    assert r.detail("unmatched_intervention") == len(treated) - r.detail("pairs") > 0
    assert r.n_intervention == r.n_comparison == r.detail("pairs")


def test_subgroup_interaction_test_by_hand_and_finds_a_real_difference():
    """Closed form: in the saturated model y ~ treat * C(g) the interaction is the difference between the
    two groups' mean differences, d₁ − d₀, and HC2 gives each cell mean the variance s²/n (leverage 1/n),
    so the Wald F (1 df) is (d₁ − d₀)² / Σ over the four cells of s²/n."""
    from susi.engines.evaluation.estimators import subgroup_effects

    data = synthetic.generate(800, seed=11, true_effect=3.0)
    m = data.measurements.loc[data.measurements["instrument"] == synthetic.INSTRUMENT].copy()
    m["older"] = np.where(m["age"] >= 42, "42+", "under 42")
    # the intervention works 4 points better for the older citizens
    boost = (m["older"] == "42+") & (m["arm"] == "intervention") & (m["occasion"] == "followup_1")
    m.loc[boost, "value"] += 4.0
    res = subgroup_effects(m, synthetic.INSTRUMENT, "older", adjust_baseline=False)
    fu = m.loc[m["occasion"] == "followup_1"]
    cells = fu.groupby(["older", "arm"])["value"].agg(["mean", "var", "count"])
    diff = {
        g: cells.loc[(g, "intervention"), "mean"] - cells.loc[(g, "comparison"), "mean"]
        for g in ("42+", "under 42")
    }
    variance = float((cells["var"] / cells["count"]).sum())
    assert res.statistic == pytest.approx((diff["42+"] - diff["under 42"]) ** 2 / variance, rel=1e-9)
    assert (res.df_num, res.tested_groups) == (1, ("42+", "under 42"))
    assert res.p_value < 0.01
    by_group = {g.group: g.estimate.estimate for g in res.groups}
    assert by_group == pytest.approx(diff, rel=1e-12)
    # adjusted for the baseline (ANCOVA within each group) the difference is still found
    adjusted = subgroup_effects(m, synthetic.INSTRUMENT, "older")
    assert adjusted.design == "ancova" and adjusted.p_value < 0.01
    # no real difference: municipalities share one effect, and the test does not claim one
    same = subgroup_effects(m.loc[m["older"] == "42+"], synthetic.INSTRUMENT, "municipality")
    assert same.df_num == 3 and same.p_value > 0.05
    # a single group with a number: no test, and the reason says why
    alone = subgroup_effects(m.loc[m["municipality"] == "101"], synthetic.INSTRUMENT, "municipality")
    assert alone.statistic is None and "mindst to grupper" in alone.reason.da


def test_subgroups_withhold_a_second_group_when_a_small_one_could_be_worked_out_by_subtraction():
    """Small-cell rule by subtraction (``privacy.protect_total``): group D has 3 intervention citizens, so
    it shows no number; with the other groups' counts shown, D's 3 = total − A − B − C. So the smallest
    shown group in that arm (B) is withheld too, and only A and C enter the interaction test."""
    from susi.engines.evaluation.estimators import subgroup_effects

    data = synthetic.generate(1200, seed=5)
    m = data.measurements.loc[data.measurements["instrument"] == synthetic.INSTRUMENT].copy()
    people = m.drop_duplicates("pseudonym")[["pseudonym", "arm"]]
    sizes = {"A": (40, 40), "B": (20, 20), "C": (30, 30), "D": (3, 20)}
    labels = {}
    for arm, column in (("intervention", 0), ("comparison", 1)):
        ids = people.loc[people["arm"] == arm, "pseudonym"].tolist()
        start = 0
        for g, n in sizes.items():
            labels.update({p: g for p in ids[start : start + n[column]]})
            start += n[column]
    m["g"] = m["pseudonym"].map(labels)
    m = m.loc[m["g"].notna()]
    res = subgroup_effects(m, synthetic.INSTRUMENT, "g")
    shown = {g.group: g.estimate is not None for g in res.groups}
    assert shown == {"A": True, "B": False, "C": True, "D": False}
    b = next(g for g in res.groups if g.group == "B")
    assert "trække fra" in b.reason.da
    assert res.tested_groups == ("A", "C") and res.df_num == 1
    # without the small group there is nothing to work out: B is shown
    whole = subgroup_effects(m.loc[m["g"] != "D"], synthetic.INSTRUMENT, "g")
    assert [g.group for g in whole.groups if g.estimate is not None] == ["A", "B", "C"]
    # a hidden group (unknown age) is counted in the check but never shown: hiding A's 40 + 40
    # makes D's 3 part of a withheld 43, so B may be shown again
    hiding = subgroup_effects(m, synthetic.INSTRUMENT, "g", hidden=("A",))
    assert [g.group for g in hiding.groups] == ["B", "C", "D"]
    assert [g.group for g in hiding.groups if g.estimate is not None] == ["B", "C"]
