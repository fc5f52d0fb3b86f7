"""Digital filters for EMG in plain Python: lfilter, an RC high-pass, RBJ biquads, envelopes, EMA.

Filters are the classic recursions: a first-order RC high-pass, RBJ "Audio EQ
Cookbook" biquads, and ``lfilter`` in direct form II transposed (the structure
scipy.signal.lfilter uses), O(n_samples * order). ``envelope`` rectifies and
low-passes every channel; ``ema`` smooths rows with an exponential moving
average (a first-order low-pass down the rows). Every name here is also
importable from purepose.signals.features.

References: R. Bristow-Johnson, "Cookbook formulae for audio EQ biquad filter
coefficients"; A. V. Oppenheim, R. W. Schafer, *Discrete-Time Signal
Processing*, 3rd ed., 2010, section 6.4 (transposed forms).

>>> lfilter([1.0], [1.0, -0.5], [1.0, 0.0, 0.0])
[1.0, 0.5, 0.25]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate

from purepose.errors import PureposeError
from purepose.joints import SAMPLE_RATE
from purepose.types import Matrix, Vector

from .channels import columns


def _check_cutoff(where: str, cutoff_hz: float, sample_rate: float) -> None:
    if not (math.isfinite(sample_rate) and sample_rate > 0.0):
        raise PureposeError(f"{where}: sample_rate={sample_rate} must be finite and > 0")
    nyquist = sample_rate / 2.0
    if not (math.isfinite(cutoff_hz) and 0.0 < cutoff_hz < nyquist):
        raise PureposeError(
            f"{where}: cutoff_hz={cutoff_hz} must be in (0, {nyquist}), below Nyquist"
        )


def _check_vector(where: str, x: Sequence[float]) -> None:
    if not math.isfinite(sum(x)) and not all(map(math.isfinite, x)):
        i = next(i for i, v in enumerate(x) if not math.isfinite(v))
        raise PureposeError(f"{where}: non-finite value {x[i]} at index {i}")


def lfilter(b: Sequence[float], a: Sequence[float], x: Sequence[float]) -> Vector:
    """Filter ``x`` with the rational transfer function b(z)/a(z), zero initial state.

    a[0]*y[n] = b[0]*x[n] + ... + b[M]*x[n-M] - a[1]*y[n-1] - ... - a[N]*y[n-N].
    Coefficients are first divided by a[0]. Direct form II transposed, with
    K = max(M, N) state values z (zero at the start):
        y[n]   = z[0] + b[0]*x[n]
        z[k]   = z[k+1] + b[k+1]*x[n] - a[k+1]*y[n]    (k = 0 .. K-2)
        z[K-1] = b[K]*x[n] - a[K]*y[n]
    the same operations in the same order as scipy.signal.lfilter.
    Cost O(len(x) * K); a per-sample Python loop, since every output depends
    on the previous one.

    >>> lfilter([1.0], [1.0, -0.5], [1.0, 0.0, 0.0, 0.0])
    [1.0, 0.5, 0.25, 0.125]
    >>> lfilter([0.5, 0.5], [1.0], [2.0, 4.0, 6.0])
    [1.0, 3.0, 5.0]
    >>> lfilter([1.0], [0.0, 1.0], [1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: lfilter: a[0]=0.0 must be non-zero
    """
    if len(b) == 0 or len(a) == 0:
        raise PureposeError(f"lfilter: b (len {len(b)}) and a (len {len(a)}) must be non-empty")
    if a[0] == 0.0:
        raise PureposeError(f"lfilter: a[0]={a[0]} must be non-zero")
    _check_vector("lfilter: b", b)
    _check_vector("lfilter: a", a)
    _check_vector("lfilter: x", x)
    order = max(len(b), len(a))
    a0 = a[0]
    bn = [v / a0 for v in b] + [0.0] * (order - len(b))
    an = [v / a0 for v in a] + [0.0] * (order - len(a))
    if order == 1:
        return [v * bn[0] for v in x]
    if order == 2:
        return _lfilter_first_order(bn, an, x)
    if order == 3:
        return _lfilter_biquad(bn, an, x)
    return _lfilter_general(bn, an, x)


def _lfilter_first_order(b: Vector, a: Vector, x: Sequence[float]) -> Vector:
    """Direct form II transposed with one state value, unrolled for speed."""
    b0, b1 = b
    a1 = a[1]
    z0 = 0.0
    y: Vector = []
    append = y.append
    for xn in x:
        yn = z0 + b0 * xn
        z0 = xn * b1 - yn * a1
        append(yn)
    return y


def _lfilter_biquad(b: Vector, a: Vector, x: Sequence[float]) -> Vector:
    """Direct form II transposed with two state values, unrolled for speed."""
    b0, b1, b2 = b
    a1, a2 = a[1], a[2]
    z0 = z1 = 0.0
    y: Vector = []
    append = y.append
    for xn in x:
        yn = z0 + b0 * xn
        z0 = z1 + xn * b1 - yn * a1
        z1 = xn * b2 - yn * a2
        append(yn)
    return y


def _lfilter_general(b: Vector, a: Vector, x: Sequence[float]) -> Vector:
    """Direct form II transposed for any order (the textbook loop over the state)."""
    order = len(b)
    z = [0.0] * (order - 1)
    y: Vector = []
    for xn in x:
        yn = z[0] + b[0] * xn
        for k in range(order - 2):
            z[k] = z[k + 1] + xn * b[k + 1] - yn * a[k + 1]
        z[order - 2] = xn * b[order - 1] - yn * a[order - 1]
        y.append(yn)
    return y


def highpass_first_order(
    x: Sequence[float], cutoff_hz: float, sample_rate: float = SAMPLE_RATE
) -> Vector:
    """First-order RC high-pass: y[n] = alpha * (y[n-1] + x[n] - x[n-1]), zero initial state.

    RC = 1 / (2*pi*cutoff_hz), dt = 1 / sample_rate, alpha = RC / (RC + dt).
    Equivalent to ``lfilter([alpha, -alpha], [1, -alpha], x)`` (so y[0] = alpha*x[0]).
    Removes a DC offset; the gain is -3 dB near ``cutoff_hz``.

    >>> y = highpass_first_order([1.0] * 4000, 5.0)
    >>> round(y[0], 4), abs(y[-1]) < 1e-12
    (0.9845, True)
    >>> highpass_first_order([1.0], 1000.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: highpass_first_order: cutoff_hz=1000.0 must be in (0, 1000.0)...
    """
    _check_cutoff("highpass_first_order", cutoff_hz, sample_rate)
    rc = 1.0 / (2.0 * math.pi * cutoff_hz)
    dt = 1.0 / sample_rate
    alpha = rc / (rc + dt)
    return lfilter([alpha, -alpha], [1.0, -alpha], x)


def biquad_coefficients(
    kind: str, cutoff_hz: float, sample_rate: float = SAMPLE_RATE, q: float = 1.0 / math.sqrt(2.0)
) -> tuple[Vector, Vector]:
    """RBJ cookbook second-order low-pass or high-pass: returns ``(b, a)`` with a[0] = 1.

    w0 = 2*pi*cutoff_hz/sample_rate, alpha = sin(w0) / (2*q), c = cos(w0):
      lowpass:  b = [(1-c)/2, 1-c, (1-c)/2]
      highpass: b = [(1+c)/2, -(1+c), (1+c)/2]
      both:     a = [1+alpha, -2c, 1-alpha]
    then every coefficient is divided by a[0] = 1 + alpha. With the default
    q = 1/sqrt(2) this is the 2nd-order Butterworth filter (bilinear
    transform, pre-warped at the cutoff), as ``scipy.signal.butter(2, ...)``.

    >>> b, a = biquad_coefficients("lowpass", 200.0, 2000.0)
    >>> [round(v, 6) for v in b], [round(v, 6) for v in a]
    ([0.067455, 0.134911, 0.067455], [1.0, -1.142981, 0.412802])
    >>> biquad_coefficients("band", 50.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: biquad_coefficients: kind='band' must be 'lowpass' or 'highpass'
    """
    if kind not in ("lowpass", "highpass"):
        raise PureposeError(f"biquad_coefficients: kind={kind!r} must be 'lowpass' or 'highpass'")
    _check_cutoff("biquad_coefficients", cutoff_hz, sample_rate)
    if not (math.isfinite(q) and q > 0.0):
        raise PureposeError(f"biquad_coefficients: q={q} must be finite and > 0")
    w0 = 2.0 * math.pi * cutoff_hz / sample_rate
    c = math.cos(w0)
    alpha = math.sin(w0) / (2.0 * q)
    if kind == "lowpass":
        b = [(1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0]
    else:
        b = [(1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0]
    a = [1.0 + alpha, -2.0 * c, 1.0 - alpha]
    a0 = a[0]
    return [v / a0 for v in b], [v / a0 for v in a]


def filter_channels(
    emg: Sequence[Sequence[float]], b: Sequence[float], a: Sequence[float]
) -> Matrix:
    """Apply ``lfilter(b, a, .)`` to every column of ``emg`` (n_samples x n_channels).

    >>> filter_channels([[1.0, 2.0], [3.0, 4.0]], [0.5, 0.5], [1.0])
    [[0.5, 1.0], [2.0, 3.0]]
    >>> filter_channels([[1.0, 2.0], [3.0]], [1.0], [1.0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: filter_channels: ragged rows, lengths [1, 2] differ
    """
    cols = columns("filter_channels", emg)
    filtered = [lfilter(b, a, col) for col in cols]
    return [list(row) for row in zip(*filtered)]


def envelope(
    emg: Sequence[Sequence[float]], cutoff_hz: float = 5.0, sample_rate: float = SAMPLE_RATE
) -> Matrix:
    """Linear envelope: full-wave rectify, then a 2nd-order Butterworth low-pass.

    e[:, c] = lfilter(b, a, |emg[:, c]|) with (b, a) = biquad_coefficients("lowpass", cutoff_hz).
    The filter starts from zero state, so the first ~1/cutoff_hz seconds rise
    from 0; a small undershoot below 0 is possible after a sharp drop.

    >>> env = envelope([[1.0], [-1.0]] * 2000, cutoff_hz=5.0)
    >>> round(env[-1][0], 3)
    1.0
    >>> envelope([[1.0]], cutoff_hz=0.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: envelope: cutoff_hz=0.0 must be in (0, 1000.0), below Nyquist
    """
    _check_cutoff("envelope", cutoff_hz, sample_rate)
    b, a = biquad_coefficients("lowpass", cutoff_hz, sample_rate)
    cols = columns("envelope", emg)
    filtered = [lfilter(b, a, list(map(abs, col))) for col in cols]
    return [list(row) for row in zip(*filtered)]


def ema(X: Sequence[Sequence[float]], alpha: float) -> Matrix:
    """Exponential moving average down the rows: y[0] = x[0], y[t] = alpha*x[t] + (1-alpha)*y[t-1].

    Applied to each column independently; 0 < alpha <= 1 (1 returns a copy;
    smaller alpha smooths more, with a time constant of about 1/alpha rows).
    Empty input gives ``[]``. Cost O(n_samples * n_features).

    >>> ema([[0.0], [1.0], [1.0]], 0.5)
    [[0.0], [0.5], [0.75]]
    >>> ema([[1.0]], 0.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ema: alpha=0.0 must lie in (0, 1]
    """
    if not (isinstance(alpha, (int, float)) and 0.0 < alpha <= 1.0):
        raise PureposeError(f"ema: alpha={alpha} must lie in (0, 1]")
    if len(X) == 0:
        return []
    beta = 1.0 - alpha
    cols = columns("ema", X)
    smoothed = [
        list(accumulate(map(float, col), lambda prev, new: alpha * new + beta * prev))
        for col in cols
    ]
    return [list(row) for row in zip(*smoothed)]
