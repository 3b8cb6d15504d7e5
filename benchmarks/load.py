"""A bounded load test against a local server on the loopback interface: figures, never assertions.

    .venv/bin/python benchmarks/load.py                                   # 50 users, 60 s, SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/susi_load .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --users 5 --seconds 10 --initiatives 50   # a quick look

It prepares a database (migrate, the demo data, ``--initiatives`` extra initiatives; a DATABASE_URL database is
emptied first: point it at one kept for benchmarks), starts the server with the production settings (gunicorn when
installed, else Django's runserver) plus one job worker, logs every virtual user in, and drives a mix for
``--seconds``: the board, initiative pages, gate pages, a SØM result, API lists — while a SØM knowledge import runs
as a background job every 10 s. Printed: requests, requests/s, p50/p95/p99 latency, errors, and per page.
Only 127.0.0.1 is ever contacted; the server and the worker are stopped at the end. The resident memory of every
server process and of the job worker is printed at the start and the end: a soak is
``--users 20 --seconds 600`` (memory should stay flat).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
HOST = "127.0.0.1"


def _rss_mb(pids: list[int]) -> list[float]:
    """Resident memory (VmRSS) of each process, MB; a process that is gone counts as 0."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            sizes.append(0.0)
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        sizes.append(kb / 1024)
    return sizes


def _tree(pid: int) -> list[int]:
    """A process and its children (gunicorn's workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return [pid, *(int(c) for c in children)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _prepare(initiatives: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    from susi.demo import load_all

    load_all(lambda line: None)
    from susi.portfolio.models import Initiative
    from susi.som.models import Calculation

    template = Initiative.objects.order_by("pk").first()
    clones = []
    for i in range(initiatives):
        clone = Initiative.objects.get(pk=template.pk)
        clone.pk = None
        clone.title = f"Belastningsinitiativ {i + 1}"
        clones.append(clone)
    Initiative.objects.bulk_create(clones, batch_size=500)
    calc = Calculation.objects.order_by("pk").first()
    return {
        "initiatives": list(Initiative.objects.values_list("pk", flat=True)),
        "calculation": calc.pk if calc else None,
    }


class User:
    """One virtual user: its own keep-alive connection and cookies (set by hand: the production cookies are
    marked Secure, and this test speaks plain HTTP on the loopback)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": HOST}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = f"username={username}&password={password}&csrfmiddlewaretoken={token.group(1).decode() if token else ''}"
        status, _ = self.request("POST", "/login/", form)
        if status != 302:
            raise RuntimeError(f"login failed for {username}: HTTP {status}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--web-workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="susi-load-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'load.sqlite3'}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="susi.config.settings.production",
        SECRET_KEY="load-test-only-not-secret",  # noqa: S105
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SUSI_DEMO_MODE="1",
    )
    os.environ.setdefault("SUSI_PSEUDONYM_KEY", "4c" * 32)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    data = _prepare(args.initiatives)
    print(f"prepared {len(data['initiatives'])} initiatives in {time.perf_counter() - started:.0f} s")

    port = _free_port()
    try:
        import gunicorn  # noqa: F401

        server_cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "susi.config.wsgi:application",
            "-b",
            f"{HOST}:{port}",
            "-w",
            str(args.web_workers),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        server_name = f"gunicorn, {args.web_workers} workers"
    except ImportError:
        server_cmd = [sys.executable, "-m", "django", "runserver", f"{HOST}:{port}", "--noreload"]
        server_name = "runserver (gunicorn is not installed)"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, **quiet)
    worker = subprocess.Popen([sys.executable, "-m", "django", "susi_worker"], env=env, cwd=ROOT, **quiet)
    try:
        for _ in range(600):
            try:
                if User(port).request("GET", "/login/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        pids = _tree(server.pid) + [worker.pid]
        before: list[float] = []
        _drive(args, data, port, server_name, lambda: before.extend(_rss_mb(pids)))
        after = _rss_mb(pids)
        print(
            "memory (RSS, MB) of server processes and the job worker, after the first sixth of the run → end: "
            + ", ".join(f"{b:.0f}→{a:.0f}" for b, a in zip(before, after, strict=True))
        )
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)


def _drive(args, data, port: int, server_name: str, sample) -> None:
    from susi.accounts.demo import DEMO_PASSWORD
    from susi.jobs import services as jobs
    from susi.som import knowledge_io

    ids = data["initiatives"]
    mix = [
        ("board", 30, lambda: "/"),
        ("initiative", 25, lambda: f"/initiativer/{random.choice(ids)}/"),
        ("gate page", 10, lambda: f"/initiativer/{random.choice(ids[:50])}/faseovergang/"),
        (
            "api initiatives",
            15,
            lambda: f"/api/initiatives?limit=50&offset={random.randrange(0, 900)}",
        ),
        ("api interventions", 10, lambda: "/api/interventions"),
    ]
    if data["calculation"]:
        mix.append(("som result", 10, lambda: f"/som/beregning/{data['calculation']}/"))
    names, weights = [m[0] for m in mix], [m[1] for m in mix]
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    users = []
    for _ in range(args.users):
        user = User(port)
        user.login("styrelse", DEMO_PASSWORD)
        users.append(user)
    deadline = time.perf_counter() + args.seconds

    def run(user: User) -> None:
        rng = random.Random()
        while time.perf_counter() < deadline:
            name = rng.choices(names, weights)[0]
            path = dict((m[0], m[2]) for m in mix)[name]()
            t0 = time.perf_counter()
            try:
                status = user.request("GET", path)[0]
            except (OSError, http.client.HTTPException):
                status = 0
                user.conn = http.client.HTTPConnection(HOST, port, timeout=60)
            with lock:
                results.append((name, time.perf_counter() - t0, status))

    from susi.accounts.models import User as Account

    payload = knowledge_io.export_csv("prices").encode()
    agency = Account.objects.get(username="styrelse")
    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    t_start = time.perf_counter()
    for t in threads:
        t.start()
    background = 0
    sampled_at, next_import = t_start + args.seconds / 6, t_start
    while (now := time.perf_counter()) < deadline:
        if sample and now >= sampled_at:
            sample()
            sample = None
        if now >= next_import:  # a knowledge import as a background job every 10 s
            jobs.enqueue(
                "som.knowledge_import",
                user=agency,
                args={"filename": "priser.csv", "table": "prices"},
                payload=payload,
            )
            background += 1
            next_import = now + 10
        time.sleep(0.2)
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t_start

    def pct(values, q):
        return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else 0)

    lat = [r[1] for r in results]
    errors = sum(1 for r in results if not 200 <= r[2] < 400)
    print(
        f"server: {server_name}; database: {os.environ['DATABASE_URL'].split(':')[0]}; "
        f"{args.users} users for {args.seconds:.0f} s; {background} background knowledge imports queued"
    )
    print(
        f"requests {len(results)}, {len(results) / elapsed:.1f} req/s, errors {errors}; latency "
        f"p50 {pct(lat, 50) * 1000:.0f} ms, p95 {pct(lat, 95) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms"
        f" (target: 0 errors, p95 < 1000 ms)"
    )
    for name in names:
        mine = [r[1] for r in results if r[0] == name]
        bad = sum(1 for r in results if r[0] == name and not 200 <= r[2] < 400)
        if mine:
            print(
                f"  {name:<18} n={len(mine):>6}  p50 {pct(mine, 50) * 1000:>7.0f} ms  "
                f"p95 {pct(mine, 95) * 1000:>7.0f} ms  errors {bad}"
            )


if __name__ == "__main__":
    main()
