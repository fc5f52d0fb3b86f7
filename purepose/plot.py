"""Figures as hand-written SVG: EMG traces, 2-D and 3-D scatter, pose traces, error bars.

An SVG file is text: a ``<svg>`` root with a ``viewBox`` in pixels and shapes
(``line``, ``polyline``, ``circle``, ``rect``, ``text``) placed in it. Every
figure here is built from a few small pieces:

- a linear scale   x -> r0 + (x - d0) * (r1 - r0) / (d1 - d0)   from data
  units to pixels (the y axis runs downwards in SVG, so r0 > r1 there);
- "nice" tick values (Heckbert): the tick step is 1, 2 or 5 times a power of
  ten, chosen so that about ``n_ticks`` ticks cover the range;
- per-pixel decimation: a long signal is cut into one bucket per pixel column
  and only each bucket's minimum and maximum are drawn (in time order), which
  looks identical at that width and keeps 40,000 samples down to ~2 points
  per pixel;
- an orthographic 3-D view: with azimuth a and elevation e, a point p is seen
  at screen coordinates (u . p, v . p) and depth w . p, where
      u = (-sin a, cos a, 0)
      v = (-sin e cos a, -sin e sin a, cos e)
      w = (cos e cos a, cos e sin a, sin e)      (towards the viewer),
  the same view matplotlib's 3-D axes use; points are drawn far to near.

Cost: O(n) for n data values per figure (one pass to scale, one min/max per
pixel column); the SVG holds O(width) points per trace and at most
``max_points`` markers per scatter, so files stay well under 1 MB.

References: P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems
(1990); W3C, Scalable Vector Graphics (SVG) 1.1 (Second Edition), 2011.
"""

from __future__ import annotations

import bisect
import itertools
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from ._util import atomic_write_text
from .errors import PureposeError
from .io import JOINT_NAMES, valid_mask
from .types import Matrix, Vector

#: The ten "Tableau" category colours (matplotlib's ``tab10``).
TABLEAU10: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)

FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif"
FONT_SIZE = 12
#: Relative lengths of the x, y, z box edges in 3-D plots (matplotlib's 4:4:3).
BOX_ASPECT: tuple[float, float, float] = (1.0, 1.0, 0.75)
#: Group order for error bars: the five fingers, then the overall error.
FINGER_GROUPS: tuple[str, ...] = ("thumb", "index", "middle", "ring", "pinky", "overall")

_INK = "#222222"  # axes and text
_GRID = "#dddddd"
_PANE = "#eaeaf2"  # 3-D panes (seaborn's "darkgrid" background)
_TRACE = "#1a2a6c"  # EMG traces


# ---- numbers and text --------------------------------------------------------


def fmt(x: float, digits: int = 2) -> str:
    """Format a number compactly for SVG: at most ``digits`` decimals, no trailing zeros.

    >>> fmt(12.5), fmt(3.0), fmt(-0.001), fmt(2 / 3, 3)
    ('12.5', '3', '0', '0.667')
    >>> fmt(float("nan"))
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: fmt: cannot format non-finite value nan
    """
    if not math.isfinite(x):
        raise PureposeError(f"fmt: cannot format non-finite value {x!r}")
    text = f"{x:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def nice_number(x: float, *, round_: bool = True) -> float:
    """Heckbert's nice number: 1, 2, 5 or 10 times a power of ten, near ``x``.

    With ``round_`` the nearest such number (for a tick step); without it the
    smallest one >= ``x`` (for a range).

    >>> nice_number(0.37), nice_number(7.5), nice_number(7.5, round_=False), nice_number(130)
    (0.5, 10.0, 10.0, 100.0)
    >>> nice_number(0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: nice_number: x=0 must be positive and finite
    """
    if not (math.isfinite(x) and x > 0):
        raise PureposeError(f"nice_number: x={x!r} must be positive and finite")
    exponent = math.floor(math.log10(x))
    fraction = x / 10.0**exponent
    if round_:
        nice = 1 if fraction < 1.5 else 2 if fraction < 3 else 5 if fraction < 7 else 10
    else:
        nice = 1 if fraction <= 1 else 2 if fraction <= 2 else 5 if fraction <= 5 else 10
    return nice * 10.0**exponent


