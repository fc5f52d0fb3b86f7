"""The predicted and the true hand as skeletons in three views, as SVG (and the player's views).

The landmarks of ``purepose.pose.hand`` (palm frame: x distal, y radial, z dorsal)
are first stood upright for display, D(x, y, z) = (-z, y, x): the palm faces
+X, the thumb +Y, the fingers point up (+Z). Each view is then the orthographic
projection of ``purepose.plot`` (the 3-D scatter's ``view_matrix``: screen x =
u . p, screen y = v . p, depth = w . p) at

    palm view   elev  0, azim  0    looking at the palm, fingers up, thumb right
    side view   elev  0, azim 90    from the thumb side, the palm on the left
    top view    elev 90, azim  0    from above the fingertips, thumb right, back up

All three views share one scale (mm per pixel) so the hands keep their size;
a 50 mm bar shows it. Bones are drawn far to near. The title carries the time
and the frame's errors: angular MAE (degrees, the emg2pose metric on one frame)
and the mean fingertip distance (mm, on purepose's generic hand). A frame whose
true angles are all zero is an inverse-kinematics failure: it has no true hand,
only the prediction is drawn and the title says so.

Cost: O(1) per figure (2 hands x 3 views x 44 shapes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from purepose.errors import PureposeError
from purepose.joints import is_ik_failure
from purepose.pose.hand import BONES, GenericHand, default_hand, fingertip_distances
from purepose.pose.landmarks import frame_mae_deg
from purepose.types import Matrix, Vector

from .scatter import project3d, view_matrix
from .svg import TABLEAU10, element, line, svg_document, text

TRUE_COLOUR = "#222222"
PRED_COLOUR = TABLEAU10[1]
_INK = "#222222"

#: (name, caption, elevation, azimuth) of each view of the upright hand.
VIEWS: tuple[tuple[str, str, float, float], ...] = (
    ("palm", "palm view", 0.0, 0.0),
    ("side", "side view (thumb side)", 0.0, 90.0),
    ("top", "top view (above the fingertips)", 90.0, 0.0),
)


def upright(points: Matrix) -> Matrix:
    """Palm-frame points (x distal, y radial, z dorsal) -> display frame D(p) = (-z, y, x).

    >>> upright([[1.0, 2.0, 3.0]])
    [[-3.0, 2.0, 1.0]]
    """
    return [[-z, y, x] for x, y, z in points]


def view_matrices() -> dict[str, Matrix]:
    """Per view, the 3x3 map from palm-frame mm to (screen x, screen y, depth): V D.

    The player uses these rows for the same projection in JavaScript.

    >>> [[round(v, 6) + 0.0 for v in row] for row in view_matrices()["palm"]]
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]]
    """
    out = {}
    for name, _, elev, azim in VIEWS:
        u, v, w = view_matrix(elev, azim)
        # D = [[0, 0, -1], [0, 1, 0], [1, 0, 0]]: row r of V D is (r[2], r[1], -r[0]).
        out[name] = [[r[2], r[1], -r[0]] for r in (u, v, w)]
    return out


def project_views(points: Matrix) -> dict[str, Matrix]:
    """The 21 landmarks in each view: rows (screen x, screen y up, depth), mm."""
    shown = upright(points)
    return {name: project3d(shown, elev=elev, azim=azim) for name, _, elev, azim in VIEWS}


def frame_errors(true_angles: Sequence[float], pred_angles: Sequence[float], hand=None):
    """(angular MAE in degrees, mean fingertip distance in mm) of one frame.

    >>> frame_errors([0.1] * 20, [0.1] * 20)
    (0.0, 0.0)
    """
    hand = hand or default_hand()
    t, p = hand.landmarks_batch([true_angles, pred_angles])
    return frame_mae_deg(true_angles, pred_angles), fingertip_distances([t], [p])[0]


def frame_title(time: float | None, errors: tuple[float, float] | None) -> str:
    """The figure title: time, then the frame's errors (or the IK-failure note).

    >>> frame_title(12.5, (7.25, 10.0))
    't = 12.50 s: angular MAE 7.2 deg, fingertip distance 10.0 mm'
    """
    head = "" if time is None else f"t = {time:.2f} s: "
    if errors is None:
        return head + "no ground truth at this frame (IK failure), prediction only"
    mae, tip = errors
    return head + f"angular MAE {mae:.1f} deg, fingertip distance {tip:.1f} mm"


def _check_frame(func: str, name: str, angles: Sequence[float] | None) -> None:
    if angles is None:
        return
    if len(angles) != 20 or not all(
        isinstance(a, int | float) and math.isfinite(a) for a in angles
    ):
        raise PureposeError(f"{func}: {name} must be 20 finite joint angles (radians)")


def hand_views_svg(
    true_angles: Sequence[float] | None,
    pred_angles: Sequence[float],
    *,
    hand: GenericHand | None = None,
    time: float | None = None,
    title: str | None = None,
    name: str | None = None,
    width: int = 960,
    height: int = 440,
) -> str:
    """The true and the predicted hand of one frame, three views side by side, as SVG text.

    ``true_angles`` and ``pred_angles``: 20 emg2pose angles (radians); a true
    frame that is None or all zero (IK failure) is not drawn. ``title``
    defaults to :func:`frame_title`; a subtitle names the session (``name``)
    and the hand model.

    >>> svg = hand_views_svg([0.0] * 4 + [0.3] * 16, [0.2] * 20, time=1.0)
    >>> svg.count('class="hand true"'), svg.count('class="hand pred"'), svg.count('class="bone"')
    (3, 3, 138)
    >>> hand_views_svg([0.0] * 20, [0.1] * 3)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: hand_views_svg: pred_angles must be 20 finite joint angles ...
    """
    func = "hand_views_svg"
    _check_frame(func, "true_angles", true_angles)
    _check_frame(func, "pred_angles", pred_angles)
    if width < 300 or height < 200:
        raise PureposeError(f"{func}: {width}x{height} px is too small (at least 300x200)")
    hand = hand or default_hand()
    has_truth = true_angles is not None and not is_ik_failure(true_angles)
    hands = {"pred": hand.landmarks(pred_angles)}
    if has_truth:
        hands = {"true": hand.landmarks(true_angles), **hands}
    errors = frame_errors(true_angles, pred_angles, hand) if has_truth else None
    title = title if title is not None else frame_title(time, errors)
    views = {k: project_views(p) for k, p in hands.items()}
    subtitle = f"{hand.label} (Buchholz et al. 1992 proportions)"
    subtitle = f"{name}; {subtitle}" if name else subtitle

    top, bottom, gap = 92.0, 26.0, 12.0
    panel_w = (width - 2 * gap - 2 * 16.0) / 3
    panel_h = height - top - bottom
    scale = _common_scale(views, panel_w - 24, panel_h - 40)
    body = [
        text(width / 2, 24, title, size=15, text_anchor="middle", font_weight="bold", fill=_INK),
        text(width / 2, 44, subtitle, size=11, text_anchor="middle", fill="#555555"),
        *_legend(width / 2 - 110, 66, has_truth),
    ]
    for v, (view, caption, _, _) in enumerate(VIEWS):
        x0 = 16.0 + v * (panel_w + gap)
        body += _panel(view, caption, x0, top, panel_w, panel_h, scale, views)
    body += _scale_bar(16.0 + 14, top + panel_h - 14, scale)
    return svg_document(width, height, body, title=title)


def _common_scale(views: dict[str, dict[str, Matrix]], w: float, h: float) -> float:
    """Pixels per mm so that every view of every hand fits its panel."""
    scale = math.inf
    for name, _, _, _ in VIEWS:
        pts = [p for hand in views.values() for p in hand[name]]
        span_x = max(p[0] for p in pts) - min(p[0] for p in pts)
        span_y = max(p[1] for p in pts) - min(p[1] for p in pts)
        scale = min(scale, w / max(span_x, 1.0), h / max(span_y, 1.0))
    return scale


def _panel(name, caption, x0, y0, w, h, scale, views) -> list[str]:
    pts = [p for hand in views.values() for p in hand[name]]
    mid_x = (max(p[0] for p in pts) + min(p[0] for p in pts)) / 2
    mid_y = (max(p[1] for p in pts) + min(p[1] for p in pts)) / 2
    cx, cy = x0 + w / 2, y0 + 22 + (h - 22) / 2

    def to_px(p: Vector) -> tuple[float, float]:
        return cx + scale * (p[0] - mid_x), cy - scale * (p[1] - mid_y)

    out = [
        f'<g class="view" data-view="{name}">',
        element(
            "rect", x=x0, y=y0, width=w, height=h, fill="#f7f7f7", stroke="#cccccc", class_="panel"
        ),
        text(x0 + w / 2, y0 + 16, caption, size=12, text_anchor="middle", fill=_INK),
    ]
    for kind, points in views.items():
        colour, width = (TRUE_COLOUR, 4.0) if kind == "true" else (PRED_COLOUR, 2.5)
        drawn = points[name]
        out.append(f'<g class="hand {kind}" stroke="{colour}" fill="{colour}">')
        for a, b in sorted(BONES, key=lambda ab: drawn[ab[0]][2] + drawn[ab[1]][2]):
            (xa, ya), (xb, yb) = to_px(drawn[a]), to_px(drawn[b])
            out.append(
                line(
                    xa,
                    ya,
                    xb,
                    yb,
                    stroke_width=width,
                    stroke_linecap="round",
                    class_="bone",
                    data_bone=f"{a}-{b}",
                )
            )
        for k in sorted(range(len(drawn)), key=lambda k: drawn[k][2]):
            x, y = to_px(drawn[k])
            r = 3.2 if kind == "true" else 2.4
            out.append(element("circle", cx=x, cy=y, r=r, stroke="none", class_="joint", data_k=k))
        out.append("</g>")
    out.append("</g>")
    return out


def _legend(x: float, y: float, has_truth: bool) -> list[str]:
    entries = [("true hand", TRUE_COLOUR, 4.0)] if has_truth else []
    entries.append(("predicted hand", PRED_COLOUR, 2.5))
    out = ['<g class="legend">']
    for label, colour, width in entries:
        out.append(
            f'<g class="legend-entry">{line(x, y, x + 22, y, stroke=colour, stroke_width=width)}'
            f"{text(x + 28, y + 4, label, fill=_INK)}</g>"
        )
        x += 130
    out.append("</g>")
    return out


def _scale_bar(x: float, y: float, scale: float) -> list[str]:
    length = 50.0 * scale
    return [
        '<g class="scale-bar">',
        line(x, y, x + length, y, stroke=_INK, stroke_width=2),
        text(x + length / 2, y - 5, "50 mm", size=10, text_anchor="middle", fill=_INK),
        "</g>",
    ]


__all__ = [
    "PRED_COLOUR",
    "TRUE_COLOUR",
    "VIEWS",
    "frame_errors",
    "frame_title",
    "hand_views_svg",
    "project_views",
    "upright",
    "view_matrices",
]
