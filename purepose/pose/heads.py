"""The estimators a pose model ends in, and how each picks its hyper-parameter on validation data.

After the windows' features are standardized (and optionally projected on
their principal components), a head maps each row z to the targets:

    ridge   y = B z + b                        alpha by the ridge path (purepose.pose.model)
    mlp     y = MLP(z)                         L2 penalty alpha searched; the number of
                                               epochs by early stopping on the validation windows
    knn     y = mean of the k nearest rows     k searched: one neighbour search serves every k
    rff     y = B phi(z) + b,                  phi = random cosine features; ridge alpha searched
            phi(z) = sqrt(2/D) cos(z W + c)

Every search is a grid, scored on the validation windows with the pose
model's own score (angular MAE in degrees for joint angles, normalised MAE
otherwise); when the best value sits at an end of the grid, the grid is
extended in that direction (by the factor of :class:`Grid`) until the best is
inside it or a stated limit is reached, with a warning then, so a search
cannot stop at its edge. A grid of one value is a fixed choice, not searched.

Cost: ridge O(d^3) per alpha; mlp one full training per alpha (about
3 n sum_l n_(l-1) n_l multiply-adds per epoch); knn one search of
O(n_val n d) for the largest k; rff O(n d D) for the features, O(D^3) per alpha.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from purepose._util import log
from purepose.errors import PureposeError
from purepose.fast.linalg import matmul_transposed
from purepose.fast.mlp import MLPRegressor
from purepose.fast.neighbors import KNeighborsRegressor
from purepose.fast.random_features import RandomFeatures
from purepose.fast.regression import NormalEquations, ridge_path
from purepose.types import Matrix, Vector

MODELS = ("ridge", "mlp", "knn", "rff")
"""The heads a PoseRegressor can end in (its ``model`` parameter)."""

Score = Callable[[Matrix], float]  # predictions on the validation windows -> score (lower wins)


@dataclass(frozen=True)
class Grid:
    """A hyper-parameter grid that grows at its ends: values, the growth factor, the limits."""

    values: tuple[float, ...]
    factor: float
    low: float
    high: float
    integer: bool = False

    def beyond(self, best: float, tried: Sequence[float]) -> float | None:
        """The next value past the end ``best`` sits at, or None (inside, or at a limit).

        A grid of one value is fixed: nothing is searched around it.
        """
        if len(self.values) == 1:
            return None
        lo, hi = min(tried), max(tried)
        if best == hi:
            step = min(best * self.factor, self.high) if best < self.high else None
        elif best == lo:
            step = max(best / self.factor, self.low) if best > self.low else None
        else:
            step = None
        if step is None:
            return None
        step = float(round(step)) if self.integer else step
        return None if step in tried else step


def search(grid: Grid, score_of: Callable[[float], float], what: str) -> tuple[float, dict]:
    """Score every grid value, extending the grid while its best value is at an end.

    Returns the best value (ties: the larger, the more regularised for a
    penalty) and {value: score} for every value tried.
    """
    scores: dict[float, float] = {}
    todo = list(grid.values)
    while todo:
        for value in todo:
            if value not in scores:
                scores[value] = score_of(value)
        best = min(scores, key=lambda v: (scores[v], -v))
        nxt = grid.beyond(best, list(scores))
        todo = [] if nxt is None else [nxt]
    tried = sorted(scores)
    at_limit = best in (grid.low, grid.high) and best in (tried[0], tried[-1]) and len(tried) > 1
    if at_limit:
        warnings.warn(
            f"PoseRegressor: the best {what} {best:g} is at the limit of the search "
            f"({tried[0]:g} .. {tried[-1]:g})",
            stacklevel=3,
        )
    return best, {repr(int(v) if grid.integer else v): scores[v] for v in tried}


DEFAULT_GRIDS = {
    "ridge": Grid((0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0), 10.0, 1e-6, 1e9),
    "rff": Grid((0.01, 0.1, 1.0, 10.0, 100.0), 10.0, 1e-6, 1e9),
    "mlp": Grid((0.1, 10.0), 10.0, 1e-7, 1e4),
    "knn": Grid((5, 10, 20, 40), 2.0, 1, 10_000, integer=True),
}
"""Each head's starting grid: ridge and rff alpha, the MLP's L2 penalty, kNN's k. The MLP's
starts where its searches ended on NinaPro DB1, the demo and the generalisation data (each
grew a grid from 1e-4 to its old limit of 10); every value it tries costs a whole fit."""

HYPER_PARAMETER = {"ridge": "alpha", "rff": "alpha", "mlp": "alpha", "knn": "n_neighbors"}


def grid_for(model: str, values: Sequence[float] | None) -> Grid:
    """The model's default grid, or the given values with the default growth and limits."""
    grid = DEFAULT_GRIDS[model]
    if values is None:
        return grid
    return Grid(tuple(sorted(values)), grid.factor, grid.low, grid.high, grid.integer)


