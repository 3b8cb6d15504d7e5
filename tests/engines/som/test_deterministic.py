"""Deterministic SØM results checked against hand calculations.

The worked example's numbers (reference/worked_example.json) are worked out by hand in
docs/developers/som.md; the smaller cases below carry their hand calculation in the test."""

import json
from pathlib import Path

import numpy as np
import pytest

from susi.engines.som import (
    Case,
    Consequence,
    Cost,
    Outcome,
    Price,
    calculate,
    case_to_json,
    loads_case,
    parse_case,
    quick_case,
)
from susi.engines.som.results import break_even_year, turns_negative_again

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "docs" / "developers" / "som-examples" / "cti-worked-example.json"
REFERENCE = json.loads((Path(__file__).parent / "reference" / "worked_example.json").read_text())


def simple_case(**changes) -> Case:
    """10 citizens in year 1, 10 % success, each success saves 1,000 kr./year for the municipality."""
    base = Case(
        name="simple",
        intake=(10.0,),
        costs=(),
        outcomes=(Outcome("o", 0.10, (Consequence("s", -1.0),)),),
        prices=(Price("s", municipality=1000.0, area="housing", committee="social"),),
        horizon=3,
        discount_rate=0.0,
    )
    return base.with_changes(**changes)


@pytest.fixture(scope="module")
def example():
    return calculate(loads_case(EXAMPLE.read_text()))


def test_worked_example_matches_the_hand_calculation(example):
    np.testing.assert_allclose(example.successes["Ud af hjemløshed"], REFERENCE["successes"], rtol=1e-12)
    np.testing.assert_allclose(example.costs, REFERENCE["costs"])
    np.testing.assert_allclose(example.gains, REFERENCE["gains"], rtol=1e-12)
    np.testing.assert_allclose(example.net, REFERENCE["net"], rtol=1e-12)
    np.testing.assert_allclose(example.discount_factors, REFERENCE["discount_factors"], atol=5e-10)
    for authority, values in REFERENCE["net_by_authority"].items():
        np.testing.assert_allclose(example.net_by_authority[authority], values, rtol=1e-12)
    assert example.present_value == pytest.approx(REFERENCE["present_value"], abs=0.01)
    assert example.break_even_year == REFERENCE["break_even_year"]
    assert example.return_per_krone == pytest.approx(REFERENCE["return_per_krone"], abs=5e-6)


def test_splits_add_up_to_the_total(example):
    total_by_authority = sum(example.net_by_authority.values())
    np.testing.assert_allclose(total_by_authority, example.net)
    np.testing.assert_allclose(sum(example.net_by_area.values()), example.net)
    # The committee split covers the municipal share only.
    np.testing.assert_allclose(
        sum(example.net_by_committee.values()), example.net_by_authority["municipality"]
    )
    assert sum(example.pv_by_authority.values()) == pytest.approx(example.present_value)
    # Hand: housing = shelter nights (both authorities) 60,000 kr. per success-year; year 1: 2 × 60,000.
    assert example.net_by_area["housing"][0] == pytest.approx(120_000)
    assert example.net_by_area["psychiatry"][0] == pytest.approx(20_000)
    assert example.net_by_area["adult_social"][0] == pytest.approx(-600_000)


def test_discounting_by_hand():
    # One cost of 1,000 in year 3 at 3.5 %: PV = −1000 / 1.035².
    case = simple_case(
        outcomes=(Outcome("o", 0.0, (Consequence("s", -1.0),)),),
        costs=(Cost("c", "once", 1000.0, year=3),),
        discount_rate=0.035,
    )
    result = calculate(case)
    assert result.present_value == pytest.approx(-1000 / 1.035**2, rel=1e-12)
    np.testing.assert_allclose(result.net, [0, 0, -1000])
    # 0 ≥ 0 in years 1-2, but the result ends negative: no break-even year, and it "turns negative".
    assert result.break_even_year is None and result.turns_negative_again
    # A zero rate leaves every year undiscounted.
    zero = calculate(case.with_changes(discount_rate=0.0))
    assert zero.present_value == pytest.approx(-1000)


