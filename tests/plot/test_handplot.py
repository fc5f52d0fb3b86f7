"""Tests for the hand skeletons in SVG (purepose.plot.handplot) and the player page (player.py)."""

from __future__ import annotations

import json
import math
import random
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from purepose.errors import PureposeError
from purepose.plot import handplot, player
from purepose.pose import hand as H
from purepose.pose import landmarks as L

SVG = "{http://www.w3.org/2000/svg}"


def pose(seed: int, spread: float = 0.8) -> list[float]:
    rng = random.Random(seed)
    return [rng.uniform(-0.3, spread) for _ in range(20)]


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


# ---- the SVG --------------------------------------------------------------------------


def test_svg_has_two_hands_in_each_of_three_views():
    svg = handplot.hand_views_svg(pose(1), pose(2), time=12.345, name="session-7")
    root = ET.fromstring(svg.encode("utf-8"))
    views = groups(root, "view")
    assert [v.get("data-view") for v in views] == ["palm", "side", "top"]
    for view in views:
        hands = [g for g in view.iter(f"{SVG}g") if (g.get("class") or "").startswith("hand")]
        assert [g.get("class") for g in hands] == ["hand true", "hand pred"]
        for g in hands:
            bones = [e for e in g.iter(f"{SVG}line") if e.get("class") == "bone"]
            joints = [e for e in g.iter(f"{SVG}circle") if e.get("class") == "joint"]
            assert len(bones) == len(H.BONES) == 23 and len(joints) == 21
            assert {e.get("data-bone") for e in bones} == {f"{a}-{b}" for a, b in H.BONES}
            assert sorted(int(e.get("data-k")) for e in joints) == list(range(21))
    assert [e.get("class") for e in groups(root, "legend-entry")] == ["legend-entry"] * 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    mae, tip = handplot.frame_errors(pose(1), pose(2))
    title = f"t = 12.35 s: angular MAE {mae:.1f} deg, fingertip distance {tip:.1f} mm"
    assert texts[0] == title and root.find(f"{SVG}title").text == title
    assert texts[1].startswith("session-7; purepose's generic hand, 182.5 mm")
    assert "50 mm" in texts


def test_svg_points_are_the_plot_projection_of_the_landmarks():
    """Each view: joint centres = a shared scale x (u . D p, -v . D p) + offset, as in plot.py."""
    np = pytest.importorskip("numpy")
    true_angles, pred_angles = pose(3), pose(4)
    root = ET.fromstring(handplot.hand_views_svg(true_angles, pred_angles).encode("utf-8"))
    scales = []
    for view, (_, _, elev, azim) in zip(groups(root, "view"), handplot.VIEWS):
        e, a = math.radians(elev), math.radians(azim)
        u = np.array([-math.sin(a), math.cos(a), 0.0])
        v = np.array([-math.sin(e) * math.cos(a), -math.sin(e) * math.sin(a), math.cos(e)])
        for g, angles in zip(
            [g for g in view.iter(f"{SVG}g") if (g.get("class") or "").startswith("hand")],
            (true_angles, pred_angles),
        ):
            p = np.array(H.forward_kinematics(angles))
            shown = np.column_stack([-p[:, 2], p[:, 1], p[:, 0]])  # stood upright
            want = np.column_stack([shown @ u, -(shown @ v)])
            got = np.zeros((21, 2))
            for c in g.iter(f"{SVG}circle"):
                got[int(c.get("data-k"))] = float(c.get("cx")), float(c.get("cy"))
            # got = s * want + offset: fit s and the offsets, check the residual.
            a_mat = np.column_stack([want.reshape(-1), np.tile([1, 0], 21), np.tile([0, 1], 21)])
            coef, *_ = np.linalg.lstsq(a_mat, got.reshape(-1), rcond=None)
            assert np.abs(a_mat @ coef - got.reshape(-1)).max() < 0.02  # 2-decimal rounding
            scales.append(coef[0])
    assert max(scales) / min(scales) - 1 < 1e-4 and min(scales) > 0  # one scale for all views


def test_view_matrices_are_the_plot_view_times_the_upright_map():
    np = pytest.importorskip("numpy")
    from purepose.plot import view_matrix

    d = np.array([[0, 0, -1], [0, 1, 0], [1, 0, 0]])
    for name, _, elev, azim in handplot.VIEWS:
        want = np.array(view_matrix(elev, azim)) @ d
        np.testing.assert_allclose(handplot.view_matrices()[name], want, atol=1e-15)


def test_ik_failure_frame_draws_only_the_prediction():
    root = ET.fromstring(handplot.hand_views_svg([0.0] * 20, pose(5), time=2.0).encode("utf-8"))
    assert len(groups(root, "hand pred")) == 3 and groups(root, "hand true") == []
    assert "IK failure" in root.find(f"{SVG}title").text
    assert len(groups(root, "legend-entry")) == 1
    none = ET.fromstring(handplot.hand_views_svg(None, pose(5)).encode("utf-8"))
    assert groups(none, "hand true") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"true_angles": [0.1] * 19}, "true_angles must be 20 finite"),
        ({"pred_angles": [math.nan] * 20}, "pred_angles must be 20 finite"),
        ({"width": 100}, "100x440 px is too small"),
    ],
)
def test_svg_errors(kwargs, message):
    args = {"true_angles": pose(1), "pred_angles": pose(2), **kwargs}
    with pytest.raises(PureposeError, match=re.escape(message)):
        handplot.hand_views_svg(args.pop("true_angles"), args.pop("pred_angles"), **args)


