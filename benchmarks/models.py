"""Benchmark cases for the nonlinear models: an MLP epoch and kNN prediction.

Both are raced against their textbook layer, scikit-learn and the CPython
floor (the case's multiply-adds as C-level dots, measured in the same run):

* MLP epoch, one hidden layer (n rows, d inputs, h hidden, k outputs, batches
  of B): forward n h dots of length d and n k of length h; backward, per
  batch, k h dots of length B (W_2's gradient), B h of length k (the hidden
  delta) and h d of length B (W_1's gradient). purepose times
  ``MLPRegressor(max_iter=1).fit`` (one epoch, Adam, ReLU, shuffled), the
  textbook the same with ``algorithm="textbook"``, scikit-learn one
  ``partial_fit`` epoch of its MLPRegressor. The accuracy columns compare
  one epoch with scikit-learn's from the same initial weights and batches.
* kNN prediction (n_train rows, d features, q queries, k neighbours):
  q n dots of length d. purepose times ``KNeighborsRegressor.predict``, the
  textbook ``algorithm="textbook"``, scikit-learn its brute-force predict.
"""

from __future__ import annotations

import random
import warnings
from typing import Any

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
        "mlp": [(2000, 30, 128, 22, 200)],
        "knn": [(5000, 30, 200, 20, 22), (5000, 120, 100, 20, 22)],
    },
    "quick": {
        "mlp": [(120, 6, 16, 4, 50)],
        "knn": [(200, 5, 10, 5, 3)],
    },
}


def timed_with_floor(ctx: Any, fn: Any, segments: Segments) -> tuple[Timing, Timing]:
    """Time ``fn`` and the floor of ``segments`` alternately, one run of each per round.

    On a shared machine the load drifts over a case's minute; alternating the
    two measurements exposes both to the same drift, so their ratio (the
    number this case is about) is fairer than timing one after the other.
    """
    floor = floor_function(segments)
    one = TimingConfig(1, ctx.timing.min_run, 0.0, ctx.timing.gc_enabled)
    pairs = [(measure(fn, one), measure(floor, one)) for _ in range(ctx.timing.repeat)]
    fn_best = min((p[0] for p in pairs), key=lambda t: t.best)
    floor_best = min((p[1] for p in pairs), key=lambda t: t.best)
    n = len(pairs)
    return Timing(fn_best.best, n, fn_best.number), Timing(floor_best.best, n, floor_best.number)


def _rows(rng: random.Random, n: int, d: int) -> list[list[float]]:
    return [[rng.gauss(0.0, 1.0) for _ in range(d)] for _ in range(n)]


def _layout(segments: Segments) -> str:
    merged: dict[int, int] = {}
    for count, length in segments:
        merged[length] = merged.get(length, 0) + count
    terms = sorted(merged.items(), key=lambda lc: -lc[0] * lc[1])
    return " + ".join(f"{c:,} x {length:,}" for length, c in terms)


def mlp_segments(n: int, d: int, h: int, k: int, batch: int) -> Segments:
    """The floor layout of one epoch of a d-h-k network on n rows in batches of ``batch``."""
    sizes = [min(batch, n - s) for s in range(0, n, batch)]
    return [
        (n * h, d),
        (n * k, h),
        *((k * h, b) for b in sizes),
        (n * h, k),
        *((h * d, b) for b in sizes),
    ]


def _one_epoch_like_sklearn(X: Any, Y: Any, h: int, batch: int) -> float:
    """Max |W - W_sklearn| after one epoch from the same initial weights and batch order."""
    import numpy as np
    from sklearn.neural_network import MLPRegressor as SkMLP

    from purepose._util import check_random_state
    from purepose.fast.mlp import MLPRegressor
    from purepose.textbook.mlp import glorot_init

    d, k = len(X[0]), len(Y[0])
    params = dict(hidden_layer_sizes=(h,), max_iter=1, shuffle=False, batch_size=batch)
    ours = MLPRegressor(**params, standardize=False, random_state=0).fit(X, Y)
    W, b = glorot_init([d, h, k], "relu", check_random_state(0, "benchmark"))
    sk = SkMLP(**params)
    Xn, Yn = np.asarray(X), np.asarray(Y)
    sk.partial_fit(Xn, Yn)  # creates the attributes; then restart from our weights
    sk.coefs_ = [np.array(w) for w in W]
    sk.intercepts_ = [np.array(v) for v in b]
    del sk._optimizer  # a fresh Adam, as in a new fit
    sk.partial_fit(Xn, Yn)
    return max(
        float(np.max(np.abs(np.asarray(a) - c)))
        for a, c in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_)
    )


