"""SØM pages: the calculator (step by step, or the quick estimate), saved calculations with charts and
exports, side-by-side comparison, and the knowledge database. Views translate HTTP to services/selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import modelform_factory
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from susi.accounts.permissions import (
    TARGET_GROUP_OWNER,
    can,
    require,
    visible_initiatives,
    visible_knowledge,
)
from susi.engines import som as engine
from susi.engines.som.portfolio import simulate_portfolio
from susi.jobs import services as jobs
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative
from susi.web.api_errors import DomainError
from susi.web.i18n import lazy_localized, localized

from . import chart_cache, charts, exports, forms, knowledge_io, selectors, services
from .models import Calculation, Consequence, EffectStudy, Price, TargetGroup

PREFILL_KEYS = ("success_rate_mean", "success_rate_sd", "success_rate_source")
AREA_NAMES = {a.code: lazy_localized(a) for a in engine.MAIN_AREAS}
COMMITTEE_NAMES = {c.code: lazy_localized(c) for c in engine.COMMITTEES} | {
    "none": gettext_lazy("Intet udvalg angivet")
}
AUTHORITY_NAMES = {a.code: lazy_localized(a) for a in engine.AUTHORITIES}


def _initiative(request, raw) -> Initiative | None:
    if not raw:
        return None
    try:
        initiative = Initiative.objects.get(pk=int(raw))
    except (ValueError, Initiative.DoesNotExist):
        raise Http404 from None
    require(request.user, "som.calculate", initiative)
    return initiative


def _municipality(request, raw) -> Organisation | None:
    """The municipality calculated for: the chosen one, else a municipality user's own."""
    if raw:
        try:
            return Organisation.objects.get(pk=int(raw), kind=Organisation.Kind.MUNICIPALITY)
        except (ValueError, Organisation.DoesNotExist):
            raise Http404 from None
    org = request.user.organisation
    return org if org is not None and org.is_municipality else None


def _own_numbers_of(request, municipality: Organisation | None) -> int | None:
    """The municipality whose own prices and target-group sizes fill the defaults: the chosen one only if the
    user may see its own SØM numbers; otherwise the national numbers are used."""
    if municipality is None or not can(request.user, "som.view_knowledge_row", municipality):
        return None
    return municipality.pk


def _target_group(request, code) -> TargetGroup | None:
    if not code:
        return None
    return get_object_or_404(selectors.visible_target_groups(request.user), code=code)


def _visible_calculation(request, pk: int) -> Calculation:
    calculation = get_object_or_404(
        Calculation.objects.select_related("initiative", "municipality", "owner"), pk=pk
    )
    require(request.user, "som.view_calculation", calculation)
    return calculation


@login_required
def index(request):
    """Start page: step 1 of the calculator, the quick estimate, and saved calculations."""
    require(request.user, "som.calculate")
    initiative = _initiative(request, request.GET.get("initiative"))
    context = {
        "target_groups": selectors.visible_target_groups(request.user),
        "initiatives": visible_initiatives(request.user).order_by("title"),
        "initiative": initiative,
        "municipalities": Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name"),
        "own_municipality": _municipality(request, ""),
        "prefill": {k: request.GET[k] for k in PREFILL_KEYS if request.GET.get(k)},
        "calculations": selectors.visible_calculations(request.user, limit=50),
        "can_edit_knowledge": can(request.user, "som.edit_knowledge"),
    }
    return render(request, "som/index.html", context)


def _knowledge_version(raw: str) -> int:
    """The knowledge version the form was filled from (a hidden field); the current one if it is not a
    known version number."""
    current = selectors.current_version()
    return int(raw) if raw.isdigit() and 0 < int(raw) <= current else current


def _calculator_context(request, state, *, target_group, initiative, municipality, problems=None):
    return {
        "state": state,
        "target_group": target_group,
        "initiative": initiative,
        "municipality": municipality,
        "problems": problems,
        "dist_choices": forms.DIST_CHOICES,
        "cost_kinds": forms.COST_KIND_CHOICES,
        "authorities": engine.AUTHORITIES,
        "areas": engine.MAIN_AREAS,
        "committees": engine.COMMITTEES,
        "services": [(p["service"], p["name"]) for p in state["prices"]],
        "knowledge_version": selectors.current_version(),
        "prefill": {k: request.GET.get(k, "") for k in PREFILL_KEYS},
    }


