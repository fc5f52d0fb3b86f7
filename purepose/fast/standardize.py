"""Standardization with training statistics, by scikit-learn's StandardScaler rules.

    x_std = (x - mean) / scale,      mean_j = (1/n) sum_i x_ij,
    scale_j = sqrt((1/n) sum_i (x_ij - mean_j)^2)    (ddof = 0)

Sums are exactly rounded (``math.fsum``), and a (nearly) constant column gets
scale 1 so that it is centred but not blown up: constant when
var <= n eps var + (n eps mean)^2 (scikit-learn's ``_is_constant_feature``
bound on the rounding error of the variance). The estimators that
standardize inside (``MLPRegressor(standardize=True)``) learn ``mean`` and
``scale`` on their training rows and apply them to every later input.
Cost O(n d) for each of the statistics and the transform.

>>> means, scales = mean_and_scale([[1.0, 5.0], [3.0, 5.0]])
>>> standardize([[3.0, 5.0]], means, scales), unstandardize([[1.0, 0.0]], means, scales)
([[1.0, 0.0]], [[3.0, 5.0]])

Tests: ``tests/fast/test_mlp.py`` checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
from operator import add, mul, sub, truediv

from purepose.types import Matrix, Vector

_EPS = 2.0**-52


def mean_and_scale(M: Matrix) -> tuple[Vector, Vector]:
    """Column means and standard deviations (ddof=0) of the rows M, as StandardScaler.

    >>> mean_and_scale([[1.0, 5.0], [3.0, 5.0]])
    ([2.0, 5.0], [1.0, 1.0])
    """
    n = len(M)
    means, scales = [], []
    for column in zip(*M):
        mean = math.fsum(column) / n
        var = math.fsum((v - mean) * (v - mean) for v in column) / n
        constant = var <= n * _EPS * var + (n * mean * _EPS) ** 2
        means.append(mean)
        scales.append(1.0 if constant else math.sqrt(var))
    return means, scales


def standardize(M: Matrix, means: Vector, scales: Vector) -> Matrix:
    """``(x - mean) / scale`` for every row x of M (new lists)."""
    return [list(map(truediv, map(sub, row, means), scales)) for row in M]


def unstandardize(M: Matrix, means: Vector, scales: Vector) -> Matrix:
    """``x scale + mean`` for every row x of M: the inverse of :func:`standardize`."""
    return [list(map(add, map(mul, row, scales), means)) for row in M]


__all__ = ["mean_and_scale", "standardize", "unstandardize"]
