"""Reads of outcome data: citizen-level querysets scoped by user, and frames for the engine.

Citizen-level reads go through ``citizen_enrolments(user, ...)``: a municipality user gets only their
own municipality's citizens, an evaluator only the initiatives their organisation evaluates, everyone
else nothing. Aggregates (``arm_means``, ``municipality_counts``) apply the small-cell rule: a figure
from fewer than 5 citizens is replaced by None before it leaves this module.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from django.db.models import Count, Q, QuerySet

from susi.accounts import permissions
from susi.engines.evaluation.descriptive import mean_interval
from susi.engines.evaluation.privacy import SMALL_CELL_THRESHOLD, protect_total
from susi.organisations.models import Organisation
from susi.portfolio.models import Initiative

from .models import (
    AdoptionWave,
    DeliveryRecord,
    EffectEvaluation,
    Enrolment,
    Instrument,
    Measurement,
    Occasion,
)

OUTCOME_PHASES = ("maturation", "testing", "dissemination")


def citizen_enrolments(user, initiative: Initiative | None = None) -> QuerySet[Enrolment]:
    """The enrolments whose citizens ``user`` may see, optionally in one initiative (the twin of
    ``outcomes.view_citizens`` in the rules module)."""
    return permissions.citizen_enrolments(user, initiative)


def initiatives_with_outcomes(user) -> list[Initiative]:
    """Initiatives in maturation, testing or dissemination whose aggregates the user may see."""
    qs = Initiative.objects.filter(phase__in=OUTCOME_PHASES).select_related("intervention", "evaluator")
    return list(permissions.aggregate_initiatives(user, qs))


def municipality_counts(initiative: Initiative) -> list[dict[str, Any]]:
    """Citizens per participating municipality and arm (small cells suppressed)."""
    counts = (
        Enrolment.objects.filter(initiative=initiative)
        .values("municipality_id", "arm")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_muni: dict[int, dict[str, int]] = {}
    for row in counts:
        by_muni.setdefault(row["municipality_id"], {})[row["arm"]] = row["n"]
    rows = []
    for muni in initiative.municipalities.order_by("name"):
        arms = by_muni.get(muni.pk, {})
        # Complementary suppression: no withheld arm can be worked out as the total minus the others.
        parts, total = protect_total(
            {arm: arms.get(arm, 0) for arm in ("intervention", "comparison", "waitlist")},
            sum(arms.values()),
        )
        rows.append({"municipality": muni, "total": total, **parts})
    return rows


def instruments_in(initiative: Initiative) -> list[Instrument]:
    ids = Measurement.objects.filter(enrolment__initiative=initiative).values("instrument_id").distinct()
    return list(Instrument.objects.filter(pk__in=ids))


def occasions_in(initiative: Initiative) -> list[Occasion]:
    ids = Measurement.objects.filter(enrolment__initiative=initiative).values("occasion_id").distinct()
    return list(Occasion.objects.filter(pk__in=ids))


def measurements_frame(
    initiative: Initiative, instrument: Instrument | None = None, municipality: Organisation | None = None
) -> pd.DataFrame:
    """The engine's measurements frame for an initiative (see susi.engines.evaluation).

    Adds ``period`` (the occasion number) and ``treated_from`` (the municipality's adoption wave) when
    waves are recorded, and the covariates ``age`` and ``female`` when birth year and sex are known.
    """
    qs = Measurement.objects.filter(enrolment__initiative=initiative)
    if instrument is not None:
        qs = qs.filter(instrument=instrument)
    if municipality is not None:
        qs = qs.filter(enrolment__municipality=municipality)
    # The unit is the enrolment, not the citizen: a citizen who moved may be enrolled by two municipalities.
    columns = [
        "enrolment_id",
        "enrolment__municipality__code",
        "enrolment__arm",
        "occasion__number",
        "instrument__code",
        "value",
        "enrolment__start",
        "measured_on",
        "enrolment__citizen__birth_year",
        "enrolment__citizen__sex",
    ]
    names = [
        "pseudonym",
        "municipality",
        "arm",
        "period",
        "instrument",
        "value",
        "enrolled_on",
        "measured_on",
        "birth_year",
        "sex",
    ]
    frame = pd.DataFrame.from_records(
        list(qs.values_list(*columns).iterator(chunk_size=20000)), columns=names
    )
    frame["pseudonym"] = frame["pseudonym"].astype(str)
    frame["occasion"] = ["baseline" if p == 0 else f"followup_{p}" for p in frame["period"]]
    frame["value"] = frame["value"].astype(float)
    years = pd.to_numeric(frame["birth_year"], errors="coerce")
    enrolled_year = pd.Series([d.year for d in frame["enrolled_on"]], index=frame.index, dtype=float)
    frame["age"] = (enrolled_year - years).astype(float)
    frame["female"] = (frame["sex"] == "F").astype(float)
    waves = dict(
        AdoptionWave.objects.filter(initiative=initiative).values_list("municipality__code", "treated_from")
    )
    if waves:
        frame["treated_from"] = [
            float(waves[m]) if waves.get(m) is not None else math.nan for m in frame["municipality"]
        ]
    return frame.drop(columns=["birth_year", "sex"])


def time_to_outcome_frame(frame: pd.DataFrame, instrument: str) -> pd.DataFrame:
    """Time to the first follow-up where a yes/no outcome is reached (value 1), for Kaplan–Meier and Cox.

    Time is in years from the start of the enrolment to the measurement date (or, without dates, the
    occasion number). Citizens who had the outcome already at baseline are left out; a citizen who never
    reaches it is censored at the last follow-up.
    """
    sub = frame.loc[frame["instrument"] == instrument].copy()
    if sub.empty:
        return pd.DataFrame(columns=["pseudonym", "arm", "time", "event", "municipality"])
    sub["years"] = [
        (m - s).days / 365.25 if m is not None and not pd.isna(m) else float(p)
        for m, s, p in zip(sub["measured_on"], sub["enrolled_on"], sub["period"], strict=True)
    ]
    at_baseline = set(sub.loc[(sub["period"] == 0) & (sub["value"] >= 0.5), "pseudonym"])
    follow = sub.loc[(sub["period"] > 0) & ~sub["pseudonym"].isin(at_baseline)].sort_values("period")
    rows = []
    for pseudonym, group in follow.groupby("pseudonym", sort=False):
        reached = group.loc[group["value"] >= 0.5]
        first = reached.iloc[0] if len(reached) else group.iloc[-1]
        rows.append(
            {
                "pseudonym": pseudonym,
                "arm": "intervention" if first["arm"] == "intervention" else "comparison",
                "time": max(float(first["years"]), 0.0),
                "event": int(len(reached) > 0),
                "municipality": first["municipality"],
            }
        )
    return pd.DataFrame(rows, columns=["pseudonym", "arm", "time", "event", "municipality"])


def arm_means(frame: pd.DataFrame, instrument: str) -> list[dict[str, Any]]:
    """Mean with 95 % CI per arm and occasion; a cell from fewer than 5 citizens is suppressed."""
    sub = frame.loc[frame["instrument"] == instrument]
    rows = []
    for (arm, period), group in sub.groupby(["arm", "period"], sort=True):
        n = int(group["pseudonym"].nunique())
        if n < SMALL_CELL_THRESHOLD:
            rows.append(
                {"arm": arm, "period": int(period), "n": None, "mean": None, "ci_low": None, "ci_high": None}
            )
            continue
        interval = mean_interval(group["value"].to_numpy(dtype=float))
        rows.append(
            {
                "arm": arm,
                "period": int(period),
                "n": n,
                "mean": interval.mean,
                "ci_low": interval.low,
                "ci_high": interval.high,
            }
        )
    return rows


def fidelity_frame(initiative: Initiative) -> pd.DataFrame:
    rows = DeliveryRecord.objects.filter(enrolment__initiative=initiative).values_list(
        "enrolment__municipality__code", "enrolment__citizen__pseudonym", "component", "delivered", "intended"
    )
    return pd.DataFrame.from_records(
        list(rows), columns=["municipality", "pseudonym", "component", "delivered", "intended"]
    )


def municipality_names(initiative: Initiative) -> dict[str, str]:
    return {m.code: str(m) for m in initiative.municipalities.all()}


#: Monitoring compares each municipality's change with the reference on the same additive scale: a mean
#: difference (or, for a 0/1 outcome, a risk difference). A saved odds ratio or hazard ratio is never
#: the reference.
MONITORING_REFERENCE_KINDS = ("MD", "RD")


def reference_evaluation(initiative: Initiative, instrument: Instrument) -> EffectEvaluation | None:
    """The effect found in testing for the same intervention and instrument (the latest one on the
    monitoring's scale, ``MONITORING_REFERENCE_KINDS``, saved while an initiative of the intervention was in
    testing, by its gate history), else this initiative's latest on that scale."""
    from susi.portfolio.selectors import phase_periods

    on_scale = EffectEvaluation.objects.filter(
        instrument=instrument, effect_size_kind__in=MONITORING_REFERENCE_KINDS
    )
    periods = phase_periods(Initiative.objects.filter(intervention=initiative.intervention), "testing")
    in_testing = Q(pk__in=[])
    for initiative_id, (entered, left) in periods.items():
        window = Q(initiative_id=initiative_id)
        if entered is not None:
            window &= Q(created_at__gte=entered)
        if left is not None:
            window &= Q(created_at__lte=left)
        in_testing |= window
    return (
        on_scale.filter(in_testing).exclude(method__in=("twfe", "staggered")).order_by("-created_at").first()
        or on_scale.filter(initiative=initiative).order_by("-created_at").first()
    )


def management_figures(initiative: Initiative, municipality: Organisation) -> dict[str, Any]:
    """Figures a municipal leader can use: enrolled, active, completed, followed up (small cells hidden)."""
    enrolments = Enrolment.objects.filter(initiative=initiative, municipality=municipality)
    total = enrolments.count()
    completed = enrolments.filter(end__isnull=False).count()
    followed = (
        enrolments.filter(measurements__occasion__number__gt=0).values("pk").distinct().count()
        if total
        else 0
    )
    # Two relations share the total: enrolled = active + completed = followed up + not followed up (never
    # shown). Complementary suppression on both, so no withheld figure is a difference of shown ones.
    status, enrolled = protect_total({"active": total - completed, "completed": completed}, total)
    follow, enrolled_too = protect_total(
        {"followed_up": followed, "not_followed_up": total - followed}, total, hidden={"not_followed_up"}
    )
    # (Either relation withholds the total only when it is itself under 5, and then every part is too.)
    enrolled = enrolled if enrolled_too is not None else None
    shown_followed = follow["followed_up"]
    share = shown_followed / total if enrolled and shown_followed is not None else None
    return {
        "enrolled": enrolled,
        **status,
        "followed_up": shown_followed,
        "followed_up_share": share,
    }


def som_consequences(initiative: Initiative) -> list[dict[str, Any]]:
    """Register follow-up as SØM consequences: per outcome and year after start, the per-citizen difference
    in service use (enrolled − comparison) and its SE. Suppressed (small-cell) years are left out, as the
    engine's ``to_som_consequences`` does."""
    from .models import RegisterOutcome

    return [
        {"outcome": r.outcome, "year_after": r.year, "difference": r.difference, "se": r.se}
        for r in RegisterOutcome.objects.filter(initiative=initiative).order_by("outcome", "year")
        if r.difference is not None and r.se is not None
    ]


def som_success_rates(initiative: Initiative) -> list[dict[str, Any]]:
    """Saved effect estimates that carry a SØM success rate (the additional share reaching success)."""
    return [
        {
            "evaluation": e.pk,
            "instrument": e.instrument.code,
            "method": e.method,
            "success_rate": e.som_success_rate,
            "sd": (e.inputs or {}).get("som_success_rate_sd"),
        }
        for e in EffectEvaluation.objects.filter(
            initiative=initiative, som_success_rate__isnull=False
        ).select_related("instrument")
    ]


def data_version(initiative) -> tuple[str, str]:
    """What the initiative's measurements depend on: its latest imported batch and the latest erasure anywhere
    (id and time). Measurements change only through an import or an erasure, so a cache keyed by this is never
    stale."""
    from .models import AccessLog, ImportBatch

    batch = (
        ImportBatch.objects.filter(initiative=initiative, status=ImportBatch.Status.IMPORTED)
        .order_by("-pk")
        .values_list("pk", "imported_at")
        .first()
    )
    erasure = (
        AccessLog.objects.filter(action=AccessLog.Action.ERASE)
        .order_by("-pk")
        .values_list("pk", "at")
        .first()
    )
    return (
        f"{batch[0]}@{batch[1].isoformat() if batch[1] else ''}" if batch else "-",
        f"{erasure[0]}@{erasure[1].isoformat()}" if erasure else "-",
    )


# --- citizens' feedback (aggregates only: free text is never read here) -------------------------------------


def _feedback_responses(initiative: Initiative, municipality_codes: list[str] | None = None):
    """(municipality code, occasion number, engine Response) for every feedback response: scale answers only."""
    from susi.engines.evaluation import feedback as spec

    from .models import FeedbackAnswer, FeedbackResponse

    responses = FeedbackResponse.objects.filter(
        enrolment__initiative=initiative, instrument=spec.FEEDBACK_INSTRUMENT.code
    )
    if municipality_codes is not None:
        responses = responses.filter(enrolment__municipality__code__in=municipality_codes)
    heads = {
        pk: (code, number, str(enrolment_id), respondent)
        for pk, code, number, enrolment_id, respondent in responses.values_list(
            "pk", "enrolment__municipality__code", "occasion__number", "enrolment_id", "respondent"
        )
    }
    values: dict[int, dict[str, float]] = {}
    # Only the value column: the free-text column is never selected for an aggregate.
    for response_id, question, value in FeedbackAnswer.objects.filter(
        response_id__in=heads, value__isnull=False
    ).values_list("response_id", "question", "value"):
        values.setdefault(response_id, {})[question] = float(value or 0.0)
    return [
        (code, number, spec.Response(unit=unit, respondent=respondent, answers=values.get(pk, {})))
        for pk, (code, number, unit, respondent) in heads.items()
    ]


def feedback_summary(initiative: Initiative, municipality_codes: list[str] | None = None) -> dict[str, Any]:
    """The feedback beside the outcomes: each citizen's latest response, overall and per municipality, with
    the proxy share; every figure from fewer than 5 citizens withheld (``engines.evaluation.feedback``).

    Municipalities are protected against one another: when the municipalities withheld for having 1-4
    citizens with feedback add up to fewer than 5, the next smallest is withheld too, so the overall figures
    minus the shown municipalities never describe fewer than 5 citizens (``privacy.protect_total``)."""
    from susi.engines.evaluation import feedback as spec

    rows = _feedback_responses(initiative, municipality_codes)
    if not rows:
        return {"feedback": None}
    latest = spec.latest_per_unit((number, r) for _code, number, r in rows)
    code_of = {r.unit: code for code, _n, r in rows}
    by_code: dict[str, list] = {}
    for response in latest:
        by_code.setdefault(code_of[response.unit], []).append(response)
    scope = Enrolment.objects.filter(initiative=initiative)
    if municipality_codes is not None:
        scope = scope.filter(municipality__code__in=municipality_codes)
    enrolled = dict(
        scope.values("municipality__code").annotate(n=Count("id")).values_list("municipality__code", "n")
    )
    shown, _total = protect_total({code: len(group) for code, group in by_code.items()}, len(latest))
    names = municipality_names(initiative)
    per_municipality = [
        (
            names.get(code, code),
            spec.summarise(by_code[code], population=enrolled.get(code))
            if shown[code] is not None
            else spec.withheld(),
        )
        for code in sorted(by_code, key=lambda c: names.get(c, c))
    ]
    return {
        "feedback": spec.summarise(latest, population=sum(enrolled.values())),
        "feedback_by_municipality": per_municipality,
        "feedback_questions": spec.FEEDBACK_INSTRUMENT.scale_questions,
    }


def feedback_questions():
    """The feedback instrument's scale questions (column headings of the feedback tables)."""
    from susi.engines.evaluation import feedback as spec

    return spec.FEEDBACK_INSTRUMENT.scale_questions
