"""Register follow-up: yearly register outcomes of the enrolled against a comparison population.

All the heavy work is one set-based DuckDB query (a hash join on the pseudonym and a GROUP BY), so the
same SQL runs on a bigger engine (MotherDuck, or any SQL warehouse with ``range``) when the data grows.
Only a few hundred aggregate rows come back to Python.

A missing register row means 0 (no employment, no contact, ...): registers list events. A citizen counts
in year k after enrolment only if the register covers ``index_year + k``, that is, the year lies between
the register's first and last year: a register that starts after the index year gives "no data" for the
years before it starts (not zeros), and later cohorts are right-censored by calendar.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from scipy import stats

from susi.engines.text import Text

from .errors import EvaluationError
from .privacy import SMALL_CELL_THRESHOLD
from .results import RegisterFollowup, RegisterYearRow, SomConsequence

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")

FOLLOWUP_SQL = """
WITH cohort AS (
    SELECT pseudonym, CAST(index_year AS INTEGER) AS index_year, 1 AS enrolled FROM {enrolled}
    UNION ALL
    SELECT pseudonym, CAST(index_year AS INTEGER) AS index_year, 0 AS enrolled FROM {comparison}
),
bounds AS (SELECT min(year) AS first_year, max(year) AS last_year FROM {register}),
outcomes AS (SELECT DISTINCT outcome FROM {register}),
k AS (SELECT CAST(range AS INTEGER) AS year_after FROM range(1, {years} + 1)),
denominators AS (
    SELECT c.enrolled, k.year_after, count(*) AS n
    FROM cohort c CROSS JOIN k CROSS JOIN bounds b
    WHERE c.index_year + k.year_after BETWEEN b.first_year AND b.last_year
    GROUP BY c.enrolled, k.year_after
),
sums AS (
    SELECT c.enrolled, r.outcome, CAST(r.year - c.index_year AS INTEGER) AS year_after,
           sum(r.value) AS s, sum(r.value * r.value) AS ss,
           count(*) - count(DISTINCT hash(r.pseudonym)) AS repeated
    FROM {register} r
    JOIN cohort c ON r.pseudonym = c.pseudonym
    WHERE r.year > c.index_year AND r.year <= c.index_year + {years}
    GROUP BY c.enrolled, r.outcome, r.year - c.index_year
)
SELECT o.outcome, d.year_after, d.enrolled, d.n,
       coalesce(s.s, 0) AS s, coalesce(s.ss, 0) AS ss, coalesce(s.repeated, 0) AS repeated
