"""The benchmark cases: purepose against numpy / scikit-learn, the textbook loops and the floor.

Every case function takes a :class:`Context` and returns a list of
:class:`~benchmarks.harness.Result` rows. Inputs are built once per case as
Python lists (purepose's input) and as float64 arrays (numpy's); the numpy
timings exclude that list-to-array conversion, which is reported in the notes
where it matters. Sizes come from ``SIZES[mode]``; ``--quick`` uses tiny ones.

Floors (see :mod:`benchmarks.harness`) count the multiply-adds each kernel
must do, laid out as dots of its natural inner length:

* dot: one dot of the given length per call;
* matmul (m x k)(k x n): m n dots of length k;
* covariance n x d: d (d + 1) / 2 dots of length n (the upper triangle);
* PCA: the covariance, then per subspace iteration p d + p^2 + p^2 dots of
  length d (the block times S, the Rayleigh quotient, re-orthonormalization)
  and 2 p d dots of length p (Ritz vectors), then n k dots of length d for
  the scores;
* k-means: (n_iter + 1) n k dots of length d (every E-step, plus the last one
  that makes labels match the final centers);
* Cholesky n x n: row i needs a dot of length j for every j <= i;
* solve: Cholesky plus two triangular solves (a dot of length i per row);
* least squares: the Gram matrix (d (d + 1) / 2 dots of length n), X^T Y
  (d t dots of length n), a d x d Cholesky and t pairs of triangular solves;
* features: one multiply-add per sample, channel and feature (n_features x
  n_channels dots of length n): a loose floor, since each feature needs a few
  elementwise passes.
"""

from __future__ import annotations

import random
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from purepose.textbook import linalg as textbook_linalg

from . import models
from .harness import (
    Result,
    Segments,
    Timing,
    TimingConfig,
    differences,
    floor_function,
    measure,
    segment_madds,
)

SIZES: dict[str, dict[str, Any]] = {
    "full": {
        "dot": [16, 64, 256, 1024, 4096],
        "dot_madds": 1 << 21,
        "matmul": [(200, 64, 20), (1000, 256, 64)],
        "session_seconds": 70.0,
        "pca_components": 3,
        "kmeans": {"n_clusters": 5, "max_iter": 10},
        "cholesky": [256],
        "lstsq": [(5000, 64, 20)],
        "e2e": {"n_sessions": 6, "seconds": 70.0},
    },
    "quick": {
        "dot": [16, 256],
        "dot_madds": 1 << 14,
        "matmul": [(20, 8, 5)],
        "session_seconds": 2.0,
        "pca_components": 3,
        "kmeans": {"n_clusters": 5, "max_iter": 10},
        "cholesky": [24],
        "lstsq": [(300, 8, 4)],
        "e2e": {"n_sessions": 3, "seconds": 3.0},
    },
}


@dataclass
class Context:
    """What every case needs: sizes, the timing rules, a scratch directory and a cache."""

    mode: str
    timing: TimingConfig
    workdir: Path
    seed: int = 0
    quiet: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, Any]:
        return SIZES[self.mode]

    def rng(self, salt: int = 0) -> random.Random:
        return random.Random(self.seed * 1_000_003 + salt)

    def time(self, fn: Callable[[], Any], *, budget: float | None = None) -> Timing:
        config = self.timing
        if budget is not None:
            config = TimingConfig(config.repeat, config.min_run, budget, config.gc_enabled)
        return measure(fn, config)

    def session_emg(self) -> list[list[float]]:
        """The EMG of one synthetic emg2pose session (140,000 x 16 in full mode), as lists."""
        if "emg" not in self.cache:
            from purepose.data.emg2pose import Session
            from purepose.data.synth import make_session

            seconds = self.sizes["session_seconds"]
            path = make_session(
                self.workdir / "bench-recording-1_right.hdf5", seconds=seconds, seed=self.seed
            )
            with Session(path) as session:
                self.cache["emg"] = session.emg
            self.cache["emg_path"] = str(path)
        return self.cache["emg"]

    def session_scores(self) -> tuple[list[list[float]], list[list[float]]]:
        """The seed's k-means input: 3 PCA scores per EMG row, and 5 k-means++ start centers."""
        if "scores" not in self.cache:
            import numpy as np
            from sklearn.cluster import kmeans_plusplus
            from sklearn.decomposition import PCA

            emg = np.asarray(self.session_emg(), dtype=np.float64)
            scores = PCA(self.sizes["pca_components"]).fit_transform(emg)
            k = self.sizes["kmeans"]["n_clusters"]
            centers, _ = kmeans_plusplus(scores, k, random_state=self.seed)
            self.cache["scores"] = (scores.tolist(), centers.tolist())
        return self.cache["scores"]


