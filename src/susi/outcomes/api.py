"""JSON API for outcomes: aggregates for whoever may see them; citizen-level data scoped and audited.

The same rules as the pages: a municipality user sees only their own municipality's citizens (another
municipality's enrolment answers 404, as if it did not exist), an evaluator only the initiatives they
evaluate, the agency only aggregates. No figure from fewer than 5 citizens is returned.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from susi.accounts.permissions import bound_municipality, require
from susi.portfolio.models import Initiative
from susi.web.api_errors import DomainError

from . import evaluation, selectors, services
from .models import AccessLog, EffectEvaluation

router = Router(tags=["outcomes"])


class MunicipalityCount(Schema):
    code: str
    name: str
    total: int | None
    intervention: int | None
    comparison: int | None
    waitlist: int | None


class SummaryOut(Schema):
    initiative: int
    title: str
    phase: str
    municipalities: list[MunicipalityCount]
    instruments: list[str]


class MeasurementOut(Schema):
    instrument: str
    occasion: str
    value: float
    measured_on: date | None


class EnrolmentOut(Schema):
    id: int
    pseudonym: str
    municipality: str
    arm: str
    start: date
    end: date | None


class EnrolmentDetailOut(EnrolmentOut):
    measurements: list[MeasurementOut]


class EstimateIn(Schema):
    instrument: str
    design: str = "rct_means"
    followup: int = 1
    baseline_rate: float | None = None
    cluster: str = "pseudonym"


class EvaluationOut(Schema):
    id: int
    instrument: str
    occasion: str
    method: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float | None
    n_treated: int
    n_control: int
    effect_size: float | None
    effect_size_se: float | None
    effect_size_kind: str
    som_success_rate: float | None


def _initiative(request, pk: int, action: str = "outcomes.view_aggregates") -> Initiative:
    initiative = get_object_or_404(Initiative, pk=pk)
    require(request.auth, action, initiative)
    return initiative


@router.get("/initiatives/{pk}/summary", response=SummaryOut)
def summary(request, pk: int):
    """Citizens per municipality and arm (small cells as null)."""
    initiative = _initiative(request, pk)
    return {
        "initiative": initiative.pk,
        "title": initiative.title,
        "phase": initiative.phase,
        "municipalities": [
            {
                "code": row["municipality"].code,
                "name": str(row["municipality"]),
                "total": row["total"],
                "intervention": row["intervention"],
                "comparison": row["comparison"],
                "waitlist": row["waitlist"],
            }
            for row in selectors.municipality_counts(initiative)
        ],
        "instruments": [i.code for i in selectors.instruments_in(initiative)],
    }


@router.post("/initiatives/{pk}/estimate")
def estimate(request, pk: int, payload: EstimateIn):
    """The effect estimate with its effect size for the evidence base and the SØM success rate."""
    initiative = _initiative(request, pk)
    instrument = next((i for i in selectors.instruments_in(initiative) if i.code == payload.instrument), None)
    if instrument is None:
        raise DomainError("instrument", _("Der er ingen målinger på dette måleredskab."))
    if payload.baseline_rate is not None and not 0 < payload.baseline_rate < 1:
        raise DomainError("baseline_rate", _("Grundraten skal være en andel mellem 0 og 1 (fx 0,02)."))
    if payload.cluster not in evaluation.CLUSTERS:
        raise DomainError(
            "cluster", _("Klyngerne skal være 'pseudonym' (borger) eller 'municipality' (kommune).")
        )
    result = evaluation.run_estimate(
        initiative,
        instrument,
        payload.design,
        payload.followup,
        chart=False,
        baseline_rate=payload.baseline_rate,
        cluster=payload.cluster,
    )
    if result.error:
        raise DomainError("design", result.error)
    return result.as_dict()


class SubgroupsIn(Schema):
    instrument: str
    by: str = "municipality"  # one of evaluation.DECLARED_SUBGROUPS
    followup: int = 1


@router.post("/initiatives/{pk}/subgroups")
def subgroups(request, pk: int, payload: SubgroupsIn):
    """For whom does it work: the effect per declared subgroup and the treatment × subgroup interaction test."""
    initiative = _initiative(request, pk)
    instrument = next((i for i in selectors.instruments_in(initiative) if i.code == payload.instrument), None)
    if instrument is None:
        raise DomainError("instrument", _("Der er ingen målinger på dette måleredskab."))
    if payload.by == "municipality" and bound_municipality(request.auth) is not None:
        # as in monitoring: a municipality sees its own municipality's effect, not the others'
        raise DomainError("by", _("En kommune kan ikke se effekten opdelt på de andre kommuner."))
    # an EvaluationError (an unknown subgroup, no data) is answered 422 by the API's error handler
    return evaluation.run_subgroups(initiative, instrument, payload.by, payload.followup)


@router.get("/initiatives/{pk}/evaluations", response=list[EvaluationOut])
def evaluations(request, pk: int):
    initiative = _initiative(request, pk)
    return [
        {
            "id": e.pk,
            "instrument": e.instrument.code,
            "occasion": e.occasion.code,
            "method": e.method,
            "estimate": e.estimate,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "p_value": e.p_value,
            "n_treated": e.n_treated,
            "n_control": e.n_control,
            "effect_size": e.effect_size,
            "effect_size_se": e.effect_size_se,
            "effect_size_kind": e.effect_size_kind,
            "som_success_rate": e.som_success_rate,
        }
        for e in EffectEvaluation.objects.filter(initiative=initiative).select_related(
            "instrument", "occasion"
        )
    ]


class SomConsequenceOut(Schema):
    outcome: str
    year_after: int
    difference: float
    se: float


class SomSuccessRateOut(Schema):
    evaluation: int
    instrument: str
    method: str
    success_rate: float
    sd: float | None


class SomInputsOut(Schema):
    success_rates: list[SomSuccessRateOut]
    consequences: list[SomConsequenceOut]


@router.get("/initiatives/{pk}/som", response=SomInputsOut)
def som_inputs(request, pk: int):
    """What this initiative's outcome data give SØM: success rates and yearly consequences (aggregates)."""
    initiative = _initiative(request, pk)
    return {
        "success_rates": selectors.som_success_rates(initiative),
        "consequences": selectors.som_consequences(initiative),
    }


