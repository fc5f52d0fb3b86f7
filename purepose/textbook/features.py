"""Textbook EMG window features: every window of every channel summed from scratch.

A window is ``window`` consecutive samples, the windows start every ``hop``
samples, and only full windows count (``(n - window) // hop + 1`` of them).
For the samples x[0..N-1] of one channel in one window (Hudgins et al. 1993;
Phinyomark et al. 2012):

* RMS     sqrt( (1/N) sum x[i]^2 )
* MAV     (1/N) sum |x[i]|
* WL      sum |x[i] - x[i-1]|                  (the N - 1 pairs inside the window)
* ZC      number of i with sign(x[i]) sign(x[i+1]) < 0 and |x[i+1] - x[i]| >= threshold
* SSC     number of i with x[i] - x[i-1] and x[i+1] - x[i] of opposite signs and
          max(|x[i] - x[i-1]|, |x[i+1] - x[i]|) >= threshold   (the N - 2 triples)
* LOGPOW  log( (1/N) sum x[i]^2 + eps )

Signs are strict (0 is neither side) and compared as signs, never as a
product of two differences, which could underflow to 0. Sums are
``math.fsum`` (rounded once), so this is the exactly rounded value of each
formula. ``purepose.signals.features.extract_features`` computes the same features in
O(n) per channel from sums over window pieces (within a few units of
roundoff of these, ``tests/textbook/test_features.py``); this module costs
O(n_windows * window) per channel and feature.

References: B. Hudgins, P. Parker, R. N. Scott, IEEE Trans. Biomed. Eng. 40(1),
1993; A. Phinyomark et al., Expert Systems with Applications 39(8), 2012.

>>> emg = [[1.0, -1.0], [-1.0, 2.0], [1.0, -3.0], [-1.0, 4.0]]
>>> extract_features(emg, window=4, hop=1, features=("mav", "zc"))
[[1.0, 2.5, 3.0, 3.0]]
"""

from __future__ import annotations

import math

from purepose.types import Matrix, Vector

__all__ = ["DEFAULT_FEATURES", "FEATURES", "extract_features", "window_feature"]

FEATURES = ("rms", "mav", "wl", "zc", "ssc", "logpow")
"""Every feature name, in the order the module docstring defines them."""

DEFAULT_FEATURES = ("rms", "mav", "wl", "logpow")
"""The features a pose model uses by default."""


def _sign(v: float) -> int:
    return (v > 0.0) - (v < 0.0)


def window_feature(name: str, x: Vector, threshold: float = 0.0, eps: float = 1e-12) -> float:
    """One feature of the samples ``x`` of one window (see the module docstring).

    >>> window_feature("wl", [0.0, 3.0, -1.0]), window_feature("ssc", [0.0, 3.0, -1.0])
    (7.0, 1.0)
    """
    n = len(x)
    if name == "rms":
        return math.sqrt(math.fsum(v * v for v in x) / n)
    if name == "mav":
        return math.fsum(abs(v) for v in x) / n
    if name == "wl":
        return math.fsum(abs(x[i] - x[i - 1]) for i in range(1, n))
    if name == "zc":
        crossings = [
            i
            for i in range(n - 1)
            if _sign(x[i]) * _sign(x[i + 1]) < 0 and abs(x[i + 1] - x[i]) >= threshold
        ]
        return float(len(crossings))
    if name == "ssc":
        changes = [
            i
            for i in range(1, n - 1)
            if _sign(x[i] - x[i - 1]) * _sign(x[i + 1] - x[i]) < 0
            and max(abs(x[i] - x[i - 1]), abs(x[i + 1] - x[i])) >= threshold
        ]
        return float(len(changes))
    if name == "logpow":
        return math.log(math.fsum(v * v for v in x) / n + eps)
    raise ValueError(f"window_feature: unknown feature {name!r}")


def extract_features(
    emg: Matrix,
    *,
    window: int = 200,
    hop: int = 40,
    features: tuple[str, ...] = DEFAULT_FEATURES,
    threshold: float = 0.0,
    eps: float = 1e-12,
) -> Matrix:
    """Features of every full window: n_windows x (len(features) * n_channels).

    Columns are feature-major, ``[f0_ch0 .. f0_chC, f1_ch0 ..]``; window k
    covers samples ``k hop .. k hop + window - 1``.

    >>> extract_features([[0.0], [3.0], [-1.0], [2.0], [2.0]], window=5, hop=1, features=("wl",))
    [[10.0]]
    """
    n_channels = len(emg[0])
    rows = []
    for start in range(0, len(emg) - window + 1, hop):
        channels = [[emg[i][c] for i in range(start, start + window)] for c in range(n_channels)]
        rows.append([window_feature(f, x, threshold, eps) for f in features for x in channels])
    return rows
