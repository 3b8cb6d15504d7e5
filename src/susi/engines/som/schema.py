"""The SØM case, declared once: a pydantic model of the case file that every consumer reads and writes.

`SomCase` is the case as JSON: the `susi som calc` file, the API's request and response body (and so the
OpenAPI schema), the JSON and Excel exports, and the calculator form (its fields are named by these paths,
docs/developers/som.md). Its validators carry every input rule with a bilingual message (`Text`); a broken
rule raises `SomInputError` inside pydantic, and `problems_from_schema` turns pydantic's error list back into
problems whose field is the case path (``outcomes[0].consequences[1].change``), so a CLI user, an API client
and a form user read the same field and the same sentence.

`parse_case` (file → `Case`), `case_to_json` (`Case` → file) and `validate_case` (a `Case` built in code)
all go through this one model; there is no second validator. pydantic is not Django, so the engine may use it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ClassVar, Literal, NoReturn, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    model_serializer,
    model_validator,
)

from ..errors import join_field, problems_from_schema
from ..text import Text
from .areas import AREA_CODES, AUTHORITY_CODES, COMMITTEE_CODES
from .case import (
    COST_KINDS,
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON,
    DISCOUNT_SCHEDULES,
    MAX_HORIZON,
    Case,
    Consequence,
    Cost,
    Outcome,
    Price,
)
from .distributions import (
    MAX_ABS,
    Distribution,
    Interval90,
    LogNormal,
    Normal,
    Pert,
    Quantity,
    Triangular,
    Uniform,
    mean_of,
    quantity_to_json,
    unknown_key,
)
from .errors import FieldProblem, SomInputError, field_problem
from .price_index import covered_years, shipped_index

# --- failing with a field and a Text ----------------------------------------------------------------------


def _fail(message: Text, at: str = "") -> NoReturn:
    """Refuse the value being validated; `at` is a path below it (``sd``, ``[2]``)."""
    raise SomInputError(at, message)


def _fail_all(problems: list[FieldProblem]) -> None:
    if problems:
        raise SomInputError.from_problems(problems)


def _shifted(error: ValidationError, prefix: str) -> list[FieldProblem]:
    """The problems of a nested validation, their fields below `prefix` (``[shelter_night]``)."""
    return problems_from_schema(error.errors(), prefix)


# --- scalar rules -----------------------------------------------------------------------------------------


def _number(raw: Any) -> float:
    """A finite number no larger than MAX_ABS: NaN, Infinity and 1e30 are refused, never calculated."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        _fail(Text(f"skal være et tal, men er {raw!r}", f"must be a number, got {raw!r}"))
    if not math.isfinite(raw):
        _fail(Text(f"skal være et endeligt tal (er {raw!r})", f"must be a finite number, got {raw!r}"))
    if abs(raw) > MAX_ABS:
        _fail(
            Text(
                f"{raw:g} er for stort (højst 1.000 mia. i absolut værdi)",
                f"{raw:g} is too large (at most {MAX_ABS:g} in size)",
            )
        )
    return float(raw)


def _whole(raw: Any) -> int | None:
    if raw is None:
        return None
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or not math.isfinite(raw)
        or abs(raw) > MAX_ABS
        or int(raw) != raw
    ):
        _fail(Text(f"skal være et helt tal, men er {raw!r}", f"must be a whole number, got {raw!r}"))
    return int(raw)


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        _fail(Text("skal være tekst", "must be text"))
    return raw


def _flag(raw: Any) -> bool:
    if not isinstance(raw, bool):
        _fail(Text("skal være true eller false", "must be true or false"))
    return raw


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list | tuple):
        _fail(Text("skal være en liste", "must be a list"))
    return list(raw)


def _area(raw: Any) -> str:
    if _text(raw) not in AREA_CODES:
        _fail(Text(f"ukendt hovedområde {raw!r}", f"unknown area {raw!r}"))
    return raw


def _committee(raw: Any) -> str | None:
    if raw is not None and _text(raw) not in COMMITTEE_CODES:
        _fail(Text(f"ukendt udvalg {raw!r}", f"unknown committee {raw!r}"))
    return raw


Number = Annotated[float, BeforeValidator(_number)]
Whole = Annotated[int, BeforeValidator(_whole)]
OptionalWhole = Annotated[int | None, BeforeValidator(_whole)]
Str = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
AreaCode = Annotated[str, BeforeValidator(_area), Field(json_schema_extra={"enum": list(AREA_CODES)})]
CommitteeCode = Annotated[
    str | None, BeforeValidator(_committee), Field(json_schema_extra={"enum": [*COMMITTEE_CODES, None]})
]


