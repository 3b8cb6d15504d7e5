"""Outcome pages: import (upload → preview → import), effect estimate, monitoring, citizens, rights.

Views translate HTTP into services and selectors; every rule is in accounts.permissions. Every page that
shows citizen-level data writes an AccessLog entry.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from susi.accounts.permissions import bound_municipality, can, require
from susi.engines.evaluation.errors import CprError, EvaluationError
from susi.engines.tabular import group_errors
from susi.jobs import services as jobs
from susi.portfolio.models import Initiative
from susi.web.i18n import localized

from . import charts, evaluation, selectors, services
from . import jobs as outcome_jobs
from .forms import CitizenLookupForm, EstimateForm, SubgroupForm, UploadForm
from .models import AccessLog, Enrolment, ImportBatch, Instrument, RegisterOutcome
from .pseudonyms import PseudonymKeyError, pseudonyms_everywhere
from .services import Scope
from .uploads import citizen_upload, too_large_message


def _go(request, to: str, **kwargs):
    """A redirect that also works for an HTMX request (which follows it with a full page load)."""
    url = reverse(to, kwargs=kwargs)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _initiative(request, pk: int, action: str = "outcomes.view_aggregates") -> Initiative:
    initiative = get_object_or_404(Initiative.objects.select_related("intervention", "evaluator"), pk=pk)
    require(request.user, action, initiative)
    return initiative


@login_required
def index(request):
    initiatives = selectors.initiatives_with_outcomes(request.user)
    return render(
        request,
        "outcomes/index.html",
        {
            "initiatives": initiatives,
            "can_rights": can(request.user, "outcomes.citizen_rights"),
        },
    )


@login_required
def initiative(request, pk: int):
    initiative = _initiative(request, pk)
    user = request.user
    importable = services.importable_municipalities(user, initiative)
    instruments = selectors.instruments_in(initiative)
    occasions = selectors.occasions_in(initiative)
    estimate_form = EstimateForm(instruments=instruments, occasions=occasions)
    result = None
    if instruments and any(o.number > 0 for o in occasions):
        first = instruments[0]
        default_design = "rct_proportions" if first.kind == Instrument.Kind.BINARY else "rct_means"
        result = evaluation.default_estimate(
            initiative, first, default_design, min(o.number for o in occasions if o.number > 0)
        )
        estimate_form = EstimateForm(
            instruments=instruments,
            occasions=occasions,
            initial={"instrument": first.code, "design": default_design, "followup": result.followup},
        )
    batches = ImportBatch.objects.filter(initiative=initiative)
    if bound_municipality(user) is not None:
        batches = batches.filter(municipality=bound_municipality(user))
    elif not importable:
        batches = batches.none()
    context = {
        "initiative": initiative,
        "counts": selectors.municipality_counts(initiative),
        "upload_form": UploadForm(municipalities=importable) if importable else None,
        "batches": batches.select_related("municipality", "uploaded_by")[:10],
        "estimate_form": estimate_form,
        "result": result,
        "fidelity": _fidelity(initiative),
        "register": _register(initiative),
        "evaluations": initiative_evaluations(initiative),
        "can_view_citizens": can(user, "outcomes.list_citizens", initiative),
        "feedback_columns": _feedback_columns(),
        "can_save": can(user, "outcomes.save_estimate", initiative),
        **_chain_context(user, initiative),
    }
    return render(request, "outcomes/initiative.html", context)


def _feedback_columns() -> str:
    """The feedback file's column headings as the user's language names them (both are accepted)."""
    from susi.engines.text import Text

    from .feedback import ENGLISH_HEADINGS, TABLE

    return localized(
        Text(
            ", ".join(column.label for column in TABLE.columns),
            ", ".join(ENGLISH_HEADINGS.get(column.key, column.key) for column in TABLE.columns),
        )
    )


def _chain_context(user, initiative) -> dict:
    """The evidence chain's buttons (outcomes/_chain_actions.html): into the evidence base and into SØM."""
    from susi.evidence.models import DESIGN_CHOICES
    from susi.som.selectors import visible_target_groups

    can_publish = can(user, "som.edit_knowledge")
    return {
        "can_add_evidence": can(user, "evidence.add_evaluation", initiative),
        "can_publish_som": can_publish,
        "evidence_designs": DESIGN_CHOICES,
        "som_target_groups": list(visible_target_groups(user).order_by("name")) if can_publish else [],
    }


