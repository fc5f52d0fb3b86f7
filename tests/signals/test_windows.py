"""Windows in milliseconds for any sample rate, repetition masks, chunked == whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from purepose.data.recording import ArrayRecording
from purepose.data.sources import Source
from purepose.data.synth import make_dataset, make_session
from purepose.errors import PureposeError
from purepose.pose.model import PoseRegressor
from purepose.signals.windows import MAX_FEATURES, FeatureConfig, featurize, iter_windows


@pytest.mark.parametrize("rate", [100.0, 200.0, 1000.0, 2000.0, 4000.0])
def test_window_and_hop_in_ms_follow_the_rate(rate):
    window, hop = FeatureConfig(window_ms=100, hop_ms=20).in_samples(rate)
    assert window == round(0.1 * rate) and hop == round(0.02 * rate)
    assert FeatureConfig(window=7, hop=3).in_samples(rate) == (7, 3)  # samples override ms


def test_bad_configs_are_refused_with_their_limits():
    for kw, message in [
        (dict(window_ms=0), "window_ms=0"),
        (dict(window_ms=None), "give window_ms or window"),
        (dict(hop=0), "hop=0"),
        (dict(n_lags=65), r"n_lags=65 must be an integer in \[0, 64\]"),
        (dict(features=("rms", "rms")), "without repeats"),
        (dict(threshold=-1.0), "threshold=-1.0"),
    ]:
        with pytest.raises(PureposeError, match=message):
            FeatureConfig(**kw).validate()
    with pytest.raises(PureposeError, match="0 samples at 100 Hz"):
        FeatureConfig(hop_ms=4).in_samples(100.0, "f")
    with pytest.raises(PureposeError, match="longer than 60 s"):
        FeatureConfig(window=200_000).in_samples(2000.0, "f")


def test_too_many_features_is_refused_before_any_work(tmp_path):
    config = FeatureConfig(n_lags=64, features=("rms", "mav", "wl", "zc", "ssc", "logpow"))
    path = make_session(tmp_path / "s.hdf5", seconds=0.3)
    with pytest.raises(PureposeError, match=f"more than {MAX_FEATURES}"):
        featurize(path, config)


def test_iter_windows_covers_every_window_exactly():
    n, window, hop = 103, 10, 3
    rec = ArrayRecording(
        "r", emg=[[float(i)] for i in range(n)], targets=[[0.0]] * n, sample_rate=1.0
    )
    for chunk_rows in (1, 7, 10, 11, 50, 1000):
        starts = []
        for chunk in iter_windows(rec, window, hop, chunk_rows=chunk_rows):
            assert len(chunk.emg) == (chunk.n_windows - 1) * hop + window
            for k in range(chunk.n_windows):
                first = chunk.emg[k * hop][0]
                assert first == (chunk.first + k) * hop
                starts.append(int(first))
        assert starts == list(range(0, n - window + 1, hop))


def test_one_khz_session_predictions_are_spaced_by_the_hop_in_ms(tmp_path):
    root = tmp_path / "khz"
    make_dataset(root, n_sessions=3, seconds=3.0, seed=4, sample_rate=1000.0, quiet=True)
    train, val, test = (sorted(root.glob(f"*recording-{k}_right.hdf5")) for k in (1, 2, 3))
    model = PoseRegressor(hop_ms=25.0, n_lags=1).fit(train, val_sessions=val)
    pred = model.predict(test[0])
    steps = {round(b - a, 6) for a, b in zip(pred.time, pred.time[1:])}
    assert steps == {0.025}  # 25 samples at 1 kHz, not 50 as at 2 kHz
    assert model.sample_rates_ == [1000.0]
    feats = model.featurize(test[0])
    assert feats.label_rows[:2] == [99, 124]  # 100 ms windows = 100 samples at 1 kHz


def test_same_ms_config_gives_the_same_time_grid_at_two_rates(tmp_path):
    a = make_session(tmp_path / "a.hdf5", seconds=2.0, sample_rate=1000.0)
    b = make_session(tmp_path / "b.hdf5", seconds=2.0, sample_rate=2000.0)
    config = FeatureConfig(window_ms=100, hop_ms=50)
    fa, fb = featurize(a, config), featurize(b, config)
    ta = [round(t - fa.time[0], 6) for t in fa.time]
    tb = [round(t - fb.time[0], 6) for t in fb.time]
    assert ta == tb and len(fa.X[0]) == len(fb.X[0]) == 16 * 4


def _labelled(n=400, reps=4):
    rep = []
    for r in range(1, reps + 1):
        rep += [r] * (n // (2 * reps)) + [0] * (n // (2 * reps))
    return ArrayRecording(
        Path("labelled.mat"),
        emg=[[float(i % 17), float(i % 5)] for i in range(n)],
        targets=[[float(i)] for i in range(n)],
        sample_rate=100.0,
        labels={"repetition": rep, "stimulus": [1 if r else 0 for r in rep]},
    )


def test_reps_select_windows_by_their_label_sample():
    rec = _labelled()
    config = FeatureConfig(window=10, hop=5)
    feats = featurize(Source(rec.path, reps=frozenset({2, 4})), config, recording=rec)
    for row, sel, mov in zip(feats.label_rows, feats.selected, feats.movement):
        group = 1 + row // 100  # each repetition + its rest spans 100 samples here
        assert sel == (group in (2, 4))
        assert mov == (row % 100 < 50)
    whole = featurize(rec, config)
    assert all(whole.selected) and whole.X == feats.X
    assert feats.mask(movement_only=True) == [
        s and m for s, m in zip(feats.selected, feats.movement)
    ]
    with pytest.raises(PureposeError, match="no repetition 9"):
        featurize(Source(rec.path, reps=frozenset({9})), config, recording=rec)
    with pytest.raises(PureposeError, match="has repetitions 1-4"):
        featurize(Source(rec.path, split="train"), config, recording=rec)


def test_a_rate_that_disagrees_with_the_timestamps_stops_featurizing(fixture_path):
    # The reference test file: 100 rows one second apart, sample_rate 2000.
    with pytest.raises(
        PureposeError, match=r"sample_rate=2000 Hz disagrees with the timestamps \(1 Hz"
    ):
        featurize(fixture_path, FeatureConfig(window=10, hop=5))


def test_session_and_causal_standardization_match_numpy():
    np = pytest.importorskip("numpy")
    from purepose.signals.windows import standardize_causal, standardize_session

    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 4)) * [1.0, 10.0, 1e-3, 0.0] + [0.0, 5.0, 1e6, 3.0]
    got = np.array(standardize_session(X.tolist()))
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    assert np.allclose(got, (X - X.mean(axis=0)) / scale, rtol=1e-9, atol=1e-9)
    causal = np.array(standardize_causal(X.tolist(), warmup=5))
    for k in range(50):
        n = max(k + 1, 5)
        mu, sd = X[:n].mean(axis=0), X[:n].std(axis=0)
        sd[sd == 0] = 1.0
        # x - mean keeps only the digits below |x|: a few ulps of |x|, relative to the std
        tol = 1e-12 + 8 * np.spacing(np.abs(X[:n]).max(axis=0)) / sd
        assert np.all(np.abs(causal[k] - (X[k] - mu) / sd) <= tol)


def test_normalize_session_changes_features_not_their_layout(synth_session):
    plain = featurize(synth_session, FeatureConfig(n_lags=1))
    session = featurize(synth_session, FeatureConfig(n_lags=1, normalize="session"))
    assert len(plain.X) == len(session.X) and len(plain.X[0]) == len(session.X[0])
    col = [row[0] for row in session.X]
    assert abs(sum(col) / len(col)) < 1e-9
    with pytest.raises(PureposeError, match="normalize='per-user' must be one of"):
        FeatureConfig(normalize="per-user").validate()
    model = PoseRegressor(normalize="causal", n_lags=0).fit([synth_session])
    assert PoseRegressor.from_dict(model.to_dict()).normalize == "causal"
