"""Tests for purepose.plot: every figure is parsed as XML and checked against numpy."""

from __future__ import annotations

import itertools
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from purepose import cli, plot
from purepose.errors import PureposeError

np = pytest.importorskip("numpy")

SVG = "{http://www.w3.org/2000/svg}"


# ---- helpers -----------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("version") == "1.1"
    w, h = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {plot.fmt(w)} {plot.fmt(h)}"
    assert "sans-serif" in root.get("font-family")
    return root


def view_size(root: ET.Element) -> tuple[float, float]:
    _, _, w, h = map(float, root.get("viewBox").split())
    return w, h


def find(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(f"{SVG}{tag}")
    return [e for e in found if cls is None or e.get("class") == cls]


def group(root: ET.Element, cls: str) -> ET.Element:
    (g,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]
    return g


def polyline_xy(e: ET.Element) -> np.ndarray:
    return np.array([[float(v) for v in p.split(",")] for p in e.get("points").split()])


def assert_inside_viewbox(root: ET.Element) -> None:
    """Every coordinate of every shape lies inside the viewBox."""
    w, h = view_size(root)
    for e in root.iter():
        xs = [e.get(k) for k in ("x", "x1", "x2", "cx") if e.get(k) is not None]
        ys = [e.get(k) for k in ("y", "y1", "y2", "cy") if e.get(k) is not None]
        if e.get("points"):
            pts = [p.split(",") for p in e.get("points").split()]
            xs += [p[0] for p in pts]
            ys += [p[1] for p in pts]
        assert all(-0.01 <= float(x) <= w + 0.01 for x in xs), (e.tag, xs[:5])
        assert all(-0.01 <= float(y) <= h + 0.01 for y in ys), (e.tag, ys[:5])


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in find(root, "text")]


def legend_labels(root: ET.Element) -> list[str]:
    entries = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-entry"]
    return [next(e.iter(f"{SVG}text")).text for e in entries]


# ---- numbers -------------------------------------------------------------------------


def test_fmt_is_compact_and_exact_enough():
    assert [plot.fmt(v) for v in (0.0, -0.0, 1.0, 1.5, 1.25, -3.14159, 1e6)] == [
        "0",
        "0",
        "1",
        "1.5",
        "1.25",
        "-3.14",
        "1000000",
    ]
    assert plot.fmt(1 / 3, 4) == "0.3333"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1e-9, max_value=1e9))
def test_nice_number_is_1_2_5_times_a_power_of_ten(x):
    for round_ in (True, False):
        nice = plot.nice_number(x, round_=round_)
        mantissa = nice / 10.0 ** math.floor(math.log10(nice) + 1e-12)
        assert min(abs(mantissa - m) for m in (1, 2, 5, 10)) < 1e-9
        if round_:
            assert 0.6 * x <= nice * (1 + 1e-12) and nice <= x * 1.67
        else:
            assert x <= nice * (1 + 1e-12) and nice <= 10 * x


@settings(max_examples=150, deadline=None)
@given(
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=1e-6, max_value=1e6),
    st.integers(min_value=2, max_value=10),
)
@example(879609.9999999999, 879610.0000009999 - 879609.9999999999, 8)
def test_nice_ticks_are_even_round_and_cover_the_range(lo, span, n_ticks):
    hi = lo + span
    loose = plot.nice_ticks(lo, hi, n_ticks, loose=True)
    step = loose[1] - loose[0]
    assert len(loose) >= 2
    assert np.allclose(np.diff(loose), step, rtol=1e-6, atol=1e-9 * max(1.0, abs(hi)))
    assert loose[0] <= lo + 1e-9 * abs(step) and loose[-1] >= hi - 1e-9 * abs(step)
    assert len(loose) <= 2 * n_ticks + 2
    tight = plot.nice_ticks(lo, hi, n_ticks)
    assert len(tight) >= 2 and all(lo - 0.011 * step <= t <= hi + 0.011 * step for t in tight)
    tight_step = tight[1] - tight[0]
    assert np.allclose(np.array(tight) / tight_step, np.round(np.array(tight) / tight_step))


