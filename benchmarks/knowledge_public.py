"""Time the public knowledge pages (/viden/) server-side, anonymously, on the demo data.

    .venv/bin/python benchmarks/knowledge_public.py          # SQLite file in /tmp

Loads the demo (CTI is published), then requests each public page through Django's full request handling with
the test client and prints the median, minimum and maximum of the runs. The first
request of the intervention page draws the forest plot (cached afterwards per analysis and language).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "susi.config.settings.test")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = "sqlite:////tmp/susi-bench-knowledge.sqlite3"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 20


def main() -> None:
    settings.SUSI_DEMO_MODE = True
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from susi.demo import load_all
    from susi.knowledge.models import Publication

    if not Publication.objects.exists():
        load_all(log=lambda line: None)
    intervention = Publication.objects.filter(published=True).first().intervention_id
    client = Client()
    first = time.perf_counter()
    client.get(f"/viden/{intervention}/")
    print(
        f"/viden/{intervention}/ first request (draws the forest plot): {1000 * (time.perf_counter() - first):.0f} ms"
    )
    for path in ("/viden/", f"/viden/{intervention}/", "/viden/ny-viden/", "/viden/ny-viden/feed.atom"):
        times = []
        client.get(path)
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(path)
            times.append(1000 * (time.perf_counter() - start))
            assert response.status_code == 200, path
        print(
            f"{path:32} median {statistics.median(times):6.1f} ms  min {min(times):6.1f}  max {max(times):6.1f}"
        )


if __name__ == "__main__":
    main()
