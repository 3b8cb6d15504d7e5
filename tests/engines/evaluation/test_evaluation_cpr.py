import datetime as dt
import logging
import os
import stat

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from susi.engines.evaluation import cpr as cprmod
from susi.engines.evaluation.cpr import (
    generate_key_file,
    is_synthetic,
    load_key,
    pseudonymise,
    validate_cpr,
)
from susi.engines.evaluation.errors import CprError, EvaluationError
from susi.engines.evaluation.synthetic import synthetic_cprs

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.mark.parametrize(
    ("text", "born", "sex"),
    [
        ("010203-1234", dt.date(1903, 2, 1), "F"),  # 7th digit 1 -> 1900s
        ("0102031235", dt.date(1903, 2, 1), "M"),
        ("290200-4001", dt.date(2000, 2, 29), "M"),  # 4 with YY <= 36 -> 2000s; leap day
        ("010140-4000", dt.date(1940, 1, 1), "F"),  # 4 with YY >= 37 -> 1900s
        ("010157-5000", dt.date(2057, 1, 1), "F"),  # 5-8 with YY <= 57 -> 2000s
        ("010158-8000", dt.date(1858, 1, 1), "F"),  # 5-8 with YY >= 58 -> 1800s
        ("311299-9000", dt.date(1999, 12, 31), "F"),  # 9 with YY >= 37 -> 1900s
        (" 010203 1234 ", dt.date(1903, 2, 1), "F"),  # spaces ignored
    ],
)
def test_century_and_date_rules(text, born, sex):
    n = validate_cpr(text)
    assert n.birth_date == born
    assert n.sex == sex
    assert len(n.digits) == 10


def test_no_modulus_11_check():
    # 010203-1234 fails modulus 11 (weights 4,3,2,7,6,5,4,3,2,1 give 144, not divisible by 11)
    digits = "0102031234"
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    assert sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 != 0
    assert validate_cpr(digits).digits == digits


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "mangler"),
        ("12345", "10 cifre"),
        ("01020312345", "10 cifre"),
        ("0102AB-1234", "10 cifre"),
        ("320103-1234", "fødselsdato"),
        ("011303-1234", "fødselsdato"),
        ("290201-1234", "fødselsdato"),  # 1901 not a leap year
        ("290200-1234", "fødselsdato"),  # 1900 not a leap year (7th digit 1 -> 1900)
        ("１２３４５６７８９０", "10 cifre"),  # full-width digits are not ASCII digits
    ],
)
def test_invalid_numbers_give_danish_message_without_the_number(text, needle):
    with pytest.raises(CprError) as exc:
        validate_cpr(text)
    assert needle in exc.value.message.da
    assert exc.value.field == "cpr"
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 6:
        assert digits not in str(exc.value) and digits not in exc.value.message.da


def test_normalised_cpr_never_shows_the_serial(caplog):
    n = validate_cpr("010203-1234")
    assert "1234" not in repr(n) and "1234" not in str(n) and "1234" not in f"{n}"
    with caplog.at_level(logging.INFO):
        logging.getLogger("t").info("importing %s %r", n, n)
    assert "1234" not in caplog.text


def test_pseudonym_is_hmac_sha256_stable_and_keyed():
    import hashlib
    import hmac

    p = pseudonymise("010203-1234", KEY)
    assert p == hmac.new(KEY, b"0102031234", hashlib.sha256).hexdigest()
    assert p == pseudonymise("0102031234", KEY) == pseudonymise(validate_cpr("010203 1234"), KEY)
    assert p != pseudonymise("010203-1234", OTHER_KEY)
    assert p != pseudonymise("010203-1235", KEY)
    assert len(p) == 64 and "0102031234" not in p


def test_pseudonymise_refuses_short_key():
    with pytest.raises(EvaluationError) as exc:
        pseudonymise("010203-1234", b"short")
    assert exc.value.field == "key"


def test_load_key_from_env(monkeypatch):
    monkeypatch.setenv(cprmod.KEY_ENV_VAR, KEY.hex())
    assert load_key() == KEY


def test_load_key_from_file_and_generate(tmp_path, monkeypatch):
    monkeypatch.delenv(cprmod.KEY_ENV_VAR, raising=False)
    path = generate_key_file(tmp_path / "pseudonym.key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = load_key(path)
    assert len(key) == 32
    with pytest.raises(EvaluationError, match="never overwritten"):
        generate_key_file(path)
    assert load_key(path) == key


def test_load_key_refuses_open_file_and_missing_key(tmp_path, monkeypatch):
    monkeypatch.delenv(cprmod.KEY_ENV_VAR, raising=False)
    with pytest.raises(EvaluationError) as exc:
        load_key()
    assert cprmod.KEY_ENV_VAR in exc.value.message.da
    open_file = tmp_path / "open.key"
    open_file.write_text(KEY.hex())
    open_file.chmod(0o644)
    with pytest.raises(EvaluationError, match="0600"):
        load_key(open_file)
    bad = tmp_path / "bad.key"
    bad.write_text("not hex")
    bad.chmod(0o600)
    with pytest.raises(EvaluationError, match="hex"):
        load_key(bad)


def test_synthetic_numbers_are_valid_future_and_distinct():
    numbers = synthetic_cprs(5000, np.random.default_rng(1))
    assert len(set(numbers)) == 5000
    today = dt.date.today()
    for text in numbers:
        n = validate_cpr(text)
        assert n.birth_date.year in range(2030, 2037)
        assert n.birth_date > today  # nobody alive has this number
        assert is_synthetic(text)


def test_real_looking_numbers_are_not_synthetic():
    assert not is_synthetic("010203-1234")
    assert not is_synthetic("010130-1234")  # 2030 date part but 7th digit 1 -> 1930
    assert not is_synthetic("not a number")


@given(st.dates(min_value=dt.date(1858, 1, 1), max_value=dt.date(2057, 12, 31)), st.integers(0, 999))
def test_every_calendar_date_round_trips(date, serial):
    if date.year >= 2000:
        seventh = 4 if date.year <= 2036 else 5
    elif date.year >= 1900:
        seventh = 0
    else:
        seventh = 5
    text = f"{date:%d%m%y}-{seventh}{serial:03d}"
    assert validate_cpr(text).birth_date == date
