"""Upload limits: the request body cap (413 before Django reads the body) and the per-kind limits of
evidence tables and product files, each refused with a sentence and changing nothing."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from susi.accounts.models import Role
from susi.evidence import services as evidence_services
from susi.portfolio import services as portfolio_services
from susi.portfolio.models import ProductVersion
from susi.web.api_errors import DomainError
from tests.evidence.helpers import bcg_csv

SMALL = {"outcomes": 256, "knowledge": 256, "evidence": 256, "products": 256}


@override_settings(SUSI_MAX_REQUEST_BYTES=10_000)
def test_a_request_body_over_the_cap_is_refused_before_it_is_read(client, world, db_snapshot):
    client.force_login(world.users[Role.AGENCY])
    before = db_snapshot()
    body = b"x" * 20_000
    url = reverse("outcomes:upload", args=[world.own_initiative.pk])
    response = client.post(url, body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Filen er for stor" in response.content.decode() and "intet er ændret" in response.content.decode()
    client.cookies["django_language"] = "en"
    response = client.post(url, body, content_type="application/octet-stream")
    assert response.status_code == 413 and "The file is too large" in response.content.decode()
    api = client.post("/api/som/calculate", body, content_type="application/json")
    assert api.status_code == 413 and api.json()["detail"][0]["field"] == "file"
    assert db_snapshot() == before
    # A body under the cap goes through as before.
    assert client.get(reverse("outcomes:initiative", args=[world.own_initiative.pk])).status_code == 200


def test_the_default_limits_refuse_a_200_mb_body():
    from django.conf import settings

    assert settings.SUSI_MAX_REQUEST_BYTES < 200 * 2**20
    assert settings.SUSI_UPLOAD_LIMITS == {
        "outcomes": 50 * 2**20,
        "knowledge": 20 * 2**20,
        "evidence": 5 * 2**20,
        "products": 50 * 2**20,
    }


@override_settings(SUSI_UPLOAD_LIMITS=SMALL)
def test_an_evidence_table_over_its_limit_is_refused(world, db_snapshot):
    before = db_snapshot()
    data = bcg_csv()
    assert len(data) > SMALL["evidence"]
    with pytest.raises(DomainError) as err:
        evidence_services.import_studies(
            world.users[Role.AGENCY],
            world.own_initiative.intervention,
            outcome="Tuberkulose",
            measure="RR",
            data=data,
            filename="bcg.csv",
            defaults={"design": "rct", "risk_of_bias": "low", "country": "US"},
        )
    assert err.value.field == "file" and "for stor" in err.value.message
    assert db_snapshot() == before


@override_settings(SUSI_UPLOAD_LIMITS=SMALL)
def test_a_product_file_over_its_limit_is_refused(world):
    with pytest.raises(DomainError, match="for stor"):
        portfolio_services.upload_product_version(
            world.users[Role.AGENCY],
            world.own_initiative,
            kind="knowledge_report",
            title="Vidensrapport",
            file=ContentFile(b"x" * 4096, "rapport.pdf"),
        )
    assert ProductVersion.objects.count() == 0


def test_an_overlong_csv_field_is_a_sentence_in_every_importer_not_a_500(client, world):
    """Python's csv stops at 128 KB a field; the evidence and knowledge imports answered 500."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from susi.evidence.models import Study

    client.force_login(world.users[Role.AGENCY])
    # Up to the documented 1 MB a field is read: a 200 KB note beside the studies is no problem.
    lines = bcg_csv().decode().splitlines()
    noted = [f"{lines[0]},note"] + [
        f"{line}," + ("x" * 200_000 if i == 0 else "") for i, line in enumerate(lines[1:])
    ]
    form = {
        "intervention": world.own_initiative.intervention.pk,
        "outcome": "Tuberkulose",
        "measure": "RR",
        "design": "rct",
        "risk_of_bias": "low",
        "country": "US",
    }
    with override_settings(SUSI_UPLOAD_LIMITS={**SMALL, "evidence": 5 * 2**20}):
        ok = client.post(
            reverse("evidence:study_import"),
            {**form, "file": SimpleUploadedFile("bcg.csv", "\n".join(noted).encode())},
        )
        assert ok.status_code == 302 and Study.objects.count() == 13
        Study.objects.all().delete()
        # Over it: refused with the row named.
        too_long = bcg_csv(f"Trial 14,4,{'1' * (2 * 2**20)},11,128,1990,rct,US,40")
        refused = client.post(
            reverse("evidence:study_import"), {**form, "file": SimpleUploadedFile("bcg.csv", too_long)}
        )
    assert refused.status_code == 422 and "Række 15 kan ikke læses" in refused.content.decode()
    assert not Study.objects.exists()
