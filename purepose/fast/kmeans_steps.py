"""The fast k-means steps: blocked and Hamerly-bounded E-steps, an exact incremental M-step.

Lloyd's algorithm (:mod:`purepose.textbook.kmeans`) alternates an E-step
(every sample to its nearest center) and an M-step (every center to the mean
of its samples). :class:`purepose.fast.kmeans.KMeans` drives it with the pieces of
this module, each named for what it buys and each giving the textbook floats
to the last bit (``tests/textbook/test_kmeans.py``):

* :func:`assign_nearest` (E-step, *blocking*): one ``math.dist`` pass per center
  over a block of 1024 points keeps the k distance columns in cache, 30%
  faster than whole columns at n = 140,000. O(n k d).
* :class:`BoundedAssigner` (E-step, *Hamerly bounds*): once the clusters settle,
  skips the points whose nearest center provably stayed the same, with a
  rounding slack so labels and distances stay exactly those of
  :func:`assign_nearest`. O(n d) plus O(k d) per unsure point.
* :class:`ExactClusterSums` and :func:`update_centers` (M-step, *exact
  incremental sums*): each cluster's sum of every feature kept exactly (a few
  floats, :func:`exact_sum`) and moved by the samples that changed cluster
  only, so a center is, to the last bit, the ``math.fsum`` mean of its cluster.
  O(n) to find the moved samples plus O(d) per moved sample.

References: G. Hamerly, "Making k-means even faster", SIAM Data Mining 2010,
130-140; J. R. Shewchuk, "Adaptive precision floating-point arithmetic",
Discrete & Computational Geometry 18 (1997) (exact sums as float expansions).

>>> assign_nearest([(0.0,), (4.0,)], [(1.0,), (3.0,)])
([0, 1], [1.0, 1.0])

Tests: ``tests/textbook/test_kmeans.py`` holds it equal to the textbook;
``tests/fast/test_kmeans.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from itertools import chain, compress, repeat
from operator import eq, ge, itemgetter, mul, ne, neg, sub

__all__ = [
    "BLOCK",
    "BoundedAssigner",
    "ExactClusterSums",
    "Point",
    "assign_nearest",
    "center_shift",
    "exact_sum",
    "mean_variance",
    "sum_of_squares",
    "update_centers",
]

Point = tuple[float, ...]
BLOCK = 1024  # points per E-step block (see assign_nearest)


# ---------------------------------------------------------------------------
# E-step: nearest centers


def assign_nearest(points: list[Point], centers: Sequence[Point]) -> tuple[list[int], list[float]]:
    """E-step: index of the nearest center of every point, and the distance to it.

    One ``math.dist`` pass per center gives the k distance columns; ``min``
    over a point's k distances, then ``tuple.index`` returns the first (lowest)
    index on ties. O(n k d). Blocks of points keep the k distance columns in
    the CPU cache (their floats are freed and reused block after block):
    30% faster than whole columns for n = 140,000.

    >>> assign_nearest([(0.0,), (2.0,)], [(1.0,), (3.0,)])
    ([0, 0], [1.0, 1.0])
    """
    if len(centers) == 1:
        return [0] * len(points), list(map(math.dist, points, repeat(centers[0])))
    labels: list[int] = []
    nearest: list[float] = []
    for start in range(0, len(points), BLOCK):
        block = points[start : start + BLOCK]
        distances = [list(map(math.dist, block, repeat(c))) for c in centers]
        block_nearest = list(map(min, *distances))
        labels += map(tuple.index, zip(*distances), block_nearest)
        nearest += block_nearest
    return labels, nearest


def _nearest_two(
    points: Sequence[Point], centers: Sequence[Point]
) -> tuple[list[int], list[float], list[float]]:
    """:func:`assign_nearest` for k >= 2 centers, plus every distance to the second-nearest."""
    distances = [list(map(math.dist, points, repeat(c))) for c in centers]
    nearest = list(map(min, *distances))
    labels = list(map(tuple.index, zip(*distances), nearest))
    second = list(map(itemgetter(1), map(sorted, zip(*distances))))
    return labels, nearest, second


class BoundedAssigner:
    """E-steps of one Lloyd run; once the clusters settle, they skip the points that cannot move.

    Hamerly's bound: keep, for every point, ``lower`` <= its distance to every
    center other than its own. When center j moves by ``shift_j``, no other
    center comes nearer than ``lower - max(shift_j, j != own)`` (triangle
    inequality). A point whose distance to its own, moved center is below
    that bound keeps its label; only the others are compared with all k
    centers (and get a fresh bound). Labels and distances are exactly those
    of :func:`assign_nearest`: a ``slack`` of 16 units of roundoff times ``reach`` (a
    bound on every distance and shift: twice the largest coordinate of the
    points and centers, times sqrt(d), times 2) is taken off every bound. It
    covers the rounding of the computed distances, shifts and bounds, so a
    near-tie is never decided by a bound.

    Bounds cost n distances and a few passes over n per E-step, and pay once
    few points change cluster: ``start_bounds`` is called when at most 2%
    (``purepose.fast.kmeans._SETTLED``) did in the last M-step; the bound then
    leaves about ten times as many points unsure as changed cluster. Until
    then every E-step is :func:`assign_nearest`. Reference: G. Hamerly,
    "Making k-means even faster", SIAM Data Mining 2010, 130-140.

    >>> assign = BoundedAssigner([(0.0,), (1.0,), (9.0,)], [(0.0,), (9.0,)])
    >>> assign.start_bounds()
    >>> assign([(0.0,), (9.0,)]), assign([(0.5,), (9.0,)]), assign.n_compared
    (([0, 0, 1], [0.0, 1.0, 0.0]), ([0, 0, 1], [0.5, 0.5, 0.0]), 0)
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
        """``(labels, nearest)`` of every point, as :func:`assign_nearest` returns them."""
        if self.bounded:
            largest = max(self.largest, max(map(abs, chain.from_iterable(centers))))
            self.reach = max(self.reach, 4.0 * math.sqrt(len(centers[0])) * largest)
        slack = 16.0 * 2.0**-53 * self.reach
        if not (self.bounded and math.isfinite(slack)):  # huge coordinates: no bounds
            labels, nearest = assign_nearest(self.points, centers)
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
        """:func:`assign_nearest` that also sets every point's bound."""
        labels: list[int] = []
        nearest: list[float] = []
        for start in range(0, len(self.points), BLOCK):
            block_labels, block_nearest, second = _nearest_two(
                self.points[start : start + BLOCK], centers
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
        for start in range(0, len(points), BLOCK):
            block = points[start : start + BLOCK]
            block_labels = self.labels[start : start + BLOCK]
            own = list(map(math.dist, block, map(centers.__getitem__, block_labels)))
            bound = list(
                map(sub, self.lower[start : start + BLOCK], map(drop.__getitem__, block_labels))
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


def sum_of_squares(values: Sequence[float]) -> float:
    """``fsum(v * v for v in values)``: the exactly rounded sum of squares.

    >>> sum_of_squares([3.0, 4.0])
    25.0
    """
    return math.fsum(map(mul, values, values))


def exact_sum(values: Iterable[float]) -> list[float]:
    """The exact sum of ``values`` as a few floats: ``[fsum(values), remainder, ...]``.

    ``fsum`` rounds the exact sum once; fsum of the values and minus that
    result is the rounded remainder, and so on until nothing remains. The
    floats add up exactly to the sum of the values, and the first one is the
    correctly rounded sum. Two or three floats unless the values span hundreds
    of binades (each remainder is at most 2**-53 times the previous one).

    >>> exact_sum([0.1, 0.2])  # 0.1 + 0.2 rounds up; the remainder says by how much
    [0.30000000000000004, -2.7755575615628914e-17]
    >>> exact_sum([1e16, 1.0]), exact_sum([1e16, 1.0, -1e16])
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


class ExactClusterSums:
    """Per-cluster sums of every feature, exact, moved along as samples change cluster.

    The first M-step sums every cluster; later ones only add the samples that
    joined a cluster and subtract those that left it (a few percent per
    iteration once the clusters settle). Each sum is kept exactly, as a short
    list of floats (:func:`exact_sum`), so a mean is the correctly rounded
    sum divided by the count: the same center, to the last bit, as an ``fsum``
    over the whole cluster, however many iterations it took to get there.

    >>> sums = ExactClusterSums([[0.1, 0.2, 0.3]], 2)
    >>> sums.update([0, 0, 1]); sums.update([0, 1, 1]); sums.means()
    {0: (0.1,), 1: (0.25,)}
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
                self.sums.append([exact_sum(compress(col, mask)) for col in self.columns])
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
                        exact_sum(
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


def update_centers(
    sums: ExactClusterSums,
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

    >>> sums = ExactClusterSums([[0.0, 1.0, 5.0]], 2)
    >>> update_centers(sums, [0, 0, 0], [2.0, 1.0, 3.0], 2)
    [(0.5,), (5.0,)]
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


def center_shift(old: Sequence[Point], new: Sequence[Point]) -> float:
    """Total squared movement ``sum_j ||new_j - old_j||^2`` of the centers.

    >>> center_shift([(0.0, 0.0), (1.0, 1.0)], [(3.0, 4.0), (1.0, 1.0)])
    25.0
    """
    return sum_of_squares(list(map(math.dist, old, new)))


def mean_variance(columns: Sequence[Sequence[float]]) -> float:
    """Mean over features of the population variance (ddof=0) of each column.

    >>> mean_variance([[0.0, 2.0], [0.0, 4.0]])
    2.5
    """
    total = 0.0
    for col in columns:
        deviations = list(map(sub, col, repeat(math.fsum(col) / len(col))))
        total += sum_of_squares(deviations) / len(col)
    return total / len(columns)
