"""Foundations' proposals: the foundation's list and forms, the agency's inbox and decisions. Thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import can, require
from susi.engines.phases import proposals as flow
from susi.portfolio.services import GateDecisionRefused
from susi.web.api_errors import DomainError
from susi.web.files import private_file_response
from susi.web.i18n import localized

from . import selectors, services
from .forms import AcceptForm, ConceptForm, FullProposalForm, MessageForm
from .models import Proposal


def _visible(request, pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("foundation", "initiative").filter(pk=pk).first()
    if proposal is None:
        raise Http404
    require(request.user, "proposals.view_proposal", proposal)
    return proposal


@login_required
def proposal_list(request):
    require(request.user, "proposals.view_list")
    state = request.GET.get("state", "").strip()
    states = [
        (s.value, localized(flow.PROPOSAL_STATE_NAMES[s])) for s in flow.ProposalState if s.value != "new"
    ]
    context = {
        "proposals": selectors.proposals_for(request.user, state),
        "state": state,
        "states": [("waiting", _("Afventer styrelsen")), *states],
        "can_submit": can(request.user, "proposals.submit"),
        "is_inbox": can(request.user, "proposals.decide"),
    }
    return render(request, "proposals/list.html", context)


@login_required
def concept_create(request):
    require(request.user, "proposals.submit")
    form = ConceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.submit_concept(request.user, **form.cleaned_data)
            messages.success(request, _("Idéoplægget er sendt til styrelsen."))
            return redirect("proposals:detail", pk=proposal.pk)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, "proposals/form.html", {"form": form, "title": _("Foreslå et projekt")})


def _detail_context(request, proposal, **forms):
    user = request.user
    state = proposal.state
    decide = can(user, "proposals.decide", proposal)
    return {
        "proposal": proposal,
        "state_label": localized(flow.PROPOSAL_STATE_NAMES[flow.ProposalState(state)]),
        "documents": proposal.documents.all(),
        "full_form": forms.get("full_form")
        or (FullProposalForm() if state == "invited" and can(user, "proposals.submit", proposal) else None),
        "message_form": forms.get("message_form")
        or (MessageForm() if decide and state in ("concept_submitted", "full_submitted") else None),
        "can_invite": decide and state == "concept_submitted",
        "accept_form": forms.get("accept_form")
        or (AcceptForm(proposal=proposal) if decide and state == "full_submitted" else None),
        "problems": forms.get("problems", []),
        "entry_open": bool(forms.get("problems")),
        "can_view_initiative": proposal.initiative is not None
        and can(user, "portfolio.view_initiative", proposal.initiative),
    }


@login_required
def proposal_detail(request, pk: int):
    proposal = _visible(request, pk)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


@login_required
@require_POST
def submit_full(request, pk: int):
    proposal = _visible(request, pk)
    require(request.user, "proposals.submit", proposal)
    form = FullProposalForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_full(request.user, proposal, **form.cleaned_data)
            messages.success(request, _("Det fulde forslag er sendt til styrelsen."))
            return redirect("proposals:detail", pk=pk)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    context = _detail_context(request, proposal, full_form=form)
    return render(request, "proposals/detail.html", context, status=422)


def _message_move(request, pk: int, move, done: str):
    proposal = _visible(request, pk)
    require(request.user, "proposals.decide", proposal)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            move(request.user, proposal, message=form.cleaned_data["message"])
            messages.success(request, done)
            return redirect("proposals:detail", pk=pk)
        except DomainError as error:
            form.add_error(None, error.message)
    context = _detail_context(request, proposal, message_form=form)
    return render(request, "proposals/detail.html", context, status=422)


@login_required
@require_POST
def invite(request, pk: int):
    return _message_move(
        request, pk, services.invite, _("Fonden er inviteret til at sende et fuldt forslag.")
    )


@login_required
@require_POST
def decline(request, pk: int):
    return _message_move(request, pk, services.decline, _("Forslaget er afvist, og fonden har fået besked."))


@login_required
@require_POST
def accept(request, pk: int):
    proposal = _visible(request, pk)
    require(request.user, "proposals.decide", proposal)
    form = AcceptForm(request.POST, proposal=proposal)
    problems: list[str] = []
    if form.is_valid():
        data = form.cleaned_data
        decision = services.Acceptance(
            phase=data["phase"],
            track=data["track"],
            programme=data["programme"],
            start_date=data["start_date"],
            message=data["message"],
            entry_assessments=tuple(form.entry_assessments(data["phase"])),
            entry_justification=data["entry_justification"],
        )
        try:
            initiative = services.accept(request.user, proposal, decision)
            messages.success(request, _("Forslaget er optaget som initiativ."))
            return redirect("portfolio:initiative", pk=initiative.pk)
        except GateDecisionRefused as refused:
            problems = refused.messages
        except DomainError as error:
            problems = [error.message]
    context = _detail_context(request, proposal, accept_form=form, problems=problems)
    return render(request, "proposals/detail.html", context, status=422)


@login_required
def document(request, pk: int, document_id: int):
    """A document of a full proposal, only to those who may see the proposal (never from a public /media/)."""
    proposal = _visible(request, pk)
    doc = get_object_or_404(proposal.documents, pk=document_id)
    return private_file_response(doc.file)
