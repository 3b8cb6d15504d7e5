"""The quick estimate (*budgetøkonomisk skøn*): a result from a handful of inputs.

It builds an ordinary case with one cost (per citizen), one outcome and one aggregate "service" whose unit
is one krone of avoided public spending (so its price is −1 kr., split between the authorities by the given
shares: the consequence "more avoided spending" is a gain). Any input may be
a distribution, so the quick estimate runs through Monte Carlo like a full case.
"""

from __future__ import annotations

from susi.engines.text import Text

from .case import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON,
    Case,
    Consequence,
    Cost,
    Outcome,
    Price,
    validate_case,
)
from .distributions import Quantity
from .errors import SomInputError

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
) -> Case:
    """`annual_saving_per_success`: DKK the public sector saves per year for each citizen in the success
    state; `saving_shares`: the municipality's, region's and state's shares of it (summing to 1)."""
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