def initiative_evaluations(initiative):
    from .models import EffectEvaluation

    return EffectEvaluation.objects.filter(initiative=initiative).select_related("instrument", "occasion")[
        :10
    ]


def _fidelity(initiative):
    frame = selectors.fidelity_frame(initiative)
    if frame.empty:
        return None
    from susi.engines.evaluation.fidelity import fidelity_by_municipality

    names = selectors.municipality_names(initiative)
    return [(names.get(row.municipality, row.municipality), row) for row in fidelity_by_municipality(frame)]


def _register(initiative):
    """Register aggregates per outcome (small cells already None), with one small-multiples chart."""
    from .charts import register_chart

    blocks: dict[str, dict] = {}
    for row in RegisterOutcome.objects.filter(initiative=initiative).order_by("outcome", "year"):
        label = REGISTER_LABELS.get(row.outcome, row.outcome)
        blocks.setdefault(row.outcome, {"outcome": row.outcome, "label": label, "rows": []})["rows"].append(
            row
        )
    if not blocks:
        return None
    ordered = [blocks[k] for k in REGISTER_LABELS if k in blocks] + [
        b for k, b in blocks.items() if k not in REGISTER_LABELS
    ]
    years = sorted({r.year for b in ordered for r in b["rows"]})
    for block in ordered:
        by_year = {r.year: r for r in block["rows"]}
        block["cells"] = [by_year.get(y) for y in years]
    return {"blocks": ordered, "years": years, "chart": register_chart(ordered)}


REGISTER_LABELS = {
    "employment": gettext_lazy("Beskæftigelse (andel)"),
    "education": gettext_lazy("Uddannelse (andel)"),
    "housing": gettext_lazy("Egen bolig (andel)"),
    "placement": gettext_lazy("Anbragt (andel)"),
    "hospital_contacts": gettext_lazy("Hospitalskontakter (antal)"),
    "convictions": gettext_lazy("Domme (antal)"),
}


@login_required
def estimate(request, pk: int):
    initiative = _initiative(request, pk)
    instruments = selectors.instruments_in(initiative)
    form = EstimateForm(request.GET, instruments=instruments, occasions=selectors.occasions_in(initiative))
    if not form.is_valid():
        return render(
            request,
            "outcomes/_estimate.html",
            {"form_errors": form.errors, "form": form, "initiative": initiative},
        )
    instrument = next(i for i in instruments if i.code == form.cleaned_data["instrument"])
    result = evaluation.run_estimate(
        initiative,
        instrument,
        form.cleaned_data["design"],
        form.cleaned_data["followup"],
        baseline_rate=_rate(form),
        cluster=form.cleaned_data["cluster"],
    )
    template = (
        "outcomes/_estimate.html" if request.headers.get("HX-Request") else "outcomes/estimate_page.html"
    )
    return render(
        request,
        template,
        {
            "result": result,
            "initiative": initiative,
            "can_save": can(request.user, "outcomes.save_estimate", initiative),
        },
    )


@login_required
@require_POST
def save_estimate(request, pk: int):
    initiative = _initiative(request, pk)
    instruments = selectors.instruments_in(initiative)
    occasions = selectors.occasions_in(initiative)
    form = EstimateForm(request.POST, instruments=instruments, occasions=occasions)
    require(request.user, "outcomes.save_estimate", initiative)
    if form.is_valid():
        instrument = next(i for i in instruments if i.code == form.cleaned_data["instrument"])
        result = evaluation.run_estimate(
            initiative,
            instrument,
            form.cleaned_data["design"],
            form.cleaned_data["followup"],
            chart=False,
            baseline_rate=_rate(form),
            cluster=form.cleaned_data["cluster"],
        )
        if result.estimate is not None:
            occasion = next(o for o in occasions if o.number == form.cleaned_data["followup"])
            services.save_evaluation(
                user=request.user,
                initiative=initiative,
                instrument=instrument,
                occasion=occasion,
                result=result,
            )
            messages.success(request, _("Effektestimatet er gemt."))
        else:
            messages.error(request, result.error)
    else:
        messages.error(request, _("Estimatet kunne ikke gemmes."))
    return redirect("outcomes:initiative", pk=initiative.pk)


