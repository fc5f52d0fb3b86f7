"""Spectral, Hjorth and spatial features against numpy/scipy, and their edge cases.

References, on the same windows: ``scipy.signal.periodogram(x, fs,
window="hann", nfft=nfft, detrend="constant")`` for the spectrum (band powers
are its bins summed times the bin width; MNF its first moment; MDF
``numpy.interp`` of half the total on its cumulative sum), numpy's ``var`` and
``diff`` for Hjorth, and numpy's ``log``/``mean`` for the spatial pattern.
"""

from __future__ import annotations

import math

import pytest

from purepose.errors import PureposeError
from purepose.signals import spectral
from purepose.signals.features import (
    DEFAULT_BANDS,
    FEATURES,
    TIME_FEATURES,
    extract_features,
    feature_names,
    feature_widths,
)

NEW = ("spatial", "logband", "mnf", "mdf", "activity", "mobility", "complexity")


def _reference(x, fs, window, hop, bands, eps=1e-12):
    """numpy/scipy features per window: {stem: array (n_windows, n_channels)}."""
    np = pytest.importorskip("numpy")
    ss = pytest.importorskip("scipy.signal")
    nfft = spectral.nfft_for(window)
    fk = np.arange(nfft // 2 + 1) * fs / nfft
    out = {}
    for s in range(0, len(x) - window + 1, hop):
        seg = x[s : s + window]
        f, psd = ss.periodogram(seg, fs, window="hann", nfft=nfft, detrend="constant", axis=0)
        np.testing.assert_allclose(f, fk, rtol=1e-15)
        q = psd * (fs / nfft)
        row = {}
        for lo, hi in bands:
            inside = (fk >= lo) & (fk < hi)
            row[spectral.band_name((lo, hi))] = np.log(q[inside].sum(0) + eps)
        row["mnf"] = (fk[:, None] * q).sum(0) / q.sum(0)
        cum = np.cumsum(q, 0)
        row["mdf"] = np.array(
            [np.interp(cum[-1, c] / 2, cum[:, c], fk) for c in range(x.shape[1])]
        )
        d, dd = np.diff(seg, axis=0), np.diff(seg, 2, axis=0)
        row["activity"] = seg.var(0)
        row["mobility"] = np.sqrt(d.var(0) / seg.var(0))
        row["complexity"] = np.sqrt(dd.var(0) / d.var(0)) / row["mobility"]
        logpow = np.log((seg**2).mean(0) + eps)
        row["spatial"] = logpow - logpow.mean()
        for k, v in row.items():
            out.setdefault(k, []).append(v)
    return {k: np.array(v) for k, v in out.items()}


def _by_stem(got, names):
    np = pytest.importorskip("numpy")
    got = np.asarray(got)
    stems = {}
    for j, name in enumerate(names):
        stems.setdefault(name.rsplit("_ch", 1)[0], []).append(j)
    return {stem: got[:, cols] for stem, cols in stems.items()}


@pytest.mark.parametrize(
    ("fs", "window", "hop", "bands"),
    [
        (2000.0, 200, 40, DEFAULT_BANDS),  # emg2pose: 100 ms every 20 ms
        (1000.0, 100, 17, ((10.0, 100.0), (100.0, 500.0))),  # 500 Hz = Nyquist, excluded
        (100.0, 10, 2, ((0.0, 20.0), (20.0, 50.0))),  # NinaPro DB1: a 16-point spectrum
        (2000.0, 256, 256, ((30.0, 90.0),)),  # a power-of-two window, no padding
        (2000.0, 37, 1, ((100.0, 700.0),)),  # hop 1: many pieces per window (direct moments)
    ],
)
def test_new_features_match_numpy_and_scipy(fs, window, hop, bands):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    n = 6 * window + 3
    x = rng.standard_normal((n, 3)) * np.array([1.0, 40.0, 1e-3]) + np.array([0.0, -3.0, 5e-3])
    got = extract_features(x.tolist(), window=window, hop=hop, features=NEW, sample_rate=fs,
                           bands=bands)  # fmt: skip
    names = feature_names(NEW, 3, bands=bands)
    assert np.asarray(got).shape == (len(range(0, n - window + 1, hop)), len(names))
    got = _by_stem(got, names)
    want = _reference(x, fs, window, hop, bands)
    assert set(got) == set(want)
    for stem, values in want.items():
        if stem.startswith("logband") or stem == "spatial":  # logs: absolute error
            np.testing.assert_allclose(got[stem], values, rtol=0, atol=1e-12, err_msg=stem)
        else:
            np.testing.assert_allclose(got[stem], values, rtol=1e-12, atol=0, err_msg=stem)


def test_periodogram_matches_scipy_for_every_length():
    np = pytest.importorskip("numpy")
    ss = pytest.importorskip("scipy.signal")
    rng = np.random.default_rng(3)
    for n in (1, 2, 3, 4, 5, 7, 10, 16, 31, 64, 100, 200, 513):
        x = rng.standard_normal(n) * 3.0 + 1.0
        f, psd = spectral.periodogram(x.tolist(), 500.0)
        f_ref, psd_ref = ss.periodogram(x, 500.0, window="hann", nfft=spectral.nfft_for(n))
        np.testing.assert_allclose(f, f_ref, rtol=1e-15, atol=0)
        np.testing.assert_allclose(psd, psd_ref, rtol=0, atol=1e-14 * max(psd_ref.max(), 1e-300))


def test_bin_powers_keep_parseval():
    """sum_k q[k] equals the tapered mean square sum y^2 / sum w^2 (no numpy needed)."""
    x = [math.sin(0.3 * i) + 0.01 * i * (-1) ** i for i in range(200)]
    nfft, q, means = spectral.bin_powers(x, 200, 1, 1)
    mean = math.fsum(x) / 200
    w = spectral.hann(200)
    tapered = math.fsum(((v - mean) * wi) ** 2 for v, wi in zip(x, w)) / math.fsum(
        wi * wi for wi in w
    )
    assert nfft == 256
    assert math.fsum(row[0] for row in q) == pytest.approx(tapered, rel=1e-13)
    assert means[0] == pytest.approx(mean, rel=1e-14)


def test_a_tone_lands_in_its_band_and_sets_both_frequencies():
    fs, f0 = 2000.0, 187.5  # exactly bin 24 of a 256-point spectrum
    x = [[math.sin(2 * math.pi * f0 * i / fs)] for i in range(256)]
    (row,) = extract_features(x, window=256, hop=256, features=("logband", "mnf", "mdf"))
    logband, mnf, mdf = row[:4], row[4], row[5]
    assert max(range(4), key=logband.__getitem__) == 2  # the 120-250 Hz band
    assert mnf == pytest.approx(f0, rel=1e-12)  # the Hann leakage is symmetric about the tone
    assert abs(mdf - f0) < fs / 256


def test_constant_and_silent_windows_give_finite_zeros():
    for value in (0.0, 3.7, -1e6, 0.1):
        x = [[value, value]] * 300
        rows = extract_features(x, window=200, hop=50, features=NEW, sample_rate=2000.0)
        names = feature_names(NEW, 2)
        for row in rows:
            got = dict(zip(names, row))
            assert all(math.isfinite(v) for v in row)
            for ch in ("ch00", "ch01"):
                assert got[f"mnf_{ch}"] == got[f"mdf_{ch}"] == 0.0
                assert got[f"mobility_{ch}"] == got[f"complexity_{ch}"] == 0.0
                assert got[f"activity_{ch}"] <= (4 * 2.0**-53 * value) ** 2
                assert got[f"spatial_{ch}"] == 0.0
                for band in DEFAULT_BANDS:
                    assert got[f"{spectral.band_name(band)}_{ch}"] == pytest.approx(
                        math.log(1e-12), abs=1e-9
                    )


def test_a_straight_line_has_mobility_but_no_complexity():
    x = [[2.0 * i] for i in range(30)]
    (row,) = extract_features(x, window=30, hop=30, features=HJORTH)
    activity, mobility, complexity = row
    assert activity == pytest.approx(4.0 * (30**2 - 1) / 12.0, rel=1e-14)  # var of 0, 2, ..., 58
    assert mobility == 0.0  # dx = 2 everywhere: var(dx) = 0
    assert complexity == 0.0


HJORTH = ("activity", "mobility", "complexity")


def test_a_band_above_nyquist_is_a_clear_error():
    x = [[0.0]] * 40
    with pytest.raises(
        PureposeError,
        match=r"band 20-60 Hz reaches above the Nyquist frequency 50 Hz of a 100 Hz rec",
    ):
        extract_features(x, window=10, hop=2, features=("logband",), sample_rate=100.0)
    # the same data and bands are fine for the other spectral features
    extract_features(x, window=10, hop=2, features=("mnf", "mdf"), sample_rate=100.0)


def test_a_window_too_short_for_a_band_is_a_clear_error():
    x = [[0.0]] * 40
    message = (
        r"extract_features: band 20-25 Hz holds no bin of the 16-point spectrum of a 10-sample "
        r"window at 100 Hz \(bins every 6.25 Hz\); widen the band or lengthen the window"
    )
    with pytest.raises(PureposeError, match=message):
        extract_features(
            x, window=10, hop=2, features=("logband",), sample_rate=100.0, bands=[(20.0, 25.0)]
        )
    # a longer window resolves it: 32 points at 100 Hz, bins every 3.125 Hz
    extract_features(
        x, window=32, hop=2, features=("logband",), sample_rate=100.0, bands=[(20.0, 25.0)]
    )


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ([], "no bands given"),
        ([(60.0, 20.0)], "band 60-20 Hz needs 0 <= lo < hi"),
        ([(-5.0, 20.0)], "needs 0 <= lo < hi"),
        ([(5.0, math.inf)], "needs 0 <= lo < hi"),
        ([(5.0,)], "must be a \\(lo, hi\\) pair"),
    ],
)
def test_bad_bands_are_named(bands, message):
    with pytest.raises(PureposeError, match=message):
        extract_features([[0.0]] * 400, features=("logband",), bands=bands)


