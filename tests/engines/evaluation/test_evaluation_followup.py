"""Fidelity, monitoring, small cells and the register follow-up."""

import duckdb
import numpy as np
import pandas as pd
import pytest

from susi.engines.evaluation import synthetic
from susi.engines.evaluation.errors import EvaluationError
from susi.engines.evaluation.fidelity import fidelity_by_municipality
from susi.engines.evaluation.monitoring import comparison_change, key_figures, monitor, monitoring_estimates
from susi.engines.evaluation.privacy import is_reportable, suppress_small
from susi.engines.evaluation.register import register_followup, register_followup_frames, to_som_consequences


# ------------------------------------------------------------------------------------------ small cells
def test_suppress_small_keeps_shape():
    assert suppress_small({"a": 0, "b": 3, "c": 5, "d": 4}) == {"a": 0, "b": None, "c": 5, "d": None}
    assert suppress_small([1, 5, 12]) == [None, 5, 12]
    s = suppress_small(pd.Series([2, 7], index=["x", "y"]))
    assert s.isna().tolist() == [True, False] and list(s.index) == ["x", "y"]
    assert suppress_small({"a": 9}, threshold=10) == {"a": None}
    assert not is_reportable(4) and is_reportable(5) and is_reportable(0)


# --------------------------------------------------------------------------------------------- fidelity
def test_fidelity_by_hand():
    rows = []
    for i in range(10):
        rows += [
            {"municipality": "101", "pseudonym": f"a{i}", "component": "samtaler", "delivered": 1},
            {"municipality": "101", "pseudonym": f"a{i}", "component": "handleplan", "delivered": int(i < 6)},
        ]
    for i in range(3):
        rows.append({"municipality": "461", "pseudonym": f"b{i}", "component": "samtaler", "delivered": 1})
    out = {r.municipality: r for r in fidelity_by_municipality(pd.DataFrame(rows))}
    assert out["101"].delivered_share == pytest.approx(16 / 20)
    assert out["101"].components_below == ("handleplan",)  # 6/10 < 0.8
    assert out["101"].adequate is False and out["101"].n_citizens == 10
    assert out["461"].suppressed and out["461"].delivered_share is None


def test_fidelity_from_synthetic_levels():
    data = synthetic.generate(2000, seed=1, fidelity_levels=[0.95, 0.95, 0.6, 0.95])
    out = {r.municipality: r for r in fidelity_by_municipality(data.fidelity)}
    assert out["751"].adequate is False  # the third municipality delivers 60 %
    assert out["461"].adequate is True
    assert out["101"].delivered_share > 0.85


def test_fidelity_rejects_bad_delivered():
    with pytest.raises(EvaluationError) as exc:
        fidelity_by_municipality(
            pd.DataFrame([{"municipality": "1", "pseudonym": "a", "component": "c", "delivered": "ja"}])
        )
    assert exc.value.field == "delivered"


# ------------------------------------------------------------------------------------------- monitoring
def test_monitor_warns_on_clear_and_persistent_drift():
    est = pd.DataFrame(
        [
            {"municipality": "101", "period": 1, "estimate": 3.1, "se": 0.5, "n": 40},
            {"municipality": "101", "period": 2, "estimate": 2.9, "se": 0.5, "n": 40},
            {"municipality": "461", "period": 1, "estimate": 0.2, "se": 0.3, "n": 60},  # clearly below 1.5
            {"municipality": "751", "period": 1, "estimate": 1.2, "se": 0.8, "n": 30},  # below, uncertain
            {"municipality": "751", "period": 2, "estimate": 1.0, "se": 0.8, "n": 30},  # below twice
            {"municipality": "851", "period": 1, "estimate": -9.0, "se": 0.1, "n": 3},  # small cell
        ]
    )
    rows = {(r.municipality, r.period): r for r in monitor(est, reference_effect=3.0)}
    assert not rows[("101", 2)].drift_warning and rows[("101", 2)].reason is None
    assert rows[("461", 1)].drift_warning and "tydeligt under 50 %" in rows[("461", 1)].reason.da
    assert not rows[("751", 1)].drift_warning
    assert rows[("751", 2)].drift_warning and "to perioder i træk" in rows[("751", 2)].reason.da
    assert rows[("851", 1)].suppressed and rows[("851", 1)].estimate is None
    assert not rows[("851", 1)].drift_warning
    assert rows[("101", 1)].ratio_to_reference == pytest.approx(3.1 / 3.0)


