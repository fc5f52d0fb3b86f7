"""MLPRegressor: a multilayer perceptron trained by backpropagation, multi-output.

The network, its loss and its gradient are those of
:mod:`purepose.textbook.mlp` (the definition, one screen per step) and of
scikit-learn's ``MLPRegressor``, with the same parameter names and meanings:

    P = g(... g(X W_1 + b_1) ...) W_L + b_L                 (g = relu, tanh, logistic, identity)
    loss = sum_ic (y_ic - p_ic)^2 / (2 n k) + alpha sum_l ||W_l||^2 / (2 n)     per batch of n

Training (``solver``): minibatches of ``batch_size`` rows (``"auto"``: min(200,
n)), reshuffled every epoch when ``shuffle``; one Adam step (``"adam"``) or one
SGD step with momentum (``"sgd"``, Nesterov's when ``nesterovs_momentum``) per
batch; for SGD the step size follows ``learning_rate``: ``"constant"``,
``"invscaling"`` (learning_rate_init / (t + 1)^power_t, t = samples seen) or
``"adaptive"`` (divided by 5 when the score stops improving). Stopping, as
scikit-learn: after ``max_iter`` epochs, or when the score has not improved
by ``tol`` for more than ``n_iter_no_change`` epochs. The score is the
validation R^2 when there is a validation set (``fit(X, Y, X_val=, Y_val=)``,
or ``early_stopping=True``, which holds out ``validation_fraction`` of the
rows), and then the weights of the best epoch are restored at the end;
without one it is the training loss, and the last weights are kept.

purepose's own parameters: ``standardize=True`` standardizes the inputs and
the targets with their training mean and standard deviation (``x_mean_``,
``x_scale_``, ``y_mean_``, ``y_scale_``) and predicts in the original target
units; ``algorithm="fast"`` (default) trains with
:class:`~purepose.fast.transposed_mlp.TransposedNetwork` (every product a C-level
dot), ``"textbook"`` with the textbook functions. ``verbose=True`` prints one
line per epoch on stderr (epoch, loss, validation score, seconds).

Never NaN: if a batch's loss or gradient is not finite (a step size too
large for the data), the epoch's starting weights are restored, the step
size is halved and the epoch is run again; ``learning_rate_halvings_``
lists ``[epoch, new learning rate]`` (and with ``verbose`` a line says so). After
``MAX_HALVINGS`` halvings fit raises PureposeError.

Initialisation: Glorot's uniform, as scikit-learn, from a local
``random.Random(random_state)``; the same generator then draws the
validation split and the epochs' orders. Same random_state, same model, to
the bit.

Cost per epoch: about 3 n sum_l n_{l-1} n_l multiply-adds (forward, and
twice that backward), n = training rows; memory O(n d) for the
standardized copy of X plus one batch's activations.

>>> X = [[i / 10.0] for i in range(20)]
>>> y = [2.0 * x[0] + 1.0 for x in X]
>>> net = MLPRegressor((8,), activation="tanh", batch_size=4, learning_rate_init=0.01)
>>> [round(p, 1) for p in net.fit(X, y).predict([[0.5], [1.5]])]  # y = 2 x + 1: 2 and 4
[1.9, 4.1]

Tests: ``tests/textbook/test_mlp.py`` holds it equal to the textbook;
``tests/fast/test_mlp.py``
checks it against numpy/scikit-learn.
"""

from __future__ import annotations

import inspect
import math
import time
import warnings
from collections.abc import Sequence
from itertools import pairwise
from numbers import Integral, Real
from typing import Any, Self

from purepose._util import check_random_state, log
from purepose.checks import check_matrix, check_positive_int, check_xy, rows_of
from purepose.errors import ConvergenceWarning, NotFittedError, PureposeError
from purepose.textbook import mlp as textbook
from purepose.textbook.stats import mean_r2_score
from purepose.types import Matrix, PathLike, Vector

from .linalg import transpose
from .modelfile import FieldReader, load_json, save_json
from .standardize import mean_and_scale, standardize, unstandardize
from .transposed_mlp import TransposedNetwork, predict_rows

