"""Tests for purepose.signals.features: windows, EMG features, filters, lags and smoothing.

numpy computes every feature window by window (the O(n * window) definition),
scipy.signal (when installed) checks the filters; purepose must agree to
rounding.
"""

from __future__ import annotations

import copy
import math
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.signals import features
from purepose.signals.features import (
    TIME_FEATURES,
    biquad_coefficients,
    ema,
    envelope,
    extract_features,
    feature_names,
    filter_channels,
    highpass_first_order,
    lag_stack,
    lfilter,
    ms_to_samples,
    window_bounds,
    window_labels,
    window_times,
    window_valid,
)

np = pytest.importorskip("numpy")


# ---------------------------------------------------------------------------
# numpy oracles: the definitions, one window at a time


def oracle_features(x, window, hop, features, threshold=0.0, eps=1e-12):
    """n_windows x (len(features) * n_channels), computed directly per window."""
    x = np.asarray(x, dtype=np.float64)
    n, n_channels = x.shape
    starts = range(0, n - window + 1, hop)
    rows = []
    for s in starts:
        w = x[s : s + window]
        d = np.diff(w, axis=0)
        vals = {
            "rms": np.sqrt(np.mean(w**2, axis=0)),
            "mav": np.mean(np.abs(w), axis=0),
            "wl": np.sum(np.abs(d), axis=0),
            "zc": np.sum(
                (w[:-1] * w[1:] < 0) & (np.abs(w[:-1] - w[1:]) >= threshold), axis=0
            ).astype(float),
            "ssc": np.sum(
                ((w[1:-1] - w[:-2]) * (w[1:-1] - w[2:]) > 0)
                & (np.maximum(np.abs(w[1:-1] - w[:-2]), np.abs(w[1:-1] - w[2:])) >= threshold),
                axis=0,
            ).astype(float),
            "logpow": np.log(np.mean(w**2, axis=0) + eps),
        }
        rows.append(np.concatenate([vals[f] for f in features]))
    return np.array(rows).reshape(len(rows), len(features) * n_channels)


def recursion_lfilter(b, a, x):
    """y[n] = (sum b[k] x[n-k] - sum_{k>=1} a[k] y[n-k]) / a[0], the difference equation."""
    b = np.asarray(b, float) / a[0]
    a = np.asarray(a, float) / a[0]
    y = np.zeros(len(x))
    for n in range(len(x)):
        acc = sum(b[k] * x[n - k] for k in range(len(b)) if n - k >= 0)
        acc -= sum(a[k] * y[n - k] for k in range(1, len(a)) if n - k >= 0)
        y[n] = acc
    return y


def reference_lfilter(b, a, x):
    try:
        from scipy.signal import lfilter as scipy_lfilter
    except ImportError:
        return recursion_lfilter(b, a, x)
    return scipy_lfilter(b, a, x)


def stable_denominator(rng, order):
    """a(z) with all roots inside radius 0.9 (real or conjugate pairs), a[0] = 1."""
    roots = []
    while len(roots) < order:
        r, phi = 0.9 * rng.random(), math.pi * rng.random()
        if order - len(roots) >= 2 and rng.random() < 0.5:
            pole = r * complex(math.cos(phi), math.sin(phi))
            roots += [pole, pole.conjugate()]
        else:
            roots.append(r * (1 if rng.random() < 0.5 else -1) + 0j)
    return np.real(np.poly(roots)).tolist()


# ---------------------------------------------------------------------------
# Windows


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.integers(1, 20), st.integers(1, 15))
def test_window_bounds_are_all_full_windows(n, window, hop):
    if n < window:
        with pytest.raises(PureposeError, match="fewer samples than one window"):
            window_bounds(n, window, hop)
        return
    bounds = window_bounds(n, window, hop)
    assert bounds == [(s, s + window) for s in range(0, n, hop) if s + window <= n]
    assert len(bounds) == (n - window) // hop + 1
    assert bounds[0] == (0, window)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((10, 0, 1), "window=0"),
        ((10, 2, 0), "hop=0"),
        ((10, 2.0, 1), "window=2.0"),
        ((10, True, 1), "window=True"),
        ((3, 4, 1), "n_samples=3 is fewer samples than one window=4"),
    ],
)
def test_window_bounds_errors(args, match):
    with pytest.raises(PureposeError, match=match):
        window_bounds(*args)