@login_required
def calculator(request):
    """Steps 2-6: citizens, costs, outcomes and consequences, prices, horizon. Prefilled from the knowledge
    database; POST calculates, saves and shows the result."""
    params = request.POST if request.method == "POST" else request.GET
    initiative = _initiative(request, params.get("initiative"))
    require(request.user, "som.calculate", initiative)
    municipality = _municipality(request, params.get("municipality"))
    target_group = _target_group(request, params.get("target_group"))
    own_group = params.get("own_target_group", "").strip()
    defaults = selectors.defaults_for(target_group, _own_numbers_of(request, municipality))
    if request.method != "POST":
        name = f"SØM: {own_group}" if own_group and target_group is None else ""
        state = forms.state_from_defaults(defaults, name=name, prefill=request.GET)
        if own_group:
            state["own_target_group"] = own_group
        context = _calculator_context(
            request, state, target_group=target_group, initiative=initiative, municipality=municipality
        )
        context["illustrative"] = defaults.illustrative
        return render(request, "som/calculator.html", context)

    state = forms.state_from_post(request.POST)
    state["own_target_group"] = own_group
    edit_of = None
    if request.POST.get("edit_of", "").isdigit():
        edit_of = _visible_calculation(request, int(request.POST["edit_of"]))
        require(request.user, "som.change_calculation", edit_of)
        state["edit_of"] = edit_of.pk
    if forms.add_row(state, request.POST.get("add_row", "")):
        context = _calculator_context(
            request, state, target_group=target_group, initiative=initiative, municipality=municipality
        )
        context["illustrative"] = defaults.illustrative
        return render(request, "som/calculator.html", context)
    form = forms.read(state, target_group.name if target_group else own_group)
    calculation = None
    if form.case is not None and not form.problems:
        try:
            calculation = services.save_calculation(
                request.user,
                form.case,
                draws=form.draws,
                seed=form.seed,
                knowledge_version=_knowledge_version(request.POST.get("knowledge_version", "")),
                initiative=initiative,
                municipality=municipality,
                target_group=target_group,
                uses_illustrative_data=defaults.illustrative,
                edit_of=edit_of,
            )
        except engine.SomInputError as exc:  # the Monte Carlo settings (draws, seed)
            form.place(exc)
        except DomainError as exc:
            form.problems.add(exc.field, exc.field, exc.message)
    if calculation is not None:
        messages.success(request, _("Beregningen er gemt."))
        return redirect(calculation)
    context = _calculator_context(
        request,
        state,
        target_group=target_group,
        initiative=initiative,
        municipality=municipality,
        problems=form.problems,
    )
    context["illustrative"] = defaults.illustrative
    return render(request, "som/calculator.html", context, status=422)


