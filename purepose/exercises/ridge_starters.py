"""The files ``exercise start`` writes for ridge and normal_equations, and the streaming answer.

purepose's textbook layer has ridge (``purepose.textbook.ridge``), which is
the model answer of ``ridge``; the streaming accumulator's model answer is
written out here, in the same style: one chunk's moments by two passes,
groups merged exactly by the formula of Chan, Golub and LeVeque (1983).
"""

RIDGE_STARTER = '''\
"""Exercise ridge: ridge regression with an unpenalized intercept, in plain Python.

Task
    Write ridge(X, Y, alpha) -> (coef, intercept) with the standard library
    only: the W and b that minimize

        ||Y - X W^T - 1 b^T||^2 + alpha ||W||^2        (the intercept b is not penalized)

    Then: why centre first, and when would you use QR instead of Cholesky?

Math
    Centre: x_bar, y_bar the column means, Xc = X - 1 x_bar^T, Yc = Y - 1 y_bar^T.
    Solve   (Xc^T Xc + alpha I) W^T = Xc^T Yc     (symmetric positive definite:
            one Cholesky factorization, two triangular solves per target)
    Then    b = y_bar - W x_bar.
    Cost: n d^2 / 2 to form Xc^T Xc, d^3 / 6 to factor it.

Conventions
    X is n rows of d floats, Y n rows of t floats (one column per target),
    alpha >= 0 a float. Return (coef, intercept): coef is t rows of d floats,
    intercept t floats. Never change X or Y. A singular system (alpha = 0 and
    a constant feature) or X and Y of different lengths should raise
    ValueError (the optional "bad input" tier). Columns may sit far from zero:
    an offset of 1e9 is part of the grading.

Example
    >>> ridge([[0.0], [1.0], [2.0]], [[1.0], [3.0], [5.0]], 0.0)   # y = 1 + 2 x
    ([[2.0]], [1.0])
    >>> ridge([[0.0], [1.0], [2.0]], [[0.0], [1.0], [2.0]], 2.0)   # 2 / (2 + alpha) = 0.5
    ([[0.5]], [0.5])

Check it:  purepose exercise check ridge ridge.py
"""


def ridge(X, Y, alpha):
    """(coef, intercept) of ridge regression; coef is t x d, the intercept is not penalized."""
    # TODO: your code here
    raise NotImplementedError("ridge")
'''

NORMAL_EQUATIONS_STARTER = '''\
"""Exercise normal_equations: streaming, mergeable sufficient statistics for ridge.

Task
    Write a class NormalEquations for data that never fit in memory, or that
    several workers read in parts:

        acc = NormalEquations()
        acc.update(X_chunk, Y_chunk)        # any number of chunks, of any size
        merged = acc.merge(other)           # a NEW accumulator with the rows of both
        coef, intercept = merged.solve(alpha)

    solve gives exactly what ridge(all of X, all of Y, alpha) gives (the
    intercept is not penalized), without keeping the rows.

Math
    Keep n, the column means and the centred co-moments of z = [x | y]:
        M = sum_i (z_i - z_bar)(z_i - z_bar)^T = [[Xc^T Xc, Xc^T Yc], [Yc^T Xc, Yc^T Yc]]
    Two groups a and b merge exactly (Chan, Golub and LeVeque, 1983):
        n = n_a + n_b,  d = mean_b - mean_a,  mean = mean_a + d n_b / n,
        M = M_a + M_b + (n_a n_b / n) d d^T
    solve: (Xc^T Xc + alpha I) W^T = Xc^T Yc by Cholesky, b = y_bar - W x_bar.
    Raw sums (sum x x^T, sum x, centred only at the end) cancel when the data
    sit far from zero: an offset of 1e9 is part of the grading.

Conventions
    X_chunk is a list of rows of d floats, Y_chunk a list of rows of t floats.
    update returns self; merge never changes either accumulator; solve returns
    (coef, intercept) with coef t rows of d floats. solve() before any row,
    or a chunk with another number of features, should raise ValueError (the
    optional "bad input" tier).

Example
    >>> acc = NormalEquations()
    >>> acc.update([[0.0], [1.0]], [[1.0], [3.0]]).update([[2.0]], [[5.0]]).solve(0.0)
    ([[2.0]], [1.0])

Check it:  purepose exercise check normal_equations normal_equations.py
"""


class NormalEquations:
    """n, the means and the centred co-moments of [x | y]; update, merge, solve."""

    def __init__(self):
        # TODO: your state here
        pass

    def update(self, X, Y):
        """Add a chunk of rows; return self."""
        # TODO: your code here
        raise NotImplementedError("NormalEquations.update")

    def merge(self, other):
        """A new accumulator holding the rows of self and other (neither changes)."""
        # TODO: your code here
        raise NotImplementedError("NormalEquations.merge")

    def solve(self, alpha):
        """(coef, intercept) of ridge regression on every row seen so far."""
        # TODO: your code here
        raise NotImplementedError("NormalEquations.solve")
'''