def _rate(form) -> float | None:
    value = form.cleaned_data.get("baseline_rate")
    return float(value) if value is not None else None


# --- import -------------------------------------------------------------------------------------------


@login_required
@require_POST
@citizen_upload
def upload(request, pk: int):
    initiative = get_object_or_404(Initiative, pk=pk)
    importable = services.importable_municipalities(request.user, initiative)
    if not importable:
        require(request.user, "outcomes.import", Scope(initiative, None))
    form = UploadForm(request.POST, request.FILES, municipalities=importable)
    if getattr(request, "upload_too_large", False):
        messages.error(request, too_large_message())
        return _go(request, "outcomes:initiative", pk=pk)
    if not form.is_valid():
        messages.error(request, _("Vælg en fil at indlæse."))
        return _go(request, "outcomes:initiative", pk=pk)
    code = form.cleaned_data["municipality"]
    municipality = next((m for m in importable if m.code == code), None) if code else None
    if municipality is None and len(importable) == 1:
        municipality = importable[0]
    upload_file = form.cleaned_data["file"]
    # The check runs as a background job; the file (CPR numbers in clear) waits for it sealed, never in clear.
    try:
        require(
            request.user,
            "outcomes.import",
            Scope(initiative, municipality or bound_municipality(request.user)),
        )
        payload = outcome_jobs.seal_upload(upload_file.read(), initiative, municipality)
    except PseudonymKeyError as exc:
        messages.error(request, str(exc))
        return _go(request, "outcomes:initiative", pk=pk)
    job = jobs.enqueue(
        "outcomes.stage",
        user=request.user,
        args={
            "initiative": initiative.pk,
            "municipality": getattr(municipality, "pk", None),
            "file_name": services.safe_file_name(upload_file.name),
        },
        payload=payload,
        return_url=reverse("outcomes:initiative", args=[pk]),
    )
    job.refresh_from_db()
    if job.finished:  # a queue that ran it at once (tests, an idle worker): straight to the preview
        if job.result.get("batch"):
            return _go(request, "outcomes:batch", pk=job.result["batch"])
        messages.error(request, job.result.get("message", ""))
        return _go(request, "outcomes:initiative", pk=pk)
    return _go(request, "jobs:job", pk=job.pk)


def _batch(request, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("initiative", "municipality"), pk=pk)
    require(request.user, "outcomes.import", Scope(batch.initiative, batch.municipality))
    return batch


@login_required
def batch(request, pk: int):
    batch = _batch(request, pk)
    errors = services.batch_errors(batch)
    # Identical problems on many rows are one line ("3, 5, 9-14"), not one line per row.
    paginator = Paginator(group_errors(errors), 100)
    return render(
        request,
        "outcomes/batch.html",
        {
            "batch": batch,
            "meta": services.batch_meta(batch),
            "page": paginator.get_page(request.GET.get("side")),
            "shown_errors": len(errors),
        },
    )


@login_required
@require_POST
def commit(request, pk: int):
    batch = _batch(request, pk)
    if batch.status != ImportBatch.Status.PREVIEW or not batch.staged_file:
        messages.error(request, _("Importen kan ikke gennemføres: filen er ikke godkendt i gennemsynet."))
        return _go(request, "outcomes:batch", pk=pk)
    # The writing runs as a job (one transaction); its page shows the progress and the outcome.
    job = jobs.enqueue(
        "outcomes.commit",
        user=request.user,
        args={"batch": batch.pk},
        return_url=reverse("outcomes:initiative", kwargs={"pk": batch.initiative_id}),
    )
    return _go(request, "jobs:job", pk=job.pk)


def _one_step_import(request, pk: int, importer, report_template: str, success):
    """A file checked row by row and written whole, or not at all (deliveries, feedback): with any error the
    report page is shown and nothing is written; otherwise `success(report)` is the message."""
    from .importing import FileError

    initiative = get_object_or_404(Initiative, pk=pk)
    if not services.importable_municipalities(request.user, initiative):
        require(request.user, "outcomes.import", Scope(initiative, None))
    upload_file = request.FILES.get("file")
    if getattr(request, "upload_too_large", False):
        messages.error(request, too_large_message())
        return redirect("outcomes:initiative", pk=pk)
    if upload_file is None:
        messages.error(request, _("Vælg en fil at indlæse."))
        return redirect("outcomes:initiative", pk=pk)
    try:
        report = importer(
            user=request.user, initiative=initiative, fh=upload_file.file, name=upload_file.name
        )
    except FileError as exc:
        messages.error(request, exc.message)
        return redirect("outcomes:initiative", pk=pk)
    if report.error_count:
        return render(
            request,
            report_template,
            {
                "initiative": initiative,
                "report": report,
                "groups": group_errors(report.errors),
                "file_name": services.safe_file_name(upload_file.name),
            },
        )
    messages.success(request, success(report))
    return redirect("outcomes:initiative", pk=pk)


