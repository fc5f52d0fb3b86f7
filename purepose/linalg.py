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

Factorizations and solvers (every one takes a vector b or an n x k matrix B
of right-hand sides, like ``numpy.linalg.solve``):

* ``cholesky(A)``: ``A = L L^T`` for symmetric positive definite A, row by
  row, each entry one ``dot``; ``solve_lower``/``solve_upper`` substitute;
  ``cho_solve``, ``solve_spd``, ``inv_spd`` build on them.
* ``householder_qr(A)``/``qr(A)``: ``A = Q R`` by Householder reflections
  ``H = I - tau v v^T`` (LAPACK's sign convention); ``lstsq(A, B)`` solves
  ``min ||A X - B||`` through ``R X = Q^T B`` without forming Q, and refuses a
  rank-deficient A with a message naming the dependent column.

Cost: ``dot`` O(n); ``matvec`` O(mn); ``matmul`` of (m x k)(k x n) O(mkn);
``gram`` (A^T A) and ``covariance`` of n_samples x n_features
O(n_samples n_features^2 / 2); ``cholesky`` O(n^3 / 6); a triangular solve
O(n^2); ``householder_qr`` O(2 m n^2 - 2 n^3 / 3); ``lstsq`` that plus
O(4 m n) per right-hand side.

``_reference_matmul``, ``_reference_covariance`` and ``_reference_cholesky``
are the textbook loops, kept for tests and teaching.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013 (chapters 1, 4 and 5); N. J. Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., SIAM, 2002 (chapters 8, 10, 19
and 20); T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing
the sample variance", *The American Statistician* 37 (1983) for the shifted
and pairwise-merged co-moments.

>>> matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]])
[[17.0], [39.0]]
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Iterable, Sequence
from itertools import chain, repeat
from typing import NamedTuple

from .errors import PureposeError
from .types import Matrix, Vector


class NotPositiveDefiniteError(PureposeError):
    """:func:`cholesky` met a pivot ``<= 0``; ``index`` and ``pivot`` say where.

    Callers (least squares) read ``index`` to name the offending feature.
    """

    def __init__(self, message: str, index: int, pivot: float) -> None:
        super().__init__(message)
        self.index = index
        self.pivot = pivot


class RankDeficientError(PureposeError):
    """:func:`lstsq` found column ``column`` (nearly) dependent on the columns before it."""

    def __init__(self, message: str, column: int, ratio: float) -> None:
        super().__init__(message)
        self.column = column
        self.ratio = ratio


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
    shape = _check_rows(X, name, func)
    _check_finite(X, name, func)
    return shape


