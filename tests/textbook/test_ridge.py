"""Fast == textbook for least squares and ridge: algorithm="columns" vs algorithm="textbook".

Both layers centre with the same fsum means, form ``Xc^T Xc + alpha I`` and
``Xc^T Yc`` by left-to-right dots (C-level on contiguous columns vs index
loops), factor by the same Cholesky and solve by the same substitutions
(or run the same Householder QR). On CPython 3.11, where the fast dot adds
left to right, every coefficient and intercept is the same float, and the
same solver is chosen. On 3.12+ (compensated ``math.sumprod``) they agree
within the forward-error bound of the normal equations, ``c (n + d) u
cond(A)`` relative to the coefficients (A = Xc^T Xc + alpha I; QR: cond(Xc)
squared times the relative residual is folded into the same cond(A)).
numpy is the judge of cond(A).
"""

from __future__ import annotations

import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.fast.regression import ALGORITHMS, LinearRegression, Ridge
from purepose.textbook import ridge as tb_ridge

np = pytest.importorskip("numpy")

U = 2.0**-53
LEFT_TO_RIGHT = sys.version_info < (3, 12)
SETTINGS = settings(max_examples=50, deadline=None, derandomize=True)


def _design(seed, n, d, t, offset):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) @ (np.eye(d) + 0.5 * rng.standard_normal((d, d))) + offset
    Y = X @ rng.standard_normal((d, t)) + 0.1 * rng.standard_normal((n, t))
    return X.tolist(), Y.tolist()


def _fit(model, X, Y):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # ill-conditioned: still compared
            model.fit(X, Y)
    except PureposeError as exc:
        return str(exc)
    return model


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    d=st.integers(1, 6),
    t=st.integers(1, 3),
    offset=st.sampled_from([0.0, 5.0, 1e4]),
    alpha=st.sampled_from([0.0, 1e-3, 1.0, 100.0]),
    solver=st.sampled_from(["auto", "cholesky", "qr"]),
    fit_intercept=st.booleans(),
)
def test_columns_and_textbook_give_the_same_fit(
    seed, n, d, t, offset, alpha, solver, fit_intercept
):
    X, Y = _design(seed, n, d, t, offset)
    params = {"alpha": alpha, "solver": solver, "fit_intercept": fit_intercept}
    fast = _fit(Ridge(**params), X, Y)
    textbook = _fit(Ridge(algorithm="textbook", **params), X, Y)
    if LEFT_TO_RIGHT:  # the same floats, the same solver, the same errors
        if isinstance(fast, str):
            assert fast == textbook
            return
        assert (fast.coef_, fast.intercept_, fast.solver_) == (
            textbook.coef_,
            textbook.intercept_,
            textbook.solver_,
        )
        return
    if isinstance(fast, str) or isinstance(textbook, str):
        return  # a singular or borderline problem may be judged differently in the last bit
    Xn = np.asarray(X) - (np.mean(X, axis=0) if fit_intercept else 0.0)
    cond = np.linalg.cond(Xn.T @ Xn + alpha * np.eye(d))
    W = np.asarray(textbook.coef_)
    bound = 64 * (n + d) * U * cond * max(np.max(np.abs(W)), 1e-300)
    assert np.max(np.abs(np.asarray(fast.coef_) - W)) <= bound


def test_linear_regression_is_ridge_with_alpha_zero_in_both_layers():
    X, Y = _design(7, 30, 4, 2, 3.0)
    for algorithm in ALGORITHMS:
        ols = LinearRegression(algorithm=algorithm).fit(X, Y)
        ridge = Ridge(alpha=0.0, algorithm=algorithm).fit(X, Y)
        assert (ols.coef_, ols.intercept_) == (ridge.coef_, ridge.intercept_)


def test_the_textbook_ridge_function_is_the_estimators_textbook_fit():
    X, Y = _design(8, 25, 3, 2, 1.0)
    coef, intercept = tb_ridge.ridge(X, Y, alpha=0.5)
    model = Ridge(alpha=0.5, algorithm="textbook", solver="cholesky").fit(X, Y)
    assert (model.coef_, model.intercept_) == (coef, intercept)


def test_a_bad_algorithm_is_a_one_line_error():
    with pytest.raises(PureposeError, match=r"^Ridge.fit: algorithm='svd' must be one of"):
        Ridge(algorithm="svd").fit([[0.0], [1.0]], [0.0, 1.0])