def test_ms_to_samples():
    assert ms_to_samples(100) == 200
    assert ms_to_samples(20) == 40
    assert ms_to_samples(0.5) == 1
    assert ms_to_samples(50, sample_rate=1000.0) == 50
    for bad in (0.0, 0.2, -5.0, math.nan, math.inf):
        with pytest.raises(PureposeError, match="ms_to_samples"):
            ms_to_samples(bad)
    with pytest.raises(PureposeError, match="sample_rate"):
        ms_to_samples(10, sample_rate=0.0)


def test_window_labels_end_and_center():
    angles = [[float(i), -float(i)] for i in range(10)]
    bounds = window_bounds(10, 4, 3)  # (0,4) (3,7) (6,10)
    assert window_labels(angles, bounds) == [[3.0, -3.0], [6.0, -6.0], [9.0, -9.0]]
    assert window_labels(angles, bounds, label="center") == [[1.0, -1.0], [4.0, -4.0], [7.0, -7.0]]
    assert window_times([0.5 * i for i in range(10)], bounds) == [1.5, 3.0, 4.5]
    assert window_times([0.5 * i for i in range(10)], bounds, label="center") == [0.5, 2.0, 3.5]
    labels = window_labels(angles, bounds)
    labels[0][0] = 99.0
    assert angles[3][0] == 3.0  # a copy, not a view


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.integers(1, 9), st.data())
def test_window_valid_matches_io_valid_mask(n, window, hop, data):
    from purepose.joints import IK_FAILURE_ATOL, valid_mask

    assert features.IK_FAILURE_ATOL == IK_FAILURE_ATOL
    if n < window:
        return
    angles = data.draw(
        st.lists(
            st.lists(st.sampled_from([0.0, 1e-9, -1e-9, 1e-7, 0.3, -0.2]), min_size=3, max_size=3),
            min_size=n,
            max_size=n,
        )
    )
    bounds = window_bounds(n, window, hop)
    for label in ("end", "center"):
        assert window_valid(angles, bounds, label=label) == valid_mask(
            window_labels(angles, bounds, label=label)
        )


@pytest.mark.parametrize("func", [window_labels, window_valid, window_times])
def test_window_label_errors(func):
    rows = [[1.0]] * 5
    data = [1.0] * 5 if func is window_times else rows
    with pytest.raises(PureposeError, match=r"window \(2, 6\) does not fit in 5 rows"):
        func(data, [(2, 6)])
    with pytest.raises(PureposeError, match="label='middle'"):
        func(data, [(0, 2)], label="middle")


# ---------------------------------------------------------------------------
# Features against the per-window definition


def test_feature_names_layout_is_feature_major():
    assert feature_names(("rms", "wl"), 3) == [
        "rms_ch00",
        "rms_ch01",
        "rms_ch02",
        "wl_ch00",
        "wl_ch01",
        "wl_ch02",
    ]
    assert len(feature_names(TIME_FEATURES, 16)) == 96
    assert feature_names("mav", 1) == ["mav_ch00"]
    with pytest.raises(PureposeError, match="duplicate"):
        feature_names(("rms", "rms"), 2)
    with pytest.raises(PureposeError, match="n_channels=0"):
        feature_names(("rms",), 0)


@settings(max_examples=60, deadline=None)
@given(
    n_channels=st.integers(1, 3),
    window=st.integers(1, 12),
    hop=st.integers(1, 5),
    extra=st.integers(0, 25),
    threshold=st.sampled_from([0.0, 0.5, 2.0]),
    data=st.data(),
)
def test_features_match_numpy_on_small_integer_signals(
    n_channels, window, hop, extra, threshold, data
):
    # Small integers give exact zeros, plateaus and ties at the threshold:
    # the boundary cases of ZC and SSC.
    n = window + extra
    x = data.draw(
        st.lists(
            st.lists(st.integers(-3, 3).map(float), min_size=n_channels, max_size=n_channels),
            min_size=n,
            max_size=n,
        )
    )
    want = oracle_features(x, window, hop, TIME_FEATURES, threshold)
    got = extract_features(x, window=window, hop=hop, features=TIME_FEATURES, threshold=threshold)
    assert np.array(got).shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # The same windows through the head + tail plan (used for dense windows),
    # not the pieces plan that these short windows use by default.
    with mock.patch.object(features, "_MAX_PIECES", 0):
        blocked = extract_features(
            x, window=window, hop=hop, features=TIME_FEATURES, threshold=threshold
        )
    np.testing.assert_allclose(blocked, want, rtol=1e-12, atol=1e-12)


