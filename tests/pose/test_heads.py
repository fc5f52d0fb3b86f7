"""The pose model's nonlinear heads: searches that grow at their ends, each head end to end."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest

from purepose.data.dataset import Dataset
from purepose.errors import PureposeError
from purepose.fast.eigensolvers import eigsh_randomized
from purepose.fast.neighbors import KNeighborsRegressor
from purepose.pose.evaluation import evaluate
from purepose.pose.heads import Grid, search
from purepose.pose.model import PoseRegressor

# ---- the grid search ---------------------------------------------------------


def _bowl(center: float):
    calls = []

    def score(v: float) -> float:
        calls.append(v)
        return abs(math.log10(v) - math.log10(center))

    return score, calls


@pytest.mark.parametrize(("center", "best"), [(1.0, 1.0), (1e5, 1e5), (1e-4, 1e-4)])
def test_search_grows_until_the_best_is_inside(center, best):
    score, calls = _bowl(center)
    found, scores = search(Grid((0.01, 1.0, 100.0), 10.0, 1e-6, 1e9), score, "alpha")
    assert found == pytest.approx(best)
    tried = sorted(float(k) for k in scores)
    assert tried[0] < found < tried[-1]  # the optimum is inside what was tried
    assert len(calls) == len(set(calls))  # each value scored once


def test_search_stops_at_its_limits_with_a_warning():
    score, _ = _bowl(1e12)
    with pytest.warns(UserWarning, match=r"best alpha 1e\+09 is at the limit"):
        found, scores = search(Grid((1.0, 10.0), 10.0, 1e-6, 1e9), score, "alpha")
    assert found == 1e9 and max(float(k) for k in scores) == 1e9


def test_a_single_value_is_a_fixed_choice_and_integer_grids_stay_integer():
    score, calls = _bowl(1e6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert search(Grid((10.0,), 10.0, 1e-6, 1e9), score, "alpha")[0] == 10.0
    assert calls == [10.0]
    best, scores = search(Grid((5, 10), 2.0, 1, 100, integer=True), lambda k: abs(k - 40), "k")
    assert best == 40 and all(k.isdigit() for k in scores)


def test_eigsh_randomized_is_exact_on_low_rank_and_close_otherwise():
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    B = rng.normal(size=(40, 6))
    S = B @ B.T  # rank 6 <= k + oversamples: the subspace is exact
    values, vectors, _ = eigsh_randomized(S.tolist(), 4, random_state=1)
    ref = np.linalg.eigh(S)[0][::-1][:4]
    assert np.allclose(values, ref, rtol=1e-9)
    C = np.cov(rng.normal(size=(500, 30)) @ np.diag(np.linspace(3, 0.1, 30)), rowvar=False)
    values, vectors, _ = eigsh_randomized(C.tolist(), 5, n_iter=6, random_state=2)
    w, V = np.linalg.eigh(C)
    top = V[:, ::-1][:, :5]
    cosines = np.linalg.svd(np.array(vectors) @ top, compute_uv=False)
    assert cosines.min() > 0.99 and np.allclose(values, w[::-1][:5], rtol=1e-2)
    with pytest.raises(PureposeError, match="n_iter=-1"):
        eigsh_randomized(C.tolist(), 2, n_iter=-1)


# ---- the heads in the pose model -----------------------------------------------


@pytest.fixture(scope="module")
def splits(synth_dataset: Path) -> dict:
    ds = Dataset(synth_dataset)
    return {s: ds.select(split=s) for s in ("train", "val", "test")}


SMALL = {
    "knn": dict(neighbors=(3, 6), max_train_windows=400),
    "mlp": dict(hidden_layer_sizes=(8,), max_epochs=4, alphas=(0.1,)),
    "rff": dict(rff_components=40, alphas=(1.0, 10.0)),
}


@pytest.fixture(scope="module")
def fitted(splits) -> dict[str, PoseRegressor]:
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # searches at their limits
        for name, params in SMALL.items():
            model = PoseRegressor(model=name, features=("logpow",), n_lags=1, **params)
            out[name] = model.fit(splits["train"], val_sessions=splits["val"])
    return out


@pytest.mark.parametrize("name", sorted(SMALL))
def test_each_head_fits_saves_and_predicts_the_same_after_loading(fitted, splits, name, tmp_path):
    model = fitted[name]
    assert model.head_.kind == name and model.coef_ is None
    assert model.components_ is not None and len(model.components_) == 32  # "auto": <= 32
    test = splits["test"][0]
    pred = model.predict(test)
    path = model.save(tmp_path / "m.json")
    again = PoseRegressor.load(path)
    assert again.predict(test) == pred
    data = json.loads(path.read_text())
    assert data["params"]["model"] == name and data["head"]["kind"] == name
    result = evaluate(model, splits["test"], landmarks=False)
    assert result.reports["model"].mae_deg < result.reports["zero pose"].mae_deg


def test_knn_head_predicts_what_knn_on_the_projected_rows_predicts(fitted, splits):
    model = fitted["knn"]
    feats = model.featurize(splits["test"][0])
    Z = model.transform(feats.X)
    train = model.head_.estimator
    direct = KNeighborsRegressor(model.n_neighbors_).fit(train._X, train._Y).predict(Z)
    assert model.predict_windows(feats).values == direct
    assert set(model.val_scores_) >= {"3", "6"} and model.n_neighbors_ >= 1


def test_knn_search_scores_equal_refits_at_each_k(splits):
    model = PoseRegressor(model="knn", features=("rms",), n_lags=0, neighbors=(2, 4, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(splits["train"], val_sessions=splits["val"])
    for k, score in model.val_scores_.items():
        refit = PoseRegressor(**{**model.get_params(), "neighbors": [int(k)]})
        refit.fit(splits["train"], val_sessions=splits["val"])
        assert refit.val_scores_[k] == pytest.approx(score, rel=1e-12)


def test_heads_need_validation_data_and_bad_head_files_are_refused(fitted, splits):
    with pytest.raises(PureposeError, match="chooses its n_neighbors on validation data"):
        PoseRegressor(model="knn", neighbors=(3,)).fit(splits["train"])
    with pytest.raises(PureposeError, match="model='svm' must be one of"):
        PoseRegressor(model="svm").fit(splits["train"])
    data = fitted["rff"].to_dict()
    bad = json.loads(json.dumps(data))
    bad["head"]["kind"] = "knn"
    with pytest.raises(PureposeError):
        PoseRegressor.from_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["coef"] = [[0.0]]
    with pytest.raises(PureposeError, match="'coef' and 'intercept' must be null"):
        PoseRegressor.from_dict(bad)
    bad = json.loads(json.dumps(data))
    bad["head"]["ridge"]["scale"] = [1.0]
    with pytest.raises(PureposeError, match="rff ridge scale must hold 40 numbers"):
        PoseRegressor.from_dict(bad)
