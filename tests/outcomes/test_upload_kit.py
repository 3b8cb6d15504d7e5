"""Outcome and delivery uploads through the upload kit: size limit, zip bomb, long CSV fields, the
grouped validation report."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from django.urls import reverse

from susi.outcomes import services
from susi.outcomes.models import Citizen, DeliveryRecord, ImportBatch
from susi.outcomes.services import ImportRefused, stage_file

from .helpers import HEADER, csv_bytes, rows_for

SMALL = {"outcomes": 2048, "knowledge": 2048, "evidence": 2048, "products": 2048}


def stage(world, data: bytes, name="trivsel.csv"):
    return stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(data),
        name=name,
    )


def post(client, world, data: bytes, name: str, view="outcomes:upload"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse(view, args=[world.initiative.pk]), {"file": upload, "municipality": "751"}, follow=True
    )


def test_an_outcome_file_over_the_limit_is_refused_with_a_sentence_and_changes_nothing(world, client):
    data = csv_bytes(rows_for(100))
    assert len(data) > SMALL["outcomes"]
    with override_settings(SUSI_UPLOAD_LIMITS=SMALL):
        with pytest.raises(ImportRefused, match="for stor"):
            stage(world, data)
        client.force_login(world.evaluator)
        page = post(client, world, data, "trivsel.csv")
        assert page.status_code == 200 and "Filen er for stor" in page.content.decode()
        client.cookies["django_language"] = "en"
        page = post(client, world, data, "trivsel.csv")
        assert "The file is too large" in page.content.decode()
        page = post(client, world, data, "leverancer.csv", view="outcomes:deliveries")
        assert "The file is too large" in page.content.decode()
    assert ImportBatch.objects.count() == 0 and DeliveryRecord.objects.count() == 0
    assert not list(services.staging_dir().iterdir())


def test_an_xlsx_bomb_is_refused_before_it_is_unpacked(world):
    buffer = io.BytesIO()
    chunk = b"<row/>" * 100_000
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(100 * 2**20 // len(chunk)):  # 100 MB of XML
            member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 512 * 1024
    with pytest.raises(ImportRefused, match="udpakket"):
        stage(world, data, name="bombe.xlsx")
    assert ImportBatch.objects.count() == 0
    assert not list(services.staging_dir().iterdir())


def test_a_csv_field_over_128_kb_is_no_500(world, client):
    client.force_login(world.evaluator)
    rows = [[*row, "x" * (200 * 1024) if i == 0 else ""] for i, row in enumerate(rows_for(2))]
    page = post(client, world, csv_bytes(rows, header=[*HEADER, "note"]), "lang.csv")
    assert page.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW and batch.rows_total == 4
    # Over the documented limit (1 MB): a sentence naming the row, nothing staged.
    rows[2][-1] = "x" * (2 * 2**20)
    page = post(client, world, csv_bytes(rows, header=[*HEADER, "note"]), "for-lang.csv")
    assert page.status_code == 200 and "Række 4 kan ikke læses" in page.content.decode()
    assert ImportBatch.objects.count() == 1


def test_the_report_groups_identical_row_errors(world, client):
    rows = rows_for(6)  # rows 2-13 in the file
    for index in (1, 3, 7, 8, 9, 10):
        rows[index][6] = "høj"
    batch = stage(world, csv_bytes(rows))
    assert batch.error_count == 6
    client.force_login(world.evaluator)
    page = client.get(reverse("outcomes:batch", args=[batch.pk])).content.decode()
    report = page.split('data-testid="report"')[1].split("</table>")[0]
    assert report.count("<tr>") == 2  # the heading and one line for the six rows
    assert "3, 5, 9-12" in report and "Værdien mangler eller er ikke et tal." in report
    assert Citizen.objects.count() == 0
