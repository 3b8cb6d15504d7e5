"""Bad input is refused with a message naming the field, in English and Danish."""

import json

import pytest

from susi.engines.som import SomInputError, calculate, loads_case, parse_case, quick_case, simulate


def good() -> dict:
    return {
        "name": "t",
        "horizon": 5,
        "intake": [10],
        "costs": [{"name": "c", "kind": "per_citizen", "amount": 1000}],
        "outcomes": [{"name": "o", "success_rate": 0.1, "consequences": [{"service": "s", "change": -1}]}],
        "prices": {"s": {"municipality": 100, "area": "housing", "committee": "social"}},
    }


def refused(data) -> SomInputError:
    with pytest.raises(SomInputError) as info:
        parse_case(data)
    return info.value


def test_a_good_case_passes():
    assert calculate(parse_case(good())).present_value != 0


def test_negative_citizens():
    data = good()
    data["intake"] = [10, -5]
    err = refused(data)
    assert err.field == "intake[1]"
    assert "borgere" in err.message.da


def test_success_rate_above_100_percent():
    data = good()
    data["outcomes"][0]["success_rate"] = 1.2
    err = refused(data)
    assert err.field == "outcomes[0].success_rate"
    assert "succesraten" in err.message.da and "1" in err.message.da


def test_relapse_above_100_percent():
    data = good()
    data["outcomes"][0]["relapse"] = 1.5
    assert refused(data).field == "outcomes[0].relapse"


def test_horizon_of_zero():
    data = good()
    data["horizon"] = 0
    err = refused(data)
    assert err.field == "horizon"
    assert "horisonten" in err.message.da


def test_negative_discount_rate():
    data = good()
    data["discount_rate"] = -0.01
    assert refused(data).field == "discount_rate"


def test_missing_price():
    data = good()
    data["prices"] = {}
    err = refused(data)
    assert err.field == "outcomes[0].consequences[0].service"
    assert "pris" in err.message.da and "'s'" in err.message.da


def test_malformed_file():
    with pytest.raises(SomInputError) as info:
        loads_case("{ not json")
    assert info.value.field == "(file)"
    assert "JSON" in info.value.message.da


def test_wrong_types_are_named():
    data = good()
    data["intake"] = ["ten"]
    data["outcomes"][0]["success_rate"] = {"dist": "normal", "mean": 0.1}
    err = refused(data)
    fields = {p.field for p in err.problems}
    assert {"intake[0]", "outcomes[0].success_rate.sd"} <= fields


def test_bad_distributions():
    data = good()
    data["outcomes"][0]["success_rate"] = {"dist": "gamma", "shape": 2}
    assert refused(data).field == "outcomes[0].success_rate.dist"
    data["outcomes"][0]["success_rate"] = {"dist": "triangular", "min": 0.2, "mode": 0.1, "max": 0.3}
    assert refused(data).field == "outcomes[0].success_rate.mode"
    data["outcomes"][0]["success_rate"] = {"dist": "interval90", "low": 0.3, "high": 0.1}
    assert refused(data).field == "outcomes[0].success_rate.high"
    data["outcomes"][0]["success_rate"] = {"dist": "normal", "mean": 0.1, "sd": -1}
    assert refused(data).field == "outcomes[0].success_rate.sd"


def test_unknown_codes_and_kinds():
    data = good()
    data["costs"][0]["kind"] = "monthly"
    data["costs"][0]["payer"] = "eu"
    data["prices"]["s"]["area"] = "space"
    fields = {p.field for p in refused(data).problems}
    assert {"costs[0].kind", "costs[0].payer", "prices[s].area"} <= fields


def test_intake_longer_than_horizon_and_no_outcomes():
    data = good()
    data["intake"] = [1] * 6
    data["outcomes"] = []
    fields = {p.field for p in refused(data).problems}
    assert {"intake", "outcomes"} <= fields


def test_file_that_is_not_an_object():
    assert refused([1, 2, 3]).field == "(file)"


def test_quick_estimate_shares_must_sum_to_one():
    with pytest.raises(SomInputError) as info:
        quick_case(
            citizens_per_year=10,
            cost_per_citizen=1,
            success_rate=0.1,
            annual_saving_per_success=1,
            saving_shares=(0.5, 0.2, 0.2),
        )
    assert info.value.field == "saving_shares"


def test_simulate_validates_too():
    case = parse_case(good())
    with pytest.raises(SomInputError):
        simulate(case.with_changes(horizon=0), draws=10)