def nice_ticks(lo: float, hi: float, n_ticks: int = 5, *, loose: bool = False) -> Vector:
    """About ``n_ticks`` evenly spaced round values for the range ``[lo, hi]``.

    step = nice_number(nice_number(hi - lo, round_=False) / (n_ticks - 1)).
    ``loose=True`` extends the ticks to cover the range (first <= lo,
    last >= hi: for axes that start and end on a tick); otherwise only ticks
    inside ``[lo, hi]`` (give or take 1% of a step, so 0-29.9995 s still gets
    its tick at 30) are returned, at least two. Values are rounded to the
    step's decimals. The step never falls below 8 float spacings at the
    range's magnitude, so a range tiny against its magnitude still gets
    distinct ticks (or just its two ends, when not even two fit inside).

    >>> nice_ticks(0.0, 71.3)
    [0.0, 20.0, 40.0, 60.0]
    >>> nice_ticks(-0.13, 0.92, loose=True)
    [-0.5, 0.0, 0.5, 1.0]
    >>> nice_ticks(879609.9999999999, 879610.0000009999, 8, loose=True)[:2]
    [879609.9999998, 879610.0]
    >>> nice_ticks(1.0, 0.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: nice_ticks: need lo <= hi, got lo=1.0, hi=0.0
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise PureposeError(f"nice_ticks: need lo <= hi, got lo={lo!r}, hi={hi!r}")
    if n_ticks < 2:
        raise PureposeError(f"nice_ticks: n_ticks={n_ticks} must be at least 2")
    if lo == hi:  # a flat range still gets an axis around it
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = nice_number(nice_number(hi - lo, round_=False) / (n_ticks - 1))
    # A range tiny against its magnitude (879610 +- 1e-6, or 1e16 + 2): the step
    # must stay well above the spacing of floats there, or ticks coincide.
    finest = nice_number(8 * math.ulp(max(abs(lo), abs(hi))), round_=False)
    step = max(step, finest)
    digits = max(0, -math.floor(math.log10(step)))

    def tick(k: int) -> float:
        return round(k * step, digits) + 0.0

    # lo / step is rounded, so the first guess can be one step off: check the ticks themselves.
    if loose:
        first, last = math.floor(lo / step), math.ceil(hi / step)
        while tick(first) > lo:
            first -= 1
        while tick(last) < hi:
            last += 1
    else:
        slack = 0.01 * step
        first, last = math.ceil(lo / step - 0.01), math.floor(hi / step + 0.01)
        while tick(first) < lo - slack:
            first += 1
        while tick(last) > hi + slack:
            last -= 1
        if last - first < 1:  # fewer than 2 ticks inside: ask for a finer step
            if step <= finest:  # there is none: the two ends are the ticks
                return [lo + 0.0, hi + 0.0]
            return nice_ticks(lo, hi, n_ticks + 1)
    return [tick(k) for k in range(first, last + 1)]


def tick_labels(ticks: Sequence[float]) -> list[str]:
    """Labels for tick values, all with the decimals their common step needs.

    >>> tick_labels([0.0, 0.5, 1.0]), tick_labels([0.0, 20.0, 40.0])
    (['0.0', '0.5', '1.0'], ['0', '20', '40'])
    """
    if len(ticks) < 2:
        return [fmt(t, 6) for t in ticks]
    step = abs(ticks[1] - ticks[0]) or 1.0
    digits = max(0, -math.floor(math.log10(step) + 1e-9))
    return [f"{t + 0.0:.{digits}f}" for t in ticks]  # + 0.0 turns -0.0 into 0.0


def linear_scale(
    domain: tuple[float, float], range_: tuple[float, float]
) -> Callable[[float], float]:
    """The map x -> r0 + (x - d0) * (r1 - r0) / (d1 - d0); a flat domain maps to the middle.

    >>> to_px = linear_scale((0.0, 10.0), (50.0, 250.0))
    >>> to_px(0.0), to_px(2.5), to_px(10.0)
    (50.0, 100.0, 250.0)
    >>> linear_scale((3.0, 3.0), (0.0, 100.0))(3.0)
    50.0
    """
    d0, d1 = domain
    r0, r1 = range_
    if d1 == d0:
        middle = (r0 + r1) / 2.0
        return lambda x: middle
    slope = (r1 - r0) / (d1 - d0)
    return lambda x: r0 + (x - d0) * slope


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough width of a sans-serif string in pixels (0.6 em per character)."""
    return 0.6 * size * len(text)


# ---- SVG elements ------------------------------------------------------------


def element(tag: str, text: str | None = None, **attrs: object) -> str:
    """One SVG element as a string; ``_`` in attribute names becomes ``-``.

    Numbers are written with :func:`fmt`; text and attribute values are escaped.

    >>> element("circle", cx=1.5, cy=2, r=3, fill="red")
    '<circle cx="1.5" cy="2" r="3" fill="red"/>'
    >>> element("text", "a < b", x=0, y=10, text_anchor="end")
    '<text x="0" y="10" text-anchor="end">a &lt; b</text>'
    """
    parts = [tag]
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = fmt(value)
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{_attr(str(value))}"')
    head = " ".join(parts)
    if text is None:
        return f"<{head}/>"
    return f"<{head}>{escape(text)}</{tag}>"


def text(x: float, y: float, s: str, *, size: float = FONT_SIZE, **attrs: object) -> str:
    """A ``<text>`` element at (x, y); ``size`` is the font size in pixels."""
    return element("text", s, x=float(x), y=float(y), font_size=size, **attrs)


def line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    """A ``<line>`` element from (x1, y1) to (x2, y2)."""
    return element("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def points_attr(xs: Iterable[float], ys: Iterable[float], digits: int = 1) -> str:
    """The ``points`` attribute of a polyline/polygon: ``"x1,y1 x2,y2 ..."``.

    >>> points_attr([0, 1.25], [2, 3.5])
    '0,2 1.2,3.5'
    """
    return " ".join(f"{fmt(x, digits)},{fmt(y, digits)}" for x, y in zip(xs, ys, strict=True))


def svg_document(width: float, height: float, body: Iterable[str], *, title: str | None) -> str:
    """Wrap elements in an SVG 1.1 root with ``xmlns``, ``viewBox``, size and font.

    A white background comes first; ``title`` also becomes the ``<title>``
    element (a tooltip and accessible name).

    >>> print(svg_document(10, 5, [], title=None).splitlines()[1])  # doctest: +ELLIPSIS
    <svg xmlns="http://www.w3.org/2000/svg" version="1.1" ... viewBox="0 0 10 5"...>
    """
    w, h = fmt(width), fmt(height)
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">',
    ]
    if title:
        head.append(element("title", title))
    head.append(element("rect", x=0, y=0, width=w, height=h, fill="white"))
    return "\n".join([*head, *body, "</svg>", ""])


def save_svg(path: str | os.PathLike[str], svg: str) -> Path:
    """Write ``svg`` to ``path`` atomically (all or nothing) and return the path.

    >>> save_svg("/no/such/dir/x.svg", "<svg/>")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: save_svg: cannot write /no/such/dir/x.svg: ... not exist
    """
    if not isinstance(svg, str) or "<svg" not in svg:
        raise PureposeError(f"save_svg: expected SVG text for {path}, got {type(svg).__name__}")
    try:
        return atomic_write_text(path, svg)
    except PureposeError as exc:
        raise PureposeError(f"save_svg: {exc}") from None


TITLE_SIZE = 15.0
MIN_TITLE_SIZE = 10.0
_TITLE_MARGIN = 12.0  # px kept free on each side of a title
# Advance widths in em of DejaVu Sans Bold (the widest font of FONT_FAMILY),
# rounded up per class of characters: an upper bound, so what fits here fits.
_NARROW = frozenset(" !'(),.:;[]`|Ifijlrt")
_SYMBOL = frozenset("#$&*+<=>^{}~")
_WIDE = frozenset("%@MWmw")