@login_required
@require_POST
@citizen_upload
def deliveries(request, pk: int):
    """Delivery records (fidelity): checked row by row; with any error nothing is written."""
    from .deliveries import import_deliveries

    return _one_step_import(
        request,
        pk,
        import_deliveries,
        "outcomes/deliveries_report.html",
        lambda report: (
            _("Leverancerne er indlæst: %(new)s nye og %(changed)s ændrede.")
            % {"new": report.rows_new, "changed": report.rows_changed}
        ),
    )


@login_required
@require_POST
def discard(request, pk: int):
    batch = _batch(request, pk)
    services.discard_batch(user=request.user, batch=batch)
    messages.info(request, _("Filen er kasseret; intet er indlæst."))
    return redirect("outcomes:initiative", pk=batch.initiative_id)


# --- citizen-level pages (audited) ----------------------------------------------------------------------


@login_required
def citizens(request, pk: int):
    initiative = get_object_or_404(Initiative, pk=pk)
    qs = selectors.citizen_enrolments(request.user, initiative).order_by("municipality__name", "start", "pk")
    if not qs.exists() and not _may_list(request.user, initiative):
        raise Http404
    page = Paginator(qs, 50).get_page(request.GET.get("side"))
    rows = list(page.object_list)
    for enrolment in rows:
        require(request.user, "outcomes.view_citizens", enrolment)
    services.log_access(
        request.user,
        AccessLog.Action.VIEW,
        f"borgerliste side {page.number}",
        initiative=initiative,
        municipality=bound_municipality(request.user),
        citizen_ids=[e.citizen_id for e in rows],
    )
    return render(request, "outcomes/citizens.html", {"initiative": initiative, "page": page, "rows": rows})


def _may_list(user, initiative) -> bool:
    return can(user, "outcomes.list_citizens", initiative)


@login_required
def enrolment(request, pk: int):
    # The scoped selector first: another municipality's citizen is simply not found (404).
    enrolment = get_object_or_404(selectors.citizen_enrolments(request.user), pk=pk)
    require(request.user, "outcomes.view_citizens", enrolment)
    measurements = enrolment.measurements.select_related("instrument", "occasion").order_by(
        "instrument__code", "occasion__number"
    )
    services.log_access(
        request.user,
        AccessLog.Action.VIEW,
        f"forløb {enrolment.pk}",
        initiative=enrolment.initiative,
        municipality=enrolment.municipality,
        citizen_ids=[enrolment.citizen_id],
    )
    from .feedback import INSTRUMENT, responses_with_text

    return render(
        request,
        "outcomes/enrolment.html",
        {
            "enrolment": enrolment,
            "measurements": measurements,
            # the citizen's feedback with its free text: a read of its own in the access log
            "feedback": responses_with_text(
                request.user, [enrolment], what=f"feedback med fritekst, forløb {enrolment.pk}"
            ),
            "feedback_questions": INSTRUMENT.scale_questions,
            "can_enter_feedback": can(request.user, "outcomes.import", enrolment),
        },
    )


