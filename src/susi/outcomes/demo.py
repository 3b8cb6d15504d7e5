"""Demo outcome data: synthetic citizens (CPR numbers no real person can have) for the demo initiatives in
maturation, testing and dissemination, imported through the real import service, so every pseudonym is a
keyed HMAC and every import is in the access log. Plus fidelity records, a saved effect estimate from
testing (the reference for monitoring) and a register follow-up. Idempotent: an initiative that already
has citizens is left alone.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from susi.accounts.models import Role, User
from susi.engines.evaluation import synthetic
from susi.portfolio.models import Initiative

# (title prefix, citizens, true effect, seed, design): the ACT municipalities start in waves.
PLAN = (
    ("Afprøvning af mestringsindsats til unge og voksne med ADHD", 400, 4.0, 11, "rct"),
    ("Modning af modificeret ACT", 160, 2.0, 12, "waves"),
    ("Udbredelse af Housing First", 900, 3.0, 13, "rct"),
)


def _spread_over_years(frame: pd.DataFrame, drifting: str, effect: float) -> pd.DataFrame:
    """Dissemination runs for years: start citizens over three years, and let one municipality lose the
    effect for its third year's citizens, so monitoring has something to warn about."""
    frame = frame.copy()
    shift = frame["cpr"].map(lambda c: int(c[-3:]) % 3)  # the same shift for every row of a citizen
    for column in ("startdato", "maaledato"):
        dates = pd.to_datetime(frame[column])
        frame[column] = [
            (d + pd.DateOffset(years=int(k))).date().isoformat() for d, k in zip(dates, shift, strict=True)
        ]
    drift = (
        (frame["kommune"] == drifting)
        & (shift == 2)
        & (frame["gruppe"] == "indsats")
        & (frame["maaletidspunkt"] != "baseline")
        & (frame["redskab"] == synthetic.INSTRUMENT)
    )
    frame.loc[drift, "vaerdi"] = frame.loc[drift, "vaerdi"] - effect
    return frame


def _importer(initiative) -> User | None:
    return (
        User.objects.filter(role=Role.EVALUATOR, organisation=initiative.evaluator).first()
        or User.objects.filter(role=Role.ADMIN).first()
    )


