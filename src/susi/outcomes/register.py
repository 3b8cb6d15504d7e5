"""Register follow-up: yearly register outcomes of the enrolled citizens against a comparison population,
linked by pseudonym in DuckDB (the engine's ``register_followup``), stored as aggregates only."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
from django.db import transaction

from susi.accounts.permissions import require
from susi.engines.evaluation.privacy import suppress_nested_counts
from susi.engines.evaluation.register import (
    keyed_sources,
    person_key,
    register_followup,
    register_followup_frames,
)

from .models import AccessLog, Enrolment, RegisterOutcome


def enrolled_frame(initiative) -> pd.DataFrame:
    """One row per enrolled citizen (intervention arm); a citizen enrolled by two municipalities counts once,
    from the earliest start."""
    rows = (
        Enrolment.objects.filter(initiative=initiative, arm="intervention")
        .order_by("start", "pk")
        .values_list("citizen__pseudonym", "start")
    )
    frame = pd.DataFrame([(p, s.year) for p, s in rows], columns=["pseudonym", "index_year"])
    return frame.drop_duplicates("pseudonym", keep="first").reset_index(drop=True)


def _withheld(rows) -> set[tuple[str, int]]:
    """(outcome, year) rows whose means must not be shown: fewer than 5 people, or a year whose group differs
    from another shown year's by 1-4 people (the later years' people are among the earlier years', so the
    sums' difference would give a mean over 1-4 people)."""
    withheld: set[tuple[str, int]] = set()
    by_outcome: dict[str, list] = {}
    for r in rows:
        by_outcome.setdefault(r.outcome, []).append(r)
    for outcome, group in by_outcome.items():
        group.sort(key=lambda r: r.year_after)
        flags = [
            r.suppressed or a or b
            for r, a, b in zip(
                group,
                suppress_nested_counts([r.n_enrolled for r in group]),
                suppress_nested_counts([r.n_comparison for r in group]),
                strict=True,
            )
        ]
        withheld.update((outcome, r.year_after) for r, flag in zip(group, flags, strict=True) if flag)
    return withheld


def store(initiative, result) -> int:
    """Replace the initiative's register aggregates by ``result`` (withheld cells kept as None)."""
    withheld = _withheld(result.rows)
    with transaction.atomic():
        RegisterOutcome.objects.filter(initiative=initiative).delete()
        RegisterOutcome.objects.bulk_create(
            [
                RegisterOutcome(
                    initiative=initiative,
                    outcome=r.outcome,
                    year=r.year_after,
                    n_enrolled=r.n_enrolled,
                    n_comparison=r.n_comparison,
                    mean_enrolled=None if (r.outcome, r.year_after) in withheld else r.mean_enrolled,
                    mean_comparison=None if (r.outcome, r.year_after) in withheld else r.mean_comparison,
                    difference=None if (r.outcome, r.year_after) in withheld else r.difference,
                    se=None if (r.outcome, r.year_after) in withheld else r.se,
                    ci_low=None if (r.outcome, r.year_after) in withheld else r.ci_low,
                    ci_high=None if (r.outcome, r.year_after) in withheld else r.ci_high,
                )
                for r in result.rows
            ]
        )
    return len(result.rows)


def _log_run(user, initiative, how: str) -> None:
    """Every register follow-up run reads every enrolled citizen's register data: it is access-logged."""
    from .services import log_access

    citizen_ids = Enrolment.objects.filter(initiative=initiative, arm="intervention").values_list(
        "citizen_id", flat=True
    )
    log_access(
        user,
        AccessLog.Action.REGISTER,
        f"registeropfølgning ({how})",
        initiative=initiative,
        citizen_ids=citizen_ids,
    )


def followup_from_frames(
    *, user, initiative, comparison: pd.DataFrame, register: pd.DataFrame, years: int = 10
) -> int:
    require(user, "outcomes.import", initiative)
    _log_run(user, initiative, "tabeller")
    result = register_followup_frames(enrolled_frame(initiative), comparison, register, years)
    return store(initiative, result)


def followup_from_files(
    *, user, initiative, comparison_file: Path, register_file: Path, years: int = 10
) -> int:
    """Files with ``pseudonym`` columns (CSV or Parquet), or a register stored by ``susi outcomes
    register-store`` (Parquet by year, integer keys); DuckDB reads them without loading them into Python."""
    require(user, "outcomes.import", initiative)
    _log_run(user, initiative, "filer")
    con = duckdb.connect()
    try:
        con.register("enrolled_df", enrolled_frame(initiative))
        con.execute(
            f"CREATE TABLE enrolled AS SELECT {person_key('pseudonym')} AS pseudonym, "
            "index_year::INTEGER AS index_year FROM enrolled_df"
        )
        keyed_sources(con, str(comparison_file), str(register_file))
        result = register_followup(con, "enrolled", "register", "comparison", years)
    finally:
        con.close()
    return store(initiative, result)
