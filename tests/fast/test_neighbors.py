"""KNeighborsRegressor against scikit-learn's brute force: the same neighbours, ties included.

scikit-learn's tie rule is its heap (see purepose/textbook/knn.py); its
threaded ``parallel_on_Y`` strategy merges one heap per thread and can break
ties differently, so the tie tests run scikit-learn on one OpenMP thread
(``threadpoolctl``), where every strategy feeds one heap in index order.
"""

from __future__ import annotations

import contextlib
import json
import math
import random

import pytest

from purepose.errors import NotFittedError, PureposeError
from purepose.fast.neighbors import KNeighborsRegressor
from purepose.textbook import knn as textbook


def _rows(rng: random.Random, n: int, d: int, integers: bool = False) -> list[list[float]]:
    if integers:
        return [[float(rng.randint(-2, 2)) for _ in range(d)] for _ in range(n)]
    return [[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]


@contextlib.contextmanager
def _one_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1, user_api="openmp"):
        yield


def _sklearn(X, Y, Q, k, weights):
    np = pytest.importorskip("numpy")
    neighbors = pytest.importorskip("sklearn.neighbors")
    sk = neighbors.KNeighborsRegressor(n_neighbors=k, weights=weights, algorithm="brute")
    sk.fit(np.array(X), np.array(Y))
    with _one_thread():
        distances, indices = sk.kneighbors(np.array(Q))
        predictions = sk.predict(np.array(Q))
    return distances, indices, predictions


CASES = [
    ("random", 1),
    ("random", 7),
    ("random", "n"),
    ("integers", 1),
    ("integers", 5),
    ("integers", 16),
    ("integers", "n"),
]


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("algorithm", ["brute", "textbook"])
@pytest.mark.parametrize("data,k", CASES)
def test_same_neighbours_and_predictions_as_sklearn_brute_force(data, k, algorithm, weights):
    np = pytest.importorskip("numpy")
    rng = random.Random(f"{data}-{k}")
    integers = data == "integers"  # few distinct distances: ties at the k-th everywhere
    X, Q = _rows(rng, 120, 3, integers), _rows(rng, 30, 3, integers)
    Y = _rows(rng, 120, 2)
    k = len(X) if k == "n" else k
    model = KNeighborsRegressor(k, weights=weights, algorithm=algorithm).fit(X, Y)
    distances, indices = model.kneighbors(Q)
    sk_dist, sk_ind, sk_pred = _sklearn(X, Y, Q, k, weights)
    for ours, theirs in zip(indices, sk_ind.tolist()):
        assert sorted(ours) == sorted(theirs)  # same rows; order among equal distances may differ
    assert np.allclose(distances, sk_dist, rtol=1e-12, atol=1e-12)
    assert np.max(np.abs(np.array(model.predict(Q)) - sk_pred)) < 1e-12