def test_monitor_lower_is_better():
    est = [{"municipality": "101", "period": 1, "estimate": -0.1, "se": 0.2, "n": 50}]
    (row,) = monitor(est, reference_effect=-2.0, higher_is_better=False)
    assert row.drift_warning  # a reduction of 0.1 against an expected 2.0


def test_monitoring_estimates_from_measurements_find_the_drifting_municipality():
    data = synthetic.generate(3000, seed=2, true_effect=3.0, municipalities=("101", "461", "751"))
    m = data.measurements.copy()
    # municipality 751 delivers a watered-down intervention: its intervention citizens lose the effect
    hit = (m["municipality"] == "751") & (m["arm"] == "intervention") & (m["occasion"] != "baseline")
    m.loc[hit & (m["instrument"] == synthetic.INSTRUMENT), "value"] -= 3.0
    est = monitoring_estimates(m, synthetic.INSTRUMENT)
    rows = {r.municipality: r for r in monitor(est, reference_effect=3.0)}
    assert rows["751"].drift_warning
    assert not rows["101"].drift_warning and not rows["461"].drift_warning
    assert rows["101"].estimate == pytest.approx(3.0, abs=1.0)


def test_key_figures_suppress_small_municipalities():
    data = synthetic.generate(200, seed=3, municipalities=("101", "461"))
    m = data.measurements
    tiny = m.loc[m["pseudonym"].isin(m.loc[m["municipality"] == "461", "pseudonym"].unique()[:3])]
    frame = pd.concat([m.loc[m["municipality"] == "101"], tiny.assign(municipality="999")])
    figs = {k.municipality: k for k in key_figures(frame, synthetic.INSTRUMENT)}
    assert figs["999"].suppressed and figs["999"].n_enrolled is None
    assert figs["101"].followup_rate == 1.0 and figs["101"].mean_change > 0


# -------------------------------------------------------------------------------------------- register
def _register_fixture():
    enrolled = pd.DataFrame(
        {"pseudonym": ["e1", "e2", "e3", "e4", "e5", "e6"], "index_year": [2020] * 5 + [2022]}
    )
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(6)], "index_year": [2020] * 6})
    register = pd.DataFrame(
        [
            # employment in 2021 (year 1 after 2020): e1, e2, e3 employed; c0 employed
            *(
                {"pseudonym": p, "year": 2021, "outcome": "employment", "value": 1.0}
                for p in ("e1", "e2", "e3", "c0")
            ),
            # hospital contacts in 2021: e1 has 2, c0 has 1, c1 has 3
            {"pseudonym": "e1", "year": 2021, "outcome": "hospital_contacts", "value": 2.0},
            {"pseudonym": "c0", "year": 2021, "outcome": "hospital_contacts", "value": 1.0},
            {"pseudonym": "c1", "year": 2021, "outcome": "hospital_contacts", "value": 3.0},
            # e6 enrolled 2022: its 2021 row is before enrolment and must not count
            {"pseudonym": "e6", "year": 2021, "outcome": "employment", "value": 1.0},
            # 2020 is the index year itself: not follow-up
            {"pseudonym": "e1", "year": 2020, "outcome": "employment", "value": 1.0},
            # someone outside both groups
            {"pseudonym": "x9", "year": 2021, "outcome": "employment", "value": 1.0},
            {"pseudonym": "c5", "year": 2023, "outcome": "employment", "value": 1.0},
        ]
    )
    return enrolled, comparison, register


def test_register_followup_by_hand():
    enrolled, comparison, register = _register_fixture()
    res = register_followup_frames(enrolled, comparison, register, years=3)
    assert res.last_register_year == 2023 and res.first_index_year == 2020
    emp1 = res.row("employment", 1)
    # year 1: e1..e5 observable (2021 <= 2023) and e6 (2023 <= 2023): n = 6; 3 employed
    assert emp1.n_enrolled == 6 and emp1.n_comparison == 6
    assert emp1.mean_enrolled == pytest.approx(3 / 6) and emp1.mean_comparison == pytest.approx(1 / 6)
    v1 = np.var([1, 1, 1, 0, 0, 0], ddof=1) / 6
    v0 = np.var([1, 0, 0, 0, 0, 0], ddof=1) / 6
    assert emp1.se == pytest.approx(np.sqrt(v1 + v0))
    hosp = res.row("hospital_contacts", 1)
    assert hosp.mean_enrolled == pytest.approx(2 / 6) and hosp.mean_comparison == pytest.approx(4 / 6)
    e = [2, 0, 0, 0, 0, 0]
    c = [1, 3, 0, 0, 0, 0]
    assert hosp.se == pytest.approx(np.sqrt(np.var(e, ddof=1) / 6 + np.var(c, ddof=1) / 6))
    # year 2 (2022): e6 is not observable (2024 > 2023): n = 5 -> reportable; year 3: 2023
    assert res.row("employment", 2).n_enrolled == 5
    assert res.row("employment", 3).mean_comparison == pytest.approx(1 / 6)
    cons = to_som_consequences(res, outcomes=["hospital_contacts"])
    assert {c.year_after for c in cons} == {1, 2, 3}
    assert cons[0].difference == pytest.approx(2 / 6 - 4 / 6)