FORMAT = "purepose.MLPRegressor"
FORMAT_VERSION = 1
MAX_HALVINGS = 10
"""Halvings of the step size after non-finite losses before fit gives up."""
MAX_UNITS = 100_000
"""Most units (features, hidden units or outputs) in one layer."""

_SCHEDULES = ("constant", "invscaling", "adaptive")


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


# ---------------------------------------------------------------------------
# The estimator


class MLPRegressor:
    """Multilayer perceptron regression (see the module docstring for the math and the rules).

    Parameters are scikit-learn's (``hidden_layer_sizes``, ``activation``,
    ``solver``, ``alpha`` ... ``n_iter_no_change``) plus ``standardize`` and
    ``algorithm``; ``solver="lbfgs"`` and ``warm_start`` are not provided.

    Learned: ``coefs_`` (W_l, n_{l-1} x n_l lists of rows), ``intercepts_``,
    ``loss_curve_`` (one loss per epoch), ``validation_scores_`` and
    ``best_validation_score_`` (R^2; None without a validation set),
    ``best_loss_``, ``n_iter_`` (epochs run), ``t_`` (samples seen),
    ``n_features_in_``, ``n_outputs_``, ``n_layers_``, ``learning_rate_halvings_``
    and, with ``standardize``, ``x_mean_``, ``x_scale_``, ``y_mean_``,
    ``y_scale_`` (zeros and ones otherwise).

    >>> MLPRegressor((4,), solver="lbfgs").fit([[0.0], [1.0]], [0.0, 1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: MLPRegressor.fit: solver='lbfgs' must be 'adam' or 'sgd'
    """

    def __init__(
        self,
        hidden_layer_sizes: int | Sequence[int] = (100,),
        *,
        activation: str = "relu",
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: int | None = None,
        tol: float = 1e-4,
        verbose: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        standardize: bool = True,
        algorithm: str = "fast",
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.standardize = standardize
        self.algorithm = algorithm

    def get_params(self) -> dict[str, Any]:
        """The constructor's parameters, as given."""
        return {name: getattr(self, name) for name in _PARAMS}

    def __repr__(self) -> str:
        defaults = MLPRegressor().get_params()
        changed = {k: v for k, v in self.get_params().items() if v != defaults[k]}
        return f"MLPRegressor({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # -- checks -------------------------------------------------------------

    def _hidden_sizes(self, func: str) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if _is_int(sizes) else sizes
        if not isinstance(sizes, Sequence) or isinstance(sizes, str):
            raise PureposeError(f"{func}: hidden_layer_sizes={sizes!r} must be ints")
        if not all(_is_int(s) and 1 <= s <= MAX_UNITS for s in sizes):
            raise PureposeError(
                f"{func}: hidden_layer_sizes={tuple(sizes)!r} must be ints in [1, {MAX_UNITS}]"
            )
        return [int(s) for s in sizes]

    def _check_params(self, func: str) -> list[int]:
        """Validate every parameter (one-line errors); return the hidden layer sizes."""
        hidden = self._hidden_sizes(func)
        choices = (
            ("activation", textbook.ACTIVATIONS),
            ("solver", ("adam", "sgd")),
            ("learning_rate", _SCHEDULES),
            ("algorithm", ("fast", "textbook")),
        )
        for name, allowed in choices:
            value = getattr(self, name)
            if value not in allowed:
                options = " or ".join(repr(a) for a in allowed)
                raise PureposeError(f"{func}: {name}={value!r} must be {options}")
        for name in ("shuffle", "verbose", "nesterovs_momentum", "early_stopping", "standardize"):
            if not isinstance(getattr(self, name), bool):
                raise PureposeError(f"{func}: {name}={getattr(self, name)!r} must be a bool")
        ranges = (  # (name, low, high, low included, high included)
            ("alpha", 0.0, math.inf, True, False),
            ("learning_rate_init", 0.0, math.inf, False, False),
            ("power_t", 0.0, math.inf, True, False),
            ("tol", 0.0, math.inf, True, False),
            ("momentum", 0.0, 1.0, True, True),
            ("validation_fraction", 0.0, 1.0, False, False),
            ("beta_1", 0.0, 1.0, True, False),
            ("beta_2", 0.0, 1.0, True, False),
            ("epsilon", 0.0, math.inf, False, False),
        )
        for name, low, high, low_ok, high_ok in ranges:
            value = getattr(self, name)
            inside = _is_real(value) and (low < value or (low_ok and value == low))
            if not (inside and (value < high or (high_ok and value == high))):
                interval = f"{'[' if low_ok else '('}{low:g}, {high:g}{']' if high_ok else ')'}"
                raise PureposeError(f"{func}: {name}={value!r} must be a number in {interval}")
        for name in ("max_iter", "n_iter_no_change"):
            check_positive_int(getattr(self, name), name, func)
        if self.batch_size != "auto" and not (_is_int(self.batch_size) and self.batch_size >= 1):
            raise PureposeError(f"{func}: batch_size={self.batch_size!r} must be 'auto' or >= 1")
        return hidden

    def _check_fitted(self, what: str) -> None:
        if not hasattr(self, "coefs_"):
            raise NotFittedError(
                f"MLPRegressor.{what}: this MLPRegressor is not fitted yet; call fit(X, Y) first"
            )

    # -- fitting ------------------------------------------------------------------

    def fit(
        self,
        X: Matrix,
        Y: Vector | Matrix,
        *,
        X_val: Matrix | None = None,
        Y_val: Vector | Matrix | None = None,
    ) -> Self:
        """Train on X (n_samples x n_features) and Y (n_samples x n_outputs, or a vector).

        ``X_val``/``Y_val``: a validation set (the pose model passes its
        validation sessions' windows); its R^2 after each epoch decides when
        to stop, and the best epoch's weights are kept. Without one,
        ``early_stopping=True`` holds out ``validation_fraction`` of the rows.
        """
        func = "MLPRegressor.fit"
        hidden = self._check_params(func)
        X, Y_rows, y_is_vector = _check_xy(X, Y, func)
        d, k = len(X[0]), len(Y_rows[0])
        if d > MAX_UNITS or k > MAX_UNITS:
            raise PureposeError(f"{func}: {d} features and {k} outputs; at most {MAX_UNITS}")
        if (X_val is None) != (Y_val is None):
            raise PureposeError(f"{func}: give both X_val and Y_val, or neither")
        rng = check_random_state(self.random_state, func)
        if self.standardize:
            self.x_mean_, self.x_scale_ = mean_and_scale(X)
            self.y_mean_, self.y_scale_ = mean_and_scale(Y_rows)
        else:
            self.x_mean_, self.x_scale_ = [0.0] * d, [1.0] * d
            self.y_mean_, self.y_scale_ = [0.0] * k, [1.0] * k
        Xs = standardize(X, self.x_mean_, self.x_scale_)
        Ys = standardize(Y_rows, self.y_mean_, self.y_scale_)
        self.n_features_in_, self.n_outputs_ = d, k
        self.n_layers_ = len(hidden) + 2
        self._y_is_vector = y_is_vector
        coefs, intercepts = textbook.glorot_init([d, *hidden, k], self.activation, rng)
        validation = None
        if X_val is not None:
            Xv, Yv, _ = _check_xy(X_val, Y_val, f"{func} (X_val, Y_val)")
            if len(Xv[0]) != d or len(Yv[0]) != k:
                raise PureposeError(
                    f"{func}: X_val/Y_val have {len(Xv[0])}/{len(Yv[0])} columns, X/Y have {d}/{k}"
                )
            validation = (
                standardize(Xv, self.x_mean_, self.x_scale_),
                standardize(Yv, self.y_mean_, self.y_scale_),
            )
        elif self.early_stopping:
            Xs, Ys, validation = _hold_out(Xs, Ys, self.validation_fraction, rng, func)
        network_class = TransposedNetwork if self.algorithm == "fast" else textbook.TextbookNetwork
        network = network_class(
            coefs,
            intercepts,
            activation=self.activation,
            alpha=float(self.alpha),
            solver=self.solver,
            momentum=float(self.momentum),
            nesterov=self.nesterovs_momentum,
            beta_1=float(self.beta_1),
            beta_2=float(self.beta_2),
            epsilon=float(self.epsilon),
        )
        self._train(network, Xs, Ys, validation, rng)
        return self

    def _train(self, network: Any, X: Matrix, Y: Matrix, validation: Any, rng: Any) -> None:
        """The epochs: batches, the non-finite guard, the score, the schedule, stopping."""
        n = len(X)
        batch = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        order = list(range(n))
        base_rate = rate = float(self.learning_rate_init)
        self.loss_curve_: list[float] = []
        self.validation_scores_: list[float] | None = [] if validation else None
        self.best_validation_score_: float | None = -math.inf if validation else None
        self.best_loss_: float | None = None if validation else math.inf
        self.learning_rate_halvings_: list[list[float]] = []
        self.n_iter_ = self.t_ = 0
        best = network.snapshot()
        no_improvement = 0
        for epoch in range(1, self.max_iter + 1):
            started = time.perf_counter()
            if self.shuffle:
                rng.shuffle(order)
            start_state = network.snapshot()
            while True:  # the epoch, re-run with half the step size after a non-finite loss
                losses = _run_epoch(network, X, Y, order, batch, rate)
                finite = losses is not None and network.finite()
                score = None
                if finite and validation:
                    score = mean_r2_score(validation[1], network.predict(validation[0]))
                    finite = math.isfinite(score)
                if finite:
                    break
                rate, base_rate = self._halve(epoch, rate, base_rate)
                network.restore(start_state)
            self.n_iter_ = epoch
            self.t_ += n
            loss = math.fsum(losses) / n
            self.loss_curve_.append(loss)
            if validation:
                self.validation_scores_.append(score)
                improved = score >= self.best_validation_score_ + self.tol
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best = network.snapshot()
            else:
                improved = loss <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, loss)
            no_improvement = 0 if improved else no_improvement + 1
            self._progress(epoch, loss, score, time.perf_counter() - started)
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                rate = base_rate / (self.t_ + 1) ** self.power_t
            if no_improvement > self.n_iter_no_change:
                if not (self.solver == "sgd" and self.learning_rate == "adaptive") or rate <= 1e-6:
                    break
                rate /= 5.0
                no_improvement = 0
        else:
            warnings.warn(
                f"MLPRegressor.fit: max_iter={self.max_iter} epochs reached and the "
                "optimization has not converged yet",
                ConvergenceWarning,
                stacklevel=3,
            )
        if validation:
            network.restore(best)
        self.coefs_, self.intercepts_ = network.parameters()

    def _halve(self, epoch: int, rate: float, base_rate: float) -> tuple[float, float]:
        if len(self.learning_rate_halvings_) == MAX_HALVINGS:
            raise PureposeError(
                f"MLPRegressor.fit: the loss is not finite at epoch {epoch} after {MAX_HALVINGS} "
                f"halvings of the learning rate (now {rate:.3g}); standardize the data or "
                "lower learning_rate_init"
            )
        self.learning_rate_halvings_.append([epoch, rate / 2.0])
        log(
            f"MLPRegressor: epoch {epoch}: non-finite loss; weights restored, learning rate "
            f"halved to {rate / 2.0:.3g}",
            quiet=not self.verbose,
        )
        return rate / 2.0, base_rate / 2.0

    def _progress(self, epoch: int, loss: float, score: float | None, seconds: float) -> None:
        if self.verbose:
            val = "" if score is None else f"  val R^2 {score:.4f}"
            log(
                f"MLPRegressor: epoch {epoch}/{self.max_iter}  loss {loss:.6g}{val}  "
                f"{seconds:.2f} s"
            )

    # -- prediction -------------------------------------------------------------

    def predict(self, X: Matrix) -> Vector | Matrix:
        """The predictions for the rows of X, in the original target units.

        n_samples x n_outputs (a vector if fitted on a vector y). Rows go
        through the network 512 at a time, so memory stays O(512 x widest layer).
        """
        func = "MLPRegressor.predict"
        self._check_fitted("predict")
        n, d = check_matrix(X, "X", func)
        if d != self.n_features_in_:
            raise PureposeError(
                f"{func}: X has {d} features, but the model was fitted with {self.n_features_in_}"
            )
        transposed = [transpose(W) for W in self.coefs_]
        out: Matrix = []
        for start in range(0, n, 512):
            block = standardize(X[start : start + 512], self.x_mean_, self.x_scale_)
            if self.algorithm == "textbook":
                P = textbook.forward(self.coefs_, self.intercepts_, block, self.activation)[-1]
            else:
                P = predict_rows(transposed, self.intercepts_, block, self.activation)
            out += unstandardize(P, self.y_mean_, self.y_scale_)
        return [row[0] for row in out] if self._y_is_vector else out

    def score(self, X: Matrix, Y: Vector | Matrix) -> float:
        """R^2 of ``predict(X)`` against Y, averaged over the outputs (``mean_r2_score``)."""
        func = "MLPRegressor.score"
        X, Y_rows, _ = _check_xy(X, Y, func)
        P = self.predict(X)
        P_rows = [[p] for p in P] if self._y_is_vector else P
        if len(Y_rows[0]) != len(P_rows[0]):
            raise PureposeError(
                f"{func}: Y has {len(Y_rows[0])} outputs, the model {self.n_outputs_}"
            )
        return mean_r2_score(Y_rows, P_rows)

    # -- persistence ------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The hyper-parameters and everything learned, as JSON-ready lists and numbers."""
        self._check_fitted("to_dict")
        params = self.get_params()
        hidden = self._hidden_sizes("MLPRegressor.to_dict")
        params["hidden_layer_sizes"] = hidden
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "params": params,
            "layer_sizes": [self.n_features_in_, *hidden, self.n_outputs_],
            "y_is_vector": self._y_is_vector,
            "x_mean": self.x_mean_,
            "x_scale": self.x_scale_,
            "y_mean": self.y_mean_,
            "y_scale": self.y_scale_,
            "coefs": self.coefs_,
            "intercepts": self.intercepts_,
            "n_iter": self.n_iter_,
            "t": self.t_,
            "loss_curve": self.loss_curve_,
            "validation_scores": self.validation_scores_,
            "best_validation_score": self.best_validation_score_,
            "best_loss": self.best_loss_,
            "learning_rate_halvings": self.learning_rate_halvings_,
        }

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "MLPRegressor.from_dict") -> MLPRegressor:
        """Rebuild a fitted model; every field, size and shape is checked before use.

        >>> MLPRegressor.from_dict({"format": "purepose.MLPRegressor", "version": 2})
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: MLPRegressor.from_dict: model version 2 is not supported (1)
        """
        r = FieldReader(data, source, FORMAT, FORMAT_VERSION)
        params = r.params(_PARAMS)
        if isinstance(params["hidden_layer_sizes"], list):
            params["hidden_layer_sizes"] = tuple(params["hidden_layer_sizes"])
        model = cls(**params)
        try:
            hidden = model._check_params("params")
        except PureposeError as exc:
            raise r.fail(f"bad hyper-parameter: {exc}") from None
        sizes = r.get("layer_sizes")
        if not isinstance(sizes, list) or len(sizes) != len(hidden) + 2 or sizes[1:-1] != hidden:
            raise r.fail(f"'layer_sizes' must be [n_features, *{hidden}, n_outputs]")
        for i in (0, -1):
            if isinstance(sizes[i], bool) or not isinstance(sizes[i], int):
                raise r.fail(f"'layer_sizes' must hold integers, got {sizes[i]!r}")
            if not 1 <= sizes[i] <= MAX_UNITS:
                raise r.fail(f"'layer_sizes' entries must be in [1, {MAX_UNITS}], got {sizes[i]}")
        for n_in, n_out in pairwise(sizes):
            r.reserve((n_in + 1) * n_out, "'layer_sizes'")
        d, k = sizes[0], sizes[-1]
        model._y_is_vector = r.boolean("y_is_vector")
        if model._y_is_vector and k != 1:
            raise r.fail(f"'y_is_vector' is true but the model has {k} outputs")
        model.x_mean_, model.x_scale_ = r.vector("x_mean", d), r.vector("x_scale", d)
        model.y_mean_, model.y_scale_ = r.vector("y_mean", k), r.vector("y_scale", k)
        if not all(s > 0.0 for s in model.x_scale_ + model.y_scale_):
            raise r.fail("'x_scale' and 'y_scale' entries must be > 0")
        coefs, intercepts = r.get("coefs"), r.get("intercepts")
        if not isinstance(coefs, list) or not isinstance(intercepts, list):
            raise r.fail("'coefs' and 'intercepts' must be lists (one per layer)")
        if len(coefs) != len(sizes) - 1 or len(intercepts) != len(sizes) - 1:
            raise r.fail(f"'coefs' and 'intercepts' must hold {len(sizes) - 1} layers each")
        model.coefs_, model.intercepts_ = [], []
        for l, (n_in, n_out) in enumerate(pairwise(sizes)):
            if not isinstance(coefs[l], list) or len(coefs[l]) != n_in:
                raise r.fail(f"'coefs' layer {l} must have {n_in} rows")
            what = f"'coefs' layer {l}"
            model.coefs_.append(
                [r.numbers(row, n_out, f"{what} row {i}") for i, row in enumerate(coefs[l])]
            )
            model.intercepts_.append(r.numbers(intercepts[l], n_out, f"'intercepts' layer {l}"))
        model.n_iter_ = r.integer("n_iter", 0, model.max_iter)
        model.t_ = r.integer("t", 0, 2**62)
        model.loss_curve_ = r.number_list("loss_curve", model.max_iter)
        model.validation_scores_ = r.number_list(
            "validation_scores", model.max_iter, allow_null=True
        )
        for key in ("best_validation_score", "best_loss"):
            value = r.get(key)
            setattr(model, key + "_", None if value is None else r.number(key))
        halvings = r.get("learning_rate_halvings")
        if not isinstance(halvings, list) or len(halvings) > MAX_HALVINGS:
            raise r.fail(
                f"'learning_rate_halvings' must be a list of at most {MAX_HALVINGS} pairs"
            )
        model.learning_rate_halvings_ = [
            r.numbers(pair, 2, f"'learning_rate_halvings' entry {i}")
            for i, pair in enumerate(halvings)
        ]
        model.n_features_in_, model.n_outputs_, model.n_layers_ = d, k, len(sizes)
        return model

    def save(self, path: PathLike) -> Any:
        """Write :meth:`to_dict` as JSON, atomically (never pickle); return the path."""
        return save_json(path, self.to_dict())

    @classmethod
    def load(cls, path: PathLike) -> MLPRegressor:
        """Read a model written by :meth:`save`."""
        return cls.from_dict(load_json(path), source=str(path))


