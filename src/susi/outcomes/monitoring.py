"""Monitoring in dissemination: each municipality's continued effect against the effect found in testing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from susi.engines.evaluation.errors import EvaluationError
from susi.web.i18n import localized

from . import charts, selectors


def monitoring_rows(initiative, instrument, *, visible: list[str]) -> dict[str, Any]:
    """Rows (per municipality and period) with drift warnings, and the chart; only ``visible`` municipalities."""
    from susi.engines.evaluation.monitoring import key_figures, monitor, monitoring_estimates

    reference = selectors.reference_evaluation(initiative, instrument)
    frame = selectors.measurements_frame(initiative, instrument)
    frame = frame.loc[frame["municipality"].isin(visible)]
    if frame.empty:
        return {"monitoring_error": _("Der er endnu ingen målinger at følge.")}
    names = selectors.municipality_names(initiative)
    try:
        figures = [
            (names.get(k.municipality, k.municipality), k)
            for k in key_figures(frame, instrument.code, higher_is_better=instrument.higher_is_better)
        ]
    except EvaluationError:
        figures = []
    if reference is None:
        return {
            "key_figures": figures,
            "monitoring_error": _(
                "Der er intet gemt effektestimat fra afprøvningen at sammenligne med. "
                "Evaluator gemmer det på afprøvningsinitiativets side."
            ),
        }
    try:
        estimates = monitoring_estimates(frame, instrument.code)
        rows = monitor(
            estimates,
            reference.estimate,
            reference_se=reference.inputs.get("se"),
            higher_is_better=instrument.higher_is_better,
        )
    except EvaluationError as exc:
        return {"key_figures": figures, "monitoring_error": localized(exc.message)}
    return {
        "key_figures": figures,
        "reference": reference,
        "rows": [(names.get(r.municipality, r.municipality), r) for r in rows],
        "warnings": [(names.get(r.municipality, r.municipality), r) for r in rows if r.drift_warning],
        "chart": charts.monitoring_chart(rows, names, reference.estimate, instrument.name),
    }
