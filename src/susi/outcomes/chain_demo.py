"""Demo of the evidence chain (issue 14), loaded last (after evidence, SØM and outcomes): CTI's testing-phase
evaluation flows into the evidence base and SØM.

1. Synthetic citizens for "Afprøvning af CTI …" (a randomised trial), with the yes/no outcome "I egen bolig"
   and fidelity records, imported through the real import service.
2. The effect on "I egen bolig" at follow-up 1 (difference in shares, randomised), saved as an evaluation.
3. Added to the evidence base under the demo meta-analysis's outcome ("I egen bolig 9 måneder efter
   udflytning", RR): the study is stored with its 2×2 table, and the meta-analysis is updated.
4. Published to SØM's knowledge database (target group "homelessness", outcome "housed") as a new version;
   the register follow-up becomes consequences per year in the same target group, another version.
5. A new SØM calculation on the CTI initiative uses the new version; the older demo calculation keeps its own.

Idempotent: a CTI initiative that already has citizens is left as it is, and every later step is
idempotent itself (publishing the same again makes no new version).
"""

from __future__ import annotations

import io

import pandas as pd

from susi.accounts.models import Role, User
from susi.engines.evaluation import synthetic
from susi.portfolio.models import Initiative

CTI_TITLE = "Afprøvning af CTI"
INSTRUMENT_CODE = "i_egen_bolig"
INSTRUMENT_NAME = "I egen bolig"
EVIDENCE_OUTCOME = "I egen bolig 9 måneder efter udflytning"  # the evidence demo's CTI outcome
TARGET_GROUP, SOM_OUTCOME = "homelessness", "housed"
CALCULATION = "CTI for hjemløse – med platformens egen effektevaluering (illustrative tal)"


def _import(initiative, user) -> None:
    from . import register, services
    from .models import DeliveryRecord, Enrolment, Instrument
    from .pseudonyms import pseudonymiser

    codes = tuple(initiative.municipalities.values_list("code", flat=True)[:4])
    dataset = synthetic.generate(
        240,
        municipalities=codes,
        true_effect=3.0,
        seed=14,
        design="rct",
        binary_base=0.45,
        binary_effect=0.15,
    )
    for instrument in (synthetic.INSTRUMENT, synthetic.BINARY_INSTRUMENT):
        frame = synthetic.import_file_frame(dataset, instrument)
        if instrument == synthetic.BINARY_INSTRUMENT:
            frame["redskab"] = INSTRUMENT_CODE
        data = frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8")
        batch = services.stage_file(
            user=user, initiative=initiative, fh=io.BytesIO(data), name=f"cti-{instrument}.csv"
        )
        if batch.error_count:
            raise RuntimeError(f"demo file rejected: {services.batch_errors(batch)[:3]}")
        services.commit_batch(user=user, batch=batch)
    Instrument.objects.filter(code=INSTRUMENT_CODE).update(name=INSTRUMENT_NAME, kind=Instrument.Kind.BINARY)
    pseudonymise = pseudonymiser(initiative)
    by_cpr = dict(zip(dataset.citizens["pseudonym"], dataset.citizens["cpr"], strict=True))
    enrolment_of = dict(
        Enrolment.objects.filter(initiative=initiative).values_list("citizen__pseudonym", "pk")
    )
    DeliveryRecord.objects.bulk_create(
        [
            DeliveryRecord(
                enrolment_id=enrolment_of[pseudonymise(by_cpr[row.pseudonym])],
                component=row.component,
                delivered=float(row.delivered),
                intended=float(row.intended),
            )
            for row in dataset.fidelity.itertuples()
        ],
        ignore_conflicts=True,
    )
    enrolled = register.enrolled_frame(initiative)
    comparison = pd.DataFrame(
        {
            "pseudonym": [f"cmp14-{i:06d}" for i in range(5 * len(enrolled))],
            "index_year": list(enrolled["index_year"]) * 5,
        }
    )
    people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
    index_year = int(enrolled["index_year"].min())
    history = synthetic.generate_register(
        people, first_year=index_year - 9, last_year=index_year + 10, seed=14
    )
    register.followup_from_frames(user=user, initiative=initiative, comparison=comparison, register=history)