def _keeping(fn: Callable[[], Any], store: dict[str, Any]) -> Callable[[], None]:
    """``fn`` that also keeps its last result in ``store["result"]`` (no need to rerun it)."""

    def run() -> None:
        store["result"] = fn()

    return run


def _gaussian_matrix(rng: random.Random, n_rows: int, n_cols: int) -> list[list[float]]:
    return [[rng.gauss(0.0, 1.0) for _ in range(n_cols)] for _ in range(n_rows)]


def _finish(
    ctx: Context,
    result: Result,
    segments: Segments,
) -> Result:
    result.madds = segment_madds(segments)
    result.floor = ctx.time(floor_function(segments))
    return result


def _layout(segments: Segments) -> str:
    """A short description of a floor layout: 'count x length' terms, largest first."""
    merged: dict[int, int] = {}
    for count, length in segments:
        if count > 0 and length > 0:
            merged[length] = merged.get(length, 0) + count
    if len(merged) > 3:
        total = sum(merged.values())
        return f"{total:,} dots of length {min(merged)}..{max(merged)}"
    terms = sorted(merged.items(), key=lambda lc: -lc[0] * lc[1])
    return " + ".join(f"{c:,} x {length:,}" for length, c in terms)


# ---------------------------------------------------------------------------
# dot


