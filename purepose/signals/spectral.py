"""Spectral and Hjorth features of EMG windows: band powers, mean and median frequency, Hjorth.

Every window of ``N`` samples of one channel, sampled at ``fs`` Hz, gets a
periodogram (the same one as ``scipy.signal.periodogram(x, fs, window="hann",
nfft=nfft, detrend="constant")``):

    y[n]  = (x[n] - mean(x)) * w[n],   w[n] = 1/2 - 1/2 cos(2 pi n / N)   (periodic Hann)
    X[k]  = sum_n y[n] exp(-2 pi i k n / nfft),   nfft = the power of two >= max(N, 2)
    q[k]  = c[k] |X[k]|^2 / (nfft * sum_n w[n]^2),   f[k] = k fs / nfft,   k = 0 .. nfft/2

with c = 1 at 0 and nfft/2 and 2 elsewhere (one-sided). ``q[k]`` is the power
in bin k (the density times the bin width fs/nfft), in EMG units squared; by
Parseval ``sum_k q[k] = sum_n y[n]^2 / sum_n w[n]^2``, the window's tapered
mean square, so a band power is comparable with LOGPOW. From it:

* LOGBAND  log( sum_{lo <= f[k] < hi} q[k] + eps ), one column per band (lo, hi) in Hz
* MNF      sum_k f[k] q[k] / sum_k q[k]                  (mean frequency, Hz)
* MDF      the f at which the cumulative power C[k] = q[0] + ... + q[k] reaches half
           of C[nfft/2], linear between bins: f[k-1] + (fs/nfft) (C/2 - C[k-1]) / q[k]
           for the first k with C[k] >= C/2 (median frequency, Hz)

MNF and MDF are 0 for a window without power: a constant window, or one
whose power after removing its mean is at the rounding level of that mean
(:func:`no_power`). A band is given in Hz and converted with the
recording's rate: it must lie at or below
the Nyquist frequency fs/2 and hold at least one bin, else a clear error (a
100 ms window at 100 Hz has a 16-point spectrum, bins every 6.25 Hz).

Why an FFT of our own and not a filter bank. The features are computed per
window, from the window's samples only, so a recording read in chunks of rows
(purepose.signals.windows) gives exactly the features of the whole file; an IIR
filter bank would restart its state, with a transient, at every chunk. One
spectrum also serves the band powers and both moments, and the reference is
scipy's periodogram to the last few digits. The FFT is the radix-2
Cooley-Tukey recursion on ``m = nfft / 2`` complex points (the real window
packed two samples to a complex number and unpacked after the transform,
the "FFT of real functions" of Press et al., *Numerical Recipes*), run
iteratively from the bit-reversed input, for a whole batch of windows at once:
row ``j`` of the working array holds element j of every window of the batch,
so each butterfly is three C-level ``map`` calls over the batch instead of
three Python operations per window. ``purepose.textbook.spectral`` is the
same periodogram window by window, from the recursive FFT.

Hjorth parameters (Hjorth 1970) of the window's samples, with population
variances and the window's own differences dx[i] = x[i+1] - x[i] (its N - 1
pairs) and ddx[i] = dx[i+1] - dx[i] (its N - 2 triples):

* ACTIVITY    var(x)
* MOBILITY    sqrt( var(dx) / var(x) )      (per sample; times fs / 2 pi, about the RMS
                                              frequency in Hz of a slow signal)
* COMPLEXITY  sqrt( var(ddx) / var(dx) ) / MOBILITY

A ratio whose denominator is 0 (a constant window, a straight line) is 0.
The variances come from the window's pieces (cut at every window start and
end, as in purepose.signals.features): each piece's count, mean and centred sum of
squares once (``math.fsum``, two passes over the piece), then merged window
by window with the pairwise update of Chan, Golub & LeVeque (1979),

    M2 = M2_a + M2_b + (mean_b - mean_a)^2 n_a n_b / (n_a + n_b),

which never subtracts two large sums (a running sum of x^2 minus n mean^2
would lose every digit of a small variance on a large offset).

Cost per channel (n samples, n_w windows of N samples, hop H): the
periodogram O(n_w nfft log nfft), about 2,700 list-element operations per
window for N = 200 (nfft 256: 730 to detrend, taper and pack, 1,220 in the
butterflies, 770 to unpack), shared by LOGBAND, MNF and MDF; Hjorth
O(n + n_w N / H) piece merges, and when a window spans more than 32 pieces
(H much smaller than N) its moments are summed directly, O(N). Measured by
``python -m benchmarks.spectral`` (100 ms windows every 20 ms at 2 kHz,
CPython 3.11, one run on a loaded 2-core machine), per window and channel:
LOGBAND, MNF or MDF 560-640 µs, 19-21 times the four default features
together (30 µs) and 45-50 times scipy's vectorised periodogram of the
same windows; ACTIVITY 1.2, MOBILITY 1.4, COMPLEXITY 3.6 and SPATIAL 0.4
times the default four.

References: B. Hjorth, "EEG analysis based on time domain properties",
Electroencephalography and Clinical Neurophysiology 29(3), 1970;
A. Phinyomark et al., "Feature reduction and selection for EMG signal
classification", Expert Systems with Applications 39(8), 2012 (MNF, MDF);
J. W. Cooley, J. W. Tukey, Math. Comp. 19, 1965; T. F. Chan, G. H. Golub,
R. J. LeVeque, "Updating formulae and a pairwise algorithm for computing
sample variances", Stanford CS report STAN-CS-79-773, 1979.

>>> f, psd = periodogram([1.0, -1.0, 1.0, -1.0], 4.0)
>>> f, [round(v, 12) for v in psd]    # the Hann taper leaks a third of the tone into bin 1
([0.0, 1.0, 2.0], [0.0, 0.333333333333, 0.666666666667])
"""

