"""A hand player: one self-contained HTML page that plays the true and the predicted hand.

The page holds everything inline: the landmarks of both hands per frame (mm,
0.1 mm steps, computed here by ``purepose.pose.hand``), the joint angles (degrees),
the per-frame errors, and a few hundred lines of vanilla JavaScript that draw
them on canvases. No network resource, no external script, no font: it opens
from a file, offline, in any browser.

What it shows: the three views of ``purepose.plot.handplot`` (palm, side, top; the
same projection matrices, V D, passed to the page), play/pause, a time slider
and a speed choice; below, joint-angle traces (true and predicted; pick the
joints with the check boxes, default the main flexion of each digit) with a
cursor that follows the time, and the frame's angular MAE (degrees) and
fingertip distance (mm). Frames without ground truth (IK failures) show only
the prediction. The view extents are fixed over the whole clip, so the hands
do not jump while they move.

For tests and scripts the page keeps its state in the DOM: ``<body
data-frame="i" data-time="t" data-frames="n" data-ready="1">``, and it starts
at the time given in its URL fragment, ``hand.html#t=12.5``.

Size bound: frames are subsampled to at most :data:`MAX_FPS` (30) per second
and a clip may last at most :data:`MAX_SECONDS` (60 s), so a page holds at most
1,800 frames, about 1.3 MB; a 10 s clip at the demo's 50 windows per second
(25 frames per second after subsampling) is about 180 kB.

Cost: O(n_frames) to build (one forward kinematics per hand and frame).
"""

from __future__ import annotations

import html
import itertools
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path

from purepose._util import atomic_write_text
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES, is_ik_failure
from purepose.pose.hand import (
    BONES,
    FINGERTIPS,
    FIXED_LANDMARKS,
    MOVING_LANDMARKS,
    GenericHand,
    default_hand,
    fingertip_distances,
)
from purepose.pose.landmarks import frame_mae_deg
from purepose.types import Matrix, Vector

from .handplot import PRED_COLOUR, TRUE_COLOUR, VIEWS, view_matrices

MAX_FPS = 30.0
"""Frames per second kept at most (the rest are dropped evenly)."""
MAX_SECONDS = 60.0
"""The longest clip one page may hold, seconds."""
DEFAULT_TRACES: tuple[str, ...] = (
    "THUMB_MCP_FE",
    "INDEX_PIP_FE",
    "MIDDLE_PIP_FE",
    "RING_PIP_FE",
    "PINKY_PIP_FE",
)
"""Joints whose traces the page shows at first: each digit's main flexion."""


def subsample(time: Sequence[float], max_fps: float = MAX_FPS) -> list[int]:
    """Indices of frames at least 1 / max_fps seconds apart (greedy, first frame kept).

    >>> subsample([0.0, 0.02, 0.04, 0.06, 0.08, 0.1], max_fps=25.0)
    [0, 2, 4]
    """
    if not (math.isfinite(max_fps) and max_fps > 0):
        raise PureposeError(f"subsample: max_fps={max_fps!r} must be positive")
    step = 1.0 / max_fps - 1e-9  # the tolerance keeps an exact 50 Hz stream at 25 fps
    kept, last = [], -math.inf
    for i, t in enumerate(time):
        if t - last >= step:
            kept.append(i)
            last = t
    return kept


def _check(time: Sequence[float], y_true: Matrix, y_pred: Matrix, max_seconds: float) -> None:
    where = "player_html"
    n = len(time)
    if n < 2:
        raise PureposeError(f"{where}: need at least 2 frames, got {n}")
    if len(y_true) != n or len(y_pred) != n:
        raise PureposeError(
            f"{where}: {n} times but {len(y_true)} true and {len(y_pred)} predicted frames"
        )
    if not all(map(math.isfinite, time)) or any(b < a for a, b in itertools.pairwise(time)):
        raise PureposeError(f"{where}: time must be finite and non-decreasing")
    span = time[-1] - time[0]
    if span > max_seconds + 1e-9:
        raise PureposeError(
            f"{where}: the clip lasts {span:.3f} s, more than the {max_seconds:g} s one page holds"
        )


def _round(values: Sequence[float], digits: int) -> list[float]:
    return [round(v, digits) + 0.0 for v in values]


