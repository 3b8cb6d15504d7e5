"""Effect sizes pinned against metafor's escalc; conversions, tables, ratings and practice by hand."""

import io
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from susi.engines.evidence import (
    EvidenceInputError,
    compute,
    log_odds_ratio,
    log_odds_ratio_to_smd,
    log_risk_ratio,
    meta_analysis,
    read_table,
    risk_difference,
    smd_to_log_odds_ratio,
    standardized_mean_difference,
    success_rate,
)
from susi.engines.evidence.effect_sizes import hedges_correction
from susi.engines.evidence.practice import ELEMENTS, profile, question_keys
from susi.engines.evidence.rating import (
    Grade,
    Level,
    PooledEffect,
    RiskOfBias,
    StudyEvidence,
    rate,
    som_grade,
)
from tests.engines.evidence.reference import metafor_reference as R


def test_smd_matches_metafor_escalc_yi_and_vi():
    res = standardized_mean_difference(*R.CHEN_PEACE.T)
    np.testing.assert_allclose(res.yi, R.CHEN_PEACE_SMD_YI, rtol=1e-12)
    np.testing.assert_allclose(res.vi, R.CHEN_PEACE_SMD_VI, rtol=1e-12)


def test_hedges_exact_correction_is_close_to_the_usual_approximation():
    df = np.array([10.0, 50.0, 200.0])
    np.testing.assert_allclose(hedges_correction(df), 1 - 3 / (4 * df - 1), rtol=1e-3)


def test_rr_and_or_by_hand_for_the_first_bcg_trial():
    a, b, c, d = R.BCG[0]
    rr = log_risk_ratio([a], [b], [c], [d])
    assert rr.yi[0] == pytest.approx(math.log((4 / 123) / (11 / 139)))
    assert rr.vi[0] == pytest.approx(1 / 4 - 1 / 123 + 1 / 11 - 1 / 139)
    lor = log_odds_ratio([a], [b], [c], [d])
    assert lor.yi[0] == pytest.approx(math.log(4 * 128 / (119 * 11)))
    assert lor.vi[0] == pytest.approx(1 / 4 + 1 / 119 + 1 / 11 + 1 / 128)
    rd = risk_difference([a], [b], [c], [d])
    assert rd.yi[0] == pytest.approx(4 / 123 - 11 / 139)


def test_zero_cells_get_one_half_added_to_all_four_cells_only_in_that_table():
    res = log_odds_ratio([0, 5], [10, 5], [3, 4], [7, 6])
    assert res.adjusted == (True, False)
    assert res.yi[0] == pytest.approx(math.log(0.5 * 7.5 / (10.5 * 3.5)))
    assert res.yi[1] == pytest.approx(math.log(5 * 6 / (5 * 4)))
    both_zero = log_risk_ratio([0, 1], [10, 9], [0, 2], [10, 8])
    assert both_zero.adjusted[0] and both_zero.yi[0] == pytest.approx(0.0)


def test_missing_column_and_non_numeric_cells_are_named():
    with pytest.raises(EvidenceInputError) as err:
        compute("RR", {"ai": [1], "bi": [2], "ci": [3]})
    assert err.value.field == "di"
    with pytest.raises(EvidenceInputError) as err:
        compute("GEN", {"yi": [0.1, "x"], "vi": [0.1, 0.1]})
    assert err.value.field == "yi"


def test_smd_log_or_conversion_round_trips_and_uses_pi_over_root3():
    lor, v = smd_to_log_odds_ratio(0.5, 0.04)
    assert lor == pytest.approx(0.5 * math.pi / math.sqrt(3))
    assert v == pytest.approx(0.04 * math.pi**2 / 3)
    assert log_odds_ratio_to_smd(lor, v) == pytest.approx((0.5, 0.04))


def test_success_rate_from_a_risk_ratio_written_out():
    # SØM's example: 2 % leave homelessness today; RR 6 (log 1.7918) gives 12 %, a success rate of 10 %.
    res = success_rate("RR", math.log(6), math.log(4), math.log(8), baseline_rate=0.02)
    assert res.treated_rate == pytest.approx(0.12)
    assert res.mean == pytest.approx(0.10)
    assert (res.low, res.high) == pytest.approx((0.06, 0.14))
    assert res.sd == pytest.approx(0.08 / (2 * 1.959963985))


