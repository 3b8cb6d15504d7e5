"""Pages of the knowledge app. Internal pages need a login and a rule; the public pages under /viden/ show only
what a Publication allows and are listed in `PUBLIC_VIEWS` (see susi.config.settings.base.SUSI_PUBLIC_PATHS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from susi.accounts.permissions import can, require
from susi.engines import knowledge as engine
from susi.outcomes.models import EffectEvaluation
from susi.portfolio.models import Initiative, Intervention
from susi.portfolio.selectors import initiative_for_page
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from . import selectors, services
from .forms import InvolvementForm, PublicationForm, SideEffectForm
from .models import InvolvementActivity, Publication


def _initiative(request, pk: int, action: str) -> Initiative:
    try:
        initiative = initiative_for_page(pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
    require(request.user, action, initiative)
    return initiative


def _form_errors(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def involvement(request, pk: int):
    initiative = _initiative(request, pk, "knowledge.view_involvement")
    activities = selectors.involvement_for(request.user, initiative)
    context = {
        "initiative": initiative,
        "activities": activities,
        "side_effects": selectors.side_effects_for(initiative),
        "can_record": can(request.user, "knowledge.record_involvement", initiative),
        "can_record_side_effect": can(request.user, "knowledge.record_side_effect", initiative),
        "adaptation_names": {a.value: localized(n) for a, n in engine.ADAPTATION_NAMES.items()},
    }
    return render(request, "knowledge/involvement.html", context)


@login_required
def involvement_form(request, pk: int, activity_id: int | None = None):
    initiative = _initiative(request, pk, "knowledge.record_involvement")
    activity = None
    if activity_id is not None:
        activity = get_object_or_404(InvolvementActivity, pk=activity_id, initiative=initiative)
    initial = InvolvementForm.initial_from(activity) if activity else {"phase": initiative.phase}
    form = InvolvementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if activity is None:
                services.record_involvement(request.user, initiative, form.cleaned_data)
            else:
                services.update_involvement(request.user, activity, form.cleaned_data)
            messages.success(request, _("Inddragelsesaktiviteten er gemt."))
            return redirect("knowledge:involvement", pk=pk)
        except DomainError as error:
            _form_errors(form, error)
    title = _("Ny inddragelsesaktivitet") if activity is None else _("Ret inddragelsesaktivitet")
    context = {"initiative": initiative, "form": form, "title": title}
    return render(request, "knowledge/involvement_form.html", context, status=422 if form.errors else 200)


@login_required
def side_effect_form(request, pk: int):
    initiative = _initiative(request, pk, "knowledge.record_side_effect")
    evaluations = list(EffectEvaluation.objects.filter(initiative=initiative).select_related("instrument"))
    form = SideEffectForm(request.POST or None, evaluations=evaluations)
    if request.method == "POST" and form.is_valid():
        evaluation = next(e for e in evaluations if e.pk == form.cleaned_data["evaluation"])
        try:
            services.record_side_effect(request.user, evaluation, form.cleaned_data)
            messages.success(request, _("Bivirkningen er registreret."))
            return redirect("knowledge:involvement", pk=pk)
        except DomainError as error:
            _form_errors(form, error)
    context = {
        "initiative": initiative,
        "form": form,
        "title": _("Registrér en bivirkning"),
        "none": not evaluations,
    }
    return render(request, "knowledge/side_effect_form.html", context, status=422 if form.errors else 200)


@login_required
def notes(request):
    """Ny viden: the knowledge notes of every gate decision the user may read."""
    require(request.user, "portfolio.view_board")
    context = {
        "notes": selectors.knowledge_notes(request.user)[:200],
        "can_publish": can(request.user, "knowledge.publish"),
    }
    return render(request, "knowledge/notes.html", context)


@login_required
def publications(request):
    require(request.user, "knowledge.publish")
    published = {p.intervention_id: p for p in Publication.objects.all()}
    rows = [(i, published.get(i.pk)) for i in Intervention.objects.order_by("name")]
    return render(request, "knowledge/publications.html", {"rows": rows})


@login_required
def publication(request, intervention_id: int):
    intervention = get_object_or_404(Intervention, pk=intervention_id)
    require(request.user, "knowledge.publish", intervention)
    from susi.som.models import Calculation

    calculations = list(
        Calculation.objects.filter(initiative__intervention=intervention).order_by("-created_at")
    )
    current = Publication.objects.filter(intervention=intervention).first()
    initial = {
        "published": current.published if current else False,
        "sections": current.sections if current else [s.value for s in engine.Section],
        "summary": current.summary if current else "",
        "public_calculations": [str(c.pk) for c in calculations if c.public],
    }
    form = PublicationForm(request.POST or None, initial=initial, calculations=calculations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.publish(
                request.user,
                intervention,
                published=data["published"],
                sections=data["sections"],
                summary=data["summary"],
            )
            chosen = set(data["public_calculations"])
            for calc in calculations:
                if calc.public != (str(calc.pk) in chosen):
                    services.set_calculation_public(request.user, calc, str(calc.pk) in chosen)
            messages.success(request, _("Offentliggørelsen er gemt."))
            return redirect("knowledge:publication", intervention_id=intervention.pk)
        except DomainError as error:
            _form_errors(form, error)
    context = {"intervention": intervention, "form": form, "publication": current}
    return render(request, "knowledge/publication.html", context)


# --- public pages (no login) ----------------------------------------------------------------------------


@login_not_required
def public_index(request):
    context = {
        "publications": selectors.published_interventions(),
        "notes": selectors.public_notes()[:5],
    }
    return render(request, "knowledge/public_index.html", context)


@login_not_required
def public_intervention(request, intervention_id: int):
    publication = get_object_or_404(
        Publication.objects.select_related("intervention"), intervention_id=intervention_id, published=True
    )
    return render(request, "knowledge/public_intervention.html", selectors.public_page(publication))


@login_not_required
def public_notes(request):
    return render(request, "knowledge/public_notes.html", {"notes": selectors.public_notes()[:100]})
