"""Cholesky, triangular solves and Householder QR least squares, on lists.

Every solver takes a vector b (returns a vector) or an n x k matrix B of
right-hand sides (returns n x k), like ``numpy.linalg.solve``. Inputs are
checked once, at the public function; the private kernels behind them
(``_cholesky``, ``_forward``, ``_backward``, ``_cho_solve``) assume checked
input and are shared by the functions of this module only.

* :func:`cholesky`: ``A = L L^T`` for symmetric positive definite A, row by
  row, each entry one C-level ``sumprod``; :func:`solve_lower` /
  :func:`solve_upper` substitute; :func:`cho_solve`, :func:`solve_spd`,
  :func:`inv_spd` build on them.
* :func:`householder_qr` / :func:`qr`: ``A = Q R`` by Householder reflections
  ``H = I - tau v v^T`` (LAPACK's sign convention); :func:`lstsq` solves
  ``min ||A X - B||`` through ``R X = Q^T B`` without forming Q, and refuses a
  rank-deficient A with a message naming the dependent column.

Cost: ``cholesky`` O(n^3 / 6); a triangular solve O(n^2); ``householder_qr``
O(2 m n^2 - 2 n^3 / 3); ``lstsq`` that plus O(4 m n) per right-hand side.

The textbook loops are in :mod:`purepose.textbook.linalg`; with the same
formulas and the same order of operations they give the same floats on
CPython 3.11, where ``sumprod`` is a left-to-right sum (3.12+ ``math.sumprod``
is compensated, so there the two agree to rounding).

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013, chapters 4 and 5; N. J. Higham, *Accuracy and
Stability of Numerical Algorithms*, 2nd ed., SIAM, 2002, chapters 8, 10, 19
and 20.

>>> solve_spd([[4.0, 2.0], [2.0, 5.0]], [8.0, 12.0])
[1.0, 2.0]

Tests: ``tests/textbook/test_linalg.py`` holds it equal to the textbook;
``tests/fast/test_linalg.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Sequence
from itertools import chain, repeat
from typing import NamedTuple

from purepose.checks import check_matrix, check_square, check_symmetric, check_vector
from purepose.errors import NotPositiveDefiniteError, PureposeError, RankDeficientError
from purepose.types import Matrix, Vector

from .blas import identity, sumprod, transpose, zeros

__all__ = [
    "HouseholderQR",
    "NotPositiveDefiniteError",
    "RankDeficientError",
    "apply_qt",
    "cho_solve",
    "cholesky",
    "householder_qr",
    "inv_spd",
    "lstsq",
    "qr",
    "solve_lower",
    "solve_spd",
    "solve_upper",
]

_mul = operator.mul
_sub = operator.sub
_EPS = sys.float_info.epsilon


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
        x.append((b_i - sumprod(row[:i], x)) / row[i])
    return x


def _backward(U: Sequence[Sequence[float]], b: Sequence[float]) -> Vector:
    # x_i = (b_i - U[i][i+1:] . x[i+1:]) / U_ii, bottom to top
    n = len(b)
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        row = U[i]
        x[i] = (b[i] - sumprod(row[i + 1 :], x[i + 1 :])) / row[i]
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
    n = check_square(L, "L", "solve_lower")
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
    n = check_square(U, "U", "solve_upper")
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
    purepose.errors.NotPositiveDefiniteError: cholesky: A is not positive definite (pivot 1 = -3)
    """
    check_square(A, "A", "cholesky")
    check_symmetric(A, "A", "cholesky")
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
            L_i.append((a_ij - sumprod(L_i, L_j)) / d_j)
        pivot = row[i] - sumprod(L_i, L_i)
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
    n = check_square(L, "L", "cho_solve")
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
    purepose.errors.NotPositiveDefiniteError: cholesky: A is not positive definite (pivot 0 = 0)
    """
    n = check_square(A, "A", "solve_spd")
    matrix_rhs = _check_rhs(B, n, "solve_spd")
    check_symmetric(A, "A", "cholesky")
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
    n = check_square(A, "A", "inv_spd")
    check_symmetric(A, "A", "cholesky")
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
    c = tau * sumprod(v, y)
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
    purepose.errors.RankDeficientError: lstsq: A is rank deficient: column 1 is (nearly) ...
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