def test_success_rate_for_an_undesirable_outcome_counts_the_reduction():
    res = success_rate("RR", math.log(0.5), math.log(0.25), math.log(1.0), 0.4, desirable_outcome=False)
    assert res.mean == pytest.approx(0.2)
    assert (res.low, res.high) == pytest.approx((0.0, 0.3))


def test_success_rate_from_a_meta_analysis_with_the_prediction_interval_is_wider():
    ma = meta_analysis(log_risk_ratio(*R.BCG.T), "REML")
    ci = success_rate("RR", ma.estimate, ma.ci_low, ma.ci_high, 0.01, desirable_outcome=False)
    pi = success_rate("RR", ma.estimate, ma.pi_low, ma.pi_high, 0.01, False, "prediction")
    assert pi.sd > ci.sd and ci.mean == pi.mean
    with pytest.raises(EvidenceInputError):
        success_rate("MD", 1.0, 0.5, 1.5, 0.1)


@given(
    st.floats(-2, 2),
    st.floats(0.01, 1),
    st.floats(0.01, 0.99),
    st.sampled_from(["RR", "OR", "RD", "SMD"]),
)
def test_success_rate_interval_always_contains_its_mean(y, half, p0, measure):
    scale = 0.2 if measure == "RD" else 1.0
    res = success_rate(measure, y * scale, (y - half) * scale, (y + half) * scale, p0)
    assert res.low - 1e-12 <= res.mean <= res.high + 1e-12
    assert res.sd >= 0


def test_read_csv_with_semicolons_and_decimal_commas():
    data = "study;yi;vi;region\nA;0,25;0,01;Nord\nB;−0,10;0,02;Syd\n".encode()
    t = read_table(data, "s.csv")
    assert t.labels == ("A", "B")
    assert t.columns["yi"] == (0.25, -0.10)
    assert t.extra["region"] == ("Nord", "Syd")


def test_read_csv_names_the_bad_cell_with_its_file_row():
    with pytest.raises(EvidenceInputError) as err:
        read_table(b"study,yi,vi\nA,0.1,0.01\nB,abc,0.02\n", "s.csv")
    assert err.value.field == "yi" and err.value.row == 3
    assert "række 3" in err.value.message.da


def test_read_excel():
    wb = Workbook()
    ws = wb.active
    ws.append(["Study", "ai", "bi", "ci", "di"])
    ws.append(["T1", 4, 119, 11, 128])
    ws.append(["T2", 6, 300, 29, 274])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_table(buf.getvalue(), "studies.xlsx")
    assert t.labels == ("T1", "T2") and t.columns["ai"] == (4.0, 6.0)


def study(grade, rob=RiskOfBias.LOW, country="DK"):
    return StudyEvidence("s", grade, rob, country)


def test_rating_levels_follow_the_documented_rule():
    good = PooledEffect(0.3, 0.1, 0.5, higher_is_better=True)
    assert rate([study(Grade.ONE), study(Grade.ONE, country="US")], good).level is Level.A
    assert rate([study(Grade.ONE, country="US"), study(Grade.ONE, country="US")], good).level is Level.B
    assert rate([study(Grade.TWO), study(Grade.TWO)], good).level is Level.B
    assert rate([study(Grade.THREE)], good).level is Level.C
    assert rate([study(Grade.ONE, RiskOfBias.HIGH)], good).level is Level.C
    unclear = PooledEffect(0.1, -0.1, 0.3, higher_is_better=True)
    assert rate([study(Grade.ONE), study(Grade.ONE)], unclear).level is Level.C
    harm = PooledEffect(0.3, 0.1, 0.5, higher_is_better=False)
    assert rate([study(Grade.ONE)], harm).level is Level.HARM
    assert rate([], None).level is Level.D
    assert "Dokumenteret virkning" in rate([study(Grade.ONE), study(Grade.ONE)], good).summary.da


def test_som_grade_from_design():
    assert som_grade("rct") is Grade.ONE and som_grade("before_after_control") is Grade.TWO
    assert som_grade("before_after") is Grade.THREE and som_grade("other") is None


