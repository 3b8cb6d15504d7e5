"""The board exports to Excel and CSV as the user sees it: the export's rows are the board's cards, for
several logins and filters; the export link on the board carries the current filters."""

import csv
import io

import openpyxl
import pytest
from django.test import Client

from susi.accounts.models import User
from susi.portfolio import selectors
from tests.portfolio.test_board_counts import demo_world  # noqa: F401 - the demo portfolio fixture

CASES = [
    ("styrelse", {}),
    ("styrelse", {"programme": "uip_children"}),
    ("styrelse", {"municipality": "751", "status": "active"}),
    ("styrelse", {"q": "hjem"}),
    ("kommune", {}),
    ("kommune", {"phase": "testing"}),
    ("kommune2", {"programme": "uip_adults"}),
    ("evaluator", {}),
    ("fond", {}),
    ("tilbud", {}),
    ("styregruppe", {"track": "track2"}),
]


def _board_titles(user, params) -> list[str]:
    board = selectors.board(user, params)
    return [card.title for column in board.columns for card in column.cards]


def _csv_titles(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Titel"
    return [row[0] for row in rows[1:]]


def _xlsx_titles(body: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Titel"
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("username, params", CASES)
def test_the_export_rows_are_the_boards_cards(demo_world, username, params):  # noqa: F811
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    cards = _board_titles(user, params)
    csv_response = client.get("/eksport/portefoelje.csv", params)
    assert csv_response.status_code == 200
    assert csv_response["Content-Disposition"] == 'attachment; filename="portefoelje.csv"'
    assert _csv_titles(csv_response.content) == cards, (username, params)
    xlsx = client.get("/eksport/portefoelje.xlsx", params)
    assert _xlsx_titles(xlsx.content) == cards, (username, params)


def test_the_board_links_to_the_export_with_its_filters(demo_world):  # noqa: F811
    client = Client()
    client.force_login(User.objects.get(username="styrelse"))
    page = client.get("/", {"programme": "uip_adults", "municipality": "751"}).content.decode()
    assert 'href="/eksport/portefoelje.xlsx?programme=uip_adults&amp;municipality=751"' in page
    assert 'href="/eksport/portefoelje.csv?programme=uip_adults&amp;municipality=751"' in page
    assert "prioriteret" in page
    partial = client.get("/", {"status": "completed"}, headers={"HX-Request": "true"}).content.decode()
    assert "/eksport/portefoelje.csv?status=completed" in partial


def test_an_unknown_format_is_404_and_anonymous_goes_to_login(demo_world):  # noqa: F811
    client = Client()
    assert client.get("/eksport/portefoelje.csv").status_code == 302
    client.force_login(User.objects.get(username="kommune"))
    assert client.get("/eksport/portefoelje.pdf").status_code == 404


def test_a_title_that_looks_like_a_formula_is_exported_as_text(demo_world):  # noqa: F811
    from susi.portfolio.models import Initiative

    initiative = Initiative.objects.order_by("pk").first()
    initiative.title = '=HYPERLINK("https://evil.example")'
    initiative.save()
    client = Client()
    client.force_login(User.objects.get(username="styrelse"))
    titles = _csv_titles(client.get("/eksport/portefoelje.csv").content)
    assert '\'=HYPERLINK("https://evil.example")' in titles
