"""Random features: a fixed random nonlinear map, so that a linear model (Ridge) becomes nonlinear.

Cosine features (Rahimi and Recht, 2007) approximate the Gaussian kernel:

    z(x) = sqrt(2 / D) cos(x W + b),    W_ij ~ N(0, 2 gamma),   b_j ~ U(0, 2 pi)
    E[z(x) . z(y)] = exp(-gamma ||x - y||^2)

with D = ``n_components`` features, so ridge regression on z(x) approaches
kernel ridge regression with that kernel as D grows (the error of the kernel
estimate is about 1 / sqrt(D)). Tanh features ``tanh(x W + b)``, with the
same W and b ~ U(-pi, pi), are a one-hidden-layer network whose first layer is
random and never trained (an "extreme learning machine"): for standardized
inputs and gamma = 1 / d, x W has standard deviation about sqrt(2), and the
offsets place each unit's bend somewhere across that range.

``gamma="scale"`` is scikit-learn's choice, 1 / (d Var(X)) with Var over all
entries of X (1 / d for standardized X); the kernel's width then follows the
data. This is scikit-learn's ``RBFSampler`` (``random_weights_`` d x D,
``random_offset_`` D), drawn from a local ``random.Random(random_state)``
instead of numpy's generator: set RBFSampler's arrays to these and it gives
the same features.

It composes with :class:`~purepose.fast.regression.Ridge`: ``Ridge().fit(
RandomFeatures(300).fit_transform(X), Y)`` is the cheapest nonlinear pose
model (one pass of n d D multiply-adds, then a D x D ridge solve).

Cost: fit O(d D) random numbers; transform n d D multiply-adds (one C-level
dot per sample and feature, ``linalg.matmul_transposed``) and n D cosines.

Reference: A. Rahimi and B. Recht, "Random features for large-scale kernel
machines", NIPS 2007; G.-B. Huang, Q.-Y. Zhu, C.-K. Siew, "Extreme learning
machine", Neurocomputing 70 (2006).

>>> rf = RandomFeatures(4, random_state=0).fit([[0.0, 1.0], [1.0, 0.0]])
>>> Z = rf.transform([[0.0, 1.0]])
>>> len(Z), len(Z[0]), all(abs(v) <= (2 / 4) ** 0.5 for v in Z[0])
(1, 4, True)

Tests: ``tests/fast/test_random_features.py`` checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import math
from itertools import chain, repeat
from operator import add, mul
from typing import Any, Self

from purepose._util import check_random_state
from purepose.errors import NotFittedError, PureposeError
from purepose.types import Matrix

from .linalg import check_matrix, matmul_transposed, transpose
from .modelfile import FieldReader

FORMAT = "purepose.RandomFeatures"
FORMAT_VERSION = 1
_KINDS = ("cosine", "tanh")
MAX_COMPONENTS = 1_000_000


class RandomFeatures:
    """Random cosine (Gaussian-kernel) or tanh features of the input rows; see the module.

    Parameters: ``n_components`` (D), ``kind`` (``"cosine"`` or ``"tanh"``),
    ``gamma`` (a number > 0 or ``"scale"``), ``random_state``. Learned:
    ``random_weights_`` (d x D), ``random_offset_`` (D), ``gamma_``,
    ``n_features_in_``.

    >>> RandomFeatures(0).fit([[1.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: RandomFeatures.fit: n_components=0 must be an int in [1, ...]
    """

    def __init__(
        self,
        n_components: int = 100,
        *,
        kind: str = "cosine",
        gamma: float | str = "scale",
        random_state: int | None = None,
    ) -> None:
        self.n_components = n_components
        self.kind = kind
        self.gamma = gamma
        self.random_state = random_state

    def get_params(self) -> dict[str, Any]:
        return {
            "n_components": self.n_components,
            "kind": self.kind,
            "gamma": self.gamma,
            "random_state": self.random_state,
        }

    def __repr__(self) -> str:
        return f"RandomFeatures({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"

    def _check_params(self, func: str) -> None:
        D = self.n_components
        if isinstance(D, bool) or not isinstance(D, int) or not 1 <= D <= MAX_COMPONENTS:
            raise PureposeError(
                f"{func}: n_components={D!r} must be an int in [1, {MAX_COMPONENTS}]"
            )
        if self.kind not in _KINDS:
            raise PureposeError(f"{func}: kind={self.kind!r} must be 'cosine' or 'tanh'")
        g = self.gamma
        if g != "scale" and (
            isinstance(g, bool) or not isinstance(g, (int, float)) or not 0 < g < math.inf
        ):
            raise PureposeError(f"{func}: gamma={g!r} must be 'scale' or a finite number > 0")

    def fit(self, X: Matrix, y: object = None) -> Self:
        """Draw W and b for the n_features of X (``gamma="scale"`` also reads X's variance).

        ``y`` is ignored (a transformer). W's entries are drawn row by row
        (feature by feature), then b.
        """
        func = "RandomFeatures.fit"
        self._check_params(func)
        _, d = check_matrix(X, "X", func)
        if self.gamma == "scale":
            values = list(chain.from_iterable(X))
            mean = math.fsum(values) / len(values)
            var = math.fsum((v - mean) * (v - mean) for v in values) / len(values)
            self.gamma_ = 1.0 / (d * var) if var > 0.0 else 1.0
        else:
            self.gamma_ = float(self.gamma)
        rng = check_random_state(self.random_state, func)
        sigma = math.sqrt(2.0 * self.gamma_)
        D = self.n_components
        self.random_weights_ = [[sigma * rng.gauss(0.0, 1.0) for _ in range(D)] for _ in range(d)]
        low, high = (0.0, 2.0 * math.pi) if self.kind == "cosine" else (-math.pi, math.pi)
        self.random_offset_ = [rng.uniform(low, high) for _ in range(D)]
        self.n_features_in_ = d
        self._WT = transpose(self.random_weights_)
        return self

    def transform(self, X: Matrix) -> Matrix:
        """The n x D features: ``sqrt(2/D) cos(x W + b)`` or ``tanh(x W + b)`` per row x."""
        func = "RandomFeatures.transform"
        if not hasattr(self, "_WT"):
            raise NotFittedError(f"{func}: this RandomFeatures is not fitted yet; call fit(X)")
        _, d = check_matrix(X, "X", func)
        if d != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {d} features, but the model was fitted with {self.n_features_in_}"
            )
        b = self.random_offset_
        out = []
        for start in range(0, len(X), 256):  # bounded memory: 256 rows of products at a time
            P = matmul_transposed(X[start : start + 256], self._WT)
            if self.kind == "cosine":
                c = math.sqrt(2.0 / self.n_components)
                out += [list(map(mul, map(math.cos, map(add, p, b)), repeat(c))) for p in P]
            else:
                out += [list(map(math.tanh, map(add, p, b))) for p in P]
        return out

    def fit_transform(self, X: Matrix, y: object = None) -> Matrix:
        return self.fit(X, y).transform(X)

    def to_dict(self) -> dict[str, Any]:
        """Parameters and the drawn W and b, JSON-ready (the draws are stored, not re-drawn)."""
        if not hasattr(self, "_WT"):
            raise NotFittedError("RandomFeatures.to_dict: not fitted yet")
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": self.get_params(),
            "n_features_in": self.n_features_in_,
            "gamma": self.gamma_,
            "random_weights": self.random_weights_,
            "random_offset": self.random_offset_,
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "RandomFeatures.from_dict") -> RandomFeatures:
        """Rebuild a fitted transformer; sizes are checked before the weights are read."""
        r = FieldReader(data, source, FORMAT, FORMAT_VERSION)
        model = cls(**r.params(("n_components", "kind", "gamma", "random_state")))
        try:
            model._check_params("params")
        except PureposeError as exc:
            raise r.fail(f"bad hyper-parameter: {exc}") from None
        d = r.integer("n_features_in", 1, 10**6)
        r.reserve(d * model.n_components, "'n_features_in' x n_components")
        model.gamma_ = r.number("gamma")
        if model.gamma_ <= 0.0:
            raise r.fail(f"'gamma' must be > 0, got {model.gamma_}")
        model.random_weights_ = r.matrix("random_weights", d, model.n_components)
        model.random_offset_ = r.vector("random_offset", model.n_components)
        model.n_features_in_ = d
        model._WT = transpose(model.random_weights_)
        return model


__all__ = ["RandomFeatures"]
