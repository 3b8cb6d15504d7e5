"""How long a job waits in the queue: enqueue → a worker starts it → it is done, and a burst's throughput.

    .venv/bin/python benchmarks/job_latency.py                 # SQLite file in /tmp, 30 jobs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/susi_bench .venv/bin/python benchmarks/job_latency.py

One real worker (`susi worker`, django-tasks' database backend) per polling interval; jobs are the no-op kind,
so the figures are the queue's own overhead. Printed: median and p95 of enqueue→start and enqueue→done for jobs
sent one at a time, and jobs per second for a burst queued at once.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--intervals", default="1.0,0.2")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="susi-jobs-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.update(DJANGO_SETTINGS_MODULE="susi.config.settings.test", SUSI_TEST_REAL_QUEUE="1")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    import django

    django.setup()
    import logging

    logging.getLogger("susi").setLevel(logging.WARNING)
    from susi.jobs import services
    from susi.jobs.models import Job

    Job.objects.all().delete()
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}, {args.jobs} no-op jobs per figure")
    print(
        f"{'poll interval':>14} {'start p50':>10} {'start p95':>10} {'done p50':>10} {'done p95':>10} {'burst/s':>9}"
    )
    for interval in (float(x) for x in args.intervals.split(",")):
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "django",
                "susi_worker",
                "--no-startup-delay",
                "--interval",
                str(interval),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            starts, dones = [], []
            for _ in range(args.jobs):
                job = services.enqueue("jobs.noop", user=None)
                while not job.finished:
                    time.sleep(0.01)
                    job.refresh_from_db()
                starts.append((job.started_at - job.created_at).total_seconds())
                dones.append((job.finished_at - job.created_at).total_seconds())
            t0 = time.perf_counter()
            burst = [services.enqueue("jobs.noop", user=None).pk for _ in range(args.jobs)]
            while Job.objects.filter(pk__in=burst, status=Job.Status.DONE).count() < len(burst):
                time.sleep(0.05)
            rate = len(burst) / (time.perf_counter() - t0)
        finally:
            worker.terminate()
            worker.wait(timeout=60)

        def p95(xs):
            return statistics.quantiles(xs, n=20)[-1]

        print(
            f"{interval:>13.1f}s {statistics.median(starts):>9.3f}s {p95(starts):>9.3f}s "
            f"{statistics.median(dones):>9.3f}s {p95(dones):>9.3f}s {rate:>9.1f}"
        )


if __name__ == "__main__":
    main()