@login_required
def quick(request):
    """The quick estimate (budgetøkonomisk skøn): a handful of inputs."""
    require(request.user, "som.calculate")
    params = request.POST if request.method == "POST" else request.GET
    target_group = _target_group(request, params.get("target_group"))
    municipality = _municipality(request, params.get("municipality"))
    defaults = selectors.defaults_for(target_group, _own_numbers_of(request, municipality))
    profile = _quick_profile(defaults, engine.DEFAULT_HORIZON)
    saving = profile["reference_saving"] if profile else 0.0
    shares = profile["shares"] if profile else (1.0, 0.0, 0.0)
    first = defaults.outcomes[0] if defaults.outcomes else None
    state = {
        "name": f"Skøn: {target_group.name}" if target_group else "Budgetøkonomisk skøn",
        "citizens_per_year": str(defaults.citizens_per_year or 20),
        "intake_years": "1",
        "cost_per_citizen": forms.q_state(""),
        "success_rate": forms.q_state(
            round(first.success_rate * 100, 4) if first and first.success_rate else ""
        ),
        "annual_saving": forms.q_state(round(saving) if saving else ""),
        "shares": [f"{s * 100:g}" for s in shares],
        "horizon": "10",
        "discount_rate_pct": "3.5",
        "use_profile": profile is not None,
    }
    problems = forms.FormProblems()
    if request.method == "POST":
        post = request.POST
        state = {
            "name": post.get("name", "").strip(),
            "citizens_per_year": post.get("citizens_per_year", "").strip(),
            "intake_years": post.get("intake_years", "").strip(),
            "cost_per_citizen": forms._q_from_post(post, "cost_per_citizen"),
            "success_rate": forms._q_from_post(post, "success_rate"),
            "annual_saving": forms._q_from_post(post, "annual_saving"),
            "shares": [post.get(f"share-{i}", "").strip() for i in range(3)],
            "horizon": post.get("horizon", "").strip(),
            "discount_rate_pct": post.get("discount_rate_pct", "").strip(),
            "use_profile": profile is not None and post.get("use_profile") == "1",
        }
        citizens = forms._number(
            state["citizens_per_year"], "citizens_per_year", _("Borgere pr. år"), problems
        )
        years = forms._int(state["intake_years"], "intake_years", _("Antal år"), problems, 1)
        cost = forms._quantity(state["cost_per_citizen"], "cost_per_citizen", _("Pris pr. borger"), problems)
        rate = forms._quantity(state["success_rate"], "success_rate", _("Succesrate"), problems, 0.01)
        saving_q = forms._quantity(
            state["annual_saving"], "annual_saving", _("Besparelse pr. succes"), problems
        )
        share_values = [
            forms._number(s, f"share-{i}", _("Andel"), problems, 0.01) or 0.0
            for i, s in enumerate(state["shares"])
        ]
        horizon = forms._int(state["horizon"], "horizon", _("Horisont"), problems, 10)
        rate_pct = forms._number(
            state["discount_rate_pct"], "discount_rate_pct", _("Diskonteringsrente"), problems, 0.01
        )
        if citizens is None and "citizens_per_year" not in problems.by_field:
            problems.add("citizens_per_year", _("Borgere pr. år"), _("angiv antal borgere"))
        knowledge: dict = {}
        if state["use_profile"] and horizon and 1 <= horizon <= engine.MAX_HORIZON:
            chosen = _quick_profile(defaults, horizon)
            if chosen is not None:
                knowledge = {"consequences": chosen["consequences"], "prices": chosen["prices"]}
        if not problems:
            try:
                case = engine.quick_case(
                    citizens_per_year=citizens or 0.0,
                    intake_years=years or 1,
                    cost_per_citizen=_as_quantity(cost),
                    success_rate=_as_quantity(rate),
                    annual_saving_per_success=_as_quantity(saving_q),
                    saving_shares=(share_values[0], share_values[1], share_values[2]),
                    horizon=horizon or 0,
                    discount_rate=engine.DEFAULT_DISCOUNT_RATE if rate_pct is None else rate_pct,
                    name=state["name"] or "Budgetøkonomisk skøn",
                    target_group=target_group.name if target_group else "",
                    area=target_group.area if target_group else "adult_social",
                    **knowledge,
                )
                calculation = services.save_calculation(
                    request.user,
                    engine.case_to_json(case),
                    draws=engine.DEFAULT_DRAWS,
                    seed=engine.DEFAULT_SEED,
                    knowledge_version=selectors.current_version(),
                    mode=Calculation.Mode.QUICK,
                    municipality=municipality,
                    target_group=target_group,
                    uses_illustrative_data=defaults.illustrative,
                )
                messages.success(request, _("Skønnet er gemt."))
                return redirect(calculation)
            except engine.SomInputError as exc:
                quick_fields = {
                    "saving_shares": "share-0",
                    "intake": "citizens_per_year",
                    "intake[0]": "citizens_per_year",
                    "horizon": "horizon",
                    "discount_rate": "discount_rate_pct",
                    "outcomes[0].success_rate": "success_rate-value",
                    "costs[0].amount": "cost_per_citizen-value",
                    "annual_saving_per_success": "annual_saving-value",
                    "outcomes[0].scale": "annual_saving-value",
                }
                quick_labels = {
                    "share-0": _("Fordeling på myndigheder"),
                    "citizens_per_year": _("Borgere pr. år"),
                    "horizon": _("Horisont"),
                    "discount_rate_pct": _("Diskonteringsrente"),
                    "success_rate-value": _("Succesrate"),
                    "cost_per_citizen-value": _("Pris pr. borger"),
                    "annual_saving-value": _("Besparelse pr. succes"),
                }
                for p in exc.problems:
                    form_field = quick_fields.get(p.field, p.field)
                    problems.add(form_field, quick_labels.get(form_field, p.field), forms.engine_message(p))
    context = {
        "state": state,
        "problems": problems,
        "target_group": target_group,
        "municipality": municipality,
        "dist_choices": forms.DIST_CHOICES,
        "authorities": engine.AUTHORITIES,
        "illustrative": defaults.illustrative,
        "profile": profile,
    }
    return render(request, "som/quick.html", context, status=422 if problems else 200)


