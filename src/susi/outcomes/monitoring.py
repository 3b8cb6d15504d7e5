"""Monitoring in dissemination: each municipality's continued effect against the effect found in testing."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from susi.engines.evaluation.errors import EvaluationError
from susi.web.i18n import localized

from . import charts, selectors


def monitoring_rows(initiative, instrument, *, visible: list[str]) -> dict[str, Any]:
    """Rows (per municipality and period) with drift warnings, and the chart; only ``visible`` municipalities."""
    from susi.engines.evaluation.monitoring import (
        comparison_change,
        key_figures,
        monitor,
        monitoring_estimates,
    )

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
                "Der er intet gemt effektestimat fra afprøvningen at sammenligne med (en forskel i "
                "gennemsnit eller i andele; et odds ratio eller hazard ratio kan ikke bruges). "
                "Evaluator gemmer det på afprøvningsinitiativets side."
            ),
        }
    followup = f"followup_{int(reference.inputs.get('followup') or 1)}"
    trend = _testing_trend(reference, instrument, followup, comparison_change)
    try:
        estimates = monitoring_estimates(
            frame,
            instrument.code,
            followup=followup,
            counterfactual_change=trend[0] if trend else None,
            counterfactual_se=trend[1] if trend else 0.0,
        )
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
        "counterfactual": _counterfactual_sentence(set(estimates["counterfactual"]), trend),
        "rows": [(names.get(r.municipality, r.municipality), r) for r in rows],
        "warnings": [(names.get(r.municipality, r.municipality), r) for r in rows if r.drift_warning],
        "chart": charts.monitoring_chart(rows, names, reference.estimate, instrument.name),
    }


def _testing_trend(reference, instrument, followup: str, comparison_change) -> tuple[float, float] | None:
    """The testing phase's control trend (the comparison group's mean change and its SE), when the
    reference evaluation's initiative has at least 5 comparison citizens followed up."""
    try:
        change, se, _ = comparison_change(
            selectors.measurements_frame(reference.initiative, instrument), instrument.code, followup=followup
        )
    except EvaluationError:
        return None
    return change, se


def _counterfactual_sentence(sources: set[str], trend: tuple[float, float] | None) -> str:
    """What the municipalities' change was compared with, for the page (the monitoring's assumption)."""
    parts = []
    if "own_comparison" in sources:
        parts.append(_("kommunens egen sammenligningsgruppe"))
    if "pooled_comparison" in sources:
        parts.append(_("sammenligningsgruppen på tværs af kommunerne"))
    if "testing_trend" in sources and trend is not None:
        parts.append(
            _("kontrolgruppens udvikling i afprøvningen (%(change)s point)")
            % {"change": ("+" if trend[0] >= 0 else "") + number_format(trend[0], 2)}
        )
    if not parts:
        return ""
    return _("Effekten er ændringen fra udgangsmålingen minus udviklingen uden indsatsen: %(parts)s.") % {
        "parts": ", ".join(parts)
    }
