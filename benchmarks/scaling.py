"""How cost grows: time vs n_samples and n_features, and fit memory vs the number of sessions.

Scaling: for covariance and least squares, time purepose at a geometric grid
of sizes and fit the log-log slope ``log t = s log size + c`` by least squares.
Next to it stand the exponent of the O() term (1 in n_samples, 2 in
n_features) and the slope of the case's multiply-add count over the same grid,
which is what the exponent looks like at these sizes, where lower-order terms
(centering is O(n d); least squares' X^T Y is O(n d t)) still weigh.

Memory: ``PoseRegressor().fit`` on 1, 2, 4, 8 sessions, each in a fresh
subprocess (:mod:`benchmarks.memprobe`, peak RSS). Training streams session by
session into mergeable normal equations, so the peak should not grow with the
count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cases import Context

SCALING: dict[str, dict[str, Any]] = {
    "full": {
        "covariance_n": {"n": [5000, 10000, 20000, 40000, 80000], "d": 16},
        "covariance_d": {"n": 20000, "d": [4, 8, 16, 32, 64]},
        "lstsq_n": {"n": [2000, 4000, 8000, 16000, 32000], "d": 32, "t": 20},
        "lstsq_d": {"n": 4000, "d": [8, 16, 32, 64, 128], "t": 20},
        "memory": {"sessions": [1, 2, 4, 8], "seconds": 20.0},
    },
    "quick": {
        "covariance_n": {"n": [500, 1000, 2000], "d": 8},
        "covariance_d": {"n": 1000, "d": [4, 8, 16]},
        "lstsq_n": {"n": [200, 400, 800], "d": 8, "t": 4},
        "lstsq_d": {"n": 400, "d": [4, 8, 16], "t": 4},
        "memory": {"sessions": [1, 2], "seconds": 1.0},
    },
}


def loglog_slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    import numpy as np

    slope, _ = np.polyfit(np.log(xs), np.log(ys), 1)
    return float(slope)


def _covariance_madds(n: int, d: int) -> int:
    return n * d * (d + 1) // 2


def _lstsq_madds(n: int, d: int, t: int) -> int:
    return n * d * (d + 1) // 2 + n * d * t + d**3 // 6 + 2 * d * d * t


def _series(
    ctx: Context,
    name: str,
    variable: str,
    values: list[int],
    make: Callable[[int], Callable[[], Any]],
    madds: Callable[[int], int],
    exponent: int,
) -> dict[str, Any]:
    times = []
    for v in values:
        times.append(ctx.time(make(v)).best)
    return {
        "kernel": name,
        "variable": variable,
        "values": values,
        "seconds": times,
        "slope": loglog_slope(values, times),
        "big_o_exponent": exponent,
        "madds_slope": loglog_slope(values, [madds(v) for v in values]),
    }


def _matrix(seed: int, n: int, d: int) -> list[list[float]]:
    import numpy as np

    return np.random.default_rng(seed).standard_normal((n, d)).tolist()


def run_scaling(ctx: Context) -> list[dict[str, Any]]:
    """The four scaling series: covariance and least squares, in n and in d."""
    from purepose.fast.linalg import covariance
    from purepose.fast.regression import LinearRegression

    grid = SCALING[ctx.mode]
    out = []

    cn = grid["covariance_n"]

    def cov_n(n: int) -> Callable[[], Any]:
        X = _matrix(1, n, cn["d"])
        return lambda: covariance(X)

    out.append(
        _series(
            ctx,
            "covariance",
            f"n_samples (d={cn['d']})",
            cn["n"],
            cov_n,
            lambda n: _covariance_madds(n, cn["d"]),
            1,
        )
    )

    cd = grid["covariance_d"]

    def cov_d(d: int) -> Callable[[], Any]:
        X = _matrix(2, cd["n"], d)
        return lambda: covariance(X)

    out.append(
        _series(
            ctx,
            "covariance",
            f"n_features (n={cd['n']})",
            cd["d"],
            cov_d,
            lambda d: _covariance_madds(cd["n"], d),
            2,
        )
    )

    ln = grid["lstsq_n"]

    def ls_n(n: int) -> Callable[[], Any]:
        X, Y = _matrix(3, n, ln["d"]), _matrix(4, n, ln["t"])
        return lambda: LinearRegression().fit(X, Y)

    out.append(
        _series(
            ctx,
            "lstsq",
            f"n_samples (d={ln['d']}, t={ln['t']})",
            ln["n"],
            ls_n,
            lambda n: _lstsq_madds(n, ln["d"], ln["t"]),
            1,
        )
    )

    ld = grid["lstsq_d"]

    def ls_d(d: int) -> Callable[[], Any]:
        X, Y = _matrix(5, ld["n"], d), _matrix(6, ld["n"], ld["t"])
        return lambda: LinearRegression().fit(X, Y)

    out.append(
        _series(
            ctx,
            "lstsq",
            f"n_features (n={ld['n']}, t={ld['t']})",
            ld["d"],
            ls_d,
            lambda d: _lstsq_madds(ld["n"], d, ld["t"]),
            2,
        )
    )
    return out


def _probe_env() -> dict[str, str]:
    """The environment for a memprobe child: this checkout's root first on PYTHONPATH."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run_memory(ctx: Context) -> list[dict[str, Any]]:
    """Peak memory of fit on 1, 2, 4, 8 sessions, one fresh subprocess per point."""
    from purepose.data.synth import make_session

    grid = SCALING[ctx.mode]["memory"]
    counts = grid["sessions"]
    paths = []
    for i in range(max(counts)):
        path = ctx.workdir / "memory" / f"mem-recording-{i + 1}_right.hdf5"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            make_session(path, seconds=grid["seconds"], seed=100 + i, recording=i + 1)
        paths.append(str(path))
    out = []
    for count in counts:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.memprobe", *paths[:count]],
            capture_output=True,
            text=True,
            env=_probe_env(),
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"memprobe failed for {count} sessions: {proc.stderr.strip()}")
        point = json.loads(proc.stdout)
        point["seconds_per_session"] = grid["seconds"]
        out.append(point)
    return out
