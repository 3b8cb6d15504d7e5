"""Every permission rule of the platform, in one module.

`can(user, action, obj)` answers one question: may this user do this action (on this object)?
`require(...)` raises PermissionDenied instead of returning False.

Every rule that also filters a list has its queryset twin here, registered in `TWINS` ("which objects may
this user do X to?", like Wagtail's permission policies): `visible_initiatives`, `citizen_enrolments`,
`visible_calculations`, `aggregate_initiatives`, `visible_target_groups`, `practice_assessments`. Lists
and single pages never disagree, and the matrix test checks each twin against its rule for every role.

Nothing outside this module asks for a user's role: the few role-derived facts other code needs
(`bound_municipality`, `proposing_organisation`) are answered here too. Models of the apps above `accounts` are
looked up with `apps.get_model`, so `accounts` imports only `organisations` (which users belong to).

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

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Role

Rule = Callable[[Any, Any], bool]


# --- predicates ---------------------------------------------------------------------------------------


def _role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def _model(label: str):
    """Another app's model, looked up by label so this module imports no other app."""
    return apps.get_model(label)


def _initiative_of(obj):
    """The initiative an object belongs to (the object itself, or its `.initiative`)."""
    if obj is None or isinstance(obj, _model("portfolio.Initiative")):
        return obj
    return getattr(obj, "initiative", None)


def takes_part(user, initiative) -> bool:
    """The user's organisation takes part in the initiative in the way its role is bound to."""
    if initiative is None or user.organisation_id is None:
        return False
    if user.role == Role.MUNICIPALITY:
        return initiative.municipalities.filter(pk=user.organisation_id).exists()
    if user.role == Role.PROVIDER:
        return initiative.providers.filter(pk=user.organisation_id).exists()
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
        _role(user, Role.MUNICIPALITY, Role.PROVIDER, Role.EVALUATOR, Role.FOUNDATION)
        and takes_part(user, initiative)
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


def _knowledge_owner(obj) -> int | None:
    """The organisation a SØM knowledge row belongs to (None: the national knowledge database).

    Target groups, prices and target-group sizes carry `organisation`; outcomes, consequences and effect
    studies belong to their target group's organisation; an Organisation stands for its own rows."""
    from susi.organisations.models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    target_group = getattr(obj, "target_group", None)
    return None if target_group is None else target_group.organisation_id


def _can_view_knowledge_row(user, obj) -> bool:
    """National rows for every user; a municipality's own target groups, prices and sizes only for that
    organisation and for the roles that see every municipality (like `portfolio.view_municipality`)."""
    if not _authenticated(user):
        return False
    owner = _knowledge_owner(obj)
    return owner is None or _sees_all(user) or owner == user.organisation_id


# --- the rules ----------------------------------------------------------------------------------------

