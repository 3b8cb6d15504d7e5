"""SØM, the socio-economic investment model: a pure calculation engine (no Django).

    case = parse_case(json.load(open("case.json")))
    result = calculate(case)              # deterministic, every number at its mean
    mc = simulate(case, draws=10_000, seed=1)   # Monte Carlo + tornado

See docs/developers/som.md for the model, its formulas and the case-file format.
"""

from .areas import AREA_CODES, AUTHORITIES, AUTHORITY_CODES, COMMITTEE_CODES, COMMITTEES, MAIN_AREAS, Label
from .case import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON,
    MAX_HORIZON,
    Case,
    Consequence,
    Cost,
    Outcome,
    Price,
)
from .core import compile_case
from .distributions import Fixed, Interval90, LogNormal, Normal, Pert, Triangular, Uniform
from .errors import FieldProblem, SomInputError
from .montecarlo import DEFAULT_DRAWS, DEFAULT_SEED, MonteCarloResult, TornadoBar, simulate, simulate_compiled
from .quick import quick_case, reference_saving, saving_per_success
from .results import SomResult, calculate
from .schema import SomCase, case_to_json, loads_case, parse_case, parse_quantity, read_case, validate_case

__all__ = [
    "AREA_CODES",
    "AUTHORITIES",
    "AUTHORITY_CODES",
    "COMMITTEES",
    "COMMITTEE_CODES",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_DRAWS",
    "DEFAULT_HORIZON",
    "DEFAULT_SEED",
    "MAX_HORIZON",
    "MAIN_AREAS",
    "Case",
    "Consequence",
    "Cost",
    "FieldProblem",
    "Fixed",
    "Interval90",
    "Label",
    "LogNormal",
    "MonteCarloResult",
    "Normal",
    "Outcome",
    "Pert",
    "Price",
    "SomCase",
    "SomInputError",
    "SomResult",
    "TornadoBar",
    "Triangular",
    "Uniform",
    "calculate",
    "case_to_json",
    "compile_case",
    "loads_case",
    "parse_case",
    "parse_quantity",
    "quick_case",
    "read_case",
    "reference_saving",
    "saving_per_success",
    "simulate",
    "simulate_compiled",
    "validate_case",
]