def load(log) -> None:
    """Load this app's demo data; `log` takes one line of progress text."""
    from . import evaluation, register, services
    from .models import AdoptionWave, DeliveryRecord, Enrolment, Instrument, Occasion

    for prefix, n, effect, seed, design in PLAN:
        initiative = Initiative.objects.filter(title__startswith=prefix).first()
        if initiative is None:
            continue
        if Enrolment.objects.filter(initiative=initiative).exists():
            log(f"Borgerdata findes allerede: {initiative.title}")
            continue
        user = _importer(initiative)
        codes = tuple(initiative.municipalities.values_list("code", flat=True)[:4])
        if user is None or len(codes) < 2:
            continue
        dataset = synthetic.generate(n, municipalities=codes, true_effect=effect, seed=seed, design=design)
        instruments = (
            (synthetic.INSTRUMENT,)
            if design == "waves"
            else (synthetic.INSTRUMENT, synthetic.BINARY_INSTRUMENT)
        )
        for instrument in instruments:
            frame = synthetic.import_file_frame(dataset, instrument)
            if initiative.phase == "dissemination":
                frame = _spread_over_years(frame, codes[-1], effect)
            data = frame.to_csv(sep=";", decimal=",", index=False).encode("utf-8")
            batch = services.stage_file(
                user=user, initiative=initiative, fh=io.BytesIO(data), name=f"{instrument}.csv"
            )
            if batch.error_count:
                raise RuntimeError(f"demo file rejected: {services.batch_errors(batch)[:3]}")
            services.commit_batch(user=user, batch=batch)
        for code, period in dataset.waves.items():
            AdoptionWave.objects.update_or_create(
                initiative=initiative,
                municipality=initiative.municipalities.get(code=code),
                defaults={"treated_from": period},
            )
        Instrument.objects.filter(code=synthetic.INSTRUMENT).update(name="Trivsel (WEMWBS, 14–70)")
        Instrument.objects.filter(code=synthetic.BINARY_INSTRUMENT).update(
            name="I job eller uddannelse", kind=Instrument.Kind.BINARY
        )

        # Fidelity: the generator's delivery records, linked to the imported enrolments by pseudonym.
        from .pseudonyms import pseudonymiser

        pseudonymise = pseudonymiser(initiative)
        by_cpr = dict(zip(dataset.citizens["pseudonym"], dataset.citizens["cpr"], strict=True))
        enrolment_of = dict(
            Enrolment.objects.filter(initiative=initiative).values_list("citizen__pseudonym", "pk")
        )
        records = []
        for row in dataset.fidelity.itertuples():
            real = pseudonymise(by_cpr[row.pseudonym])
            records.append(
                DeliveryRecord(
                    enrolment_id=enrolment_of[real],
                    component=row.component,
                    delivered=float(row.delivered),
                    intended=float(row.intended),
                )
            )
        DeliveryRecord.objects.bulk_create(records, ignore_conflicts=True)

        # The effect estimate (the reference for monitoring in dissemination).
        wemwbs = Instrument.objects.get(code=synthetic.INSTRUMENT)
        method = "staggered" if design == "waves" else "ancova"
        result = evaluation.run_estimate(initiative, wemwbs, method, 1, chart=False)
        if result.estimate is not None:
            services.save_evaluation(
                user=user,
                initiative=initiative,
                instrument=wemwbs,
                occasion=Occasion.objects.get(number=1),
                result=result,
            )

        # Register follow-up: the enrolled and a comparison population five times larger.
        enrolled = register.enrolled_frame(initiative)
        comparison = pd.DataFrame(
            {
                "pseudonym": [f"cmp{seed}-{i:06d}" for i in range(5 * len(enrolled))],
                "index_year": list(enrolled["index_year"]) * 5,
            }
        )
        people = pd.concat([enrolled.assign(treat=1), comparison.assign(treat=0)], ignore_index=True)
        index_year = int(enrolled["index_year"].min()) if len(enrolled) else 2025
        history = synthetic.generate_register(
            people, first_year=index_year - 9, last_year=index_year + 10, seed=seed
        )
        # Keep the demo's register in the past relative to its index year: follow-up years 1..10.
        register.followup_from_frames(
            user=user, initiative=initiative, comparison=comparison, register=history
        )
        log(
            f"Borgerdata: {n} syntetiske borgere i {initiative.title} (sand effekt {dataset.true_effect:.2f})"
        )
    load_feedback(log)


# --- citizens' feedback: proxy answers for children with disabilities in Stepping Stones ---------------------

STEPPING_STONES = "Udbredelse af Stepping Stones"

# Who answers for a child with a disability, and how. Many of the children have little or no spoken language:
# a parent answers for the child, or the family's counsellor does at a home visit; the children who can answer
# do so with pictograms or easy-read. (respondent, format, weight, mean answer per question)
FEEDBACK_VOICES = (
    ("citizen", "pictograms", 0.22, {"helps": 4.1, "heard": 4.3, "say": 3.8}),
    ("citizen", "easy_read", 0.08, {"helps": 3.9, "heard": 4.0, "say": 3.6}),
    ("relative", "oral", 0.25, {"helps": 4.3, "heard": 3.7, "say": 2.9}),
    ("relative", "digital", 0.15, {"helps": 4.2, "heard": 3.6, "say": 3.0}),
    ("relative", "interpreter", 0.05, {"helps": 3.8, "heard": 3.2, "say": 2.7}),
    ("staff", "home_visit", 0.25, {"helps": 3.9, "heard": 3.9, "say": 3.2}),
)
FEEDBACK_COMMENTS = {
    "citizen": (
        "Jeg kan godt lide, når vi leger sammen.",
        "Pegede på den glade smiley ved 'lege'.",
        "Vil gerne have mere tid med mor.",
    ),
    "relative": (
        "Det hjælper, at vi øver de samme ting derhjemme hver dag.",
        "Gruppemøderne ligger sent; vores barn er træt efter skole.",
        "Godt at møde andre forældre i samme situation.",
        "Vi savner materialet på arabisk.",
        "Svært at finde tid til hjemmeopgaverne, når der også er søskende.",
    ),
    "staff": (
        "Barnet har ikke talesprog; svaret bygger på forældrenes og min observation ved hjemmebesøget.",
        "Spørgsmålene blev læst højt med billedstøtte; barnet svarede på de to første.",
        "Familien oplever færre konflikter ved sengetid.",
    ),
}


