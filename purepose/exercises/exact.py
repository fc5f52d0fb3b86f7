"""The grader's exact arithmetic: every float is a rational number, so compute with Fractions.

``Fraction(x)`` of a float is its exact value, and sums, products and
quotients of Fractions are exact; ``float(q)`` rounds the result once,
correctly. The grader uses these to know the true answer of a case (a
matrix product, a covariance, a least-squares solution, a filter's output),
so a learner's error is measured against the truth and not against another
rounded computation. They are slow (the numbers grow), which is fine for
the small cases graded here.

>>> exact_matmul([[0.1]], [[3.0]])[0][0] == Fraction(0.1) * 3
True
>>> [[float(v) for v in row] for row in solve([[2.0, 0.0], [0.0, 4.0]], [[1.0], [1.0]])]
[[0.5], [0.25]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, localcontext
from fractions import Fraction

Q = Fraction
QMatrix = list[list[Fraction]]


def rationals(A: Sequence[Sequence[float]]) -> QMatrix:
    """Every entry as its exact Fraction."""
    return [[Fraction(x) for x in row] for row in A]


def exact_dot(a: Sequence[float | Fraction], b: Sequence[float | Fraction]) -> Fraction:
    """``sum_i a_i b_i`` exactly."""
    return sum((Fraction(x) * Fraction(y) for x, y in zip(a, b)), Fraction(0))


def exact_matmul(A: Sequence[Sequence], B: Sequence[Sequence]) -> QMatrix:
    """``(A B)_ij`` exactly."""
    columns = list(zip(*B))
    return [[exact_dot(row, col) for col in columns] for row in A]


def abs_matmul(A: Sequence[Sequence], B: Sequence[Sequence]) -> list[list[float]]:
    """``(|A| |B|)_ij`` in floats (rounding is harmless here: it scales a tolerance)."""
    columns = list(zip(*B))
    return [[math.fsum(abs(x * y) for x, y in zip(row, col)) for col in columns] for row in A]


def exact_comoments(X: Sequence[Sequence[float]]) -> tuple[list[Fraction], QMatrix]:
    """Column means and ``M = sum_i (x_i - mean)(x_i - mean)^T``, exactly."""
    columns = [[Fraction(v) for v in col] for col in zip(*X)]
    means = [sum(col, Fraction(0)) / len(col) for col in columns]
    centred = [[v - m for v in col] for col, m in zip(columns, means)]
    return means, [[exact_dot(a, b) for b in centred] for a in centred]


def solve(A: Sequence[Sequence], B: Sequence[Sequence]) -> QMatrix:
    """``A^-1 B`` by Gauss-Jordan elimination in exact arithmetic (A square, nonsingular).

    Exact, so no pivoting for accuracy is needed, only a non-zero pivot.
    """
    n = len(A)
    M = [[Fraction(x) for x in row] + [Fraction(x) for x in rhs] for row, rhs in zip(A, B)]
    for k in range(n):
        pivot = next((i for i in range(k, n) if M[i][k] != 0), None)
        if pivot is None:
            raise ZeroDivisionError("exact.solve: the matrix is singular")
        M[k], M[pivot] = M[pivot], M[k]
        inverse = 1 / M[k][k]
        M[k] = [v * inverse for v in M[k]]
        for i in range(n):
            if i != k and M[i][k] != 0:
                factor = M[i][k]
                M[i] = [v - factor * w for v, w in zip(M[i], M[k])]
    return [row[n:] for row in M]


def exact_ridge(
    X: Sequence[Sequence[float]], Y: Sequence[Sequence[float]], alpha: float
) -> tuple[QMatrix, list[Fraction]]:
    """The exact ridge solution ``(coef, intercept)``, intercept not penalized.

    ``(Xc^T Xc + alpha I) W^T = Xc^T Yc`` and ``b = y_bar - W x_bar``, Xc, Yc centred.
    """
    d = len(X[0])
    means, M = exact_comoments([[*x, *y] for x, y in zip(X, Y)])
    A = [[M[i][j] + (Fraction(alpha) if i == j else 0) for j in range(d)] for i in range(d)]
    B = [row[d:] for row in M[:d]]
    W = solve(A, B)  # d x t
    coef = [list(col) for col in zip(*W)]
    intercept = [means[d + t] - exact_dot(coef[t], means[:d]) for t in range(len(coef))]
    return coef, intercept


def sqrt_fraction(q: Fraction, digits: int = 40) -> Fraction:
    """``sqrt(q)`` to ``digits`` significant digits (far beyond a float's 17)."""
    with localcontext() as ctx:
        ctx.prec = digits
        root = (Decimal(q.numerator) / Decimal(q.denominator)).sqrt()
    return Fraction(root)


def floats(M: Sequence) -> list:
    """Nested lists of Fractions rounded to floats."""
    if isinstance(M, list | tuple):
        return [floats(v) for v in M]
    return float(M)