@pytest.mark.parametrize("rate", [0.0, -1.0, math.nan, math.inf, True])
def test_bad_sample_rate_is_named(rate):
    with pytest.raises(PureposeError, match=r"extract_features: sample_rate=.* must be finite"):
        extract_features([[0.0]] * 400, features=("mnf",), sample_rate=rate)


def test_layout_names_and_widths():
    bands = ((20.0, 60.0), (60.0, 120.5))
    names = feature_names(("rms", "logband", "spatial"), 2, bands=bands)
    assert names == [
        "rms_ch00",
        "rms_ch01",
        "logband20-60_ch00",
        "logband20-60_ch01",
        "logband60-120.5_ch00",
        "logband60-120.5_ch01",
        "spatial_ch00",
        "spatial_ch01",
    ]
    assert feature_widths(("rms", "logband", "spatial"), bands=bands) == 4
    assert len(feature_names(FEATURES, 16)) == 16 * feature_widths(FEATURES) == 16 * 16
    assert FEATURES[: len(TIME_FEATURES)] == TIME_FEATURES


def test_each_feature_alone_is_its_block_of_all_of_them():
    """Asking for several features never changes any one of them (columns by name)."""
    rows = [
        [math.sin(0.1 * i * (c + 1)) + 0.3 * math.cos(2.7 * i) for c in range(3)]
        for i in range(900)
    ]
    everything = extract_features(rows, window=200, hop=40, features=FEATURES)
    names = feature_names(FEATURES, 3)
    for name in FEATURES:
        alone = extract_features(rows, window=200, hop=40, features=(name,))
        cols = [j for j, n in enumerate(names) if n.rsplit("_ch", 1)[0].startswith(name)
                and (name != "logpow" or n.startswith("logpow"))]  # fmt: skip
        assert [[r[j] for j in cols] for r in everything] == alone, name


