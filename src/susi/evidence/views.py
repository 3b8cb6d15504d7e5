"""Evidence pages: register, import, meta-analysis, evidence per intervention, promising practice."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from susi.accounts.permissions import can, require
from susi.engines import evidence as engine
from susi.organisations.models import Organisation
from susi.portfolio.models import Intervention
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from . import analysis as analysis_mod
from . import charts, exports, selectors, services
from .forms import ImportForm, MetaForm, PracticeForm, StudyForm, SuccessRateForm
from .models import MetaAnalysis, PracticeAssessment, Study


@login_required
def index(request):
    require(request.user, "evidence.view")
    if request.GET.get("intervention", "").isdigit():
        return redirect("evidence:intervention", pk=int(request.GET["intervention"]))
    context = {
        "interventions": selectors.interventions_with_evidence(),
        "recent": MetaAnalysis.objects.select_related("intervention")[:10],
        "can_edit": can(request.user, "evidence.edit_studies"),
        "can_fill": can(request.user, "evidence.fill_practice"),
    }
    return render(request, "evidence/index.html", context)


@login_required
def study_list(request):
    require(request.user, "evidence.view")
    intervention = None
    if request.GET.get("intervention", "").isdigit():
        intervention = get_object_or_404(Intervention, pk=int(request.GET["intervention"]))
    outcome = request.GET.get("outcome", "").strip()
    context = {
        "studies": selectors.studies(intervention, outcome or None),
        "intervention": intervention,
        "outcome": outcome,
        "groups": selectors.outcome_groups(intervention) if intervention else [],
        "can_edit": can(request.user, "evidence.edit_studies"),
    }
    return render(request, "evidence/studies.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, filename: str, fmt: str) -> HttpResponse:
    content_type = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
def study_export(request, fmt: str):
    """The register (optionally one intervention's studies) in the import's own columns."""
    require(request.user, "evidence.view")
    intervention = None
    if request.GET.get("intervention", "").isdigit():
        intervention = get_object_or_404(Intervention, pk=int(request.GET["intervention"]))
    studies = selectors.studies(intervention, request.GET.get("outcome", "").strip() or None)
    body = exports.studies_xlsx(studies) if fmt == "xlsx" else exports.studies_csv(studies)
    return _download(body, "studier", fmt)


@login_required
def meta_export(request, pk: int, fmt: str):
    require(request.user, "evidence.view")
    record = get_object_or_404(MetaAnalysis, pk=pk)
    studies = list(record.studies.order_by("year", "label"))
    result = analysis_mod.run(studies, record.measure, record.method, record.hk, record.higher_is_better)
    body = exports.analysis_xlsx(result) if fmt == "xlsx" else exports.analysis_csv(result)
    return _download(body, f"metaanalyse-{record.pk}", fmt)


def _apply_domain_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def study_edit(request, pk: int | None = None):
    require(request.user, "evidence.edit_studies")
    study = get_object_or_404(Study, pk=pk) if pk else None
    initial = {}
    if study is None and request.GET.get("intervention", "").isdigit():
        initial["intervention"] = int(request.GET["intervention"])
    form = StudyForm(request.POST or None, instance=study, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if study is None:
                    saved = services.create_study(request.user, data.pop("intervention"), data)
                    messages.success(request, _("Studiet er tilføjet."))
                else:
                    study.refresh_from_db()
                    study.intervention = data.pop("intervention")
                    saved = services.update_study(request.user, study, data)
                    messages.success(request, _("Studiet er gemt."))
                return redirect(f"{reverse('evidence:studies')}?intervention={saved.intervention_id}")
            except DomainError as error:
                _apply_domain_error(form, error)
        status = 422
    title = _("Rediger studie") if study else _("Tilføj studie")
    return render(request, "evidence/study_form.html", {"form": form, "title": title}, status=status)


@login_required
def study_import(request):
    require(request.user, "evidence.edit_studies")
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                created = services.import_studies(
                    request.user,
                    data["intervention"],
                    outcome=data["outcome"].strip(),
                    measure=data["measure"],
                    data=upload.read(),
                    filename=upload.name,
                    defaults={k: data[k] for k in ("design", "risk_of_bias", "country")},
                )
                messages.success(request, _("%(n)d studier er importeret.") % {"n": len(created)})
                query = urlencode(
                    {
                        "intervention": data["intervention"].pk,
                        "outcome": data["outcome"].strip(),
                        "measure": data["measure"],
                        "method": "REML",
                        "higher_is_better": "1",
                    }
                )
                return redirect(f"{reverse('evidence:meta')}?{query}")
            except DomainError as error:
                _apply_domain_error(form, error)
        status = 422
    context = {"form": form, "outcome_options": selectors.outcome_options()}
    return render(request, "evidence/import.html", context, status=status)


def _som_link(analysis: analysis_mod.Analysis, request, title: str) -> dict | None:
    """The success-rate conversion and the link to the SØM calculator."""
    form = SuccessRateForm(request.GET if "baseline_percent" in request.GET else None)
    context: dict = {"form": form, "url": None, "rate": None, "error": None}
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        m = analysis.meta
        low, high = (m.pi_low, m.pi_high) if d["interval"] == "prediction" else (m.ci_low, m.ci_high)
        try:
            rate = engine.success_rate(
                analysis.effects.measure,
                m.estimate,
                low,
                high,
                d["baseline_percent"] / 100,
                desirable_outcome=d["desirable"],
                interval=d["interval"],
            )
        except engine.EvidenceInputError as exc:
            context["error"] = localized(exc.message)
            return context
        context["rate"] = rate
        source = f"{title} ({m.method.value}, k={m.k}, {'PI' if d['interval'] == 'prediction' else 'CI'})"
        query = urlencode(
            {
                "success_rate_mean": f"{rate.mean:.6f}",
                "success_rate_sd": f"{rate.sd:.6f}",
                "success_rate_source": source,
            }
        )
        context["url"] = f"{reverse('som:index')}?{query}"
    return context


def _analysis_context(request, analysis: analysis_mod.Analysis, title: str) -> dict:
    return {
        "a": analysis,
        "m": analysis.meta,
        "forest": charts.forest_svg(analysis),
        "funnel": charts.funnel_svg(analysis),
        "rows": list(
            zip(
                analysis.studies,
                analysis.effects.yi,
                analysis.effects.sei,
                analysis.meta.weights,
                analysis.effects.adjusted or (False,) * analysis.effects.k,
                strict=True,
            )
        ),
        "loo": list(zip(analysis.leave_one_out, strict=False)),
        "som": _som_link(analysis, request, title),
        "measure_label": localized(engine.MEASURE_LABELS[analysis.effects.measure]),
        "method_label": localized(engine.METHOD_LABELS[analysis.meta.method]),
    }


@login_required
def meta(request):
    """Run a meta-analysis on the register's studies of one intervention, outcome and measure."""
    require(request.user, "evidence.run_meta")
    form = MetaForm(request.GET or None)
    context: dict = {
        "form": form,
        "can_save": can(request.user, "evidence.edit_studies"),
        "outcome_options": selectors.outcome_options(),
    }
    status = 200
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        studies = list(selectors.studies(d["intervention"], d["outcome"].strip(), d["measure"]))
        title = f"{d['intervention'].name}: {d['outcome'].strip()}"
        try:
            result = analysis_mod.run(studies, d["measure"], d["method"], d["hk"], d["higher_is_better"])
        except DomainError as error:
            context["error"] = error.message
            status = 422
        else:
            if request.method == "POST" and "save" in request.POST:
                try:
                    saved = services.save_meta_analysis(
                        request.user,
                        d["intervention"],
                        outcome=d["outcome"].strip(),
                        measure=d["measure"],
                        method=d["method"],
                        hk=d["hk"],
                        higher_is_better=d["higher_is_better"],
                        studies=studies,
                        title=request.POST.get("title", ""),
                    )
                except PermissionDenied:
                    raise
                messages.success(
                    request,
                    _("Metaanalysen er gemt med vurderingen %(r)s.")
                    % {"r": saved.get_rating_level_display()},
                )
                return redirect(saved)
            context.update(_analysis_context(request, result, title))
            context["title"] = title
    elif form.is_bound:
        status = 422
    return render(request, "evidence/meta.html", context, status=status)


@login_required
def meta_detail(request, pk: int):
    require(request.user, "evidence.view")
    record = get_object_or_404(MetaAnalysis.objects.select_related("intervention"), pk=pk)
    studies = list(record.studies.order_by("year", "label"))
    result = analysis_mod.run(studies, record.measure, record.method, record.hk, record.higher_is_better)
    context = _analysis_context(request, result, record.title)
    stored = record.result
    changed = (
        stored.get("k") != result.meta.k or abs(stored.get("estimate", 0.0) - result.meta.estimate) > 1e-9
    )
    context.update(
        {
            "changed_since_saved": changed,
            "record": record,
            "title": record.title,
            "links": record.criterion_links.select_related("assessment__decision__initiative"),
            **_meta_to_som_context(request.user),
        }
    )
    return render(request, "evidence/meta.html", context)


def _meta_to_som_context(user) -> dict:
    from susi.som.selectors import visible_target_groups

    can_publish = can(user, "som.edit_knowledge")
    return {
        "can_publish_som": can_publish,
        "som_target_groups": list(visible_target_groups(user).order_by("name")) if can_publish else [],
    }


@login_required
def intervention_summary(request, pk: int):
    require(request.user, "evidence.view")
    intervention = get_object_or_404(Intervention, pk=pk)
    context = {
        "intervention": intervention,
        "summary": selectors.intervention_summary(intervention),
        "practices": selectors.practice_assessments(request.user).filter(intervention=intervention),
        "can_edit": can(request.user, "evidence.edit_studies"),
    }
    return render(request, "evidence/intervention.html", context)


# --- promising practice -----------------------------------------------------------------------------------


@login_required
def practice_list(request):
    require(request.user, "evidence.view")
    context = {
        "assessments": selectors.practice_assessments(request.user),
        "can_fill": can(request.user, "evidence.fill_practice"),
    }
    return render(request, "evidence/practice_list.html", context)


def _organisations_for(user):
    if can(user, "evidence.choose_practice_organisation"):
        return Organisation.objects.filter(
            kind__in=[Organisation.Kind.MUNICIPALITY, Organisation.Kind.PROVIDER]
        ).order_by("name")
    return None


@login_required
def practice_edit(request, pk: int | None = None):
    instance = get_object_or_404(PracticeAssessment, pk=pk) if pk else None
    require(request.user, "evidence.fill_practice", instance)
    organisations = _organisations_for(request.user)
    initial = {}
    if instance is not None:
        initial = {
            "practice_name": instance.practice_name,
            "description": instance.description,
            "intervention": instance.intervention_id,
            "organisation": instance.organisation_id,
            **{k: "" if v is None else str(v) for k, v in instance.answers.items()},
        }
    form = PracticeForm(request.POST or None, initial=initial, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            organisation = d.get("organisation") or (instance.organisation if instance else None)
            if organisation is None:
                organisation = request.user.organisation
            if organisation is None:
                form.add_error(None, _("Din bruger er ikke knyttet til en organisation."))
            else:
                try:
                    saved = services.save_practice_assessment(
                        request.user,
                        organisation=organisation,
                        practice_name=d["practice_name"],
                        description=d["description"],
                        intervention=d["intervention"],
                        answers=form.answers(),
                        instance=instance,
                    )
                    messages.success(request, _("Selvevalueringen er gemt."))
                    return redirect(saved)
                except DomainError as error:
                    _apply_domain_error(form, error)
        status = 422
    title = _("Rediger selvevaluering") if instance else _("Ny selvevaluering af lovende praksis")
    return render(request, "evidence/practice_form.html", {"form": form, "title": title}, status=status)


@login_required
def practice_detail(request, pk: int):
    require(request.user, "evidence.view")
    assessment = get_object_or_404(PracticeAssessment.objects.select_related("organisation"), pk=pk)
    if not selectors.can_view_practice(request.user, assessment):
        raise Http404
    profile = selectors.practice_profile(assessment)
    context = {
        "assessment": assessment,
        "profile": profile,
        "chart": charts.practice_svg(profile),
        "can_edit": can(request.user, "evidence.fill_practice", assessment),
    }
    return render(request, "evidence/practice_detail.html", context)


# --- the evidence chain: a saved effect evaluation into the evidence base (evidence.chain) -------------


@login_required
def add_evaluation(request, pk: int):
    """POST from the estimate page: the saved evaluation `pk` becomes (or updates) a study; the outcome's
    meta-analysis is brought up to date. Optional `design` (e.g. 'rct') and `outcome` override the defaults."""
    from susi.outcomes.models import EffectEvaluation

    from . import chain

    evaluation = get_object_or_404(
        EffectEvaluation.objects.select_related("initiative__intervention", "instrument", "occasion"), pk=pk
    )
    require(request.user, "evidence.add_evaluation", evaluation.initiative)
    if request.method != "POST":
        return redirect("outcomes:initiative", pk=evaluation.initiative_id)
    try:
        added = chain.add_evaluation(
            request.user,
            evaluation,
            design=request.POST.get("design") or None,
            outcome=request.POST.get("outcome") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outcomes:initiative", pk=evaluation.initiative_id)
    text = {
        chain.CREATED: _("Effektevalueringen er tilføjet evidensbasen som et studie."),
        chain.UPDATED: _("Studiet i evidensbasen er opdateret med det nye estimat."),
        chain.UNCHANGED: _("Effektevalueringen findes allerede i evidensbasen; intet er ændret."),
    }[added.status]
    messages.success(request, text)
    if added.meta_analysis is not None:
        return redirect(added.meta_analysis)
    return redirect("evidence:study_edit", pk=added.study.pk)
