"""Fast == textbook for the EMG window features (signals.features vs textbook.features).

The textbook sums every window from scratch with one ``math.fsum`` (the
exactly rounded value of each formula). The fast path never subtracts
running sums: with the "pieces" plan a window is the fsum of its pieces'
fsums (two roundings: relative error <= 2u for the non-negative sums of x^2,
|x| and |steps|), with the "head + tail" plan (more than 32 pieces per
window) two running sums of at most L non-negative terms (relative error
<= (L + 1) u). RMS takes a square root (halves the relative error), LOGPOW
a log (turns the relative error of the power into an absolute one). ZC and
SSC are integer counts: exact.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.signals import features
from purepose.textbook import features as tb

U = 2.0**-53
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

sample = st.one_of(
    st.floats(-5.0, 5.0, allow_nan=False, width=64),
    st.sampled_from([0.0, 1.0, -1.0, 1e-300, -1e-300, 1e6]),  # exact zeros, ties, tiny steps
)


def _pieces_per_window(n, window, hop):
    bounds = features.window_bounds(n, window, hop)
    cuts = sorted({c for bound in bounds for c in bound})
    return max(sum(1 for c in cuts if s < c < e) + 1 for s, e in bounds)


@SETTINGS
@given(
    st.integers(1, 3).flatmap(
        lambda c: st.lists(st.lists(sample, min_size=c, max_size=c), min_size=2, max_size=120)
    ),
    st.integers(1, 60),
    st.integers(1, 25),
    st.sampled_from([0.0, 0.5]),
)
def test_fast_features_within_their_rounding_of_the_textbook(emg, window, hop, threshold):
    window = min(window, len(emg))
    kw = {"window": window, "hop": hop, "features": tb.FEATURES, "threshold": threshold}
    fast = features.extract_features(emg, **kw)
    textbook = tb.extract_features(emg, **kw)
    assert len(fast) == len(textbook)
    dense = _pieces_per_window(len(emg), window, hop) > 32
    rel = (window + 1) * U if dense else 2 * U  # bound on the relative error of a sum
    n_channels = len(emg[0])
    for row_f, row_t in zip(fast, textbook):
        for col, (f, t) in enumerate(zip(row_f, row_t)):
            name = tb.FEATURES[col // n_channels]
            if name in ("zc", "ssc"):
                assert f == t
            elif name == "rms":
                assert abs(f - t) <= (rel / 2 + U) * t + 1e-300
            elif name == "logpow":
                assert abs(f - t) <= rel + 2 * U * abs(t)
            else:  # mav, wl
                assert abs(f - t) <= (rel + U) * t


def test_feature_names_and_defaults_have_one_meaning():
    # the time-domain features; the spatial, spectral and Hjorth ones are textbook/spectral's
    assert tb.FEATURES == features.TIME_FEATURES
    assert set(features.FEATURES) - set(tb.FEATURES) == {
        "spatial",
        "logband",
        "mnf",
        "mdf",
        "activity",
        "mobility",
        "complexity",
    }
    assert tb.DEFAULT_FEATURES == features.DEFAULT_FEATURES


def test_long_quiet_window_after_a_loud_stretch():
    # the case running sums get wrong: both layers keep every digit
    emg = [[1e6 * (-1) ** i] for i in range(400)] + [[1e-3 * math.sin(i)] for i in range(400)]
    fast = features.extract_features(emg, window=200, hop=40, features=("rms",))
    textbook = tb.extract_features(emg, window=200, hop=40, features=("rms",))
    assert fast[-1][0] == pytest.approx(textbook[-1][0], rel=4 * U)