def test_authority_split_follows_the_price_split():
    case = simple_case(
        prices=(
            Price(
                "s", municipality=600.0, region=300.0, state=100.0, area="health", committee="health_elderly"
            ),
        )
    )
    result = calculate(case)
    # 1 success in the success state each year; 1 unit less per year.
    np.testing.assert_allclose(result.net_by_authority["municipality"], [600, 600, 600])
    np.testing.assert_allclose(result.net_by_authority["region"], [300, 300, 300])
    np.testing.assert_allclose(result.net_by_authority["state"], [100, 100, 100])
    np.testing.assert_allclose(result.net_by_committee["health_elderly"], [600, 600, 600])
    assert set(result.net_by_area) == {"health"}


def test_intake_over_several_years_adds_cohorts():
    result = calculate(simple_case(intake=(10.0, 20.0, 30.0)))
    # successes: year 1: 1; year 2: 1 + 2; year 3: 1 + 2 + 3.
    np.testing.assert_allclose(result.successes["o"], [1, 3, 6])
    np.testing.assert_allclose(result.gains, [1000, 3000, 6000])


def test_relapse_decays_geometrically():
    result = calculate(simple_case(outcomes=(Outcome("o", 0.10, (Consequence("s", -1.0),), relapse=0.25),)))
    np.testing.assert_allclose(result.successes["o"], [1, 0.75, 0.5625])
    np.testing.assert_allclose(result.gains, [1000, 750, 562.5])


def test_phase_in_and_delay():
    # Phase-in over 2 years: half the effect in the first effect year. Delay 1: the effect starts a year
    # after the start year.
    outcome = Outcome("o", 0.10, (Consequence("s", -1.0),), phase_in_years=2.0, effect_delay_years=1)
    result = calculate(simple_case(outcomes=(outcome,), horizon=4))
    np.testing.assert_allclose(result.successes["o"], [0, 0.5, 1, 1])


def test_phase_in_with_relapse_acts_only_on_arrived_successes():
    # 10 citizens × 10 % = 1 success, arriving over 3 years: a = 1/3, 1/3, 1/3, 0, 0. Half of those in the
    # success state relapse each year, and only those who have arrived can relapse:
    #   p0 = 1/3
    #   p1 = 1/3 · 0.5 + 1/3 = 1/2
    #   p2 = 1/2 · 0.5 + 1/3 = 7/12
    #   p3 = 7/12 · 0.5      = 7/24
    #   p4 = 7/24 · 0.5      = 7/48
    # (the old formula ramp · 0.5^k gave 1/3, 1/3, 1/4, 1/8, 1/16: relapse on successes not yet arrived).
    outcome = Outcome("o", 0.10, (Consequence("s", -1.0),), phase_in_years=3.0, relapse=0.5)
    result = calculate(simple_case(outcomes=(outcome,), horizon=5))
    expected = [1 / 3, 1 / 2, 7 / 12, 7 / 24, 7 / 48]
    np.testing.assert_allclose(result.successes["o"], expected, rtol=1e-12)
    np.testing.assert_allclose(result.gains, [1000 * p for p in expected], rtol=1e-12)
    # The Monte Carlo path (core._evaluate_fast) gives the same numbers.
    from susi.engines.som import simulate

    mc = simulate(simple_case(outcomes=(outcome,), horizon=5), draws=1, with_tornado=False)
    np.testing.assert_allclose(mc.net[0], [1000 * p for p in expected], rtol=1e-12)


def test_default_effect_arrives_in_the_completion_year():
    # A 2-year intervention: with no delay given, the effect begins in year 2 (SØM's assumption).
    result = calculate(simple_case(duration_years=2, horizon=4))
    np.testing.assert_allclose(result.successes["o"], [0, 1, 1, 1])


def test_consequence_per_year_list_and_limited_years():
    outcomes = (Outcome("o", 0.10, (Consequence("s", (-1.0, -2.0)), Consequence("t", -1.0, years=1))),)
    prices = (Price("s", 1000.0), Price("t", 10.0))
    result = calculate(simple_case(outcomes=outcomes, prices=prices))
    # s: 1000 in year 1, 2000 in year 2, nothing after; t: 10 in year 1 only.
    np.testing.assert_allclose(result.gains, [1010, 2000, 0])