RULES: dict[str, Rule] = {
    # portfolio
    "portfolio.view_board": _authenticated,
    "portfolio.view_initiative": _can_view_initiative,
    "portfolio.create_initiative": _agency,
    "portfolio.edit_initiative": _agency,
    "portfolio.create_intervention": lambda u, o: _role(u, Role.AGENCY, Role.ADMIN, Role.FOUNDATION),
    "portfolio.upload_product": lambda u, o: (
        _agency(u)
        or (_role(u, Role.EVALUATOR, Role.MUNICIPALITY, Role.PROVIDER) and takes_part(u, _initiative_of(o)))
    ),
    # a product version's file: the same rule as the initiative page
    "portfolio.download_product": lambda u, o: _can_view_initiative(u, getattr(o, "product", o)),
    "portfolio.review_product": _agency,
    "portfolio.prepare_gate": _agency,
    "portfolio.record_gate": _agency,
    "portfolio.recommend": lambda u, o: _role(u, Role.STEERING) and _can_view_initiative(u, o),
    "portfolio.lead_initiative": lambda u, o: _role(u, Role.AGENCY),
    "portfolio.view_municipality": lambda u, o: (
        _sees_all(u) or (_role(u, Role.MUNICIPALITY) and o is not None and o.pk == u.organisation_id)
    ),
    # SØM
    "som.view_knowledge": _authenticated,
    "som.view_knowledge_row": _can_view_knowledge_row,
    "som.edit_knowledge": _agency,
    "som.calculate": lambda u, o: _authenticated(u) and (o is None or _can_view_initiative(u, o)),
    "som.view_calculation": _owner_or_organisation,
    "som.view_target_group": _can_view_knowledge_row,
    # Copy is viewing plus calculating; edit and delete: the owner, the owner's organisation, or an admin.
    "som.change_calculation": lambda u, o: (
        _authenticated(u)
        and (
            _role(u, Role.ADMIN)
            or getattr(o, "owner_id", None) == u.pk
            or (getattr(o, "organisation_id", None) is not None and o.organisation_id == u.organisation_id)
        )
    ),
    # evidence
    "evidence.view": _authenticated,
    "evidence.edit_studies": lambda u, o: _role(u, Role.AGENCY, Role.EVALUATOR, Role.ADMIN),
    "evidence.run_meta": _authenticated,
    "evidence.view_practice": lambda u, o: (
        _authenticated(u)
        and (
            _role(u, Role.AGENCY, Role.ADMIN, Role.STEERING, Role.EVALUATOR)
            or (u.organisation_id is not None and getattr(o, "organisation_id", None) == u.organisation_id)
        )
    ),
    "evidence.choose_practice_organisation": _agency,
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
    # own API tokens only (issue, list, revoke); a token never gives more than its user may do
    "accounts.manage_api_token": lambda u, o: _authenticated(u) and (o is None or o.user_id == u.pk),
    # --- background jobs: only the person who started one sees its progress and outcome, or retries it ---
    "jobs.view": lambda u, o: (
        _authenticated(u) and o is not None and getattr(o, "created_by_id", None) == u.pk
    ),
}

ACTIONS: tuple[str, ...] = tuple(RULES)

# The actions that read or hand out citizen-level data, and the roles that hold at least one of them. Giving a
# user one of these roles (or moving such a user to another organisation, or re-activating one) grants access
# to citizens' data; Django admin refuses such changes (accounts/admin.py), see docs/developers/admin.md.
CITIZEN_LEVEL_ACTIONS = (
    "outcomes.import",
    "outcomes.view_citizens",
    "outcomes.list_citizens",
    "outcomes.export_citizen",
    "outcomes.erase_citizen",
)
CITIZEN_LEVEL_ROLES = frozenset({Role.MUNICIPALITY, Role.EVALUATOR, Role.ADMIN})


