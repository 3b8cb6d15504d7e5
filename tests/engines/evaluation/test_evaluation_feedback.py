"""The feedback aggregate: reference numbers, the small-cell rule and the proxy share."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from susi.engines.evaluation import feedback as fb


def _response(i, who="citizen", **answers):
    return fb.Response(unit=f"u{i}", respondent=who, answers=answers)


def test_reference_numbers():
    # 6 citizens answer themselves (helps 5,5,4,4,3,3), 5 relatives/staff answer for others (helps 2 each).
    rows = [_response(i, helps=v) for i, v in enumerate((5, 5, 4, 4, 3, 3))]
    rows += [_response(10 + i, "relative" if i < 3 else "staff", helps=2) for i in range(5)]
    summary = fb.summarise(rows)
    assert summary.responses == 11
    assert summary.by_respondent == {"citizen": 6, "relative": None, "staff": None}
    assert summary.proxy == 5 and summary.proxy_share == pytest.approx(5 / 11)
    helps = summary.questions[0]
    assert helps.n == 11
    assert helps.mean == pytest.approx(34 / 11)
    assert helps.share_high == pytest.approx(4 / 11)
    assert helps.mean_citizen == pytest.approx(4.0) and helps.mean_proxy == pytest.approx(2.0)
    # Questions nobody answered: 0 answers, no mean.
    assert summary.questions[1].n == 0 and summary.questions[1].mean is None


def test_small_groups_are_withheld():
    rows = [_response(i, helps=4) for i in range(4)]
    summary = fb.summarise(rows)
    assert summary.responses is None and summary.proxy is None and summary.proxy_share is None
    assert summary.questions[0].mean is None
    # 8 own answers and 2 by a relative: the group means are withheld (either gives the other away).
    rows = [_response(i, helps=4) for i in range(8)] + [
        _response(20 + i, "relative", helps=1) for i in range(2)
    ]
    summary = fb.summarise(rows)
    assert summary.questions[0].mean == pytest.approx(3.4)
    assert summary.questions[0].mean_citizen is None and summary.questions[0].mean_proxy is None
    # And the proxy count of 2 is withheld with the citizens' own count (complementary suppression).
    assert summary.proxy is None and summary.by_respondent["citizen"] is None


def test_counts_are_withheld_when_few_enrolled_have_no_response():
    rows = [_response(i, helps=4) for i in range(10)]
    assert fb.summarise(rows, population=12).responses is None
    assert fb.summarise(rows, population=12).questions[0].mean == 4.0
    assert fb.summarise(rows, population=15).responses == 10


def test_each_citizen_once():
    with pytest.raises(ValueError):
        fb.summarise([_response(1, helps=3), _response(1, helps=4)])
    latest = fb.latest_per_unit(
        [(1, _response(1, helps=3)), (2, _response(1, helps=5)), (1, _response(2, helps=1))]
    )
    assert sorted(r.answers["helps"] for r in latest) == [1, 5]


def test_the_instrument_is_declared_as_data():
    instrument = fb.FEEDBACK_INSTRUMENT
    assert [q.code for q in instrument.scale_questions] == ["helps", "heard", "say"]
    assert [q.code for q in instrument.text_questions] == ["comment"]
    assert set(fb.PROXIES) == set(fb.RESPONDENTS) - {fb.CITIZEN}
    assert {"easy_read", "pictograms", "interpreter", "oral", "home_visit", "digital"} <= set(fb.FORMATS)
    for text in (*fb.RESPONDENTS.values(), *fb.FORMATS.values(), *(q.text for q in instrument.questions)):
        assert text.da and text.en


@given(st.lists(st.tuples(st.sampled_from(list(fb.RESPONDENTS)), st.integers(1, 5)), min_size=0, max_size=40))
def test_no_shown_figure_rests_on_one_to_four_citizens(answers):
    rows = [_response(i, who, helps=v) for i, (who, v) in enumerate(answers)]
    summary = fb.summarise(rows)
    shown = [v for v in (summary.responses, summary.proxy, *summary.by_respondent.values()) if v is not None]
    assert all(v == 0 or v >= 5 for v in shown)
    if summary.responses is not None and summary.proxy is not None:
        own = summary.responses - summary.proxy
        assert own == 0 or own >= 5
    helps = summary.questions[0]
    if helps.mean is not None:
        assert helps.n >= 5
    if helps.mean_citizen is not None:
        own_n = sum(1 for who, _v in answers if who == "citizen")
        assert own_n in (0,) or own_n >= 5
        assert len(answers) - own_n == 0 or len(answers) - own_n >= 5
