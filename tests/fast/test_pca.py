"""PCA and the symmetric eigensolvers, audited against numpy and scikit-learn."""

from __future__ import annotations

import copy
import math
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import ConvergenceWarning, NotFittedError, PureposeError
from purepose.fast.pca import PCA, eigsh_power, eigsh_subspace

np = pytest.importorskip("numpy")

METHODS = ["subspace", "power", "textbook"]
SOLVERS = [eigsh_subspace, eigsh_power]


# ---------------------------------------------------------------------------
# Data with a known spectrum


def _orthogonal(rng, d):
    q, r = np.linalg.qr(rng.normal(size=(d, d)))
    return q * np.sign(np.diag(r))


def _data_with_spectrum(rng, n, spectrum, offset=0.0):
    """n rows whose SAMPLE covariance (ddof=1) is exactly Q diag(spectrum) Q^T."""
    d = len(spectrum)
    Z = rng.normal(size=(n, d))
    Z -= Z.mean(axis=0)
    Z, _ = np.linalg.qr(Z)  # orthonormal, still centered columns
    Z *= math.sqrt(n - 1)
    Q = _orthogonal(rng, d)
    X = (Z * np.sqrt(spectrum)) @ Q.T + offset * rng.normal(size=d)
    return X, Q


def _psd_with_spectrum(rng, spectrum):
    Q = _orthogonal(rng, len(spectrum))
    S = (Q * np.asarray(spectrum, dtype=float)) @ Q.T
    return ((S + S.T) / 2).tolist(), Q


@st.composite
def separated_problems(draw):
    """(seed, n, spectrum, k): eigenvalues at least 1.5x apart, spread up to ~1e4."""
    d = draw(st.integers(2, 7))
    ratios = draw(st.lists(st.floats(1.5, 4.0), min_size=d - 1, max_size=d - 1))
    spectrum = [draw(st.floats(0.5, 20.0))]
    for r in ratios:
        spectrum.append(spectrum[-1] / r)
    n = draw(st.integers(d + 2, 60))
    k = draw(st.integers(1, d))
    return draw(st.integers(0, 2**32 - 1)), n, spectrum, k


