"""Demo proposals from the demo foundation, one in each state: a concept note awaiting the agency, an invited
proposal, a full proposal awaiting a decision, a declined one, and one accepted straight into dissemination
(with its entry assessment). Idempotent: a proposal that exists by title is left as it is."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from susi.accounts.models import User
from susi.engines import phases
from susi.portfolio.services import AssessmentInput

from . import services
from .models import Proposal

_CONCEPT = "Et frivilligt mentorforløb for {what}. Fonden har støttet projektet i tre år og har egne data."


def _full(fond: User, proposal: Proposal, phase: str, co_funding: int) -> Proposal:
    document = ContentFile(b"# Projektbeskrivelse\n\nFondens egen evaluering og data.\n", name="projekt.md")
    return services.submit_full(
        fond,
        proposal,
        description=f"{proposal.title}: målgruppe, aktiviteter, organisering og økonomi.",
        evidence="Før-/eftermåling hos 240 deltagere; en kvasieksperimentel effektstudie (2023).",
        co_funding_dkk=co_funding,
        requested_phase=phase,
        documents=[document],
    )


def _entry_ratings(phase: str) -> tuple[AssessmentInput, ...]:
    return tuple(
        AssessmentInput(
            criterion=c.value,
            rating=phases.Rating.MET.value,
            justification="Dokumenteret i fondens effektstudie og driftserfaringer fra 12 kommuner.",
            phase=p.value,
        )
        for p in phases.entry_phases(phase)
        for c in phases.definition(p).gate_criteria
    )


def load(log) -> None:
    fond = User.objects.get(username="fond")
    agency = User.objects.get(username="styrelse")
    if Proposal.objects.filter(foundation=fond.organisation).exists():
        log("Fondes forslag findes allerede.")
        return

    def concept(title: str, what: str, area: str = "adults") -> Proposal:
        return services.submit_concept(fond, title=title, area=area, concept=_CONCEPT.format(what=what))

    concept("Mentorer for unge hjemløse", "unge hjemløse på herberg")
    invited = concept("Lektiecafé for anbragte børn", "anbragte børn i skolealderen", "children")
    services.invite(agency, invited, message="Vi vil gerne se et fuldt forslag med jeres data.")
    full = concept("Netværksmøder for pårørende", "pårørende til borgere med psykisk sygdom")
    services.invite(agency, full, message="Send gerne et fuldt forslag.")
    _full(fond, full, phases.Phase.TESTING.value, 1_500_000)
    declined = concept("Sommerlejr for udsatte familier", "udsatte familier", "children")
    services.decline(agency, declined, message="Indsatsen ligger uden for programmernes fokus i år.")
    accepted = concept("Peer-støtte efter løsladelse", "borgere, der løslades fra fængsel")
    services.invite(agency, accepted, message="Send et fuldt forslag med effektstudiet.")
    _full(fond, accepted, phases.Phase.DISSEMINATION.value, 4_000_000)
    services.accept(
        agency,
        accepted,
        services.Acceptance(
            phase=phases.Phase.DISSEMINATION.value,
            track=phases.Track.ONE.value,
            programme="uip_adults",
            start_date=date(2026, 3, 1),
            message="Optaget direkte i udbredelse på baggrund af fondens dokumentation.",
            entry_assessments=_entry_ratings(phases.Phase.DISSEMINATION.value),
            entry_justification="Effekten er dokumenteret, og indsatsen drives allerede i 12 kommuner.",
        ),
    )
    log("Fondes forslag: 5 forslag i hver sin status.")
