"""Audit of purepose.fast.linalg against numpy: products, co-moments, Cholesky, solves, QR, lstsq.

Tolerances are scaled to what a float allows for each operation: a dot
product is compared within ``c eps sum |a_i b_i|``, factorizations within a
small multiple of eps times the matrix norm, solves of well-conditioned
systems (cond <= ~100 by construction) to 1e-12 relative.
"""

from __future__ import annotations

import copy
import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.fast.linalg import (
    Comoments,
    NotPositiveDefiniteError,
    RankDeficientError,
    apply_qt,
    check_matrix,
    cho_solve,
    cholesky,
    covariance,
    crossprod,
    gram,
    householder_qr,
    inv_spd,
    lstsq,
    matmul,
    matmul_transposed,
    matvec,
    qr,
    solve_lower,
    solve_spd,
    solve_upper,
    transpose,
    vecmat,
)
from purepose.textbook import linalg as textbook_linalg

np = pytest.importorskip("numpy")

EPS = 2.220446049250313e-16
FEW = settings(max_examples=30, deadline=None)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def matrix(rows: int, cols: int, elements=finite):
    return st.lists(st.lists(elements, min_size=cols, max_size=cols), min_size=rows, max_size=rows)


@st.composite
def product_pair(draw):
    """Two matrices with a matching inner dimension, entries spanning 12 decades."""
    m, k, n = (draw(st.integers(1, 6)) for _ in range(3))
    return draw(matrix(m, k)), draw(matrix(k, n))


def assert_close_to_product(C, A, B, factor=8.0):
    """|C - A B| <= factor k eps (|A| |B|) entrywise: the bound for any summation order."""
    A, B = np.array(A), np.array(B)
    bound = factor * A.shape[1] * EPS * (np.abs(A) @ np.abs(B))
    assert np.all(np.abs(np.array(C) - A @ B) <= bound)


def well_conditioned(rng, m, n, cond=10.0):
    """m x n matrix U diag(s) V^T with singular values in [1, cond]: cond(A) <= cond."""
    U, _ = np.linalg.qr(rng.normal(size=(m, n)))
    V, _ = np.linalg.qr(rng.normal(size=(n, n)))
    s = np.exp(rng.uniform(0.0, math.log(cond), size=n))
    return (U * s) @ V.T


def spd(rng, n, cond=100.0):
    """Symmetric positive definite n x n with condition number <= cond."""
    V, _ = np.linalg.qr(rng.normal(size=(n, n)))
    s = np.exp(rng.uniform(0.0, math.log(cond), size=n))
    A = (V * s) @ V.T
    return (A + A.T) / 2.0


def exact_comoment(X):
    """sum_i (x_i - mean)(x_i - mean)^T in exact rational arithmetic, rounded once."""
    rows = [[Fraction(v) for v in row] for row in X]
    n, d = len(rows), len(rows[0])
    mean = [sum(col) / n for col in zip(*rows)]
    centred = [[v - m for v, m in zip(row, mean)] for row in rows]
    return np.array(
        [[float(sum(r[i] * r[j] for r in centred)) for j in range(d)] for i in range(d)]
    )


