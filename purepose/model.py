"""PoseRegressor: EMG windows -> features -> standardize -> (PCA) -> ridge -> targets.

The model, for the window k of a recording (purepose.windows):

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
   equations (:class:`~purepose.regression.NormalEquations`: the centred
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

import hashlib
import math
import multiprocessing
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import chain
from typing import Any, NamedTuple

from ._util import Progress, atomic_write_text, load_json
from .errors import NotFittedError, PureposeError
from .linalg import matmul, matmul_transposed, solve_spd, transpose
from .pca import eigsh_subspace
from .recording import Recording
from .regression import NormalEquations, ridge_path
from .signal import DEFAULT_FEATURES, ema
from .sources import Source, as_source
from .target_metrics import TargetAccumulator
from .types import Matrix, PathLike, Vector
from .windows import FeatureConfig, SessionFeatures, featurize

SourceLike = Source | Recording | PathLike

DEFAULT_ALPHAS = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)
ALPHA_LIMITS = (1e-6, 1e9)
OUTLIER_Z = 50.0
"""A window whose features lie this many training standard deviations away is unlike
the training data: prediction warns."""
"""The grid is extended (by factors of 10) at most to these alphas (step 5)."""


# ---------------------------------------------------------------------------
# Worker tasks: module-level so they pickle; results merge in input order.


def map_ordered(func: Callable[[Any], Any], items: Sequence[Any], n_jobs: int, progress: Progress):
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


class Layout(NamedTuple):
    """What a recording feeds a model: channels, targets, rate, and the file's identity."""

    n_channels: int
    target_names: tuple[str, ...]
    target_unit: str
    zero_is_rest: bool
    sample_rate: float
    source: dict[str, Any]


def file_sha256(path: PathLike) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _featurize_with_layout(src: Source, config: FeatureConfig) -> tuple[SessionFeatures, Layout]:
    """A source's features, and what a model must know of its file: channels, targets, identity."""
    with src.open() as rec:
        feats = featurize(src, config, recording=rec)
        layout = Layout(
            rec.n_channels,
            rec.target_names,
            rec.target_unit,
            rec.zero_is_rest,
            rec.sample_rate,
            {"name": src.path.name, "sha256": file_sha256(src.path), "part": "all"},
        )
    return feats, _with_part(layout, src, feats)


def _with_part(layout: Layout, src: Source, feats: SessionFeatures) -> Layout:
    """The layout whose identity names the repetitions ``src`` uses of the file."""
    reps = src.repetitions(None if feats.repetition is None else set(feats.repetition))
    part = "all" if reps is None else sorted(reps)
    return layout._replace(source={**layout.source, "part": part})


def overlap(trained: dict[str, Any], scored: dict[str, Any]) -> bool:
    """True if two parts of files share samples: the same bytes and a common repetition."""
    if trained.get("sha256") != scored.get("sha256"):
        return False
    a, b = trained.get("part", "all"), scored.get("part", "all")
    return a == "all" or b == "all" or bool(set(a) & set(b))


def _training_rows(src: Source, feats: SessionFeatures) -> tuple[Matrix, Matrix]:
    keep = feats.mask()
    X = [x for x, k in zip(feats.X, keep) if k]
    Y = [y for y, k in zip(feats.Y, keep) if k]
    if not X:
        raise PureposeError(
            f"{src}: none of its {len(keep)} windows can be trained on (all targets invalid, "
            "such as inverse-kinematics failures, or outside the chosen repetitions)"
        )
    return X, Y


def _training_task(
    task: tuple[Source, FeatureConfig, list[Source]],
) -> tuple[NormalEquations, Layout, list[SessionFeatures], tuple[Vector, Vector]]:
    """Statistics of one training source, and the features of validation parts of the same file.

    The file is featurized once: its windows do not depend on which
    repetitions are used, only the selection does.
    """
    src, config, same_file_val = task
    feats, layout = _featurize_with_layout(src, config)
    if not layout.target_names:
        raise PureposeError(f"{src.path}: has no targets to train on")
    X, Y = _training_rows(src, feats)
    val = [feats.select(v) for v in same_file_val]
    columns = list(zip(*Y))
    target_range = ([min(c) for c in columns], [max(c) for c in columns])
    return NormalEquations().update(X, Y), layout, val, target_range


def _features_task(task: tuple[Source, FeatureConfig]) -> tuple[SessionFeatures, Layout]:
    return _featurize_with_layout(*task)


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


