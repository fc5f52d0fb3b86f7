"""Least squares and ridge regression, multi-output, with streaming normal equations.

The model predicts n_targets outputs from n_features inputs:

    Y_hat = X W^T + 1 b^T      W = ``coef_`` (n_targets x n_features), b = ``intercept_``

Ridge minimizes ``||Y - X W^T - 1 b^T||_F^2 + alpha ||W||_F^2`` (the intercept
is not penalized); ``alpha = 0`` is ordinary least squares. With an intercept
the problem is solved on centred data, as scikit-learn does: with column means
x_bar, y_bar and ``Xc = X - 1 x_bar^T``, ``Yc = Y - 1 y_bar^T``,

    (Xc^T Xc + alpha I) W^T = Xc^T Yc,      b = y_bar - W x_bar.

Two solvers:

* ``"cholesky"``: form the normal equations above and solve them with one
  Cholesky factorization. Cheap (O(n d^2 / 2 + d^3 / 6 + d^2 t) for n samples,
  d features, t targets), and exactly what the streaming accumulator
  :class:`NormalEquations` holds, so it also works chunk by chunk. But forming
  ``Xc^T Xc`` squares the condition number: the error is about eps cond(Xc)^2.
* ``"qr"``: Householder QR of ``Xc`` (ridge: of ``[Xc; sqrt(alpha) I]`` with
  ``[Yc; 0]``), error about eps cond(Xc) for small residuals. About 4x the work.
* ``"auto"`` (default) tries Cholesky and switches to QR when a relative pivot
  ``L_kk^2 / A_kk`` (A the matrix being factored) falls below 1e-8. Each
  relative pivot is at least the smallest eigenvalue of the matrix A scaled to
  unit diagonal, so 1 / min pivot is a lower bound on its condition number:
  below 1e-8, the normal equations could keep fewer than ~8 digits, and QR is
  worth its price.

Singular problems raise: a feature that is constant (with an intercept) or a
linear combination of other features makes ``X^T X`` singular, and no
minimum-norm solution is attempted; the message names the feature and
suggests ``Ridge(alpha > 0)``. A relative pivot at or below 1e-12 counts as
singular for the Cholesky solver (exact collinearity leaves ~1e-15 after
rounding); QR uses ``linalg.lstsq``'s rank test.

Streaming: :class:`NormalEquations` accumulates centred co-moments of the
columns ``[X | Y]`` (shifted sums, Chan-Golub-LeVeque merges, see
``linalg.Comoments``), so chunks and parallel workers combine exactly and data
with a large offset stay accurate. ``fit_normal_equations`` and
:func:`ridge_path` solve from it without the data.

References: T. Hastie, R. Tibshirani, J. Friedman, *The Elements of
Statistical Learning*, 2nd ed., 2009, sections 3.2 and 3.4.1; G. H. Golub and
C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, section 5.3;
N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
SIAM 2002, chapter 20.

>>> model = LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
>>> round(model.coef_[0], 12), round(model.intercept_, 12)
(2.0, 1.0)

Tests: ``tests/textbook/test_ridge.py`` holds it equal to the textbook;
``tests/fast/test_regression.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from numbers import Real
from operator import add
from typing import NamedTuple, Self

from purepose.checks import check_matrix, check_vector, check_xy, rows_of
from purepose.errors import (
    NotFittedError,
    NotPositiveDefiniteError,
    PureposeError,
    RankDeficientError,
)
from purepose.textbook import linalg as textbook_linalg
from purepose.textbook import ridge as textbook_ridge
from purepose.textbook.stats import mean_r2_score
from purepose.types import Matrix, Vector

from .blas import crossprod_of_columns, dot, gram_of_columns, matmul_transposed, transpose
from .decompositions import cho_solve, cholesky, lstsq
from .normal_equations import NormalEquations

__all__ = [
    "ALGORITHMS",
    "ILL_CONDITIONED_PIVOT",
    "SINGULAR_PIVOT",
    "LinearRegression",
    "NormalEquations",
    "Ridge",
    "ridge_path",
]

ALGORITHMS = ("columns", "textbook")
"""The values of ``Ridge(algorithm=...)`` / ``LinearRegression(algorithm=...)``; default first."""

ILL_CONDITIONED_PIVOT = 1e-8
"""``"auto"`` switches from Cholesky to QR below this relative pivot ``L_kk^2 / A_kk``."""

SINGULAR_PIVOT = 1e-12
"""At or below this relative pivot the normal equations are treated as singular."""

_SOLVERS = ("auto", "cholesky", "qr")


# ---------------------------------------------------------------------------
# Input checks


def _check_alpha(alpha: object, func: str) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise PureposeError(f"{func}: alpha={alpha!r} must be a number >= 0")
    if not (math.isfinite(alpha) and alpha >= 0):
        raise PureposeError(f"{func}: alpha={alpha!r} must be finite and >= 0")
    return float(alpha)


# ---------------------------------------------------------------------------
# The steps of a fit, in two layers


class _Steps(NamedTuple):
    """The steps of a linear fit; ``Ridge(algorithm=...)`` picks one set.

    ``centre(M, center)`` -> (Mc, means); ``normal_equations(Xc, Yc, alpha)``
    -> (Xc^T Xc + alpha I, Xc^T Yc); ``cholesky(A)`` -> L; ``solve(L, B)`` ->
    W^T; ``least_squares(Xc, Yc, alpha)`` -> W^T by Householder QR;
    ``intercept(coef, x_mean, y_mean)`` -> b. The centred data may be held
    as columns (fast) or rows (textbook): only the steps look inside.
    """

    centre: Callable[[Sequence[Sequence[float]], bool], tuple[Matrix, Vector]]
    normal_equations: Callable[[Matrix, Matrix, float], tuple[Matrix, Matrix]]
    cholesky: Callable[[Matrix], Matrix]
    solve: Callable[[Matrix, Matrix], Matrix]
    least_squares: Callable[[Matrix, Matrix, float], Matrix]
    intercept: Callable[[Matrix, Vector, Vector], Vector]


def _centred_columns(M: Sequence[Sequence[float]], center: bool) -> tuple[Matrix, Vector]:
    """The columns of the n x p matrix M as lists (centred, with their means, if ``center``).

    ``mean_j = fsum(column j) / n``; a centred column is ``column j - mean_j``,
    entry by entry, the same floats as centring the rows. Centring computes
    fresh floats, stored one after another: their dots run about twice as
    fast as dots over floats scattered across M's rows. Cost O(n p).
    """
    columns = [[row[j] for row in M] for j in range(len(M[0]))]
    if not center:
        return columns, []
    n = len(M)
    means = [math.fsum(col) / n for col in columns]
    return [[v - m for v in col] for col, m in zip(columns, means)], means


def _with_ridge(A: Matrix, alpha: float) -> Matrix:
    """``A + alpha I`` as a new matrix."""
    return [[a + alpha if i == j else a for j, a in enumerate(row)] for i, row in enumerate(A)]


def _column_normal_equations(
    x_cols: Matrix, y_cols: Matrix, alpha: float
) -> tuple[Matrix, Matrix]:
    # Every entry one C-level dot of two contiguous columns; half the Gram matrix, mirrored.
    return _with_ridge(gram_of_columns(x_cols), alpha), crossprod_of_columns(x_cols, y_cols)


def _column_least_squares(x_cols: Matrix, y_cols: Matrix, alpha: float) -> Matrix:
    """``W^T`` by Householder least squares on ``[Xc; sqrt(alpha) I]``, ``[Yc; 0]``."""
    d, t = len(x_cols), len(y_cols)
    Xc, Yc = transpose(x_cols), transpose(y_cols)  # QR works on the rows
    if alpha > 0.0:
        root = math.sqrt(alpha)
        Xc += [[root if i == j else 0.0 for j in range(d)] for i in range(d)]
        Yc += [[0.0] * t for _ in range(d)]
    return lstsq(Xc, Yc)  # type: ignore[return-value]


def _intercept(coef: Matrix, x_mean: Vector, y_mean: Vector) -> Vector:
    """``b = y_bar - W x_bar``, one entry per target."""
    return [ym - dot(w, x_mean) for w, ym in zip(coef, y_mean)]


_COLUMNS = _Steps(
    centre=_centred_columns,
    normal_equations=_column_normal_equations,
    cholesky=cholesky,
    solve=cho_solve,  # type: ignore[arg-type]
    least_squares=_column_least_squares,
    intercept=_intercept,
)


def _textbook_centre(M: Sequence[Sequence[float]], center: bool) -> tuple[Matrix, Vector]:
    rows = [[float(v) for v in row] for row in M]
    return textbook_ridge.centre(rows) if center else (rows, [])


_TEXTBOOK = _Steps(
    centre=_textbook_centre,
    normal_equations=textbook_ridge.normal_equations,
    cholesky=textbook_linalg.cholesky,
    solve=textbook_ridge.solve,
    least_squares=textbook_ridge.ridge_qr,
    intercept=textbook_ridge.intercept,
)


# ---------------------------------------------------------------------------
# Solving the normal equations


def _singular_message(func: str, k: int, zero_column: bool, fit_intercept: bool) -> str:
    if zero_column:
        what = "is constant" if fit_intercept else "is all zeros"
        return f"{func}: X^T X is singular: feature {k} {what}; drop it or use Ridge(alpha > 0)"
    return (
        f"{func}: X^T X is singular: feature {k} is (nearly) a linear combination of "
        f"features 0..{k - 1}; drop it or use Ridge(alpha > 0)"
    )


def _factor(
    A: Matrix, cholesky_: Callable[[Matrix], Matrix], func: str, fit_intercept: bool
) -> tuple[Matrix, float, int]:
    """Cholesky of the normal matrix A; return (L, smallest relative pivot, its index).

    The relative pivot ``L_kk^2 / A_kk`` is at least the smallest eigenvalue
    of A scaled to unit diagonal. Raises a one-line PureposeError naming the
    feature if A is (numerically) singular.
    """
    try:
        L = cholesky_(A)
    except NotPositiveDefiniteError as exc:
        zero = A[exc.index][exc.index] == 0.0
        raise PureposeError(_singular_message(func, exc.index, zero, fit_intercept)) from None
    pivots = [L[k][k] ** 2 / A[k][k] for k in range(len(A))]
    k_min = min(range(len(pivots)), key=pivots.__getitem__)
    if pivots[k_min] <= SINGULAR_PIVOT:
        raise PureposeError(_singular_message(func, k_min, A[k_min][k_min] == 0.0, fit_intercept))
    return L, pivots[k_min], k_min


def _warn_if_ill_conditioned(func: str, pivot: float, k: int, stacklevel: int) -> None:
    if pivot < ILL_CONDITIONED_PIVOT:
        warnings.warn(
            f"{func}: X^T X is ill-conditioned (relative pivot {pivot:.3g} < "
            f"{ILL_CONDITIONED_PIVOT:g} at feature {k}); coefficients may have lost half "
            "their digits; fit(X, Y) with solver='qr', or Ridge(alpha > 0), avoids this",
            RuntimeWarning,
            stacklevel=stacklevel + 1,
        )


def _solve_normal_equations(A: Matrix, B: Matrix, func: str, fit_intercept: bool) -> Matrix:
    """``W^T`` from ``A W^T = B`` by Cholesky; warns (stack: the caller's caller) if
    ill-conditioned, raises if singular. For the accumulator paths, which have
    no data to run QR on."""
    L, pivot, k = _factor(A, cholesky, func, fit_intercept)
    _warn_if_ill_conditioned(func, pivot, k, stacklevel=3)
    return cho_solve(L, B)  # type: ignore[return-value]


def _check_accumulator(acc: object, func: str) -> NormalEquations:
    if not isinstance(acc, NormalEquations):
        raise PureposeError(f"{func}: expected a NormalEquations, got {type(acc).__name__}")
    if acc.n_samples == 0:
        raise PureposeError(f"{func}: the accumulator is empty; call update(X, Y) first")
    return acc


def _check_scale(scale: Sequence[float], n_features: int, func: str) -> Vector:
    if check_vector(scale, "scale", func) != n_features:
        raise PureposeError(f"{func}: scale has {len(scale)} entries, expected {n_features}")
    for j, s in enumerate(scale):
        if not s > 0.0:
            raise PureposeError(f"{func}: scale[{j}]={s!r} must be > 0")
    return [float(s) for s in scale]


def ridge_path(
    acc: NormalEquations,
    alphas: Sequence[float],
    *,
    fit_intercept: bool = True,
    scale: Vector | None = None,
) -> list[tuple[Matrix, Vector]]:
    """Ridge solutions ``(coef, intercept)`` for several alphas from one accumulator.

    For each alpha, ``(A + alpha I) W^T = B`` with ``A = acc.xtx()`` and
    ``B = acc.xty()`` (uncentred ``X^T X``, ``X^T Y`` if not ``fit_intercept``);
    one Cholesky factorization per alpha, O(d^3 / 6 + d^2 t) each, no pass over
    the data. ``coef`` is n_targets x n_features, ``intercept`` has n_targets
    entries (zeros without an intercept). Each result equals
    ``Ridge(alpha=a).fit_normal_equations(acc)``.

    ``scale`` (per-feature standard deviations, all > 0) fits on standardized
    features ``z = x / scale`` instead, from the same raw-feature accumulator:
    ``A_ij / (s_i s_j)``, ``B_ij / s_i``, ``x_bar / s``. The coefficients are
    then in the standardized space (``coef_std = coef_raw * scale``) and the
    prediction is ``(x / scale) . coef_std + intercept``. For the usual
    ``z = (x - x_bar) / scale`` the intercept is simply ``acc.y_mean()``.
    Map a zero standard deviation (constant feature) to 1 before passing it.

    >>> acc = NormalEquations().update([[0.0], [1.0], [2.0], [3.0]], [0.0, 2.0, 4.0, 6.0])
    >>> [(round(c[0][0], 12), round(b[0], 12)) for c, b in ridge_path(acc, [0.0, 5.0])]
    [(2.0, 0.0), (1.0, 1.5)]
    >>> ridge_path(acc, [-1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ridge_path: alpha=-1.0 must be finite and >= 0
    """
    func = "ridge_path"
    _check_accumulator(acc, func)
    if isinstance(alphas, (str, bytes)) or not isinstance(alphas, Sequence) or not alphas:
        raise PureposeError(f"{func}: alphas must be a non-empty list of numbers")
    alpha_values = [_check_alpha(a, func) for a in alphas]
    A, B = acc.xtx(centered=fit_intercept), acc.xty(centered=fit_intercept)
    x_mean = acc.x_mean()
    if scale is not None:
        s = _check_scale(scale, acc.n_features, func)
        A = [[a / (si * sj) for a, sj in zip(row, s)] for row, si in zip(A, s)]
        B = [[b / si for b in row] for row, si in zip(B, s)]
        x_mean = list(map(float.__truediv__, x_mean, s))
    path = []
    for alpha in alpha_values:
        where = f"{func}(alpha={alpha:g})"
        W = _solve_normal_equations(_with_ridge(A, alpha), B, where, fit_intercept)
        coef = transpose(W)  # type: ignore[arg-type]
        intercept = (
            _intercept(coef, x_mean, acc.y_mean()) if fit_intercept else [0.0] * acc.n_targets
        )
        path.append((coef, intercept))
    return path


# ---------------------------------------------------------------------------
# Estimators


class _LinearModel:
    """Shared fit/predict/score of :class:`LinearRegression` and :class:`Ridge`."""

    fit_intercept: bool
    solver: str
    algorithm: str

    def _alpha(self, func: str) -> float:
        raise NotImplementedError

    def _validate_params(self, func: str) -> tuple[float, _Steps]:
        if not isinstance(self.fit_intercept, bool):
            raise PureposeError(f"{func}: fit_intercept={self.fit_intercept!r} must be a bool")
        if self.solver not in _SOLVERS:
            raise PureposeError(f"{func}: solver={self.solver!r} must be one of {_SOLVERS}")
        if self.algorithm not in ALGORITHMS:
            raise PureposeError(
                f"{func}: algorithm={self.algorithm!r} must be one of {ALGORITHMS}"
            )
        return self._alpha(func), _TEXTBOOK if self.algorithm == "textbook" else _COLUMNS

    def fit(
        self, X: Sequence[Sequence[float]], Y: Sequence[float] | Sequence[Sequence[float]]
    ) -> Self:
        """Fit on X (n_samples x n_features) and Y (n_samples x n_targets, or a vector).

        Centre, solve ``(Xc^T Xc + alpha I) W^T = Xc^T Yc`` (or least squares by
        QR), then ``b = y_bar - W x_bar``. A vector y gives a vector ``coef_``
        and a float ``intercept_`` (and ``predict`` returns a vector), as in
        scikit-learn.
        """
        func = f"{type(self).__name__}.fit"
        alpha, steps = self._validate_params(func)
        n, d, t, y_is_vector = check_xy(X, Y, func)
        # 1. centre: Xc = X - 1 x_bar^T, Yc = Y - 1 y_bar^T
        Xc, x_mean = steps.centre(X, self.fit_intercept)
        Yc, y_mean = steps.centre(rows_of(Y, y_is_vector), self.fit_intercept)
        # 2. solve (Xc^T Xc + alpha I) W^T = Xc^T Yc by Cholesky, or by QR when ill-conditioned
        W, self.solver_ = self._solve(steps, Xc, Yc, alpha, n, d, func)
        coef = transpose(W)
        # 3. the intercept b = y_bar - W x_bar
        b = steps.intercept(coef, x_mean, y_mean) if self.fit_intercept else [0.0] * t
        self._set_solution(coef, b, d, y_is_vector)
        return self

    def _solve(
        self, steps: _Steps, Xc: Matrix, Yc: Matrix, alpha: float, n: int, d: int, func: str
    ) -> tuple[Matrix, str]:
        """``(W^T, solver used)``: Cholesky of the normal equations, or QR (see ``solver``)."""
        if self.solver != "qr":
            A, B = steps.normal_equations(Xc, Yc, alpha)
            try:
                L, pivot, k = _factor(A, steps.cholesky, func, self.fit_intercept)
            except PureposeError:
                if self.solver == "cholesky":
                    raise
            else:
                if self.solver == "cholesky" or pivot >= ILL_CONDITIONED_PIVOT:
                    _warn_if_ill_conditioned(func, pivot, k, stacklevel=3)
                    return steps.solve(L, B), "cholesky"
        if alpha == 0.0 and n < d:
            raise PureposeError(
                f"{func}: {n} samples < {d} features: X^T X is singular; use Ridge(alpha > 0)"
            )
        try:
            return steps.least_squares(Xc, Yc, alpha), "qr"
        except RankDeficientError as exc:
            message = _singular_message(func, exc.column, exc.ratio == 0.0, self.fit_intercept)
            raise PureposeError(message) from None

    def fit_normal_equations(self, acc: NormalEquations) -> Self:
        """Fit from a :class:`NormalEquations` accumulator, without the data.

        Always uses Cholesky (there is no X to run QR on); an ill-conditioned
        ``X^T X`` gives a RuntimeWarning, a singular one raises. ``coef_`` is
        always n_targets x n_features here, even for a single target.
        """
        func = f"{type(self).__name__}.fit_normal_equations"
        alpha, _ = self._validate_params(func)
        _check_accumulator(acc, func)
        A, B = acc.xtx(centered=self.fit_intercept), acc.xty(centered=self.fit_intercept)
        W = _solve_normal_equations(_with_ridge(A, alpha), B, func, self.fit_intercept)
        coef = transpose(W)  # type: ignore[arg-type]
        if self.fit_intercept:
            intercept = _intercept(coef, acc.x_mean(), acc.y_mean())
        else:
            intercept = [0.0] * acc.n_targets
        self.solver_ = "cholesky"
        self._set_solution(coef, intercept, acc.n_features, False)
        return self

    def _set_solution(
        self, coef: Matrix, intercept: Vector, n_features: int, y_is_vector: bool
    ) -> None:
        self.coef_: Vector | Matrix = coef[0] if y_is_vector else coef
        self.intercept_: float | Vector = intercept[0] if y_is_vector else intercept
        self.n_features_in_ = n_features

    def _check_fitted(self, what: str) -> None:
        if not hasattr(self, "coef_"):
            name = type(self).__name__
            raise NotFittedError(
                f"{name}.{what}: this {name} is not fitted yet; call fit(X, Y) first"
            )

    def predict(self, X: Sequence[Sequence[float]]) -> Vector | Matrix:
        """``X W^T + b``: n_samples x n_targets (a vector if fitted on a vector y).

        Cost O(n_samples n_features n_targets).
        """
        func = f"{type(self).__name__}.predict"
        self._check_fitted("predict")
        _, d = check_matrix(X, "X", func)
        if d != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {d} features, but the model was fitted with {self.n_features_in_}"
            )
        if isinstance(self.intercept_, list):
            return [
                list(map(add, row, self.intercept_)) for row in matmul_transposed(X, self.coef_)
            ]
        w, b = self.coef_, self.intercept_
        return [dot(x, w) + b for x in X]  # type: ignore[arg-type]

    def score(
        self, X: Sequence[Sequence[float]], Y: Sequence[float] | Sequence[Sequence[float]]
    ) -> float:
        """Coefficient of determination R^2, averaged uniformly over the targets.

        ``R^2 = 1 - sum (y - y_hat)^2 / sum (y - y_bar)^2`` per target (exact
        ``fsum`` sums); a constant target scores 1.0 if predicted exactly and
        0.0 otherwise (scikit-learn's ``r2_score`` convention).
        """
        func = f"{type(self).__name__}.score"
        self._check_fitted("score")
        _, _, t, y_is_vector = check_xy(X, Y, func)
        predicted = self.predict(X)
        P = rows_of(predicted, not isinstance(self.intercept_, list))
        if t != len(P[0]):
            raise PureposeError(f"{func}: Y has {t} targets, the model predicts {len(P[0])}")
        return mean_r2_score(rows_of(Y, y_is_vector), P)

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params})"

    def _params(self) -> dict[str, object]:
        return {
            "fit_intercept": self.fit_intercept,
            "solver": self.solver,
            "algorithm": self.algorithm,
        }


class LinearRegression(_LinearModel):
    """Ordinary least squares ``min ||Y - X W^T - 1 b^T||_F^2``, multi-output.

    Solves ``Xc^T Xc W^T = Xc^T Yc`` on centred data (``b = y_bar - W x_bar``)
    by Cholesky, or by Householder QR of Xc for ill-conditioned X (``solver``:
    ``"auto"``, ``"cholesky"``, ``"qr"``; see the module docstring). Singular
    ``X^T X`` (a constant or collinear feature, or fewer samples than
    features) raises. Shapes: X n_samples x n_features, Y n_samples x
    n_targets (or a vector y); ``coef_`` n_targets x n_features,
    ``intercept_`` n_targets; ``solver_`` says which solver ran.

    ``algorithm`` chooses the layer, as scikit-learn's ``KMeans(algorithm=...)``:
    ``"columns"`` (default) builds the centred columns once, so every entry of
    ``Xc^T Xc`` (half of it, mirrored) and ``Xc^T Yc`` is one C-level dot of two
    contiguous columns; ``"textbook"`` runs :mod:`purepose.textbook.ridge`
    (row loops, textbook Cholesky and Householder QR). Same solutions to
    rounding (``tests/textbook/test_ridge.py``).
    Cost O(n d^2 / 2 + d^3 / 6) (Cholesky), O(2 n d^2) (QR).

    >>> model = LinearRegression().fit([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]],
    ...                                [[1.0], [1.0], [4.0], [4.0]])
    >>> [[round(w, 12) for w in row] for row in model.coef_], [round(model.intercept_[0], 12)]
    ([[1.0, 1.0]], [0.0])
    >>> LinearRegression().fit([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]], [1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: LinearRegression.fit: X^T X is singular: feature 1 is ...
    """

    def __init__(
        self, *, fit_intercept: bool = True, solver: str = "auto", algorithm: str = "columns"
    ) -> None:
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.algorithm = algorithm

    def _alpha(self, func: str) -> float:
        return 0.0


class Ridge(_LinearModel):
    """Ridge regression ``min ||Y - X W^T - 1 b^T||_F^2 + alpha ||W||_F^2``, multi-output.

    Solves ``(Xc^T Xc + alpha I) W^T = Xc^T Yc`` by Cholesky, the same as
    scikit-learn's ``Ridge(solver="cholesky")`` (intercept not penalized), or
    by Householder QR of ``[Xc; sqrt(alpha) I]`` (``solver``: ``"auto"``,
    ``"cholesky"``, ``"qr"``; see the module docstring). Every relative pivot
    is at least ``alpha / (A_kk + alpha)``, so with a sensible alpha "auto"
    stays on Cholesky. Shapes, attributes and ``algorithm`` (``"columns"`` or
    ``"textbook"``) as :class:`LinearRegression`.

    >>> model = Ridge(alpha=2.0).fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    >>> round(model.coef_[0], 12), round(model.intercept_, 12)
    (0.5, 0.5)
    >>> Ridge(alpha=-1.0).fit([[0.0], [1.0]], [0.0, 1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Ridge.fit: alpha=-1.0 must be finite and >= 0
    """

    def __init__(
        self,
        *,
        alpha: float = 1.0,
        fit_intercept: bool = True,
        solver: str = "auto",
        algorithm: str = "columns",
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.algorithm = algorithm

    def _alpha(self, func: str) -> float:
        return _check_alpha(self.alpha, func)

    def _params(self) -> dict[str, object]:
        return {"alpha": self.alpha, **super()._params()}
