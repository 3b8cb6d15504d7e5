"""Fill a database with 1,000 initiatives and time the board page and an initiative page, server-side.

    .venv/bin/python benchmarks/board.py                 # SQLite file in /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/susi_bench .venv/bin/python benchmarks/board.py

Each page is requested in-process through Django's full request handling (middleware, session, permission
checks, queries, template rendering) by the test client; the script prints the median, minimum and maximum of
the runs and the number of SQL queries per page. Target: board under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.test")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = "sqlite:////tmp/susi-bench.sqlite3"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from susi.accounts.models import Role, User  # noqa: E402
from susi.engines import phases  # noqa: E402
from susi.organisations.models import Organisation  # noqa: E402
from susi.organisations.services import ensure_municipalities  # noqa: E402
from susi.portfolio.models import (  # noqa: E402
    Area,
    CriterionAssessment,
    GateDecision,
    Initiative,
    Intervention,
    Product,
    Programme,
)


def reset_database() -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def fill(n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    ensure_municipalities()
    municipalities = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
    evaluators = [
        Organisation.objects.create(kind=Organisation.Kind.EVALUATOR, name=f"Evaluator {i}")
        for i in range(10)
    ]
    agency_org = Organisation.objects.create(kind=Organisation.Kind.AGENCY, name="Styrelsen")
    agency = User.objects.create_user(
        "bench", password="bench-password-1", role=Role.AGENCY, organisation=agency_org
    )
    interventions = Intervention.objects.bulk_create(
        [Intervention(name=f"Indsats {i}", area=rng.choice(Area.values)) for i in range(n // 2)]
    )
    phase_values = [p.value for p in phases.PHASE_ORDER]
    initiatives = Initiative.objects.bulk_create(
        [
            Initiative(
                intervention=rng.choice(interventions),
                title=f"Initiativ {i:04d} om {rng.choice(['hjemløshed', 'ADHD', 'skolefravær', 'handicap'])}",
                phase=rng.choice(phase_values),
                track=rng.choice(["track1", "track2"]),
                programme=rng.choice([Programme.UIP_ADULTS, Programme.UIP_CHILDREN]),
                area=rng.choice(Area.values),
                status=rng.choices(["active", "stopped", "completed"], [8, 1, 1])[0],
                start_date=date(2018, 1, 1) + timedelta(days=rng.randrange(2500)),
                phase_started_on=date(2023, 1, 1),
                budget_dkk=rng.randrange(1, 50) * 1_000_000,
                evaluator=rng.choice(evaluators),
                lead=agency,
            )
            for i in range(n)
        ]
    )
    through = Initiative.municipalities.through
    through.objects.bulk_create(
        [
            through(initiative_id=i.pk, organisation_id=m.pk)
            for i in initiatives
            for m in rng.sample(municipalities, rng.randint(3, 8))
        ]
    )
    decisions = GateDecision.objects.bulk_create(
        [
            GateDecision(
                initiative=i,
                phase=phases.PHASE_ORDER[max(0, phase_values.index(i.phase) - 1)].value,
                track=i.track,
                state="recorded",
                outcome="continue",
                to_phase=i.phase,
                prepared_by=agency,
                decided_by=agency,
                decided_at=django.utils.timezone.now(),
            )
            for i in initiatives
            if i.phase != "screening"
        ]
    )
    CriterionAssessment.objects.bulk_create(
        [
            CriterionAssessment(decision=d, criterion=c.value, rating="met", justification="Dokumenteret.")
            for d in decisions
            for c in phases.Criterion
        ]
    )
    Product.objects.bulk_create(
        [
            Product(initiative=i, phase=i.phase, kind=k.value, title=f"{k.value} {i.pk}", state="approved")
            for i in initiatives
            for k in phases.definition(i.phase).required_products
        ]
    )


def time_page(client: Client, url: str, runs: int) -> tuple[list[float], int]:
    client.get(url)  # warm-up: template loading, caches
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()

    vendor = connection.vendor
    print(f"database: {vendor}; filling {args.initiatives} initiatives …", flush=True)
    reset_database()
    start = time.perf_counter()
    fill(args.initiatives)
    print(f"filled in {time.perf_counter() - start:.1f} s")
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    client.force_login(User.objects.get(username="bench"))
    busiest = (
        Initiative.objects.filter(phase="testing").order_by("pk").first()
        or Initiative.objects.order_by("pk").first()
    )
    pages = {
        "board (all filters off)": "/",
        "board filtered by municipality 751": "/?municipality=751",
        "board, one phase in full": "/?phase=testing",
        "initiative page": f"/initiativer/{busiest.pk}/",
        "API list of initiatives (first 100)": "/api/initiatives?limit=100",
    }
    print(f"{'page':40} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>8}")
    for name, url in pages.items():
        reset_queries()
        timings, queries = time_page(client, url, args.runs)
        print(
            f"{name:40} {statistics.median(timings):10.1f} {min(timings):8.1f} {max(timings):8.1f} {queries:8d}",
            flush=True,
        )


if __name__ == "__main__":
    main()