def _as_quantity(raw):
    if raw is None or isinstance(raw, int | float):
        return 0.0 if raw is None else float(raw)
    problems: list[engine.FieldProblem] = []
    value = engine.parse_quantity(raw, "", problems)
    return 0.0 if value is None else value


def _quick_profile(defaults: selectors.Defaults, horizon: int) -> dict | None:
    """The knowledge database's saving per success for the first outcome, year by year and by authority
    (engine.saving_per_success), with the reference year the user's saving scales; None without one."""
    consequences, prices = selectors.first_outcome_for_engine(defaults)
    reference = engine.reference_saving(consequences, prices, horizon) if consequences else None
    if reference is None:
        return None
    by_year = engine.saving_per_success(consequences, prices, horizon)
    return {
        "consequences": consequences,
        "prices": prices,
        "reference_year": reference[0],
        "reference_saving": reference[1],
        "rows": [
            {"year": k + 1, "authorities": list(row), "total": float(row.sum())}
            for k, row in enumerate(by_year)
            if row.any()
        ],
        "shares": _shares(by_year[reference[0] - 1]),
    }


def _shares(saving) -> tuple[float, float, float]:
    positive = [max(0.0, float(x)) for x in saving]
    total = sum(positive)
    if total <= 0:
        return (1.0, 0.0, 0.0)
    return (positive[0] / total, positive[1] / total, positive[2] / total)


@login_required
def edit_calculation(request, pk: int):
    """The calculator filled with a saved calculation. Saving changes it, or makes a new version when a
    recorded gate decision may rest on it (services.save_calculation with edit_of)."""
    calc = _visible_calculation(request, pk)
    require(request.user, "som.change_calculation", calc)
    state, lost = forms.state_from_case(calc.case, calc.draws, calc.seed)
    state["edit_of"] = calc.pk
    context = _calculator_context(
        request,
        state,
        target_group=calc.target_group,
        initiative=calc.initiative,
        municipality=calc.municipality,
    )
    context.update(
        {"illustrative": calc.uses_illustrative_data, "lost": lost, "edits": calc,
         "new_version": services.is_recorded(calc)}
    )  # fmt: skip
    return render(request, "som/calculator.html", context)


@login_required
def copy_calculation(request, pk: int):
    if request.method != "POST":
        return redirect("som:calculation", pk=pk)
    calc = _visible_calculation(request, pk)
    copy = services.copy_calculation(request.user, calc)
    messages.success(request, _("Beregningen er kopieret."))
    return redirect(copy)


