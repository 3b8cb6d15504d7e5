"""Dissemination pages: the expected-results pack (page, PDF, Excel), the readiness check, and the agency's
checklist per intervention. Views translate HTTP to services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import can, pack_organisation, require
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative, Intervention
from susi.web.api_errors import DomainError

from . import exports, services
from .expected import expected_results
from .forms import ReadinessForm, ReadinessItemForm
from .models import ReadinessItem


def _initiative(request, pk: int) -> Initiative:
    initiative = get_object_or_404(Initiative.objects.select_related("intervention"), pk=pk)
    require(request.user, "dissemination.view_pack", initiative)
    return initiative


def _participants(initiative: Initiative) -> list[Organisation]:
    return [*initiative.municipalities.order_by("name"), *initiative.providers.order_by("name")]


def _organisation(request, initiative: Initiative) -> Organisation:
    """A participant's own organisation; for those who see every pack, the participant chosen (?organisation=)."""
    own = pack_organisation(request.user)
    if own is not None:
        return own
    participants = _participants(initiative)
    chosen = request.GET.get("organisation", "")
    for org in participants:
        if str(org.pk) == chosen:
            return org
    if chosen or not participants:
        raise Http404
    return participants[0]


@login_required
def pack(request, pk: int):
    initiative = _initiative(request, pk)
    organisation = _organisation(request, initiative)
    data = expected_results(initiative, organisation)
    may_answer = can(request.user, "dissemination.answer_readiness", initiative)
    context = {
        "initiative": initiative,
        "organisation": organisation,
        "pack": data,
        "participants": [] if pack_organisation(request.user) else _participants(initiative),
        "readiness_form": ReadinessForm(readiness=data.readiness) if may_answer else None,
        "can_define": can(request.user, "dissemination.define_readiness"),
        "query": f"?organisation={organisation.pk}",
    }
    return render(request, "dissemination/pack.html", context)


def _download(request, pk: int, kind: str) -> HttpResponse:
    initiative = _initiative(request, pk)
    organisation = _organisation(request, initiative)
    data = expected_results(initiative, organisation)
    if kind == "pdf":
        response = HttpResponse(exports.pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            exports.excel(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(data, kind)}"'
    return response


@login_required
def pack_pdf(request, pk: int):
    return _download(request, pk, "pdf")


@login_required
def pack_excel(request, pk: int):
    return _download(request, pk, "xlsx")


@login_required
@require_POST
def save_readiness(request, pk: int):
    initiative = _initiative(request, pk)
    require(request.user, "dissemination.answer_readiness", initiative)
    organisation = _organisation(request, initiative)
    data = expected_results(initiative, organisation)
    form = ReadinessForm(request.POST, readiness=data.readiness)
    if form.is_valid():
        try:
            services.save_readiness(request.user, initiative, form.answers())
            messages.success(request, _("Parathedstjekket er gemt."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Parathedstjekket kunne ikke gemmes; intet er gemt."))
    return redirect(reverse("dissemination:pack", args=[pk]) + "#readiness")


@login_required
def checklist(request, pk: int):
    intervention = get_object_or_404(Intervention, pk=pk)
    require(request.user, "dissemination.define_readiness")
    form = ReadinessItemForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            item = get_object_or_404(ReadinessItem, pk=request.POST.get("remove"), intervention=intervention)
            services.remove_readiness_item(request.user, item)
            messages.success(request, _("Forudsætningen er fjernet."))
            return redirect("dissemination:checklist", pk=pk)
        if form.is_valid():
            try:
                services.add_readiness_item(
                    request.user,
                    intervention,
                    category=form.cleaned_data["category"],
                    text=form.cleaned_data["text"],
                )
                messages.success(request, _("Forudsætningen er tilføjet."))
                return redirect("dissemination:checklist", pk=pk)
            except DomainError as error:
                form.add_error(None, error.message)
    items = ReadinessItem.objects.filter(intervention=intervention)
    status = 422 if form.errors else 200
    return render(
        request,
        "dissemination/checklist.html",
        {"intervention": intervention, "items": items, "form": form},
        status=status,
    )
