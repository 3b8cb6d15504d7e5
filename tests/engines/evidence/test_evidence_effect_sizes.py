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
