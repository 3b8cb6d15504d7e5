"""``mask_cpr_like``: every CPR-like sequence in file-borne text is masked, nothing else is touched."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.evaluation.cpr import CPR_MASK, mask_cpr_like


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("maalinger_0202861037.csv", "maalinger_XXXXXX-XXXX.csv"),
        ("maalinger_020286-1037.xlsx", "maalinger_XXXXXX-XXXX.xlsx"),
        ("Kommune 0103304002 deltager ikke", "Kommune XXXXXX-XXXX deltager ikke"),
        ("010330 4002 og 0202861037", "XXXXXX-XXXX og XXXXXX-XXXX"),
        ("9999999999", CPR_MASK),  # not a valid date: masked all the same
        ("kommune 751, række 12, 2024-01-01", "kommune 751, række 12, 2024-01-01"),
        ("12345678901", "12345678901"),  # eleven digits: not CPR-like
        ("123456789", "123456789"),
        ("", ""),
    ],
)
def test_masks_cpr_like_sequences(text, masked):
    assert mask_cpr_like(text) == masked


def test_non_text_is_turned_into_text():
    assert mask_cpr_like(None) == ""  # type: ignore[arg-type]
    assert mask_cpr_like(202861037) == "202861037"  # type: ignore[arg-type]


_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)
_filler = st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20)


@settings(deadline=None, max_examples=200)
@given(_filler, _digits, st.sampled_from(["", "-", " "]), _filler)
def test_no_cpr_survives_masking(before, digits, separator, after):
    text = f"{before}{digits[:6]}{separator}{digits[6:]}{after}"
    out = mask_cpr_like(text)
    assert digits not in out and f"{digits[:6]}-{digits[6:]}" not in out
    assert out == f"{before}{CPR_MASK}{after}"


@settings(deadline=None, max_examples=200)
@given(st.text(max_size=60))
def test_masking_is_idempotent_and_leaves_no_ten_digit_run(text):
    once = mask_cpr_like(text)
    assert mask_cpr_like(once) == once
    assert not re.search(r"(?<![0-9])[0-9]{6}[\s-]?[0-9]{4}(?![0-9])", once)
