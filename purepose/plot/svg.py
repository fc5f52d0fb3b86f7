"""The pieces every figure is built from: SVG elements, text, titles, ticks, scales, colours.

An SVG file is text: a ``<svg>`` root with a ``viewBox`` in pixels and shapes
(``line``, ``polyline``, ``circle``, ``rect``, ``text``) placed in it. The
figure modules (:mod:`purepose.plot.emg`, :mod:`purepose.plot.scatter`,
:mod:`purepose.plot.pose`) build theirs from what is here:

- a linear scale   x -> r0 + (x - d0) * (r1 - r0) / (d1 - d0)   from data
  units to pixels (the y axis runs downwards in SVG, so r0 > r1 there);
- "nice" tick values (Heckbert): the tick step is 1, 2 or 5 times a power of
  ten, chosen so that about ``n_ticks`` ticks cover the range;
- elements written as strings (numbers through :func:`fmt`, text and
  attributes escaped), wrapped by :func:`svg_document` and written
  atomically by :func:`save_svg`;
- titles fitted to the figure's width (:func:`fit_title`), the time axis
  (unix timestamps shown as seconds since the first sample), the category
  colours, and the input checks every figure makes.

Cost: each function is linear in its input (a title, a row of ticks, a
table to check); the time axis and the ticks are O(n_ticks).

References: P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems
(1990); W3C, Scalable Vector Graphics (SVG) 1.1 (Second Edition), 2011.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from purepose._util import atomic_write_text
from purepose.errors import PureposeError
from purepose.types import Vector

# ---- colours and fonts -------------------------------------------------------

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
INK = "#222222"  # axes and text
GRID = "#dddddd"  # grid lines


def category_colour(label: int) -> str:
    """The colour of category (cluster, report) ``label``: :data:`TABLEAU10`, cycled.

    >>> category_colour(0), category_colour(11)
    ('#1f77b4', '#ff7f0e')
    """
    return TABLEAU10[label % len(TABLEAU10)]


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


def text_width(text: str, size: float = FONT_SIZE) -> float:
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
        parts.append(f'{name}="{escape_attr(str(value))}"')
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


# ---- titles ------------------------------------------------------------------

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


def title_elements(width: float, s: str | None) -> list[str]:
    """A figure's bold, centred title as a list of elements ([] when there is none).

    >>> title_elements(400, None), len(title_elements(400, "EMG"))
    ([], 1)
    """
    if not s:
        return []
    shown, size = fit_title(s, width)
    return [
        text(width / 2, 24, shown, size=size, text_anchor="middle", font_weight="bold", fill=INK)
    ]


def escape_attr(value: str) -> str:
    """Escape a string for use inside a double-quoted attribute."""
    return escape(value, {'"': "&quot;"})


# ---- the time axis -----------------------------------------------------------


#: Times at or beyond this many seconds are unix timestamps: the time axis then
#: counts seconds from the first sample instead of printing 10-digit ticks.
UNIX_TIME_THRESHOLD = 1e6


def time_axis(x0: float, x1: float, y: float, t0: float, t1: float, grid_top: float) -> list[str]:
    """Bottom time axis in seconds with faint vertical grid lines up to ``grid_top``.

    Unix timestamps (>= :data:`UNIX_TIME_THRESHOLD`) are shown as seconds since ``t0``.
    """
    origin = t0 if abs(t0) >= UNIX_TIME_THRESHOLD else 0.0
    caption = "time (s) since first sample" if origin else "time (s)"
    to_x = linear_scale((t0 - origin, t1 - origin), (x0, x1))
    ticks = nice_ticks(t0 - origin, t1 - origin, max(2, int((x1 - x0) / 90)))
    out = [line(x0, y, x1, y, stroke=INK)]
    for tick, label in zip(ticks, tick_labels(ticks), strict=True):
        x = to_x(tick)
        out.append(line(x, grid_top, x, y, stroke=GRID, stroke_width=0.8))
        out.append(line(x, y, x, y + 5, stroke=INK))
        out.append(text(x, y + 18, label, text_anchor="middle", fill=INK))
    out.append(text((x0 + x1) / 2, y + 36, caption, text_anchor="middle", fill=INK))
    return out


# ---- input checks ------------------------------------------------------------


def check_rows(func: str, name: str, rows: Sequence[Sequence[float]], width: int | None) -> int:
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


def check_time(func: str, time: Sequence[float], n_rows: int) -> None:
    """Check ``time`` has ``n_rows`` finite, non-decreasing values spanning more than 0 s."""
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