@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        (879609.9999999999, 879610.0000009999),
        (1e16, 1e16 + 2.0),
        (-1e16 - 4.0, -1e16),
        (1.7e9, 1.7e9 + 1e-6),
        (123456.789, 123456.789 + 5e-11),
    ],
)
def test_nice_ticks_of_ranges_tiny_against_their_magnitude(lo, hi):
    for n_ticks in (2, 5, 8):
        loose = plot.nice_ticks(lo, hi, n_ticks, loose=True)
        assert loose[0] <= lo and loose[-1] >= hi  # exactly, no slack
        assert all(a < b for a, b in itertools.pairwise(loose))  # distinct, increasing
        tight = plot.nice_ticks(lo, hi, n_ticks)
        assert len(tight) >= 2 and all(a < b for a, b in itertools.pairwise(tight))
        step = loose[1] - loose[0]
        assert all(lo - 0.011 * step <= t <= hi + 0.011 * step for t in tight)


def test_nice_ticks_examples_and_errors():
    assert plot.nice_ticks(0.0, 71.3) == [0.0, 20.0, 40.0, 60.0]
    assert plot.nice_ticks(0.0, 29.9995) == [0.0, 10.0, 20.0, 30.0]
    flat = plot.nice_ticks(5.0, 5.0)  # a flat range gets +-10% around it
    assert 5.0 in flat and flat[0] >= 4.5 and flat[-1] <= 5.5 and len(flat) >= 2
    with pytest.raises(PureposeError, match="need lo <= hi"):
        plot.nice_ticks(2.0, 1.0)
    with pytest.raises(PureposeError, match="need lo <= hi"):
        plot.nice_ticks(0.0, math.inf)


def test_tick_labels_share_decimals():
    assert plot.tick_labels([-0.5, 0.0, 0.5]) == ["-0.5", "0.0", "0.5"]
    assert plot.tick_labels([0.0, 0.02, 0.04]) == ["0.00", "0.02", "0.04"]
    assert plot.tick_labels([1000.0, 2000.0]) == ["1000", "2000"]


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-1e3, 1e3),
    st.floats(1e-3, 1e3),
    st.floats(-1e3, 1e3),
    st.floats(-1e3, 1e3),
    st.lists(st.floats(-2e3, 2e3), min_size=1, max_size=20),
)
def test_linear_scale_matches_numpy_line(d0, width, r0, r1, xs):
    scale = plot.linear_scale((d0, d0 + width), (r0, r1))
    expected = r0 + (np.array(xs) - d0) * (r1 - r0) / width
    assert np.allclose([scale(x) for x in xs], expected, rtol=1e-9, atol=1e-6)


def test_envelope_keeps_each_bucket_min_and_max_in_time_order():
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 10, 5000)).tolist()
    y = rng.normal(size=5000).tolist()
    edges = plot.column_edges(t, 97)
    assert edges[0] == 0 and edges[-1] == 5000 and edges == sorted(edges)
    ts, ys = plot.envelope(t, y, edges)
    assert ts == sorted(ts) and set(zip(ts, ys, strict=True)) <= set(zip(t, y, strict=True))
    bucket = np.minimum((np.array(t) - t[0]) / (t[-1] - t[0]) * 97, 96.999).astype(int)
    for c in range(97):
        inside = np.array(y)[bucket == c]
        got = [v for tt, v in zip(ts, ys, strict=True) if t[0] + c * (t[-1] - t[0]) / 97 <= tt]
        got = got[: 2 if len(inside) > 1 else 1]
        if len(inside):
            assert sorted(got) == sorted({inside.min(), inside.max()})


# ---- (a) EMG traces --------------------------------------------------------------------


def _emg(n: int = 40_000, n_channels: int = 16, seed: int = 0):
    rng = np.random.default_rng(seed)
    time = (1000.0 + np.arange(n) / 2000.0).tolist()
    gains = np.linspace(1.0, 4.0, n_channels)
    emg = (rng.normal(size=(n, n_channels)) * gains + 3.0).astype(np.float32)
    return time, emg.astype(float).tolist()


