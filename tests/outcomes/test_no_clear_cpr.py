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


def _every_file_under(*roots) -> str:
    """The text of every file under the given directories (bytes decoded leniently)."""
    from pathlib import Path

    parts = []
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if path.is_file():
                parts.append(path.name)
                parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def test_cpr_numbers_in_file_names_and_in_every_column_are_nowhere(
    client, world, tmp_path, settings, caplog, django_capture_on_commit_callbacks
):
    """Issue 8 acceptance: files named with CPR numbers, CPR numbers in every column; every table, log line,
    page, API answer, export and file under the data directory searched with and without the dash."""
    from susi.accounts.models import User

    from .helpers import HEADER, csv_bytes, rows_for, synthetic_cpr

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # every upload would go through a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    stray = [synthetic_cpr(900 + i) for i in range(12)]  # CPR numbers outside the CPR column
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    outputs: list[str] = []
    try:
        client.force_login(world.evaluator)
        header = [*HEADER, "kommune", "bemærkning"]
        good = [[*r, "751", f"se {stray[0]}"] for r in rows_for(12)]
        for row in good[:4]:
            row[4] = f"skala {stray[1]}"  # a CPR in the instrument column becomes a masked instrument code
        upload = io.BytesIO(csv_bytes(good, header=header))
        upload.name = f"maalinger_{stray[2].replace('-', '')}.csv"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload})
            assert response.status_code == 302
            batch = services.ImportBatch.objects.get()
            assert batch.status == services.ImportBatch.Status.PREVIEW, services.batch_errors(batch)
            assert client.post(reverse("outcomes:commit", args=[batch.pk])).status_code == 302

        # A file whose every column holds a CPR number: all rejected, the report kept.
        bad = [
            [synthetic_cpr(950), stray[3], stray[4], stray[5], stray[6], stray[7], stray[8], stray[9], "x"]
        ]
        upload = io.BytesIO(csv_bytes(bad, header=header))
        upload.name = f"fejl {stray[10]}.csv"
        client.post(reverse("outcomes:upload", args=[world.initiative.pk]), {"file": upload})
        rejected = services.ImportBatch.objects.get(status=services.ImportBatch.Status.INVALID)
        assert rejected.error_count >= 5
        # Delivery files: named with a CPR, a CPR in the component and in the delivered column.
        for rows in (
            [[synthetic_cpr(0), f"samtale {stray[11]}", "1", ""]],
            [[synthetic_cpr(2), "plan", stray[11], stray[3]]],
        ):
            upload = io.BytesIO(csv_bytes(rows, header=["CPR-nummer", "Kerneelement", "Leveret", "Planlagt"]))
            upload.name = f"leverancer_{stray[10]}.csv"
            response = client.post(
                reverse("outcomes:deliveries", args=[world.initiative.pk]), {"file": upload}
            )
            outputs.append(response.content.decode())
        assert Enrolment.objects.count() == 12

        enrolment = Enrolment.objects.first()
        urls = [
            reverse("outcomes:index"),
            reverse("outcomes:initiative", args=[world.initiative.pk]),
            reverse("outcomes:citizens", args=[world.initiative.pk]),
            reverse("outcomes:monitoring", args=[world.initiative.pk]),
            reverse("outcomes:enrolment", args=[enrolment.pk]),
            f"/api/outcomes/initiatives/{world.initiative.pk}/enrolments?limit=1000",
            f"/api/outcomes/initiatives/{world.initiative.pk}/summary",
            f"/api/outcomes/initiatives/{world.initiative.pk}/evaluations",
            f"/api/outcomes/enrolments/{enrolment.pk}",
        ] + [
            reverse("outcomes:batch", args=[pk])
            for pk in services.ImportBatch.objects.values_list("pk", flat=True)
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            outputs.append(response.content.decode())
        client.force_login(world.aarhus_user)
        for action in ("find", "export"):
            outputs.append(
                client.post(
                    reverse("outcomes:citizen_rights"), {"cpr": synthetic_cpr(0), "action": action}
                ).content.decode()
            )
        superuser = User.objects.create_superuser("dpo", password="x-secret-123")
        client.force_login(superuser)
        for url in (
            "/admin/outcomes/importbatch/",
            "/admin/outcomes/accesslog/",
            "/admin/outcomes/instrument/",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            outputs.append(response.content.decode())
        for pk in services.ImportBatch.objects.values_list("pk", flat=True):
            outputs.append(client.get(f"/admin/outcomes/importbatch/{pk}/change/").content.decode())
    finally:
        connection.force_debug_cursor = False

    haystacks = {
        "database": _database_text(),
        "logs": caplog.text + "\n".join(str(r.args) for r in caplog.records),
        "pages, API answers and exports": "\n".join(outputs),
        "files under the data directory": _every_file_under(tmp_path, settings.MEDIA_ROOT),
    }
    assert "INSERT" in haystacks["logs"]
    assert "XXXXXX-XXXX" in haystacks["database"]  # the masked file name and report are there
    cprs = {synthetic_cpr(i) for i in range(12)} | {synthetic_cpr(950)} | set(stray)
    for cpr in cprs:
        for form in (cpr, cpr.replace("-", "")):
            for where, text in haystacks.items():
                assert form not in text, f"a clear CPR number was found in the {where}"