def test_practice_profile_and_summary():
    answers = {k: 3 for k in question_keys()}
    answers["economy_1"] = 0
    answers["economy_2"] = 1
    answers["followup_1"] = None
    answers["followup_2"] = None
    p = profile(answers)
    assert len(p.elements) == len(ELEMENTS) == 11
    econ = next(e for e in p.elements if e.key == "economy")
    assert econ.share == pytest.approx(1 / 6)
    assert [t.da for t in p.gaps] == ["Økonomi"] and [t.da for t in p.unanswered] == ["Opfølgning"]
    # economy's 1/6 is below the 1/3 floor, so not "i høj grad" despite a high overall
    assert p.overall == pytest.approx((9 + 1 / 6) / 10)
    assert p.level.da == "I nogen grad lovende praksis"
    with pytest.raises(EvidenceInputError):
        profile({"theory_1": 4})


def test_empty_cell_in_a_needed_column_is_reported_by_compute():
    t = read_table(b"study,yi,vi,m1i\nA,0.1,0.01,\nB,,0.02,\n", "s.csv")
    compute("GEN", {"yi": [0.1, 0.2], "vi": t.columns["vi"]})  # the empty m1i column is not needed
    with pytest.raises(EvidenceInputError) as err:
        compute("GEN", dict(t.columns))
    assert err.value.field == "yi" and err.value.row == 2


# --- ROM, correlations, proportions and the ai, n1i, ci, n2i form (metafor's escalc) ------------------------
def test_rom_matches_metafor_escalc_with_and_without_the_bias_correction():
    from susi.engines.evidence.effect_sizes import log_ratio_of_means

    n1, m1, s1, n2, m2, s2 = R.NORMAND[:4].T
    plain = log_ratio_of_means(m1, s1, n1, m2, s2, n2, correct=False)
    np.testing.assert_allclose(plain.yi, R.NORMAND_ROM_YI, atol=5e-5)  # [T-escalc], 4 decimals
    np.testing.assert_allclose(plain.vi, R.NORMAND_ROM_VI, atol=5e-5)
    # metafor >= 5.0-1's default (Lajeunesse 2015, eq. 8), written out for study 1: 55 vs 75, SD 47 vs 64
    corrected = compute("ROM", {"m1i": m1, "sd1i": s1, "n1i": n1, "m2i": m2, "sd2i": s2, "n2i": n2})
    by_hand = math.log(55 / 75) + 0.5 * (47**2 / (155 * 55**2) - 64**2 / (156 * 75**2))
    assert corrected.yi[0] == pytest.approx(by_hand, rel=1e-13)
    assert corrected.vi[0] == pytest.approx(47**2 / (155 * 55**2) + 64**2 / (156 * 75**2), rel=1e-13)
    # metafor 5.1-12's own test passes these pins for the corrected yi: testthat's expect_equivalent uses R's
    # all.equal, the mean relative difference sum|x - target| / sum|target|, against its tolerance .01
    target = np.array(R.NORMAND_ROM_YI)
    assert np.sum(np.abs(corrected.yi - target)) / np.sum(np.abs(target)) < 0.01
    with pytest.raises(EvidenceInputError) as exc:
        compute("ROM", {"m1i": [0.0], "sd1i": [1], "n1i": [10], "m2i": [2], "sd2i": [1], "n2i": [10]})
    assert exc.value.field == "m1i"


def test_cor_and_zcor_match_metafor_escalc():
    cor = compute("COR", {"ri": R.MCDANIEL_RI, "ni": R.MCDANIEL_NI})
    np.testing.assert_array_equal(cor.yi, R.MCDANIEL_RI)
    np.testing.assert_allclose(cor.vi, R.MCDANIEL_COR_VI, atol=5e-5)
    assert cor.vi[1] == pytest.approx((1 - 0.62**2) ** 2 / 14, rel=1e-14)  # vtype="LS" by hand
    z = compute("ZCOR", {"ri": R.MCDANIEL_RI, "ni": R.MCDANIEL_NI})
    np.testing.assert_allclose(z.yi, R.MCDANIEL_ZCOR_YI, atol=5e-5)
    np.testing.assert_allclose(z.vi, R.MCDANIEL_ZCOR_VI, atol=5e-5)
    assert z.yi[1] == pytest.approx(0.5 * math.log(1.62 / 0.38), rel=1e-14)
    with pytest.raises(EvidenceInputError) as exc:
        compute("ZCOR", {"ri": [0.3], "ni": [3]})
    assert exc.value.field == "ni"
    with pytest.raises(EvidenceInputError) as exc:
        compute("COR", {"ri": [1.0], "ni": [30]})
    assert exc.value.field == "ri"