def _bold_width(text: str, size: float) -> float:
    """Upper bound of the width in px of ``text`` in bold at ``size`` px."""
    em = 0.0
    for c in text:
        if c in _NARROW:
            em += 0.50
        elif c in _WIDE:
            em += 1.11
        elif c in _SYMBOL:
            em += 0.88
        elif c.isupper():
            em += 0.86
        else:  # digits, lower case, - _ @ ...
            em += 0.73
    return em * size


def fit_title(s: str, width: float) -> tuple[str, float]:
    """The title text and font size that fit a figure ``width`` px wide.

    The size shrinks from :data:`TITLE_SIZE` to at most :data:`MIN_TITLE_SIZE`;
    if the text is still too wide, its middle is replaced by an ellipsis, so
    both ends of a long session name stay readable.

    >>> fit_title("short", 400)
    ('short', 15.0)
    >>> fit_title("2022-12-06-1670313600-e3096-cv-emg-pose-train@2-recording-9", 300)
    ('2022-12-06-16703136…train@2-recording-9', 10.0)
    """
    room = width - 2 * _TITLE_MARGIN
    size = TITLE_SIZE
    needed = _bold_width(s, size)
    if needed <= room:
        return s, size
    size = max(MIN_TITLE_SIZE, math.floor(10 * size * room / needed) / 10)
    if _bold_width(s, size) <= room:
        return s, size
    head, tail = s[: (len(s) + 1) // 2], s[(len(s) + 1) // 2 :]
    while head or tail:
        if len(head) >= len(tail):
            head = head[:-1]
        else:
            tail = tail[1:]
        if _bold_width(head + "…" + tail, size) <= room:
            break
    return head + "…" + tail, size


def _title(width: float, s: str | None) -> list[str]:
    if not s:
        return []
    shown, size = fit_title(s, width)
    return [
        text(width / 2, 24, shown, size=size, text_anchor="middle", font_weight="bold", fill=_INK)
    ]


def _attr(value: str) -> str:
    """Escape a string for use inside a double-quoted attribute."""
    return escape(value, {'"': "&quot;"})


# ---- input checks ------------------------------------------------------------


def _check_rows(func: str, name: str, rows: Sequence[Sequence[float]], width: int | None) -> int:
    """Check a non-empty rectangular table of finite numbers; return its width."""
    if not rows:
        raise PureposeError(f"{func}: {name} is empty")
    n_cols = len(rows[0]) if width is None else width
    if n_cols < 1:
        raise PureposeError(f"{func}: {name} has rows of length 0")
    for i, row in enumerate(rows):
        if len(row) != n_cols:
            raise PureposeError(f"{func}: {name} row {i} has {len(row)} values, expected {n_cols}")
    if not math.isfinite(sum(map(sum, rows))):
        for i, row in enumerate(rows):
            if not all(map(math.isfinite, row)):
                raise PureposeError(f"{func}: {name} row {i} has a non-finite value")
    return n_cols


def _check_time(func: str, time: Sequence[float], n_rows: int) -> None:
    if len(time) != n_rows:
        raise PureposeError(f"{func}: time has {len(time)} values but data has {n_rows} rows")
    if n_rows < 2:
        raise PureposeError(f"{func}: need at least 2 samples, got {n_rows}")
    if not all(map(math.isfinite, time)):
        raise PureposeError(f"{func}: time has a non-finite value")
    if any(b < a for a, b in itertools.pairwise(time)):
        raise PureposeError(f"{func}: time must be non-decreasing")
    if time[-1] == time[0]:
        raise PureposeError(f"{func}: time spans 0 seconds ({time[0]!r} to {time[-1]!r})")


def _check_labels(func: str, labels: Sequence[int] | None, n: int) -> None:
    if labels is None:
        return
    if len(labels) != n:
        raise PureposeError(f"{func}: {len(labels)} labels for {n} points")
    if not all(isinstance(k, int) and not isinstance(k, bool) for k in labels):
        raise PureposeError(f"{func}: labels must be ints (cluster numbers)")


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


def _decimate(
    time: Sequence[float], values: Sequence[float], n_columns: int
) -> tuple[Sequence[float], Sequence[float]]:
    """All samples if there are few, else the per-column envelope."""
    if len(values) <= 2 * n_columns or time[-1] == time[0]:
        return time, values
    return envelope(time, values, column_edges(time, n_columns))


#: Times at or beyond this many seconds are unix timestamps: the time axis then
#: counts seconds from the first sample instead of printing 10-digit ticks.
UNIX_TIME_THRESHOLD = 1e6


def _time_axis(x0: float, x1: float, y: float, t0: float, t1: float, grid_top: float) -> list[str]:
    """Bottom time axis in seconds with faint vertical grid lines up to ``grid_top``.

    Unix timestamps (>= :data:`UNIX_TIME_THRESHOLD`) are shown as seconds since ``t0``.
    """
    origin = t0 if abs(t0) >= UNIX_TIME_THRESHOLD else 0.0
    caption = "time (s) since first sample" if origin else "time (s)"
    to_x = linear_scale((t0 - origin, t1 - origin), (x0, x1))
    ticks = nice_ticks(t0 - origin, t1 - origin, max(2, int((x1 - x0) / 90)))
    out = [line(x0, y, x1, y, stroke=_INK)]
    for tick, label in zip(ticks, tick_labels(ticks), strict=True):
        x = to_x(tick)
        out.append(line(x, grid_top, x, y, stroke=_GRID, stroke_width=0.8))
        out.append(line(x, y, x, y + 5, stroke=_INK))
        out.append(text(x, y + 18, label, text_anchor="middle", fill=_INK))
    out.append(text((x0 + x1) / 2, y + 36, caption, text_anchor="middle", fill=_INK))
    return out


# ---- (a) EMG traces ----------------------------------------------------------


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
        _check_rows(func, "emg", rows, self.n_channels)
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
    left = 16 + max(_text_width(n) for n in names)
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
    n_channels = _check_rows(func, "emg", emg, None)
    _check_time(func, time, len(emg))
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

    body = _title(width, title)
    body += _time_axis(x0, x1, y_bottom, t_first, t_last, y_top)
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
        body.append(text(x0 - 8, baseline + 4, name, text_anchor="end", fill=_INK))
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
        line(x, y_low, x, y_low - length, stroke=_INK, stroke_width=2),
        line(x - 4, y_low, x + 4, y_low, stroke=_INK),
        line(x - 4, y_low - length, x + 4, y_low - length, stroke=_INK),
        text(x + 8, y_low - length / 2 + 4, label, fill=_INK),
        "</g>",
    ]


