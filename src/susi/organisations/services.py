"""Writes for organisations."""

import csv
from importlib import resources

from django.db import transaction

from .models import Organisation


def municipality_rows() -> list[dict[str, str]]:
    """The 98 Danish municipalities (code, name, region, official name where it is not »<name> Kommune«)."""
    text = resources.files("susi.organisations").joinpath("data/municipalities.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@transaction.atomic
def ensure_municipalities() -> int:
    """Create or update all 98 municipalities; returns how many exist afterwards."""
    for row in municipality_rows():
        Organisation.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": Organisation.Kind.MUNICIPALITY,
                "name": row["name"],
                "region": row["region"],
                "official_name": row["official_name"],
            },
        )
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).count()
