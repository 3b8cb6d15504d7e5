"""Demo data for SØM: an ILLUSTRATIVE knowledge database for four target groups, one municipality's own
prices and citizen numbers, and a saved calculation on the CTI initiative.

Every number here is made up to look plausible: each row is marked `is_illustrative` and the pages and
exports say so. They are not the official SØM figures."""

from __future__ import annotations

from typing import Any

from susi.accounts.models import User
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative

from .models import (
    Calculation,
    Consequence,
    EffectStudy,
    KnowledgeVersion,
    Outcome,
    Price,
    TargetGroup,
    TargetGroupSize,
)

SOURCE = "Illustrativt demotal – ikke SØM's officielle tal"

# service: name, unit, municipality, region, state, area, committee
PRICES: dict[str, tuple[str, str, float, float, float, str, str]] = {
    "shelter_night": ("Overnatning på herberg (§ 110)", "døgn", 450, 0, 450, "housing", "social"),
    "home_support_hour": ("Socialpædagogisk bostøtte (§ 85)", "time", 520, 0, 0, "adult_social", "social"),
    "residential_care_day": ("Botilbud (§ 107/108)", "døgn", 2600, 0, 0, "adult_social", "social"),
    "psychiatric_bed_day": ("Sengedag i psykiatrien", "døgn", 0, 5200, 0, "psychiatry", ""),
    "psychiatric_outpatient_visit": (
        "Ambulant besøg i psykiatrien",
        "besøg",
        150,
        2400,
        0,
        "psychiatry",
        "health_elderly",
    ),
    "emergency_visit": ("Skadestuebesøg", "besøg", 350, 2100, 0, "health", "health_elderly"),
    "substance_treatment_month": (
        "Stofmisbrugsbehandling",
        "måned",
        11000,
        0,
        0,
        "substance_abuse",
        "social",
    ),
    "police_charge": ("Sigtelse", "sag", 0, 0, 21000, "police_justice", ""),
    "prison_day": ("Dag i fængsel eller arresthus", "døgn", 0, 0, 2300, "police_justice", ""),
    "cash_benefit_month": ("Kontanthjælp", "måned", 9500, 0, 3500, "income_transfers", "employment"),
    "employment_month": (
        "Måned i ordinær beskæftigelse (skat og moms)",
        "måned",
        -7500,
        0,
        -10500,
        "employment",
        "employment",
    ),
    "education_month": (
        "Måned i uddannelse (SU og uddannelsespladser)",
        "måned",
        0,
        0,
        11500,
        "education",
        "",
    ),
    "foster_care_day": (
        "Anbringelsesdøgn (plejefamilie/institution)",
        "døgn",
        2400,
        0,
        0,
        "children_social",
        "children_youth",
    ),
    "preventive_measure_month": (
        "Forebyggende foranstaltning (§ 52)",
        "måned",
        8500,
        0,
        0,
        "children_social",
        "children_youth",
    ),
    "special_education_year": ("Specialundervisning", "skoleår", 210000, 0, 0, "education", "schools"),
}

# code: name, area, committee, description, outcomes
TARGET_GROUPS: dict[str, tuple[str, str, str, str]] = {
    "homelessness": (
        "Borgere i hjemløshed",
        "housing",
        "social",
        "Borgere på herberg eller uden fast bolig.",
    ),
    "adhd": ("Unge og voksne med ADHD", "psychiatry", "social", "Unge og voksne med en ADHD-diagnose."),
    "children_at_risk": (
        "Børn i risiko for anbringelse",
        "children_social",
        "children_youth",
        "Børn og unge i familier, hvor en anbringelse overvejes.",
    ),
    "severe_mental_illness": (
        "Borgere med svære psykiske lidelser",
        "psychiatry",
        "social",
        "Voksne med skizofreni, bipolar lidelse eller svær depression i socialpsykiatrien.",
    ),
}

