"""Demo programmes: UIP Voksne (frame DKK 65 m a year) and UIP Børn og unge (DKK 60 m), 2025-2027, the active
initiatives' money committed for 2026 (plus a frame for each year in which the rounds' demo paid a grant
instalment, so that "spent" shows it), and a 2027 prioritisation round for adults with three steering-group
members' recommendations and two decisions (one approved, one not). Idempotent: what exists is left as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from susi.accounts.models import Role, User
from susi.portfolio.models import Initiative

from . import selectors, services
from .models import Allocation, Candidate, PrioritisationRound, Programme, ProgrammeYear

FRAMES = {"uip_adults": 65_000_000, "uip_children": 60_000_000}
YEARS = (2025, 2026, 2027)
DESCRIPTIONS = {
    "uip_adults": "Udviklings- og investeringsprogrammet på voksenområdet (etableret 2017).",
    "uip_children": "Udviklings- og investeringsprogrammet på børne- og ungeområdet (etableret 2019).",
}
ROUND_TITLE = "Prioritering af UIP Voksne 2027"
ACT = "Modning af modificeret ACT til voksne med komplekse problemer"
VIOLENCE = "Screening vedr. ambulante indsatser til voldsudsatte"
MEMBERS = (
    ("styregruppe", None),
    ("styregruppe-kl", "Karl KL"),
    ("styregruppe-forskning", "Rikke Forskning"),
)


def _members() -> list[User]:
    members = []
    for username, name in MEMBERS:
        if name is None:
            user = User.objects.filter(username=username).first()
        else:
            first, _, last = name.partition(" ")
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "role": Role.STEERING}
            )
            if created:
                user.set_unusable_password()  # a member in the demo's recommendations; no login
                user.save(update_fields=["password"])
        if user is not None:
            members.append(user)
    return members


def _frames(agency: User) -> None:
    for programme in services.ensure_programmes():
        if not programme.description:
            programme.description = DESCRIPTIONS[programme.code]
            programme.save(update_fields=["description"])
        # the years the rounds' demo paid grant instalments in get a frame too, so "spent" shows them
        first = min([*selectors.spent_by_year(programme), YEARS[0]])
        for year in range(first, YEARS[-1] + 1):
            if not ProgrammeYear.objects.filter(programme=programme, year=year).exists():
                services.set_frame(agency, programme, year=year, frame_dkk=FRAMES[programme.code])


def _allocations(agency: User) -> int:
    made = 0
    for programme in Programme.objects.all():
        year = ProgrammeYear.objects.get(programme=programme, year=2026)
        for initiative in Initiative.objects.filter(programme=programme.code, status="active").order_by(
            "title"
        ):
            if Allocation.objects.filter(programme_year=year, initiative=initiative).exists():
                continue
            share = (Decimal(initiative.budget_dkk) / 4).quantize(Decimal(1))
            if share > 0:
                services.allocate(
                    agency, year, amount_dkk=share, initiative=initiative, note="Årets andel af budgettet"
                )
                made += 1
    return made


RECOMMENDATIONS = {
    ACT: (
        (True, "Resultaterne fra modningen er lovende, og kommunerne efterspørger indsatsen."),
        (True, "KL anbefaler: indsatsen er realistisk at drive i kommunerne."),
        (False, "Omkostningsvurderingen er endnu usikker; afvent SØM-beregningen."),
    ),
    "Ny screening: indsatser mod ensomhed blandt unge voksne": (
        (True, "Et stort og voksende problem, som kommunerne beder om hjælp til."),
        (False, "Der findes allerede flere lignende indsatser; vidensgrundlaget bør kortlægges først."),
        (False, "Bør vente til næste år, hvor rammen er mindre presset."),
    ),
}


def _round(agency: User, members: list[User], log) -> None:
    if PrioritisationRound.objects.filter(title=ROUND_TITLE).exists():
        return
    year = ProgrammeYear.objects.get(programme__code="uip_adults", year=2027)
    candidates = [
        services.CandidateInput(kind=Candidate.Kind.NEXT_PHASE, initiative=i, requested_dkk=24_000_000)
        for i in Initiative.objects.filter(title=ACT)
    ] + [
        services.CandidateInput(kind=Candidate.Kind.NEXT_PHASE, initiative=i, requested_dkk=9_000_000)
        for i in Initiative.objects.filter(title=VIOLENCE, status="active")
    ]
    candidates += [
        services.CandidateInput(
            kind=Candidate.Kind.NEW_SCREENING,
            title="Ny screening: indsatser mod ensomhed blandt unge voksne",
            description="Kortlægning af viden og praksis om ensomhed blandt unge voksne med psykiske vanskeligheder.",
            requested_dkk=1_500_000,
        ),
        services.CandidateInput(
            kind=Candidate.Kind.PROPOSAL,
            title="Forslag fra Fonden for Socialt Ansvar: udbredelse af peer-støtte til hjemløse",
            proposal_reference="Fonden for Socialt Ansvar, forslag 2026-03",
            requested_dkk=8_000_000,
        ),
    ]
    round_ = services.open_round(
        agency, year, title=ROUND_TITLE, recommend_by=date(2026, 11, 15), candidates=candidates
    )
    for candidate in round_.candidates.all():
        for member, (recommends, why) in zip(members, RECOMMENDATIONS.get(candidate.title, ()), strict=False):
            services.recommend(member, candidate, recommends=recommends, justification=why)
    for candidate in round_.candidates.filter(title=ACT):
        services.record_decision(
            agency, candidate, approved=True, amount_dkk=12_000_000, note="Ministerens godkendelse"
        )
    for candidate in round_.candidates.filter(kind=Candidate.Kind.NEW_SCREENING):
        services.record_decision(agency, candidate, approved=False, note="Ikke prioriteret i 2027")
    log(f"prioriteringsrunde: {round_.title} ({round_.candidates.count()} kandidater)")


def load(log) -> None:
    agency = User.objects.get(username="styrelse")
    _frames(agency)
    made = _allocations(agency)
    _round(agency, _members(), log)
    log(
        f"programmer: {Programme.objects.count()}, rammer: {ProgrammeYear.objects.count()}, nye disponeringer: {made}"
    )