def rel_err(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.linalg.norm(x - y) / max(np.linalg.norm(y), 1e-300)


# ---------------------------------------------------------------------------
# Products


@FEW
@given(product_pair())
def test_products_match_numpy(pair):
    A, B = pair
    assert_close_to_product(matmul(A, B), A, B)
    assert_close_to_product(textbook_linalg.matmul(A, B), A, B)
    assert_close_to_product(matmul_transposed(A, transpose(B)), A, B)
    assert_close_to_product([[v] for v in matvec(A, [row[0] for row in B])], A, [r[:1] for r in B])
    assert_close_to_product([vecmat(A[0], B)], A[:1], B)
    At = transpose(A)
    assert At == np.array(A).T.tolist()
    assert_close_to_product(crossprod(At, B), A, B)
    G = gram(A)
    assert transpose(G) == G  # exactly symmetric
    assert_close_to_product(G, At, A)


def test_products_reject_bad_shapes():
    with pytest.raises(PureposeError, match="matmul: B is ragged"):
        matmul([[1.0, 2.0]], [[1.0, 2.0], [3.0]])
    with pytest.raises(PureposeError, match="transpose: A is ragged"):
        transpose([[1.0, 2.0], [3.0]])
    with pytest.raises(PureposeError, match="crossprod: A has 2 rows but B has 1"):
        crossprod([[1.0], [2.0]], [[1.0]])
    with pytest.raises(PureposeError, match="gram: A is empty"):
        gram([])


def test_check_matrix_names_the_bad_row():
    with pytest.raises(PureposeError, match=r"f: X row 1 is not a list of numbers"):
        check_matrix([[1.0, 2.0], 3.0], "X", "f")
    with pytest.raises(PureposeError, match=r"ragged: row 2 has 1 columns"):
        check_matrix([[1.0, 2.0], [1.0, 2.0], [1.0]], "X", "f")
    with pytest.raises(PureposeError, match=r"NaN or inf \(row 1\)"):
        check_matrix([[1.0], [math.inf]], "X", "f")


# ---------------------------------------------------------------------------
# Covariance and co-moments


@FEW
@given(
    seeds,
    st.integers(2, 40),
    st.integers(1, 5),
    st.sampled_from([0.0, 1e3, -1e8, 1e8]),
    st.sampled_from([1e-3, 1.0, 1e3]),
)
def test_covariance_is_exact_to_rounding_even_with_a_large_offset(seed, n, d, offset, spread):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * spread + offset
    C = exact_comoment(X.tolist()) / (n - 1)
    scale = np.sqrt(np.outer(np.diag(C), np.diag(C)))
    got = np.array(covariance(X.tolist()))
    assert np.all(np.abs(got - C) <= 1e-13 * scale)
    # numpy's two-pass np.cov is the usual oracle, but its mean carries an error
    # of about n u max|x|, which costs it log10(max|x| / std) digits (up to ~11
    # with an offset of 1e8 and a spread of 1e-3); so it is checked only to that
    # bound. The exact rational value above is the real oracle.
    kappa = np.abs(X).max() / np.sqrt(np.diag(C)).min()
    loose = max(1e-12, 8 * n * np.finfo(float).eps * kappa)
    assert np.all(np.abs(np.cov(X, rowvar=False).reshape(d, d) - C) <= loose * scale)
    ref = np.array(textbook_linalg.covariance(X.tolist()))
    assert np.all(np.abs(ref - C) <= loose * scale)  # textbook two-pass, plain sums


@FEW
@given(seeds, st.lists(st.integers(1, 15), min_size=1, max_size=5), st.sampled_from([0.0, 1e8]))
def test_comoments_merge_equals_one_batch_and_survives_json(seed, sizes, offset):
    rng = np.random.default_rng(seed)
    chunks = [(rng.normal(size=(k, 3)) + offset).tolist() for k in sizes]
    everything = [row for chunk in chunks for row in chunk]
    merged = Comoments()
    for chunk in chunks:
        merged = merged.merge(Comoments().update(chunk))
    streamed = Comoments()
    for chunk in chunks:
        streamed.update(chunk)
    X = np.array(everything)
    M = exact_comoment(everything)
    tol = 1e-12 * np.sqrt(np.outer(np.diag(M), np.diag(M)))
    for acc in (merged, streamed):
        assert acc.n_samples == len(everything)
        assert np.allclose(acc.mean(), X.mean(0), rtol=0, atol=4 * EPS * np.abs(X).max())
        assert np.all(np.abs(np.array(acc.comoment()) - M) <= tol)
    clone = Comoments.from_dict(json.loads(json.dumps(merged.to_dict())))
    assert clone.mean() == merged.mean()
    assert clone.comoment() == merged.comoment()


@FEW
@given(seeds, st.integers(1, 8), st.integers(1, 8), st.integers(1, 8))
def test_comoments_merge_is_associative(seed, na, nb, nc):
    rng = np.random.default_rng(seed)
    a, b, c = (
        Comoments().update((rng.normal(size=(k, 2)) * 5 + 1e6).tolist()) for k in (na, nb, nc)
    )
    left, right = a.merge(b).merge(c), a.merge(b.merge(c))
    assert left.n_samples == right.n_samples
    assert np.allclose(left.mean(), right.mean(), rtol=1e-15, atol=0)
    M = np.array(left.comoment())
    assert np.allclose(M, right.comoment(), rtol=1e-10, atol=1e-10 * np.abs(M).max())


@pytest.mark.parametrize(
    ("X", "row"),
    [
        ([[math.nan, 1.0], [2.0, 3.0]], 0),  # in the shift row itself
        ([[1.0, 2.0], [3.0, math.inf]], 1),
        ([[1.0, 2.0], [3.0, math.inf], [4.0, -math.inf]], 1),  # inf - inf would be NaN
        ([[math.inf, 0.0], [math.inf, 0.0]], 0),  # shifted: inf - inf = NaN
        ([[1.0, 2.0], [3.0, 4.0], [-math.nan, 5.0]], 2),
    ],
)
def test_non_finite_rows_are_named_and_leave_the_accumulator_unchanged(X, row):
    # The finiteness check is folded into the co-moment arithmetic: make sure
    # every way a NaN or inf can enter is still caught, before any state changes.
    with pytest.raises(PureposeError, match=rf"^covariance: X contains NaN or inf \(row {row}\)$"):
        covariance(X)
    acc = Comoments().update([[1.0, 1.0], [2.0, 5.0]])
    before = acc.to_dict()
    with pytest.raises(PureposeError, match=rf"^Comoments\.update: X contains NaN .*row {row}"):
        acc.update(X)
    assert acc.to_dict() == before
    empty = Comoments()
    with pytest.raises(PureposeError, match="NaN or inf"):
        empty.update(X)
    assert empty.n_samples == 0 and empty.to_dict()["shift"] == []


def test_comoments_update_rejects_non_numbers_and_keeps_overflow_of_finite_data():
    with pytest.raises(PureposeError, match="covariance: X must contain only numbers"):
        covariance([[1.0, "2"], [3.0, 4.0]])
    with pytest.raises(PureposeError, match=r"Comoments\.update: X must contain only numbers"):
        Comoments().update([["a", 1.0], [2.0, 3.0]])
    with pytest.raises(PureposeError, match=r"Comoments\.update: X must contain only numbers"):
        Comoments().update([[1.0, None], [2.0, 3.0]])
    with pytest.raises(PureposeError, match=r"Comoments\.update: X must contain only numbers"):
        Comoments().update([[1.0, 2.0], [2.0, 3j]])
    with pytest.raises(PureposeError, match="X has 3 columns, expected 2"):
        Comoments().update([[1.0, 2.0]]).update([[1.0, 2.0, 3.0]])
    # Finite entries whose squares overflow are data, not an input error (as before).
    assert covariance([[0.0], [1e200], [-1e200]])[0][0] == math.inf
    # Integers and bools are numbers; the result matches the float input exactly.
    assert covariance([[1, True], [3, False], [4, True]]) == covariance(
        [[1.0, 1.0], [3.0, 0.0], [4.0, 1.0]]
    )


def test_comoments_from_dict_rejects_bad_state():
    state = Comoments().update([[1.0, 2.0], [3.0, 5.0]]).to_dict()
    with pytest.raises(PureposeError, match="missing key"):
        Comoments.from_dict({"n_samples": 1})
    with pytest.raises(PureposeError, match="'sum' must have 2 entries"):
        Comoments.from_dict({**state, "sum": [1.0]})
    with pytest.raises(PureposeError, match="n_samples=-1"):
        Comoments.from_dict({**state, "n_samples": -1})
    with pytest.raises(PureposeError, match="NaN or inf"):
        Comoments.from_dict({**state, "sq": [[1.0, math.nan], [1.0, 1.0]]})


# ---------------------------------------------------------------------------
# Cholesky and triangular solves


@FEW
@given(seeds, st.integers(1, 8), st.sampled_from([1e-8, 1.0, 1e8]))
def test_cholesky_matches_numpy(seed, n, magnitude):
    A = spd(np.random.default_rng(seed), n) * magnitude
    L = cholesky(A.tolist())
    L_np = np.linalg.cholesky(A)
    size = math.sqrt(np.abs(A).max())
    assert np.all(np.abs(np.array(L) - L_np) <= 1e-12 * size)
    assert all(L[i][j] == 0.0 for i in range(n) for j in range(i + 1, n))
    assert all(L[i][i] > 0.0 for i in range(n))
    assert np.abs(np.array(L) @ np.array(L).T - A).max() <= 8 * n * EPS * np.abs(A).max()
    assert np.allclose(textbook_linalg.cholesky(A.tolist()), L_np, rtol=0, atol=1e-12 * size)


def test_cholesky_failures_are_one_line_and_name_the_pivot():
    with pytest.raises(
        NotPositiveDefiniteError, match=r"not positive definite \(pivot 1 = -3\)"
    ) as e:
        cholesky([[1.0, 2.0], [2.0, 1.0]])
    assert (e.value.index, e.value.pivot) == (1, -3.0)
    with pytest.raises(
        PureposeError, match=r"not symmetric \(A\[1\]\[0\] = 2.5, A\[0\]\[1\] = 2.0\)"
    ):
        cholesky([[5.0, 2.0], [2.5, 5.0]])
    with pytest.raises(PureposeError, match="cholesky: A must be square, got 1x2"):
        cholesky([[1.0, 2.0]])
    with pytest.raises(PureposeError, match="cholesky: A is empty"):
        cholesky([])
    with pytest.raises(PureposeError, match="cholesky: A contains NaN or inf"):
        cholesky([[math.nan]])
    # rounding-level asymmetry is accepted (only the lower triangle is used)
    assert cholesky([[4.0, 2.0 * (1 + 4 * EPS)], [2.0, 5.0]])[1][0] == 1.0


@FEW
@given(seeds, st.integers(1, 8), st.integers(1, 3))
def test_triangular_solves_match_numpy_and_ignore_the_other_triangle(seed, n, k):
    rng = np.random.default_rng(seed)
    T = rng.normal(size=(n, n)) + np.diag(rng.choice([-1, 1], n) * (n + rng.uniform(1, 2, n)))
    L, U = np.tril(T), np.triu(T)
    b, B = rng.normal(size=n), rng.normal(size=(n, k))
    garbage_L = (L + np.triu(rng.normal(size=(n, n)) * 1e6, 1)).tolist()  # never read
    garbage_U = (U + np.tril(rng.normal(size=(n, n)) * 1e6, -1)).tolist()
    assert rel_err(solve_lower(garbage_L, b.tolist()), np.linalg.solve(L, b)) < 1e-13
    assert rel_err(solve_upper(garbage_U, b.tolist()), np.linalg.solve(U, b)) < 1e-13
    X = solve_lower(garbage_L, B.tolist())
    assert np.array(X).shape == (n, k)
    assert rel_err(X, np.linalg.solve(L, B)) < 1e-13
    assert rel_err(solve_upper(garbage_U, B.tolist()), np.linalg.solve(U, B)) < 1e-13


def test_triangular_solve_errors():
    with pytest.raises(PureposeError, match=r"solve_lower: L is singular \(L\[1\]\[1\] = 0\)"):
        solve_lower([[1.0, 0.0], [1.0, 0.0]], [1.0, 1.0])
    with pytest.raises(PureposeError, match="solve_upper: right-hand side has 3 rows, expected 2"):
        solve_upper([[1.0, 1.0], [0.0, 1.0]], [[1.0], [1.0], [1.0]])
    with pytest.raises(PureposeError, match="solve_upper: b contains NaN"):
        solve_upper([[1.0, 1.0], [0.0, 1.0]], [1.0, math.nan])
    with pytest.raises(PureposeError, match="solution overflowed"):
        solve_upper([[1e-300, 0.0], [0.0, 1.0]], [1e300, 1.0])


def test_spd_solver_errors_name_the_function_and_the_problem():
    # solve_spd and inv_spd check A once and factor without re-checking
    with pytest.raises(PureposeError, match=r"^solve_spd: A must be square, got 1x2$"):
        solve_spd([[1.0, 2.0]], [1.0])
    with pytest.raises(PureposeError, match=r"^solve_spd: A contains NaN or inf \(row 1\)$"):
        solve_spd([[1.0, 0.0], [0.0, math.inf]], [1.0, 1.0])
    with pytest.raises(PureposeError, match=r"^solve_spd: right-hand side has 1 rows, expected 2"):
        solve_spd([[1.0, 0.0], [0.0, 1.0]], [1.0])
    with pytest.raises(PureposeError, match=r"^cholesky: A is not symmetric \(A\[1\]\[0\] = 3.0"):
        solve_spd([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0])
    with pytest.raises(NotPositiveDefiniteError, match=r"pivot 1 = -3"):
        inv_spd([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(PureposeError, match=r"^inv_spd: A contains NaN or inf \(row 0\)$"):
        inv_spd([[math.nan]])
    with pytest.raises(PureposeError, match=r"^cho_solve: solution overflowed"):
        solve_spd([[1e-300, 0.0], [0.0, 1.0]], [1e300, 1.0])


@FEW
@given(seeds, st.integers(1, 8), st.integers(1, 3))
def test_spd_solvers_match_numpy(seed, n, k):
    rng = np.random.default_rng(seed)
    A = spd(rng, n) * 10.0 ** rng.uniform(-5, 5)
    b, B = rng.normal(size=n), rng.normal(size=(n, k))
    L = cholesky(A.tolist())
    assert rel_err(cho_solve(L, b.tolist()), np.linalg.solve(A, b)) < 1e-12
    assert rel_err(cho_solve(L, B.tolist()), np.linalg.solve(A, B)) < 1e-12
    assert rel_err(solve_spd(A.tolist(), B.tolist()), np.linalg.solve(A, B)) < 1e-12
    inverse = inv_spd(A.tolist())
    assert inverse == transpose(inverse)
    assert rel_err(inverse, np.linalg.inv(A)) < 1e-12


# ---------------------------------------------------------------------------
# QR and least squares


def sign_fixed(Q, R):
    """Make diag(R) >= 0 (QR is unique up to these signs)."""
    signs = np.where(np.diag(R) < 0, -1.0, 1.0)
    return Q * signs, R * signs[:, None]


@FEW
@given(seeds, st.integers(1, 9), st.integers(1, 6), st.sampled_from([0.0, 3.0, 100.0]))
def test_qr_is_orthonormal_upper_and_reproduces_a(seed, m, n, decades):
    m, n = max(m, n), min(m, n)
    rng = np.random.default_rng(seed)
    # columns of wildly different scales: Householder QR is column-scaling invariant
    A = rng.normal(size=(m, n)) * 10.0 ** rng.uniform(-decades, decades, n)
    Q, R = (np.array(M) for M in qr(A.tolist()))
    assert Q.shape == (m, n) and R.shape == (n, n)
    assert np.all(np.tril(R, -1) == 0.0)
    assert np.abs(Q.T @ Q - np.eye(n)).max() < 10 * m * EPS
    column_norms = np.linalg.norm(A, axis=0)
    assert np.all(np.linalg.norm(Q @ R - A, axis=0) <= 10 * m * EPS * column_norms)
    Q_np, R_np = sign_fixed(*np.linalg.qr(A))
    Q_ours, R_ours = sign_fixed(Q, R)
    cond = np.linalg.cond(A / column_norms)
    assert np.abs(Q_ours - Q_np).max() <= 1e-12 * cond
    assert np.all(np.abs(R_ours - R_np) <= 1e-12 * cond * column_norms)


def test_qr_handles_zero_and_already_triangular_columns():
    Q, R = qr([[2.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    assert np.allclose(np.array(Q) @ np.array(R), [[2, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]])
    assert R[0][0] == 2.0 and R[1][1] == 0.0  # no reflection needed: H = I, like LAPACK
    assert np.allclose(np.array(Q).T @ np.array(Q), np.eye(3))


@FEW
@given(seeds, st.integers(1, 12), st.integers(1, 5), st.integers(1, 3))
def test_lstsq_matches_numpy_and_residual_is_orthogonal(seed, extra, n, k):
    rng = np.random.default_rng(seed)
    m = n + extra - 1
    A = well_conditioned(rng, m, n) * 10.0 ** rng.uniform(-3, 3)
    B = rng.normal(size=(m, k)) * 10.0 ** rng.uniform(-3, 3)
    X = np.array(lstsq(A.tolist(), B.tolist()))
    X_np = np.linalg.lstsq(A, B, rcond=None)[0]
    # error bound ~ eps (cond + cond^2 |r| / (|A| |x|)); cond <= 10 here
    scale = np.linalg.norm(B) / np.linalg.norm(A, 2)
    assert np.abs(X - X_np).max() <= 1e-12 * scale
    residual = B - A @ X
    assert np.abs(A.T @ residual).max() <= 1e-12 * np.linalg.norm(A, 2) * np.linalg.norm(B)
    x = lstsq(A.tolist(), B[:, 0].tolist())
    assert np.abs(np.array(x) - X_np[:, 0]).max() <= 1e-12 * scale
    # Q^T preserves norms; its last m - n entries carry the residual
    qtb = np.array(apply_qt(householder_qr(A.tolist()), B[:, 0].tolist()))
    assert math.isclose(np.linalg.norm(qtb), np.linalg.norm(B[:, 0]), rel_tol=1e-13)
    r = np.linalg.norm(B[:, 0] - A @ X_np[:, 0])
    assert abs(np.linalg.norm(qtb[n:]) - r) <= 1e-12 * np.linalg.norm(B[:, 0])


@FEW
@given(seeds, st.integers(0, 20), st.integers(2, 6), st.data())
def test_lstsq_detects_a_dependent_column(seed, extra, n, data):
    rng = np.random.default_rng(seed)
    m = n + extra
    k = data.draw(st.integers(1, n - 1))
    A = rng.normal(size=(m, n)) * 10.0 ** rng.uniform(-4, 4, n)
    A[:, k] = A[:, :k] @ rng.normal(size=k)
    with pytest.raises(RankDeficientError, match=f"column {k} is") as e:
        lstsq(A.tolist(), rng.normal(size=m).tolist())
    assert e.value.column == k


def test_lstsq_errors():
    with pytest.raises(RankDeficientError, match="column 1 is all zeros"):
        lstsq([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]], [1.0, 2.0, 3.0])
    with pytest.raises(PureposeError, match="lstsq: A is 1x2: underdetermined"):
        lstsq([[1.0, 2.0]], [1.0])
    with pytest.raises(PureposeError, match="lstsq: right-hand side has 2 rows, expected 3"):
        lstsq([[1.0], [2.0], [3.0]], [1.0, 2.0])
    with pytest.raises(PureposeError, match="rcond=-1"):
        lstsq([[1.0], [2.0]], [1.0, 2.0], rcond=-1.0)
    with pytest.raises(PureposeError, match="lstsq: B contains NaN"):
        lstsq([[1.0], [2.0]], [[1.0], [math.nan]])
    # a looser rcond turns a nearly dependent column into an error
    A = [[1.0, 1.0], [1.0, 1.0 + 1e-9], [1.0, 1.0]]
    assert len(lstsq(A, [1.0, 2.0, 3.0])) == 2
    with pytest.raises(RankDeficientError):
        lstsq(A, [1.0, 2.0, 3.0], rcond=1e-6)


# ---------------------------------------------------------------------------
# Inputs are never mutated


def test_no_function_mutates_its_inputs():
    rng = np.random.default_rng(7)
    A = (spd(rng, 4) + 0.0).tolist()
    T = np.tril(rng.normal(size=(4, 4)) + 5 * np.eye(4)).tolist()
    M = rng.normal(size=(6, 4)).tolist()
    B = rng.normal(size=(4, 2)).tolist()
    b = rng.normal(size=4).tolist()
    calls = [
        (matmul, (M, B)),
        (gram, (M,)),
        (crossprod, (M, M)),
        (covariance, (M,)),
        (cholesky, (A,)),
        (solve_lower, (T, b)),
        (solve_upper, (transpose(T), B)),
        (cho_solve, (cholesky(A), B)),
        (solve_spd, (A, b)),
        (inv_spd, (A,)),
        (qr, (M,)),
        (lstsq, (M, [row[:2] for row in M])),
        (lambda X: Comoments().update(X), (M,)),
    ]
    for func, args in calls:
        before = copy.deepcopy(args)
        func(*args)
        assert args == before, func