def test_emg_traces_structure_size_and_bounds():
    time, emg = _emg()
    svg = plot.emg_traces_svg(time, emg, title="20 s of EMG", unit="uV")
    assert len(svg.encode()) < 1_000_000
    root = parse(svg)
    lines = find(root, "polyline", "channel")
    assert len(lines) == 16
    w, _ = view_size(root)
    for pl in lines:  # decimated: about two points per pixel column, not 40,000
        assert len(pl.get("points").split()) <= 2 * w
    labels = texts(root)
    assert [f"EMG{c:02d}" for c in range(1, 17)] == [s for s in labels if s.startswith("EMG")]
    assert "time (s)" in labels and "20 s of EMG" in labels
    assert any(s.endswith(" uV") for s in labels)  # the scale bar
    assert_inside_viewbox(root)


def test_emg_channels_are_stacked_in_order_around_their_means():
    time, emg = _emg(4000, 4)
    root = parse(plot.emg_traces_svg(time, emg))
    centres = [polyline_xy(pl)[:, 1].mean() for pl in find(root, "polyline", "channel")]
    assert centres == sorted(centres)  # channel 1 on top
    gaps = np.diff(centres)
    assert np.allclose(gaps, gaps[0], rtol=0.05)  # means removed: evenly spaced


def test_emg_gain_matches_the_scale_bar():
    # Two sines of amplitude 1 with amplitude=1: each trace spans half a baseline
    # spacing above and below its baseline, and the scale bar is half a spacing.
    t = np.arange(2001) / 2000.0
    wave = np.sin(2 * np.pi * 5 * t)
    emg = np.column_stack([wave, 3.0 + wave]).tolist()
    root = parse(plot.emg_traces_svg(t.tolist(), emg, amplitude=1.0, width=600, height=300))
    first, second = (polyline_xy(pl)[:, 1] for pl in find(root, "polyline", "channel"))
    spacing = second.mean() - first.mean()
    assert np.ptp(first) == pytest.approx(spacing, abs=0.2)
    assert np.ptp(second) == pytest.approx(spacing, abs=0.2)
    bar = find(group(root, "scale-bar"), "line")[0]
    length = abs(float(bar.get("y2")) - float(bar.get("y1")))
    assert length == pytest.approx(spacing / 2, abs=0.02)
    assert find(group(root, "scale-bar"), "text")[0].text == "1"


def test_emg_amplitude_matches_numpy_percentile():
    _, emg = _emg(2000, 16, seed=3)
    x = np.array(emg)
    q = np.percentile(np.abs(x - x.mean(axis=0)), 99.5)
    assert plot.emg_amplitude(emg) == plot.nice_number(q, round_=False)
    assert plot.emg_amplitude(emg) >= q


def test_emg_short_window_draws_every_sample_and_clips():
    time = [0.0, 0.001, 0.002, 0.003]
    emg = [[0.0], [1.0], [1e9], [0.0]]  # a huge spike is clipped, not drawn off-page
    root = parse(plot.emg_traces_svg(time, emg, amplitude=1.0, width=300, height=200))
    (pl,) = find(root, "polyline", "channel")
    assert len(polyline_xy(pl)) == 4
    assert_inside_viewbox(root)


def test_emg_unix_times_are_shown_from_the_first_sample():
    time, emg = _emg(2000, 2)
    root = parse(plot.emg_traces_svg([t + 1.67e9 for t in time], emg))
    assert "time (s) since first sample" in texts(root)
    assert "0.0" in texts(root) or "0" in texts(root)