from __future__ import annotations

import cmath
import math
import operator
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate, chain, pairwise, repeat

from purepose.errors import PureposeError
from purepose.types import Vector

DEFAULT_BANDS: tuple[tuple[float, float], ...] = (
    (20.0, 60.0),
    (60.0, 120.0),
    (120.0, 250.0),
    (250.0, 500.0),
)
"""Band edges (Hz) of LOGBAND: octaves over the surface-EMG spectrum (most power 50-150 Hz)."""

SPECTRAL_FEATURES = ("logband", "mnf", "mdf")
HJORTH_FEATURES = ("activity", "mobility", "complexity")

_BATCH = 256  # windows transformed together: bounds the working array to 256 x nfft/2 numbers
_MAX_PIECES = 32  # a window of more pieces sums its moments directly (see the docstring)

_U = 2.0**-53  # unit roundoff of a double
_add, _sub, _mul = operator.add, operator.sub, operator.mul


def nfft_for(window: int) -> int:
    """FFT length of a window: the smallest power of two >= max(window, 2).

    >>> nfft_for(200), nfft_for(10), nfft_for(1)
    (256, 16, 2)
    """
    return max(2, 1 << (window - 1).bit_length())


def band_bins(
    bands: Sequence[tuple[float, float]], window: int, sample_rate: float, where: str = "bands"
) -> list[range]:
    """The bins k with ``lo <= f[k] < hi`` of each band, checked against Nyquist and the window.

    >>> band_bins([(20.0, 60.0)], 200, 2000.0)
    [range(3, 8)]
    >>> band_bins([(250.0, 500.0)], 10, 100.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: bands: band 250-500 Hz reaches above the Nyquist frequency...
    >>> band_bins([(20.0, 25.0)], 10, 100.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: bands: band 20-25 Hz holds no bin of ... (bins every 6.25 Hz)...
    """
    check_sample_rate(sample_rate, where)
    nfft = nfft_for(window)
    df = sample_rate / nfft
    nyquist = sample_rate / 2.0
    check_band_edges(bands, where)
    out = []
    for lo, hi in bands:
        if hi > nyquist:
            raise PureposeError(
                f"{where}: band {lo:g}-{hi:g} Hz reaches above the Nyquist frequency "
                f"{nyquist:g} Hz of a {sample_rate:g} Hz recording"
            )
        inside = [k for k in range(nfft // 2 + 1) if lo <= k * df < hi]
        bins = range(inside[0], inside[-1] + 1) if inside else range(0)
        if len(bins) == 0:
            raise PureposeError(
                f"{where}: band {lo:g}-{hi:g} Hz holds no bin of the {nfft}-point spectrum of a "
                f"{window}-sample window at {sample_rate:g} Hz (bins every {df:g} Hz); widen the "
                "band or lengthen the window"
            )
        out.append(bins)
    return out


def check_band_edges(bands: Sequence[tuple[float, float]], where: str = "bands") -> None:
    """Raise unless ``bands`` is a non-empty sequence of (lo, hi) pairs with 0 <= lo < hi (Hz).

    >>> check_band_edges([(60, 20)])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: bands: band 60-20 Hz needs 0 <= lo < hi
    """
    if isinstance(bands, str) or len(bands) == 0:
        raise PureposeError(f"{where}: no bands given; give (lo, hi) pairs in Hz")
    for band in bands:
        if (
            isinstance(band, str)
            or len(band) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in band)
        ):
            raise PureposeError(f"{where}: band {band!r} must be a (lo, hi) pair in Hz")
        lo, hi = band
        if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo < hi):
            raise PureposeError(f"{where}: band {lo:g}-{hi:g} Hz needs 0 <= lo < hi")


