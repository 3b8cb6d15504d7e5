"""Demo involvement, side effects, fast-track notes and one published knowledge page.

Two stories: CTI, where a user panel of citizens who had moved from a shelter changed the intervention's
description in maturation, and Stepping Stones, where parents of children with disabilities (and, through
pictograms and their parents as proxies, the children) shaped the group sessions. The CTI page is published,
with its SØM calculation marked public. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from datetime import date

from susi.accounts.models import User
from susi.outcomes.models import EffectEvaluation
from susi.portfolio.models import GateDecision, Initiative
from susi.som.models import Calculation

from . import services
from .models import InvolvementActivity, KnowledgeNote, SideEffect

CTI = "Afprøvning af CTI"
STEPPING_STONES = "Udbredelse af Stepping Stones"
ADHD = "Afprøvning af mestringsindsats til unge og voksne med ADHD"

ACTIVITIES = {
    CTI: (
        {
            "phase": "maturation",
            "kind": "user_panel",
            "held_on": date(2020, 3, 10),
            "title": "Brugerpanel med borgere, der er flyttet fra herberg",
            "citizens": 8,
            "relatives": 0,
            "staff": 3,
            "user_organisations": 1,
            "adaptations": ["easy_read", "peer_support", "short_sessions"],
            "adaptation_note": "Møderne blev holdt på herberget, med en peer-medarbejder som medstyrer.",
            "learned": "Borgerne oplevede skiftet mellem CTI's tre faser som et brud: de vidste ikke, hvornår "
            "støtten ville falde, og frygtede at stå alene efter ni måneder.",
            "changed": "Indsatsbeskrivelsen er ændret: hver faseovergang har nu et planlagt overgangsmøde med "
            "borgeren, og beskrivelsen findes i en let læst version, som borgeren får ved start.",
            "criteria": ["demand", "implementation"],
        },
        {
            "phase": "testing",
            "kind": "interviews",
            "held_on": date(2023, 10, 2),
            "title": "Interview med borgere og CTI-medarbejdere i fire kommuner",
            "citizens": 14,
            "relatives": 2,
            "staff": 9,
            "user_organisations": 0,
            "adaptations": ["home_visit", "interpreter"],
            "adaptation_note": "",
            "learned": "Overgangsmøderne bruges i alle kommuner; borgere uden netværk efterspørger kontakt til "
            "frivillige, når forløbet slutter.",
            "changed": "",
            "criteria": ["implementation", "effect"],
        },
    ),
    STEPPING_STONES: (
        {
            "phase": "dissemination",
            "kind": "co_design",
            "held_on": date(2024, 5, 14),
            "title": "Co-design-workshop med forældre til børn med handicap",
            "citizens": 0,
            "relatives": 12,
            "staff": 5,
            "user_organisations": 2,
            "adaptations": ["interpreter", "short_sessions"],
            "adaptation_note": "Børnepasning under workshoppen; aftenmøder for forældre med fuldtidsarbejde.",
            "learned": "Forældrene kunne ikke nå gruppeforløbet i dagtimerne, og materialet var svært for "
            "forældre med et andet modersmål.",
            "changed": "Gruppeforløbet udbydes nu også om aftenen, og forældrematerialet findes på fem sprog.",
            "criteria": ["demand", "realistic_operation"],
        },
        {
            "phase": "dissemination",
            "kind": "prototype_test",
            "held_on": date(2024, 11, 20),
            "title": "Test af piktogramversion af børnenes dagsplan",
            "citizens": 6,
            "relatives": 6,
            "staff": 3,
            "user_organisations": 0,
            "adaptations": ["pictograms", "proxy", "home_visit"],
            "adaptation_note": "Børn uden talesprog svarede med piktogrammer; forældrene svarede på barnets vegne, "
            "hvor det ikke var muligt.",
            "learned": "Børnene kunne med piktogrammer vise, hvilke dele af dagen der var svære; forældrenes svar "
            "på barnets vegne pegede oftere på morgenen end børnenes egne.",
            "changed": "Dagsplanen med piktogrammer er blevet en del af materialet til forældrene.",
            "criteria": ["implementation"],
        },
    ),
}

CTI_NOTE = services.FastTrack(
    spread_now=True,
    audiences=("municipalities", "providers"),
    learned="Borgere, der flytter fra herberg, har brug for at vide, hvornår støtten falder. Et planlagt "
    "overgangsmøde ved hver af CTI's tre faser gjorde skiftet forudsigeligt og blev brugt i alle kommuner.",
    for_whom="Kommuner og herberger, der støtter borgere i overgangen til egen bolig – også uden CTI.",
    caveats="Bygger på modningsfasens erfaringer i fire kommuner; effekten af overgangsmøderne alene er ikke målt.",
)


def _initiative(prefix: str) -> Initiative | None:
    return Initiative.objects.filter(title__startswith=prefix).first()


def load(log) -> None:
    agency = User.objects.filter(username="styrelse").first()
    if agency is None:
        log("Ny viden: ingen styrelsesbruger – springes over")
        return
    for prefix, activities in ACTIVITIES.items():
        initiative = _initiative(prefix)
        if initiative is None or InvolvementActivity.objects.filter(initiative=initiative).exists():
            continue
        for data in activities:
            services.record_involvement(agency, initiative, data)
        log(f"Brugerinddragelse: {len(activities)} aktiviteter i {initiative.title}")

    adhd = _initiative(ADHD)
    evaluation = EffectEvaluation.objects.filter(initiative=adhd).first() if adhd else None
    if evaluation is not None and not SideEffect.objects.filter(evaluation=evaluation).exists():
        services.record_side_effect(
            agency,
            evaluation,
            {
                "outcome": "Oplevet stress i de første uger",
                "measured_by": "PSS-10 (Perceived Stress Scale) ved første opfølgning, forskel mellem grupperne",
                "estimate": 0.6,
                "ci_low": -0.5,
                "ci_high": 1.7,
                "higher_is_worse": True,
                "note": "Nogle deltagere beskrev de første øvelser som krævende; forskellen er ikke påvist.",
            },
        )
        log("Bivirkning registreret på effektevalueringen af mestringsindsatsen til ADHD")

    cti = _initiative(CTI)
    if cti is None:
        return
    decision = (
        GateDecision.objects.filter(initiative=cti, state="recorded", phase="maturation")
        .order_by("-decided_at")
        .first()
    )
    if decision is not None and not KnowledgeNote.objects.filter(decision=decision).exists():
        services.record_knowledge_note(agency, decision, CTI_NOTE)
        log("Ny viden: notat ved CTI's faseovergang efter modning")
    for calculation in Calculation.objects.filter(initiative=cti, public=False):
        services.set_calculation_public(agency, calculation, True)
    if not hasattr(cti.intervention, "publication"):
        services.publish(
            agency,
            cti.intervention,
            published=True,
            sections=["history", "evidence", "economy", "fidelity", "involvement", "notes"],
            summary="CTI er ni måneders støtte i tre faser med faldende intensitet til borgere, der flytter fra "
            "herberg til egen bolig. Siden viser, hvad vi ved om indsatsen fra udviklingen i SUSI.",
        )
        log("Offentlig vidensside: CTI er offentliggjort på /viden/")
