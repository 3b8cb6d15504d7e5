"""The board's columns are printed once per content and read afterwards (the `{% cache %}` fragment in
_board.html, keyed by the cards and the language): a change to any card shows on the next view, and one user's
board is never shown to another who sees other initiatives."""

import re

from django.core.cache import cache

from susi.portfolio.models import Initiative


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', "", html)


def _column(page: str, phase: str) -> str:
    start = page.index(f'data-phase="{phase}"')
    return page[start : page.index("</section>", start)]


def test_a_changed_card_shows_on_the_next_view(client, world):
    cache.clear()
    client.force_login(world.users["agency"])
    initiative = world.own_initiative
    first = client.get("/").content.decode()
    assert initiative.title in _column(first, initiative.phase)
    # The second view reads the printed columns (the locmem cache holds them) and shows the same page.
    assert any("board-columns" in key for key in cache._cache)  # type: ignore[attr-defined]
    assert _without_tokens(client.get("/").content.decode()) == _without_tokens(first)

    Initiative.objects.filter(pk=initiative.pk).update(title="Nyt navn på initiativet")
    renamed = client.get("/").content.decode()
    assert "Nyt navn på initiativet" in _column(renamed, initiative.phase)
    assert initiative.title not in renamed

    Initiative.objects.filter(pk=initiative.pk).update(phase="testing")
    moved = client.get("/").content.decode()
    assert "Nyt navn på initiativet" in _column(moved, "testing")
    assert "Nyt navn på initiativet" not in _column(moved, initiative.phase)


def test_the_cached_columns_follow_the_language_and_the_reader(client, world):
    cache.clear()
    client.force_login(world.users["agency"])
    danish = client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Ingen initiativer" in danish or "Vis alle" in danish or "Screening" in danish
    assert 'lang="en"' in english and english != danish

    client.cookies["django_language"] = "da"
    client.force_login(world.users["municipality"])
    theirs = client.get("/").content.decode()
    seen = set(Initiative.objects.filter(municipalities=world.users["municipality"].organisation))
    for initiative in Initiative.objects.all():
        assert (f'data-initiative="{initiative.pk}"' in theirs) == (initiative in seen)
