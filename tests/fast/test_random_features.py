"""RandomFeatures: RBFSampler given the same draws, the kernel it approximates, with Ridge."""

from __future__ import annotations

import json
import math
import random

import pytest

from purepose.errors import NotFittedError, PureposeError
from purepose.fast.random_features import RandomFeatures
from purepose.fast.regression import Ridge


def _rows(seed: int, n: int, d: int, scale: float = 1.0) -> list[list[float]]:
    rng = random.Random(seed)
    return [[scale * rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]


@pytest.mark.parametrize("gamma", ["scale", 0.3])
def test_cosine_features_equal_sklearns_rbf_sampler_with_our_draws(gamma):
    np = pytest.importorskip("numpy")
    kernel_approximation = pytest.importorskip("sklearn.kernel_approximation")
    X = _rows(0, 60, 5, scale=2.0)
    ours = RandomFeatures(40, gamma=gamma, random_state=1).fit(X)
    sk = kernel_approximation.RBFSampler(gamma=gamma, n_components=40, random_state=0)
    sk.fit(np.array(X))
    if gamma == "scale":
        assert math.isclose(ours.gamma_, sk._gamma, rel_tol=1e-12)
    sk.random_weights_ = np.array(ours.random_weights_)
    sk.random_offset_ = np.array(ours.random_offset_)
    Q = _rows(2, 15, 5)
    assert np.max(np.abs(np.array(ours.transform(Q)) - sk.transform(np.array(Q)))) < 1e-13


def test_draws_have_the_stated_distributions():
    X = _rows(3, 10, 4)
    rf = RandomFeatures(5000, gamma=0.5, random_state=0).fit(X)
    w = [v for row in rf.random_weights_ for v in row]
    var = math.fsum(v * v for v in w) / len(w)
    assert abs(var - 2 * 0.5) < 0.05  # N(0, 2 gamma)
    assert min(rf.random_offset_) >= 0.0 and max(rf.random_offset_) <= 2 * math.pi
    tanh = RandomFeatures(5000, kind="tanh", gamma=0.5, random_state=0).fit(X)
    assert -math.pi <= min(tanh.random_offset_) and max(tanh.random_offset_) <= math.pi


def test_cosine_features_approximate_the_gaussian_kernel():
    X = _rows(4, 6, 3, scale=0.7)
    D = 20000
    Z = RandomFeatures(D, gamma=0.25, random_state=5).fit_transform(X)
    for i in range(len(X)):
        for j in range(len(X)):
            exact = math.exp(-0.25 * sum((a - b) ** 2 for a, b in zip(X[i], X[j])))
            estimate = math.fsum(a * b for a, b in zip(Z[i], Z[j]))
            assert abs(estimate - exact) < 4.0 / math.sqrt(D)  # ~4 standard errors


@pytest.mark.parametrize("kind", ["cosine", "tanh"])
def test_random_features_and_ridge_beat_ridge_on_a_nonlinear_target(kind):
    def target(x):
        return [math.sin(2.0 * x[0]) * x[1], math.exp(-(x[2] ** 2))]

    X, Xt = _rows(6, 600, 3), _rows(7, 300, 3)
    Y, Yt = [target(x) for x in X], [target(x) for x in Xt]
    plain = Ridge(alpha=1.0).fit(X, Y).score(Xt, Yt)
    rf = RandomFeatures(300, kind=kind, random_state=0).fit(X)
    nonlinear = Ridge(alpha=0.1).fit(rf.transform(X), Y).score(rf.transform(Xt), Yt)
    assert plain < 0.3 and nonlinear > plain + 0.5, (plain, nonlinear)


def test_same_random_state_same_features_different_different():
    X = _rows(8, 20, 3)
    a = RandomFeatures(10, random_state=3).fit(X).to_dict()
    assert json.dumps(a) == json.dumps(RandomFeatures(10, random_state=3).fit(X).to_dict())
    assert (
        a["random_weights"]
        != RandomFeatures(10, random_state=4).fit(X).to_dict()["random_weights"]
    )


def test_json_round_trip_and_bad_models():
    X = _rows(9, 20, 3)
    rf = RandomFeatures(7, kind="tanh", random_state=0).fit(X)
    data = json.loads(json.dumps(rf.to_dict()))
    assert RandomFeatures.from_dict(data).transform(X) == rf.transform(X)
    bad = [
        (
            {**data, "random_offset": data["random_offset"][:-1]},
            "'random_offset' must be a list of 7",
        ),
        ({**data, "n_features_in": 4}, "'random_weights' must have 4 rows"),
        (
            {**data, "n_features_in": 10**6, "params": {**data["params"], "n_components": 10**6}},
            "more than the limit",
        ),
        ({**data, "gamma": float("inf")}, "'gamma' must be a finite number"),
        ({**data, "params": {**data["params"], "kind": "relu"}}, "bad hyper-parameter"),
    ]
    for model, message in bad:
        with pytest.raises(PureposeError) as info:
            RandomFeatures.from_dict(model)
        assert message in str(info.value) and "\n" not in str(info.value)


def test_bad_parameters_and_use_before_fit():
    for params, message in (
        ({"n_components": 0}, "n_components=0"),
        ({"kind": "relu"}, "kind='relu' must be 'cosine' or 'tanh'"),
        ({"gamma": -1.0}, "gamma=-1.0 must be 'scale' or a finite number > 0"),
        ({"random_state": "x"}, "random_state must be an int or None"),
    ):
        with pytest.raises(PureposeError, match=message):
            RandomFeatures(**params).fit([[1.0, 2.0]])
    with pytest.raises(NotFittedError):
        RandomFeatures().transform([[1.0]])
    with pytest.raises(PureposeError, match="X has 1 features, but the model was fitted with 2"):
        RandomFeatures(3).fit([[1.0, 2.0], [0.0, 1.0]]).transform([[1.0]])
