"""Demo portfolio: the real interventions named in the source documents, each in its phase and track, with
products and gate histories that tell a believable story. Every gate goes through the real services, so the
phase engine has judged every recorded decision.

The interventions are real; budgets, dates, participants and assessments are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from susi.accounts.models import User
from susi.engines import phases
from susi.organisations.models import Organisation

from . import services
from .models import Area, GateDecision, Initiative, Intervention, Product, Programme

P, T, O = phases.Phase, phases.Track, phases.Outcome  # noqa: E741 - short names keep the stories readable


@dataclass
class Gate:
    outcome: phases.Outcome
    on: date
    justification: str = ""
    ratings: dict[str, str] = field(default_factory=dict)  # criterion → rating; default "met"


@dataclass
class Story:
    intervention: str
    description: str
    target_group: str
    area: str
    title: str
    programme: str
    track: phases.Track
    start: date
    end: date | None
    budget: int
    municipalities: tuple[str, ...]
    evaluator: str | None
    method_supplier: str | None = None
    providers: tuple[str, ...] = ()
    foundation: str | None = None
    gates: tuple[Gate, ...] = ()
    # products of the current phase: kind → state
    current_products: dict[str, str] = field(default_factory=dict)


VIVE = "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd"
RAMBOLL = "Rambøll Management Consulting"
VIA = "Via University College, Forskning"

STORIES: tuple[Story, ...] = (
    Story(
        intervention="Ambulante indsatser til voldsudsatte",
        description="Ambulant rådgivning og behandling til kvinder og mænd, der er udsat for vold i nære relationer.",
        target_group="Voksne udsat for vold i nære relationer",
        area=Area.ADULTS,
        title="Screening vedr. ambulante indsatser til voldsudsatte",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2025, 9, 1),
        end=date(2026, 12, 31),
        budget=1_200_000,
        municipalities=(),
        evaluator=None,
        current_products={"knowledge_report": "submitted", "preliminary_description": "draft"},
    ),
    Story(
        intervention="Samarbejdsmodel for børn og unge med bekymrende skolefravær",
        description="En model for samarbejdet mellem skole, PPR, familieafdeling og familien om børn og unge med "
        "bekymrende skolefravær.",
        target_group="Børn og unge med bekymrende skolefravær",
        area=Area.CHILDREN,
        title="Modning af model for samarbejder og indsatser til børn og unge med bekymrende skolefravær",
        programme=Programme.UIP_CHILDREN,
        track=T.TWO,
        start=date(2023, 1, 1),
        end=date(2027, 6, 30),
        budget=14_500_000,
        municipalities=("751", "461", "657", "330"),
        evaluator=RAMBOLL,
        gates=(Gate(O.CONTINUE, date(2023, 11, 15)),),
        current_products={"final_description": "draft", "evaluation_report": "draft"},
    ),
    Story(
        intervention="Modificeret ACT til voksne med komplekse problemer",
        description="Assertive Community Treatment tilpasset voksne med komplekse sociale problemer: et tværfagligt "
        "team følger borgeren tæt i eget hjem.",
        target_group="Voksne med komplekse sociale problemer",
        area=Area.ADULTS,
        title="Modning af modificeret ACT til voksne med komplekse problemer",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2022, 8, 1),
        end=date(2026, 7, 31),
        budget=18_000_000,
        municipalities=("101", "851", "751", "561", "621"),
        evaluator=VIVE,
        gates=(
            Gate(O.CONTINUE, date(2023, 3, 1)),
            Gate(
                O.REWORK,
                date(2026, 3, 10),
                "Evalueringsrapporten viser lovende resultater, men omkostningsvurderingen mangler tal fra to "
                "kommuner. Initiativet får et halvt år mere i modning.",
                {"economy": "partly_met"},
            ),
        ),
        current_products={
            "final_description": "approved",
            "evaluation_report": "approved",
            "cost_assessment": "submitted",
        },
    ),
    Story(
        intervention="Mestringsindsats til unge og voksne med ADHD",
        description="Gruppebaseret mestringsforløb, der styrker unge og voksne med ADHD og tilsvarende vanskeligheder "
        "i at håndtere hverdagen, uddannelse og arbejde.",
        target_group="Unge og voksne med ADHD og tilsvarende vanskeligheder",
        area=Area.ADULTS,
        title="Afprøvning af mestringsindsats til unge og voksne med ADHD",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2020, 2, 1),
        end=date(2027, 12, 31),
        budget=26_000_000,
        municipalities=("751", "461", "851", "630", "740", "169"),
        evaluator=VIVE,
        method_supplier="ADHD-foreningen, kursusafdelingen",
        gates=(Gate(O.CONTINUE, date(2020, 10, 1)), Gate(O.CONTINUE, date(2023, 5, 1))),
        current_products={"effect_evaluation": "draft"},
    ),
    Story(
        intervention="Stepping Stones til forældre til børn med handicap",
        description="Forældreprogram (Stepping Stones Triple P) til forældre, der har et barn med handicap.",
        target_group="Forældre til børn med handicap",
        area=Area.DISABILITY,
        title="Udbredelse af Stepping Stones – til forældre, der har et barn med handicap",
        programme=Programme.UIP_CHILDREN,
        track=T.ONE,
        start=date(2016, 3, 1),
        end=None,
        budget=32_000_000,
        municipalities=("751", "101", "147", "157", "159", "265", "370", "410", "510", "615", "730", "813"),
        evaluator=VIA,
        method_supplier="Stepping Stones Danmark",
        gates=(
            Gate(
                O.SKIP,
                date(2016, 11, 1),
                "Programmet er færdigudviklet og manualiseret, og internationale RCT'er viser effekt; modningen "
                "springes over, og indsatsen afprøves direkte i dansk kontekst.",
            ),
            Gate(O.CONTINUE, date(2020, 6, 1)),
        ),
        current_products={"monitoring_report": "draft"},
    ),
    Story(
        intervention="CTI – Critical Time Intervention for hjemløse",
        description="9 måneders tidsafgrænset støtte i tre lige lange faser med faldende intensitet til borgere, der "
        "flytter fra herberg til egen bolig.",
        target_group="Hjemløse borgere, der flytter fra herberg til egen bolig",
        area=Area.ADULTS,
        title="Afprøvning af CTI for borgere, der flytter fra herberg til egen bolig",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2019, 1, 1),
        end=date(2026, 12, 31),
        budget=21_000_000,
        municipalities=("101", "751", "461", "851"),
        evaluator=VIVE,
        method_supplier="Housing First-metodeteamet",
        providers=("Herberget Aarhus", "Bostedet Odense"),
        gates=(Gate(O.CONTINUE, date(2019, 9, 1)), Gate(O.CONTINUE, date(2022, 9, 1))),
        current_products={"effect_evaluation": "approved", "som_calculation": "approved"},
    ),
    Story(
        intervention="Recoveryorienteret rehabilitering i socialpsykiatrien",
        description="Partnerskab om en fælles faglig tilgang med 8 bærende principper for personlig recovery, "
        "beskrevet som 'dybe' beskrivelser frem for en manual.",
        target_group="Borgere i socialpsykiatrien",
        area=Area.ADULTS,
        title="Partnerskab om recoveryorienteret rehabilitering i socialpsykiatrien",
        programme=Programme.UIP_ADULTS,
        track=T.TWO,
        start=date(2022, 4, 1),
        end=date(2026, 12, 31),
        budget=16_000_000,
        municipalities=("461", "630", "791", "851", "253"),
        evaluator=RAMBOLL,
        providers=("Socialpsykiatrisk Center Nord",),
        gates=(Gate(O.CONTINUE, date(2022, 12, 1)),),
        current_products={
            "final_description": "approved",
            "evaluation_report": "approved",
            "cost_assessment": "approved",
        },
    ),
    Story(
        intervention="Styrket familiebehandling i udsatte familier",
        description="Intensiveret, struktureret familiebehandling til udsatte familier med børn i risiko for anbringelse.",
        target_group="Udsatte familier med børn i risiko for anbringelse",
        area=Area.CHILDREN,
        title="Modning af styrket familiebehandling i udsatte familier",
        programme=Programme.UIP_CHILDREN,
        track=T.ONE,
        start=date(2021, 5, 1),
        end=date(2025, 4, 30),
        budget=12_000_000,
        municipalities=("147", "167", "259", "461"),
        evaluator=VIVE,
        gates=(
            Gate(O.CONTINUE, date(2021, 12, 1)),
            Gate(
                O.STOP,
                date(2025, 3, 1),
                "Indsatsen kunne ikke implementeres ensartet i kommunerne, og evalueringen viste ikke lovende "
                "resultater. Erfaringerne formidles via fast track for viden.",
                {"implementation": "not_met", "effect": "not_met"},
            ),
        ),
    ),
    Story(
        intervention="Social færdighedstræning for borgere med svær psykisk sygdom",
        description="Gruppebaseret træning af sociale færdigheder; en SØM-registeranalyse pegede på mere uddannelse "
        "og flere aktive beskæftigelsesindsatser.",
        target_group="Borgere med svær psykisk sygdom",
        area=Area.ADULTS,
        title="Afprøvning af social færdighedstræning for borgere med svær psykisk sygdom",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2021, 1, 1),
        end=date(2026, 6, 30),
        budget=15_000_000,
        municipalities=("751", "101", "860", "779"),
        evaluator=VIVE,
        gates=(Gate(O.CONTINUE, date(2021, 8, 1)), Gate(O.CONTINUE, date(2023, 10, 1))),
        current_products={"effect_evaluation": "submitted"},
    ),
    Story(
        intervention="Housing First",
        description="Egen bolig først, med bostøtte efter CTI, ICM eller ACT, til borgere i hjemløshed.",
        target_group="Borgere i hjemløshed",
        area=Area.ADULTS,
        title="Udbredelse af Housing First",
        programme=Programme.UIP_ADULTS,
        track=T.ONE,
        start=date(2015, 1, 1),
        end=None,
        budget=45_000_000,
        municipalities=("101", "751", "461", "851", "147", "167", "561", "621", "630", "265"),
        evaluator=VIVE,
        method_supplier="Housing First-metodeteamet",
        foundation="TrygFonden",
        gates=(
            Gate(O.CONTINUE, date(2015, 6, 1)),
            Gate(O.CONTINUE, date(2017, 6, 1)),
            Gate(O.CONTINUE, date(2019, 6, 1)),
        ),
        current_products={"monitoring_report": "approved"},
    ),
)

_JUSTIFICATIONS = {
    "effect": "Vidensgrundlaget (forskning og dansk praksis) peger på positive resultater for målgruppen.",
    "economy": "Omkostningerne står i rimeligt forhold til de forventede økonomiske konsekvenser.",
    "implementation": "Indsatsen er implementeret som beskrevet i de deltagende kommuner.",
    "demand": "Kommunerne efterspørger indsatsen; ansøgningsrunden var overtegnet.",
    "realistic_operation": "Indsatsen kan drives inden for kommunernes eksisterende rammer.",
}
_NEGATIVE = {
    "partly_met": "Delvist dokumenteret; der mangler data fra nogle kommuner.",
    "not_met": "Ikke dokumenteret i evalueringen.",
}


def _org(name: str | None, kind: str) -> Organisation | None:
    return Organisation.objects.get(kind=kind, name=name) if name else None


def _add_product(agency: User, initiative: Initiative, kind: str, state: str) -> None:
    name = phases.PRODUCT_NAMES[phases.ProductKind(kind)].da
    body = (
        f"# {name}\n\n{initiative.title}\n\nIllustrativt demodokument. "
        f"Fase: {initiative.get_phase_display()}.\n"
    ).encode()
    services.upload_product_version(
        agency,
        initiative,
        kind=kind,
        title=f"{name} – {initiative.intervention.name}",
        file=ContentFile(body, name=f"{kind}.md"),
    )
    product = Product.objects.get(initiative=initiative, phase=initiative.phase, kind=kind)
    if state != Product.State.DRAFT:
        if state in (Product.State.APPROVED, Product.State.REJECTED):
            services.set_product_state(agency, product, Product.State.SUBMITTED)
        services.set_product_state(agency, product, state)


def _pass_gate(agency: User, initiative: Initiative, gate: Gate) -> None:
    definition = initiative.phase_definition
    if gate.outcome in (O.CONTINUE, O.SKIP):
        for kind in definition.required_products:
            _add_product(agency, initiative, kind.value, Product.State.APPROVED)

    def inputs(criteria, ratings):
        return [
            services.AssessmentInput(
                criterion=c.value,
                rating=ratings.get(c.value, "met"),
                justification=_NEGATIVE.get(ratings.get(c.value, "met"), _JUSTIFICATIONS[c.value]),
            )
            for c in criteria
        ]

    skipped = ()
    if gate.outcome is O.SKIP:
        skipped = inputs(phases.definition(phases.next_phase(initiative.phase)).gate_criteria, {})
    decision = services.record_gate_decision(
        agency,
        initiative,
        outcome=gate.outcome.value,
        justification=gate.justification,
        assessments=inputs(definition.gate_criteria, gate.ratings),
        skipped_assessments=skipped,
        decided_on=gate.on,
    )
    GateDecision.objects.filter(pk=decision.pk).update(
        decided_at=timezone.make_aware(datetime.combine(gate.on, time(12)))
    )


@transaction.atomic
def load(log) -> None:
    agency = User.objects.get(username="styrelse")
    created = 0
    for story in STORIES:
        if Initiative.objects.filter(title=story.title).exists():
            continue
        intervention, _ = Intervention.objects.get_or_create(
            name=story.intervention,
            defaults={
                "description": story.description,
                "area": story.area,
                "target_group": story.target_group,
            },
        )
        initiative = services.create_initiative(
            agency,
            intervention=intervention,
            title=story.title,
            summary=story.description,
            phase=P.SCREENING.value,
            track=story.track.value,
            programme=story.programme,
            area=story.area,
            start_date=story.start,
            end_date=story.end,
            budget_dkk=story.budget,
            municipalities=Organisation.objects.filter(code__in=story.municipalities),
            providers=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, name__in=story.providers),
            evaluator=_org(story.evaluator, Organisation.Kind.EVALUATOR),
            method_supplier=_org(story.method_supplier, Organisation.Kind.METHOD_SUPPLIER),
            foundation=_org(story.foundation, Organisation.Kind.FOUNDATION),
        )
        for gate in story.gates:
            _pass_gate(agency, initiative, gate)
            initiative.refresh_from_db()
        for kind, state in story.current_products.items():
            _add_product(agency, initiative, kind, state)
        created += 1
    log(f"{created} demo-initiativer ({len(STORIES)} i alt) med produkter og faseovergange")