def case_dot(ctx: Context) -> list[Result]:
    """``linalg.dot`` vs ``numpy.dot`` on 1-D arrays, per call, driven by ``map`` in C."""
    import numpy as np

    from purepose.fast.linalg import dot

    results = []
    for length in ctx.sizes["dot"]:
        rng = ctx.rng(length)
        a = [rng.gauss(0.0, 1.0) for _ in range(length)]
        b = [rng.gauss(0.0, 1.0) for _ in range(length)]
        an, bn = np.array(a), np.array(b)
        calls = max(64, ctx.sizes["dot_madds"] // length)

        def run(f: Callable[..., Any], x: Any, y: Any, calls: int = calls) -> Callable[[], None]:
            return lambda: deque(map(f, repeat(x, calls), repeat(y, calls)), maxlen=0)

        pp = ctx.time(run(dot, a, b))
        npt = ctx.time(run(np.dot, an, bn))
        segments = [(calls, length)]
        floor = ctx.time(floor_function(segments))
        per_call = [Timing(t.best / calls, t.runs, t.number) for t in (pp, npt, floor)]
        max_abs, max_rel = differences([dot(a, b)], [float(np.dot(an, bn))])
        results.append(
            Result(
                "dot",
                f"n={length}",
                per_call[0],
                numpy=per_call[1],
                floor=per_call[2],
                madds=length,
                inner=f"1 x {length:,}",
                max_abs_diff=max_abs,
                max_rel_diff=max_rel,
                notes=[f"per call; {calls:,} calls per run, driven by map()"],
            )
        )
    return results


# ---------------------------------------------------------------------------
# matmul


def case_matmul(ctx: Context) -> list[Result]:
    """``linalg.matmul`` vs ``A @ B`` vs ``purepose.textbook.linalg.matmul`` (the triple loop)."""
    import numpy as np

    from purepose.fast.linalg import matmul

    results = []
    for m, k, n in ctx.sizes["matmul"]:
        rng = ctx.rng(m * 7 + k * 3 + n)
        A, B = _gaussian_matrix(rng, m, k), _gaussian_matrix(rng, k, n)
        An, Bn = np.array(A), np.array(B)
        pp = ctx.time(lambda A=A, B=B: matmul(A, B))
        npt = ctx.time(lambda An=An, Bn=Bn: An @ Bn)
        tb = ctx.time(lambda A=A, B=B: textbook_linalg.matmul(A, B))
        max_abs, max_rel = differences(matmul(A, B), An @ Bn)
        tb_abs, _ = differences(textbook_linalg.matmul(A, B), An @ Bn)
        segments = [(m * n, k)]
        result = Result(
            "matmul",
            f"{m}x{k} @ {k}x{n}",
            pp,
            numpy=npt,
            textbook=tb,
            inner=_layout(segments),
            max_abs_diff=max_abs,
            max_rel_diff=max_rel,
            notes=[f"textbook max abs diff {tb_abs:.1e}"],
        )
        results.append(_finish(ctx, result, segments))
    return results


# ---------------------------------------------------------------------------
# covariance


def _covariance_segments(n: int, d: int) -> Segments:
    return [(d * (d + 1) // 2, n)]


def case_covariance(ctx: Context) -> list[Result]:
    """``linalg.covariance`` vs ``numpy.cov`` on a raw EMG session (n x 16)."""
    import time

    import numpy as np

    from purepose.fast.linalg import covariance

    X = ctx.session_emg()
    n, d = len(X), len(X[0])
    start = time.perf_counter()
    Xn = np.asarray(X, dtype=np.float64)
    convert = time.perf_counter() - start
    pp = ctx.time(lambda: covariance(X))
    npt = ctx.time(lambda: np.cov(Xn, rowvar=False))
    kept: dict[str, Any] = {}
    tb = ctx.time(_keeping(lambda: textbook_linalg.covariance(X), kept), budget=0.0)
    reference = np.cov(Xn, rowvar=False)
    max_abs, max_rel = differences(covariance(X), reference)
    tb_abs, _ = differences(kept["result"], reference)
    segments = _covariance_segments(n, d)
    result = Result(
        "covariance",
        f"{n}x{d}",
        pp,
        numpy=npt,
        textbook=tb,
        inner=_layout(segments),
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        notes=[
            f"textbook max abs diff {tb_abs:.1e}",
            f"list->array conversion {convert * 1e3:.0f} ms not in numpy time",
        ],
    )
    return [_finish(ctx, result, segments)]


# ---------------------------------------------------------------------------
# PCA


def _align_signs(vectors: Any, reference: Any) -> Any:
    """Flip each row of ``vectors`` to point the same way as the matching reference row."""
    import numpy as np

    V, R = np.asarray(vectors, dtype=float), np.asarray(reference, dtype=float)
    signs = np.where(np.sum(V * R, axis=1) < 0, -1.0, 1.0)
    return V * signs[:, None], signs


def _pca_segments(n: int, d: int, k: int, n_iter: int) -> Segments:
    p = min(d, k + max(k, 5))  # purepose.fast.pca's block size
    per_iteration_d = p * d + 2 * p * p  # S q for each block row, H = Q Z^T, Gram-Schmidt
    per_iteration_p = 2 * p * d  # V = W Q and S V = W Z
    return [
        *_covariance_segments(n, d),
        (n_iter * per_iteration_d, d),
        (n_iter * per_iteration_p, p),
        (n * k, d),  # the scores
    ]


def case_pca(ctx: Context) -> list[Result]:
    """``PCA(n_components=3).fit_transform`` (the seed's step) vs scikit-learn vs textbook.

    The textbook column is the same estimator with ``algorithm="textbook"``.
    """
    import numpy as np
    from sklearn.decomposition import PCA as SkPCA

    from purepose.fast.pca import PCA

    X = ctx.session_emg()
    n, d = len(X), len(X[0])
    k = ctx.sizes["pca_components"]
    Xn = np.asarray(X, dtype=np.float64)
    pp = ctx.time(lambda: PCA(n_components=k).fit_transform(X))
    npt = ctx.time(lambda: SkPCA(k).fit_transform(Xn))
    kept: dict[str, Any] = {}

    def fit_transform_tb() -> PCA:
        model = PCA(n_components=k, algorithm="textbook")
        model.fit_transform(X)
        return model

    tb = ctx.time(_keeping(fit_transform_tb, kept), budget=0.0)

    model = PCA(n_components=k)
    scores = model.fit_transform(X)
    sk = SkPCA(k)
    sk_scores = sk.fit_transform(Xn)
    components, signs = _align_signs(model.components_, sk.components_)
    max_abs, max_rel = differences(np.asarray(scores) * signs, sk_scores)
    comp_abs, _ = differences(components, sk.components_)
    _, var_rel = differences(model.explained_variance_, sk.explained_variance_)
    tb_vectors = kept["result"].components_
    notes = [
        f"scores compared; components max abs diff {comp_abs:.1e}, "
        f"explained variance rel diff {var_rel:.1e}",
        f"purepose subspace iterations n_iter_={model.n_iter_[0]}; "
        f"sklearn svd_solver={sk._fit_svd_solver!r}",
    ]
    tb_aligned, _ = _align_signs(tb_vectors, sk.components_)
    notes.append(
        f"textbook components max abs diff {differences(tb_aligned, sk.components_)[0]:.1e}"
    )
    segments = _pca_segments(n, d, k, model.n_iter_[0])
    result = Result(
        "pca",
        f"{n}x{d}, k={k}",
        pp,
        numpy=npt,
        textbook=tb,
        inner=_layout(segments),
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        notes=notes,
    )
    return [_finish(ctx, result, segments)]


# ---------------------------------------------------------------------------
# k-means


def case_kmeans(ctx: Context) -> list[Result]:
    """``KMeans(5)`` on the PCA scores, same start centers, tol=0, max_iter fixed, n_init=1."""
    import numpy as np
    from sklearn.cluster import KMeans as SkKMeans

    from purepose.fast.kmeans import KMeans

    X, centers = ctx.session_scores()
    n, d = len(X), len(X[0])
    params = ctx.sizes["kmeans"]
    k, max_iter = params["n_clusters"], params["max_iter"]
    Xn, Cn = np.asarray(X), np.asarray(centers)

    def fit_pp() -> KMeans:
        return KMeans(n_clusters=k, init=centers, n_init=1, max_iter=max_iter, tol=0.0).fit(X)

    def fit_sk() -> SkKMeans:
        sk = SkKMeans(n_clusters=k, init=Cn, n_init=1, max_iter=max_iter, tol=0.0)
        return sk.set_params(algorithm="lloyd").fit(Xn)

    pp = ctx.time(fit_pp)
    npt = ctx.time(fit_sk)
    kept: dict[str, Any] = {}

    def fit_tb() -> KMeans:
        return KMeans(
            n_clusters=k, init=centers, n_init=1, max_iter=max_iter, tol=0.0, algorithm="textbook"
        ).fit(X)

    tb = ctx.time(_keeping(fit_tb, kept), budget=0.0)
    model, sk = fit_pp(), fit_sk()
    max_abs, max_rel = differences(model.cluster_centers_, sk.cluster_centers_)
    mismatched = int(np.sum(np.asarray(model.labels_) != sk.labels_))
    inertia_rel = abs(model.inertia_ - sk.inertia_) / sk.inertia_
    tb_model = kept["result"]
    tb_centers, tb_iter = tb_model.cluster_centers_, tb_model.n_iter_
    notes = [
        f"n_iter_ purepose {model.n_iter_}, sklearn {sk.n_iter_}, textbook {tb_iter}; "
        f"{mismatched} labels differ; inertia rel diff {inertia_rel:.1e}",
        f"textbook centers max abs diff {differences(tb_centers, sk.cluster_centers_)[0]:.1e}",
        "floor: every (sample, center) pair of every E-step as one dot of length d; "
        "purepose makes one math.dist call per pair until at most 2% of samples move, "
        "then skips the samples whose Hamerly bound proves the label unchanged",
    ]
    segments = [((model.n_iter_ + 1) * n * k, d)]
    result = Result(
        "kmeans",
        f"{n}x{d}, k={k}, {max_iter} iter",
        pp,
        numpy=npt,
        textbook=tb,
        inner=_layout(segments),
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        notes=notes,
    )
    return [_finish(ctx, result, segments)]


# ---------------------------------------------------------------------------
# Cholesky and solve


def _spd_matrix(rng: random.Random, n: int) -> list[list[float]]:
    """A well-conditioned SPD matrix: M M^T / n + I for a Gaussian M (exactly symmetric)."""
    import numpy as np

    M = np.array(_gaussian_matrix(rng, n, n))
    A = M @ M.T / n + np.eye(n)
    return ((A + A.T) / 2).tolist()


def _cholesky_segments(n: int) -> Segments:
    # Row i: L_ij needs a dot of length j (j < i), the pivot one of length i.
    return [(n - length, length) for length in range(1, n)]


def _triangular_segments(n: int, n_rhs: int = 1) -> Segments:
    return [(n_rhs, length) for length in range(1, n)]


def case_cholesky(ctx: Context) -> list[Result]:
    """``linalg.cholesky`` vs ``numpy.linalg.cholesky`` vs textbook loops."""
    import numpy as np

    from purepose.fast.linalg import cholesky

    results = []
    for n in ctx.sizes["cholesky"]:
        A = _spd_matrix(ctx.rng(n), n)
        An = np.array(A)
        pp = ctx.time(lambda A=A: cholesky(A))
        npt = ctx.time(lambda An=An: np.linalg.cholesky(An))
        tb = ctx.time(lambda A=A: textbook_linalg.cholesky(A))
        max_abs, max_rel = differences(cholesky(A), np.linalg.cholesky(An))
        segments = _cholesky_segments(n)
        result = Result(
            "cholesky",
            f"{n}x{n}",
            pp,
            numpy=npt,
            textbook=tb,
            inner=_layout(segments),
            max_abs_diff=max_abs,
            max_rel_diff=max_rel,
        )
        results.append(_finish(ctx, result, segments))
    return results


def case_solve(ctx: Context) -> list[Result]:
    """``linalg.solve_spd(A, b)`` (Cholesky + 2 triangular solves) vs ``numpy.linalg.solve``."""
    import numpy as np

    from purepose.fast.linalg import solve_spd

    results = []
    for n in ctx.sizes["cholesky"]:
        rng = ctx.rng(n + 1)
        A = _spd_matrix(rng, n)
        b = [rng.gauss(0.0, 1.0) for _ in range(n)]
        An, bn = np.array(A), np.array(b)
        pp = ctx.time(lambda A=A, b=b: solve_spd(A, b))
        npt = ctx.time(lambda An=An, bn=bn: np.linalg.solve(An, bn))
        max_abs, max_rel = differences(solve_spd(A, b), np.linalg.solve(An, bn))
        segments = _cholesky_segments(n) + 2 * _triangular_segments(n)
        result = Result(
            "solve",
            f"{n}x{n}, 1 rhs",
            pp,
            numpy=npt,
            inner=_layout(segments),
            max_abs_diff=max_abs,
            max_rel_diff=max_rel,
            notes=["numpy.linalg.solve is LU (general); purepose uses Cholesky (SPD)"],
        )
        results.append(_finish(ctx, result, segments))
    return results


# ---------------------------------------------------------------------------
# least squares


def case_lstsq(ctx: Context) -> list[Result]:
    """``LinearRegression().fit`` (multi-output, intercept) vs ``numpy.linalg.lstsq`` on [X, 1]."""
    import numpy as np

    from purepose.fast.regression import LinearRegression

    results = []
    for n, d, t in ctx.sizes["lstsq"]:
        rng = ctx.rng(n + d + t)
        # Correlated, offset features, like EMG features: X = G R + offset.
        G = np.array(_gaussian_matrix(rng, n, d))
        R = np.eye(d) + 0.3 * np.array(_gaussian_matrix(rng, d, d))
        Xn = G @ R + 5.0
        Wn = np.array(_gaussian_matrix(rng, d, t))
        Yn = Xn @ Wn + 0.1 * np.array(_gaussian_matrix(rng, n, t)) + 1.0
        X, Y = Xn.tolist(), Yn.tolist()
        A1 = np.hstack([Xn, np.ones((n, 1))])
        pp = ctx.time(lambda X=X, Y=Y: LinearRegression().fit(X, Y))
        npt = ctx.time(lambda A1=A1, Yn=Yn: np.linalg.lstsq(A1, Yn, rcond=None))
        model = LinearRegression().fit(X, Y)
        solution = np.linalg.lstsq(A1, Yn, rcond=None)[0]
        max_abs, max_rel = differences(model.coef_, solution[:d].T)
        b_abs, _ = differences(model.intercept_, solution[d])
        segments = (
            _covariance_segments(n, d)
            + [(d * t, n)]
            + _cholesky_segments(d)
            + 2 * _triangular_segments(d, t)
            + [(t, d)]
        )
        result = Result(
            "lstsq",
            f"{n}x{d} -> {t}",
            pp,
            numpy=npt,
            inner=_layout(segments),
            max_abs_diff=max_abs,
            max_rel_diff=max_rel,
            notes=[
                f"coef_ compared; intercept max abs diff {b_abs:.1e}; "
                f"purepose solver_={model.solver_!r}; numpy lstsq is SVD-based (gelsd)"
            ],
        )
        results.append(_finish(ctx, result, segments))
    return results


# ---------------------------------------------------------------------------
# features


def case_features(ctx: Context) -> list[Result]:
    """``signal.extract_features`` (RMS, MAV, WL, log-power; 200/40) vs numpy cumsum."""
    import numpy as np

    from purepose.signals.features import DEFAULT_FEATURES, extract_features

    from . import npbaseline

    X = ctx.session_emg()
    n, d = len(X), len(X[0])
    Xn = np.asarray(X, dtype=np.float64)
    pp = ctx.time(lambda: extract_features(X))
    npt = ctx.time(lambda: npbaseline.extract_features(Xn))
    F, Fn = np.asarray(extract_features(X)), npbaseline.extract_features(Xn)
    abs_diff = np.abs(F - Fn)
    column_scale = np.max(np.abs(Fn), axis=0)
    max_rel = float(np.max(np.max(abs_diff, axis=0) / np.where(column_scale > 0, column_scale, 1)))
    segments = [(len(DEFAULT_FEATURES) * d, n)]
    result = Result(
        "features",
        f"{n}x{d} -> {F.shape[0]}x{F.shape[1]}",
        pp,
        numpy=npt,
        inner=_layout(segments),
        max_abs_diff=float(np.max(abs_diff)),
        max_rel_diff=max_rel,
        notes=[
            "relative diff per column (features differ in scale); numpy's cumsum "
            "differences cancel, purepose's block sums do not",
            "floor: 1 multiply-add per sample, channel and feature (loose)",
        ],
    )
    return [_finish(ctx, result, segments)]


# ---------------------------------------------------------------------------
# end to end


def case_end_to_end(ctx: Context) -> list[Result]:
    """Synthetic dataset: PoseRegressor fit (alpha on val) + evaluate, vs numpy + scikit-learn."""
    import sklearn.linear_model
    import sklearn.preprocessing  # noqa: F401

    from purepose.data.emg2pose import Dataset
    from purepose.data.synth import make_dataset
    from purepose.pose.evaluation import evaluate
    from purepose.pose.model import DEFAULT_ALPHAS, PoseRegressor

    from . import npbaseline

    params = ctx.sizes["e2e"]
    root = ctx.workdir / "e2e"
    make_dataset(
        root, n_sessions=params["n_sessions"], seconds=params["seconds"], seed=ctx.seed, quiet=True
    )
    ds = Dataset(root)
    train, val, test = ([str(p) for p in ds.select(split=s)] for s in ("train", "val", "test"))

    def run_pp() -> tuple[Any, Any]:
        model = PoseRegressor().fit(train, val_sessions=val)
        return model, evaluate(model, test)

    def run_np() -> npbaseline.PipelineResult:
        return npbaseline.fit_evaluate(train, val, test, DEFAULT_ALPHAS)

    kept_pp: dict[str, Any] = {}
    kept_np: dict[str, Any] = {}
    pp = ctx.time(_keeping(run_pp, kept_pp))
    npt = ctx.time(_keeping(run_np, kept_np))
    model, evaluation = kept_pp["result"]
    baseline = kept_np["result"]
    predictions = [row for path in test for row in model.predict(path).angles]
    max_abs, max_rel = differences(predictions, baseline.test_predictions)
    pp_mae = evaluation.reports["model"].mae_deg
    mean_pose = evaluation.reports["mean pose"].mae_deg
    result = Result(
        "end_to_end",
        f"{params['n_sessions']} sessions x {params['seconds']:g} s",
        pp,
        numpy=npt,
        max_abs_diff=max_abs,
        max_rel_diff=max_rel,
        notes=[
            f"test MAE purepose {pp_mae:.3f} deg (alpha_={model.alpha_:g}), numpy+sklearn "
            f"{baseline.test_mae_deg:.3f} deg (alpha={baseline.alpha:g}); "
            f"mean-pose baseline {mean_pose:.3f} deg",
            f"{len(train)} train / {len(val)} val / {len(test)} test sessions; "
            "test predictions (radians) compared; I/O included in both",
        ],
        extra={
            "mae_purepose_deg": pp_mae,
            "mae_numpy_deg": baseline.test_mae_deg,
            "mae_mean_pose_deg": mean_pose,
            "alpha_purepose": model.alpha_,
            "alpha_numpy": baseline.alpha,
        },
    )
    return [result]


CASES: dict[str, Callable[[Context], list[Result]]] = {
    "dot": case_dot,
    "matmul": case_matmul,
    "covariance": case_covariance,
    "pca": case_pca,
    "kmeans": case_kmeans,
    "cholesky": case_cholesky,
    "solve": case_solve,
    "lstsq": case_lstsq,
    "features": case_features,
    "end_to_end": case_end_to_end,
    "mlp_epoch": models.case_mlp_epoch,
    "knn_predict": models.case_knn_predict,
}


def new_context(mode: str, timing: TimingConfig, workdir: str | None = None, **kw: Any) -> Context:
    """A Context with its own scratch directory (a fresh temporary one by default)."""
    path = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="purepose-bench-"))
    path.mkdir(parents=True, exist_ok=True)
    return Context(mode, timing, path, **kw)


__all__ = ["CASES", "SIZES", "Context", "new_context"]
