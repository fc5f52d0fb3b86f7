"""Figures as hand-written SVG: EMG traces, 2-D and 3-D scatter, pose traces, error bars.

One module per kind of figure, over one module of shared pieces:

    svg.py      elements, text, titles, ticks, scales, colours, the time axis
    emg.py      EMG traces from a per-pixel-column min/max envelope
    scatter.py  2-D and 3-D scatter plots (orthographic view, like matplotlib's)
    pose.py     pose traces (true vs predicted) and error bars by finger

Every public name of those modules that figures are drawn with is importable
from ``purepose.plot`` itself (``from purepose.plot import emg_traces_svg,
save_svg``).

Cost: O(n) for n data values per figure (one pass to scale, one min/max per
pixel column); the SVG holds O(width) points per trace and at most
``max_points`` markers per scatter, so files stay well under 1 MB.

References: P. S. Heckbert, "Nice numbers for graph labels", Graphics Gems
(1990); W3C, Scalable Vector Graphics (SVG) 1.1 (Second Edition), 2011.
"""

from __future__ import annotations

from .emg import (
    EmgEnvelope,
    column_edges,
    emg_amplitude,
    emg_traces_svg,
    emg_traces_svg_chunked,
    envelope,
)
from .pose import FINGER_GROUPS, error_bars_svg, pose_traces_svg
from .scatter import BOX_ASPECT, project3d, scatter3d_svg, scatter_svg, view_matrix
from .svg import (
    FONT_FAMILY,
    FONT_SIZE,
    MIN_TITLE_SIZE,
    TABLEAU10,
    TITLE_SIZE,
    UNIX_TIME_THRESHOLD,
    element,
    fit_title,
    fmt,
    line,
    linear_scale,
    nice_number,
    nice_ticks,
    points_attr,
    save_svg,
    svg_document,
    text,
    tick_labels,
)

__all__ = [
    "BOX_ASPECT",
    "FINGER_GROUPS",
    "FONT_FAMILY",
    "FONT_SIZE",
    "MIN_TITLE_SIZE",
    "TABLEAU10",
    "TITLE_SIZE",
    "UNIX_TIME_THRESHOLD",
    "EmgEnvelope",
    "column_edges",
    "element",
    "emg_amplitude",
    "emg_traces_svg",
    "emg_traces_svg_chunked",
    "envelope",
    "error_bars_svg",
    "fit_title",
    "fmt",
    "line",
    "linear_scale",
    "nice_number",
    "nice_ticks",
    "points_attr",
    "pose_traces_svg",
    "project3d",
    "save_svg",
    "scatter3d_svg",
    "scatter_svg",
    "svg_document",
    "text",
    "tick_labels",
    "view_matrix",
]