def _feedback_rows(dataset, seed: int) -> list[list]:
    """One row per intervention citizen and follow-up (not everyone answers every time)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    weights = np.array([v[2] for v in FEEDBACK_VOICES])
    rows = []
    citizens = dataset.citizens.loc[dataset.citizens["arm"] == "intervention"]
    for citizen in citizens.itertuples():
        voice = FEEDBACK_VOICES[rng.choice(len(FEEDBACK_VOICES), p=weights / weights.sum())]
        for followup, answers_share in ((1, 0.85), (2, 0.7)):
            if rng.random() > answers_share:
                continue
            respondent, form, _weight, means = voice
            values = []
            for code in ("helps", "heard", "say"):
                value = int(np.clip(np.rint(rng.normal(means[code] + 0.15 * (followup - 1), 0.8)), 1, 5))
                values.append("" if rng.random() < 0.04 else value)
            comment = ""
            if rng.random() < 0.3:
                choices = FEEDBACK_COMMENTS[respondent]
                comment = choices[int(rng.integers(len(choices)))]
            given_on = citizen.enrolled_on + dt.timedelta(days=182 * followup)
            rows.append(
                [
                    citizen.cpr,
                    f"opfølgning {followup}",
                    respondent,
                    form,
                    given_on.isoformat(),
                    *values,
                    comment,
                ]
            )
    return rows


def load_feedback(log) -> None:
    """Stepping Stones (dissemination): synthetic children enrolled through the real import, and their
    feedback (largely given by parents and counsellors on their behalf) through the real feedback import."""
    import csv

    from . import services
    from .feedback import TABLE, import_feedback
    from .models import Enrolment, FeedbackResponse

    initiative = Initiative.objects.filter(title__startswith=STEPPING_STONES).first()
    if initiative is None:
        return
    if FeedbackResponse.objects.filter(enrolment__initiative=initiative).exists():
        log(f"Feedback findes allerede: {initiative.title}")
        return
    user = _importer(initiative)
    codes = tuple(initiative.municipalities.order_by("code").values_list("code", flat=True)[:4])
    if user is None or len(codes) < 2:
        return
    dataset = synthetic.generate(240, municipalities=codes, true_effect=2.5, seed=14, design="rct")
    if not Enrolment.objects.filter(initiative=initiative).exists():
        data = synthetic.import_file_frame(dataset).to_csv(sep=";", decimal=",", index=False).encode("utf-8")
        batch = services.stage_file(user=user, initiative=initiative, fh=io.BytesIO(data), name="trivsel.csv")
        if batch.error_count:
            raise RuntimeError(f"demo file rejected: {services.batch_errors(batch)[:3]}")
        services.commit_batch(user=user, batch=batch)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([column.label for column in TABLE.columns])
    writer.writerows(_feedback_rows(dataset, seed=14))
    report = import_feedback(
        user=user, initiative=initiative, fh=io.BytesIO(out.getvalue().encode("utf-8")), name="feedback.csv"
    )
    if report.error_count:
        raise RuntimeError(f"demo feedback rejected: {report.errors[:3]}")
    log(
        f"Feedback: {report.rows_new} besvarelser i {initiative.title} (mange givet af forældre og rådgivere)"
    )