def test_costs_per_citizen_spread_and_per_year():
    case = simple_case(
        intake=(10.0, 10.0),
        duration_years=2,
        horizon=4,
        costs=(
            Cost("per citizen", "per_citizen", 1000.0),
            Cost("team", "per_year", 500.0, payer="region"),
            Cost("start", "once", 200.0, payer="state"),
        ),
    )
    result = calculate(case)
    # per citizen: 10 × 1000 spread over 2 years per cohort → 5000, 10000, 5000, 0.
    # per year: years 1..3 (last cohort starts in year 2, completes in year 3).
    np.testing.assert_allclose(result.costs_by_authority["municipality"], [5000, 10000, 5000, 0])
    np.testing.assert_allclose(result.costs_by_authority["region"], [500, 500, 500, 0])
    np.testing.assert_allclose(result.costs_by_authority["state"], [200, 0, 0, 0])


def test_break_even_and_return_per_krone():
    case = simple_case(costs=(Cost("c", "once", 2500.0),), horizon=4)
    result = calculate(case)
    # net: −1500, 1000, 1000, 1000 → cumulative −1500, −500, 500: break-even in year 3.
    assert result.break_even_year == 3
    assert result.return_per_krone == pytest.approx(4000 / 2500)
    never = calculate(case.with_changes(horizon=2))
    assert never.break_even_year is None
    assert not result.turns_negative_again


def test_break_even_is_the_last_turn_to_non_negative():
    # Cumulative −1, 1, −1, 2: non-negative in year 2, negative again in year 3, for good from year 4.
    assert break_even_year(np.array([-1.0, 1.0, -1.0, 2.0])) == 4
    assert turns_negative_again(np.array([-1.0, 1.0, -1.0, 2.0]))
    # Ending negative: no break-even year, even though year 2 was positive.
    assert break_even_year(np.array([-1.0, 1.0, -0.5])) is None
    assert turns_negative_again(np.array([-1.0, 1.0, -0.5]))
    assert break_even_year(np.array([0.0, 1.0])) == 1
    assert break_even_year(np.array([-3.0, -1.0, 0.0])) == 3
    # A case: gains 1000/year, a once cost of 1500 in year 1 and of 1000 in year 3 (no discounting):
    # net −500, 1000, 0, 1000 → cumulative −500, 500, 500, 1500... here with 2000 in year 3:
    # net −500, 1000, −1000, 1000 → cumulative −500, 500, −500, 500 → break-even year 4, and the page warns.
    case = simple_case(costs=(Cost("a", "once", 1500.0), Cost("b", "once", 2000.0, year=3)), horizon=4)
    result = calculate(case)
    np.testing.assert_allclose(result.cumulative_discounted, [-500, 500, -500, 500])
    assert result.break_even_year == 4 and result.turns_negative_again
    short = calculate(case.with_changes(horizon=3))
    assert short.break_even_year is None and short.present_value < 0 and short.turns_negative_again


def test_negative_price_is_a_revenue():
    # Employment yields tax: a negative price per unit; more use (positive change) is then a gain.
    case = simple_case(
        outcomes=(Outcome("o", 0.10, (Consequence("job", 1.0),)),),
        prices=(
            Price("job", municipality=-50_000.0, state=-100_000.0, area="employment", committee="employment"),
        ),
    )
    result = calculate(case)
    np.testing.assert_allclose(result.gains, [150_000] * 3)


def test_quick_estimate_by_hand():
    case = quick_case(
        citizens_per_year=20,
        intake_years=2,
        cost_per_citizen=40_000,
        success_rate=0.25,
        annual_saving_per_success=100_000,
        saving_shares=(0.5, 0.2, 0.3),
        horizon=3,
        discount_rate=0.0,
    )
    result = calculate(case)
    # successes 5, 10, 10; savings 0.5M, 1M, 1M; costs 0.8M, 0.8M, 0.
    np.testing.assert_allclose(result.gains, [500_000, 1_000_000, 1_000_000])
    np.testing.assert_allclose(result.costs, [800_000, 800_000, 0])
    np.testing.assert_allclose(result.net_by_authority["region"], [100_000, 200_000, 200_000])
    assert result.present_value == pytest.approx(900_000)


def test_case_file_round_trip(example):
    case = loads_case(EXAMPLE.read_text())
    again = parse_case(json.loads(json.dumps(case_to_json(case))))
    assert calculate(again).present_value == pytest.approx(example.present_value)


def test_result_arrays_are_read_only(example):
    with pytest.raises(ValueError):
        example.net[0] = 1.0


