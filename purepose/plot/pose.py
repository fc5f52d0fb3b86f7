"""Pose figures: true vs predicted targets over time, and the errors grouped by finger.

:func:`pose_traces_svg` draws one panel per chosen target: the true line,
broken and shaded where there is no ground truth (emg2pose's
inverse-kinematics failures), and the predicted line; joint angles in
radians are shown in degrees (deg = rad * 180 / pi). Long windows are
decimated per pixel column like the EMG traces
(:func:`purepose.plot.emg.decimate`). :func:`error_bars_svg` draws one group
of bars per finger, then "overall", one bar per report (a model and its
baselines), each labelled with its value.

Cost: O(n x n_panels) to scale n frames; the SVG holds O(width) points per
panel and one bar per (report, group).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES, valid_mask
from purepose.types import Matrix, Vector

from .emg import decimate
from .svg import (
    GRID,
    INK,
    TABLEAU10,
    category_colour,
    check_rows,
    check_time,
    element,
    escape_attr,
    fmt,
    line,
    linear_scale,
    nice_ticks,
    points_attr,
    svg_document,
    text,
    text_width,
    tick_labels,
    time_axis,
    title_elements,
)

#: Group order for error bars: the five fingers, then the overall error.
FINGER_GROUPS: tuple[str, ...] = ("thumb", "index", "middle", "ring", "pinky", "overall")


# ---- pose traces -------------------------------------------------------------


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
    n_joints = check_rows(func, "y_true", y_true, None)
    check_rows(func, "y_pred", y_pred, n_joints)
    if len(y_pred) != len(y_true):
        raise PureposeError(f"{func}: y_pred has {len(y_pred)} rows, y_true has {len(y_true)}")
    check_time(func, time, len(y_true))
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

    body = title_elements(width, title)
    entries = [("true", INK), ("predicted", TABLEAU10[1])]
    body += _legend_inline(x0, top - 30, entries, with_gap=bool(gap_runs))
    for p, j in enumerate(chosen):
        py0 = top + p * (panel_height + gap)
        py1 = py0 + panel_height
        true_deg = [convert(row[j]) for row in y_true]
        pred_deg = [convert(row[j]) for row in y_pred]
        shown = [v for v, ok in zip(true_deg, valid, strict=True) if ok] + pred_deg
        ticks = nice_ticks(min(shown), max(shown), 5, loose=True)
        to_y = linear_scale((ticks[0], ticks[-1]), (py1, py0))
        body.append(f'<g class="panel" data-joint="{escape_attr(joint_names[j])}">')
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
            body.append(line(x0, y, x1, y, stroke=GRID, stroke_width=0.8))
            body.append(text(x0 - 6, y + 4, label, size=10, text_anchor="end", fill=INK))
        body.append(
            text(
                x0,
                py0 - 6,
                f"{joint_names[j]} ({shown_unit})",
                size=12,
                font_weight="bold",
                fill=INK,
            )
        )
        ts, vs = decimate(time, pred_deg, n_columns)
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
            ts, vs = decimate(time[a:b], true_deg[a:b], cols)
            body.append(
                element(
                    "polyline",
                    points=points_attr(map(to_x, ts), map(to_y, vs)),
                    fill="none",
                    stroke=INK,
                    stroke_width=1.3,
                    class_="true",
                )
            )
        body.append("</g>")
    last = top + len(chosen) * (panel_height + gap) - gap
    body += time_axis(x0, x1, last, time[0], time[-1], last)
    return svg_document(width, height, body, title=title)


def _legend_inline(
    x: float, y: float, entries: Sequence[tuple[str, str]], *, with_gap: bool
) -> list[str]:
    """A one-row legend of line swatches (and the IK-failure shading if any)."""
    out = ['<g class="legend">']
    for label, colour in entries:
        out.append(
            f'<g class="legend-entry">{line(x, y, x + 18, y, stroke=colour, stroke_width=2.5)}'
            f"{text(x + 24, y + 4, label, fill=INK)}</g>"
        )
        x += 36 + text_width(label)
    if with_gap:
        swatch = element("rect", x=x, y=y - 6, width=18, height=12, fill="#f4dede")
        label = "IK failure (no ground truth)"
        out.append(f'<g class="legend-entry">{swatch}{text(x + 24, y + 4, label, fill=INK)}</g>')
    out.append("</g>")
    return out


# ---- grouped error bars ------------------------------------------------------


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

    body = title_elements(width, title)
    for tick, label in zip(ticks, tick_labels(ticks), strict=True):
        y = to_y(tick)
        body.append(line(x0, y, x1, y, stroke=GRID if tick else INK))
        body.append(text(x0 - 8, y + 4, label, text_anchor="end", fill=INK))
    mid = (y0 + y1) / 2
    body.append(
        text(
            20,
            mid,
            ylabel,
            text_anchor="middle",
            fill=INK,
            transform=f"rotate(-90 20 {fmt(mid)})",
        )
    )
    zero = to_y(0.0)
    for g, group in enumerate(groups):
        gx = x0 + g * group_w + 0.1 * group_w
        body.append(text(x0 + (g + 0.5) * group_w, y0 + 20, group, text_anchor="middle", fill=INK))
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
                    fill=category_colour(r),
                    class_="bar",
                    data_report=name,
                    data_group=group,
                )
            )
            body += _value_label(bx + bar_w / 2, y, value, bar_w, above=value >= 0)
    legend = [(name, category_colour(r)) for r, name in enumerate(reports)]
    body += _legend_row(x0, top - 16, legend)
    return svg_document(width, height, body, title=title)


def _value_label(x: float, y: float, value: float, bar_w: float, *, above: bool) -> list[str]:
    label = f"{value:.1f}"
    if bar_w >= text_width(label, 10) + 2:
        ty = y - 4 if above else y + 12
        return [text(x, ty, label, size=10, text_anchor="middle", fill=INK)]
    # Narrow bars: write the value vertically.
    ty = y - 4 if above else y + 4
    anchor = "start" if above else "end"
    rotate = f"rotate(-90 {fmt(x + 3)} {fmt(ty)})"
    return [text(x + 3, ty, label, size=10, text_anchor=anchor, transform=rotate, fill=INK)]


def _legend_row(x: float, y: float, entries: Sequence[tuple[str, str]]) -> list[str]:
    """A one-row legend of colour boxes."""
    out = ['<g class="legend">']
    for label, colour in entries:
        swatch = element("rect", x=x, y=y - 6, width=12, height=12, fill=colour)
        out.append(f'<g class="legend-entry">{swatch}{text(x + 18, y + 4, label, fill=INK)}</g>')
        x += 34 + text_width(label)
    out.append("</g>")
    return out
