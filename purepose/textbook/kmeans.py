"""Textbook k-means: k-means++ seeding, then Lloyd's E-step and M-step until nothing moves.

k-means looks for k centers minimizing the inertia

    J = sum_i ||x_i - c_{label_i}||^2.

Lloyd's algorithm alternates two steps, each of which can only lower J:

* E-step: ``label_i = argmin_j ||x_i - c_j||`` (ties to the lowest j);
* M-step: ``c_j = mean of the samples labelled j`` (the mean minimizes the
  sum of squared distances). An empty cluster takes the sample farthest from
  its center (scikit-learn's rule), and one left with no sample at all goes
  on the largest cluster's mean.

It stops when the labels repeat, when the centers move less than ``tol``
(``sum_j ||c_j' - c_j||^2``), or after ``max_iter`` steps (then one more
E-step makes the labels match the centers). k-means++ seeds it: each next
center is drawn with probability proportional to ``D(x)^2``, the squared
distance to the nearest center so far; the greedy variant tries
``2 + floor(ln k)`` draws and keeps the one that lowers ``sum_x D(x)^2`` most.

Distances are ``math.dist`` and sums ``math.fsum`` (exactly rounded), so
``purepose.fast.kmeans.KMeans`` (blocked, bounded, incremental; the same rules)
gives the same labels, centers, inertia and ``n_iter_`` to the last bit
(``tests/textbook/test_kmeans.py``); ``KMeans(algorithm="textbook")`` runs this.

References: S. P. Lloyd, IEEE Trans. Information Theory 28 (1982) 129-137;
D. Arthur and S. Vassilvitskii, "k-means++", SODA 2007, 1027-1035.

>>> X = [[0.0], [1.0], [10.0], [11.0]]
>>> labels, inertia, centers, n_iter, _ = lloyd(X, [[0.0], [1.0]], max_iter=10, tol=0.0)
>>> labels, inertia, centers
([0, 0, 1, 1], 1.0, [[0.5], [10.5]])
"""

from __future__ import annotations

import math
import random

from purepose.types import Matrix, Vector

__all__ = ["kmeans_plusplus", "lloyd", "mean_variance", "nearest_centers", "update_centers"]


def nearest_centers(X: Matrix, centers: Matrix) -> tuple[list[int], Vector]:
    """E-step: the index of each sample's nearest center (lowest on ties) and the distance.

    >>> nearest_centers([[0.0], [2.0]], [[1.0], [3.0]])
    ([0, 0], [1.0, 1.0])
    """
    labels, distances = [], []
    for x in X:
        d = [math.dist(x, c) for c in centers]
        labels.append(d.index(min(d)))
        distances.append(min(d))
    return labels, distances


def update_centers(X: Matrix, labels: list[int], distances: Vector, k: int) -> Matrix:
    """M-step: every center becomes the mean of its samples; empty clusters are re-seeded.

    Each empty cluster takes one of the samples farthest from their centers
    (largest distance first, lower index on ties); that sample counts for
    its new cluster in this M-step. A cluster still empty (every sample sits
    on its center) goes on the mean of the largest cluster.

    >>> update_centers([[0.0], [1.0], [5.0]], [0, 0, 0], [2.0, 1.0, 3.0], 2)
    [[0.5], [5.0]]
    """
    labels = labels[:]
    empty = [j for j in range(k) if j not in labels]
    if empty and max(distances) > 0.0:
        farthest = sorted(range(len(X)), key=lambda i: distances[i], reverse=True)
        for j, i in zip(empty, farthest):
            labels[i] = j
    counts = [labels.count(j) for j in range(k)]
    means = {}
    for j in range(k):
        members = [X[i] for i in range(len(X)) if labels[i] == j]
        if members:
            means[j] = [math.fsum(x[f] for x in members) / counts[j] for f in range(len(X[0]))]
    biggest = means[counts.index(max(counts))]
    return [means.get(j, biggest) for j in range(k)]


def mean_variance(X: Matrix) -> float:
    """Mean over features of each column's variance (ddof = 0): the scale of ``tol``.

    >>> mean_variance([[0.0, 0.0], [2.0, 4.0]])
    2.5
    """
    n, total = len(X), 0.0
    for f in range(len(X[0])):
        m = math.fsum(x[f] for x in X) / n
        total += math.fsum((x[f] - m) * (x[f] - m) for x in X) / n
    return total / len(X[0])


def lloyd(
    X: Matrix, centers: Matrix, max_iter: int, tol: float
) -> tuple[list[int], float, Matrix, int, Vector]:
    """Lloyd's iterations from ``centers``: ``(labels, inertia, centers, n_iter, history)``.

    ``history`` holds J after each E-step (non-increasing) and ends with the
    returned inertia. ``tol`` is absolute (the estimator scales it).

    >>> lloyd([[0.0], [2.0], [9.0]], [[0.0], [9.0]], max_iter=5, tol=0.0)[:4]
    ([0, 0, 1], 2.0, [[1.0], [9.0]], 2)
    """
    previous, used, n_iter, strict = None, centers, 0, False
    history: Vector = []
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - reported below
        labels, distances = nearest_centers(X, centers)
        history.append(math.fsum(d * d for d in distances))
        new = update_centers(X, labels, distances, len(centers))
        moves = [math.dist(a, b) for a, b in zip(centers, new)]
        used, centers = centers, new
        if labels == previous:
            strict = True  # same labels, so the same centers: a fixed point
            break
        if math.fsum(m * m for m in moves) <= tol:
            break
        previous = labels
    if not strict:  # stopped by tol or max_iter: one more E-step matches labels to centers
        labels, distances = nearest_centers(X, centers)
        used = centers
    if used != centers:  # a re-seeded cluster moved at the fixed point
        distances = [math.dist(X[i], centers[labels[i]]) for i in range(len(X))]
    inertia = math.fsum(d * d for d in distances)
    if strict:
        history[-1] = inertia  # J of the final labels and centers
    else:
        history.append(inertia)
    return labels, inertia, centers, n_iter, history


def kmeans_plusplus(
    X: Matrix, k: int, rng: random.Random, n_local_trials: int | None = None
) -> list[int]:
    """Greedy k-means++: the indices of k samples chosen as initial centers.

    The first uniformly at random; each next one: draw ``n_local_trials``
    candidates with ``P(i) = D(x_i)^2 / sum_j D(x_j)^2`` and keep the one that
    gives the smallest potential ``sum_x min(D(x), ||x - candidate||)^2``.

    >>> kmeans_plusplus([[0.0], [0.1], [5.0], [9.0]], 2, random.Random(0))
    [3, 1]
    """
    trials = 2 + int(math.log(k)) if n_local_trials is None else n_local_trials
    indices = [rng.randrange(len(X))]
    closest = [math.dist(x, X[indices[0]]) for x in X]  # D(x)
    for _ in range(1, k):
        cumulative, total = [], 0.0
        for d in closest:
            total += d * d
            cumulative.append(total)
        best = None
        for _ in range(trials):
            r = rng.random() * total  # the first i with cumulative[i] > r has P(i)
            c = next((i for i, s in enumerate(cumulative) if s > r), len(X) - 1)
            trial = [min(d, math.dist(x, X[c])) for d, x in zip(closest, X)]
            potential = math.fsum(d * d for d in trial)
            if best is None or potential < best[0]:
                best = (potential, c, trial)
        _, chosen, closest = best
        indices.append(chosen)
    return indices
