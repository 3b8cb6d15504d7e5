"""Pages for application rounds: translators between HTTP and the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import can, require, visible_initiatives
from susi.engines.phases import definition
from susi.engines.phases import rounds as flow
from susi.web.api_errors import DomainError
from susi.web.i18n import localized

from . import selectors, services
from .forms import ApplicationForm, DeterminationForm, OfferDeliveryForm, ReviewForm, RoundForm, ScreeningForm
from .models import Application, OfferDelivery, Participation, Round


def _round(request, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("initiative__intervention"), pk=pk)
    if not can(request.user, "rounds.view_round", round_):
        raise Http404
    return round_


def _application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("round__initiative__intervention", "organisation"), pk=pk
    )
    if not (
        can(request.user, "rounds.view_application", application) or _is_reviewer(request.user, application)
    ):
        raise Http404
    return application


def _is_reviewer(user, application: Application) -> bool:
    return can(user, "rounds.review", application)


@login_required
def round_list(request):
    services.close_due_rounds()
    return render(
        request,
        "rounds/list.html",
        {
            "open_rounds": selectors.open_rounds(request.user),
            "rounds": selectors.round_list(request.user),
            "applications": selectors.applications_for(request.user)
            if not can(request.user, "rounds.screen")
            else None,
            "can_announce": can(request.user, "rounds.announce"),
        },
    )


@login_required
def round_create(request):
    require(request.user, "rounds.announce")
    initiatives = visible_initiatives(request.user).filter(status="active").select_related("intervention")
    initiative_id = request.POST.get("initiative") or request.GET.get("initiative")
    initiative = initiatives.filter(pk=initiative_id).first() if str(initiative_id or "").isdigit() else None
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if initiative is None:
            form.add_error(None, _("Vælg det initiativ, runden gælder."))
        else:
            try:
                round_ = services.announce_round(
                    request.user,
                    initiative,
                    phase=form.cleaned_data["phase"],
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                    opens_at=form.cleaned_data["opens_at"],
                    closes_at=form.cleaned_data["closes_at"],
                    places=form.cleaned_data["places"],
                    for_municipalities=form.cleaned_data["for_municipalities"],
                    for_providers=form.cleaned_data["for_providers"],
                    pool_amount=form.cleaned_data["pool_amount"] or 0,
                    pool_covers=form.cleaned_data["pool_covers"],
                    criteria=form.criteria(),
                    questions=form.question_lines(),
                    reviewers=form.cleaned_data["reviewers"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Runden er gemt som kladde. Åbn den for at udmelde den."))
                return redirect("rounds:detail", pk=round_.pk)
    return render(
        request,
        "rounds/form.html",
        {"form": form, "initiatives": initiatives.order_by("title"), "initiative": initiative},
    )


@login_required
def round_detail(request, pk: int):
    services.close_due_rounds()
    round_ = _round(request, pk)
    agency = can(request.user, "rounds.screen")
    own = selectors.own_application(request.user, round_)
    return render(
        request,
        "rounds/detail.html",
        {
            "round": round_,
            "state": selectors.state_of(round_),
            "initiative": round_.initiative,
            "criteria": round_.criteria.all(),
            "questions": round_.questions.all(),
            "offers": round_.offers,
            "own": own,
            "can_apply": can(request.user, "rounds.apply", round_) and round_.is_open_now,
            "agency": agency,
            "ranked": selectors.ranked_applications(round_) if agency else None,
            "to_review": list(round_.applications.filter(state=flow.ApplicationState.SCREENED_IN))
            if not agency and can(request.user, "rounds.review", round_)
            else None,
            "pool": selectors.pool(round_),
            "moves": [t for t in flow.ROUND_WORKFLOW if t.source == round_.state] if agency else [],
            "move_names": {t.action: localized(t.name) for t in flow.ROUND_WORKFLOW},
        },
    )


@login_required
@require_POST
def round_move(request, pk: int):
    round_ = _round(request, pk)
    try:
        services.move_round(request.user, round_, request.POST.get("action", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Rundens status er ændret."))
    return redirect("rounds:detail", pk=round_.pk)


@login_required
def apply(request, pk: int):
    round_ = _round(request, pk)
    if not can(request.user, "rounds.apply", round_):
        raise PermissionDenied
    application = selectors.own_application(request.user, round_)
    if application is not None and application.state != flow.ApplicationState.DRAFT:
        return redirect("rounds:application", pk=application.pk)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        round_=round_,
        initial=ApplicationForm.initial_from(application),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.save_application(
                request.user,
                round_,
                organisation=request.user.organisation,
                answers=form.answers(),
                target_group_size=data["target_group_size"],
                staff=data["staff"],
                organisation_setup=data["organisation_setup"],
                partners=data["partners"],
                data=data["data_sources"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                amount_requested=data["amount_requested"] or 0,
                attachments=data["attachments"],
            )
            if "submit" in request.POST:
                services.submit_application(request.user, application)
                messages.success(request, _("Ansøgningen er indsendt."))
                return redirect("rounds:application", pk=application.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ansøgningen er gemt som kladde."))
            return redirect("rounds:apply", pk=round_.pk)
    return render(request, "rounds/apply.html", {"round": round_, "form": form, "application": application})


@login_required
def application_detail(request, pk: int):
    application = _application(request, pk)
    round_ = application.round
    agency = can(request.user, "rounds.screen", application)
    reviewer = (
        _is_reviewer(request.user, application) and application.state == flow.ApplicationState.SCREENED_IN
    )
    already_reviewed = application.reviews.filter(reviewer=request.user).exists()
    return render(
        request,
        "rounds/application.html",
        {
            "application": application,
            "round": round_,
            "state": selectors.state_of(round_),
            "questions": [(q, application.answers.get(str(q.pk), "")) for q in round_.questions.all()],
            "agency": agency,
            "can_withdraw": can(request.user, "rounds.apply", application)
            and application.state in {flow.ApplicationState.DRAFT, flow.ApplicationState.SUBMITTED},
            "screening_form": ScreeningForm() if agency else None,
            "determination_form": DeterminationForm() if agency else None,
            "review_form": ReviewForm(round_=round_) if reviewer and not already_reviewed else None,
            "reviews": selectors.reviews_visible_to(request.user, application)
            if (agency or reviewer)
            else [],
            "criteria": {str(c.pk): c for c in round_.criteria.all()},
            "grant": getattr(application, "grant", None)
            if can(request.user, "rounds.view_application", application)
            else None,
        },
    )


def _post_action(request, pk: int, action):
    application = _application(request, pk)
    try:
        action(application)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rounds:application", pk=application.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    def act(application):
        services.withdraw_application(request.user, application)
        messages.success(request, _("Ansøgningen er trukket tilbage."))

    return _post_action(request, pk, act)


@login_required
@require_POST
def screen(request, pk: int):
    def act(application):
        form = ScreeningForm(request.POST)
        if not form.is_valid():
            raise DomainError("decision", _("Vælg, om ansøgningen går videre eller sorteres fra."))
        services.screen_application(
            request.user,
            application,
            screened_in=form.cleaned_data["decision"] == "in",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Screeningen er gemt."))

    return _post_action(request, pk, act)


@login_required
@require_POST
def review(request, pk: int):
    def act(application):
        form = ReviewForm(request.POST, round_=application.round)
        if not form.is_valid():
            raise DomainError("scores", _("Giv en score fra 0 til 5 for hvert kriterium."))
        services.submit_review(
            request.user, application, scores=form.scores(), comment=form.cleaned_data["comment"]
        )
        messages.success(request, _("Din vurdering er gemt."))

    return _post_action(request, pk, act)


@login_required
@require_POST
def determine(request, pk: int):
    def act(application):
        form = DeterminationForm(request.POST)
        if not form.is_valid():
            raise DomainError("decision", _("Vælg optag eller afvis, og udfyld beløb og rater korrekt."))
        services.determine(
            request.user,
            application,
            accept=form.cleaned_data["decision"] == "accept",
            message=form.cleaned_data["message"],
            grant_amount=form.cleaned_data["grant_amount"] or 0,
            grant_purpose=form.cleaned_data["grant_purpose"] or "documentation",
            instalments=form.instalments(),
        )
        messages.success(request, _("Afgørelsen er gemt, og ansøgeren kan se den."))

    return _post_action(request, pk, act)


@login_required
def offers(request, pk: int):
    """The phase offers' log for an initiative: what each participating organisation received."""
    initiative = get_object_or_404(visible_initiatives(request.user), pk=pk)
    participants = {
        p.organisation_id: p.organisation for p in Participation.objects.filter(initiative=initiative)
    }
    form = OfferDeliveryForm(
        request.POST or None,
        organisations=[(pk_, str(o)) for pk_, o in participants.items()],
        offers=[(o.value, localized(flow.OFFER_NAMES[o])) for o in flow.Offer],
    )
    if request.method == "POST":
        require(request.user, "rounds.record_offer")
        if form.is_valid():
            try:
                services.record_offer_delivery(
                    request.user,
                    initiative,
                    organisation=participants[form.cleaned_data["organisation"]],
                    offer=form.cleaned_data["offer"],
                    delivered_on=form.cleaned_data["delivered_on"],
                    people_trained=form.cleaned_data["people_trained"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Leverancen er registreret."))
                return redirect("rounds:offers", pk=initiative.pk)
    return render(
        request,
        "rounds/offers.html",
        {
            "initiative": initiative,
            "phase_offers": [
                (localized(definition(phase).name), [localized(flow.OFFER_NAMES[o]) for o in offers_])
                for phase, offers_ in flow.PHASE_OFFERS.items()
                if offers_
            ],
            "deliveries": OfferDelivery.objects.filter(initiative=initiative).select_related("organisation"),
            "form": form if can(request.user, "rounds.record_offer") and participants else None,
        },
    )
