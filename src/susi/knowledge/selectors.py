"""Reads of the knowledge app: the gate page's involvement and side effects, the "Ny viden" lists, and the
public knowledge page of an intervention (only aggregated, published, small-cell protected figures)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import translation

from susi.accounts import permissions
from susi.engines import knowledge as engine
from susi.engines import phases
from susi.engines.evaluation.privacy import is_reportable
from susi.engines.evidence.effect_sizes import LOG_SCALE
from susi.web.api_errors import DomainError

from .models import InvolvementActivity, KnowledgeNote, Publication, SideEffect

SCREENING_AND_MATURATION = {phases.Phase.SCREENING.value, phases.Phase.MATURATION.value}


# --- the gate page -----------------------------------------------------------------------------------------


@dataclass
class GateKnowledge:
    """What the gate page shows from this app: involvement under the criteria it informs, side effects
    under effect, a warning when no user was involved, and the fast-track form."""

    initiative: Any
    activities: list[InvolvementActivity]
    total_activities: int
    side_effects: list[SideEffect]
    warning: bool
    form: Any
    by_criterion: dict[str, list[InvolvementActivity]] = field(default_factory=dict)

    def hook(self, user):
        """The `on_recorded` hook for the decision, or None when the page's fast-track fieldset was not sent.

        The answer is checked inside the decision's transaction, after the phase engine has accepted the
        decision: the engine's reasons come first, and a bad answer (DomainError) records nothing."""
        from . import services

        if not self.form.is_bound:
            return None

        def record(decision):
            if not self.form.is_valid():
                name, errors = next(iter(self.form.errors.items()))
                raise DomainError(name, errors[0])
            return services.record_knowledge_note(user, decision, self.form.answer())

        return record


def gate_context(initiative, data: QueryDict | None = None) -> GateKnowledge:
    from .forms import FastTrackForm

    all_activities = list(InvolvementActivity.objects.filter(initiative=initiative))
    current = [a for a in all_activities if a.phase == initiative.phase]
    by_criterion: dict[str, list[InvolvementActivity]] = {}
    for activity in current:
        for criterion in activity.criteria:
            by_criterion.setdefault(criterion, []).append(activity)
    return GateKnowledge(
        initiative=initiative,
        activities=current,
        total_activities=len(all_activities),
        side_effects=list(side_effects_for(initiative)),
        warning=initiative.phase in SCREENING_AND_MATURATION and not all_activities,
        # bound when the page's fast-track fieldset was sent (its text areas always are); a client that does not
        # know the fieldset (the JSON API, older scripts) records the decision without a note
        form=FastTrackForm(data)
        if data is not None and any(k.startswith("ft-") for k in data)
        else FastTrackForm(),
        by_criterion=by_criterion,
    )


def side_effects_for(initiative) -> QuerySet[SideEffect]:
    return SideEffect.objects.filter(evaluation__initiative=initiative).select_related(
        "evaluation__instrument", "evaluation__occasion"
    )


def involvement_for(user, initiative) -> QuerySet[InvolvementActivity]:
    return permissions.visible_involvement(user).filter(initiative=initiative).select_related("recorded_by")


def knowledge_notes(user) -> QuerySet[KnowledgeNote]:
    """The "Ny viden" list: the notes of every gate decision `user` may read, newest first."""
    return permissions.visible_knowledge_notes(user).select_related(
        "decision__initiative__intervention", "decision__decided_by"
    )


# --- public pages: only what a Publication allows, aggregated and small-cell protected -----------------------


def published_interventions() -> QuerySet[Publication]:
    return Publication.objects.filter(published=True).select_related("intervention")


def public_notes() -> QuerySet[KnowledgeNote]:
    """Notes to spread now, of interventions whose page is published with its notes section."""
    publications = Publication.objects.filter(published=True)
    ids = [p.intervention_id for p in publications if engine.Section.NOTES.value in p.sections]
    return (
        KnowledgeNote.objects.filter(spread_now=True, decision__initiative__intervention_id__in=ids)
        .select_related("decision__initiative__intervention")
        .order_by("-decision__decided_at", "-pk")
    )