FROM denominators d
CROSS JOIN outcomes o
LEFT JOIN sums s ON s.enrolled = d.enrolled AND s.year_after = d.year_after AND s.outcome = o.outcome
ORDER BY o.outcome, d.year_after, d.enrolled
"""


def person_key(column: str) -> str:
    """SQL for a person's join key: a 128-bit number (UHUGEINT) from the pseudonym's MD5, for any pseudonym text.

    Joining on a 16-byte integer instead of 64 characters of text halves the follow-up's join time at
    national scale (benchmarks/register_followup.py). MD5 is not used for secrecy here (the pseudonym is
    already a keyed HMAC), only to spread the text over 128 bits: for the 6 million people of Denmark the
    chance of any two sharing a key is about 10^-25.
    """
    return f"md5_number({_ident(column, 'column')})"


def store_register(source: str, destination: str) -> int:
    """Write a register extract (CSV or Parquet: ``pseudonym, year, outcome, value``) as a Parquet dataset
    partitioned by year (``destination/year=YYYY/*.parquet``) keyed by ``person_key``; returns the rows.

    The follow-up then reads only the columns and years it needs, without parsing text, each time it runs.
    """
    con = duckdb.connect()
    try:
        relation = _reader(source)
        (rows,) = con.execute(f"SELECT count(*) FROM {relation}").fetchone() or (0,)
        con.execute(
            f"COPY (SELECT {person_key('pseudonym')} AS person_key, CAST(year AS INTEGER) AS year, "  # noqa: S608
            f"CAST(outcome AS VARCHAR) AS outcome, CAST(value AS DOUBLE) AS value FROM {relation}) "
            f"TO {_quoted(destination)} (FORMAT parquet, PARTITION_BY (year), OVERWRITE_OR_IGNORE)"
        )
    finally:
        con.close()
    return int(rows)


def _quoted(path: str) -> str:
    return "'" + str(path).replace("'", "''") + "'"  # a path from the operator's command line


def _reader(path: str) -> str:
    """A DuckDB table function reading ``path``: a stored register dataset (a directory), Parquet or CSV."""
    if Path(path).is_dir():
        return f"read_parquet({_quoted(str(Path(path) / '**' / '*.parquet'))}, hive_partitioning = true)"
    if Path(path).suffix.lower() == ".parquet":
        return f"read_parquet({_quoted(path)})"
    return f"read_csv_auto({_quoted(path)})"


def keyed_sources(con: duckdb.DuckDBPyConnection, comparison: str, register: str) -> None:
    """Make tables ``comparison`` and view/table ``register`` keyed by ``person_key`` (as ``pseudonym``).

    A stored dataset (``store_register``) is read in place; a CSV or Parquet file is read once into a table
    (a view over a CSV would parse the file again for every part of the query that reads it)."""
    con.execute(
        f"CREATE TABLE comparison AS SELECT {person_key('pseudonym')} AS pseudonym, "  # noqa: S608
        f"CAST(index_year AS INTEGER) AS index_year FROM {_reader(comparison)}"
    )
    if Path(register).is_dir():
        con.execute(
            "CREATE VIEW register AS SELECT person_key AS pseudonym, CAST(year AS INTEGER) AS year, "  # noqa: S608
            f"outcome, value FROM {_reader(register)}"
        )
    else:
        con.execute(
            f"CREATE TABLE register AS SELECT {person_key('pseudonym')} AS pseudonym, year, outcome, value "  # noqa: S608
            f"FROM {_reader(register)}"
        )


def _ident(name: str, field: str) -> str:
    if not isinstance(name, str) or not _IDENT.match(name):
        raise EvaluationError(
            field, Text(f"'{name}' er ikke et gyldigt tabelnavn.", f"'{name}' is not a valid table name.")
        )
    return name


def followup_sql(
    enrolled_table: str,
    register_table: str,
    comparison_table: str,
    years: int,
    *,
    distinct_register: bool = False,
) -> str:
    """The query ``register_followup`` runs (exposed so it can be reviewed or run elsewhere).

    ``distinct_register`` reads the register through ``SELECT DISTINCT`` (exact duplicate rows removed).
    """
    if not isinstance(years, int) or not 1 <= years <= 30:
        raise EvaluationError(
            "years", Text("Antal år skal være mellem 1 og 30.", "years must be between 1 and 30.")
        )
    register = _ident(register_table, "register_table")
    if distinct_register:
        register = f"(SELECT DISTINCT pseudonym, year, outcome, value FROM {register})"
    return FOLLOWUP_SQL.format(
        enrolled=_ident(enrolled_table, "enrolled_table"),
        register=register,
        comparison=_ident(comparison_table, "comparison_table"),
        years=years,
    )


OVERLAP_SQL = """
SELECT count(*) FROM (SELECT DISTINCT pseudonym FROM {enrolled}) e
JOIN (SELECT DISTINCT pseudonym FROM {comparison}) c ON e.pseudonym = c.pseudonym
"""

DUPLICATES_SQL = """
SELECT coalesce(sum(n_rows - 1), 0) AS repeated_rows,
       count(*) FILTER (WHERE n_values > 1) AS conflicting_keys
FROM (
    SELECT pseudonym, year, outcome, count(*) AS n_rows, count(DISTINCT value) AS n_values
    FROM {register}
    WHERE pseudonym IN (SELECT pseudonym FROM {enrolled} UNION ALL SELECT pseudonym FROM {comparison})
    GROUP BY pseudonym, year, outcome HAVING count(*) > 1
)
"""


def _names(enrolled_table: str, register_table: str, comparison_table: str) -> dict[str, str]:
    return {
        "enrolled": _ident(enrolled_table, "enrolled_table"),
        "comparison": _ident(comparison_table, "comparison_table"),
        "register": _ident(register_table, "register_table"),
    }


def _refuse_overlap(con: duckdb.DuckDBPyConnection, names: dict[str, str]) -> None:
    """A person cannot be in both the enrolled and the comparison group."""
    row = con.execute(OVERLAP_SQL.format(**names)).fetchone()
    overlap = int(row[0]) if row else 0
    if overlap:
        raise EvaluationError(
            "comparison_table",
            Text(
                f"{overlap} borgere er både i indsatsgruppen og i sammenligningsgruppen. En borger kan kun "
                "være i én af grupperne: fjern dem fra sammenligningsgruppen, og kør opfølgningen igen.",
                f"{overlap} people are in both the enrolled and the comparison group; a person can be in "
                "only one group.",
            ),
        )


def _duplicates(con: duckdb.DuckDBPyConnection, names: dict[str, str], deduplicate: bool) -> int:
    """Classify the cohort's repeated register rows (run only when the follow-up query found some).

    Exact duplicates (same pseudonym, year, outcome and value) are refused unless ``deduplicate``, and
    then counted; rows that repeat a pseudonym, year and outcome with different values are always
    refused, since there is no telling which is right.
    """
    row = con.execute(DUPLICATES_SQL.format(**names)).fetchone()
    repeated, conflicting = (int(row[0]), int(row[1])) if row else (0, 0)
    if repeated == 0:  # the cheap count compares 64-bit hashes of pseudonyms: a collision, not a duplicate
        return 0
    if conflicting:
        raise EvaluationError(
            "register_table",
            Text(
                f"Registeret har {conflicting} tilfælde, hvor samme borger, år og udfald står med "
                "forskellige værdier. Ret registerudtrækket, så der højst er én række pr. borger, år og "
                "udfald.",
                f"The register has {conflicting} pseudonym/year/outcome keys with different values; "
                "at most one row per key is allowed.",
            ),
        )
    if not deduplicate:
        raise EvaluationError(
            "register_table",
            Text(
                f"Registeret har {repeated} dublerede rækker (samme borger, år, udfald og værdi). Fjern "
                "dubletterne, eller vælg at de fjernes automatisk.",
                f"The register has {repeated} exact duplicate rows; remove them or pass deduplicate=True.",
            ),
        )
    return repeated


def register_followup(
    con: duckdb.DuckDBPyConnection,
    enrolled_table: str,
    register_table: str,
    comparison_table: str,
    years: int = 10,
    *,
    alpha: float = 0.05,
    min_n: int = SMALL_CELL_THRESHOLD,
    deduplicate: bool = False,
) -> RegisterFollowup:
    """Per outcome and year after enrolment: means in both groups, their difference and its SE.

    Tables: ``enrolled_table``/``comparison_table`` (``pseudonym, index_year``) and ``register_table``
    (``pseudonym, year, outcome, value``; at most one row per pseudonym, year and outcome). A person in
    both groups is refused, and so are duplicate register rows, unless ``deduplicate`` is set: then
    exact duplicates are dropped and counted in ``duplicate_rows_removed`` (rows that disagree are
    always refused). A year after enrolment outside the register's years is "no data" (``no_data``).
    """
    sql = followup_sql(enrolled_table, register_table, comparison_table, years)  # validates the names
    names = _names(enrolled_table, register_table, comparison_table)
    removed = 0
    try:
        _refuse_overlap(con, names)
        agg = con.execute(sql).df()
        # a person with two rows for one outcome and year shows as more rows than people (distinct
        # 64-bit hashes of the pseudonyms) in a cell, counted inside the one aggregation; only then is
        # the cohort's part of the register examined row by row
        if int(agg["repeated"].sum()) > 0:
            removed = _duplicates(con, names, deduplicate)
            if removed:
                sql = followup_sql(
                    enrolled_table, register_table, comparison_table, years, distinct_register=True
                )
                agg = con.execute(sql).df()
        bounds = con.execute(
            f"SELECT (SELECT min(index_year) FROM {enrolled_table}), (SELECT max(year) FROM {register_table})"
        ).fetchone()
        outcome_names = con.execute(f"SELECT DISTINCT outcome FROM {register_table} ORDER BY 1").fetchall()
    except duckdb.Error as exc:
        raise EvaluationError(
            "register_table",
            Text(
                "Registertabellerne mangler eller har ikke de forventede kolonner "
                "(pseudonym, index_year / pseudonym, year, outcome, value).",
                f"Register tables missing or malformed: {exc}",
            ),
        ) from None
    z = float(stats.norm.ppf(1 - alpha / 2))
    rows: list[RegisterYearRow] = []
    cells = {
        (str(outcome), int(year_after)): {int(r.enrolled): r for r in grp.itertuples(index=False)}
        for (outcome, year_after), grp in agg.groupby(["outcome", "year_after"], sort=True)
    }
    for (outcome,) in outcome_names:
        for year_after in range(1, years + 1):
            rows.append(
                _year_row(str(outcome), year_after, cells.get((str(outcome), year_after), {}), z, min_n)
            )
    first, last = bounds if bounds else (None, None)
    return RegisterFollowup(
        rows=tuple(rows),
        years=years,
        first_index_year=int(first) if first is not None else None,
        last_register_year=int(last) if last is not None else None,
        duplicate_rows_removed=removed,
    )


def _year_row(outcome: str, year_after: int, groups: dict, z: float, min_n: int) -> RegisterYearRow:
    """One outcome and year: "no data" when the register does not cover the year for a group,
    suppressed below ``min_n`` citizens, else the means, their difference and its SE."""
    e, c = groups.get(1), groups.get(0)
    n1 = int(e.n) if e is not None else 0
    n0 = int(c.n) if c is not None else 0
    if e is None or c is None or n1 < min_n or n0 < min_n:
        return RegisterYearRow(
            outcome,
            year_after,
            n1,
            n0,
            None,
            None,
            None,
            None,
            None,
            None,
            suppressed=n1 > 0 and n0 > 0,
            no_data=n1 == 0 or n0 == 0,
        )
    m1, v1 = _mean_var(float(e.s), float(e.ss), n1)
    m0, v0 = _mean_var(float(c.s), float(c.ss), n0)
    diff = m1 - m0
    se = math.sqrt(v1 / n1 + v0 / n0)
    return RegisterYearRow(
        outcome=outcome,
        year_after=year_after,
        n_enrolled=n1,
        n_comparison=n0,
        mean_enrolled=m1,
        mean_comparison=m0,
        difference=diff,
        se=se,
        ci_low=diff - z * se,
        ci_high=diff + z * se,
        suppressed=False,
    )


@dataclass(frozen=True)
class ComparisonSummary:
    """How well the comparison population matched the enrolled citizens."""

    table: str
    n_enrolled: int
    n_enrolled_in_population: int
    n_comparison: int
    n_enrolled_without_match: int
    ratio: int
    strata: tuple[str, ...]


COMPARISON_SQL = """
CREATE OR REPLACE TABLE {out} AS
WITH enrolled_strata AS (
    SELECT e.pseudonym, CAST(e.index_year AS INTEGER) AS index_year, {p_strata},
           row_number() OVER (PARTITION BY {p_strata} ORDER BY hash(e.pseudonym, {seed})) AS rn
    FROM {enrolled} e JOIN {population} p ON p.pseudonym = e.pseudonym
),
pool AS (
    SELECT p.pseudonym, {p_strata},
           row_number() OVER (PARTITION BY {p_strata} ORDER BY hash(p.pseudonym, {seed})) AS rn
    FROM {population} p
    WHERE NOT EXISTS (SELECT 1 FROM {enrolled} e WHERE e.pseudonym = p.pseudonym)
)
SELECT pool.pseudonym, es.index_year, es.pseudonym AS matched_to
FROM pool
JOIN enrolled_strata es
  ON {join_strata} AND (pool.rn - 1) // {ratio} + 1 = es.rn
"""


def build_comparison(
    con: duckdb.DuckDBPyConnection,
    population_table: str,
    enrolled_table: str,
    out_table: str,
    *,
    strata: Iterable[str] = ("birth_year", "sex"),
    ratio: int = 1,
    seed: int = 0,
) -> ComparisonSummary:
    """A comparison population by exact matching on register strata, in one set-based DuckDB query.

    Each enrolled citizen gets up to ``ratio`` people from the register population who were never
    enrolled and share the citizen's strata (e.g. birth year, sex, municipality); they inherit the
    citizen's index year. Within a stratum the draw is a seeded hash order, so the result is
    reproducible. ``out_table`` gets ``pseudonym, index_year, matched_to`` and can be passed to
    ``register_followup`` as the comparison table.
    """
    cols = tuple(_ident(c, "strata") for c in strata)
    if not cols:
        raise EvaluationError("strata", Text("Vælg mindst én matchvariabel.", "Choose at least one stratum."))
    if not isinstance(ratio, int) or not 1 <= ratio <= 10:
        raise EvaluationError("ratio", Text("Forholdet skal være 1 til 10.", "ratio must be 1 to 10."))
    sql = COMPARISON_SQL.format(
        out=_ident(out_table, "out_table"),
        population=_ident(population_table, "population_table"),
        enrolled=_ident(enrolled_table, "enrolled_table"),
        p_strata=", ".join(f"p.{c}" for c in cols),
        join_strata=" AND ".join(f"pool.{c} IS NOT DISTINCT FROM es.{c}" for c in cols),
        ratio=ratio,
        seed=int(seed),
    )
    try:
        con.execute(sql)
        counts = con.execute(
            f"""SELECT (SELECT count(*) FROM {enrolled_table}),
                       (SELECT count(*) FROM {enrolled_table} e
                         WHERE EXISTS (SELECT 1 FROM {population_table} p WHERE p.pseudonym = e.pseudonym)),
                       (SELECT count(*) FROM {out_table}),
                       (SELECT count(*) FROM {enrolled_table} e
                         WHERE NOT EXISTS (SELECT 1 FROM {out_table} c WHERE c.matched_to = e.pseudonym))"""
        ).fetchone()
    except duckdb.Error as exc:
        raise EvaluationError(
            "population_table",
            Text(
                "Befolkningstabellen mangler eller har ikke matchvariablerne.",
                f"Population table missing or without the strata columns: {exc}",
            ),
        ) from None
    assert counts is not None
    return ComparisonSummary(
        table=out_table,
        n_enrolled=int(counts[0]),
        n_enrolled_in_population=int(counts[1]),
        n_comparison=int(counts[2]),
        n_enrolled_without_match=int(counts[3]),
        ratio=ratio,
        strata=cols,
    )


def _mean_var(s: float, ss: float, n: int) -> tuple[float, float]:
    mean = s / n
    var = max(ss - n * mean * mean, 0.0) / (n - 1) if n > 1 else 0.0
    return mean, var


def register_followup_frames(
    enrolled: pd.DataFrame,
    comparison: pd.DataFrame,
    register: pd.DataFrame,
    years: int = 10,
    *,
    deduplicate: bool = False,
) -> RegisterFollowup:
    """Convenience for small data already in pandas: runs the same query in an in-memory DuckDB."""
    con = duckdb.connect()
    try:
        con.register("enrolled_v", enrolled)
        con.register("comparison_v", comparison)
        con.register("register_v", register)
        return register_followup(
            con, "enrolled_v", "register_v", "comparison_v", years, deduplicate=deduplicate
        )
    finally:
        con.close()


def to_som_consequences(
    result: RegisterFollowup, outcomes: Iterable[str] | None = None
) -> list[SomConsequence]:
    """The per-citizen yearly differences in service use as SØM consequences (suppressed rows left out).

    The sign is enrolled minus comparison: a negative difference in hospital contacts is a saving.
    """
    wanted = set(outcomes) if outcomes is not None else None
    return [
        SomConsequence(outcome=r.outcome, year_after=r.year_after, difference=r.difference, se=r.se)
        for r in result.rows
        if not r.suppressed
        and r.difference is not None
        and r.se is not None
        and (wanted is None or r.outcome in wanted)
    ]