@login_required
def citizen_rights(request):
    """Export or erase one citizen's data on request: found by CPR number, which is never kept."""
    user = request.user
    if not can(user, "outcomes.citizen_rights"):
        raise Http404
    form = CitizenLookupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            # One pseudonym per initiative's space: the person is looked up in every space.
            found_pseudonyms = pseudonyms_everywhere(form.cleaned_data["cpr"])
        except CprError as exc:
            form.add_error("cpr", localized(exc.message))
            return render(request, "outcomes/citizen_rights.html", context)
        except PseudonymKeyError as exc:
            form.add_error("cpr", exc.message)
            return render(request, "outcomes/citizen_rights.html", context)
        enrolments = list(
            Enrolment.objects.filter(citizen__pseudonym__in=found_pseudonyms).select_related(
                "citizen", "initiative", "municipality"
            )
        )
        matched_citizens = sorted({e.citizen_id for e in enrolments})
        enrolments = [e for e in enrolments if can(user, "outcomes.export_citizen", e)]
        action = request.POST.get("action", "find")
        if not enrolments:
            # Nobody, or only another municipality's citizen: the same answer, and logged all the same.
            services.log_access(
                user,
                AccessLog.Action.LOOKUP,
                "opslag til indsigt/sletning: intet fundet i brugerens område",
                municipality=bound_municipality(user),
                citizen_ids=matched_citizens,
            )
            context["not_found"] = True
        elif action == "export":
            data = services.citizen_export(user=user, enrolments=enrolments)
            response = HttpResponse(
                services.citizen_export_json(data), content_type="application/json; charset=utf-8"
            )
            response["Content-Disposition"] = 'attachment; filename="borgerdata.json"'
            return response
        elif action == "erase" and request.POST.get("confirm") == "yes":
            count = services.erase_citizen(
                user=user, enrolments=[e for e in enrolments if can(user, "outcomes.erase_citizen", e)]
            )
            messages.success(request, _("Borgerens data er slettet (%(n)s forløb).") % {"n": count})
            return redirect("outcomes:citizen_rights")
        else:
            context["enrolments"] = enrolments
            context["citizen"] = enrolments[0].citizen
            services.log_access(
                user,
                AccessLog.Action.VIEW,
                "opslag til indsigt/sletning",
                municipality=bound_municipality(user),
                citizen_ids=[e.citizen_id for e in enrolments],
            )
    return render(request, "outcomes/citizen_rights.html", context)


# --- monitoring -----------------------------------------------------------------------------------------


@login_required
def monitoring(request, pk: int):
    initiative = _initiative(request, pk)
    instruments = selectors.instruments_in(initiative)
    with_reference = [i for i in instruments if selectors.reference_evaluation(initiative, i) is not None]
    default = (with_reference or instruments)[0].code if instruments else ""
    code = request.GET.get("maaleredskab") or default
    instrument = next((i for i in instruments if i.code == code), None)
    context = {"initiative": initiative, "instruments": instruments, "instrument": instrument}
    municipalities = list(initiative.municipalities.order_by("name"))
    if bound_municipality(request.user) is not None:
        municipalities = [m for m in municipalities if m.pk == request.user.organisation_id]
    context["management"] = [(m, selectors.management_figures(initiative, m)) for m in municipalities]
    if instrument is not None:
        from .monitoring import monitoring_rows

        context.update(monitoring_rows(initiative, instrument, visible=[m.code for m in municipalities]))
    context.update(_feedback_context(initiative, [m.code for m in municipalities]))
    return render(request, "outcomes/monitoring.html", context)


def _feedback_context(initiative, codes: list[str]) -> dict:
    """The feedback aggregates (never free text) and their chart, for the visible municipalities."""
    from .charts import feedback_chart

    context = selectors.feedback_summary(initiative, codes)
    if context.get("feedback") is not None:
        context["feedback_chart"] = feedback_chart(context["feedback"])
    return context


# --- citizens' feedback ----------------------------------------------------------------------------------


@login_required
@require_POST
@citizen_upload
def feedback_upload(request, pk: int):
    """A feedback file: checked row by row; with any error nothing is written and the report is shown."""
    from .feedback import import_feedback

    return _one_step_import(
        request,
        pk,
        import_feedback,
        "outcomes/feedback_report.html",
        lambda report: (
            _("Feedbacken er indlæst: %(new)s nye og %(changed)s ændrede besvarelser.")
            % {"new": report.rows_new, "changed": report.rows_changed}
        ),
    )


