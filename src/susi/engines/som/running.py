"""Running cost per citizen: what an intervention costs to run, once it is set up, for each citizen it takes.

The gate's *realistisk drift* suggestion and a municipality's expected-results pack both need it. It is the
calculation's undiscounted costs over the horizon, less the one-off (start-up) costs, divided by the citizens
who start: per-citizen costs count in full, yearly costs are spread over the citizens, and costs the
intervention saves (SØM's *sparede udgifter*, negative cost lines) reduce it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .case import Case
from .distributions import mean_of


def one_off_costs(case: Case) -> float:
    """The start-up costs (kind `once`, not saved) at their means."""
    return sum(mean_of(c.amount) for c in case.costs if c.kind == "once" and not c.saved)


def citizens(case: Case) -> float:
    """Everyone who starts, over all intake years (at the means)."""
    return sum(mean_of(q) for q in case.intake)


def running_cost_per_citizen(case: Case, yearly_costs: Sequence[float]) -> float | None:
    """(Σ yearly costs − one-off costs) / citizens; None when no citizen starts."""
    n = citizens(case)
    if n <= 0:
        return None
    return (float(sum(yearly_costs)) - one_off_costs(case)) / n