# ---- (b) scatter plots -------------------------------------------------------


def _subsample(n: int, max_points: int) -> tuple[range, str | None]:
    """Keep every k-th index so at most ``max_points`` remain; a caption says so."""
    if max_points < 1:
        raise PureposeError(f"max_points={max_points} must be at least 1")
    if n <= max_points:
        return range(n), None
    k = math.ceil(n / max_points)
    kept = range(0, n, k)
    return kept, f"showing 1 in every {k} points ({len(kept):,} of {n:,})"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _cluster_legend(labels: Sequence[int] | None, n: int, centers: Matrix | None) -> list[str]:
    """Legend rows: "cluster k (n points)" per cluster (counts over all points)."""
    if labels is None:
        entries = [(_plural(n, "point"), _dot(TABLEAU10[0]))]
    else:
        entries = [
            (f"cluster {k} ({_plural(m, 'point')})", _dot(_colour(k)))
            for k, m in sorted(Counter(labels).items())
        ]
    if centers:
        entries.append(("cluster centre", lambda x, y: _center_marker(x, y, "#ffffff")))
    return entries


def _dot(colour: str) -> Callable[[float, float], str]:
    return lambda x, y: element("circle", cx=x, cy=y, r=4.5, fill=colour)


def _legend(x: float, y: float, entries: Sequence[tuple[str, Callable]]) -> list[str]:
    """A vertical legend at (x, y): one row per (label, swatch drawer)."""
    rows = ['<g class="legend">']
    for i, (label, swatch) in enumerate(entries):
        cy = y + 18.0 * i
        label_svg = text(x + 22, cy + 4, label, fill=_INK)
        rows.append(f'<g class="legend-entry">{swatch(x + 6.0, cy)}{label_svg}</g>')
    rows.append("</g>")
    return rows


def _colour(label: int) -> str:
    return TABLEAU10[label % len(TABLEAU10)]


def _center_marker(x: float, y: float, colour: str) -> str:
    return element("circle", cx=x, cy=y, r=6.5, fill=colour, stroke="#000000", stroke_width=2.0)


def scatter_svg(
    points: Matrix,
    labels: Sequence[int] | None = None,
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str | None = None,
    centers: Matrix | None = None,
    width: int = 760,
    height: int = 500,
    max_points: int = 5000,
) -> str:
    """A 2-D scatter plot coloured by cluster, as SVG text.

    Shapes: ``points`` (n, 2), ``labels`` (n,) ints or None, ``centers`` (k, 2).
    Axes start and end on nice ticks. With more than ``max_points`` points,
    every k-th point is drawn (k = ceil(n / max_points)) and a caption says so;
    legend counts always refer to all n points.

    >>> svg = scatter_svg([[0.0, 0.0], [1.0, 2.0], [2.0, 1.0]], [0, 1, 1])
    >>> svg.count('class="legend-entry"')
    2
    >>> scatter_svg([[0.0, 0.0]], [0, 1])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: scatter_svg: 2 labels for 1 points
    """
    func = "scatter_svg"
    _check_rows(func, "points", points, 2)
    _check_labels(func, labels, len(points))
    if centers is not None:
        _check_rows(func, "centers", centers, 2)
    kept, caption = _subsample(len(points), max_points)
    entries = _cluster_legend(labels, len(points), centers)

    legend_w = 24 + max(_text_width(label) for label, _ in entries)
    left, right = 72.0, 24 + legend_w
    top, bottom = 44.0 if title else 20.0, 56.0 + (18 if caption else 0)
    x0, x1, y0, y1 = left, width - right, height - bottom, top  # y0 is the bottom edge
    everything = [*points, *(centers or [])]
    xs_all = [p[0] for p in everything]
    ys_all = [p[1] for p in everything]
    x_ticks = nice_ticks(min(xs_all), max(xs_all), 6, loose=True)
    y_ticks = nice_ticks(min(ys_all), max(ys_all), 6, loose=True)
    to_x = linear_scale((x_ticks[0], x_ticks[-1]), (x0, x1))
    to_y = linear_scale((y_ticks[0], y_ticks[-1]), (y0, y1))

    body = _title(width, title)
    body.append(element("rect", x=x0, y=y1, width=x1 - x0, height=y0 - y1, fill=_PANE))
    for tick, label in zip(x_ticks, tick_labels(x_ticks), strict=True):
        x = to_x(tick)
        body.append(line(x, y1, x, y0, stroke="white"))
        body.append(text(x, y0 + 18, label, text_anchor="middle", fill=_INK))
    for tick, label in zip(y_ticks, tick_labels(y_ticks), strict=True):
        y = to_y(tick)
        body.append(line(x0, y, x1, y, stroke="white"))
        body.append(text(x0 - 8, y + 4, label, text_anchor="end", fill=_INK))
    body.append(text((x0 + x1) / 2, y0 + 40, xlabel, text_anchor="middle", fill=_INK))
    mid = (y0 + y1) / 2
    body.append(
        text(
            18,
            mid,
            ylabel,
            text_anchor="middle",
            fill=_INK,
            transform=f"rotate(-90 18 {fmt(mid)})",
        )
    )
    body.append('<g class="points" fill-opacity="0.75">')
    for i in kept:
        colour = _colour(labels[i]) if labels is not None else TABLEAU10[0]
        body.append(
            element("circle", cx=to_x(points[i][0]), cy=to_y(points[i][1]), r=2.5, fill=colour)
        )
    body.append("</g>")
    if centers:
        body.append('<g class="centers">')
        for k, c in enumerate(centers):
            body.append(_center_marker(to_x(c[0]), to_y(c[1]), _colour(k)))
        body.append("</g>")
    body += _legend(x1 + 18, y1 + 8, entries)
    if caption:
        body.append(text(x0, height - 10, caption, size=11, fill="#555555"))
    return svg_document(width, height, body, title=title)