def check_sample_rate(sample_rate: float, where: str) -> None:
    if (
        isinstance(sample_rate, bool)
        or not isinstance(sample_rate, int | float)
        or not (math.isfinite(sample_rate) and sample_rate > 0.0)
    ):
        raise PureposeError(f"{where}: sample_rate={sample_rate!r} must be finite and > 0")


def band_name(band: tuple[float, float]) -> str:
    """Column stem of one band: ``logband20-60``."""
    return f"logband{band[0]:g}-{band[1]:g}"


def hann(n: int) -> Vector:
    """Periodic Hann taper of n points, w[i] = 1/2 - 1/2 cos(2 pi i / n) (scipy's default)."""
    return [0.5 - 0.5 * math.cos(2.0 * math.pi * i / n) for i in range(n)]


class _RealSpectrum:
    """Bin powers q[k] of many windows of ``window`` samples at once (module docstring).

    Built once per window length; ``__call__`` takes the window's columns
    (``columns[n]`` = sample n of every window of the batch) and returns
    ``q[k]`` for k = 0 .. nfft/2, each a list over the batch.
    """

    def __init__(self, window: int) -> None:
        self.window = window
        self.nfft = nfft = nfft_for(window)
        self.m = m = nfft // 2
        self.taper = hann(window)
        bits = m.bit_length() - 1
        self.order = [int(f"{j:0{bits}b}"[::-1], 2) if bits else 0 for j in range(m)]
        self.stages = []  # butterflies (top, bottom, twiddle or None for 1) of each stage
        half = 1
        while half < m:
            self.stages.append(
                [
                    (
                        start + j,
                        start + j + half,
                        cmath.exp(-1j * math.pi * j / half) if j else None,
                    )
                    for start in range(0, m, 2 * half)
                    for j in range(half)
                ]
            )
            half *= 2
        # X[k] = ((1 + t) Z[k] + (1 - t) conj(Z[m - k])) / 2, t = -i exp(-2 pi i k / nfft);
        # the one-sided scale c[k] / (nfft sum w^2) is folded in as its square root.
        norm = nfft * math.fsum(w * w for w in self.taper)
        self.unpack = []
        for k in range(m + 1):
            t = -1j * cmath.exp(-2j * math.pi * k / nfft)
            root = math.sqrt((1.0 if k in (0, m) else 2.0) / norm) if norm else 0.0
            self.unpack.append((k % m, (m - k) % m, root * (1 + t) / 2, root * (1 - t) / 2))

    def __call__(self, columns: Sequence[Sequence[float]]) -> tuple[list[list[float]], Vector]:
        """``(q, means)``: the bin powers q[k] (each over the batch) and each window's mean."""
        n_windows = len(columns[0])
        n = self.window
        total = columns[0]
        for col in columns[1:]:
            total = list(map(_add, total, col))
        means = [v / n for v in total]
        y = [
            list(map(_mul, map(_sub, col, means), repeat(w)))
            for col, w in zip(columns, self.taper)
        ]
        zero = [0.0] * n_windows
        y += [zero] * (self.nfft - n)
        z = [list(map(complex, y[2 * j], y[2 * j + 1])) for j in range(self.m)]
        a = [z[j] for j in self.order]
        for stage in self.stages:
            for top, bottom, twiddle in stage:
                u, v = a[top], a[bottom]
                if twiddle is not None:
                    v = list(map(_mul, v, repeat(twiddle)))
                a[top] = list(map(_add, u, v))
                a[bottom] = list(map(_sub, u, v))
        q = []
        conj = complex.conjugate
        for i, j, alpha, beta in self.unpack:
            x = map(_add, map(_mul, a[i], repeat(alpha)), map(_mul, map(conj, a[j]), repeat(beta)))
            magnitude = list(map(abs, x))
            q.append(list(map(_mul, magnitude, magnitude)))
        return q, means