def _evidence(intervention) -> dict[str, Any] | None:
    from susi.evidence.selectors import forest_plot, meta_analyses_for_intervention

    metas = meta_analyses_for_intervention(intervention)
    if not metas:
        return None
    meta = metas[0]
    result = meta.result or {}
    estimate, low, high = result.get("estimate"), result.get("ci_low"), result.get("ci_high")
    favourable = False
    if low is not None and high is not None:
        favourable = low > 0 if meta.higher_is_better else high < 0
    log_scale = meta.measure in {m.value for m in LOG_SCALE}

    def shown(value):
        return None if value is None else (math.exp(value) if log_scale else value)

    return {
        "meta": meta,
        "level": meta.rating_level,
        "reasons": meta.reasons,
        "estimate": shown(estimate),
        "ci_low": shown(low),
        "ci_high": shown(high),
        "measure": meta.get_measure_display(),
        "log_scale": log_scale,
        "k": result.get("k"),
        "favourable": favourable,
        "forest": _cached_forest(meta, forest_plot),
    }


def _cached_forest(meta, draw) -> str:
    """The forest plot is drawn once per saved analysis and language (the public page is read often)."""
    digest = hashlib.sha256(json.dumps(meta.result, sort_keys=True, default=str).encode()).hexdigest()[:16]
    key = f"knowledge:forest:{meta.pk}:{digest}:{translation.get_language()}"
    svg = cache.get(key)
    if svg is None:
        svg = draw(meta)
        cache.set(key, svg, 24 * 60 * 60)
    return svg


def _public_side_effects(intervention) -> list[SideEffect]:
    """Side effects from evaluations with at least 5 citizens in each group (small cells never public)."""
    return [
        s
        for s in SideEffect.objects.filter(evaluation__initiative__intervention=intervention).select_related(
            "evaluation"
        )
        if is_reportable(s.evaluation.n_treated)
        and is_reportable(s.evaluation.n_control)
        and s.evaluation.n_treated > 0
        and s.evaluation.n_control > 0
    ]


def _economy(intervention) -> list[dict[str, Any]]:
    from susi.som.models import Calculation

    rows = []
    for calc in Calculation.objects.filter(initiative__intervention=intervention, public=True).order_by(
        "-created_at"
    ):
        deterministic = (calc.result or {}).get("deterministic") or {}
        mc = (calc.result or {}).get("monte_carlo") or {}
        pv = mc.get("present_value") or {}
        percentiles = pv.get("percentiles") or {}
        rows.append(
            {
                "name": calc.name,
                "mode": calc.get_mode_display(),
                "present_value": deterministic.get("present_value"),
                "pv_costs": deterministic.get("pv_costs"),
                "pv_gains": deterministic.get("pv_gains"),
                "break_even_year": deterministic.get("break_even_year"),
                "mc_mean": pv.get("mean"),
                "p5": percentiles.get("5"),
                "p95": percentiles.get("95"),
                "probability_positive": pv.get("probability_positive"),
                "draws": mc.get("draws"),
                "illustrative": calc.uses_illustrative_data,
            }
        )
    return rows


def _fidelity(initiatives) -> dict[str, Any] | None:
    """Implementation fidelity over every municipality with at least 5 citizens (the engine suppresses the
    rest); no citizen count is shown, only shares and numbers of municipalities."""
    from susi.engines.evaluation.fidelity import fidelity_by_municipality
    from susi.outcomes.selectors import fidelity_frame

    reported, suppressed = [], 0
    for initiative in initiatives:
        frame = fidelity_frame(initiative)
        if frame.empty:
            continue
        for row in fidelity_by_municipality(frame):
            if row.suppressed or row.delivered_share is None:
                suppressed += 1
            else:
                reported.append(row)
    if not reported and not suppressed:
        return None
    citizens = sum(r.n_citizens for r in reported)
    share = sum((r.delivered_share or 0.0) * r.n_citizens for r in reported) / citizens if citizens else None
    adequate = sum(1 for r in reported if r.adequate)
    return {
        "share": share,
        "municipalities": len(reported),
        "adequate": adequate,
        "adequate_share": adequate / len(reported) if reported else None,
        "suppressed": suppressed,
    }


