"""The evidence chain into SØM's knowledge database: each publication is ONE new knowledge version with its
provenance (which analysis, which data, who, when), so saved calculations keep the version they used.

* `publish_evaluation(user, evaluation, target_group=, outcome=, design=None)` — a saved effect evaluation
  (outcomes.EffectEvaluation) becomes an effect study: its SØM success rate and standard error, graded 1-3 by
  the design it earns (`engines.evidence.from_evaluation`).
* `publish_meta_analysis(user, meta, target_group=, outcome=, baseline_rate=)` — a saved meta-analysis
  (evidence.MetaAnalysis) becomes a grade-1 effect study: its pooled effect turned into the additional share
  reaching success at the current practice's rate (`engines.evidence.conversions.success_rate`).
* `publish_register(user, initiative, target_group=)` — a register follow-up (outcomes.RegisterOutcome, years ×
  outcomes) becomes consequences per year of an outcome "took part in <intervention>", through the declared
  table `REGISTER_SERVICES` (register outcome → service, units per register unit), with the service prices
  they need, and a warning that register differences are associations.

Publishing the same thing again changes nothing (no new version); a newer estimate updates the row, whose
history keeps the old one (`selectors.knowledge_as_of`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from susi.accounts.permissions import require
from susi.engines import evidence as evidence_engine
from susi.engines.evidence.from_evaluation import design_for, grade_for
from susi.web.api_errors import DomainError

from .models import Consequence, EffectStudy, KnowledgeVersion, Outcome, Price, TargetGroup
from .services import new_version

#: The warning every register-based consequence carries (SØM says the same of its own consequences).
REGISTER_WARNING = gettext_lazy(
    "Forskellene i registeropfølgningen er sammenhænge mellem de indskrevne og sammenligningsgruppen, ikke "
    "nødvendigvis virkninger af indsatsen: de kan kun læses som årsag, hvis designet (fx lodtrækning) "
    "understøtter det."
)


@dataclass(frozen=True)
class RegisterService:
    """How one register outcome becomes a SØM consequence: `units` service units per register unit (a share of
    the year in employment × 12 = months), and the price used when the knowledge database has none."""

    service: str
    units: float
    name: str
    unit: str
    municipality: float
    region: float
    state: float
    area: str
    committee: str = ""


#: Register outcome (engines.evaluation.register / outcomes.RegisterOutcome.outcome) → SØM service. The
#: fallback prices are illustrative (marked so) and only used when the service has no national price yet.
REGISTER_SERVICES: dict[str, RegisterService] = {
    "employment": RegisterService(
        "employment_month",
        12,
        "Måned i ordinær beskæftigelse",
        "måned",
        -7500,
        0,
        -10500,
        "employment",
        "employment",
    ),
    "education": RegisterService(
        "education_month", 12, "Måned i uddannelse", "måned", 0, 0, 11500, "education"
    ),
    "housing": RegisterService(
        "shelter_night", -365, "Overnatning på herberg (§ 110)", "døgn", 450, 0, 450, "housing", "social"
    ),
    "placement": RegisterService(
        "foster_care_day", 365, "Anbringelsesdøgn", "døgn", 2400, 0, 0, "children_social", "children_youth"
    ),
    "hospital_contacts": RegisterService(
        "emergency_visit", 1, "Skadestuebesøg", "besøg", 350, 2100, 0, "health", "health_elderly"
    ),
    "convictions": RegisterService("police_charge", 1, "Sigtelse", "sag", 0, 0, 21000, "police_justice"),
}


@dataclass(frozen=True)
class Published:
    """What a publication did: the new version (None when nothing changed) and the rows it wrote."""

    version: KnowledgeVersion | None
    studies: list[EffectStudy] = field(default_factory=list)
    consequences: list[Consequence] = field(default_factory=list)
    prices_created: list[Price] = field(default_factory=list)
    warning: str = ""

    @property
    def changed(self) -> bool:
        return self.version is not None


def _outcome(target_group: TargetGroup, outcome: str | None) -> Outcome:
    qs = target_group.outcomes.order_by("pk")
    found = qs.filter(code=outcome).first() if outcome else qs.first()
    if found is None:
        raise DomainError("outcome", _("Målgruppen har ikke det valgte succesmål."))
    return found


def _check_target_group(user, target_group: TargetGroup) -> None:
    require(user, "som.edit_knowledge")
    require(user, "som.view_target_group", target_group)


def _upsert_study(user, key: str, values: dict[str, Any], note: str, provenance: dict[str, Any]) -> Published:
    with transaction.atomic():
        study = EffectStudy.objects.select_for_update().filter(source_key=key).first()
        if study is not None and all(getattr(study, k) == v for k, v in values.items()):
            return Published(None, [study])
        study = study or EffectStudy(source_key=key)
        for name, value in values.items():
            setattr(study, name, value)
        study.full_clean()
        study.save()
        version = new_version(user, note)
        version.provenance = {**provenance, "effect_study_id": study.pk}
        version.save(update_fields=["provenance"])
    return Published(version, [study])


def _who_when(user) -> dict[str, Any]:
    return {"published_by": getattr(user, "username", None), "published_at": timezone.now().isoformat()}


def publish_evaluation(
    user, evaluation, *, target_group: TargetGroup, outcome: str | None = None, design: str | None = None
) -> Published:
    """A saved effect evaluation as an effect study in `target_group`'s `outcome` (first outcome by default)."""
    _check_target_group(user, target_group)
    require(user, "outcomes.view_aggregates", evaluation.initiative)
    if evaluation.som_success_rate is None:
        raise DomainError(
            "som_success_rate",
            _(
                "Effektevalueringen har ingen succesrate til SØM. Gem estimatet med den nuværende praksis' andel "
                "(grundraten), eller brug et ja/nej-udfald."
            ),
        )
    try:
        the_design = design_for(evaluation.method, design)
    except evidence_engine.EvidenceInputError as exc:
        raise DomainError.from_engine(exc) from exc
    grade = grade_for(the_design)
    if grade is None:
        raise DomainError(
            "design", _("SØM graderer kun effektstudier med en kontrolgruppe eller en før/efter-måling.")
        )
    initiative = evaluation.initiative
    se = (evaluation.inputs or {}).get("som_success_rate_sd")
    values = {
        "target_group": target_group,
        "outcome": _outcome(target_group, outcome),
        "intervention": initiative.intervention.name[:200],
        "title": (
            _("%(initiative)s: platformens egen effektevaluering (%(instrument)s)")
            % {"initiative": initiative.title, "instrument": evaluation.instrument.name}
        )[:300],
        "year": evaluation.created_at.year,
        "grade": int(grade),
        "effect": float(evaluation.som_success_rate),
        "standard_error": float(se) if se else None,
        "source": (
            _("Effektevaluering nr. %(id)s (%(method)s, n = %(n1)s + %(n2)s)")
            % {
                "id": evaluation.pk,
                "method": evaluation.method_label,
                "n1": evaluation.n_treated,
                "n2": evaluation.n_control,
            }
        )[:400],
        "is_illustrative": False,
    }
    provenance = {
        "kind": "effect_evaluation",
        "evaluation_id": evaluation.pk,
        "initiative_id": initiative.pk,
        "instrument": evaluation.instrument.code,
        "followup": evaluation.occasion.number,
        "method": evaluation.method,
        "design": the_design.value,
        "estimated_at": evaluation.created_at.isoformat(),
        **_who_when(user),
    }
    note = f"Effektstudie fra effektevaluering nr. {evaluation.pk} ({initiative.title})"
    return _upsert_study(
        user,
        f"evaluation:{initiative.pk}:{evaluation.instrument.code}:{evaluation.occasion.number}",
        values,
        note,
        provenance,
    )