def _share_of(what_da: str, *, below_one: bool = False) -> Callable[[Any], float]:
    """A share (the optimism bias, deadweight): a number from 0 to 1 (below 1 with `below_one`)."""

    def check(raw: Any) -> float:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            _fail(Text(f"skal være et tal (er {raw!r})", f"must be a number, got {raw!r}"))
        if below_one and not 0 <= raw < 1:
            _fail(
                Text(
                    f"{what_da} skal være en andel fra 0 til under 1 (er {raw!r})",
                    f"must be a share from 0 up to (not including) 1, got {raw!r}",
                )
            )
        if not below_one and not 0 <= raw <= 1:
            _fail(
                Text(
                    f"{what_da} skal være en andel fra 0 til 1 (er {raw!r})",
                    f"must be a share from 0 to 1, got {raw!r}",
                )
            )
        return float(raw)

    return check


def _discount_rate(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        _fail(Text("diskonteringsrenten skal være et tal", f"must be a number, got {raw!r}"))
    if raw < 0:
        _fail(Text("diskonteringsrenten må ikke være negativ", "must not be negative"))
    if raw > 1:
        _fail(
            Text(
                f"diskonteringsrenten skal angives som brøk, højst 1 (er {raw:g}): mente du {raw:g} % = {raw / 100:g}?",
                f"must be a fraction, at most 1 (got {raw:g}): did you mean {raw:g} % = {raw / 100:g}?",
            )
        )
    return float(raw)


def _horizon(value: int) -> int:
    if value < 1:
        _fail(Text("horisonten skal være mindst 1 år", "must be a whole number of years, at least 1"))
    if value > MAX_HORIZON:
        _fail(Text(f"horisonten må højst være {MAX_HORIZON} år", f"must be at most {MAX_HORIZON} years"))
    return value


def _duration(value: int) -> int:
    if value < 1:
        _fail(
            Text("indsatsens varighed skal være mindst 1 år", "must be a whole number of years, at least 1")
        )
    return value


def _choice(options: tuple[str, ...], message: Callable[[Any], Text]) -> Callable[[Any], str]:
    def check(raw: Any) -> str:
        if not isinstance(raw, str) or raw not in options:
            _fail(message(raw))
        return raw

    return check


CostKind = Annotated[
    Literal["once", "per_year", "per_citizen"],
    BeforeValidator(
        _choice(
            COST_KINDS,
            lambda v: Text(
                f"ukendt omkostningstype {v!r}", f"unknown cost kind {v!r}; use once, per_year or per_citizen"
            ),
        )
    ),
]
Payer = Annotated[
    Literal["municipality", "region", "state"],
    BeforeValidator(
        _choice(
            AUTHORITY_CODES,
            lambda v: Text(
                f"ukendt betaler {v!r}; vælg kommune, region eller stat",
                f"unknown payer {v!r}; use municipality, region or state",
            ),
        )
    ),
]
Schedule = Annotated[
    Literal["declining", "flat"],
    BeforeValidator(
        _choice(
            DISCOUNT_SCHEDULES,
            lambda v: Text(
                f"ukendt diskonteringsprofil {v!r}; vælg faldende eller fast",
                f"unknown discount schedule {v!r}; use declining or flat",
            ),
        )
    ),
]


# --- objects: unknown keys refused by name, missing keys named ---------------------------------------------


class _Spec(BaseModel):
    """An object of the case file. A key it does not know is refused by name (a misspelt "relapse" would
    otherwise silently be 0); a required key that is missing is named."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    # the message for a missing required key, when "mangler" alone does not say enough
    missing: ClassVar[dict[str, Text]] = {}
    not_an_object: ClassVar[str] = ""  # the field named when the value is not an object ("" = the value)

    @model_validator(mode="before")
    @classmethod
    def _keys(cls, data: Any) -> Any:
        if isinstance(data, BaseModel):
            return data
        if not isinstance(data, Mapping):
            _fail(Text("skal være et objekt med felter", "must be an object"), cls.not_an_object)
        fields = cls.__pydantic_fields__
        problems = [unknown_key(str(key), key) for key in data if key not in fields]
        problems += [
            field_problem(name, cls.missing.get(name, Text("mangler", "is missing")), "missing")
            for name, info in fields.items()
            if name not in data and info.is_required()
        ]
        _fail_all(problems)
        return data


# --- numbers that may be uncertain -------------------------------------------------------------------------

PARAMETER_DA = {
    "mean": "middelværdi",
    "sd": "standardafvigelse",
    "min": "minimum",
    "mode": "typisk værdi",
    "max": "maksimum",
    "low": "nedre grænse",
    "high": "øvre grænse",
}


class _DistSpec(_Spec):
    missing: ClassVar[dict[str, Text]] = {
        k: Text(f"{v} mangler", "is missing") for k, v in PARAMETER_DA.items()
    }

    def to_engine(self) -> Distribution:
        raise NotImplementedError


def _non_negative_sd(value: float) -> float:
    if value < 0:
        _fail(Text("standardafvigelsen må ikke være negativ", "must not be negative"))
    return value


class SomNormal(_DistSpec):
    """Normal(mean, sd)."""

    dist: Literal["normal"]
    mean: Number
    sd: Annotated[Number, AfterValidator(_non_negative_sd)]

    def to_engine(self) -> Distribution:
        return Normal(self.mean, self.sd)


class SomLogNormal(_DistSpec):
    """Log-normal given by its mean and standard deviation on the natural scale."""

    dist: Literal["lognormal"]
    mean: Number
    sd: Annotated[Number, AfterValidator(_non_negative_sd)]

    @model_validator(mode="after")
    def _positive_mean(self) -> SomLogNormal:
        if self.mean <= 0:
            _fail(
                Text(
                    "en log-normalfordeling kræver en positiv middelværdi",
                    "a log-normal distribution needs a positive mean",
                ),
                "mean",
            )
        return self

    def to_engine(self) -> Distribution:
        return LogNormal(self.mean, self.sd)


class SomTriangular(_DistSpec):
    """Triangular(min, mode, max); the PERT distribution takes the same three numbers."""

    dist: Literal["triangular"]
    min: Number
    mode: Number
    max: Number

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        if not self.min <= self.mode <= self.max:
            _fail(
                Text("skal opfylde minimum ≤ typisk værdi ≤ maksimum", "must satisfy min ≤ mode ≤ max"),
                "mode",
            )
        return self

    def to_engine(self) -> Distribution:
        return Triangular(self.min, self.mode, self.max)


class SomPert(SomTriangular):
    dist: Literal["pert"]  # type: ignore[assignment]

    @model_validator(mode="after")
    def _wide(self) -> SomPert:
        if self.min == self.max:
            _fail(Text("maksimum skal være større end minimum", "must be larger than min"), "max")
        return self

    def to_engine(self) -> Distribution:
        return Pert(self.min, self.mode, self.max)


class SomUniform(_DistSpec):
    dist: Literal["uniform"]
    min: Number
    max: Number

    @model_validator(mode="after")
    def _ordered(self) -> SomUniform:
        if self.min > self.max:
            _fail(Text("maksimum må ikke være under minimum", "must not be below min"), "max")
        return self

    def to_engine(self) -> Distribution:
        return Uniform(self.min, self.max)


class SomInterval90(_DistSpec):
    """'90 % sure it lies between low and high'; `shape` lognormal for numbers that cannot be negative."""

    dist: Literal["interval90"]
    low: Number
    high: Number
    shape: Annotated[
        Literal["normal", "lognormal"],
        BeforeValidator(
            _choice(
                ("normal", "lognormal"),
                lambda v: Text(
                    f"ukendt form {v!r}; brug normal eller lognormal",
                    f"unknown shape {v!r}; use normal or lognormal",
                ),
            )
        ),
    ] = "normal"

    @model_validator(mode="after")
    def _bounds(self) -> SomInterval90:
        problems = []
        if self.low >= self.high:
            problems.append(
                field_problem(
                    "high",
                    Text("den øvre grænse skal være større end den nedre", "must be above the lower bound"),
                )
            )
        if self.shape == "lognormal" and self.low <= 0:
            problems.append(
                field_problem(
                    "low",
                    Text(
                        "et log-normalt 90 %-interval kræver en positiv nedre grænse",
                        "a log-normal 90 % interval needs a positive lower bound",
                    ),
                )
            )
        _fail_all(problems)
        return self

    def to_engine(self) -> Distribution:
        return Interval90(self.low, self.high, self.shape)

    @model_serializer(mode="wrap")
    def _default_shape_unwritten(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict) and data.get("shape") == "normal":
            del data["shape"]  # as the engine writes it (Interval90.to_json)
        return data


DISTRIBUTIONS: dict[str, type[_DistSpec]] = {
    "normal": SomNormal,
    "lognormal": SomLogNormal,
    "triangular": SomTriangular,
    "pert": SomPert,
    "uniform": SomUniform,
    "interval90": SomInterval90,
}
QuantityJson = Union[float, SomNormal, SomLogNormal, SomTriangular, SomPert, SomUniform, SomInterval90]  # noqa: UP007


def _quantity(raw: Any) -> Quantity:
    """A number or a distribution object ({"dist": ...}), as the engine's value."""
    if not isinstance(raw, Mapping):
        return _number(raw)
    kind = raw.get("dist")
    spec = DISTRIBUTIONS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        _fail(
            Text(
                f"ukendt fordeling {kind!r}; brug en af {', '.join(DISTRIBUTIONS)}",
                f"unknown distribution {kind!r}; use one of {', '.join(DISTRIBUTIONS)}",
            ),
            "dist",
        )
    try:
        return spec.model_validate(raw).to_engine()
    except ValidationError as exc:
        raise SomInputError.from_problems(_shifted(exc, "")) from None


NUMBER_TYPES = (int, float, *get_args(Distribution))  # a tuple: isinstance on a Union is slow


def _serialize_quantity(value: Any) -> Any:
    return quantity_to_json(value) if isinstance(value, NUMBER_TYPES) else value


def _quantity_out(value: Any) -> Any:
    """A quantity as the schema writes it (an API answer): a number, or the distribution's model."""
    data = _serialize_quantity(value)
    if isinstance(data, dict) and data.get("dist") in DISTRIBUTIONS:
        return DISTRIBUTIONS[data["dist"]].model_construct(**data)
    return data


def _change_out(value: Any) -> Any:
    return [_quantity_out(v) for v in value] if isinstance(value, tuple | list) else _quantity_out(value)


QuantityValue = Annotated[
    Any,
    PlainValidator(_quantity, json_schema_input_type=QuantityJson),
    PlainSerializer(_quantity_out, return_type=QuantityJson),
]


def _within(low: float | None, high: float | None, what_da: str, percent: bool = False) -> AfterValidator:
    """The point value (the mean) of a number lies in a closed range."""
    return AfterValidator(_range_check(low, high, what_da, percent))


def _range_check(
    low: float | None, high: float | None, what_da: str, percent: bool = False
) -> Callable[[Quantity], Quantity]:

    def da(x: float) -> str:
        return f"{x * 100:g} %" if percent else f"{x:g}"

    def check(value: Quantity) -> Quantity:
        mean = mean_of(value)
        if low is not None and mean < low:
            _fail(
                Text(
                    f"{what_da} må ikke være under {da(low)} (er {da(mean)})",
                    f"must be at least {low:g}, got {mean:g}",
                )
            )
        if high is not None and mean > high:
            _fail(
                Text(
                    f"{what_da} må højst være {da(high)} (er {da(mean)})",
                    f"must be at most {high:g}, got {mean:g}",
                )
            )
        return value

    return check


def _each(raw: list[Any], read: Callable[[Any], Any]) -> list[Any]:
    """Read every item of a list, collecting each item's problems under ``[k]``."""
    out, problems = [], []
    for k, item in enumerate(raw):
        try:
            out.append(read(item))
        except SomInputError as exc:
            problems += [
                field_problem(join_field(f"[{k}]", p.field), p.message, p.code) for p in exc.problems
            ]
    _fail_all(problems)
    return out


def _intake(raw: Any) -> list[Quantity]:
    if isinstance(raw, int | float | Mapping) and not isinstance(raw, bool):
        raw = [raw]  # one number: citizens starting in year 1
    if not isinstance(raw, list | tuple):
        _fail(
            Text(
                "skal være en liste med antal borgere, der starter hvert år",
                "must be a list with the number of citizens starting each year",
            )
        )
    check = _range_check(0, None, "antal borgere")
    return _each(list(raw), lambda n: check(_quantity(n)))


def _change(raw: Any) -> Quantity | tuple[Quantity, ...]:
    if isinstance(raw, list | tuple):
        return tuple(_each(list(raw), _quantity))
    return _quantity(raw)


def _serialize_change(value: Any) -> Any:
    return (
        [_serialize_quantity(v) for v in value]
        if isinstance(value, tuple | list)
        else _serialize_quantity(value)
    )


Intake = Annotated[
    Any,
    PlainValidator(_intake, json_schema_input_type=list[QuantityJson]),
    PlainSerializer(lambda v: [_quantity_out(n) for n in v], return_type=list[QuantityJson]),
]
Change = Annotated[
    Any,
    PlainValidator(_change, json_schema_input_type=Union[QuantityJson, list[QuantityJson]]),  # noqa: UP007
    PlainSerializer(_change_out, return_type=Union[QuantityJson, list[QuantityJson]]),  # noqa: UP007
]


def _profile(raw: Any) -> list[float] | None:
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        _fail(Text("skal være en liste af tal", "must be a list of numbers"))
    return _each(list(raw), _number)


def _years(raw: Any) -> list[int] | None:
    if raw is None:
        return None
    if not (
        isinstance(raw, list | tuple)
        and len(raw) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in raw)
    ):
        _fail(Text("skal være [første år, sidste år]", "must be [first year, last year]"))
    return list(raw)