def test_every_problem_is_reported_at_once():
    data = good()
    data["horizon"] = 0
    data["intake"] = [-1]
    data["outcomes"][0]["success_rate"] = 2
    err = refused(json.loads(json.dumps(data)))
    assert len(err.problems) >= 3


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize(
    "where",
    [
        ("horizon",),
        ("duration_years",),
        ("discount_rate",),
        ("intake", 0),
        ("costs", 0, "amount"),
        ("costs", 0, "year"),
        ("outcomes", 0, "success_rate"),
        ("outcomes", 0, "relapse"),
        ("outcomes", 0, "effect_delay_years"),
        ("outcomes", 0, "consequences", 0, "change"),
        ("outcomes", 0, "consequences", 0, "years"),
        ("prices", "s", "municipality"),
    ],
)
def test_nan_and_infinity_anywhere_are_refused_naming_the_field(where, bad):
    data = good()
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = bad
    err = refused(data)  # a SomInputError, never ValueError/OverflowError from int(nan)
    assert err.field.startswith("intake[0]" if where[0] == "intake" else str(where[0]))
    assert str(where[-1]) in err.field
    # The same through the text of a file (Python's json reads NaN and Infinity).
    with pytest.raises(SomInputError):
        loads_case(json.dumps(data))


def test_nan_in_a_distribution_and_in_a_case_built_in_code():
    data = good()
    data["costs"][0]["amount"] = {"dist": "normal", "mean": 1000, "sd": float("nan")}
    assert refused(data).field == "costs[0].amount.sd"
    from susi.engines.som import Normal

    case = parse_case(good())
    built = case.with_changes(intake=(Normal(10.0, float("inf")),))
    with pytest.raises(SomInputError) as info:
        calculate(built)
    # a case built in code is checked by the same schema as a file, so the parameter is named too
    assert info.value.field == "intake[0].sd"


def test_a_discount_rate_above_one_suggests_the_fraction():
    data = good()
    data["discount_rate"] = 3.5
    err = refused(data)
    assert err.field == "discount_rate"
    assert "did you mean 3.5 % = 0.035?" in err.message.en
    assert "mente du 3.5 % = 0.035?" in err.message.da


@pytest.mark.parametrize(
    "where, key",
    [
        ((), "relapce"),
        (("costs", 0), "amout"),
        (("outcomes", 0), "relapse_rate"),
        (("outcomes", 0, "consequences", 0), "chnage"),
        (("prices", "s"), "regoin"),
    ],
)
def test_unknown_keys_are_refused_by_name(where, key):
    data = good()
    target = data
    for k in where:
        target = target[k]
    target[key] = 1
    err = refused(data)
    expected = ".".join(f"{w}[{i}]" for w, i in zip(where[::2], where[1::2], strict=True))
    assert err.field == (f"{expected}.{key}" if expected else key)
    assert repr(key) in err.message.en and repr(key) in err.message.da


def test_unknown_key_in_a_distribution():
    data = good()
    data["outcomes"][0]["success_rate"] = {"dist": "normal", "mean": 0.1, "sd": 0.01, "sigma": 2}
    assert refused(data).field == "outcomes[0].success_rate.sigma"


def test_a_course_longer_than_the_horizon_is_refused():
    data = good()
    data["duration_years"] = 6  # horizon 5
    err = refused(data)
    assert err.field == "duration_years"
    assert "6 år" in err.message.da and "5 år" in err.message.da


@pytest.mark.parametrize("absurd", [1e30, -1e30, 1e13])
def test_an_absurd_amount_is_refused(absurd):
    data = good()
    data["costs"][0]["amount"] = absurd
    err = refused(data)
    assert err.field == "costs[0].amount" and "for stort" in err.message.da
    data = good()
    data["prices"]["s"]["municipality"] = absurd
    assert refused(data).field == "prices[s].municipality"


def test_a_distribution_kind_that_is_not_text_is_refused():
    data = good()
    data["outcomes"][0]["success_rate"] = {"dist": {"dist": "pert"}, "mean": 0.1}
    assert refused(data).field == "outcomes[0].success_rate.dist"
    data["outcomes"][0]["success_rate"] = {"dist": ["normal"], "mean": 0.1}
    assert refused(data).field == "outcomes[0].success_rate.dist"


@pytest.mark.parametrize("seed", [-1, 2**63])
def test_a_seed_outside_the_generator_range_is_refused(seed):
    data = good()
    data["outcomes"][0]["success_rate"] = {"dist": "normal", "mean": 0.1, "sd": 0.01}
    with pytest.raises(SomInputError) as info:
        simulate(parse_case(data), draws=10, seed=seed)
    assert info.value.field == "seed"
