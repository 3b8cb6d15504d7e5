"""Every write of the knowledge app, each checked and in one transaction: involvement activities, side effects,
the fast-track knowledge note of a gate decision, and the publication of an intervention's knowledge page.

Bad input raises `DomainError` (field + message) before anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from susi.accounts.permissions import require
from susi.engines import knowledge as engine
from susi.engines import phases
from susi.web.api_errors import DomainError

from .models import Audience, InvolvementActivity, KnowledgeNote, Publication, SideEffect

INVOLVEMENT_FIELDS = (
    "phase",
    "kind",
    "held_on",
    "title",
    "citizens",
    "relatives",
    "staff",
    "user_organisations",
    "adaptations",
    "adaptation_note",
    "learned",
    "changed",
    "criteria",
)


def _clean_involvement(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check one activity's fields; raises DomainError naming the first bad field."""
    clean: dict[str, Any] = {k: data.get(k) for k in INVOLVEMENT_FIELDS}
    if clean["phase"] not in {p.value for p in phases.Phase}:
        raise DomainError("phase", _("Vælg en fase."))
    if clean["kind"] not in {k.value for k in engine.InvolvementKind}:
        raise DomainError("kind", _("Vælg en form for inddragelse."))
    if not isinstance(clean["held_on"], date):
        raise DomainError("held_on", _("Angiv en dato."))
    clean["title"] = (clean["title"] or "").strip()
    if not clean["title"]:
        raise DomainError("title", _("Giv aktiviteten en titel."))
    for group in engine.PARTICIPANT_GROUPS:
        value = clean[group] if clean[group] is not None else 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value > 100_000:
            raise DomainError(group, _("Antal deltagere skal være et helt tal fra 0 og op."))
        clean[group] = value
    if sum(clean[g] for g in engine.PARTICIPANT_GROUPS) == 0:
        raise DomainError("citizens", _("Angiv hvor mange der deltog (antal, aldrig navne)."))
    clean["adaptations"] = _subset(clean["adaptations"], {a.value for a in engine.Adaptation}, "adaptations")
    clean["criteria"] = _subset(clean["criteria"], {c.value for c in phases.Criterion}, "criteria")
    clean["adaptation_note"] = (clean["adaptation_note"] or "").strip()[:300]
    clean["learned"] = (clean["learned"] or "").strip()
    clean["changed"] = (clean["changed"] or "").strip()
    if not clean["learned"]:
        raise DomainError("learned", _("Skriv hvad I lærte af inddragelsen."))
    return clean


def _subset(values: Iterable[str] | None, allowed: set[str], name: str) -> list[str]:
    values = list(values or [])
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise DomainError(name, _("Ukendt valg: %(value)s.") % {"value": ", ".join(map(str, unknown))})
    return sorted(set(values), key=values.index)


@transaction.atomic
def record_involvement(user, initiative, data: Mapping[str, Any]) -> InvolvementActivity:
    """Add one involvement activity to the initiative's log."""
    require(user, "knowledge.record_involvement", initiative)
    clean = _clean_involvement(data)
    return InvolvementActivity.objects.create(
        initiative=initiative, recorded_by=user, organisation_id=user.organisation_id, **clean
    )


@transaction.atomic
def update_involvement(user, activity: InvolvementActivity, data: Mapping[str, Any]) -> InvolvementActivity:
    require(user, "knowledge.record_involvement", activity)
    clean = _clean_involvement(data)
    for name, value in clean.items():
        setattr(activity, name, value)
    activity.save()
    return activity


SIDE_EFFECT_FIELDS = ("outcome", "measured_by", "estimate", "ci_low", "ci_high", "higher_is_worse", "note")


