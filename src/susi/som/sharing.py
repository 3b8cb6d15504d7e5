"""Sharing SØM calculations with every user (SØM's *erfaringsdatabase*): services and the searchable list.

A shared calculation is read-only (`som.change_calculation` is refused while `shared`), keeps the knowledge
version and the complete case it was calculated with, and any logged-in user may open it and copy it into
their own (`services.copy_calculation`, which leaves out a target group the copier may not see). Sharing and
withdrawing: the owner, the owner's organisation or an administrator (`som.share_calculation`).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from susi.accounts import permissions
from susi.accounts.permissions import require
from susi.web.api_errors import DomainError

from .models import Calculation

MAX_DESCRIPTION = 2000


def share_calculation(user, calculation: Calculation, description: str) -> Calculation:
    """Share `calculation` with every user, with a description of what it shows and rests on."""
    require(user, "som.share_calculation", calculation)
    text = (description or "").strip()
    if not text:
        raise DomainError(
            "share_description", _("Skriv en kort beskrivelse, så andre ved, hvad beregningen viser.")
        )
    if len(text) > MAX_DESCRIPTION:
        raise DomainError(
            "share_description", _("Beskrivelsen må højst være %(n)s tegn.") % {"n": MAX_DESCRIPTION}
        )
    with transaction.atomic():
        calculation.shared = True
        calculation.shared_at = calculation.shared_at or timezone.now()
        calculation.share_description = text
        calculation.save(update_fields=["shared", "shared_at", "share_description"])
    return calculation


def withdraw_calculation(user, calculation: Calculation) -> Calculation:
    """Stop sharing; copies others made stay theirs."""
    require(user, "som.share_calculation", calculation)
    with transaction.atomic():
        calculation.shared = False
        calculation.shared_at = None
        calculation.save(update_fields=["shared", "shared_at"])
    return calculation


def shared_calculations(
    user, *, target_group: str = "", intervention: str = "", municipality: str = "", q: str = ""
) -> QuerySet[Calculation]:
    """The shared calculations `user` may see (the rule's twin), searched by target group (code or name),
    intervention (its name, through the initiative or the case), municipality (code or name) and free text."""
    qs = permissions.shared_calculations(user).select_related(
        "owner", "organisation", "municipality", "initiative__intervention", "target_group"
    )
    if target_group:
        qs = qs.filter(Q(target_group__code=target_group) | Q(target_group__name__icontains=target_group))
    if intervention:
        qs = qs.filter(
            Q(initiative__intervention__name__icontains=intervention)
            | Q(name__icontains=intervention)
            | Q(share_description__icontains=intervention)
        )
    if municipality:
        qs = qs.filter(Q(municipality__code=municipality) | Q(municipality__name__icontains=municipality))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(share_description__icontains=q))
    return qs.order_by("-shared_at", "-pk")