# --- the case ----------------------------------------------------------------------------------------------


class SomCost(_Spec):
    """An intervention cost: `once` in `year`, `per_year` in the operating years (or `years`), `per_citizen`
    for every citizen who starts. `saved`: a cost of current practice the intervention replaces."""

    name: Annotated[str | None, BeforeValidator(lambda v: v if v is None else _text(v))] = None
    kind: CostKind = "per_citizen"
    amount: Annotated[QuantityValue, _within(0, None, "beløbet")]
    payer: Payer = "municipality"
    year: Whole = 1
    years: Annotated[list[int] | None, BeforeValidator(_years)] = None
    area: Annotated[str | None, BeforeValidator(lambda v: v if v is None else _area(v))] = None
    committee: CommitteeCode = None
    saved: Flag = False

    def to_cost(self, i: int) -> Cost:
        name = self.name if self.name is not None else f"Omkostning {i + 1}"
        years = (self.years[0], self.years[1]) if self.years is not None else None
        return Cost(
            name, self.kind, self.amount, self.payer, self.year, years, self.area, self.committee, self.saved
        )


class SomConsequence(_Spec):
    """The change in one service's use per year for one citizen in the success state (negative: less use).
    One number (every year, for `years` years or to the horizon), a list (year 1, 2, ... after success), or
    one number drawn once and scaled by the yearly `profile`."""

    missing: ClassVar[dict[str, Text]] = {
        "service": Text("ydelsen mangler", "is missing"),
        "change": Text("ændringen pr. år mangler", "is missing"),
    }
    service: Str
    change: Change
    years: OptionalWhole = None
    profile: Annotated[list[float] | None, BeforeValidator(_profile)] = None

    @model_validator(mode="after")
    def _rules(self) -> SomConsequence:
        problems = []
        if not self.service:
            problems.append(field_problem("service", Text("ydelsen mangler", "is missing")))
        if self.years is not None and self.years < 1:
            problems.append(field_problem("years", Text("antal år skal være mindst 1", "must be at least 1")))
        if self.profile is not None:
            if isinstance(self.change, tuple) or self.years is not None:
                problems.append(
                    field_problem(
                        "profile",
                        Text(
                            "en profil kræver én ændring (ikke en liste) og ingen 'years' (profilen giver årene)",
                            "goes with a single-number change and no 'years' (the profile gives the years)",
                        ),
                    )
                )
            if not self.profile:
                problems.append(
                    field_problem(
                        "profile",
                        Text(
                            "profilen skal være en ikke-tom liste af endelige tal",
                            "must be a non-empty list of finite numbers",
                        ),
                    )
                )
        _fail_all(problems)
        return self


