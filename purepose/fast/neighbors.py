"""KNeighborsRegressor: k nearest neighbours by brute force, scikit-learn's neighbours and ties.

The model is :mod:`purepose.textbook.knn` (read it first: the distances, the
weights, and scikit-learn's heap rule for rows tied at the k-th distance);
``algorithm="textbook"`` runs it, ``"brute"`` (default) computes the same
neighbours and predictions, to the bit, faster:

* **Distances through dots, in blocks of queries.** With S_j = ||x_j||^2 / 2
  - q.x_j, D_j = ||q||^2 + 2 S_j orders the training rows as S_j does. fit
  appends ||x_j||^2 / 2 to a copy of each row, so with the query written as
  [-q, 1] each S_j is one dot, and a block of queries times the training
  rows is one ``linalg.matmul_transposed`` (C-level dots, no further pass).
  Memory is one block: about 2^16 values, never n_queries x n_train.
* **A guard where cancellation could reorder neighbours.** S_j is computed
  with an error of at most about (d + 2) u (||q|| + M)^2 / 2 (u = 2^-53, M =
  the largest ||x_j||), which can be large next to a small distance. Every
  row whose S_j is within tau = 4 (d + 8) u (||q|| + M)^2 of the k-th
  smallest is a candidate, and for the candidates D_j is recomputed exactly
  as the textbook does (rounded squares, ``math.fsum``): no row outside the
  candidates can be nearer than, or tied with, the k-th neighbour. On
  standardized features tau is about 1e-12 of the squared spread, so the
  candidates are the k neighbours plus exact ties.
* **Partial selection.** ``heapq.nsmallest(k + 1, ...)`` (O(n log k)) gives
  the k + 1 smallest S_j's rows; unless the (k+1)-th is within tau of the
  k-th (then every row within tau is a candidate), the candidates are the k.
* **Ties.** If candidates are tied at the k-th distance, the query is redone
  with the textbook's heap over all rows (scikit-learn's rule needs the whole
  sequence); otherwise the k nearest are unique and the heap would keep them.

Cost per query: n d multiply-adds (the dots) plus O(n) C-level passes and
O(c d) for c candidates; a query with a tie at the k-th distance costs about
as much again. fit stores the rows twice (as given, and with ||x||^2 / 2) and
the targets: n (2 d + 1 + t) floats.

>>> model = KNeighborsRegressor(2).fit([[0.0], [1.0], [5.0]], [0.0, 2.0, 10.0])
>>> model.predict([[0.2], [4.0]])
[1.0, 6.0]

Tests: ``tests/textbook/test_knn.py`` holds it equal to the textbook;
``tests/fast/test_neighbors.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import heapq
import math
import sys
from operator import mul, sub
from typing import Any, Self

from purepose.checks import check_matrix, check_positive_int, check_xy, rows_of
from purepose.errors import NotFittedError, PureposeError
from purepose.textbook import knn as textbook
from purepose.types import Matrix, PathLike, Vector

from .linalg import dot, matmul_transposed
from .modelfile import FieldReader, load_json, save_json

FORMAT = "purepose.KNeighborsRegressor"
FORMAT_VERSION = 1
MAX_ABS_VALUE = 1e100
"""Largest |value| in X: beyond it, squared distances could overflow."""
BLOCK_ENTRIES = 1 << 16
"""Distances held at once: a block of queries times the training rows."""
_U = sys.float_info.epsilon / 2
_WEIGHTS = ("uniform", "distance")
_ALGORITHMS = ("brute", "textbook")


def _largest_abs(X: Matrix) -> float:
    return max(max(map(max, X)), -min(map(min, X)))


def _check_values(X: Matrix, name: str, func: str) -> None:
    largest = _largest_abs(X)
    if largest > MAX_ABS_VALUE:
        row = next(i for i, r in enumerate(X) if _largest_abs([r]) > MAX_ABS_VALUE)
        raise PureposeError(
            f"{func}: {name} row {row} holds |value| {largest:.3g} > {MAX_ABS_VALUE:g} "
            "(squared distances would overflow)"
        )


class KNeighborsRegressor:
    """Regression by the (weighted) mean target of the k nearest training rows.

    ``n_neighbors``: k (at most the number of training rows); ``weights``:
    ``"uniform"`` or ``"distance"``; ``algorithm``: ``"brute"`` (the fast
    path) or ``"textbook"``. Learned: ``n_features_in_``, ``n_outputs_``,
    ``n_samples_fit_`` (the training rows and targets are kept as the model).

    >>> KNeighborsRegressor(3).fit([[0.0], [1.0]], [0.0, 1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: KNeighborsRegressor.fit: n_neighbors=3 > 2 training rows
    """

    def __init__(
        self, n_neighbors: int = 5, *, weights: str = "uniform", algorithm: str = "brute"
    ) -> None:
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm

    def get_params(self) -> dict[str, Any]:
        return {
            "n_neighbors": self.n_neighbors,
            "weights": self.weights,
            "algorithm": self.algorithm,
        }

    def __repr__(self) -> str:
        return (
            f"KNeighborsRegressor({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"
        )

    def _check_params(self, func: str) -> None:
        check_positive_int(self.n_neighbors, "n_neighbors", func)
        if self.weights not in _WEIGHTS:
            raise PureposeError(
                f"{func}: weights={self.weights!r} must be 'uniform' or 'distance'"
            )
        if self.algorithm not in _ALGORITHMS:
            raise PureposeError(
                f"{func}: algorithm={self.algorithm!r} must be 'brute' or 'textbook'"
            )

    def fit(self, X: Matrix, Y: Vector | Matrix) -> Self:
        """Keep (a copy of) the training rows X (n x d) and targets Y (n x t, or a vector)."""
        func = "KNeighborsRegressor.fit"
        self._check_params(func)
        n, _, _, y_is_vector = check_xy(X, Y, func)
        if self.n_neighbors > n:
            raise PureposeError(f"{func}: n_neighbors={self.n_neighbors} > {n} training rows")
        _check_values(X, "X", func)
        rows = [list(map(float, y)) for y in rows_of(Y, y_is_vector)]
        self._set_training([list(map(float, x)) for x in X], rows, y_is_vector)
        return self

    def _set_training(self, X: Matrix, Y: Matrix, y_is_vector: bool) -> None:
        self._X, self._Y, self._y_is_vector = X, Y, y_is_vector
        self.n_samples_fit_, self.n_features_in_, self.n_outputs_ = len(X), len(X[0]), len(Y[0])
        # Screening rows [x_j, ||x_j||^2 / 2]: with the query as [-q, 1], one dot is S_j.
        self._screen = [[*x, dot(x, x) / 2.0] for x in X]
        self._max_norm = math.sqrt(2.0 * max(row[-1] for row in self._screen))

    def _check_queries(self, X: Matrix, func: str) -> None:
        if not hasattr(self, "_X"):
            raise NotFittedError(
                f"{func}: this KNeighborsRegressor is not fitted yet; call fit(X, Y) first"
            )
        _, d = check_matrix(X, "X", func)
        if d != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {d} features, but the model was fitted with {self.n_features_in_}"
            )
        _check_values(X, "X", func)

    # -- the neighbours ---------------------------------------------------------------

    def kneighbors(
        self, X: Matrix, n_neighbors: int | None = None
    ) -> tuple[Matrix, list[list[int]]]:
        """Distances and indices of the nearest training rows of each query row.

        Two lists of n_queries rows of k (sorted by distance, then index), as
        scikit-learn's ``kneighbors(X)``; ``n_neighbors`` defaults to the model's.
        """
        func = "KNeighborsRegressor.kneighbors"
        self._check_queries(X, func)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= self.n_samples_fit_:
            raise PureposeError(f"{func}: n_neighbors={k!r} must be in [1, {self.n_samples_fit_}]")
        found = list(self._neighbours(X, k))
        return [dist for dist, _ in found], [rows for _, rows in found]

    def _neighbours(self, X: Matrix, k: int):
        """(distances, indices) per query, by the textbook or in blocks of queries."""
        if self.algorithm == "textbook":
            for q in X:
                yield textbook.kneighbors(self._X, q, k)
            return
        block = max(1, BLOCK_ENTRIES // self.n_samples_fit_)
        for start in range(0, len(X), block):
            queries = X[start : start + block]
            screen = [[-v for v in q] + [1.0] for q in queries]
            for q, s in zip(queries, matmul_transposed(screen, self._screen)):
                yield self._nearest(q, s, k)

    def _nearest(self, q: Vector, s: Vector, k: int) -> tuple[Vector, list[int]]:
        """The k nearest rows given S_j = ||x_j||^2/2 - q.x_j, exact on the candidates."""
        X, n = self._X, len(s)
        reach = math.sqrt(dot(q, q)) + self._max_norm
        tau = 4.0 * (len(q) + 8) * _U * reach * reach
        # The k + 1 smallest S_j, as indices; all rows need a look only on a near-tie.
        nearest = heapq.nsmallest(k + 1, range(n), key=s.__getitem__)
        limit = s[nearest[k - 1]] + tau
        if len(nearest) <= k:  # k = n: every row
            candidates = nearest
        elif s[nearest[k]] > limit:  # the usual case: the k smallest and no other
            candidates = nearest[:k]
        else:  # rows within tau of the k-th: every one of them
            candidates = [j for j, v in enumerate(s) if v <= limit]
        pairs = sorted((_squared_distance(q, X[j]), j) for j in candidates)
        if len(pairs) > k and pairs[k][0] == pairs[k - 1][0]:  # a tie at the k-th distance
            return textbook.kneighbors(X, q, k)
        return [math.sqrt(v) for v, _ in pairs[:k]], [j for _, j in pairs[:k]]

    def predict(self, X: Matrix) -> Vector | Matrix:
        """The (weighted) mean target of each query's neighbours: n_queries x t (or a vector)."""
        func = "KNeighborsRegressor.predict"
        self._check_queries(X, func)
        Y, t = self._Y, self.n_outputs_
        out = []
        for distances, rows in self._neighbours(X, self.n_neighbors):
            w = textbook.neighbour_weights(distances, self.weights)
            total = math.fsum(w)
            targets = [Y[j] for j in rows]
            out.append([math.fsum(map(mul, w, (y[c] for y in targets))) / total for c in range(t)])
        return [row[0] for row in out] if self._y_is_vector else out

    # -- persistence ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Parameters and the training rows (the model is its data: n (d + t) numbers)."""
        if not hasattr(self, "_X"):
            raise NotFittedError("KNeighborsRegressor.to_dict: not fitted yet")
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": self.get_params(),
            "n_samples_fit": self.n_samples_fit_,
            "n_features_in": self.n_features_in_,
            "n_outputs": self.n_outputs_,
            "y_is_vector": self._y_is_vector,
            "X": self._X,
            "Y": self._Y,
        }

    @classmethod
    def from_dict(
        cls, data: Any, *, source: str = "KNeighborsRegressor.from_dict"
    ) -> KNeighborsRegressor:
        """Rebuild a fitted model; sizes are checked before the rows are read."""
        r = FieldReader(data, source, FORMAT, FORMAT_VERSION)
        model = cls(**r.params(("n_neighbors", "weights", "algorithm")))
        try:
            model._check_params("params")
        except PureposeError as exc:
            raise r.fail(f"bad hyper-parameter: {exc}") from None
        n = r.integer("n_samples_fit", 1, 10**9)
        d = r.integer("n_features_in", 1, 10**6)
        t = r.integer("n_outputs", 1, 10**6)
        r.reserve(n * (d + t), "'n_samples_fit' x ('n_features_in' + 'n_outputs')")
        if model.n_neighbors > n:
            raise r.fail(f"n_neighbors={model.n_neighbors} > n_samples_fit={n}")
        y_is_vector = r.boolean("y_is_vector")
        if y_is_vector and t != 1:
            raise r.fail(f"'y_is_vector' is true but the model has {t} outputs")
        X, Y = r.matrix("X", n, d), r.matrix("Y", n, t)
        if _largest_abs(X) > MAX_ABS_VALUE:
            raise r.fail(f"'X' holds a |value| > {MAX_ABS_VALUE:g}")
        model._set_training(X, Y, y_is_vector)
        return model

    def save(self, path: PathLike) -> Any:
        """Write :meth:`to_dict` as JSON, atomically (never pickle); return the path."""
        return save_json(path, self.to_dict())

    @classmethod
    def load(cls, path: PathLike) -> KNeighborsRegressor:
        return cls.from_dict(load_json(path), source=str(path))


def _squared_distance(q: Vector, x: Vector) -> float:
    """The textbook's D = fsum of rounded squares, with the products in C."""
    diff = list(map(sub, q, x))
    return math.fsum(map(mul, diff, diff))


__all__ = ["BLOCK_ENTRIES", "MAX_ABS_VALUE", "KNeighborsRegressor"]