def player_data(
    time: Sequence[float],
    y_true: Matrix,
    y_pred: Matrix,
    *,
    hand: GenericHand | None = None,
    title: str = "",
    traces: Sequence[str] = DEFAULT_TRACES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
) -> dict:
    """The JSON the page plays: subsampled frames, landmarks, angles, errors, view extents."""
    _check(time, y_true, y_pred, max_seconds)
    unknown = [j for j in traces if j not in JOINT_NAMES]
    if unknown or not traces:
        raise PureposeError(f"player_html: unknown trace joints {unknown}; use JOINT_NAMES")
    hand = hand or default_hand()
    keep = subsample(time, max_fps)
    true_rows = [y_true[i] for i in keep]
    pred_rows = [y_pred[i] for i in keep]
    truth = [not is_ik_failure(r) for r in true_rows]
    true_lm = hand.landmarks_batch(true_rows)
    pred_lm = hand.landmarks_batch(pred_rows)
    tips = fingertip_distances(true_lm, pred_lm)
    moving = [c for k in MOVING_LANDMARKS for c in (3 * k, 3 * k + 1, 3 * k + 2)]
    return {
        "title": title,
        "hand": f"{hand.label} (Buchholz et al. 1992 proportions)",
        "t": _round([time[i] for i in keep], 3),
        "views": [
            {"name": name, "caption": caption, "m": view_matrices()[name]}
            for name, caption, _, _ in VIEWS
        ],
        "extent": _extents([*(r for r, ok in zip(true_lm, truth) if ok), *pred_lm]),
        "bones": [list(b) for b in BONES],
        "tips": list(FINGERTIPS),
        "fixed": {str(k): _round(true_lm[0][3 * k : 3 * k + 3], 1) for k in FIXED_LANDMARKS},
        "moving": list(MOVING_LANDMARKS),
        "true": [
            _round([r[c] for c in moving], 1) if ok else None for r, ok in zip(true_lm, truth)
        ],
        "pred": [_round([r[c] for c in moving], 1) for r in pred_lm],
        "joints": list(JOINT_NAMES),
        "traces": list(traces),
        "at": [_round(map(math.degrees, r), 1) if ok else None for r, ok in zip(true_rows, truth)],
        "ap": [_round(map(math.degrees, r), 1) for r in pred_rows],
        "mae": [
            round(frame_mae_deg(a, b), 2) if ok else None
            for a, b, ok in zip(true_rows, pred_rows, truth)
        ],
        "tip": [round(d, 2) if ok else None for d, ok in zip(tips, truth)],
        "colours": {"true": TRUE_COLOUR, "pred": PRED_COLOUR},
    }


def _extents(rows: Matrix) -> dict[str, Vector]:
    """Per view, [min x, max x, min y, max y] (mm) of every drawn landmark of the clip."""
    out = {}
    for name, m in view_matrices().items():
        xs, ys = [], []
        for r in rows:
            for k in range(21):
                x, y, z = r[3 * k], r[3 * k + 1], r[3 * k + 2]
                xs.append(m[0][0] * x + m[0][1] * y + m[0][2] * z)
                ys.append(m[1][0] * x + m[1][1] * y + m[1][2] * z)
        out[name] = _round([min(xs), max(xs), min(ys), max(ys)], 1)
    return out


def player_html(
    time: Sequence[float],
    y_true: Matrix,
    y_pred: Matrix,
    *,
    hand: GenericHand | None = None,
    title: str | None = None,
    traces: Sequence[str] = DEFAULT_TRACES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
) -> str:
    """The player page (HTML text) for frames at ``time`` (seconds) of true and predicted angles.

    ``y_true``, ``y_pred``: n x 20 radians; all-zero true rows are IK failures.

    >>> page = player_html([0.0, 0.5, 1.0], [[0.1] * 20] * 3, [[0.2] * 20] * 3, title="demo")
    >>> page.startswith("<!DOCTYPE html>"), "<script src" in page, page.count("<canvas")
    (True, False, 2)
    >>> player_html([0.0, 90.0], [[0.1] * 20] * 2, [[0.2] * 20] * 2)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: player_html: the clip lasts 90.000 s, more than the 60 s one ...
    """
    title = title or "true and predicted hand"
    data = player_data(
        time,
        y_true,
        y_pred,
        hand=hand,
        title=title,
        traces=traces,
        max_fps=max_fps,
        max_seconds=max_seconds,
    )
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return (
        _PAGE.replace("%TITLE%", html.escape(title))
        .replace("%DATA%", payload)
        .replace("%SCRIPT%", _SCRIPT)
    )


