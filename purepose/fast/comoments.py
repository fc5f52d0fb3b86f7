"""Streaming, mergeable column means and co-moments: the covariance of data far from zero.

:class:`Comoments` accumulates, chunk by chunk, what covariance, PCA and least
squares with an intercept need: the count, the column means and the centred
co-moment matrix ``M = sum_i (x_i - mean)(x_i - mean)^T``. Shifted sums keep
it accurate for data with a large offset (EMG with a DC offset, unix
timestamps), and two accumulators merge exactly (Chan, Golub & LeVeque), so
parallel workers combine to what one pass over all the rows gives.
:func:`covariance` is one accumulator over one matrix.

The two-pass textbook covariance is :func:`purepose.textbook.linalg.covariance`.

Reference: T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for
computing the sample variance", *The American Statistician* 37 (1983);
N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
SIAM, 2002, section 1.9.

>>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
[[1.0, 2.0], [2.0, 4.0]]

Tests: ``tests/textbook/test_linalg.py`` holds it equal to the textbook;
``tests/fast/test_linalg.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

from purepose.checks import check_finite, check_matrix, check_rows, check_vector
from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

from .blas import sumprod, zeros

__all__ = ["Comoments", "covariance"]

_sub = operator.sub


class Comoments:
    """Streaming, mergeable sums for the mean and covariance of the columns of X.

    The co-moment matrix ``M = sum_i (x_i - mean)(x_i - mean)^T`` is what
    covariance (``M / (n - ddof)``), PCA and least squares with an intercept
    need. Computing it as ``sum x x^T - n mean mean^T`` cancels catastrophically
    when the data sit far from zero (EMG with a DC offset, unix timestamps), so
    each chunk is first shifted by a fixed reference row ``K`` (the first row
    seen; any value near the mean works):

        s = sum_i (x_i - K),   S = sum_i (x_i - K)(x_i - K)^T,
        mean = K + s / n,      M = S - s s^T / n.

    Two accumulators merge exactly with Chan, Golub & LeVeque's update:
    ``M = M_a + M_b + (d d^T) n_a n_b / n`` with ``d = mean_b - mean_a``.

    One update costs O(n_rows n_features^2 / 2) multiply-adds (the upper
    triangle of S, one ``dot`` of two shifted columns per entry), after one
    O(n_rows n_features) pass that gathers the shifted columns from the rows.
    X is checked for NaN and inf without a pass of its own: the diagonal of
    S is finite exactly when every shifted entry is.

    >>> acc = Comoments().update([[1.0, 2.0], [3.0, 6.0]]).update([[5.0, 10.0]])
    >>> acc.n_samples, acc.mean()
    (3, [3.0, 6.0])
    >>> acc.covariance()
    [[4.0, 8.0], [8.0, 16.0]]
    >>> Comoments().covariance()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Comoments.covariance: needs more than 1 samples, got 0
    """

    def __init__(self) -> None:
        self.n_samples = 0
        self.n_features = 0
        self.shift: Vector = []
        self._sum: Vector = []  # s = sum of shifted rows
        self._sq: Matrix = []  # S = full symmetric sum of shifted outer products

    def update(
        self, X: Sequence[Sequence[float]], *, name: str = "X", func: str = "Comoments.update"
    ) -> Comoments:
        """Add the rows of ``X`` (n_rows x n_features) and return ``self``.

        ``name`` and ``func`` word the errors for a caller that validates its
        input here (``PCA.fit`` passes ``func="PCA.fit"``).

        >>> Comoments().update([[1.0, 2.0], [float("nan"), 3.0]])
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: Comoments.update: X contains NaN or inf (row 1)
        """
        n_rows, n_features = check_rows(X, name, func)
        if self.n_samples and n_features != self.n_features:
            raise PureposeError(
                f"{func}: {name} has {n_features} columns, expected {self.n_features}"
            )
        try:
            shift = self.shift if self.n_samples else [float(v) for v in X[0]]
            # One list per column, gathered straight from the rows (no zip(*X) tuples).
            columns = [[row[j] - k for row in X] for j, k in enumerate(shift)]
            # sum_i (x_ij - K_j)^2 is finite exactly when column j is (barring overflow
            # of finite data), so the diagonal doubles as the finiteness check and no
            # separate pass over X is needed; a full scan only words the error.
            diagonal = [sumprod(c, c) for c in columns]
            finite = all(map(math.isfinite, diagonal))
        except (TypeError, ValueError):  # e.g. None, float("abc"), a complex number
            raise PureposeError(f"{func}: {name} must contain only numbers") from None
        if not finite:
            check_finite(X, name, func)
        sums = [math.fsum(c) for c in columns]
        if self.n_samples == 0:  # nothing is stored before the checks above pass
            self.n_features = n_features
            self.shift = shift
            self._sum = [0.0] * n_features
            self._sq = zeros(n_features, n_features)
        for i, ci in enumerate(columns):
            self._sum[i] += sums[i]
            row = self._sq[i]
            row[i] += diagonal[i]
            for j in range(i + 1, n_features):
                row[j] += sumprod(ci, columns[j])
        for i in range(n_features):  # mirror the upper triangle
            for j in range(i):
                self._sq[i][j] = self._sq[j][i]
        self.n_samples += n_rows
        return self

    def mean(self) -> Vector:
        """Column means ``K + s / n``."""
        self._require(1, "mean")
        n = self.n_samples
        return [k + s / n for k, s in zip(self.shift, self._sum)]

    def comoment(self) -> Matrix:
        """Centered co-moment matrix ``M = S - s s^T / n`` (n_features x n_features)."""
        self._require(1, "comoment")
        n = self.n_samples
        s = self._sum
        return [
            [S_ij - s_i * s_j / n for S_ij, s_j in zip(row, s)] for row, s_i in zip(self._sq, s)
        ]

    def covariance(self, ddof: int = 1) -> Matrix:
        """Covariance ``M / (n - ddof)``; the sample covariance for ``ddof=1``."""
        self._require(ddof + 1, "covariance")
        denominator = self.n_samples - ddof
        return [[m / denominator for m in row] for row in self.comoment()]

    def merge(self, other: Comoments) -> Comoments:
        """Return a new accumulator holding both sets of rows (Chan et al. update)."""
        if other.n_samples == 0:
            return self.copy()
        if self.n_samples == 0:
            return other.copy()
        if other.n_features != self.n_features:
            raise PureposeError(
                f"Comoments.merge: {other.n_features} features vs {self.n_features}"
            )
        n_a, n_b = self.n_samples, other.n_samples
        n = n_a + n_b
        # Work in self's frame (origin K_a): K_b - K_a is exact for nearby shifts,
        # so the mean difference carries no rounding from the large offset.
        offset = list(map(_sub, other.shift, self.shift))
        mean_a = [s / n_a for s in self._sum]
        mean_b = [k + s / n_b for k, s in zip(offset, other._sum)]
        delta = list(map(_sub, mean_b, mean_a))
        m_a, m_b = self.comoment(), other.comoment()
        w = n_a * n_b / n
        merged = Comoments()
        merged.n_samples = n
        merged.n_features = self.n_features
        merged.shift = self.shift[:]
        merged._sum = [sa + sb + n_b * k for sa, sb, k in zip(self._sum, other._sum, offset)]
        s = merged._sum
        merged._sq = [
            [ma + mb + w * di * dj + si * sj / n for ma, mb, dj, sj in zip(ra, rb, delta, s)]
            for ra, rb, di, si in zip(m_a, m_b, delta, s)
        ]
        return merged

    def copy(self) -> Comoments:
        """An independent copy."""
        new = Comoments()
        new.n_samples = self.n_samples
        new.n_features = self.n_features
        new.shift = self.shift[:]
        new._sum = self._sum[:]
        new._sq = [row[:] for row in self._sq]
        return new

    def to_dict(self) -> dict[str, object]:
        """The exact state as plain lists and numbers (``json.dumps`` round-trips floats).

        >>> acc = Comoments().update([[1.0], [3.0]])
        >>> Comoments.from_dict(acc.to_dict()).mean()
        [2.0]
        """
        return {
            "n_samples": self.n_samples,
            "n_features": self.n_features,
            "shift": self.shift[:],
            "sum": self._sum[:],
            "sq": [row[:] for row in self._sq],
        }

    @classmethod
    def from_dict(cls, state: dict[str, object]) -> Comoments:
        """Rebuild an accumulator from :meth:`to_dict`'s output, checking every shape.

        >>> Comoments.from_dict({"n_samples": 2, "n_features": 1, "shift": [0.0],
        ...                      "sum": [1.0], "sq": [[1.0, 2.0]]})
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: Comoments.from_dict: 'sq' must be 1x1
        """
        func = "Comoments.from_dict"
        try:
            n_samples = state["n_samples"]
            n_features = state["n_features"]
            shift, sums, sq = state["shift"], state["sum"], state["sq"]
        except (KeyError, TypeError) as exc:
            raise PureposeError(f"{func}: missing key {exc}") from None
        if not isinstance(n_samples, int) or n_samples < 0:
            raise PureposeError(f"{func}: n_samples={n_samples!r} must be an int >= 0")
        if not isinstance(n_features, int) or n_features < 0:
            raise PureposeError(f"{func}: n_features={n_features!r} must be an int >= 0")
        new = cls()
        new.n_samples, new.n_features = n_samples, n_features
        if n_samples == 0:
            return new
        d = n_features
        for key, value in (("shift", shift), ("sum", sums)):
            if not isinstance(value, Sequence) or len(value) != d:
                raise PureposeError(f"{func}: {key!r} must have {d} entries")
            check_vector(value, key, func)
        if (
            not isinstance(sq, Sequence)
            or len(sq) != d
            or any(not isinstance(row, Sequence) or len(row) != d for row in sq)
        ):
            raise PureposeError(f"{func}: 'sq' must be {d}x{d}")
        check_matrix(sq, "sq", func)
        new.shift = [float(v) for v in shift]
        new._sum = [float(v) for v in sums]
        new._sq = [[float(v) for v in row] for row in sq]
        return new

    def _require(self, n_min: int, what: str) -> None:
        if self.n_samples < n_min:
            more = f"at least {n_min}" if n_min == 1 else f"more than {n_min - 1}"
            raise PureposeError(f"Comoments.{what}: needs {more} samples, got {self.n_samples}")


def covariance(X: Sequence[Sequence[float]], *, ddof: int = 1) -> Matrix:
    """Sample covariance of the columns of X: ``C = (X - mean)^T (X - mean) / (n - ddof)``.

    One pass of shifted sums (see :class:`Comoments`), accurate for data with a
    large offset. Shape: n_samples x n_features in, n_features x n_features out.
    Cost: O(n_samples n_features^2 / 2).

    >>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    [[1.0, 2.0], [2.0, 4.0]]
    >>> covariance([[1e9 + 1.0], [1e9 + 2.0], [1e9 + 3.0]])
    [[1.0]]
    >>> covariance([[1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: covariance: needs more than 1 samples, got 1
    """
    moments = Comoments().update(X, func="covariance")  # checks X on the way
    if moments.n_samples <= ddof:
        raise PureposeError(f"covariance: needs more than {ddof} samples, got {moments.n_samples}")
    return moments.covariance(ddof)
