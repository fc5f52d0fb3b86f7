"""The starter ``solution.py`` of ``exercise start pose``.

The model answer is :mod:`purepose.textbook.pipeline` written out
(``PoseExercise.answer``).
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
