"""The evidence chain, first link: a saved effect evaluation (outcomes.EffectEvaluation) becomes a study of the
evidence base in one action, and the intervention's meta-analysis and rating are brought up to date.

`add_evaluation(user, evaluation, design=None, outcome=None)` is the one service (the estimate page's button,
`POST /api/evidence/from-evaluation/{id}` and `susi evidence add-evaluation ID` call it):

* the effect size in the right measure (`engines.evidence.from_evaluation.study_effect`), the design and the
  SØM grade the design earns, and a link back (`source_evaluation`, `provenance`);
* idempotent: the study is keyed by the evaluation's initiative, instrument and follow-up (`source_key`), so
  adding the same evaluation twice changes nothing, and adding a newer estimate of the same updates the study
  (django-simple-history keeps the old version);
* when the study's outcome and measure then have at least two studies, a new meta-analysis is saved with the
  settings of the latest one on that outcome (REML otherwise): a gate that cited the old one keeps citing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines import evidence as engine
from susi.engines.evidence.from_evaluation import Counts, design_for, grade_for, study_effect
from susi.web.api_errors import DomainError

from . import analysis as analysis_mod
from .models import DATA_FIELDS, MetaAnalysis, Study
from .services import _record_meta_analysis

#: What `add_evaluation` did with the study.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class AddedEvaluation:
    study: Study
    status: str  # CREATED, UPDATED or UNCHANGED
    meta_analysis: (
        MetaAnalysis | None
    )  # the new (or, when unchanged, the latest) meta-analysis of the outcome


def source_key(evaluation) -> str:
    """One key per initiative, instrument and follow-up: a newer estimate of the same replaces the older."""
    return f"outcomes:{evaluation.initiative_id}:{evaluation.instrument.code}:{evaluation.occasion.number}"[
        :100
    ]


def _counts(evaluation) -> Counts | None:
    raw = (evaluation.inputs or {}).get("counts")
    if not raw:
        return None
    return Counts(float(raw["ai"]), float(raw["n1i"]), float(raw["ci"]), float(raw["n2i"]))


def _smd(evaluation) -> tuple[float, float] | None:
    raw = (evaluation.inputs or {}).get("smd")
    return (float(raw["yi"]), float(raw["vi"])) if raw else None


def study_fields(evaluation, *, design: str | None = None, outcome: str | None = None) -> dict[str, object]:
    """The study an evaluation becomes (no database writes): measure, numbers, design, grade, provenance."""
    se = evaluation.effect_size_se
    try:
        effect = study_effect(
            evaluation.effect_size_kind,
            evaluation.effect_size,
            se * se if se is not None else None,
            smd=_smd(evaluation),
            counts=_counts(evaluation),
        )
        the_design = design_for(evaluation.method, design)
    except engine.EvidenceInputError as exc:
        raise analysis_mod.domain_error(exc) from exc
    grade = grade_for(the_design)
    initiative = evaluation.initiative
    fields: dict[str, object] = {name: None for name in DATA_FIELDS}
    if effect.counts is not None:
        c = effect.counts
        fields.update(ai=c.ai, bi=c.n1i - c.ai, ci=c.ci, di=c.n2i - c.ci)
    else:
        fields.update(yi=effect.yi, vi=effect.vi)
    label = _("%(initiative)s (platformens egen evaluering, %(occasion)s)") % {
        "initiative": initiative.title[:120],
        "occasion": evaluation.occasion.label,
    }
    fields.update(
        outcome=(outcome or evaluation.instrument.name).strip()[:200],
        label=label[:200],
        citation=_(
            "Effektevaluering nr. %(id)s på initiativet »%(initiative)s«: %(method)s, n = %(n1)s + %(n2)s."
        )
        % {
            "id": evaluation.pk,
            "initiative": initiative.title,
            "method": evaluation.method_label,
            "n1": evaluation.n_treated,
            "n2": evaluation.n_control,
        },
        year=evaluation.created_at.year,
        design=the_design.value,
        grade=int(grade) if grade is not None else None,
        country="DK",
        measure=effect.measure,
        source_evaluation=evaluation,
        source_key=source_key(evaluation),
    )
    return fields


def _provenance(user, evaluation, effect_fields: dict[str, object]) -> dict[str, object]:
    return {
        "kind": "effect_evaluation",
        "evaluation_id": evaluation.pk,
        "initiative_id": evaluation.initiative_id,
        "instrument": evaluation.instrument.code,
        "followup": evaluation.occasion.number,
        "method": evaluation.method,
        "estimated_at": evaluation.created_at.isoformat(),
        "estimated_by": getattr(evaluation.created_by, "username", None),
        "added_by": getattr(user, "username", None),
        "added_at": timezone.now().isoformat(),
        "measure": effect_fields["measure"],
    }


def _same(study: Study, fields: dict[str, object]) -> bool:
    return study.source_evaluation_id == getattr(fields["source_evaluation"], "pk", None) and all(
        getattr(study, name) == fields[name]
        for name in (*DATA_FIELDS, "measure", "design", "grade", "outcome")
    )


def add_evaluation(
    user, evaluation, *, design: str | None = None, outcome: str | None = None
) -> AddedEvaluation:
    """Add (or bring up to date) the study made from `evaluation` and update the outcome's meta-analysis.

    Re-adding keeps the outcome and design the study was given before, unless new ones are named."""
    require(user, "evidence.add_evaluation", evaluation.initiative)
    intervention = evaluation.initiative.intervention
    key = source_key(evaluation)
    with transaction.atomic():
        study = Study.objects.select_for_update().filter(intervention=intervention, source_key=key).first()
        if (
            study is not None
        ):  # re-adding keeps the outcome and design chosen before unless new ones are given
            outcome, design = outcome or study.outcome, design or study.design
        fields = study_fields(evaluation, design=design, outcome=outcome)
        if study is not None and _same(study, fields):
            return AddedEvaluation(study, UNCHANGED, latest_meta_analysis(study))
        status = CREATED if study is None else UPDATED
        if study is None:
            study = Study(intervention=intervention, created_by=user, risk_of_bias="some")
        for name, value in fields.items():
            setattr(study, name, value)
        study.provenance = _provenance(user, evaluation, fields)
        study.save()
        meta = update_meta_analysis(user, study, higher_is_better=evaluation.instrument.higher_is_better)
    return AddedEvaluation(study, status, meta)


def latest_meta_analysis(study: Study) -> MetaAnalysis | None:
    return (
        MetaAnalysis.objects.filter(
            intervention=study.intervention, outcome=study.outcome, measure=study.measure
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def update_meta_analysis(user, study: Study, *, higher_is_better: bool = True) -> MetaAnalysis | None:
    """A new meta-analysis of every study of `study`'s intervention, outcome and measure (None with fewer than
    two), with the method of the latest analysis of that outcome. Call inside the caller's transaction."""
    studies = list(
        Study.objects.filter(
            intervention=study.intervention, outcome=study.outcome, measure=study.measure
        ).order_by("year", "label", "pk")
    )
    if len(studies) < 2:
        return None
    previous = latest_meta_analysis(study)
    method = previous.method if previous else "REML"
    hk = previous.hk if previous else False
    better = previous.higher_is_better if previous else higher_is_better
    return _record_meta_analysis(
        user,
        study.intervention,
        outcome=study.outcome,
        title=_("%(outcome)s (opdateret med platformens egen evaluering)") % {"outcome": study.outcome},
        measure=study.measure,
        method=method,
        hk=hk,
        higher_is_better=better,
        studies=studies,
    )


def add_evaluation_by_id(user, evaluation_id: int, **options) -> AddedEvaluation:
    from susi.outcomes.models import EffectEvaluation

    evaluation = (
        EffectEvaluation.objects.select_related(
            "initiative__intervention", "instrument", "occasion", "created_by"
        )
        .filter(pk=evaluation_id)
        .first()
    )
    if evaluation is None:
        raise DomainError("evaluation", _("Effektevalueringen findes ikke."))
    return add_evaluation(user, evaluation, **options)
