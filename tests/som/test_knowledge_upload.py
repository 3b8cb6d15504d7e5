"""The SØM knowledge import reads CSV through the upload kit: Windows-1252 and ';' as Danish Excel saves
them, and a file over its limit is refused whole."""

from __future__ import annotations

import pytest
from django.test import override_settings

from susi.accounts.models import Role
from susi.som import knowledge_io
from susi.som.models import KnowledgeVersion, Price
from susi.web.api_errors import DomainError

PRICES = (
    "service;name;unit;municipality;region;state;area;committee;price_year\n"
    "police_charge;Sigtelse for hærværk på skole;sag;0;0;25000,5;police_justice;;2025\n"
)


def test_a_windows_1252_csv_with_semicolons_is_imported(knowledge):
    user = knowledge.users[Role.AGENCY]
    written, version = knowledge_io.import_knowledge(user, PRICES.encode("cp1252"), "priser.csv", "prices")
    assert (written, version) == (1, 2)
    price = Price.objects.get(service="police_charge", organisation__isnull=True)
    assert price.name == "Sigtelse for hærværk på skole" and price.state == 25000.5


def test_a_knowledge_file_over_its_limit_is_refused_whole(knowledge):
    user = knowledge.users[Role.AGENCY]
    data = PRICES.encode() + b"police_charge;Sigtelse;sag;0;0;1;police_justice;;2025\n" * 100
    with override_settings(SUSI_UPLOAD_LIMITS={"knowledge": 1024}), pytest.raises(DomainError) as err:
        knowledge_io.import_knowledge(user, data, "priser.csv", "prices")
    assert err.value.field == "file" and "for stor" in err.value.message
    assert KnowledgeVersion.objects.count() == 1
    assert Price.objects.get(service="police_charge", organisation__isnull=True).state == 21000


def test_an_overlong_csv_field_refuses_the_import_with_a_sentence(client_for, knowledge):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agency = client_for(Role.AGENCY)
    text = PRICES + f"police_charge;{'x' * (2 * 2**20)};sag;0;0;1;police_justice;;2025\n"
    upload = SimpleUploadedFile("priser.csv", text.encode(), content_type="text/csv")
    response = agency.post("/som/viden/import/", {"file": upload, "table": "prices"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Importen blev afvist" in html and "Række 3 kan ikke læses" in html
    assert KnowledgeVersion.objects.count() == 1
