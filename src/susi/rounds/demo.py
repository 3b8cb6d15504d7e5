"""Demo rounds: an open maturation round with applications from four municipalities in different states (Aarhus,
the demo municipality login, has not applied yet), and a decided testing round whose accepted municipalities
received grants paid in instalments. Idempotent: a round that exists by title is left as it is."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from susi.accounts.models import User
from susi.engines.phases import rounds as flow
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative

from . import services
from .models import Application, Participation, Round

OPEN_TITLE = "Ansøgningsrunde: modning af ambulante indsatser til voldsudsatte"
DECIDED_TITLE = "Ansøgningsrunde: afprøvning af CTI for borgere, der flytter fra herberg"

CRITERIA = (
    services.CriterionInput("Målgruppens størrelse og behov i kommunen", 40),
    services.CriterionInput("Ledelsesforankring og organisering", 30),
    services.CriterionInput("Data og mulighed for dokumentation", 30),
)
QUESTIONS = (
    "Hvorfor ønsker kommunen at være med i udviklingen af indsatsen?",
    "Hvordan vil I sikre ledelsesmæssig opbakning og tid til medarbejderne?",
)


def _municipality(code: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.MUNICIPALITY, code=code)


def _application(round_, code, state, size, agency, **extra) -> Application:
    questions = list(round_.questions.all())
    return Application.objects.create(
        round=round_,
        organisation=_municipality(code),
        state=state,
        answers={str(q.pk): f"Svar fra kommune {code}: {q.text.lower()}" for q in questions},
        target_group_size=size,
        staff="2 socialrådgivere og 1 koordinator",
        organisation_setup="Forankret i voksenområdets ledelse",
        partners="Krisecenter og kommunens misbrugsbehandling",
        data="Kommunens fagsystem; data kan trækkes pr. kvartal",
        contact_name=f"Kontakt {code}",
        contact_email=f"kontakt{code}@example.dk",
        amount_requested=Decimal(400_000),
        created_by=agency,
        submitted_at=timezone.now() - timedelta(days=3) if state != flow.ApplicationState.DRAFT else None,
        **extra,
    )


def _open_round(agency: User, log) -> None:
    initiative = Initiative.objects.filter(
        title="Screening vedr. ambulante indsatser til voldsudsatte"
    ).first()
    if initiative is None or Round.objects.filter(title=OPEN_TITLE).exists():
        return
    now = timezone.now()
    round_ = services.announce_round(
        agency,
        initiative,
        phase="maturation",
        title=OPEN_TITLE,
        text="Styrelsen søger 3-5 kommuner, der vil være med til at modne en ambulant indsats til voksne, der er "
        "udsat for vold i nære relationer. Kommunerne kompenseres for dokumentationsarbejdet.",
        opens_at=now - timedelta(days=10),
        # noon in Copenhagen, as a real deadline is written
        closes_at=timezone.localtime(now + timedelta(days=30)).replace(
            hour=12, minute=0, second=0, microsecond=0
        ),
        places=4,
        pool_amount=Decimal(2_000_000),
        pool_covers="Kompensation for dokumentationsarbejde og udviklingsarbejde",
        criteria=CRITERIA,
        questions=QUESTIONS,
        reviewers=User.objects.filter(username__in=["styrelse", "styregruppe"]),
    )
    services.move_round(agency, round_, "open")
    _application(round_, "461", flow.ApplicationState.SUBMITTED, 120, agency)
    _application(round_, "851", flow.ApplicationState.SUBMITTED, 95, agency)
    _application(round_, "630", flow.ApplicationState.DRAFT, 40, agency)
    _application(round_, "561", flow.ApplicationState.WITHDRAWN, 35, agency)
    log("Åben ansøgningsrunde (modning) med 4 kommuners ansøgninger")


def _decided_round(agency: User, log) -> None:
    initiative = Initiative.objects.filter(title__startswith="Afprøvning af CTI").first()
    if initiative is None or Round.objects.filter(title=DECIDED_TITLE).exists():
        return
    start = initiative.phase_started_on or date(2024, 1, 1)
    round_ = Round.objects.create(
        initiative=initiative,
        phase="testing",
        title=DECIDED_TITLE,
        text="Afprøvning af Critical Time Intervention i fire kommuner med kompensation for dokumentation.",
        opens_at=timezone.make_aware(datetime(start.year - 1, 9, 1, 9, 0)),
        closes_at=timezone.make_aware(datetime(start.year - 1, 10, 15, 12, 0)),
        places=4,
        state=flow.RoundState.CLOSED.value,
        pool_amount=Decimal(3_200_000),
        pool_covers="Kompensation for dokumentationsopgaverne i afprøvningen",
        created_by=agency,
    )
    for i, c in enumerate(CRITERIA):
        round_.criteria.create(name=c.name, weight=c.weight, position=i)
    for i, q in enumerate(QUESTIONS):
        round_.questions.create(text=q, position=i)
    accepted = {"101": 180, "751": 90, "461": 85, "851": 70}
    for code, size in {**accepted, "147": 30, "630": 25}.items():
        application = _application(round_, code, flow.ApplicationState.SUBMITTED, size, agency)
        services.screen_application(agency, application, screened_in=code != "630", reason="Opfylder kravene")
        if code == "630":
            continue
        accept = code in accepted
        services.determine(
            agency,
            application,
            accept=accept,
            message="Velkommen i afprøvningen."
            if accept
            else "Runden havde fire pladser; tak for ansøgningen.",
            grant_amount=Decimal(800_000) if accept else 0,
            instalments=[
                services.InstalmentInput(date(start.year, 2, 1), Decimal(400_000)),
                services.InstalmentInput(date(start.year + 1, 2, 1), Decimal(400_000)),
            ]
            if accept
            else (),
            today=start,
        )
    for application in round_.applications.filter(grant__isnull=False):
        first = application.grant.instalments.order_by("due_on").first()
        if first is not None:  # the first instalment has been paid
            first.paid_on = first.due_on
            first.save(update_fields=["paid_on"])
    services.move_round(agency, round_, "decide")
    log("Afgjort ansøgningsrunde (afprøvning) med tilskud i rater")


@transaction.atomic
def load(log) -> None:
    agency = User.objects.get(username="styrelse")
    _open_round(agency, log)
    _decided_round(agency, log)
    for p in Participation.objects.filter(application__isnull=False):
        p.initiative.municipalities.add(p.organisation)
