"""User text in charts is plain text: `$\\foo$` in a study label, a calculation name, an instrument name or a
municipality's name is drawn as typed and never read as mathtext (which made the pages fail)."""

from types import SimpleNamespace

import matplotlib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from susi.accounts.models import Role
from susi.engines.text import Text
from susi.evidence.models import Study
from susi.outcomes import charts as outcome_charts
from susi.som import charts as som_charts
from susi.som.models import Calculation
from susi.web.charts import new_figure, svg
from tests.evidence.helpers import bcg_csv
from tests.evidence.test_evidence_pages import meta_url
from tests.som.conftest import client_for, knowledge, municipality_client  # noqa: F401 (fixtures)
from tests.som.test_calculator import form_post

LABEL = "$\\foo$"  # a backslash command matplotlib's mathtext does not know
DOLLARS = "Pris $5 og $10"  # ordinary dollars, also mathtext to matplotlib


def test_a_study_label_with_mathtext_is_shown_as_typed_on_the_meta_analysis_page(client, world):
    client.force_login(world.users[Role.AGENCY])
    csv = bcg_csv().decode().replace("Trial 1,", f"{LABEL},", 1).replace("Trial 2,", f'"{DOLLARS}",', 1)
    response = client.post(
        reverse("evidence:study_import"),
        {
            "intervention": world.own_initiative.intervention.pk,
            "outcome": "Tuberkulose",
            "measure": "RR",
            "design": "rct",
            "risk_of_bias": "low",
            "country": "US",
            "file": SimpleUploadedFile("bcg.csv", csv.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 302 and Study.objects.filter(label=LABEL).exists()
    page = client.get(meta_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Forest plot</title>" in html
    assert LABEL in html and DOLLARS in html


def test_a_calculation_name_with_mathtext_is_shown_as_typed_on_the_comparison_page(municipality_client):  # noqa: F811
    client = municipality_client
    for name in (LABEL, DOLLARS):
        data = form_post(client, **{"draws": "200", "name": name})
        assert client.post("/som/beregn/", data).status_code == 302
    a, b = Calculation.objects.order_by("pk")
    assert client.get(a.get_absolute_url()).status_code == 200
    page = client.get(f"/som/sammenlign/?ids={a.pk}&ids={b.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert LABEL in html and DOLLARS in html


def _assert_plain(chart: str, *texts: str) -> None:
    assert chart.startswith("<svg")
    for text in texts:
        assert text in chart


def test_every_outcomes_chart_draws_user_text_as_typed():
    means = [
        {"arm": "intervention", "period": p, "mean": 1.0 + p, "ci_low": 0.5 + p, "ci_high": 1.5 + p}
        for p in (0, 1)
    ]
    _assert_plain(outcome_charts.effect_chart(means, None, LABEL), LABEL)
    rows = [
        SimpleNamespace(municipality="751", period=p, estimate=0.5 * p, suppressed=False)
        for p in (2024, 2025)
    ]
    _assert_plain(outcome_charts.monitoring_chart(rows, {"751": DOLLARS}, 0.4, LABEL), LABEL, DOLLARS)
    block_rows = [SimpleNamespace(year=y, difference=0.1 * y, ci_low=0.0, ci_high=0.3 * y) for y in (1, 2)]
    _assert_plain(outcome_charts.register_chart([{"label": LABEL, "rows": block_rows}]), LABEL)
    curve = SimpleNamespace(
        times=[1.0, 2.0],
        survival=[0.8, 0.6],
        ci_low=[0.7, 0.5],
        ci_high=[0.9, 0.7],
        arm="intervention",
        n=10,
        events=4,
    )
    _assert_plain(outcome_charts.survival_chart([curve], None, LABEL), LABEL)


def test_the_som_comparison_chart_draws_names_as_typed():
    chart = som_charts.compare([(LABEL, [1, 2], [-5.0, 10.0]), (DOLLARS, [1, 2], [1.0, 2.0])])
    _assert_plain(chart, LABEL, DOLLARS)


def test_svg_keeps_text_plain_even_if_someone_turns_mathtext_back_on():
    with matplotlib.rc_context({"text.parse_math": True}):
        fig, ax = new_figure()
        ax.plot([1, 2], [1, 2], label=LABEL)
        ax.set_yticks([1, 2], [LABEL, DOLLARS])
        ax.set_title(LABEL)
        ax.legend()
        chart = svg(fig, title=f"Titel {LABEL} \\q \\1", description=f"{DOLLARS} \\g<0>")
    _assert_plain(chart, LABEL, DOLLARS, "Titel $\\foo$ \\q \\1", "\\g&lt;0&gt;")


@pytest.mark.parametrize("text", [LABEL, "\\q", "\\1", "\\g<0>"])
def test_svg_title_and_description_are_not_read_as_regular_expression_templates(text):
    fig, _ax = new_figure()
    chart = svg(fig, title=text, description=text)
    shown = text.replace("<", "&lt;").replace(">", "&gt;")
    assert f"<title>{shown}</title><desc>{shown}</desc>" in chart
    assert f'aria-label="{shown}"' in chart


def test_the_som_tornado_draws_input_labels_as_typed():
    """Tornado labels come from the inputs, e.g. a cost line named by the user."""
    bars = [
        SimpleNamespace(
            label=Text(f"Omkostning »{LABEL}«", f"Cost »{LABEL}«"), result_low=-10.0, result_high=20.0
        ),
        SimpleNamespace(label=Text(DOLLARS, DOLLARS), result_low=0.0, result_high=5.0),
    ]
    mc = SimpleNamespace(tornado=bars, deterministic=SimpleNamespace(present_value=3.0))
    _assert_plain(som_charts.tornado(mc), LABEL, DOLLARS)