def test_ties_follow_sklearns_heap_not_the_lowest_index():
    X = [[1.0], [-1.0], [1.0], [-1.0], [0.0], [0.0]]
    model = KNeighborsRegressor(3).fit(X, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    assert model.kneighbors([[0.0]]) == ([[0.0, 0.0, 1.0]], [[4, 5, 1]])  # not row 0
    _, sk_ind, _ = _sklearn(X, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [[0.0]], 3, "uniform")
    assert sorted(sk_ind[0].tolist()) == [1, 4, 5]


def test_many_queries_match_sklearn_with_its_default_threads():
    """n_queries > n_train: scikit-learn runs parallel_on_X (one heap per query) on any threads."""
    np = pytest.importorskip("numpy")
    neighbors = pytest.importorskip("sklearn.neighbors")
    rng = random.Random(3)
    X, Q, Y = _rows(rng, 60, 2, True), _rows(rng, 200, 2, True), _rows(rng, 60, 1)
    sk = neighbors.KNeighborsRegressor(n_neighbors=6, algorithm="brute").fit(
        np.array(X), np.array(Y)
    )
    _, sk_ind = sk.kneighbors(np.array(Q))
    _, ours = KNeighborsRegressor(6).fit(X, Y).kneighbors(Q)
    assert [sorted(r) for r in ours] == [sorted(r) for r in sk_ind.tolist()]


def test_zero_distances_take_all_the_weight():
    X = [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [3.0, 4.0]]
    y = [1.0, 3.0, 10.0, 100.0]
    for algorithm in ("brute", "textbook"):
        model = KNeighborsRegressor(3, weights="distance", algorithm=algorithm).fit(X, y)
        assert model.predict([[0.0, 0.0]]) == [2.0]  # the two duplicates, equally; not row 2
        assert model.predict([[2.0, 0.0]]) == [(1.0 / 2.0 * 1.0 + 1.0 / 2.0 * 3.0 + 10.0) / 2.0]
    _, _, sk_pred = _sklearn(X, y, [[0.0, 0.0]], 3, "distance")
    assert sk_pred.tolist() == [2.0]


def test_cancellation_guard_keeps_the_exact_neighbours():
    """Rows far from the origin and close together: ||x||^2 - 2 q.x cancels to noise.

    The screening values S_j = ||x_j||^2 / 2 - q.x_j lose every digit of the
    small distances, yet the neighbours are those of the exact distances.
    """
    rng = random.Random(4)
    offset = [1e6, -1e6, 1e6]
    X = [[o + rng.gauss(0.0, 1e-4) for o in offset] for _ in range(200)]
    Q = [[o + rng.gauss(0.0, 1e-4) for o in offset] for _ in range(10)]
    y = [float(i) for i in range(200)]
    fast = KNeighborsRegressor(4, weights="distance").fit(X, y)
    slow = KNeighborsRegressor(4, weights="distance", algorithm="textbook").fit(X, y)
    assert fast.kneighbors(Q) == slow.kneighbors(Q)
    assert fast.predict(Q) == slow.predict(Q)
    exact = [
        sorted(range(200), key=lambda j, q=q: (textbook.squared_distance(q, X[j]), j))[:4]
        for q in Q
    ]
    assert fast.kneighbors(Q)[1] == exact


def test_queries_in_blocks_use_bounded_memory(monkeypatch):
    import purepose.fast.neighbors as neighbors_module

    rng = random.Random(5)
    X, Q, Y = _rows(rng, 50, 3), _rows(rng, 23, 3), _rows(rng, 50, 2)
    whole = KNeighborsRegressor(5).fit(X, Y).predict(Q)
    monkeypatch.setattr(neighbors_module, "BLOCK_ENTRIES", 120)  # 2 queries per block
    assert KNeighborsRegressor(5).fit(X, Y).predict(Q) == whole


def test_vector_targets_give_vector_predictions_and_n_neighbors_override():
    X = [[0.0], [1.0], [5.0]]
    model = KNeighborsRegressor(2).fit(X, [0.0, 2.0, 10.0])
    assert model.predict([[0.2], [4.0]]) == [1.0, 6.0]
    assert model.kneighbors([[4.0]], n_neighbors=1) == ([[1.0]], [[2]])


def test_json_round_trip_gives_the_same_predictions(tmp_path):
    rng = random.Random(6)
    X, Q, Y = _rows(rng, 40, 3), _rows(rng, 10, 3), _rows(rng, 40, 2)
    model = KNeighborsRegressor(4, weights="distance").fit(X, Y)
    loaded = KNeighborsRegressor.load(model.save(tmp_path / "knn.json"))
    assert loaded.predict(Q) == model.predict(Q)
    assert loaded.to_dict() == model.to_dict()


def _knn_dict():
    return (
        KNeighborsRegressor(2)
        .fit([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]], [[1.0], [2.0], [3.0]])
        .to_dict()
    )


BAD_MODELS = {
    "format": (lambda d: {**d, "format": "x"}, "not a purepose.KNeighborsRegressor model"),
    "short row": (lambda d: {**d, "X": [[0.0, 1.0], [1.0], [2.0, 2.0]]}, "'X' row 1 must be"),
    "rows disagree": (lambda d: {**d, "n_samples_fit": 4}, "'X' must have 4 rows, got 3 rows"),
    "huge sizes": (
        lambda d: {**d, "n_samples_fit": 10**9, "n_features_in": 10**6},
        "more than the limit",
    ),
    "nan": (lambda d: {**d, "Y": [[1.0], [float("nan")], [3.0]]}, "found NaN or infinity"),
    "too many neighbours": (
        lambda d: {**d, "params": {**d["params"], "n_neighbors": 5}},
        "n_neighbors=5 > n_samples_fit=3",
    ),
    "bad weights": (
        lambda d: {**d, "params": {**d["params"], "weights": "gauss"}},
        "bad hyper-parameter",
    ),
    "huge value": (lambda d: {**d, "X": [[0.0, 1e200], [1.0, 0.0], [2.0, 2.0]]}, "'X' holds"),
}


@pytest.mark.parametrize("case", list(BAD_MODELS))
def test_bad_json_models_give_one_line_errors(case):
    change, message = BAD_MODELS[case]
    with pytest.raises(PureposeError) as info:
        KNeighborsRegressor.from_dict(change(json.loads(json.dumps(_knn_dict()))))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_bad_parameters_and_inputs():
    X = [[0.0], [1.0]]
    for params, message in (
        ({"n_neighbors": 0}, "n_neighbors=0 must be an int >= 1"),
        ({"weights": "gauss"}, "weights='gauss' must be"),
        ({"algorithm": "kd_tree"}, "algorithm='kd_tree' must be 'brute' or 'textbook'"),
        ({"n_neighbors": 3}, "n_neighbors=3 > 2 training rows"),
    ):
        with pytest.raises(PureposeError, match=message):
            KNeighborsRegressor(**params).fit(X, [0.0, 1.0])
    with pytest.raises(NotFittedError):
        KNeighborsRegressor(1).predict(X)
    model = KNeighborsRegressor(1).fit(X, [0.0, 1.0])
    with pytest.raises(PureposeError, match="X has 2 features, but the model was fitted with 1"):
        model.predict([[0.0, 1.0]])
    with pytest.raises(PureposeError, match="squared distances would overflow"):
        model.predict([[1e120]])
    with pytest.raises(PureposeError, match=r"n_neighbors=3 must be in \[1, 2\]"):
        model.kneighbors(X, n_neighbors=3)
    assert math.isfinite(model.predict([[1e99]])[0])
