"""The board's counts equal a hand count, for every demo login and every filter.

The counts ("N initiativer", the number on each column, the started / running / closed table) are compared
with a count made in Python over every initiative one by one: the permission rule `portfolio.view_initiative`
for the user, and each filter written out as a plain condition. A count over a `.distinct()` query once
collapsed eight initiatives in two phases into two.
"""

from collections import Counter
from itertools import product

import pytest

from susi.accounts.models import User
from susi.accounts.permissions import can
from susi.engines import phases
from susi.portfolio import selectors
from susi.portfolio.demo import STORIES
from susi.portfolio.models import GateDecision, Initiative


@pytest.fixture
def demo_world(db):
    from susi.accounts import demo as accounts_demo
    from susi.organisations import demo as organisations_demo
    from susi.portfolio import demo as portfolio_demo

    for module in (organisations_demo, accounts_demo, portfolio_demo):
        module.load(lambda line: None)
    return list(Initiative.objects.prefetch_related("municipalities").select_related("intervention"))


def _matches(initiative, params) -> bool:
    codes = {m.code for m in initiative.municipalities.all()}
    q = params.get("q", "").lower()
    return all(
        (
            not params.get("programme") or initiative.programme == params["programme"],
            not params.get("area") or initiative.area == params["area"],
            not params.get("track") or initiative.track == params["track"],
            not params.get("status") or initiative.status == params["status"],
            not params.get("phase") or initiative.phase == params["phase"],
            not params.get("municipality") or params["municipality"] in codes,
            not q or q in initiative.title.lower() or q in initiative.intervention.name.lower(),
        )
    )


def _filters(initiatives):
    """No filter, each filter on its own with every value in the data, and the municipality filter
    combined with each of the others (the combination that was wrong)."""
    values = {
        "programme": sorted({i.programme for i in initiatives}),
        "area": sorted({i.area for i in initiatives}),
        "track": sorted({i.track for i in initiatives}),
        "status": sorted({i.status for i in initiatives}),
        "phase": [p.value for p in phases.Phase],
        "municipality": ["751", "461", "101", "999"],
        "q": ["hjem"],
    }
    yield {}
    for key, options in values.items():
        for value in options:
            yield {key: value}
    for key, options in values.items():
        if key == "municipality":
            continue
        for code, value in product(values["municipality"], options):
            yield {"municipality": code, key: value}


def _hand_counts(user, initiatives, params):
    seen = [i for i in initiatives if can(user, "portfolio.view_initiative", i) and _matches(i, params)]
    per_phase = Counter(i.phase for i in seen)
    running = Counter((i.programme, i.phase) for i in seen if i.status == "active")
    closed = Counter(
        (d.initiative.programme, d.phase)
        for d in GateDecision.objects.filter(
            initiative__in=[i.pk for i in seen], state=GateDecision.State.RECORDED
        ).select_related("initiative")
        if d.outcome != phases.Outcome.REWORK.value
    )
    return len(seen), per_phase, running, closed


def test_the_aarhus_login_sees_every_initiative_aarhus_takes_part_in(demo_world):
    aarhus = User.objects.get(username="kommune")
    written = sum("751" in story.municipalities for story in STORIES)
    board = selectors.board(aarhus, {})
    assert written > 3
    assert board.total == written == sum(len(c.cards) for c in board.columns)
    assert sum(c.total for c in board.columns) == written
    agency = User.objects.get(username="styrelse")
    assert selectors.board(agency, {"municipality": "751"}).total == written


def test_board_counts_equal_a_hand_count_for_every_login_and_filter(demo_world):
    for user in User.objects.order_by("username"):
        for params in _filters(demo_world):
            total, per_phase, running, closed = _hand_counts(user, demo_world, params)
            board = selectors.board(user, params)
            where = (user.username, params)
            assert board.total == total, where
            for column in board.columns:
                assert column.total == per_phase[column.phase.phase.value], where
                assert len(column.cards) == min(column.total, selectors.CARDS_PER_COLUMN), where
            for programme, row in board.counts.items():
                for phase_value, counts in row.items():
                    key = (programme, phase_value)
                    assert (counts.running, counts.closed) == (running[key], closed[key]), (where, key)
                    assert counts.started == running[key] + closed[key], (where, key)
            shown = {p for p, row in board.counts.items() for c in row.values() if c.started}
            assert shown == {p for p, _ in running + closed}, where
