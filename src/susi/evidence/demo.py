"""Demo data for the evidence base: a few effect studies, one saved meta-analysis and one self-assessment.

The studies are *fictional* (their labels say so): they exist to show the pages, not to claim anything about
the real interventions they are attached to. Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from susi.accounts.models import User
from susi.portfolio.models import Intervention

from . import services
from .models import MetaAnalysis, PracticeAssessment, Study

CTI = "CTI – Critical Time Intervention for hjemløse"
OUTCOME = "I egen bolig 9 måneder efter udflytning"

# label, year, design, country, ai (in own home, CTI), bi (not), ci (in own home, usual care), di (not),
# subgroup (setting), moderator (months of follow-up)
STUDIES = [
    ("Demostudie A (fiktive tal)", 2011, "rct", "US", 62, 28, 48, 42, "Herberg", 9),
    ("Demostudie B (fiktive tal)", 2014, "rct", "NL", 70, 35, 55, 48, "Herberg", 9),
    ("Demostudie C (fiktive tal)", 2016, "quasi_experiment", "DK", 41, 19, 33, 27, "Psykiatri", 12),
    ("Demostudie D (fiktive tal)", 2019, "rct", "DK", 88, 32, 71, 49, "Herberg", 12),
    ("Demostudie E (fiktive tal)", 2021, "before_after_control", "SE", 30, 20, 27, 24, "Psykiatri", 6),
]


def load(log) -> None:
    agency = User.objects.filter(username="styrelse").first()
    intervention = Intervention.objects.filter(name=CTI).first()
    if agency is None or intervention is None:
        log("evidens: springer over (styrelsens demobruger eller CTI-indsatsen mangler)")
        return
    created = 0
    for label, year, design, country, ai, bi, ci, di, subgroup, months in STUDIES:
        if Study.objects.filter(intervention=intervention, label=label).exists():
            continue
        services.create_study(
            agency,
            intervention,
            {
                "outcome": OUTCOME,
                "label": label,
                "year": year,
                "design": design,
                "country": country,
                "risk_of_bias": "some",
                "measure": "RR",
                "ai": ai,
                "bi": bi,
                "ci": ci,
                "di": di,
                "subgroup": subgroup,
                "moderator": months,
                "target_group": "Hjemløse, der flytter fra herberg eller forsorgshjem til egen bolig",
            },
        )
        created += 1
    studies = list(Study.objects.filter(intervention=intervention, outcome=OUTCOME, measure="RR"))
    if not MetaAnalysis.objects.filter(intervention=intervention, outcome=OUTCOME).exists():
        services.save_meta_analysis(
            agency,
            intervention,
            outcome=OUTCOME,
            measure="RR",
            method="REML",
            hk=False,
            higher_is_better=True,
            studies=studies,
            title="CTI: i egen bolig efter 9 måneder (demo)",
        )
    municipality_user = User.objects.filter(username="kommune").first()
    if (
        municipality_user
        and municipality_user.organisation
        and not PracticeAssessment.objects.filter(
            organisation=municipality_user.organisation, practice_name="Udflytningsteam (demo)"
        ).exists()
    ):
        from susi.engines.evidence.practice import question_keys

        pattern = [3, 2, 2, 2, 3, 3, 2, 1, 1, 0, 3, 2, 3, 3, 3, 3, 2, 2, 1, 2, 2, 2]
        services.save_practice_assessment(
            municipality_user,
            organisation=municipality_user.organisation,
            practice_name="Udflytningsteam (demo)",
            description="Kommunens team, der følger borgere fra herberg til egen bolig.",
            intervention=intervention,
            answers=dict(zip(question_keys(), pattern, strict=True)),
        )
    log(f"evidens: {created} nye demostudier, 1 metaanalyse og 1 selvevaluering af lovende praksis")