QUICK_CONSEQUENCES = (Consequence("shelter_night", (-100.0, -50.0)), Consequence("psychiatric_bed_day", -2.0))
QUICK_PRICES = (
    Price("shelter_night", municipality=300.0, state=300.0, area="housing", committee="social"),
    Price("psychiatric_bed_day", municipality=0.0, region=5000.0, area="psychiatry", committee=None),
)


def test_quick_estimate_keeps_the_yearly_profile_and_the_split():
    # Saving per success by year after success (hand calculation):
    #   year 1: 100 nights × (300 + 300) + 2 bed days × 5,000 = 60,000 + 10,000 = 70,000
    #   year 2:  50 nights × 600          + 2 × 5,000          = 30,000 + 10,000 = 40,000
    #   years 3, 4:                          2 × 5,000                            = 10,000
    # 10 citizens × 20 % = 2 successes from year 1: gains 140,000, 80,000, 20,000, 20,000.
    # (Applying the first year's 70,000 to every year gave 560,000 in all, 2.15 × the 260,000 here.)
    from susi.engines.som.quick import reference_saving, saving_per_success

    profile = saving_per_success(QUICK_CONSEQUENCES, QUICK_PRICES, 4)
    np.testing.assert_allclose(profile.sum(axis=1), [70_000, 40_000, 10_000, 10_000])
    assert reference_saving(QUICK_CONSEQUENCES, QUICK_PRICES, 4) == (1, 70_000.0)
    case = quick_case(
        citizens_per_year=10.0,
        cost_per_citizen=0.0,
        success_rate=0.2,
        annual_saving_per_success=70_000.0,
        horizon=4,
        discount_rate=0.0,
        consequences=QUICK_CONSEQUENCES,
        prices=QUICK_PRICES,
    )
    result = calculate(case)
    np.testing.assert_allclose(result.gains, [140_000, 80_000, 20_000, 20_000])
    np.testing.assert_allclose(result.gains_by_authority["municipality"], [60_000, 30_000, 0, 0])
    np.testing.assert_allclose(result.gains_by_authority["region"], [20_000] * 4)
    np.testing.assert_allclose(result.gains_by_authority["state"], [60_000, 30_000, 0, 0])
    np.testing.assert_allclose(result.net_by_area["housing"], [120_000, 60_000, 0, 0])
    np.testing.assert_allclose(result.net_by_area["psychiatry"], [20_000] * 4)
    np.testing.assert_allclose(result.net_by_committee["social"], [60_000, 30_000, 0, 0])
    # The user's own saving scales the whole profile: 35,000 in year 1 halves every year and every split.
    half = calculate(case.with_changes(outcomes=(case.outcomes[0].__class__(**{
        **case.outcomes[0].__dict__, "scale": 0.5}),)))  # fmt: skip
    np.testing.assert_allclose(half.gains, [70_000, 40_000, 10_000, 10_000])
    from susi.engines.som import Normal, simulate

    uncertain = quick_case(
        citizens_per_year=10.0,
        cost_per_citizen=0.0,
        success_rate=0.2,
        annual_saving_per_success=Normal(35_000.0, 3_500.0),  # 10 sd above 0: not truncated
        horizon=4,
        discount_rate=0.0,
        consequences=QUICK_CONSEQUENCES,
        prices=QUICK_PRICES,
    )
    np.testing.assert_allclose(calculate(uncertain).gains, [70_000, 40_000, 10_000, 10_000])
    # One draw scales all years: year 2 / year 1 is 4/7 in every draw.
    mc = simulate(uncertain, draws=200, seed=1, with_tornado=False)
    np.testing.assert_allclose(mc.net[:, 1] / mc.net[:, 0], 4 / 7, rtol=1e-12)


def test_profile_scale_and_correlations_round_trip_through_the_case_file():
    from susi.engines.som import Normal

    case = simple_case(
        outcomes=(
            Outcome(
                "o",
                Normal(0.1, 0.01),
                (Consequence("s", Normal(-2.0, 0.5), profile=(1.0, 0.5)),),
                scale=Normal(1.0, 0.1),
            ),
        ),
        correlations=(("outcomes[0].success_rate", "outcomes[0].consequences[0].change", 0.4),),
    )
    again = parse_case(json.loads(json.dumps(case_to_json(case))))
    assert again == case
    # Profile by hand: 1 success × (−2 · 1, −2 · 0.5, 0) nights × 1,000 kr. → gains 2,000, 1,000, 0.
    np.testing.assert_allclose(calculate(case).gains, [2000, 1000, 0])