def view_matrix(elev: float = 30.0, azim: float = -60.0) -> Matrix:
    """Rows u, v, w of the orthographic 3-D view for elevation and azimuth in degrees.

    Screen x = u . p, screen y (up) = v . p, depth towards the viewer = w . p.

    >>> [[round(x, 3) for x in row] for row in view_matrix(30.0, -60.0)]
    [[0.866, 0.5, 0.0], [-0.25, 0.433, 0.866], [0.433, -0.75, 0.5]]
    """
    e, a = math.radians(elev), math.radians(azim)
    return [
        [-math.sin(a), math.cos(a), 0.0],
        [-math.sin(e) * math.cos(a), -math.sin(e) * math.sin(a), math.cos(e)],
        [math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)],
    ]


def project3d(points: Matrix, *, elev: float = 30.0, azim: float = -60.0) -> Matrix:
    """Rotate 3-D points into view coordinates: one row (screen x, screen y, depth) each.

    Shape (n, 3) -> (n, 3). The rotation is :func:`view_matrix`; no perspective.

    >>> [[round(x, 3) for x in row] for row in project3d([[1.0, 0.0, 0.0]])]
    [[0.866, -0.25, 0.433]]
    """
    u, v, w = view_matrix(elev, azim)
    return [
        [
            u[0] * x + u[1] * y + u[2] * z,
            v[0] * x + v[1] * y + v[2] * z,
            w[0] * x + w[1] * y + w[2] * z,
        ]
        for x, y, z in points
    ]


def _box_bounds(points: Matrix) -> list[tuple[float, float]]:
    """Per-axis (lo, hi) with a 4% margin each side (a flat axis gets +-0.5)."""
    bounds = []
    for values in zip(*points):
        lo, hi = min(values), max(values)
        pad = 0.04 * (hi - lo) if hi > lo else 0.5
        bounds.append((lo - pad, hi + pad))
    return bounds


def scatter3d_svg(
    points: Matrix,
    labels: Sequence[int] | None = None,
    *,
    elev: float = 30.0,
    azim: float = -60.0,
    axis_labels: tuple[str, str, str] = ("PC1", "PC2", "PC3"),
    title: str | None = None,
    centers: Matrix | None = None,
    width: int = 860,
    height: int = 600,
    max_points: int = 5000,
) -> str:
    """A 3-D scatter plot (orthographic view, like matplotlib's default), as SVG text.

    Shapes: ``points`` (n, 3), ``labels`` (n,) or None, ``centers`` (k, 3).
    Each axis is scaled to the box [-1, 1] * :data:`BOX_ASPECT` (data range
    plus a small margin), rotated by :func:`view_matrix` and drawn far to
    near. The three back panes carry grid lines; the x and y axes run along
    the front bottom edges, the z axis along the leftmost vertical edge.
    Subsampling as in :func:`scatter_svg`.

    >>> svg = scatter3d_svg([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], [0, 1])
    >>> svg.count('class="legend-entry"'), svg.count("<circle") - 2
    (2, 2)
    >>> scatter3d_svg([[0.0, 0.0]])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: scatter3d_svg: points row 0 has 2 values, expected 3
    """
    func = "scatter3d_svg"
    _check_rows(func, "points", points, 3)
    _check_labels(func, labels, len(points))
    if centers is not None:
        _check_rows(func, "centers", centers, 3)
    if not (math.isfinite(elev) and math.isfinite(azim)):
        raise PureposeError(f"{func}: elev={elev!r} and azim={azim!r} must be finite")
    kept, caption = _subsample(len(points), max_points)
    entries = _cluster_legend(labels, len(points), centers)
    bounds = _box_bounds([*points, *(centers or [])])

    def normalise(p: Sequence[float]) -> Vector:
        return [
            s * (2.0 * (x - lo) / (hi - lo) - 1.0)
            for x, (lo, hi), s in zip(p, bounds, BOX_ASPECT, strict=True)
        ]

    legend_w = 24 + max(_text_width(label) for label, _ in entries)
    view = _View3D(elev, azim, width - legend_w - 24, height, 44 if title else 16, caption)
    body = _title(width, title)
    body += view.panes_and_grid(bounds)
    body += view.axes(bounds, axis_labels)
    drawn = project3d([normalise(points[i]) for i in kept], elev=elev, azim=azim)
    order = sorted(range(len(drawn)), key=lambda j: drawn[j][2])  # far (small depth) first
    body.append('<g class="points" fill-opacity="0.8">')
    for j in order:
        x, y = view.to_screen(drawn[j])
        colour = _colour(labels[kept[j]]) if labels is not None else TABLEAU10[0]
        body.append(element("circle", cx=x, cy=y, r=2.5, fill=colour))
    body.append("</g>")
    if centers:
        body.append('<g class="centers">')
        for k, c in enumerate(project3d([normalise(c) for c in centers], elev=elev, azim=azim)):
            body.append(_center_marker(*view.to_screen(c), _colour(k)))
        body.append("</g>")
    body += _legend(width - legend_w - 6, (44 if title else 16) + 12, entries)
    if caption:
        body.append(text(16, height - 10, caption, size=11, fill="#555555"))
    return svg_document(width, height, body, title=title)


