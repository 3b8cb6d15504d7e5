"""Every write of the SØM app, each in one transaction: knowledge edits (each a new version), imports, and
saving a calculation. Bad input raises DomainError / SomInputError before anything is written."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from susi.accounts.permissions import can, require
from susi.engines import som as engine
from susi.engines.text import Text
from susi.web.api_errors import DomainError

from .models import Calculation, KnowledgeVersion, TargetGroup


def new_version(user, note: str) -> KnowledgeVersion:
    """Record one edit of the knowledge database. Call inside the edit's transaction."""
    number = (KnowledgeVersion.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
    return KnowledgeVersion.objects.create(number=number, created_by=user, note=note[:300])


def save_knowledge_row(user, instance, note: str) -> KnowledgeVersion:
    """Save one edited knowledge row (a form's instance) as a new version."""
    require(user, "som.edit_knowledge")
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        return new_version(user, note)


def run(
    case_data: dict[str, Any], draws: int, seed: int
) -> tuple[engine.Case, engine.SomResult, engine.MonteCarloResult | None]:
    """Validate and calculate a case-file dict (raises SomInputError naming the field)."""
    _check_draws(draws)
    return run_case(engine.read_case(case_data), draws, seed)


def _check_draws(draws: int) -> None:
    if not 0 <= draws <= 100_000:
        raise engine.SomInputError(
            "draws", Text("antal træk skal være mellem 0 og 100.000", "must be between 0 and 100,000")
        )


def run_case(
    spec: engine.SomCase, draws: int, seed: int
) -> tuple[engine.Case, engine.SomResult, engine.MonteCarloResult | None]:
    """Calculate a case already read by the schema (the API's body)."""
    _check_draws(draws)
    case = spec.to_case()
    result = engine.calculate(case)
    mc = engine.simulate(case, draws=draws, seed=seed) if draws > 0 and case.has_uncertainty else None
    return case, result, mc


def result_summary(result: engine.SomResult, mc: engine.MonteCarloResult | None) -> dict[str, Any]:
    return {"deterministic": result.to_json(), "monte_carlo": mc.to_json() if mc is not None else None}


def save_calculation(
    user,
    case_data: engine.SomCase | dict[str, Any],
    *,
    draws: int,
    seed: int,
    knowledge_version: int,
    mode: str = Calculation.Mode.FULL,
    initiative=None,
    municipality=None,
    target_group: TargetGroup | None = None,
    uses_illustrative_data: bool = False,
    edit_of: Calculation | None = None,
) -> Calculation:
    """Calculate and save. Nothing is written unless the case is valid and the user may calculate. The case
    is a case-file dict, or a case the schema has read already (the calculator form's).

    With `edit_of`, the saved calculation is changed: in place while no recorded gate decision can rest on
    it, otherwise as a new version pointing back to it (`previous`), the recorded one left as it was."""
    require(user, "som.calculate", initiative)
    if edit_of is not None:
        require(user, "som.change_calculation", edit_of)
    if municipality is not None and not municipality.is_municipality:
        raise DomainError("municipality", _("Vælg en kommune."))
    spec = case_data if isinstance(case_data, engine.SomCase) else engine.read_case(case_data)
    case, result, mc = run_case(spec, draws, seed)
    with transaction.atomic():
        if edit_of is not None and not is_recorded(edit_of):
            edit_of.name = case.name[:200]
            edit_of.case = engine.case_to_json(case)
            edit_of.result = result_summary(result, mc)
            edit_of.draws, edit_of.seed = draws, seed
            edit_of.knowledge_version = knowledge_version
            edit_of.municipality, edit_of.initiative, edit_of.target_group = (
                municipality,
                initiative,
                target_group,
            )
            edit_of.uses_illustrative_data = uses_illustrative_data
            edit_of.save()
            return edit_of
        return Calculation.objects.create(
            previous=edit_of,
            name=case.name[:200],
            mode=mode,
            owner=user,
            organisation_id=user.organisation_id,
            municipality=municipality,
            initiative=initiative,
            target_group=target_group,
            knowledge_version=knowledge_version,
            uses_illustrative_data=uses_illustrative_data,
            case=engine.case_to_json(case),
            draws=draws,
            seed=seed,
            result=result_summary(result, mc),
        )


def is_recorded(calculation: Calculation) -> bool:
    """True when a recorded gate decision of the calculation's initiative was made after it was saved: the
    decision may rest on it, so it stays as it is (editing makes a new version, deleting is refused)."""
    initiative = calculation.initiative
    if initiative is None:
        return False
    return initiative.gate_decisions.filter(state="recorded", decided_at__gte=calculation.created_at).exists()


def copy_calculation(user, calculation: Calculation) -> Calculation:
    """A copy the user owns, to try other assumptions on (a scenario); the original is untouched."""
    require(user, "som.view_calculation", calculation)
    initiative = calculation.initiative if can(user, "som.calculate", calculation.initiative) else None
    require(user, "som.calculate", initiative)
    # A target group the copier may not see (another municipality's own) is not carried over; the copied
    # case keeps its numbers, so the copy still calculates the same.
    target_group = calculation.target_group
    if target_group is not None and not can(user, "som.view_target_group", target_group):
        target_group = None
    with transaction.atomic():
        return Calculation.objects.create(
            name=_("Kopi af %(name)s") % {"name": calculation.name[:190]},
            mode=calculation.mode,
            owner=user,
            organisation_id=user.organisation_id,
            municipality=calculation.municipality,
            initiative=initiative,
            target_group=target_group,
            knowledge_version=calculation.knowledge_version,
            uses_illustrative_data=calculation.uses_illustrative_data,
            case=calculation.case,
            draws=calculation.draws,
            seed=calculation.seed,
            result=calculation.result,
        )


def delete_calculation(user, calculation: Calculation) -> None:
    require(user, "som.change_calculation", calculation)
    if is_recorded(calculation):
        raise DomainError(
            "calculation",
            _("Beregningen kan ligge til grund for en truffet faseovergang og kan derfor ikke slettes."),
        )
    if calculation.next_versions.exists():
        raise DomainError("calculation", _("Beregningen har nyere versioner og kan ikke slettes."))
    with transaction.atomic():
        calculation.delete()


def recalculate(
    calculation: Calculation,
) -> tuple[engine.Case, engine.SomResult, engine.MonteCarloResult | None]:
    """Reproduce a saved calculation from its stored case, draws and seed."""
    return run(calculation.case, calculation.draws, calculation.seed)


def save_own_target_group(user, calculation: Calculation) -> TargetGroup:
    """Keep the own target group of a calculation (one outside the knowledge database) as a user-defined
    target group of the user's organisation, with the outcomes and consequences the calculation used, so
    the next calculation starts from them. One new knowledge version."""
    from django.utils.text import slugify

    from .models import Consequence, Outcome

    require(user, "som.view_calculation", calculation)
    require(user, "som.calculate")
    name = (calculation.case.get("target_group") or "").strip()
    if not name:
        raise DomainError("target_group", _("Beregningen har ingen egen målgruppe at gemme."))
    if calculation.target_group_id is not None:
        raise DomainError("target_group", _("Beregningen bruger allerede en målgruppe fra vidensdatabasen."))
    if user.organisation_id is None:
        raise DomainError(
            "target_group", _("Kun brugere, der hører til en organisation, kan gemme egne målgrupper.")
        )
    base = slugify(f"{name}-{user.organisation_id}")[:50] or f"egen-{user.organisation_id}"
    code, n = base, 1
    while TargetGroup.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    with transaction.atomic():
        group = TargetGroup.objects.create(
            code=code,
            name=name[:200],
            area=calculation.case.get("area") or "adult_social",
            committee=calculation.case.get("committee") or "social",
            user_defined=True,
            organisation_id=user.organisation_id,
            source=f"Egen målgruppe fra beregningen »{calculation.name}«",
            is_illustrative=calculation.uses_illustrative_data,
        )
        for i, outcome_data in enumerate(calculation.case.get("outcomes", [])):
            outcome = Outcome.objects.create(
                target_group=group,
                code=slugify(outcome_data.get("name", ""))[:50] or f"succes-{i + 1}",
                name=outcome_data.get("name", f"Succesmål {i + 1}")[:200],
                source=group.source,
                is_illustrative=group.is_illustrative,
            )
            for consequence in outcome_data.get("consequences", []):
                change = consequence["change"]
                profile = consequence.get("profile")
                if profile is not None:  # one draw scaled across the years: a yearly row per profile year
                    mean = change.get("mean", 0.0) if isinstance(change, dict) else float(change)
                    sd = change.get("sd") if isinstance(change, dict) else None
                    change = [
                        {"dist": "normal", "mean": mean * f, "sd": sd} if sd else mean * f for f in profile
                    ]
                rows = list(enumerate(change, start=1)) if isinstance(change, list) else [(None, change)]
                for year, value in rows:
                    mean = value.get("mean", 0.0) if isinstance(value, dict) else float(value)
                    se = (
                        value.get("sd") if isinstance(value, dict) and value.get("dist") == "normal" else None
                    )
                    Consequence.objects.update_or_create(
                        target_group=group,
                        outcome=outcome,
                        service=consequence["service"],
                        year_after_success=year,
                        defaults={
                            "change": mean,
                            "standard_error": se,
                            "source": group.source,
                            "is_illustrative": group.is_illustrative,
                        },
                    )
        calculation.target_group = group
        calculation.save(update_fields=["target_group"])
        new_version(user, f"Egen målgruppe gemt: {name[:200]}")
    return group


# --- knowledge pages (issue 13): the agency marks a calculation public -------------------------------------


def set_calculation_public(user, calculation: Calculation, public: bool) -> Calculation:
    """Mark a saved calculation as public (shown on the intervention's public knowledge page) or not."""
    require(user, "som.make_public", calculation)
    with transaction.atomic():
        calculation.public = bool(public)
        calculation.save(update_fields=["public"])
    return calculation