def test_declining_discount_rate_across_the_steps():
    # The Ministry of Finance's declining rate: 3.5 % for years-from-now 1-35, 2.5 % for 36-70, 1.5 % after.
    # Year t lies t − 1 years from now; the factors are a cumulative product, continuous across a step:
    #   d[36] = 1.035^-35                    = 0.299977
    #   d[37] = 1.035^-35 / 1.025            = 0.292660
    #   d[50] = 1.035^-35 · 1.025^-14        = 0.212302
    # (not 1.025^-36 = 0.411094 in year 37, which would make money in year 37 worth more than in year 36).
    from susi.engines.som.case import discount_factors

    d = discount_factors(0.035, 50)
    assert d[0] == 1.0
    np.testing.assert_allclose(d[:36], 1.035 ** -np.arange(36), rtol=1e-12)
    assert d[35] == pytest.approx(1.035**-35, rel=1e-12) and d[35] == pytest.approx(0.299977, abs=1e-6)
    assert d[36] == pytest.approx(1.035**-35 / 1.025, rel=1e-12) and d[36] == pytest.approx(
        0.292660, abs=1e-6
    )
    assert d[49] == pytest.approx(1.035**-35 * 1.025**-14, rel=1e-12)
    assert d[49] == pytest.approx(0.212302, abs=1e-6)
    assert np.all(np.diff(d) < 0)
    # Past 70 years from now: 1.5 %.
    long = discount_factors(0.035, 80)
    assert long[72] == pytest.approx(1.035**-35 * 1.025**-35 * 1.015**-2, rel=1e-12)
    # Flat: one rate throughout.
    np.testing.assert_allclose(discount_factors(0.035, 50, "flat"), 1.035 ** -np.arange(50), rtol=1e-12)
    # In a calculation: 1 kr. of net gain every year for 40 years.
    case = simple_case(
        horizon=40, discount_rate=0.035, outcomes=(Outcome("o", 0.10, (Consequence("s", -0.001),)),)
    )
    result = calculate(case)
    assert result.present_value == pytest.approx(sum(discount_factors(0.035, 40)), rel=1e-12)
    flat = calculate(case.with_changes(discount_schedule="flat"))
    assert flat.present_value == pytest.approx(sum(1.035 ** -np.arange(40)), rel=1e-12)
    assert result.present_value > flat.present_value


def test_saved_costs_deadweight_and_optimism_bias_by_hand():
    # simple_case: 1 success a year from year 1 saving 1,000 kr.; horizon 3, no discounting.
    # Costs: the intervention 2,000 in year 1; the practice it replaces costs 500 a year (saved, years 1-3).
    costs = (
        Cost("ny indsats", "once", 2000.0),
        Cost("nuværende praksis", "per_year", 500.0, years=(1, 3), saved=True),
    )
    plain = calculate(simple_case(costs=costs))
    np.testing.assert_allclose(plain.costs, [1500, -500, -500])  # negative net cost lines
    np.testing.assert_allclose(plain.net, [-500, 1500, 1500])
    # Deadweight 20 %: 0.8 additional successes; optimism bias +10 % on costs, −5 % on gains and saved costs:
    #   gains   = 1,000 · 0.8 · 0.95                 =   760 a year
    #   costs   = 2,000 · 1.10 − 500 · 0.95           = 1,725 in year 1, then −475
    #   net     = 760 − 1,725 = −965; 760 + 475 = 1,235 (years 2, 3)
    adjusted = simple_case(
        costs=costs,
        outcomes=(Outcome("o", 0.10, (Consequence("s", -1.0),), deadweight=0.2),),
        optimism_bias_costs=0.10,
        optimism_bias_gains=0.05,
    )
    result = calculate(adjusted)
    np.testing.assert_allclose(result.successes["o"], [0.8, 0.8, 0.8])
    np.testing.assert_allclose(result.gains, [760, 760, 760])
    np.testing.assert_allclose(result.costs, [1725, -475, -475])
    np.testing.assert_allclose(result.net, [-965, 1235, 1235])
    # The Monte Carlo path agrees, and the case file carries all of it.
    from susi.engines.som import simulate

    np.testing.assert_allclose(simulate(adjusted, draws=1, with_tornado=False).net[0], result.net)
    assert parse_case(json.loads(json.dumps(case_to_json(adjusted)))) == adjusted


