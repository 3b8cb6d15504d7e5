"""Danish number and date formats (decimal comma, thousands dot, "1. dec. 2026"); English in the English UI."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from susi.web.formatting import kr, number, percent


def test_numbers_follow_the_language():
    with translation.override("da"):
        assert number(0.26789, 4) == "0,2679"
        assert number(-1234.5, 1) == "-1.234,5"
        assert percent(0.089) == "8,9 %"
        assert number(None) == "–" and number(float("nan")) == "–" and percent("x") == "–"
    with translation.override("en"):
        assert number(0.26789, 4) == "0.2679"
        assert number(-1234.5, 1) == "-1,234.5"
        assert percent(0.089) == "8.9 %"
    assert kr(1234567.4) == "1.234.567 kr."


def test_dates_are_written_the_danish_way():
    template = Template('{{ d|date:"DATE_FORMAT" }} · {{ t|date:"DATETIME_FORMAT" }}')
    context = Context({"d": dt.date(2026, 12, 1), "t": dt.datetime(2026, 5, 3, 14, 5)})
    with translation.override("da"):
        assert template.render(context) == "1. dec. 2026 · 3. maj 2026 14:05"
    with translation.override("en"):
        assert template.render(context) == "1 Dec. 2026 · 3 May 2026 14:05"


def test_template_filters():
    template = Template(
        "{% load susi_tags evidence_tags %}{{ x|number:3 }} {{ s|percent }} {{ x|num }} {{ p|pval }}"
    )
    with translation.override("da"):
        assert (
            template.render(Context({"x": 0.2679, "s": 0.089, "p": 0.01234}))
            == "0,268 8,9 % 0,2679 p = 0,0123"
        )
