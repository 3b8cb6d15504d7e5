"""A worker killed with SIGKILL in the middle of an import leaves nothing half-written, and a retry completes.

Everything runs in real processes against one SQLite file: the setup, a worker (`susi_worker`, the database
queue's worker), the kill, a second worker start (which marks the dead worker's job retryable), the retry.
Waits are bounded and poll for a marker file or a process's end; nothing asserts on time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture
def scenario(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "susi.config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SUSI_TEST_REAL_QUEUE": "1",
        "SUSI_PSEUDONYM_KEY": "5e" * 32,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    env.pop("PYTEST_XDIST_WORKER", None)

    def run(*args: str) -> dict:
        done = subprocess.run(
            [sys.executable, "-m", "tests.jobs.kill_scenario", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def worker(extra_env: dict | None = None, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "django", "susi_worker", "--no-startup-delay", "--interval", "0.2", *args],
            cwd=ROOT,
            env={**env, **(extra_env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    migrate = subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    return run, worker, tmp_path


def _kill_in_the_middle(worker, tmp_path) -> None:
    marker = tmp_path / "reached"
    doomed = worker(
        {"SUSI_JOBS_PROGRESS_HOOK": "tests.jobs.kill_scenario.hold", "SUSI_TEST_HOLD_MARKER": str(marker)}
    )
    try:
        for _ in range(3000):  # up to ~10 minutes on a very busy machine
            if marker.exists() or doomed.poll() is not None:
                break
            time.sleep(0.2)
        assert marker.exists(), (
            f"the worker never reached the middle of the job: {doomed.stderr.read()[-2000:] if doomed.poll() is not None else ''}"
        )
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=60)


def _worker_until_idle(worker) -> None:
    """A worker in batch mode: recovers dead workers' jobs, runs what is queued, then exits."""
    w = worker(None, "--batch")
    assert w.wait(timeout=900) == 0, w.stderr.read()[-2000:]


def test_worker_killed_in_the_middle_of_an_outcome_import(scenario):
    run, worker, tmp_path = scenario
    setup = run("setup-outcomes")
    job = setup["job"]
    _kill_in_the_middle(worker, tmp_path)

    state = run("state", job)
    assert state["status"] == "running"  # nobody has noticed yet
    assert state["measurements"] == 0 and state["citizens"] == 0  # the transaction died with the worker
    assert state["batch_status"] == "preview"

    _worker_until_idle(worker)  # the next worker start marks the job retryable
    state = run("state", job)
    assert (state["status"], state["retryable"], state["measurements"]) == ("failed", True, 0)

    run("retry", job)
    _worker_until_idle(worker)
    state = run("state", job)
    assert (state["status"], state["attempts"], state["batch_status"]) == ("done", 2, "imported")
    assert state["measurements"] == setup["rows"] and state["citizens"] == 3000


def test_worker_killed_in_the_middle_of_a_knowledge_import(scenario):
    run, worker, tmp_path = scenario
    setup = run("setup-knowledge")
    job = setup["job"]
    before = run("state", job)
    _kill_in_the_middle(worker, tmp_path)

    state = run("state", job)
    assert (state["prices"], state["versions"]) == (before["prices"], before["versions"])

    _worker_until_idle(worker)
    assert run("state", job)["retryable"] is True
    run("retry", job)
    _worker_until_idle(worker)
    state = run("state", job)
    assert state["status"] == "done"
    assert state["prices"] == before["prices"] + setup["rows"]
    assert state["versions"] == before["versions"] + 1