def _rel(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


# ---------------------------------------------------------------------------
# Against scikit-learn


def test_installed_sklearn_flips_signs_on_components(sklearn):
    """The sign rule we copy: sklearn's largest-|entry| of each component row is positive."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 6)) @ rng.normal(size=(6, 6))
    for solver in ("full", "covariance_eigh"):
        comps = sklearn.decomposition.PCA(svd_solver=solver).fit(X).components_
        biggest = comps[np.arange(6), np.argmax(np.abs(comps), axis=1)]
        assert np.all(biggest > 0), solver


@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=25, deadline=None)
@given(problem=separated_problems())
def test_matches_sklearn_full_svd(sklearn, method, problem):
    seed, n, spectrum, k = problem
    rng = np.random.default_rng(seed)
    X, _ = _data_with_spectrum(rng, n, spectrum, offset=10.0)
    ours = PCA(n_components=k, algorithm=method).fit(X.tolist())
    ref = sklearn.decomposition.PCA(n_components=k, svd_solver="full").fit(X)

    scale = spectrum[0]
    assert ours.n_components_ == ref.n_components_ == k
    assert ours.n_samples_ == n and ours.n_features_in_ == len(spectrum)
    np.testing.assert_allclose(ours.components_, ref.components_, rtol=0, atol=1e-8)
    assert _rel(ours.explained_variance_, ref.explained_variance_) < 1e-8
    assert _rel(ours.explained_variance_ratio_, ref.explained_variance_ratio_) < 1e-8
    assert _rel(ours.singular_values_, ref.singular_values_) < 1e-8
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12, atol=1e-12)
    assert abs(ours.noise_variance_ - ref.noise_variance_) <= 1e-8 * scale
    Z = np.asarray(ours.transform(X.tolist()))
    np.testing.assert_allclose(Z, ref.transform(X), rtol=0, atol=1e-7 * math.sqrt(scale))


@pytest.mark.parametrize("method", METHODS)
def test_whiten_matches_sklearn_and_has_unit_variance(sklearn, method):
    rng = np.random.default_rng(7)
    X, _ = _data_with_spectrum(rng, 40, [9.0, 4.0, 1.0, 0.25], offset=3.0)
    ours = PCA(n_components=3, whiten=True, algorithm=method).fit(X.tolist())
    ref = sklearn.decomposition.PCA(n_components=3, whiten=True, svd_solver="full").fit(X)
    Z = np.asarray(ours.fit_transform(X.tolist()))
    np.testing.assert_allclose(Z, ref.transform(X), atol=1e-9)
    np.testing.assert_allclose(Z.var(axis=0, ddof=1), 1.0, rtol=1e-10)
    back = np.asarray(ours.inverse_transform(Z.tolist()))
    np.testing.assert_allclose(back, ref.inverse_transform(ref.transform(X)), atol=1e-9)


# ---------------------------------------------------------------------------
# Properties


@pytest.mark.parametrize("method", METHODS)
def test_round_trip_with_all_components(method):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(30, 5)) @ rng.normal(size=(5, 5)) + 100.0
    pca = PCA(algorithm=method).fit(X.tolist())
    back = pca.inverse_transform(pca.transform(X.tolist()))
    np.testing.assert_allclose(back, X, rtol=0, atol=1e-10 * np.abs(X).max())


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 25),
    d=st.integers(1, 6),
    rank=st.integers(0, 6),
    method=st.sampled_from(METHODS),
)
def test_components_orthonormal_even_when_rank_deficient(seed, n, d, rank, method):
    rng = np.random.default_rng(seed)
    rank = min(rank, d)
    X = rng.normal(size=(n, rank)) @ rng.normal(size=(rank, d)) if rank else np.ones((n, d))
    X = X + rng.normal(size=d)  # an offset; the rank of the centered data is unchanged
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        pca = PCA(algorithm=method).fit(X.tolist())
    C = np.asarray(pca.components_)
    assert C.shape == (min(n, d), d)
    np.testing.assert_allclose(C @ C.T, np.eye(len(C)), atol=1e-12)
    assert all(math.isfinite(v) and v >= 0.0 for v in pca.explained_variance_)
    assert pca.explained_variance_ == sorted(pca.explained_variance_, reverse=True)
    assert all(math.isfinite(v) for v in pca.explained_variance_ratio_)
    assert all(math.isfinite(z) for row in pca.transform(X.tolist()) for z in row)


def test_zero_variance_data_gives_zeros_not_nan():
    X = [[3.0, -1.0, 2.0]] * 5
    pca = PCA(n_components=2, whiten=True).fit(X)
    assert pca.explained_variance_ == [0.0, 0.0]
    assert pca.explained_variance_ratio_ == [0.0, 0.0]
    assert pca.noise_variance_ == 0.0
    assert pca.transform(X) == [[0.0, 0.0]] * 5


@pytest.mark.parametrize("solver", SOLVERS)
def test_repeated_eigenvalue_gives_orthonormal_basis_of_eigenspace(solver):
    rng = np.random.default_rng(5)
    S, Q = _psd_with_spectrum(rng, [5.0, 2.0, 2.0, 2.0, 1.0, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # must not hang or warn
        values, vectors, n_iter = solver(S, 4)
    np.testing.assert_allclose(values, [5.0, 2.0, 2.0, 2.0], rtol=1e-12)
    V = np.asarray(vectors)
    np.testing.assert_allclose(V @ V.T, np.eye(4), atol=1e-12)
    eigenspace = Q[:, 1:4]  # true basis of the eigenvalue-2 space
    inside = np.linalg.norm(V[1:4] @ eigenspace, axis=1)
    np.testing.assert_allclose(inside, 1.0, atol=1e-10)
    assert abs(abs(V[0] @ Q[:, 0]) - 1.0) < 1e-12
    assert max(n_iter) < 1000


@pytest.mark.parametrize("solver", SOLVERS)
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 9), data=st.data())
def test_eigensolvers_match_numpy_eigh(solver, seed, d, data):
    rng = np.random.default_rng(seed)
    spectrum = np.sort(rng.uniform(0.0, 1.0, d))[::-1] * 10.0 ** rng.uniform(-3, 3)
    # keep the top k well separated from each other and from the rest
    spectrum = spectrum * (1.6 ** np.arange(d, 0, -1))
    k = data.draw(st.integers(1, d))
    S, _ = _psd_with_spectrum(rng, spectrum)
    values, vectors, _ = solver(S, k, random_state=seed % 1000)
    ref_values, ref_vectors = np.linalg.eigh(np.asarray(S))
    ref_values, ref_vectors = ref_values[::-1][:k], ref_vectors[:, ::-1][:, :k].T
    np.testing.assert_allclose(values, ref_values, rtol=1e-10, atol=1e-13 * spectrum[0])
    alignment = np.abs(np.sum(np.asarray(vectors) * ref_vectors, axis=1))
    np.testing.assert_allclose(alignment, 1.0, atol=1e-9)
    for v in vectors:  # sign rule: largest-|entry| positive
        assert max(v, key=abs) > 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_near_equal_eigenvalues_stop_at_max_iter_with_a_warning(solver):
    rng = np.random.default_rng(2)
    spectrum = [1.0, 1.0 - 1e-9, *np.linspace(0.999, 0.99, 18)]  # d=20 > block size 7
    S, _ = _psd_with_spectrum(rng, spectrum)
    with pytest.warns(ConvergenceWarning, match=r"residual \|\|S v - lambda v\|\|="):
        _, vectors, n_iter = solver(S, 2, max_iter=3)
    assert n_iter == [3, 3]
    V = np.asarray(vectors)
    np.testing.assert_allclose(V @ V.T, np.eye(2), atol=1e-12)


def test_power_method_warning_names_the_component():
    rng = np.random.default_rng(2)
    S, _ = _psd_with_spectrum(rng, [1.0, 0.99, 0.98, 0.5])
    with pytest.warns(ConvergenceWarning, match=r"eigsh_power: component 0 of 1 did not converge"):
        eigsh_power(S, 1, max_iter=2)
    X, _ = _data_with_spectrum(rng, 20, [1.0, 0.99, 0.98, 0.5])
    with pytest.warns(ConvergenceWarning):
        PCA(n_components=2, algorithm="power", max_iter=1).fit(X.tolist())


def test_subspace_converges_where_power_is_slow():
    rng = np.random.default_rng(4)
    S, _ = _psd_with_spectrum(rng, [1.0, 0.999, 0.998, 0.1, 0.01, 0.001, 1e-4, 1e-5])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        values, _, n_iter = eigsh_subspace(S, 3)
    np.testing.assert_allclose(values, [1.0, 0.999, 0.998], rtol=1e-12)
    assert n_iter[0] < 50


# ---------------------------------------------------------------------------
# API behaviour


def test_fit_covariance_equals_fit():
    rng = np.random.default_rng(8)
    X = (rng.normal(size=(25, 4)) @ rng.normal(size=(4, 4))).tolist()
    a = PCA(n_components=3).fit(X)
    cov = np.cov(np.asarray(X), rowvar=False).tolist()
    b = PCA(n_components=3).fit_covariance(cov, np.mean(X, axis=0).tolist(), 25)
    np.testing.assert_allclose(a.components_, b.components_, atol=1e-12)
    np.testing.assert_allclose(a.explained_variance_, b.explained_variance_, rtol=1e-12)
    np.testing.assert_allclose(a.transform(X), b.transform(X), atol=1e-11)
    assert b.n_samples_ == 25 and b.n_features_in_ == 4


def test_deterministic_and_inputs_not_mutated():
    rng = np.random.default_rng(9)
    X = (rng.normal(size=(12, 4)) + 5.0).tolist()
    x_before = copy.deepcopy(X)
    for method in METHODS:
        a = PCA(n_components=2, algorithm=method).fit(X)
        b = PCA(n_components=2, algorithm=method, random_state=None).fit(X)
        assert a.components_ == b.components_ and a.n_iter_ == b.n_iter_
        Z = a.transform(X)
        z_before = copy.deepcopy(Z)
        a.inverse_transform(Z)
        assert z_before == Z
    assert x_before == X
    S = np.cov(np.asarray(X), rowvar=False).tolist()
    s_before = copy.deepcopy(S)
    eigsh_power(S, 2)
    eigsh_subspace(S, 2)
    assert s_before == S


def test_params_stored_unchanged_and_n_iter_reported():
    pca = PCA(2, max_iter=50, tol=1e-9, whiten=True, random_state=3, algorithm="power")
    assert (pca.n_components, pca.max_iter, pca.tol, pca.whiten, pca.random_state) == (
        2,
        50,
        1e-9,
        True,
        3,
    )
    pca.fit([[0.0, 1.0, 3.0], [1.0, 0.0, 2.0], [2.0, 2.0, 0.0], [3.0, 1.0, 1.0]])
    assert len(pca.n_iter_) == 2 and all(1 <= i <= 50 for i in pca.n_iter_)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: PCA(n_components=5).fit([[1.0, 2.0, 3.0]] * 4), "n_components=5 exceeds"),
        (lambda: PCA(n_components=0).fit([[1.0, 2.0]] * 3), "n_components=0 must be >= 1"),
        (lambda: PCA(n_components=1.5).fit([[1.0, 2.0]] * 3), "n_components must be an int"),
        (lambda: PCA().fit([[1.0, 2.0]]), "needs at least 2 samples"),
        (lambda: PCA().fit([[1.0, float("nan")], [1.0, 2.0]]), "NaN or inf"),
        (lambda: PCA().fit([[1.0, 2.0], [1.0]]), "ragged"),
        (lambda: PCA(algorithm="svd").fit([[1.0, 2.0], [0.0, 1.0]]), "algorithm='svd'"),
        (lambda: PCA(max_iter=0).fit([[1.0, 2.0], [0.0, 1.0]]), "max_iter=0"),
        (lambda: PCA(tol=-1.0).fit([[1.0, 2.0], [0.0, 1.0]]), "tol=-1.0"),
        (lambda: PCA(random_state="x").fit([[1.0, 2.0], [0.0, 1.0]]), "random_state"),
        (lambda: eigsh_power([[1.0, 2.0], [0.0, 1.0]], 1), "not symmetric"),
        (lambda: eigsh_power([[1.0, 0.0], [0.0, -3.0]], 1), "not positive semi-definite"),
        (lambda: eigsh_subspace([[1.0, 0.0], [0.0, -3.0]], 2), "not positive semi-definite"),
        (lambda: PCA().fit_covariance([[1.0]], [0.0], 1), "n_samples=1"),
    ],
)
def test_bad_input_raises_one_line_error(make, match):
    with pytest.raises(PureposeError, match=match) as info:
        make()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("whiten", [False, True])
def test_fit_transform_is_fit_then_transform_exactly(whiten):
    # fit_transform skips transform's input check (fit made it); the scores must
    # be the very same floats, and each score a plain row-by-component dot.
    rng = np.random.default_rng(11)
    X = (rng.normal(size=(30, 5)) * [1.0, 2.0, 0.5, 3.0, 1.5] + 1e3).tolist()
    pca = PCA(n_components=3, whiten=whiten)
    scores = pca.fit_transform(X)
    assert scores == PCA(n_components=3, whiten=whiten).fit(X).transform(X)
    centred = np.asarray(X) - np.asarray(pca.mean_)
    expected = centred @ np.asarray(pca.components_).T
    if whiten:
        expected /= np.sqrt(pca.explained_variance_)
    np.testing.assert_allclose(scores, expected, rtol=0, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("row", [0, 2])
def test_fit_and_fit_transform_name_the_non_finite_row(bad, row):
    X = [[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 4.0]]
    X[row] = [0.5, bad]
    for make in (PCA().fit, PCA().fit_transform):
        with pytest.raises(
            PureposeError, match=rf"^PCA\.fit: X contains NaN or inf \(row {row}\)$"
        ):
            make(X)
    pca = PCA().fit([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]])
    with pytest.raises(PureposeError, match=rf"^PCA\.transform: X contains NaN .*row {row}"):
        pca.transform(X)


def test_use_before_fit_and_wrong_shapes():
    with pytest.raises(NotFittedError, match=r"PCA\.transform: this PCA is not fitted"):
        PCA().transform([[1.0, 2.0]])
    with pytest.raises(AttributeError):  # NotFittedError is also an AttributeError
        PCA().inverse_transform([[1.0]])
    pca = PCA(n_components=1).fit([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    with pytest.raises(PureposeError, match="X has 3 features, PCA was fitted with 2"):
        pca.transform([[1.0, 2.0, 3.0]])
    with pytest.raises(PureposeError, match="Z has 2 columns, PCA has n_components_=1"):
        pca.inverse_transform([[1.0, 2.0]])
