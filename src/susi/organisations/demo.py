"""The 98 municipalities and the other organisations the demo initiatives need."""

from django.db import transaction

from .models import Organisation
from .services import ensure_municipalities

Kind = Organisation.Kind

# Real Danish organisations that take part in SUSI-type work; their involvement in the demo is illustrative.
DEMO_ORGANISATIONS: list[tuple[str, str]] = [
    (Kind.AGENCY, "Social- og Boligstyrelsen"),
    (Kind.EVALUATOR, "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd"),
    (Kind.EVALUATOR, "Rambøll Management Consulting"),
    (Kind.EVALUATOR, "Via University College, Forskning"),
    (Kind.METHOD_SUPPLIER, "Housing First-metodeteamet"),
    (Kind.METHOD_SUPPLIER, "Stepping Stones Danmark"),
    (Kind.METHOD_SUPPLIER, "ADHD-foreningen, kursusafdelingen"),
    (Kind.PROVIDER, "Herberget Aarhus"),
    (Kind.PROVIDER, "Bostedet Odense"),
    (Kind.PROVIDER, "Socialpsykiatrisk Center Nord"),
    (Kind.FOUNDATION, "Fonden for Socialt Ansvar"),
    (Kind.FOUNDATION, "TrygFonden"),
]


@transaction.atomic
def load(log) -> None:
    count = ensure_municipalities()
    for kind, name in DEMO_ORGANISATIONS:
        Organisation.objects.get_or_create(kind=kind, name=name)
    log(f"{count} kommuner og {len(DEMO_ORGANISATIONS)} andre organisationer")
