"""The whole task on one page: EMG -> windows -> features -> ridge -> pose -> error.

Read it top to bottom; every step is a textbook function of its own page.

1. A session is lists: ``emg`` (n samples x channels), ``targets`` (n x
   joint angles, radians), ``valid`` (n bools, False at inverse-kinematics
   failures), ``time`` (n seconds) and ``sample_rate`` (Hz). :func:`read_csv`
   reads one from a CSV file with the standard library;
   ``purepose.data.open_recording(path)`` reads HDF5, MATLAB and CSV files.
2. Windows of 100 ms every 20 ms; per channel and window log-power
   ``log(mean x^2)`` and waveform length ``sum |x[i] - x[i-1]|``
   (:mod:`purepose.textbook.features`). Each window is labelled with the pose
   at its last sample, so a prediction only uses EMG already recorded.
3. Standardize every feature column: ``z = (x - mean) / std`` on training.
4. Ridge: ``W = argmin ||Y - X W^T - b||^2 + alpha ||W||^2``; centre X and Y,
   form ``A = Xc^T Xc`` once, and for each alpha solve
   ``(A + alpha I) W^T = Xc^T Yc`` by Cholesky (:mod:`purepose.textbook.ridge`).
5. Keep the alpha with the smallest error on the validation sessions.
6. Score the test sessions with the emg2pose metric (mean absolute joint-angle
   error in degrees over valid frames, :mod:`purepose.textbook.metric`), beside
   the mean pose of the training frames: the baseline to beat.

``purepose.pose.model.PoseRegressor`` is the same pipeline made fast (O(n)
features, streaming normal equations, more features and models).

>>> import random
>>> def session(seed, seconds=3.0, rate=500.0):
...     rng, n = random.Random(seed), int(seconds * rate)
...     pose = [[0.5 + 0.4 * math.sin(2.0 * i / rate + j) for j in range(20)] for i in range(n)]
...     emg = [[rng.gauss(0.0, 0.1 + p[c]) for c in range(4)] for p in pose]
...     return Session([i / rate for i in range(n)], emg, pose, [True] * n, rate)
>>> model = fit([session(1), session(2)], [session(3)])
>>> model["alpha"] in ALPHAS
True
>>> errors = evaluate(model, [session(4)])
>>> errors["model"] < errors["mean_pose"]
True
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from purepose.textbook.features import extract_features
from purepose.textbook.linalg import cholesky, dot, transpose
from purepose.textbook.metric import angular_mae
from purepose.textbook.ridge import centre, intercept, normal_equations, solve
from purepose.types import Matrix, Vector

__all__ = ["Session", "evaluate", "fit", "labelled_windows", "predict", "read_csv", "window_ends"]

WINDOW_S, HOP_S = 0.1, 0.02
"""Window length and hop, in seconds."""

FEATURES = ("logpow", "wl")
"""The features of each channel (see :mod:`purepose.textbook.features`)."""

ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)
"""The ridge penalties tried on the validation sessions."""


@dataclass
class Session:
    """One recording as lists (the shapes are in the module docstring)."""

    time: Vector
    emg: Matrix
    targets: Matrix
    valid: list[bool]
    sample_rate: float


def read_csv(path: str, n_channels: int, sample_rate: float) -> Session:
    """A session from a CSV file whose columns are ``time, emg..., targets...``.

    The first line names the columns; a frame is valid unless every angle is 0.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "s.csv")
    >>> _ = open(path, "w").write("time,emg0,angle0\\n0.0,0.5,0.1\\n0.5,-0.5,0.0\\n")
    >>> s = read_csv(path, n_channels=1, sample_rate=2.0)
    >>> s.emg, s.targets, s.valid
    ([[0.5], [-0.5]], [[0.1], [0.0]], [True, False])
    """
    with open(path, newline="", encoding="utf-8") as f:
        rows = [[float(v) for v in row] for row in list(csv.reader(f))[1:] if row]
    time = [row[0] for row in rows]
    emg = [row[1 : 1 + n_channels] for row in rows]
    targets = [row[1 + n_channels :] for row in rows]
    valid = [any(y != 0.0 for y in row) for row in targets]
    return Session(time, emg, targets, valid, sample_rate)


def window_ends(session: Session) -> tuple[int, int, list[int]]:
    """``(window, hop, ends)``: window and hop in samples, and each window's last sample.

    >>> window_ends(Session([0.0] * 5, [[0.0]] * 5, [], [], sample_rate=20.0))
    (2, 1, [1, 2, 3, 4])
    """
    window = max(2, round(WINDOW_S * session.sample_rate))
    hop = max(1, round(HOP_S * session.sample_rate))
    return window, hop, list(range(window - 1, len(session.emg), hop))


def _features(session: Session) -> tuple[Matrix, list[int]]:
    """The feature rows of every window and the sample each one ends at."""
    window, hop, ends = window_ends(session)
    return extract_features(session.emg, window=window, hop=hop, features=FEATURES), ends


def labelled_windows(sessions: list[Session]) -> tuple[Matrix, Matrix]:
    """``(X, Y)``: the features and the pose of every window whose last sample is valid.

    >>> s = Session([], [[1.0], [-1.0], [1.0]], [[0.1], [0.2], [0.3]], [True, False, True], 20.0)
    >>> X, Y = labelled_windows([s])
    >>> len(X), Y
    (1, [[0.3]])
    """
    X, Y = [], []
    for s in sessions:
        rows, ends = _features(s)
        for row, i in zip(rows, ends):
            if s.valid[i]:
                X.append(row)
                Y.append(s.targets[i])
    return X, Y


def standardizer(X: Matrix) -> tuple[Vector, Vector]:
    """Every column's mean and population standard deviation (1 for a constant column).

    >>> standardizer([[1.0, 5.0], [3.0, 5.0]])
    ([2.0, 5.0], [1.0, 1.0])
    """
    n = len(X)
    mean = [math.fsum(col) / n for col in zip(*X)]
    std = [math.sqrt(math.fsum((v - m) ** 2 for v in col) / n) for col, m in zip(zip(*X), mean)]
    return mean, [s or 1.0 for s in std]


def _standardize(X: Matrix, mean: Vector, std: Vector) -> Matrix:
    """``z = (x - mean) / std`` for every entry."""
    return [[(v - m) / s for v, m, s in zip(row, mean, std)] for row in X]


def _apply(coef: Matrix, b: Vector, X: Matrix) -> Matrix:
    """``y = W x + b`` for every row x of X."""
    return [[dot(w, row) + c for w, c in zip(coef, b)] for row in X]


def _mean_abs_error(P: Matrix, Y: Matrix) -> float:
    """``sum |p - y| / (n t)`` over every frame and target."""
    return math.fsum(abs(p - y) for pr, yr in zip(P, Y) for p, y in zip(pr, yr)) / (
        len(Y) * len(Y[0])
    )


def fit(train: list[Session], val: list[Session]) -> dict:
    """Fit the standardizer and ridge on ``train``; choose alpha on ``val`` (steps 2-5).

    Returns ``{"mean", "std", "coef", "intercept", "alpha", "mean_pose"}``.

    >>> emg = [[0.1 * (1 + i % 7) * (-1) ** i] for i in range(60)]
    >>> s = Session([i / 50 for i in range(60)], emg, [[abs(x[0])] for x in emg], [True] * 60, 50)
    >>> sorted(fit([s], [s]))
    ['alpha', 'coef', 'intercept', 'mean', 'mean_pose', 'std']
    """
    X, Y = labelled_windows(train)
    mean, std = standardizer(X)
    (Xc, x_mean), (Yc, y_mean) = centre(_standardize(X, mean, std)), centre(Y)
    A, B = normal_equations(Xc, Yc, 0.0)  # once: each alpha only changes the diagonal
    X_val, Y_val = labelled_windows(val)
    X_val = _standardize(X_val, mean, std)
    best = None
    for alpha in ALPHAS:
        A_alpha = [
            [a + (alpha if i == j else 0.0) for j, a in enumerate(row)] for i, row in enumerate(A)
        ]
        coef = transpose(solve(cholesky(A_alpha), B))
        b = intercept(coef, x_mean, y_mean)
        error = _mean_abs_error(_apply(coef, b, X_val), Y_val)
        if best is None or error < best[0]:
            best = (error, coef, b, alpha)
    _, coef, b, alpha = best
    return {
        "mean": mean,
        "std": std,
        "coef": coef,
        "intercept": b,
        "alpha": alpha,
        "mean_pose": y_mean,
    }


def _predicted_rows(model: dict, session: Session) -> tuple[list[int], Matrix]:
    """``(ends, P)``: the last sample of every window and the pose predicted there."""
    rows, ends = _features(session)
    X = _standardize(rows, model["mean"], model["std"])
    return ends, _apply(model["coef"], model["intercept"], X)


def predict(model: dict, session: Session) -> list[tuple[float, Vector]]:
    """``[(time, pose), ...]``: one prediction at the last sample of every window.

    >>> model = {"mean": [0.0, 0.0], "std": [1.0, 1.0], "coef": [[0.0, 1.0]], "intercept": [1.0]}
    >>> predict(model, Session([0.0, 0.05, 0.1], [[1.0], [-1.0], [1.0]], [], [], 20.0))
    [(0.05, [3.0]), (0.1, [3.0])]
    """
    ends, P = _predicted_rows(model, session)
    return [(session.time[i], p) for i, p in zip(ends, P)]


def evaluate(model: dict, sessions: list[Session]) -> dict:
    """The error of the model and of the mean pose on the valid predicted frames (step 6).

    The emg2pose metric in degrees for 20 joint angles; the mean absolute
    error in target units for any other targets.

    >>> model = {"mean": [0.0, 0.0], "std": [1.0, 1.0], "coef": [[0.0, 1.0]],
    ...          "intercept": [1.0], "mean_pose": [2.0]}
    >>> s = Session([], [[1.0], [-1.0], [1.0]], [[3.0], [3.0], [4.0]], [True] * 3, 20.0)
    >>> evaluate(model, [s])
    {'model': 0.5, 'mean_pose': 1.5}
    """
    truth, predicted = [], []
    for s in sessions:
        ends, P = _predicted_rows(model, s)
        kept = [(s.targets[i], p) for i, p in zip(ends, P) if s.valid[i]]
        truth += [y for y, _ in kept]
        predicted += [p for _, p in kept]
    baseline = [model["mean_pose"]] * len(truth)
    if len(truth[0]) == 20:
        mask = [True] * len(truth)
        return {
            "model": angular_mae(truth, predicted, mask)["mae"],
            "mean_pose": angular_mae(truth, baseline, mask)["mae"],
        }
    return {
        "model": _mean_abs_error(predicted, truth),
        "mean_pose": _mean_abs_error(baseline, truth),
    }
