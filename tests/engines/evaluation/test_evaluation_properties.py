"""Properties that must hold for any input (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from susi.engines.evaluation.cpr import pseudonymise
from susi.engines.evaluation.monitoring import monitor
from susi.engines.evaluation.privacy import suppress_small

KEY = bytes(range(32))


@given(st.lists(st.integers(0, 10_000), max_size=50), st.integers(1, 20))
def test_no_small_count_survives_suppression(counts, threshold):
    out = suppress_small(counts, threshold=threshold)
    assert len(out) == len(counts)
    assert all(v is None or v == 0 or v >= threshold for v in out)
    assert all(o == c for o, c in zip(out, counts, strict=True) if o is not None)


@given(st.floats(0.1, 50), st.floats(0.5, 1.0), st.floats(0.01, 5), st.integers(5, 1000), st.booleans())
@settings(max_examples=200)
def test_a_municipality_at_or_above_the_line_never_warns(reference, margin, se, n, higher_is_better):
    ref = reference if higher_is_better else -reference
    rows = monitor(
        [
            {"municipality": "101", "period": p, "estimate": ref * margin * f, "se": se, "n": n}
            for p, f in enumerate((1.0, 1.2, 1.0, 3.0))
        ],
        ref,
        margin=margin,
        higher_is_better=higher_is_better,
    )
    assert not any(r.drift_warning for r in rows)


@given(
    st.dates(),
    st.integers(0, 9999),
    st.integers(0, 9999),
)
def test_pseudonyms_are_stable_and_distinct(date, s1, s2):
    # a 7th digit that gives back a date in the right century is not needed here: any valid number
    a = f"{date:%d%m%y}{s1:04d}"
    b = f"{date:%d%m%y}{s2:04d}"
    try:
        pa, pb = pseudonymise(a, KEY), pseudonymise(b, KEY)
    except ValueError:  # the century digit makes this day invalid (29 Feb in a non-leap century)
        return
    assert pa == pseudonymise(a, KEY)
    assert (pa == pb) == (a == b)
