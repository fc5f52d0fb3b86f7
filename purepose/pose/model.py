"""PoseRegressor: EMG windows -> features -> standardize -> (PCA) -> ridge -> targets.

The model, for the window k of a recording (purepose.signals.windows):

    x_k = features of the window, with lags          (d numbers)
    z_k = W ((x_k - mean) / scale)                   (standardize; optional PCA, W = components)
    y_k = B z_k + b                                  (ridge: B = coef_, b = intercept_)

and, optionally, causal smoothing ``y_k <- a y_k + (1 - a) y_(k-1)``. The
targets are whatever the recordings hold: the 20 emg2pose joint angles in
radians, 22 raw CyberGlove sensors of a NinaPro file, the columns of a CSV.
Windows whose target row is invalid (an emg2pose inverse-kinematics failure)
or outside the chosen repetitions are left out of training and scoring.

``fit`` is the formula, step by step:

1. Statistics. Each training source's windows update the mergeable normal
   equations (:class:`~purepose.fast.regression.NormalEquations`: the centred
   co-moments M of [x | y]); memory stays flat whatever the number of
   sources, and ``n_jobs`` worker processes give exactly the sums of one.
2. Standardize: ``scale_j = sqrt(M_jj / n)`` (population std, like
   StandardScaler; 1 for a constant feature), ``mean_ = x_bar``.
3. Project (optional): ``W`` = the top eigenvectors of the standardized
   covariance D^-1 M D^-1 / (n - 1), D = diag(scale) (PCA by subspace iteration).
4. Solve: ridge on the centred, standardized (projected) features for every
   alpha of the grid at once (``ridge_path``: one Cholesky per alpha, no pass
   over the data); ``b = mean(y)``.
5. Choose alpha: with validation sources, the alpha with the best validation
   score (the angular MAE in degrees for joint angles, the normalised MAE
   otherwise); when the best is at an end of the grid, the grid is extended
   by factors of 10 in that direction (up to 1e-6 .. 1e9) so the optimum is
   inside it. Without validation sources, ``alpha``.
6. Fold standardization and projection into one affine map, y = A x + c.

Cost: featurization O(n_samples n_channels) per source; accumulation
O(n_windows d^2); the solves O(d^3) per alpha, independent of the data size.

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation", NeurIPS Datasets and Benchmarks 2024
(the task and the metric); Hastie, Tibshirani & Friedman, *The Elements of
Statistical Learning*, 2nd ed., section 3.4.1 (ridge on standardized inputs).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from purepose._util import Progress, atomic_write_text, load_json, log
from purepose.checks import check_positive_int
from purepose.data.recording import Recording
from purepose.data.sources import Source, as_source
from purepose.errors import NotFittedError, PureposeError
from purepose.fast.regression import NormalEquations
from purepose.signals.features import DEFAULT_FEATURES, ema
from purepose.signals.windows import FeatureConfig, SessionFeatures, featurize
from purepose.types import Matrix, PathLike, Vector

from .auto import fit_auto
from .heads import DEFAULT_GRIDS, MODELS, HeadConfig, fit_head, grid_for, search
from .plausibility import check_predictions, short, warn_unlike_training
from .steps import apply_affine, fold, principal_axes, ridge_solver, standardizer
from .target_metrics import TargetAccumulator
from .training import Layout, common_layout, features_task, gather, map_ordered

SourceLike = Source | Recording | PathLike

DEFAULT_ALPHAS = DEFAULT_GRIDS["ridge"].values
AUTO_COMPONENTS = 32
"""``n_components="auto"``: the nonlinear heads see at most this many principal components
(their cost grows with the dimension; on NinaPro DB1, kNN on 24 components of the 120
features scores the same as on all of them)."""
AUTO = "auto"
"""``model="auto"``: every head under both normalisations, the best on validation (auto.py)."""
MAX_TRAIN_WINDOWS = 12_000
"""The nonlinear heads train on at most this many windows, evenly spaced (windows 20 ms
apart overlap by 80%: every third carries nearly all they say)."""


# ---------------------------------------------------------------------------
# The estimator


class Prediction(NamedTuple):
    """Per-window predictions for one recording: label times and one row of targets each."""

    time: Vector
    values: Matrix

    @property
    def angles(self) -> Matrix:
        """The predictions, by their emg2pose name (joint angles in radians)."""
        return self.values


class PoseRegressor:
    """Predict hand kinematics (joint angles, glove sensors ...) from windows of EMG.

    Parameters (keyword-only, stored unchanged, scikit-learn style):
      window_ms, hop_ms window length and step in milliseconds (100, 20), converted
                        with each recording's sample rate
      window, hop       the same in samples (override the ms values when given)
      features          per-channel features, a subset of ``signal.FEATURES``
      threshold         amplitude threshold of the ZC / SSC features
      n_lags, lag_step  append the features of ``n_lags`` earlier windows, ``lag_step`` apart
                        (defaults 2, 2: the EMG of the last ~180 ms, which beats one window)
      model             the estimator on the standardized features: "ridge" (default),
                        "mlp", "knn" or "rff" (purepose.pose.heads), or "auto": each of them
                        under global and per-session normalisation, the best on the
                        validation sources kept (purepose.pose.auto; ``model_selection_``)
      n_components      PCA dimension after standardizing (None: no PCA; "auto": none
                        for ridge, at most 32 components for the other models)
      alpha             ridge penalty when no validation set is given
      alphas            starting grid searched on the validation sources (1e-2 .. 1e4)
      smoothing         EMA factor in (0, 1] applied to predictions (None: off)
      label             'end' (causal) or 'center': which sample of a window is its label
      normalize         'global', or 'session' / 'causal': standardize each recording's
                        features by its own statistics first (windows.standardize_session)
      hidden_layer_sizes, learning_rate_init, max_epochs   the MLP (mlp.MLPRegressor)
      neighbors         the k searched for "knn" (5, 10, 20, 40, grown at the ends)
      rff_components    random features of "rff" (random_features.RandomFeatures)
      max_train_windows the nonlinear models train on at most this many windows
      max_iter, tol, random_state   for the PCA iteration; random_state seeds every model

    Learned: ``mean_``, ``scale_`` (standardization), ``components_``, ``explained_variance_``
    (PCA, or None), ``coef_`` (n_targets x n_scores), ``intercept_``, ``alpha_``,
    ``val_scores_`` (alpha -> validation score), ``val_metric_`` ("mae_deg" or "nmae"),
    ``mean_pose_`` (the baseline),
    ``target_min_``/``target_max_`` (training range), ``n_samples_``, ``head_``
    (a nonlinear model, or None), ``n_neighbors_``, ``model_selection_`` ("auto":
    every candidate's score), ``n_features_in_``, ``feature_names_``,
    ``n_channels_``, ``target_names_``, ``target_unit_``, ``sample_rates_``,
    ``trained_on_`` (each training file's name, SHA-256 and the part used).

    >>> import tempfile
    >>> from purepose.data.emg2pose import Dataset
    >>> from purepose.data.synth import make_dataset
    >>> root = tempfile.mkdtemp()
    >>> _ = make_dataset(root, n_sessions=3, seconds=2.0, seed=1, quiet=True)
    >>> ds = Dataset(root)
    >>> model = PoseRegressor().fit(ds.select(split="train"), val_sessions=ds.select(split="val"))
    >>> len(model.coef_), model.n_features_in_, model.target_unit_
    (20, 192, 'rad')
    >>> from purepose.pose.evaluation import evaluate
    >>> result = evaluate(model, ds.select(split="test"))
    >>> result.reports["model"].mae_deg < result.reports["mean pose"].mae_deg
    True
    >>> PoseRegressor(n_lags=-1).fit([])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PoseRegressor: n_lags=-1 must be an integer in [0, 64]
    """

    PARAMS: tuple[str, ...]  # the hyper-parameters' names (set below the class)

    def __init__(
        self,
        *,
        window_ms: float | None = 100.0,
        hop_ms: float | None = 20.0,
        window: int | None = None,
        hop: int | None = None,
        features: Sequence[str] = DEFAULT_FEATURES,
        threshold: float = 0.0,
        n_lags: int = 2,
        lag_step: int = 2,
        model: str = "ridge",
        n_components: int | str | None = "auto",
        alpha: float = 1.0,
        alphas: Sequence[float] | None = None,
        smoothing: float | None = None,
        label: str = "end",
        normalize: str = "global",
        hidden_layer_sizes: Sequence[int] = (128,),
        learning_rate_init: float = 3e-3,
        max_epochs: int = 100,
        neighbors: Sequence[int] | None = None,
        rff_components: int = 300,
        max_train_windows: int = MAX_TRAIN_WINDOWS,
        max_iter: int = 1000,
        tol: float = 1e-10,
        random_state: int | None = 0,
    ) -> None:
        self.window_ms = window_ms
        self.hop_ms = hop_ms
        self.window = window
        self.hop = hop
        self.features = features
        self.threshold = threshold
        self.n_lags = n_lags
        self.lag_step = lag_step
        self.model = model
        self.n_components = n_components
        self.alpha = alpha
        self.alphas = alphas
        self.smoothing = smoothing
        self.label = label
        self.normalize = normalize
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate_init = learning_rate_init
        self.max_epochs = max_epochs
        self.neighbors = neighbors
        self.rff_components = rff_components
        self.max_train_windows = max_train_windows
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # -- parameters ---------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters as a JSON-ready dict."""
        params = {name: getattr(self, name) for name in self.PARAMS}
        params["features"] = list(params["features"])
        params["hidden_layer_sizes"] = list(params["hidden_layer_sizes"])
        for name, kind in (("alphas", float), ("neighbors", int)):
            if params[name] is not None:
                params[name] = [kind(v) for v in params[name]]
        return params

    def config(self) -> FeatureConfig:
        """The windows and features this model uses (validated)."""
        config = FeatureConfig(
            window_ms=self.window_ms,
            hop_ms=self.hop_ms,
            window=self.window,
            hop=self.hop,
            features=tuple(self.features),
            threshold=float(self.threshold),
            n_lags=self.n_lags,
            lag_step=self.lag_step,
            label=self.label,
            normalize=self.normalize,
        )
        config.validate()
        return config

    def check_params(self) -> FeatureConfig:
        """Validate every hyper-parameter (one-line errors); return the feature config."""
        config = self.config()
        _check_alpha(self.alpha, "alpha=")
        for a in self.alphas or ():
            _check_alpha(a, "alphas contains ")
        if self.smoothing is not None and not (
            isinstance(self.smoothing, int | float) and 0.0 < self.smoothing <= 1.0
        ):
            raise PureposeError(f"PoseRegressor: smoothing={self.smoothing!r} must lie in (0, 1]")
        nc = self.n_components
        if nc not in (None, "auto") and (
            isinstance(nc, bool) or not isinstance(nc, int) or nc < 1
        ):
            raise PureposeError(
                f"PoseRegressor: n_components={nc!r} must be None, 'auto' or an int >= 1"
            )
        if self.model not in (*MODELS, AUTO):
            raise PureposeError(
                f"PoseRegressor: model={self.model!r} must be one of {', '.join(MODELS)} or auto"
            )
        for k in self.neighbors or ():
            if isinstance(k, bool) or not isinstance(k, int) or k < 1:
                raise PureposeError(f"PoseRegressor: neighbors contains {k!r}; each must be >= 1")
        for name in ("max_epochs", "rff_components", "max_train_windows"):
            check_positive_int(getattr(self, name), name, "PoseRegressor")
        return config

    def head_config(self) -> HeadConfig:
        """What the nonlinear heads need (purepose.pose.heads)."""
        return HeadConfig(
            hidden_layer_sizes=tuple(self.hidden_layer_sizes),
            learning_rate_init=self.learning_rate_init,
            max_epochs=self.max_epochs,
            rff_components=self.rff_components,
            random_state=self.random_state,
        )

    def n_scores(self, n_features: int) -> int | None:
        """The PCA dimension: ``n_components``, or for "auto" none for ridge, else <= 32."""
        if self.n_components == "auto":
            return None if self.model == "ridge" else min(AUTO_COMPONENTS, n_features)
        return self.n_components  # type: ignore[return-value]

    # -- fitting ------------------------------------------------------------

    def fit(
        self,
        sources: Iterable[SourceLike],
        *,
        val_sessions: Iterable[SourceLike] | None = None,
        n_jobs: int = 1,
        quiet: bool = True,
    ) -> PoseRegressor:
        """Fit on training sources (paths, Sources, Recordings); choose alpha on ``val_sessions``.

        See the module docstring for the steps. With ``n_jobs > 1`` sources
        are featurized in worker processes and their statistics merged in
        order, so the result is identical to ``n_jobs=1``.
        """
        config = self.check_params()
        train = [as_source(s) for s in sources]
        val = [as_source(s) for s in val_sessions or ()]
        if not train:
            raise PureposeError("PoseRegressor.fit: no training sources given")
        if self.model == AUTO:  # every model and normalisation; the best on val
            best = fit_auto(self, train, val, n_jobs=n_jobs, quiet=quiet)
            vars(self).update(vars(best))
            return self
        self.model_selection_ = None
        acc, val_feats, rows = self._statistics(train, val, config, n_jobs, quiet)  # 1
        self._standardize(acc)  # 2
        self._project(acc)  # 3
        self._fold_projection()
        self.mean_pose_ = acc.y_mean()
        trained_files = {s.path for s in train}
        other_val = [v for v in val if v.path not in trained_files]
        val_feats += self._validation_features(other_val, config, n_jobs, quiet)
        if self.model == "ridge":  # 4, 5: every alpha from the one pass of statistics
            path = self._ridge_path(acc)
            self.alpha_, self.val_scores_ = self._choose_alpha(path, val_feats)
            self.coef_, self.intercept_ = path(self.alpha_)
            self.head_, self.n_neighbors_ = None, None
        else:  # 4, 5: a nonlinear head on the (thinned) standardized rows
            self._fit_head(rows, val_feats, quiet)
        self._fold()  # 6
        return self

    def _fit_head(
        self, rows: tuple[Matrix, Matrix], val_feats: list[SessionFeatures], quiet: bool
    ) -> None:
        X, Y = rows
        step = -(-len(X) // self.max_train_windows)  # ceil: evenly spaced, at most the limit
        Z = self.transform(X[::step])
        val_Z = [self.transform(f.X) for f in val_feats]
        grid = grid_for(self.model, self.neighbors if self.model == "knn" else self.alphas)

        def score(predictions: Matrix) -> float:  # concatenated validation windows
            parts, start = [], 0
            for z in val_Z:
                parts.append(predictions[start : start + len(z)])
                start += len(z)
            return self._score(val_feats, parts)

        log(f"fit: {self.model} head on {len(Z)} training windows", quiet=quiet)
        head, value, self.val_scores_ = fit_head(
            self.model,
            Z,
            Y[::step],
            [z for zs in val_Z for z in zs],
            [y for f in val_feats for y in f.Y],
            score,
            self.head_config(),
            grid,
            quiet,
        )
        self.head_ = head
        self.n_neighbors_ = value if self.model == "knn" else None
        self.alpha_ = None if self.model == "knn" else value
        self.coef_ = self.intercept_ = None

    def _statistics(
        self,
        train: list[Source],
        val: list[Source],
        config: FeatureConfig,
        n_jobs: int,
        quiet: bool,
    ) -> tuple[NormalEquations, list[SessionFeatures], tuple[Matrix, Matrix] | None]:
        """Normal equations of the training windows, their rows for a nonlinear head, and
        the validation windows of the same files (purepose.pose.training)."""
        part = gather(train, val, config, self.model != "ridge", n_jobs, quiet)
        self._set_layout(part.layouts, config)
        self.target_min_, self.target_max_ = part.target_min, part.target_max
        acc = part.statistics
        if acc.n_samples < 2:
            raise PureposeError(
                f"PoseRegressor.fit: {acc.n_samples} training window(s); need >= 2"
            )
        self.n_samples_ = acc.n_samples
        return acc, [self.scored_windows(f, f.mask()) for f in part.val_feats], part.rows

    def _set_layout(self, layouts: list[Layout], config: FeatureConfig) -> None:
        first = common_layout(layouts, short)
        self.n_channels_ = first.n_channels
        self.target_names_ = list(first.target_names)
        self.target_unit_ = first.target_unit
        self.zero_is_rest_ = first.zero_is_rest
        self.sample_rates_ = sorted({lay.sample_rate for lay in layouts})
        self.trained_on_ = [lay.source for lay in layouts]
        self.n_features_in_ = config.n_features(self.n_channels_)
        self.feature_names_ = config.feature_names(self.n_channels_)

    def _standardize(self, acc: NormalEquations) -> None:
        self.mean_, self.scale_ = standardizer(acc)

    def _project(self, acc: NormalEquations) -> None:
        k = self.n_scores(acc.n_features)
        if k is None:
            self.components_ = self.explained_variance_ = None
            return
        if k > acc.n_features:
            raise PureposeError(
                f"PoseRegressor.fit: n_components={k} exceeds n_features={acc.n_features}"
            )
        self.components_, self.explained_variance_ = principal_axes(
            acc,
            self.scale_,
            k,
            approximate=self.n_components == "auto",
            max_iter=self.max_iter,
            tol=self.tol,
            random_state=self.random_state,
        )

    def _ridge_path(self, acc: NormalEquations) -> Callable[[float], tuple[Matrix, Vector]]:
        """alpha -> (coef, intercept) of ridge on the standardized (projected) features."""
        return ridge_solver(acc, self.scale_, self.components_)

    def _validation_features(
        self, val: list[Source], config: FeatureConfig, n_jobs: int, quiet: bool
    ) -> list[SessionFeatures]:
        tasks = [(s, config) for s in val]
        feats = []
        with Progress(len(tasks), "featurize validation data", quiet=quiet) as progress:
            for f, layout in map_ordered(features_task, tasks, n_jobs, progress):
                self.check_layout(layout.n_channels, layout.target_names, layout.source["name"])
                feats.append(self.scored_windows(f, f.mask()))
        return feats

    def scored_windows(self, feats: SessionFeatures, mask: list[bool]) -> SessionFeatures:
        """The windows to score: those of ``mask``, or all when smoothing links neighbours.

        Without smoothing each window's prediction depends on its own features
        only, so the others need not be predicted at all.
        """
        return feats if self.smoothing is not None else feats.subset(mask)

    def _choose_alpha(
        self, path, val_feats: list[SessionFeatures]
    ) -> tuple[float, dict[str, float]]:
        """Step 5: the alpha with the best validation score, the grid grown at its ends."""
        if not val_feats:
            return float(self.alpha), {}

        def score_of(alpha: float) -> float:
            A, b = self._linear_map(*path(alpha))
            return self._score(val_feats, [apply_affine(f.X, A, b) for f in val_feats])

        return search(grid_for("ridge", self.alphas), score_of, "ridge alpha")

    @property
    def val_metric_(self) -> str:
        """The validation score: "mae_deg" for joint angles in radians, "nmae" otherwise."""
        return "mae_deg" if self.target_unit_ == "rad" else "nmae"

    def _score(self, feats: list[SessionFeatures], predictions: list[Matrix]) -> float:
        """The score ``val_metric_`` of one prediction per session (smoothed, then masked)."""
        acc = TargetAccumulator(len(self.target_names_))
        for f, pred in zip(feats, predictions, strict=True):
            acc.update(f.Y, self._smooth(pred), f.mask())
        if self.val_metric_ == "mae_deg":
            return math.degrees(math.fsum(acc.abs_sums()) / (acc.n_frames * acc.n_targets))
        report = acc.report(self.target_names_, self.target_unit_)
        return report.nmae if report.nmae is not None else report.mae_mean

    # -- prediction ---------------------------------------------------------

    def _linear_map(self, coef: Matrix, intercept: Vector) -> tuple[Matrix, Vector]:
        """Fold standardization and PCA into one affine map on raw features: y = A x + c."""
        return fold(coef, intercept, self.components_, scale=self.scale_, mean=self.mean_)

    def _fold_projection(self) -> None:
        """Standardization and PCA as one affine map, z = P x + p: what a head sees."""
        n_scores = len(self.scale_) if self.components_ is None else len(self.components_)
        identity = [[float(i == j) for j in range(n_scores)] for i in range(n_scores)]
        self._P, self._p = self._linear_map(identity, [0.0] * n_scores)

    def _fold(self) -> None:
        """Step 6: one affine map for prediction (ridge) or for the head's input (the others)."""
        self._fold_projection()
        if self.head_ is None:
            self._A, self._b = self._linear_map(self.coef_, self.intercept_)

    def check_fitted(self) -> None:
        """Raise NotFittedError unless the model was fitted or loaded."""
        if not hasattr(self, "head_"):
            raise NotFittedError("PoseRegressor: not fitted yet; call fit() or load() first")

    def transform(self, X: Matrix) -> Matrix:
        """The rows a head sees: z = W ((x - mean) / scale), W the PCA components (or none)."""
        return apply_affine(X, self._P, self._p)

    def check_layout(self, n_channels: int, target_names: Sequence[str] | None, name: str) -> None:
        """Refuse a recording whose channels or targets differ from the training data's."""
        if n_channels != self.n_channels_:
            raise PureposeError(
                f"{name}: {n_channels} EMG channels, the model was trained on {self.n_channels_}"
            )
        if (
            target_names is not None
            and len(target_names)
            and list(target_names) != self.target_names_
        ):
            raise PureposeError(
                f"{name}: targets {short(target_names)} differ from the model's "
                f"{short(self.target_names_)}"
            )

    def _smooth(self, Y: Matrix) -> Matrix:
        s = self.smoothing
        return ema(Y, s) if s is not None and s < 1.0 and Y else Y

    def predict_features(self, X: Matrix) -> Matrix:
        """Targets (n_windows x n_targets) from already-computed feature rows (no smoothing)."""
        self.check_fitted()
        if X and len(X[0]) != self.n_features_in_:
            raise PureposeError(
                f"PoseRegressor.predict_features: X has {len(X[0])} features, "
                f"the model expects {self.n_features_in_}"
            )
        return self._predict_rows(X)

    def _predict_rows(self, X: Matrix) -> Matrix:
        if self.head_ is None:
            return apply_affine(X, self._A, self._b)
        return self.head_.predict(self.transform(X))

    def featurize(self, source: SourceLike) -> SessionFeatures:
        """The model's windows, features, targets and masks for one source."""
        self.check_fitted()
        if isinstance(source, Recording):
            return self._featurize(as_source(source), source)
        src = as_source(source)
        with src.open() as rec:
            return self._featurize(src, rec)

    def _featurize(self, src: Source, rec: Recording) -> SessionFeatures:
        self.check_layout(rec.n_channels, rec.target_names if rec.n_targets else None, rec.name)
        return featurize(src, self.config(), recording=rec)

    def predict_windows(self, feats: SessionFeatures) -> Prediction:
        """Predictions for already-featurized windows (with the model's smoothing)."""
        self.check_fitted()
        if feats.X and len(feats.X[0]) != self.n_features_in_:
            raise PureposeError(
                f"{feats.name}: {len(feats.X[0])} features per window, "
                f"the model expects {self.n_features_in_} (different channel count?)"
            )
        warn_unlike_training(feats, self.mean_, self.scale_)
        values = self._smooth(self._predict_rows(feats.X))
        check_predictions(
            feats.name, values, (self.target_min_, self.target_max_), self.target_unit_
        )
        return Prediction(feats.time, values)

    def predict(self, source: SourceLike) -> Prediction:
        """Per-window label times and predicted targets for one recording."""
        return self.predict_windows(self.featurize(source))

    def to_dict(self) -> dict[str, Any]:
        """All hyper-parameters and learned numbers, JSON-ready."""
        from .model_json import model_to_dict

        self.check_fitted()
        return model_to_dict(self)

    def save(self, path: PathLike) -> Any:
        """Write the model as readable JSON, atomically (never pickle)."""
        import json

        text = json.dumps(self.to_dict(), indent=1, allow_nan=False)
        return atomic_write_text(path, text + "\n")

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "model") -> PoseRegressor:
        """Rebuild a fitted model, validating every field (clear error on the first bad one)."""
        from .model_json import model_from_dict

        model = model_from_dict(cls, data, source)
        model._fold()
        return model

    @classmethod
    def load(cls, path: PathLike) -> PoseRegressor:
        """Read a model saved by :meth:`save` (size-checked, strict JSON: ``_util.load_json``)."""
        return cls.from_dict(load_json(path, "model file"), source=str(path))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != _DEFAULTS.get(k)}
        return f"PoseRegressor({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


PoseRegressor.PARAMS = tuple(inspect.signature(PoseRegressor.__init__).parameters)[1:]
_DEFAULTS = PoseRegressor().get_params()


def _check_alpha(a: Any, what: str) -> None:
    if isinstance(a, bool) or not isinstance(a, int | float) or not (math.isfinite(a) and a >= 0):
        raise PureposeError(f"PoseRegressor: {what}{a!r} must be a finite number >= 0")
