"""Vectors and matrices as plain Python lists: the dot kernel, elementwise ops, products.

The BLAS layer of purepose (levels 1 to 3, in lists): every inner loop of the
numerical modules is one call into this module. A vector is a ``list[float]``;
a matrix is a row-major ``list[list[float]]``, one sample per row. There is no
Matrix class: the functions take and return lists, never mutate their inputs,
and check shapes with one-line errors.

Speed in CPython comes from doing the multiply-adds in C, not in the
interpreter loop:

* :func:`sumprod` (the kernel) is ``math.sumprod`` on Python 3.12+ (an
  accurate, compensated C loop) and ``sum(map(operator.mul, a, b))`` on 3.11
  (about 14 ns per multiply-add at length >= 256; a list comprehension with
  ``zip`` costs ~1.6x). :func:`dot` is the same with a length check.
* ``matmul(A, B)`` transposes ``B`` once with ``zip(*B)``, so each entry of the
  product is one ``sumprod`` of a row of ``A`` with a column of ``B``.
* ``gram`` and ``crossprod`` (``A^T A``, ``A^T B``) are dots of columns; the
  column kernels :func:`gram_of_columns` and :func:`crossprod_of_columns`
  serve callers that already hold freshly computed columns.
* Reductions where cancellation matters use ``math.fsum`` (exactly rounded).

Cost: ``dot`` O(n); ``matvec`` O(mn); ``matmul`` of (m x k)(k x n) O(mkn);
``gram`` (A^T A) of n_rows x n_cols O(n_rows n_cols^2 / 2).

The textbook loops these replace are in :mod:`purepose.textbook.linalg`.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013, chapter 1.

>>> matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]])
[[17.0], [39.0]]

Tests: ``tests/textbook/test_linalg.py`` holds it equal to the textbook;
``tests/fast/test_linalg.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Iterable, Sequence
from itertools import chain, repeat

from purepose.checks import check_matrix
from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

__all__ = [
    "add",
    "axpy",
    "center_columns",
    "column_means",
    "crossprod",
    "crossprod_of_columns",
    "dot",
    "frobenius_norm",
    "gram",
    "gram_of_columns",
    "identity",
    "matmul",
    "matmul_transposed",
    "matvec",
    "norm",
    "outer",
    "scale",
    "shape",
    "subtract",
    "sumprod",
    "transpose",
    "vec_scale",
    "vec_sub",
    "vecmat",
    "zeros",
]

# ---------------------------------------------------------------------------
# The one kernel everything else calls.

if sys.version_info >= (3, 12):
    sumprod = math.sumprod
else:  # pragma: no cover - exercised on 3.11 only

    def sumprod(a: Iterable[float], b: Iterable[float]) -> float:
        """``sum_i a_i b_i`` of two equal-length iterables, unchecked (``math.sumprod`` on 3.12+).

        >>> sumprod([1.0, 2.0], [3.0, 4.0])
        11.0
        """
        return sum(map(operator.mul, a, b))


_mul = operator.mul
_sub = operator.sub
_add = operator.add


if sys.version_info >= (3, 12):

    def _dots(rows: Iterable[Sequence[float]], cols: Sequence[Sequence[float]]) -> Matrix:
        """``[[r . c for c in cols] for r in rows]``: the loop every product runs."""
        dot_ = sumprod
        return [[dot_(r, c) for c in cols] for r in rows]

else:  # pragma: no cover - 3.11: the same sums, without a Python-level call per entry

    def _dots(rows: Iterable[Sequence[float]], cols: Sequence[Sequence[float]]) -> Matrix:
        """``[[r . c for c in cols] for r in rows]``: the loop every product runs."""
        return [[sum(map(_mul, r, c)) for c in cols] for r in rows]


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
    return sumprod(a, b)


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
    return [sumprod(row, x) for row in A]


def vecmat(x: Sequence[float], A: Sequence[Sequence[float]]) -> Vector:
    """Row vector times matrix ``(x^T A)_j = sum_i x_i A_ij``; A is m x n, x has m entries.

    >>> vecmat([1.0, 1.0], [[1.0, 2.0], [3.0, 4.0]])
    [4.0, 6.0]
    """
    if len(A) != len(x):
        raise PureposeError(f"vecmat: A has {len(A)} rows but x has {len(x)} entries")
    return [sumprod(x, col) for col in zip(*A)]


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
    return _dots(A, columns)


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
    return _dots(A, Bt)


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
    return gram_of_columns(list(zip(*A)))


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
    return crossprod_of_columns(list(zip(*A)), list(zip(*B)))


# The two kernels behind gram and crossprod, for callers that already hold
# the columns (least squares builds its centred columns once). Columns of
# freshly computed floats make the fastest dots: a column read out of a large
# row-major matrix has its floats scattered across memory, one per cache
# line, and its dots cost about twice as much per multiply-add (3.11 and 3.13).


def gram_of_columns(columns: Sequence[Sequence[float]]) -> Matrix:
    """``G_ij = c_i . c_j`` for equal-length columns c (unchecked); upper triangle, mirrored.

    >>> gram_of_columns([[1.0, 3.0], [2.0, 4.0]])
    [[10.0, 14.0], [14.0, 20.0]]
    """
    n = len(columns)
    G = zeros(n, n)
    for i, ci in enumerate(columns):
        for j in range(i, n):
            G[i][j] = G[j][i] = sumprod(ci, columns[j])
    return G


def crossprod_of_columns(
    a_columns: Sequence[Sequence[float]], b_columns: Sequence[Sequence[float]]
) -> Matrix:
    """``C_ij = a_i . b_j`` for equal-length columns (unchecked): ``A^T B`` from columns.

    >>> crossprod_of_columns([[1.0, 3.0], [2.0, 4.0]], [[1.0, 1.0]])
    [[4.0], [6.0]]
    """
    return _dots(a_columns, b_columns)