_PARAMS = (
    "window_ms",
    "hop_ms",
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
    "normalize",
    "max_iter",
    "tol",
    "random_state",
)


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
      n_components      PCA dimension after standardizing (None: no PCA)
      alpha             ridge penalty when no validation set is given
      alphas            starting grid searched on the validation sources (1e-2 .. 1e4)
      smoothing         EMA factor in (0, 1] applied to predictions (None: off)
      label             'end' (causal) or 'center': which sample of a window is its label
      normalize         'global', or 'session' / 'causal': standardize each recording's
                        features by its own statistics first (windows.standardize_session)
      max_iter, tol, random_state   for the PCA (block power) iteration

    Learned: ``mean_``, ``scale_`` (feature standardization), ``components_``,
    ``explained_variance_`` (PCA, or None), ``coef_`` (n_targets x n_scores),
    ``intercept_``, ``alpha_``, ``val_scores_`` (alpha -> validation score, or
    {}), ``val_metric_`` ("mae_deg" or "nmae"), ``mean_pose_`` (training mean
    of each target: the baseline), ``target_min_``/``target_max_`` (its training
    range, for the plausibility warning), ``n_samples_`` (training windows),
    ``n_features_in_``, ``feature_names_``, ``n_channels_``,
    ``target_names_``, ``target_unit_``, ``sample_rates_``, ``trained_on_``
    (each training file's name, SHA-256 and the part used).

    >>> import tempfile
    >>> from purepose.io import Dataset
    >>> from purepose.synth import make_dataset
    >>> root = tempfile.mkdtemp()
    >>> _ = make_dataset(root, n_sessions=3, seconds=2.0, seed=1, quiet=True)
    >>> ds = Dataset(root)
    >>> model = PoseRegressor().fit(ds.select(split="train"), val_sessions=ds.select(split="val"))
    >>> len(model.coef_), model.n_features_in_, model.target_unit_
    (20, 192, 'rad')
    >>> from purepose.evaluation import evaluate
    >>> result = evaluate(model, ds.select(split="test"))
    >>> result.reports["model"].mae_deg < result.reports["mean pose"].mae_deg
    True
    >>> PoseRegressor(n_lags=-1).fit([])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: PoseRegressor: n_lags=-1 must be an integer in [0, 64]
    """

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
        n_components: int | None = None,
        alpha: float = 1.0,
        alphas: Sequence[float] | None = None,
        smoothing: float | None = None,
        label: str = "end",
        normalize: str = "global",
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
        self.n_components = n_components
        self.alpha = alpha
        self.alphas = alphas
        self.smoothing = smoothing
        self.label = label
        self.normalize = normalize
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    # -- parameters ---------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """Hyper-parameters as a JSON-ready dict."""
        params = {name: getattr(self, name) for name in _PARAMS}
        params["features"] = list(params["features"])
        if params["alphas"] is not None:
            params["alphas"] = [float(a) for a in params["alphas"]]
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

    def _check_params(self) -> FeatureConfig:
        config = self.config()
        _check_alpha(self.alpha, "alpha=")
        for a in self.alphas or ():
            _check_alpha(a, "alphas contains ")
        if self.smoothing is not None and not (
            isinstance(self.smoothing, int | float) and 0.0 < self.smoothing <= 1.0
        ):
            raise PureposeError(f"PoseRegressor: smoothing={self.smoothing!r} must lie in (0, 1]")
        nc = self.n_components
        if nc is not None and (isinstance(nc, bool) or not isinstance(nc, int) or nc < 1):
            raise PureposeError(f"PoseRegressor: n_components={nc!r} must be None or >= 1")
        return config

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
        config = self._check_params()
        train = [as_source(s) for s in sources]
        val = [as_source(s) for s in val_sessions or ()]
        if not train:
            raise PureposeError("PoseRegressor.fit: no training sources given")
        acc, val_feats = self._statistics(train, val, config, n_jobs, quiet)  # 1
        self._standardize(acc)  # 2
        self._project(acc)  # 3
        path = self._ridge_path(acc)  # 4: alpha -> (coef, intercept), grown as step 5 asks
        self.mean_pose_ = acc.y_mean()
        trained_files = {s.path for s in train}
        other_val = [v for v in val if v.path not in trained_files]
        val_feats += self._validation_features(other_val, config, n_jobs, quiet)
        self.alpha_, self.val_scores_ = self._choose_alpha(path, val_feats)  # 5
        self.coef_, self.intercept_ = path(self.alpha_)
        self._fold()  # 6
        return self

    def _statistics(
        self,
        train: list[Source],
        val: list[Source],
        config: FeatureConfig,
        n_jobs: int,
        quiet: bool,
    ) -> tuple[NormalEquations, list[SessionFeatures]]:
        """Normal equations of the training windows, and validation windows of the same files."""
        tasks = [(s, config, [v for v in val if v.path == s.path]) for s in train]
        acc = NormalEquations()
        layouts, val_feats, lows, highs = [], [], [], []
        with Progress(len(tasks), "featurize training data", quiet=quiet) as progress:
            for part, layout, same_file_val, (lo, hi) in map_ordered(
                _training_task, tasks, n_jobs, progress
            ):
                acc = acc.merge(part)
                layouts.append(layout)
                val_feats += [(f.name, f) for f in same_file_val]
                lows.append(lo)
                highs.append(hi)
        self._set_layout(layouts, config)
        self.target_min_ = [min(v) for v in zip(*lows)]
        self.target_max_ = [max(v) for v in zip(*highs)]
        if acc.n_samples < 2:
            raise PureposeError(
                f"PoseRegressor.fit: {acc.n_samples} training window(s); need >= 2"
            )
        self.n_samples_ = acc.n_samples
        return acc, [self.scored_windows(f, f.mask()) for _, f in val_feats]

    def _set_layout(self, layouts: list[Layout], config: FeatureConfig) -> None:
        first = layouts[0]
        for lay in layouts[1:]:
            if (lay.n_channels, lay.target_names) != (first.n_channels, first.target_names):
                raise PureposeError(
                    f"PoseRegressor.fit: {lay.source['name']} has {lay.n_channels} channels and "
                    f"targets {_short(lay.target_names)}; {first.source['name']} has "
                    f"{first.n_channels} and {_short(first.target_names)}"
                )
        self.n_channels_ = first.n_channels
        self.target_names_ = list(first.target_names)
        self.target_unit_ = first.target_unit
        self.zero_is_rest_ = first.zero_is_rest
        self.sample_rates_ = sorted({lay.sample_rate for lay in layouts})
        self.trained_on_ = [lay.source for lay in layouts]
        self.n_features_in_ = config.n_features(self.n_channels_)
        self.feature_names_ = config.feature_names(self.n_channels_)

    def _standardize(self, acc: NormalEquations) -> None:
        n = acc.n_samples
        self.mean_ = acc.x_mean()
        # Constant features get scale 1 (as StandardScaler does) instead of dividing by 0.
        self.scale_ = [math.sqrt(m / n) or 1.0 for m in _diagonal(acc.xtx())]

    def _project(self, acc: NormalEquations) -> None:
        if self.n_components is None:
            self.components_ = self.explained_variance_ = None
            return
        if self.n_components > acc.n_features:
            raise PureposeError(
                f"PoseRegressor.fit: n_components={self.n_components} exceeds "
                f"n_features={acc.n_features}"
            )
        n, inv = acc.n_samples, [1.0 / s for s in self.scale_]
        cov = [[m * a * b / (n - 1) for m, b in zip(row, inv)] for row, a in zip(acc.xtx(), inv)]
        eigvals, eigvecs, _ = eigsh_subspace(
            cov,
            self.n_components,
            max_iter=self.max_iter,
            tol=self.tol,
            random_state=self.random_state,
        )
        self.components_, self.explained_variance_ = eigvecs, eigvals

    def _ridge_path(self, acc: NormalEquations) -> Callable[[float], tuple[Matrix, Vector]]:
        """alpha -> (coef, intercept) of ridge on the standardized (projected) features."""
        cache: dict[float, tuple[Matrix, Vector]] = {}
        if self.components_ is None:

            def solve(alpha: float) -> tuple[Matrix, Vector]:
                if alpha not in cache:
                    ((coef, _),) = ridge_path(acc, [alpha], scale=self.scale_)
                    cache[alpha] = (coef, acc.y_mean())  # centred scores: b = mean(y)
                return cache[alpha]

            return solve
        # Ridge on PCA scores z = W D^-1 (x - mean): Gram W Ms W^T and cross W D^-1 Mxy.
        inv = [1.0 / s for s in self.scale_]
        Ms = [[m * a * b for m, b in zip(row, inv)] for row, a in zip(acc.xtx(), inv)]
        W = self.components_
        gram = matmul_transposed(matmul(W, Ms), W)
        cross = matmul(W, [[v * a for v in row] for row, a in zip(acc.xty(), inv)])

        def solve_scores(alpha: float) -> tuple[Matrix, Vector]:
            if alpha not in cache:
                G = [row[:] for row in gram]
                for i in range(len(G)):
                    G[i][i] += alpha
                cache[alpha] = (transpose(solve_spd(G, cross)), acc.y_mean())
            return cache[alpha]

        return solve_scores

    def _validation_features(
        self, val: list[Source], config: FeatureConfig, n_jobs: int, quiet: bool
    ) -> list[SessionFeatures]:
        tasks = [(s, config) for s in val]
        feats = []
        with Progress(len(tasks), "featurize validation data", quiet=quiet) as progress:
            for f, layout in map_ordered(_features_task, tasks, n_jobs, progress):
                self._check_layout(layout.n_channels, layout.target_names, layout.source["name"])
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
        if not val_feats:
            return float(self.alpha), {}
        grid = sorted(float(a) for a in (self.alphas or DEFAULT_ALPHAS))
        scores: dict[float, float] = {}
        while True:
            for alpha in grid:
                if alpha not in scores:
                    scores[alpha] = self.validation_score(val_feats, *path(alpha))
            alphas = sorted(scores)
            best = min(alphas, key=lambda a: (scores[a], -a))
            lo, hi = ALPHA_LIMITS
            if best == alphas[-1] and best * 10 <= hi * (1 + 1e-9):
                grid = [best * 10.0]
            elif best == alphas[0] and best / 10 >= lo * (1 - 1e-9):
                grid = [best / 10.0]
            else:
                break
        if best in (alphas[0], alphas[-1]) and len(alphas) > 1:
            warnings.warn(
                f"PoseRegressor: the best ridge alpha {best:g} is at the limit of the search "
                f"({alphas[0]:g} .. {alphas[-1]:g})",
                stacklevel=3,
            )
        return best, {repr(a): scores[a] for a in alphas}

    @property
    def val_metric_(self) -> str:
        """The validation score: "mae_deg" for joint angles in radians, "nmae" otherwise."""
        return "mae_deg" if self.target_unit_ == "rad" else "nmae"

    def validation_score(
        self, feats: list[SessionFeatures], coef: Matrix, intercept: Vector
    ) -> float:
        """The score ``val_metric_`` of one (coef, intercept) on validation features."""
        A, b = self._linear_map(coef, intercept)
        acc = TargetAccumulator(len(self.target_names_))
        for f in feats:
            acc.update(f.Y, self._smooth(_apply_linear(f.X, A, b)), f.mask())
        if self.val_metric_ == "mae_deg":
            return math.degrees(math.fsum(acc.abs_sums()) / (acc.n_frames * acc.n_targets))
        report = acc.report(self.target_names_, self.target_unit_)
        return report.nmae if report.nmae is not None else report.mae_mean

    # -- prediction ---------------------------------------------------------

    def _linear_map(self, coef: Matrix, intercept: Vector) -> tuple[Matrix, Vector]:
        """Fold standardization and PCA into one affine map on raw features: y = A x + c."""
        B = coef if self.components_ is None else matmul(coef, self.components_)
        A = [[v / s for v, s in zip(row, self.scale_)] for row in B]
        try:
            c = [
                k - math.fsum(a * m for a, m in zip(row, self.mean_))
                for row, k in zip(A, intercept)
            ]
        except OverflowError:
            raise PureposeError(
                "PoseRegressor: the coefficients are too large to compute with (the folded "
                "intercept overflows)"
            ) from None
        if not all(map(math.isfinite, chain(c, chain.from_iterable(A)))):
            raise PureposeError("PoseRegressor: the coefficients are too large to compute with")
        return A, c

    def _fold(self) -> None:
        self._A, self._b = self._linear_map(self.coef_, self.intercept_)

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("PoseRegressor: not fitted yet; call fit() or load() first")

    def _check_layout(
        self, n_channels: int, target_names: Sequence[str] | None, name: str
    ) -> None:
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
                f"{name}: targets {_short(target_names)} differ from the model's "
                f"{_short(self.target_names_)}"
            )

    def _smooth(self, Y: Matrix) -> Matrix:
        s = self.smoothing
        return ema(Y, s) if s is not None and s < 1.0 and Y else Y

    def predict_features(self, X: Matrix) -> Matrix:
        """Targets (n_windows x n_targets) from already-computed feature rows (no smoothing)."""
        self._check_fitted()
        if X and len(X[0]) != self.n_features_in_:
            raise PureposeError(
                f"PoseRegressor.predict_features: X has {len(X[0])} features, "
                f"the model expects {self.n_features_in_}"
            )
        return _apply_linear(X, self._A, self._b)

    def featurize(self, source: SourceLike) -> SessionFeatures:
        """The model's windows, features, targets and masks for one source."""
        self._check_fitted()
        if isinstance(source, Recording):
            return self._featurize(as_source(source), source)
        src = as_source(source)
        with src.open() as rec:
            return self._featurize(src, rec)

    def _featurize(self, src: Source, rec: Recording) -> SessionFeatures:
        self._check_layout(rec.n_channels, rec.target_names if rec.n_targets else None, rec.name)
        return featurize(src, self.config(), recording=rec)

    def predict_windows(self, feats: SessionFeatures) -> Prediction:
        """Predictions for already-featurized windows (with the model's smoothing)."""
        self._check_fitted()
        if feats.X and len(feats.X[0]) != self.n_features_in_:
            raise PureposeError(
                f"{feats.name}: {len(feats.X[0])} features per window, "
                f"the model expects {self.n_features_in_} (different channel count?)"
            )
        self._check_inputs(feats)
        values = self._smooth(_apply_linear(feats.X, self._A, self._b))
        self._check_predictions(feats.name, values)
        return Prediction(feats.time, values)

    def _check_inputs(self, feats: SessionFeatures) -> None:
        """Warn when windows are far outside the training data (z beyond ``OUTLIER_Z``)."""
        if not feats.X:
            return
        low = [m - OUTLIER_Z * s for m, s in zip(self.mean_, self.scale_)]
        high = [m + OUTLIER_Z * s for m, s in zip(self.mean_, self.scale_)]
        columns = list(zip(*feats.X))  # min/max per column in C first; rows only if needed
        if all(min(c) >= a and max(c) <= b for c, a, b in zip(columns, low, high)):
            return
        inv = [1.0 / s for s in self.scale_]
        z = [max(abs((v - m) * i) for v, m, i in zip(row, self.mean_, inv)) for row in feats.X]
        count, worst = sum(v > OUTLIER_Z for v in z), max(z)
        if count:
            warnings.warn(
                f"{feats.name}: {count} of {len(feats.X)} windows have features up to "
                f"{worst:.3g} training standard deviations from the training mean: the EMG "
                "is unlike the training data (wrong units, a loose electrode?)",
                stacklevel=3,
            )

    def _check_predictions(self, name: str, values: Matrix) -> None:
        """Refuse non-finite predictions; warn when they leave the possible range of a target.

        The possible range: the training range widened by its own width on each
        side, and for joint angles in radians never beyond +-pi.
        """
        for i, row in enumerate(values):
            if not all(map(math.isfinite, row)):
                raise PureposeError(
                    f"{name}: the prediction of window {i} is not finite ({_short(row)}): "
                    "the model or the input holds numbers too large to compute with"
                )
        lo = [a - (b - a) for a, b in zip(self.target_min_, self.target_max_)]
        hi = [b + (b - a) for a, b in zip(self.target_min_, self.target_max_)]
        if self.target_unit_ == "rad":
            lo = [max(v, -math.pi) for v in lo]
            hi = [min(v, math.pi) for v in hi]
        outside = sum(any(v < a or v > b for v, a, b in zip(row, lo, hi)) for row in values)
        if outside:
            warnings.warn(
                f"{name}: {outside} of {len(values)} predictions leave the possible range of "
                "the targets (the training range widened by its width"
                + (", and +-pi for angles)" if self.target_unit_ == "rad" else ")"),
                stacklevel=3,
            )

    def predict(self, source: SourceLike) -> Prediction:
        """Per-window label times and predicted targets for one recording."""
        return self.predict_windows(self.featurize(source))

    # -- persistence --------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """All hyper-parameters and learned numbers, JSON-ready."""
        from .model_json import model_to_dict

        self._check_fitted()
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

        return model_from_dict(cls, data, source)

    @classmethod
    def load(cls, path: PathLike) -> PoseRegressor:
        """Read a model saved by :meth:`save` (size-checked, strict JSON: ``_util.load_json``)."""
        return cls.from_dict(load_json(path, "model file"), source=str(path))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != _DEFAULTS.get(k)}
        return f"PoseRegressor({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


_DEFAULTS = PoseRegressor().get_params()


def _check_alpha(a: Any, what: str) -> None:
    if isinstance(a, bool) or not isinstance(a, int | float) or not (math.isfinite(a) and a >= 0):
        raise PureposeError(f"PoseRegressor: {what}{a!r} must be a finite number >= 0")


def _diagonal(M: Matrix) -> Vector:
    return [row[i] for i, row in enumerate(M)]


def _short(names: Sequence[str]) -> str:
    names = list(names)
    return f"{names[0]}..{names[-1]} ({len(names)})" if len(names) > 2 else str(names)


def _apply_linear(X: Matrix, A: Matrix, b: Vector) -> Matrix:
    """Rows of ``X A^T + b``."""
    return [[v + c for v, c in zip(row, b)] for row in matmul_transposed(X, A)] if X else []
