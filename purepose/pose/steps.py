"""The numerical steps of ``PoseRegressor.fit`` (2, 3, 4 and 6), as functions of the statistics.

Each takes the merged normal equations of the training windows
(:class:`~purepose.fast.normal_equations.NormalEquations`: n, the means and
the centred co-moments M of [x | y]) and never looks at the data again:

* :func:`standardizer`: ``mean = x_bar``, ``scale_j = sqrt(M_jj / n)`` (1 when 0);
* :func:`principal_axes`: the top eigenvectors W of ``D^-1 M D^-1 / (n - 1)``;
* :func:`ridge_solver`: alpha -> (B, b) of ridge on the standardized (projected)
  features, ``(W D^-1 M D^-1 W^T + alpha I) B^T = W D^-1 M_xy``, ``b = y_bar``;
* :func:`fold`: ``y = B W ((x - mean) / scale) + b`` as one affine map ``A x + c``.

>>> A, c = fold([[2.0]], [1.0], None, scale=[4.0], mean=[3.0])
>>> A, c, apply_affine([[7.0]], A, c)
([[0.5]], [-0.5], [[3.0]])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import chain

from purepose.errors import PureposeError
from purepose.fast.eigensolvers import eigsh_randomized, eigsh_subspace
from purepose.fast.linalg import matmul, matmul_transposed, solve_spd, transpose
from purepose.fast.regression import NormalEquations, ridge_path
from purepose.types import Matrix, Vector

__all__ = ["apply_affine", "fold", "principal_axes", "ridge_solver", "standardizer"]


def standardizer(acc: NormalEquations) -> tuple[Vector, Vector]:
    """``(mean, scale)``: population standard deviations, 1 for a constant feature."""
    n, xtx = acc.n_samples, acc.xtx()
    # A constant feature gets scale 1 (as StandardScaler does) instead of a division by 0.
    return acc.x_mean(), [math.sqrt(xtx[i][i] / n) or 1.0 for i in range(len(xtx))]


def principal_axes(
    acc: NormalEquations, scale: Vector, k: int, *, approximate: bool, **solver
) -> tuple[Matrix, Vector]:
    """``(W, eigenvalues)``: the top k eigenpairs of the standardized covariance.

    ``approximate`` uses the randomized solver (enough for a head's dimension
    reduction); otherwise subspace iteration with ``max_iter``, ``tol`` and
    ``random_state`` from ``solver``.
    """
    n, inv = acc.n_samples, [1.0 / s for s in scale]
    cov = [[m * a * b / (n - 1) for m, b in zip(row, inv)] for row, a in zip(acc.xtx(), inv)]
    if approximate:
        eigvals, eigvecs, _ = eigsh_randomized(cov, k, random_state=solver["random_state"])
    else:
        eigvals, eigvecs, _ = eigsh_subspace(cov, k, **solver)
    return eigvecs, eigvals


def ridge_solver(
    acc: NormalEquations, scale: Vector, components: Matrix | None
) -> Callable[[float], tuple[Matrix, Vector]]:
    """alpha -> (coef, intercept) of ridge on the standardized (projected) features (cached)."""
    cache: dict[float, tuple[Matrix, Vector]] = {}
    if components is None:

        def solve(alpha: float) -> tuple[Matrix, Vector]:
            if alpha not in cache:
                ((coef, _),) = ridge_path(acc, [alpha], scale=scale)
                cache[alpha] = (coef, acc.y_mean())  # centred scores: b = mean(y)
            return cache[alpha]

        return solve
    # Ridge on PCA scores z = W D^-1 (x - mean): Gram W Ms W^T and cross W D^-1 Mxy.
    inv = [1.0 / s for s in scale]
    Ms = [[m * a * b for m, b in zip(row, inv)] for row, a in zip(acc.xtx(), inv)]
    gram = matmul_transposed(matmul(components, Ms), components)
    cross = matmul(components, [[v * a for v in row] for row, a in zip(acc.xty(), inv)])

    def solve_scores(alpha: float) -> tuple[Matrix, Vector]:
        if alpha not in cache:
            G = [row[:] for row in gram]
            for i in range(len(G)):
                G[i][i] += alpha
            cache[alpha] = (transpose(solve_spd(G, cross)), acc.y_mean())
        return cache[alpha]

    return solve_scores


def fold(
    coef: Matrix, intercept: Vector, components: Matrix | None, *, scale: Vector, mean: Vector
) -> tuple[Matrix, Vector]:
    """Standardization, PCA and the linear head as one affine map on raw features."""
    B = coef if components is None else matmul(coef, components)
    A = [[v / s for v, s in zip(row, scale)] for row in B]
    try:
        c = [k - math.fsum(a * m for a, m in zip(row, mean)) for row, k in zip(A, intercept)]
    except OverflowError:
        raise PureposeError(
            "PoseRegressor: the coefficients are too large to compute with (the folded "
            "intercept overflows)"
        ) from None
    if not all(map(math.isfinite, chain(c, chain.from_iterable(A)))):
        raise PureposeError("PoseRegressor: the coefficients are too large to compute with")
    return A, c


def apply_affine(X: Matrix, A: Matrix, b: Vector) -> Matrix:
    """Rows of ``X A^T + b``."""
    return [[v + c for v, c in zip(row, b)] for row in matmul_transposed(X, A)] if X else []
