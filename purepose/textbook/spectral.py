"""Textbook spectral and Hjorth features: one window at a time, from a recursive FFT.

For the samples x[0..N-1] of one window of one channel at fs Hz
(purepose.signals.spectral has the same formulas, computed for many windows at once):

    y[n] = (x[n] - mean(x)) w[n],   w[n] = 1/2 - 1/2 cos(2 pi n / N)        (periodic Hann)
    X    = FFT(y zero-padded to nfft),  nfft = the power of two >= max(N, 2)
    q[k] = c[k] |X[k]|^2 / (nfft sum w^2),  c = 1 at k = 0 and nfft/2, else 2;  f[k] = k fs / nfft

* LOGBAND(lo, hi)  log( sum_{lo <= f[k] < hi} q[k] + eps )
* MNF              sum f[k] q[k] / sum q[k]
* MDF              the f where C[k] = q[0] + ... + q[k] reaches C[nfft/2] / 2, linear between bins
* ACTIVITY         var(x);  MOBILITY sqrt(var(dx) / var(x));  COMPLEXITY mobility(dx) / mobility(x)
* SPATIAL          log(p_c + eps) - mean over channels of log(p_c' + eps),  p = (1/N) sum x^2

with dx the N - 1 first differences, population variances, a ratio with a
zero denominator taken as 0, and MNF = MDF = 0 for a window without power
(total power at most ((N + 4) u mean)^2, the rounding of its mean).

The FFT is Cooley-Tukey's radix-2 decimation in time, written as the
recursion itself: the transform of the even samples, the transform of the
odd samples, and one butterfly per frequency,

    X[k] = E[k] + e^(-2 pi i k / n) O[k],    X[k + n/2] = E[k] - e^(-2 pi i k / n) O[k].

Cost: O(nfft log nfft) per window for the spectrum, O(N) for Hjorth.

>>> [round(abs(v), 12) for v in fft([1.0, 1.0, 1.0, 1.0])]
[4.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import cmath
import math
from itertools import pairwise

from purepose.types import Matrix, Vector

__all__ = [
    "bin_powers",
    "extract_features",
    "fft",
    "hjorth",
    "median_frequency",
    "periodogram",
    "window_features",
]

_U = 2.0**-53
DEFAULT_BANDS = ((20.0, 60.0), (60.0, 120.0), (120.0, 250.0), (250.0, 500.0))
"""LOGBAND's band edges in Hz (the same as purepose.signals.spectral.DEFAULT_BANDS)."""