@login_required
def feedback_list(request, pk: int):
    """The feedback of the citizens the user may read, comments included (citizen-level, every page logged)."""
    from .feedback import INSTRUMENT, responses_with_text

    initiative = get_object_or_404(Initiative, pk=pk)
    qs = (
        selectors.citizen_enrolments(request.user, initiative)
        .filter(feedback__isnull=False)
        .distinct()
        .order_by("municipality__name", "start", "pk")
    )
    if not _may_list(request.user, initiative):
        raise Http404
    page = Paginator(qs, 50).get_page(request.GET.get("side"))
    rows = responses_with_text(
        request.user, list(page.object_list), what=f"feedback med fritekst, side {page.number}"
    )
    return render(
        request,
        "outcomes/feedback_list.html",
        {"initiative": initiative, "page": page, "rows": rows, "questions": INSTRUMENT.scale_questions},
    )


@login_required
def feedback_entry(request, pk: int):
    """Enter one feedback response for one citizen by hand (the same rules as an import)."""
    from susi.web.api_errors import DomainError

    from .feedback import record_feedback
    from .forms import FeedbackForm

    enrolment = get_object_or_404(selectors.citizen_enrolments(request.user), pk=pk)
    require(request.user, "outcomes.view_citizens", enrolment)
    require(request.user, "outcomes.import", enrolment)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values, texts = form.answers()
        try:
            record_feedback(
                user=request.user,
                enrolment=enrolment,
                occasion=form.cleaned_data["occasion"],
                respondent=form.cleaned_data["respondent"],
                format=form.cleaned_data["format"],
                given_on=form.cleaned_data["given_on"],
                values=values,
                texts=texts,
            )
        except DomainError as exc:
            form.add_error(None, localized(exc.message))
        else:
            messages.success(request, _("Feedbacken er gemt."))
            return redirect("outcomes:enrolment", pk=enrolment.pk)
    return render(request, "outcomes/feedback_entry.html", {"enrolment": enrolment, "form": form})


@login_required
def feedback_csv(request, pk: int):
    """The feedback aggregates as CSV (the monitoring page's tables): never free text, small cells empty."""
    import io

    from susi.web.spreadsheets import safe_csv_writer

    initiative = _initiative(request, pk)
    own = bound_municipality(request.user)
    codes = [own.code] if own is not None else [m.code for m in initiative.municipalities.all()]
    data = selectors.feedback_summary(initiative, codes)
    questions = selectors.feedback_questions()
    out = io.StringIO()
    writer = safe_csv_writer(out, delimiter=";")
    writer.writerow(
        [
            _("Kommune"),
            _("Borgere med feedback"),
            _("Borgeren selv"),
            _("Pårørende"),
            _("Medarbejder"),
            _("Andel ved stedfortræder"),
            *(localized(q.label) for q in questions),
        ]
    )
    rows = list(data.get("feedback_by_municipality", []))
    if data.get("feedback") is not None:
        rows.append((_("I alt"), data["feedback"]))
    for name, summary in rows:
        writer.writerow(
            [
                name,
                summary.responses,
                *(summary.by_respondent[k] for k in ("citizen", "relative", "staff")),
                None if summary.proxy_share is None else round(summary.proxy_share, 3),
                *(None if q.mean is None else round(q.mean, 2) for q in summary.questions),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


@login_required
def subgroups(request, pk: int):
    """For whom does it work: the effect per pre-declared subgroup, with the interaction test (aggregates
    only; the small-cell rule withholds small groups and any group they could be worked out from)."""
    initiative = _initiative(request, pk)
    instruments = selectors.instruments_in(initiative)
    # as in the API: a municipality sees its own municipality's effect, not the others'
    declared = [
        s
        for s in evaluation.DECLARED_SUBGROUPS
        if s != "municipality" or bound_municipality(request.user) is None
    ]
    data = None
    if "instrument" in request.GET:  # from the estimate page's link: the first declared subgroup
        data = request.GET.copy()
        data.setdefault("by", declared[0])
    form = SubgroupForm(
        data, instruments=instruments, occasions=selectors.occasions_in(initiative), subgroups=declared
    )
    context: dict = {"initiative": initiative, "form": form}
    if form.is_valid():
        instrument = next(i for i in instruments if i.code == form.cleaned_data["instrument"])
        try:
            result = evaluation.run_subgroups(
                initiative, instrument, form.cleaned_data["by"], form.cleaned_data["followup"]
            )
        except EvaluationError as exc:
            context["error"] = localized(exc.message)
        else:
            context.update(
                result=result,
                instrument=instrument,
                chart=charts.subgroup_chart(result["groups"], instrument.name),
            )
    return render(request, "outcomes/subgroups.html", context)
