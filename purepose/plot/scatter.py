"""Scatter plots coloured by cluster: 2-D, and 3-D in an orthographic view.

The 3-D view: with azimuth a and elevation e, a point p is seen at screen
coordinates (u . p, v . p) and depth w . p, where

    u = (-sin a, cos a, 0)
    v = (-sin e cos a, -sin e sin a, cos e)
    w = (cos e cos a, cos e sin a, sin e)      (towards the viewer),

the same view matplotlib's 3-D axes use (:func:`view_matrix`,
:func:`project3d`); each axis is scaled to the box [-1, 1] * :data:`BOX_ASPECT`
and the points are drawn far to near. More than ``max_points`` points are
thinned to every k-th, and a caption says so.

Cost: O(n) to scale and project n points, O(m log m) to sort the m drawn
points by depth; the SVG holds at most ``max_points`` markers.

Reference: matplotlib's mplot3d (``Axes3D.view_init(elev, azim)``, box aspect 4:4:3).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from purepose.errors import PureposeError
from purepose.types import Matrix, Vector

from .svg import (
    INK,
    TABLEAU10,
    category_colour,
    check_rows,
    element,
    fmt,
    line,
    linear_scale,
    nice_ticks,
    points_attr,
    svg_document,
    text,
    text_width,
    tick_labels,
    title_elements,
)

#: Relative lengths of the x, y, z box edges in 3-D plots (matplotlib's 4:4:3).
BOX_ASPECT: tuple[float, float, float] = (1.0, 1.0, 0.75)
_PANE = "#eaeaf2"  # 3-D panes (seaborn's "darkgrid" background)


# ---- scatter plots -----------------------------------------------------------


def _check_labels(func: str, labels: Sequence[int] | None, n: int) -> None:
    if labels is None:
        return
    if len(labels) != n:
        raise PureposeError(f"{func}: {len(labels)} labels for {n} points")
    if not all(isinstance(k, int) and not isinstance(k, bool) for k in labels):
        raise PureposeError(f"{func}: labels must be ints (cluster numbers)")


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
            (f"cluster {k} ({_plural(m, 'point')})", _dot(category_colour(k)))
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
        label_svg = text(x + 22, cy + 4, label, fill=INK)
        rows.append(f'<g class="legend-entry">{swatch(x + 6.0, cy)}{label_svg}</g>')
    rows.append("</g>")
    return rows


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
    check_rows(func, "points", points, 2)
    _check_labels(func, labels, len(points))
    if centers is not None:
        check_rows(func, "centers", centers, 2)
    kept, caption = _subsample(len(points), max_points)
    entries = _cluster_legend(labels, len(points), centers)

    legend_w = 24 + max(text_width(label) for label, _ in entries)
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

    body = title_elements(width, title)
    body.append(element("rect", x=x0, y=y1, width=x1 - x0, height=y0 - y1, fill=_PANE))
    for tick, label in zip(x_ticks, tick_labels(x_ticks), strict=True):
        x = to_x(tick)
        body.append(line(x, y1, x, y0, stroke="white"))
        body.append(text(x, y0 + 18, label, text_anchor="middle", fill=INK))
    for tick, label in zip(y_ticks, tick_labels(y_ticks), strict=True):
        y = to_y(tick)
        body.append(line(x0, y, x1, y, stroke="white"))
        body.append(text(x0 - 8, y + 4, label, text_anchor="end", fill=INK))
    body.append(text((x0 + x1) / 2, y0 + 40, xlabel, text_anchor="middle", fill=INK))
    mid = (y0 + y1) / 2
    body.append(
        text(
            18,
            mid,
            ylabel,
            text_anchor="middle",
            fill=INK,
            transform=f"rotate(-90 18 {fmt(mid)})",
        )
    )
    body.append('<g class="points" fill-opacity="0.75">')
    for i in kept:
        colour = category_colour(labels[i]) if labels is not None else TABLEAU10[0]
        body.append(
            element("circle", cx=to_x(points[i][0]), cy=to_y(points[i][1]), r=2.5, fill=colour)
        )
    body.append("</g>")
    if centers:
        body.append('<g class="centers">')
        for k, c in enumerate(centers):
            body.append(_center_marker(to_x(c[0]), to_y(c[1]), category_colour(k)))
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
    check_rows(func, "points", points, 3)
    _check_labels(func, labels, len(points))
    if centers is not None:
        check_rows(func, "centers", centers, 3)
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

    legend_w = 24 + max(text_width(label) for label, _ in entries)
    view = _View3D(elev, azim, width - legend_w - 24, height, 44 if title else 16, caption)
    body = title_elements(width, title)
    body += view.panes_and_grid(bounds)
    body += view.axes(bounds, axis_labels)
    drawn = project3d([normalise(points[i]) for i in kept], elev=elev, azim=azim)
    order = sorted(range(len(drawn)), key=lambda j: drawn[j][2])  # far (small depth) first
    body.append('<g class="points" fill-opacity="0.8">')
    for j in order:
        x, y = view.to_screen(drawn[j])
        colour = category_colour(labels[kept[j]]) if labels is not None else TABLEAU10[0]
        body.append(element("circle", cx=x, cy=y, r=2.5, fill=colour))
    body.append("</g>")
    if centers:
        body.append('<g class="centers">')
        for k, c in enumerate(project3d([normalise(c) for c in centers], elev=elev, azim=azim)):
            body.append(_center_marker(*view.to_screen(c), category_colour(k)))
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
            out.append(line(xa, ya, xb, yb, stroke=INK))
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
                out.append(line(x, y, x + 5 * dx, y + 5 * dy, stroke=INK))
                out.append(
                    text(x + 12 * dx, y + 12 * dy + 4, name, size=10, text_anchor=anchor, fill=INK)
                )
            reach = 22 + max(text_width(n, 10) for n in names) * abs(dx) + 8 * abs(dy)
            lx, ly = (xa + xb) / 2 + reach * dx, (ya + yb) / 2 + reach * dy + 4
            out.append(
                text(lx, ly, labels[axis], text_anchor=anchor, font_weight="bold", fill=INK)
            )
        out.append("</g>")
        return out


_CORNERS = [(sx, sy, sz) for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]
