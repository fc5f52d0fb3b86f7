"""Fast == textbook for the spectral, Hjorth and spatial features (signals.spectral vs textbook).

The two layers compute the same formulas in different orders: the fast
path packs two real samples per complex number and transforms a batch of
windows with an iterative FFT; the textbook runs the recursive FFT on each
window. So they agree to rounding, measured against the scale of each
quantity: bin and band powers to 1e-12 of the window's total power (a band
holding a tiny share of it has a larger relative error in both layers), the
mean frequency to 1e-12 of Nyquist, the median frequency by its definition
(the fast MDF splits the textbook spectrum in half, to 1e-12 of the total),
Hjorth variances to 1e-12 relative plus the rounding of the window's mean.
"""

from __future__ import annotations

import math
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.signals import spectral
from purepose.signals.features import extract_features, feature_names
from purepose.textbook import spectral as tb

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
U = 2.0**-53

sample = st.one_of(
    st.floats(-5.0, 5.0, allow_nan=False, width=64),
    st.sampled_from([0.0, 1.0, -1.0, 2.5, 1e-300, 1e6]),  # exact ties, constants, a loud spike
)
rates = st.sampled_from([100.0, 200.0, 1000.0, 2000.0])


def _windows(emg, window, hop):
    return [
        [[emg[i][c] for i in range(s, s + window)] for c in range(len(emg[0]))]
        for s in range(0, len(emg) - window + 1, hop)
    ]


@SETTINGS
@given(st.lists(sample, min_size=1, max_size=130), rates)
def test_bin_powers_and_periodogram_agree(x, fs):
    nfft, q, means = spectral.bin_powers(x, len(x), 1, 1)
    q_tb, mean_tb = tb.bin_powers(x)
    assert len(q) == len(q_tb) == nfft // 2 + 1
    total = math.fsum(q_tb)
    for got, want in zip(q, q_tb):
        assert abs(got[0] - want) <= 1e-12 * total + 1e-300
    assert abs(means[0] - mean_tb) <= 4 * len(x) * U * max(map(abs, x))
    f, psd = spectral.periodogram(x, fs)
    f_tb, psd_tb = tb.periodogram(x, fs)
    assert f == f_tb
    df = fs / nfft
    assert all(abs(a - b) <= 1e-12 * total / df + 1e-300 for a, b in zip(psd, psd_tb))


def _cumulative_at(q, f, df):
    """The textbook cumulative power, linear between bins, at frequency f."""
    k = min(int(f / df), len(q) - 2)
    below = math.fsum(q[:k])
    return below + q[k] + (f / df - k) * q[k + 1] if f >= 0 else 0.0


@SETTINGS
@given(
    st.integers(1, 2).flatmap(
        lambda c: st.lists(st.lists(sample, min_size=c, max_size=c), min_size=8, max_size=120)
    ),
    st.integers(4, 64),
    st.integers(1, 20),
    rates,
)
def test_window_features_agree(emg, window, hop, fs):
    window = min(window, len(emg))
    nyquist = fs / 2
    bands = [(0.0, nyquist / 3), (nyquist / 3, nyquist)]  # every bin is in one band
    feats = ("logband", "mnf", "mdf", "activity", "mobility", "complexity", "spatial")
    fast = extract_features(
        emg, window=window, hop=hop, features=feats, sample_rate=fs, bands=bands
    )
    book = tb.extract_features(
        emg, window=window, hop=hop, features=feats, sample_rate=fs, bands=bands
    )
    n_channels = len(emg[0])
    names = feature_names(feats, n_channels, bands=bands)
    assert len(fast) == len(book)
    nfft = spectral.nfft_for(window)
    df = fs / nfft
    for row_f, row_t, chans in zip(fast, book, _windows(emg, window, hop)):
        for name, f, t in zip(names, row_f, row_t):
            stem, ch = name.rsplit("_ch", 1)
            x = chans[int(ch)]
            q, _ = tb.bin_powers(x)
            total = math.fsum(q)
            scale = max(map(abs, x))
            if stem.startswith("logband"):  # |d log(B + eps)| <= dB / (B + eps)
                assert abs(f - t) <= (1e-12 * total + 1e-300) / (math.exp(t))
            elif stem == "mnf":
                assert abs(f - t) <= 1e-12 * nyquist * (1 + total / max(total, 1e-300))
            elif stem == "mdf":
                if t == 0.0 and f == 0.0:
                    continue
                # the fast MDF splits the textbook's cumulative power in half
                assert abs(_cumulative_at(q, f, df) - total / 2) <= 1e-10 * total
            elif stem == "activity":
                assert abs(f - t) <= 1e-12 * t + 64 * (window * U * scale) ** 2
            elif stem == "spatial":
                assert abs(f - t) <= 1e-12 * (1 + abs(t))
            else:  # mobility, complexity: ratios of variances, where those are above rounding
                orders = 2 if stem == "mobility" else 3
                if all(_resolved(v, window) for v in _differences(x, orders)):
                    assert abs(f - t) <= 1e-9 * abs(t), (name, f, t)


def _differences(x, orders):
    """x, dx, ddx ... (``orders`` sequences)."""
    out = [list(x)]
    for _ in range(orders - 1):
        out.append([b - a for a, b in pairwise(out[-1])])
    return out


def _resolved(v, window):
    """True if var(v) is far above the rounding of v's mean (window u max|v|)^2."""
    if len(v) < 2:
        return False
    mean = math.fsum(v) / len(v)
    var = math.fsum((a - mean) ** 2 for a in v) / len(v)
    return var > 1e6 * (window * U * max(map(abs, v))) ** 2


def test_textbook_defaults_match_the_fast_path():
    assert tb.DEFAULT_BANDS == spectral.DEFAULT_BANDS


def test_constant_window_is_silent_in_both_layers():
    x = [0.1] * 200
    for name in ("mnf", "mdf"):
        assert tb.window_features(name, x, 2000.0, list(spectral.DEFAULT_BANDS), 1e-12) == [0.0]
    rows = extract_features([[v] for v in x], features=("mnf", "mdf"))
    assert rows == [[0.0, 0.0]]
