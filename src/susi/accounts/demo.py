"""Demo logins: one per role, shown on the login page only in demo mode."""

from django.db import transaction

from susi.organisations.models import Organisation

from .models import Role, User

DEMO_PASSWORD = "demo-susi-2026"  # noqa: S105 - demo mode only; shown on the login page in demo mode

# username, full name, role, organisation (kind, name) or None
DEMO_LOGINS: list[dict] = [
    {
        "username": "styrelse",
        "name": "Signe Styrelse",
        "role": Role.AGENCY,
        "label": "Styrelsen (programleder)",
    },
    {"username": "kommune", "name": "Karen Kommune", "role": Role.MUNICIPALITY, "label": "Kommune (Aarhus)"},
    {
        "username": "kommune2",
        "name": "Kasper Kommune",
        "role": Role.MUNICIPALITY,
        "label": "Kommune (Odense)",
    },
    {"username": "evaluator", "name": "Eva Evaluator", "role": Role.EVALUATOR, "label": "Evaluator (VIVE)"},
    {
        "username": "tilbud",
        "name": "Tina Tilbud",
        "role": Role.PROVIDER,
        "label": "Socialt tilbud (Herberget Aarhus)",
    },
    {"username": "fond", "name": "Frederik Fond", "role": Role.FOUNDATION, "label": "Fond"},
    {
        "username": "styregruppe",
        "name": "Stine Styregruppe",
        "role": Role.STEERING,
        "label": "Styregruppemedlem",
    },
    {"username": "admin", "name": "Anders Admin", "role": Role.ADMIN, "label": "Administrator"},
]

DEMO_ORGANISATIONS = {
    "styrelse": ("agency", "Social- og Boligstyrelsen"),
    "kommune": ("municipality", "751"),
    "kommune2": ("municipality", "461"),
    "tilbud": ("provider", "Herberget Aarhus"),
    "evaluator": ("evaluator", "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd"),
    "fond": ("foundation", "Fonden for Socialt Ansvar"),
}


def _organisation(kind: str, key: str) -> Organisation:
    if kind == Organisation.Kind.MUNICIPALITY:
        return Organisation.objects.get(kind=kind, code=key)
    return Organisation.objects.get(kind=kind, name=key)


@transaction.atomic
def load(log) -> None:
    for entry in DEMO_LOGINS:
        first, _, last = entry["name"].partition(" ")
        org = None
        if entry["username"] in DEMO_ORGANISATIONS:
            org = _organisation(*DEMO_ORGANISATIONS[entry["username"]])
        user, created = User.objects.update_or_create(
            username=entry["username"],
            defaults={
                "first_name": first,
                "last_name": last,
                "role": entry["role"],
                "organisation": org,
                "is_staff": entry["role"] == Role.ADMIN,
                "is_superuser": entry["role"] == Role.ADMIN,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    log(f"{len(DEMO_LOGINS)} demo-logins")