def test_two_outcomes_saving_the_same_service_are_flagged():
    outcomes = (
        Outcome("I job", 0.10, (Consequence("s", -1.0), Consequence("t", 1.0))),
        Outcome("Ude af kontanthjælp", 0.05, (Consequence("s", -1.0),)),
    )
    result = calculate(simple_case(outcomes=outcomes, prices=(Price("s", 1000.0), Price("t", 10.0))))
    assert result.possible_double_counting == (("s", ("I job", "Ude af kontanthjælp")),)
    assert result.to_json()["possible_double_counting"] == [
        {"service": "s", "outcomes": ["I job", "Ude af kontanthjælp"]}
    ]
    assert calculate(simple_case()).possible_double_counting == ()


def test_prices_of_mixed_years_are_indexed_to_the_case_price_year():
    # Prices of 2022 and 2025 in a 2025 calculation with the index 2022: 100, 2025: 112.5:
    # the 2022 price of 1,000 kr. becomes 1,000 · 112.5 / 100 = 1,125 kr.; the 2025 price of 10 stays.
    outcomes = (Outcome("o", 0.10, (Consequence("s", -1.0), Consequence("t", -1.0))),)
    prices = (Price("s", 1000.0, price_year=2022), Price("t", 10.0, price_year=2025))
    case = simple_case(
        outcomes=outcomes, prices=prices, price_year=2025, price_index=((2022, 100.0), (2025, 112.5))
    )
    np.testing.assert_allclose(calculate(case).gains, [1135, 1135, 1135])
    assert parse_case(json.loads(json.dumps(case_to_json(case)))) == case
    # Without a case price year nothing is indexed; a year missing from the index is refused by name.
    np.testing.assert_allclose(calculate(case.with_changes(price_year=None)).gains, [1010] * 3)
    from susi.engines.som import SomInputError

    with pytest.raises(SomInputError) as err:
        calculate(case.with_changes(price_index=((2025, 112.5),)))
    assert err.value.field == "prices[s].price_year" and "2022" in err.value.message.en


def test_a_case_without_its_own_index_uses_danmarks_statistiks_consumer_price_index():
    """Hand calculation from the shipped monthly values (data/consumer_price_index.csv, Danmarks Statistik
    PRIS113, 2015 = 100): the twelve months of 2020 add up to 1,241.2 and those of 2023 to 1,406.5, so a
    2020 price of 1,000 kr. in a 2023 calculation is 1,000 · (1,406.5/12) / (1,241.2/12) = 1,133.18 kr."""
    from susi.engines.som import SomInputError
    from susi.engines.som.price_index import consumer_price_index

    table = consumer_price_index()
    assert table[2015] == pytest.approx(100.0, abs=1e-12)  # the reference year averages 100
    assert table[2020] == pytest.approx(1241.2 / 12, rel=1e-12)
    assert table[2023] == pytest.approx(1406.5 / 12, rel=1e-12)
    outcomes = (Outcome("o", 0.10, (Consequence("s", -1.0), Consequence("t", -1.0))),)
    prices = (Price("s", 1000.0, price_year=2020), Price("t", 10.0, price_year=2023))
    raw = case_to_json(simple_case(outcomes=outcomes, prices=prices, price_year=2023))
    assert "price_index" not in raw
    case = parse_case(raw)
    assert dict(case.price_index) == pytest.approx({2020: 1241.2 / 12, 2023: 1406.5 / 12})
    # 10 citizens × 0.10 = 1 success a year: 1,133.18 + 10 kr.
    np.testing.assert_allclose(calculate(case).gains, [1000 * 1406.5 / 1241.2 + 10] * 3)
    assert round(1000 * 1406.5 / 1241.2, 2) == 1133.18
    # the saved case keeps the index values it was calculated with
    assert case_to_json(case)["price_index"] == {"2020": table[2020], "2023": table[2023]}
    # a year the shipped index does not cover is refused, naming the year and what is covered
    with pytest.raises(SomInputError) as err:
        parse_case({**raw, "price_year": 2026})
    assert "2026" in err.value.message.da and "2015-2023" in err.value.message.da
    # a case's own index wins
    own = parse_case({**raw, "price_index": {"2020": 100, "2023": 110}})
    np.testing.assert_allclose(calculate(own).gains, [1110] * 3)
