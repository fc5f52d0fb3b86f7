"""k nearest neighbours regression by brute force, with scikit-learn's tie rule.

For a query q, training rows x_0 .. x_{n-1} and their targets y_j:

    D_j  = ||q - x_j||^2 = sum_i (q_i - x_ji)^2      (each square rounded, the sum exactly)
    N(q) = the k training rows with the smallest D_j
    uniform weights:   y_hat = (1/k) sum_{j in N} y_j
    distance weights:  y_hat = sum_{j in N} w_j y_j / sum_{j in N} w_j,   w_j = 1 / sqrt(D_j)

With distance weights a neighbour at distance 0 would get w = infinity;
scikit-learn's rule, followed here: if any neighbour is at distance 0, those
neighbours get weight 1 and the others 0. Sums over the k neighbours are
exactly rounded (``math.fsum``), so a prediction does not depend on their order.

Ties: which k rows when several are tied at the k-th distance? scikit-learn's
brute-force search (``ArgKmin`` in sklearn/metrics/_pairwise_distances_reduction,
one query's heap fed by its chunks of training rows in index order) pushes
every training row, in index order, onto a max-heap of the k best distances
with ``heap_push`` (sklearn/utils/_heap.pyx): a row enters only if it is
strictly closer than the heap's largest distance, and then it replaces the
heap's root. The rows tied at the largest distance sit anywhere in the heap,
and which of them is the root depends on the sift-downs so far, so the rule
is not simply "lowest index first":

    distances to q (rows 0..5): 1, 1, 1, 1, 0, 0, k = 3  ->  rows {4, 5, 1}, not {4, 5, 0}

This module runs that heap, line for line, so it picks the same rows.
The neighbours come back sorted by (distance, index).
(scikit-learn compares its own distances, ||q||^2 - 2 q.x + ||x||^2 rounded;
ties are the same where both are exact, e.g. integer data. Its threaded
``parallel_on_Y`` strategy, chosen for few queries, merges per-thread heaps
and can resolve a tie differently; ``parallel_on_X`` is the rule above.)

Cost per query: n d multiply-adds for the distances and O(n log k) for the
heap; no training (the rows are the model); memory O(n d).

Reference: T. Cover and P. Hart, "Nearest neighbor pattern classification",
IEEE Trans. Information Theory 13 (1967) 21-27.

>>> X = [[1.0], [-1.0], [1.0], [-1.0], [0.0], [0.0]]
>>> kneighbors(X, [0.0], 3)
([0.0, 0.0, 1.0], [4, 5, 1])
"""

from __future__ import annotations

import math

from purepose.types import Matrix, Vector


def squared_distance(a: Vector, b: Vector) -> float:
    """``sum_i (a_i - b_i)^2``: each square rounded once, their sum exactly rounded.

    >>> squared_distance([1.0, 2.0], [4.0, 6.0])
    25.0
    """
    return math.fsum((x - y) * (x - y) for x, y in zip(a, b))


def heap_push(values: Vector, indices: list[int], value: float, index: int) -> None:
    """scikit-learn's ``heap_push``: offer (value, index) to a full max-heap of fixed size.

    ``values[0]`` is the largest. A value not smaller than it is refused;
    otherwise it replaces the root and sinks: at each node it moves below
    the larger child (the left one on equal children) while that child is
    larger than it. Start from values ``[inf] * k`` and indices ``[-1] * k``.

    >>> values, indices = [math.inf] * 2, [-1] * 2
    >>> for j, v in enumerate([3.0, 1.0, 2.0]):
    ...     heap_push(values, indices, v, j)
    >>> values, indices
    ([2.0, 1.0], [2, 1])
    """
    size = len(values)
    if value >= values[0]:
        return
    i = 0
    while True:
        left, right = 2 * i + 1, 2 * i + 2
        if left >= size:
            break
        child = left if right >= size or values[left] >= values[right] else right
        if not value < values[child]:
            break
        values[i], indices[i] = values[child], indices[child]
        i = child
    values[i], indices[i] = value, index


def kneighbors(X: Matrix, q: Vector, k: int) -> tuple[Vector, list[int]]:
    """The k rows of X nearest to q: (Euclidean distances, row indices), by (distance, index).

    >>> kneighbors([[0.0], [3.0], [1.0]], [0.5], 2)
    ([0.5, 0.5], [0, 2])
    """
    values, indices = [math.inf] * k, [-1] * k
    for j, x in enumerate(X):
        heap_push(values, indices, squared_distance(q, x), j)
    nearest = sorted(zip(values, indices))
    return [math.sqrt(v) for v, _ in nearest], [j for _, j in nearest]


def neighbour_weights(distances: Vector, weights: str) -> Vector:
    """w_j = 1 (``"uniform"``) or 1 / distance_j (``"distance"``; zeros take all the weight).

    >>> neighbour_weights([0.5, 2.0], "distance"), neighbour_weights([0.0, 2.0], "distance")
    ([2.0, 0.5], [1.0, 0.0])
    """
    if weights == "uniform":
        return [1.0] * len(distances)
    if 0.0 in distances:
        return [1.0 if d == 0.0 else 0.0 for d in distances]
    return [1.0 / d for d in distances]


def predict(X: Matrix, Y: Matrix, queries: Matrix, k: int, weights: str = "uniform") -> Matrix:
    """``y_hat`` for every query row: the (weighted) mean of its k nearest rows' targets.

    >>> predict([[0.0], [1.0], [5.0]], [[0.0], [2.0], [10.0]], [[0.2]], 2)
    [[1.0]]
    """
    out = []
    for q in queries:
        distances, rows = kneighbors(X, q, k)
        w = neighbour_weights(distances, weights)
        total = math.fsum(w)
        out.append(
            [math.fsum(wj * Y[j][c] for wj, j in zip(w, rows)) / total for c in range(len(Y[0]))]
        )
    return out


__all__ = ["heap_push", "kneighbors", "neighbour_weights", "predict", "squared_distance"]