class SomOutcome(_Spec):
    """A success outcome: the additional share of starters reaching it, when its effect begins and fades,
    and its consequences."""

    name: Annotated[str | None, BeforeValidator(lambda v: v if v is None else _text(v))] = None
    success_rate: Annotated[QuantityValue, _within(0, 1, "succesraten", True)]
    consequences: Annotated[list[SomConsequence], BeforeValidator(_list)] = []
    effect_delay_years: OptionalWhole = None
    phase_in_years: Annotated[QuantityValue, _within(0, None, "indfasningen")] = 0.0
    relapse: Annotated[QuantityValue, _within(0, 1, "tilbagefaldet", True)] = 0.0
    scale: Annotated[QuantityValue, _within(0, None, "skaleringen")] = 1.0
    deadweight: Annotated[float, BeforeValidator(_share_of("dødvægten", below_one=True))] = 0.0

    def to_outcome(self, i: int) -> Outcome:
        return Outcome(
            name=self.name if self.name is not None else f"Succesmål {i + 1}",
            success_rate=self.success_rate,
            consequences=tuple(
                Consequence(q.service, q.change, q.years, tuple(q.profile) if q.profile is not None else None)
                for q in self.consequences
            ),
            effect_delay_years=self.effect_delay_years,
            phase_in_years=self.phase_in_years,
            relapse=self.relapse,
            scale=self.scale,
            deadweight=self.deadweight,
        )

    @model_validator(mode="after")
    def _some_consequence(self) -> SomOutcome:
        if not self.consequences:
            _fail(
                Text(
                    "angiv mindst én konsekvens (en ændring i brugen af en ydelse)",
                    "needs at least one consequence (a change in the use of a service)",
                ),
                "consequences",
            )
        return self


