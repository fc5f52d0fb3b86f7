"""EMG traces: stacked channels drawn from a per-pixel-column min/max envelope.

A long signal is cut into one bucket per pixel column (:func:`column_edges`)
and only each bucket's minimum and maximum are drawn, in time order
(:func:`envelope`): at that width the picture is the same as one of every
sample, and 40,000 samples become ~2 points per pixel column.
:class:`EmgEnvelope` does this chunk by chunk, so a session of any length is
drawn in O(n_channels x width) memory (what MNE's raw browser does).
:func:`emg_traces_svg` stacks the channels, each around its own baseline,
all with one scale (:func:`emg_amplitude`, shown by a scale bar).

Cost: O(n) for n values (one min/max per column) plus O(m log m) for the
amplitude over at most m = ``max_values`` sampled values; the SVG holds
O(width) points per channel.

Reference: the raw data browser of MNE-Python (``mne.io.Raw.plot``), whose
layout this follows: DC removed, one baseline per channel, one scale.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Sequence

from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

from .svg import (
    INK,
    check_rows,
    check_time,
    element,
    fmt,
    line,
    linear_scale,
    nice_number,
    points_attr,
    svg_document,
    text,
    text_width,
    time_axis,
    title_elements,
)

_TRACE = "#1a2a6c"  # EMG traces


# ---- decimation --------------------------------------------------------------


def column_edges(time: Sequence[float], n_columns: int) -> list[int]:
    """Sample indices that split a sorted ``time`` into ``n_columns`` equal time buckets.

    Bucket c holds samples ``edges[c]:edges[c + 1]`` (some may be empty).

    >>> column_edges([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], 2)
    [0, 3, 6]
    """
    t0, t1 = time[0], time[-1]
    width = (t1 - t0) / n_columns
    inner = [bisect.bisect_left(time, t0 + c * width) for c in range(1, n_columns)]
    return [0, *inner, len(time)]


def envelope(
    time: Sequence[float], values: Sequence[float], edges: Sequence[int]
) -> tuple[Vector, Vector]:
    """Per-bucket minimum and maximum of ``values``, in time order, with their times.

    Drawing these 2 points per pixel column looks the same as drawing every
    sample: the line sweeps the same vertical extent in each column.

    >>> envelope([0, 1, 2, 3, 4, 5], [5, 1, 3, 0, 2, 9], [0, 3, 6])
    ([0, 1, 3, 5], [5, 1, 0, 9])
    """
    ts: Vector = []
    ys: Vector = []
    for a, b in itertools.pairwise(edges):
        if a == b:
            continue
        bucket = values[a:b]
        lo, hi = min(bucket), max(bucket)
        i_lo, i_hi = a + bucket.index(lo), a + bucket.index(hi)
        for i in sorted({i_lo, i_hi}):
            ts.append(time[i])
            ys.append(values[i])
    return ts, ys


def decimate(
    time: Sequence[float], values: Sequence[float], n_columns: int
) -> tuple[Sequence[float], Sequence[float]]:
    """All samples if there are few, else the per-column envelope."""
    if len(values) <= 2 * n_columns or time[-1] == time[0]:
        return time, values
    return envelope(time, values, column_edges(time, n_columns))


# ---- EMG traces --------------------------------------------------------------


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default) of sorted values; q in [0, 100]."""
    pos = (len(sorted_values) - 1) * q / 100.0
    i = int(pos)
    j = min(i + 1, len(sorted_values) - 1)
    return sorted_values[i] + (sorted_values[j] - sorted_values[i]) * (pos - i)


def _amplitude(sample_rows: Iterable[Sequence[float]], means: Sequence[float], q: float) -> float:
    deviations = sorted(abs(v - m) for row in sample_rows for v, m in zip(row, means, strict=True))
    peak = _percentile(deviations, q)
    return nice_number(peak, round_=False) if peak > 0 else 1.0


