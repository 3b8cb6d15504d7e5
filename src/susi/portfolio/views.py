"""Portfolio pages. Views translate HTTP to services/selectors; no business rule lives here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from susi.accounts.permissions import bound_municipality, can, require
from susi.engines import phases
from susi.organisations.models import Organisation
from susi.web.api_errors import DomainError
from susi.web.files import private_file_response
from susi.web.i18n import localized

from . import selectors, services, suggestions
from .forms import GateForm, InitiativeForm, InterventionForm, ProductUploadForm, RecommendationForm
from .models import Area, Initiative, Product, ProductVersion, Programme, Status


def _visible_initiative(request, pk: int) -> Initiative:
    try:
        initiative = selectors.initiative_for_page(pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
    require(request.user, "portfolio.view_initiative", initiative)
    return initiative


@login_required
def board(request):
    require(request.user, "portfolio.view_board")
    params = {k: request.GET.get(k, "").strip() for k in selectors.BOARD_FILTERS}
    data = selectors.board(request.user, params)
    context = {
        "board": data,
        "params": params,
        "programmes": Programme.choices,
        "areas": Area.choices,
        "tracks": [(t.value, localized(phases.TRACK_NAMES[t])) for t in phases.Track],
        "statuses": Status.choices,
        "phase_defs": phases.PHASE_MODEL,
        "municipalities": Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).only(
            "name", "code"
        ),
        "programme_names": dict(Programme.choices),
        "can_create": can(request.user, "portfolio.create_initiative"),
        "can_propose": can(request.user, "portfolio.create_intervention"),
    }
    template = "portfolio/_board.html" if request.headers.get("HX-Request") else "portfolio/board.html"
    return render(request, template, context)


@login_required
def initiative_detail(request, pk: int):
    initiative = _visible_initiative(request, pk)
    history = selectors.gate_history(initiative)
    context = {
        "initiative": initiative,
        "timeline": selectors.timeline(initiative, history),
        "history": history,
        "products_by_phase": selectors.products_by_phase(initiative),
        "upload_form": ProductUploadForm(initiative=initiative),
        "recommendations": initiative.recommendations.select_related("author"),
        "recommendation_form": RecommendationForm(),
        "can_upload": can(request.user, "portfolio.upload_product", initiative),
        "can_review": can(request.user, "portfolio.review_product", initiative),
        "can_gate": can(request.user, "portfolio.prepare_gate", initiative) and initiative.is_active,
        "can_recommend": can(request.user, "portfolio.recommend", initiative),
        "draft": services.current_draft(initiative),
        "links": {
            "som": can(request.user, "som.calculate", initiative),
            "evidence": can(request.user, "evidence.view"),
            "outcomes": can(request.user, "outcomes.view_aggregates", initiative),
        },
    }
    return render(request, "portfolio/initiative.html", context)


def _meta_analyses(initiative):
    from susi.evidence.selectors import meta_analyses_for_intervention

    return list(meta_analyses_for_intervention(initiative.intervention))


@login_required
def gate(request, pk: int):
    initiative = _visible_initiative(request, pk)
    require(request.user, "portfolio.prepare_gate", initiative)
    if not initiative.is_active:
        messages.error(request, _("Initiativet er stoppet eller afsluttet og har ingen flere faseovergange."))
        return redirect("portfolio:initiative", pk=pk)
    meta = _meta_analyses(initiative)
    draft = services.current_draft(initiative)
    problems: list[str] = []
    if request.method == "POST":
        form = GateForm(request.POST, initiative=initiative, meta_analyses=meta)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "save_draft" in request.POST:
                    services.save_gate_draft(
                        request.user,
                        initiative,
                        outcome=data["outcome"],
                        justification=data["justification"],
                        assessments=form.assessments("gate"),
                        skipped_assessments=form.assessments("skip"),
                    )
                    messages.success(request, _("Udkastet til vurderingen er gemt."))
                    return redirect("portfolio:gate", pk=pk)
                decision = services.record_gate_decision(
                    request.user,
                    initiative,
                    outcome=data["outcome"],
                    justification=data["justification"],
                    assessments=form.assessments("gate"),
                    skipped_assessments=form.assessments("skip") if data["outcome"] == "skip" else (),
                    effect_meta_analysis_id=data.get("effect_meta_analysis"),
                    expected_sequence=data.get("sequence"),
                )
                messages.success(
                    request,
                    _("Beslutningen er truffet: %(outcome)s.") % {"outcome": decision.get_outcome_display()},
                )
                return redirect("portfolio:initiative", pk=pk)
            except services.GateAlreadyDecided as already:
                messages.error(request, already.message)
                return redirect("portfolio:initiative", pk=pk)
            except services.GateDecisionRefused as refused:
                problems = refused.messages
            except DomainError as error:
                problems = [error.message]
    else:
        initial = {**GateForm.initial_from_draft(draft), "sequence": services.next_gate_sequence(initiative)}
        form = GateForm(initial=initial, initiative=initiative, meta_analyses=meta)
    missing = selectors.missing_required_products(initiative)
    context = {
        "initiative": initiative,
        "form": form,
        "problems": problems,
        "missing": [localized(phases.PRODUCT_NAMES[k]) for k in missing],
        "draft": draft,
        "track_rule": phases.Track(initiative.track) is phases.Track.TWO,
        "gate_suggestions": suggestions.suggestions_by_criterion(initiative),
    }
    status = 422 if problems else 200
    return render(request, "portfolio/gate.html", context, status=status)


@login_required
def product_file(request, pk: int, version_id: int):
    """One uploaded product file, only to users who may see the initiative (never from a public /media/)."""
    initiative = _visible_initiative(request, pk)
    version = get_object_or_404(
        ProductVersion.objects.select_related("product"), pk=version_id, product__initiative=initiative
    )
    require(request.user, "portfolio.download_product", version)
    return private_file_response(version.file)


@login_required
@require_POST
def upload_product(request, pk: int):
    initiative = _visible_initiative(request, pk)
    form = ProductUploadForm(request.POST, request.FILES, initiative=initiative)
    if form.is_valid():
        try:
            version = services.upload_product_version(
                request.user,
                initiative,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                file=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("Version %(n)s af »%(title)s« er uploadet.")
                % {"n": version.number, "title": version.product},
            )
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Uploaden mislykkedes: vælg en produkttype og en fil."))
    return redirect(reverse("portfolio:initiative", args=[pk]) + "#products")


@login_required
@require_POST
def product_state(request, pk: int, product_id: int):
    initiative = _visible_initiative(request, pk)
    product = get_object_or_404(Product, pk=product_id, initiative=initiative)
    try:
        services.set_product_state(request.user, product, request.POST.get("state", ""))
        messages.success(
            request,
            _("»%(title)s« har nu status %(state)s.")
            % {"title": product.title, "state": product.get_state_display().lower()},
        )
    except ValueError as error:
        messages.error(request, getattr(error, "message", _("Ugyldig status.")))
    return redirect(reverse("portfolio:initiative", args=[pk]) + "#products")


@login_required
@require_POST
def recommend(request, pk: int):
    initiative = _visible_initiative(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.add_recommendation(request.user, initiative, **form.cleaned_data)
            messages.success(request, _("Anbefalingen er registreret."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Vælg en anbefaling og skriv en begrundelse."))
    return redirect(reverse("portfolio:initiative", args=[pk]) + "#recommendations")


@login_required
def municipality(request, code: str):
    org = get_object_or_404(Organisation, kind=Organisation.Kind.MUNICIPALITY, code=code)
    require(request.user, "portfolio.view_municipality", org)
    initiatives = selectors.municipality_initiatives(request.user, org)
    by_phase = [(d, [i for i in initiatives if i.phase == d.phase.value]) for d in phases.PHASE_MODEL]
    return render(
        request,
        "portfolio/municipality.html",
        {"municipality": org, "by_phase": by_phase, "total": len(initiatives)},
    )


@login_required
def municipality_list(request):
    require(request.user, "portfolio.view_board")
    own = bound_municipality(request.user)
    if own is not None:
        return redirect("portfolio:municipality", code=own.code)
    orgs = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name")
    return render(request, "portfolio/municipality_list.html", {"municipalities": orgs})


@login_required
def initiative_create(request):
    require(request.user, "portfolio.create_initiative")
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            initiative = services.create_initiative(
                request.user,
                intervention=data["intervention"],
                title=data["title"],
                summary=data["summary"],
                phase=data["phase"],
                track=data["track"],
                programme=data["programme"],
                area=data["area"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                budget_dkk=int(data["budget_dkk"] or 0),
                municipalities=data["municipalities"],
                providers=data["providers"],
                evaluator=data["evaluator"],
                method_supplier=data["method_supplier"],
                foundation=data["foundation"],
            )
            messages.success(request, _("Initiativet er oprettet."))
            return redirect("portfolio:initiative", pk=initiative.pk)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, "portfolio/form.html", {"form": form, "title": _("Nyt initiativ")})


@login_required
def intervention_create(request):
    require(request.user, "portfolio.create_intervention")
    form = InterventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_intervention(request.user, **form.cleaned_data)
            messages.success(request, _("Indsatsen er registreret."))
            return redirect("portfolio:board")
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, "portfolio/form.html", {"form": form, "title": _("Foreslå en indsats")})