class SomPrice(_Spec):
    """The price of one unit of a service in DKK, split by the authority that pays it."""

    name: Str = ""
    unit: Str = ""
    municipality: QuantityValue = 0.0
    region: QuantityValue = 0.0
    state: QuantityValue = 0.0
    area: AreaCode = "adult_social"
    committee: CommitteeCode = None
    price_year: OptionalWhole = None

    def to_price(self, service: str) -> Price:
        return Price(
            service, self.municipality, self.region, self.state, self.area, self.committee, self.unit, self.name,
            self.price_year,
        )  # fmt: skip


class SomCorrelation(_Spec):
    """A rank (Spearman) correlation between two uncertain inputs, named by their paths."""

    inputs: Annotated[list[str], BeforeValidator(lambda v: _inputs(v))]
    rank_correlation: Annotated[float, BeforeValidator(lambda v: _rho(v))]

    @model_validator(mode="after")
    def _rules(self) -> SomCorrelation:
        problems = []
        if not -1 < self.rank_correlation < 1:
            rho = self.rank_correlation
            problems.append(
                field_problem(
                    "rank_correlation",
                    Text(
                        f"rangkorrelationen skal ligge mellem -1 og 1 (er {rho:g})",
                        f"must lie strictly between -1 and 1, got {rho:g}",
                    ),
                )
            )
        if self.inputs[0] == self.inputs[1]:
            problems.append(
                field_problem("inputs", Text("samme input er nævnt to gange", "names the same input twice"))
            )
        _fail_all(problems)
        return self