def save_player(path: str | os.PathLike[str], page: str) -> Path:
    """Write the page atomically (all or nothing) and return its path."""
    if not isinstance(page, str) or not page.startswith("<!DOCTYPE html>"):
        raise PureposeError(f"save_player: expected the player's HTML for {path}")
    try:
        return atomic_write_text(path, page)
    except PureposeError as exc:
        raise PureposeError(f"save_player: {exc}") from None


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%TITLE%</title>
<style>
body { font: 14px "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 16px;
       background: #fff; }
h1 { font-size: 17px; margin: 0 0 4px 0; }
#sub { color: #555; font-size: 12px; margin-bottom: 8px; }
#bar { display: flex; align-items: center; gap: 12px; margin: 8px 0; width: 960px; }
#slider { flex: 1; }
#info { font-variant-numeric: tabular-nums; margin: 4px 0 8px 0; min-height: 1.2em; }
.sw { display: inline-block; width: 22px; height: 4px; vertical-align: middle; margin: 0 4px; }
#joints { columns: 4; width: 960px; font-size: 12px; margin: 6px 0; }
canvas { display: block; background: #fff; }
button { min-width: 72px; }
</style>
</head>
<body>
<h1 id="title"></h1>
<div id="sub"></div>
<div id="legend"></div>
<canvas id="hands" width="960" height="380"></canvas>
<div id="bar">
  <button id="play" type="button">Play</button>
  <input id="slider" type="range" min="0" max="0" step="1" value="0" aria-label="time">
  <label>speed <select id="speed">
    <option value="0.25">0.25x</option><option value="0.5">0.5x</option>
    <option value="1" selected>1x</option><option value="2">2x</option>
  </select></label>
</div>
<div id="info"></div>
<canvas id="traces" width="960" height="300"></canvas>
<div id="joints"></div>
<script type="application/json" id="data">%DATA%</script>
<script>
%SCRIPT%
</script>
</body>
</html>
"""

_SCRIPT = r"""
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const N = D.t.length;
const hands = document.getElementById("hands"), hctx = hands.getContext("2d");
const traces = document.getElementById("traces"), tctx = traces.getContext("2d");
const slider = document.getElementById("slider"), playBtn = document.getElementById("play");
const speedSel = document.getElementById("speed"), info = document.getElementById("info");
let frame = 0, playing = false, clock = 0, lastTick = null;
let chosen = D.traces.slice();

document.getElementById("title").textContent = D.title;
document.getElementById("sub").textContent = D.hand;
document.getElementById("legend").innerHTML =
  '<span class="sw" style="background:' + D.colours.true + '"></span>true hand' +
  '<span class="sw" style="background:' + D.colours.pred + ';margin-left:18px"></span>' +
  'predicted hand';
slider.max = String(N - 1);

function points(kind, i) {           // the 21 landmarks (mm, palm frame) of one frame
  const moving = D[kind][i];
  if (moving === null) return null;
  const p = new Array(21);
  for (const k in D.fixed) p[+k] = D.fixed[k];
  D.moving.forEach((k, j) => { p[k] = moving.slice(3 * j, 3 * j + 3); });
  return p;
}

function project(m, q) {             // (screen x, screen y, depth): the rows of V D
  return [m[0][0] * q[0] + m[0][1] * q[1] + m[0][2] * q[2],
          m[1][0] * q[0] + m[1][1] * q[1] + m[1][2] * q[2],
          m[2][0] * q[0] + m[2][1] * q[1] + m[2][2] * q[2]];
}

const PANEL_W = 312, PANEL_H = 350, GAP = 12, TOP = 24;
const SCALE = Math.min(...D.views.map(v => {
  const e = D.extent[v.name];
  return Math.min((PANEL_W - 24) / Math.max(e[1] - e[0], 1),
                  (PANEL_H - 40) / Math.max(e[3] - e[2], 1));
}));

function drawHands(i) {
  hctx.clearRect(0, 0, hands.width, hands.height);
  hctx.font = "12px sans-serif"; hctx.textAlign = "center";
  D.views.forEach((v, n) => {
    const x0 = n * (PANEL_W + GAP), e = D.extent[v.name];
    const cx = x0 + PANEL_W / 2, cy = TOP + 14 + (PANEL_H - 14) / 2;
    const mx = (e[0] + e[1]) / 2, my = (e[2] + e[3]) / 2;
    hctx.fillStyle = "#f7f7f7"; hctx.fillRect(x0, TOP, PANEL_W, PANEL_H);
    hctx.strokeStyle = "#cccccc"; hctx.lineWidth = 1;
    hctx.strokeRect(x0 + 0.5, TOP + 0.5, PANEL_W - 1, PANEL_H - 1);
    hctx.fillStyle = "#222"; hctx.fillText(v.caption, cx, TOP - 8);
    for (const kind of ["true", "pred"]) {
      const p = points(kind, i);
      if (p === null) continue;
      const s = p.map(q => project(v.m, q));
      const px = q => [cx + SCALE * (q[0] - mx), cy - SCALE * (q[1] - my)];
      hctx.strokeStyle = hctx.fillStyle = D.colours[kind];
      hctx.lineWidth = kind === "true" ? 4 : 2.5; hctx.lineCap = "round";
      const depth = bone => s[bone[0]][2] + s[bone[1]][2];   // far to near
      const order = D.bones.slice().sort((a, b) => depth(a) - depth(b));
      for (const [a, b] of order) {
        const [xa, ya] = px(s[a]), [xb, yb] = px(s[b]);
        hctx.beginPath(); hctx.moveTo(xa, ya); hctx.lineTo(xb, yb); hctx.stroke();
      }
      for (const q of s) {
        const [x, y] = px(q);
        hctx.beginPath(); hctx.arc(x, y, kind === "true" ? 3.2 : 2.4, 0, 2 * Math.PI); hctx.fill();
      }
    }
  });
  const bar = 50 * SCALE;            // the 50 mm scale bar
  hctx.strokeStyle = hctx.fillStyle = "#222"; hctx.lineWidth = 2;
  hctx.beginPath(); hctx.moveTo(14, TOP + PANEL_H - 12);
  hctx.lineTo(14 + bar, TOP + PANEL_H - 12); hctx.stroke();
  hctx.font = "10px sans-serif"; hctx.fillText("50 mm", 14 + bar / 2, TOP + PANEL_H - 17);
}

const TR_LEFT = 130, TR_RIGHT = 925;
function tx(t) {
  return TR_LEFT + (t - D.t[0]) / Math.max(D.t[N - 1] - D.t[0], 1e-9) * (TR_RIGHT - TR_LEFT);
}

function drawTraces(i) {
  const rows = chosen.length, h = 300, strip = rows ? (h - 24) / rows : 0;
  tctx.clearRect(0, 0, traces.width, traces.height);
  tctx.font = "11px sans-serif";
  chosen.forEach((name, r) => {
    const j = D.joints.indexOf(name), y0 = 4 + r * strip, y1 = y0 + strip - 6;
    let lo = Infinity, hi = -Infinity;
    for (let f = 0; f < N; f++) for (const a of [D.at[f], D.ap[f]]) if (a !== null) {
      lo = Math.min(lo, a[j]); hi = Math.max(hi, a[j]);
    }
    if (hi - lo < 1) { lo -= 0.5; hi += 0.5; }
    const ty = v => y1 - (v - lo) / (hi - lo) * (y1 - y0);
    tctx.strokeStyle = "#dddddd"; tctx.lineWidth = 1;
    tctx.strokeRect(TR_LEFT, y0, TR_RIGHT - TR_LEFT, y1 - y0);
    tctx.fillStyle = "#222"; tctx.textAlign = "right";
    tctx.fillText(name, TR_LEFT - 8, (y0 + y1) / 2 + 4);
    tctx.fillStyle = "#777"; tctx.fillText(hi.toFixed(0) + "\u00b0", TR_LEFT - 8, y0 + 9);
    tctx.fillText(lo.toFixed(0) + "\u00b0", TR_LEFT - 8, y1);
    for (const kind of ["at", "ap"]) {
      tctx.strokeStyle = kind === "at" ? D.colours.true : D.colours.pred;
      tctx.lineWidth = 1.4; tctx.beginPath();
      let open = false;
      for (let f = 0; f < N; f++) {
        const a = D[kind][f];
        if (a === null) { open = false; continue; }
        if (open) tctx.lineTo(tx(D.t[f]), ty(a[j])); else tctx.moveTo(tx(D.t[f]), ty(a[j]));
        open = true;
      }
      tctx.stroke();
    }
  });
  tctx.fillStyle = "#222"; tctx.textAlign = "center";
  tctx.fillText(D.t[0].toFixed(1) + " s", TR_LEFT, h - 6);
  tctx.fillText(D.t[N - 1].toFixed(1) + " s", TR_RIGHT, h - 6);
  const x = tx(D.t[i]);               // the cursor
  tctx.strokeStyle = "#d62728"; tctx.lineWidth = 1.5;
  tctx.beginPath(); tctx.moveTo(x, 2); tctx.lineTo(x, h - 20); tctx.stroke();
}

function show(i) {
  frame = Math.max(0, Math.min(N - 1, i | 0));
  slider.value = String(frame);
  clock = D.t[frame];
  drawHands(frame); drawTraces(frame);
  const err = D.mae[frame] === null ? "no ground truth (IK failure): prediction only"
    : "angular MAE " + D.mae[frame].toFixed(1) + "\u00b0, fingertip distance "
      + D.tip[frame].toFixed(1) + " mm";
  info.textContent = "t = " + D.t[frame].toFixed(2) + " s (frame " + (frame + 1) + " of " + N
    + "): " + err;
  document.body.dataset.frame = String(frame);
  document.body.dataset.time = D.t[frame].toFixed(3);
}

function nearest(t) {
  let best = 0;
  for (let f = 0; f < N; f++) if (Math.abs(D.t[f] - t) < Math.abs(D.t[best] - t)) best = f;
  return best;
}

function tick(now) {
  if (!playing) return;
  if (lastTick !== null) clock += (now - lastTick) / 1000 * parseFloat(speedSel.value);
  lastTick = now;
  let f = frame;
  while (f + 1 < N && D.t[f + 1] <= clock) f++;
  if (f !== frame) { const c = clock; show(f); clock = c; }
  if (f >= N - 1) { setPlaying(false); return; }
  requestAnimationFrame(tick);
}

function setPlaying(on) {
  playing = on; lastTick = null;
  playBtn.textContent = on ? "Pause" : "Play";
  document.body.dataset.playing = on ? "1" : "0";
  if (on) { if (frame >= N - 1) show(0); requestAnimationFrame(tick); }
}

slider.addEventListener("input", () => { setPlaying(false); show(+slider.value); });
playBtn.addEventListener("click", () => setPlaying(!playing));
document.addEventListener("keydown", ev => {
  if (ev.key === " " && ev.target !== slider) { ev.preventDefault(); setPlaying(!playing); }
});
traces.addEventListener("click", ev => {
  const r = traces.getBoundingClientRect(), x = (ev.clientX - r.left) * traces.width / r.width;
  const t = D.t[0] + (x - TR_LEFT) / (TR_RIGHT - TR_LEFT) * (D.t[N - 1] - D.t[0]);
  setPlaying(false); show(nearest(t));
});

const box = document.getElementById("joints");
D.joints.forEach(name => {
  const label = document.createElement("label"), c = document.createElement("input");
  c.type = "checkbox"; c.checked = chosen.includes(name); c.value = name;
  c.addEventListener("change", () => {
    chosen = D.joints.filter(n => box.querySelector('input[value="' + n + '"]').checked);
    drawTraces(frame);
  });
  label.append(c, " " + name); box.append(label, document.createElement("br"));
});

function fromHash() {
  const m = /(?:^|[#&])t=([-+0-9.eE]+)/.exec(location.hash);
  return m ? nearest(parseFloat(m[1])) : 0;
}
window.addEventListener("hashchange", () => { setPlaying(false); show(fromHash()); });
document.body.dataset.frames = String(N);
show(fromHash());
document.body.dataset.ready = "1";
"""
