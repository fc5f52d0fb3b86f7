"""Fast == textbook for the linear algebra (purepose.fast.linalg vs purepose.textbook.linalg).

The contract, stated per kernel:

* dot, matmul, Cholesky, the triangular solves, the Cholesky solve and
  Householder least squares do the same operations in the same order in
  both layers. On CPython 3.11 the fast kernel ``sumprod`` is
  ``sum(map(mul, a, b))``, a left-to-right sum like the textbook loop, so
  the results are the same floats. On 3.12+ it is ``math.sumprod``
  (compensated), and each result is within the textbook's own rounding
  bound: ``n u sum |a_i b_i|`` for a dot, ``c n u cond(A)`` (relative) for
  the factorizations and solves.
* transpose and the column means are exact in both (no rounding / one fsum).
* The covariance is shifted (fast) versus two-pass (textbook): each is within
  its own error bound of the exact (rational) covariance, and so of the other.

numpy is the judge of the condition numbers; fractions give the exact values.
"""

from __future__ import annotations

import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import NotPositiveDefiniteError, RankDeficientError
from purepose.fast import linalg
from purepose.textbook import linalg as tb

np = pytest.importorskip("numpy")

U = 2.0**-53  # unit roundoff
LEFT_TO_RIGHT = sys.version_info < (3, 12)  # the fast sumprod adds exactly like the loop
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)


def matrices(min_rows=1, max_rows=8, min_cols=1, max_cols=6):
    return st.integers(min_rows, max_rows).flatmap(
        lambda m: st.integers(min_cols, max_cols).flatmap(
            lambda n: st.lists(st.lists(finite, min_size=n, max_size=n), min_size=m, max_size=m)
        )
    )


def spd(M):
    """An exactly symmetric positive definite matrix from M: M M^T + I, symmetrized."""
    A = np.asarray(M) @ np.asarray(M).T + np.eye(len(M))
    return ((A + A.T) / 2).tolist()


def close(fast, textbook, bound):
    fast, textbook = np.asarray(fast, dtype=float), np.asarray(textbook, dtype=float)
    if LEFT_TO_RIGHT:
        return np.array_equal(fast, textbook)
    return bool(np.all(np.abs(fast - textbook) <= bound))


@SETTINGS
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.lists(finite, min_size=n, max_size=n), st.lists(finite, min_size=n, max_size=n)
        )
    )
)
def test_dot_same_floats_on_311_else_within_the_loops_bound(ab):
    a, b = ab
    bound = 2 * len(a) * U * sum(abs(x * y) for x, y in zip(a, b))
    assert close(linalg.dot(a, b), tb.dot(a, b), bound)


@SETTINGS
@given(matrices(), st.integers(1, 5), st.data())
def test_matmul_and_transpose(A, n, data):
    k = len(A[0])
    B = data.draw(st.lists(st.lists(finite, min_size=n, max_size=n), min_size=k, max_size=k))
    bound = 2 * k * U * (np.abs(np.asarray(A)) @ np.abs(np.asarray(B)))
    assert close(linalg.matmul(A, B), tb.matmul(A, B), bound)
    assert linalg.transpose(A) == tb.transpose(A)


@SETTINGS
@given(matrices(min_rows=2, max_rows=30, max_cols=4), finite)
def test_means_exact_and_covariances_each_within_their_bound_of_the_exact_one(X, offset):
    X = [[x + offset for x in row] for row in X]  # data far from zero are the hard case
    assert linalg.column_means(X) == tb.mean(X)
    n, d = len(X), len(X[0])
    F = [[Fraction(x) for x in row] for row in X]
    mean = [sum(F[i][a] for i in range(n)) / n for a in range(d)]
    fast, textbook = linalg.covariance(X), tb.covariance(X)
    for a in range(d):
        for b in range(d):
            exact = sum((F[i][a] - mean[a]) * (F[i][b] - mean[b]) for i in range(n)) / (n - 1)
            # sum |x_a - K_a||x_b - K_b| for the fast shift K (the first row) and K = the mean
            shifted = sum(abs((F[i][a] - F[0][a]) * (F[i][b] - F[0][b])) for i in range(n))
            centred = sum(abs((F[i][a] - mean[a]) * (F[i][b] - mean[b])) for i in range(n))
            bound = 4 * (n + 4) * U * float(shifted + centred) / (n - 1)
            assert abs(fast[a][b] - float(exact)) <= bound
            assert abs(textbook[a][b] - float(exact)) <= bound


@SETTINGS
@given(matrices(min_rows=1, max_rows=7, min_cols=1, max_cols=7))
def test_cholesky_and_solves(M):
    A = spd([row[: len(M)] + [0.0] * max(0, len(M) - len(row)) for row in M])
    n = len(A)
    cond = np.linalg.cond(np.asarray(A))
    L_fast, L_tb = linalg.cholesky(A), tb.cholesky(A)
    scale = np.max(np.abs(L_tb))
    assert close(L_fast, L_tb, 8 * (n + 1) * U * cond * scale)
    b = [float(i + 1) for i in range(n)]
    x_tb = tb.cholesky_solve(L_tb, b)
    bound = 8 * (n + 1) * U * cond * np.max(np.abs(x_tb))
    assert close(linalg.cho_solve(L_tb, b), x_tb, bound)
    assert close(linalg.solve_spd(A, b), x_tb, bound)
    cond_L = np.linalg.cond(np.asarray(L_tb))
    y = tb.forward_substitution(L_tb, b)
    assert close(linalg.solve_lower(L_tb, b), y, 8 * n * U * cond_L * np.max(np.abs(y)))
    Lt = tb.transpose(L_tb)
    z = tb.back_substitution(Lt, b)
    assert close(linalg.solve_upper(Lt, b), z, 8 * n * U * cond_L * np.max(np.abs(z)))


def test_not_positive_definite_is_the_same_error_at_the_same_pivot():
    A = [[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    for cholesky in (linalg.cholesky, tb.cholesky):
        with pytest.raises(NotPositiveDefiniteError) as info:
            cholesky(A)
        assert (info.value.index, info.value.pivot) == (1, 0.0)


@SETTINGS
@given(matrices(min_rows=1, max_rows=10, min_cols=1, max_cols=4), st.integers(1, 3), st.data())
def test_householder_least_squares(A, t, data):
    if len(A) < len(A[0]):
        A = A + [[0.0] * len(A[0]) for _ in range(len(A[0]) - len(A))]
    m, n = len(A), len(A[0])
    B = data.draw(st.lists(st.lists(finite, min_size=t, max_size=t), min_size=m, max_size=m))
    try:
        fast = linalg.lstsq(A, B)
    except RankDeficientError as exc:
        with pytest.raises(RankDeficientError) as info:
            tb.lstsq(A, B)
        assert info.value.column == exc.column
        return
    textbook = tb.lstsq(A, B)
    An, Xn = np.asarray(A), np.asarray(textbook)
    s = np.linalg.svd(An, compute_uv=False)
    cond = s[0] / s[-1]  # np.linalg.cond gives NaN for a lone tiny entry such as 3e-292
    residual = np.linalg.norm(An @ Xn - np.asarray(B))
    growth = 1.0 + cond * residual / max(np.linalg.norm(An) * np.linalg.norm(Xn), 1e-300)
    bound = 32 * m * n * U * cond * growth * max(np.max(np.abs(Xn)), 1e-300)
    assert close(fast, textbook, bound)