@pytest.mark.parametrize(
    ("time", "emg", "kwargs", "message"),
    [
        ([0.0], [[1.0]], {}, "need at least 2 samples"),
        ([0.0, 1.0, 2.0], [[1.0], [2.0]], {}, "time has 3 values but data has 2 rows"),
        ([0.0, 1.0], [[1.0], [math.nan]], {}, "emg row 1 has a non-finite value"),
        ([1.0, 0.0], [[1.0], [2.0]], {}, "time must be non-decreasing"),
        ([0.0, 1.0], [[1.0], [2.0]], {"channel_names": ["a", "b"]}, "2 channel names for 1"),
        ([0.0, 1.0], [[1.0], [2.0]], {"amplitude": -1.0}, "amplitude=-1.0 must be positive"),
    ],
)
def test_emg_traces_errors(time, emg, kwargs, message):
    with pytest.raises(PureposeError, match=re.escape(message)):
        plot.emg_traces_svg(time, emg, **kwargs)


# ---- (b) scatter plots ---------------------------------------------------------------


def _clusters(n: int, k: int, dim: int, seed: int = 0):
    rng = random.Random(seed)
    centers = [[rng.uniform(-10, 10) for _ in range(dim)] for _ in range(k)]
    labels = [i % k for i in range(n)]
    points = [[c + rng.gauss(0, 1) for c in centers[lab]] for lab in labels]
    return points, labels, centers


def test_scatter_2d_maps_points_affinely_and_labels_clusters():
    points, labels, centers = _clusters(300, 4, 2)
    root = parse(plot.scatter_svg(points, labels, xlabel="PC1", ylabel="PC2", centers=centers))
    dots = find(group(root, "points"), "circle")
    assert len(dots) == 300
    cx = np.array([float(d.get("cx")) for d in dots])
    cy = np.array([float(d.get("cy")) for d in dots])
    p = np.array(points)
    for screen, data, sign in ((cx, p[:, 0], 1), (cy, p[:, 1], -1)):
        slope, icpt = np.polyfit(data, screen, 1)
        assert np.abs(screen - (slope * data + icpt)).max() < 0.01
        assert np.sign(slope) == sign  # y grows upwards on screen
    assert legend_labels(root) == [
        "cluster 0 (75 points)",
        "cluster 1 (75 points)",
        "cluster 2 (75 points)",
        "cluster 3 (75 points)",
        "cluster centre",
    ]
    assert len(find(group(root, "centers"), "circle")) == 4
    colours = {d.get("fill") for d in dots}
    assert colours == set(plot.TABLEAU10[:4])
    assert {"PC1", "PC2"} <= set(texts(root))
    assert_inside_viewbox(root)


def test_scatter_subsamples_deterministically_and_says_so():
    points, labels, _ = _clusters(12_001, 3, 2)
    svg = plot.scatter_svg(points, labels, max_points=5000)
    root = parse(svg)
    assert len(find(group(root, "points"), "circle")) == 4001  # every 3rd of 12,001
    assert "showing 1 in every 3 points (4,001 of 12,001)" in texts(root)
    assert legend_labels(root)[0] == "cluster 0 (4,001 points)"  # counts are for all points
    assert plot.scatter_svg(points, labels, max_points=5000) == svg


def test_scatter_without_labels_has_one_legend_entry():
    root = parse(plot.scatter_svg([[0.0, 1.0], [2.0, 3.0]], None))
    assert legend_labels(root) == ["2 points"]


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-90, 90),
    st.floats(-360, 360),
    st.lists(st.tuples(*[st.floats(-100, 100)] * 3), min_size=1, max_size=8),
)
def test_project3d_matches_numpy_rotation(elev, azim, pts):
    e, a = np.radians(elev), np.radians(azim)

    def rz(t):
        return np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])

    def rx(t):
        return np.array([[1, 0, 0], [0, np.cos(t), -np.sin(t)], [0, np.sin(t), np.cos(t)]])

    # Turn the azimuth to face the camera, then tilt by the elevation.
    rotation = rx(-(np.pi / 2 - e)) @ rz(-(a + np.pi / 2))
    expected = np.array(pts) @ rotation.T
    got = np.array(plot.project3d([list(p) for p in pts], elev=elev, azim=azim))
    assert np.allclose(got, expected, atol=1e-9)
    assert np.allclose(np.array(plot.view_matrix(elev, azim)), rotation, atol=1e-12)


