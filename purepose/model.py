"""PoseRegressor: EMG windows -> features -> standardize -> (PCA) -> ridge -> 20 joint angles.

The model, for one window ending at sample t (all linear after the features):

    f_t = features of EMG[t - window + 1 .. t]   (per channel RMS, MAV, WL, log-power ...)
    x_t = [f_t, f_(t - s), ..., f_(t - L s)]     (optional lags: L = n_lags, s = lag_step)
    z_t = W ((x_t - mean) / scale)               (standardize; optional PCA, W = components)
    y_t = B z_t + b                              (ridge: B = coef_, b = intercept_)

and, optionally, causal smoothing of the predictions ``y_t <- a y_t + (1 - a) y_(t-1)``.
The label of a window is the joint-angle row at its last sample (causal;
``label="center"`` takes the centre); windows whose label row is an
inverse-kinematics failure (all-zero angles) are left out of training and scoring.

Training streams session by session: each session's windows only update the
mergeable normal equations of :class:`~purepose.regression.NormalEquations`
(centred co-moments of [x | y]), so memory stays flat whatever the number of
sessions, and ``n_jobs`` worker processes produce exactly the same sums as one
(each session gets its own accumulator; they are merged in session order).
Everything after that is done on the d x d co-moment matrix M:

    scale_j = sqrt(M_jj / n)                     (population std, like StandardScaler)
    M_s     = D^-1 M D^-1,  D = diag(scale)      (co-moments of the standardized features)
    W       = top eigenvectors of M_s / (n - 1)  (PCA by subspace iteration, optional)
    B^T     = (W M_s W^T + alpha I)^-1 W D^-1 M_xy   (ridge on centred scores)
    b       = mean(y)                            (scores have zero mean)

so one pass over the training data fits every ``alpha`` of the validation grid.
When validation sessions are given, ``alpha_`` is the grid value with the lowest
validation MAE (degrees); otherwise it is ``alpha``.

Cost: featurization O(n_samples n_channels) per session; accumulation
O(n_windows d^2); the solves O(d^3) per alpha, independent of the data size.

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation", NeurIPS Datasets and Benchmarks 2024
(the task and the metric); Hastie, Tibshirani & Friedman, *The Elements of
Statistical Learning*, 2nd ed., section 3.4.1 (ridge on standardized inputs).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from ._util import Progress, atomic_write_text, load_json
from .errors import NotFittedError, PureposeError
from .io import JOINT_NAMES, N_JOINTS, Session, valid_mask
from .linalg import matmul, matmul_transposed, solve_spd, transpose
from .metrics import ErrorAccumulator, Report
from .pca import eigsh_subspace
from .regression import NormalEquations
from .signal import DEFAULT_FEATURES, FEATURES, ema, extract_features, feature_names, lag_stack
from .types import Matrix, Vector

SessionLike = str | os.PathLike[str] | Session

FORMAT = "purepose.PoseRegressor"
FORMAT_VERSION = 1
DEFAULT_ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)
_CHUNK_ROWS = 1 << 15  # EMG rows read at a time: bounds the memory of one session


# ---------------------------------------------------------------------------
# Featurization of one session (streamed in chunks of rows)


@dataclass(frozen=True)
class FeatureConfig:
    """How windows and features are made; part of a model's hyper-parameters."""

    window: int = 200
    hop: int = 40
    features: tuple[str, ...] = DEFAULT_FEATURES
    threshold: float = 0.0
    n_lags: int = 0
    lag_step: int = 1
    label: str = "end"

    def validate(self) -> None:
        """Raise PureposeError naming the first bad field."""
        for name in ("window", "hop", "lag_step"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise PureposeError(f"PoseRegressor: {name}={value!r} must be an integer >= 1")
        if isinstance(self.n_lags, bool) or not isinstance(self.n_lags, int) or self.n_lags < 0:
            raise PureposeError(f"PoseRegressor: n_lags={self.n_lags!r} must be an integer >= 0")
        unknown = [f for f in self.features if f not in FEATURES]
        if not self.features or unknown:
            raise PureposeError(
                f"PoseRegressor: features={list(self.features)!r} must be a non-empty subset "
                f"of {list(FEATURES)}"
            )
        if self.label not in ("end", "center"):
            raise PureposeError(f"PoseRegressor: label={self.label!r} must be 'end' or 'center'")
        if not (math.isfinite(self.threshold) and self.threshold >= 0):
            raise PureposeError(f"PoseRegressor: threshold={self.threshold!r} must be >= 0")

    def label_offset(self) -> int:
        """Index of the label row inside a window: its last sample, or its centre."""
        return self.window - 1 if self.label == "end" else (self.window - 1) // 2


class SessionFeatures(NamedTuple):
    """One session's windows: label times, feature rows, label rows, validity."""

    name: str
    time: Vector
    X: Matrix
    Y: Matrix
    valid: list[bool]


def _open(session: SessionLike) -> tuple[Session, bool]:
    """Return (Session, whether we opened it and must close it)."""
    if isinstance(session, Session):
        return session, False
    return Session(session), True


def featurize(
    session: SessionLike, config: FeatureConfig, *, chunk_rows: int = _CHUNK_ROWS
) -> SessionFeatures:
    """Windows, features (with lags) and labels of one session, reading it in chunks.

    Window k covers samples ``[k hop, k hop + window)`` of the whole session;
    the EMG is read ``chunk_rows`` rows at a time and the tail that later
    windows still need is carried over, so memory is O(chunk_rows), not
    O(session length). Raises PureposeError if the session is shorter than one
    window.

    >>> import tempfile, pathlib
    >>> from purepose.synth import make_session
    >>> path = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.5)
    >>> f = featurize(path, FeatureConfig(window=200, hop=100, features=("rms", "wl")))
    >>> len(f.X), len(f.X[0]), len(f.Y[0])      # (1000 - 200) // 100 + 1 windows
    (9, 32, 20)
    >>> featurize(path, FeatureConfig(window=2000))
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ...s.hdf5: 1000 samples is fewer than one window (2000 samples)
    """
    sess, owned = _open(session)
    try:
        return _featurize_open(sess, config, max(chunk_rows, config.window))
    finally:
        if owned:
            sess.close()


def _featurize_open(sess: Session, config: FeatureConfig, chunk_rows: int) -> SessionFeatures:
    n_samples = len(sess)
    if n_samples < config.window:
        raise PureposeError(
            f"{sess.path}: {n_samples} samples is fewer than one window ({config.window} samples)"
        )
    window, hop = config.window, config.hop
    n_windows = (n_samples - window) // hop + 1
    rows: Matrix = []
    carry: Matrix = []  # EMG rows that the next windows still need
    next_start = 0  # session index of the next window's first sample
    for chunk_start in range(0, n_samples, chunk_rows):
        chunk_stop = min(chunk_start + chunk_rows, n_samples)
        emg = carry + sess.read_field("emg", chunk_start, chunk_stop)
        local = next_start - (chunk_stop - len(emg))  # index of next_start inside emg
        n_new = (len(emg) - local - window) // hop + 1 if len(emg) - local >= window else 0
        if n_new > 0:
            stop = local + (n_new - 1) * hop + window
            rows += extract_features(
                emg[local:stop],
                window=window,
                hop=hop,
                features=config.features,
                threshold=config.threshold,
            )
            next_start += n_new * hop
        carry = emg[next_start - (chunk_stop - len(emg)) :]
    if config.n_lags:
        rows = lag_stack(rows, config.n_lags, step=config.lag_step)
    # Labels are a regular stride of rows: read just those (one hyperslab each).
    first = config.label_offset()
    last = first + (n_windows - 1) * hop
    labels = sess.read_field("joint_angles", first, last + 1, hop)
    times = sess.read_field("time")[first : last + 1 : hop]  # whole column: order is checked
    return SessionFeatures(sess.name, times, rows, labels, valid_mask(labels))


# ---------------------------------------------------------------------------
# Process-pool helpers: module-level so they pickle; results merge in input order.


def _map_ordered(func: Callable[..., Any], items: Sequence[Any], n_jobs: int, progress: Progress):
    """Yield ``func(item)`` in input order, in ``n_jobs`` worker processes if > 1."""
    if n_jobs <= 1 or len(items) <= 1:
        for item in items:
            yield func(item)
            progress.update()
        return
    # "spawn": a fresh interpreter per worker; fork() of a process that h5py or a
    # caller has made multi-threaded can deadlock the child.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(items)), mp_context=context) as pool:
        for result in pool.map(func, items):
            yield result
            progress.update()


def _session_normal_equations(task: tuple[Any, FeatureConfig]) -> NormalEquations:
    session, config = task
    feats = featurize(session, config)
    X = [x for x, ok in zip(feats.X, feats.valid) if ok]
    Y = [y for y, ok in zip(feats.Y, feats.valid) if ok]
    if not X:
        raise PureposeError(
            f"{feats.name}: all {len(feats.valid)} windows end on inverse-kinematics "
            "failures (all-zero joint angles); nothing to train on"
        )
    return NormalEquations().update(X, Y)


def _session_errors(task: tuple[Any, FeatureConfig, list[tuple[Matrix, Vector, float | None]]]):
    """ErrorAccumulator of each candidate linear map on one session's valid windows."""
    session, config, candidates = task
    feats = featurize(session, config)
    out = []
    for A, b, smoothing in candidates:
        pred = _apply_linear(feats.X, A, b, smoothing)
        out.append(ErrorAccumulator().update(feats.Y, pred, feats.valid))
    return out


def _apply_linear(X: Matrix, A: Matrix, b: Vector, smoothing: float | None) -> Matrix:
    """Rows of ``X A^T + b``, then optional causal exponential smoothing."""
    Y = [[v + c for v, c in zip(row, b)] for row in matmul_transposed(X, A)]
    return ema(Y, smoothing) if smoothing is not None and smoothing < 1.0 and Y else Y


# ---------------------------------------------------------------------------
# The estimator


class Prediction(NamedTuple):
    """Per-window predictions for one session: label times and 20 angles (radians)."""

    time: Vector
    angles: Matrix


class PoseRegressor:
    """Predict the 20 emg2pose joint angles from windows of 16-channel EMG.

    Parameters (keyword-only, stored unchanged, scikit-learn style):
      window, hop       window length and step in samples (200, 40 = 100 ms every 20 ms at 2 kHz)
      features          per-channel features, a subset of ``signal.FEATURES``
      threshold         amplitude threshold of the ZC / SSC features
      n_lags, lag_step  append the features of ``n_lags`` earlier windows, ``lag_step`` apart
                        (defaults 2, 2: the EMG of the last ~180 ms, which beats one window)
      n_components      PCA dimension after standardizing (None: no PCA)
      alpha             ridge penalty when no validation set is given
      alphas            grid searched on the validation sessions (default 1e-2 .. 1e4)
      smoothing         EMA factor in (0, 1] applied to predictions (None: off)
      label             'end' (causal) or 'center': which sample of a window is its label
      max_iter, tol, random_state   for the PCA (block power) iteration

    Learned: ``mean_``, ``scale_`` (feature standardization), ``components_``,
    ``explained_variance_`` (PCA, or None), ``coef_`` (20 x n_scores),
    ``intercept_`` (20), ``alpha_``, ``val_mae_`` (alpha -> degrees, or {}),
    ``mean_pose_`` (training mean of each joint: the baseline), ``n_samples_``
    (training windows), ``n_features_in_``, ``feature_names_``.

    >>> import tempfile
    >>> from purepose.io import Dataset
    >>> from purepose.synth import make_dataset
    >>> root = tempfile.mkdtemp()
    >>> _ = make_dataset(root, n_sessions=3, seconds=2.0, seed=1, quiet=True)
    >>> ds = Dataset(root)
    >>> model = PoseRegressor().fit(ds.select(split="train"), val_sessions=ds.select(split="val"))
    >>> len(model.coef_), model.n_features_in_, model.alpha_ in DEFAULT_ALPHAS
    (20, 192, True)
    >>> result = evaluate(model, ds.select(split="test"))
    >>> result.reports["model"].mae_deg < result.reports["mean pose"].mae_deg
    True
    >>> PoseRegressor(window=0).fit([])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PoseRegressor: window=0 must be an integer >= 1
    """

    def __init__(
        self,
        *,
        window: int = 200,
        hop: int = 40,
        features: Sequence[str] = DEFAULT_FEATURES,
        threshold: float = 0.0,
        n_lags: int = 2,
        lag_step: int = 2,
        n_components: int | None = None,
        alpha: float = 1.0,
        alphas: Sequence[float] | None = None,
        smoothing: float | None = None,
        label: str = "end",
        max_iter: int = 1000,
        tol: float = 1e-10,
        random_state: int | None = 0,
    ) -> None:
        self.window = window
        self.hop = hop
        self.features = features
        self.threshold = threshold
        self.n_lags = n_lags
        self.lag_step = lag_step
        self.n_components = n_components
        self.alpha = alpha
        self.alphas = alphas
        self.smoothing = smoothing
        self.label = label
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # -- parameters ---------------------------------------------------------

    _PARAMS = (
        "window",
        "hop",
        "features",
        "threshold",
        "n_lags",
        "lag_step",
        "n_components",
        "alpha",
        "alphas",
        "smoothing",
        "label",
        "max_iter",
        "tol",
        "random_state",
    )

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters as a JSON-ready dict."""
        params = {name: getattr(self, name) for name in self._PARAMS}
        params["features"] = list(params["features"])
        if params["alphas"] is not None:
            params["alphas"] = [float(a) for a in params["alphas"]]
        return params

    def _config(self) -> FeatureConfig:
        config = FeatureConfig(
            window=self.window,
            hop=self.hop,
            features=tuple(self.features),
            threshold=float(self.threshold),
            n_lags=self.n_lags,
            lag_step=self.lag_step,
            label=self.label,
        )
        config.validate()
        return config

    def _check_params(self) -> FeatureConfig:
        config = self._config()
        if not (isinstance(self.alpha, (int, float)) and math.isfinite(self.alpha)):
            raise PureposeError(f"PoseRegressor: alpha={self.alpha!r} must be a finite number")
        if self.alpha < 0:
            raise PureposeError(f"PoseRegressor: alpha={self.alpha!r} must be >= 0")
        for a in self.alphas or ():
            if not (isinstance(a, (int, float)) and math.isfinite(a) and a >= 0):
                raise PureposeError(f"PoseRegressor: alphas contains {a!r}; each must be >= 0")
        if self.smoothing is not None and not (
            isinstance(self.smoothing, (int, float)) and 0.0 < self.smoothing <= 1.0
        ):
            raise PureposeError(f"PoseRegressor: smoothing={self.smoothing!r} must lie in (0, 1]")
        nc = self.n_components
        if nc is not None and (isinstance(nc, bool) or not isinstance(nc, int) or nc < 1):
            raise PureposeError(f"PoseRegressor: n_components={nc!r} must be None or >= 1")
        return config

    # -- fitting ------------------------------------------------------------

    def fit(
        self,
        sessions: Iterable[SessionLike],
        *,
        val_sessions: Iterable[SessionLike] | None = None,
        n_jobs: int = 1,
        quiet: bool = True,
    ) -> PoseRegressor:
        """Fit on training sessions (paths or open Sessions); choose alpha on ``val_sessions``.

        Streams one session at a time through the normal equations; with
        ``n_jobs > 1`` sessions are featurized in worker processes (paths
        only) and the per-session sums are merged in order, so the result is
        identical to ``n_jobs=1``.
        """
        config = self._check_params()
        train = list(sessions)
        val = list(val_sessions) if val_sessions is not None else []
        if not train:
            raise PureposeError("PoseRegressor.fit: no training sessions given")
        acc = self._accumulate(train, config, n_jobs, quiet)
        n = acc.n_samples
        n_features = acc.n_features
        if n < 2:
            raise PureposeError(f"PoseRegressor.fit: {n} valid training window(s); need >= 2")
        if self.n_components is not None and self.n_components > n_features:
            raise PureposeError(
                f"PoseRegressor.fit: n_components={self.n_components} exceeds "
                f"n_features={n_features}"
            )
        self._fit_standardize_pca(acc)
        self.mean_pose_ = acc.y_mean()
        grid = [float(a) for a in (self.alphas or DEFAULT_ALPHAS)] if val else [float(self.alpha)]
        solutions = [self._solve_ridge(a) for a in grid]
        if val:
            scores = self._validate(val, config, grid, solutions, n_jobs, quiet)
            self.val_mae_ = dict(zip(map(repr, grid), scores))
            best = min(range(len(grid)), key=lambda i: (scores[i], -grid[i]))
        else:
            self.val_mae_ = {}
            best = 0
        self.alpha_ = grid[best]
        self.coef_ = solutions[best]
        self.intercept_ = acc.y_mean()
        self.n_samples_ = n
        self.n_features_in_ = n_features
        self.n_channels_ = n_features // (len(config.features) * (config.n_lags + 1))
        self.feature_names_ = _lagged_names(config, self.n_channels_)
        self._fold()
        return self

    def _accumulate(
        self, train: list[SessionLike], config: FeatureConfig, n_jobs: int, quiet: bool
    ) -> NormalEquations:
        tasks = [(_picklable(s, n_jobs), config) for s in train]
        progress = Progress(len(tasks), "featurize train sessions", quiet=quiet)
        acc = NormalEquations()
        with progress:
            for part in _map_ordered(_session_normal_equations, tasks, n_jobs, progress):
                acc = acc.merge(part)
        return acc

    def _fit_standardize_pca(self, acc: NormalEquations) -> None:
        n = acc.n_samples
        M = acc.xtx()
        self.mean_ = acc.x_mean()
        # Constant features get scale 1 (as StandardScaler does) instead of dividing by 0.
        self.scale_ = [math.sqrt(M[j][j] / n) or 1.0 for j in range(len(M))]
        inv = [1.0 / s for s in self.scale_]
        Ms = [[m * a * b for m, b in zip(row, inv)] for row, a in zip(M, inv)]
        Mxy = [[v * a for v in row] for row, a in zip(acc.xty(), inv)]
        if self.n_components is None:
            self.components_ = None
            self.explained_variance_ = None
            self._gram, self._cross = Ms, Mxy
            return
        cov = [[m / (n - 1) for m in row] for row in Ms]
        eigvals, eigvecs, _ = eigsh_subspace(
            cov,
            self.n_components,
            max_iter=self.max_iter,
            tol=self.tol,
            random_state=self.random_state,
        )
        self.components_ = eigvecs
        self.explained_variance_ = eigvals
        W = eigvecs
        self._gram = matmul_transposed(matmul(W, Ms), W)
        self._cross = matmul(W, Mxy)

    def _solve_ridge(self, alpha: float) -> Matrix:
        """Ridge coefficients (20 x n_scores) from the centred Gram and cross matrices."""
        G = [row[:] for row in self._gram]
        for i in range(len(G)):
            G[i][i] += alpha
        return transpose(solve_spd(G, self._cross))

    def _linear_map(self, coef: Matrix, intercept: Vector) -> tuple[Matrix, Vector]:
        """Fold standardization and PCA into one affine map on raw features: y = A x + b."""
        B = coef if self.components_ is None else matmul(coef, self.components_)
        A = [[v / s for v, s in zip(row, self.scale_)] for row in B]
        b = [c - sum(a * m for a, m in zip(row, self.mean_)) for row, c in zip(A, intercept)]
        return A, b

    def _fold(self) -> None:
        self._A, self._b = self._linear_map(self.coef_, self.intercept_)
        self._gram = self._cross = None

    def _validate(self, val, config, grid, solutions, n_jobs, quiet) -> list[float]:
        # Scores are centred, so every candidate's intercept is the training mean pose.
        candidates = [
            (*self._linear_map(coef, self.mean_pose_), self.smoothing) for coef in solutions
        ]
        tasks = [(_picklable(s, n_jobs), config, candidates) for s in val]
        progress = Progress(len(tasks), "score validation sessions", quiet=quiet)
        totals = [ErrorAccumulator() for _ in grid]
        with progress:
            for per_alpha in _map_ordered(_session_errors, tasks, n_jobs, progress):
                totals = [t.merge(p) for t, p in zip(totals, per_alpha)]
        return [t.report().mae_deg for t in totals]

    # -- prediction ---------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("PoseRegressor: not fitted yet; call fit() or load() first")

    def predict_features(self, X: Matrix) -> Matrix:
        """Angles (n_windows x 20, radians) from already-computed feature rows (no smoothing)."""
        self._check_fitted()
        if X and len(X[0]) != self.n_features_in_:
            raise PureposeError(
                f"PoseRegressor.predict_features: X has {len(X[0])} features, "
                f"the model expects {self.n_features_in_}"
            )
        return _apply_linear(X, self._A, self._b, None)

    def featurize(self, session: SessionLike) -> SessionFeatures:
        """The model's windows, features and labels for one session."""
        return featurize(session, self._config())

    def predict(self, session: SessionLike) -> Prediction:
        """Per-window label times and predicted angles (radians) for one session."""
        self._check_fitted()
        feats = self.featurize(session)
        return self._predict_feats(feats)

    def _predict_feats(self, feats: SessionFeatures) -> Prediction:
        if feats.X and len(feats.X[0]) != self.n_features_in_:
            raise PureposeError(
                f"{feats.name}: {len(feats.X[0])} features per window, "
                f"the model expects {self.n_features_in_} (different channel count?)"
            )
        return Prediction(feats.time, _apply_linear(feats.X, self._A, self._b, self.smoothing))

    # -- persistence --------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """All hyper-parameters and learned numbers, JSON-ready."""
        self._check_fitted()
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "purepose_version": __version__,
            "params": self.get_params(),
            "joint_names": list(JOINT_NAMES),
            "feature_names": self.feature_names_,
            "n_channels": self.n_channels_,
            "n_samples": self.n_samples_,
            "mean": self.mean_,
            "scale": self.scale_,
            "components": self.components_,
            "explained_variance": self.explained_variance_,
            "coef": self.coef_,
            "intercept": self.intercept_,
            "alpha": self.alpha_,
            "val_mae_deg": self.val_mae_,
            "mean_pose": self.mean_pose_,
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model as readable JSON, atomically (never pickle)."""
        text = json.dumps(self.to_dict(), indent=1, allow_nan=False)
        return atomic_write_text(path, text + "\n")

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "model") -> PoseRegressor:
        """Rebuild a fitted model, validating every field (clear error on the first bad one)."""
        return _ModelReader(data, source).build(cls)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> PoseRegressor:
        """Read a model saved by :meth:`save` (size-checked, strict JSON: ``_util.load_json``)."""
        p = Path(path)
        data = load_json(p, "model file")
        return cls.from_dict(data, source=str(p))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != _DEFAULTS.get(k)}
        args = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"PoseRegressor({args})"


_DEFAULTS = PoseRegressor().get_params()


def _picklable(session: SessionLike, n_jobs: int) -> SessionLike:
    """Worker processes get paths; an open Session is passed through only in-process."""
    if n_jobs > 1 and isinstance(session, Session):
        return session.path
    return session


def _lagged_names(config: FeatureConfig, n_channels: int) -> list[str]:
    base = feature_names(config.features, n_channels)
    names = list(base)
    for lag in range(1, config.n_lags + 1):
        names += [f"{name}_lag{lag * config.lag_step}" for name in base]
    return names


class _ModelReader:
    """Strict validation of a model dict: types, shapes, finiteness; one-line errors."""

    def __init__(self, data: Any, source: str) -> None:
        self.data = data
        self.source = source

    def fail(self, message: str) -> PureposeError:
        return PureposeError(f"{self.source}: {message}")

    def get(self, key: str) -> Any:
        if key not in self.data:
            raise self.fail(f"missing field {key!r}")
        return self.data[key]

    def number(self, value: Any, what: str) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise self.fail(f"{what} must be a finite number, got {value!r}")
        return float(value)

    def vector(self, key: str, length: int) -> Vector:
        value = self.get(key)
        if not isinstance(value, list) or len(value) != length:
            got = len(value) if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must be a list of {length} numbers, got {got}")
        return [self.number(v, f"{key}[{i}]") for i, v in enumerate(value)]

    def matrix(self, key: str, n_rows: int, n_cols: int) -> Matrix:
        value = self.get(key)
        if not isinstance(value, list) or len(value) != n_rows:
            got = len(value) if isinstance(value, list) else type(value).__name__
            raise self.fail(f"{key!r} must have {n_rows} rows, got {got}")
        out = []
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != n_cols:
                got = len(row) if isinstance(row, list) else type(row).__name__
                raise self.fail(f"{key!r} row {i} must have {n_cols} numbers, got {got}")
            out.append([self.number(v, f"{key}[{i}][{j}]") for j, v in enumerate(row)])
        return out

    def build(self, cls: type[PoseRegressor]) -> PoseRegressor:
        if not isinstance(self.data, dict):
            raise self.fail("model file must hold a JSON object")
        if self.data.get("format") != FORMAT:
            raise self.fail(f"not a purepose model (format {self.data.get('format')!r})")
        version = self.get("version")
        if version != FORMAT_VERSION:
            raise self.fail(f"model format version {version!r} is not supported (expected 1)")
        params = self.get("params")
        if not isinstance(params, dict) or set(params) != set(PoseRegressor._PARAMS):
            raise self.fail(f"'params' must hold exactly {list(PoseRegressor._PARAMS)}")
        model = cls(**params)
        try:
            config = model._check_params()
        except PureposeError as exc:
            raise self.fail(f"bad hyper-parameter: {exc}") from None
        joint_names = self.get("joint_names")
        if joint_names != list(JOINT_NAMES):
            raise self.fail("'joint_names' do not match the emg2pose joint order")
        n_channels = self.get("n_channels")
        if isinstance(n_channels, bool) or not isinstance(n_channels, int) or n_channels < 1:
            raise self.fail(f"'n_channels' must be a positive integer, got {n_channels!r}")
        n_features = n_channels * len(config.features) * (config.n_lags + 1)
        names = self.get("feature_names")
        if names != _lagged_names(config, n_channels):
            raise self.fail("'feature_names' do not match the features and lags in 'params'")
        n_samples = self.get("n_samples")
        if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2:
            raise self.fail(f"'n_samples' must be an integer >= 2, got {n_samples!r}")
        model.n_channels_ = n_channels
        model.n_features_in_ = n_features
        model.feature_names_ = names
        model.n_samples_ = n_samples
        model.mean_ = self.vector("mean", n_features)
        model.scale_ = self.vector("scale", n_features)
        if any(s <= 0 for s in model.scale_):
            raise self.fail("'scale' entries must be > 0")
        if model.n_components is None:
            if self.get("components") is not None:
                raise self.fail("'components' must be null when n_components is null")
            model.components_ = None
            model.explained_variance_ = None
            n_scores = n_features
        else:
            n_scores = model.n_components
            model.components_ = self.matrix("components", n_scores, n_features)
            model.explained_variance_ = self.vector("explained_variance", n_scores)
        model.coef_ = self.matrix("coef", N_JOINTS, n_scores)
        model.intercept_ = self.vector("intercept", N_JOINTS)
        model.mean_pose_ = self.vector("mean_pose", N_JOINTS)
        model.alpha_ = self.number(self.get("alpha"), "'alpha'")
        val = self.get("val_mae_deg")
        if not isinstance(val, dict):
            raise self.fail("'val_mae_deg' must be an object")
        model.val_mae_ = {str(k): self.number(v, f"val_mae_deg[{k}]") for k, v in val.items()}
        model._fold()
        return model


# ---------------------------------------------------------------------------
# Evaluation: the emg2pose metric beside the baselines


@dataclass
class Evaluation:
    """Reports for the model and the two baselines over the same valid windows."""

    reports: dict[str, Report]
    n_sessions: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "n_sessions": self.n_sessions,
            "reports": {name: r.to_dict() for name, r in self.reports.items()},
        }


def evaluate(
    model: PoseRegressor,
    sessions: Iterable[SessionLike],
    *,
    quiet: bool = True,
) -> Evaluation:
    """Score ``model`` on sessions: angular MAE (degrees) etc., beside the mean-pose
    (training mean of each joint) and zero-pose baselines, over valid windows only.

    The reports (see :mod:`purepose.metrics`) are keyed "model", "mean pose" and
    "zero pose"; all three are computed on the same valid windows. See
    :class:`PoseRegressor` for an example.

    >>> evaluate(PoseRegressor(), ["s.hdf5"])
    Traceback (most recent call last):
    ...
    purepose.errors.NotFittedError: PoseRegressor: not fitted yet; call fit() or load() first
    """
    model._check_fitted()
    items = list(sessions)
    if not items:
        raise PureposeError("evaluate: no sessions given")
    accs = {
        "model": ErrorAccumulator(),
        "mean pose": ErrorAccumulator(),
        "zero pose": ErrorAccumulator(),
    }
    zero = [0.0] * N_JOINTS
    with Progress(len(items), "evaluate sessions", quiet=quiet) as progress:
        for feats in _iter_features(model, items):
            if not any(feats.valid):
                raise PureposeError(
                    f"{feats.name}: every window ends on an inverse-kinematics failure; "
                    "nothing to score"
                )
            pred = model._predict_feats(feats).angles
            n = len(feats.Y)
            accs["model"].update(feats.Y, pred, feats.valid)
            accs["mean pose"].update(feats.Y, [model.mean_pose_] * n, feats.valid)
            accs["zero pose"].update(feats.Y, [zero] * n, feats.valid)
            progress.update()
    return Evaluation({k: a.report() for k, a in accs.items()}, len(items))


def _iter_features(model: PoseRegressor, items: list[SessionLike]) -> Iterator[SessionFeatures]:
    for item in items:
        yield model.featurize(item)
