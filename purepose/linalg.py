"""Vectors and matrices as plain Python lists: every inner loop of purepose lives here.

A vector is a ``list[float]``; a matrix is a row-major ``list[list[float]]``,
one sample per row. There is no Matrix class: the functions take and return
lists, never mutate their inputs, and check shapes with one-line errors.

Speed in CPython comes from doing the multiply-adds in C, not in the
interpreter loop:

* ``dot(a, b)`` is ``math.sumprod`` on Python 3.12+ (an accurate, compensated
  C loop) and ``sum(map(operator.mul, a, b))`` on 3.11 (about 14 ns per
  multiply-add at length >= 256; a list comprehension with ``zip`` costs ~1.6x).
* ``matmul(A, B)`` transposes ``B`` once with ``zip(*B)``, so each entry of the
  product is one ``dot`` of a row of ``A`` with a column of ``B``.
* Reductions where cancellation matters use ``math.fsum`` (exactly rounded).

Cost: ``dot`` O(n); ``matvec`` O(mn); ``matmul`` of (m x k)(k x n) O(mkn);
``covariance`` of n_samples x n_features O(n_samples n_features^2 / 2).

``_reference_matmul`` is the textbook triple loop, kept for tests and teaching.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013 (chapters 1 and 4); T. F. Chan, G. H. Golub and
R. J. LeVeque, "Algorithms for computing the sample variance", *The American
Statistician* 37 (1983) for the shifted and pairwise-merged co-moments.

>>> matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]])
[[17.0], [39.0]]
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Iterable, Sequence
from itertools import chain, repeat

from .errors import PureposeError

Vector = list[float]
Matrix = list[list[float]]

# ---------------------------------------------------------------------------
# The one kernel everything else calls.

if sys.version_info >= (3, 12):
    _dot = math.sumprod
else:  # pragma: no cover - exercised on 3.11 only

    def _dot(a: Iterable[float], b: Iterable[float]) -> float:
        return sum(map(operator.mul, a, b))


_mul = operator.mul
_sub = operator.sub
_add = operator.add


# ---------------------------------------------------------------------------
# Input checks: one-line errors that name the function, the value and the limit.


def check_vector(x: Sequence[float], name: str = "x", func: str = "linalg") -> int:
    """Return ``len(x)`` after checking that ``x`` is a non-empty finite vector.

    >>> check_vector([1.0, 2.0])
    2
    >>> check_vector([1.0, float("nan")], "y", "dot")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: dot: y contains NaN or inf (at index 1)
    """
    if not isinstance(x, Sequence) or isinstance(x, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of numbers, got {type(x).__name__}")
    if len(x) == 0:
        raise PureposeError(f"{func}: {name} is empty")
    try:
        if not all(map(math.isfinite, x)):
            bad = next(i for i, v in enumerate(x) if not math.isfinite(v))
            raise PureposeError(f"{func}: {name} contains NaN or inf (at index {bad})")
    except TypeError:
        raise PureposeError(f"{func}: {name} must contain only numbers") from None
    return len(x)


def check_matrix(
    X: Sequence[Sequence[float]], name: str = "X", func: str = "linalg"
) -> tuple[int, int]:
    """Return ``(n_rows, n_cols)`` after checking ``X`` is non-empty, rectangular, finite.

    >>> check_matrix([[1.0, 2.0], [3.0, 4.0]])
    (2, 2)
    >>> check_matrix([[1.0, 2.0], [3.0]], "X", "matmul")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: matmul: X is ragged: row 1 has 1 columns, row 0 has 2
    """
    if not isinstance(X, Sequence) or isinstance(X, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of rows, got {type(X).__name__}")
    if len(X) == 0:
        raise PureposeError(f"{func}: {name} is empty (0 rows)")
    first = X[0]
    if not isinstance(first, Sequence) or isinstance(first, (str, bytes)):
        raise PureposeError(f"{func}: {name} must be a list of rows (a matrix), got a vector")
    n_cols = len(first)
    if n_cols == 0:
        raise PureposeError(f"{func}: {name} has rows of length 0")
    for i, row in enumerate(X):
        if len(row) != n_cols:
            raise PureposeError(
                f"{func}: {name} is ragged: row {i} has {len(row)} columns, row 0 has {n_cols}"
            )
    try:
        finite = all(map(math.isfinite, chain.from_iterable(X)))
    except TypeError:
        raise PureposeError(f"{func}: {name} must contain only numbers") from None
    if not finite:
        for i, row in enumerate(X):
            if not all(map(math.isfinite, row)):
                raise PureposeError(f"{func}: {name} contains NaN or inf (row {i})")
    return len(X), n_cols


# ---------------------------------------------------------------------------
# Vectors


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    """Inner product ``a . b = sum_i a_i b_i``.

    >>> dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    32.0
    >>> dot([1.0], [1.0, 2.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: dot: length mismatch 1 != 2
    """
    if len(a) != len(b):
        raise PureposeError(f"dot: length mismatch {len(a)} != {len(b)}")
    return _dot(a, b)


def norm(x: Sequence[float]) -> float:
    """Euclidean norm ``||x||_2 = sqrt(sum_i x_i^2)``, without overflow or underflow.

    ``math.hypot`` scales internally, so ``norm([1e200, 1e200])`` is finite.

    >>> norm([3.0, 4.0])
    5.0
    >>> norm([1e200, 1e200]) > 1e200
    True
    """
    return math.hypot(*x)


def axpy(alpha: float, x: Sequence[float], y: Sequence[float]) -> Vector:
    """Return ``alpha * x + y`` (BLAS's axpy) as a new list.

    >>> axpy(2.0, [1.0, 2.0], [10.0, 20.0])
    [12.0, 24.0]
    """
    if len(x) != len(y):
        raise PureposeError(f"axpy: length mismatch {len(x)} != {len(y)}")
    return list(map(_add, map(_mul, repeat(alpha), x), y))


def vec_scale(x: Sequence[float], alpha: float) -> Vector:
    """Return ``alpha * x``.

    >>> vec_scale([1.0, -2.0], 0.5)
    [0.5, -1.0]
    """
    return list(map(_mul, x, repeat(alpha)))


def vec_sub(x: Sequence[float], y: Sequence[float]) -> Vector:
    """Return ``x - y`` elementwise.

    >>> vec_sub([3.0, 5.0], [1.0, 2.0])
    [2.0, 3.0]
    """
    if len(x) != len(y):
        raise PureposeError(f"vec_sub: length mismatch {len(x)} != {len(y)}")
    return list(map(_sub, x, y))


def outer(a: Sequence[float], b: Sequence[float]) -> Matrix:
    """Outer product ``(a b^T)_ij = a_i b_j``, shape (len(a), len(b)).

    >>> outer([1.0, 2.0], [3.0, 4.0, 5.0])
    [[3.0, 4.0, 5.0], [6.0, 8.0, 10.0]]
    """
    return [list(map(_mul, repeat(ai), b)) for ai in a]


# ---------------------------------------------------------------------------
# Matrices


def shape(A: Sequence[Sequence[float]]) -> tuple[int, int]:
    """Return ``(n_rows, n_cols)`` of a rectangular matrix (rows are not re-checked).

    >>> shape([[1.0, 2.0, 3.0]])
    (1, 3)
    """
    return len(A), (len(A[0]) if A else 0)


def identity(n: int) -> Matrix:
    """The n x n identity matrix ``I``.

    >>> identity(2)
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if n < 0:
        raise PureposeError(f"identity: n={n} must be >= 0")
    return [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]


def zeros(n_rows: int, n_cols: int) -> Matrix:
    """An n_rows x n_cols matrix of zeros (independent rows).

    >>> zeros(2, 3)
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    return [[0.0] * n_cols for _ in range(n_rows)]


def transpose(A: Sequence[Sequence[float]]) -> Matrix:
    """Transpose ``(A^T)_ij = A_ji`` in one pass with ``zip(*A)``.

    >>> transpose([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    """
    return [list(col) for col in zip(*A, strict=True)]


def matvec(A: Sequence[Sequence[float]], x: Sequence[float]) -> Vector:
    """Matrix-vector product ``(A x)_i = sum_j A_ij x_j``; A is m x n, x has n entries.

    >>> matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0])
    [3.0, 7.0]
    >>> matvec([[1.0, 2.0]], [1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: matvec: A has 2 columns but x has 1 entries
    """
    n_cols = len(A[0]) if A else 0
    if n_cols != len(x):
        raise PureposeError(f"matvec: A has {n_cols} columns but x has {len(x)} entries")
    return [_dot(row, x) for row in A]


def vecmat(x: Sequence[float], A: Sequence[Sequence[float]]) -> Vector:
    """Row vector times matrix ``(x^T A)_j = sum_i x_i A_ij``; A is m x n, x has m entries.

    >>> vecmat([1.0, 1.0], [[1.0, 2.0], [3.0, 4.0]])
    [4.0, 6.0]
    """
    if len(A) != len(x):
        raise PureposeError(f"vecmat: A has {len(A)} rows but x has {len(x)} entries")
    return [_dot(x, col) for col in zip(*A)]


def matmul(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """Matrix product ``(A B)_ij = sum_k A_ik B_kj``; (m x k) times (k x n) is m x n.

    ``B`` is transposed once so every entry is one C-level ``dot`` of a row of A
    with a column of B: O(m k n) multiply-adds, no Python-level inner loop.

    >>> matmul([[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]])
    [[2.0, 1.0], [4.0, 3.0]]
    >>> matmul([[1.0, 2.0]], [[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: matmul: inner dimensions differ: A is 1x2, B is 1x2
    """
    m, k = shape(A)
    k2, n = shape(B)
    if k != k2:
        raise PureposeError(f"matmul: inner dimensions differ: A is {m}x{k}, B is {k2}x{n}")
    columns = list(zip(*B))
    dot_ = _dot
    return [[dot_(row, col) for col in columns] for row in A]


def matmul_transposed(A: Sequence[Sequence[float]], Bt: Sequence[Sequence[float]]) -> Matrix:
    """``A B^T`` given ``B^T``'s rows directly: ``(A B^T)_ij = A_i . Bt_j``.

    Useful when the right factor is already stored by rows (e.g. ``coef_`` of
    shape n_targets x n_features), which saves the transpose in ``matmul``.

    >>> matmul_transposed([[1.0, 2.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    [[1.0, 2.0, 3.0]]
    """
    k = len(A[0]) if A else 0
    k2 = len(Bt[0]) if Bt else 0
    if k != k2:
        raise PureposeError(f"matmul_transposed: A has {k} columns but Bt has {k2}")
    dot_ = _dot
    return [[dot_(row, col) for col in Bt] for row in A]


def add(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """Elementwise sum ``A + B`` of two matrices of the same shape.

    >>> add([[1.0, 2.0]], [[10.0, 20.0]])
    [[11.0, 22.0]]
    """
    if shape(A) != shape(B):
        raise PureposeError(f"add: shapes differ {shape(A)} != {shape(B)}")
    return [list(map(_add, a, b)) for a, b in zip(A, B)]


def subtract(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """Elementwise difference ``A - B`` of two matrices of the same shape.

    >>> subtract([[5.0, 5.0]], [[1.0, 2.0]])
    [[4.0, 3.0]]
    """
    if shape(A) != shape(B):
        raise PureposeError(f"subtract: shapes differ {shape(A)} != {shape(B)}")
    return [list(map(_sub, a, b)) for a, b in zip(A, B)]


def scale(A: Sequence[Sequence[float]], alpha: float) -> Matrix:
    """Scalar multiple ``alpha A``.

    >>> scale([[1.0, 2.0]], 3.0)
    [[3.0, 6.0]]
    """
    return [list(map(_mul, row, repeat(alpha))) for row in A]


def frobenius_norm(A: Sequence[Sequence[float]]) -> float:
    """Frobenius norm ``||A||_F = sqrt(sum_ij A_ij^2)``.

    >>> frobenius_norm([[3.0, 0.0], [0.0, 4.0]])
    5.0
    """
    return math.hypot(*chain.from_iterable(A))


# ---------------------------------------------------------------------------
# Column statistics


def column_means(X: Sequence[Sequence[float]]) -> Vector:
    """Column means ``mean_j = (1/n) sum_i X_ij``, each an exactly rounded ``fsum``.

    >>> column_means([[1.0, 10.0], [3.0, 30.0]])
    [2.0, 20.0]
    """
    n = len(X)
    if n == 0:
        raise PureposeError("column_means: X is empty (0 rows)")
    return [math.fsum(col) / n for col in zip(*X)]


def center_columns(X: Sequence[Sequence[float]], means: Sequence[float] | None = None) -> Matrix:
    """Subtract the column means (or the given ``means``) from every row: ``X - 1 mean^T``.

    >>> center_columns([[1.0, 10.0], [3.0, 30.0]])
    [[-1.0, -10.0], [1.0, 10.0]]
    """
    mu = column_means(X) if means is None else means
    if len(X) and len(mu) != len(X[0]):
        raise PureposeError(f"center_columns: {len(mu)} means for {len(X[0])} columns")
    return [list(map(_sub, row, mu)) for row in X]


class Comoments:
    """Streaming, mergeable sums for the mean and covariance of the columns of X.

    The co-moment matrix ``M = sum_i (x_i - mean)(x_i - mean)^T`` is what
    covariance (``M / (n - ddof)``), PCA and least squares with an intercept
    need. Computing it as ``sum x x^T - n mean mean^T`` cancels catastrophically
    when the data sit far from zero (EMG with a DC offset, unix timestamps), so
    each chunk is first shifted by a fixed reference row ``K`` (the first row
    seen; any value near the mean works):

        s = sum_i (x_i - K),   S = sum_i (x_i - K)(x_i - K)^T,
        mean = K + s / n,      M = S - s s^T / n.

    Two accumulators merge exactly with Chan, Golub & LeVeque's update:
    ``M = M_a + M_b + (d d^T) n_a n_b / n`` with ``d = mean_b - mean_a``.

    One update costs O(n_rows n_features^2 / 2) multiply-adds (the upper
    triangle of S, one ``dot`` of two shifted columns per entry).

    >>> acc = Comoments().update([[1.0, 2.0], [3.0, 6.0]]).update([[5.0, 10.0]])
    >>> acc.n_samples, acc.mean()
    (3, [3.0, 6.0])
    >>> acc.covariance()
    [[4.0, 8.0], [8.0, 16.0]]
    >>> Comoments().covariance()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Comoments.covariance: needs more than 1 samples, got 0
    """

    def __init__(self) -> None:
        self.n_samples = 0
        self.n_features = 0
        self.shift: Vector = []
        self._sum: Vector = []  # s = sum of shifted rows
        self._sq: Matrix = []  # S = full symmetric sum of shifted outer products

    def update(self, X: Sequence[Sequence[float]]) -> Comoments:
        """Add the rows of ``X`` (n_rows x n_features) and return ``self``."""
        n_rows, n_features = check_matrix(X, "X", "Comoments.update")
        if self.n_samples == 0:
            self.n_features = n_features
            self.shift = [float(v) for v in X[0]]
            self._sum = [0.0] * n_features
            self._sq = zeros(n_features, n_features)
        elif n_features != self.n_features:
            raise PureposeError(
                f"Comoments.update: X has {n_features} columns, expected {self.n_features}"
            )
        columns = [list(map(_sub, col, repeat(k))) for col, k in zip(zip(*X), self.shift)]
        for i, ci in enumerate(columns):
            self._sum[i] += math.fsum(ci)
            row = self._sq[i]
            for j in range(i, n_features):
                row[j] += _dot(ci, columns[j])
        for i in range(n_features):  # mirror the upper triangle
            for j in range(i):
                self._sq[i][j] = self._sq[j][i]
        self.n_samples += n_rows
        return self

    def mean(self) -> Vector:
        """Column means ``K + s / n``."""
        self._require(1, "mean")
        n = self.n_samples
        return [k + s / n for k, s in zip(self.shift, self._sum)]

    def comoment(self) -> Matrix:
        """Centered co-moment matrix ``M = S - s s^T / n`` (n_features x n_features)."""
        self._require(1, "comoment")
        n = self.n_samples
        s = self._sum
        return [
            [S_ij - s_i * s_j / n for S_ij, s_j in zip(row, s)] for row, s_i in zip(self._sq, s)
        ]

    def covariance(self, ddof: int = 1) -> Matrix:
        """Covariance ``M / (n - ddof)``; the sample covariance for ``ddof=1``."""
        self._require(ddof + 1, "covariance")
        denominator = self.n_samples - ddof
        return [[m / denominator for m in row] for row in self.comoment()]

    def merge(self, other: Comoments) -> Comoments:
        """Return a new accumulator holding both sets of rows (Chan et al. update)."""
        if other.n_samples == 0:
            return self.copy()
        if self.n_samples == 0:
            return other.copy()
        if other.n_features != self.n_features:
            raise PureposeError(
                f"Comoments.merge: {other.n_features} features vs {self.n_features}"
            )
        n_a, n_b = self.n_samples, other.n_samples
        n = n_a + n_b
        # Work in self's frame (origin K_a): K_b - K_a is exact for nearby shifts,
        # so the mean difference carries no rounding from the large offset.
        offset = list(map(_sub, other.shift, self.shift))
        mean_a = [s / n_a for s in self._sum]
        mean_b = [k + s / n_b for k, s in zip(offset, other._sum)]
        delta = list(map(_sub, mean_b, mean_a))
        m_a, m_b = self.comoment(), other.comoment()
        w = n_a * n_b / n
        merged = Comoments()
        merged.n_samples = n
        merged.n_features = self.n_features
        merged.shift = self.shift[:]
        merged._sum = [sa + sb + n_b * k for sa, sb, k in zip(self._sum, other._sum, offset)]
        s = merged._sum
        merged._sq = [
            [ma + mb + w * di * dj + si * sj / n for ma, mb, dj, sj in zip(ra, rb, delta, s)]
            for ra, rb, di, si in zip(m_a, m_b, delta, s)
        ]
        return merged

    def copy(self) -> Comoments:
        """An independent copy."""
        new = Comoments()
        new.n_samples = self.n_samples
        new.n_features = self.n_features
        new.shift = self.shift[:]
        new._sum = self._sum[:]
        new._sq = [row[:] for row in self._sq]
        return new

    def _require(self, n_min: int, what: str) -> None:
        if self.n_samples < n_min:
            more = f"at least {n_min}" if n_min == 1 else f"more than {n_min - 1}"
            raise PureposeError(f"Comoments.{what}: needs {more} samples, got {self.n_samples}")


def covariance(X: Sequence[Sequence[float]], *, ddof: int = 1) -> Matrix:
    """Sample covariance of the columns of X: ``C = (X - mean)^T (X - mean) / (n - ddof)``.

    One pass of shifted sums (see :class:`Comoments`), accurate for data with a
    large offset. Shape: n_samples x n_features in, n_features x n_features out.
    Cost: O(n_samples n_features^2 / 2).

    >>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    [[1.0, 2.0], [2.0, 4.0]]
    >>> covariance([[1e9 + 1.0], [1e9 + 2.0], [1e9 + 3.0]])
    [[1.0]]
    >>> covariance([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: covariance: needs more than 1 samples, got 1
    """
    n_samples, _ = check_matrix(X, "X", "covariance")
    if n_samples <= ddof:
        raise PureposeError(f"covariance: needs more than {ddof} samples, got {n_samples}")
    return Comoments().update(X).covariance(ddof)


# ---------------------------------------------------------------------------
# Teaching references (slow on purpose: the textbook loops).


def _reference_matmul(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """The textbook triple loop ``C[i][j] += A[i][k] * B[k][j]``; for tests and teaching.

    >>> _reference_matmul([[1.0, 2.0]], [[3.0], [4.0]])
    [[11.0]]
    """
    m, k = shape(A)
    n = len(B[0])
    C = [[0.0] * n for _ in range(m)]
    for i in range(m):
        for j in range(n):
            total = 0.0
            for p in range(k):
                total += A[i][p] * B[p][j]
            C[i][j] = total
    return C


def _reference_covariance(X: Sequence[Sequence[float]], ddof: int = 1) -> Matrix:
    """Two-pass textbook covariance with explicit loops; for tests and teaching.

    >>> _reference_covariance([[1.0, 2.0], [3.0, 4.0]])
    [[2.0, 2.0], [2.0, 2.0]]
    """
    n, d = shape(X)
    mean = [sum(X[i][j] for i in range(n)) / n for j in range(d)]
    C = [[0.0] * d for _ in range(d)]
    for i in range(n):
        for a in range(d):
            for b in range(d):
                C[a][b] += (X[i][a] - mean[a]) * (X[i][b] - mean[b])
    return [[c / (n - ddof) for c in row] for row in C]