class _View3D:
    """Screen placement of the normalised box [-1, 1] * BOX_ASPECT for one view."""

    MARGIN = 60.0  # room for tick and axis labels around the projected box

    def __init__(
        self, elev: float, azim: float, width: float, height: float, top: float, caption: object
    ) -> None:
        self.elev, self.azim = elev, azim
        self.u, self.v, self.w = view_matrix(elev, azim)
        corners = project3d(
            [[sx * a for sx, a in zip(signs, BOX_ASPECT, strict=True)] for signs in _CORNERS],
            elev=elev,
            azim=azim,
        )
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        bottom = height - (28 if caption else 10)
        avail_w = width - 2 * self.MARGIN
        avail_h = bottom - top - 2 * self.MARGIN
        self.scale = min(avail_w / (max(xs) - min(xs)), avail_h / (max(ys) - min(ys)))
        self.cx = width / 2 - self.scale * (max(xs) + min(xs)) / 2
        self.cy = (top + bottom) / 2 + self.scale * (max(ys) + min(ys)) / 2

    def to_screen(self, q: Sequence[float]) -> tuple[float, float]:
        """View coordinates (x, y[, depth]) -> SVG pixels (y flipped to point down)."""
        return self.cx + self.scale * q[0], self.cy - self.scale * q[1]

    def point(self, p: Sequence[float]) -> tuple[float, float]:
        """A normalised box point -> SVG pixels."""
        return self.to_screen(project3d([list(p)], elev=self.elev, azim=self.azim)[0])

    def panes_and_grid(self, bounds: list[tuple[float, float]]) -> list[str]:
        """The three faces turned away from the viewer, with white grid lines at the ticks."""
        out = ['<g class="panes">']
        for axis in range(3):
            side = BOX_ASPECT[axis] * (1.0 if self.w[axis] < 0 else -1.0)  # the far face
            a, b = (k for k in range(3) if k != axis)
            corners = []
            for sa, sb in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                p = [0.0, 0.0, 0.0]
                p[axis], p[a], p[b] = side, sa * BOX_ASPECT[a], sb * BOX_ASPECT[b]
                corners.append(self.point(p))
            pts = points_attr([c[0] for c in corners], [c[1] for c in corners])
            out.append(element("polygon", points=pts, fill=_PANE, stroke="#cccccc"))
            for grid_axis, other in ((a, b), (b, a)):
                for t in self._ticks(bounds, grid_axis):
                    p, q = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
                    p[axis] = q[axis] = side
                    p[grid_axis] = q[grid_axis] = t
                    p[other], q[other] = -BOX_ASPECT[other], BOX_ASPECT[other]
                    out.append(line(*self.point(p), *self.point(q), stroke="white"))
        out.append("</g>")
        return out

    @staticmethod
    def _ticks(bounds: list[tuple[float, float]], axis: int) -> list[float]:
        """Tick positions of one axis in normalised box coordinates."""
        lo, hi = bounds[axis]
        return [
            BOX_ASPECT[axis] * (2.0 * (t - lo) / (hi - lo) - 1.0) for t in nice_ticks(lo, hi, 5)
        ]

    def _axis_edge(self, axis: int) -> list[float]:
        """Fixed coordinates (normalised) of the box edge that carries ``axis``."""
        edge = [0.0, 0.0, 0.0]
        low_z = -BOX_ASPECT[2] if self.elev >= 0 else BOX_ASPECT[2]
        if axis == 2:  # the vertical edge furthest left on screen
            options = [
                (sx * BOX_ASPECT[0], sy * BOX_ASPECT[1]) for sx in (-1, 1) for sy in (-1, 1)
            ]
            edge[0], edge[1] = min(options, key=lambda o: self.u[0] * o[0] + self.u[1] * o[1])
            return edge
        other = 1 - axis  # x axis sits on the front y edge, y axis on the front x edge
        edge[other] = BOX_ASPECT[other] * (1.0 if self.w[other] > 0 else -1.0)
        edge[2] = low_z
        return edge

    def axes(self, bounds: list[tuple[float, float]], labels: Sequence[str]) -> list[str]:
        """Axis lines with ticks, tick labels and axis labels, outside the box."""
        out = ['<g class="axes">']
        centre = self.point([0.0, 0.0, 0.0])
        for axis in range(3):
            edge = self._axis_edge(axis)
            start, end = list(edge), list(edge)
            start[axis], end[axis] = -BOX_ASPECT[axis], BOX_ASPECT[axis]
            (xa, ya), (xb, yb) = self.point(start), self.point(end)
            out.append(line(xa, ya, xb, yb, stroke=_INK))
            # Labels go outwards: away from the projected box centre.
            dx, dy = (xa + xb) / 2 - centre[0], (ya + yb) / 2 - centre[1]
            norm = math.hypot(dx, dy) or 1.0
            dx, dy = dx / norm, dy / norm
            anchor = "end" if dx < -0.3 else "start" if dx > 0.3 else "middle"
            lo, hi = bounds[axis]
            ticks = nice_ticks(lo, hi, 5)
            names = tick_labels(ticks)
            for t, name in zip(self._ticks(bounds, axis), names, strict=True):
                p = list(edge)
                p[axis] = t
                x, y = self.point(p)
                out.append(line(x, y, x + 5 * dx, y + 5 * dy, stroke=_INK))
                out.append(
                    text(
                        x + 12 * dx, y + 12 * dy + 4, name, size=10, text_anchor=anchor, fill=_INK
                    )
                )
            reach = 22 + max(_text_width(n, 10) for n in names) * abs(dx) + 8 * abs(dy)
            lx, ly = (xa + xb) / 2 + reach * dx, (ya + yb) / 2 + reach * dy + 4
            out.append(
                text(lx, ly, labels[axis], text_anchor=anchor, font_weight="bold", fill=_INK)
            )
        out.append("</g>")
        return out


_CORNERS = [(sx, sy, sz) for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]


# ---- (c) pose traces ---------------------------------------------------------


def _resolve_joints(func: str, joints: Sequence[int | str], names: Sequence[str]) -> list[int]:
    if not joints:
        raise PureposeError(f"{func}: joints is empty; give joint indices or names")
    upper = [n.upper() for n in names]
    out = []
    for j in joints:
        if isinstance(j, str) and j.upper() in upper:
            out.append(upper.index(j.upper()))
        elif isinstance(j, int) and not isinstance(j, bool) and 0 <= j < len(names):
            out.append(j)
        else:
            raise PureposeError(
                f"{func}: unknown joint {j!r}; use 0-{len(names) - 1} or a name such as {names[0]}"
            )
    return out