def test_register_followup_suppresses_small_groups():
    enrolled, comparison, register = _register_fixture()
    res = register_followup_frames(enrolled.iloc[:3], comparison, register, years=2)
    assert all(r.suppressed and r.difference is None for r in res.rows)
    assert to_som_consequences(res) == []


def test_register_followup_recovers_synthetic_effects():
    rng = np.random.default_rng(0)
    n = 6000
    people = pd.DataFrame(
        {
            "pseudonym": [f"p{i}" for i in range(n)],
            "index_year": rng.integers(2015, 2020, n),
            "treat": np.repeat([1, 0], n // 2),
        }
    )
    reg = synthetic.generate_register(
        people, first_year=2015, years=10, effects={"employment": 0.08, "hospital_contacts": -0.4}
    )
    con = duckdb.connect()
    con.register("enr", people.loc[people["treat"] == 1])
    con.register("cmp", people.loc[people["treat"] == 0])
    con.register("reg", reg)
    res = register_followup(con, "enr", "reg", "cmp", years=5)
    emp = [res.row("employment", k) for k in range(1, 6)]
    assert np.mean([r.difference for r in emp]) == pytest.approx(0.08, abs=0.02)
    hosp = res.row("hospital_contacts", 2)
    assert hosp.ci_low < -0.4 < hosp.ci_high
    # no effect was put on convictions: the yearly differences scatter around 0
    conv = [res.row("convictions", k).difference for k in range(1, 6)]
    assert abs(np.mean(conv)) < 0.02
    assert set(res.outcomes()) == set(synthetic.REGISTER_OUTCOMES)


def test_a_register_that_starts_after_the_index_year_gives_no_data_not_zeros():
    """Hand calculation: everyone enrolled in 2018, the register covers 2021-2023 only. Years 1 and 2
    after enrolment (2019, 2020) are not in the register: "no data", not 0 with n = 6 (which would read
    as a precise "nobody was employed"). Year 3 (2021) is the first covered year."""
    enrolled = pd.DataFrame({"pseudonym": [f"e{i}" for i in range(6)], "index_year": [2018] * 6})
    comparison = pd.DataFrame({"pseudonym": [f"c{i}" for i in range(6)], "index_year": [2018] * 6})
    register = pd.DataFrame(
        [{"pseudonym": p, "year": 2021, "outcome": "employment", "value": 1.0} for p in ("e0", "e1", "c0")]
        + [{"pseudonym": "e0", "year": 2023, "outcome": "employment", "value": 1.0}]
    )
    res = register_followup_frames(enrolled, comparison, register, years=6)
    for k in (1, 2):
        row = res.row("employment", k)
        assert row.no_data and not row.suppressed
        assert row.n_enrolled == row.n_comparison == 0 and row.difference is None
    year3 = res.row("employment", 3)
    assert not year3.no_data and year3.n_enrolled == 6
    assert year3.difference == pytest.approx(2 / 6 - 1 / 6)
    assert res.row("employment", 5).difference == pytest.approx(1 / 6 - 0)
    assert res.row("employment", 6).no_data  # 2024: after the register ends
    assert {c.year_after for c in to_som_consequences(res)} == {3, 4, 5}


def test_one_person_cannot_be_in_both_groups():
    enrolled, comparison, register = _register_fixture()
    both = pd.concat([comparison, enrolled.iloc[[0, 1]]], ignore_index=True)
    with pytest.raises(EvaluationError) as exc:
        register_followup_frames(enrolled, both, register, years=3)
    assert exc.value.field == "comparison_table"
    assert "2 borgere er både i indsatsgruppen og i sammenligningsgruppen" in exc.value.message.da


def test_duplicate_register_rows_are_refused_or_removed_with_a_count():
    enrolled, comparison, register = _register_fixture()
    doubled = pd.concat([register, register.iloc[[0, 0, 5]]], ignore_index=True)  # 3 exact duplicates
    with pytest.raises(EvaluationError) as exc:
        register_followup_frames(enrolled, comparison, doubled, years=3)
    assert exc.value.field == "register_table" and "3 dublerede rækker" in exc.value.message.da
    cleaned = register_followup_frames(enrolled, comparison, doubled, years=3, deduplicate=True)
    assert cleaned.duplicate_rows_removed == 3
    assert cleaned.rows == register_followup_frames(enrolled, comparison, register, years=3).rows
    # the same person, year and outcome with two different values: no telling which is right
    conflict = pd.concat([register, register.iloc[[0]].assign(value=0.5)], ignore_index=True)
    with pytest.raises(EvaluationError) as exc:
        register_followup_frames(enrolled, comparison, conflict, years=3, deduplicate=True)
    assert "1 tilfælde" in exc.value.message.da and "forskellige værdier" in exc.value.message.da


def test_register_followup_refuses_bad_table_names():
    con = duckdb.connect()
    with pytest.raises(EvaluationError) as exc:
        register_followup(con, "enr; DROP TABLE x", "reg", "cmp")
    assert exc.value.field == "enrolled_table"
    with pytest.raises(EvaluationError) as exc:
        register_followup(con, "enr", "reg", "cmp")
    assert exc.value.field == "register_table"


# ------------------------------------------------------------------------------------------- synthetic
def test_synthetic_import_file_has_only_synthetic_numbers(tmp_path):
    from susi.engines.evaluation.cpr import is_synthetic

    data = synthetic.generate(50, seed=7, key=bytes(32))
    path = synthetic.write_csv(data, tmp_path / "maalinger.csv")
    frame = pd.read_csv(path, sep=";", decimal=",", dtype=str)
    assert list(frame.columns)[:3] == ["cpr", "kommune", "gruppe"]
    assert frame["cpr"].map(is_synthetic).all()
    assert len(frame) == 50 * 3
    xlsx = synthetic.write_xlsx(data, tmp_path / "maalinger.xlsx")
    assert pd.read_excel(xlsx, dtype=str, engine="openpyxl")["cpr"].map(is_synthetic).all()
    # keyed pseudonyms are those an import would compute
    from susi.engines.evaluation.cpr import pseudonymise

    assert data.citizens["pseudonym"].iloc[0] == pseudonymise(data.citizens["cpr"].iloc[0], bytes(32))


def test_synthetic_is_reproducible():
    a = synthetic.generate(60, seed=3)
    b = synthetic.generate(60, seed=3)
    pd.testing.assert_frame_equal(a.measurements, b.measurements)
    assert a.true_effect == b.true_effect == 3.0


def test_build_comparison_matches_exactly_on_strata():
    from susi.engines.evaluation.register import build_comparison

    population = pd.DataFrame(
        {
            "pseudonym": ["e1", "e2", "e3", "a", "b", "c", "d", "e", "f"],
            "birth_year": [1990, 1990, 1970, 1990, 1990, 1990, 1970, 1980, 1970],
            "sex": ["F", "F", "M", "F", "F", "M", "M", "M", "M"],
        }
    )
    enrolled = pd.DataFrame({"pseudonym": ["e1", "e2", "e3", "zz"], "index_year": [2020, 2021, 2019, 2020]})
    con = duckdb.connect()
    con.register("population", population)
    con.register("enrolled", enrolled)
    summary = build_comparison(con, "population", "enrolled", "comparison", ratio=1, seed=3)
    comp = con.execute("SELECT pseudonym, index_year, matched_to FROM comparison").df()
    # 1990/F: e1, e2 <- a, b (in some seeded order); 1970/M: e3 <- one of d, f; "zz" is not in the register
    assert set(comp.loc[comp["matched_to"].isin(["e1", "e2"]), "pseudonym"]) == {"a", "b"}
    assert comp.loc[comp["matched_to"] == "e3", "pseudonym"].iloc[0] in {"d", "f"}
    assert dict(zip(comp["matched_to"], comp["index_year"], strict=True)) == {
        "e1": 2020,
        "e2": 2021,
        "e3": 2019,
    }
    assert not comp["pseudonym"].isin(enrolled["pseudonym"]).any()
    assert (summary.n_enrolled, summary.n_enrolled_in_population, summary.n_comparison) == (4, 3, 3)
    assert summary.n_enrolled_without_match == 1  # "zz"
    again = build_comparison(con, "population", "enrolled", "comparison2", ratio=2, seed=3)
    comp2 = con.execute("SELECT * FROM comparison2").df()
    assert set(comp2.loc[comp2["matched_to"] == "e3", "pseudonym"]) == {"d", "f"}
    # ratio 2: the first-drawn 1990/F citizen gets both a and b, the other nobody; e3 gets d and f
    assert again.n_comparison == 4
    assert again.n_enrolled_without_match == 2
    with pytest.raises(EvaluationError) as exc:
        build_comparison(con, "population", "enrolled", "c3", strata=["no_such_column"])
    assert exc.value.field == "population_table"


def _natural_improvement_frame(seed=4):
    """RCT data in which everyone improves by 5 points without the intervention (trend 0.8 + 4.2), the
    intervention adds 3.0, and municipality 751 delivers nothing: its citizens improve by 5 only."""
    data = synthetic.generate(2400, seed=seed, true_effect=3.0, municipalities=("101", "461", "751"))
    m = data.measurements.copy()
    m = m.loc[m["instrument"] == synthetic.INSTRUMENT]
    later = m["occasion"] != "baseline"
    m.loc[later, "value"] += 4.2
    m.loc[later & (m["municipality"] == "751") & (m["arm"] == "intervention"), "value"] -= 3.0
    return m


def test_monitoring_estimates_subtract_the_comparison_change_by_hand():
    rows = []
    for i, (arm, muni, base, after) in enumerate(
        [("intervention", "101", 10, 16)] * 5
        + [("comparison", "101", 10, 14)] * 5  # 101: own comparison, change 4
        + [("intervention", "461", 10, 13)] * 5  # 461: no comparison of its own
    ):
        for occ, value in (("baseline", base), ("followup_1", after)):
            rows.append(
                {
                    "pseudonym": f"p{i}",
                    "municipality": muni,
                    "arm": arm,
                    "occasion": occ,
                    "instrument": "x",
                    "value": float(value + (i % 5) * (0.1 if occ == "followup_1" else 0.0)),
                    "enrolled_on": pd.Timestamp("2026-01-10"),
                }
            )
    est = monitoring_estimates(pd.DataFrame(rows), "x").set_index("municipality")
    # changes: intervention 101 = 6 + (0, .1, .2, .3, .4) -> mean 6.2; comparison 4.2; 461: 3.2
    assert est.loc["101", "estimate"] == pytest.approx(6.2 - 4.2)
    assert est.loc["101", "counterfactual"] == "own_comparison"
    assert est.loc["461", "estimate"] == pytest.approx(3.2 - 4.2)  # the pooled comparison change
    assert est.loc["461", "counterfactual"] == "pooled_comparison"
    sd = np.std([0, 0.1, 0.2, 0.3, 0.4], ddof=1)
    assert est.loc["461", "se"] == pytest.approx(np.sqrt(sd**2 / 5 + sd**2 / 5))


def test_natural_improvement_is_not_mistaken_for_effect():
    m = _natural_improvement_frame()
    rows = {
        r.municipality: r
        for r in monitor(monitoring_estimates(m, synthetic.INSTRUMENT), reference_effect=3.0)
    }
    assert rows["751"].drift_warning  # its 5-point change is all natural improvement
    assert not rows["101"].drift_warning and rows["101"].estimate == pytest.approx(3.0, abs=1.0)
    # Dissemination without a comparison group: the testing phase's control trend is the counterfactual.
    testing = _natural_improvement_frame(seed=5)
    trend, trend_se, n = comparison_change(testing, synthetic.INSTRUMENT)
    assert trend == pytest.approx(5.0, abs=0.6) and n > 500
    dissemination = m.loc[m["arm"] == "intervention"]
    with pytest.raises(EvaluationError) as exc:
        monitoring_estimates(dissemination, synthetic.INSTRUMENT)
    assert exc.value.field == "counterfactual_change" and "naturlig forbedring" in exc.value.message.da
    est = monitoring_estimates(
        dissemination, synthetic.INSTRUMENT, counterfactual_change=trend, counterfactual_se=trend_se
    )
    assert set(est["counterfactual"]) == {"testing_trend"}
    rows = {r.municipality: r for r in monitor(est, reference_effect=3.0)}
    assert rows["751"].drift_warning and not rows["461"].drift_warning
    # Without a counterfactual (a change of 0) 751's natural improvement would have passed as the effect.
    naive = monitoring_estimates(dissemination, synthetic.INSTRUMENT, counterfactual_change=0.0)
    assert not {r.municipality: r for r in monitor(naive, reference_effect=3.0)}["751"].drift_warning