def emg_amplitude(emg: Matrix, *, q: float = 99.5, max_values: int = 100_000) -> float:
    """A common display amplitude: the ``q``-th percentile of |emg - channel mean|, rounded up.

    Rounded up to a nice number (1, 2, 5 x 10^k) so the scale bar reads well.

    Taken over at most ``max_values`` values (every k-th row), so it costs
    O(max_values log max_values) however long the window.

    >>> emg_amplitude([[0.0, 1.0], [2.0, -1.0], [4.0, 1.0], [6.0, -1.0]])
    5.0
    """
    n = len(emg)
    means = [math.fsum(column) / n for column in zip(*emg)]
    step = max(1, (n * len(means)) // max_values)
    return _amplitude(emg[::step], means, q)


class EmgEnvelope:
    """Per-pixel-column minimum and maximum of every EMG channel, fed chunk by chunk.

    A window of ``n_samples`` rows from ``t_first`` to ``t_last`` is split into
    ``n_columns`` equal time buckets (as :func:`column_edges`); :meth:`add`
    takes consecutive chunks (times, rows) and keeps, per channel and
    bucket, the first minimum and the first maximum with their times. That is
    all a picture ``n_columns`` pixels wide can show, so memory and output
    are O(n_channels x n_columns) whatever the session length (what MNE's
    raw browser does). It also keeps what the scale needs: exact per-chunk
    sums for the channel means, and every k-th row (at most ``max_values``
    values) for :func:`emg_amplitude`. Windows of at most 2 samples per
    column are kept whole instead.

    >>> env = EmgEnvelope(n_samples=6, t_first=0.0, t_last=5.0, n_channels=1, n_columns=2)
    >>> env.keep_all = False  # (6 samples would be kept whole; force the envelope)
    >>> env.add([0.0, 1.0, 2.0], [[5.0], [1.0], [3.0]])
    >>> env.add([3.0, 4.0, 5.0], [[0.0], [2.0], [9.0]])
    >>> env.traces()
    [([0.0, 1.0, 3.0, 5.0], [5.0, 1.0, 0.0, 9.0])]
    """

    def __init__(
        self,
        *,
        n_samples: int,
        t_first: float,
        t_last: float,
        n_channels: int,
        n_columns: int,
        max_values: int = 100_000,
    ) -> None:
        if n_samples < 2 or not (math.isfinite(t_first) and math.isfinite(t_last)):
            raise PureposeError(f"EmgEnvelope: need at least 2 samples, got {n_samples}")
        if not t_last > t_first:
            raise PureposeError(f"EmgEnvelope: time spans 0 seconds ({t_first!r} to {t_last!r})")
        self.n_samples, self.n_channels, self.n_columns = n_samples, n_channels, n_columns
        self.keep_all = n_samples <= 2 * n_columns  # few samples: draw them all
        width = (t_last - t_first) / n_columns
        self.bounds = [t_first + c * width for c in range(1, n_columns)]  # left edges 1..
        # per channel, per column: (value, sample index, time) or None
        self.low: list[list[tuple[float, int, float] | None]] = [
            [None] * n_columns for _ in range(n_channels)
        ]
        self.high: list[list[tuple[float, int, float] | None]] = [
            [None] * n_columns for _ in range(n_channels)
        ]
        self._all: tuple[Vector, Matrix] = ([], [])
        self._sums: list[Vector] = [[] for _ in range(n_channels)]
        self._step = max(1, (n_samples * n_channels) // max_values)
        self.sample_rows: Matrix = []  # every step-th row, for the amplitude
        self.seen = 0
        self._last_time = -math.inf

    def add(self, time: Sequence[float], rows: Matrix) -> None:
        """Take the next chunk: ``time`` (n,) non-decreasing, ``rows`` (n, n_channels)."""
        func = "EmgEnvelope.add"
        n = len(rows)
        if not n:
            return
        check_rows(func, "emg", rows, self.n_channels)
        if len(time) != n or not all(map(math.isfinite, time)):
            raise PureposeError(f"{func}: need {n} finite times, got {len(time)}")
        if time[0] < self._last_time or any(b < a for a, b in itertools.pairwise(time)):
            raise PureposeError(f"{func}: time must be non-decreasing")
        if self.seen + n > self.n_samples:
            raise PureposeError(f"{func}: more than the {self.n_samples} samples announced")
        columns = list(zip(*rows))
        for sums, column in zip(self._sums, columns, strict=True):
            sums.append(math.fsum(column))
        self.sample_rows.extend(rows[(-self.seen) % self._step :: self._step])
        if self.keep_all:
            self._all[0].extend(time)
            self._all[1].extend(rows)
        else:
            self._add_extremes(time, columns)
        self.seen += n
        self._last_time = time[-1]

    def _add_extremes(self, time: Sequence[float], columns: list[tuple[float, ...]]) -> None:
        n, bounds = len(time), self.bounds
        c_first, c_last = (
            bisect.bisect_right(bounds, time[0]),
            bisect.bisect_right(bounds, time[-1]),
        )
        a = 0
        for c in range(c_first, c_last + 1):
            b = n if c == c_last else bisect.bisect_left(time, bounds[c], a)
            if a == b:
                continue
            for ch, column in enumerate(columns):
                part = column[a:b]
                lo, hi = min(part), max(part)
                low, high = self.low[ch], self.high[ch]
                if low[c] is None or lo < low[c][0]:  # strict: the first minimum stays
                    i = a + part.index(lo)
                    low[c] = (lo, self.seen + i, time[i])
                if high[c] is None or hi > high[c][0]:
                    i = a + part.index(hi)
                    high[c] = (hi, self.seen + i, time[i])
            a = b

    def _check_complete(self) -> None:
        if self.seen != self.n_samples:
            raise PureposeError(
                f"EmgEnvelope: {self.seen} samples given, {self.n_samples} announced"
            )

    def means(self) -> Vector:
        """Each channel's mean over the window (sum of exact per-chunk sums)."""
        self._check_complete()
        return [math.fsum(sums) / self.seen for sums in self._sums]

    def amplitude(self, q: float = 99.5) -> float:
        """:func:`emg_amplitude` of the window, from the kept rows and the exact means."""
        return _amplitude(self.sample_rows, self.means(), q)

    def traces(self) -> list[tuple[Vector, Vector]]:
        """Per channel, the (times, values) to draw, in time order: <= 2 per column."""
        self._check_complete()
        if self.keep_all:
            time, rows = self._all
            return [(list(time), list(column)) for column in zip(*rows)]
        out = []
        for low, high in zip(self.low, self.high, strict=True):
            ts: Vector = []
            vs: Vector = []
            for lo, hi in zip(low, high, strict=True):
                if lo is None or hi is None:
                    continue
                for value, _, t in sorted({lo, hi}, key=lambda e: e[1]):
                    ts.append(t)
                    vs.append(value)
            out.append((ts, vs))
        return out


def _emg_plot_area(
    func: str, names: Sequence[str], title: str | None, width: int, height: int
) -> tuple[float, float, float, float]:
    """x0, x1, y_top, y_bottom of the traces; too small a figure is an error."""
    left = 16 + max(text_width(n) for n in names)
    right, top, bottom = 110.0, 44.0 if title else 16.0, 52.0
    x0, x1, y_top, y_bottom = left, width - right, top, height - bottom
    if x1 - x0 < 50 or y_bottom - y_top < 4 * len(names):
        raise PureposeError(f"{func}: {width}x{height} px is too small for {len(names)} channels")
    return x0, x1, y_top, y_bottom


def emg_traces_svg(
    time: Vector,
    emg: Matrix,
    *,
    channel_names: Sequence[str] | None = None,
    title: str | None = None,
    width: int = 1000,
    height: int = 800,
    amplitude: float | None = None,
    unit: str = "",
) -> str:
    """Stacked EMG channels like MNE's raw browser, as SVG text.

    Shapes: ``time`` (n_samples,) in seconds, ``emg`` (n_samples, n_channels).
    Each channel's mean is removed (MNE's ``remove_dc``) and channel c is drawn
    around its own baseline, all with one scale: ``amplitude`` data units
    span half the distance between two baselines (default
    :func:`emg_amplitude`, shown by the scale bar). Excursions beyond 3/4 of
    the spacing are clipped, so a trace never reaches its neighbour's baseline.
    Long windows are drawn as per-pixel min/max envelopes (:class:`EmgEnvelope`),
    so 40,000 samples become ~2 points per pixel column. Unix timestamps are
    shown as seconds since the first sample. For a window too long to hold
    in memory use :func:`emg_traces_svg_chunked`.

    >>> svg = emg_traces_svg([0.0, 0.5, 1.0], [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    >>> svg.count("<polyline")
    2
    >>> emg_traces_svg([0.0, 1.0], [[0.0], [1.0, 2.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: emg_traces_svg: emg row 1 has 2 values, expected 1
    """
    func = "emg_traces_svg"
    n_channels = check_rows(func, "emg", emg, None)
    check_time(func, time, len(emg))
    return emg_traces_svg_chunked(
        [(time, emg)],
        n_samples=len(emg),
        t_first=time[0],
        t_last=time[-1],
        n_channels=n_channels,
        channel_names=channel_names,
        title=title,
        width=width,
        height=height,
        amplitude=amplitude,
        unit=unit,
        func=func,
    )


def emg_traces_svg_chunked(
    chunks: Iterable[tuple[Sequence[float], Matrix]],
    *,
    n_samples: int,
    t_first: float,
    t_last: float,
    n_channels: int,
    channel_names: Sequence[str] | None = None,
    title: str | None = None,
    width: int = 1000,
    height: int = 800,
    amplitude: float | None = None,
    unit: str = "",
    func: str = "emg_traces_svg_chunked",
) -> str:
    """:func:`emg_traces_svg` of a window given as consecutive (times, rows) chunks.

    ``n_samples``, ``t_first`` and ``t_last`` describe the whole window in
    advance (they fix the pixel columns). Memory is one chunk plus
    O(n_channels x width): a 300 s session is drawn in what one screen holds.
    """
    names = _channel_names(func, channel_names, n_channels)
    if amplitude is not None and not (math.isfinite(amplitude) and amplitude > 0):
        raise PureposeError(f"{func}: amplitude={amplitude!r} must be positive")
    x0, x1, y_top, y_bottom = _emg_plot_area(func, names, title, width, height)
    env = EmgEnvelope(
        n_samples=n_samples,
        t_first=t_first,
        t_last=t_last,
        n_channels=n_channels,
        n_columns=max(1, int(x1 - x0)),
    )
    for chunk_time, rows in chunks:
        env.add(chunk_time, rows)
    means = env.means()
    if amplitude is None:
        amplitude = env.amplitude()
    # Baselines sit at (c + 0.75) spacings below the top, so clipped traces
    # of the first and last channel stay inside the plot area.
    spacing = (y_bottom - y_top) / (n_channels + 0.5)
    px_per_unit = 0.5 * spacing / amplitude
    clip = 0.75 * spacing
    to_x = linear_scale((t_first, t_last), (x0, x1))

    body = title_elements(width, title)
    body += time_axis(x0, x1, y_bottom, t_first, t_last, y_top)
    body.append(
        f'<g class="traces" fill="none" stroke="{_TRACE}" stroke-width="0.7" '
        'stroke-linejoin="round">'
    )
    for c, ((ts, vs), mean) in enumerate(zip(env.traces(), means, strict=True)):
        baseline = y_top + (c + 0.75) * spacing
        xs = [to_x(t) for t in ts]
        ys = [baseline - max(-clip, min(clip, (v - mean) * px_per_unit)) for v in vs]
        body.append(element("polyline", points=points_attr(xs, ys), class_="channel"))
    body.append("</g>")
    for c, name in enumerate(names):
        baseline = y_top + (c + 0.75) * spacing
        body.append(text(x0 - 8, baseline + 4, name, text_anchor="end", fill=INK))
    body += _scale_bar(x1 + 24, y_bottom - 8, 0.5 * spacing, amplitude, unit)
    return svg_document(width, height, body, title=title)


def _channel_names(func: str, names: Sequence[str] | None, n_channels: int) -> list[str]:
    if names is None:
        return [f"EMG{c + 1:02d}" for c in range(n_channels)]
    if len(names) != n_channels:
        raise PureposeError(f"{func}: {len(names)} channel names for {n_channels} channels")
    return [str(n) for n in names]


def _scale_bar(x: float, y_low: float, length: float, amplitude: float, unit: str) -> list[str]:
    """A vertical bar of ``length`` px standing on ``y_low``, labelled with its data value."""
    label = f"{fmt(amplitude, 6)} {unit}".strip()
    return [
        '<g class="scale-bar">',
        line(x, y_low, x, y_low - length, stroke=INK, stroke_width=2),
        line(x - 4, y_low, x + 4, y_low, stroke=INK),
        line(x - 4, y_low - length, x + 4, y_low - length, stroke=INK),
        text(x + 8, y_low - length / 2 + 4, label, fill=INK),
        "</g>",
    ]