def _enrolment_out(e) -> dict:
    return {
        "id": e.pk,
        "pseudonym": e.citizen.pseudonym,
        "municipality": e.municipality.code,
        "arm": e.arm,
        "start": e.start,
        "end": e.end,
    }


@router.get("/initiatives/{pk}/enrolments", response=list[EnrolmentOut])
def enrolments(
    request,
    pk: int,
    offset: int = Query(0, ge=0),  # a negative offset is answered 422, never sliced
    limit: int = Query(100, ge=1),  # at most 1,000 rows are returned
):
    """Citizen-level: the enrolments the user may see in this initiative (pseudonymised, audited)."""
    initiative = get_object_or_404(Initiative, pk=pk)
    rows = list(
        selectors.citizen_enrolments(request.auth, initiative).order_by("pk")[
            offset : offset + min(limit, 1000)
        ]
    )
    if not rows and not selectors.citizen_enrolments(request.auth, initiative).exists():
        raise Http404
    for e in rows:
        require(request.auth, "outcomes.view_citizens", e)
    services.log_access(
        request.auth,
        AccessLog.Action.API,
        f"API: forløb i initiativ {initiative.pk}",
        initiative=initiative,
        citizen_ids=[e.citizen_id for e in rows],
    )
    return [_enrolment_out(e) for e in rows]


@router.get("/enrolments/{pk}", response=EnrolmentDetailOut)
def enrolment(request, pk: int):
    """Citizen-level: one enrolment with its measurements; outside the user's scope it does not exist."""
    e = get_object_or_404(selectors.citizen_enrolments(request.auth), pk=pk)
    require(request.auth, "outcomes.view_citizens", e)
    services.log_access(
        request.auth,
        AccessLog.Action.API,
        f"API: forløb {e.pk}",
        initiative=e.initiative,
        municipality=e.municipality,
        citizen_ids=[e.citizen_id],
    )
    data = _enrolment_out(e)
    data["measurements"] = [
        {
            "instrument": m.instrument.code,
            "occasion": m.occasion.code,
            "value": m.value,
            "measured_on": m.measured_on,
        }
        for m in e.measurements.select_related("instrument", "occasion").order_by(
            "instrument__code", "occasion__number"
        )
    ]
    return data


