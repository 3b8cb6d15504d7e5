"""Demo data: readiness checklists for the interventions in dissemination and for CTI, illustrative municipal
budgets for the adult area, and a SØM calculation on the Housing First dissemination initiative (so a
municipality's expected-results pack has numbers). Idempotent."""

from __future__ import annotations

import copy

from susi.accounts.models import User
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative, Intervention

from .models import AreaBudget, ReadinessItem

CHECKLISTS = {
    "Housing First": (
        ("staff", "Bostøttemedarbejdere er uddannet i CTI, ICM eller ACT efter indsatsbeskrivelsen"),
        ("staff", "Højst 1:8 borgere pr. bostøttemedarbejder i ICM (1:10 i CTI)"),
        ("organisation", "Boligsocial anvisning kan skaffe en bolig inden for 3 måneder"),
        ("partners", "Aftale med boligselskaber om anvisningsret"),
        ("partners", "Samarbejde med misbrugsbehandling og psykiatri er beskrevet"),
        ("data", "Kommunen kan indberette trivsel og boligstatus ved start og opfølgning"),
    ),
    "CTI – Critical Time Intervention for hjemløse": (
        ("staff", "CTI-medarbejdere er uddannet af metodeteamet"),
        ("organisation", "Forløbet kan tilrettelægges i tre faser over 9 måneder"),
        ("partners", "Herberger og forsorgshjem henviser borgere ved udflytning"),
        ("data", "Fidelitet registreres pr. borger og fase"),
    ),
    "Stepping Stones til forældre til børn med handicap": (
        ("staff", "Mindst to akkrediterede Stepping Stones-rådgivere"),
        ("organisation", "Forældregrupper kan tilbydes mindst to gange om året"),
        ("data", "Forældrenes trivsel måles før og efter forløbet"),
    ),
}

# Illustrative yearly budgets for the adult area (kroner), by municipality code: demo numbers only.
BUDGETS = {"101": 9_800_000_000, "751": 3_900_000_000, "461": 2_300_000_000, "851": 2_100_000_000}
BUDGET_SOURCE = "Illustrative demotal – ikke kommunernes faktiske budgetter"

HOUSING_FIRST_CALCULATION = "Housing First – investeringspotentiale (illustrative tal)"


def load(log) -> None:
    for name, lines in CHECKLISTS.items():
        intervention = Intervention.objects.filter(name=name).first()
        if intervention is None or intervention.readiness_items.exists():
            continue
        for order, (category, text) in enumerate(lines, start=1):
            ReadinessItem.objects.create(intervention=intervention, category=category, text=text, order=order)
        log(f"Udbredelse: parathedstjek for {name}")
    for code, amount in BUDGETS.items():
        org = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, code=code).first()
        if org is not None:
            AreaBudget.objects.get_or_create(
                organisation=org,
                area="adults",
                year=2026,
                defaults={"amount_dkk": amount, "source": BUDGET_SOURCE},
            )
    _housing_first_calculation(log)


def _housing_first_calculation(log) -> None:
    """The CTI calculation's case, adapted to Housing First (dearer support, higher success), on the
    Housing First dissemination initiative."""
    from susi.som import services
    from susi.som.models import Calculation

    if Calculation.objects.filter(name=HOUSING_FIRST_CALCULATION).exists():
        return
    initiative = Initiative.objects.filter(title__startswith="Udbredelse af Housing First").first()
    template = Calculation.objects.filter(name__startswith="CTI for hjemløse").order_by("pk").first()
    owner = User.objects.filter(username="styrelse").first()
    if initiative is None or template is None or owner is None:
        return
    case = copy.deepcopy(template.case)
    case["name"] = HOUSING_FIRST_CALCULATION
    case["intake"] = [40, 40, 40]
    case["costs"] = [
        {
            "name": "Opstart: bostøtteteam og boliganvisning",
            "kind": "once",
            "amount": 600000,
            "payer": "municipality",
        },
        {
            "name": "Bostøtte (ICM) pr. borger",
            "kind": "per_citizen",
            "payer": "municipality",
            "amount": {"dist": "triangular", "min": 70000, "mode": 85000, "max": 110000},
        },
    ]
    case["outcomes"][0]["success_rate"] = {"dist": "normal", "mean": 0.2, "sd": 0.05}
    services.save_calculation(
        owner,
        case,
        draws=5000,
        seed=2018,
        knowledge_version=template.knowledge_version,
        initiative=initiative,
        target_group=template.target_group,
        uses_illustrative_data=True,
    )
    log("Udbredelse: SØM-beregning på Housing First (illustrative tal)")