def _check_rows(X: Sequence[Sequence[float]], name: str, func: str) -> tuple[int, int]:
    """:func:`check_matrix` without the finiteness pass: non-empty, rows, rectangular.

    For kernels that find non-finite values as a by-product of their own
    arithmetic (see ``Comoments.update``) and call :func:`_check_finite` only
    to word the error.
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
    try:
        ragged = any(map(n_cols.__ne__, map(len, X)))  # one C-level pass over the rows
    except TypeError:
        bad = next(i for i, row in enumerate(X) if not isinstance(row, Sequence))
        raise PureposeError(f"{func}: {name} row {bad} is not a list of numbers") from None
    if ragged:
        i, row = next((i, row) for i, row in enumerate(X) if len(row) != n_cols)
        raise PureposeError(
            f"{func}: {name} is ragged: row {i} has {len(row)} columns, row 0 has {n_cols}"
        )
    return len(X), n_cols


def _check_finite(X: Sequence[Sequence[float]], name: str, func: str) -> None:
    """Raise naming the first row of the rectangular ``X`` that holds NaN or inf."""
    try:
        finite = all(map(math.isfinite, chain.from_iterable(X)))
    except TypeError:
        raise PureposeError(f"{func}: {name} must contain only numbers") from None
    if not finite:
        for i, row in enumerate(X):
            if not all(map(math.isfinite, row)):
                raise PureposeError(f"{func}: {name} contains NaN or inf (row {i})")


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
    try:
        return [list(col) for col in zip(*A, strict=True)]
    except ValueError:
        raise PureposeError(f"transpose: A is ragged (row 0 has {len(A[0])} columns)") from None


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
    try:
        columns = list(zip(*B, strict=True))
    except ValueError:  # a short row would silently drop a column without strict
        raise PureposeError(f"matmul: B is ragged (row 0 has {n} columns)") from None
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
    triangle of S, one ``dot`` of two shifted columns per entry), after one
    O(n_rows n_features) pass that gathers the shifted columns from the rows.
    X is checked for NaN and inf without a pass of its own: the diagonal of
    S is finite exactly when every shifted entry is.

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
        """Add the rows of ``X`` (n_rows x n_features) and return ``self``.

        >>> Comoments().update([[1.0, 2.0], [float("nan"), 3.0]])
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: Comoments.update: X contains NaN or inf (row 1)
        """
        return self._update(X, "X", "Comoments.update")

    def _update(self, X: Sequence[Sequence[float]], name: str, func: str) -> Comoments:
        """:meth:`update`, with errors worded for the caller ``func`` (e.g. ``PCA.fit``)."""
        n_rows, n_features = _check_rows(X, name, func)
        if self.n_samples and n_features != self.n_features:
            raise PureposeError(
                f"{func}: {name} has {n_features} columns, expected {self.n_features}"
            )
        try:
            shift = self.shift if self.n_samples else [float(v) for v in X[0]]
            # One list per column, gathered straight from the rows (no zip(*X) tuples).
            columns = [[row[j] - k for row in X] for j, k in enumerate(shift)]
            # sum_i (x_ij - K_j)^2 is finite exactly when column j is (barring overflow
            # of finite data), so the diagonal doubles as the finiteness check and no
            # separate pass over X is needed; a full scan only words the error.
            diagonal = [_dot(c, c) for c in columns]
            finite = all(map(math.isfinite, diagonal))
        except (TypeError, ValueError):  # e.g. None, float("abc"), a complex number
            raise PureposeError(f"{func}: {name} must contain only numbers") from None
        if not finite:
            _check_finite(X, name, func)
        sums = [math.fsum(c) for c in columns]
        if self.n_samples == 0:  # nothing is stored before the checks above pass
            self.n_features = n_features
            self.shift = shift
            self._sum = [0.0] * n_features
            self._sq = zeros(n_features, n_features)
        for i, ci in enumerate(columns):
            self._sum[i] += sums[i]
            row = self._sq[i]
            row[i] += diagonal[i]
            for j in range(i + 1, n_features):
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

    def to_dict(self) -> dict[str, object]:
        """The exact state as plain lists and numbers (``json.dumps`` round-trips floats).

        >>> acc = Comoments().update([[1.0], [3.0]])
        >>> Comoments.from_dict(acc.to_dict()).mean()
        [2.0]
        """
        return {
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "shift": self.shift[:],
            "sum": self._sum[:],
            "sq": [row[:] for row in self._sq],
        }

    @classmethod
    def from_dict(cls, state: dict[str, object]) -> Comoments:
        """Rebuild an accumulator from :meth:`to_dict`'s output, checking every shape.

        >>> Comoments.from_dict({"n_samples": 2, "n_features": 1, "shift": [0.0],
        ...                      "sum": [1.0], "sq": [[1.0, 2.0]]})
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: Comoments.from_dict: 'sq' must be 1x1
        """
        func = "Comoments.from_dict"
        try:
            n_samples = state["n_samples"]
            n_features = state["n_features"]
            shift, sums, sq = state["shift"], state["sum"], state["sq"]
        except (KeyError, TypeError) as exc:
            raise PureposeError(f"{func}: missing key {exc}") from None
        if not isinstance(n_samples, int) or n_samples < 0:
            raise PureposeError(f"{func}: n_samples={n_samples!r} must be an int >= 0")
        if not isinstance(n_features, int) or n_features < 0:
            raise PureposeError(f"{func}: n_features={n_features!r} must be an int >= 0")
        new = cls()
        new.n_samples, new.n_features = n_samples, n_features
        if n_samples == 0:
            return new
        d = n_features
        for key, value in (("shift", shift), ("sum", sums)):
            if not isinstance(value, Sequence) or len(value) != d:
                raise PureposeError(f"{func}: {key!r} must have {d} entries")
            check_vector(value, key, func)
        if (
            not isinstance(sq, Sequence)
            or len(sq) != d
            or any(not isinstance(row, Sequence) or len(row) != d for row in sq)
        ):
            raise PureposeError(f"{func}: 'sq' must be {d}x{d}")
        check_matrix(sq, "sq", func)
        new.shift = [float(v) for v in shift]
        new._sum = [float(v) for v in sums]
        new._sq = [[float(v) for v in row] for row in sq]
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
    moments = Comoments()._update(X, "X", "covariance")  # checks X on the way
    if moments.n_samples <= ddof:
        raise PureposeError(f"covariance: needs more than {ddof} samples, got {moments.n_samples}")
    return moments.covariance(ddof)


# ---------------------------------------------------------------------------
# Products with structure: A^T A and A^T B without forming A^T by hand.


def gram(A: Sequence[Sequence[float]]) -> Matrix:
    """Gram matrix ``G = A^T A``, ``G_ij = sum_k A_ki A_kj`` (n_cols x n_cols, symmetric).

    Only the upper triangle is computed (one ``dot`` of two columns per entry)
    and mirrored, so it costs O(n_rows n_cols^2 / 2), half of ``matmul``.
    The result is exactly symmetric.

    >>> gram([[1.0, 2.0], [3.0, 4.0]])
    [[10.0, 14.0], [14.0, 20.0]]
    >>> gram([[1.0, 2.0], [3.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: gram: A is ragged: row 1 has 1 columns, row 0 has 2
    """
    check_matrix(A, "A", "gram")
    return _gram_of_columns(list(zip(*A)))


def crossprod(A: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """Cross product ``A^T B`` (R's ``crossprod``): (m x p)^T (m x q) is p x q.

    ``(A^T B)_ij = sum_k A_ki B_kj``: one ``dot`` of column i of A with column j
    of B. Cost O(m p q).

    >>> crossprod([[1.0, 2.0], [3.0, 4.0]], [[1.0], [1.0]])
    [[4.0], [6.0]]
    >>> crossprod([[1.0]], [[1.0], [2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: crossprod: A has 1 rows but B has 2
    """
    m, _ = check_matrix(A, "A", "crossprod")
    m2, _ = check_matrix(B, "B", "crossprod")
    if m != m2:
        raise PureposeError(f"crossprod: A has {m} rows but B has {m2}")
    return _crossprod_of_columns(list(zip(*A)), list(zip(*B)))


# The two kernels behind gram and crossprod, for callers that already hold
# the columns (least squares builds its centred columns once). Columns of
# freshly computed floats make the fastest dots: a column read out of a large
# row-major matrix has its floats scattered across memory, one per cache
# line, and its dots cost about twice as much per multiply-add (3.11 and 3.13).


def _gram_of_columns(columns: Sequence[Sequence[float]]) -> Matrix:
    """``G_ij = c_i . c_j`` for equal-length columns c (unchecked); upper triangle, mirrored."""
    n = len(columns)
    G = zeros(n, n)
    for i, ci in enumerate(columns):
        for j in range(i, n):
            G[i][j] = G[j][i] = _dot(ci, columns[j])
    return G


def _crossprod_of_columns(
    a_columns: Sequence[Sequence[float]], b_columns: Sequence[Sequence[float]]
) -> Matrix:
    """``C_ij = a_i . b_j`` for equal-length columns (unchecked): ``A^T B`` from columns."""
    return [[_dot(a, b) for b in b_columns] for a in a_columns]


# ---------------------------------------------------------------------------
# Cholesky factorization and triangular solves.
#
# Every solver takes either a vector b (returns a vector) or a matrix B of
# shape n x k whose k columns are separate right-hand sides (returns n x k),
# like numpy.linalg.solve.


def _check_square(A: Sequence[Sequence[float]], name: str, func: str) -> int:
    n_rows, n_cols = check_matrix(A, name, func)
    if n_rows != n_cols:
        raise PureposeError(f"{func}: {name} must be square, got {n_rows}x{n_cols}")
    return n_rows


def _check_symmetric(A: Sequence[Sequence[float]], func: str, rtol: float = 1e-10) -> None:
    """Raise unless ``|A_ij - A_ji| <= rtol * max(|A_ij|, |A_ji|, sqrt(|A_ii A_jj|))``."""
    for i, row in enumerate(A):
        above = [A_j[i] for A_j in A[:i]]  # A_ji for j < i: column i above the diagonal
        if row[:i] == above:  # the usual case: exactly symmetric (one C-level compare)
            continue
        for j, (a, b) in enumerate(zip(row, above)):
            size = max(abs(a), abs(b), math.sqrt(abs(row[i] * A[j][j])))
            if abs(a - b) > rtol * size:
                raise PureposeError(
                    f"{func}: A is not symmetric (A[{i}][{j}] = {a!r}, A[{j}][{i}] = {b!r})"
                )


def _is_matrix(B: Sequence[float] | Sequence[Sequence[float]]) -> bool:
    return len(B) > 0 and isinstance(B[0], Sequence) and not isinstance(B[0], (str, bytes))


def _check_rhs(B: Sequence[float] | Sequence[Sequence[float]], n: int, func: str) -> bool:
    """Check a right-hand side with ``n`` rows; return True if it is a matrix."""
    if isinstance(B, Sequence) and _is_matrix(B):
        n_rows, _ = check_matrix(B, "B", func)
    else:
        n_rows = check_vector(B, "b", func)
    if n_rows != n:
        raise PureposeError(f"{func}: right-hand side has {n_rows} rows, expected {n}")
    return _is_matrix(B)


def _per_column(solve, M: Sequence[Sequence[float]], B: Sequence[Sequence[float]]) -> Matrix:
    """Apply a vector solver to each column of B and put the columns back together."""
    return transpose([solve(M, list(col)) for col in zip(*B)])


def _check_nonzero_diagonal(T: Sequence[Sequence[float]], func: str, name: str) -> None:
    for k, row in enumerate(T):
        if row[k] == 0.0:
            raise PureposeError(f"{func}: {name} is singular ({name}[{k}][{k}] = 0)")


def _check_solution(x: Sequence[float], T: Sequence[Sequence[float]], func: str) -> None:
    if not all(map(math.isfinite, x)):
        smallest = min(abs(row[k]) for k, row in enumerate(T))
        raise PureposeError(
            f"{func}: solution overflowed; the matrix is numerically singular "
            f"(smallest |diagonal| = {smallest:.3g})"
        )


def _forward(L: Sequence[Sequence[float]], b: Sequence[float]) -> Vector:
    # x_i = (b_i - L[i][:i] . x[:i]) / L_ii, top to bottom
    x: Vector = []
    for i, (row, b_i) in enumerate(zip(L, b)):
        x.append((b_i - _dot(row[:i], x)) / row[i])
    return x


def _backward(U: Sequence[Sequence[float]], b: Sequence[float]) -> Vector:
    # x_i = (b_i - U[i][i+1:] . x[i+1:]) / U_ii, bottom to top
    n = len(b)
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        row = U[i]
        x[i] = (b[i] - _dot(row[i + 1 :], x[i + 1 :])) / row[i]
    return x


def solve_lower(
    L: Sequence[Sequence[float]], b: Sequence[float] | Sequence[Sequence[float]]
) -> Vector | Matrix:
    """Solve ``L x = b`` by forward substitution; L is n x n lower triangular.

    ``x_i = (b_i - sum_{j<i} L_ij x_j) / L_ii`` for i = 0, 1, ..., n-1.
    Entries above the diagonal are never read. ``b`` is a vector of n entries
    (returns a vector) or an n x k matrix of k right-hand sides (returns n x k).
    Cost O(n^2) per right-hand side.

    >>> solve_lower([[2.0, 0.0], [1.0, 1.0]], [4.0, 5.0])
    [2.0, 3.0]
    >>> solve_lower([[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: solve_lower: L is singular (L[0][0] = 0)
    """
    n = _check_square(L, "L", "solve_lower")
    matrix_rhs = _check_rhs(b, n, "solve_lower")
    _check_nonzero_diagonal(L, "solve_lower", "L")
    x = _per_column(_forward, L, b) if matrix_rhs else _forward(L, b)
    _check_solution(chain.from_iterable(x) if matrix_rhs else x, L, "solve_lower")
    return x


def solve_upper(
    U: Sequence[Sequence[float]], b: Sequence[float] | Sequence[Sequence[float]]
) -> Vector | Matrix:
    """Solve ``U x = b`` by back substitution; U is n x n upper triangular.

    ``x_i = (b_i - sum_{j>i} U_ij x_j) / U_ii`` for i = n-1, ..., 0.
    Entries below the diagonal are never read. ``b``: a vector or an n x k
    matrix, as in :func:`solve_lower`. Cost O(n^2) per right-hand side.

    >>> solve_upper([[2.0, 1.0], [0.0, 4.0]], [[4.0], [8.0]])
    [[1.0], [2.0]]
    >>> solve_upper([[2.0, 1.0], [0.0, 4.0]], [1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: solve_upper: right-hand side has 1 rows, expected 2
    """
    n = _check_square(U, "U", "solve_upper")
    matrix_rhs = _check_rhs(b, n, "solve_upper")
    _check_nonzero_diagonal(U, "solve_upper", "U")
    x = _per_column(_backward, U, b) if matrix_rhs else _backward(U, b)
    _check_solution(chain.from_iterable(x) if matrix_rhs else x, U, "solve_upper")
    return x


def cholesky(A: Sequence[Sequence[float]]) -> Matrix:
    """Cholesky factor: the lower triangular L with positive diagonal and ``A = L L^T``.

    Row by row (Cholesky-Banachiewicz), for j < i and then j = i:

        L_ij = (A_ij - sum_{k<j} L_ik L_jk) / L_jj
        L_ii = sqrt(d_i),   d_i = A_ii - sum_{k<i} L_ik^2   (the i-th pivot)

    A must be symmetric (checked to a relative 1e-10) and positive definite:
    a pivot ``d_i <= 0`` means it is not, and raises. Small pivots relative to
    ``A_ii`` (``d_i / A_ii`` near 1e-16) signal a nearly singular A; callers
    that care (least squares) check ``L_ii^2 / A_ii`` themselves.
    Shape n x n in and out; cost O(n^3 / 6) multiply-adds.

    >>> cholesky([[4.0, 2.0], [2.0, 5.0]])
    [[2.0, 0.0], [1.0, 2.0]]
    >>> cholesky([[1.0, 2.0], [2.0, 1.0]])
    Traceback (most recent call last):
    ...
    purepose.linalg.NotPositiveDefiniteError: cholesky: A is not positive definite (pivot 1 = -3)
    """
    _check_square(A, "A", "cholesky")
    _check_symmetric(A, "cholesky")
    return _cholesky(A)


def _cholesky(A: Sequence[Sequence[float]]) -> Matrix:
    """:func:`cholesky` of an A already checked to be square, finite and symmetric."""
    n = len(A)
    # Keep each row's strictly lower part (L_i0 .. L_i,i-1) apart from its diagonal,
    # so that when L_ij is computed, L_i so far and row j have the same length j.
    strict: Matrix = []
    diagonal: Vector = []
    for i, row in enumerate(A):
        L_i: Vector = []
        for a_ij, L_j, d_j in zip(row, strict, diagonal):
            L_i.append((a_ij - _dot(L_i, L_j)) / d_j)
        pivot = row[i] - _dot(L_i, L_i)
        if not pivot > 0.0:  # also catches NaN
            raise NotPositiveDefiniteError(
                f"cholesky: A is not positive definite (pivot {i} = {pivot:.6g})", i, pivot
            )
        strict.append(L_i)
        diagonal.append(math.sqrt(pivot))
    return [
        L_i + [d_i] + [0.0] * (n - i - 1) for i, (L_i, d_i) in enumerate(zip(strict, diagonal))
    ]


def cho_solve(
    L: Sequence[Sequence[float]], B: Sequence[float] | Sequence[Sequence[float]]
) -> Vector | Matrix:
    """Solve ``A X = B`` given the Cholesky factor L of A: ``L Y = B``, then ``L^T X = Y``.

    ``B``: a vector or an n x k matrix (see :func:`solve_lower`). Cost O(n^2)
    per right-hand side.

    >>> L = cholesky([[4.0, 2.0], [2.0, 5.0]])
    >>> cho_solve(L, [8.0, 12.0])
    [1.0, 2.0]
    >>> cho_solve(L, [[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: cho_solve: right-hand side has 1 rows, expected 2
    """
    n = _check_square(L, "L", "cho_solve")
    matrix_rhs = _check_rhs(B, n, "cho_solve")
    _check_nonzero_diagonal(L, "cho_solve", "L")
    return _cho_solve(L, B, matrix_rhs)


def _cho_solve(
    L: Sequence[Sequence[float]], B: Sequence[float] | Sequence[Sequence[float]], matrix_rhs: bool
) -> Vector | Matrix:
    """:func:`cho_solve` for checked inputs: L square with a nonzero diagonal, B with n rows."""
    Lt = transpose(L)

    def solve(_: object, b: Vector) -> Vector:
        return _backward(Lt, _forward(L, b))

    X = _per_column(solve, L, B) if matrix_rhs else solve(L, B)
    _check_solution(chain.from_iterable(X) if matrix_rhs else X, L, "cho_solve")
    return X


def solve_spd(
    A: Sequence[Sequence[float]], B: Sequence[float] | Sequence[Sequence[float]]
) -> Vector | Matrix:
    """Solve ``A X = B`` for symmetric positive definite A by Cholesky.

    ``A = L L^T`` (:func:`cholesky`), then two triangular solves. Half the work
    of an LU solve and stable without pivoting. Cost O(n^3 / 6 + n^2 k).

    >>> solve_spd([[4.0, 2.0], [2.0, 5.0]], [8.0, 12.0])
    [1.0, 2.0]
    >>> solve_spd([[0.0, 0.0], [0.0, 1.0]], [1.0, 1.0])
    Traceback (most recent call last):
    ...
    purepose.linalg.NotPositiveDefiniteError: cholesky: A is not positive definite (pivot 0 = 0)
    """
    n = _check_square(A, "A", "solve_spd")
    matrix_rhs = _check_rhs(B, n, "solve_spd")
    _check_symmetric(A, "cholesky")
    # A and B are checked once, here; L has a positive diagonal by construction.
    return _cho_solve(_cholesky(A), B, matrix_rhs)


def inv_spd(A: Sequence[Sequence[float]]) -> Matrix:
    """Inverse of a symmetric positive definite matrix, ``A^{-1} = L^{-T} L^{-1}``.

    Solves ``A X = I`` with one Cholesky factorization and returns the
    symmetric part ``(X + X^T) / 2`` so the result is exactly symmetric.
    Prefer :func:`solve_spd` for solving systems. Cost O(n^3 / 2).

    >>> inv_spd([[4.0, 0.0], [0.0, 0.25]])
    [[0.25, 0.0], [0.0, 4.0]]
    >>> inv_spd([[1.0, 2.0], [3.0, 4.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: cholesky: A is not symmetric (A[1][0] = 3.0, A[0][1] = 2.0)
    """
    n = _check_square(A, "A", "inv_spd")
    _check_symmetric(A, "cholesky")
    X = _cho_solve(_cholesky(A), identity(n), True)
    return [[(a + b) / 2.0 for a, b in zip(row, col)] for row, col in zip(X, zip(*X))]


# ---------------------------------------------------------------------------
# Householder QR and least squares.


class HouseholderQR(NamedTuple):
    """Compact Householder QR of an m x n matrix A (m >= n): ``A = Q R``.

    ``Q = H_0 H_1 ... H_{n-1}`` with ``H_k = I - tau_k v_k v_k^T`` acting on
    rows k..m-1; ``vectors[k]`` is ``v_k`` (length m - k, ``v_k[0] = 1``),
    ``taus[k]`` is ``tau_k`` (0 means ``H_k = I``), ``R`` is n x n upper
    triangular. Q is never formed unless asked for (:func:`qr`);
    :func:`apply_qt` applies ``Q^T`` in O(m n) per column.
    """

    vectors: list[Vector]
    taus: Vector
    R: Matrix
    n_rows: int


def _reflector(x: Sequence[float]) -> tuple[Vector, float, float]:
    """Reflector ``H = I - tau v v^T`` with ``v[0] = 1`` and ``H x = (beta, 0, ..., 0)``.

    ``beta = -sign(x_0) ||x||``: the sign that avoids cancellation in
    ``x_0 - beta`` (LAPACK's dlarfg convention, so R matches numpy's).
    """
    alpha = x[0]
    sigma = math.hypot(*x[1:])  # norm of the part to annihilate, without overflow
    if sigma == 0.0:
        return [1.0] + [0.0] * (len(x) - 1), 0.0, alpha
    beta = -math.copysign(math.hypot(alpha, sigma), alpha)
    v = [1.0, *map(operator.truediv, x[1:], repeat(alpha - beta))]
    return v, (beta - alpha) / beta, beta


def _reflect(v: Sequence[float], tau: float, y: Sequence[float]) -> Vector:
    """``(I - tau v v^T) y = y - (tau v.y) v``; two C-level passes over y."""
    c = tau * _dot(v, y)
    return list(map(_sub, y, map(_mul, v, repeat(c))))


def householder_qr(A: Sequence[Sequence[float]]) -> HouseholderQR:
    """Householder QR of an m x n matrix (m >= n), kept in compact form.

    Step k builds the reflector that zeroes column k below the diagonal and
    applies it to the remaining columns: ``y <- y - tau (v . y) v``. Columns
    are stored as lists, so each update is one ``dot`` and one ``map`` in C.
    Backward stable: the computed R is the exact R of ``A + E`` with
    ``||E|| ~ eps ||A||``. Cost O(2 m n^2 - 2 n^3 / 3).

    >>> h = householder_qr([[3.0], [4.0]])
    >>> h.R, h.taus
    ([[-5.0]], [1.6])
    >>> householder_qr([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: householder_qr: A is 1x2: needs n_rows >= n_cols
    """
    m, n = check_matrix(A, "A", "householder_qr")
    if m < n:
        raise PureposeError(f"householder_qr: A is {m}x{n}: needs n_rows >= n_cols")
    tails = [list(col) for col in zip(*A)]  # tails[j]: rows k..m-1 of column j at step k
    R = zeros(n, n)
    vectors: list[Vector] = []
    taus: Vector = []
    for k in range(n):
        v, tau, beta = _reflector(tails[k])
        R[k][k] = beta
        for j in range(k + 1, n):
            y = _reflect(v, tau, tails[j]) if tau else tails[j]
            R[k][j] = y[0]  # row k of R is finished; keep only the rows below
            tails[j] = y[1:]
        vectors.append(v)
        taus.append(tau)
    return HouseholderQR(vectors, taus, R, m)


def _apply_qt_vector(h: HouseholderQR, b: Sequence[float]) -> Vector:
    y = list(b)
    for k, (v, tau) in enumerate(zip(h.vectors, h.taus)):
        if tau:
            y[k:] = _reflect(v, tau, y[k:])
    return y


def apply_qt(h: HouseholderQR, B: Sequence[float] | Sequence[Sequence[float]]) -> Vector | Matrix:
    """``Q^T B`` (all m rows) from the compact QR: ``H_{n-1} ... H_1 H_0 B``.

    The first n rows are ``Q_1^T B`` (thin Q); the rest is the part of B
    orthogonal to range(A), whose norm is the least-squares residual.
    ``B``: a vector of m entries or an m x k matrix. Cost O(2 m n) per column.

    >>> h = householder_qr([[3.0], [4.0]])
    >>> [round(v, 12) for v in apply_qt(h, [3.0, 4.0])]
    [-5.0, 0.0]
    """
    matrix_rhs = _check_rhs(B, h.n_rows, "apply_qt")
    if matrix_rhs:
        return transpose([_apply_qt_vector(h, col) for col in zip(*B)])
    return _apply_qt_vector(h, B)


def _apply_q_unit(h: HouseholderQR, j: int) -> Vector:
    """Column j of Q: ``H_0 ... H_{n-1} e_j``; H_k with k > j leave e_j unchanged."""
    y = [0.0] * h.n_rows
    y[j] = 1.0
    for k in range(j, -1, -1):
        tau = h.taus[k]
        if tau:
            y[k:] = _reflect(h.vectors[k], tau, y[k:])
    return y


def qr(A: Sequence[Sequence[float]]) -> tuple[Matrix, Matrix]:
    """Thin QR factorization ``A = Q R`` by Householder reflections.

    A is m x n with m >= n; Q is m x n with orthonormal columns (``Q^T Q = I``),
    R is n x n upper triangular. Signs follow LAPACK (``R_kk = -sign(a) ||a||``
    for the pivot column a), so Q and R agree with ``numpy.linalg.qr``.
    Cost O(4 m n^2 - 4 n^3 / 3) including forming Q.

    >>> Q, R = qr([[3.0, 1.0], [4.0, 2.0]])
    >>> [[round(q, 12) for q in row] for row in Q]
    [[-0.6, -0.8], [-0.8, 0.6]]
    >>> [[round(r, 12) for r in row] for row in R]
    [[-5.0, -2.2], [0.0, 0.4]]
    >>> qr([[1.0, float("inf")]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: householder_qr: A contains NaN or inf (row 0)
    """
    h = householder_qr(A)
    return transpose([_apply_q_unit(h, j) for j in range(len(h.R))]), h.R


_EPS = sys.float_info.epsilon


def _check_full_rank(R: Sequence[Sequence[float]], rcond: float, func: str) -> None:
    """Raise if some ``|R_kk| <= rcond ||a_k||``: column k ~ combination of columns 0..k-1.

    ``||a_k||`` is the norm of column k of A, which equals that of column k
    of R (Q is orthogonal), so the test is invariant to column scaling.
    """
    for k, row in enumerate(R):
        column_norm = math.hypot(*(R[i][k] for i in range(k + 1)))
        if abs(row[k]) <= rcond * column_norm:
            if column_norm == 0.0:
                message = f"{func}: A is rank deficient: column {k} is all zeros"
                raise RankDeficientError(message, k, 0.0)
            ratio = abs(row[k]) / column_norm
            raise RankDeficientError(
                f"{func}: A is rank deficient: column {k} is (nearly) a linear combination "
                f"of columns 0..{k - 1} (|R[{k}][{k}]| / ||a_{k}|| = {ratio:.3g} "
                f"<= rcond = {rcond:.3g})",
                k,
                ratio,
            )


def lstsq(
    A: Sequence[Sequence[float]],
    B: Sequence[float] | Sequence[Sequence[float]],
    *,
    rcond: float | None = None,
) -> Vector | Matrix:
    """Least squares ``X = argmin ||A X - B||_2`` by Householder QR (full column rank).

    With ``A = Q R``: ``||A x - b||^2 = ||R x - Q_1^T b||^2 + ||Q_2^T b||^2``, so
    x solves the triangular system ``R x = (Q^T b)[:n]``. Unlike the normal
    equations ``A^T A x = A^T b``, which square the condition number
    (error ~ eps cond(A)^2), QR works on A itself (error ~ eps cond(A) plus
    eps cond(A)^2 times the relative residual).

    A is m x n with m >= n; B is a vector of m entries (returns n entries) or
    m x k (returns n x k). A rank-deficient A raises (no minimum-norm
    fallback): column k counts as dependent when ``|R_kk| <= rcond ||a_k||``,
    ``rcond`` defaulting to ``10 max(m, n) eps``. Cost O(2 m n^2 + 4 m n k).

    >>> [round(x, 12) for x in lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 2.0, 3.0])]
    [1.0, 1.0]
    >>> lstsq([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], [1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    purepose.linalg.RankDeficientError: lstsq: A is rank deficient: column 1 is (nearly) ...
    """
    m, n = check_matrix(A, "A", "lstsq")
    matrix_rhs = _check_rhs(B, m, "lstsq")
    if m < n:
        raise PureposeError(f"lstsq: A is {m}x{n}: underdetermined, needs n_rows >= n_cols")
    if rcond is None:
        rcond = 10.0 * max(m, n) * _EPS
    elif not (math.isfinite(rcond) and rcond >= 0.0):
        raise PureposeError(f"lstsq: rcond={rcond!r} must be finite and >= 0")
    h = householder_qr(A)
    _check_full_rank(h.R, rcond, "lstsq")
    if matrix_rhs:
        QtB = [_apply_qt_vector(h, col)[:n] for col in zip(*B)]
        return transpose([_backward(h.R, c) for c in QtB])
    return _backward(h.R, _apply_qt_vector(h, B)[:n])


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


def _reference_cholesky(A: Sequence[Sequence[float]]) -> Matrix:
    """Textbook Cholesky with explicit loops (no checks); for tests and teaching.

    >>> _reference_cholesky([[4.0, 2.0], [2.0, 5.0]])
    [[2.0, 0.0], [1.0, 2.0]]
    """
    n = len(A)
    L = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = A[i][j]
            for k in range(j):
                total -= L[i][k] * L[j][k]
            L[i][j] = math.sqrt(total) if i == j else total / L[j][j]
    return L
