"""Every page in English: with the demo data loaded and the English language cookie, no page shows a known Danish
UI word outside the data (names of initiatives, municipalities, studies... which stay as the users wrote them).

The pages are found from the URL configuration, not listed by hand: a new page is checked without anyone
remembering to add it. A page that needs an object gets the first one the demo made."""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from susi.accounts.models import Role

# Danish words that belong to the UI, not to data: each is a whole word on an English page only if a label,
# a button, a heading or a message was left untranslated.
DANISH_UI_WORDS = (
    "Gem",
    "Tilbage",
    "Annuller",
    "Vælg",
    "Opret",
    "Slet",
    "Rediger",
    "Beregning",
    "Beregn",
    "Ingen",
    "initiativer",
    "Initiativer",
    "indsatser",
    "Indsats",
    "Kommune",
    "kommuner",
    "Kommuner",
    "Fase",
    "fase",
    "Borgere",
    "borgere",
    "Udfald",
    "Metode",
    "Antal",
    "Vurdering",
    "Begrundelse",
    "Produkter",
    "Studier",
    "studier",
    "Resultat",
    "Usikkerhed",
    "Hent",
    "Vis",
    "Filtrer",
    "og",
    "eller",
    "ikke",
    "med",
    "uden",
    "af",
    "til",
    "fra",
    "ved",
    "pr",
    "år",
    "Ja",
    "Nej",
    "Ukendt",
    "mangler",
    "skal",
)
WORD = re.compile(r"\b(" + "|".join(re.escape(w) for w in DANISH_UI_WORDS) + r")\b")

# Proper names that are Danish in every language.
NAMES = (
    "Strategi for Udvikling af den Sociale Indsats",
    "Sociale indsatser, der virker",
)

# Pages that are not HTML pages to read (downloads, the language switch, logout, media).
SKIP_NAMES = {
    "set_language",
    "logout",
    "export_excel",
    "export_json",
    "knowledge_export",
    "study_export",
    "meta_export",
}


def page_patterns():
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith(("admin/", "api/")):
                    continue
                ns = p.namespace or namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and p.name not in SKIP_NAMES:
                yield f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns))


def first_pk(model_label: str):
    return apps.get_model(model_label).objects.order_by("pk").values_list("pk", flat=True).first()


def fill(name: str, route: str) -> str | None:
    """The route with its parameters filled from the demo data; None when the demo has no such object."""
    from susi.organisations.models import Organisation

    owners = {
        "portfolio:": "portfolio.Initiative",
        "som:calculation": "som.Calculation",
        "som:save_target_group": "som.Calculation",
        "evidence:study": "evidence.Study",
        "evidence:meta": "evidence.MetaAnalysis",
        "evidence:intervention": "portfolio.Intervention",
        "evidence:practice": "evidence.PracticeAssessment",
        "outcomes:batch": "outcomes.ImportBatch",
        "outcomes:commit": "outcomes.ImportBatch",
        "outcomes:discard": "outcomes.ImportBatch",
        "outcomes:enrolment": "outcomes.Enrolment",
        "dissemination:checklist": "portfolio.Intervention",
        "dissemination:": "portfolio.Initiative",
    }
    path = route.replace("^", "").replace("$", "")
    if "<int:product_id>" in path:
        from susi.portfolio.models import Product

        product = Product.objects.order_by("pk").first()
        if product is None:
            return None
        path = path.replace("<int:pk>", str(product.initiative_id)).replace(
            "<int:product_id>", str(product.pk)
        )
    if "<str:code>" in path:
        code = (
            Organisation.objects.filter(kind="municipality").order_by("code").values_list("code", flat=True)
        )
        path = path.replace("<str:code>", code.first())
    if "<str:kind>" in path:
        path = path.replace("<str:kind>", "pris").replace("<int:pk>", str(first_pk("som.Price")))
    if "<int:pk>" in path and name.startswith("outcomes:") and name not in owners:
        from susi.outcomes.models import Enrolment

        initiative = Enrolment.objects.order_by("pk").values_list("initiative_id", flat=True).first()
        path = path.replace("<int:pk>", str(initiative))
    if "<int:pk>" in path:
        model = next((m for prefix, m in owners.items() if name.startswith(prefix)), None)
        pk = first_pk(model) if model else None
        if pk is None:
            return None
        path = path.replace("<int:pk>", str(pk))
    if "<" in path or "(?P" in path:
        return None
    return "/" + path


def data_strings() -> list[str]:
    """Every text value stored in the database (the demo's names, titles, notes...), longest first."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            values.update(v for v in row if isinstance(v, str) and len(v) >= 2)
    return sorted(values, key=len, reverse=True)


def visible_text(content: str) -> str:
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S | re.I)
    content = re.sub(r"<title>.*?</title>", " ", content, flags=re.S)  # page title checked by the h1
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(content))


@pytest.fixture
def demo(db):
    from susi.demo import load_all

    load_all(log=lambda line: None)


@pytest.mark.parametrize(
    "role", [Role.AGENCY, Role.MUNICIPALITY, Role.EVALUATOR, Role.FOUNDATION, Role.STEERING]
)
def test_every_page_in_english_has_no_danish_ui_word(client, demo, role):
    from susi.accounts.models import User

    user = User.objects.filter(role=role).order_by("pk").first()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = data_strings()
    checked, found = 0, {}
    for name, route in page_patterns():
        path = fill(name, route)
        if path is None:
            continue
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        checked += 1
        text = visible_text(response.content.decode())
        for value in data:  # whole words only, so that a short value does not cut an English word
            if value in text:
                text = re.sub(r"(?<!\w)" + re.escape(value) + r"(?!\w)", " ", text)
        text = re.sub(r"[(:][^(:]*…", " ", text)  # data cut short to fit a chart label ("Ud af h…")
        for proper in NAMES:
            text = text.replace(proper, " ")
        words = sorted(set(WORD.findall(text)))
        if words:
            hits = [m.group(0) for m in re.finditer(r".{0,40}\b(?:" + "|".join(words) + r")\b.{0,40}", text)]
            found[path] = hits[:8]
    assert checked >= 10, f"only {checked} pages could be checked"
    assert not found, "Danish UI words on English pages:\n" + "\n".join(
        f"{path}: {hits}" for path, hits in found.items()
    )


def test_an_import_error_is_english_on_the_english_page(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.evidence.helpers import bcg_csv

    client.force_login(world.users[Role.AGENCY])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        "/evidens/studier/import/",
        {
            "intervention": world.own_initiative.intervention.pk,
            "outcome": "Tuberculosis",
            "measure": "RR",
            "design": "rct",
            "risk_of_bias": "low",
            "country": "US",
            "file": SimpleUploadedFile(
                "bcg.csv", bcg_csv("Trial 14,4,-3,11,128,1990,rct,US,40"), content_type="text/csv"
            ),
        },
    )
    assert response.status_code == 422
    text = visible_text(response.content.decode())
    assert "Column 'bi' cannot be negative (study 14)." in text
    assert "negativ " not in text and "kolonnen" not in text
