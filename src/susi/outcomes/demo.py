"""Demo outcome data: synthetic citizens (CPR numbers no real person can have) for the demo initiatives in
maturation, testing and dissemination, imported through the real import service, so every pseudonym is a
keyed HMAC and every import is in the access log. Plus fidelity records, a saved effect estimate from
testing (the reference for monitoring) and a register follow-up. Idempotent: an initiative that already
has citizens is left alone.
"""

from __future__ import annotations

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
