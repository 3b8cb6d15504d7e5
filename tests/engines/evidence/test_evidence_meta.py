"""Meta-analysis estimators pinned against metafor (values and R calls in reference/metafor_reference.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.meta_analysis import combine_effects

from susi.engines.evidence import (
    EvidenceInputError,
    compute,
    egger_test,
    generic,
    leave_one_out,
    log_odds_ratio,
    log_risk_ratio,
    mean_difference,
    meta_analysis,
    meta_regression,
    moderator_test,
    risk_difference,
    standardized_mean_difference,
    subgroups,
)
from tests.engines.evidence.reference import metafor_reference as R


def bcg(fn=log_risk_ratio):
    return fn(*R.BCG.T)


def check(result, expected, atol):
    for key, value in expected.items():
        assert getattr(result, key) == pytest.approx(value, abs=atol), key


# ---------------------------------------------------------------- dat.bcg, log risk ratio -------------


def test_bcg_rr_fixed_effect_matches_metafor():
    check(meta_analysis(bcg(), "FE"), R.BCG_RR_FE, 5e-5)


def test_bcg_rr_dersimonian_laird_matches_metafor():
    check(meta_analysis(bcg(), "DL"), R.BCG_RR_DL, 5e-5)


def test_bcg_rr_dl_confidence_intervals_for_heterogeneity_match_confint():
    res = meta_analysis(bcg(), "DL")
    tau2, i2, h2 = R.BCG_RR_DL_CONFINT["tau2"], R.BCG_RR_DL_CONFINT["i2"], R.BCG_RR_DL_CONFINT["h2"]
    assert res.tau2_ci == pytest.approx(tau2[1:], abs=1e-4)
    # metafor finds the Q-profile roots with uniroot's default tolerance (~1e-4 on tau^2); we solve to
    # 1e-12, so I^2 and H^2 (steep functions of tau^2 near the lower end) agree to ~3e-3 and ~1e-3.
    assert res.i2_ci == pytest.approx(i2[1:], abs=5e-3)
    assert res.h2_ci == pytest.approx(h2[1:], abs=2e-3)
    assert res.h2 == pytest.approx(h2[0], abs=5e-5)


def test_bcg_rr_reml_matches_metafor():
    res = meta_analysis(bcg(), "REML")
    check(res, {k: v for k, v in R.BCG_RR_REML.items() if k not in ("i2", "h2")}, 5e-5)
    assert res.i2 == pytest.approx(R.BCG_RR_REML["i2"], abs=5e-3)
    assert res.h2 == pytest.approx(R.BCG_RR_REML["h2"], abs=5e-3)
    assert res.tau2 == pytest.approx(R.BCG_RR_REML_TAU2, abs=1e-6)
    assert res.q == pytest.approx(R.BCG_RR_REML_QE, abs=1e-9)
    assert res.converged


def test_bcg_rr_reml_prediction_interval_matches_predict():
    res = meta_analysis(bcg(), "REML")
    got = np.exp([res.estimate, res.ci_low, res.ci_high, res.pi_low, res.pi_high])
    want = R.BCG_RR_REML_PREDICT_EXP
    assert got == pytest.approx(
        [want[k] for k in ("pred", "ci_low", "ci_high", "pi_low", "pi_high")], abs=5e-5
    )


def test_bcg_rr_reml_leave_one_out_matches_leave1out():
    first = leave_one_out(bcg(), "REML")[0]
    # metafor stops REML when tau^2 changes by < 1e-5; H^2 then differs in the 6th decimal
    check(first, R.BCG_RR_REML_LOO_1, 5e-6)
    assert len(leave_one_out(bcg(), "REML")) == 13


def test_bcg_rr_reml_meta_regression_on_latitude_matches_predict():
    reg = meta_regression(bcg(), R.BCG_ABLAT, "ablat", "REML")
    for ablat, (pred, se) in R.BCG_RR_REML_ABLAT_PRED.items():
        got_pred, got_se, _, _ = reg.predict(ablat)
        assert got_pred == pytest.approx(pred, abs=1e-5)
        assert got_se == pytest.approx(se, abs=1e-5)
    # latitude explains most of the heterogeneity: the residual tau^2 is far below the RE model's
    assert reg.tau2 < 0.3 * meta_analysis(bcg(), "REML").tau2
    assert reg.qm_p < 0.001


def test_bcg_or_fe_and_dl_match_metafor():
    check(meta_analysis(bcg(log_odds_ratio), "FE"), R.BCG_OR_FE, 5e-5)
    check(meta_analysis(bcg(log_odds_ratio), "DL"), R.BCG_OR_DL, 5e-5)


def test_bcg_rd_fe_and_dl_match_metafor():
    check(meta_analysis(bcg(risk_difference), "FE"), R.BCG_RD_FE, 5e-5)
    check(meta_analysis(bcg(risk_difference), "DL"), R.BCG_RD_DL, 5e-5)


@pytest.mark.parametrize(
    ("hk", "expected"), [(False, R.BCG_ABLAT_ALLOC_QM), (True, R.BCG_ABLAT_ALLOC_QM_KNHA)]
)
def test_moderator_test_for_allocation_dummies_matches_anova_btt(hk, expected):
    # rma(yi, vi, mods = ~ ablat + alloc): alloc's levels are alternate (reference), random, systematic
    x = np.column_stack(
        [
            np.ones(13),
            R.BCG_ABLAT,
            [a == "random" for a in R.BCG_ALLOC],
            [a == "systematic" for a in R.BCG_ALLOC],
        ]
    )
    qm, qm_p = moderator_test(bcg(), x, [2, 3], "REML", hk)
    assert qm == pytest.approx(expected[0], abs=5e-5)
    assert round(qm_p, 2) == expected[1]


# ---------------------------------------------------------------- Kacker (2004): PM, DL, Hartung-Knapp ----


def kacker():
    return generic(R.KACKER_Y, R.KACKER_V)


def test_paule_mandel_matches_metafor_to_full_precision():
    check(meta_analysis(kacker(), "PM"), R.KACKER_PM, 1e-9)


def test_dl_and_fixed_effect_match_metafor_to_full_precision():
    check(meta_analysis(kacker(), "DL"), R.KACKER_DL, 1e-9)
    check(meta_analysis(kacker(), "FE"), R.KACKER_FE, 1e-9)


def test_hartung_knapp_matches_metafor_knha():
    check(meta_analysis(kacker(), "DL", hk=True), R.KACKER_DL_KNHA, 1e-9)
    check(meta_analysis(kacker(), "FE", hk=True), R.KACKER_FE_KNHA, 1e-9)
    assert meta_analysis(kacker(), "DL", hk=True).df == 8


def test_agrees_with_statsmodels_combine_effects_where_both_apply():
    for ours, theirs in (("DL", "dl"), ("PM", "pm")):
        res = meta_analysis(kacker(), ours)
        sm = combine_effects(R.KACKER_Y, R.KACKER_V, method_re=theirs, atol=1e-10)
        assert res.tau2 == pytest.approx(sm.tau2, abs=1e-8)
        assert res.estimate == pytest.approx(sm.mean_effect_re, abs=1e-8)
        assert res.se == pytest.approx(sm.sd_eff_w_re, abs=1e-8)
        assert res.q == pytest.approx(sm.q, abs=1e-8)


# ---------------------------------------------------------------- CLASP: PM, DL, REML on log OR -------


@pytest.mark.parametrize("method", ["PM", "DL", "REML"])
def test_clasp_tau_mu_se_match_dersimonian_kacker_tables(method):
    n1, n2, ai, ci = R.CLASP.T
    res = meta_analysis(log_odds_ratio(ai, n1 - ai, ci, n2 - ci), method)
    tau, mu, se = R.CLASP_OR[method]
    assert (round(res.tau, 4), round(res.estimate, 4), round(res.se, 4)) == (tau, mu, se)


# ---------------------------------------------------------------- normand1999: MD, SMD -------------------


def normand_md():
    n1, m1, s1, n2, m2, s2 = R.NORMAND.T
    sp = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2))
    return mean_difference(m1, sp, n1, m2, sp, n2)


def test_normand_mean_differences_and_models_match_published_tables():
    md = normand_md()
    assert md.yi.tolist() == R.NORMAND_MD_YI
    assert np.round(md.vi, 2).tolist() == R.NORMAND_MD_VI
    for method, want in (("FE", R.NORMAND_MD_FE), ("DL", R.NORMAND_MD_DL), ("REML", R.NORMAND_MD_REML)):
        res = meta_analysis(md, method)
        for key, value in want.items():
            assert round(getattr(res, key), 2) == pytest.approx(value), (method, key)


def test_normand_smd_reml_tau2_matches_metafor():
    n1, m1, s1, n2, m2, s2 = R.NORMAND[:4].T
    res = meta_analysis(standardized_mean_difference(m1, s1, n1, m2, s2, n2), "REML")
    assert res.tau2 == pytest.approx(R.NORMAND_SMD_1_4_REML_TAU2, abs=5e-5)


# ---------------------------------------------------------------- Egger ---------------------------------


def test_egger_regtest_matches_metafor_with_zero_cell_study():
    ai, n1, ci, n2 = R.EGGER2001.T
    effects = log_odds_ratio(ai, n1 - ai, ci, n2 - ci)
    assert effects.adjusted[7] and sum(effects.adjusted) == 1
    assert egger_test(effects, "REML").stat == pytest.approx(R.EGGER2001_OR_REGTEST_Z, abs=5e-5)


def test_egger_lm_variant_is_weighted_regression_of_effect_on_standard_error():
    # Hand calculation: WLS of yi on (1, sei) with weights 1/vi, written out with numpy.
    e = bcg()
    x = np.column_stack([np.ones(e.k), e.sei])
    w = 1 / e.vi
    xtwx = x.T @ (x * w[:, None])
    beta = np.linalg.solve(xtwx, x.T @ (w * e.yi))
    resid = e.yi - x @ beta
    s2 = (w * resid**2).sum() / (e.k - 2)
    se = np.sqrt(np.diag(np.linalg.inv(xtwx)) * s2)
    res = egger_test(e, model="lm")
    assert res.stat == pytest.approx(beta[1] / se[1], rel=1e-10)
    assert res.df == 11


# ---------------------------------------------------------------- subgroups ------------------------------


def test_subgroups_fit_each_group_and_test_the_difference():
    e = bcg()
    groups = ["high" if a >= 33 else "low" for a in R.BCG_ABLAT]
    res = subgroups(e, groups, "REML")
    high = meta_analysis(generic(e.yi[R.BCG_ABLAT >= 33], e.vi[R.BCG_ABLAT >= 33]), "REML")
    got = {g.name: g for g in res.groups}
    assert got["high"].estimate == pytest.approx(high.estimate)
    assert got["high"].k == 8 and got["low"].k == 5
    assert res.qm_df == 1
    # the between-group test is the moderator test of a dummy for the group (metafor: mods = ~ factor(g))
    dummy = np.array([g == "low" for g in groups], float)
    assert res.qm == pytest.approx(meta_regression(e, dummy, "low", "REML").qm)


def test_fixed_effect_subgroup_test_is_the_textbook_q_between():
    # Hand identity (Borenstein et al. 2009, ch. 19): Q_between = Q_total - sum of Q_within.
    e = bcg()
    groups = ["high" if a >= 33 else "low" for a in R.BCG_ABLAT]
    res = subgroups(e, groups, "FE")
    high, low = R.BCG_ABLAT >= 33, R.BCG_ABLAT < 33
    q_within = sum(meta_analysis(generic(e.yi[m], e.vi[m]), "FE").q for m in (high, low))
    assert res.qm == pytest.approx(meta_analysis(e, "FE").q - q_within, rel=1e-9)


# ---------------------------------------------------------------- bad input -----------------------------


def test_a_single_study_is_refused_with_a_clear_message():
    with pytest.raises(EvidenceInputError) as err:
        meta_analysis(generic([0.2], [0.01]))
    assert "mindst 2 studier" in err.value.message.da


def test_a_negative_variance_is_refused_naming_vi():
    with pytest.raises(EvidenceInputError) as err:
        generic([0.1, 0.2], [0.01, -0.02])
    assert err.value.field == "vi" and err.value.row == 2


def test_unknown_method_is_refused():
    with pytest.raises(EvidenceInputError) as err:
        meta_analysis(kacker(), "ML")
    assert err.value.field == "method"


# ---------------------------------------------------------------- properties -----------------------------

studies_strategy = st.lists(st.tuples(st.floats(-3, 3), st.floats(0.005, 2.0)), min_size=2, max_size=25)


@settings(max_examples=60, deadline=None)
@given(studies_strategy, st.sampled_from(["FE", "DL", "REML", "PM"]), st.floats(-5, 5))
def test_estimators_are_location_equivariant_and_intervals_nest(rows, method, shift):
    y = np.array([r[0] for r in rows])
    v = np.array([r[1] for r in rows])
    res = meta_analysis(generic(y, v), method)
    moved = meta_analysis(generic(y + shift, v), method)
    assert res.tau2 >= 0
    assert moved.estimate == pytest.approx(res.estimate + shift, abs=1e-6)
    assert moved.tau2 == pytest.approx(res.tau2, abs=1e-6)
    assert y.min() - 1e-9 <= res.estimate <= y.max() + 1e-9  # a weighted mean of the effects
    assert res.pi_low <= res.ci_low + 1e-12 and res.ci_high <= res.pi_high + 1e-12
    if res.tau2_ci is not None:
        assert res.tau2_ci[0] <= res.tau2_ci[1]


# ---------------------------------------------------------------- several moderators; REML stopping rule ---


def _metafor_fisher_scoring(y, v, x, threshold):
    """rma.uni's REML iteration as metafor 5.1-12 documents and runs it (R/rma.uni.r): start at the
    Hedges (HE) estimate, Fisher scoring steps (yᵀPPy − tr P)/tr(PP), step halving below 0, stop when
    |Δτ²| <= control$threshold (default 1e-5). Returns τ², the coefficients and their SEs."""
    k, p = x.shape
    ols = np.eye(k) - x @ np.linalg.inv(x.T @ x) @ x.T
    tau2 = max(0.0, (y @ ols @ y - np.trace(ols @ np.diag(v))) / (k - p))
    change = threshold + 1
    while change > threshold:
        old = tau2
        w = np.diag(1 / (v + tau2))
        proj = w - w @ x @ np.linalg.inv(x.T @ w @ x) @ x.T @ w
        step = (y @ proj @ proj @ y - np.trace(proj)) / np.trace(proj @ proj)
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        change = abs(old - tau2)
    w = np.diag(1 / (v + tau2))
    cov = np.linalg.inv(x.T @ w @ x)
    return tau2, cov @ x.T @ w @ y, np.sqrt(np.diag(cov))


def test_meta_regression_with_two_moderators_matches_metafor():
    from susi.engines.evidence import meta_regression_multi

    res = meta_regression_multi(bcg(), {"ablat": R.BCG_ABLAT, "year": R.BCG_YEAR}, "REML")
    assert [c.name for c in res.coefficients] == ["intercept", "ablat", "year"]
    for c in res.coefficients:
        want = R.BCG_RR_REML_ABLAT_YEAR[c.name]
        # metafor stops REML at |Δτ²| <= 1e-5, we at 1e-10: the coefficients agree to ~5e-5 relative
        # (test_metafor_reml_stopping_rule_accounts_for_the_last_digits reproduces metafor's digits exactly)
        got = (c.estimate, c.se, c.stat, c.pval, c.ci_low, c.ci_high)
        np.testing.assert_allclose(got, want, rtol=1e-4)
    fit = R.BCG_RR_REML_ABLAT_YEAR_FIT
    assert res.tau2 == pytest.approx(fit["tau2"], abs=5e-5)
    assert (res.i2, res.h2, res.r2) == pytest.approx((fit["i2"], fit["h2"], fit["r2"]), abs=5e-3)
    assert (res.qe, res.qe_df, res.qe_p) == pytest.approx((fit["qe"], 10, fit["qe_p"]), abs=5e-5)
    assert (res.qm, res.qm_df, res.qm_p) == pytest.approx((fit["qm"], 2, fit["qm_p"]), abs=5e-4)
    # one moderator: the same numbers as the one-moderator meta_regression
    one = meta_regression_multi(bcg(), {"ablat": R.BCG_ABLAT}, "REML")
    single = meta_regression(bcg(), R.BCG_ABLAT, "ablat", "REML")
    assert one.coefficients[1].estimate == pytest.approx(single.coefficients[1].estimate, rel=1e-12)
    assert one.qm == pytest.approx(single.qm, rel=1e-12)
    with pytest.raises(EvidenceInputError) as err:
        meta_regression_multi(bcg(), {"a": R.BCG_ABLAT, "b": 2 * R.BCG_ABLAT})
    assert "kollinearitet" in err.value.message.da


def test_metafor_reml_stopping_rule_accounts_for_the_last_digits():
    """docs/developers/evidence.md: metafor's default REML stopping rule (control=list(threshold=1e-5))
    is what separates its digits from ours, and control=list(threshold=1e-10) reproduces this project.

    1. The iteration above with metafor's default threshold reproduces metafor's published full-precision
       coefficients of rma(yi, vi, mods = ~ ablat + year) to every printed digit; with threshold 1e-10
       it equals our meta-regression.
    2. With a very small τ² (risk differences of the CLASP trials, τ² ≈ 1e-4) the default rule stops after
       three steps, and the pooled RD and its SE differ from the converged values in the third significant
       digit; threshold 1e-10 agrees with ours to 1e-8.
    """
    from susi.engines.evidence import meta_regression_multi

    e = bcg()
    x = np.column_stack([np.ones(e.k), R.BCG_ABLAT, R.BCG_YEAR])
    _, beta, se = _metafor_fisher_scoring(e.yi, e.vi, x, threshold=1e-5)
    published = [R.BCG_RR_REML_ABLAT_YEAR[n] for n in ("intercept", "ablat", "year")]
    # published to 9 decimals (estimates) and 8 (SEs): agreement to half a unit in the last printed digit
    np.testing.assert_allclose(beta, [p[0] for p in published], rtol=0, atol=5e-10)
    np.testing.assert_allclose(se, [p[1] for p in published], rtol=0, atol=5e-9)
    tau2, beta, _ = _metafor_fisher_scoring(e.yi, e.vi, x, threshold=1e-10)
    ours = meta_regression_multi(e, {"ablat": R.BCG_ABLAT, "year": R.BCG_YEAR}, "REML")
    assert tau2 == pytest.approx(ours.tau2, abs=1e-9)
    np.testing.assert_allclose(beta, [c.estimate for c in ours.coefficients], rtol=1e-7)

    n1, n2, a, c = R.CLASP.T
    rd = compute("RD", {"ai": a, "n1i": n1, "ci": c, "n2i": n2})
    ones = np.ones((rd.k, 1))
    res = meta_analysis(rd, "REML")
    tau2_default, mu_default, se_default = _metafor_fisher_scoring(rd.yi, rd.vi, ones, threshold=1e-5)
    tau2_tight, mu_tight, se_tight = _metafor_fisher_scoring(rd.yi, rd.vi, ones, threshold=1e-10)
    assert res.tau2 == pytest.approx(tau2_tight, abs=1e-9) and res.tau2 < 2e-4
    # both stop at |Δτ²| <= 1e-10; the pooled RD moves by ~30 × Δτ² here, so they agree to 1e-8
    assert res.estimate == pytest.approx(mu_tight[0], abs=1e-8)
    assert res.se == pytest.approx(se_tight[0], abs=1e-8)
    assert 1e-3 < abs(mu_default[0] - res.estimate) / abs(res.estimate) < 1e-1  # the third digit
    assert 1e-3 < abs(se_default[0] - res.se) / res.se < 1e-1
    assert abs(tau2_default - res.tau2) / res.tau2 > 1e-2