def test_features_match_numpy_on_a_bursty_signal_straddling_blocks():
    # Amplitude varies by ~1e3 (power by ~1e6) and windows longer than the
    # 256-sample block straddle block boundaries at every offset.
    rng = np.random.default_rng(1)
    n = 6000
    amp = np.exp(3.5 * np.sin(np.arange(n) / 400.0))[:, None]
    x = (rng.standard_normal((n, 3)) * amp * 40).astype(np.float32).astype(np.float64)
    for window, hop in ((300, 7), (200, 40), (37, 13)):
        got = np.array(
            extract_features(x.tolist(), window=window, hop=hop, features=TIME_FEATURES)
        )
        want = oracle_features(x, window, hop, TIME_FEATURES)
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=0)


def test_features_accuracy_on_a_long_session_with_a_quiet_stretch():
    # 140,000 samples at high amplitude, then a quiet stretch: a plain global
    # prefix sum would lose ~8 digits there; the block-restarted one must not.
    rng = np.random.default_rng(2)
    loud = rng.standard_normal(140_000) * 1e3
    quiet = rng.standard_normal(2_000) * 1e-1
    x = np.concatenate([loud, quiet])[:, None]
    want = oracle_features(x, 200, 200, ("rms", "wl"))
    for max_pieces in (features._MAX_PIECES, 0):  # the pieces plan, then head + tail
        with mock.patch.object(features, "_MAX_PIECES", max_pieces):
            got = extract_features(x.tolist(), window=200, hop=200, features=("rms", "wl"))
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def exact_window_sums(x, window, hop):
    """Exact (rational) sums of the rounded x², |x| and |x[i+1] - x[i]| of every window."""
    from fractions import Fraction
    from itertools import pairwise

    squares = [Fraction(v * v) for v in x]
    magnitudes = [Fraction(abs(v)) for v in x]
    steps = [Fraction(abs(b - a)) for a, b in pairwise(x)]
    starts = range(0, len(x) - window + 1, hop)
    return (
        [sum(squares[s : s + window]) for s in starts],
        [sum(magnitudes[s : s + window]) for s in starts],
        [sum(steps[s : s + window - 1]) for s in starts],
    )


def assert_window_sums_within_roundoff(x, window, hop, dense):
    """Both plans against exact rational sums: pieces within 3u, head + tail within window * u.

    The pieces plan rounds each piece sum, then the window sum (about 2u);
    head + tail adds at most ``window`` non-negative terms in running sums.
    """
    plan = features._WindowSums(window_bounds(len(x), window, hop))
    plan.dense = dense  # either plan works for any windows; they differ in cost and error
    got = plan(x, ("squares", "magnitudes", "steps"))
    bound = (window if dense else 3) * 2.0**-53
    for kind, exact in zip(("squares", "magnitudes", "steps"), exact_window_sums(x, window, hop)):
        assert len(got[kind]) == len(exact)
        for g, e in zip(got[kind], exact):
            assert abs(g - e) <= bound * e, (kind, g, float(e))


@settings(max_examples=40, deadline=None)
@given(
    window=st.integers(1, 40),
    hop=st.integers(1, 45),
    extra=st.integers(0, 120),
    dense=st.booleans(),
    data=st.data(),
)
def test_window_sums_are_within_the_documented_roundoff(window, hop, extra, dense, data):
    # Magnitudes from 1e-6 to 1e6, and windows that are not a multiple of hop:
    # pieces of unequal length, bridging steps, gaps between windows.
    n = window + extra
    x = data.draw(
        st.lists(
            st.builds(lambda m, e: m * 10.0**e, st.floats(-1, 1), st.integers(-6, 6)),
            min_size=n,
            max_size=n,
        )
    )
    assert_window_sums_within_roundoff(x, window, hop, dense)


