"""Numbers that may be uncertain: a fixed value or one of six distributions.

Every distribution knows its mean (used for the deterministic calculation, so that a Monte Carlo mean of a
linear case equals the deterministic result), how to draw from a seeded NumPy generator, and its quantile
function (used by the tornado). Parameters are given on the natural scale of the quantity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
from scipy import stats

from susi.engines.text import Text

from .errors import FieldProblem, field_problem

Z95 = float(stats.norm.ppf(0.95))  # 1.6448536...: a 90 % interval is mean ± Z95·sd


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

    def to_json(self) -> Any:
        return {"dist": "uniform", "min": self.low, "max": self.high}


@dataclass(frozen=True)
class Interval90:
    """'90 % sure it lies between low and high': a normal distribution with 5 % below low and 5 % above high."""

    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    @property
    def sd(self) -> float:
        return (self.high - self.low) / (2 * Z95)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.normal(self.mean, self.sd, n)

    def ppf(self, q: np.ndarray | float) -> np.ndarray:
        return np.asarray(stats.norm.ppf(q, self.mean, self.sd), dtype=float)

    def to_json(self) -> Any:
        return {"dist": "interval90", "low": self.low, "high": self.high}


Distribution = Union[Fixed, Normal, LogNormal, Triangular, Pert, Uniform, Interval90]  # noqa: UP007
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


def _number(raw: Any, field: str, problems: list[FieldProblem]) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        problems.append(
            field_problem(field, Text(f"skal være et tal, men er {raw!r}", f"must be a number, got {raw!r}"))
        )
        return None
    return float(raw)


def parse_quantity(raw: Any, field: str, problems: list[FieldProblem]) -> Quantity | None:
    """Read a number or a distribution object from a case file; append problems instead of raising."""
    if not isinstance(raw, Mapping):
        return _number(raw, field, problems)
    kind = raw.get("dist")
    needed = {
        "normal": ("mean", "sd"),
        "lognormal": ("mean", "sd"),
        "triangular": ("min", "mode", "max"),
        "pert": ("min", "mode", "max"),
        "uniform": ("min", "max"),
        "interval90": ("low", "high"),
    }
    if kind not in needed:
        problems.append(
            field_problem(
                f"{field}.dist",
                Text(
                    f"ukendt fordeling {kind!r}; brug en af {', '.join(needed)}",
                    f"unknown distribution {kind!r}; use one of {', '.join(needed)}",
                ),
            )
        )
        return None
    values: dict[str, float] = {}
    for key in needed[kind]:
        if key not in raw:
            problems.append(field_problem(f"{field}.{key}", Text("mangler", "is missing")))
            continue
        number = _number(raw[key], f"{field}.{key}", problems)
        if number is not None:
            values[key] = number
    if len(values) != len(needed[kind]):
        return None
    before = len(problems)
    dist: Distribution
    if kind in ("normal", "lognormal"):
        if values["sd"] < 0:
            problems.append(
                field_problem(
                    f"{field}.sd", Text("standardafvigelsen må ikke være negativ", "must not be negative")
                )
            )
        if kind == "lognormal" and values["mean"] <= 0:
            problems.append(
                field_problem(
                    f"{field}.mean",
                    Text(
                        "en log-normalfordeling kræver en positiv middelværdi",
                        "a log-normal distribution needs a positive mean",
                    ),
                )
            )
        dist = (
            Normal(values["mean"], values["sd"])
            if kind == "normal"
            else LogNormal(values["mean"], values["sd"])
        )
    elif kind in ("triangular", "pert"):
        if not values["min"] <= values["mode"] <= values["max"]:
            problems.append(
                field_problem(
                    f"{field}.mode",
                    Text("skal opfylde minimum ≤ typisk værdi ≤ maksimum", "must satisfy min ≤ mode ≤ max"),
                )
            )
        if kind == "pert" and values["min"] == values["max"]:
            problems.append(
                field_problem(
                    f"{field}.max", Text("maksimum skal være større end minimum", "must be larger than min")
                )
            )
        cls = Triangular if kind == "triangular" else Pert
        dist = cls(values["min"], values["mode"], values["max"])
    elif kind == "uniform":
        if values["min"] > values["max"]:
            problems.append(
                field_problem(
                    f"{field}.max", Text("maksimum må ikke være under minimum", "must not be below min")
                )
            )
        dist = Uniform(values["min"], values["max"])
    else:
        if values["low"] >= values["high"]:
            problems.append(
                field_problem(
                    f"{field}.high",
                    Text("den øvre grænse skal være større end den nedre", "must be above the lower bound"),
                )
            )
        dist = Interval90(values["low"], values["high"])
    return dist if len(problems) == before else None


def quantity_to_json(value: Quantity) -> Any:
    if isinstance(value, int | float):
        return float(value)
    return value.to_json()
