"""PoseRegressor end to end: it learns, matches numpy + scikit-learn, saves, rejects bad input."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from purepose.data.emg2pose import Dataset
from purepose.data.synth import make_dataset, make_session
from purepose.errors import NotFittedError, PureposeError
from purepose.pose.evaluation import evaluate
from purepose.pose.model import PoseRegressor
from purepose.signals.windows import FeatureConfig, featurize

np = pytest.importorskip("numpy")
h5py = pytest.importorskip("h5py")

DEG = 180.0 / math.pi


@pytest.fixture(scope="module")
def splits(synth_dataset: Path) -> dict[str, list[Path]]:
    ds = Dataset(synth_dataset)
    return {s: ds.select(split=s) for s in ("train", "val", "test")}


@pytest.fixture(scope="module")
def longer_splits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """6 sessions x 10 s: enough data for the model to show what it learns."""
    root = tmp_path_factory.mktemp("longer")
    make_dataset(root, n_sessions=6, seconds=10.0, seed=3, quiet=True)
    ds = Dataset(root)
    return {s: ds.select(split=s) for s in ("train", "val", "test")}


# ---------------------------------------------------------------------------
# The numpy + scikit-learn oracle: the same pipeline, written independently.


def _np_read(path: Path) -> tuple:
    with h5py.File(path, "r") as f:
        ts = f["emg2pose"]["timeseries"][:]
    return ts["time"], ts["joint_angles"], ts["emg"].astype(np.float64)


def _np_features(emg, window: int, hop: int, features, n_lags: int, lag_step: int):
    starts = np.arange(0, emg.shape[0] - window + 1, hop)
    blocks = np.stack([emg[s : s + window] for s in starts])  # (n_windows, window, channels)
    power = (blocks**2).mean(axis=1)
    table = {
        "rms": np.sqrt(power),
        "mav": np.abs(blocks).mean(axis=1),
        "wl": np.abs(np.diff(blocks, axis=1)).sum(axis=1),
        "logpow": np.log(power + 1e-12),
    }
    F = np.hstack([table[name] for name in features])
    lagged = [F]
    for k in range(1, n_lags + 1):
        idx = np.maximum(np.arange(len(F)) - k * lag_step, 0)
        lagged.append(F[idx])
    return starts, np.hstack(lagged)


def _np_session(path: Path, window: int, hop: int, features, n_lags: int, lag_step: int):
    time, angles, emg = _np_read(path)
    starts, X = _np_features(emg, window, hop, features, n_lags, lag_step)
    Y = angles[starts + window - 1]
    valid = ~np.all(np.abs(Y) <= 1e-8, axis=1)
    return time[starts + window - 1], X, Y, valid


def _sklearn_pipeline(train, test, *, alpha, n_components, **cfg):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    parts = [_np_session(p, **cfg) for p in train]
    X = np.vstack([x[v] for _, x, _, v in parts])
    Y = np.vstack([y[v] for _, _, y, v in parts])
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    pca = None
    if n_components is not None:
        pca = PCA(n_components=n_components, svd_solver="full").fit(Z)
        Z = pca.transform(Z)
    ridge = Ridge(alpha=alpha, solver="cholesky").fit(Z, Y)
    t, Xt, _, _ = _np_session(test, **cfg)
    Zt = scaler.transform(Xt)
    if pca is not None:
        Zt = pca.transform(Zt)
    return t, ridge.predict(Zt), Y.mean(axis=0)


@pytest.mark.parametrize(
    "params",
    [
        dict(n_lags=0, lag_step=1, n_components=None, alpha=1.0, features=("rms", "mav")),
        dict(
            n_lags=2, lag_step=2, n_components=None, alpha=10.0, features=("rms", "wl", "logpow")
        ),
        dict(n_lags=1, lag_step=3, n_components=12, alpha=0.5, features=("logpow", "mav")),
    ],
)
def test_predictions_match_numpy_sklearn_pipeline(sklearn, splits, params) -> None:
    cfg = dict(window=200, hop=40, features=params["features"])
    cfg.update(n_lags=params["n_lags"], lag_step=params["lag_step"])
    model = PoseRegressor(
        **cfg, n_components=params["n_components"], alpha=params["alpha"], tol=1e-14
    ).fit(splits["train"])
    test = splits["test"][0]
    t_ref, pred_ref, mean_ref = _sklearn_pipeline(
        splits["train"],
        test,
        alpha=params["alpha"],
        n_components=params["n_components"],
        **cfg,
    )
    pred = model.predict(test)
    assert pred.time == t_ref.tolist()
    diff_deg = np.abs(np.array(pred.angles) - pred_ref).max() * DEG
    assert diff_deg < 1e-6
    assert np.allclose(model.mean_pose_, mean_ref, rtol=1e-12, atol=1e-14)


def test_model_beats_mean_pose_baseline_by_a_clear_margin(longer_splits) -> None:
    model = PoseRegressor().fit(longer_splits["train"], val_sessions=longer_splits["val"])
    result = evaluate(model, longer_splits["test"])
    mae = {name: r.mae_deg for name, r in result.reports.items()}
    assert mae["model"] < 0.6 * mae["mean pose"] < mae["zero pose"]
    assert set(model.val_scores_) >= {repr(a) for a in (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 1e4)}
    assert model.val_scores_[repr(model.alpha_)] == min(model.val_scores_.values())
    assert model.val_metric_ == "mae_deg"


def test_alpha_chosen_on_validation_matches_refits(splits) -> None:
    grid = [0.1, 1000.0]
    chosen = PoseRegressor(alphas=grid).fit(splits["train"], val_sessions=splits["val"])
    for alpha in grid:
        refit = PoseRegressor(alpha=alpha).fit(splits["train"])
        score = evaluate(refit, splits["val"]).reports["model"].mae_deg
        assert math.isclose(score, chosen.val_scores_[repr(alpha)], rel_tol=1e-9)


@pytest.mark.filterwarnings("ignore:PoseRegressor. the best ridge alpha")
def test_parallel_fit_is_identical_to_serial(splits) -> None:
    params = dict(n_components=8, alphas=[1.0, 100.0], features=("logpow",))
    serial = PoseRegressor(**params).fit(splits["train"], val_sessions=splits["val"])
    parallel = PoseRegressor(**params).fit(splits["train"], val_sessions=splits["val"], n_jobs=2)
    assert parallel.to_dict() == serial.to_dict()


def test_chunked_featurization_equals_whole_session(synth_session: Path) -> None:
    config = FeatureConfig(window=200, hop=40, n_lags=2, lag_step=2)
    small = featurize(synth_session, config, chunk_rows=333)
    whole = featurize(synth_session, config, chunk_rows=10**7)
    assert small.time == whole.time
    assert small.Y == whole.Y
    assert small.valid == whole.valid
    a, b = np.array(small.X), np.array(whole.X)
    assert a.shape == b.shape
    assert np.allclose(a, b, rtol=1e-12, atol=1e-12)


def test_save_load_round_trip_predicts_identically(splits, tmp_path: Path) -> None:
    model = PoseRegressor(n_components=10, smoothing=0.5).fit(splits["train"])
    path = model.save(tmp_path / "model.json")
    loaded = PoseRegressor.load(path)
    test = splits["test"][0]
    assert loaded.predict(test) == model.predict(test)
    data = json.loads(path.read_text())
    assert data["format"] == "purepose.PoseRegressor" and data["version"] == 2
    assert len(data["coef"]) == 20 and len(data["coef"][0]) == 10
    assert "pickle" not in path.read_text()


def test_smoothing_is_a_causal_ema_of_raw_predictions(splits) -> None:
    raw = PoseRegressor(alpha=1.0, n_lags=0).fit(splits["train"])
    smooth = PoseRegressor(alpha=1.0, n_lags=0, smoothing=0.25).fit(splits["train"])
    test = splits["test"][0]
    r = np.array(raw.predict(test).angles)
    s = np.array(smooth.predict(test).angles)
    expected = [r[0]]
    for row in r[1:]:
        expected.append(0.25 * row + 0.75 * expected[-1])
    assert np.allclose(s, np.array(expected), rtol=1e-12, atol=1e-13)


def test_fit_does_not_mutate_its_inputs(splits) -> None:
    train = list(splits["train"])
    before = copy.deepcopy(train)
    PoseRegressor(features=("rms",), n_lags=0).fit(train)
    assert train == before


# ---------------------------------------------------------------------------
# Bad input


def test_predict_before_fit_raises_not_fitted(synth_session: Path) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        PoseRegressor().predict(synth_session)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(window=0), "window=0"),
        (dict(hop=-1), "hop=-1"),
        (dict(features=("rms", "fft")), "features="),
        (dict(alpha=-1.0), "alpha=-1.0"),
        (dict(smoothing=1.5), "smoothing=1.5"),
        (dict(n_components=0), "n_components=0"),
        (dict(label="middle"), "label="),
    ],
)
def test_bad_hyper_parameters(synth_session: Path, kwargs, message) -> None:
    with pytest.raises(PureposeError, match=message):
        PoseRegressor(**kwargs).fit([synth_session])


def test_n_components_larger_than_features(synth_session: Path) -> None:
    with pytest.raises(PureposeError, match="n_components=999 exceeds n_features"):
        PoseRegressor(n_components=999).fit([synth_session])


def test_too_short_session(tmp_path: Path) -> None:
    short = make_session(tmp_path / "short.hdf5", seconds=0.05, seed=1)  # 100 rows
    with pytest.raises(PureposeError, match="fewer than one window"):
        PoseRegressor().fit([short])


def _write_session(path: Path, emg, angles) -> Path:
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (emg.shape[1],))]
    data = np.zeros(len(emg), dtype=dtype)
    data["time"] = 1.7e9 + np.arange(len(emg)) / 2000.0
    data["joint_angles"] = angles
    data["emg"] = emg
    with h5py.File(path, "w") as f:
        g = f.create_group("emg2pose")
        g.create_dataset("timeseries", data=data)
        g.attrs.update(dict(session="s", user="u", side="right", stage="x", filename=path.stem))
        g.attrs.update(dict(sample_rate=2000.0, num_channels=emg.shape[1], start=0.0, end=1.0))
    return path


@pytest.fixture(scope="module")
def small_model(splits) -> PoseRegressor:
    return PoseRegressor(features=("logpow",), n_lags=0).fit(splits["train"])


def test_all_ik_failure_session_is_a_clear_error(tmp_path: Path, small_model) -> None:
    rng = np.random.default_rng(0)
    path = _write_session(tmp_path / "ik.hdf5", rng.normal(size=(2000, 16)), np.zeros((2000, 20)))
    with pytest.raises(PureposeError, match="inverse-kinematics"):
        PoseRegressor().fit([path])
    with pytest.raises(PureposeError, match="inverse-kinematics"):
        evaluate(small_model, [path])


def test_wrong_channel_count_session(tmp_path: Path, small_model) -> None:
    rng = np.random.default_rng(0)
    path = _write_session(
        tmp_path / "eight.hdf5", rng.normal(size=(2000, 8)), rng.normal(size=(2000, 20))
    )
    with pytest.raises(PureposeError, match="8 EMG channels, the model was trained on 16"):
        small_model.predict(path)


def test_empty_training_list() -> None:
    with pytest.raises(PureposeError, match="no training sources"):
        PoseRegressor().fit([])


@pytest.fixture(scope="module")
def saved(splits, tmp_path_factory: pytest.TempPathFactory) -> dict:
    model = PoseRegressor(n_components=6, n_lags=0).fit(splits["train"])
    return json.loads(json.dumps(model.to_dict()))


def _corrupt(data: dict, change) -> dict:
    bad = copy.deepcopy(data)
    change(bad)
    return bad


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="sklearn"), "not a purepose model"),
        (lambda d: d.update(version=3), "version 3"),
        (lambda d: d.pop("coef"), "missing field 'coef'"),
        (lambda d: d["coef"].pop(), "'coef' must have 20 rows"),
        (lambda d: d["coef"][3].append(1.0), "'coef' row 3 must have 6 numbers"),
        (lambda d: d["mean"].__setitem__(0, "x"), r"mean\[0\] must be a finite number"),
        (lambda d: d["scale"].__setitem__(1, float("nan")), r"scale\[1\] must be a finite"),
        (lambda d: d["scale"].__setitem__(1, -1.0), "'scale' entries must be > 0"),
        (lambda d: d["params"].update(window=-5), "bad hyper-parameter"),
        (lambda d: d["params"].update(extra=1), "'params' must hold exactly"),
        (lambda d: d["layout"].update(n_channels=8), "'feature_names' do not match"),
        (lambda d: d["layout"].update(n_channels=10**8), "'n_channels' must be an integer"),
        (lambda d: d["layout"].update(target_names=["a"]), "'coef' must have 1 rows"),
        (lambda d: d["layout"].update(target_unit=5), "'target_unit' must be a string"),
        (lambda d: d["components"].pop(), "'components' must have 6 rows"),
    ],
)
def test_bad_model_dicts_are_rejected(saved: dict, change, message) -> None:
    with pytest.raises(PureposeError, match=message):
        PoseRegressor.from_dict(_corrupt(saved, change))


def test_bad_model_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(PureposeError, match="model file not found"):
        PoseRegressor.load(missing)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(PureposeError, match="not a JSON model file"):
        PoseRegressor.load(garbage)
    array = tmp_path / "array.json"
    array.write_text("[1, 2]")
    with pytest.raises(PureposeError, match="must hold a JSON object"):
        PoseRegressor.load(array)


def test_inputs_unlike_training_warn_and_non_finite_predictions_fail(splits, tmp_path):
    model = PoseRegressor(features=("rms",), n_lags=0).fit(splits["train"])
    assert len(model.target_min_) == 20 and all(
        a <= b for a, b in zip(model.target_min_, model.target_max_)
    )
    feats = model.featurize(splits["test"][0])
    loud = feats._replace(X=[[v * 1e30 for v in row] for row in feats.X])
    with (
        pytest.warns(UserWarning, match="training standard deviations"),
        pytest.warns(UserWarning, match="leave the possible range"),
    ):
        model.predict_windows(loud)
    with pytest.raises(PureposeError, match="coefficients are too large"):
        PoseRegressor.from_dict({**model.to_dict(), "coef": [[1e308] * 16] * 20})
    big = PoseRegressor.from_dict({**model.to_dict(), "coef": [[1e300] * 16] * 20})
    with pytest.raises(PureposeError, match="prediction of window 0 is not finite"):
        big.predict_windows(loud)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict_windows(feats)  # ordinary data: no warning