def _evaluation(initiative, user):
    from . import evaluation, services
    from .models import EffectEvaluation, Instrument, Occasion

    instrument = Instrument.objects.get(code=INSTRUMENT_CODE)
    saved = EffectEvaluation.objects.filter(initiative=initiative, instrument=instrument).first()
    if saved is not None:
        return saved
    result = evaluation.run_estimate(initiative, instrument, "rct_proportions", 1, chart=False)
    if result.estimate is None:
        raise RuntimeError(f"CTI demo estimate failed: {result.error}")
    return services.save_evaluation(
        user=user,
        initiative=initiative,
        instrument=instrument,
        occasion=Occasion.objects.get(number=1),
        result=result,
    )


def _som_calculation(agency, initiative) -> None:
    from susi.som import selectors as som_selectors
    from susi.som import services as som_services
    from susi.som.models import Calculation, TargetGroup

    if Calculation.objects.filter(name=CALCULATION).exists():
        return
    group = TargetGroup.objects.get(code=TARGET_GROUP)
    defaults = som_selectors.defaults_for(group, None)
    housed = next(o for o in defaults.outcomes if o.outcome.code == SOM_OUTCOME)
    prices = {
        c["service"]: defaults.prices[c["service"]]
        for c in housed.consequences
        if c["service"] in defaults.prices
    }
    case = {
        "name": CALCULATION,
        "target_group": group.name,
        "horizon": 10,
        "duration_years": 1,
        "intake": [40, 40, 40],
        "costs": [
            {
                "name": "Opstart og uddannelse",
                "kind": "once",
                "amount": 400_000,
                "payer": "municipality",
                "year": 1,
            },
            {
                "name": "CTI-forløb (9 måneder)",
                "kind": "per_citizen",
                "amount": 60_000,
                "payer": "municipality",
            },
        ],
        "outcomes": [
            {
                "name": housed.outcome.name,
                "success_rate": {"dist": "normal", "mean": housed.success_rate, "sd": housed.success_rate_se}
                if housed.success_rate_se
                else housed.success_rate,
                "relapse": 0.1,
                "consequences": [
                    {"service": c["service"], "change": float(str(c["change"]).split(";")[0])}
                    for c in housed.consequences
                    if c["service"] in prices
                ],
            }
        ],
        "prices": {
            s: {
                "municipality": p.municipality,
                "region": p.region,
                "state": p.state,
                "area": p.area,
                "name": p.name,
            }
            for s, p in prices.items()
        },
    }
    som_services.save_calculation(
        agency,
        case,
        draws=2000,
        seed=2018,
        knowledge_version=som_selectors.current_version(),
        initiative=initiative,
        target_group=group,
        uses_illustrative_data=True,
    )


def load(log) -> None:
    from susi.evidence import chain as evidence_chain
    from susi.som import chain as som_chain
    from susi.som.models import TargetGroup

    from .models import Enrolment

    initiative = Initiative.objects.filter(title__startswith=CTI_TITLE).first()
    agency = User.objects.filter(username="styrelse").first()
    group = TargetGroup.objects.filter(code=TARGET_GROUP).first()
    if initiative is None or agency is None or group is None:
        log("evidenskæden: springer over (CTI-initiativet, styrelsens bruger eller SØM-målgruppen mangler)")
        return
    evaluator = (
        User.objects.filter(role=Role.EVALUATOR, organisation=initiative.evaluator).first()
        or User.objects.filter(role=Role.ADMIN).first()
    )
    if evaluator is None:
        return
    if not Enrolment.objects.filter(initiative=initiative).exists():
        _import(initiative, evaluator)
    evaluation = _evaluation(initiative, evaluator)
    added = evidence_chain.add_evaluation(agency, evaluation, design="rct", outcome=EVIDENCE_OUTCOME)
    som_chain.publish_evaluation(agency, evaluation, target_group=group, outcome=SOM_OUTCOME, design="rct")
    som_chain.publish_register(agency, initiative, target_group=group)
    _som_calculation(agency, initiative)
    meta = added.meta_analysis
    log(
        "evidenskæden: CTI's effektevaluering i evidensbasen"
        + (f" (metaanalyse: {meta.get_rating_level_display()})" if meta else "")
        + " og i SØM's vidensdatabase"
    )