@pytest.mark.parametrize(("elev", "azim"), [(30.0, -60.0), (10.0, 45.0), (-20.0, 130.0)])
def test_scatter3d_points_are_rotated_projected_and_depth_sorted(elev, azim):
    rng = np.random.default_rng(1)
    corners = [[x, y, z] for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)]
    raw = np.vstack([corners, rng.uniform(-1, 1, size=(60, 3))])  # same range on every axis
    labels = [i % 3 for i in range(len(raw))]
    root = parse(plot.scatter3d_svg(raw.tolist(), labels, elev=elev, azim=azim))
    dots = find(group(root, "points"), "circle")
    screen = np.array([[float(d.get("cx")), float(d.get("cy"))] for d in dots])

    view = np.array(plot.view_matrix(elev, azim))
    proj = (raw * np.array(plot.BOX_ASPECT)) @ view.T
    order = np.argsort(proj[:, 2], kind="stable")  # far points first
    proj = proj[order]
    # screen = (a + s * px, b - s * py): solve for a, b, s by least squares.
    n = len(proj)
    design = np.zeros((2 * n, 3))
    design[:n, 0], design[n:, 1] = 1, 1
    design[:n, 2], design[n:, 2] = proj[:, 0], -proj[:, 1]
    target = np.concatenate([screen[:, 0], screen[:, 1]])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    assert coef[2] > 0
    assert np.abs(design @ coef - target).max() < 0.01
    colours = [d.get("fill") for d in dots]
    assert colours == [plot.TABLEAU10[labels[i]] for i in order]
    assert_inside_viewbox(root)


def test_scatter3d_axes_legend_centres_and_subsampling():
    points, labels, centers = _clusters(11_000, 5, 3)
    svg = plot.scatter3d_svg(
        points, labels, centers=centers, title="PCA of EMG", axis_labels=("A1", "A2", "A3")
    )
    assert len(svg.encode()) < 1_000_000
    root = parse(svg)
    assert len(find(group(root, "points"), "circle")) == 3667  # every 3rd of 11,000
    assert len(find(group(root, "centers"), "circle")) == 5
    assert len(legend_labels(root)) == 6 and legend_labels(root)[0] == "cluster 0 (2,200 points)"
    assert {"A1", "A2", "A3", "PCA of EMG"} <= set(texts(root))
    assert len(find(group(root, "axes"), "line")) >= 3
    assert len(find(group(root, "panes"), "polygon")) == 3
    assert any(t.startswith("showing 1 in every 3 points") for t in texts(root))
    assert_inside_viewbox(root)


def test_scatter_errors():
    with pytest.raises(PureposeError, match="scatter3d_svg: points row 1 has 2 values"):
        plot.scatter3d_svg([[0.0, 0.0, 0.0], [1.0, 2.0]])
    with pytest.raises(PureposeError, match="labels must be ints"):
        plot.scatter_svg([[0.0, 0.0]], [0.5])
    with pytest.raises(PureposeError, match="scatter_svg: points is empty"):
        plot.scatter_svg([], None)
    with pytest.raises(PureposeError, match="non-finite"):
        plot.scatter3d_svg([[0.0, math.inf, 0.0]])
    with pytest.raises(PureposeError, match="max_points=0"):
        plot.scatter_svg([[0.0, 0.0]], max_points=0)


# ---- (c) pose traces -----------------------------------------------------------------


def _pose(n: int = 400, gaps=((100, 130), (250, 260))):
    t = np.arange(n) / 50.0
    truth = 0.5 * np.sin(np.outer(t, np.arange(1, 21)) / 3.0) + 0.1
    for a, b in gaps:
        truth[a:b] = 0.0
    pred = truth + 0.05
    return t.tolist(), truth.tolist(), pred.tolist()