def fft(z: list[complex]) -> list[complex]:
    """Discrete Fourier transform X[k] = sum_n z[n] e^(-2 pi i k n / n_points), len a power of 2.

    >>> [round(v.imag, 12) for v in fft([0.0, 1.0, 0.0, -1.0])]   # a sine: X[1] = -2i, X[3] = 2i
    [0.0, -2.0, 0.0, 2.0]
    """
    n = len(z)
    if n == 1:
        return [complex(z[0])]
    even, odd = fft(z[0::2]), fft(z[1::2])
    twiddled = [cmath.exp(-2j * math.pi * k / n) * odd[k] for k in range(n // 2)]
    return [e + t for e, t in zip(even, twiddled)] + [e - t for e, t in zip(even, twiddled)]


def bin_powers(x: Vector) -> tuple[list[float], float]:
    """``(q, mean)``: the power q[k] of each bin k = 0 .. nfft/2 of one window, and its mean.

    q[k] = c_k |FFT(w (x - mean))[k]|^2 / (nfft sum w_i^2), w the Hann window and c_k = 2
    except at k = 0 and nfft/2, so that sum_k q[k] is the window's (tapered) variance.

    >>> q, mean = bin_powers([1.0, 3.0, 1.0, 3.0])
    >>> mean, [round(v, 12) for v in q]
    (2.0, [0.0, 0.333333333333, 0.666666666667])
    """
    n = len(x)
    nfft = max(2, 1 << (n - 1).bit_length())
    mean = math.fsum(x) / n
    w = [0.5 - 0.5 * math.cos(2.0 * math.pi * i / n) for i in range(n)]
    y = [(v - mean) * wi for v, wi in zip(x, w)] + [0.0] * (nfft - n)
    spectrum = fft([complex(v) for v in y])
    norm = nfft * math.fsum(wi * wi for wi in w)
    q = []
    for k in range(nfft // 2 + 1):
        c = 1.0 if k in (0, nfft // 2) else 2.0
        q.append(c * abs(spectrum[k]) ** 2 / norm if norm else 0.0)
    return q, mean


def periodogram(x: Vector, sample_rate: float) -> tuple[list[float], list[float]]:
    """``(f, psd)``: the one-sided density psd[k] = q[k] / (fs / nfft) at f[k] = k fs / nfft.

    >>> f, psd = periodogram([1.0, -1.0, 1.0, -1.0], 4.0)
    >>> f, [round(v, 12) for v in psd]
    ([0.0, 1.0, 2.0], [0.0, 0.333333333333, 0.666666666667])
    """
    q, _ = bin_powers(x)
    df = sample_rate / (2 * (len(q) - 1))
    return [k * df for k in range(len(q))], [v / df for v in q]


def median_frequency(q: list[float], df: float) -> float:
    """The frequency where the cumulative power reaches half the total (linear between bins).

    With C_k = q_0 + ... + q_k and k the first bin where C_k >= C/2 (C the total),
    mdf = (k - 1 + (C/2 - C_(k-1)) / q_k) df.

    >>> median_frequency([1.0, 1.0, 1.0, 1.0], 10.0), median_frequency([0.0, 4.0, 0.0, 0.0], 10.0)
    (10.0, 5.0)
    """
    cumulative = []
    total = 0.0
    for v in q:
        total += v
        cumulative.append(total)
    half = total / 2.0
    k = next(k for k, c in enumerate(cumulative) if c >= half)
    if k == 0:
        return 0.0
    return (k - 1 + (half - cumulative[k - 1]) / (cumulative[k] - cumulative[k - 1])) * df


def _variance(v: Vector) -> float:
    if not v:
        return 0.0
    mean = math.fsum(v) / len(v)
    return math.fsum((a - mean) ** 2 for a in v) / len(v)


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0.0 else 0.0


def hjorth(x: Vector) -> tuple[float, float, float]:
    """(activity, mobility, complexity) of one window (module docstring).

    >>> [round(v, 6) for v in hjorth([1.0, -1.0, 1.0, -1.0])]   # dx = -2, 2, -2
    [1.0, 1.885618, 1.125]
    """
    dx = [b - a for a, b in pairwise(x)]
    ddx = [b - a for a, b in pairwise(dx)]
    var_x, var_dx, var_ddx = _variance(x), _variance(dx), _variance(ddx)
    mobility = math.sqrt(_ratio(var_dx, var_x))
    return var_x, mobility, _ratio(math.sqrt(_ratio(var_ddx, var_dx)), mobility)


def window_features(
    name: str, x: Vector, sample_rate: float, bands: list[tuple[float, float]], eps: float
) -> list[float]:
    """The values of one feature (one per band for LOGBAND) of one window, except SPATIAL.

    logband = log(sum of q[k] over the band's bins + eps); mnf = sum_k f_k q[k] / sum_k q[k];
    mdf = median_frequency; a silent window (power below rounding) has mnf = mdf = 0.

    >>> [round(v, 6) for v in window_features("mnf", [1.0, -1.0, 1.0, -1.0], 4.0, [], 1e-12)]
    [1.666667]
    """
    if name in ("activity", "mobility", "complexity"):
        return [hjorth(x)[("activity", "mobility", "complexity").index(name)]]
    q, mean = bin_powers(x)
    df = sample_rate / (2 * (len(q) - 1))
    total = math.fsum(q)
    silent = total <= ((len(x) + 4) * _U * mean) ** 2
    if name == "logband":
        return [
            math.log(math.fsum(v for k, v in enumerate(q) if lo <= k * df < hi) + eps)
            for lo, hi in bands
        ]
    if name == "mnf":
        return [0.0 if silent else math.fsum(k * df * v for k, v in enumerate(q)) / total]
    if name == "mdf":
        return [0.0 if silent else median_frequency(q, df)]
    raise ValueError(f"window_features: unknown feature {name!r}")


def extract_features(
    emg: Matrix,
    *,
    window: int,
    hop: int,
    features: tuple[str, ...],
    sample_rate: float = 2000.0,
    bands: list[tuple[float, float]] | None = None,
    eps: float = 1e-12,
) -> Matrix:
    """The spectral, Hjorth and SPATIAL features of every full window, feature-major columns.

    Columns: for each feature (and each band of LOGBAND), every channel, as
    ``purepose.signals.features.extract_features`` lays them out. SPATIAL is each channel's
    log power minus the mean log power over the channels.

    >>> emg = [[1.0, 2.0], [-1.0, -2.0]] * 4
    >>> rows = extract_features(emg, window=4, hop=4, features=("spatial", "mnf"), sample_rate=4.0)
    >>> [[round(v, 6) for v in row] for row in rows]
    [[-0.693147, 0.693147, 1.666667, 1.666667], [-0.693147, 0.693147, 1.666667, 1.666667]]
    """
    bands = list(bands or DEFAULT_BANDS)
    n_channels = len(emg[0])
    rows = []
    for start in range(0, len(emg) - window + 1, hop):
        channels = [[emg[i][c] for i in range(start, start + window)] for c in range(n_channels)]
        row = []
        for name in features:
            if name == "spatial":
                logpow = [math.log(math.fsum(v * v for v in x) / window + eps) for x in channels]
                mean = math.fsum(logpow) / n_channels
                row += [lp - mean for lp in logpow]
                continue
            per_channel = [window_features(name, x, sample_rate, bands, eps) for x in channels]
            row += [values[b] for b in range(len(per_channel[0])) for values in per_channel]
        rows.append(row)
    return rows