def _window_columns(x: Sequence[float], window: int, hop: int, first: int, count: int):
    """Sample n of windows first .. first + count - 1 (window k starts at k hop), for each n."""
    start = first * hop
    stop = start + (count - 1) * hop + 1
    return [x[start + n : stop + n : hop] for n in range(window)]


def bin_powers(
    x: Sequence[float], window: int, hop: int, n_windows: int
) -> tuple[int, list[list[float]], Vector]:
    """``(nfft, q, means)``: q[k][w], the power of bin k in window w (starting at w hop)."""
    spectrum = _RealSpectrum(window)
    q: list[list[float]] = [[] for _ in range(spectrum.m + 1)]
    means: Vector = []
    for first in range(0, n_windows, _BATCH):
        count = min(_BATCH, n_windows - first)
        part, part_means = spectrum(_window_columns(x, window, hop, first, count))
        for row, values in zip(q, part):
            row += values
        means += part_means
    return spectrum.nfft, q, means


def no_power(total: float, mean: float, window: int) -> bool:
    """True if a window's power after removing its mean is at the rounding level of that mean.

    A constant window c leaves residuals of about (window u c) after the mean
    is subtracted (u = 2**-53), so its spectrum holds up to (window u c)^2 of
    rounding "power": below ((window + 4) u mean)^2 it counts as no power.
    """
    return total <= ((window + 4) * _U * mean) ** 2


def periodogram(x: Sequence[float], sample_rate: float) -> tuple[Vector, Vector]:
    """One-sided power spectral density of one window: ``(f, psd)``, psd[k] = q[k] nfft / fs.

    The Hann-tapered, mean-removed periodogram of the module docstring, the
    same as ``scipy.signal.periodogram(x, fs, window="hann", nfft=nfft_for(len(x)))``.

    >>> periodogram([], 100.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: periodogram: the window is empty
    """
    check_sample_rate(sample_rate, "periodogram")
    if len(x) == 0:
        raise PureposeError("periodogram: the window is empty")
    if not all(map(math.isfinite, x)):
        raise PureposeError("periodogram: the window holds a non-finite value")
    nfft, q, _ = bin_powers(list(map(float, x)), len(x), 1, 1)
    df = sample_rate / nfft
    return [k * df for k in range(len(q))], [row[0] / df for row in q]


def spectral_features(
    x: Sequence[float],
    window: int,
    hop: int,
    n_windows: int,
    names: Sequence[str],
    *,
    sample_rate: float,
    bands: Sequence[tuple[float, float]],
    eps: float,
) -> dict[str, list[list[float]]]:
    """LOGBAND (one list per band), MNF and MDF of every window of one channel, as asked."""
    nfft, q, means = bin_powers(x, window, hop, n_windows)
    df = sample_rate / nfft
    out: dict[str, list[list[float]]] = {}
    if "logband" in names:
        out["logband"] = []
        for bins in band_bins(bands, window, sample_rate, "extract_features"):
            power = q[bins.start]
            for k in bins[1:]:
                power = list(map(_add, power, q[k]))
            out["logband"].append([math.log(p + eps) for p in power])
    if "mnf" in names or "mdf" in names:
        # C[k] = q[0] + ... + q[k] for every window at once; C[-1] is the total power.
        cumulative = list(accumulate(q, lambda c, row: list(map(_add, c, row))))
        total = cumulative[-1]
        quiet = [no_power(t, m, window) for t, m in zip(total, means)]
    if "mnf" in names:
        moment = [0.0] * n_windows  # sum_k f[k] q[k], f[0] = 0
        for k, row in enumerate(q[1:], start=1):
            moment = list(map(_add, moment, map(_mul, row, repeat(k * df))))
        out["mnf"] = [[0.0 if z else m / t for m, t, z in zip(moment, total, quiet)]]
    if "mdf" in names:
        mdf = []
        for c, t, z in zip(zip(*cumulative), total, quiet):
            if z:
                mdf.append(0.0)
                continue
            half = t / 2.0
            k = bisect_left(c, half)
            mdf.append(0.0 if k == 0 else (k - 1 + (half - c[k - 1]) / (c[k] - c[k - 1])) * df)
        out["mdf"] = [mdf]
    return out