def can(user, action: str, obj=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown permission action: {action}") from None
    return bool(rule(user, obj))


def require(user, action: str, obj=None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


# --- role-derived facts ------------------------------------------------------------------------------


def bound_municipality(user):
    """The municipality a municipality user is bound to (their data scope); None for every other user."""
    if _role(user, Role.MUNICIPALITY) and user.organisation_id is not None:
        return user.organisation
    return None


def proposing_organisation(user):
    """The organisation recorded as proposer of an intervention the user creates: a foundation's own."""
    return user.organisation if _role(user, Role.FOUNDATION) else None


# --- queryset twins: "which objects may the user do X to?" --------------------------------------------


def visible_initiatives(user, queryset: QuerySet | None = None) -> QuerySet:
    """The initiatives `user` may view, by the same rule as `portfolio.view_initiative`."""
    qs = _model("portfolio.Initiative").objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    return qs.filter(_taking_part(user))


def _taking_part(user, prefix: str = "") -> Q:
    """`takes_part` as a filter on initiatives (reached through `prefix`, e.g. "initiative__")."""
    org = user.organisation_id
    if org is None:
        return Q(pk__in=[])
    if user.role == Role.MUNICIPALITY:
        # one row per initiative: (initiative, organisation) is unique, so no .distinct() is needed
        return Q(**{f"{prefix}municipalities": org})
    if user.role == Role.PROVIDER:
        return Q(**{f"{prefix}providers": org})
    if user.role == Role.EVALUATOR:
        return Q(**{f"{prefix}evaluator": org})
    if user.role == Role.FOUNDATION:
        return Q(**{f"{prefix}foundation": org}) | Q(**{f"{prefix}intervention__proposed_by": org})
    return Q(pk__in=[])


def aggregate_initiatives(user, queryset: QuerySet | None = None) -> QuerySet:
    """The initiatives whose outcome aggregates `user` may see (`outcomes.view_aggregates`)."""
    qs = _model("portfolio.Initiative").objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    if _role(user, Role.MUNICIPALITY, Role.EVALUATOR):
        return qs.filter(_taking_part(user))
    return qs.none()


def citizen_enrolments(user, initiative=None) -> QuerySet:
    """The enrolments whose citizens `user` may see (`outcomes.view_citizens`), optionally in one initiative:
    a municipality user its own municipality's citizens in initiatives it takes part in, an evaluator the
    initiatives it evaluates, everyone else nothing."""
    qs = _model("outcomes.Enrolment").objects.select_related("citizen", "municipality", "initiative")
    if initiative is not None:
        qs = qs.filter(initiative=initiative)
    if not _role(user, Role.MUNICIPALITY, Role.EVALUATOR):
        return qs.none()
    scope = _taking_part(user, "initiative__")
    if user.role == Role.MUNICIPALITY:
        scope &= Q(municipality_id=user.organisation_id)
    return qs.filter(scope)


def visible_calculations(user) -> QuerySet:
    """The saved SØM calculations `user` may open (`som.view_calculation`)."""
    qs = _model("som.Calculation").objects.all()
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    scope = Q(owner_id=user.pk)
    if user.organisation_id is not None:
        scope |= Q(organisation_id=user.organisation_id)
    return qs.filter(scope)


def visible_target_groups(user) -> QuerySet:
    """National target groups plus those the user's own organisation defined (`som.view_target_group`)."""
    return visible_knowledge(user, _model("som.TargetGroup").objects.all())


def practice_assessments(user) -> QuerySet:
    """The promising-practice self-assessments `user` may read (`evidence.view_practice`)."""
    qs = _model("evidence.PracticeAssessment").objects.select_related("organisation", "intervention")
    if not _authenticated(user):
        return qs.none()
    if _role(user, Role.AGENCY, Role.ADMIN, Role.STEERING, Role.EVALUATOR):
        return qs
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=user.organisation_id)


#: action → its queryset twin (user → the objects the rule says yes to).
TWINS: dict[str, Callable[[Any], QuerySet]] = {
    "portfolio.view_initiative": visible_initiatives,
    "outcomes.view_aggregates": aggregate_initiatives,
    "outcomes.view_citizens": citizen_enrolments,
    "som.view_calculation": visible_calculations,
    "som.view_target_group": visible_target_groups,
    "evidence.view_practice": practice_assessments,
}
TARGET_GROUP_OWNER = "target_group__organisation"  # the owner path of outcomes, consequences, effect studies


def visible_knowledge(user, queryset: QuerySet, owner: str = "organisation") -> QuerySet:
    """The SØM knowledge rows `user` may see, by the same rule as `som.view_knowledge_row`.

    `owner` is the path to the owning organisation: "organisation" for target groups, prices and sizes,
    "target_group__organisation" for outcomes, consequences and effect studies."""
    if not _authenticated(user):
        return queryset.none()
    if _sees_all(user):
        return queryset
    rule = Q(**{f"{owner}__isnull": True})
    if user.organisation_id is not None:
        rule |= Q(**{f"{owner}_id": user.organisation_id})
    return queryset.filter(rule)


def visible_knowledge_versions(user) -> QuerySet:
    """The knowledge-database versions `user` may read: every edit by the agency or an administrator, and
    edits by users of an organisation whose own numbers the user may see (a municipality's own target group
    is saved as a version that names it)."""
    qs = _model("som.KnowledgeVersion").objects.select_related("created_by")
    national = Q(created_by__isnull=True) | Q(created_by__role__in=[Role.AGENCY, Role.ADMIN])
    own = visible_knowledge(user, qs, "created_by__organisation").values("pk")
    return qs.filter(national | Q(pk__in=own))


# --- application rounds (susi.rounds) -----------------------------------------------------------------
# Open rounds are visible to every user; a municipality applies for its own organisation only and sees only its
# own applications and grants; reviewers are the agency staff and steering-group members assigned to the round.


def _round_of(obj):
    return getattr(obj, "round", obj)


def _own_organisation(user, obj) -> bool:
    org = getattr(obj, "organisation_id", None)
    return org is not None and org == user.organisation_id


def _view_round(user, obj) -> bool:
    if not _authenticated(user):
        return False
    return _agency(user) or obj is None or getattr(obj, "state", "open") != "draft"


def _apply(user, obj) -> bool:
    """A municipality or provider user applies for its own organisation, to a round open to its kind."""
    if not _role(user, Role.MUNICIPALITY, Role.PROVIDER) or user.organisation_id is None:
        return False
    if obj is None:
        return True
    if hasattr(obj, "organisation_id"):  # an application
        return _own_organisation(user, obj)
    eligible = "for_municipalities" if user.role == Role.MUNICIPALITY else "for_providers"
    return bool(getattr(obj, eligible, True))  # a round


def _review(user, obj) -> bool:
    if not _role(user, Role.AGENCY, Role.STEERING):
        return False
    round_ = _round_of(obj)
    return round_ is None or round_.reviewers.filter(pk=user.pk).exists()


RULES.update(
    {
        "rounds.view_round": _view_round,
        "rounds.announce": _agency,
        "rounds.apply": _apply,
        "rounds.view_application": lambda u, o: (
            _sees_all(u) or (_authenticated(u) and _own_organisation(u, o))
        ),
        "rounds.screen": _agency,
        "rounds.review": _review,
        "rounds.decide": _agency,
        "rounds.view_grant": lambda u, o: _sees_all(u) or (_authenticated(u) and _own_organisation(u, o)),
        "rounds.record_offer": _agency,
    }
)
ACTIONS = tuple(RULES)


def possible_reviewers() -> QuerySet:
    """The users a round may name as reviewers (`rounds.review` is for agency staff and steering-group members)."""
    return _model("accounts.User").objects.filter(role__in=[Role.AGENCY, Role.STEERING], is_active=True)


def visible_rounds(user, queryset: QuerySet | None = None) -> QuerySet:
    """The rounds `user` may view, by the same rule as `rounds.view_round`."""
    qs = _model("rounds.Round").objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    return qs if _agency(user) else qs.exclude(state="draft")


def _own_or_all(user, qs: QuerySet, organisation_field: str) -> QuerySet:
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    if user.organisation_id is None:
        return qs.none()
    return qs.filter(**{organisation_field: user.organisation_id})


def visible_applications(user, queryset: QuerySet | None = None) -> QuerySet:
    """The applications `user` may read, by the same rule as `rounds.view_application`."""
    qs = _model("rounds.Application").objects.all() if queryset is None else queryset
    return _own_or_all(user, qs, "organisation_id")


def visible_grants(user, queryset: QuerySet | None = None) -> QuerySet:
    """The grants `user` may read, by the same rule as `rounds.view_grant`."""
    qs = _model("rounds.Grant").objects.all() if queryset is None else queryset
    return _own_or_all(user, qs, "application__organisation_id")


TWINS.update(
    {
        "rounds.view_round": visible_rounds,
        "rounds.view_application": visible_applications,
        "rounds.view_grant": visible_grants,
    }
)


# --- dissemination: readiness check and expected results (susi.dissemination) -------------------------
# A municipality or provider taking part in an initiative sees its own expected-results pack and answers its
# own readiness check; the agency, the steering group and administrators see every participant's pack; the
# agency (and administrators) define each intervention's readiness checklist.


def _participant(user, obj) -> bool:
    return _role(user, Role.MUNICIPALITY, Role.PROVIDER) and takes_part(user, _initiative_of(obj))


RULES.update(
    {
        "dissemination.view_pack": lambda u, o: _sees_all(u) or _participant(u, o),
        "dissemination.answer_readiness": _participant,
        "dissemination.define_readiness": _agency,
    }
)
ACTIONS = tuple(RULES)


def pack_organisation(user):
    """The organisation whose expected results and readiness a participant's user sees (their own); None for
    those who see every participant's pack and choose one."""
    if _role(user, Role.MUNICIPALITY, Role.PROVIDER):
        return user.organisation
    return None


def pack_initiatives(user, queryset: QuerySet | None = None) -> QuerySet:
    """The initiatives whose expected-results packs `user` may open (`dissemination.view_pack`)."""
    qs = _model("portfolio.Initiative").objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    if _role(user, Role.MUNICIPALITY, Role.PROVIDER):
        return qs.filter(_taking_part(user))
    return qs.none()


TWINS.update({"dissemination.view_pack": pack_initiatives})


# --- foundations' proposals (susi.proposals) ----------------------------------------------------------
# A foundation user proposes for its own foundation and sees only its own proposals (and, once accepted, the
# resulting initiative through the initiative's `foundation`); agency staff, the steering group and admins see
# every proposal; agency staff and admins invite, decline and accept.


def _proposal_of(obj):
    return getattr(obj, "proposal", obj)


def _own_foundation(user, obj) -> bool:
    org = getattr(_proposal_of(obj), "foundation_id", None)
    return org is not None and org == user.organisation_id


def _submit_proposal(user, obj) -> bool:
    if not _role(user, Role.FOUNDATION) or user.organisation_id is None:
        return False
    return obj is None or _own_foundation(user, obj)


def _view_proposal(user, obj) -> bool:
    return _sees_all(user) or (
        _role(user, Role.FOUNDATION) and obj is not None and _own_foundation(user, obj)
    )


RULES.update(
    {
        "proposals.view_list": _authenticated,
        "proposals.submit": _submit_proposal,
        "proposals.view_proposal": _view_proposal,
        "proposals.decide": _agency,
    }
)
ACTIONS = tuple(RULES)


def visible_proposals(user, queryset: QuerySet | None = None) -> QuerySet:
    """The proposals `user` may read, by the same rule as `proposals.view_proposal`."""
    qs = _model("proposals.Proposal").objects.all() if queryset is None else queryset
    if not _authenticated(user):
        return qs.none()
    if _sees_all(user):
        return qs
    if _role(user, Role.FOUNDATION) and user.organisation_id is not None:
        return qs.filter(foundation_id=user.organisation_id)
    return qs.none()


TWINS.update({"proposals.view_proposal": visible_proposals})


# --- programmes, prioritisation and notifications (susi.programme, susi.notifications) -------------------
# The programmes' money and prioritisation rounds are read by those who see the whole portfolio (agency,
# steering group, administrators); the agency sets frames, commits money, opens rounds and records the
# minister's decisions; steering-group members recommend. Each user reads and marks only their own
# notifications (the list is filtered by user, so no queryset twin is needed).

RULES.update(
    {
        "programme.view": lambda u, o: _sees_all(u),
        "programme.manage": _agency,
        "programme.recommend": lambda u, o: _role(u, Role.STEERING),
        "programme.decide": _agency,
        "notifications.view": lambda u, o: (
            _authenticated(u) and (o is None or getattr(o, "user_id", None) == u.pk)
        ),
    }
)
ACTIONS = tuple(RULES)


def steering_members() -> QuerySet:
    """The users asked for a recommendation when a prioritisation round opens (`programme.recommend`)."""
    return _model("accounts.User").objects.filter(role=Role.STEERING, is_active=True)


def agency_staff() -> QuerySet:
    """The users who review products and record decisions (`portfolio.review_product`): notified of work."""
    return _model("accounts.User").objects.filter(role__in=[Role.AGENCY], is_active=True)


def participating_users(initiative) -> QuerySet:
    """The active users whose organisation takes part in `initiative` (`takes_part`), plus its lead: whom a
    gate decision on the initiative concerns."""
    foundations = [pk for pk in (initiative.foundation_id, initiative.intervention.proposed_by_id) if pk]
    scope = (
        Q(role=Role.MUNICIPALITY, organisation__in=initiative.municipalities.values("pk"))
        | Q(role=Role.PROVIDER, organisation__in=initiative.providers.values("pk"))
        | Q(role=Role.EVALUATOR, organisation_id=initiative.evaluator_id or -1)
        | Q(role=Role.FOUNDATION, organisation_id__in=foundations)
        | Q(pk=initiative.lead_id or -1)
    )
    return _model("accounts.User").objects.filter(scope, is_active=True)


def proposal_followers(proposal) -> QuerySet:
    """The active users of the foundation that made `proposal` (`proposals.view_proposal`): told of its status."""
    return _model("accounts.User").objects.filter(
        role=Role.FOUNDATION, organisation_id=proposal.foundation_id, is_active=True
    )


def initiative_leads() -> QuerySet:
    """The users who may lead an initiative (`portfolio.lead_initiative`: agency staff)."""
    return _model("accounts.User").objects.filter(role=Role.AGENCY, is_active=True).order_by("username")


# --- user involvement, side effects, fast-track knowledge notes and public knowledge pages (susi.knowledge) ---
# Involvement is read by whoever sees the initiative and recorded by the agency and the municipalities, providers
# and evaluators taking part; side effects by those who may save an effect estimate; a gate's knowledge note is
# read with the initiative; the agency publishes an intervention's knowledge page and marks SØM calculations
# public. The public pages themselves need no rule: they show only what a Publication allows, to anyone.


def _record_involvement(user, obj) -> bool:
    return _agency(user) or (
        _role(user, Role.MUNICIPALITY, Role.PROVIDER, Role.EVALUATOR)
        and takes_part(user, _initiative_of(obj))
    )


RULES.update(
    {
        "knowledge.view_involvement": _can_view_initiative,
        "knowledge.record_involvement": _record_involvement,
        "knowledge.record_side_effect": lambda u, o: (
            _agency(u) or (_role(u, Role.EVALUATOR) and takes_part(u, _initiative_of(o)))
        ),
        "knowledge.view_note": _can_view_initiative,
        "knowledge.publish": _agency,
        "som.make_public": _agency,
    }
)
ACTIONS = tuple(RULES)


def visible_involvement(user) -> QuerySet:
    """The involvement activities `user` may read (`knowledge.view_involvement`)."""
    qs = _model("knowledge.InvolvementActivity").objects.all()
    return qs.filter(initiative__in=visible_initiatives(user).values("pk"))


def visible_knowledge_notes(user) -> QuerySet:
    """The gate decisions' knowledge notes `user` may read (`knowledge.view_note`)."""
    qs = _model("knowledge.KnowledgeNote").objects.all()
    return qs.filter(decision__initiative__in=visible_initiatives(user).values("pk"))


TWINS.update(
    {
        "knowledge.view_involvement": visible_involvement,
        "knowledge.view_note": visible_knowledge_notes,
    }
)


# --- the evidence chain and shared SØM calculations (issue 14) ----------------------------------------
# A saved effect evaluation goes into the evidence base by those who edit studies and may see the
# initiative's aggregates. A SØM calculation may be shared with every user (SØM's erfaringsdatabase): the
# owner, the owner's organisation or an administrator shares or withdraws it; every logged-in user may open
# and copy a shared calculation; while shared it is read-only (copy it to change it).

_view_calculation_own = RULES["som.view_calculation"]
_change_calculation_own = RULES["som.change_calculation"]


def _shared(obj) -> bool:
    return bool(getattr(obj, "shared", False))


RULES.update(
    {
        "evidence.add_evaluation": lambda u, o: (
            RULES["evidence.edit_studies"](u, None) and RULES["outcomes.view_aggregates"](u, o)
        ),
        "som.view_shared_calculation": lambda u, o: _authenticated(u) and _shared(o),
        "som.share_calculation": _change_calculation_own,
        "som.view_calculation": lambda u, o: (
            _view_calculation_own(u, o) or (_authenticated(u) and _shared(o))
        ),
        "som.change_calculation": lambda u, o: _change_calculation_own(u, o) and not _shared(o),
    }
)
ACTIONS = tuple(RULES)
_visible_calculations_own = visible_calculations


def shared_calculations(user) -> QuerySet:
    """The calculations shared with every user (`som.view_shared_calculation`): all of them, when logged in."""
    qs = _model("som.Calculation").objects.all()
    return qs.filter(shared=True) if _authenticated(user) else qs.none()


def visible_calculations(user) -> QuerySet:  # type: ignore[no-redef]  # widened by sharing, same name for callers
    """The saved SØM calculations `user` may open (`som.view_calculation`): own and shared ones."""
    own = _visible_calculations_own(user).values("pk")
    return _model("som.Calculation").objects.filter(
        Q(pk__in=own) | Q(pk__in=shared_calculations(user).values("pk"))
    )


TWINS.update(
    {
        "som.view_calculation": visible_calculations,
        "som.view_shared_calculation": shared_calculations,
    }
)
