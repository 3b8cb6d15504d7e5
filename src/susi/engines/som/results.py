"""The deterministic SØM calculation: every number at its point value (the mean of its distribution)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .areas import AREA_CODES, AUTHORITY_CODES, COMMITTEE_CODES
from .case import Case
from .core import CompiledCase, Truncation, compile_case, evaluate
from .schema import validate_case

NO_COMMITTEE_CODE = "none"  # municipal money tagged with no committee


def _frozen(a: np.ndarray) -> np.ndarray:
    out = np.array(a, dtype=float)
    out.setflags(write=False)
    return out


BREAK_EVEN_TOLERANCE = 1e-9  # kr.: rounding noise of a cumulative sum that is exactly zero


def break_even_year(cumulative_discounted: np.ndarray) -> int | None:
    """The payback year (1-based): the last year in which the cumulative discounted net result turns from
    negative to non-negative and stays there to the horizon. None when it ends negative, so a break-even
    year is never shown beside a negative present value."""
    negative = np.flatnonzero(cumulative_discounted < -BREAK_EVEN_TOLERANCE)
    if not negative.size:
        return 1
    last = int(negative[-1])
    return last + 2 if last + 1 < len(cumulative_discounted) else None


def turns_negative_again(cumulative_discounted: np.ndarray) -> bool:
    """True when the cumulative result is non-negative in some year and negative in a later one (the
    intervention pays back for a while, then not): the pages say so beside the break-even year."""
    ok = cumulative_discounted >= -BREAK_EVEN_TOLERANCE
    if not ok.any():
        return False
    first = int(np.flatnonzero(ok)[0])
    return bool(np.any(~ok[first:]))


@dataclass(frozen=True)
class SomResult:
    """Budget-economic net result of a case, per year (index 0 = year 1). Amounts in DKK, positive = the
    public sector is better off. `costs` are the intervention's costs (positive numbers), `gains` the value of
    the changed use of public services."""

    case: Case
    years: tuple[int, ...]
    discount_factors: np.ndarray
    costs: np.ndarray
    gains: np.ndarray
    net: np.ndarray
    cumulative: np.ndarray
    net_discounted: np.ndarray
    cumulative_discounted: np.ndarray
    net_by_authority: Mapping[str, np.ndarray]
    costs_by_authority: Mapping[str, np.ndarray]
    gains_by_authority: Mapping[str, np.ndarray]
    net_by_area: Mapping[str, np.ndarray]
    net_by_committee: Mapping[str, np.ndarray]  # municipal share only
    successes: Mapping[str, np.ndarray]  # additional citizens in the success state, per outcome
    present_value: float
    pv_costs: float
    pv_gains: float
    pv_by_authority: Mapping[str, float]
    pv_by_area: Mapping[str, float]
    pv_by_committee: Mapping[str, float]
    break_even_year: int | None
    turns_negative_again: bool  # non-negative in some year, negative again later (see break_even_year)
    return_per_krone: float | None  # discounted gains per discounted krone of intervention cost
    truncations: tuple[Truncation, ...] = ()  # inputs whose distribution was cut to its valid range
    # Services whose use more than one outcome changes: possible double counting (e.g. "in work" and
    # "off cash benefits" both saving the cash benefit), with the outcomes' names.
    possible_double_counting: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def has_costs(self) -> bool:
        """False when the intervention costs nothing in any year (usually costs left out by mistake): the
        result is then only the gains, and the pages warn."""
        return bool(np.any(self.costs != 0))

    def to_json(self) -> dict[str, Any]:
        def lst(a: np.ndarray) -> list[float]:
            return [round(float(x), 2) for x in a]

        return {
            "years": list(self.years),
            "discount_rate": self.case.discount_rate,
            "discount_schedule": self.case.discount_schedule,
            "costs": lst(self.costs),
            "gains": lst(self.gains),
            "net": lst(self.net),
            "cumulative": lst(self.cumulative),
            "net_discounted": lst(self.net_discounted),
            "cumulative_discounted": lst(self.cumulative_discounted),
            "net_by_authority": {k: lst(v) for k, v in self.net_by_authority.items()},
            "net_by_area": {k: lst(v) for k, v in self.net_by_area.items()},
            "net_by_committee": {k: lst(v) for k, v in self.net_by_committee.items()},
            "successes": {k: lst(v) for k, v in self.successes.items()},
            "present_value": round(self.present_value, 2),
            "pv_costs": round(self.pv_costs, 2),
            "pv_gains": round(self.pv_gains, 2),
            "pv_by_authority": {k: round(v, 2) for k, v in self.pv_by_authority.items()},
            "pv_by_area": {k: round(v, 2) for k, v in self.pv_by_area.items()},
            "pv_by_committee": {k: round(v, 2) for k, v in self.pv_by_committee.items()},
            "break_even_year": self.break_even_year,
            "turns_negative_again": self.turns_negative_again,
            "has_costs": self.has_costs,
            "return_per_krone": None if self.return_per_krone is None else round(self.return_per_krone, 4),
            "possible_double_counting": [
                {"service": service, "outcomes": list(names)}
                for service, names in self.possible_double_counting
            ],
            "truncated_inputs": [
                {
                    "input": t.path,
                    "label": t.label.da,
                    "stated_mean": t.stated_mean,
                    "truncated_mean": t.mean,
                    "share_outside": round(t.share_outside, 6),
                    "range": [t.low, t.high if math.isfinite(t.high) else None],
                }
                for t in self.truncations
            ],
        }


def result_from_compiled(cc: CompiledCase) -> SomResult:
    raw = evaluate(cc, detail=True)
    horizon = cc.horizon
    df = cc.discount
    gains_a = raw.gains[0].T  # (3, T)
    costs_a = raw.costs[0].T
    net_a = gains_a - costs_a
    costs = costs_a.sum(axis=0)
    gains = gains_a.sum(axis=0)
    net = gains - costs

    # By area: consequence money by the area of the service's price, costs by the cost's area.
    by_area = np.zeros((len(AREA_CODES), horizon))
    by_committee = np.zeros((len(COMMITTEE_CODES) + 1, horizon))
    if raw.entry_money is not None:
        money = raw.entry_money[0]  # (E, T, 3)
        for e, u in enumerate(cc.entry_service):
            by_area[cc.service_area[u]] += money[e].sum(axis=1)
            by_committee[cc.service_committee[u]] += money[e, :, 0]
    assert raw.cost_items is not None and raw.successes is not None
    successes = raw.successes
    items = raw.cost_items[0]  # (C, T)
    for c in range(items.shape[0]):
        by_area[cc.cost_area[c]] -= items[c]
        if cc.cost_payer[c, 0] == 1.0:
            by_committee[cc.cost_committee[c]] -= items[c]
    committee_codes = (*COMMITTEE_CODES, NO_COMMITTEE_CODE)
    used_areas = [i for i in range(len(AREA_CODES)) if np.any(by_area[i] != 0)]
    used_committees = [i for i in range(len(committee_codes)) if np.any(by_committee[i] != 0)]

    cumulative_discounted = np.cumsum(net * df)
    pv_costs = float(costs @ df)
    pv_gains = float(gains @ df)
    return SomResult(
        case=cc.case,
        years=tuple(range(1, horizon + 1)),
        discount_factors=_frozen(df),
        costs=_frozen(costs),
        gains=_frozen(gains),
        net=_frozen(net),
        cumulative=_frozen(np.cumsum(net)),
        net_discounted=_frozen(net * df),
        cumulative_discounted=_frozen(cumulative_discounted),
        net_by_authority={a: _frozen(net_a[i]) for i, a in enumerate(AUTHORITY_CODES)},
        costs_by_authority={a: _frozen(costs_a[i]) for i, a in enumerate(AUTHORITY_CODES)},
        gains_by_authority={a: _frozen(gains_a[i]) for i, a in enumerate(AUTHORITY_CODES)},
        net_by_area={AREA_CODES[i]: _frozen(by_area[i]) for i in used_areas},
        net_by_committee={committee_codes[i]: _frozen(by_committee[i]) for i in used_committees},
        successes={o.name: _frozen(successes[0, j]) for j, o in enumerate(cc.case.outcomes)},
        present_value=float(net @ df),
        pv_costs=pv_costs,
        pv_gains=pv_gains,
        pv_by_authority={a: float(net_a[i] @ df) for i, a in enumerate(AUTHORITY_CODES)},
        pv_by_area={AREA_CODES[i]: float(by_area[i] @ df) for i in used_areas},
        pv_by_committee={committee_codes[i]: float(by_committee[i] @ df) for i in used_committees},
        break_even_year=break_even_year(cumulative_discounted),
        turns_negative_again=turns_negative_again(cumulative_discounted),
        return_per_krone=pv_gains / pv_costs if pv_costs > 0 else None,
        truncations=cc.truncations,
        possible_double_counting=double_counting(cc.case),
    )


def double_counting(case: Case) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Services that the consequences of two or more outcomes change. Each outcome's consequences are
    differences between citizens who reached it and those who did not, so two outcomes that often go
    together (housed and off the shelter) may count the same saving twice: the page asks the user to check."""
    by_service: dict[str, list[str]] = {}
    for o in case.outcomes:
        for c in o.consequences:
            names = by_service.setdefault(c.service, [])
            if o.name not in names:
                names.append(o.name)
    return tuple((s, tuple(names)) for s, names in by_service.items() if len(names) > 1)


def calculate(case: Case) -> SomResult:
    """Validate a case and return its deterministic result."""
    return result_from_compiled(compile_case(validate_case(case)))
