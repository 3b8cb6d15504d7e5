"""After importing synthetic files, no clear CPR number is anywhere: database, logs, pages, exports.

Searched for every CPR number of the files, with and without the dash.
"""

from __future__ import annotations

import io
import logging

from django.db import connection
from django.urls import reverse

from susi.engines.evaluation import synthetic
from susi.outcomes import services
from susi.outcomes.models import Enrolment


def _database_text() -> str:
    """Every value of every column of every table, as text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                parts.extend(str(value) for value in row)
    return "\n".join(parts)


def test_no_clear_cpr_anywhere(client, world, tmp_path, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True  # every SQL statement goes to the captured log too
    try:
        dataset = synthetic.generate(60, municipalities=("751", "461"), seed=3)
        csv_path = synthetic.write_csv(dataset, tmp_path / "maalinger.csv")
        xlsx_path = synthetic.write_xlsx(
            dataset, tmp_path / "maalinger.xlsx", instrument=synthetic.BINARY_INSTRUMENT
        )
        cprs = set(dataset.citizens["cpr"])
        assert len(cprs) == 60

        outputs = []
        for path in (csv_path, xlsx_path):
            with path.open("rb") as fh:
                batch = services.stage_file(
                    user=world.evaluator, initiative=world.initiative, fh=fh, name=path.name
                )
            assert batch.error_count == 0, services.batch_errors(batch)[:3]
            with django_capture_on_commit_callbacks(execute=True):
                services.commit_batch(user=world.evaluator, batch=batch)
        # A re-import, and a file with errors whose report is kept.
        with csv_path.open("rb") as fh:
            services.stage_file(user=world.evaluator, initiative=world.initiative, fh=fh, name="igen.csv")
        broken = csv_path.read_text(encoding="utf-8").replace(";indsats;", ";?;", 3)
        services.stage_file(
            user=world.evaluator, initiative=world.initiative, fh=io.BytesIO(broken.encode()), name="fejl.csv"
        )
        assert Enrolment.objects.count() == 60

        # Pages, API answers and exports, as the evaluator and as a municipality user.
        client.force_login(world.evaluator)
        for url in (
            reverse("outcomes:initiative", args=[world.initiative.pk]),
            reverse("outcomes:citizens", args=[world.initiative.pk]),
            f"/api/outcomes/initiatives/{world.initiative.pk}/enrolments?limit=1000",
            f"/api/outcomes/initiatives/{world.initiative.pk}/summary",
            reverse("outcomes:enrolment", args=[Enrolment.objects.first().pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            outputs.append(response.content.decode())
        for batch_pk in services.ImportBatch.objects.values_list("pk", flat=True):
            outputs.append(client.get(reverse("outcomes:batch", args=[batch_pk])).content.decode())
        client.force_login(world.aarhus_user)
        aarhus_cpr = dataset.citizens.loc[dataset.citizens["municipality"] == "751", "cpr"].iloc[0]
        export = client.post(reverse("outcomes:citizen_rights"), {"cpr": aarhus_cpr, "action": "export"})
        assert export.status_code == 200 and export["Content-Type"].startswith("application/json")
        assert '"measurements"' in export.content.decode()
        outputs.append(export.content.decode())
        outputs.append(
            client.post(
                reverse("outcomes:citizen_rights"), {"cpr": aarhus_cpr, "action": "find"}
            ).content.decode()
        )
        staged = [p.read_text() for p in services.staging_dir().iterdir()]
    finally:
        connection.force_debug_cursor = False

    haystacks = {
        "database": _database_text(),
        "logs": caplog.text + "\n".join(str(r.args) for r in caplog.records),
        "pages, API and exports": "\n".join(outputs),
        "staging files": "\n".join(staged),
    }
    assert "INSERT" in haystacks["logs"]  # the SQL really was captured
    for cpr in cprs:
        for form in (cpr, cpr.replace("-", "")):
            for where, text in haystacks.items():
                assert form not in text, f"a clear CPR number was found in the {where}"
