"""Textbook ridge regression and least squares: centre, solve the normal equations, intercept.

The model predicts n_targets outputs from n_features inputs,
``Y_hat = X W^T + 1 b^T``. Ridge minimizes

    ||Y - X W^T - 1 b^T||_F^2 + alpha ||W||_F^2       (alpha = 0: least squares)

with the intercept b not penalized. Setting the gradients to zero: b makes
the residuals average to zero, so with the column means x_bar, y_bar and the
centred ``Xc = X - 1 x_bar^T``, ``Yc = Y - 1 y_bar^T``,

    (Xc^T Xc + alpha I) W^T = Xc^T Yc,      b = y_bar - W x_bar.

The matrix on the left is symmetric positive definite (for alpha > 0, or
full-rank Xc), so one Cholesky factorization ``L L^T`` and two triangular
solves per target give W. Forming ``Xc^T Xc`` squares the condition number;
the well-conditioned alternative is least squares by Householder QR on the
stacked ``[Xc; sqrt(alpha) I] W^T ~ [Yc; 0]`` (:func:`ridge_qr`).

``purepose.fast.regression.Ridge(algorithm="textbook")`` (and ``LinearRegression``)
run these steps; the default builds the same matrices from contiguous
columns with C-level dots (``tests/textbook/test_ridge.py`` holds the two
together).

Reference: T. Hastie, R. Tibshirani, J. Friedman, *The Elements of
Statistical Learning*, 2nd ed., 2009, sections 3.2 and 3.4.1.

>>> coef, intercept = ridge([[0.0], [1.0], [2.0]], [[0.0], [1.0], [2.0]], alpha=2.0)
>>> coef, intercept
([[0.5]], [0.5])
"""

from __future__ import annotations

import math

from purepose.types import Matrix, Vector

from .linalg import cholesky, cholesky_solve, dot, lstsq, matmul, mean, transpose

__all__ = ["centre", "intercept", "normal_equations", "ridge", "ridge_qr", "solve"]


def centre(M: Matrix) -> tuple[Matrix, Vector]:
    """``(M - 1 mean^T, mean)``: subtract every column's mean from its entries.

    >>> centre([[1.0, 10.0], [3.0, 30.0]])
    ([[-1.0, -10.0], [1.0, 10.0]], [2.0, 20.0])
    """
    m = mean(M)
    return [[row[j] - m[j] for j in range(len(m))] for row in M], m


def normal_equations(Xc: Matrix, Yc: Matrix, alpha: float) -> tuple[Matrix, Matrix]:
    """``(Xc^T Xc + alpha I, Xc^T Yc)``: the two sides of the normal equations.

    >>> normal_equations([[-1.0], [1.0]], [[-2.0], [2.0]], 1.0)
    ([[3.0]], [[4.0]])
    """
    Xt = transpose(Xc)
    A = matmul(Xt, Xc)
    for i in range(len(A)):
        A[i][i] += alpha
    return A, matmul(Xt, Yc)


def solve(L: Matrix, B: Matrix) -> Matrix:
    """``W^T`` from ``L L^T W^T = B``, one right-hand side (target) at a time.

    >>> solve([[2.0]], [[8.0, 4.0]])
    [[2.0, 1.0]]
    """
    return transpose([cholesky_solve(L, b) for b in transpose(B)])


def intercept(coef: Matrix, x_mean: Vector, y_mean: Vector) -> Vector:
    """``b = y_bar - W x_bar``, one entry per target.

    >>> intercept([[2.0]], [1.0], [3.0])
    [1.0]
    """
    return [y_mean[t] - dot(coef[t], x_mean) for t in range(len(coef))]


def ridge_qr(Xc: Matrix, Yc: Matrix, alpha: float) -> Matrix:
    """``W^T`` by Householder least squares on ``[Xc; sqrt(alpha) I]`` and ``[Yc; 0]``.

    The stacked rows add ``alpha ||W||^2`` to the squared residual, so the
    least-squares solution is the ridge solution, without forming Xc^T Xc.

    >>> [[round(w, 12) for w in row] for row in ridge_qr([[-1.0], [1.0]], [[-2.0], [2.0]], 1.0)]
    [[1.333333333333]]
    """
    d, t = len(Xc[0]), len(Yc[0])
    if alpha > 0.0:
        root = math.sqrt(alpha)
        Xc = Xc + [[root if i == j else 0.0 for j in range(d)] for i in range(d)]
        Yc = Yc + [[0.0] * t for _ in range(d)]
    return lstsq(Xc, Yc)


def ridge(X: Matrix, Y: Matrix, alpha: float, fit_intercept: bool = True) -> tuple[Matrix, Vector]:
    """Ridge regression ``(coef, intercept)``: the whole fit, formula by formula.

    Centre X and Y (when fitting an intercept), solve
    ``(Xc^T Xc + alpha I) W^T = Xc^T Yc`` by Cholesky, then
    ``b = y_bar - W x_bar``. Shapes: X n x d, Y n x t; coef t x d.
    Cost O(n d^2 + d^3 / 6 + n d t).

    >>> coef, b = ridge([[0.0], [1.0], [2.0]], [[1.0], [3.0], [5.0]], alpha=0.0)
    >>> [[round(w, 12) for w in row] for row in coef], [round(v, 12) for v in b]
    ([[2.0]], [1.0])
    """
    if fit_intercept:
        (Xc, x_mean), (Yc, y_mean) = centre(X), centre(Y)
    else:
        Xc, Yc = X, Y
    A, B = normal_equations(Xc, Yc, alpha)
    coef = transpose(solve(cholesky(A), B))
    b = intercept(coef, x_mean, y_mean) if fit_intercept else [0.0] * len(coef)
    return coef, b