# ---------------------------------------------------------------------------
# A fitted head: what predict needs and what the model file stores


class Head:
    """A fitted nonlinear head: ``predict(Z)`` and a JSON-ready ``to_dict``."""

    def __init__(self, kind: str, estimator: Any, ridge: tuple[Matrix, Vector, Vector] | None):
        self.kind = kind
        self.estimator = estimator  # MLPRegressor, KNeighborsRegressor or RandomFeatures
        self.ridge = ridge  # rff: (coef, intercept, feature scale) of the ridge on phi(z)

    def predict(self, Z: Matrix) -> Matrix:
        if not Z:
            return []
        if self.kind != "rff":
            return self.estimator.predict(Z)
        coef, intercept, scale = self.ridge  # type: ignore[misc]
        return affine(self.estimator.transform(Z), coef, intercept, scale)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "estimator": self.estimator.to_dict()}
        if self.ridge is not None:
            out["ridge"] = {
                "coef": self.ridge[0],
                "intercept": self.ridge[1],
                "scale": self.ridge[2],
            }
        return out

    @classmethod
    def from_dict(cls, data: Any, source: str, n_features: int, n_targets: int) -> Head:
        """Rebuild and check a head: its kind, its estimator's own checks, and the shapes."""
        if not isinstance(data, dict) or data.get("kind") not in MODELS[1:]:
            raise PureposeError(f"{source}: 'head' must name one of {', '.join(MODELS[1:])}")
        kind = data["kind"]
        loader = {"mlp": MLPRegressor, "knn": KNeighborsRegressor, "rff": RandomFeatures}[kind]
        estimator = loader.from_dict(data.get("estimator"), source=source)
        width = getattr(estimator, "n_features_in_", None)
        if width != n_features:
            raise PureposeError(
                f"{source}: the {kind} head takes {width} inputs, not {n_features}"
            )
        ridge = None
        if kind == "rff":
            ridge = _check_rff_ridge(data.get("ridge"), source, estimator.n_components, n_targets)
        elif getattr(estimator, "n_outputs_", None) != n_targets:
            raise PureposeError(
                f"{source}: the {kind} head predicts a different number of targets"
            )
        return cls(kind, estimator, ridge)


def _check_rff_ridge(data: Any, source: str, width: int, n_targets: int):
    if not isinstance(data, dict):
        raise PureposeError(f"{source}: an rff head needs its 'ridge' object")

    def numbers(value: Any, length: int, what: str) -> Vector:
        if not isinstance(value, list) or len(value) != length:
            raise PureposeError(f"{source}: rff ridge {what} must hold {length} numbers")
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        ):
            raise PureposeError(f"{source}: rff ridge {what} must be finite numbers")
        return [float(v) for v in value]

    coef = data.get("coef")
    if not isinstance(coef, list) or len(coef) != n_targets:
        raise PureposeError(f"{source}: rff ridge coef must have {n_targets} rows")
    coef = [numbers(row, width, "coef row") for row in coef]
    scale = numbers(data.get("scale"), width, "scale")
    if any(s <= 0 for s in scale):
        raise PureposeError(f"{source}: rff ridge scale must be > 0")
    return coef, numbers(data.get("intercept"), n_targets, "intercept"), scale


# ---------------------------------------------------------------------------
# The searches


@dataclass(frozen=True)
class HeadConfig:
    """What the heads need beyond the data: the MLP's shape and schedule, rff's width, a seed."""

    hidden_layer_sizes: tuple[int, ...] = (128,)
    learning_rate_init: float = 3e-3
    max_epochs: int = 100
    rff_components: int = 300
    random_state: int | None = 0