def _involvement(initiatives) -> dict[str, Any]:
    activities = list(
        InvolvementActivity.objects.filter(initiative__in=initiatives).order_by("held_on", "pk")
    )
    totals = {g: sum(getattr(a, g) for a in activities) for g in engine.PARTICIPANT_GROUPS}
    kinds: dict[str, int] = {}
    adaptations: list[str] = []
    for activity in activities:
        kinds[activity.kind] = kinds.get(activity.kind, 0) + 1
        adaptations += [a for a in activity.adaptations if a not in adaptations]
    return {
        "count": len(activities),
        "kinds": [(engine.KIND_NAMES[engine.InvolvementKind(k)], n) for k, n in kinds.items()],
        # a group's total is shown only from 5 participants (0 reveals no one)
        "groups": [
            (label, totals[g] if is_reportable(totals[g]) else None)
            for g, label in engine.PARTICIPANT_GROUPS.items()
        ],
        "adaptations": [engine.ADAPTATION_NAMES[engine.Adaptation(a)] for a in adaptations],
        "changes": [a for a in activities if a.changed],
    }


def _approved(initiatives, kind: str) -> bool:
    from susi.portfolio.models import Product

    return Product.objects.filter(initiative__in=initiatives, kind=kind, state="approved").exists()


def _phase_reached(initiatives) -> str:
    order = [p.value for p in phases.Phase]
    reached = {i.phase for i in initiatives}
    for initiative in initiatives:
        reached |= set(initiative.gate_decisions.filter(state="recorded").values_list("phase", flat=True))
    return max(reached, key=order.index) if reached else order[0]


def public_page(publication: Publication) -> dict[str, Any]:
    """Everything the public page of a published intervention shows."""
    intervention = publication.intervention
    initiatives = list(intervention.initiatives.order_by("start_date", "pk"))
    evidence = _evidence(intervention)
    side_effects = _public_side_effects(intervention)
    economy = _economy(intervention)
    fidelity = _fidelity(initiatives)
    involvement = _involvement(initiatives)
    newest = economy[0] if economy else None
    facts = engine.Facts(
        target_group_described=bool(intervention.target_group.strip()),
        involvement_activities=involvement["count"],
        involvement_changes=len(involvement["changes"]),
        method_described=bool(intervention.description.strip()),
        final_description_approved=_approved(initiatives, phases.ProductKind.FINAL_DESCRIPTION.value),
        phase_reached=_phase_reached(initiatives),
        fidelity_share=fidelity["share"] if fidelity else None,
        fidelity_adequate_share=fidelity["adequate_share"] if fidelity else None,
        evidence_level=evidence["level"] if evidence else None,
        effect_favourable=bool(evidence and evidence["favourable"]),
        harmful_side_effects=sum(1 for s in side_effects if s.harmful),
        public_calculations=len(economy),
        probability_positive=newest["probability_positive"] if newest else None,
        present_value=newest["present_value"] if newest else None,
        cost_assessment_approved=_approved(initiatives, phases.ProductKind.COST_ASSESSMENT.value),
    )
    notes = public_notes().filter(decision__initiative__intervention=intervention)
    return {
        "publication": publication,
        "intervention": intervention,
        "declaration": engine.declare(facts),
        "facts": facts,
        "history": [
            {
                "initiative": i,
                "decisions": list(i.gate_decisions.filter(state="recorded").order_by("decided_at")),
            }
            for i in initiatives
        ],
        "evidence": evidence,
        "side_effects": side_effects,
        "economy": economy,
        "fidelity": fidelity,
        "involvement": involvement,
        "notes": list(notes),
        "show": {s.value: publication.shows(s.value) for s in engine.Section},
    }


def side_effect_signal(initiative) -> bool | None:
    """What the side effects recorded on the intervention's effect evaluations say, for the gate's suggestion on
    *virkning* (portfolio.suggestions.SIDE_EFFECT_SIGNALS): True when one is harmful (its whole interval on the
    harmful side), False when side effects were studied and none is, None when none is recorded."""
    from .models import SideEffect

    recorded = list(
        SideEffect.objects.filter(evaluation__initiative__intervention_id=initiative.intervention_id)
    )
    if not recorded:
        return None
    return any(effect.harmful for effect in recorded)
