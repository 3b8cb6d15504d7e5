"""The import writes new rows with COPY on PostgreSQL and with INSERTs otherwise (`SUSI_BULK_WRITE`); both
ways write the same rows, and a corrected file updates what changed. On SQLite both settings take the INSERT
path, so this test is the INSERT path's check there and the COPY-against-INSERT check in CI's PostgreSQL pass."""

from __future__ import annotations

import io

from django.db import connection

from susi.outcomes.models import Citizen, Enrolment, ImportBatch, Measurement
from susi.outcomes.services import commit_batch, stage_file

from .helpers import csv_bytes, rows_for


def _import(world, rows, name):
    batch = stage_file(
        user=world.evaluator,
        initiative=world.initiative,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows)),
        name=name,
    )
    commit_batch(user=world.evaluator, batch=batch)


def _content():
    """Every written row, without database ids (they differ between two runs), in a stable order."""
    citizens = sorted(Citizen.objects.values_list("pseudonym", "birth_year", "sex"))
    enrolments = sorted(
        Enrolment.objects.values_list("citizen__pseudonym", "municipality__code", "arm", "start", "end")
    )
    measurements = sorted(
        Measurement.objects.values_list(
            "enrolment__citizen__pseudonym", "instrument__code", "occasion__number", "value", "measured_on"
        )
    )
    return citizens, enrolments, measurements


def _import_twice(world):
    rows = rows_for(30)
    _import(world, rows, "foerste.csv")
    rows[3][6] = "77,25"  # a corrected value
    rows += rows_for(3, offset=500)  # three new citizens
    _import(world, rows, "rettet.csv")
    return _content()


def test_copy_and_insert_write_the_same_rows(world, settings):
    settings.SUSI_BULK_WRITE = "insert"
    by_insert = _import_twice(world)
    citizens, enrolments, measurements = by_insert
    assert len(citizens) == 33 and len(enrolments) == 33 and len(measurements) == 66
    assert sum(1 for m in measurements if m[3] == 77.25) == 1

    Measurement.objects.all().delete()
    Enrolment.objects.all().delete()
    Citizen.objects.all().delete()
    ImportBatch.objects.all().delete()
    settings.SUSI_BULK_WRITE = "copy"
    assert _import_twice(world) == by_insert, f"COPY and INSERT differ on {connection.vendor}"