@login_required
def delete_calculation(request, pk: int):
    calc = _visible_calculation(request, pk)
    require(request.user, "som.change_calculation", calc)
    if request.method != "POST":
        return redirect(calc)
    try:
        services.delete_calculation(request.user, calc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(calc)
    messages.success(request, _("Beregningen er slettet."))
    return redirect("som:index")


def _calculation_page(calc) -> dict:
    """What the calculation page shows of the simulation: rerun from the stored case, draws and seed, then kept
    (see chart_cache.calculation_page) so later views only read it. The Monte Carlo draws themselves (~2 MB) are
    not kept: only the figures the page prints."""
    case, result, mc = services.recalculate(calc)
    yearly_rows = [
        {
            "year": y,
            "costs": result.costs[t],
            "gains": result.gains[t],
            "net": result.net[t],
            "authorities": [result.net_by_authority[a.code][t] for a in engine.AUTHORITIES],
            "cumulative": result.cumulative_discounted[t],
            "p_break_even": float(mc.probability_break_even[t]) if mc else None,
            "p5": float(mc.cumulative_percentiles[5][t]) if mc else None,
            "p95": float(mc.cumulative_percentiles[95][t]) if mc else None,
        }
        for t, y in enumerate(result.years)
    ]
    return {
        "case": case,
        "result": result,
        "mc": {"pv_percentiles": mc.pv_percentiles} if mc else None,
        "yearly_rows": yearly_rows,
        "pv_by_authority": [(localized(a), result.pv_by_authority[a.code]) for a in engine.AUTHORITIES],
        "pv_by_area": [(AREA_NAMES[k], v) for k, v in result.pv_by_area.items()],
        "pv_by_committee": [(COMMITTEE_NAMES[k], v) for k, v in result.pv_by_committee.items()],
        **chart_cache.draw_charts(result, mc),
        "p_positive": float((mc.present_value >= 0).mean()) if mc else None,
    }


@login_required
def calculation(request, pk: int):
    calc = _visible_calculation(request, pk)
    context = {
        "calculation": calc,
        "authorities": engine.AUTHORITIES,
        # Simulated and drawn once per calculation (and language, and code version), then read: see chart_cache.
        **chart_cache.calculation_page(calc, lambda: _calculation_page(calc)),
        "others": selectors.visible_calculations(request.user, exclude=calc.pk, limit=20),
        "can_save_group": calc.target_group_id is None
        and bool(calc.case.get("target_group"))
        and request.user.organisation_id is not None
        and can(request.user, "som.calculate"),
        "can_change": can(request.user, "som.change_calculation", calc),
        "can_share": can(request.user, "som.share_calculation", calc),
        "is_recorded": services.is_recorded(calc),
    }
    return render(request, "som/calculation.html", context)


@login_required
def save_target_group(request, pk: int):
    """Keep a calculation's own target group in the knowledge database (for the user's organisation)."""
    calc = _visible_calculation(request, pk)
    if request.method != "POST":
        return redirect(calc)
    try:
        group = services.save_own_target_group(request.user, calc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Målgruppen »%(name)s« er gemt og kan vælges i næste beregning.") % {"name": group.name},
        )
    return redirect(calc)


@login_required
def export_excel(request, pk: int):
    calc = _visible_calculation(request, pk)
    _case, result, mc = services.recalculate(calc)
    response = HttpResponse(
        exports.excel(calc, result, mc),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="som-beregning-{calc.pk}.xlsx"'
    return response


@login_required
def export_json(request, pk: int):
    calc = _visible_calculation(request, pk)
    _case, result, mc = services.recalculate(calc)
    response = HttpResponse(exports.as_json(calc, result, mc), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="som-beregning-{calc.pk}.json"'
    return response


@login_required
def compare(request):
    ids = [int(i) for i in request.GET.getlist("ids") if i.isdigit()][:6]
    calcs = [_visible_calculation(request, pk) for pk in ids]
    if len(calcs) < 2:
        messages.error(request, _("Vælg mindst to gemte beregninger at sammenligne."))
        return redirect("som:index")
    columns = []
    series = []
    for c in calcs:
        det = c.result["deterministic"]
        mc = c.result.get("monte_carlo")
        columns.append({"calc": c, "det": det, "mc": mc})
        series.append((c.name, det["years"], det["cumulative_discounted"]))
    # The scenarios added up as one portfolio (e.g. several interventions of one municipality): sums per year
    # and authority, and the uncertainty of the sum with shared inputs (prices) drawn once.
    portfolio = simulate_portfolio(
        [engine.parse_case(c.case) for c in calcs],
        draws=max(c.draws for c in calcs) or engine.DEFAULT_DRAWS,
        seed=engine.DEFAULT_SEED,
    )
    by_year = portfolio.deterministic_net_by_authority
    portfolio_rows = [
        {"year": t + 1, "authorities": list(by_year[t]), "total": float(by_year[t].sum())}
        for t in range(by_year.shape[0])
    ]
    context = {
        "columns": columns,
        "chart": charts.compare(series),
        "authorities": engine.AUTHORITIES,
        "portfolio_rows": portfolio_rows,
        "portfolio_pv": {
            "mean": float(portfolio.present_value.mean()),
            **{f"p{k}": v for k, v in portfolio.pv_percentiles().items()},
            "positive": float((portfolio.present_value >= 0).mean()),
        },
    }
    return render(request, "som/compare.html", context)


# --- knowledge database -------------------------------------------------------------------------------


@login_required
def knowledge(request):
    require(request.user, "som.view_knowledge")
    context = {
        "target_groups": selectors.visible_target_groups(request.user).prefetch_related("outcomes"),
        "consequences": visible_knowledge(
            request.user, Consequence.objects.select_related("target_group", "outcome"), TARGET_GROUP_OWNER
        ),
        "prices": visible_knowledge(request.user, Price.objects.select_related("organisation")),
        "studies": visible_knowledge(
            request.user, EffectStudy.objects.select_related("target_group", "outcome"), TARGET_GROUP_OWNER
        ),
        "versions": selectors.visible_versions(request.user)[:10],
        "version": selectors.current_version(),
        "can_edit": can(request.user, "som.edit_knowledge"),
        "tables": knowledge_io.TABLES,
        "area_names": AREA_NAMES,
        "committee_names": COMMITTEE_NAMES,
        "service_names": {p.service: p.name for p in Price.objects.filter(organisation__isnull=True)},
        "any_illustrative": Price.objects.filter(is_illustrative=True).exists()
        or Consequence.objects.filter(is_illustrative=True).exists(),
    }
    return render(request, "som/knowledge.html", context)


@login_required
def knowledge_export(request):
    require(request.user, "som.view_knowledge")
    table = request.GET.get("table", "")
    if table:
        if table not in knowledge_io.TABLE_BY_KEY:
            raise Http404
        response = HttpResponse(
            knowledge_io.export_csv(table, request.user), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="som-{table}.csv"'
        return response
    response = HttpResponse(
        knowledge_io.export_xlsx(request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="som-vidensdatabase.xlsx"'
    return response


@login_required
def knowledge_import(request):
    require(request.user, "som.edit_knowledge")
    if request.method != "POST":
        return redirect("som:knowledge")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Vælg en fil at importere."))
        return redirect("som:knowledge")
    data = upload.read()
    try:
        # What can be checked at once is (an unreadable file is refused here); the writing runs as a job.
        knowledge_io.parse_upload(data, upload.name, request.POST.get("table", ""))
    except DomainError as exc:
        messages.error(request, _("Importen blev afvist, og intet er ændret: %(msg)s") % {"msg": exc.message})
        return redirect("som:knowledge")
    job = jobs.enqueue(
        "som.knowledge_import",
        user=request.user,
        args={"filename": upload.name[:255], "table": request.POST.get("table", "")},
        payload=data,
        return_url=reverse("som:knowledge"),
    )
    return redirect("jobs:job", pk=job.pk)


KNOWLEDGE_FORMS = {
    "pris": (
        Price,
        (
            "name",
            "unit",
            "municipality",
            "region",
            "state",
            "area",
            "committee",
            "price_year",
            "source",
            "is_illustrative",
        ),
        "priser",
        gettext_lazy("pris"),
    ),
    "konsekvens": (
        Consequence,
        ("year_after_success", "change", "standard_error", "source", "is_illustrative"),
        "konsekvenser",
        gettext_lazy("konsekvens"),
    ),
    "studie": (
        EffectStudy,
        ("intervention", "title", "year", "grade", "effect", "standard_error", "source", "is_illustrative"),
        "studier",
        gettext_lazy("effektstudie"),
    ),
}


@login_required
def knowledge_edit(request, kind: str, pk: int):
    """Edit one row of the knowledge database; saving makes a new version."""
    require(request.user, "som.edit_knowledge")
    if kind not in KNOWLEDGE_FORMS:
        raise Http404
    model, fields, anchor, label = KNOWLEDGE_FORMS[kind]
    row = get_object_or_404(model, pk=pk)
    form_class = modelform_factory(model, fields=fields)
    form = form_class(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.save_knowledge_row(
                request.user, form.instance, f"{label.capitalize()} rettet: {row}"
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ændringen er gemt som version %(v)d.") % {"v": version.number})
            return redirect(reverse("som:knowledge") + f"#{anchor}")
    status = 422 if request.method == "POST" else 200
    return render(
        request, "som/knowledge_form.html", {"form": form, "row": row, "label": label}, status=status
    )


# --- shared calculations (SØM's erfaringsdatabase; som.sharing) ---------------------------------------


@login_required
def share_calculation(request, pk: int):
    """POST: share with every user (with a description) or, with `withdraw`, stop sharing."""
    from . import sharing

    calc = _visible_calculation(request, pk)
    require(request.user, "som.share_calculation", calc)
    if request.method != "POST":
        return redirect(calc)
    try:
        if request.POST.get("withdraw"):
            sharing.withdraw_calculation(request.user, calc)
            messages.success(request, _("Beregningen deles ikke længere."))
        else:
            sharing.share_calculation(request.user, calc, request.POST.get("share_description", ""))
            messages.success(request, _("Beregningen er delt med alle brugere."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(calc)


@login_required
def shared_list(request):
    """The shared calculations, searchable by target group, intervention and municipality."""
    from . import sharing

    require(request.user, "som.view_knowledge")
    filters = {
        k: request.GET.get(k, "").strip()[:100] for k in ("target_group", "intervention", "municipality", "q")
    }
    calculations = sharing.shared_calculations(request.user, **filters)[:200]
    context = {
        "calculations": calculations,
        "filters": filters,
        "target_groups": selectors.visible_target_groups(request.user).filter(user_defined=False),
        "municipalities": Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).order_by("name"),
    }
    return render(request, "som/shared.html", context)


# --- the evidence chain into the knowledge database (som.chain) ----------------------------------------


def _chain_target_group(request) -> TargetGroup:
    group = _target_group(request, request.POST.get("target_group", ""))
    if group is None:
        raise DomainError("target_group", _("Vælg en målgruppe i vidensdatabasen."))
    return group


def _published_message(request, published) -> None:
    from . import chain

    if published.changed:
        messages.success(
            request,
            _("Vidensdatabasen er opdateret: version %(number)s.") % {"number": published.version.number},
        )
    else:
        messages.info(request, _("Det samme findes allerede i vidensdatabasen; ingen ny version."))
    if published.warning:
        messages.warning(request, str(chain.REGISTER_WARNING))


@login_required
def knowledge_from_evaluation(request, pk: int):
    """POST: a saved effect evaluation becomes an effect study (a new knowledge version)."""
    from susi.outcomes.models import EffectEvaluation

    from . import chain

    require(request.user, "som.edit_knowledge")
    evaluation = get_object_or_404(
        EffectEvaluation.objects.select_related("initiative__intervention", "instrument", "occasion"), pk=pk
    )
    if request.method != "POST":
        return redirect("outcomes:initiative", pk=evaluation.initiative_id)
    try:
        published = chain.publish_evaluation(
            request.user,
            evaluation,
            target_group=_chain_target_group(request),
            outcome=request.POST.get("outcome") or None,
            design=request.POST.get("design") or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outcomes:initiative", pk=evaluation.initiative_id)
    _published_message(request, published)
    return redirect("som:knowledge")


@login_required
def knowledge_from_register(request, pk: int):
    """POST: an initiative's register follow-up becomes consequences per year (a new knowledge version)."""
    from . import chain

    require(request.user, "som.edit_knowledge")
    initiative = get_object_or_404(Initiative, pk=pk)
    if request.method != "POST":
        return redirect("outcomes:initiative", pk=pk)
    try:
        published = chain.publish_register(
            request.user, initiative, target_group=_chain_target_group(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("outcomes:initiative", pk=pk)
    _published_message(request, published)
    return redirect("som:knowledge")


@login_required
def knowledge_from_meta(request, pk: int):
    """POST: a saved meta-analysis becomes a grade-1 effect study (a new knowledge version)."""
    from susi.evidence.models import MetaAnalysis

    from . import chain

    require(request.user, "som.edit_knowledge")
    meta = get_object_or_404(MetaAnalysis.objects.select_related("intervention"), pk=pk)
    if request.method != "POST":
        return redirect(meta)
    try:
        rate = float(request.POST.get("baseline_rate", "").replace(",", "."))
    except ValueError:
        messages.error(request, _("Angiv den nuværende praksis' andel som et tal mellem 0 og 1 (fx 0,02)."))
        return redirect(meta)
    try:
        published = chain.publish_meta_analysis(
            request.user,
            meta,
            target_group=_chain_target_group(request),
            outcome=request.POST.get("outcome") or None,
            baseline_rate=rate,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(meta)
    _published_message(request, published)
    return redirect("som:knowledge")
