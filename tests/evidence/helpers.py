"""Shared test data for the evidence app: the BCG trials as a CSV, as the user would upload them."""

from tests.engines.evidence.reference.metafor_reference import BCG, BCG_ABLAT


def bcg_csv(extra_row: str = "") -> bytes:
    lines = ["study,ai,bi,ci,di,year,design,country,moderator"]
    for i, (a, b, c, d) in enumerate(BCG):
        lines.append(f"Trial {i + 1},{a:.0f},{b:.0f},{c:.0f},{d:.0f},{1940 + i},rct,US,{BCG_ABLAT[i]:.0f}")
    if extra_row:
        lines.append(extra_row)
    return ("\n".join(lines) + "\n").encode()


def evidence_rows() -> dict:
    """Every row of the evidence app's tables (compare two calls to prove nothing was written)."""
    from django.apps import apps

    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_app_config("evidence").get_models()
    }
