"""One text type, one engine error, and the one place that picks the language (susi.web.i18n)."""

import pytest
from django.utils import translation

from susi.engines.errors import EngineError, Problem
from susi.engines.evaluation import CprError, EvaluationError, validate_cpr
from susi.engines.evidence import EvidenceInputError
from susi.engines.phases import GateRefused
from susi.engines.som import SomInputError
from susi.engines.text import Text
from susi.web.api_errors import DomainError
from susi.web.i18n import error_messages, lazy_localized, localized

HELLO = Text("Goddag", "Hello")


def test_every_engine_raises_the_one_error_type():
    for kind in (EvaluationError, CprError, EvidenceInputError, SomInputError, GateRefused):
        assert issubclass(kind, EngineError) and issubclass(kind, ValueError)


def test_an_engine_error_carries_code_field_and_text():
    with pytest.raises(CprError) as err:
        validate_cpr("12345")
    assert err.value.field == "cpr" and err.value.code == "invalid"
    assert "10 cifre" in err.value.message.da and "10 digits" in err.value.message.en
    assert "12345" not in str(err.value)


def test_several_problems_at_once():
    error = SomInputError.from_problems(
        [Problem("invalid", "horizon", HELLO), Problem("missing", "intake", Text("mangler", "is missing"))]
    )
    assert error.field == "horizon" and error.message == HELLO and len(error.problems) == 2
    with translation.override("en"):
        assert error_messages(error) == [("horizon", "Hello"), ("intake", "is missing")]
    with pytest.raises(ValueError):
        EngineError.from_problems([])


def test_the_web_layer_picks_the_language():
    with translation.override("da"):
        assert localized(HELLO) == "Goddag"
        assert localized(EvaluationError("x", HELLO)) == "Goddag"
    with translation.override("en"):
        assert localized(HELLO) == "Hello"
    lazy = lazy_localized(HELLO)
    with translation.override("en"):
        assert str(lazy) == "Hello"
    with translation.override("da"):
        assert str(lazy) == "Goddag"


def test_a_service_error_with_an_engine_text_follows_the_reader():
    error = DomainError.from_engine(EvidenceInputError("vi", HELLO))
    with translation.override("en"):
        assert str(error.message) == "Hello"
    with translation.override("da"):
        assert str(error.message) == "Goddag"
