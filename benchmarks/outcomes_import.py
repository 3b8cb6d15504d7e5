"""Time and peak memory of importing a 100,000-row outcome file (CSV and Excel), through the real services.

    .venv/bin/python benchmarks/outcomes_import.py              # 100,000 rows, 3 runs, SQLite file in /tmp
    .venv/bin/python benchmarks/outcomes_import.py --rows 20000 --runs 1 --formats csv
    .venv/bin/python benchmarks/outcomes_import.py --databases postgres --writes copy
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/other .venv/bin/python benchmarks/outcomes_import.py

By default one run measures SQLite and PostgreSQL (postgres://postgres@127.0.0.1:5432/susi_bench, created if
missing; DATABASE_URL overrides it), the latter writing new rows both ways (`SUSI_BULK_WRITE=insert`: one
parameterised INSERT per row; `copy`: PostgreSQL's COPY), side by side, with the ratios.

Each run is a fresh process with a fresh database (a DATABASE_URL database is emptied at the start of
every run: point it at a database kept for benchmarks), so the peak resident memory (ru_maxrss) belongs to that
run alone. A run stages the file (stream, validate, pseudonymise every CPR, write the staging file, compare
with the database), imports it (one transaction, bulk inserts), then stages the same file again (which
must report "already imported, nothing changed"). Printed: the median over the runs of each step's
wall-clock time, its CPU time (less sensitive to a busy machine) and the process's peak resident memory
(VmHWM) after the step.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def make_file(rows: int, fmt: str, directory: Path) -> Path:
    """A synthetic file of ``rows`` rows: rows/2 citizens, baseline and one follow-up each, 4 municipalities."""
    from susi.engines.evaluation import synthetic

    dataset = synthetic.generate(
        rows // 2, municipalities=("101", "461", "751", "851"), n_followups=1, seed=7
    )
    if fmt == "csv":
        return synthetic.write_csv(dataset, directory / "maalinger.csv")
    return synthetic.write_xlsx(dataset, directory / "maalinger.xlsx")


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss does not (a
    child inherits its parent's high-water mark), so it is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path) -> dict:
    """One run in this process: fresh database, stage, import, stage again."""
    import datetime as dt

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.test")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from susi.accounts.models import Role, User
    from susi.organisations.models import Organisation
    from susi.outcomes import pseudonyms, services
    from susi.portfolio.models import Initiative, Intervention

    work = Path(tempfile.mkdtemp(prefix="susi-bench-outcomes-"))
    settings.SUSI_OUTCOMES_STAGING_DIR = work / "staging"
    settings.SUSI_PSEUDONYM_KEY_FILE = work / "key"
    pseudonyms.reset_key_cache()
    call_command("migrate", verbosity=0)
    # Every run starts from an empty database. With DATABASE_URL all runs share one database, and the
    # second run's organisations and user clashed with the first's (IntegrityError).
    call_command("flush", interactive=False, verbosity=0)
    evaluator = Organisation.objects.create(kind="evaluator", name="VIVE")
    municipalities = [
        Organisation.objects.create(kind="municipality", name=name, code=code)
        for code, name in (("101", "København"), ("461", "Odense"), ("751", "Aarhus"), ("851", "Aalborg"))
    ]
    initiative = Initiative.objects.create(
        intervention=Intervention.objects.create(name="Benchmark", area="adults"),
        title="Benchmark",
        phase="testing",
        programme="uip_adults",
        area="adults",
        start_date=dt.date(2025, 1, 1),
        phase_started_on=dt.date(2025, 1, 1),
        evaluator=evaluator,
    )
    initiative.municipalities.set(municipalities)
    user = User.objects.create_user(
        username="bench", password="x" * 12, role=Role.EVALUATOR, organisation=evaluator
    )

    def measure(step):
        start, cpu = time.perf_counter(), time.process_time()
        result = step()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        return result, (seconds, cpu_seconds), peak_rss_mb()

    baseline_mb = peak_rss_mb()

    def stage():
        with path.open("rb") as fh:
            return services.stage_file(user=user, initiative=initiative, fh=fh, name=path.name)

    batch, stage_s, stage_mb = measure(stage)
    assert batch.error_count == 0 and batch.status == "preview", (batch.status, batch.error_count)
    batch, import_s, import_mb = measure(lambda: services.commit_batch(user=user, batch=batch))
    assert batch.rows_new == batch.rows_total
    again, again_s, again_mb = measure(stage)
    assert again.status == "unchanged"
    return {
        "rows": batch.rows_total,
        "stage_s": stage_s[0],
        "stage_cpu": stage_s[1],
        "stage_mb": stage_mb,
        "import_s": import_s[0],
        "import_cpu": import_s[1],
        "import_mb": import_mb,
        "again_s": again_s[0],
        "again_cpu": again_s[1],
        "again_mb": again_mb,
        "baseline_mb": baseline_mb,
    }


POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/susi_bench"


def run_child(path: Path, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def configurations(databases: list[str], writes: list[str], tmp: Path, fmt: str):
    """(label, environment, run -> environment) for every database and way of writing asked for."""
    for database in databases:
        if database == "sqlite":
            yield (
                "SQLite (INSERT)",
                lambda run, fmt=fmt: {"DATABASE_URL": f"sqlite:///{tmp / f'b-{fmt}-{run}.sqlite3'}"},
            )
            continue
        for how in writes:
            label = f"PostgreSQL ({how.upper()})"
            yield (
                label,
                lambda run, how=how: {
                    "DATABASE_URL": os.environ.get("DATABASE_URL") or POSTGRES_URL,
                    "SUSI_BULK_WRITE": how,
                },
            )


def ensure_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--databases",
        default="sqlite,postgres",
        help="sqlite, postgres (DATABASE_URL or " + POSTGRES_URL + ")",
    )
    parser.add_argument("--writes", default="insert,copy", help="how PostgreSQL gets new rows: insert, copy")
    parser.add_argument("--child", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if "postgres" in args.databases:
        ensure_postgres_database(os.environ.get("DATABASE_URL") or POSTGRES_URL)

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            path = make_file(args.rows, fmt, Path(tmp))
            size_mb = path.stat().st_size / 2**20
            print(
                f"== {fmt}: {args.rows:,} rows, {size_mb:.1f} MB, median of {args.runs} runs (wall s / CPU s / peak MB)"
            )
            print(
                f"   {'':22} {'check + pseudonymise':>24} {'import (one transaction)':>26} {'same file again':>22}"
            )
            imports = {}
            for label, environment in configurations(
                args.databases.split(","), args.writes.split(","), Path(tmp), fmt
            ):
                results = [run_child(path, {**os.environ, **environment(run)}) for run in range(args.runs)]

                def med(key: str, results=results) -> float:
                    return statistics.median(r[key] for r in results)

                imports[label] = med("import_s")
                cells = [
                    f"{med(k + '_s'):7.2f} / {med(k + '_cpu'):6.2f} / {med(k + '_mb'):4.0f}"
                    for k in ("stage", "import", "again")
                ]
                print(f"   {label:22} {cells[0]:>24} {cells[1]:>26} {cells[2]:>22}")
            if "PostgreSQL (INSERT)" in imports and "PostgreSQL (COPY)" in imports:
                print(
                    f"   import, PostgreSQL INSERT / COPY: {imports['PostgreSQL (INSERT)'] / imports['PostgreSQL (COPY)']:.2f}x"
                )
            if "SQLite (INSERT)" in imports and "PostgreSQL (COPY)" in imports:
                print(
                    f"   import, PostgreSQL COPY / SQLite: {imports['PostgreSQL (COPY)'] / imports['SQLite (INSERT)']:.2f}x"
                )


if __name__ == "__main__":
    main()
