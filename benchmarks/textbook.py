"""The textbook versions: index loops, the way a from-scratch answer writes them.

These are the baselines of the "textbook" column: what an interview answer
or a first course writes without numpy (``for i ... for j ... for k ...:
total += A[i][k] * B[k][j]``). They are correct but make the interpreter do
every multiply-add; purepose's kernels push the inner loops into C. They are
deliberately plain: no ``zip``, no ``map``, no ``sum`` over generators.
"""

from __future__ import annotations

import math

# purepose keeps its own textbook versions of these two for tests and teaching;
# the benchmark races exactly those rather than a second copy.
from purepose.linalg import _reference_cholesky as cholesky
from purepose.linalg import _reference_matmul as matmul

__all__ = ["cholesky", "covariance", "kmeans", "matmul", "pca_fit_transform"]

Vector = list[float]
Matrix = list[list[float]]


def column_means(X: Matrix) -> Vector:
    n, d = len(X), len(X[0])
    means = [0.0] * d
    for i in range(n):
        for j in range(d):
            means[j] += X[i][j]
    for j in range(d):
        means[j] /= n
    return means


def covariance(X: Matrix) -> Matrix:
    """Two-pass sample covariance: means, then ``C[a][b] += (x_a - m_a)(x_b - m_b)``. O(n d^2)."""
    n, d = len(X), len(X[0])
    means = column_means(X)
    C = [[0.0] * d for _ in range(d)]
    for i in range(n):
        for a in range(d):
            for b in range(d):
                C[a][b] += (X[i][a] - means[a]) * (X[i][b] - means[b])
    for a in range(d):
        for b in range(d):
            C[a][b] /= n - 1
    return C


def _matvec(S: Matrix, v: Vector) -> Vector:
    d = len(v)
    w = [0.0] * d
    for i in range(d):
        for j in range(d):
            w[i] += S[i][j] * v[j]
    return w


def _norm(v: Vector) -> float:
    total = 0.0
    for x in v:
        total += x * x
    return math.sqrt(total)


def power_iteration(
    S: Matrix, n_components: int, max_iter: int = 1000, tol: float = 1e-12
) -> tuple[Vector, Matrix]:
    """Top eigenpairs by power iteration with Hotelling deflation ``S -= lambda v v^T``."""
    d = len(S)
    S = [row[:] for row in S]
    values: Vector = []
    vectors: Matrix = []
    for _ in range(n_components):
        v = [1.0 / math.sqrt(d)] * d
        for _ in range(max_iter):
            w = _matvec(S, v)
            length = _norm(w)
            w = [x / length for x in w]
            change = 0.0
            for i in range(d):
                change += (w[i] - v[i]) ** 2
            v = w
            if math.sqrt(change) <= tol:
                break
        Sv = _matvec(S, v)
        lam = 0.0
        for i in range(d):
            lam += v[i] * Sv[i]
        for i in range(d):
            for j in range(d):
                S[i][j] -= lam * v[i] * v[j]
        values.append(lam)
        vectors.append(v)
    return values, vectors


def pca_fit_transform(X: Matrix, n_components: int) -> tuple[Vector, Matrix, Matrix]:
    """Textbook PCA: covariance, power iteration, then scores ``z_j = (x - mean) . v_j``.

    Returns ``(explained_variance, components, scores)``.
    """
    n, d = len(X), len(X[0])
    means = column_means(X)
    values, vectors = power_iteration(covariance(X), n_components)
    scores = [[0.0] * n_components for _ in range(n)]
    for i in range(n):
        for c in range(n_components):
            total = 0.0
            for j in range(d):
                total += (X[i][j] - means[j]) * vectors[c][j]
            scores[i][c] = total
    return values, vectors, scores


def _nearest(X: Matrix, centers: Matrix) -> list[int]:
    n, k, d = len(X), len(centers), len(X[0])
    labels = [0] * n
    for i in range(n):
        best, best_dist = 0, math.inf
        for j in range(k):
            dist = 0.0
            for t in range(d):
                diff = X[i][t] - centers[j][t]
                dist += diff * diff
            if dist < best_dist:
                best, best_dist = j, dist
        labels[i] = best
    return labels


def kmeans(X: Matrix, centers: Matrix, max_iter: int) -> tuple[Matrix, list[int], int]:
    """Lloyd's algorithm with nested loops from the given centers.

    Each iteration assigns every point to its nearest center, stops if no label
    changed, then moves each center to the mean of its points. A last
    assignment makes the labels match the final centers (as scikit-learn does).
    Returns ``(centers, labels, n_iter)``. O(n k d) per iteration.
    """
    n, k, d = len(X), len(centers), len(X[0])
    centers = [c[:] for c in centers]
    labels: list[int] = []
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - reported below
        new_labels = _nearest(X, centers)
        if new_labels == labels:
            break
        labels = new_labels
        sums = [[0.0] * d for _ in range(k)]
        counts = [0] * k
        for i in range(n):
            j = labels[i]
            counts[j] += 1
            for t in range(d):
                sums[j][t] += X[i][t]
        for j in range(k):
            if counts[j] > 0:
                for t in range(d):
                    centers[j][t] = sums[j][t] / counts[j]
    return centers, _nearest(X, centers), n_iter