# ---- the player's page --------------------------------------------------------------------


class _Resources(HTMLParser):
    """Collects every tag and any attribute that could load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") or "url(" in (value or ""):
                self.loads.append((tag, name, value))


def clip(n: int = 250, rate: float = 50.0):
    time = [i / rate for i in range(n)]
    y_true = [[0.5 + 0.4 * math.sin(0.7 * t + j) for j in range(20)] for t in time]
    y_pred = [[a + 0.1 * math.cos(3 * t) for a in row] for t, row in zip(time, y_true)]
    for i in range(40, min(60, n)):
        y_true[i] = [0.0] * 20  # an IK failure
    return time, y_true, y_pred


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_player_page_is_self_contained():
    page = player.player_html(*clip(), title="a <clip> & more")
    parser = _Resources()
    parser.feed(page)
    assert parser.loads == []  # no src=, href=, url(...): nothing to fetch
    assert not re.search(r"https?://|//cdn|@import|fetch\(|XMLHttpRequest", page)
    assert parser.tags.count("canvas") == 2 and parser.tags.count("script") == 2
    assert "<title>a &lt;clip&gt; &amp; more</title>" in page
    assert 'id="slider" type="range"' in page and 'id="play"' in page


def test_player_data_subsamples_and_holds_both_hands():
    np = pytest.importorskip("numpy")
    time, y_true, y_pred = clip()
    data = page_data(player.player_html(time, y_true, y_pred))
    t = np.array(data["t"])
    assert len(t) == 125 and np.all(np.diff(t) >= 1 / player.MAX_FPS - 1e-6)  # 50 -> 25 fps
    keep = [round(v * 50) for v in t]
    assert all(data["true"][k] is None for k, i in enumerate(keep) if 40 <= i < 60)
    assert data["mae"][keep.index(40)] is None and data["at"][keep.index(40)] is None
    k = keep.index(100)
    lm = np.array(H.forward_kinematics(y_pred[100])).reshape(-1)
    moving = [c for m in H.MOVING_LANDMARKS for c in (3 * m, 3 * m + 1, 3 * m + 2)]
    np.testing.assert_allclose(data["pred"][k], lm[moving], atol=0.051)  # 0.1 mm steps
    lt = np.array(H.forward_kinematics(y_true[100])).reshape(-1)
    np.testing.assert_allclose(data["true"][k], lt[moving], atol=0.051)
    np.testing.assert_allclose(data["ap"][k], np.degrees(y_pred[100]), atol=0.051)
    assert data["mae"][k] == pytest.approx(L.frame_mae_deg(y_true[100], y_pred[100]), abs=0.006)
    fixed = np.array(H.forward_kinematics([0.0] * 20))
    for m, xyz in data["fixed"].items():
        np.testing.assert_allclose(xyz, fixed[int(m)], atol=0.051)
    assert data["traces"] == list(player.DEFAULT_TRACES) and data["joints"][0] == "THUMB_CMC_FE"
    for name, m in zip(("palm", "side", "top"), data["views"]):
        assert m["name"] == name and m["m"] == handplot.view_matrices()[name]


def test_player_size_is_bounded():
    time = [i / 50.0 for i in range(3001)]  # 60 s at 50 Hz, the longest clip
    rng = random.Random(0)
    y = [[rng.uniform(-1, 1) for _ in range(20)] for _ in time]
    page = player.player_html(time, y, y[::-1])
    assert len(page_data(page)["t"]) == 1501
    assert len(page) < 1.5e6  # 30 fps x 60 s would be 1,800 frames: still under ~1.3 MB


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([0.0], [[0.1] * 20], [[0.1] * 20]), "need at least 2 frames"),
        (([0.0, 1.0], [[0.1] * 20], [[0.1] * 20] * 2), "2 times but 1 true"),
        (([1.0, 0.0], [[0.1] * 20] * 2, [[0.1] * 20] * 2), "non-decreasing"),
        (([0.0, 61.0], [[0.1] * 20] * 2, [[0.1] * 20] * 2), "lasts 61.000 s"),
        (([0.0, 1.0], [[0.1] * 20] * 2, [[0.1] * 19] * 2), "row 0: 19 joint angles"),
    ],
)
def test_player_errors(args, message):
    with pytest.raises(PureposeError, match=re.escape(message)):
        player.player_html(*args)
    with pytest.raises(PureposeError, match="unknown trace joints"):
        player.player_html([0.0, 1.0], [[0.1] * 20] * 2, [[0.1] * 20] * 2, traces=["WRIST"])


def test_save_player_is_atomic(tmp_path):
    out = player.save_player(tmp_path / "p.html", player.player_html(*clip(30)))
    assert out.read_text().startswith("<!DOCTYPE html>")
    with pytest.raises(PureposeError, match="save_player"):
        player.save_player(tmp_path / "no" / "p.html", player.player_html(*clip(30)))
    with pytest.raises(PureposeError, match="expected the player's HTML"):
        player.save_player(tmp_path / "q.html", "<svg/>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.html"]  # no temporary left over
