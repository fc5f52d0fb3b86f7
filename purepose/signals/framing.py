"""Windows over a recording's samples: where each starts and ends, which row labels it,
whether that row is valid, and its time.

A window is a ``[start, end)`` range of ``window`` samples; window k starts at
``k * hop``. Its label is the target row at its last sample (``label="end"``,
causal: the model uses only EMG up to the moment it predicts) or at its middle
(``"center"``). A label row of emg2pose joint angles that are all zero is an
inverse-kinematics failure, and its window is not scored.

>>> bounds = window_bounds(6, window=4, hop=2)
>>> bounds, window_times([0.0, 0.5, 1.0, 1.5, 2.0, 2.5], bounds)
([(0, 4), (2, 6)], [1.5, 2.5])
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from purepose.errors import PureposeError
from purepose.joints import IK_FAILURE_ATOL, SAMPLE_RATE
from purepose.types import Matrix


def window_bounds(n_samples: int, window: int, hop: int) -> list[tuple[int, int]]:
    """Start and end (exclusive) of every full window: ``[(0, window), (hop, hop + window), ...]``.

    Window k covers samples ``k*hop ... k*hop + window - 1``; only windows lying
    fully inside the signal are kept, so there are
    ``(n_samples - window) // hop + 1`` of them and trailing samples that do
    not complete a window are dropped.

    >>> window_bounds(10, 4, 3)
    [(0, 4), (3, 7), (6, 10)]
    >>> window_bounds(3, 4, 1)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: window_bounds: n_samples=3 is fewer samples than one window=4
    """
    check_window_hop("window_bounds", window, hop)
    if n_samples < window:
        raise PureposeError(
            f"window_bounds: n_samples={n_samples} is fewer samples than one window={window}"
        )
    return [(start, start + window) for start in range(0, n_samples - window + 1, hop)]


def ms_to_samples(ms: float, sample_rate: float = SAMPLE_RATE) -> int:
    """Number of samples in ``ms`` milliseconds: ``round(ms * sample_rate / 1000)``.

    At 2 kHz one sample is 0.5 ms, so 100 ms is 200 samples.

    >>> ms_to_samples(100), ms_to_samples(20)
    (200, 40)
    >>> ms_to_samples(0.2)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ms_to_samples: ms=0.2 at 2000.0 Hz is 0 samples; need at least 1
    """
    if not (math.isfinite(ms) and math.isfinite(sample_rate) and sample_rate > 0):
        raise PureposeError(
            f"ms_to_samples: need finite ms and sample_rate > 0, got ms={ms}, "
            f"sample_rate={sample_rate}"
        )
    n = round(ms * sample_rate / 1000.0)
    if n < 1:
        raise PureposeError(
            f"ms_to_samples: ms={ms} at {sample_rate} Hz is {n} samples; need at least 1"
        )
    return n


def check_window_hop(where: str, window: int, hop: int) -> None:
    """``window`` and ``hop`` are integers >= 1, or a one-line error naming ``where``."""
    for name, value in (("window", window), ("hop", hop)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PureposeError(f"{where}: {name}={value!r} must be an integer >= 1")


def _label_indices(
    where: str, bounds: Sequence[tuple[int, int]], n_rows: int, label: str
) -> list[int]:
    """Row index that labels each window: ``end - 1`` or ``(start + end - 1) // 2``."""
    if label == "end":
        indices = [end - 1 for _, end in bounds]
    elif label == "center":
        indices = [(start + end - 1) // 2 for start, end in bounds]
    else:
        raise PureposeError(f"{where}: label={label!r} must be 'end' or 'center'")
    for start, end in bounds:
        if not 0 <= start < end <= n_rows:
            raise PureposeError(f"{where}: window ({start}, {end}) does not fit in {n_rows} rows")
    return indices


def window_labels(
    joint_angles: Sequence[Sequence[float]],
    bounds: Sequence[tuple[int, int]],
    *,
    label: str = "end",
) -> Matrix:
    """The joint angles that each window predicts: one row per window (a copy).

    ``label="end"`` (default, causal): the row at the window's last sample,
    ``end - 1``; the model then uses only EMG up to the moment it predicts.
    ``label="center"``: the row at ``(start + end - 1) // 2``.

    >>> angles = [[0.0], [1.0], [2.0], [3.0], [4.0]]
    >>> window_labels(angles, [(0, 4), (1, 5)])
    [[3.0], [4.0]]
    >>> window_labels(angles, [(0, 4), (1, 5)], label="center")
    [[1.0], [2.0]]
    >>> window_labels(angles, [(0, 6)])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: window_labels: window (0, 6) does not fit in 5 rows
    """
    indices = _label_indices("window_labels", bounds, len(joint_angles), label)
    return [list(joint_angles[i]) for i in indices]


def window_valid(
    joint_angles: Sequence[Sequence[float]],
    bounds: Sequence[tuple[int, int]],
    *,
    label: str = "end",
    atol: float = IK_FAILURE_ATOL,
) -> list[bool]:
    """False where a window's label row is an inverse-kinematics failure.

    emg2pose stores IK failures as all-zero joint rows: a row is a failure
    when ``|angle| <= atol`` for every joint, valid otherwise (the rule of
    ``purepose.data.emg2pose.valid_mask``; a NaN angle is never "zero"). The label row is
    chosen as in :func:`window_labels`.

    >>> angles = [[0.1, 0.0], [0.0, 0.0], [0.0, 0.2]]
    >>> window_valid(angles, [(0, 1), (0, 2), (1, 3)])
    [True, False, True]
    >>> window_valid(angles, [(0, 2)], label="start")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: window_valid: label='start' must be 'end' or 'center'
    """
    indices = _label_indices("window_valid", bounds, len(joint_angles), label)
    if not atol >= 0.0:
        raise PureposeError(f"window_valid: atol={atol!r} must be >= 0")
    is_zero = float(atol).__ge__
    return [not all(map(is_zero, map(abs, joint_angles[i]))) for i in indices]


def window_times(
    time: Sequence[float], bounds: Sequence[tuple[int, int]], *, label: str = "end"
) -> list[float]:
    """The timestamp of each window's label sample (see :func:`window_labels`).

    >>> window_times([0.0, 0.0005, 0.001, 0.0015], [(0, 2), (2, 4)])
    [0.0005, 0.0015]
    >>> window_times([0.0], [(0, 2)])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: window_times: window (0, 2) does not fit in 1 rows
    """
    indices = _label_indices("window_times", bounds, len(time), label)
    return [float(time[i]) for i in indices]
