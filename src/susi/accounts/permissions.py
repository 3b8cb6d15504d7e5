"""Every permission rule of the platform, in one module.

`can(user, action, obj)` answers one question: may this user do this action (on this object)?
`require(...)` raises PermissionDenied instead of returning False. `visible_initiatives(user)` scopes a
queryset by the same rule as "portfolio.view_initiative", so lists and single pages never disagree.

Roles (see accounts.models.Role):
- agency staff run the programme: they see and edit everything in the portfolio and record gate decisions;
  they see citizens' outcomes only as aggregates.
- a municipality user is bound to one municipality: sees the initiatives it takes part in, and in outcome data
  only the citizens of their own municipality.
- an evaluator is bound to the initiatives whose evaluator is their organisation.
- a foundation user sees the initiatives the foundation funds and the interventions it proposed.
- a steering-group member reads the whole portfolio and records recommendations; no citizen-level data.
- an administrator may do everything except read citizen-level data of a municipality it is not bound to;
  as data controller it may export and erase a citizen's data on request.

tests/accounts/test_permission_matrix.py checks every action for every role, own and other organisation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Role

Rule = Callable[[Any, Any], bool]


# --- predicates ---------------------------------------------------------------------------------------


def _role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def _initiative_of(obj):
    """The initiative an object belongs to (the object itself, or its `.initiative`)."""
    from susi.portfolio.models import Initiative

    if obj is None or isinstance(obj, Initiative):
        return obj
    return getattr(obj, "initiative", None)


def takes_part(user, initiative) -> bool:
    """The user's organisation takes part in the initiative in the way its role is bound to."""
    if initiative is None or user.organisation_id is None:
        return False
    if user.role == Role.MUNICIPALITY:
        return initiative.municipalities.filter(pk=user.organisation_id).exists()
    if user.role == Role.EVALUATOR:
        return initiative.evaluator_id == user.organisation_id
    if user.role == Role.FOUNDATION:
        return (
            initiative.foundation_id == user.organisation_id
            or initiative.intervention.proposed_by_id == user.organisation_id
        )
    return False


def _sees_all(user) -> bool:
    return _role(user, Role.AGENCY, Role.STEERING, Role.ADMIN)


def _can_view_initiative(user, obj) -> bool:
    initiative = _initiative_of(obj)
    return _sees_all(user) or (
        _role(user, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION) and takes_part(user, initiative)
    )


def _authenticated(user, obj=None) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _agency(user, obj=None) -> bool:
    return _role(user, Role.AGENCY, Role.ADMIN)


def _own_municipality_citizen(user, obj) -> bool:
    """Citizen-level data: own municipality's citizens (municipality user) or own initiatives (evaluator)."""
    initiative = _initiative_of(obj)
    if initiative is None:
        return False
    if _role(user, Role.MUNICIPALITY):
        municipality_id = getattr(obj, "municipality_id", None)
        return municipality_id == user.organisation_id and takes_part(user, initiative)
    if _role(user, Role.EVALUATOR):
        return takes_part(user, initiative)
    return False


def _owner_or_organisation(user, obj) -> bool:
    if not _authenticated(user):
        return False
    if _sees_all(user):
        return True
    if getattr(obj, "owner_id", None) == user.pk:
        return True
    org_id = getattr(obj, "organisation_id", None)
    return org_id is not None and org_id == user.organisation_id


