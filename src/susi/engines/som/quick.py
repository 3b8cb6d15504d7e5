"""The quick estimate (*budgetøkonomisk skøn*): a result from a handful of inputs.

It builds an ordinary case with one cost (per citizen) and one outcome. Without the knowledge database the
outcome has one aggregate "service" whose unit is one krone of avoided public spending (so its price is
−1 kr., split between the authorities by the given shares: the consequence "more avoided spending" is a
gain), the same every year. With the knowledge database's consequences and prices for the target group, the
outcome keeps them — the whole yearly profile and its split by authority, area and committee — and the
user's saving per success in the reference year (the first year with a saving) scales them all with one
factor (`Outcome.scale`, one draw across every year). Any input may be a distribution, so the quick
estimate runs through Monte Carlo like a full case.
"""

from __future__ import annotations

import numpy as np

from susi.engines.text import Text

from .areas import AUTHORITY_CODES
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
from .distributions import Quantity, mean_of, scaled
from .errors import SomInputError
from .schema import validate_case

QUICK_SERVICE = "annual_public_spending"


def quick_case(
    *,
    citizens_per_year: Quantity,
    intake_years: int = 1,
    cost_per_citizen: Quantity,
    success_rate: Quantity,
    annual_saving_per_success: Quantity,
    saving_shares: tuple[float, float, float] = (1.0, 0.0, 0.0),
    relapse: Quantity = 0.0,
    horizon: int = DEFAULT_HORIZON,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    area: str = "adult_social",
    committee: str | None = "social",
    name: str = "Budgetøkonomisk skøn",
    target_group: str = "",
    consequences: tuple[Consequence, ...] = (),
    prices: tuple[Price, ...] = (),
) -> Case:
    """`annual_saving_per_success`: DKK the public sector saves per year for each citizen in the success
    state; `saving_shares`: the municipality's, region's and state's shares of it (summing to 1).

    With `consequences` and `prices` (the knowledge database's, for the target group's outcome) the saving
    follows their yearly profile and split instead: `annual_saving_per_success` is then the saving in the
    reference year (`reference_saving`), and `saving_shares` is not used."""
    if consequences:
        return _quick_case_with_profile(
            citizens_per_year=citizens_per_year,
            intake_years=intake_years,
            cost_per_citizen=cost_per_citizen,
            success_rate=success_rate,
            annual_saving_per_success=annual_saving_per_success,
            relapse=relapse,
            horizon=horizon,
            discount_rate=discount_rate,
            area=area,
            committee=committee,
            name=name,
            target_group=target_group,
            consequences=consequences,
            prices=prices,
        )
    if abs(sum(saving_shares) - 1.0) > 1e-6 or min(saving_shares) < 0:
        raise SomInputError(
            "saving_shares",
            Text(
                "andelene for kommune, region og stat skal være ikke-negative og summe til 100 %",
                "the shares of municipality, region and state must be non-negative and sum to 100 %",
            ),
        )
    if isinstance(intake_years, bool) or not isinstance(intake_years, int) or intake_years < 1:
        raise SomInputError(
            "intake_years", Text("antal år med nye borgere skal være mindst 1", "must be at least 1")
        )
    municipality, region, state = saving_shares
    case = Case(
        name=name,
        target_group=target_group,
        intake=tuple([citizens_per_year] * intake_years),
        costs=(Cost("Indsatsen pr. borger", "per_citizen", cost_per_citizen, "municipality"),),
        outcomes=(
            Outcome(
                "Succes",
                success_rate,
                (Consequence(QUICK_SERVICE, annual_saving_per_success),),
                relapse=relapse,
            ),
        ),
        prices=(
            Price(
                QUICK_SERVICE,
                municipality=-municipality,
                region=-region,
                state=-state,
                area=area,
                committee=committee,
                unit="kr. undgået",
                name="Undgåede offentlige udgifter",
            ),
        ),
        horizon=horizon,
        discount_rate=discount_rate,
        area=area,
        committee=committee,
    )
    return validate_case(case)


def saving_per_success(
    consequences: tuple[Consequence, ...], prices: tuple[Price, ...], horizon: int
) -> np.ndarray:
    """(horizon, 3): the public saving per citizen in the success state in the k-th year after the effect
    began (k = 0, 1, …), for municipality, region and state, at the numbers' means: −Σ change · price."""
    by_service = {p.service: p for p in prices}
    out = np.zeros((horizon, len(AUTHORITY_CODES)))
    for c in consequences:
        price = by_service.get(c.service)
        if price is None:
            continue
        change = np.zeros(horizon)
        if isinstance(c.change, tuple):
            values = [mean_of(v) for v in c.change[:horizon]]
            change[: len(values)] = values
        elif c.profile is not None:
            values = [mean_of(c.change) * f for f in c.profile[:horizon]]
            change[: len(values)] = values
        else:
            change[: horizon if c.years is None else min(c.years, horizon)] = mean_of(c.change)
        for a, authority in enumerate(AUTHORITY_CODES):
            out[:, a] -= change * mean_of(price.amount(authority))
    return out


def reference_saving(
    consequences: tuple[Consequence, ...], prices: tuple[Price, ...], horizon: int
) -> tuple[int, float] | None:
    """The reference year (1-based, after the effect began) and its saving per success: the first year in
    which the consequences save money. None when they never do."""
    totals = saving_per_success(consequences, prices, horizon).sum(axis=1)
    positive = np.flatnonzero(totals > 0)
    if not positive.size:
        return None
    k = int(positive[0])
    return k + 1, float(totals[k])


def _quick_case_with_profile(
    *,
    citizens_per_year: Quantity,
    intake_years: int,
    cost_per_citizen: Quantity,
    success_rate: Quantity,
    annual_saving_per_success: Quantity,
    relapse: Quantity,
    horizon: int,
    discount_rate: float,
    area: str,
    committee: str | None,
    name: str,
    target_group: str,
    consequences: tuple[Consequence, ...],
    prices: tuple[Price, ...],
) -> Case:
    if isinstance(intake_years, bool) or not isinstance(intake_years, int) or intake_years < 1:
        raise SomInputError(
            "intake_years", Text("antal år med nye borgere skal være mindst 1", "must be at least 1")
        )
    valid_horizon = isinstance(horizon, int) and not isinstance(horizon, bool) and 1 <= horizon <= MAX_HORIZON
    reference = reference_saving(consequences, prices, horizon if valid_horizon else 1)
    if reference is None:
        raise SomInputError(
            "annual_saving_per_success",
            Text(
                "målgruppens konsekvenser giver ingen besparelse i noget år: brug den trinvise beregner",
                "the target group's consequences save nothing in any year: use the calculator instead",
            ),
        )
    if mean_of(annual_saving_per_success) < 0:
        raise SomInputError(
            "annual_saving_per_success", Text("besparelsen må ikke være negativ", "must not be negative")
        )
    _, saving = reference
    case = Case(
        name=name,
        target_group=target_group,
        intake=tuple([citizens_per_year] * intake_years),
        costs=(Cost("Indsatsen pr. borger", "per_citizen", cost_per_citizen, "municipality"),),
        outcomes=(
            Outcome(
                "Succes",
                success_rate,
                consequences,
                relapse=relapse,
                scale=scaled(annual_saving_per_success, 1.0 / saving),
            ),
        ),
        prices=prices,
        horizon=horizon,
        discount_rate=discount_rate,
        area=area,
        committee=committee,
    )
    return validate_case(case)
