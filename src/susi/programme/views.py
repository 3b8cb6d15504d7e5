"""Programme pages: translators between HTTP and the services; no rule lives here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import can, require
from susi.portfolio.models import Initiative
from susi.proposals.selectors import proposals_for_prioritisation
from susi.web.api_errors import DomainError

from . import selectors, services
from .forms import AllocationForm, DecisionForm, FrameForm, RecommendationForm, RoundForm
from .models import Candidate, PrioritisationRound, Programme, ProgrammeYear


def _programme(request, code: str) -> Programme:
    require(request.user, "programme.view")
    return get_object_or_404(Programme, code=code)


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def programme_list(request):
    require(request.user, "programme.view")
    programmes = list(Programme.objects.all())
    counts = {c.code: c for c in selectors.programme_counts(Initiative.objects.all())}
    rows = [(p, selectors.money(p), counts.get(p.code)) for p in programmes]
    return render(request, "programme/list.html", {"rows": rows})


@login_required
def programme_detail(request, code: str):
    programme = _programme(request, code)
    initiatives = selectors.programme_initiatives(programme).order_by("title")
    frame_form = FrameForm(prefix="frame")
    allocation_form = AllocationForm(prefix="alloc", initiatives=initiatives)
    if request.method == "POST":
        require(request.user, "programme.manage")
        if "frame-year" in request.POST:
            frame_form = FrameForm(request.POST, prefix="frame")
            if frame_form.is_valid() and _set_frame(request, programme, frame_form):
                return redirect("programme:detail", code=code)
        else:
            allocation_form = AllocationForm(request.POST, prefix="alloc", initiatives=initiatives)
            if allocation_form.is_valid() and _allocate(request, programme, allocation_form):
                return redirect("programme:detail", code=code)
    counts = selectors.programme_counts(initiatives)
    context = {
        "programme": programme,
        "years": selectors.money(programme),
        "allocations": selectors.allocations(programme),
        "counts": counts[0] if counts else None,
        "rounds": selectors.rounds_for(programme),
        "can_manage": can(request.user, "programme.manage"),
        "frame_form": frame_form,
        "allocation_form": allocation_form,
    }
    status = 422 if (frame_form.errors or allocation_form.errors) else 200
    return render(request, "programme/detail.html", context, status=status)


def _set_frame(request, programme, form) -> bool:
    try:
        services.set_frame(request.user, programme, **form.cleaned_data)
    except DomainError as error:
        _form_error(form, error)
        return False
    messages.success(request, _("Rammen er gemt."))
    return True


def _allocate(request, programme, form) -> bool:
    data = form.cleaned_data
    programme_year = ProgrammeYear.objects.filter(programme=programme, year=data["year"]).first()
    if programme_year is None:
        form.add_error("year", _("Programmet har ingen ramme for %(year)s endnu.") % {"year": data["year"]})
        return False
    try:
        services.allocate(
            request.user,
            programme_year,
            amount_dkk=data["amount_dkk"],
            initiative=data["initiative"],
            note=data["note"],
        )
    except DomainError as error:
        _form_error(form, error)
        return False
    messages.success(request, _("Beløbet er disponeret."))
    return True


@login_required
def round_create(request, code: str):
    programme = _programme(request, code)
    require(request.user, "programme.manage")
    initiatives = (
        selectors.programme_initiatives(programme).filter(status="active").order_by("phase", "title")
    )
    waiting = proposals_for_prioritisation(timezone.localdate().year)  # full proposals awaiting a decision
    form = RoundForm(request.POST or None, initiatives=initiatives, proposals=waiting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme_year = ProgrammeYear.objects.filter(programme=programme, year=data["year"]).first()
        if programme_year is None:
            form.add_error(
                "year", _("Programmet har ingen ramme for %(year)s endnu.") % {"year": data["year"]}
            )
        else:
            candidates = (
                services.candidates_from_initiatives(data["initiatives"])
                + [
                    services.CandidateInput(kind=Candidate.Kind.NEW_SCREENING, title=title)
                    for title in form.screening_titles()
                ]
                + [services.candidate_from_proposal(p) for p in data["proposals"]]
            )
            try:
                round_ = services.open_round(
                    request.user,
                    programme_year,
                    title=data["title"],
                    recommend_by=data["recommend_by"],
                    candidates=candidates,
                )
                messages.success(
                    request, _("Prioriteringsrunden er åbnet, og styregruppen er bedt om anbefalinger.")
                )
                return redirect("programme:round", pk=round_.pk)
            except DomainError as error:
                _form_error(form, error)
    return render(request, "programme/round_form.html", {"programme": programme, "form": form})


@login_required
def round_detail(request, pk: int):
    require(request.user, "programme.view")
    round_ = get_object_or_404(PrioritisationRound.objects.select_related("programme_year__programme"), pk=pk)
    context = {
        "round": round_,
        "programme": round_.programme_year.programme,
        "summaries": selectors.candidate_summaries(round_, request.user),
        "is_open": round_.state == PrioritisationRound.State.OPEN,
        "can_recommend": can(request.user, "programme.recommend", round_),
        "can_decide": can(request.user, "programme.decide", round_),
        "can_manage": can(request.user, "programme.manage"),
        "recommendation_form": RecommendationForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "programme/round.html", context)


def _candidate(request, pk: int) -> Candidate:
    require(request.user, "programme.view")
    return get_object_or_404(Candidate.objects.select_related("round"), pk=pk)


@login_required
@require_POST
def recommend(request, pk: int):
    candidate = _candidate(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommend(request.user, candidate, **form.cleaned_data)
            messages.success(request, _("Din anbefaling er gemt."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Vælg en anbefaling og skriv en begrundelse."))
    return redirect("programme:round", pk=candidate.round_id)


@login_required
@require_POST
def decide(request, pk: int):
    candidate = _candidate(request, pk)
    require(request.user, "programme.decide", candidate)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.record_decision(request.user, candidate, **form.cleaned_data)
            messages.success(request, _("Beslutningen er registreret."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Vælg godkendt eller ikke godkendt, og skriv et beløb i hele kroner."))
    return redirect("programme:round", pk=candidate.round_id)


@login_required
@require_POST
def close(request, pk: int):
    require(request.user, "programme.manage")
    round_ = get_object_or_404(PrioritisationRound, pk=pk)
    try:
        services.close_round(request.user, round_)
        messages.success(request, _("Prioriteringsrunden er afsluttet."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("programme:round", pk=pk)
