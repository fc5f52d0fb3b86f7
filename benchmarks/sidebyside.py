"""Side by side: another checkout's purepose against this one, in one process, same inputs.

For a refactor that must not slow anything down (issue 11's "every ratio no
worse"), a benchmark run per tree is at the mercy of the machine's load:
on a shared 2-core machine two runs minutes apart differ by 2x. Here every
round calls each kernel once with the other tree and once with this one
(the order alternating round to round), so load falls on both alike; the
report is the median over rounds of the per-round ratio (this / other) and
each side's minimum. The ratios against numpy and the floor in RESULTS.md
move by exactly this ratio, since numpy and the floor are the same code.

Usage, from the repository root (the other tree's package is imported under
another name, which works because purepose's modules import each other
relatively)::

    mkdir -p /tmp/other && git archive MAIN_COMMIT purepose | tar -x -C /tmp/other
    mv /tmp/other/purepose /tmp/other/purepose_other
    python -m benchmarks.sidebyside /tmp/other --rounds 9 [--only kmeans,pca]
"""

from __future__ import annotations

import argparse
import gc
import importlib
import random
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable
from itertools import repeat
from typing import Any

Matrix = list[list[float]]


def _inputs(seed: int = 0) -> dict[str, Any]:
    rng = random.Random(seed)

    def gauss(n: int, d: int, offset: float = 0.0) -> Matrix:
        return [[rng.gauss(0, 1) + offset for _ in range(d)] for _ in range(n)]

    scales = [0.8**j for j in range(16)]  # a spectrum: PCA converges in ~20 steps, as on EMG
    emg = [[v * s for v, s in zip(row, scales)] for row in gauss(140_000, 16, 0.01)]
    centers = [[rng.uniform(-4, 4) for _ in range(3)] for _ in range(5)]
    scores = [[c + rng.gauss(0, 1.2) for c in centers[rng.randrange(5)]] for _ in range(140_000)]
    M = gauss(256, 256)
    A = [[sum(map(float.__mul__, r, s)) / 256 + (i == j) for j, s in enumerate(M)]
         for i, r in enumerate(M)]  # fmt: skip
    spd = [[(A[i][j] + A[j][i]) / 2 for j in range(256)] for i in range(256)]
    X = [[v + 5.0 for v in row] for row in gauss(5000, 64)]
    W = [[0.1 * ((k * 7 + t) % 5 - 2) for t in range(20)] for k in range(64)]
    Y = [[sum(x[k] * W[k][t] for k in range(64)) + rng.gauss(0, 0.1) for t in range(20)]
         for x in X]  # fmt: skip
    return {
        "emg": emg,
        "scores": scores,
        "init": [scores[i] for i in rng.sample(range(len(scores)), 5)],
        "mm_small": (gauss(200, 64), gauss(64, 20)),
        "mm_large": (gauss(1000, 256), gauss(256, 64)),
        "spd": spd,
        "rhs": [rng.gauss(0, 1) for _ in range(256)],
        "lstsq": (X, Y),
        "v16": (gauss(1, 16)[0], gauss(1, 16)[0]),
        "v4096": (gauss(1, 4096)[0], gauss(1, 4096)[0]),
    }


def _cases(package: str, data: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    L = importlib.import_module(f"{package}.linalg")
    PCA = importlib.import_module(f"{package}.pca").PCA
    KMeans = importlib.import_module(f"{package}.kmeans").KMeans
    LinearRegression = importlib.import_module(f"{package}.regression").LinearRegression

    def dots(a: list[float], b: list[float], calls: int) -> Callable[[], Any]:
        return lambda: deque(map(L.dot, repeat(a, calls), repeat(b, calls)), maxlen=0)

    d = data
    return {
        "dot n=16 (x131072)": dots(*d["v16"], 131072),
        "dot n=4096 (x512)": dots(*d["v4096"], 512),
        "matmul 200x64 @ 64x20": lambda: L.matmul(*d["mm_small"]),
        "matmul 1000x256 @ 256x64": lambda: L.matmul(*d["mm_large"]),
        "covariance 140000x16": lambda: L.covariance(d["emg"]),
        "pca fit_transform 140000x16 k=3": lambda: PCA(n_components=3).fit_transform(d["emg"]),
        "kmeans 140000x3 k=5 10 iter": lambda: KMeans(
            5, init=d["init"], n_init=1, max_iter=10, tol=0.0
        ).fit(d["scores"]),
        "cholesky 256": lambda: L.cholesky(d["spd"]),
        "solve_spd 256": lambda: L.solve_spd(d["spd"], d["rhs"]),
        "lstsq LinearRegression 5000x64 -> 20": lambda: LinearRegression().fit(*d["lstsq"]),
    }


def _clock(fn: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("other", help="a directory holding the other tree as purepose_other/")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--only", default="", help="comma-separated kernel name prefixes")
    args = parser.parse_args(argv)
    sys.path.insert(0, args.other)
    data = _inputs()
    other, this = _cases("purepose_other", data), _cases("purepose", data)
    if args.only:
        keep = tuple(args.only.split(","))
        other = {k: v for k, v in other.items() if k.startswith(keep)}
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in other}
    for r in range(args.rounds):
        for k in other:
            pair = [(0, other[k]), (1, this[k])]
            for side, fn in reversed(pair) if r % 2 else pair:
                times[k][side].append(_clock(fn))
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr, flush=True)
    print(f"Python {sys.version.split()[0]}, {args.rounds} rounds")
    print("| kernel | other (min) | this (min) | median of per-round this/other | min / min |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for k, (a, b) in times.items():
        ratio = statistics.median(y / x for x, y in zip(a, b))
        print(f"| {k} | {min(a) * 1e3:.1f} ms | {min(b) * 1e3:.1f} ms | {ratio:.3f} | "
              f"{min(b) / min(a):.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