# ---------------------------------------------------------------------------
# Hjorth parameters


def _piece_moments(values: Sequence[float]) -> tuple[int, float, float]:
    """(count, mean, centred sum of squares) of a piece, two fsum passes."""
    n = len(values)
    if n == 0:
        return 0, 0.0, 0.0
    mean = math.fsum(values) / n
    centred = list(map(_sub, values, repeat(mean)))
    return n, mean, math.fsum(map(_mul, centred, centred))


def _merge(a: tuple[int, float, float], b: tuple[int, float, float]) -> tuple[int, float, float]:
    """Chan, Golub & LeVeque's pairwise update of (count, mean, M2)."""
    na, ma, qa = a
    nb, mb, qb = b
    if na == 0:
        return b
    n = na + nb
    delta = mb - ma
    return n, ma + delta * nb / n, qa + qb + delta * delta * (na * nb / n)


def window_variances(values: Sequence[float], ranges: Sequence[tuple[int, int]]) -> list[float]:
    """Population variance of ``values[s:e]`` for every range (0 for an empty range).

    >>> window_variances([1.0, 2.0, 3.0, 4.0, 1e9], [(0, 4), (1, 3), (2, 2), (3, 5)])
    [1.25, 0.25, 0.0, 2.49999998e+17]
    """
    cuts = sorted(set(chain.from_iterable(ranges)))
    where = {cut: i for i, cut in enumerate(cuts)}
    pieces = [_piece_moments(values[a:b]) for a, b in pairwise(cuts)]
    out = []
    for s, e in ranges:
        first, last = where[s], where[e]
        if last - first > _MAX_PIECES:
            moments = _piece_moments(values[s:e])
        else:
            moments = (0, 0.0, 0.0)
            for piece in pieces[first:last]:
                moments = _merge(moments, piece)
        n, _, m2 = moments
        out.append(m2 / n if n else 0.0)
    return out


def _ratio(num: float, den: float) -> float:
    return num / den if den > 0.0 else 0.0


def hjorth_features(
    x: Sequence[float], bounds: Sequence[tuple[int, int]], names: Sequence[str]
) -> dict[str, list[float]]:
    """ACTIVITY, MOBILITY and COMPLEXITY of every window ``x[s:e]`` of one channel, as asked."""
    out: dict[str, list[float]] = {}
    if set(names).isdisjoint(HJORTH_FEATURES):
        return out
    dx = list(map(_sub, x[1:], x))
    var_x = window_variances(x, bounds)
    if "activity" in names:
        out["activity"] = var_x
    if "mobility" in names or "complexity" in names:
        var_dx = window_variances(dx, [(s, max(s, e - 1)) for s, e in bounds])
        mobility = [math.sqrt(_ratio(d, v)) for d, v in zip(var_dx, var_x)]
        if "mobility" in names:
            out["mobility"] = mobility
        if "complexity" in names:
            ddx = list(map(_sub, dx[1:], dx))
            var_ddx = window_variances(ddx, [(s, max(s, e - 2)) for s, e in bounds])
            out["complexity"] = [
                _ratio(math.sqrt(_ratio(dd, d)), m) for dd, d, m in zip(var_ddx, var_dx, mobility)
            ]
    return out
