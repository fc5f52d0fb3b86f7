"""Fast == textbook for k-means, to the last bit.

KMeans(algorithm="hamerly") (blocked E-steps, exact incremental M-step,
Hamerly bounds once settled), KMeans(algorithm="lloyd") (the same without
bounds) and KMeans(algorithm="textbook") (purepose.textbook.kmeans, plain
loops) compute the same distances (math.dist), the same exactly rounded
means and the same fsum sums, and follow the same rules (ties, empty
clusters, stopping, k-means++ draws). So the contract is equality: labels,
centers, inertia, n_iter_ and inertia_history_ compare with ``==``, on
inputs chosen to be hard (integer grids full of exact ties, duplicate
points, more clusters than distinct points, far-away starts).
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import ConvergenceWarning
from purepose.fast.kmeans import ALGORITHMS, KMeans, kmeans_plusplus
from purepose.textbook import kmeans as tb

np = pytest.importorskip("numpy")

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)


def _points(seed, n, d, k, style):
    rng = np.random.default_rng(seed)
    centers = rng.normal(0.0, 4.0, size=(k, d))
    X = centers[rng.integers(0, k, n)] + rng.normal(0.0, rng.uniform(0.3, 3.0), size=(n, d))
    if style == "grid":
        X = np.round(X)  # exact ties between centers
    elif style == "dup":
        X = X[rng.integers(0, max(1, n // 3), n)]  # duplicates: clusters can empty
    return X.tolist()


def _fit(X, algorithm, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # duplicates -> fewer clusters
        km = KMeans(algorithm=algorithm, **params).fit(X)
    return km.labels_, km.cluster_centers_, km.inertia_, km.n_iter_, km.inertia_history_


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 150),
    d=st.integers(1, 4),
    k=st.integers(1, 7),
    style=st.sampled_from(["blobs", "grid", "dup"]),
    init=st.sampled_from(["k-means++", "random", "given"]),
    tol=st.sampled_from([0.0, 1e-4, 0.1]),
    max_iter=st.sampled_from([1, 3, 300]),
)
def test_all_algorithms_give_the_same_fit_to_the_last_bit(
    seed, n, d, k, style, init, tol, max_iter
):
    X = _points(seed, n, d, k, style)
    k = min(k, n)
    if init == "given":  # a start far outside the data makes an empty cluster
        init = [list(X[i]) for i in range(k - 1)] + [[1e3] * d]
    params = {"n_clusters": k, "init": init, "tol": tol, "max_iter": max_iter}
    fits = [_fit(X, algorithm, random_state=seed % 97, **params) for algorithm in ALGORITHMS]
    assert fits[0] == fits[1] == fits[2]


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 120),
    k=st.integers(1, 6),
    style=st.sampled_from(["blobs", "grid", "dup"]),
)
def test_kmeans_plusplus_draws_the_same_seeds(seed, n, k, style):
    import random

    X = _points(seed, n, 2, k, style)
    k = min(k, n)
    _, fast = kmeans_plusplus(X, k, random_state=seed % 89)
    assert fast == tb.kmeans_plusplus(X, k, random.Random(seed % 89))


def test_predict_transform_and_score_agree():
    X = _points(3, 80, 3, 4, "grid")
    fast = KMeans(4, random_state=1).fit(X)
    textbook = KMeans(4, random_state=1, algorithm="textbook").fit(X)
    new = _points(4, 30, 3, 4, "blobs")
    assert fast.predict(new) == textbook.predict(new)
    assert fast.transform(new) == textbook.transform(new)
    assert fast.score(new) == textbook.score(new)


def test_a_bad_algorithm_is_a_one_line_error():
    with pytest.raises(ValueError, match=r"^KMeans.fit: algorithm='elkan' must be one of"):
        KMeans(1, algorithm="elkan").fit([[0.0], [1.0]])
