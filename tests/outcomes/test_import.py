"""Import of outcome files: preview with a Danish row-by-row report, all or nothing, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from susi.outcomes import services
from susi.outcomes.models import AccessLog, Citizen, Enrolment, ImportBatch, Instrument, Measurement
from susi.outcomes.services import ImportRefused, commit_batch, stage_file

from .helpers import HEADER, csv_bytes, rows_for, synthetic_cpr, xlsx_bytes


def stage(world, data: bytes, name="trivsel.csv", user=None, municipality=None):
    return stage_file(
        user=user or world.evaluator,
        initiative=world.initiative,
        municipality=municipality or world.aarhus,
        fh=io.BytesIO(data),
        name=name,
    )


def test_preview_then_import_writes_every_row(world, django_capture_on_commit_callbacks):
    batch = stage(world, csv_bytes(rows_for(20)))
    assert batch.status == ImportBatch.Status.PREVIEW
    assert (batch.rows_total, batch.error_count, batch.rows_new) == (40, 0, 40)
    assert services.batch_meta(batch)["citizens"] == 20
    assert services.batch_meta(batch)["new_instruments"] == {"trivsel": "continuous"}
    # The preview writes no citizen data.
    assert Citizen.objects.count() == 0 and Measurement.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        done = commit_batch(user=world.evaluator, batch=batch)
    assert done.status == ImportBatch.Status.IMPORTED
    assert Citizen.objects.count() == 20
    assert Enrolment.objects.filter(municipality=world.aarhus, initiative=world.initiative).count() == 20
    assert Measurement.objects.count() == 40
    assert Enrolment.objects.filter(arm="intervention").count() == 10
    # Decimal commas were read as decimals.
    assert Measurement.objects.filter(value__gt=20).count() == 40
    # The staged, pseudonymised rows are gone after the import.
    assert not list(services.staging_dir().iterdir())
    log = AccessLog.objects.get(action=AccessLog.Action.IMPORT)
    assert log.username == "vive" and log.citizen_count == 20


def test_same_file_again_changes_nothing(world):
    data = csv_bytes(rows_for(10))
    commit_batch(user=world.evaluator, batch=stage(world, data))
    before = list(Measurement.objects.order_by("pk").values_list("pk", "value"))
    again = stage(world, data)
    assert again.status == ImportBatch.Status.UNCHANGED
    with pytest.raises(ImportRefused):
        commit_batch(user=world.evaluator, batch=again)
    # Same content in another file (comma-separated, Windows-1252): every row is unchanged.
    same = stage(world, csv_bytes(rows_for(10), delimiter=",", encoding="cp1252"), name="kopi.csv")
    assert same.status == ImportBatch.Status.UNCHANGED
    assert (same.rows_new, same.rows_changed, same.rows_unchanged) == (0, 0, 20)
    assert list(Measurement.objects.order_by("pk").values_list("pk", "value")) == before


def test_changed_and_new_rows_are_counted_and_written(world):
    rows = rows_for(10)
    commit_batch(user=world.evaluator, batch=stage(world, csv_bytes(rows)))
    rows[1][6] = "99,5"  # a corrected follow-up value
    rows += rows_for(2, offset=100)  # two new citizens
    batch = stage(world, csv_bytes(rows), name="rettet.csv")
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged) == (4, 1, 19)
    commit_batch(user=world.evaluator, batch=batch)
    assert Measurement.objects.filter(value=99.5).count() == 1
    assert Citizen.objects.count() == 12 and Measurement.objects.count() == 24


def test_same_person_gets_same_pseudonym_in_every_import_of_an_initiative_and_another_elsewhere(world):
    commit_batch(user=world.evaluator, batch=stage(world, csv_bytes(rows_for(3))))
    again = stage(world, csv_bytes(rows_for(3), delimiter=","))  # other bytes, the same people and values
    assert again.status == ImportBatch.Status.UNCHANGED and Citizen.objects.count() == 3
    world.other.municipalities.add(world.aarhus)
    batch = stage_file(
        user=world.aarhus_user,
        initiative=world.other,
        municipality=world.aarhus,
        fh=io.BytesIO(csv_bytes(rows_for(3))),
        name="cti.csv",
    )
    commit_batch(user=world.aarhus_user, batch=batch)
    # Each initiative's evaluation data has its own pseudonym space (issue 8 item 6): the same three
    # people are three other citizen rows in the second initiative, which cannot be linked to the first.
    assert Citizen.objects.count() == 6
    assert Enrolment.objects.count() == 6


def test_excel_file_with_cpr_typed_as_number(world):
    rows = rows_for(4)
    for row in rows:
        row[0] = int(row[0].replace("-", ""))  # Excel drops the leading zero of 0101314000
    data = xlsx_bytes(rows)
    batch = stage(world, data, name="trivsel.xlsx")
    assert batch.error_count == 0, batch.report
    commit_batch(user=world.evaluator, batch=batch)
    assert Citizen.objects.count() == 4
    assert Citizen.objects.filter(birth_year=2031).count() == 4


def test_report_names_row_field_and_problem_in_danish_and_writes_nothing(world):
    rows = rows_for(3)
    rows[0][0] = "310231-4000"  # 31 February
    rows[1][1] = "måske"
    rows[2][6] = "høj"
    rows[3][2] = "2024-13-01"
    rows.append(list(rows[4]))  # the same value twice
    batch = stage(world, csv_bytes(rows))
    assert batch.status == ImportBatch.Status.INVALID
    errors = services.batch_errors(batch)
    by_row = {(e["row"], e["field"]): e["message"] for e in errors}
    assert "gyldig fødselsdato" in by_row[(2, "CPR-nummer")]
    assert "indsats" in by_row[(3, "gruppe")]
    assert "ikke et tal" in by_row[(4, "værdi")]
    assert "ikke en dato" in by_row[(5, "startdato")]
    assert "allerede en værdi" in by_row[(8, "måletidspunkt")]
    assert batch.error_count == len(errors) >= 5
    with pytest.raises(ImportRefused):
        commit_batch(user=world.evaluator, batch=batch)
    assert Citizen.objects.count() == Measurement.objects.count() == Instrument.objects.count() == 0


def test_a_citizen_cannot_change_arm_or_municipality_through_a_file(world):
    commit_batch(user=world.evaluator, batch=stage(world, csv_bytes(rows_for(2))))
    moved = rows_for(2)
    for row in moved:
        row[1] = "sammenligning"
    batch = stage(world, csv_bytes(moved))
    assert any("anden gruppe" in e["message"] for e in services.batch_errors(batch))
    elsewhere = stage(world, csv_bytes(rows_for(2)), municipality=world.odense)
    assert any("anden kommune" in e["message"] for e in services.batch_errors(elsewhere))


def test_missing_column_and_wrong_file_type_are_refused(world):
    with pytest.raises(ImportRefused, match="værdi"):
        stage(world, csv_bytes([r[:6] for r in rows_for(2)], header=HEADER[:6]))
    with pytest.raises(ImportRefused, match="Filtypen"):
        stage(world, b"%PDF-1.4", name="rapport.pdf")
    with pytest.raises(ImportRefused, match="tom"):
        stage(world, b"")
    assert ImportBatch.objects.count() == 0


def test_import_is_all_or_nothing(world, monkeypatch):
    batch = stage(world, csv_bytes(rows_for(3000)))  # 6,000 rows: two chunks
    calls = {"n": 0}
    original = services._write_chunk

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_write_chunk", failing)
    with pytest.raises(RuntimeError):
        commit_batch(user=world.evaluator, batch=batch)
    assert Citizen.objects.count() == Measurement.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW
    monkeypatch.setattr(services, "_write_chunk", original)
    commit_batch(user=world.evaluator, batch=batch)
    assert Measurement.objects.count() == 6000


def test_who_may_import(world):
    data = csv_bytes(rows_for(2))
    # A municipality user imports for their own municipality only.
    assert stage(world, data, user=world.aarhus_user).status == ImportBatch.Status.PREVIEW
    with pytest.raises(PermissionDenied):
        stage(world, data, user=world.odense_user, municipality=world.aarhus)
    with pytest.raises(PermissionDenied):
        stage(world, data, user=world.other_evaluator)
    with pytest.raises(PermissionDenied):
        stage(world, data, user=world.agency_user)
    # A municipality that does not take part is refused with a sentence.
    with pytest.raises(ImportRefused, match="deltager ikke"):
        stage(world, data, user=world.admin, municipality=world.vejle)


def test_synthetic_cpr_helper_is_never_real():
    assert synthetic_cpr(0) == "010131-4000"


def test_a_clash_with_a_simultaneous_import_is_a_sentence_and_changes_nothing(world, monkeypatch):
    from django.db import IntegrityError

    batch = stage(world, csv_bytes(rows_for(5)))

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: outcomes_enrolment.citizen_id")

    monkeypatch.setattr(services, "_write_chunk", clash)
    with pytest.raises(ImportRefused, match="samtidig"):
        commit_batch(user=world.evaluator, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and Citizen.objects.count() == 0