def test_proportions_match_metafor_escalc_and_its_zero_cell_rule():
    pas = compute("PAS", {"xi": [10], "ni": [20]})
    assert (pas.yi[0], pas.vi[0]) == pytest.approx(R.PAS_10_OF_20, abs=5e-5)  # [T-escalc]
    assert pas.yi[0] == pytest.approx(math.pi / 4, rel=1e-14)  # asin(sqrt(1/2))
    # closed forms of escalc's definitions, 7 of 25 events
    p = 7 / 25
    pr = compute("PR", {"xi": [7], "ni": [25]})
    assert (pr.yi[0], pr.vi[0]) == pytest.approx((p, p * (1 - p) / 25), rel=1e-14)
    plo = compute("PLO", {"xi": [7], "ni": [25]})
    assert (plo.yi[0], plo.vi[0]) == pytest.approx((math.log(7 / 18), 1 / 7 + 1 / 18), rel=1e-14)
    # PFT at 10 of 20: asin(sqrt(10/21)) + asin(sqrt(11/21)) = pi/2, so yi = pi/4; vi = 1/(4·20 + 2)
    pft = compute("PFT", {"xi": [10, 0], "ni": [20, 20]})
    assert pft.yi[0] == pytest.approx(math.pi / 4, rel=1e-14) and pft.vi[0] == pytest.approx(1 / 82)
    # zero events: PR and PLO add 1/2 to events and non-events (add=1/2, to="only0"); PAS and PFT do not
    assert pft.yi[1] == pytest.approx(0.5 * math.asin(math.sqrt(1 / 21)), rel=1e-14)
    assert pft.adjusted == (False, False)
    pr0 = compute("PR", {"xi": [0, 7], "ni": [20, 25]})
    assert pr0.yi[0] == pytest.approx(0.5 / 21) and pr0.vi[0] == pytest.approx((0.5 / 21) * (20.5 / 21) / 21)
    assert pr0.adjusted == (True, False) and pr0.yi[1] == pytest.approx(p)
    plo_all = compute("PLO", {"xi": [20], "ni": [20]})
    assert plo_all.yi[0] == pytest.approx(math.log(20.5 / 0.5)) and plo_all.vi[0] == pytest.approx(
        1 / 20.5 + 2
    )
    assert compute("PAS", {"xi": [0], "ni": [20]}).yi[0] == 0.0
    with pytest.raises(EvidenceInputError) as exc:
        compute("PR", {"xi": [21], "ni": [20]})
    assert exc.value.field == "xi" and "flere hændelser" in exc.value.message.da


def test_count_data_as_events_and_group_sizes_equal_the_full_table():
    a, b, c, d = R.BCG.T
    for measure in ("RR", "OR", "RD"):
        full = compute(measure, {"ai": a, "bi": b, "ci": c, "di": d})
        sizes = compute(measure, {"ai": a, "n1i": a + b, "ci": c, "n2i": c + d})
        np.testing.assert_array_equal(sizes.yi, full.yi)
        np.testing.assert_array_equal(sizes.vi, full.vi)
    # a file may mix the two forms row by row; where both are given they must agree
    mixed = compute(
        "RR", {"ai": a, "bi": [b[0], *[math.nan] * 12], "n1i": [math.nan, *(a + b)[1:]], "ci": c, "di": d}
    )
    np.testing.assert_array_equal(mixed.yi, compute("RR", {"ai": a, "bi": b, "ci": c, "di": d}).yi)
    with pytest.raises(EvidenceInputError) as exc:
        compute("OR", {"ai": [4], "bi": [119], "n1i": [124], "ci": [11], "di": [128]})
    assert exc.value.field == "n1i" and "ikke 'ai' + 'bi'" in exc.value.message.da
    with pytest.raises(EvidenceInputError) as exc:
        compute("OR", {"ai": [14], "n1i": [10], "ci": [11], "n2i": [139]})
    assert exc.value.field == "ai"
