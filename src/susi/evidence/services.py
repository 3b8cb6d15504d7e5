"""Every write in the evidence app: validated first, then written in one transaction, or not at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines import evidence as engine
from susi.engines.evidence import practice as practice_engine
from susi.engines.evidence.rating import Design, RiskOfBias, som_grade
from susi.web.api_errors import DomainError
from susi.web.spreadsheets import unescape_cell

from . import analysis as analysis_mod
from .models import (
    DATA_FIELDS,
    REGISTER_MEASURES,
    EffectCriterionLink,
    MetaAnalysis,
    PracticeAssessment,
    Study,
)

TEXT_FIELDS = ("outcome", "label", "citation", "target_group", "setting", "subgroup", "risk_of_bias_notes")


def _clean_study(data: Mapping[str, object]) -> dict[str, object]:
    """Check one study's fields, derive the SØM grade from the design when it is not given."""
    out: dict[str, object] = {}
    for name in TEXT_FIELDS:
        out[name] = str(data.get(name) or "").strip()
    if not out["outcome"]:
        raise DomainError("outcome", _("Angiv udfaldsmålet (fx 'Ophør af hjemløshed')."))
    if not out["label"]:
        raise DomainError("label", _("Angiv studiets navn (fx 'Jensen m.fl. 2021')."))
    try:
        design = Design(str(data.get("design") or ""))
    except ValueError:
        raise DomainError("design", _("Vælg studiets design.")) from None
    out["design"] = design.value
    grade = data.get("grade")
    if grade in (None, ""):
        derived = som_grade(design)
        out["grade"] = int(derived) if derived is not None else None
    else:
        try:
            out["grade"] = int(grade)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise DomainError("grade", _("SØM-evidensniveauet skal være 1, 2 eller 3.")) from None
        if out["grade"] not in (1, 2, 3):
            raise DomainError("grade", _("SØM-evidensniveauet skal være 1, 2 eller 3."))
    rob = str(data.get("risk_of_bias") or RiskOfBias.SOME.value).lower()
    if rob not in {r.value for r in RiskOfBias}:
        raise DomainError("risk_of_bias", _("Risiko for bias skal være lav, nogen eller høj."))
    out["risk_of_bias"] = rob
    country = str(data.get("country") or "DK").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise DomainError("country", _("Landet skal angives med en landekode på to bogstaver (fx DK)."))
    out["country"] = country
    year = data.get("year")
    if year in (None, ""):
        out["year"] = None
    else:
        try:
            out["year"] = int(float(str(year)))
        except ValueError:
            raise DomainError("year", _("Året skal være et tal.")) from None
    moderator = data.get("moderator")
    if moderator in (None, ""):
        out["moderator"] = None
    else:
        try:
            out["moderator"] = float(str(moderator).replace(",", "."))
        except ValueError:
            raise DomainError("moderator", _("Moderatoren skal være et tal.")) from None
    try:
        measure = engine.Measure(str(data.get("measure") or "").upper())
    except ValueError:
        raise DomainError("measure", _("Vælg et effektmål (RR, OR, RD, SMD, MD eller GEN).")) from None
    if measure not in REGISTER_MEASURES:
        raise DomainError(
            "measure",
            _(
                "Effektmålet %(measure)s kan ikke gemmes i registeret; gem studiets yi og vi med effektmålet GEN."
            )
            % {"measure": measure.value},
        )
    out["measure"] = measure.value
    needed = engine.REQUIRED_COLUMNS[measure]
    columns: dict[str, list[float]] = {}
    for name in DATA_FIELDS:
        value = data.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            out[name] = float(str(value).replace(",", "."))
        except ValueError:
            raise DomainError(name, _("Feltet %(name)s skal være et tal.") % {"name": name}) from None
    if measure in engine.effect_sizes.TWO_BY_TWO:
        for events, non_events, size in (("ai", "bi", "n1i"), ("ci", "di", "n2i")):
            if out[non_events] is None and out[size] is not None and out[events] is not None:
                out[non_events] = out[size] - out[events]  # type: ignore[operator]  # metafor's ai, n1i form
    precomputed = out["yi"] is not None and out["vi"] is not None  # the effect already on the measure's scale
    if measure is not engine.Measure.GEN and precomputed and any(out[n] is None for n in needed):
        try:
            engine.generic([out["yi"]], [out["vi"]])  # type: ignore[list-item]
        except engine.EvidenceInputError as exc:
            raise analysis_mod.domain_error(exc) from exc
        for name in DATA_FIELDS:
            if name not in ("yi", "vi"):
                out[name] = None
        return out
    for name in needed:
        if out[name] is None:
            raise DomainError(
                name,
                _("Effektmålet %(measure)s kræver feltet %(name)s.")
                % {"measure": measure.value, "name": name},
            )
        columns[name] = [out[name]]  # type: ignore[list-item]
    for name in DATA_FIELDS:
        if name not in needed:
            out[name] = None  # store only what the measure uses, so a study has one unambiguous effect
    try:
        engine.compute(measure, columns)
    except engine.EvidenceInputError as exc:
        raise analysis_mod.domain_error(exc) from exc
    return out


@transaction.atomic
def create_study(user, intervention, data: Mapping[str, object]) -> Study:
    require(user, "evidence.edit_studies")
    fields = _clean_study(data)
    return Study.objects.create(intervention=intervention, created_by=user, **fields)


@transaction.atomic
def update_study(user, study: Study, data: Mapping[str, object]) -> Study:
    require(user, "evidence.edit_studies", study)
    fields = _clean_study(data)
    for name, value in fields.items():
        setattr(study, name, value)
    study.save()
    return study