NORMAL_EQUATIONS_ANSWER = '''\
"""The model answer of exercise normal_equations: chunk moments, merged exactly."""

from __future__ import annotations

import math

from purepose.textbook.linalg import cholesky, cholesky_solve


class NormalEquations:
    """n, the column means and the centred co-moments M of z = [x | y], merged chunk by chunk.

    A chunk's own mean and co-moments come from two passes over it; two
    groups merge exactly (Chan, Golub and LeVeque 1983):

        n = n_a + n_b,  delta = mean_b - mean_a,  mean = mean_a + delta n_b / n,
        M = M_a + M_b + (n_a n_b / n) delta delta^T
    """

    def __init__(self):
        self.n, self.n_features, self.mean, self.M = 0, 0, [], []

    def _merged(self, n_b, mean_b, M_b):
        """(n, mean, M) of the rows of self and of a group (n_b, mean_b, M_b)."""
        if self.n == 0 or n_b == 0:
            n, mean, M = (n_b, mean_b, M_b) if self.n == 0 else (self.n, self.mean, self.M)
            return n, list(mean), [list(row) for row in M]
        n = self.n + n_b
        delta = [b - a for a, b in zip(self.mean, mean_b)]
        mean = [a + dl * n_b / n for a, dl in zip(self.mean, delta)]
        w = self.n * n_b / n
        M = [[self.M[i][j] + M_b[i][j] + w * delta[i] * delta[j] for j in range(len(delta))]
             for i in range(len(delta))]
        return n, mean, M

    def update(self, X, Y):
        rows = [[*x, *y] for x, y in zip(X, Y)]
        if len(X) != len(Y):
            raise ValueError(f"NormalEquations.update: X has {len(X)} rows, Y {len(Y)}")
        if not rows:
            return self
        if self.n and (len(X[0]) != self.n_features or len(rows[0]) != len(self.mean)):
            raise ValueError(f"NormalEquations.update: {len(X[0])} features, expected "
                             f"{self.n_features}")
        n, width = len(rows), len(rows[0])
        mean = [math.fsum(r[j] for r in rows) / n for j in range(width)]
        centred = [[r[j] - mean[j] for j in range(width)] for r in rows]
        M = [[math.fsum(r[a] * r[b] for r in centred) for b in range(width)]
             for a in range(width)]
        self.n_features = len(X[0])
        self.n, self.mean, self.M = self._merged(n, mean, M)
        return self

    def merge(self, other):
        merged = NormalEquations()
        merged.n_features = self.n_features or other.n_features
        merged.n, merged.mean, merged.M = self._merged(other.n, other.mean, other.M)
        return merged

    def solve(self, alpha):
        if self.n == 0:
            raise ValueError("NormalEquations.solve: no rows yet")
        d, width = self.n_features, len(self.mean)
        A = [[self.M[i][j] + (alpha if i == j else 0.0) for j in range(d)] for i in range(d)]
        L = cholesky(A)
        coef = [cholesky_solve(L, [self.M[i][t] for i in range(d)]) for t in range(d, width)]
        intercept = [self.mean[t] - math.fsum(w * m for w, m in zip(coef[k], self.mean))
                     for k, t in enumerate(range(d, width))]
        return coef, intercept
'''