# (target group, outcome code, outcome name): [(service, change or [yearly], standard error)]
CONSEQUENCES: dict[tuple[str, str, str], list[tuple[str, Any, float]]] = {
    ("homelessness", "housed", "Ud af hjemløshed"): [
        ("shelter_night", -110, 15),
        ("home_support_hour", 40, 8),
        ("psychiatric_bed_day", -3, 1.2),
        ("emergency_visit", -1.5, 0.5),
        ("police_charge", -0.3, 0.1),
    ],
    ("adhd", "job_or_education", "I job eller uddannelse"): [
        ("employment_month", 3.0, 0.8),
        ("cash_benefit_month", -3.5, 0.9),
        ("psychiatric_outpatient_visit", -2.0, 0.7),
        ("police_charge", -0.1, 0.05),
    ],
    ("children_at_risk", "placement_avoided", "Anbringelse undgået"): [
        ("foster_care_day", [-300, -250, -200, -150], 40),
        ("preventive_measure_month", [6, 4, 2], 1.5),
        ("special_education_year", -0.1, 0.05),
    ],
    ("severe_mental_illness", "education_or_activation", "I uddannelse eller aktiv beskæftigelsesindsats"): [
        ("education_month", 2.0, 0.6),
        ("employment_month", 1.0, 0.4),
        ("cash_benefit_month", -2.0, 0.6),
        ("home_support_hour", -30, 10),
        ("psychiatric_bed_day", -4, 1.5),
    ],
}

# (target group, outcome code): [(intervention, title, year, grade, effect, se)]
STUDIES: dict[tuple[str, str], list[tuple[str, str, int, int, float, float | None]]] = {
    ("homelessness", "housed"): [
        (
            "CTI – Critical Time Intervention",
            "Illustrativ RCT af CTI ved udflytning fra herberg",
            2019,
            1,
            0.12,
            0.04,
        ),
        ("Housing First", "Illustrativ metaanalyse af Housing First", 2021, 1, 0.15, 0.03),
        ("CTI – Critical Time Intervention", "Illustrativt før/efter-studie af CTI", 2016, 3, 0.25, None),
    ],
    ("adhd", "job_or_education"): [
        (
            "Mestringsindsats til unge og voksne med ADHD",
            "Illustrativt kvasieksperiment",
            2022,
            2,
            0.08,
            0.03,
        ),
    ],
    ("children_at_risk", "placement_avoided"): [
        ("Styrket familiebehandling", "Illustrativ RCT af intensiv familiebehandling", 2020, 1, 0.10, 0.035),
        ("Styrket familiebehandling", "Illustrativt registerstudie med kontrolgruppe", 2018, 2, 0.14, 0.05),
    ],
    ("severe_mental_illness", "education_or_activation"): [
        (
            "Social færdighedstræning",
            "Illustrativ SØM-registeranalyse (jf. styrelsens analyse 2021)",
            2021,
            2,
            0.09,
            0.03,
        ),
    ],
}

CTI_CALCULATION = "CTI for hjemløse – investeringspotentiale (illustrative tal)"


def _load_knowledge(log) -> bool:
    if TargetGroup.objects.filter(code="homelessness").exists():
        return False
    for service, (name, unit, m, r, s, area, committee) in PRICES.items():
        Price.objects.create(
            service=service, name=name, unit=unit, municipality=m, region=r, state=s, area=area,
            committee=committee, price_year=2025, source=SOURCE, is_illustrative=True,
        )  # fmt: skip
    groups = {}
    for code, (name, area, committee, description) in TARGET_GROUPS.items():
        groups[code] = TargetGroup.objects.create(
            code=code, name=name, area=area, committee=committee, description=description,
            source=SOURCE, is_illustrative=True,
        )  # fmt: skip
    outcomes = {}
    for (tg, code, name), rows in CONSEQUENCES.items():
        outcome = Outcome.objects.create(
            target_group=groups[tg], code=code, name=name, source=SOURCE, is_illustrative=True
        )
        outcomes[(tg, code)] = outcome
        for service, change, se in rows:
            yearly = change if isinstance(change, list) else [None]
            for year, value in enumerate(yearly, start=1):
                Consequence.objects.create(
                    target_group=groups[tg], outcome=outcome, service=service,
                    year_after_success=year if value is not None else None,
                    change=value if value is not None else change, standard_error=se,
                    source=SOURCE, is_illustrative=True,
                )  # fmt: skip
    for (tg, code), rows in STUDIES.items():
        for intervention, title, year, grade, effect, se in rows:
            EffectStudy.objects.create(
                target_group=groups[tg], outcome=outcomes[(tg, code)], intervention=intervention, title=title,
                year=year, grade=grade, effect=effect, standard_error=se, source=SOURCE, is_illustrative=True,
            )  # fmt: skip
    aarhus = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, code="751").first()
    if aarhus is not None:
        Price.objects.create(
            service="shelter_night", name=PRICES["shelter_night"][0], unit="døgn", municipality=520, state=520,
            area="housing", committee="social", price_year=2025, organisation=aarhus,
            source=SOURCE + " (Aarhus' egen pris)", is_illustrative=True,
        )  # fmt: skip
        TargetGroupSize.objects.create(
            target_group=groups["homelessness"], organisation=aarhus, citizens_per_year=35
        )
    KnowledgeVersion.objects.create(number=1, note="Illustrativt demodatasæt indlæst")
    log("SØM: illustrativ vidensdatabase (4 målgrupper, 15 priser) – markeret som illustrative tal")
    return True