def publish_meta_analysis(
    user, meta, *, target_group: TargetGroup, outcome: str | None = None, baseline_rate: float
) -> Published:
    """A saved meta-analysis as a grade-1 effect study: the pooled effect as the additional share reaching
    success at the current practice's rate `baseline_rate` (its 95 % interval gives the standard error)."""
    _check_target_group(user, target_group)
    result = meta.result or {}
    try:
        rate = evidence_engine.success_rate(
            meta.measure,
            float(result["estimate"]),
            float(result["ci_low"]),
            float(result["ci_high"]),
            float(baseline_rate),
            desirable_outcome=meta.higher_is_better,
        )
    except evidence_engine.EvidenceInputError as exc:
        raise DomainError.from_engine(exc) from exc
    except (KeyError, TypeError, ValueError):
        raise DomainError("meta_analysis", _("Metaanalysen har intet samlet estimat at føre over.")) from None
    values = {
        "target_group": target_group,
        "outcome": _outcome(target_group, outcome),
        "intervention": meta.intervention.name[:200],
        "title": (_("Metaanalyse: %(title)s") % {"title": meta.title})[:300],
        "year": meta.created_at.year,
        "grade": 1,
        "effect": float(rate.mean),
        "standard_error": float(rate.sd) if rate.sd > 0 else None,
        "source": (
            _("Metaanalyse nr. %(id)s i evidensbasen (%(k)s studier, %(measure)s, grundrate %(base)s)")
            % {"id": meta.pk, "k": result.get("k"), "measure": meta.measure, "base": f"{baseline_rate:g}"}
        )[:400],
        "is_illustrative": False,
    }
    provenance = {
        "kind": "meta_analysis",
        "meta_analysis_id": meta.pk,
        "studies": list(meta.studies.values_list("pk", flat=True)),
        "measure": meta.measure,
        "baseline_rate": baseline_rate,
        "analysed_at": meta.created_at.isoformat(),
        **_who_when(user),
    }
    note = f"Effektstudie fra metaanalyse nr. {meta.pk} ({meta.title})"
    return _upsert_study(user, f"meta:{meta.intervention_id}:{meta.outcome}"[:100], values, note, provenance)


