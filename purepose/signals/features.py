"""EMG signal processing in plain Python: windows, features, filters, lags, smoothing.

An emg2pose session is EMG sampled at 2 kHz, ``n_samples x 16`` (one row per
sample). A model does not look at single samples: it looks at *windows*,
``[start, end)`` ranges of ``window`` samples that slide forward by ``hop``.
Each window of each channel ``x`` is summarised by a few numbers
(Hudgins et al. 1993; Phinyomark et al. 2012). With ``N = end - start``:

* RMS     sqrt( (1/N) * sum x[i]^2 )
* MAV     (1/N) * sum |x[i]|
* WL      sum |x[i] - x[i-1]|        over pairs with both samples in the window
* ZC      number of i with sign(x[i]) * sign(x[i+1]) < 0 and |x[i] - x[i+1]| >= threshold
* SSC     number of i with (x[i]-x[i-1]) * (x[i]-x[i+1]) > 0 and
          max(|x[i]-x[i-1]|, |x[i]-x[i+1]|) >= threshold
* LOGPOW  log( (1/N) * sum x[i]^2 + eps )
* SPATIAL LOGPOW of the channel minus the mean LOGPOW over the C channels,
          log(p_c + eps) - (1/C) sum_c' log(p_c' + eps): the spatial pattern of
          power across the electrodes, unchanged by a gain common to all channels

and, from purepose.signals.spectral (formulas, method and cost there), the
frequency features LOGBAND (log power in each band of ``bands``, Hz, one
column per band), MNF and MDF (mean and median frequency, Hz), which need the
``sample_rate``, and the Hjorth parameters ACTIVITY, MOBILITY, COMPLEXITY.

A difference, crossing or slope change *belongs* to a window only if every
sample it uses lies inside the window (WL and ZC use the pair i, i+1; SSC uses
the triple i-1, i, i+1). So a window of N samples has N-1 pairs and N-2 triples.
Signs are strict: an exact zero is neither side, so 1, 0, -1 holds no
crossing, and a plateau (equal neighbours) is no slope change. ``threshold``
(EMG units, default 0) ignores small steps: a crossing needs a jump of at
least ``threshold``, a slope change at least one step that large (Hudgins'
"either difference" rule, written as a max).

Cost and accuracy of the window sums (u = 2**-53, the unit roundoff).
Summing every window from scratch costs O(n_samples * window / hop) per
channel. The textbook shortcut, one running sum P[i] = v[0] + ... + v[i-1]
(``itertools.accumulate``) and P[end] - P[start] per window, is O(n_samples)
but subtracts two large rounded numbers: its relative error is up to about
n_samples * u * (P[n] / window sum), ~1e-8 for a 200-sample window in a
140,000-sample session and far worse for a quiet window after a loud stretch.
So the float sums here never subtract; they use one of two plans, both
O(n_samples) per channel for the usual windows:

* Pieces (windows overlapping a few times, the default 200/40): cut the
  signal at every window start and end; ``math.fsum`` the squares, the
  magnitudes and the steps inside each piece once (one slice per piece, every
  sample is read once); a window is the ``fsum`` of its pieces' sums, at most
  32 of them (2 * window / hop for regular windows), plus, for WL, the steps
  bridging its consecutive pieces. Two correct roundings: the relative error
  is about 2u. Cost O(n_samples + n_windows * window / hop).
* Head + tail (dense windows, more than 32 pieces each, e.g. hop = 1): cut the
  signal into blocks of exactly L = end - start values; within a block
  ``tail[i]`` sums from i to the block's end and ``head[i]`` from the block's
  start up to i - 1, both running sums (``accumulate``). A window starting at
  s covers the rest of its block and the beginning of the next, so
  ``sum(v[s : s + L]) = tail[s] + head[s + L]`` (head is 0 at a block start).
  This is the van Herk / Gil-Werman decomposition of running max filters,
  applied to sums; both terms add at most L non-negative values, so the
  relative error is at most about L * u (2.2e-14 for L = 200). Cost
  O(n_samples + n_windows).

Either way the error does not grow with the session length or with the
loudness around a window. Counts (ZC, SSC) are integer running sums, exact.
Overall: O(n_samples * n_channels) per feature.

``lag_stack`` concatenates past feature rows. The filters (``lfilter``, RBJ
biquads, ``envelope``, ``ema`` ...) live in purepose.signals.filters and are
importable from here too.

References: B. Hudgins, P. Parker, R. N. Scott, "A new strategy for
multifunction myoelectric control", IEEE Trans. Biomed. Eng. 40(1), 1993;
A. Phinyomark, P. Phukpattaranont, C. Limsakul, "Feature reduction and
selection for EMG signal classification", Expert Systems with Applications
39(8), 2012.

>>> emg = [[1.0, -1.0], [-1.0, 2.0], [1.0, -3.0], [-1.0, 4.0]]
>>> extract_features(emg, window=4, hop=1, features=("mav", "zc"))
[[1.0, 2.5, 3.0, 3.0]]
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, pairwise, repeat
from typing import NamedTuple

from purepose.errors import PureposeError
from purepose.types import Matrix

from .channels import check_rows as _check_rows
from .channels import columns as _columns  # noqa: F401 (tests call signal._columns)
from .channels import transpose_checked as _transpose
from .filters import (  # re-exported: the filters lived here first
    biquad_coefficients,
    ema,
    envelope,
    filter_channels,
    highpass_first_order,
    lfilter,
)
from .framing import (  # re-exported: the window geometry lived here first
    IK_FAILURE_ATOL,
    SAMPLE_RATE,
    check_window_hop,
    ms_to_samples,
    window_bounds,
    window_labels,
    window_times,
    window_valid,
)
from .spectral import (
    DEFAULT_BANDS,
    HJORTH_FEATURES,
    SPECTRAL_FEATURES,
    band_bins,
    band_name,
    check_sample_rate,
    hjorth_features,
    spectral_features,
)

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_FEATURES",
    "FEATURES",
    "IK_FAILURE_ATOL",
    "SAMPLE_RATE",
    "TIME_FEATURES",
    "biquad_coefficients",
    "ema",
    "envelope",
    "extract_features",
    "feature_names",
    "feature_widths",
    "filter_channels",
    "highpass_first_order",
    "lag_stack",
    "lfilter",
    "ms_to_samples",
    "window_bounds",
    "window_labels",
    "window_times",
    "window_valid",
]

TIME_FEATURES = ("rms", "mav", "wl", "zc", "ssc", "logpow")
FEATURES = (*TIME_FEATURES, "spatial", *SPECTRAL_FEATURES, *HJORTH_FEATURES)
DEFAULT_FEATURES = ("rms", "mav", "wl", "logpow")
_MAX_PIECES = 32  # windows made of more pieces use the head + tail plan (module docstring)

_SUM_KINDS = (  # the float window sums, and the features that use them
    ("squares", frozenset({"rms", "logpow"})),
    ("magnitudes", frozenset({"mav"})),
    ("steps", frozenset({"wl"})),
)

_mul = operator.mul
_sub = operator.sub


# ---------------------------------------------------------------------------
# Features


def feature_names(
    features: Sequence[str],
    n_channels: int,
    *,
    bands: Sequence[tuple[float, float]] = DEFAULT_BANDS,
) -> list[str]:
    """Column names of :func:`extract_features`, feature-major: rms_ch00 .. rms_ch15, mav_ch00 ...

    LOGBAND gives one block of columns per band, named by its edges in Hz.

    >>> feature_names(("rms", "zc"), 2)
    ['rms_ch00', 'rms_ch01', 'zc_ch00', 'zc_ch01']
    >>> feature_names(("logband", "mnf"), 1, bands=[(20, 60), (60, 120)])
    ['logband20-60_ch00', 'logband60-120_ch00', 'mnf_ch00']
    >>> feature_names(("power",), 2)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: feature_names: unknown feature 'power'; choose from rms, ...
    """
    names = _check_features("feature_names", features)
    if isinstance(n_channels, bool) or not isinstance(n_channels, int) or n_channels < 1:
        raise PureposeError(f"feature_names: n_channels={n_channels!r} must be an integer >= 1")
    stems = []
    for name in names:
        stems += [band_name(b) for b in bands] if name == "logband" else [name]
    return [f"{stem}_ch{ch:02d}" for stem in stems for ch in range(n_channels)]


def feature_widths(
    features: Sequence[str], *, bands: Sequence[tuple[float, float]] = DEFAULT_BANDS
) -> int:
    """Columns per channel: one per feature, ``len(bands)`` for LOGBAND.

    >>> feature_widths(("rms", "logband"), bands=[(20, 60), (60, 120)])
    3
    """
    return sum(len(bands) if name == "logband" else 1 for name in features)


def _check_features(where: str, features: Sequence[str]) -> tuple[str, ...]:
    if isinstance(features, str):
        features = (features,)
    names = tuple(features)
    if not names:
        raise PureposeError(f"{where}: features is empty; choose from {', '.join(FEATURES)}")
    for name in names:
        if name not in FEATURES:
            raise PureposeError(
                f"{where}: unknown feature {name!r}; choose from {', '.join(FEATURES)}"
            )
    if len(set(names)) != len(names):
        raise PureposeError(f"{where}: features {names} contain a duplicate")
    return names


class _WindowSums:
    """Per-window sums of x², |x| and |x[i+1] - x[i]| of a channel, without subtracting.

    Built once per set of windows (the same for every channel), then called
    with each channel's samples. The three kinds of terms are

    * ``"squares"``     x[i]²                  for samples i in [s, e)   (RMS, LOGPOW)
    * ``"magnitudes"``  |x[i]|                 for samples i in [s, e)   (MAV)
    * ``"steps"``       |x[i+1] - x[i]|        for pairs i in [s, e - 1)  (WL)

    See the module docstring for the two plans (pieces, head + tail) and
    their error bounds. With pieces, a window's steps are those inside each
    of its pieces plus the ones bridging consecutive pieces, so one slice per
    piece serves all three kinds and no full-length list of terms is built.
    """

    def __init__(self, bounds: list[tuple[int, int]]) -> None:
        self.bounds = bounds
        self.length = bounds[0][1] - bounds[0][0]
        cuts = sorted(set(chain.from_iterable(bounds)))
        where = {cut: k for k, cut in enumerate(cuts)}
        self.pieces = list(pairwise(cuts))  # piece k is x[cuts[k]:cuts[k+1]]
        self.window_pieces = [(where[s], where[e]) for s, e in bounds]
        self.dense = max(b - a for a, b in self.window_pieces) > _MAX_PIECES

    def __call__(self, x: Sequence[float], kinds: Iterable[str]) -> dict[str, list[float]]:
        """``{kind: [sum of the kind's terms in window (s, e) for s, e in bounds]}``."""
        if self.dense:
            return self._head_tail(x, kinds)
        return self._pieces(x, kinds)

    def _pieces(self, x: Sequence[float], kinds: Iterable[str]) -> dict[str, list[float]]:
        fsum = math.fsum
        per_piece: dict[str, list[float]] = {kind: [] for kind in kinds}
        squares = per_piece.get("squares")
        magnitudes = per_piece.get("magnitudes")
        steps = per_piece.get("steps")
        for a, b in self.pieces:
            piece = x[a:b]  # one slice feeds every kind: each sample is read once
            if squares is not None:
                squares.append(fsum(map(_mul, piece, piece)))
            if magnitudes is not None:
                magnitudes.append(fsum(map(abs, piece)))
            if steps is not None:  # the pairs inside the piece
                steps.append(fsum(map(abs, map(_sub, piece[1:], piece))))
        windows = self.window_pieces
        sums = {}
        for kind, piece_sums in per_piece.items():
            if kind == "steps":
                # bridges[k] = |x[c] - x[c - 1]|, c the cut between pieces k and k + 1;
                # a window of pieces a .. b-1 holds the bridges a .. b-2.
                bridges = [abs(x[c] - x[c - 1]) for _, c in self.pieces[:-1]]
                sums[kind] = [fsum(piece_sums[a:b] + bridges[a : b - 1]) for a, b in windows]
            else:
                sums[kind] = [fsum(piece_sums[a:b]) for a, b in windows]
        return sums

    def _head_tail(self, x: Sequence[float], kinds: Iterable[str]) -> dict[str, list[float]]:
        sums = {}
        for kind in kinds:
            if kind == "squares":
                sums[kind] = _head_tail_sums(list(map(_mul, x, x)), self.bounds, self.length)
            elif kind == "magnitudes":
                sums[kind] = _head_tail_sums(list(map(abs, x)), self.bounds, self.length)
            else:  # pair i (x[i], x[i+1]) lies in window (s, e) for i in [s, e - 1)
                pairs = [(s, e - 1) for s, e in self.bounds]
                steps = list(map(abs, map(_sub, x[1:], x)))
                sums[kind] = _head_tail_sums(steps, pairs, self.length - 1)
        return sums


def _head_tail_sums(
    values: Sequence[float], bounds: Sequence[tuple[int, int]], length: int
) -> list[float]:
    """``sum(values[s:e])`` for ranges of one common ``length``, as ``tail[s] + head[e]``."""
    # Blocks of exactly `length` values. A range never starts in the last,
    # partial block (it would run past the end), so tail is needed for full
    # blocks only; head is needed up to index n.
    if length == 0:
        return [0.0] * len(bounds)  # one-sample windows hold no pair
    n = len(values)
    head: list[float] = []
    tail: list[float] = []
    for k0 in range(0, n, length):
        block = values[k0 : k0 + length]
        block_head = list(accumulate(block, initial=0.0))
        block_head.pop()  # the block total; head restarts at 0 in the next block
        head += block_head
        block_tail = list(accumulate(reversed(block)))
        block_tail.reverse()
        tail += block_tail
    head.append(head[-1] + values[-1] if n % length else 0.0)  # head[n]
    return [tail[s] + head[e] for s, e in bounds]


def _window_counts(flags: Iterable[int], bounds: Sequence[tuple[int, int]]) -> list[float]:
    """Number of true flags in ``flags[s:e]`` per range; integer prefix sums are exact.

    An empty range (a window too short to hold a pair or triple) counts 0,
    even where ``s`` lies past the end of ``flags``.
    """
    prefix = list(accumulate(flags, initial=0))
    return [float(prefix[e] - prefix[s]) if e > s else 0.0 for s, e in bounds]


def _signs(values: Sequence[float]) -> list[int]:
    """sign(v) in {-1, 0, 1}; comparing signs avoids underflow in a product test."""
    return list(
        map(_sub, map(operator.gt, values, repeat(0.0)), map(operator.lt, values, repeat(0.0)))
    )


class _Ranges(NamedTuple):
    """What each window covers: its float sums, and its pairs and triples for the counts."""

    sums: _WindowSums  # samples x[s:e]
    pairs: list[tuple[int, int]]  # pair i = (x[i], x[i+1]) for i in [s, e-1)
    triples: list[tuple[int, int]]  # triple j = (x[j], x[j+1], x[j+2]) for j in [s, e-2)

    @classmethod
    def of(cls, bounds: list[tuple[int, int]]) -> _Ranges:
        pairs = [(s, max(s, e - 1)) for s, e in bounds]
        triples = [(s, max(s, e - 2)) for s, e in bounds]
        return cls(_WindowSums(bounds), pairs, triples)


def _channel_features(
    x: Sequence[float],
    ranges: _Ranges,
    names: tuple[str, ...],
    threshold: float,
    eps: float,
) -> dict[str, list[float]]:
    """Every requested feature of one channel, one value per window."""
    window = ranges.sums.length
    kinds = [kind for kind, users in _SUM_KINDS if not users.isdisjoint(names)]
    sums = ranges.sums(x, kinds) if kinds else {}
    out: dict[str, list[float]] = {}
    if "squares" in sums:
        power = [p / window for p in sums["squares"]]
        if "rms" in names:
            out["rms"] = list(map(math.sqrt, power))
        if "logpow" in names:
            out["logpow"] = [math.log(p + eps) for p in power]
    if "mav" in names:
        out["mav"] = [a / window for a in sums["magnitudes"]]
    if "wl" in names:
        out["wl"] = sums["steps"]
    if "zc" in names or "ssc" in names:
        diff = list(map(_sub, x[1:], x[:-1]))  # diff[i] = x[i+1] - x[i]
        absdiff = list(map(abs, diff))
        if "zc" in names:
            sign = _signs(x)
            flags = map(operator.lt, map(_mul, sign[:-1], sign[1:]), repeat(0))
            if threshold > 0.0:
                flags = map(operator.and_, flags, map(operator.ge, absdiff, repeat(threshold)))
            out["zc"] = _window_counts(flags, ranges.pairs)
        if "ssc" in names:
            # (x[j+1]-x[j]) * (x[j+1]-x[j+2]) > 0  <=>  diff[j] and diff[j+1] differ in sign
            dsign = _signs(diff)
            flags = map(operator.lt, map(_mul, dsign[:-1], dsign[1:]), repeat(0))
            if threshold > 0.0:
                big = map(operator.ge, map(max, absdiff[:-1], absdiff[1:]), repeat(threshold))
                flags = map(operator.and_, flags, big)
            out["ssc"] = _window_counts(flags, ranges.triples)
    return out


def extract_features(
    emg: Sequence[Sequence[float]],
    *,
    window: int = 200,
    hop: int = 40,
    features: Sequence[str] = DEFAULT_FEATURES,
    threshold: float = 0.0,
    eps: float = 1e-12,
    sample_rate: float = SAMPLE_RATE,
    bands: Sequence[tuple[float, float]] = DEFAULT_BANDS,
) -> Matrix:
    """Per-channel features of every sliding window (see the module docstring for formulas).

    ``emg``: n_samples x n_channels. Returns n_windows x (width * n_channels),
    width = :func:`feature_widths`, columns feature-major ``[f0_ch0 .. f0_chC,
    f1_ch0 ..]`` (names from :func:`feature_names`), windows from
    ``window_bounds(n_samples, window, hop)``. At 2 kHz the defaults are 100 ms
    windows every 20 ms. ``threshold`` (>= 0, in EMG units) is the minimum
    amplitude step for ZC and SSC; ``eps`` (> 0) keeps LOGPOW, SPATIAL and
    LOGBAND finite on a silent window. ZC and SSC are counts (as floats).
    ``sample_rate`` (Hz, emg2pose's 2000 by default) places the frequency bins
    of LOGBAND, MNF and MDF; ``bands`` are LOGBAND's (lo, hi) edges in Hz.

    >>> x = [[0.0], [3.0], [-1.0], [2.0], [2.0]]
    >>> [round(v, 4) for v in extract_features(x, window=5, hop=1, features=TIME_FEATURES)[0]]
    [1.8974, 1.6, 10.0, 2.0, 2.0, 1.2809]
    >>> extract_features(x, window=5, hop=1, features=("zc", "ssc"), threshold=3.5)
    [[1.0, 2.0]]
    >>> extract_features(x, window=6)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: extract_features: n_samples=5 is fewer samples than one window=6
    """
    names = _check_features("extract_features", features)
    check_window_hop("extract_features", window, hop)
    if not (math.isfinite(threshold) and threshold >= 0.0):
        raise PureposeError(f"extract_features: threshold={threshold} must be finite and >= 0")
    if not (math.isfinite(eps) and eps > 0.0):
        raise PureposeError(f"extract_features: eps={eps} must be finite and > 0")
    check_sample_rate(sample_rate, "extract_features")
    if "logband" in names:
        band_bins(bands, window, sample_rate, "extract_features")  # a bad band fails first
    _check_rows("extract_features", emg)
    if len(emg) < window:
        raise PureposeError(
            f"extract_features: n_samples={len(emg)} is fewer samples than one window={window}"
        )
    # The windows' plan first, the columns second: building the plan makes
    # many small objects, and every garbage collection they trigger while the
    # columns are young traverses all n_samples x n_channels list slots.
    bounds = window_bounds(len(emg), window, hop)
    ranges = _Ranges.of(bounds)
    time_names = tuple(n for n in names if n in TIME_FEATURES)
    if "spatial" in names and "logpow" not in time_names:
        time_names += ("logpow",)
    per_channel = []
    for col in _transpose("extract_features", emg):
        chan = {
            k: [v] for k, v in _channel_features(col, ranges, time_names, threshold, eps).items()
        }
        if not set(names).isdisjoint(SPECTRAL_FEATURES):
            chan.update(
                spectral_features(
                    col,
                    window,
                    hop,
                    len(bounds),
                    names,
                    sample_rate=sample_rate,
                    bands=bands,
                    eps=eps,
                )
            )
        chan.update({k: [v] for k, v in hjorth_features(col, bounds, names).items()})
        per_channel.append(chan)
    if "spatial" in names:
        _add_spatial(per_channel)
    feature_columns = [
        column
        for name in names
        for block in range(len(per_channel[0][name]))
        for column in (chan[name][block] for chan in per_channel)
    ]
    return [list(row) for row in zip(*feature_columns)]


def _add_spatial(per_channel: list[dict[str, list[list[float]]]]) -> None:
    """SPATIAL: each channel's LOGPOW minus the mean LOGPOW of all channels, window by window."""
    logpow = [chan["logpow"][0] for chan in per_channel]
    n = len(logpow)
    means = [math.fsum(values) / n for values in zip(*logpow)]
    for chan, values in zip(per_channel, logpow):
        chan["spatial"] = [list(map(_sub, values, means))]


# ---------------------------------------------------------------------------
# Lags


def lag_stack(X: Sequence[Sequence[float]], n_lags: int, *, step: int = 1) -> Matrix:
    """Concatenate each row with its past: row t = X[t] + X[t-step] + ... + X[t-n_lags*step].

    Shape n_samples x n_features -> n_samples x (n_features * (n_lags + 1)).
    "Edge" padding: a lag that reaches before row 0 repeats row 0, so the
    output keeps one row per input row. ``n_lags=0`` returns a copy. Empty
    input gives ``[]``.

    >>> lag_stack([[1.0], [2.0], [3.0]], 2)
    [[1.0, 1.0, 1.0], [2.0, 1.0, 1.0], [3.0, 2.0, 1.0]]
    >>> lag_stack([[1.0], [2.0], [3.0], [4.0]], 1, step=2)
    [[1.0, 1.0], [2.0, 1.0], [3.0, 1.0], [4.0, 2.0]]
    >>> lag_stack([[1.0]], -1)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: lag_stack: n_lags=-1 must be an integer >= 0
    """
    if isinstance(n_lags, bool) or not isinstance(n_lags, int) or n_lags < 0:
        raise PureposeError(f"lag_stack: n_lags={n_lags!r} must be an integer >= 0")
    if isinstance(step, bool) or not isinstance(step, int) or step < 1:
        raise PureposeError(f"lag_stack: step={step!r} must be an integer >= 1")
    n = len(X)
    if n == 0:
        return []
    if len(set(map(len, X))) != 1:
        raise PureposeError(
            f"lag_stack: ragged rows, lengths {sorted(set(map(len, X)))[:2]} differ"
        )
    # shifted[k][t] = X[max(t - k*step, 0)]: k*step copies of row 0, then X itself.
    shifted = []
    for k in range(n_lags + 1):
        pad = min(k * step, n)
        shifted.append(chain(repeat(X[0], pad), X[: n - pad]))
    return [list(chain.from_iterable(rows)) for rows in zip(*shifted)]
