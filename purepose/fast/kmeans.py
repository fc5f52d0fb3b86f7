"""k-means clustering: k-means++ seeding, then Lloyd iterations.

k-means looks for k centers ``c_1..c_k`` minimizing the inertia

    J(labels, centers) = sum_i ||x_i - c_{label_i}||^2,

the sum of squared Euclidean distances of every sample to its center.
Lloyd's algorithm alternates two steps, each of which can only lower J:

* E-step (assign): ``label_i = argmin_j ||x_i - c_j||`` -- for fixed centers,
  the nearest center is the best label for every sample.
* M-step (update): ``c_j = mean of the samples labelled j`` -- for fixed labels,
  the mean minimizes the sum of squared distances (set the gradient to 0).

So J never increases (:attr:`KMeans.inertia_history_` records it), there are
finitely many labelings, and the iteration stops: when the labels repeat
("strict convergence"), when the centers move less than ``tol`` (squared
shift summed over centers, relative to the mean per-feature variance of X, as
in scikit-learn), or after ``max_iter`` steps. It finds a local minimum only,
so the start matters: k-means++ picks each new center with probability
proportional to ``D(x)^2`` (squared distance to the nearest chosen center),
which is O(log k)-competitive in expectation; the greedy variant used here
(and by scikit-learn) draws ``2 + floor(ln k)`` candidates and keeps the one
that lowers the potential ``sum_x D(x)^2`` most.

The rules follow ``sklearn.cluster.KMeans(algorithm="lloyd")`` exactly, so that
with the same initial centers purepose returns the same labels, centers,
inertia and ``n_iter_``: labels are compared with the previous E-step's; a
final E-step after a tol/max_iter stop makes labels match the centers; an
empty cluster is re-seeded at the sample farthest from its own center (that
sample leaves its old cluster for the M-step; its label changes only at the
next E-step); ties go to the lowest center index. One deliberate difference:
if re-seeding takes the only sample of a cluster, that cluster is put on the
largest cluster's mean (scikit-learn 1.x copies that cluster's not yet
averaged sum when the largest cluster has a higher index).

Read the algorithm in :mod:`purepose.textbook.kmeans` (k-means++, the
E-step, the M-step and Lloyd's loop, one screen). ``KMeans(algorithm=...)``
runs it (``"textbook"``) or the fast Lloyd driver below on the steps of
:mod:`purepose.fast.kmeans_steps` (``"lloyd"``: blocked E-steps and the exact
incremental M-step; ``"hamerly"``, the default: the same plus Hamerly-bounded
E-steps once the clusters settle). Distances are ``math.dist`` (one C call
per sample-center pair, without the cancellation of ``||x||^2 - 2 x.c +
||c||^2``) and centers exactly rounded means in all three, so they return
the same labels, centers, inertia and ``n_iter_`` to the last bit.

Cost per Lloyd iteration, n=140,000, d=3, k=5 on CPython 3.11: the E-step is
O(n k d), about 0.1 s; with bounds O(n d) plus O(k d) per unsure sample,
about 0.05 s; the M-step O(n) to find the moved samples plus O(d) per moved
sample, under 0.01 s; J for ``inertia_history_`` O(n). k-means++ costs
O(n k d log k).

References: S. P. Lloyd, "Least squares quantization in PCM", IEEE Trans.
Information Theory 28 (1982) 129-137; D. Arthur and S. Vassilvitskii,
"k-means++: the advantages of careful seeding", SODA 2007, 1027-1035;
G. Hamerly, "Making k-means even faster", SIAM Data Mining 2010, 130-140.

>>> X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
>>> km = KMeans(n_clusters=2, random_state=0).fit(X)
>>> sorted(km.cluster_centers_), km.inertia_
([[0.0, 0.5], [10.0, 0.5]], 1.0)

Tests: ``tests/textbook/test_kmeans.py`` holds it equal to the textbook;
``tests/fast/test_kmeans.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import random
import warnings
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate, repeat
from operator import itemgetter, mul

from purepose._util import check_random_state
from purepose.checks import check_iteration_params, check_matrix, check_positive_int
from purepose.errors import ConvergenceWarning, NotFittedError, PureposeError
from purepose.textbook import kmeans as textbook_kmeans
from purepose.types import Matrix

from .kmeans_steps import (
    BoundedAssigner,
    ExactClusterSums,
    Point,
    assign_nearest,
    center_shift,
    mean_variance,
    sum_of_squares,
    update_centers,
)

__all__ = ["ALGORITHMS", "KMeans", "kmeans_plusplus"]

ALGORITHMS = ("hamerly", "lloyd", "textbook")
"""The values of ``KMeans(algorithm=...)``; the first is the default."""

_INITS = ("k-means++", "random")
_SETTLED = 0.02  # "hamerly": bounds once at most this fraction of samples moves


def _as_points(X: Sequence[Sequence[float]]) -> list[Point]:
    """Rows as float tuples: ``math.dist`` is fastest on tuples, and X stays untouched."""
    return [tuple(map(float, row)) for row in X]


# ---------------------------------------------------------------------------
# Lloyd


def _lloyd(
    points: list[Point],
    columns: Sequence[Sequence[float]],
    centers: list[Point],
    max_iter: int,
    tol: float,
    bounds: bool,
) -> tuple[list[int], float, list[Point], int, list[float]]:
    """One fast Lloyd run from ``centers``; ``tol`` is absolute (already scaled).

    :func:`purepose.textbook.kmeans.lloyd` step for step, on the fast steps:
    blocked E-steps (Hamerly-bounded once at most ``_SETTLED`` of the samples
    moved, if ``bounds``) and the exact incremental M-step.

    Returns ``(labels, inertia, centers, n_iter, inertia_history)``. The
    history holds J after each E-step, so it is non-increasing, and ends
    with the returned inertia.
    """
    n_clusters = len(centers)
    assign = BoundedAssigner(points, centers)
    sums = ExactClusterSums(columns, n_clusters)
    history: list[float] = []
    labels_old: list[int] | None = None
    strict = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - reported below
        labels, nearest = assign(centers)
        history.append(sum_of_squares(nearest))
        new_centers = update_centers(sums, labels, nearest, n_clusters)
        shift = center_shift(centers, new_centers)
        centers, assigned_to = new_centers, centers
        if labels == labels_old:
            strict = True  # same labels -> same centers: a fixed point
            break
        if shift <= tol:
            break
        labels_old = labels
        if bounds and sums.n_moved <= _SETTLED * len(points):
            assign.start_bounds()  # bounds now save more than they cost
    if not strict:
        labels, nearest = assign(centers)  # a final E-step: labels match the centers
        assigned_to = centers
    if assigned_to != centers:  # a re-seeded cluster moved at a fixed point
        nearest = list(map(math.dist, points, [centers[j] for j in labels]))
    inertia = sum_of_squares(nearest)
    if strict:
        history[-1] = inertia  # same labels, centers recomputed from them: J can only drop
    else:
        history.append(inertia)
    return labels, inertia, centers, n_iter, history


def _same_partition(a: list[int], b: list[int], n_clusters: int) -> bool:
    """Whether two labelings are the same clustering up to renaming the labels."""
    mapping = [-1] * n_clusters
    for x, y in zip(a, b):
        if mapping[x] == -1:
            mapping[x] = y
        elif mapping[x] != y:
            return False
    return True


# ---------------------------------------------------------------------------
# Seeding


def _kmeans_plusplus(
    points: list[Point], n_clusters: int, rng: random.Random, n_local_trials: int | None
) -> tuple[list[Point], list[int]]:
    n_samples = len(points)
    if n_local_trials is None:
        n_local_trials = 2 + int(math.log(n_clusters))
    first = rng.randrange(n_samples)
    indices = [first]
    closest = list(map(math.dist, points, repeat(points[first])))  # D(x)
    for _ in range(1, n_clusters):
        cumulative = list(accumulate(map(mul, closest, closest)))
        potential = cumulative[-1]
        # Inverse-CDF sampling: P(i) = closest[i]^2 / potential; bisect_right never
        # returns a zero-weight sample while any weight is positive.
        candidates = [
            min(bisect_right(cumulative, rng.random() * potential), n_samples - 1)
            for _ in range(n_local_trials)
        ]
        trials = []  # (potential if chosen, index, new D list) per candidate
        for candidate in candidates:
            to_candidate = map(math.dist, points, repeat(points[candidate]))
            # min(c, d) as a comprehension: the two-argument builtin is 3x slower on 3.11
            trial = [d if d < c else c for c, d in zip(closest, to_candidate)]
            trials.append((sum_of_squares(trial), candidate, trial))
        _, chosen, closest = min(trials, key=itemgetter(0))  # first of equals
        indices.append(chosen)
    return [points[i] for i in indices], indices


def kmeans_plusplus(
    X: Sequence[Sequence[float]],
    n_clusters: int,
    *,
    random_state: int | None = None,
    n_local_trials: int | None = None,
) -> tuple[Matrix, list[int]]:
    """Greedy k-means++ seeding: ``n_clusters`` rows of X chosen as initial centers.

    The first center is a uniformly random sample. Each next one: draw
    ``n_local_trials`` (default ``2 + floor(ln k)``) candidates with probability
    ``D(x)^2 / sum D^2`` (D = distance to the nearest center so far) by
    cumulative sums and bisection, and keep the candidate giving the smallest
    potential ``sum_x min(D(x), ||x - candidate||)^2``. O(n d k log k).

    Returns ``(centers, indices)`` with ``centers[j] == X[indices[j]]``.

    >>> X = [[0.0], [0.1], [5.0], [5.1], [9.0]]
    >>> centers, indices = kmeans_plusplus(X, 3, random_state=1)
    >>> sorted(indices) in ([0, 2, 4], [0, 3, 4], [1, 2, 4], [1, 3, 4])
    True
    >>> kmeans_plusplus(X, 6)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: kmeans_plusplus: n_clusters=6 exceeds n_samples=5
    """
    func = "kmeans_plusplus"
    n_samples, _ = check_matrix(X, "X", func)
    _check_n_clusters(n_clusters, n_samples, func)
    if n_local_trials is not None:
        check_positive_int(n_local_trials, "n_local_trials", func)
    centers, indices = _kmeans_plusplus(
        _as_points(X), n_clusters, check_random_state(random_state, func), n_local_trials
    )
    return [list(c) for c in centers], indices


def _check_n_clusters(n_clusters: object, n_samples: int, func: str) -> int:
    k = check_positive_int(n_clusters, "n_clusters", func)
    if k > n_samples:
        raise PureposeError(f"{func}: n_clusters={k} exceeds n_samples={n_samples}")
    return k


# ---------------------------------------------------------------------------
# The estimator


class KMeans:
    """k-means clustering (Lloyd's algorithm) with k-means++, random or given starts.

    Parameters (stored unchanged; all but n_clusters keyword-only):
    ``n_clusters``; ``init``: ``"k-means++"``, ``"random"`` (k distinct samples)
    or an n_clusters x n_features matrix of starting centers; ``n_init``:
    number of runs, the lowest inertia wins (``"auto"``: 1 for k-means++ and
    given centers, 10 for random, as scikit-learn); ``max_iter``; ``tol``
    (relative to the mean per-feature variance of X); ``random_state`` (None
    = a fixed seed, so fits are reproducible); ``algorithm`` (as scikit-learn's):

    * ``"hamerly"`` (default): blocked E-steps, the exact incremental M-step,
      and Hamerly-bounded E-steps once at most 2% of the samples move (buys
      skipping the samples whose label provably stays);
    * ``"lloyd"``: the same without the bounds (every E-step compares every
      sample with every center, in cache-sized blocks);
    * ``"textbook"``: :mod:`purepose.textbook.kmeans`, the loops as written.

    All three give the same labels, centers, inertia, ``n_iter_`` and
    ``inertia_history_`` to the last bit (``tests/textbook/test_kmeans.py``).

    Learned: ``cluster_centers_`` (n_clusters x n_features), ``labels_``,
    ``inertia_`` (sum of squared distances to the nearest center),
    ``n_iter_`` (Lloyd iterations of the best run), ``n_features_in_`` and
    ``inertia_history_`` (J after every E-step of the best run,
    non-increasing, ending with ``inertia_``).

    >>> X = [[1.0, 1.0], [1.5, 2.0], [3.0, 4.0], [5.0, 7.0], [3.5, 5.0], [4.5, 5.0]]
    >>> km = KMeans(n_clusters=2, init=[[1.0, 1.0], [5.0, 7.0]]).fit(X)
    >>> km.labels_, km.n_iter_, round(km.inertia_, 6)
    ([0, 0, 0, 1, 1, 1], 2, 10.666667)
    >>> [[round(x, 4) for x in c] for c in km.cluster_centers_]
    [[1.8333, 2.3333], [4.3333, 5.6667]]
    >>> km.predict([[0.0, 0.0], [4.0, 6.0]])
    [0, 1]
    >>> KMeans(n_clusters=7).fit(X)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: KMeans.fit: n_clusters=7 exceeds n_samples=6
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: str | Sequence[Sequence[float]] = "k-means++",
        n_init: int | str = "auto",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: int | None = None,
        algorithm: str = "hamerly",
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.algorithm = algorithm

    # -- parameter checks ------------------------------------------------------

    def _given_centers(self, n_features: int, func: str) -> list[Point] | None:
        """The ``init`` matrix as points, or None for a named seeding method."""
        if isinstance(self.init, str):
            if self.init not in _INITS:
                raise PureposeError(
                    f"{func}: init={self.init!r} must be one of {_INITS} or a matrix"
                )
            return None
        n_rows, n_cols = check_matrix(self.init, "init", func)
        if (n_rows, n_cols) != (self.n_clusters, n_features):
            raise PureposeError(
                f"{func}: init has shape {n_rows}x{n_cols}, expected "
                f"n_clusters x n_features = {self.n_clusters}x{n_features}"
            )
        return _as_points(self.init)

    def _n_runs(self, given: bool, func: str) -> int:
        if self.n_init == "auto":
            return 10 if self.init == "random" else 1
        if isinstance(self.n_init, str):
            raise PureposeError(f"{func}: n_init={self.n_init!r} must be 'auto' or an int >= 1")
        check_positive_int(self.n_init, "n_init", func)
        if given and self.n_init != 1:
            warnings.warn(
                f"{func}: init is a matrix of centers, so n_init={self.n_init} runs "
                "would all be identical; running once",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return self.n_init

    def _algorithm(self, func: str) -> str:
        if self.algorithm not in ALGORITHMS:
            raise PureposeError(
                f"{func}: algorithm={self.algorithm!r} must be one of {ALGORITHMS}"
            )
        return self.algorithm

    # -- fitting -----------------------------------------------------------------

    def fit(self, X: Sequence[Sequence[float]]) -> KMeans:
        """Cluster the rows of X (n_samples x n_features) and return self."""
        func = "KMeans.fit"
        n_samples, n_features = check_matrix(X, "X", func)
        k = _check_n_clusters(self.n_clusters, n_samples, func)
        check_iteration_params(self.max_iter, self.tol, func)
        algorithm = self._algorithm(func)
        given = self._given_centers(n_features, func)
        n_runs = self._n_runs(given is not None, func)
        rng = check_random_state(self.random_state, func)

        points = _as_points(X)
        textbook = algorithm == "textbook"
        # one itemgetter pass per feature: zip(*points) would make n iterators for the GC
        columns = [] if textbook else [list(map(itemgetter(f), points)) for f in range(n_features)]
        tol = 0.0
        if self.tol > 0:  # relative to the mean per-feature variance of X
            scale = textbook_kmeans.mean_variance(points) if textbook else mean_variance(columns)
            tol = self.tol * scale

        best = None
        for _ in range(n_runs):
            if given is not None:
                start = given
            elif self.init == "random":
                start = [points[i] for i in rng.sample(range(n_samples), k)]
            elif textbook:
                start = [points[i] for i in textbook_kmeans.kmeans_plusplus(points, k, rng)]
            else:
                start, _ = _kmeans_plusplus(points, k, rng, None)
            if textbook:
                run = textbook_kmeans.lloyd(points, [list(c) for c in start], self.max_iter, tol)
            else:
                run = _lloyd(points, columns, start, self.max_iter, tol, algorithm == "hamerly")
            # Keep the first run unless a later one is lower AND a different clustering
            # (a relabelled copy may differ in the last bit of its inertia).
            if best is None or (run[1] < best[1] and not _same_partition(run[0], best[0], k)):
                best = run
        labels, inertia, centers, n_iter, history = best

        distinct = len(set(labels))
        if distinct < k:
            warnings.warn(
                f"{func}: only {distinct} distinct clusters found for n_clusters={k} "
                "(duplicate points in X?)",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.cluster_centers_ = [list(c) for c in centers]
        self.labels_ = labels
        self.inertia_ = inertia
        self.n_iter_ = n_iter
        self.inertia_history_ = history
        self.n_features_in_ = n_features
        return self

    def fit_predict(self, X: Sequence[Sequence[float]]) -> list[int]:
        """``fit(X)`` and return ``labels_`` (a copy)."""
        return self.fit(X).labels_[:]

    # -- using the fit -------------------------------------------------------------

    def _checked_points(self, X: Sequence[Sequence[float]], func: str) -> list[Point]:
        if not hasattr(self, "cluster_centers_"):
            raise NotFittedError(f"{func}: this KMeans is not fitted yet; call fit(X) first")
        _, n_features = check_matrix(X, "X", func)
        if n_features != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {n_features} features, KMeans was fitted with "
                f"{self.n_features_in_}"
            )
        return _as_points(X)

    def predict(self, X: Sequence[Sequence[float]]) -> list[int]:
        """Index of the nearest center for every row of X (lowest index on ties)."""
        points = self._checked_points(X, "KMeans.predict")
        return self._nearest(points)[0]

    def _nearest(self, points: list[Point]) -> tuple[list[int], list[float]]:
        if self.algorithm == "textbook":
            return textbook_kmeans.nearest_centers(points, self.cluster_centers_)
        return assign_nearest(points, _as_points(self.cluster_centers_))

    def transform(self, X: Sequence[Sequence[float]]) -> Matrix:
        """Euclidean distances ``||x_i - c_j||``, n_samples x n_clusters.

        >>> km = KMeans(n_clusters=2, init=[[0.0, 0.0], [3.0, 4.0]]).fit([[0.0, 0.0], [3.0, 4.0]])
        >>> km.transform([[0.0, 4.0]])
        [[4.0, 3.0]]
        """
        points = self._checked_points(X, "KMeans.transform")
        centers = _as_points(self.cluster_centers_)
        return [[math.dist(x, c) for c in centers] for x in points]

    def score(self, X: Sequence[Sequence[float]]) -> float:
        """Minus the inertia of X with respect to the fitted centers (higher is better)."""
        points = self._checked_points(X, "KMeans.score")
        return -sum_of_squares(self._nearest(points)[1])
