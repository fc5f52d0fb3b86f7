"""Textbook linear algebra: the loops of a first course, one formula per function.

Vectors are ``list[float]``, matrices row-major ``list[list[float]]``. Nothing
here is checked: the public functions of :mod:`purepose.fast.linalg` validate and
these assume a valid input (square where square is needed, finite, right
shapes). Each function is the definition its fast twin in
``purepose.fast.blas`` / ``purepose.fast.decompositions`` / ``purepose.fast.comoments`` is
tested against (``tests/textbook/test_linalg.py``): with the same order of
operations, dot, matmul, Cholesky, the triangular solves and Householder
least squares give the same floats as the fast layer on CPython 3.11, where
the fast ``sumprod`` adds left to right; on 3.12+ ``math.sumprod`` is
compensated and they agree to rounding. The covariance here is two-pass and
the fast one shifted, so they agree to rounding everywhere.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
2013, sections 1.1, 3.1, 4.2 and 5.1-5.3.

>>> matmul([[1.0, 2.0]], [[3.0], [4.0]])
[[11.0]]
"""

from __future__ import annotations

import math
import sys

from purepose.errors import NotPositiveDefiniteError, RankDeficientError
from purepose.types import Matrix, Vector

__all__ = [
    "back_substitution",
    "cholesky",
    "cholesky_solve",
    "covariance",
    "dot",
    "forward_substitution",
    "householder_reflector",
    "lstsq",
    "matmul",
    "mean",
    "reflect",
    "transpose",
]


def dot(a: Vector, b: Vector) -> float:
    """Inner product ``a . b = sum_i a_i b_i``, added left to right.

    >>> dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    32.0
    """
    total = 0.0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


def transpose(A: Matrix) -> Matrix:
    """``(A^T)_ij = A_ji``.

    >>> transpose([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    """
    return [[A[i][j] for i in range(len(A))] for j in range(len(A[0]))]


