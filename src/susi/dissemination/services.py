"""Every write of the dissemination app, each in one transaction, each checking its permission first."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from susi.accounts.permissions import pack_organisation, require
from susi.web.api_errors import DomainError

from .models import ReadinessAnswer, ReadinessItem


@transaction.atomic
def add_readiness_item(user, intervention, *, category: str, text: str) -> ReadinessItem:
    """The agency adds a line to an intervention's readiness checklist."""
    require(user, "dissemination.define_readiness")
    text = text.strip()
    if category not in ReadinessItem.Category.values:
        raise DomainError("category", _("Vælg et område for forudsætningen."))
    if not text:
        raise DomainError("text", _("Skriv forudsætningen."))
    last = ReadinessItem.objects.filter(intervention=intervention).order_by("-order").first()
    return ReadinessItem.objects.create(
        intervention=intervention, category=category, text=text[:300], order=(last.order + 1) if last else 1
    )


@transaction.atomic
def remove_readiness_item(user, item: ReadinessItem) -> None:
    require(user, "dissemination.define_readiness")
    item.delete()


@transaction.atomic
def save_readiness(user, initiative, answers: Mapping[int, tuple[str, str]]) -> list[ReadinessAnswer]:
    """A participant saves its own readiness check: {item id: (status, note)}. Only the intervention's own
    checklist lines, only known statuses; an unanswered line is left as it was. Refused as a whole, nothing
    written, on any bad line."""
    require(user, "dissemination.answer_readiness", initiative)
    organisation = pack_organisation(user)
    items = {i.pk: i for i in ReadinessItem.objects.filter(intervention=initiative.intervention)}
    for item_id, (status, _note) in answers.items():
        if item_id not in items:
            raise DomainError("answers", _("Forudsætningen hører ikke til denne indsats."))
        if status and status not in ReadinessAnswer.Status.values:
            raise DomainError(f"item_{item_id}", _("Vælg »på plads«, »delvist på plads« eller »mangler«."))
    saved = []
    for item_id, (status, note) in answers.items():
        if not status:
            continue
        answer, _created = ReadinessAnswer.objects.update_or_create(
            item=items[item_id],
            initiative=initiative,
            organisation=organisation,
            defaults={"status": status, "note": note.strip(), "answered_by": user},
        )
        saved.append(answer)
    return saved
