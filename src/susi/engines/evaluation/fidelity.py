"""Implementation fidelity: did each municipality deliver what the intervention description intends?"""

from __future__ import annotations

import pandas as pd

from susi.engines.text import Text

from .errors import EvaluationError
from .privacy import SMALL_CELL_THRESHOLD
from .results import FidelityRow


def fidelity_by_municipality(
    records: pd.DataFrame,
    *,
    threshold: float = 0.8,
    min_citizens: int = SMALL_CELL_THRESHOLD,
) -> list[FidelityRow]:
    """Share of intended core components delivered, per municipality and per component.

    ``records``: ``municipality``, ``pseudonym``, ``component``, ``delivered`` (0/1 or a 0..1 share)
    and optional ``intended`` (default 1). A municipality is *adequate* when its overall delivered share
    and every component's share reach ``threshold``. Fewer than ``min_citizens`` citizens: suppressed.
    """
    for col in ("municipality", "pseudonym", "component", "delivered"):
        if col not in records.columns:
            raise EvaluationError(col, Text(f"Kolonnen '{col}' mangler.", f"The column '{col}' is missing."))
    if not 0 < threshold <= 1:
        raise EvaluationError(
            "threshold", Text("Tærsklen skal ligge mellem 0 og 1.", "threshold must be in (0, 1].")
        )
    data = records.copy()
    data["delivered"] = pd.to_numeric(data["delivered"], errors="coerce")
    if data["delivered"].isna().any() or (data["delivered"] < 0).any():
        raise EvaluationError(
            "delivered",
            Text(
                "'delivered' skal være 0, 1 eller en andel mellem 0 og 1.",
                "delivered must be 0, 1 or a share.",
            ),
        )
    data["intended"] = pd.to_numeric(data["intended"], errors="coerce") if "intended" in data else 1.0
    data["delivered"] = data[["delivered", "intended"]].min(axis=1)  # no credit beyond what was intended
    rows = []
    for muni, grp in data.groupby("municipality", sort=True):
        n_citizens = int(grp["pseudonym"].nunique())
        n_components = int(grp["component"].nunique())
        if n_citizens < min_citizens:
            rows.append(FidelityRow(str(muni), n_citizens, n_components, None, (), None, True))
            continue
        intended = float(grp["intended"].sum())
        share = float(grp["delivered"].sum()) / intended if intended > 0 else 0.0
        per_comp = grp.groupby("component")[["delivered", "intended"]].sum()
        comp_share = per_comp["delivered"] / per_comp["intended"]
        below = tuple(sorted(str(c) for c in comp_share.index[comp_share < threshold]))
        rows.append(
            FidelityRow(
                municipality=str(muni),
                n_citizens=n_citizens,
                n_components=n_components,
                delivered_share=share,
                components_below=below,
                adequate=share >= threshold and not below,
                suppressed=False,
            )
        )
    return rows
