"""A bounded load test against a local server on the loopback interface: figures, never assertions.

    .venv/bin/python benchmarks/load.py                                   # 50 users, 60 s per pass, SQLite in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/susi_load .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --users 5 --seconds 10 --initiatives 50   # a quick look

It prepares a database (migrate, the demo data, ``--initiatives`` extra initiatives; a DATABASE_URL database is
emptied first: point it at one kept for benchmarks) and the static files (collectstatic, as a deployment does),
starts the server as a deployment does (``susi serve``: gunicorn with the production settings) plus one job
worker, logs every virtual user in, and drives a mix for ``--seconds``: the board, initiative pages, gate pages,
a SØM result, API lists — while a SØM knowledge import runs as a background job every 10 s.

Two passes, printed side by side: users who read what they open (``--think 1-5``: 1 to 5 s between two pages,
the customary setting of load tools, and still far busier than a person at work), then the same users with no
pause at all (the saturation point of the machine: throughput, and the queueing it causes). Printed per pass:
requests, requests/s, p50/p95/p99 latency, errors, and per page. ``--passes think`` runs the first only.
Only 127.0.0.1 is ever contacted; the server and the worker are stopped at the end. The resident memory of every
server process and of the job worker is printed per pass, taken at each sixth of it: a soak is
``--users 20 --seconds 600 --passes think`` (memory should level off, not climb to the end).
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


def _think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="length of each pass")
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--web-workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    parser.add_argument("--think", default="1-5", help="seconds between two pages of a reading user, MIN-MAX")
    parser.add_argument("--passes", default="think,saturation", help="think, saturation or both (comma)")
    args = parser.parse_args()
    passes = [p.strip() for p in args.passes.split(",") if p.strip()]
    if not passes or set(passes) - {"think", "saturation"}:
        parser.error("--passes takes think, saturation or both")

    tmp = Path(tempfile.mkdtemp(prefix="susi-load-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'load.sqlite3'}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="susi.config.settings.production",
        SECRET_KEY="load-test-only-not-secret",  # noqa: S105
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SUSI_DEMO_MODE="1",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
    )
    os.environ.setdefault("SUSI_PSEUDONYM_KEY", "4c" * 32)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    data = _prepare(args.initiatives)
    print(f"prepared {len(data['initiatives'])} initiatives in {time.perf_counter() - started:.0f} s")

    port = _free_port()
    # The documented production command (collectstatic, then gunicorn with the production settings).
    server_cmd = [sys.executable, "-m", "susi.cli", "serve", "--bind", f"{HOST}:{port}"]
    server_cmd += ["--workers", str(args.web_workers)]
    server_name = f"susi serve (gunicorn, {args.web_workers} workers)"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, **quiet)
    worker = subprocess.Popen([sys.executable, "-m", "susi.cli", "worker"], env=env, cwd=ROOT, **quiet)
    try:
        for _ in range(600):
            try:
                if User(port).request("GET", "/login/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not answer /login/ within 2 minutes")
        pids = _tree(server.pid) + [worker.pid]
        print(
            f"server: {server_name}; database: {os.environ['DATABASE_URL'].split(':')[0]}; "
            f"{args.users} users, {args.seconds:.0f} s per pass (target: 0 errors, p95 < 1000 ms)"
        )
        for name in passes:
            think = _think_range(args.think) if name == "think" else (0.0, 0.0)
            samples = _drive(args, data, port, think, lambda: _rss_mb(pids))
            print(f"  memory (RSS, MB) at each sixth of the pass ({args.seconds / 6:.0f} s apart):")
            names = (
                ["gunicorn master"] + [f"web worker {i}" for i in range(1, len(pids) - 1)] + ["job worker"]
            )
            for i, name in enumerate(names):
                print(f"    {name:<16} " + " ".join(f"{s[i]:>5.0f}" for s in samples))
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)


def _mix(data) -> list[tuple[str, int, object]]:
    ids = data["initiatives"]
    mix = [
        ("board", 30, lambda: "/"),
        ("initiative", 25, lambda: f"/initiativer/{random.choice(ids)}/"),
        ("gate page", 10, lambda: f"/initiativer/{random.choice(ids[:50])}/faseovergang/"),
        ("api initiatives", 15, lambda: f"/api/initiatives?limit=50&offset={random.randrange(0, 900)}"),
        ("api interventions", 10, lambda: "/api/interventions"),
    ]
    if data["calculation"]:
        mix.append(("som result", 10, lambda: f"/som/beregning/{data['calculation']}/"))
    return mix


def _drive(args, data, port: int, think: tuple[float, float], sample) -> list[list[float]]:
    """One pass; returns `sample()` as taken at the end of each sixth of it."""
    from susi.accounts.demo import DEMO_PASSWORD
    from susi.accounts.models import User as Account
    from susi.jobs import services as jobs
    from susi.som import knowledge_io

    mix = _mix(data)
    names, weights, paths = [m[0] for m in mix], [m[1] for m in mix], {m[0]: m[2] for m in mix}
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
            path = paths[name]()
            t0 = time.perf_counter()
            try:
                status = user.request("GET", path)[0]
            except (OSError, http.client.HTTPException):
                status = 0
                user.conn = http.client.HTTPConnection(HOST, port, timeout=60)
            with lock:
                results.append((name, time.perf_counter() - t0, status))
            if think[1] > 0:
                time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.perf_counter())))

    agency = Account.objects.get(username="styrelse")
    payload = knowledge_io.export_csv("prices", agency).encode()
    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    t_start = time.perf_counter()
    for t in threads:
        t.start()
    background = 0
    next_import = t_start
    sampled: list[list[float]] = []
    while (now := time.perf_counter()) < deadline:
        if now >= t_start + (len(sampled) + 1) * args.seconds / 6 and len(sampled) < 5:
            sampled.append(sample())
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
    _report(results, time.perf_counter() - t_start, names, think, background)
    return [*sampled, sample()]


def _pct(values: list[float], q: int) -> float:
    if len(values) > 1:
        return statistics.quantiles(values, n=100)[q - 1]
    return values[0] if values else 0.0


def _report(results, elapsed: float, names: list[str], think: tuple[float, float], background: int) -> None:
    lat = [r[1] for r in results]
    errors = sum(1 for r in results if not 200 <= r[2] < 400)
    label = (
        f"users reading {think[0]:g}-{think[1]:g} s between pages" if think[1] else "saturation (no pause)"
    )
    print(f"pass: {label}; {background} background knowledge imports queued")
    print(
        f"  requests {len(results)}, {len(results) / elapsed:.1f} req/s, errors {errors}; latency "
        f"p50 {_pct(lat, 50) * 1000:.0f} ms, p95 {_pct(lat, 95) * 1000:.0f} ms, p99 {_pct(lat, 99) * 1000:.0f} ms"
    )
    for name in names:
        mine = [r[1] for r in results if r[0] == name]
        bad = sum(1 for r in results if r[0] == name and not 200 <= r[2] < 400)
        if mine:
            print(
                f"    {name:<18} n={len(mine):>6}  p50 {_pct(mine, 50) * 1000:>7.0f} ms  "
                f"p95 {_pct(mine, 95) * 1000:>7.0f} ms  errors {bad}"
            )


if __name__ == "__main__":
    main()