def fit_head(
    model: str,
    Z: Matrix,
    Y: Matrix,
    Z_val: Matrix,
    Y_val: Matrix,
    score: Score,
    config: HeadConfig,
    grid: Grid,
    quiet: bool,
) -> tuple[Head, float, dict]:
    """Fit the ``model`` head on (Z, Y), choosing its hyper-parameter by ``score`` on Z_val.

    Returns the head, the chosen value and {value: validation score}.
    """
    if not Z_val:
        raise PureposeError(
            f"PoseRegressor.fit: model={model!r} chooses its {HYPER_PARAMETER[model]} on "
            "validation data: give validation sessions (--val)"
        )
    fitter = {"mlp": _fit_mlp, "knn": _fit_knn, "rff": _fit_rff}[model]
    return fitter(Z, Y, Z_val, Y_val, score, config, grid, quiet)


def _fit_mlp(Z, Y, Z_val, Y_val, score, config, grid, quiet):
    fitted: dict[float, MLPRegressor] = {}

    def score_of(alpha: float) -> float:
        t0 = time.perf_counter()
        mlp = MLPRegressor(
            config.hidden_layer_sizes,
            alpha=alpha,
            learning_rate_init=config.learning_rate_init,
            max_iter=config.max_epochs,
            random_state=config.random_state,
            verbose=not quiet,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=UserWarning)  # max_iter reached: fine here
            mlp.fit(Z, Y, X_val=Z_val, Y_val=Y_val)
        fitted[alpha] = mlp
        value = score(mlp.predict(Z_val))
        log(
            f"  mlp alpha={alpha:g}: validation score {value:.4g} after {mlp.n_iter_} epochs "
            f"({time.perf_counter() - t0:.0f} s)",
            quiet=quiet,
        )
        return value

    best, scores = search(grid, score_of, "MLP alpha")
    return Head("mlp", fitted[best], None), best, scores


def _fit_knn(Z, Y, Z_val, Y_val, score, config, grid, quiet):
    n = len(Z)
    grid = Grid(grid.values, grid.factor, grid.low, min(grid.high, n), integer=True)
    if min(grid.values) > n:
        raise PureposeError(
            f"PoseRegressor.fit: k={min(grid.values):g} > the {n} training windows"
        )
    searcher = KNeighborsRegressor(1).fit(Z, Y)
    found: dict[int, list[list[int]]] = {}  # k_max -> neighbour indices of every validation row

    def score_of(k: float) -> float:
        k = int(k)
        k_max = max(k, *found, *(int(v) for v in grid.values if v <= n))  # one search for the grid
        if k_max not in found:
            found.clear()
            found[k_max] = searcher.kneighbors(Z_val, k_max)[1]
        rows = found[k_max]
        pred = [[math.fsum(col) / k for col in zip(*(Y[j] for j in r[:k]))] for r in rows]
        value = score(pred)
        log(f"  knn k={k}: validation score {value:.4g}", quiet=quiet)
        return value

    best, scores = search(grid, score_of, "kNN k")
    return Head("knn", KNeighborsRegressor(int(best)).fit(Z, Y), None), int(best), scores


def _fit_rff(Z, Y, Z_val, Y_val, score, config, grid, quiet):
    features = RandomFeatures(config.rff_components, random_state=config.random_state).fit(Z)
    F, F_val = features.transform(Z), features.transform(Z_val)
    acc = NormalEquations().update(F, Y)
    n = acc.n_samples
    scale = [math.sqrt(row[j] / n) or 1.0 for j, row in enumerate(acc.xtx())]
    solutions: dict[float, tuple[Matrix, Vector]] = {}

    def score_of(alpha: float) -> float:
        ((coef, intercept),) = ridge_path(acc, [alpha], scale=scale)
        solutions[alpha] = (coef, intercept)
        value = score(affine(F_val, coef, intercept, scale))
        log(f"  rff alpha={alpha:g}: validation score {value:.4g}", quiet=quiet)
        return value

    best, scores = search(grid, score_of, "random-features alpha")
    coef, intercept = solutions[best]
    return Head("rff", features, (coef, intercept, scale)), best, scores


def affine(F: Matrix, coef: Matrix, intercept: Vector, scale: Vector) -> Matrix:
    """Rows of (F / scale) coef^T + intercept: ridge on standardized features, one product."""
    raw = [[c / s for c, s in zip(row, scale)] for row in coef]
    return [[v + b for v, b in zip(row, intercept)] for row in matmul_transposed(F, raw)]