@pytest.mark.parametrize(("window", "hop"), [(200, 40), (90, 25), (60, 60)])
def test_window_sums_keep_small_terms_after_a_spike(window, hop):
    # 1e8 squared is 1e16, where adding 1.0 rounds back to 1e16: a plain
    # left-to-right sum of a piece would lose every following square (error
    # about window * u); the pieces plan sums each piece exactly rounded.
    x = ([1e8] + [1.0, -1.0] * 99 + [0.5]) * 3
    assert_window_sums_within_roundoff(x, window, hop, dense=False)
    assert_window_sums_within_roundoff(x, window, hop, dense=True)


def test_feature_subsets_give_the_same_columns_as_all_features():
    # Each feature is computed alone or together with others to the last bit.
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((700, 2)) * 50).tolist()
    for window, hop in ((200, 40), (90, 25), (37, 1)):
        everything = np.array(extract_features(x, window=window, hop=hop, features=TIME_FEATURES))
        for k, name in enumerate(TIME_FEATURES):
            alone = np.array(extract_features(x, window=window, hop=hop, features=(name,)))
            np.testing.assert_array_equal(alone, everything[:, 2 * k : 2 * k + 2])


@pytest.mark.parametrize("n_rows", [1, 255, 256, 257, 600])
def test_columns_transpose_across_row_blocks(n_rows):
    rng = np.random.default_rng(n_rows)
    X = rng.standard_normal((n_rows, 3))
    rows = [tuple(r) for r in X.tolist()]  # tuples and lists both work
    assert features._columns("f", rows) == X.T.tolist()
    huge = [[1e308, -1e308, 1e308]] * n_rows  # the sum screen overflows; the values are finite
    assert features._columns("f", huge) == [[1e308] * n_rows, [-1e308] * n_rows, [1e308] * n_rows]
    bad = X.tolist()
    bad[-1][2] = math.nan  # in the last block of rows
    with pytest.raises(
        PureposeError, match=f"f: non-finite value nan at row {n_rows - 1}, channel 2"
    ):
        features._columns("f", bad)


@pytest.mark.parametrize("window", [1, 2, 3])
def test_windows_too_short_for_pairs_or_triples(window):
    x = [[0.0], [2.0], [-1.0], [0.0], [3.0], [3.0]]
    for n in range(window, len(x) + 1):
        got = extract_features(x[:n], window=window, hop=1, features=TIME_FEATURES, threshold=0.5)
        np.testing.assert_allclose(got, oracle_features(x[:n], window, 1, TIME_FEATURES, 0.5))


def test_default_features_and_layout():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1000, 16)).tolist()
    got = extract_features(x)
    assert len(got) == (1000 - 200) // 40 + 1
    assert len(got[0]) == 4 * 16
    want = oracle_features(x, 200, 40, ("rms", "mav", "wl", "logpow"))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    names = feature_names(("rms", "mav", "wl", "logpow"), 16)
    assert names[17] == "mav_ch01"
    assert got[0][17] == pytest.approx(np.mean(np.abs(np.array(x)[:200, 1])), rel=1e-12)


def test_features_do_not_mutate_input_and_accept_tuples():
    x = [[1.0, -2.0], [0.5, 0.0], [-1.0, 3.0], [2.0, -1.0]]
    before = copy.deepcopy(x)
    got = extract_features(x, window=3, hop=1, features=TIME_FEATURES, threshold=0.1)
    assert x == before
    assert (
        extract_features(
            tuple(map(tuple, x)), window=3, hop=1, features=TIME_FEATURES, threshold=0.1
        )
        == got
    )


def test_zero_signal_logpow_is_log_eps():
    got = extract_features([[0.0]] * 10, window=5, hop=5, features=("rms", "logpow"), eps=1e-6)
    assert got == [[0.0, math.log(1e-6)], [0.0, math.log(1e-6)]]