@transaction.atomic
def record_side_effect(user, evaluation, data: Mapping[str, Any]) -> SideEffect:
    """Record an adverse outcome measured in a saved effect evaluation."""
    require(user, "knowledge.record_side_effect", evaluation)
    clean: dict[str, Any] = {k: data.get(k) for k in SIDE_EFFECT_FIELDS}
    clean["outcome"] = (clean["outcome"] or "").strip()
    clean["measured_by"] = (clean["measured_by"] or "").strip()
    if not clean["outcome"]:
        raise DomainError("outcome", _("Angiv det uønskede udfald."))
    if not clean["measured_by"]:
        raise DomainError("measured_by", _("Angiv hvordan det er målt."))
    for name in ("estimate", "ci_low", "ci_high"):
        value = clean[name]
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise DomainError(name, _("Angiv et tal."))
        clean[name] = float(value)
    if not clean["ci_low"] <= clean["estimate"] <= clean["ci_high"]:
        raise DomainError(
            "ci_low", _("Estimatet skal ligge i konfidensintervallet (nedre ≤ estimat ≤ øvre).")
        )
    clean["higher_is_worse"] = bool(True if clean["higher_is_worse"] is None else clean["higher_is_worse"])
    clean["note"] = (clean["note"] or "").strip()
    return SideEffect.objects.create(evaluation=evaluation, recorded_by=user, **clean)


# --- the fast track for knowledge: one note per gate decision --------------------------------------------


@dataclass(frozen=True)
class FastTrack:
    """The gate form's fast-track answer: spread the phase's knowledge now, to whom, and the note."""

    spread_now: bool
    audiences: tuple[str, ...] = ()
    learned: str = ""
    for_whom: str = ""
    caveats: str = ""
    problems: tuple[tuple[str, str], ...] = field(default=(), compare=False)


def check_fast_track(answer: FastTrack) -> list[tuple[str, str]]:
    """The problems with a fast-track answer, as (field, message); empty when it may be recorded."""
    problems: list[tuple[str, str]] = []
    unknown = [a for a in answer.audiences if a not in Audience.values]
    if unknown:
        problems.append(("audiences", _("Ukendt målgruppe: %(value)s.") % {"value": ", ".join(unknown)}))
    if answer.spread_now:
        if not answer.audiences:
            problems.append(("audiences", _("Vælg hvem den nye viden skal udbredes til.")))
        if not answer.learned.strip():
            problems.append(("learned", _("Skriv kort hvad vi har lært, når viden skal udbredes nu.")))
    return problems


def record_knowledge_note(user, decision, answer: FastTrack) -> KnowledgeNote:
    """Store the gate decision's knowledge note. Called by the gate's hook inside the decision's transaction,
    so a refused note records no decision either."""
    require(user, "portfolio.record_gate", decision.initiative)
    problems = check_fast_track(answer)
    if problems:
        raise DomainError(*problems[0])
    with transaction.atomic():
        note, _created = KnowledgeNote.objects.update_or_create(
            decision=decision,
            defaults={
                "spread_now": answer.spread_now,
                "audiences": list(dict.fromkeys(answer.audiences)),
                "learned": answer.learned.strip(),
                "for_whom": answer.for_whom.strip()[:300],
                "caveats": answer.caveats.strip(),
            },
        )
    return note


# --- publication ------------------------------------------------------------------------------------------


@transaction.atomic
def publish(
    user, intervention, *, published: bool, sections: Iterable[str], summary: str = ""
) -> Publication:
    """Choose whether and what of an intervention's knowledge page the public may read."""
    require(user, "knowledge.publish", intervention)
    chosen = _subset(sections, {s.value for s in engine.Section}, "sections")
    publication, _created = Publication.objects.get_or_create(intervention=intervention)
    publication.published = bool(published)
    publication.sections = chosen
    publication.summary = (summary or "").strip()
    publication.updated_by = user
    publication.save()
    return publication


def set_calculation_public(user, calculation, public: bool):
    """Mark a SØM calculation public (the SØM app owns the flag)."""
    from susi.som.services import set_calculation_public as som_set_public

    return som_set_public(user, calculation, public)
