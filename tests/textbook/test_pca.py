"""Fast == textbook for PCA: PCA(algorithm="subspace" | "power") vs PCA(algorithm="textbook").

The three algorithms iterate differently (a block with Rayleigh-Ritz, one
vector at a time on C kernels, one vector at a time in loops) and stop at a
tolerance, so their components are not the same floats. The contract is the
bound an eigensolver's output carries (numpy is the judge of S, its
spectrum and the residuals): for a unit vector v with Rayleigh quotient rho
and residual r = ||S v - rho v||, the angle to the eigenvector u_i satisfies
sin(v, u_i) <= r / gap_i (gap_i: the distance from lambda_i to the rest of
the spectrum), so two answers differ by at most (r_fast + r_textbook) / gap_i
(Davis-Kahan), and their eigenvalues by (r_fast^2 + r_textbook^2) / gap_i
plus the difference of the two covariances. The means are both fsum-based
and agree to a few units of roundoff.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import ConvergenceWarning
from purepose.fast import linalg
from purepose.fast.pca import ALGORITHMS, PCA
from purepose.textbook import linalg as tb_linalg

np = pytest.importorskip("numpy")

U = 2.0**-53
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def _data(seed, n, d, spread):
    rng = np.random.default_rng(seed)
    scales = spread ** np.arange(d)  # distinct variances: a usable gap (may be small)
    return (rng.standard_normal((n, d)) * scales + rng.normal(0, 3, d)).tolist()


def _fit(X, k, algorithm):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the bound covers a late stop
        return PCA(n_components=k, algorithm=algorithm, random_state=0).fit(X)


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(5, 40),
    d=st.integers(2, 6),
    spread=st.floats(0.3, 0.9),
    fast=st.sampled_from(["subspace", "power"]),
)
def test_fast_components_within_the_residual_bound_of_the_textbook(seed, n, d, spread, fast):
    X = _data(seed, n, d, spread)
    k = min(3, d)
    a, b = _fit(X, k, fast), _fit(X, k, "textbook")
    S = np.cov(np.asarray(X), rowvar=False)
    spectrum = np.linalg.eigvalsh(S)[::-1]
    size = np.linalg.norm(S, 2)
    dS = np.linalg.norm(np.asarray(linalg.covariance(X)) - np.asarray(tb_linalg.covariance(X)), 2)
    for i in range(k):
        gap = min(abs(spectrum[i] - spectrum[j]) for j in range(d) if j != i)
        v, w = np.asarray(a.components_[i]), np.asarray(b.components_[i])
        r_v = np.linalg.norm(S @ v - (v @ S @ v) * v) + 8 * d * U * size
        r_w = np.linalg.norm(S @ w - (w @ S @ w) * w) + 8 * d * U * size
        # signs are fixed by the largest entry; a near tie there may flip one of them
        distance = min(np.linalg.norm(v - w), np.linalg.norm(v + w))
        assert distance <= 2 * (r_v + r_w) / gap + 1e-15
        values = abs(a.explained_variance_[i] - b.explained_variance_[i])
        assert values <= (r_v**2 + r_w**2) / gap + 2 * dS + 16 * d * U * size
    mean_scale = max(abs(x) for row in X for x in row)
    assert all(abs(p - q) <= 8 * U * mean_scale for p, q in zip(a.mean_, b.mean_))


def test_textbook_scores_equal_fast_scores_to_rounding():
    X = _data(1, 50, 4, 0.5)
    a, b = _fit(X, 2, "subspace"), _fit(X, 2, "textbook")
    for za, zb in zip(a.transform(X), b.transform(X)):
        assert all(abs(p) == pytest.approx(abs(q), rel=1e-9, abs=1e-9) for p, q in zip(za, zb))


def test_every_algorithm_is_named_and_a_bad_name_is_one_line():
    assert ALGORITHMS == ("subspace", "power", "textbook")
    with pytest.raises(ValueError, match=r"^PCA.fit: algorithm='svd' must be one of"):
        PCA(algorithm="svd").fit([[0.0, 1.0], [1.0, 0.0]])


def test_method_is_a_deprecated_alias_of_algorithm():
    X = _data(2, 20, 3, 0.5)
    with pytest.warns(DeprecationWarning, match="use algorithm='power'"):
        old = PCA(2, method="power").fit(X)
    new = PCA(2, algorithm="power").fit(X)
    assert old.components_ == new.components_
