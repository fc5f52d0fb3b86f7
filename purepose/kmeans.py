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

Distances use ``math.dist`` (one C call per sample-center pair, computed
without the cancellation of ``||x||^2 - 2 x.c + ||c||^2``). Centers are
exactly rounded means: each cluster's sum of every feature is kept exactly
(as a few floats, :func:`_exact_sum`) and updated by the samples that changed
cluster only, a few percent per iteration, so a center is, to the last bit,
the ``math.fsum`` mean of its cluster. Once the clusters settle (at most 2%
of the samples move), E-steps skip the samples whose nearest center provably
stayed the same (Hamerly's bound, :class:`_Assigner`); a rounding slack keeps
labels and distances exactly those of comparing every sample with every
center.

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
"""

from __future__ import annotations

import heapq
import math
import random
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import eq, ge, itemgetter, mul, ne, neg, sub
from typing import Any

from ._util import check_random_state
from .errors import ConvergenceWarning, NotFittedError, PureposeError
from .linalg import Matrix, check_matrix

__all__ = ["KMeans", "kmeans_plusplus"]

Point = tuple[float, ...]
_INITS = ("k-means++", "random")
_BLOCK = 1024  # points per E-step block (see _assign)
_SETTLED = 0.02  # E-steps keep bounds once at most this fraction of samples moves (_Assigner)


def _as_points(X: Sequence[Sequence[float]]) -> list[Point]:
    """Rows as float tuples: ``math.dist`` is fastest on tuples, and X stays untouched."""
    return [tuple(map(float, row)) for row in X]


# ---------------------------------------------------------------------------
# E-step: nearest centers


def _assign(points: list[Point], centers: Sequence[Point]) -> tuple[list[int], list[float]]:
    """E-step: index of the nearest center of every point, and the distance to it.

    One ``math.dist`` pass per center gives the k distance columns; ``min``
    over a point's k distances, then ``tuple.index`` returns the first (lowest)
    index on ties. O(n k d). Blocks of points keep the k distance columns in
    the CPU cache (their floats are freed and reused block after block):
    30% faster than whole columns for n = 140,000.
    """
    if len(centers) == 1:
        return [0] * len(points), list(map(math.dist, points, repeat(centers[0])))
    labels: list[int] = []
    nearest: list[float] = []
    for start in range(0, len(points), _BLOCK):
        block = points[start : start + _BLOCK]
        distances = [list(map(math.dist, block, repeat(c))) for c in centers]
        block_nearest = list(map(min, *distances))
        labels += map(tuple.index, zip(*distances), block_nearest)
        nearest += block_nearest
    return labels, nearest


def _nearest_two(
    points: Sequence[Point], centers: Sequence[Point]
) -> tuple[list[int], list[float], list[float]]:
    """:func:`_assign` for k >= 2 centers, plus each point's distance to its second-nearest."""
    distances = [list(map(math.dist, points, repeat(c))) for c in centers]
    nearest = list(map(min, *distances))
    labels = list(map(tuple.index, zip(*distances), nearest))
    second = list(map(itemgetter(1), map(sorted, zip(*distances))))
    return labels, nearest, second


class _Assigner:
    """E-steps of one Lloyd run; once the clusters settle, they skip the points that cannot move.

    Hamerly's bound: keep, for every point, ``lower`` <= its distance to every
    center other than its own. When center j moves by ``shift_j``, no other
    center comes nearer than ``lower - max(shift_j, j != own)`` (triangle
    inequality). A point whose distance to its own, moved center is below
    that bound keeps its label; only the others are compared with all k
    centers (and get a fresh bound). Labels and distances are exactly those
    of :func:`_assign`: a ``slack`` of 16 units of roundoff times ``reach`` (a
    bound on every distance and shift: twice the largest coordinate of the
    points and centers, times sqrt(d), times 2) is taken off every bound. It
    covers the rounding of the computed distances, shifts and bounds, so a
    near-tie is never decided by a bound.

    Bounds cost n distances and a few passes over n per E-step, and pay once
    few points change cluster: ``start_bounds`` is called when at most 2%
    (``_SETTLED``) did in the last M-step; the bound then leaves about ten
    times as many points unsure as changed cluster. Until then every E-step
    is :func:`_assign`. Reference: G. Hamerly, "Making k-means even faster",
    SIAM Data Mining 2010, 130-140.
    """

    def __init__(self, points: list[Point], centers: Sequence[Point]) -> None:
        self.points = points
        self.centers: Sequence[Point] = centers  # of the previous E-step
        self.labels: list[int] = []  # of the previous E-step
        self.bounded = False
        self.largest = 0.0  # the largest |coordinate| of the points
        self.reach = 0.0  # never shrinks: bounds set earlier keep their slack
        self.lower: list[float] = []  # empty: no bounds yet
        self.n_compared = 0  # points compared with all k centers in the last E-step

    def start_bounds(self) -> None:
        """Keep bounds from the next E-step on (pointless with a single center)."""
        if not self.bounded and len(self.centers) > 1:
            self.bounded = True
            self.largest = max(map(abs, chain.from_iterable(self.points)))

    def __call__(self, centers: Sequence[Point]) -> tuple[list[int], list[float]]:
        """``(labels, nearest)`` of every point, as :func:`_assign` returns them."""
        if self.bounded:
            largest = max(self.largest, max(map(abs, chain.from_iterable(centers))))
            self.reach = max(self.reach, 4.0 * math.sqrt(len(centers[0])) * largest)
        slack = 16.0 * 2.0**-53 * self.reach
        if not (self.bounded and math.isfinite(slack)):  # huge coordinates: no bounds
            labels, nearest = _assign(self.points, centers)
            self.n_compared = len(labels)
            self.lower = []
        elif not self.lower:
            labels, nearest = self._compare_all(centers, slack)
        else:
            labels, nearest = self._skip_bounded(centers, slack)
        self.centers, self.labels = centers, labels
        return labels, nearest

    def _compare_all(
        self, centers: Sequence[Point], slack: float
    ) -> tuple[list[int], list[float]]:
        """:func:`_assign` that also sets every point's bound."""
        labels: list[int] = []
        nearest: list[float] = []
        for start in range(0, len(self.points), _BLOCK):
            block_labels, block_nearest, second = _nearest_two(
                self.points[start : start + _BLOCK], centers
            )
            labels += block_labels
            nearest += block_nearest
            self.lower += map(sub, second, repeat(slack))
        self.n_compared = len(labels)
        return labels, nearest

    def _skip_bounded(
        self, centers: Sequence[Point], slack: float
    ) -> tuple[list[int], list[float]]:
        points = self.points
        shifts = list(map(math.dist, self.centers, centers))
        drop = [max(shifts[:j] + shifts[j + 1 :]) + slack for j in range(len(shifts))]
        labels: list[int] = []
        nearest: list[float] = []
        lower: list[float] = []
        self.n_compared = 0
        for start in range(0, len(points), _BLOCK):
            block = points[start : start + _BLOCK]
            block_labels = self.labels[start : start + _BLOCK]
            own = list(map(math.dist, block, map(centers.__getitem__, block_labels)))
            bound = list(
                map(sub, self.lower[start : start + _BLOCK], map(drop.__getitem__, block_labels))
            )
            # Everything is finite here, so ">=" means "not provably nearest".
            unsure = list(compress(range(len(block)), map(ge, own, bound)))
            if unsure:
                self.n_compared += len(unsure)
                sure_labels, sure_nearest, second = _nearest_two(
                    list(map(block.__getitem__, unsure)), centers
                )
                for i, label, d, d2 in zip(unsure, sure_labels, sure_nearest, second):
                    block_labels[i] = label
                    own[i] = d
                    bound[i] = d2 - slack
            labels += block_labels
            nearest += own
            lower += bound
        self.lower = lower
        return labels, nearest


# ---------------------------------------------------------------------------
# M-step: exact means, moved along


def _sum_of_squares(values: Sequence[float]) -> float:
    return math.fsum(map(mul, values, values))


def _exact_sum(values: Iterable[float]) -> list[float]:
    """The exact sum of ``values`` as a few floats: ``[fsum(values), remainder, ...]``.

    ``fsum`` rounds the exact sum once; fsum of the values and minus that
    result is the rounded remainder, and so on until nothing remains. The
    floats add up exactly to the sum of the values, and the first one is the
    correctly rounded sum. Two or three floats unless the values span hundreds
    of binades (each remainder is at most 2**-53 times the previous one).

    >>> _exact_sum([0.1, 0.2])  # 0.1 + 0.2 rounds up; the remainder says by how much
    [0.30000000000000004, -2.7755575615628914e-17]
    >>> _exact_sum([1e16, 1.0]), _exact_sum([1e16, 1.0, -1e16])
    ([1e+16, 1.0], [1.0])
    """
    terms = list(values)
    parts = [math.fsum(terms)]
    while parts[-1] != 0.0:
        terms.append(-parts[-1])
        remainder = math.fsum(terms)
        if remainder == 0.0:
            break
        parts.append(remainder)
    return parts


class _ClusterSums:
    """Per-cluster sums of every feature, exact, moved along as samples change cluster.

    The first M-step sums every cluster; later ones only add the samples that
    joined a cluster and subtract those that left it (a few percent per
    iteration once the clusters settle). Each sum is kept exactly, as a short
    list of floats (:func:`_exact_sum`), so a mean is the correctly rounded
    sum divided by the count: the same center, to the last bit, as an ``fsum``
    over the whole cluster, however many iterations it took to get there.
    """

    def __init__(self, columns: Sequence[Sequence[float]], n_clusters: int) -> None:
        self.columns = columns
        self.n_clusters = n_clusters
        self.labels: list[int] | None = None  # the labels the sums belong to
        self.counts = [0] * n_clusters
        self.n_moved = len(columns[0])  # samples that changed cluster in the last update
        self.sums: list[list[list[float]]] = []  # sums[j][f]: exact sum of feature f in cluster j

    def update(self, labels: list[int]) -> None:
        """Make the sums those of ``labels`` (which the caller must not change afterwards)."""
        if self.labels is None:
            self.counts = list(map(labels.count, range(self.n_clusters)))
            for j in range(self.n_clusters):
                mask = list(map(eq, labels, repeat(j)))
                self.sums.append([_exact_sum(compress(col, mask)) for col in self.columns])
        else:
            old = self.labels
            joined: list[list[int]] = [[] for _ in range(self.n_clusters)]
            left: list[list[int]] = [[] for _ in range(self.n_clusters)]
            moved = list(compress(range(len(labels)), map(ne, old, labels)))
            for i in moved:
                joined[labels[i]].append(i)
                left[old[i]].append(i)
            for j, (come, go) in enumerate(zip(joined, left)):
                if come or go:
                    self.counts[j] += len(come) - len(go)
                    self.sums[j] = [
                        _exact_sum(
                            chain(
                                s, map(col.__getitem__, come), map(neg, map(col.__getitem__, go))
                            )
                        )
                        for s, col in zip(self.sums[j], self.columns)
                    ]
            self.n_moved = len(moved)
        self.labels = labels

    def means(self) -> dict[int, Point]:
        """The mean of every non-empty cluster."""
        return {
            j: tuple(s[0] / count for s in self.sums[j])
            for j, count in enumerate(self.counts)
            if count
        }


def _update_centers(
    sums: _ClusterSums,
    labels: list[int],
    nearest: list[float],
    n_clusters: int,
) -> list[Point]:
    """M-step: every center becomes the mean of its samples (empty ones re-seeded).

    An empty cluster takes the sample farthest from its current center (largest
    ``nearest``); that sample is counted in the new cluster instead of its old
    one. If every sample sits exactly on its center (more clusters than distinct
    points) nothing moves, and a cluster left empty is put on the center of
    the largest cluster, as scikit-learn does.
    """
    sums.update(labels)
    empty = [j for j in range(n_clusters) if sums.counts[j] == 0]
    if empty and max(nearest) > 0.0:
        labels = labels[:]  # the caller's labels are the E-step's; only the sums move
        farthest = heapq.nlargest(len(empty), range(len(labels)), key=nearest.__getitem__)
        for j, i in zip(empty, farthest):
            labels[i] = j
        sums.update(labels)
    means = sums.means()
    biggest = means[sums.counts.index(max(sums.counts))]
    return [means.get(j, biggest) for j in range(n_clusters)]


def _center_shift(old: Sequence[Point], new: Sequence[Point]) -> float:
    """Total squared movement ``sum_j ||new_j - old_j||^2`` of the centers."""
    return _sum_of_squares(list(map(math.dist, old, new)))


def _mean_variance(columns: Sequence[Sequence[float]]) -> float:
    """Mean over features of the population variance (ddof=0) of each column."""
    total = 0.0
    for col in columns:
        deviations = list(map(sub, col, repeat(math.fsum(col) / len(col))))
        total += _sum_of_squares(deviations) / len(col)
    return total / len(columns)


# ---------------------------------------------------------------------------
# Lloyd


def _lloyd(
    points: list[Point],
    columns: Sequence[Sequence[float]],
    centers: list[Point],
    max_iter: int,
    tol: float,
) -> tuple[list[int], float, list[Point], int, list[float]]:
    """One Lloyd run from ``centers``; ``tol`` is absolute (already scaled by the variance).

    Returns ``(labels, inertia, centers, n_iter, inertia_history)``. The
    history holds J after each E-step, so it is non-increasing, and ends
    with the returned inertia.
    """
    n_clusters = len(centers)
    assign = _Assigner(points, centers)
    sums = _ClusterSums(columns, n_clusters)
    history: list[float] = []
    labels_old: list[int] | None = None
    strict = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - reported below
        labels, nearest = assign(centers)
        history.append(_sum_of_squares(nearest))
        new_centers = _update_centers(sums, labels, nearest, n_clusters)
        shift = _center_shift(centers, new_centers)
        centers, assigned_to = new_centers, centers
        if labels == labels_old:
            strict = True  # same labels -> same centers: a fixed point
            break
        if shift <= tol:
            break
        labels_old = labels
        if sums.n_moved <= _SETTLED * len(points):
            assign.start_bounds()  # bounds now save more than they cost
    if not strict:
        labels, nearest = assign(centers)  # a final E-step: labels match the centers
        assigned_to = centers
    if assigned_to != centers:  # a re-seeded cluster moved at a fixed point
        nearest = list(map(math.dist, points, [centers[j] for j in labels]))
    inertia = _sum_of_squares(nearest)
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
            trials.append((_sum_of_squares(trial), candidate, trial))
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
        _check_positive_int(n_local_trials, "n_local_trials", func)
    centers, indices = _kmeans_plusplus(
        _as_points(X), n_clusters, check_random_state(random_state, func), n_local_trials
    )
    return [list(c) for c in centers], indices


def _check_positive_int(value: Any, name: str, func: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PureposeError(f"{func}: {name}={value!r} must be an int >= 1")
    return value


def _check_n_clusters(n_clusters: Any, n_samples: int, func: str) -> int:
    k = _check_positive_int(n_clusters, "n_clusters", func)
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
    = a fixed seed, so fits are reproducible).

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
    ) -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

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
        _check_positive_int(self.n_init, "n_init", func)
        if given and self.n_init != 1:
            warnings.warn(
                f"{func}: init is a matrix of centers, so n_init={self.n_init} runs "
                "would all be identical; running once",
                RuntimeWarning,
                stacklevel=3,
            )
            return 1
        return self.n_init

    def _check_iteration_params(self, func: str) -> None:
        _check_positive_int(self.max_iter, "max_iter", func)
        if not isinstance(self.tol, (int, float)) or not self.tol >= 0.0:
            raise PureposeError(f"{func}: tol={self.tol!r} must be a number >= 0")

    # -- fitting -----------------------------------------------------------------

    def fit(self, X: Sequence[Sequence[float]]) -> KMeans:
        """Cluster the rows of X (n_samples x n_features) and return self."""
        func = "KMeans.fit"
        n_samples, n_features = check_matrix(X, "X", func)
        k = _check_n_clusters(self.n_clusters, n_samples, func)
        self._check_iteration_params(func)
        given = self._given_centers(n_features, func)
        n_runs = self._n_runs(given is not None, func)
        rng = check_random_state(self.random_state, func)

        points = _as_points(X)
        # one itemgetter pass per feature: zip(*points) would make n iterators for the GC
        columns = [list(map(itemgetter(f), points)) for f in range(n_features)]
        tol = self.tol * _mean_variance(columns) if self.tol > 0 else 0.0

        best = None
        for _ in range(n_runs):
            if given is not None:
                start = given
            elif self.init == "random":
                start = [points[i] for i in rng.sample(range(n_samples), k)]
            else:
                start, _ = _kmeans_plusplus(points, k, rng, None)
            run = _lloyd(points, columns, start, self.max_iter, tol)
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
        labels, _ = _assign(points, _as_points(self.cluster_centers_))
        return labels

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
        _, nearest = _assign(points, _as_points(self.cluster_centers_))
        return -_sum_of_squares(nearest)
