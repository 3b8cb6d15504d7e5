"""Register follow-up at national scale: time and peak memory.

The scale the issue sets: 180,000 citizens enrolled per year against a register population of
5.9 million people over 10 years. The script

1. builds a synthetic register in a DuckDB file with DuckDB itself (``range`` + hash-based random
   numbers, so 5.9 M × 10 years × 6 outcomes are generated in SQL, not in Python): pseudonyms are
   64-hex-character strings like the real keyed HMACs, zeros are left out as a register does;
2. draws a comparison population of the same size from the rest of the population, matched exactly on
   birth year and sex (``build_comparison``), timed;
3. runs ``susi.engines.evaluation.register_followup`` on it in a fresh process per run, and prints the
   median wall time and the peak resident memory of those runs (each process's own ``VmHWM``), plus the
   build figures.

    .venv/bin/python benchmarks/register_followup.py              # national scale
    .venv/bin/python benchmarks/register_followup.py --scale 0.05  # a quick run (5 %)

The database file is kept (``--db``, default under /tmp) and reused when its scale matches.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from susi.engines.evaluation.register import build_comparison

POPULATION = 5_900_000
ENROLLED_PER_YEAR = 180_000
YEARS = 10
FIRST_REGISTER_YEAR = 2015  # register covers 2015–2024; cohorts enrol 2014–2023

# outcome code, name, kind, comparison mean, effect on the enrolled after enrolment
OUTCOMES = [
    (0, "employment", "share", 0.35, 0.05),
    (1, "education", "share", 0.15, 0.02),
    (2, "housing", "share", 0.80, 0.03),
    (3, "placement", "share", 0.03, -0.01),
    (4, "hospital_contacts", "count", 1.8, -0.3),
    (5, "convictions", "count", 0.15, -0.03),
]


def _peak_mb() -> float:
    """This process's own peak memory (VmHWM: ru_maxrss is inherited from the parent, so a query run started by
    the process that built the register reported the build's peak); the one reader is outcomes_import's."""
    from outcomes_import import peak_rss_mb  # the benchmarks' folder is on sys.path when a script runs

    return peak_rss_mb()


def build(db: Path, scale: float, threads: int | None) -> dict[str, float]:
    """Create persons, cohorts and the register in ``db``."""
    population = int(POPULATION * scale)
    per_year = int(ENROLLED_PER_YEAR * scale)
    if db.exists():
        db.unlink()
    con = duckdb.connect(str(db))
    if threads:
        con.execute(f"SET threads = {threads}")
    con.execute("SET preserve_insertion_order = false")
    started = time.perf_counter()
    con.execute(
        "CREATE TABLE outcome_def (code INTEGER, outcome VARCHAR, kind VARCHAR, mean DOUBLE, effect DOUBLE)"
    )
    con.executemany("INSERT INTO outcome_def VALUES (?, ?, ?, ?, ?)", OUTCOMES)
    # persons: the first per_year*YEARS ids are enrolled (cohorts 2014..2023); birth year and sex are
    # hash-drawn for everyone and serve as the matching strata of the comparison population
    con.execute(
        f"""
        CREATE TABLE persons AS
        SELECT id,
               sha256('susi-benchmark-' || id::VARCHAR) AS pseudonym,
               CASE WHEN id < {per_year * YEARS}
                    THEN {FIRST_REGISTER_YEAR - 1} + (id // {per_year})::INTEGER END AS index_year,
               (1940 + hash(id, 'birth') % 70)::INTEGER AS birth_year,
               CASE WHEN hash(id, 'sex') % 2 = 0 THEN 'F' ELSE 'M' END AS sex
        FROM range({population}) t(id)
        """
    )
    con.execute(
        "CREATE TABLE enrolled AS SELECT pseudonym, index_year FROM persons WHERE index_year IS NOT NULL"
    )
    matched_at = time.perf_counter()
    summary = build_comparison(con, "persons", "enrolled", "comparison", strata=("birth_year", "sex"))
    matching_seconds = time.perf_counter() - matched_at
    # hash-based uniform u in (0, 1) per person, year and outcome; shares are Bernoulli, counts are
    # geometric with the given mean (P(X >= k) = q^k, q = m / (1 + m)); zeros are not stored
    con.execute(
        f"""
        CREATE TABLE register AS
        WITH draws AS (
            SELECT p.pseudonym, y.year, o.outcome, o.kind,
                   o.mean + CASE WHEN p.index_year IS NOT NULL AND y.year > p.index_year
                                 THEN o.effect ELSE 0 END AS mu,
                   (hash(p.id, y.year, o.code) % 1000000 + 0.5) / 1000000.0 AS u
            FROM persons p
            CROSS JOIN (SELECT CAST(range AS INTEGER) AS year
                        FROM range({FIRST_REGISTER_YEAR}, {FIRST_REGISTER_YEAR + YEARS})) y
            CROSS JOIN outcome_def o
        ),
        valued AS (
            SELECT pseudonym, year, outcome,
                   CASE WHEN kind = 'share' THEN CAST(u < mu AS DOUBLE)
                        ELSE floor(ln(u) / ln(mu / (1 + mu))) END AS value
            FROM draws
        )
        SELECT pseudonym, year, outcome, value FROM valued WHERE value <> 0
        """
    )
    con.execute("CHECKPOINT")
    rows = con.execute("SELECT count(*) FROM register").fetchone()
    con.close()
    return {
        "build_seconds": time.perf_counter() - started,
        "matching_seconds": matching_seconds,
        "comparison_total": float(summary.n_comparison),
        "enrolled_without_match": float(summary.n_enrolled_without_match),
        "build_peak_mb": _peak_mb(),
        "register_rows": float(rows[0]) if rows else 0.0,
        "db_mb": db.stat().st_size / 1e6,
        "population": float(population),
        "enrolled_total": float(per_year * YEARS),
    }


def query_once(db: Path, threads: int | None, memory_limit: str | None) -> dict[str, object]:
    """One follow-up run (meant to run in its own process so its peak memory is its own)."""
    from susi.engines.evaluation.register import register_followup, to_som_consequences

    con = duckdb.connect(str(db), read_only=True)
    if threads:
        con.execute(f"SET threads = {threads}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    started = time.perf_counter()
    result = register_followup(con, "enrolled", "register", "comparison", years=YEARS)
    consequences = to_som_consequences(result)
    seconds = time.perf_counter() - started
    con.close()
    emp1 = result.row("employment", 1)
    hosp1 = result.row("hospital_contacts", 1)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "rows": len(result.rows),
        "consequences": len(consequences),
        "employment_year1_difference": emp1.difference,
        "hospital_year1_difference": hosp1.difference,
        "n_enrolled_year1": emp1.n_enrolled,
        "n_enrolled_year10": result.row("employment", 10).n_enrolled,
    }


FILE_WAYS = ("csv-text", "csv-keyed", "parquet-keyed")


def export_files(db: Path, directory: Path) -> dict[str, float]:
    """The register and comparison as the CSV files a register extract arrives as, and the register stored by
    `susi outcomes register-store` (Parquet by year, 128-bit person keys); with the store's time."""
    from susi.engines.evaluation.register import store_register

    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    for table in ("register", "comparison", "enrolled"):
        con.execute(f"COPY {table} TO '{directory / table}.csv' (HEADER)")
    con.close()
    started = time.perf_counter()
    store_register(str(directory / "register.csv"), str(directory / "store"))
    return {"store_seconds": time.perf_counter() - started}


def files_once(directory: Path, way: str) -> dict[str, float]:
    """One follow-up from files, the way `susi outcomes register` reads them (before: views over the CSV files
    joined on 64-character text; after: read once / stored, joined on 128-bit keys)."""
    from susi.engines.evaluation.register import keyed_sources, person_key, register_followup

    con = duckdb.connect()
    started = time.perf_counter()
    enrolled = f"read_csv_auto('{directory / 'enrolled.csv'}')"
    if way == "csv-text":
        con.execute(
            f"CREATE TABLE enrolled AS SELECT pseudonym, index_year::INTEGER AS index_year FROM {enrolled}"
        )
        for name in ("comparison", "register"):
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_csv_auto('{directory / name}.csv')")
    else:
        con.execute(
            f"CREATE TABLE enrolled AS SELECT {person_key('pseudonym')} AS pseudonym, "
            f"index_year::INTEGER AS index_year FROM {enrolled}"
        )
        register = directory / ("store" if way == "parquet-keyed" else "register.csv")
        keyed_sources(con, str(directory / "comparison.csv"), str(register))
    result = register_followup(con, "enrolled", "register", "comparison", years=YEARS)
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds, "peak_mb": _peak_mb(), "employment1": result.row("employment", 1).difference}


