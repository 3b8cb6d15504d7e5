"""Reads for the evidence pages and for other apps (the gate form cites saved meta-analyses)."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, QuerySet

from susi.accounts import permissions
from susi.engines.evidence import practice as practice_engine
from susi.web.i18n import localized

from .models import EffectCriterionLink, MetaAnalysis, PracticeAssessment, Study


def meta_analyses_for_intervention(intervention) -> list[MetaAnalysis]:
    """Saved meta-analyses of `intervention`, newest first, each with `.rating_label` and `.url`."""
    items = list(MetaAnalysis.objects.filter(intervention=intervention).order_by("-created_at"))
    for item in items:
        item.rating_label = item.get_rating_level_display()
        item.url = item.get_absolute_url()
    return items


def studies(intervention=None, outcome: str | None = None, measure: str | None = None) -> QuerySet[Study]:
    qs = Study.objects.select_related("intervention")
    if intervention is not None:
        qs = qs.filter(intervention=intervention)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if measure:
        qs = qs.filter(measure=measure)
    return qs


def outcome_options() -> list[str]:
    """Every outcome label in the register, for the outcome field's suggestions."""
    return list(Study.objects.order_by("outcome").values_list("outcome", flat=True).distinct())


def outcome_groups(intervention) -> list[dict]:
    """Each (outcome, measure) of an intervention with its number of studies: what can be pooled."""
    rows = (
        Study.objects.filter(intervention=intervention)
        .values("outcome", "measure")
        .annotate(k=Count("id"))
        .order_by("outcome", "measure")
    )
    return list(rows)


def interventions_with_evidence():
    from susi.portfolio.models import Intervention

    return (
        Intervention.objects.annotate(n_studies=Count("studies", distinct=True))
        .annotate(n_meta=Count("meta_analyses", distinct=True))
        .order_by("name")
    )


def intervention_summary(intervention) -> dict:
    """Per outcome: the studies, the saved meta-analyses with their rating, and the gates that cite them."""
    outcomes: OrderedDict[str, dict] = OrderedDict()
    for study in Study.objects.filter(intervention=intervention).order_by("outcome", "year", "label"):
        outcomes.setdefault(study.outcome, {"studies": [], "analyses": [], "measures": set()})
        outcomes[study.outcome]["studies"].append(study)
        outcomes[study.outcome]["measures"].add(study.measure)
    for meta in meta_analyses_for_intervention(intervention):
        outcomes.setdefault(meta.outcome, {"studies": [], "analyses": [], "measures": set()})
        meta.links = list(
            EffectCriterionLink.objects.filter(meta_analysis=meta).select_related(
                "assessment__decision__initiative"
            )
        )
        outcomes[meta.outcome]["analyses"].append(meta)
    for data in outcomes.values():
        data["measures"] = sorted(data["measures"])
    return {"outcomes": outcomes}


def practice_assessments(user) -> QuerySet[PracticeAssessment]:
    """The self-assessments `user` may read (the twin of `evidence.view_practice`)."""
    return permissions.practice_assessments(user)


def can_view_practice(user, assessment: PracticeAssessment) -> bool:
    return permissions.can(user, "evidence.view_practice", assessment)


def practice_profile(assessment: PracticeAssessment) -> practice_engine.PracticeProfile:
    return practice_engine.profile(assessment.answers or {})


def practice_knowledge(intervention) -> list[dict]:
    """Self-assessments of practices linked to `intervention`, as knowledge for screening: each with its
    organisation, the summary sentence, the overall share (0-1) and the page URL."""
    out = []
    for assessment in PracticeAssessment.objects.filter(intervention=intervention).select_related(
        "organisation"
    ):
        profile = practice_engine.profile(assessment.answers or {})
        out.append(
            {
                "assessment": assessment,
                "organisation": assessment.organisation.name,
                "summary": localized(profile.summary),
                "overall": profile.overall,
                "url": assessment.get_absolute_url(),
            }
        )
    return out


def forest_plot(meta: MetaAnalysis) -> str:
    """The forest plot of a saved meta-analysis (rerun from its studies), as accessible inline SVG; for other
    apps' pages (the public knowledge page), which may not import the evidence app's charts."""
    from .analysis import run
    from .charts import forest_svg

    studies = list(meta.studies.order_by("year", "label"))
    return forest_svg(run(studies, meta.measure, meta.method, meta.hk, meta.higher_is_better))


def effect_summary(intervention, outcome: str | None = None) -> dict | None:
    """The current pooled effect and rating of `intervention` (on `outcome`, or its newest meta-analysis on any
    outcome): what a gate's *virkning* can rest on (issue 14, item 4). None without a saved meta-analysis."""
    qs = MetaAnalysis.objects.filter(intervention=intervention)
    if outcome:
        qs = qs.filter(outcome=outcome)
    meta = qs.order_by("-created_at", "-pk").first()
    if meta is None:
        return None
    result = meta.result or {}
    return {
        "meta_analysis_id": meta.pk,
        "title": meta.title,
        "outcome": meta.outcome,
        "measure": meta.measure,
        "k": result.get("k"),
        "estimate": result.get("estimate"),
        "ci_low": result.get("ci_low"),
        "ci_high": result.get("ci_high"),
        "higher_is_better": meta.higher_is_better,
        "rating_level": meta.rating_level,
        "rating_label": str(meta.get_rating_level_display()),
        "created_at": meta.created_at.isoformat(),
    }