_PARAMS = tuple(inspect.signature(MLPRegressor.__init__).parameters)[1:]  # as scikit-learn


# ---------------------------------------------------------------------------
# Helpers of fit


def _check_xy(X: Any, Y: Any, func: str) -> tuple[Matrix, Matrix, bool]:
    """X as rows, Y as rows (a vector y becomes one column), and whether Y was a vector."""
    _, _, _, y_is_vector = check_xy(X, Y, func)
    return X, rows_of(Y, y_is_vector), y_is_vector


def _hold_out(
    X: Matrix, Y: Matrix, fraction: float, rng: Any, func: str
) -> tuple[Matrix, Matrix, Any]:
    """Split off ceil(fraction n) random rows as the validation set (scikit-learn's sizes)."""
    n = len(X)
    n_val = math.ceil(fraction * n)
    if n_val < 2 or n - n_val < 1:
        raise PureposeError(
            f"{func}: validation_fraction={fraction} of {n} rows leaves {n_val} validation "
            "rows; need at least 2 and one training row"
        )
    order = list(range(n))
    rng.shuffle(order)
    val, train = order[:n_val], order[n_val:]
    return [X[i] for i in train], [Y[i] for i in train], ([X[i] for i in val], [Y[i] for i in val])


def _run_epoch(
    network: Any, X: Matrix, Y: Matrix, order: list[int], batch: int, rate: float
) -> list[float] | None:
    """One pass over the rows in ``order``; each batch's loss times its size, or None."""
    losses = []
    for start in range(0, len(order), batch):
        rows = order[start : start + batch]
        loss = network.train_batch([X[i] for i in rows], [Y[i] for i in rows], rate)
        if loss is None:
            return None
        losses.append(loss * len(rows))
    return losses


__all__ = ["MAX_HALVINGS", "MLPRegressor"]
