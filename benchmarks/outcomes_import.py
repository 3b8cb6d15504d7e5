"""Time and peak memory of importing a 100,000-row outcome file (CSV and Excel), through the real services.

    .venv/bin/python benchmarks/outcomes_import.py              # 100,000 rows, 3 runs, SQLite file in /tmp
    .venv/bin/python benchmarks/outcomes_import.py --rows 20000 --runs 1 --formats csv
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/susi_bench .venv/bin/python benchmarks/outcomes_import.py

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--child", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return

    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            path = make_file(args.rows, fmt, Path(tmp))
            results = []
            for run in range(args.runs):
                env = dict(os.environ)
                if not env.get("DATABASE_URL"):
                    db = Path(tmp) / f"bench-{fmt}-{run}.sqlite3"
                    env["DATABASE_URL"] = f"sqlite:///{db}"
                out = subprocess.run(
                    [sys.executable, __file__, "--child", str(path)], env=env, capture_output=True, text=True
                )
                if out.returncode:
                    sys.exit(out.stderr)
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))

            def med(key: str, results=results) -> float:
                return statistics.median(r[key] for r in results)

            size_mb = path.stat().st_size / 2**20
            print(f"== {fmt}: {results[0]['rows']:,} rows, {size_mb:.1f} MB, median of {len(results)} runs")
            print(
                f"   process before the first step (Django, migrated DB): peak RSS {med('baseline_mb'):.0f} MB"
            )
            for label, key in (
                ("check + pseudonymise (preview)", "stage"),
                ("import (one transaction)      ", "import"),
                ("same file again (no change)   ", "again"),
            ):
                print(
                    f"   {label}: {med(key + '_s'):6.2f} s wall, {med(key + '_cpu'):6.2f} s CPU"
                    f"   peak RSS so far {med(key + '_mb'):5.0f} MB"
                )


if __name__ == "__main__":
    main()