# --- register follow-up → consequences ------------------------------------------------------------------


def _ensure_price(spec: RegisterService) -> Price | None:
    """The national price of the service, created (illustrative, to be corrected) when it is missing."""
    if Price.objects.filter(service=spec.service, organisation__isnull=True).exists():
        return None
    return Price.objects.create(
        service=spec.service,
        name=spec.name,
        unit=spec.unit,
        municipality=spec.municipality,
        region=spec.region,
        state=spec.state,
        area=spec.area,
        committee=spec.committee,
        price_year=timezone.now().year,
        source=_("Standardpris til registeropfølgning – illustrativ, ret den"),
        is_illustrative=True,
    )


def register_rows(initiative) -> list[Any]:
    """The follow-up rows that can become consequences: a known register outcome with a shown difference."""
    from susi.outcomes.models import RegisterOutcome

    rows = RegisterOutcome.objects.filter(initiative=initiative).order_by("outcome", "year")
    return [r for r in rows if r.outcome in REGISTER_SERVICES and r.difference is not None]


def _register_outcome(target_group: TargetGroup, initiative) -> Outcome:
    code = f"register-{initiative.pk}"
    outcome, _created = Outcome.objects.get_or_create(
        target_group=target_group,
        code=code,
        defaults={
            "name": (
                _("Deltog i %(intervention)s (registeropfølgning)")
                % {"intervention": initiative.intervention.name}
            )[:200],
            "description": str(REGISTER_WARNING),
            "source": (_("Registeropfølgning på initiativet »%(title)s«") % {"title": initiative.title})[
                :400
            ],
        },
    )
    return outcome


def publish_register(user, initiative, *, target_group: TargetGroup) -> Published:
    """The register follow-up's yearly differences as consequences per year (change = difference × units, its
    standard error likewise), in an outcome "took part in <intervention>" of `target_group`."""
    _check_target_group(user, target_group)
    require(user, "outcomes.view_aggregates", initiative)
    rows = register_rows(initiative)
    if not rows:
        raise DomainError("register", _("Initiativet har ingen registeropfølgning med viste forskelle."))
    source = (
        _("Registeropfølgning på initiativet »%(title)s« (sammenhæng, ikke nødvendigvis årsag)")
        % {"title": initiative.title}
    )[:400]
    with transaction.atomic():
        outcome = _register_outcome(target_group, initiative)
        prices = [
            p for p in (_ensure_price(REGISTER_SERVICES[o]) for o in sorted({r.outcome for r in rows})) if p
        ]
        written, changed = [], bool(prices)
        for r in rows:
            spec = REGISTER_SERVICES[r.outcome]
            change = r.difference * spec.units
            se = abs(r.se * spec.units) if r.se is not None and math.isfinite(r.se) else None
            consequence, created = Consequence.objects.get_or_create(
                outcome=outcome,
                service=spec.service,
                year_after_success=r.year,
                defaults={
                    "target_group": target_group,
                    "change": change,
                    "standard_error": se,
                    "source": source,
                },
            )
            if not created and (consequence.change, consequence.standard_error) != (change, se):
                consequence.change, consequence.standard_error, consequence.source = change, se, source
                consequence.save()
                created = True
            changed = changed or created
            written.append(consequence)
        if not changed:
            return Published(None, consequences=written, warning=str(REGISTER_WARNING))
        version = new_version(user, f"Konsekvenser fra registeropfølgning ({initiative.title})")
        version.provenance = {
            "kind": "register_followup",
            "initiative_id": initiative.pk,
            "outcomes": sorted({r.outcome for r in rows}),
            "years": sorted({r.year for r in rows}),
            "computed_at": max(r.computed_at for r in rows).isoformat(),
            "target_group": target_group.code,
            "causal": False,
            **_who_when(user),
        }
        version.save(update_fields=["provenance"])
    return Published(version, consequences=written, prices_created=prices, warning=str(REGISTER_WARNING))
