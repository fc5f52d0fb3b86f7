"""Textbook statistics shared by the estimators and the metrics: the coefficient of determination.

    R^2 = 1 - SSE / SST,   SSE = sum_i (y_i - p_i)^2,   SST = sum_i (y_i - y_bar)^2

A constant target (SST = 0) has no variance to explain: it scores 1.0 when
predicted exactly and 0.0 otherwise (the ``force_finite`` choice of
scikit-learn's ``r2_score``), so a score is never NaN. Sums are ``math.fsum``.
This is the definition, and there is nothing to speed up: ``purepose.fast.regression``
(``score``) uses it directly, and ``purepose.pose.metrics`` may (one home for R^2).

>>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
0.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["mean_r2_score", "r2", "r2_score"]


def r2(sse: float, sst: float) -> float:
    """``1 - sse / sst``; for a constant target (``sst = 0``): 1.0 if ``sse = 0`` else 0.0.

    >>> r2(1.0, 4.0), r2(0.0, 0.0), r2(1.0, 0.0)
    (0.75, 1.0, 0.0)
    """
    if sst > 0.0:
        return 1.0 - sse / sst
    return 1.0 if sse == 0.0 else 0.0


def r2_score(y: Sequence[float], p: Sequence[float]) -> float:
    """R^2 of predictions ``p`` of one target ``y`` (two-pass: the mean, then the sums).

    >>> r2_score([2.0, 2.0], [2.0, 2.0])
    1.0
    """
    mean = math.fsum(y) / len(y)
    sst = math.fsum((v - mean) * (v - mean) for v in y)
    sse = math.fsum((v - q) * (v - q) for v, q in zip(y, p))
    return r2(sse, sst)


def mean_r2_score(Y: Sequence[Sequence[float]], P: Sequence[Sequence[float]]) -> float:
    """R^2 of every target (column) averaged uniformly: scikit-learn's ``r2_score`` of rows.

    >>> mean_r2_score([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]], [[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])
    0.75
    """
    scores = [r2_score(y, p) for y, p in zip(zip(*Y), zip(*P))]
    return math.fsum(scores) / len(scores)
