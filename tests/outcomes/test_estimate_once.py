"""The outcomes page's default estimate is computed once per state of the data, not on every view."""

from __future__ import annotations

import io
import re

from susi.outcomes import evaluation, services
from susi.outcomes.models import Enrolment

from .helpers import csv_bytes, rows_for


def _import(world, rows):
    batch = services.stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows)),
        name="trivsel.csv",
    )
    services.commit_batch(user=world.evaluator, batch=batch)


def _page(client, url) -> str:
    """The page without its per-request CSRF tokens."""
    html = client.get(url).content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)


def test_default_estimate_is_computed_per_import_and_erasure_not_per_view(client, world, monkeypatch):
    calls = []
    real = evaluation.run_estimate

    def counting(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation, "run_estimate", counting)
    _import(world, rows_for(40))
    client.force_login(world.agency_user)
    url = f"/udfald/initiativ/{world.initiative.pk}/"
    first = _page(client, url)
    second = _page(client, url)
    assert len(calls) == 1 and first == second

    _import(world, rows_for(20, offset=40, seed=2))  # a new batch: a new estimate
    third = _page(client, url)
    client.get(url)
    assert len(calls) == 2 and third != first

    enrolment = Enrolment.objects.filter(municipality=world.aarhus).first()
    services.erase_citizen(user=world.admin, enrolments=[enrolment])  # an erasure: a new estimate
    client.get(url)
    assert len(calls) == 3
