"""Principal component analysis: the estimator, with a fast and a textbook algorithm.

PCA finds the orthonormal directions ``v_1, ..., v_k`` along which centered
data vary most. They are the top eigenvectors of the sample covariance

    S = (X - mean)^T (X - mean) / (n_samples - 1)        (n_features x n_features)

and the variance along ``v_i`` is its eigenvalue ``lambda_i = v_i^T S v_i`` (the
Rayleigh quotient). Scores are projections ``z = (x - mean) V^T``.

Read the algorithm in :mod:`purepose.textbook.pca` (covariance, power
iteration with deflation, signs, scores: one screen). ``PCA`` runs it with
``algorithm="textbook"``; by default it runs the fast path:

* the covariance from :class:`purepose.fast.comoments.Comoments` (one pass of
  shifted sums, each entry a C-level dot of two columns), then
* ``algorithm="subspace"`` (default): :func:`purepose.fast.eigensolvers.eigsh_subspace`,
  block iteration with Rayleigh-Ritz and Jacobi, which converges at
  ``|lambda_{p+1} / lambda_i|`` instead of ``|lambda_{i+1} / lambda_i|``; or
  ``algorithm="power"``: :func:`purepose.fast.eigensolvers.eigsh_power`, the
  textbook iteration on the C-level kernels.

Cost: the covariance is O(n_samples d^2); power iteration O(k d^2 n_iter);
subspace iteration O(p d^2 + p^2 d + p^3 sweeps) per step. Transforming n
rows costs O(n d k).

Signs follow scikit-learn's ``svd_flip(u_based_decision=False)``: the entry of
largest absolute value of every component is positive, so ``components_`` can
be compared directly with ``sklearn.decomposition.PCA``.

Reference: G. H. Golub and C. F. Van Loan, *Matrix Computations*, 4th ed.,
Johns Hopkins, 2013, sections 7.3, 8.2 and 8.5; I. T. Jolliffe, *Principal
Component Analysis*, 2nd ed., Springer, 2002.

>>> X = [[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]]
>>> pca = PCA(n_components=1).fit(X)
>>> pca.components_, [round(v, 6) for v in pca.explained_variance_]
([[1.0, 0.0]], [2.666667])

Tests: ``tests/textbook/test_pca.py`` holds it equal to the textbook;
``tests/fast/test_pca.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Sequence
from operator import sub

from purepose._util import check_random_state
from purepose.checks import (
    check_iteration_params,
    check_matrix,
    check_square,
    check_symmetric,
    check_vector,
)
from purepose.errors import NotFittedError, PureposeError
from purepose.textbook import linalg as textbook_linalg
from purepose.textbook import pca as textbook_pca
from purepose.types import Matrix, Vector

from .blas import matmul, sumprod, vec_scale
from .comoments import Comoments
from .eigensolvers import check_n_components, eigsh_power, eigsh_subspace

__all__ = ["ALGORITHMS", "PCA", "eigsh_power", "eigsh_subspace"]

ALGORITHMS = ("subspace", "power", "textbook")
"""The values of ``PCA(algorithm=...)``; the first is the default."""

_EPS = sys.float_info.epsilon


# ---------------------------------------------------------------------------
# The estimator


class PCA:
    """Principal component analysis: project centered data onto the top eigenvectors of S.

    Fit computes the sample covariance ``S = (X - mean)^T (X - mean) / (n - 1)``
    once (O(n d^2)), then its top ``n_components`` eigenpairs.
    ``transform`` maps a row x to ``z = V (x - mean)``, divided by
    ``sqrt(explained_variance_)`` when ``whiten=True``.

    ``algorithm`` names the variant, as scikit-learn's ``KMeans(algorithm=...)``:

    * ``"subspace"`` (default): shifted-sum covariance, then subspace
      iteration with Rayleigh-Ritz (buys convergence: all k vectors at rate
      ``lambda_{p+1} / lambda_i``, near-equal eigenvalues separated exactly);
    * ``"power"``: the same covariance, then power iteration with deflation on
      C-level kernels (buys the speed of the kernels, not of the method);
    * ``"textbook"``: :mod:`purepose.textbook.pca`, index loops throughout
      (two-pass covariance, power iteration, scores): the definition the
      other two are tested against.

    All three return the same components to within the bound the residuals
    and the eigengaps give (``tests/textbook/test_pca.py``).

    Parameters (keyword-only after n_components, stored unchanged):
    ``n_components`` (None = min(n_samples, n_features)), ``max_iter``,
    ``tol`` (sign-invariant eigenvector change, see :mod:`purepose.fast.eigensolvers`),
    ``whiten``, ``random_state`` (start vectors; None = a fixed seed, so fits
    are reproducible, unlike scikit-learn's global generator), ``algorithm``
    and ``method`` (its former name: if given, it wins, with a DeprecationWarning).

    Learned attributes, as in scikit-learn: ``components_`` (n_components x
    n_features, orthonormal rows, largest-|entry| positive),
    ``explained_variance_`` (eigenvalues of S, ddof=1), ``explained_variance_ratio_``
    (over the total variance trace(S); 0.0 when trace(S) = 0),
    ``singular_values_`` (``sqrt(explained_variance_ (n - 1))``), ``mean_``,
    ``n_components_``, ``n_features_in_``, ``n_samples_``, ``noise_variance_``
    (mean of the discarded eigenvalues, ``(trace(S) - sum kept) / (min(n, d) - k)``)
    and ``n_iter_`` (iterations per component; the subspace method reports its
    total for every component).

    >>> X = [[1.0, 2.0], [2.0, 4.1], [3.0, 5.9], [4.0, 8.0]]
    >>> pca = PCA(n_components=1).fit(X)
    >>> [round(c, 4) for c in pca.components_[0]]
    [0.4506, 0.8927]
    >>> [round(r, 5) for r in pca.explained_variance_ratio_]
    [0.99985]
    >>> [[round(z, 3)] for [z] in pca.transform([[2.5, 5.0]])]
    [[0.0]]
    >>> PCA(n_components=5).fit(X)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PCA.fit: n_components=5 exceeds min(n_samples, n_features)=2
    """

    def __init__(
        self,
        n_components: int | None = None,
        *,
        max_iter: int = 1000,
        tol: float = 1e-12,
        whiten: bool = False,
        random_state: int | None = None,
        algorithm: str = "subspace",
        method: str | None = None,
    ) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.whiten = whiten
        self.random_state = random_state
        self.algorithm = algorithm
        self.method = method

    def _algorithm(self, func: str) -> str:
        algorithm = self.algorithm
        if self.method is not None:
            warnings.warn(
                f"{func}: method= is deprecated; use algorithm={self.method!r}",
                DeprecationWarning,
                stacklevel=3,
            )
            algorithm = self.method
        if algorithm not in ALGORITHMS:
            raise PureposeError(f"{func}: algorithm={algorithm!r} must be one of {ALGORITHMS}")
        return algorithm

    # -- fitting -------------------------------------------------------------

    def fit(self, X: Sequence[Sequence[float]]) -> PCA:
        """Fit on X (n_samples x n_features, n_samples >= 2) and return self."""
        func = "PCA.fit"
        algorithm = self._algorithm(func)
        if algorithm == "textbook":
            n_samples, _ = check_matrix(X, "X", func)
            if n_samples < 2:
                raise PureposeError(f"{func}: needs at least 2 samples, got {n_samples}")
            cov, mean = textbook_linalg.covariance(X), textbook_linalg.mean(X)
        else:
            moments = Comoments().update(X, func=func)  # checks shape and finiteness
            n_samples = moments.n_samples
            if n_samples < 2:
                raise PureposeError(f"{func}: needs at least 2 samples, got {n_samples}")
            cov, mean = moments.covariance(), moments.mean()
        return self._fit_eigen(cov, mean, n_samples, algorithm, func)

    def fit_covariance(
        self, covariance: Sequence[Sequence[float]], mean: Sequence[float], n_samples: int
    ) -> PCA:
        """Fit from an already accumulated sample covariance (ddof=1), mean and sample count.

        For callers that stream data through :class:`purepose.fast.linalg.Comoments`
        themselves; the result equals ``fit`` on the same rows.

        >>> pca = PCA().fit_covariance([[2.0, 0.0], [0.0, 1.0]], [0.0, 0.0], 10)
        >>> pca.components_, pca.explained_variance_, pca.singular_values_
        ([[1.0, 0.0], [0.0, 1.0]], [2.0, 1.0], [4.242640687119285, 3.0])
        >>> PCA().fit_covariance([[1.0]], [0.0, 0.0], 10)
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: PCA.fit_covariance: mean has 2 entries, covariance is 1x1
        """
        func = "PCA.fit_covariance"
        d = check_square(covariance, "covariance", func)
        check_symmetric(covariance, "covariance", func)
        if check_vector(mean, "mean", func) != d:
            raise PureposeError(f"{func}: mean has {len(mean)} entries, covariance is {d}x{d}")
        if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2:
            raise PureposeError(f"{func}: n_samples={n_samples!r} must be an int >= 2")
        cov = [[float(x) for x in row] for row in covariance]
        algorithm = self._algorithm(func)
        return self._fit_eigen(cov, [float(m) for m in mean], n_samples, algorithm, func)

    def _fit_eigen(
        self, cov: Matrix, mean: Vector, n_samples: int, algorithm: str, func: str
    ) -> PCA:
        d = len(cov)
        rank_limit = min(n_samples, d)
        k = rank_limit if self.n_components is None else self.n_components
        k = check_n_components(k, rank_limit, func, "min(n_samples, n_features)")
        if algorithm == "textbook":
            check_iteration_params(self.max_iter, self.tol, func)
            rng = check_random_state(self.random_state, func)
            values, vectors, n_iter = textbook_pca.power_iteration(
                cov, k, rng, self.max_iter, self.tol
            )
        else:
            solver = eigsh_subspace if algorithm == "subspace" else eigsh_power
            values, vectors, n_iter = solver(
                cov, k, max_iter=self.max_iter, tol=self.tol, random_state=self.random_state
            )
        total = math.fsum(cov[i][i] for i in range(d))
        self.mean_ = mean
        self.components_ = vectors
        self.explained_variance_ = values
        self.explained_variance_ratio_ = [v / total if total > 0.0 else 0.0 for v in values]
        self.singular_values_ = [math.sqrt(v * (n_samples - 1)) for v in values]
        discarded = rank_limit - k
        self.noise_variance_ = (
            max(total - math.fsum(values), 0.0) / discarded if discarded else 0.0
        )
        self.n_components_ = k
        self.n_features_in_ = d
        self.n_samples_ = n_samples
        self.n_iter_ = n_iter
        return self

    # -- using the fit ---------------------------------------------------------

    def _check_fitted(self, func: str) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError(f"{func}: this PCA is not fitted yet; call fit(X) first")

    def _whitening_scales(self) -> Vector:
        # Like scikit-learn, a zero-variance component is scaled by eps, not 0.
        return [max(math.sqrt(v), _EPS) for v in self.explained_variance_]

    def transform(self, X: Sequence[Sequence[float]]) -> Matrix:
        """Scores ``Z = (X - mean_) components_^T``, n_samples x n_components (whitened if set).

        >>> pca = PCA().fit([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
        >>> pca.transform([[1.0, 0.5], [3.0, 0.5]])
        [[0.0, 0.0], [2.0, 0.0]]
        >>> pca.transform([[1.0, 2.0, 3.0]])
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: PCA.transform: X has 3 features, PCA was fitted with 2
        """
        func = "PCA.transform"
        self._check_fitted(func)
        _, n_features = check_matrix(X, "X", func)
        if n_features != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {n_features} features, PCA was fitted with {self.n_features_in_}"
            )
        return self._scores(X)

    def fit_transform(self, X: Sequence[Sequence[float]]) -> Matrix:
        """``fit(X)`` then ``transform(X)``, checking X once (fit already did)."""
        return self.fit(X)._scores(X)

    def _scores(self, X: Sequence[Sequence[float]]) -> Matrix:
        """``transform`` of an X already checked to be finite with ``n_features_in_`` columns."""
        components = self.components_
        if (self.method or self.algorithm) == "textbook":  # checked (and warned) by fit
            Z = textbook_pca.scores(X, self.mean_, components)
            if self.whiten:
                scales = self._whitening_scales()
                Z = [[z / s for z, s in zip(row, scales)] for row in Z]
            return Z
        # Center each row before projecting (not X V^T - mean V^T): no cancellation.
        # Lengths are known to match: the kernel sumprod, not the length-checking dot.
        mean = self.mean_
        rows = (list(map(sub, row, mean)) for row in X)  # one at a time, no n x d copy
        if not self.whiten:
            return [[sumprod(centered, c) for c in components] for centered in rows]
        inverse = [1.0 / s for s in self._whitening_scales()]
        return [
            [sumprod(centered, c) * r for c, r in zip(components, inverse)] for centered in rows
        ]

    def inverse_transform(self, Z: Sequence[Sequence[float]]) -> Matrix:
        """Map scores back: ``X = Z components_ + mean_`` (undoing whitening first).

        Exact for ``n_components == n_features``; otherwise the projection onto
        the principal subspace.

        >>> pca = PCA().fit([[0.0, 0.0], [2.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
        >>> pca.inverse_transform([[2.0, 0.0]])
        [[3.0, 0.5]]
        """
        func = "PCA.inverse_transform"
        self._check_fitted(func)
        _, k = check_matrix(Z, "Z", func)
        if k != self.n_components_:
            raise PureposeError(
                f"{func}: Z has {k} columns, PCA has n_components_={self.n_components_}"
            )
        components = self.components_
        if self.whiten:
            components = [vec_scale(c, s) for c, s in zip(components, self._whitening_scales())]
        mean = self.mean_
        return [[x + m for x, m in zip(row, mean)] for row in matmul(Z, components)]