def test_pose_traces_panels_gaps_and_degrees():
    t, truth, pred = _pose()
    joints = [0, "index_pip_fe", 19]
    root = parse(plot.pose_traces_svg(t, truth, pred, joints=joints, title="pose"))
    panels = [g for g in root.iter(f"{SVG}g") if g.get("class") == "panel"]
    assert [p.get("data-joint") for p in panels] == [
        "THUMB_CMC_FE",
        "INDEX_PIP_FE",
        "PINKY_DIP_FE",
    ]
    for panel, j in zip(panels, (0, 6, 19), strict=True):
        true_lines = find(panel, "polyline", "true")
        assert len(true_lines) == 3  # the two IK-failure gaps split the truth in three
        assert len(find(panel, "polyline", "pred")) == 1
        gaps = find(panel, "rect", "ik-gap")
        assert len(gaps) == 2
        spans = [(float(g.get("x")), float(g.get("x")) + float(g.get("width"))) for g in gaps]
        xy = np.vstack([polyline_xy(pl) for pl in true_lines])
        for lo, hi in spans:  # no true point strictly inside a gap
            assert not np.any((xy[:, 0] > lo + 0.05) & (xy[:, 0] < hi - 0.05))
        # y is an affine, decreasing function of the angle in degrees
        deg = np.degrees(np.array(truth)[:, j])
        valid = np.any(np.array(truth) != 0, axis=1)
        slope, icpt = np.polyfit(deg[valid], xy[:, 1], 1)
        assert slope < 0 and np.abs(xy[:, 1] - (slope * deg[valid] + icpt)).max() < 0.06
    labels = legend_labels(root)
    assert labels == ["true", "predicted", "IK failure (no ground truth)"]
    assert_inside_viewbox(root)


def test_pose_traces_long_window_is_decimated():
    t, truth, pred = _pose(40_000, gaps=())
    svg = plot.pose_traces_svg(t, truth, pred, joints=[1, 2])
    assert len(svg.encode()) < 300_000
    root = parse(svg)
    assert "IK failure (no ground truth)" not in legend_labels(root)
    for pl in find(root, "polyline"):
        assert len(pl.get("points").split()) <= 2 * view_size(root)[0]


def test_pose_traces_errors():
    t, truth, pred = _pose(50, gaps=())
    with pytest.raises(PureposeError, match="unknown joint 'WRIST'"):
        plot.pose_traces_svg(t, truth, pred, joints=["WRIST"])
    with pytest.raises(PureposeError, match="unknown joint 20"):
        plot.pose_traces_svg(t, truth, pred, joints=[20])
    with pytest.raises(PureposeError, match="y_pred has 49 rows, y_true has 50"):
        plot.pose_traces_svg(t, truth, pred[:-1], joints=[0])
    with pytest.raises(PureposeError, match="joints is empty"):
        plot.pose_traces_svg(t, truth, pred, joints=[])


# ---- (d) error bars ------------------------------------------------------------------


def test_error_bars_heights_groups_and_legend():
    reports = {
        "model": {"index": 12.0, "thumb": 10.0, "overall": 11.0, "pinky": 14.0},
        "mean pose": {"thumb": 14.0, "index": 16.0, "overall": 15.0, "pinky": 17.5},
        "zero pose": {"thumb": 25.0, "overall": 26.0},
    }
    root = parse(plot.error_bars_svg(reports, title="MAE by finger"))
    bars = find(root, "rect", "bar")
    assert len(bars) == 10
    groups = [b.get("data-group") for b in bars]
    assert list(dict.fromkeys(groups)) == ["thumb", "index", "pinky", "overall"]
    assert legend_labels(root) == ["model", "mean pose", "zero pose"]
    bottom = {float(b.get("y")) + float(b.get("height")) for b in bars}
    assert max(bottom) - min(bottom) < 0.02  # all bars stand on the zero line
    ratio = [
        float(b.get("height")) / reports[b.get("data-report")][b.get("data-group")] for b in bars
    ]
    assert np.allclose(ratio, ratio[0], rtol=1e-3)
    assert {"10.0", "17.5", "26.0", "MAE (deg)", "MAE by finger"} <= set(texts(root))
    assert_inside_viewbox(root)