def matmul(A: Matrix, B: Matrix) -> Matrix:
    """Matrix product ``(A B)_ij = sum_p A_ip B_pj``, the triple loop; O(m k n).

    >>> matmul([[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]])
    [[2.0, 1.0], [4.0, 3.0]]
    """
    m, k, n = len(A), len(B), len(B[0])
    C = [[0.0] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            total = 0.0
            for p in range(k):
                total += A[i][p] * B[p][j]
            C[i][j] = total
    return C


def mean(X: Matrix) -> Vector:
    """Column means ``mean_j = (1/n) sum_i X_ij`` (``math.fsum``: the sum rounded once).

    >>> mean([[1.0, 10.0], [3.0, 30.0]])
    [2.0, 20.0]
    """
    n = len(X)
    return [math.fsum(X[i][j] for i in range(n)) / n for j in range(len(X[0]))]


def covariance(X: Matrix, ddof: int = 1) -> Matrix:
    """Two-pass sample covariance ``C_ab = sum_i (x_ia - m_a)(x_ib - m_b) / (n - ddof)``.

    First the means m, then the centred products: never ``sum x x^T - n m m^T``,
    which cancels when the data sit far from zero. O(n d^2).

    >>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    [[1.0, 2.0], [2.0, 4.0]]
    """
    n, d = len(X), len(X[0])
    m = mean(X)
    C = [[0.0] * d for _ in range(d)]
    for x in X:  # one row at a time: each entry still sums over i in order
        for a in range(d):
            for b in range(d):
                C[a][b] += (x[a] - m[a]) * (x[b] - m[b])
    return [[c / (n - ddof) for c in row] for row in C]


def cholesky(A: Matrix) -> Matrix:
    """The lower triangular L with ``A = L L^T``, row by row (Cholesky-Banachiewicz).

        L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj      for j < i
        L_ii = sqrt(A_ii - sum_{k<i} L_ik^2)             (the pivot must be > 0)

    O(n^3 / 6). A pivot <= 0 means A is not positive definite.

    >>> cholesky([[4.0, 2.0], [2.0, 5.0]])
    [[2.0, 0.0], [1.0, 2.0]]
    >>> cholesky([[1.0, 2.0], [2.0, 1.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.NotPositiveDefiniteError: cholesky: A is not positive definite (pivot 1 = -3)
    """
    n = len(A)
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = 0.0
            for k in range(j):
                s += L[i][k] * L[j][k]
            if j < i:
                L[i][j] = (A[i][j] - s) / L[j][j]
                continue
            pivot = A[i][i] - s
            if not pivot > 0.0:  # also catches NaN
                raise NotPositiveDefiniteError(
                    f"cholesky: A is not positive definite (pivot {i} = {pivot:.6g})", i, pivot
                )
            L[i][i] = math.sqrt(pivot)
    return L


def forward_substitution(L: Matrix, b: Vector) -> Vector:
    """Solve ``L x = b``, L lower triangular: ``x_i = (b_i - sum_{j<i} L_ij x_j) / L_ii``.

    >>> forward_substitution([[2.0, 0.0], [1.0, 1.0]], [4.0, 5.0])
    [2.0, 3.0]
    """
    x: Vector = []
    for i in range(len(b)):
        s = 0.0
        for j in range(i):
            s += L[i][j] * x[j]
        x.append((b[i] - s) / L[i][i])
    return x


def back_substitution(U: Matrix, b: Vector) -> Vector:
    """Solve ``U x = b``, U upper triangular: ``x_i = (b_i - sum_{j>i} U_ij x_j) / U_ii``.

    >>> back_substitution([[2.0, 1.0], [0.0, 4.0]], [4.0, 8.0])
    [1.0, 2.0]
    """
    n = len(b)
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        s = 0.0
        for j in range(i + 1, n):
            s += U[i][j] * x[j]
        x[i] = (b[i] - s) / U[i][i]
    return x


def cholesky_solve(L: Matrix, b: Vector) -> Vector:
    """Solve ``A x = b`` given ``A = L L^T``: ``L y = b``, then ``L^T x = y``.

    >>> cholesky_solve(cholesky([[4.0, 2.0], [2.0, 5.0]]), [8.0, 12.0])
    [1.0, 2.0]
    """
    return back_substitution(transpose(L), forward_substitution(L, b))


def householder_reflector(x: Vector) -> tuple[Vector, float, float]:
    """``H = I - tau v v^T`` with ``v_0 = 1`` and ``H x = (beta, 0, ..., 0)``.

    ``beta = -sign(x_0) ||x||`` (no cancellation in ``x_0 - beta``; LAPACK's
    choice), ``v = (1, x_1.. / (x_0 - beta))``, ``tau = (beta - x_0) / beta``;
    ``tau = 0`` (H = I) when x is already zero below its first entry.

    >>> householder_reflector([3.0, 4.0])
    ([1.0, 0.5], 1.6, -5.0)
    """
    alpha = x[0]
    sigma = math.hypot(*x[1:])  # the norm of the part to annihilate
    if sigma == 0.0:
        return [1.0] + [0.0] * (len(x) - 1), 0.0, alpha
    beta = -math.copysign(math.hypot(alpha, sigma), alpha)
    v = [1.0] + [xi / (alpha - beta) for xi in x[1:]]
    return v, (beta - alpha) / beta, beta


def reflect(v: Vector, tau: float, y: Vector) -> Vector:
    """``H y = (I - tau v v^T) y = y - (tau v . y) v``.

    >>> reflect([1.0, 0.5], 1.6, [3.0, 4.0])
    [-5.0, 0.0]
    """
    c = tau * dot(v, y)
    return [y[i] - c * v[i] for i in range(len(y))]


def lstsq(A: Matrix, B: Matrix, rcond: float | None = None) -> Matrix:
    """Least squares ``X = argmin ||A X - B||`` by Householder QR (A is m x n, m >= n).

    Step k reflects column k of A onto ``(beta, 0, ..., 0)`` below row k and
    applies the same reflection to the later columns and to B. Then
    ``A = Q R`` and ``||A x - b||^2 = ||R x - (Q^T b)_{:n}||^2 + ||(Q^T b)_{n:}||^2``,
    so x solves ``R x = (Q^T b)_{:n}`` by back substitution. Column k counts as
    dependent on the earlier ones when ``|R_kk| <= rcond ||a_k||``
    (``rcond = 10 max(m, n) eps`` by default). O(2 m n^2 + 4 m n k).

    >>> X = lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [[1.0], [2.0], [3.0]])
    >>> [[round(x, 12) for x in row] for row in X]
    [[1.0], [1.0]]
    >>> lstsq([[1.0, 2.0], [2.0, 4.0]], [[1.0], [2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.RankDeficientError: lstsq: A is rank deficient: column 1 is ...
    """
    m, n = len(A), len(A[0])
    columns, rhs = transpose(A), transpose(B)
    R = [[0.0] * n for _ in range(n)]
    for k in range(n):
        v, tau, R[k][k] = householder_reflector(columns[k][k:])
        for j in range(k + 1, n):
            columns[j][k:] = reflect(v, tau, columns[j][k:])
            R[k][j] = columns[j][k]
        for b in rhs:
            b[k:] = reflect(v, tau, b[k:])
    rcond = 10.0 * max(m, n) * sys.float_info.epsilon if rcond is None else rcond
    for k in range(n):
        column_norm = math.hypot(*(R[i][k] for i in range(k + 1)))  # = ||a_k||
        if abs(R[k][k]) <= rcond * column_norm:
            ratio = abs(R[k][k]) / column_norm if column_norm else 0.0
            raise RankDeficientError(
                f"lstsq: A is rank deficient: column {k} is (nearly) a linear combination "
                f"of columns 0..{k - 1} (|R[{k}][{k}]| / ||a_{k}|| = {ratio:.3g})",
                k,
                ratio,
            )
    return transpose([back_substitution(R, b[:n]) for b in rhs])