@pytest.mark.parametrize(
    ("emg", "kwargs", "match"),
    [
        ([], {}, "no samples"),
        ([[1.0, 2.0], [1.0]], {"window": 1}, "ragged rows"),
        ([[], []], {"window": 1}, "no channels"),
        ([[1.0], [math.nan], [1.0]], {"window": 2}, "non-finite value nan at row 1, channel 0"),
        ([[1.0, math.inf]] * 3, {"window": 2}, "non-finite value inf at row 0, channel 1"),
        ([[1.0]] * 5, {"window": 6}, "n_samples=5 is fewer samples than one window=6"),
        ([[1.0]] * 5, {"window": 0}, "window=0"),
        ([[1.0]] * 5, {"window": 2, "hop": -1}, "hop=-1"),
        ([[1.0]] * 5, {"window": 2, "features": ("rms", "iemg")}, "unknown feature 'iemg'"),
        ([[1.0]] * 5, {"window": 2, "features": ()}, "features is empty"),
        ([[1.0]] * 5, {"window": 2, "threshold": -1.0}, "threshold=-1.0"),
        ([[1.0]] * 5, {"window": 2, "eps": 0.0}, "eps=0.0"),
    ],
)
def test_extract_features_errors(emg, kwargs, match):
    with pytest.raises(PureposeError, match=match) as info:
        extract_features(emg, **kwargs)
    assert str(info.value).startswith("extract_features: ")


# ---------------------------------------------------------------------------
# Filters


@pytest.mark.parametrize("order", [0, 1, 2, 3, 5])
def test_lfilter_matches_reference(order):
    rng = np.random.default_rng(10 + order)
    x = rng.standard_normal(400)
    a = stable_denominator(rng, order) if order else [1.0]
    b = rng.standard_normal(rng.integers(1, order + 3)).tolist()
    scale = 1.7  # a[0] != 1 exercises the normalisation
    a = [v * scale for v in a]
    got = lfilter(b, a, x.tolist())
    want = reference_lfilter(b, a, x)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.max(np.abs(want)))


def test_lfilter_matches_the_difference_equation_without_scipy():
    # Independent of scipy: the textbook recursion written in the test.
    rng = np.random.default_rng(20)
    x = rng.standard_normal(200)
    b, a = [0.3, -0.2, 0.1, 0.05], [2.0, -0.4, 0.1]
    np.testing.assert_allclose(lfilter(b, a, x.tolist()), recursion_lfilter(b, a, x), rtol=1e-12)


def test_lfilter_errors():
    with pytest.raises(PureposeError, match=r"lfilter: a\[0\]=0.0 must be non-zero"):
        lfilter([1.0], [0.0, 1.0], [1.0])
    with pytest.raises(PureposeError, match="must be non-empty"):
        lfilter([], [1.0], [1.0])
    with pytest.raises(PureposeError, match="lfilter: x: non-finite value nan at index 1"):
        lfilter([1.0], [1.0], [0.0, math.nan])
    assert lfilter([1.0], [1.0], []) == []