def _runs(mask: Sequence[bool], value: bool) -> list[tuple[int, int]]:
    """Half-open index ranges where ``mask`` equals ``value``.

    >>> _runs([True, True, False, True], True)
    [(0, 2), (3, 4)]
    """
    runs, start = [], None
    for i, m in enumerate(mask):
        if m == value and start is None:
            start = i
        elif m != value and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def pose_traces_svg(
    time: Vector,
    y_true: Matrix,
    y_pred: Matrix,
    *,
    joints: Sequence[int | str],
    joint_names: Sequence[str] = JOINT_NAMES,
    valid: Sequence[bool] | None = None,
    unit: str = "rad",
    title: str | None = None,
    width: int = 900,
    panel_height: int = 130,
) -> str:
    """True vs predicted targets over time, one panel per chosen target, as SVG text.

    Shapes: ``time`` (n,) seconds, ``y_true`` and ``y_pred`` (n, n_targets).
    Joint angles in radians (``unit="rad"``) are drawn in degrees (deg = rad
    * 180 / pi); other units as they are. Frames without ground truth
    (``valid`` False; by default the emg2pose inverse-kinematics failures,
    all angles zero) break the true line and are shaded. ``joints`` are
    indices or names from ``joint_names``. Long windows are decimated like
    the EMG traces; unix timestamps are shown as seconds since the first sample.

    >>> t = [0.0, 0.1, 0.2, 0.3]
    >>> truth = [[0.1, 0.2], [0.0, 0.0], [0.2, 0.1], [0.3, 0.3]]
    >>> svg = pose_traces_svg(t, truth, truth, joints=[0, "B"], joint_names=["A", "B"])
    >>> svg.count('class="true"'), svg.count('class="pred"'), svg.count('class="ik-gap"')
    (4, 2, 2)
    >>> pose_traces_svg(t, truth, truth, joints=["C"], joint_names=["A", "B"])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: pose_traces_svg: unknown joint 'C'; use 0-1 or a name such as A
    """
    func = "pose_traces_svg"
    n_joints = _check_rows(func, "y_true", y_true, None)
    _check_rows(func, "y_pred", y_pred, n_joints)
    if len(y_pred) != len(y_true):
        raise PureposeError(f"{func}: y_pred has {len(y_pred)} rows, y_true has {len(y_true)}")
    _check_time(func, time, len(y_true))
    if len(joint_names) != n_joints:
        raise PureposeError(f"{func}: {len(joint_names)} joint names for {n_joints} joints")
    chosen = _resolve_joints(func, joints, joint_names)
    if panel_height < 40:
        raise PureposeError(f"{func}: panel_height={panel_height} must be at least 40")

    if valid is None:
        valid = valid_mask(y_true)
    elif len(valid) != len(y_true):
        raise PureposeError(f"{func}: valid has {len(valid)} entries for {len(y_true)} rows")
    valid = [bool(v) for v in valid]
    convert, shown_unit = (math.degrees, "deg") if unit == "rad" else (float, unit)
    good_runs, gap_runs = _runs(valid, True), _runs(valid, False)
    gap = 28.0
    top = (44.0 if title else 14.0) + 34
    left, right, bottom = 64.0, 20.0, 52.0
    height = top + len(chosen) * (panel_height + gap) - gap + bottom
    x0, x1 = left, width - right
    to_x = linear_scale((time[0], time[-1]), (x0, x1))
    n_columns = max(1, int(x1 - x0))

    body = _title(width, title)
    entries = [("true", _INK), ("predicted", TABLEAU10[1])]
    body += _legend_inline(x0, top - 30, entries, with_gap=bool(gap_runs))
    for p, j in enumerate(chosen):
        py0 = top + p * (panel_height + gap)
        py1 = py0 + panel_height
        true_deg = [convert(row[j]) for row in y_true]
        pred_deg = [convert(row[j]) for row in y_pred]
        shown = [v for v, ok in zip(true_deg, valid, strict=True) if ok] + pred_deg
        ticks = nice_ticks(min(shown), max(shown), 5, loose=True)
        to_y = linear_scale((ticks[0], ticks[-1]), (py1, py0))
        body.append(f'<g class="panel" data-joint="{_attr(joint_names[j])}">')
        body.append(
            element(
                "rect",
                x=x0,
                y=py0,
                width=x1 - x0,
                height=float(panel_height),
                fill="none",
                stroke="#bbbbbb",
            )
        )
        for a, b in gap_runs:
            xa, xb = to_x(time[a]), to_x(time[min(b, len(time) - 1)])
            body.append(
                element(
                    "rect",
                    x=xa,
                    y=py0,
                    width=max(xb - xa, 1.0),
                    height=float(panel_height),
                    fill="#f4dede",
                    class_="ik-gap",
                )
            )
        for tick, label in zip(ticks, tick_labels(ticks), strict=True):
            y = to_y(tick)
            body.append(line(x0, y, x1, y, stroke=_GRID, stroke_width=0.8))
            body.append(text(x0 - 6, y + 4, label, size=10, text_anchor="end", fill=_INK))
        body.append(
            text(
                x0,
                py0 - 6,
                f"{joint_names[j]} ({shown_unit})",
                size=12,
                font_weight="bold",
                fill=_INK,
            )
        )
        ts, vs = _decimate(time, pred_deg, n_columns)
        body.append(
            element(
                "polyline",
                points=points_attr(map(to_x, ts), map(to_y, vs)),
                fill="none",
                stroke=TABLEAU10[1],
                stroke_width=1.3,
                class_="pred",
            )
        )
        for a, b in good_runs:
            span = time[b - 1] - time[a]
            cols = max(1, round(n_columns * span / (time[-1] - time[0])))
            ts, vs = _decimate(time[a:b], true_deg[a:b], cols)
            body.append(
                element(
                    "polyline",
                    points=points_attr(map(to_x, ts), map(to_y, vs)),
                    fill="none",
                    stroke=_INK,
                    stroke_width=1.3,
                    class_="true",
                )
            )
        body.append("</g>")
    last = top + len(chosen) * (panel_height + gap) - gap
    body += _time_axis(x0, x1, last, time[0], time[-1], last)
    return svg_document(width, height, body, title=title)


