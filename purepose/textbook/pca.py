"""Textbook PCA: the covariance, its top eigenvectors by power iteration, the scores.

PCA finds the orthonormal directions ``v_1, ..., v_k`` along which centred
data vary most: the top eigenvectors of the sample covariance

    S = (X - mean)^T (X - mean) / (n - 1)

with variances ``lambda_i = v_i^T S v_i``; the scores are ``z = (x - mean) . v_i``.

Power iteration repeats ``v <- S v / ||S v||``: writing v in the eigenbasis,
``v = sum_i c_i u_i``, after t steps the weight of ``u_i`` relative to ``u_1``
is ``(lambda_i / lambda_1)^t``, so v turns towards ``u_1``. Deflation finds
the next eigenvector by iterating with ``(I - U U^T) S`` (U: the vectors found
so far), which keeps every new vector orthogonal to the found ones.
Eigenvectors have no sign, so each is flipped to make its largest-|entry|
positive (scikit-learn's ``svd_flip``) and outputs compare directly.

``purepose.fast.pca.PCA(algorithm="textbook")`` runs this module; its default
(``"subspace"``, :mod:`purepose.fast.eigensolvers`) moves a block of vectors at
once. ``tests/textbook/test_pca.py`` holds the two to the same subspace, within
the bound that the residuals and the eigengap give.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
2013, section 7.3.1; I. T. Jolliffe, *Principal Component Analysis*, 2nd ed.,
Springer, 2002.

>>> import random
>>> X = [[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]]
>>> mean, components, variances, n_iter = pca(X, 1, random.Random(0))
>>> [[round(c, 6) + 0.0 for c in v] for v in components], [round(v, 6) for v in variances]
([[1.0, 0.0]], [2.666667])
"""

from __future__ import annotations

import math
import random
import sys
import warnings

from purepose.errors import ConvergenceWarning
from purepose.types import Matrix, Vector

from .linalg import covariance, dot, mean

__all__ = ["flip_signs", "pca", "power_iteration", "project_out", "scores"]


def project_out(w: Vector, basis: Matrix) -> Vector:
    """``(I - U U^T) w`` for orthonormal rows U, by Gram-Schmidt applied twice.

    One pass removes ``(u . w) u`` for each u; when w lies almost in span(U)
    that leaves a rounding-sized error, and a second pass removes it
    (Kahan-Parlett: "twice is enough").

    >>> project_out([1.0, 1.0], [[1.0, 0.0]])
    [0.0, 1.0]
    """
    for _ in range(2):
        for u in basis:
            c = dot(u, w)
            w = [w[i] - c * u[i] for i in range(len(w))]
    return w


def flip_signs(vectors: Matrix) -> Matrix:
    """Make the largest-|value| entry of every row positive (the first one on ties).

    >>> flip_signs([[0.6, -0.8]])
    [[-0.6, 0.8]]
    """
    flipped = []
    for v in vectors:
        biggest = max(range(len(v)), key=lambda j: abs(v[j]))
        sign = -1.0 if v[biggest] < 0.0 else 1.0
        flipped.append([sign * x + 0.0 for x in v])  # + 0.0 turns -0.0 into 0.0
    return flipped


def power_iteration(
    S: Matrix, n_components: int, rng: random.Random, max_iter: int = 1000, tol: float = 1e-12
) -> tuple[Vector, Matrix, list[int]]:
    """Top eigenpairs of a symmetric PSD matrix S by power iteration with deflation.

    For each component: a random unit start v orthogonal to the found vectors
    U, then repeat ``w = (I - U U^T) S v``, ``lambda = v . w``, ``v <- w / ||w||``
    until v changes by at most ``tol`` (sign-invariant:
    ``min(||v_new - v||, ||v_new + v||)``) or the residual ``||w - lambda v||``
    reaches rounding, ``16 sqrt(d) eps ||S||_F``. Returns
    ``(eigenvalues, eigenvectors, n_iter)``, eigenvalues descending
    (clipped at 0), eigenvectors as sign-flipped rows. O(k d^2) per step.

    >>> values, vectors, _ = power_iteration([[4.0, 1.0], [1.0, 3.0]], 2, random.Random(0))
    >>> [round(x, 12) for x in values], [[round(x, 6) for x in v] for v in vectors]
    ([4.61803398875, 2.38196601125], [[0.850651, 0.525731], [-0.525731, 0.850651]])
    """
    d = len(S)
    floor = 16.0 * math.sqrt(d) * sys.float_info.epsilon * math.hypot(*(x for r in S for x in r))
    values, vectors, n_iter = [], [], []
    for i in range(n_components):
        v = project_out([rng.gauss(0.0, 1.0) for _ in range(d)], vectors)
        length = math.hypot(*v)
        v = [x / length for x in v]
        for t in range(1, max_iter + 1):  # noqa: B007 - `t` is reported below
            w = project_out([dot(row, v) for row in S], vectors)
            lam = dot(v, w)
            if math.hypot(*(w[j] - lam * v[j] for j in range(d))) <= floor:
                break  # v is an eigenvector to working precision
            length = math.hypot(*w)
            v_new = [x / length for x in w]
            change = min(math.dist(v_new, v), math.dist(v_new, [-x for x in v]))
            v = v_new
            if change <= tol:
                break
        else:
            warnings.warn(f"power_iteration: component {i} not converged", ConvergenceWarning, 2)
        values.append(max(dot(v, [dot(row, v) for row in S]), 0.0))  # the Rayleigh quotient
        vectors.append(v)
        n_iter.append(t)
    order = sorted(range(n_components), key=lambda i: -values[i])
    return [values[i] for i in order], flip_signs([vectors[i] for i in order]), n_iter


def pca(
    X: Matrix, n_components: int, rng: random.Random, max_iter: int = 1000, tol: float = 1e-12
) -> tuple[Vector, Matrix, Vector, list[int]]:
    """PCA of the rows of X: ``(mean, components, explained_variance, n_iter)``.

    The mean and the two-pass sample covariance (ddof = 1), then
    :func:`power_iteration` on it. Shapes: X n x d; components k x d.

    >>> mean_, components, variances, _ = pca([[1.0, 1.0], [-1.0, -1.0]], 1, random.Random(0))
    >>> mean_, [[round(c, 6) for c in v] for v in components], [round(v, 12) for v in variances]
    ([0.0, 0.0], [[0.707107, 0.707107]], [4.0])
    """
    values, vectors, n_iter = power_iteration(covariance(X), n_components, rng, max_iter, tol)
    return mean(X), vectors, values, n_iter


def scores(X: Matrix, mean: Vector, components: Matrix) -> Matrix:
    """Scores ``z_ij = (x_i - mean) . v_j``: centre each row, then project it.

    >>> scores([[3.0, 1.0]], [1.0, 1.0], [[1.0, 0.0]])
    [[2.0]]
    """
    rows = [[x[j] - mean[j] for j in range(len(mean))] for x in X]
    return [[dot(row, v) for v in components] for row in rows]