def _epoch(algorithm: str, X: Any, Y: Any, h: int, batch: int) -> Any:
    from purepose.fast.mlp import MLPRegressor

    model = MLPRegressor((h,), max_iter=1, batch_size=batch, algorithm=algorithm)
    return model.fit(X, Y)


def case_mlp_epoch(ctx: Any) -> list[Result]:
    """One training epoch: purepose fast path vs textbook vs scikit-learn vs the floor."""
    import numpy as np
    from sklearn.neural_network import MLPRegressor as SkMLP

    from purepose.errors import ConvergenceWarning

    results = []
    for n, d, h, k, batch in SIZES[ctx.mode]["mlp"]:
        rng = ctx.rng(n + d + h + k)
        X, Y = _rows(rng, n, d), _rows(rng, n, k)
        Xn, Yn = np.asarray(X), np.asarray(Y)

        sk = SkMLP(hidden_layer_sizes=(h,), batch_size=batch, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            segments = mlp_segments(n, d, h, k, batch)
            pp, floor = timed_with_floor(
                ctx, lambda a=(X, Y, h, batch): _epoch("fast", *a), segments
            )
            tb = ctx.time(lambda a=(X, Y, h, batch): _epoch("textbook", *a), budget=0.0)
            npt = ctx.time(lambda sk=sk, Xn=Xn, Yn=Yn: sk.partial_fit(Xn, Yn))
            fast, slow = _epoch("fast", X, Y, h, batch), _epoch("textbook", X, Y, h, batch)
            sk_abs = _one_epoch_like_sklearn(X, Y, h, batch)
        tb_abs = max(
            differences(a, b)[0]
            for a, b in zip(fast.coefs_ + fast.intercepts_, slow.coefs_ + slow.intercepts_)
        )
        result = Result(
            "mlp_epoch",
            f"{n}x{d} -> {h} relu -> {k}, batch {batch}",
            pp,
            numpy=npt,
            textbook=tb,
            madds=segment_madds(segments),
            inner=_layout(segments),
            max_abs_diff=sk_abs,
            notes=[
                "one Adam epoch; numpy = scikit-learn's MLPRegressor.partial_fit (one epoch)",
                f"max abs diff vs scikit-learn after one epoch from the same weights "
                f"{sk_abs:.1e}; fast vs textbook {tb_abs:.1e}",
            ],
        )
        result.floor = floor
        results.append(result)
    return results


def case_knn_predict(ctx: Any) -> list[Result]:
    """kNN prediction (k = 20, uniform): brute path vs textbook vs scikit-learn vs the floor."""
    import numpy as np
    from sklearn.neighbors import KNeighborsRegressor as SkKNN

    from purepose.fast.neighbors import KNeighborsRegressor

    results = []
    for n, d, q, k, t in SIZES[ctx.mode]["knn"]:
        rng = ctx.rng(n + 3 * d + q)
        X, Y, Q = _rows(rng, n, d), _rows(rng, n, t), _rows(rng, q, d)
        fast = KNeighborsRegressor(k).fit(X, Y)
        slow = KNeighborsRegressor(k, algorithm="textbook").fit(X, Y)
        sk = SkKNN(n_neighbors=k, algorithm="brute").fit(np.asarray(X), np.asarray(Y))
        Qn = np.asarray(Q)
        segments: Segments = [(q * n, d)]
        pp, floor = timed_with_floor(ctx, lambda fast=fast, Q=Q: fast.predict(Q), segments)
        tb = ctx.time(lambda slow=slow, Q=Q: slow.predict(Q), budget=0.0)
        npt = ctx.time(lambda sk=sk, Qn=Qn: sk.predict(Qn))
        max_abs, max_rel = differences(fast.predict(Q), sk.predict(Qn))
        same = fast.kneighbors(Q)[1] == slow.kneighbors(Q)[1]
        result = Result(
            "knn_predict",
            f"{n}x{d}, {q} queries, k={k}",
            pp,
            numpy=npt,
            textbook=tb,
            madds=segment_madds(segments),
            inner=_layout(segments),
            max_abs_diff=max_abs,
            max_rel_diff=max_rel,
            notes=[f"predictions vs scikit-learn brute; fast == textbook neighbours: {same}"],
        )
        result.floor = floor
        results.append(result)
    return results


__all__ = ["SIZES", "case_knn_predict", "case_mlp_epoch", "mlp_segments"]
