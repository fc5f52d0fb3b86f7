"""Is a prediction believable? Warnings for inputs unlike the training data and for
predictions outside the possible range of a target; an error for non-finite ones.

A pose model extrapolates silently: EMG in the wrong units, a loose electrode or
a model trained on another armband give numbers that look like any others. The
two checks here cost one pass over the feature rows and one over the
predictions, and say what is wrong in words (purepose.pose.model calls both on every
prediction).

>>> check_predictions("s", [[0.5]], ([0.0], [1.0]), "raw")   # inside: silent
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     check_predictions("s", [[3.5]], ([0.0], [1.0]), "raw")
>>> "1 of 1 predictions leave the possible range" in str(caught[0].message)
True
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

OUTLIER_Z = 50.0
"""A window whose features lie this many training standard deviations away is unlike
the training data: prediction warns."""


def warn_unlike_training(feats: Any, mean: Vector, scale: Vector) -> None:
    """Warn when windows lie beyond ``OUTLIER_Z`` training standard deviations:
    ``max_j |x_j - mean_j| / scale_j > OUTLIER_Z`` for some window x of ``feats.X``."""
    if not feats.X:
        return
    low = [m - OUTLIER_Z * s for m, s in zip(mean, scale)]
    high = [m + OUTLIER_Z * s for m, s in zip(mean, scale)]
    columns = list(zip(*feats.X))  # min/max per column in C first; rows only if needed
    if all(min(c) >= a and max(c) <= b for c, a, b in zip(columns, low, high)):
        return
    inv = [1.0 / s for s in scale]
    z = [max(abs((v - m) * i) for v, m, i in zip(row, mean, inv)) for row in feats.X]
    count, worst = sum(v > OUTLIER_Z for v in z), max(z)
    if count:
        warnings.warn(
            f"{feats.name}: {count} of {len(feats.X)} windows have features up to "
            f"{worst:.3g} training standard deviations from the training mean: the EMG "
            "is unlike the training data (wrong units, a loose electrode?)",
            stacklevel=3,
        )


def check_predictions(
    name: str, values: Matrix, target_range: tuple[Vector, Vector], unit: str
) -> None:
    """Refuse non-finite predictions; warn when they leave the possible range of a target.

    The possible range: the training range [lo, hi] widened by its own width on
    each side, [lo - (hi - lo), hi + (hi - lo)], and for joint angles in
    radians never beyond +-pi.
    """
    for i, row in enumerate(values):
        if not all(map(math.isfinite, row)):
            raise PureposeError(
                f"{name}: the prediction of window {i} is not finite ({short(row)}): "
                "the model or the input holds numbers too large to compute with"
            )
    lows, highs = target_range
    lo = [a - (b - a) for a, b in zip(lows, highs)]
    hi = [b + (b - a) for a, b in zip(lows, highs)]
    if unit == "rad":
        lo = [max(v, -math.pi) for v in lo]
        hi = [min(v, math.pi) for v in hi]
    outside = sum(any(v < a or v > b for v, a, b in zip(row, lo, hi)) for row in values)
    if outside:
        warnings.warn(
            f"{name}: {outside} of {len(values)} predictions leave the possible range of "
            "the targets (the training range widened by its width"
            + (", and +-pi for angles)" if unit == "rad" else ")"),
            stacklevel=3,
        )


def short(names: Sequence[Any]) -> str:
    """A long list as its ends and its length, for error messages.

    >>> short(["a", "b", "c"]), short(["a"])
    ('a..c (3)', "['a']")
    """
    names = list(names)
    return f"{names[0]}..{names[-1]} ({len(names)})" if len(names) > 2 else str(names)