def compare_files(db: Path, args) -> None:
    directory = db.with_suffix(".files")
    if not (directory / "store").exists():
        print(f"Writing the register as CSV and storing it as Parquet by year in {directory} ...", flush=True)
        stored = export_files(db, directory)
        print(f"  register-store: {stored['store_seconds']:.1f} s")
    medians = {}
    for way in FILE_WAYS:
        cmd = [sys.executable, __file__, "--files-only", way, "--db", str(db), "--scale", str(args.scale)]
        runs = [
            json.loads(
                subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()[-1]
            )
            for _ in range(args.runs)
        ]
        medians[way] = statistics.median(r["seconds"] for r in runs)
        print(
            f"  from files, {way:14}: median {medians[way]:6.1f} s, peak memory "
            f"{statistics.median(r['peak_mb'] for r in runs):6,.0f} MB, employment year 1 {runs[-1]['employment1']:+.4f}"
        )
    print(
        f"  before / after: CSV text keys / CSV read once, 128-bit keys {medians['csv-text'] / medians['csv-keyed']:.2f}x, "
        f"CSV text keys / Parquet by year, 128-bit keys {medians['csv-text'] / medians['parquet-keyed']:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national scale (default 1.0)")
    parser.add_argument("--runs", type=int, default=3, help="follow-up runs; the median is reported")
    parser.add_argument("--db", type=Path, default=None, help="DuckDB file (kept and reused)")
    parser.add_argument("--rebuild", action="store_true", help="build the register even if the file exists")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit for the query, e.g. 8GB")
    parser.add_argument("--query-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files-only", choices=FILE_WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--no-files", action="store_true", help="skip the from-files comparison")
    args = parser.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"susi_register_{args.scale:g}.duckdb"
    if args.files_only:
        print(json.dumps(files_once(db.with_suffix(".files"), args.files_only)))
        return

    if args.query_only:
        print(json.dumps(query_once(db, args.threads, args.memory_limit)))
        return

    meta = db.with_suffix(".json")
    if args.rebuild or not db.exists() or not meta.exists():
        print(f"Building the synthetic register at scale {args.scale:g} in {db} ...", flush=True)
        built = build(db, args.scale, args.threads)
        meta.write_text(json.dumps(built))
    else:
        built = json.loads(meta.read_text())
        print(f"Reusing {db} (built earlier; --rebuild to build again)")
    print(
        f"  population {built['population']:,.0f}, enrolled {built['enrolled_total']:,.0f}"
        f", register rows {built['register_rows']:,.0f}, file {built['db_mb']:,.0f} MB"
    )
    print(
        f"  comparison population: {built['comparison_total']:,.0f} matched exactly on birth year and sex "
        f"in {built['matching_seconds']:.1f} s ({built['enrolled_without_match']:,.0f} enrolled without a match)"
    )
    print(f"  build: {built['build_seconds']:.1f} s, peak memory {built['build_peak_mb']:,.0f} MB")

    runs = []
    cmd = [sys.executable, __file__, "--query-only", "--db", str(db), "--scale", str(args.scale)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    for i in range(args.runs):
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
        run = json.loads(out.stdout.strip().splitlines()[-1])
        runs.append(run)
        print(f"  run {i + 1}: {run['seconds']:.1f} s, peak memory {run['peak_mb']:,.0f} MB", flush=True)
    last = runs[-1]
    print(
        f"register follow-up, {YEARS} years: median {statistics.median(r['seconds'] for r in runs):.1f} s, "
        f"peak memory median {statistics.median(r['peak_mb'] for r in runs):,.0f} MB "
        f"({len(runs)} runs, {os.cpu_count()} cores)"
    )
    print(
        f"  check: {last['rows']} outcome×year rows, {last['consequences']} SØM consequences; "
        f"employment year 1 difference {last['employment_year1_difference']:+.4f} (built in: +0.05), "
        f"hospital contacts year 1 {last['hospital_year1_difference']:+.3f} (built in: -0.3); "
        f"enrolled followed in year 1: {last['n_enrolled_year1']:,}, in year 10: {last['n_enrolled_year10']:,}"
    )
    if not args.no_files:
        compare_files(db, args)


if __name__ == "__main__":
    main()
