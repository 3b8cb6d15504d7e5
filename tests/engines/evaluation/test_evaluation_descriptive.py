"""The mean and its interval shown per arm and occasion on the outcome pages (engines.evaluation.descriptive)."""

import pytest

from susi.engines.evaluation import EvaluationError
from susi.engines.evaluation.descriptive import mean_interval

# Reference: statsmodels 0.14, `DescrStatsW(x).zconfint_mean(alpha=0.05)` (and alpha=0.10 for the 90 % row),
# printed to full precision; the same normal-approximation interval, mean ± z·sd/√n with sd on n − 1.
SEVEN = [12.0, 15.5, 9.0, 11.25, 14.0, 10.5, 13.75]
FIVE = [3.0, 3.0, 4.0, 5.0, 8.0]


@pytest.mark.parametrize(
    ("values", "level", "mean", "low", "high"),
    [
        (SEVEN, 0.95, 12.285714285714286, 10.614029318326493, 13.95739925310208),
        (FIVE, 0.95, 4.6, 2.7824041742463894, 6.41759582575361),
        (FIVE, 0.90, 4.6, 3.0746254982719634, 6.125374501728036),
    ],
)
def test_mean_interval_matches_statsmodels(values, level, mean, low, high):
    result = mean_interval(values, level)
    assert result.n == len(values)
    # tolerance: floating-point summation order only (both compute the same closed formula)
    assert result.mean == pytest.approx(mean, rel=1e-12)
    assert result.low == pytest.approx(low, rel=1e-12)
    assert result.high == pytest.approx(high, rel=1e-12)


def test_one_value_has_no_width():
    result = mean_interval([7.0])
    assert (result.mean, result.low, result.high) == (7.0, 7.0, 7.0)


@pytest.mark.parametrize(("values", "level"), [([], 0.95), ([1.0, float("nan")], 0.95), ([1.0, 2.0], 1.5)])
def test_bad_input_is_refused_in_both_languages(values, level):
    with pytest.raises(EvaluationError) as err:
        mean_interval(values, level)
    assert err.value.message.da and err.value.message.en