# --- the rules ----------------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    # portfolio
    "portfolio.view_board": _authenticated,
    "portfolio.view_initiative": _can_view_initiative,
    "portfolio.create_initiative": _agency,
    "portfolio.edit_initiative": _agency,
    "portfolio.create_intervention": lambda u, o: _role(u, Role.AGENCY, Role.ADMIN, Role.FOUNDATION),
    "portfolio.upload_product": lambda u, o: (
        _agency(u) or (_role(u, Role.EVALUATOR, Role.MUNICIPALITY) and takes_part(u, _initiative_of(o)))
    ),
    "portfolio.review_product": _agency,
    "portfolio.prepare_gate": _agency,
    "portfolio.record_gate": _agency,
    "portfolio.recommend": lambda u, o: _role(u, Role.STEERING) and _can_view_initiative(u, o),
    "portfolio.view_municipality": lambda u, o: (
        _sees_all(u) or (_role(u, Role.MUNICIPALITY) and o is not None and o.pk == u.organisation_id)
    ),
    # SØM
    "som.view_knowledge": _authenticated,
    "som.edit_knowledge": _agency,
    "som.calculate": lambda u, o: _authenticated(u) and (o is None or _can_view_initiative(u, o)),
    "som.view_calculation": _owner_or_organisation,
    # Copy is viewing plus calculating; edit and delete: the owner, the owner's organisation, or an admin.
    "som.change_calculation": lambda u, o: _authenticated(u) and (
        _role(u, Role.ADMIN)
        or getattr(o, "owner_id", None) == u.pk
        or (getattr(o, "organisation_id", None) is not None and o.organisation_id == u.organisation_id)
    ),
    # evidence
    "evidence.view": _authenticated,
    "evidence.edit_studies": lambda u, o: _role(u, Role.AGENCY, Role.EVALUATOR, Role.ADMIN),
    "evidence.run_meta": _authenticated,
    "evidence.fill_practice": lambda u, o: (
        _agency(u)
        or (
            _role(u, Role.MUNICIPALITY)
            and (o is None or getattr(o, "organisation_id", None) == u.organisation_id)
        )
    ),
    # --- outcomes ---
    "outcomes.import": lambda u, o: (
        _role(u, Role.ADMIN)
        or (
            _role(u, Role.EVALUATOR, Role.MUNICIPALITY)
            and takes_part(u, _initiative_of(o))
            and (
                not _role(u, Role.MUNICIPALITY)
                or getattr(o, "municipality_id", u.organisation_id) == u.organisation_id
            )
        )
    ),
    "outcomes.view_citizens": _own_municipality_citizen,
    "outcomes.list_citizens": lambda u, o: (
        _role(u, Role.MUNICIPALITY, Role.EVALUATOR) and takes_part(u, _initiative_of(o))
    ),
    "outcomes.save_estimate": lambda u, o: (
        _agency(u) or (_role(u, Role.EVALUATOR) and takes_part(u, _initiative_of(o)))
    ),
    "outcomes.citizen_rights": lambda u, o: _role(u, Role.MUNICIPALITY, Role.ADMIN),
    "outcomes.view_aggregates": lambda u, o: (
        _sees_all(u) or (_role(u, Role.MUNICIPALITY, Role.EVALUATOR) and takes_part(u, _initiative_of(o)))
    ),
    "outcomes.export_citizen": lambda u, o: (
        _role(u, Role.ADMIN)
        or (_role(u, Role.MUNICIPALITY) and getattr(o, "municipality_id", None) == u.organisation_id)
    ),
    "outcomes.erase_citizen": lambda u, o: (
        _role(u, Role.ADMIN)
        or (_role(u, Role.MUNICIPALITY) and getattr(o, "municipality_id", None) == u.organisation_id)
    ),
}

ACTIONS: tuple[str, ...] = tuple(RULES)


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown permission action: {action}") from None
    return bool(rule(user, obj))


def require(user, action: str, obj=None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


def visible_initiatives(user, queryset: QuerySet | None = None) -> QuerySet:
    """The initiatives `user` may view, by the same rule as `portfolio.view_initiative`."""
    from susi.portfolio.models import Initiative

    qs = Initiative.objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    org = user.organisation_id
    if org is None:
        return qs.none()
    if user.role == Role.MUNICIPALITY:
        return qs.filter(municipalities=org).distinct()
    if user.role == Role.EVALUATOR:
        return qs.filter(evaluator=org)
    if user.role == Role.FOUNDATION:
        return qs.filter(Q(foundation=org) | Q(intervention__proposed_by=org))
    return qs.none()
