"""Numbers that may be uncertain: a fixed value or one of six distributions.

Every distribution knows its mean (used for the deterministic calculation, so that a Monte Carlo mean of a
linear case equals the deterministic result), how to draw from a seeded NumPy generator, and its quantile
function (used by the tornado). Parameters are given on the natural scale of the quantity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
from scipy import stats

from susi.engines.text import Text

from .errors import FieldProblem, field_problem

Z95 = float(stats.norm.ppf(0.95))  # 1.6448536...: a 90 % interval is mean ± Z95·sd
# No number in a case may exceed this in size (1,000 billion: more than the whole Danish public budget, or a
# number of citizens a thousand times the population): larger is a typing error, and 1e30 would overflow the
# sums and the pages.
MAX_ABS = 1e12


@dataclass(frozen=True)
class Fixed:
    value: float

    @property
    def mean(self) -> float:
        return self.value

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return np.full(np.shape(q), self.value, dtype=float)

    def frozen(self) -> Any:
        return None  # no spread

    def to_json(self) -> Any:
        return self.value


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return np.asarray(stats.norm.ppf(q, self.mean, self.sd), dtype=float)

    def frozen(self) -> Any:
        return stats.norm(self.mean, self.sd) if self.sd > 0 else None

    def to_json(self) -> Any:
        return {"dist": "normal", "mean": self.mean, "sd": self.sd}


@dataclass(frozen=True)
class LogNormal:
    """Log-normal given by its mean and standard deviation on the natural scale (not the log scale)."""

    mean: float
    sd: float

    @property
    def _sigma(self) -> float:
        return math.sqrt(math.log1p((self.sd / self.mean) ** 2))

    @property
    def _mu(self) -> float:
        return math.log(self.mean) - self._sigma**2 / 2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(self._mu, self._sigma, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return np.asarray(stats.lognorm.ppf(q, self._sigma, scale=math.exp(self._mu)), dtype=float)

    def frozen(self) -> Any:
        return stats.lognorm(self._sigma, scale=math.exp(self._mu)) if self.sd > 0 else None

    def to_json(self) -> Any:
        return {"dist": "lognormal", "mean": self.mean, "sd": self.sd}


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high == self.low:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        width = self.high - self.low
        if width == 0:
            return np.full(np.shape(q), self.low, dtype=float)
        c = (self.mode - self.low) / width
        return np.asarray(stats.triang.ppf(q, c, loc=self.low, scale=width), dtype=float)

    def frozen(self) -> Any:
        width = self.high - self.low
        if width == 0:
            return None
        return stats.triang((self.mode - self.low) / width, loc=self.low, scale=width)

    def to_json(self) -> Any:
        return {"dist": "triangular", "min": self.low, "mode": self.mode, "max": self.high}


@dataclass(frozen=True)
class Pert:
    """The (beta-)PERT distribution with the usual shape λ = 4: mean = (min + 4·mode + max) / 6."""

    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + 4 * self.mode + self.high) / 6

    @property
    def _ab(self) -> tuple[float, float]:
        width = self.high - self.low
        return 1 + 4 * (self.mode - self.low) / width, 1 + 4 * (self.high - self.mode) / width

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.high == self.low:
            return np.full(n, self.low)
        a, b = self._ab
        return self.low + (self.high - self.low) * rng.beta(a, b, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        if self.high == self.low:
            return np.full(np.shape(q), self.low, dtype=float)
        a, b = self._ab
        return np.asarray(stats.beta.ppf(q, a, b, loc=self.low, scale=self.high - self.low), dtype=float)

    def frozen(self) -> Any:
        if self.high == self.low:
            return None
        a, b = self._ab
        return stats.beta(a, b, loc=self.low, scale=self.high - self.low)

    def to_json(self) -> Any:
        return {"dist": "pert", "min": self.low, "mode": self.mode, "max": self.high}


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return self.low + (self.high - self.low) * np.asarray(q, dtype=float)

    def frozen(self) -> Any:
        return stats.uniform(loc=self.low, scale=self.high - self.low) if self.high > self.low else None

    def to_json(self) -> Any:
        return {"dist": "uniform", "min": self.low, "max": self.high}


@dataclass(frozen=True)
class Interval90:
    """'90 % sure it lies between low and high': 5 % below low and 5 % above high.

    `shape="normal"` (the default, for numbers that may be negative: a change in use, a success rate):
    mean (low + high)/2, sd (high − low)/(2·z₀.₉₅). `shape="lognormal"` (for numbers that cannot be
    negative: prices, costs, counts; needs 0 < low): ln X is normal with μ = (ln low + ln high)/2 and
    σ = (ln high − ln low)/(2·z₀.₉₅), so the median is √(low·high) and the mean exp(μ + σ²/2)."""

    low: float
    high: float
    shape: str = "normal"

    @property
    def _log(self) -> bool:
        return self.shape == "lognormal"

    @property
    def _mu(self) -> float:
        return (math.log(self.low) + math.log(self.high)) / 2

    @property
    def _sigma(self) -> float:
        return (math.log(self.high) - math.log(self.low)) / (2 * Z95)

    @property
    def mean(self) -> float:
        if self._log:
            return math.exp(self._mu + self._sigma**2 / 2)
        return (self.low + self.high) / 2

    @property
    def sd(self) -> float:
        if self._log:
            return float(self.frozen().std())
        return (self.high - self.low) / (2 * Z95)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self._log:
            return rng.lognormal(self._mu, self._sigma, n)
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return np.asarray(self.frozen().ppf(q), dtype=float)

    def frozen(self) -> Any:
        if self._log:
            return stats.lognorm(self._sigma, scale=math.exp(self._mu))
        return stats.norm(self.mean, self.sd)

    def to_json(self) -> Any:
        out: dict[str, Any] = {"dist": "interval90", "low": self.low, "high": self.high}
        if self._log:
            out["shape"] = "lognormal"
        return out


@dataclass(frozen=True)
class Truncated:
    """A distribution cut to an input's valid range [low, high] (a share of relapse in [0, 1], a number of
    citizens ≥ 0): draws come from the inverse distribution function on [F(low), F(high)], so every draw is
    valid and none is moved to the boundary. Its mean (the point value of the deterministic result) is the
    truncated distribution's mean: the closed form of `scipy.stats.truncnorm` for a normal, numerical
    integration (`rv_frozen.expect`) otherwise. Built by `core.compile_case`, never written in a case file."""

    base: Distribution
    low: float
    high: float

    @property
    def _bounds(self) -> tuple[float, float]:
        f = self.base.frozen()
        return float(f.cdf(self.low)), float(f.cdf(self.high))

    @property
    def share_outside(self) -> float:
        lo, hi = self._bounds
        return lo + (1.0 - hi)

    @property
    def mean(self) -> float:
        if isinstance(self.base, Normal) or isinstance(self.base, Interval90) and self.base.shape == "normal":
            sd = self.base.sd
            a, b = (self.low - self.base.mean) / sd, (self.high - self.base.mean) / sd
            return float(stats.truncnorm.mean(a, b, loc=self.base.mean, scale=sd))
        f = self.base.frozen()
        return float(f.expect(lb=self.low, ub=self.high, conditional=True))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        lo, hi = self._bounds
        return self.ppf(rng.uniform(0.0, 1.0, n), (lo, hi))

    def ppf(self, q: np.ndarray | float, bounds: tuple[float, float] | None = None) -> np.ndarray:
        lo, hi = self._bounds if bounds is None else bounds
        x = self.base.frozen().ppf(lo + (hi - lo) * np.asarray(q, dtype=float))
        return np.clip(np.asarray(x, dtype=float), self.low, self.high)  # only rounding at the ends

    def frozen(self) -> Any:
        return None  # already truncated: never truncated again

    def to_json(self) -> Any:
        return self.base.to_json()


Distribution = Union[Fixed, Normal, LogNormal, Triangular, Pert, Uniform, Interval90, Truncated]  # noqa: UP007
Quantity = Union[float, Distribution]  # noqa: UP007

DIST_NAMES_DA = {
    "normal": "normalfordeling",
    "lognormal": "log-normalfordeling",
    "triangular": "trekantfordeling",
    "pert": "PERT-fordeling",
    "uniform": "ligefordeling",
    "interval90": "90 %-interval",
}


def as_distribution(value: Quantity) -> Distribution:
    if isinstance(value, int | float):
        return Fixed(float(value))
    return value


def is_uncertain(value: Quantity) -> bool:
    return not isinstance(value, int | float | Fixed)


def mean_of(value: Quantity) -> float:
    return float(as_distribution(value).mean)


def unknown_key(field: str, key: Any) -> FieldProblem:
    return field_problem(
        field,
        Text(f"ukendt felt {key!r} (stavet forkert?)", f"unknown key {key!r} (a misspelt name?)"),
        "unknown_key",
    )


def quantity_to_json(value: Quantity) -> Any:
    if isinstance(value, int | float):
        return float(value)
    return value.to_json()


def scaled(value: Quantity, factor: float) -> Quantity:
    """The same kind of number multiplied by a positive constant (kroner → a factor on a profile): every
    location and spread parameter is multiplied, so quantiles and the mean scale exactly."""
    if factor <= 0:
        raise ValueError("factor must be positive")
    d = as_distribution(value)
    if isinstance(d, Fixed):
        return d.value * factor
    if isinstance(d, Normal | LogNormal):
        return type(d)(d.mean * factor, d.sd * factor)
    if isinstance(d, Triangular | Pert):
        return type(d)(d.low * factor, d.mode * factor, d.high * factor)
    if isinstance(d, Uniform):
        return Uniform(d.low * factor, d.high * factor)
    if isinstance(d, Interval90):
        return Interval90(d.low * factor, d.high * factor, d.shape)
    raise TypeError(f"cannot scale {d!r}")
