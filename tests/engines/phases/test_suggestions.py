"""The gate-suggestion rules (engines/phases/suggestions.py): hand-computed cases and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from susi.engines.phases import Criterion, Rating
from susi.engines.phases import suggestions as s

MET, PARTLY, NOT = Rating.MET, Rating.PARTLY_MET, Rating.NOT_MET


# --- virkning ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "estimate", "low", "high", "higher_is_better", "expected"),
    [
        ("A", 0.4, 0.1, 0.7, True, MET),  # documented, CI above 0
        ("B", None, None, None, True, MET),  # probable, no pooled effect stored
        ("B", 0.2, -0.1, 0.5, True, PARTLY),  # CI crosses 0
        ("C", 0.3, 0.1, 0.5, True, PARTLY),  # promising
        ("D", 0.3, 0.1, 0.5, True, NOT),  # insufficient knowledge
        ("HARM", -0.3, -0.5, -0.1, True, NOT),
        ("A", -0.4, -0.7, -0.1, False, MET),  # lower is better: the interval is on the good side
        ("C", 0.4, 0.1, 0.7, False, NOT),  # lower is better, effect harmful
    ],
)
def test_effect_rule(level, estimate, low, high, higher_is_better, expected):
    got = s.suggest_effect(s.EffectNumbers(level, estimate, low, high, higher_is_better, studies=3))
    assert got.rating is expected
    assert got.numbers["level"] == level


def test_side_effect_signal_lowers_met_and_is_reported():
    base = s.EffectNumbers("A", 0.4, 0.1, 0.7)
    assert s.suggest_effect(base).rating is MET
    flagged = s.suggest_effect(s.EffectNumbers("A", 0.4, 0.1, 0.7, side_effect_signal=True))
    assert flagged.rating is PARTLY
    assert any("bivirkninger" in r.da for r in flagged.reasons)


def test_no_meta_analysis_no_suggestion():
    got = s.suggest_effect(s.EffectNumbers(None))
    assert got.rating is None and got.reasons


# --- økonomi -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "rpk", "expected"),
    [
        (0.80, 1.50, MET),  # both above the met thresholds (0.75, 1.0)
        (0.75, 1.00, MET),  # exactly at the thresholds
        (0.74, 1.50, PARTLY),  # chance just under met
        (0.30, 0.60, PARTLY),  # return reaches partly (0.5)
        (0.30, 0.40, NOT),
        (None, 1.2, MET),  # deterministic only
        (0.2, None, NOT),
    ],
)
def test_economy_rule(p, rpk, expected):
    assert s.suggest_economy(s.EconomyNumbers(p, rpk, horizon=10)).rating is expected


def test_economy_reason_has_danish_numbers():
    got = s.suggest_economy(s.EconomyNumbers(0.8123, 1.5, horizon=10))
    assert "81 %" in got.reasons[0].da and "81%" in got.reasons[0].en
    assert "1,50 kr." in got.reasons[1].da


# --- implementering, efterspørgsel, realistisk drift ---------------------------------------------------


def test_implementation_rule_by_hand():
    # 3 of 4 adequate = 75 % → met; 2 of 4 = 50 % → partly; 1 of 4 → not met
    shares = [0.9, 0.85, 0.95, 0.6]
    assert s.suggest_implementation(s.FidelityNumbers(shares, [True, True, True, False])).rating is MET
    assert s.suggest_implementation(s.FidelityNumbers(shares, [True, True, False, False])).rating is PARTLY
    got = s.suggest_implementation(s.FidelityNumbers(shares, [True, False, False, False], suppressed=1))
    assert got.rating is NOT
    assert got.numbers["adequate_share"] == 0.25 and got.numbers["lowest_delivered_share"] == 0.6
    assert s.suggest_implementation(s.FidelityNumbers([], [])).rating is None


def test_demand_rule_by_hand():
    # 9 applicants for 6 places = 1.5 per place → met; 4 for 6 = 0.67 → partly; 2 for 6 = 0.33 → not met
    got = s.suggest_demand(s.DemandNumbers(applicants=9, places=6, rounds=1, target_group_total=120))
    assert got.rating is MET and got.numbers["applicants_per_place"] == 1.5
    assert s.suggest_demand(s.DemandNumbers(4, 6, 1)).rating is PARTLY
    assert s.suggest_demand(s.DemandNumbers(2, 6, 1)).rating is NOT
    assert s.suggest_demand(s.DemandNumbers(3, None, 1)).rating is MET
    assert s.suggest_demand(s.DemandNumbers(0, None, 0)).rating is None


def test_operation_rule_by_hand():
    # 60,000 kr per citizen: 30 citizens / 100 m = 1.8 %, 40 / 60 m = 4 %, 10 / 10 m = 6 % → median 4 % → partly
    n = s.OperationNumbers(
        60_000,
        [
            s.MunicipalOperation("A", 30, 100_000_000),
            s.MunicipalOperation("B", 40, 60_000_000),
            s.MunicipalOperation("C", 10, 10_000_000),
        ],
    )
    assert s.budget_shares(n) == pytest.approx([0.018, 0.04, 0.06])
    got = s.suggest_operation(n)
    assert got.rating is PARTLY
    assert got.numbers["median_budget_share"] == pytest.approx(0.04)
    assert s.suggest_operation(s.OperationNumbers(60_000, n.municipalities[:1])).rating is MET
    assert s.suggest_operation(s.OperationNumbers(None, n.municipalities)).rating is None


# --- thresholds are data -------------------------------------------------------------------------------


def test_overridden_thresholds_change_the_suggestion():
    numbers = s.DemandNumbers(applicants=9, places=6, rounds=1)
    assert s.suggest_demand(numbers).rating is MET
    strict = s.thresholds({"demand_per_place_met": 2.0, "demand_per_place_partly": 1.2})
    assert s.suggest_demand(numbers, strict).rating is PARTLY
    assert s.thresholds({"effect_met_levels": ["A"]}).effect_met_levels == ("A",)


@pytest.mark.parametrize(
    "overrides",
    [{"no_such": 1}, {"demand_per_place_partly": 3.0}, {"economy_return_met": -1}],
)
def test_bad_threshold_overrides_are_refused(overrides):
    with pytest.raises(s.SuggestionInputError):
        s.thresholds(overrides)


def test_suggest_covers_every_criterion_and_serialises():
    numbers = s.GateNumbers(
        effect=s.EffectNumbers("B", 0.3, 0.1, 0.5),
        economy=s.EconomyNumbers(0.9, 1.4, 10),
        implementation=s.FidelityNumbers([0.9], [True]),
        demand=s.DemandNumbers(5, 4, 1),
        operation=s.OperationNumbers(None),
    )
    got = s.suggest(numbers)
    assert set(got) == set(Criterion)
    data = got[Criterion.ECONOMY].to_json()
    assert data["rating"] == "met" and data["numbers"]["return_per_krone"] == 1.4
    assert got[Criterion.REALISTIC_OPERATION].to_json()["rating"] is None


# --- properties ----------------------------------------------------------------------------------------

_share = st.floats(min_value=0, max_value=1, allow_nan=False)


@given(p1=_share, p2=_share, r=st.floats(min_value=0, max_value=5, allow_nan=False))
def test_economy_is_monotone_in_the_chance_of_breaking_even(p1, p2, r):
    low, high = sorted((p1, p2))
    order = [NOT, PARTLY, MET]
    a = s.suggest_economy(s.EconomyNumbers(low, r, 10)).rating
    b = s.suggest_economy(s.EconomyNumbers(high, r, 10)).rating
    assert order.index(a) <= order.index(b)


@given(
    flags=st.lists(st.booleans(), min_size=1, max_size=30),
)
def test_implementation_met_exactly_when_the_adequate_share_reaches_the_threshold(flags):
    got = s.suggest_implementation(s.FidelityNumbers([0.9] * len(flags), flags))
    share = sum(flags) / len(flags)
    assert (got.rating is MET) == (share >= s.DEFAULT_THRESHOLDS.implementation_adequate_met)


@given(
    cost=st.floats(min_value=1, max_value=1e6, allow_nan=False),
    citizens=st.floats(min_value=1, max_value=1000, allow_nan=False),
    budget=st.floats(min_value=1e5, max_value=1e10, allow_nan=False),
)
def test_a_bigger_budget_never_makes_operation_worse(cost, citizens, budget):
    order = [NOT, PARTLY, MET]
    small = s.suggest_operation(s.OperationNumbers(cost, [s.MunicipalOperation("x", citizens, budget)]))
    big = s.suggest_operation(s.OperationNumbers(cost, [s.MunicipalOperation("x", citizens, budget * 2)]))
    assert small.rating is not None and big.rating is not None
    assert order.index(small.rating) <= order.index(big.rating)
