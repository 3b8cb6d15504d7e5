"""Reads of the SØM knowledge database and of saved calculations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet

from susi.accounts import permissions

from .models import (
    Calculation,
    Consequence,
    EffectStudy,
    KnowledgeVersion,
    Outcome,
    Price,
    TargetGroup,
    TargetGroupSize,
)


def current_version() -> int:
    return KnowledgeVersion.objects.aggregate(n=Max("number"))["n"] or 0


def visible_target_groups(user) -> QuerySet[TargetGroup]:
    """National target groups plus those the user's own organisation defined (the rule's twin)."""
    return permissions.visible_target_groups(user)


def visible_versions(user) -> QuerySet[KnowledgeVersion]:
    """The knowledge-database versions `user` may read (see permissions.visible_knowledge_versions)."""
    return permissions.visible_knowledge_versions(user)


def visible_calculations(user, *, exclude: int | None = None, limit: int | None = None) -> list[Calculation]:
    """The saved calculations `user` may open (the twin of `som.view_calculation`), newest first; `limit` of
    them, without the one whose pk is `exclude`, are read from the database."""
    qs = permissions.visible_calculations(user).select_related(
        "owner", "initiative", "municipality", "target_group"
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs[:limit] if limit is not None else qs)


def prices_for(organisation_id: int | None) -> dict[str, Price]:
    """Prices by service code: the municipality's own prices where it has them, national prices otherwise."""
    prices = {p.service: p for p in Price.objects.filter(organisation__isnull=True)}
    if organisation_id is not None:
        prices.update({p.service: p for p in Price.objects.filter(organisation_id=organisation_id)})
    return prices


def knowledge_as_of(version: int) -> dict[str, Any]:
    """Prices and consequences as they were right after knowledge version `version` (from the change
    history), so a calculation can be rebuilt from the database it used."""
    stamp = KnowledgeVersion.objects.get(number=version).created_at
    return {
        "prices": {p.service: p for p in Price.history.as_of(stamp) if p.organisation_id is None},
        "consequences": list(Consequence.history.as_of(stamp)),
    }


@dataclass
class OutcomeDefaults:
    outcome: Outcome
    success_rate: float | None  # mean of the best-graded studies' effects
    success_rate_se: float | None
    studies: list[EffectStudy]
    consequences: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Defaults:
    target_group: TargetGroup | None
    citizens_per_year: int | None
    outcomes: list[OutcomeDefaults]
    prices: dict[str, Price]
    illustrative: bool


def pooled_effect(studies: list[EffectStudy]) -> tuple[float | None, float | None]:
    """A default success rate from the studies (a starting point the user may change): the SØM engine's
    design-adjusted, random-effects pooled rate and its predictive sd (engines.som.effects)."""
    from susi.engines.som.effects import Study, pooled_success_rate

    pooled = pooled_success_rate([Study(s.effect, s.standard_error, s.grade) for s in studies])
    if pooled is None:
        return None, None
    return pooled.mean, pooled.sd


def defaults_for(target_group: TargetGroup | None, organisation_id: int | None) -> Defaults:
    """Everything the calculator prefills from the knowledge database for a target group and municipality."""
    prices = prices_for(organisation_id)
    if target_group is None:
        return Defaults(None, None, [], prices, False)
    size = TargetGroupSize.objects.filter(target_group=target_group, organisation_id=organisation_id).first()
    outcomes = []
    illustrative = target_group.is_illustrative
    for outcome in target_group.outcomes.all().order_by("pk"):
        studies = list(outcome.studies.all())
        mean, se = pooled_effect(studies)
        by_service: dict[str, list[Consequence]] = {}
        for c in outcome.consequences.all().order_by("service", "year_after_success"):
            by_service.setdefault(c.service, []).append(c)
            illustrative = illustrative or c.is_illustrative
        consequences = []
        for service, rows in by_service.items():
            yearly = [r for r in rows if r.year_after_success]
            if yearly:
                change = "; ".join(f"{r.change:g}" for r in yearly)
                se_values = [r.standard_error for r in yearly if r.standard_error]
                se_c = max(se_values) if se_values else None
            else:
                change = f"{rows[0].change:g}"
                se_c = rows[0].standard_error
            consequences.append({"service": service, "change": change, "se": se_c, "source": rows[0].source})
        outcomes.append(OutcomeDefaults(outcome, mean, se, studies, consequences))
    illustrative = illustrative or any(p.is_illustrative for p in prices.values())
    return Defaults(target_group, size.citizens_per_year if size else None, outcomes, prices, illustrative)


def first_outcome_for_engine(defaults: Defaults) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The first outcome's consequences (at their means) and the prices they need, as engine objects: what
    the quick estimate scales (engine.quick_case with `consequences`/`prices`)."""
    from susi.engines import som as engine

    if not defaults.outcomes:
        return (), ()
    consequences: list[Any] = []
    prices: list[Any] = []
    for c in defaults.outcomes[0].consequences:
        price = defaults.prices.get(c["service"])
        if price is None:
            continue
        values = tuple(float(x) for x in str(c["change"]).split(";") if x.strip())
        if not values:
            continue
        consequences.append(engine.Consequence(c["service"], values if len(values) > 1 else values[0]))
        if all(p.service != price.service for p in prices):
            prices.append(
                engine.Price(
                    price.service,
                    municipality=price.municipality,
                    region=price.region,
                    state=price.state,
                    area=price.area,
                    committee=price.committee or None,
                    unit=price.unit,
                    name=price.name,
                )
            )
    return tuple(consequences), tuple(prices)


def economy_summary(initiative) -> dict[str, Any] | None:
    """The SØM result a gate's *økonomi* can rest on: the initiative's latest saved calculation (full mode
    preferred), with the chance of having broken even by the horizon and the return per krone. For the gate
    suggestions (issue 14, item 4); None when the initiative has no calculation."""
    calc = (
        Calculation.objects.filter(initiative=initiative)
        .order_by(_full_first(), "-created_at", "-pk")
        .first()
    )
    if calc is None:
        return None
    det = (calc.result or {}).get("deterministic") or {}
    mc = (calc.result or {}).get("monte_carlo") or {}
    chances = mc.get("probability_break_even") or []
    return {
        "calculation_id": calc.pk,
        "name": calc.name,
        "knowledge_version": calc.knowledge_version,
        "horizon": len(chances) or calc.case.get("horizon"),
        "present_value": det.get("present_value"),
        "break_even_year": det.get("break_even_year"),
        "return_per_krone": det.get("return_per_krone"),
        "probability_break_even": chances[-1] if chances else None,
        "illustrative": calc.uses_illustrative_data,
    }


def _full_first():
    """Order full calculations before quick estimates."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        When(mode=Calculation.Mode.FULL, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def studies_as_of(version: int) -> list[Any]:
    """The effect studies as they were right after knowledge version `version`."""
    stamp = KnowledgeVersion.objects.get(number=version).created_at
    return list(EffectStudy.history.as_of(stamp))