# --- citizens' feedback ----------------------------------------------------------------------------------


class FeedbackQuestionOut(Schema):
    code: str
    question: str
    n: int | None
    mean: float | None
    share_high: float | None
    mean_citizen: float | None
    mean_proxy: float | None


class FeedbackSummaryOut(Schema):
    responses: int | None
    by_respondent: dict[str, int | None]
    proxy: int | None
    proxy_share: float | None
    questions: list[FeedbackQuestionOut]


class FeedbackMunicipalityOut(FeedbackSummaryOut):
    municipality: str


class FeedbackOut(Schema):
    initiative: int
    instrument: str
    overall: FeedbackSummaryOut | None
    municipalities: list[FeedbackMunicipalityOut]
    note: str


class FeedbackResponseOut(Schema):
    enrolment: int
    pseudonym: str
    municipality: str
    occasion: int
    respondent: str
    format: str
    given_on: date | None
    answers: dict[str, float]
    texts: dict[str, str]


def _summary_out(summary) -> dict:
    from susi.web.i18n import localized

    return {
        "responses": summary.responses,
        "by_respondent": summary.by_respondent,
        "proxy": summary.proxy,
        "proxy_share": summary.proxy_share,
        "questions": [
            {
                "code": q.code,
                "question": localized(q.text),
                "n": q.n,
                "mean": q.mean,
                "share_high": q.share_high,
                "mean_citizen": q.mean_citizen,
                "mean_proxy": q.mean_proxy,
            }
            for q in summary.questions
        ],
    }


@router.get("/initiatives/{pk}/feedback", response=FeedbackOut)
def feedback(request, pk: int):
    """Aggregates of citizens' feedback (each citizen's latest response): per question n, mean, share 4-5, the
    means by the citizens themselves and by proxies, and who answered. Small cells as null; never free text.
    A municipality user gets their own municipality only (as in monitoring)."""
    from .feedback import INSTRUMENT

    initiative = _initiative(request, pk)
    own = bound_municipality(request.auth)
    codes = [own.code] if own is not None else None
    data = selectors.feedback_summary(initiative, codes)
    overall = data.get("feedback")
    return {
        "initiative": initiative.pk,
        "instrument": INSTRUMENT.code,
        "overall": _summary_out(overall) if overall is not None else None,
        "municipalities": [
            {"municipality": name, **_summary_out(s)} for name, s in data.get("feedback_by_municipality", [])
        ],
        "note": _(
            "Svar fra en pårørende eller en medarbejder på borgerens vegne fortæller, hvordan de oplever borgerens "
            "situation; jo større andelen er, jo mere forsigtigt skal svarene læses."
        ),
    }


@router.get("/initiatives/{pk}/feedback/responses", response=list[FeedbackResponseOut])
def feedback_responses(
    request,
    pk: int,
    offset: int = Query(0, ge=0),
    limit: int = Query(100, ge=1),  # at most 1,000 citizens per call
):
    """Citizen-level: the feedback (free text included) of the citizens the user may see; audited."""
    from .feedback import responses_with_text

    initiative = get_object_or_404(Initiative, pk=pk)
    scoped = selectors.citizen_enrolments(request.auth, initiative)
    if not scoped.exists():
        raise Http404
    enrolments = list(
        scoped.filter(feedback__isnull=False).distinct().order_by("pk")[offset : offset + min(limit, 1000)]
    )
    rows = responses_with_text(
        request.auth,
        enrolments,
        what=f"API: feedback med fritekst i initiativ {initiative.pk}",
        action=AccessLog.Action.API,
    )
    return [
        {
            "enrolment": r.enrolment.pk,
            "pseudonym": r.enrolment.citizen.pseudonym,
            "municipality": r.enrolment.municipality.code,
            "occasion": r.occasion,
            "respondent": r.respondent,
            "format": r.format,
            "given_on": r.response.given_on,
            "answers": r.values,
            "texts": r.texts,
        }
        for r in rows
    ]
