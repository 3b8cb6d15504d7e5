"""JSON API of the evidence base: run a meta-analysis on posted studies, read the register and saved analyses."""

from __future__ import annotations

import math

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from susi.accounts.permissions import require
from susi.engines import evidence as engine
from susi.engines.text import Text
from susi.web.api_errors import DomainError

from .models import MetaAnalysis, Study

router = Router(tags=["evidence"])


class MetaIn(Schema):
    measure: str
    method: str = "REML"
    hk: bool = False
    studies: list[dict[str, float | str | None]]
    moderators: list[str] = []  # meta-regression on these study fields (one or more)
    subgroup: str | None = None  # subgroup analysis by this field, with the test of subgroup differences
    leave_one_out: bool = False
    egger: bool = False


class StudyOut(Schema):
    id: int
    intervention_id: int
    outcome: str
    label: str
    year: int | None
    design: str
    grade: int | None
    risk_of_bias: str
    country: str
    measure: str


class SavedMetaOut(Schema):
    id: int
    intervention_id: int
    outcome: str
    title: str
    measure: str
    method: str
    hk: bool
    rating_level: str
    rating_label: str
    rating_reasons: list[dict]
    result: dict


def _finite(data: dict) -> dict:
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in data.items()}


@router.post("/meta", response=dict)
def run_meta(request, payload: MetaIn):
    """Pool the posted studies (metafor-named fields, plus an optional `study` label); nothing is saved.

    On request also a meta-regression on one or more fields (`moderators`), subgroups by a field with the
    test of subgroup differences (`subgroup`), `leave_one_out` and Egger's test (`egger`)."""
    require(request.user, "evidence.run_meta")
    try:
        measure = engine.Measure(payload.measure.upper())
    except ValueError:
        raise DomainError(
            "measure",
            _("Ukendt effektmål; brug et af %(measures)s.")
            % {"measures": ", ".join(m.value for m in engine.Measure)},
        ) from None
    present = {name for row in payload.studies for name, value in row.items() if value is not None}
    columns: dict[str, list] = {
        name: [row.get(name) for row in payload.studies] for name in present if name != "study"
    }
    for name in engine.tables.NUMERIC_COLUMNS & present:
        columns[name] = [math.nan if v is None else v for v in columns[name]]
    labels = [str(row.get("study") or i + 1) for i, row in enumerate(payload.studies)]
    missing = [n for n in engine.REQUIRED_COLUMNS[measure] if n not in present]
    if measure in engine.effect_sizes.TWO_BY_TWO:
        missing = [
            n for n in missing if not (n == "bi" and "n1i" in present or n == "di" and "n2i" in present)
        ]
    if missing and payload.studies:
        raise engine.EvidenceInputError(
            missing[0],
            Text(
                f"Effektmålet {measure.value} kræver feltet {missing[0]}.",
                f"The measure {measure.value} needs the field {missing[0]}.",
            ),
            "missing_column",
        )
    # an EvidenceInputError from the engine is answered 422 by the API's error handler
    effects = engine.compute(measure, columns, labels=labels)
    result = engine.meta_analysis(effects, payload.method, payload.hk)
    further = engine.further_analyses(
        effects,
        columns,
        moderators=payload.moderators,
        subgroup=payload.subgroup,
        leave_out=payload.leave_one_out,
        egger=payload.egger,
        method=payload.method,
        hk=payload.hk,
    )
    return {**_finite(result.as_dict()), **further}


@router.get("/studies", response=list[StudyOut])
def list_studies(request, intervention: int | None = None, outcome: str | None = None):
    require(request.user, "evidence.view")
    qs = Study.objects.all()
    if intervention is not None:
        qs = qs.filter(intervention_id=intervention)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return list(qs)


@router.get("/meta-analyses/{pk}", response=SavedMetaOut)
def saved_meta(request, pk: int):
    require(request.user, "evidence.view")
    record = get_object_or_404(MetaAnalysis, pk=pk)
    return {
        "id": record.pk,
        "intervention_id": record.intervention_id,
        "outcome": record.outcome,
        "title": record.title,
        "measure": record.measure,
        "method": record.method,
        "hk": record.hk,
        "rating_level": record.rating_level,
        "rating_label": record.get_rating_level_display(),
        "rating_reasons": record.rating_reasons,
        "result": record.result,
    }


# --- the evidence chain (evidence.chain) ---------------------------------------------------------------


class FromEvaluationIn(Schema):
    design: str | None = None  # an evidence design code (e.g. "rct"); default: what the method earns
    outcome: str | None = None  # the outcome the study is filed under; default: the instrument's name


@router.post(
    "/from-evaluation/{evaluation_id}",
    response={200: dict, 403: dict, 404: dict, 422: dict},
    summary="Add a saved effect evaluation to the evidence base (idempotent); the meta-analysis updates",
)
def from_evaluation(request, evaluation_id: int, payload: FromEvaluationIn):
    from susi.outcomes.models import EffectEvaluation

    from . import chain, selectors

    evaluation = get_object_or_404(
        EffectEvaluation.objects.select_related("initiative__intervention", "instrument", "occasion"),
        pk=evaluation_id,
    )
    added = chain.add_evaluation(request.user, evaluation, design=payload.design, outcome=payload.outcome)
    study = added.study
    return {
        "status": added.status,
        "study": {
            "id": study.pk,
            "outcome": study.outcome,
            "measure": study.measure,
            "design": study.design,
            "grade": study.grade,
            "data": study.data(),
            "provenance": study.provenance,
        },
        "meta_analysis_id": added.meta_analysis.pk if added.meta_analysis else None,
        "effect": selectors.effect_summary(study.intervention, study.outcome),
    }
