"""The files ``exercise start pose`` writes: the starter ``solution.py`` and a model answer.

The model answer is the pipeline of purepose's model in a page, built from
the textbook ridge and purepose's windowed features: log-RMS and waveform
length of 100 ms windows every 20 ms, standardized, ridge with alpha chosen
on the validation sessions by the emg2pose metric (or the mean absolute
error, for other targets), predicting at each window's last sample.
"""

POSE_STARTER = '''\
"""Exercise pose: predict hand pose from wrist EMG, the whole task.

Task
    Write fit(train_sessions, val_sessions) -> state and
    predict(state, session) -> [(time, targets), ...]. The grader fits on the
    training sessions, predicts the test sessions and scores the predictions
    with the emg2pose metric (angular MAE in degrees over valid frames),
    beside the mean-pose and zero-pose baselines and purepose's own ridge
    model. Beat the mean pose. Plain Python: the standard library, and
    purepose if you like.

A session (both in fit and in predict) has
    name, sample_rate (Hz), n_channels, target_names, target_unit ("rad":
        the 20 emg2pose joint angles; "raw": glove sensors, ...)
    time     n floats, seconds (unix time, or i / sample_rate)
    emg      n rows of n_channels floats (2 kHz surface EMG for emg2pose)
    targets  n rows of len(target_names) floats: in fit only (None in predict)
    valid    n bools, False where the targets are an inverse-kinematics
             failure (all angles 0): in fit only (None in predict)
    len(session) is n. The lists load on first use (then stay in memory).

Math (one way: purepose's)
    Cut the EMG into windows of 100 ms every 20 ms; per channel and window,
    features such as RMS = sqrt(mean x^2), waveform length = sum |x[i] - x[i-1]|
    (log(RMS) works better than RMS); standardize the feature columns; fit
    ridge regression y = W x + b on the windows whose label sample is valid,
    choosing the penalty on the validation sessions; predict at each
    window's last sample (causal).

Conventions
    predict returns a list of (time, targets) pairs: time one of the
    session's sample times (within half a sample period), at most one
    prediction per sample, at least one per 100 ms of the session; targets a
    list of len(target_names) floats in target_unit. The predicted frames
    whose truth is valid are scored. fit and predict together must finish
    within the time budget (300 s by default).

Example (the mean-pose baseline, which you must beat)
    >>> import statistics
    >>> def fit(train, val):
    ...     rows = [y for s in train for y, ok in zip(s.targets, s.valid) if ok]
    ...     return [statistics.fmean(column) for column in zip(*rows)]
    >>> def predict(state, session):
    ...     step = max(1, round(0.02 * session.sample_rate))   # every 20 ms
    ...     return [(t, state) for t in session.time[::step]]

Check it:  purepose exercise check pose solution.py
           purepose exercise check pose solution.py --data path/to/S1_A1_E1.mat
"""


def fit(train_sessions, val_sessions):
    """Learn from the training sessions (tune on the validation ones); return a state."""
    # TODO: your code here
    raise NotImplementedError("fit")


def predict(state, session):
    """[(time, targets), ...] for the session: at sample times, at least one per 100 ms."""
    # TODO: your code here
    raise NotImplementedError("predict")
'''

POSE_ANSWER = '''\
"""The model answer of exercise pose: windowed EMG features and the textbook ridge.

log-power and waveform length of 100 ms windows every 20 ms, standardized;
ridge with alpha chosen on the validation sessions (one set of normal
equations, one Cholesky factorization per alpha); a prediction at each
window's last sample. purepose.signals.features.extract_features computes the
features in O(n) (purepose.textbook.features has the definition);
purepose.textbook.ridge has the steps of the fit.
"""

import math

from purepose.signals.features import extract_features
from purepose.textbook.linalg import cholesky, transpose
from purepose.textbook.ridge import centre, intercept, normal_equations, solve

WINDOW_S, HOP_S = 0.1, 0.02
ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def windows(session):
    """(feature rows, the sample index each window ends at)."""
    window = max(2, round(WINDOW_S * session.sample_rate))
    hop = max(1, round(HOP_S * session.sample_rate))
    rows = extract_features(session.emg, window=window, hop=hop, features=("logpow", "wl"))
    return rows, [k * hop + window - 1 for k in range(len(rows))]


def labelled(sessions):
    """Feature rows and targets of every window whose label sample is valid."""
    X, Y = [], []
    for s in sessions:
        rows, ends = windows(s)
        for row, i in zip(rows, ends):
            if s.valid[i]:
                X.append(row)
                Y.append(s.targets[i])
    return X, Y


def standardize(X, mean, scale):
    return [[(v - m) / s for v, m, s in zip(row, mean, scale)] for row in X]


def apply(coef, b, X):
    return [[c + math.fsum(w * v for w, v in zip(ws, row)) for ws, c in zip(coef, b)]
            for row in X]


def fit(train_sessions, val_sessions):
    X, Y = labelled(train_sessions)
    n = len(X)
    mean = [math.fsum(col) / n for col in zip(*X)]
    scale = [math.sqrt(math.fsum((v - m) ** 2 for v in col) / n) or 1.0
             for col, m in zip(zip(*X), mean)]
    (Xc, x_mean), (Yc, y_mean) = centre(standardize(X, mean, scale)), centre(Y)
    A, B = normal_equations(Xc, Yc, 0.0)  # once; each alpha only changes the diagonal
    X_val, Y_val = labelled(val_sessions)
    X_val = standardize(X_val, mean, scale)
    best = None
    for alpha in ALPHAS:
        A_alpha = [[a + (alpha if i == j else 0.0) for j, a in enumerate(row)]
                   for i, row in enumerate(A)]
        coef = transpose(solve(cholesky(A_alpha), B))
        b = intercept(coef, x_mean, y_mean)
        error = math.fsum(abs(p - y) for prow, yrow in zip(apply(coef, b, X_val), Y_val)
                          for p, y in zip(prow, yrow))
        if best is None or error < best[0]:
            best = (error, coef, b)
    return {"mean": mean, "scale": scale, "coef": best[1], "intercept": best[2]}


def predict(state, session):
    rows, ends = windows(session)
    X = standardize(rows, state["mean"], state["scale"])
    return [(session.time[i], p)
            for i, p in zip(ends, apply(state["coef"], state["intercept"], X))]
'''