def test_error_bars_errors():
    with pytest.raises(PureposeError, match="reports is empty"):
        plot.error_bars_svg({})
    with pytest.raises(PureposeError, match=r"reports\['m'\]\['thumb'\] = nan is not finite"):
        plot.error_bars_svg({"m": {"thumb": math.nan}})
    with pytest.raises(PureposeError, match="no values"):
        plot.error_bars_svg({"m": {}})


# ---- saving ---------------------------------------------------------------------------


def test_save_svg_is_atomic_and_errors_are_ours(tmp_path):
    svg = plot.scatter_svg([[0.0, 0.0], [1.0, 1.0]])
    target = tmp_path / "fig.svg"
    assert plot.save_svg(target, svg) == target
    assert target.read_text(encoding="utf-8") == svg
    with pytest.raises(PureposeError, match="save_svg: expected SVG text"):
        plot.save_svg(target, b"<svg/>")
    assert target.read_text(encoding="utf-8") == svg  # untouched
    with pytest.raises(PureposeError, match=r"save_svg: cannot write .*does not exist"):
        plot.save_svg(tmp_path / "missing" / "fig.svg", svg)
    with pytest.raises(PureposeError, match=r"save_svg: cannot write .*is a directory"):
        plot.save_svg(tmp_path, svg)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.svg"]


def test_text_is_escaped():
    root = parse(plot.scatter_svg([[0.0, 0.0], [1.0, 1.0]], xlabel="a < b & c", title='"q"'))
    assert {"a < b & c", '"q"'} <= set(texts(root))


# ---- command line: purepose plot emg ---------------------------------------------------


def test_cli_plot_emg_writes_chosen_channels(synth_session, tmp_path, capsys):
    out = tmp_path / "emg.svg"
    argv = ["plot", "emg", str(synth_session), "--start", "1", "--duration", "2"]
    status = cli.main([*argv, "--channels", "0-3,8", "--out", str(out), "-q"])
    stdout, stderr = capsys.readouterr()
    assert status == 0 and stderr == "" and stdout.strip() == str(out)
    root = parse(out.read_text(encoding="utf-8"))
    assert len(find(root, "polyline", "channel")) == 5
    labels = texts(root)
    assert [s for s in labels if s.startswith("EMG")][:5] == [
        "EMG01",
        "EMG02",
        "EMG03",
        "EMG04",
        "EMG09",
    ]
    bar = {t.text for t in find(group(root, "scale-bar"), "text")}
    ticks = [float(s) for s in labels if re.fullmatch(r"-?\d+(\.\d+)?", s) and s not in bar]
    assert min(ticks) >= 1.0 and max(ticks) <= 3.0  # seconds from the session start


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "10"], "--start 10 is outside the recording"),
        (["--start", "-1"], "--start -1 is outside the recording"),
        (["--duration", "0"], "--duration 0 must be positive"),
        (["--start", "3", "--duration", "2"], "ends at 5 s, beyond the recording"),
        (["--channels", "0-16"], "'0-16' is outside 0-15"),
        (["--channels", "a"], "expected numbers and ranges"),
    ],
)
def test_cli_plot_emg_bad_window(synth_session, tmp_path, capsys, args, message):
    out = tmp_path / "emg.svg"
    status = cli.main(["plot", "emg", str(synth_session), "--out", str(out), *args])
    err = capsys.readouterr().err
    assert status == 2 and not out.exists()
    assert err.startswith("purepose plot emg: error: ") and message in err
    if "session" in message:
        assert "4.000 s long" in err
    assert err.count("\n") == 1


def test_cli_plot_emg_opens_the_reference_file(fixture_path, tmp_path, capsys):
    out = tmp_path / "ref.svg"
    assert cli.main(["plot", "emg", str(fixture_path), "--out", str(out), "-q"]) == 0
    root = parse(out.read_text(encoding="utf-8"))
    lines = find(root, "polyline", "channel")
    assert len(lines) == 16
    assert all(len(polyline_xy(pl)) == 10 for pl in lines)  # default window: 10 s