@pytest.mark.parametrize("kind", ["lowpass", "highpass"])
@pytest.mark.parametrize("cutoff", [5.0, 150.0, 900.0])
def test_biquad_is_the_second_order_butterworth(kind, cutoff):
    sp = pytest.importorskip("scipy.signal")
    b, a = biquad_coefficients(kind, cutoff, 2000.0)
    want_b, want_a = sp.butter(2, cutoff, btype=kind, fs=2000.0)
    np.testing.assert_allclose(b, want_b, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(a, want_a, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("kind", ["lowpass", "highpass"])
def test_biquad_gain_at_dc_nyquist_and_cutoff(kind):
    # |H(e^{jw})| from the coefficients, no scipy: 1 in the pass band, 0 in the
    # stop band, 1/sqrt(2) at the cutoff for q = 1/sqrt(2).
    fs, fc = 2000.0, 100.0
    b, a = biquad_coefficients(kind, fc, fs)

    def gain(f):
        z = np.exp(-2j * np.pi * f / fs * np.arange(3))
        return abs(np.dot(b, z) / np.dot(a, z))

    assert gain(fc) == pytest.approx(1 / math.sqrt(2), rel=1e-9)
    low, high = (1.0, 0.0) if kind == "lowpass" else (0.0, 1.0)
    assert gain(0.0) == pytest.approx(low, abs=1e-12)
    assert gain(fs / 2) == pytest.approx(high, abs=1e-12)


def test_biquad_errors():
    with pytest.raises(PureposeError, match="kind='notch'"):
        biquad_coefficients("notch", 10.0)
    with pytest.raises(PureposeError, match=r"cutoff_hz=1000.0 must be in \(0, 1000.0\)"):
        biquad_coefficients("lowpass", 1000.0, 2000.0)
    with pytest.raises(PureposeError, match=r"q=0\.0"):
        biquad_coefficients("lowpass", 10.0, q=0.0)
    with pytest.raises(PureposeError, match=r"sample_rate=-1\.0"):
        biquad_coefficients("lowpass", 10.0, -1.0)


def test_highpass_first_order_is_the_rc_filter():
    rng = np.random.default_rng(30)
    x = rng.standard_normal(500) + 3.0
    fc, fs = 20.0, 2000.0
    rc, dt = 1 / (2 * np.pi * fc), 1 / fs
    alpha = rc / (rc + dt)
    want = np.empty_like(x)  # y[n] = alpha * (y[n-1] + x[n] - x[n-1]), zero state
    prev_y = prev_x = 0.0
    for i, v in enumerate(x):
        prev_y = alpha * (prev_y + v - prev_x)
        prev_x = v
        want[i] = prev_y
    np.testing.assert_allclose(
        highpass_first_order(x.tolist(), fc, fs), want, rtol=1e-9, atol=1e-12
    )
    y = highpass_first_order([3.0] * 20000, fc, fs)  # DC is removed
    assert abs(y[-1]) < 1e-12
    with pytest.raises(PureposeError, match=r"highpass_first_order: cutoff_hz=-1\.0"):
        highpass_first_order([1.0], -1.0)


def test_filter_channels_and_envelope_filter_each_column():
    rng = np.random.default_rng(40)
    x = rng.standard_normal((300, 3))
    b, a = biquad_coefficients("highpass", 20.0)
    got = np.array(filter_channels(x.tolist(), b, a))
    want = np.column_stack([reference_lfilter(b, a, x[:, c]) for c in range(3)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)

    env = np.array(envelope(x.tolist(), cutoff_hz=10.0))
    b, a = biquad_coefficients("lowpass", 10.0)
    want = np.column_stack([reference_lfilter(b, a, np.abs(x[:, c])) for c in range(3)])
    np.testing.assert_allclose(env, want, rtol=1e-12, atol=1e-12)
    with pytest.raises(PureposeError, match="envelope: ragged rows"):
        envelope([[1.0], [1.0, 2.0]])


# ---------------------------------------------------------------------------
# Lags and smoothing


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12), st.integers(1, 3), st.integers(0, 4), st.integers(1, 3))
def test_lag_stack_matches_edge_padded_shifts(n, n_features, n_lags, step):
    X = (np.arange(n * n_features, dtype=float).reshape(n, n_features) + 1).tolist()
    got = lag_stack(X, n_lags, step=step)
    A = np.array(X)
    want = np.hstack([A[np.maximum(np.arange(n) - k * step, 0)] for k in range(n_lags + 1)])
    assert got == want.tolist()


def test_lag_stack_edges_and_errors():
    X = [[1.0, 2.0], [3.0, 4.0]]
    assert lag_stack(X, 0) == X and lag_stack(X, 0) is not X
    assert lag_stack([], 3) == []
    with pytest.raises(PureposeError, match="n_lags=-1"):
        lag_stack(X, -1)
    with pytest.raises(PureposeError, match="step=0"):
        lag_stack(X, 1, step=0)
    with pytest.raises(PureposeError, match="lag_stack: ragged rows"):
        lag_stack([[1.0], [1.0, 2.0]], 1)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 3), st.floats(0.01, 1.0))
def test_ema_matches_the_recursion(n, n_features, alpha):
    rng = np.random.default_rng(n)
    X = rng.standard_normal((n, n_features))
    want = np.empty_like(X)
    want[0] = X[0]
    for t in range(1, n):
        want[t] = alpha * X[t] + (1 - alpha) * want[t - 1]
    np.testing.assert_allclose(ema(X.tolist(), alpha), want, rtol=1e-12, atol=1e-14)


def test_ema_edges_and_errors():
    X = [[1.0, 2.0], [3.0, 5.0]]
    assert ema(X, 1.0) == X
    assert ema([], 0.5) == []
    for bad in (0.0, -0.1, 1.5, math.nan):
        with pytest.raises(PureposeError, match="ema: alpha="):
            ema(X, bad)
    with pytest.raises(PureposeError, match="ema: non-finite value inf"):
        ema([[1.0], [math.inf]], 0.5)
