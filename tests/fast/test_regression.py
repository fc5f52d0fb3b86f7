"""Audit of purepose.fast.regression against numpy.linalg.lstsq and scikit-learn.

Designs are well conditioned by construction (independent columns with
different scales and offsets), so agreement to 1e-9 relative is what a float
allows; the ill-conditioned cases check the solver choice instead.
"""

from __future__ import annotations

import copy
import json
import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import NotFittedError, PureposeError
from purepose.fast.regression import LinearRegression, NormalEquations, Ridge, ridge_path

np = pytest.importorskip("numpy")

FEW = settings(max_examples=20, deadline=None)
seeds = st.integers(min_value=0, max_value=2**32 - 1)


def design(seed, n=40, d=4, t=3, offset=10.0):
    """X with per-column scales and offsets, Y = X W + noise: a well-conditioned problem."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * 10.0 ** rng.uniform(-2, 2, d) + offset * rng.normal(size=d)
    W = rng.normal(size=(d, t))
    Y = X @ W + rng.normal(size=(n, t)) + rng.normal(size=t) * offset
    return X, Y


def assert_rel(got, want, rtol):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= rtol * max(np.abs(want).max(), 1e-300)


def assert_model_close(model, coef, intercept, rtol=1e-9, intercept_scale=None):
    assert_rel(model.coef_, coef, rtol)
    # the intercept is y_bar - W x_bar: its error is relative to |W| |x_bar| and |y_bar|
    scale = intercept_scale if intercept_scale is not None else np.abs(intercept).max()
    diff = np.abs(np.asarray(model.intercept_, dtype=float) - intercept).max()
    assert diff <= rtol * max(scale, 1e-300)


# ---------------------------------------------------------------------------
# Agreement with numpy and scikit-learn


@FEW
@given(seeds, st.integers(2, 6), st.integers(1, 3), st.sampled_from(["auto", "cholesky", "qr"]))
def test_linear_regression_matches_numpy_lstsq(seed, d, t, solver):
    X, Y = design(seed, n=30, d=d, t=t)
    A = np.column_stack([X, np.ones(len(X))])
    solution = np.linalg.lstsq(A, Y, rcond=None)[0]
    model = LinearRegression(solver=solver).fit(X.tolist(), Y.tolist())
    assert model.solver_ == ("qr" if solver == "qr" else "cholesky")
    assert model.n_features_in_ == d
    scale = np.abs(solution[:-1]).max() * np.abs(X).max() + np.abs(Y).max()
    assert_model_close(model, solution[:-1].T, solution[-1], intercept_scale=scale)


@FEW
@given(seeds, st.sampled_from(["auto", "cholesky", "qr"]), st.booleans())
def test_linear_regression_matches_sklearn_for_one_target(sklearn, seed, solver, fit_intercept):
    X, Y = design(seed, n=25, d=3, t=1)
    y = Y[:, 0]
    reference = sklearn.linear_model.LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    model = LinearRegression(fit_intercept=fit_intercept, solver=solver).fit(
        X.tolist(), y.tolist()
    )
    assert isinstance(model.coef_, list) and isinstance(model.coef_[0], float)
    assert isinstance(model.intercept_, float)
    scale = np.abs(reference.coef_).max() * np.abs(X).max() + np.abs(y).max()
    assert_model_close(model, reference.coef_, reference.intercept_, intercept_scale=scale)
    predicted = model.predict(X.tolist())
    assert isinstance(predicted[0], float)
    assert_rel(predicted, reference.predict(X), 1e-9)


@FEW
@given(
    seeds,
    st.sampled_from([1e-3, 1.0, 100.0]),
    st.booleans(),
    st.sampled_from(["auto", "cholesky", "qr"]),
    st.integers(1, 3),
)
def test_ridge_matches_sklearn_cholesky(sklearn, seed, alpha, fit_intercept, solver, t):
    X, Y = design(seed, n=30, d=4, t=t)
    reference = sklearn.linear_model.Ridge(
        alpha=alpha, fit_intercept=fit_intercept, solver="cholesky"
    )
    reference.fit(X, Y)
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver=solver)
    model.fit(X.tolist(), Y.tolist())
    scale = np.abs(reference.coef_).max() * np.abs(X).max() + np.abs(Y).max()
    coef = np.reshape(reference.coef_, (t, 4))  # sklearn's Ridge ravels a 1-column Y
    intercept = np.broadcast_to(reference.intercept_, t)
    assert_model_close(model, coef, intercept, intercept_scale=scale)
    assert_rel(model.predict(X.tolist()), reference.predict(X).reshape(-1, t), 1e-9)
    assert math.isclose(model.score(X.tolist(), Y.tolist()), reference.score(X, Y), abs_tol=1e-9)


def test_ridge_with_more_features_than_samples_matches_sklearn(sklearn):
    X, Y = design(3, n=5, d=8, t=2)
    reference = sklearn.linear_model.Ridge(alpha=0.5, solver="cholesky").fit(X, Y)
    for solver in ("cholesky", "qr"):
        model = Ridge(alpha=0.5, solver=solver).fit(X.tolist(), Y.tolist())
        scale = np.abs(reference.coef_).max() * np.abs(X).max() + np.abs(Y).max()
        assert_model_close(model, reference.coef_, reference.intercept_, intercept_scale=scale)


@FEW
@given(seeds, st.sampled_from([0.0, 0.1, 10.0]), st.sampled_from(["cholesky", "qr"]))
def test_residuals_satisfy_the_normal_equations(seed, alpha, solver):
    """Optimality: Xc^T (Y - X W^T - b) = alpha W^T, and residuals sum to zero."""
    X, Y = design(seed, n=35, d=5, t=2, offset=1e3)
    model = Ridge(alpha=alpha, solver=solver).fit(X.tolist(), Y.tolist())
    residual = Y - np.array(model.predict(X.tolist()))
    Xc = X - X.mean(0)
    W = np.array(model.coef_)
    bound = 1e-11 * np.linalg.norm(Xc, 2) * np.linalg.norm(Y - Y.mean(0))
    assert np.abs(Xc.T @ residual - alpha * W.T).max() <= bound
    assert np.abs(residual.sum(0)).max() <= 1e-11 * np.abs(Y).sum(0).max()


def test_score_matches_sklearn_r2_including_constant_targets(sklearn):
    X, Y = design(5, n=20, d=2, t=3)
    model = LinearRegression().fit(X.tolist(), Y.tolist())
    X_test, Y_test = design(6, n=15, d=2, t=3)
    expected = sklearn.metrics.r2_score(Y_test, model.predict(X_test.tolist()))
    assert math.isclose(model.score(X_test.tolist(), Y_test.tolist()), expected, rel_tol=1e-12)
    # a constant target predicted exactly scores 1, otherwise 0 (sklearn's convention)
    constant = [[v, 7.0] for v in Y[:, 0]]
    model = LinearRegression().fit(X.tolist(), constant)
    assert model.score(X.tolist(), constant) == pytest.approx(
        sklearn.metrics.r2_score(constant, model.predict(X.tolist())), abs=1e-12
    )
    off = [[v, 8.0] for v in Y[:, 0]]
    assert model.score(X.tolist(), off) == pytest.approx(
        sklearn.metrics.r2_score(off, model.predict(X.tolist())), abs=1e-12
    )


# ---------------------------------------------------------------------------
# Solver choice on ill-conditioned designs


@FEW
@given(seeds, st.booleans(), st.booleans(), st.sampled_from([0.0, 0.5]))
def test_fit_is_the_textbook_formula_to_the_last_bit(seed, fit_intercept, vector_y, alpha):
    # fit builds column-major centred data for speed; it must produce the very
    # floats of the row-major textbook route: centre, X^T X, X^T Y, Cholesky.
    from purepose.fast import linalg

    X, Y = design(seed, n=30, d=4, t=2)
    X, Y = X.tolist(), (Y[:, 0] if vector_y else Y).tolist()
    Ym = [[y] for y in Y] if vector_y else Y
    if fit_intercept:
        x_mean, y_mean = linalg.column_means(X), linalg.column_means(Ym)
        Xc, Yc = linalg.center_columns(X, x_mean), linalg.center_columns(Ym, y_mean)
    else:
        Xc, Yc = X, Ym
    A = linalg.gram(Xc)
    A = [[a + alpha if i == j else a for j, a in enumerate(row)] for i, row in enumerate(A)]
    coef = linalg.transpose(linalg.cho_solve(linalg.cholesky(A), linalg.crossprod(Xc, Yc)))
    intercept = (
        [ym - linalg.dot(w, x_mean) for w, ym in zip(coef, y_mean)]
        if fit_intercept
        else [0.0] * len(coef)
    )
    model = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, Y)
    assert model.coef_ == (coef[0] if vector_y else coef)
    assert model.intercept_ == (intercept[0] if vector_y else intercept)
    # QR takes the rows of the same centred data back
    qr = Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="qr").fit(X, Y)
    assert_rel(qr.coef_, model.coef_, 1e-9)


def near_collinear(seed, gap):
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(200, 5))
    Z[:, 4] = Z[:, 3] + gap * rng.normal(size=200)
    y = Z @ np.arange(1.0, 6.0) + 0.01 * rng.normal(size=200)
    return Z, y


def test_auto_switches_to_qr_when_the_normal_equations_lose_digits():
    Z, y = near_collinear(0, 1e-4)  # relative pivot ~1e-8: cond(X^T X) ~ 1e8 or more
    solution = np.linalg.lstsq(np.column_stack([Z, np.ones(200)]), y, rcond=None)[0]
    auto = LinearRegression().fit(Z.tolist(), y.tolist())
    assert auto.solver_ == "qr"
    cond = np.linalg.cond(Z - Z.mean(0))
    assert_rel(auto.coef_, solution[:5], 100 * cond * 2.2e-16 * cond)  # lstsq's own bound
    with pytest.warns(RuntimeWarning, match="ill-conditioned"):
        forced = LinearRegression(solver="cholesky").fit(Z.tolist(), y.tolist())
    assert forced.solver_ == "cholesky"
    # ridge keeps every pivot >= alpha / (A_kk + alpha): auto stays on Cholesky
    assert Ridge(alpha=1.0).fit(Z.tolist(), y.tolist()).solver_ == "cholesky"


def test_exactly_collinear_features_raise_for_every_solver():
    Z, y = near_collinear(1, 0.0)
    for solver in ("auto", "cholesky", "qr"):
        with pytest.raises(PureposeError, match=r"feature 4 is .*linear combination"):
            LinearRegression(solver=solver).fit(Z.tolist(), y.tolist())
    acc = NormalEquations().update(Z.tolist(), y.tolist())
    with pytest.raises(PureposeError, match="X\\^T X is singular: feature 4"):
        LinearRegression().fit_normal_equations(acc)
    with pytest.raises(PureposeError, match="ridge_path\\(alpha=0\\): X\\^T X is singular"):
        ridge_path(acc, [0.0])
    model = Ridge(alpha=1e-3).fit(Z.tolist(), y.tolist())  # ridge makes it well posed
    assert all(map(math.isfinite, model.coef_))


def test_constant_feature_and_too_few_samples_are_named():
    X = [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]]
    for solver in ("auto", "cholesky", "qr"):
        with pytest.raises(PureposeError, match="feature 1 is constant"):
            LinearRegression(solver=solver).fit(X, [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(PureposeError, match="feature 0 is all zeros"):
        LinearRegression(fit_intercept=False).fit([[0.0], [0.0]], [1.0, 2.0])
    with pytest.raises(PureposeError, match="singular"):
        LinearRegression(solver="qr").fit([[1.0, 2.0, 3.0], [2.0, 1.0, 0.0]], [1.0, 2.0])
    ridge = Ridge(alpha=1.0).fit(X, [1.0, 2.0, 3.0, 4.0])
    assert ridge.coef_[1] == 0.0  # a constant feature gets no weight under ridge


def test_fit_normal_equations_warns_when_ill_conditioned():
    Z, y = near_collinear(2, 1e-4)
    acc = NormalEquations().update(Z.tolist(), y.tolist())
    with pytest.warns(
        RuntimeWarning, match="fit_normal_equations: X\\^T X is ill-conditioned"
    ) as record:
        LinearRegression().fit_normal_equations(acc)
    assert record[0].filename == __file__  # the warning points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Ridge(alpha=1.0).fit_normal_equations(acc)


# ---------------------------------------------------------------------------
# Streaming normal equations


def chunked(X, Y, sizes):
    start = 0
    for size in sizes:
        if start >= len(X):
            return
        yield X[start : start + size].tolist(), Y[start : start + size].tolist()
        start += size


@FEW
@given(
    seeds,
    st.lists(st.integers(1, 20), min_size=1, max_size=6),
    st.sampled_from([0.0, 1e6]),
    st.booleans(),
    st.sampled_from([0.0, 2.0]),
)
def test_streaming_and_merged_fits_equal_the_batch_fit(seed, sizes, offset, fit_intercept, alpha):
    # without an intercept, a large offset makes X^T X itself ill-conditioned: that case
    # belongs to test_fit_normal_equations_warns_when_ill_conditioned
    X, Y = design(seed, n=60, d=3, t=2, offset=offset if fit_intercept else 0.0)
    streamed = NormalEquations()
    parts = []
    for Xk, Yk in chunked(X, Y, [*sizes, 60]):
        streamed.update(Xk, Yk)
        parts.append(NormalEquations().update(Xk, Yk))
    merged = NormalEquations()
    for part in parts:
        merged = merged.merge(part)
    batch = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(X.tolist(), Y.tolist())
    scale = np.abs(batch.coef_).max() * np.abs(X).max() + np.abs(Y).max()
    for acc in (streamed, merged):
        assert acc.n_samples == 60
        model = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit_normal_equations(acc)
        assert_model_close(model, batch.coef_, batch.intercept_, 1e-10, intercept_scale=scale)


@FEW
@given(seeds, st.integers(1, 10), st.integers(1, 10), st.integers(1, 10))
def test_normal_equations_match_numpy_and_merge_associatively(seed, na, nb, nc):
    rng = np.random.default_rng(seed)
    blocks = [
        (rng.normal(size=(k, 3)) + 100.0, rng.normal(size=(k, 2)) - 50.0) for k in (na, nb, nc)
    ]
    a, b, c = (NormalEquations().update(Xk.tolist(), Yk.tolist()) for Xk, Yk in blocks)
    X = np.vstack([Xk for Xk, _ in blocks])
    Y = np.vstack([Yk for _, Yk in blocks])
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    left, right = a.merge(b).merge(c), a.merge(b.merge(c))
    for acc in (left, right):
        assert (acc.n_samples, acc.n_features, acc.n_targets) == (na + nb + nc, 3, 2)
        assert_rel(acc.x_mean(), X.mean(0), 1e-14)
        assert_rel(acc.y_mean(), Y.mean(0), 1e-14)
        sx, sy = np.linalg.norm(Xc, axis=0), np.linalg.norm(Yc, axis=0)
        assert np.all(np.abs(np.array(acc.xtx()) - Xc.T @ Xc) <= 1e-11 * np.outer(sx, sx))
        assert np.all(np.abs(np.array(acc.xty()) - Xc.T @ Yc) <= 1e-11 * np.outer(sx, sy))
        assert np.all(np.abs(np.array(acc.yty()) - Yc.T @ Yc) <= 1e-11 * np.outer(sy, sy))
        assert_rel(acc.xtx(centered=False), X.T @ X, 1e-13)
        assert_rel(acc.xty(centered=False), X.T @ Y, 1e-13)
        assert_rel(acc.yty(centered=False), Y.T @ Y, 1e-13)
    assert_rel(left.xty(), right.xty(), 1e-10)


def test_normal_equations_json_round_trip_is_exact_and_checked():
    X, Y = design(8, n=12, d=3, t=2, offset=1e4)
    acc = NormalEquations().update(X.tolist(), Y.tolist())
    clone = NormalEquations.from_dict(json.loads(json.dumps(acc.to_dict())))
    assert (clone.xtx(), clone.xty(), clone.yty()) == (acc.xtx(), acc.xty(), acc.yty())
    assert (clone.x_mean(), clone.y_mean(), clone.n_samples) == (
        acc.x_mean(),
        acc.y_mean(),
        acc.n_samples,
    )
    empty = NormalEquations.from_dict(NormalEquations().to_dict())
    assert empty.n_samples == 0
    state = acc.to_dict()
    with pytest.raises(PureposeError, match="not a NormalEquations state"):
        NormalEquations.from_dict({"n_features": 3})
    with pytest.raises(PureposeError, match="version=2 unsupported"):
        NormalEquations.from_dict({**state, "version": 2})
    with pytest.raises(PureposeError, match="comoments have 5 columns, expected 4 \\+ 2"):
        NormalEquations.from_dict({**state, "n_features": 4})
    with pytest.raises(PureposeError, match="n_targets=-1"):
        NormalEquations.from_dict({**state, "n_targets": -1})


@FEW
@given(seeds, st.booleans(), st.booleans())
def test_ridge_path_equals_individual_ridge_fits(seed, fit_intercept, standardize):
    X, Y = design(seed, n=30, d=4, t=2)
    alphas = [0.0, 0.01, 1.0, 50.0]
    acc = NormalEquations()
    for Xk, Yk in chunked(X, Y, [7, 11, 30]):
        acc.update(Xk, Yk)
    scale = X.std(axis=0) if standardize else None
    path = ridge_path(
        acc, alphas, fit_intercept=fit_intercept, scale=None if scale is None else scale.tolist()
    )
    assert len(path) == len(alphas)
    Z = X / scale if standardize else X
    for alpha, (coef, intercept) in zip(alphas, path):
        one = Ridge(alpha=alpha, fit_intercept=fit_intercept).fit(Z.tolist(), Y.tolist())
        bound = np.abs(one.coef_).max() * np.abs(Z).max() + np.abs(Y).max()
        # The accumulator's sums and the fit's column dots round differently; the normal
        # equations pass that on times cond(A) (A = Zc^T Zc + alpha I, uncentred when
        # there is no intercept: then a column offset makes A ill-conditioned).
        Zc = Z - Z.mean(axis=0) if fit_intercept else Z
        rtol = max(1e-10, len(Z) * 2.0**-53 * np.linalg.cond(Zc.T @ Zc + alpha * np.eye(4)))
        assert_rel(coef, one.coef_, rtol)
        assert np.abs(np.array(intercept) - one.intercept_).max() <= rtol * bound
        if standardize and fit_intercept:
            # for z = (x - x_bar) / scale the intercept is just y_bar
            centred = Ridge(alpha=alpha).fit(((X - X.mean(0)) / scale).tolist(), Y.tolist())
            assert_rel(centred.intercept_, acc.y_mean(), 1e-12)
            assert_rel(centred.coef_, coef, 1e-10)


def test_ridge_path_bad_input():
    acc = NormalEquations().update([[1.0, 2.0], [2.0, 1.0], [3.0, 3.5]], [1.0, 2.0, 3.0])
    with pytest.raises(PureposeError, match="ridge_path: alphas must be a non-empty list"):
        ridge_path(acc, [])
    with pytest.raises(PureposeError, match="ridge_path: alpha=nan must be finite"):
        ridge_path(acc, [1.0, math.nan])
    with pytest.raises(PureposeError, match="ridge_path: scale has 1 entries, expected 2"):
        ridge_path(acc, [1.0], scale=[1.0])
    with pytest.raises(PureposeError, match=r"ridge_path: scale\[1\]=0.0 must be > 0"):
        ridge_path(acc, [1.0], scale=[1.0, 0.0])
    with pytest.raises(PureposeError, match="ridge_path: the accumulator is empty"):
        ridge_path(NormalEquations(), [1.0])


def test_normal_equations_bad_input():
    acc = NormalEquations().update([[1.0, 2.0]], [[1.0, 2.0]])
    with pytest.raises(PureposeError, match="update: X has 3 features, expected 2"):
        acc.update([[1.0, 2.0, 3.0]], [[1.0, 2.0]])
    with pytest.raises(PureposeError, match="update: Y has 1 targets, expected 2"):
        acc.update([[1.0, 2.0]], [1.0])
    with pytest.raises(PureposeError, match="update: X has 1 samples but Y has 2"):
        acc.update([[1.0, 2.0]], [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(PureposeError, match="merge: \\(n_features, n_targets\\) \\(1, 1\\)"):
        acc.merge(NormalEquations().update([[1.0]], [1.0]))
    with pytest.raises(PureposeError, match="merge: expected a NormalEquations, got dict"):
        acc.merge({})
    with pytest.raises(PureposeError, match=r"NormalEquations\.xtx: no samples yet"):
        NormalEquations().xtx()
    with pytest.raises(PureposeError, match="fit_normal_equations: the accumulator is empty"):
        Ridge().fit_normal_equations(NormalEquations())
    assert acc.n_samples == 1  # failed updates leave the accumulator as it was
    assert NormalEquations().merge(acc).xty(centered=False) == [[1.0, 2.0], [2.0, 4.0]]


# ---------------------------------------------------------------------------
# Bad input and conventions


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        ([[1.0, 2.0], [3.0]], [1.0, 2.0], "X is ragged: row 1 has 1 columns"),
        ([[1.0], [2.0]], [[1.0, 2.0], [3.0]], "Y is ragged: row 1 has 1 columns"),
        ([], [], "X is empty"),
        ([[1.0], [2.0]], [], "y is empty"),
        ([[1.0], [math.nan]], [1.0, 2.0], "X contains NaN or inf \\(row 1\\)"),
        ([[1.0], [2.0]], [1.0, math.inf], "y contains NaN or inf \\(at index 1\\)"),
        ([[1.0], [2.0], [3.0]], [1.0, 2.0], "X has 3 samples but Y has 2"),
        ([[1.0], [2.0]], "ab", "y must be a list of numbers"),
    ],
)
def test_fit_rejects_bad_data(X, Y, message):
    for model in (LinearRegression(), Ridge()):
        with pytest.raises(PureposeError, match=f"{type(model).__name__}.fit: {message}"):
            model.fit(X, Y)
    with pytest.raises(PureposeError, match=message):
        NormalEquations().update(X, Y)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (Ridge(alpha=-1.0), "alpha=-1.0 must be finite and >= 0"),
        (Ridge(alpha=math.inf), "alpha=inf must be finite and >= 0"),
        (Ridge(alpha="1"), "alpha='1' must be a number >= 0"),
        (Ridge(alpha=True), "alpha=True must be a number >= 0"),
        (Ridge(solver="svd"), "solver='svd' must be one of"),
        (LinearRegression(fit_intercept=1), "fit_intercept=1 must be a bool"),
    ],
)
def test_fit_rejects_bad_parameters(model, message):
    with pytest.raises(PureposeError, match=f"{type(model).__name__}.fit: {message}"):
        model.fit([[1.0], [2.0]], [1.0, 2.0])


def test_predict_before_fit_and_wrong_shapes():
    for model in (LinearRegression(), Ridge()):
        with pytest.raises(NotFittedError, match=r"predict: this .* is not fitted yet") as e:
            model.predict([[1.0]])
        assert isinstance(e.value, AttributeError)
        with pytest.raises(NotFittedError):
            model.score([[1.0]], [1.0])
    model = Ridge().fit([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]], [[1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    with pytest.raises(
        PureposeError, match=r"Ridge\.predict: X has 3 features, but the model was"
    ):
        model.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(PureposeError, match=r"Ridge\.predict: X is ragged"):
        model.predict([[1.0, 2.0], [1.0]])
    with pytest.raises(
        PureposeError, match=r"Ridge\.score: Y has 1 targets, the model predicts 2"
    ):
        model.score([[1.0, 2.0]], [1.0])


def test_estimator_conventions():
    model = Ridge(alpha=3, fit_intercept=False, solver="qr")
    assert (model.alpha, model.fit_intercept, model.solver) == (3, False, "qr")  # stored as given
    assert repr(model) == "Ridge(alpha=3, fit_intercept=False, solver='qr', algorithm='columns')"
    assert repr(LinearRegression()) == (
        "LinearRegression(fit_intercept=True, solver='auto', algorithm='columns')"
    )
    assert model.fit([[1.0], [2.0]], [2.0, 4.0]) is model
    assert model.intercept_ == 0.0
    with pytest.raises(TypeError):
        Ridge(1.0)  # parameters are keyword-only


def test_no_input_is_mutated():
    X, Y = design(11, n=15, d=3, t=2)
    X, Y = X.tolist(), Y.tolist()
    y = [row[0] for row in Y]
    acc = NormalEquations().update(X, Y)
    acc_before = acc.to_dict()
    scale = [1.0, 2.0, 3.0]
    snapshot = copy.deepcopy((X, Y, y, scale))
    for solver in ("cholesky", "qr"):
        for model in (LinearRegression(solver=solver), Ridge(alpha=0.5, solver=solver)):
            model.fit(X, Y).predict(X)
            model.score(X, Y)
            model.fit(X, y).score(X, y)
            model.fit_normal_equations(acc)
    other = NormalEquations().update(X, Y)
    acc.merge(other)
    ridge_path(acc, [0.0, 1.0], scale=scale)
    assert (X, Y, y, scale) == snapshot
    assert acc.to_dict() == acc_before
    assert other.n_samples == 15
