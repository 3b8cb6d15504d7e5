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