def _load_calculation(log) -> None:
    if Calculation.objects.filter(name=CTI_CALCULATION).exists():
        return
    owner = User.objects.filter(username="styrelse").first()
    initiative = Initiative.objects.filter(title__startswith="Afprøvning af CTI").first()
    if owner is None:
        return
    from . import services

    p = {
        k: Price.objects.get(service=k, organisation__isnull=True)
        for k in (
            "shelter_night",
            "home_support_hour",
            "psychiatric_bed_day",
            "emergency_visit",
            "police_charge",
        )
    }
    case = {
        "name": CTI_CALCULATION,
        "target_group": "Borgere i hjemløshed",
        "horizon": 10,
        "duration_years": 1,
        "area": "housing",
        "committee": "social",
        "intake": [30, 30, 30],
        "costs": [
            {
                "name": "Opstart og uddannelse af CTI-medarbejdere",
                "kind": "once",
                "amount": 350000,
                "payer": "municipality",
            },
            {
                "name": "CTI-forløb (9 måneder)",
                "kind": "per_citizen",
                "payer": "municipality",
                "amount": {"dist": "triangular", "min": 45000, "mode": 55000, "max": 75000},
            },
        ],  # fmt: skip
        "outcomes": [
            {
                "name": "Ud af hjemløshed",
                "success_rate": {"dist": "normal", "mean": 0.12, "sd": 0.04},
                "relapse": {"dist": "pert", "min": 0.05, "mode": 0.10, "max": 0.25},
                "consequences": [
                    {"service": "shelter_night", "change": {"dist": "normal", "mean": -110, "sd": 15}},
                    {"service": "home_support_hour", "change": {"dist": "normal", "mean": 40, "sd": 8}},
                    {"service": "psychiatric_bed_day", "change": {"dist": "normal", "mean": -3, "sd": 1.2}},
                    {"service": "emergency_visit", "change": {"dist": "normal", "mean": -1.5, "sd": 0.5}},
                    {"service": "police_charge", "change": {"dist": "normal", "mean": -0.3, "sd": 0.1}},
                ],
            }
        ],
        "prices": {
            k: {
                "name": v.name,
                "unit": v.unit,
                "municipality": v.municipality,
                "region": v.region,
                "state": v.state,
                "area": v.area,
                "committee": v.committee or None,
            }
            for k, v in p.items()
        },  # fmt: skip
    }
    services.save_calculation(
        owner,
        case,
        draws=10_000,
        seed=2018,
        knowledge_version=1,
        initiative=initiative,
        target_group=TargetGroup.objects.get(code="homelessness"),
        uses_illustrative_data=True,
    )
    log("SØM: gemt beregning på CTI-initiativet (illustrative tal)")


def load(log) -> None:
    """Load this app's demo data; `log` takes one line of progress text. Idempotent."""
    _load_knowledge(log)
    _load_calculation(log)