IMPORT_OPTIONAL = (
    "design",
    "grade",
    "risk_of_bias",
    "country",
    "year",
    "citation",
    "target_group",
    "setting",
)


def import_studies(
    user,
    intervention,
    *,
    outcome: str,
    measure: str,
    data: bytes,
    filename: str,
    defaults: Mapping[str, str],
) -> list[Study]:
    """Create every study in a CSV/Excel file, or none: each row is checked before anything is written."""
    require(user, "evidence.edit_studies")
    try:
        table = engine.read_table(data, filename, max_bytes=settings.SUSI_UPLOAD_LIMITS["evidence"])
        engine.compute(measure, dict(table.columns), labels=table.labels)
    except engine.EvidenceInputError as exc:
        raise analysis_mod.domain_error(exc) from exc
    rows = []
    for i, label in enumerate(table.labels):
        row: dict[str, object] = {"outcome": outcome, "label": unescape_cell(label), "measure": measure}
        for name, values in table.columns.items():
            row[name] = values[i]
        for name in IMPORT_OPTIONAL + ("subgroup", "moderator"):
            value = table.extra.get(name, ("",) * table.k)[i]
            row[name] = unescape_cell(value) if value != "" else defaults.get(name, "")
        try:
            rows.append(_clean_study(row))
        except DomainError as exc:
            raise DomainError(
                exc.field,
                _("Række %(row)s i filen (%(label)s): %(message)s")
                % {"row": i + 2, "label": label, "message": exc.message},
            ) from exc
    with transaction.atomic():
        return [Study.objects.create(intervention=intervention, created_by=user, **fields) for fields in rows]


@transaction.atomic
def save_meta_analysis(
    user,
    intervention,
    *,
    outcome: str,
    measure: str,
    method: str,
    hk: bool,
    higher_is_better: bool,
    studies: Sequence[Study],
    title: str = "",
) -> MetaAnalysis:
    require(user, "evidence.edit_studies")
    return _record_meta_analysis(
        user,
        intervention,
        outcome=outcome,
        title=title.strip() or f"{intervention.name}: {outcome}",
        measure=measure,
        method=method,
        hk=hk,
        higher_is_better=higher_is_better,
        studies=studies,
    )


def _record_meta_analysis(
    user,
    intervention,
    *,
    outcome: str,
    title: str,
    measure: str,
    method: str,
    hk: bool,
    higher_is_better: bool,
    studies: Sequence[Study],
) -> MetaAnalysis:
    """Run the meta-analysis and store it with its studies (the caller has checked the permission)."""
    result = analysis_mod.run(studies, measure, method, hk, higher_is_better)
    record = MetaAnalysis.objects.create(
        intervention=intervention,
        outcome=outcome,
        title=title[:250],
        measure=result.effects.measure.value,
        method=result.meta.method.value,
        hk=hk,
        higher_is_better=higher_is_better,
        result=analysis_mod.result_json(result),
        rating_level=result.rating.level.value,
        rating_reasons=[
            {"text": r.text.da, "text_en": r.text.en, "met": r.met} for r in result.rating.reasons
        ],
        created_by=user,
    )
    record.studies.set(studies)
    return record


@transaction.atomic
def link_effect_criterion(assessment, meta_analysis: MetaAnalysis) -> EffectCriterionLink:
    """Let a gate's effect criterion cite `meta_analysis`; a second call replaces the citation."""
    if assessment.criterion != "effect":
        raise DomainError("criterion", _("Kun kriteriet 'virkning' kan henvise til en metaanalyse."))
    initiative = assessment.decision.initiative
    if meta_analysis.intervention_id != initiative.intervention_id:
        raise DomainError("meta_analysis", _("Metaanalysen handler om en anden indsats end initiativet."))
    link, _created = EffectCriterionLink.objects.update_or_create(
        assessment=assessment, defaults={"meta_analysis": meta_analysis}
    )
    return link


def link_effect_criterion_by_id(assessment, meta_analysis_id: int) -> EffectCriterionLink:
    try:
        meta = MetaAnalysis.objects.get(pk=meta_analysis_id)
    except MetaAnalysis.DoesNotExist:
        raise DomainError("effect_meta_analysis", _("Den valgte metaanalyse findes ikke.")) from None
    return link_effect_criterion(assessment, meta)


def _clean_answers(answers: Mapping[str, object]) -> dict[str, int | None]:
    clean: dict[str, int | None] = {}
    for key in practice_engine.question_keys():
        value = answers.get(key)
        if value in (None, ""):
            clean[key] = None
            continue
        try:
            clean[key] = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise DomainError(key, _("Svarene skal være 0, 1, 2 eller 3.")) from None
    try:
        practice_engine.profile(clean)
    except engine.EvidenceInputError as exc:
        raise analysis_mod.domain_error(exc) from exc
    return clean


@transaction.atomic
def save_practice_assessment(
    user,
    *,
    organisation,
    practice_name: str,
    description: str,
    intervention,
    answers: Mapping[str, object],
    instance: PracticeAssessment | None = None,
) -> PracticeAssessment:
    target = instance or PracticeAssessment(organisation=organisation, created_by=user)
    if instance is None:
        target.organisation = organisation
    require(user, "evidence.fill_practice", target)
    if not practice_name.strip():
        raise DomainError("practice_name", _("Angiv praksissens navn."))
    target.practice_name = practice_name.strip()
    target.description = description.strip()
    target.intervention = intervention
    target.answers = _clean_answers(answers)
    target.save()
    return target