def _legend_inline(
    x: float, y: float, entries: Sequence[tuple[str, str]], *, with_gap: bool
) -> list[str]:
    """A one-row legend of line swatches (and the IK-failure shading if any)."""
    out = ['<g class="legend">']
    for label, colour in entries:
        out.append(
            f'<g class="legend-entry">{line(x, y, x + 18, y, stroke=colour, stroke_width=2.5)}'
            f"{text(x + 24, y + 4, label, fill=_INK)}</g>"
        )
        x += 36 + _text_width(label)
    if with_gap:
        swatch = element("rect", x=x, y=y - 6, width=18, height=12, fill="#f4dede")
        label = "IK failure (no ground truth)"
        out.append(f'<g class="legend-entry">{swatch}{text(x + 24, y + 4, label, fill=_INK)}</g>')
    out.append("</g>")
    return out


# ---- (d) grouped error bars --------------------------------------------------


def _groups(reports: Mapping[str, Mapping[str, float]]) -> list[str]:
    """Finger groups in anatomical order, then any others in first-seen order."""
    seen: dict[str, None] = {}
    for values in reports.values():
        seen.update(dict.fromkeys(values))
    known = [g for g in FINGER_GROUPS if g in seen]
    return known + [g for g in seen if g not in FINGER_GROUPS]


def error_bars_svg(
    reports: Mapping[str, Mapping[str, float]],
    *,
    title: str | None = None,
    ylabel: str = "MAE (deg)",
    width: int = 760,
    height: int = 420,
) -> str:
    """A grouped bar chart: one group per finger (and "overall"), one bar per report.

    ``reports`` maps a report name ("model", "mean pose", ...) to
    ``{group: value}``; a group missing from a report just has no bar. Each
    bar is labelled with its value (one decimal).

    >>> svg = error_bars_svg({"model": {"thumb": 10.0, "overall": 12.0},
    ...                       "mean pose": {"thumb": 14.0, "overall": 15.5}})
    >>> svg.count('class="bar"'), svg.count('class="legend-entry"')
    (4, 2)
    >>> error_bars_svg({"model": {"thumb": float("inf")}})
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: error_bars_svg: reports['model']['thumb'] = inf is not finite
    """
    func = "error_bars_svg"
    if not reports:
        raise PureposeError(f"{func}: reports is empty")
    for name, values in reports.items():
        for group, value in values.items():
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise PureposeError(
                    f"{func}: reports[{name!r}][{group!r}] = {value!r} is not finite"
                )
    groups = _groups(reports)
    if not groups:
        raise PureposeError(f"{func}: no values in any report")
    values = [v for r in reports.values() for v in r.values()]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values), 6, loose=True)

    left, right = 70.0, 20.0
    top, bottom = (44.0 if title else 14.0) + 26, 44.0
    x0, x1, y0, y1 = left, width - right, height - bottom, top
    to_y = linear_scale((ticks[0], ticks[-1]), (y0, y1))
    group_w = (x1 - x0) / len(groups)
    bar_w = 0.8 * group_w / len(reports)

    body = _title(width, title)
    for tick, label in zip(ticks, tick_labels(ticks), strict=True):
        y = to_y(tick)
        body.append(line(x0, y, x1, y, stroke=_GRID if tick else _INK))
        body.append(text(x0 - 8, y + 4, label, text_anchor="end", fill=_INK))
    mid = (y0 + y1) / 2
    body.append(
        text(
            20,
            mid,
            ylabel,
            text_anchor="middle",
            fill=_INK,
            transform=f"rotate(-90 20 {fmt(mid)})",
        )
    )
    zero = to_y(0.0)
    for g, group in enumerate(groups):
        gx = x0 + g * group_w + 0.1 * group_w
        body.append(
            text(x0 + (g + 0.5) * group_w, y0 + 20, group, text_anchor="middle", fill=_INK)
        )
        for r, (name, vals) in enumerate(reports.items()):
            if group not in vals:
                continue
            value = float(vals[group])
            y = to_y(value)
            bx = gx + r * bar_w
            body.append(
                element(
                    "rect",
                    x=bx + 1,
                    y=min(y, zero),
                    width=max(bar_w - 2, 1.0),
                    height=abs(zero - y),
                    fill=_colour(r),
                    class_="bar",
                    data_report=name,
                    data_group=group,
                )
            )
            body += _value_label(bx + bar_w / 2, y, value, bar_w, above=value >= 0)
    legend = [(name, _colour(r)) for r, name in enumerate(reports)]
    body += _legend_row(x0, top - 16, legend)
    return svg_document(width, height, body, title=title)


def _value_label(x: float, y: float, value: float, bar_w: float, *, above: bool) -> list[str]:
    label = f"{value:.1f}"
    if bar_w >= _text_width(label, 10) + 2:
        ty = y - 4 if above else y + 12
        return [text(x, ty, label, size=10, text_anchor="middle", fill=_INK)]
    # Narrow bars: write the value vertically.
    ty = y - 4 if above else y + 4
    anchor = "start" if above else "end"
    rotate = f"rotate(-90 {fmt(x + 3)} {fmt(ty)})"
    return [text(x + 3, ty, label, size=10, text_anchor=anchor, transform=rotate, fill=_INK)]


def _legend_row(x: float, y: float, entries: Sequence[tuple[str, str]]) -> list[str]:
    """A one-row legend of colour boxes."""
    out = ['<g class="legend">']
    for label, colour in entries:
        swatch = element("rect", x=x, y=y - 6, width=12, height=12, fill=colour)
        out.append(f'<g class="legend-entry">{swatch}{text(x + 18, y + 4, label, fill=_INK)}</g>')
        x += 34 + _text_width(label)
    out.append("</g>")
    return out