def _inputs(raw: Any) -> list[str]:
    if not (isinstance(raw, list | tuple) and len(raw) == 2 and all(isinstance(x, str) for x in raw)):
        _fail(
            Text(
                "skal være stierne til to usikre input",
                'must be the paths of two uncertain inputs, e.g. ["outcomes[0].success_rate", "costs[0].amount"]',
            )
        )
    return list(raw)


def _rho(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        _fail(Text("skal være et tal", "must be a number"))
    return float(raw)


def _prices(raw: Any) -> dict[str, SomPrice]:
    """The prices object, keyed by service; a problem's field names the service: ``prices[shelter].region``."""
    if not isinstance(raw, Mapping):
        _fail(Text("skal være et objekt med en pris pr. ydelse", "must be an object keyed by service"))
    out, problems = {}, []
    for service, item in raw.items():
        try:
            out[str(service)] = SomPrice.model_validate(item)
        except ValidationError as exc:
            problems += _shifted(exc, f"[{service}]")
    _fail_all(problems)
    return out


def _price_index(raw: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        _fail(Text("skal være et objekt {år: indeks}", "must be an object {year: index}"))
    out, problems = {}, []
    for year, value in raw.items():
        if not str(year).isdigit():
            problems.append(
                field_problem(f"[{year}]", Text("nøglen skal være et år", "the key must be a year"))
            )
        elif (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            problems.append(
                field_problem(
                    f"[{year}]",
                    Text(
                        f"prisindekset skal være et positivt tal (er {value!r})",
                        f"must be a positive number, got {value!r}",
                    ),
                )
            )
        else:
            out[str(int(year))] = float(value)
    _fail_all(problems)
    return dict(sorted(out.items(), key=lambda item: int(item[0])))


class SomCase(_Spec):
    """A SØM case: who starts when (`intake`), what the intervention costs, which outcomes it has and what
    they change, the prices of the services, and the horizon and discounting of the calculation."""

    missing: ClassVar[dict[str, Text]] = {
        "intake": Text(
            "skal være en liste med antal borgere, der starter hvert år",
            "must be a list with the number of citizens starting each year",
        )
    }
    not_an_object: ClassVar[str] = "(file)"

    name: Str = "SØM-beregning"
    target_group: Str = ""
    horizon: Annotated[Whole, AfterValidator(_horizon)] = DEFAULT_HORIZON
    discount_rate: Annotated[float, BeforeValidator(_discount_rate)] = DEFAULT_DISCOUNT_RATE
    discount_schedule: Schedule = "declining"
    duration_years: Annotated[Whole, AfterValidator(_duration)] = 1
    area: AreaCode = "adult_social"
    committee: CommitteeCode = "social"
    intake: Intake
    costs: Annotated[list[SomCost], BeforeValidator(_list)] = []
    outcomes: Annotated[list[SomOutcome], BeforeValidator(_list)] = []
    prices: Annotated[dict[str, SomPrice], BeforeValidator(_prices)] = {}
    correlations: Annotated[list[SomCorrelation], BeforeValidator(_list)] = []
    optimism_bias_costs: Annotated[
        float, BeforeValidator(_share_of("optimismetillægget på omkostninger"))
    ] = 0.0
    optimism_bias_gains: Annotated[float, BeforeValidator(_share_of("optimismefradraget på gevinster"))] = 0.0
    price_year: OptionalWhole = None
    # none: a case with a price year takes the shipped index when read, so an empty index is not written
    price_index: Annotated[
        dict[str, float], BeforeValidator(_price_index), Field(exclude_if=lambda index: not index)
    ] = {}

    @model_validator(mode="before")
    @classmethod
    def _shipped_price_index(cls, data: Any) -> Any:
        """A case with a price year and no `price_index` of its own is indexed with Danmarks Statistik's
        consumer price index (price_index.py): the years it needs are copied into the case, so a saved
        calculation keeps the numbers it was calculated with."""
        if not isinstance(data, Mapping) or data.get("price_year") is None or "price_index" in data:
            return data
        prices = data.get("prices")
        years = [data["price_year"]]
        if isinstance(prices, Mapping):
            years += [p.get("price_year") for p in prices.values() if isinstance(p, Mapping)]
        whole = [y for y in years if isinstance(y, int) and not isinstance(y, bool)]
        return {**data, "price_index": {str(year): value for year, value in shipped_index(whole)}}

    @model_validator(mode="after")
    def _whole_case(self) -> SomCase:
        """The rules that read several fields: everything fits in the horizon, every consequence has a
        price, the price index covers every price year."""
        problems = _fits_in_horizon(self) + _priced(self) + _indexed(self)
        _fail_all(problems)
        return self

    # --- the engine's dataclasses ---

    def to_case(self) -> Case:
        return Case(
            name=self.name,
            target_group=self.target_group,
            intake=tuple(self.intake),
            costs=tuple(c.to_cost(i) for i, c in enumerate(self.costs)),
            outcomes=tuple(o.to_outcome(i) for i, o in enumerate(self.outcomes)),
            prices=tuple(p.to_price(service) for service, p in self.prices.items()),
            horizon=self.horizon,
            discount_rate=self.discount_rate,
            duration_years=self.duration_years,
            area=self.area,
            committee=self.committee,
            correlations=tuple((c.inputs[0], c.inputs[1], c.rank_correlation) for c in self.correlations),
            discount_schedule=self.discount_schedule,
            optimism_bias_costs=self.optimism_bias_costs,
            optimism_bias_gains=self.optimism_bias_gains,
            price_year=self.price_year,
            price_index=tuple((int(year), value) for year, value in self.price_index.items()),
        )

    @classmethod
    def json_of(cls, case: Case) -> dict[str, Any]:
        """The case-file form of a case (JSON-ready), laid out by this model; not validated (see validate_case)."""
        costs = [
            {
                "name": c.name, "kind": c.kind, "amount": _serialize_quantity(c.amount), "payer": c.payer,
                "year": c.year, "years": list(c.years) if c.years is not None else None, "area": c.area,
                "committee": c.committee, "saved": c.saved,
            }
            for c in case.costs
        ]  # fmt: skip
        outcomes = [_outcome_json(o) for o in case.outcomes]
        prices = {
            p.service: {
                "name": p.name, "unit": p.unit, "municipality": _serialize_quantity(p.municipality),
                "region": _serialize_quantity(p.region), "state": _serialize_quantity(p.state), "area": p.area,
                "committee": p.committee, "price_year": p.price_year,
            }
            for p in case.prices
        }  # fmt: skip
        data = {
            "name": case.name,
            "target_group": case.target_group,
            "horizon": case.horizon,
            "discount_rate": case.discount_rate,
            "discount_schedule": case.discount_schedule,
            "duration_years": case.duration_years,
            "area": case.area,
            "committee": case.committee,
            "intake": [_serialize_quantity(n) for n in case.intake],
            "costs": costs,
            "outcomes": outcomes,
            "prices": prices,
            "correlations": [{"inputs": [a, b], "rank_correlation": rho} for a, b, rho in case.correlations],
            "optimism_bias_costs": case.optimism_bias_costs,
            "optimism_bias_gains": case.optimism_bias_gains,
            "price_year": case.price_year,
        }
        if case.price_index:  # none: a case with a price year is indexed with the shipped index when read
            data["price_index"] = {str(year): value for year, value in case.price_index}
        assert set(data) | {"price_index"} == set(cls.model_fields)  # every field of the schema is written
        return data


def _outcome_json(o: Outcome) -> dict[str, Any]:
    return {
        "name": o.name,
        "success_rate": _serialize_quantity(o.success_rate),
        "consequences": [
            {
                "service": q.service,
                "change": _serialize_change(q.change),
                "years": q.years,
                "profile": list(q.profile) if q.profile is not None else None,
            }
            for q in o.consequences
        ],
        "effect_delay_years": o.effect_delay_years,
        "phase_in_years": _serialize_quantity(o.phase_in_years),
        "relapse": _serialize_quantity(o.relapse),
        "scale": _serialize_quantity(o.scale),
        "deadweight": o.deadweight,
    }


def _fits_in_horizon(case: SomCase) -> list[FieldProblem]:
    horizon = case.horizon
    problems = []
    if case.duration_years > horizon:
        problems.append(
            field_problem(
                "duration_years",
                Text(
                    f"indsatsen varer {case.duration_years} år, men horisonten er kun {horizon} år",
                    f"the intervention lasts {case.duration_years} years but the horizon is {horizon} years",
                ),
            )
        )
    if not case.intake:
        problems.append(
            field_problem(
                "intake", Text("angiv antal borgere for mindst ét år", "needs at least one year of intake")
            )
        )
    if len(case.intake) > horizon:
        problems.append(
            field_problem(
                "intake",
                Text(
                    f"tilgangen dækker {len(case.intake)} år, men horisonten er kun {horizon} år",
                    f"has {len(case.intake)} years but the horizon is {horizon} years",
                ),
            )
        )
    for i, cost in enumerate(case.costs):
        if cost.kind == "once" and not 1 <= cost.year <= horizon:
            problems.append(
                field_problem(
                    f"costs[{i}].year",
                    Text(
                        f"året skal ligge inden for horisonten (1–{horizon})",
                        f"must lie within the horizon (1–{horizon})",
                    ),
                )
            )
        if cost.years is not None and not 1 <= cost.years[0] <= cost.years[1] <= horizon:
            problems.append(
                field_problem(
                    f"costs[{i}].years",
                    Text(
                        f"årene skal ligge inden for 1–{horizon}",
                        f"must be a range of years within 1–{horizon}",
                    ),
                )
            )
    if not case.outcomes:
        problems.append(
            field_problem("outcomes", Text("angiv mindst ét succesmål", "needs at least one success outcome"))
        )
    for i, outcome in enumerate(case.outcomes):
        delay = outcome.effect_delay_years
        if delay is not None and not 0 <= delay < horizon:
            problems.append(
                field_problem(
                    f"outcomes[{i}].effect_delay_years",
                    Text(
                        f"forsinkelsen skal være et helt antal år fra 0 til {horizon - 1}",
                        f"must be a whole number of years from 0 to {horizon - 1}",
                    ),
                )
            )
    return problems


def _priced(case: SomCase) -> list[FieldProblem]:
    return [
        field_problem(
            f"outcomes[{i}].consequences[{j}].service",
            Text(
                f"der mangler en pris for ydelsen {consequence.service!r}",
                f"has no price: add a price for {consequence.service!r}",
            ),
        )
        for i, outcome in enumerate(case.outcomes)
        for j, consequence in enumerate(outcome.consequences)
        if consequence.service not in case.prices
    ]


def _covered() -> str:
    first, last = covered_years()
    return f"{first}-{last}"


def _indexed(case: SomCase) -> list[FieldProblem]:
    """With a case price year, every price year (the case's and each price's) needs an index value."""
    if case.price_year is None:
        return []
    index = {int(year) for year in case.price_index}
    needed = {case.price_year} | {p.price_year for p in case.prices.values() if p.price_year is not None}
    problems = []
    for service, p in case.prices.items():
        for price_year in (case.price_year, p.price_year):
            if price_year is not None and len(needed) > 1 and price_year not in index:
                problems.append(
                    field_problem(
                        f"prices[{service}].price_year",
                        Text(
                            f"prisindekset mangler en værdi for {price_year} (SUSI's forbrugerprisindeks "
                            f"fra Danmarks Statistik dækker {_covered()}; angiv ellers price_index)",
                            f"the price index has no value for {price_year} (SUSI's consumer price index "
                            f"from Statistics Denmark covers {_covered()}): add it to price_index",
                        ),
                    )
                )
                break
    return problems


# --- the entry points ---------------------------------------------------------------------------------------


def read_case(data: Any) -> SomCase:
    """The validated case model of a decoded case file; SomInputError names every bad field."""
    try:
        return SomCase.model_validate(data)
    except ValidationError as exc:
        raise SomInputError.from_problems(_shifted(exc, "")) from None


def parse_case(data: Any) -> Case:
    """Build and validate a Case from the decoded JSON case file (see docs/developers/som.md)."""
    return read_case(data).to_case()


def case_to_json(case: Case) -> dict[str, Any]:
    """The case-file form of a case (the inverse of parse_case): every field of SomCase, written out."""
    return SomCase.json_of(case)


def validate_case(case: Case) -> Case:
    """Return a case built in code unchanged if it can be calculated; raise SomInputError listing every
    problem. The same rules as a case file: the case is checked through its case-file form."""
    services = [p.service for p in case.prices]
    twice = sorted({s for s in services if services.count(s) > 1})
    _fail_all(
        [field_problem(f"prices[{s}]", Text("prisen er angivet to gange", "is given twice")) for s in twice]
    )
    read_case(case_to_json(case))
    return case


def loads_case(text: str) -> Case:
    """Parse a case file's text; a file that is not JSON is reported as such."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SomInputError(
            "(file)",
            Text(
                f"filen er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno})",
                f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            ),
        ) from exc
    return parse_case(data)


def parse_quantity(raw: Any, field: str, problems: list[FieldProblem]) -> Quantity | None:
    """Read one number or distribution object (as in a case file); append problems instead of raising."""
    try:
        return _quantity(raw)
    except SomInputError as exc:
        problems += [field_problem(join_field(field, p.field), p.message, p.code) for p in exc.problems]
        return None
