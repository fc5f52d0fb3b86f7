"""Streaming, mergeable sufficient statistics for least squares: the normal equations.

:class:`NormalEquations` accumulates, chunk by chunk or worker by worker,
everything ridge and least squares need from (X, Y): n, the column means and
the centred co-moments of ``[X | Y]``,

    M = sum_i (z_i - z_bar)(z_i - z_bar)^T = [[Xc^T Xc, Xc^T Yc], [Yc^T Xc, Yc^T Yc]],

on :class:`purepose.fast.comoments.Comoments` (shifted sums, exact pairwise merges),
so data with a large offset stay accurate and a model is fitted without
keeping the data. :func:`purepose.fast.regression.ridge_path` and
``Ridge.fit_normal_equations`` solve from it.

>>> acc = NormalEquations().update([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
>>> acc.xtx(), acc.xty()
([[2.0]], [[4.0]])

Tests: ``tests/textbook/test_ridge.py`` holds it equal to the textbook;
``tests/fast/test_regression.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence

from purepose.checks import check_xy, rows_of
from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

from .comoments import Comoments

__all__ = ["NormalEquations"]


class NormalEquations:
    """Streaming, mergeable sufficient statistics for least squares on (X, Y).

    Holds n, the column means and the centred co-moment matrix of the
    concatenated columns ``[X | Y]``:

        M = sum_i (z_i - z_bar)(z_i - z_bar)^T,   z_i = [x_i, y_i]
          = [[Xc^T Xc, Xc^T Yc], [Yc^T Xc, Yc^T Yc]]

    which is everything ridge and least squares need (``xtx``, ``xty``,
    ``yty``, ``x_mean``, ``y_mean``). Built on :class:`linalg.Comoments`
    (shifted sums, accurate for data far from zero; exact pairwise merges), so
    ``update`` chunk by chunk, or ``merge`` accumulators from parallel workers,
    gives what one pass over all the rows gives. ``to_dict``/``from_dict``
    save it as JSON-ready lists.

    ``Y`` may be a vector (one target). Cost of ``update``: O(n_rows (d + t)^2 / 2).

    >>> acc = NormalEquations().update([[0.0], [1.0]], [1.0, 3.0]).update([[2.0]], [5.0])
    >>> acc.n_samples, acc.n_features, acc.n_targets
    (3, 1, 1)
    >>> acc.x_mean(), acc.y_mean(), acc.xtx(), acc.xty()
    ([1.0], [3.0], [[2.0]], [[4.0]])
    >>> acc.update([[1.0, 2.0]], [1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: NormalEquations.update: X has 2 features, expected 1
    """

    def __init__(self) -> None:
        self.n_features = 0
        self.n_targets = 0
        self._acc = Comoments()

    @property
    def n_samples(self) -> int:
        """Number of rows seen so far."""
        return self._acc.n_samples

    def update(
        self, X: Sequence[Sequence[float]], Y: Sequence[float] | Sequence[Sequence[float]]
    ) -> NormalEquations:
        """Add a chunk: X is n_rows x n_features, Y n_rows x n_targets (or a vector)."""
        func = "NormalEquations.update"
        _, d, t, y_is_vector = check_xy(X, Y, func)
        if self.n_samples:
            if d != self.n_features:
                raise PureposeError(f"{func}: X has {d} features, expected {self.n_features}")
            if t != self.n_targets:
                raise PureposeError(f"{func}: Y has {t} targets, expected {self.n_targets}")
        Ym = rows_of(Y, y_is_vector)
        self._acc.update([[*x, *y] for x, y in zip(X, Ym)])
        self.n_features, self.n_targets = d, t
        return self

    def merge(self, other: NormalEquations) -> NormalEquations:
        """A new accumulator holding the rows of both (neither input changes)."""
        if not isinstance(other, NormalEquations):
            raise PureposeError(
                f"NormalEquations.merge: expected a NormalEquations, got {type(other).__name__}"
            )
        if self.n_samples and other.n_samples:
            mine, theirs = (self.n_features, self.n_targets), (other.n_features, other.n_targets)
            if mine != theirs:
                raise PureposeError(
                    f"NormalEquations.merge: (n_features, n_targets) {theirs} != {mine}"
                )
        merged = NormalEquations()
        source = self if self.n_samples else other
        merged.n_features, merged.n_targets = source.n_features, source.n_targets
        merged._acc = self._acc.merge(other._acc)
        return merged

    def _require(self, what: str) -> None:
        if self.n_samples == 0:
            raise PureposeError(f"NormalEquations.{what}: no samples yet; call update(X, Y)")

    def _means(self, what: str) -> Vector:
        self._require(what)
        return self._acc.mean()

    def _block(self, rows: slice, cols: slice, centered: bool, what: str) -> Matrix:
        """A block of M (centred) or of ``sum z z^T = M + n z_bar z_bar^T`` (raw)."""
        self._require(what)
        M = self._acc.comoment()
        if centered:
            return [row[cols] for row in M[rows]]
        n, mean = self.n_samples, self._acc.mean()
        mu_r, mu_c = mean[rows], mean[cols]
        return [[m + n * a * b for m, b in zip(row[cols], mu_c)] for row, a in zip(M[rows], mu_r)]

    def x_mean(self) -> Vector:
        """Column means of X (n_features)."""
        return self._means("x_mean")[: self.n_features]

    def y_mean(self) -> Vector:
        """Column means of Y (n_targets)."""
        return self._means("y_mean")[self.n_features :]

    def xtx(self, *, centered: bool = True) -> Matrix:
        """``Xc^T Xc`` (n_features x n_features); ``X^T X`` if ``centered=False``."""
        d = slice(0, self.n_features)
        return self._block(d, d, centered, "xtx")

    def xty(self, *, centered: bool = True) -> Matrix:
        """``Xc^T Yc`` (n_features x n_targets); ``X^T Y`` if ``centered=False``."""
        d, t = slice(0, self.n_features), slice(self.n_features, None)
        return self._block(d, t, centered, "xty")

    def yty(self, *, centered: bool = True) -> Matrix:
        """``Yc^T Yc`` (n_targets x n_targets); ``Y^T Y`` if ``centered=False``."""
        t = slice(self.n_features, None)
        return self._block(t, t, centered, "yty")

    def copy(self) -> NormalEquations:
        """An independent copy."""
        new = NormalEquations()
        new.n_features, new.n_targets = self.n_features, self.n_targets
        new._acc = self._acc.copy()
        return new

    def to_dict(self) -> dict[str, object]:
        """The exact state as JSON-ready plain lists and numbers.

        >>> import json
        >>> acc = NormalEquations().update([[1.0], [2.0]], [[3.0], [5.0]])
        >>> NormalEquations.from_dict(json.loads(json.dumps(acc.to_dict()))).xty()
        [[1.0]]
        """
        return {
            "format": "purepose.NormalEquations",
            "version": 1,
            "n_features": self.n_features,
            "n_targets": self.n_targets,
            "comoments": self._acc.to_dict(),
        }

    @classmethod
    def from_dict(cls, state: dict[str, object]) -> NormalEquations:
        """Rebuild from :meth:`to_dict`'s output; every shape is checked.

        >>> NormalEquations.from_dict({"format": "something else"})
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: NormalEquations.from_dict: not a NormalEquations state ...
        """
        func = "NormalEquations.from_dict"
        if not isinstance(state, dict) or state.get("format") != "purepose.NormalEquations":
            raise PureposeError(f"{func}: not a NormalEquations state (format key missing)")
        if state.get("version") != 1:
            raise PureposeError(f"{func}: version={state.get('version')!r} unsupported (need 1)")
        d, t = state.get("n_features"), state.get("n_targets")
        for name, value in (("n_features", d), ("n_targets", t)):
            if not isinstance(value, int) or value < 0:
                raise PureposeError(f"{func}: {name}={value!r} must be an int >= 0")
        comoments = state.get("comoments")
        if not isinstance(comoments, dict):
            raise PureposeError(f"{func}: 'comoments' must be a dict")
        acc = Comoments.from_dict(comoments)
        if acc.n_samples and acc.n_features != d + t:  # type: ignore[operator]
            raise PureposeError(
                f"{func}: comoments have {acc.n_features} columns, expected {d} + {t}"
            )
        new = cls()
        new.n_features, new.n_targets = d, t  # type: ignore[assignment]
        new._acc = acc
        return new

    def __repr__(self) -> str:
        return (
            f"NormalEquations(n_samples={self.n_samples}, n_features={self.n_features}, "
            f"n_targets={self.n_targets})"
        )