def test_spatial_pattern_ignores_a_common_gain_and_follows_a_rotation():
    rows = [[math.sin(0.37 * i) * (1 + c) for c in range(4)] for i in range(400)]
    base = extract_features(rows, features=("spatial",))
    louder = extract_features([[8.0 * v for v in r] for r in rows], features=("spatial",))
    rotated = extract_features([r[1:] + r[:1] for r in rows], features=("spatial",))
    for a, b, c in zip(base, louder, rotated):
        # log(64 p + eps) - mean log(64 p + eps): the gain cancels (up to eps / p ~ 1e-11)
        assert a == pytest.approx(b, abs=1e-10)
        assert c == pytest.approx(a[1:] + a[:1], abs=1e-12)  # the pattern turns with the ring


def test_new_features_of_a_chunked_recording_equal_the_whole_file():
    """Features are local to each window, so windows.iter_windows' chunks change nothing.

    The spectral features are bit for bit the same; Hjorth and SPATIAL sum
    over window pieces, whose cuts depend on the neighbouring windows in the
    chunk, so they agree to rounding.
    """
    from purepose.data.recording import ArrayRecording
    from purepose.signals.windows import FeatureConfig, featurize

    rows = [[math.sin(0.05 * i * (c + 2)) + 0.01 * ((i * 7919) % 13) for c in range(2)]
            for i in range(5000)]  # fmt: skip
    rec = ArrayRecording("r", emg=rows, targets=[[0.0]] * 5000, sample_rate=2000.0)
    config = FeatureConfig(features=("logband", "mdf", "complexity", "spatial"))
    whole = featurize(rec, config, chunk_rows=1 << 20).X
    chunked = featurize(rec, config, chunk_rows=777).X
    assert len(chunked) == len(whole)
    for a, b in zip(chunked, whole):
        assert a[:10] == b[:10]  # 4 bands and MDF, 2 channels each
        assert a[10:] == pytest.approx(b[10:], rel=1e-13, abs=1e-15)


def test_feature_config_carries_the_bands_and_checks_them():
    from purepose.signals.windows import FeatureConfig

    config = FeatureConfig(features=("logpow", "logband"), bands=((10.0, 50.0), (50.0, 90.0)))
    config.validate()
    assert config.n_features(16) == 16 * 3
    assert config.feature_names(1) == ["logpow_ch00", "logband10-50_ch00", "logband50-90_ch00"]
    with pytest.raises(PureposeError, match="PoseRegressor: bands: band 50-10 Hz needs"):
        FeatureConfig(bands=((50.0, 10.0),)).validate()
