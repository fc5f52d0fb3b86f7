"""purepose.pose.hand: forward kinematics against numpy and known poses; landmark errors."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.pose import hand as H
from purepose.pose import landmarks as L

DEG = math.pi / 180.0
REPRO = settings(max_examples=60, deadline=None, derandomize=True)
angle = st.floats(-math.pi, math.pi, allow_nan=False)
poses = st.lists(angle, min_size=20, max_size=20)


def random_poses(n: int, seed: int = 0, spread: float = 1.6) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-spread, spread) for _ in range(20)] for _ in range(n)]


# ---- an independent numpy implementation of the same chains -------------------------


def np_rot(axis: str, t: float):
    np = pytest.importorskip("numpy")
    c, s = math.cos(t), math.sin(t)
    return {
        "x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]),
        "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
        "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]),
    }[axis]


def np_landmarks(angles, hand: H.GenericHand):
    """21 x 3 landmarks, written from the module docstring's equations with numpy."""
    np = pytest.importorskip("numpy")
    a = np.asarray(angles, dtype=float)
    ex = np.array([1.0, 0.0, 0.0])
    radial, palmar, nail = np.radians(H.THUMB_REST_DEG)
    rest = np_rot("z", radial) @ np_rot("y", palmar) @ np_rot("x", -nail)
    out = [np.zeros(3)]
    p = np.asarray(hand.thumb_cmc, dtype=float)
    out.append(p)
    rot = np_rot("x", -a[0]) @ rest @ np_rot("z", -a[1])
    for length, bend in zip(hand.thumb_lengths, (0.0, a[2], a[3])):
        rot = rot @ np_rot("y", bend)
        p = p + length * rot @ ex
        out.append(p)
    for f in range(4):
        aa, f1, f2, f3 = a[4 + 4 * f : 8 + 4 * f]
        p = np.asarray(hand.finger_mcps[f], dtype=float)
        out.append(p)
        rot = np_rot("z", aa)
        for length, bend in zip(hand.finger_lengths[f], (f1, f2, f3)):
            rot = rot @ np_rot("y", bend)
            p = p + length * rot @ ex
            out.append(p)
    pts = np.array(out)
    if hand.side == "left":
        pts[:, 1] *= -1
    return pts


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("length", [120.0, 182.5, 215.0])
def test_forward_kinematics_matches_numpy_chain(side, length):
    np = pytest.importorskip("numpy")
    hand = H.GenericHand(length, side=side)
    rows = random_poses(40, seed=int(length))
    batch = np.array(H.forward_kinematics_batch(rows, hand=hand)).reshape(-1, 21, 3)
    for row, got in zip(rows, batch):
        want = np_landmarks(row, hand)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
        for algorithm in ("fast", "textbook"):
            one = np.array(H.forward_kinematics(row, hand=hand, algorithm=algorithm))
            np.testing.assert_allclose(one, want, rtol=0, atol=1e-9)


def test_geometry_follows_the_stated_anthropometry():
    np = pytest.importorskip("numpy")
    hand = H.GenericHand(200.0, breadth_ratio=0.5)
    assert hand.hand_breadth == 100.0
    assert hand.finger_lengths[0] == pytest.approx((53.0, 28.6, 19.4))  # Buchholz index x 200
    assert hand.thumb_lengths == pytest.approx((50.2, 39.2, 31.6))
    assert [m[0] for m in hand.finger_mcps] == pytest.approx([89.4, 89.2, 81.8, 73.6])
    assert [m[1] for m in hand.finger_mcps] == pytest.approx([25.2, 0.0, -20.6, -40.2])
    assert hand.thumb_cmc == pytest.approx([14.6, 19.6, 0.0])
    rest = np.array(hand.thumb_rest)
    np.testing.assert_allclose(rest @ rest.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(rest) == pytest.approx(1.0)


# ---- known poses ----------------------------------------------------------------------


def test_flat_hand_fingers_lie_on_their_lines_and_reach_their_summed_length():
    hand = H.default_hand()
    pts = H.forward_kinematics([0.0] * 20)
    assert pts[0] == [0.0, 0.0, 0.0]
    for f in range(4):
        mcp, lengths = hand.finger_mcps[f], hand.finger_lengths[f]
        chain = pts[5 + 4 * f : 9 + 4 * f]
        assert chain[0] == mcp
        for k, p in enumerate(chain):  # on the line through the MCP along +x
            assert p[1] == pytest.approx(mcp[1], abs=1e-12) and p[2] == 0.0
            assert p[0] == pytest.approx(mcp[0] + sum(lengths[:k]), abs=1e-9)
        assert math.dist(chain[0], chain[3]) == pytest.approx(sum(lengths), abs=1e-9)
    # The middle finger is on the wrist's axis: wrist to tip = palm + phalanges = hand length.
    middle_tip = pts[12]
    assert math.dist(pts[0], middle_tip) == pytest.approx(
        hand.finger_mcps[1][0] + sum(hand.finger_lengths[1]), abs=1e-9
    )
    assert middle_tip[0] == pytest.approx(hand.hand_length, rel=0.002)
    # The thumb: straight along its rest direction (40 deg radial, 30 deg palmar).
    t1 = [math.cos(30 * DEG) * math.cos(40 * DEG), math.cos(30 * DEG) * math.sin(40 * DEG)]
    t1.append(-math.sin(30 * DEG))
    reach = 0.0
    for k, length in enumerate((0.0, *hand.thumb_lengths)):
        reach += length
        want = [c + reach * d for c, d in zip(hand.thumb_cmc, t1)]
        assert pts[1 + k] == pytest.approx(want, abs=1e-9)


def finger_fist_tip(hand, f):
    """By hand: q = 90, 180, 270 deg, so the steps are -z l1, -x l2, +z l3."""
    (mx, my, mz), (l1, l2, l3) = hand.finger_mcps[f], hand.finger_lengths[f]
    return [mx - l2, my, mz - l1 + l3]


def test_fist_puts_every_tip_where_the_hand_derivation_says():
    hand = H.default_hand()
    fist = [0.0] * 20
    for j in (0, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19):
        fist[j] = math.pi / 2
    pts = H.forward_kinematics(fist)
    for f in range(4):
        (mx, my, mz), (l1, l2, _) = hand.finger_mcps[f], hand.finger_lengths[f]
        assert pts[6 + 4 * f] == pytest.approx([mx, my, mz - l1], abs=1e-9)  # PIP under MCP
        assert pts[7 + 4 * f] == pytest.approx([mx - l2, my, mz - l1], abs=1e-9)
        assert pts[8 + 4 * f] == pytest.approx(finger_fist_tip(hand, f), abs=1e-9)
    # Thumb, CMC_FE = MCP = IP = 90 deg: Rx(-90)(x, y, z) = (x, z, -y); steps t1, -t3, -t1.
    r, p, n = 40 * DEG, 30 * DEG, 80 * DEG
    t1 = [math.cos(p) * math.cos(r), math.cos(p) * math.sin(r), -math.sin(p)]
    ny, nz = math.sin(n), math.cos(n)  # Rx(-80) e_z = (0, sin 80, cos 80)
    t3a = [nz * math.sin(p), ny, nz * math.cos(p)]  # then Ry(30)
    t3 = [t3a[0] * math.cos(r) - t3a[1] * math.sin(r), t3a[0] * math.sin(r) + t3a[1] * math.cos(r)]
    t3.append(t3a[2])

    def rx(v):
        return [v[0], v[2], -v[1]]

    l0, l1, l2 = hand.thumb_lengths
    mcp = [c + l0 * d for c, d in zip(hand.thumb_cmc, rx(t1))]
    ip = [m - l1 * d for m, d in zip(mcp, rx(t3))]
    tip = [q - l2 * d for q, d in zip(ip, rx(t1))]
    assert pts[2] == pytest.approx(mcp, abs=1e-9)
    assert pts[3] == pytest.approx(ip, abs=1e-9)
    assert pts[4] == pytest.approx(tip, abs=1e-9)


@pytest.mark.parametrize("finger", range(4))
def test_one_finger_flexed_at_the_mcp_moves_only_that_finger(finger):
    hand = H.default_hand()
    flat = H.forward_kinematics([0.0] * 20)
    bent_angles = [0.0] * 20
    bent_angles[5 + 4 * finger] = math.pi / 2
    bent = H.forward_kinematics(bent_angles)
    moved = {6 + 4 * finger, 7 + 4 * finger, 8 + 4 * finger}
    for k in range(21):
        if k not in moved:
            assert bent[k] == flat[k]
    mcp, lengths = hand.finger_mcps[finger], hand.finger_lengths[finger]
    for i, k in enumerate(sorted(moved)):
        reach = sum(lengths[: i + 1])
        assert bent[k] == pytest.approx([mcp[0], mcp[1], -reach], abs=1e-9)  # straight down
        assert math.dist(bent[k], flat[k]) == pytest.approx(reach * math.sqrt(2), abs=1e-9)


def test_positive_angles_mean_flexion_and_radial_abduction():
    flat = H.forward_kinematics([0.0] * 20)
    for j, tip in ((5, 8), (10, 12), (15, 16), (19, 20), (2, 4), (3, 4)):
        angles = [0.0] * 20
        angles[j] = 0.3
        assert H.forward_kinematics(angles)[tip][2] < flat[tip][2]  # towards the palm (-z)
    for j, tip in ((4, 8), (16, 20)):
        angles = [0.0] * 20
        angles[j] = 0.2
        assert H.forward_kinematics(angles)[tip][1] > flat[tip][1]  # towards the thumb (+y)
    angles = [0.0] * 20
    angles[0] = 0.4  # CMC flexion: across the front of the palm, towards the little finger
    tip = H.forward_kinematics(angles)[4]
    assert tip[1] < flat[4][1] and tip[2] < flat[4][2]
    left = H.forward_kinematics(angles, hand=H.GenericHand(side="left"))
    assert left[4] == pytest.approx([tip[0], -tip[1], tip[2]])


@REPRO
@given(poses)
def test_bone_lengths_do_not_depend_on_the_pose(angles):
    hand = H.default_hand()
    pts = H.forward_kinematics(angles)
    for (a, b), length in hand.bone_lengths().items():
        assert math.dist(pts[a], pts[b]) == pytest.approx(length, rel=1e-12, abs=1e-9)


@REPRO
@given(poses)
def test_fixed_landmarks_never_move(angles):
    pts = H.forward_kinematics(angles)
    flat = H.forward_kinematics([0.0] * 20)
    for k in H.FIXED_LANDMARKS:
        assert pts[k] == flat[k]


def test_names_bones_and_groups_are_consistent():
    assert len(H.LANDMARK_NAMES) == 21 and H.LANDMARK_NAMES[12] == "MIDDLE_TIP"
    assert [H.LANDMARK_NAMES[k] for k in H.FINGERTIPS] == [
        "THUMB_TIP", "INDEX_TIP", "MIDDLE_TIP", "RING_TIP", "PINKY_TIP",
    ]  # fmt: skip
    assert len(H.MOVING_LANDMARKS) == 15 and len(H.BONES) == 23
    assert {k for ks in H.LANDMARKS_BY_FINGER.values() for k in ks} == set(H.MOVING_LANDMARKS)
    assert {k for b in H.BONES for k in b} == set(range(21))


# ---- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: H.forward_kinematics([0.0] * 21), "21 joint angles, expected 20"),
        (lambda: H.forward_kinematics([0.0] * 19 + [math.nan]), "angle 19 (PINKY_DIP_FE) = nan"),
        (lambda: H.forward_kinematics([0.0] * 3 + [math.inf] + [0.0] * 16), "angle 3"),
        (lambda: H.forward_kinematics(["a"] * 20), "angle 0 (THUMB_CMC_FE) = 'a'"),
        (lambda: H.forward_kinematics([0.0] * 20, algorithm="magic"), "algorithm='magic'"),
        (lambda: H.forward_kinematics_batch([[0.0] * 20, [0.0] * 2]), "poses row 1: 2 joint"),
        (lambda: H.forward_kinematics([0.0] * 20, hand="big"), "hand is str"),
        (lambda: H.GenericHand(math.nan), "hand_length=nan mm must be between 50 and 400"),
        (lambda: H.GenericHand(1000), "hand_length=1000 mm"),
        (lambda: H.GenericHand(180, breadth_ratio=2), "breadth_ratio=2"),
        (lambda: H.GenericHand(180, side="up"), "side='up'"),
    ],
)
def test_bad_input_gives_one_line_errors(call, message):
    with pytest.raises(PureposeError) as info:
        call()
    text = str(info.value)
    assert message in text and "\n" not in text


# ---- the landmark metric ------------------------------------------------------------------


def np_distances(y_true, y_pred, hand):
    np = pytest.importorskip("numpy")
    a = np.array([np_landmarks(r, hand) for r in y_true])
    b = np.array([np_landmarks(r, hand) for r in y_pred])
    return np.linalg.norm(a - b, axis=2)  # n x 21


def test_landmark_errors_match_numpy():
    np = pytest.importorskip("numpy")
    hand = H.GenericHand(190.0)
    y_true = random_poses(30, seed=1, spread=1.0)
    y_pred = [
        [v + 0.2 * math.sin(3 * i + j) for j, v in enumerate(r)] for i, r in enumerate(y_true)
    ]
    y_true[4] = [0.0] * 20  # an IK failure: skipped
    d = np.delete(np_distances(y_true, y_pred, hand), 4, axis=0)
    report = L.landmark_errors(y_true, y_pred, hand=hand)
    assert report.n_frames == 29
    tips, moving = list(H.FINGERTIPS), list(H.MOVING_LANDMARKS)
    assert report.fingertip_mm == pytest.approx(d[:, tips].mean(), rel=1e-12)
    assert report.landmark_mm == pytest.approx(d[:, moving].mean(), rel=1e-12)
    for i, finger in enumerate(H.FINGERS):
        assert report.per_finger_fingertip_mm[finger] == pytest.approx(d[:, tips[i]].mean())
        ks = list(H.LANDMARKS_BY_FINGER[finger])
        assert report.per_finger_landmark_mm[finger] == pytest.approx(d[:, ks].mean())
    assert report.per_landmark_mm["INDEX_DIP"] == pytest.approx(d[:, 7].mean())
    assert np.all(d[:, list(H.FIXED_LANDMARKS)] < 1e-9)
    per_frame = H.fingertip_distances(
        H.forward_kinematics_batch(y_true, hand=hand),
        H.forward_kinematics_batch(y_pred, hand=hand),
    )
    np.testing.assert_allclose(np.delete(per_frame, 4), d[:, tips].mean(axis=1), rtol=1e-12)


def test_landmark_accumulator_chunks_merge_and_mask():
    y_true = random_poses(50, seed=2, spread=1.0)
    y_pred = random_poses(50, seed=3, spread=1.0)
    whole = L.landmark_errors(y_true, y_pred)
    acc = L.LandmarkAccumulator()
    for a in range(0, 50, 7):
        acc.update(y_true[a : a + 7], y_pred[a : a + 7])
    left = L.LandmarkAccumulator().update(y_true[:20], y_pred[:20])
    right = L.LandmarkAccumulator().update(y_true[20:], y_pred[20:])
    for r in (acc.report(), left.merge(right).report()):
        assert r.n_frames == 50
        assert r.fingertip_mm == pytest.approx(whole.fingertip_mm, rel=1e-13)
        assert r.landmark_mm == pytest.approx(whole.landmark_mm, rel=1e-13)
    masked = L.landmark_errors(y_true, y_pred, mask=[i % 2 == 0 for i in range(50)])
    assert masked.n_frames == 25
    assert masked.fingertip_mm == pytest.approx(
        L.landmark_errors(y_true[::2], y_pred[::2]).fingertip_mm, rel=1e-13
    )


def test_landmark_report_is_labelled_and_json_ready():
    import json

    y = random_poses(5, seed=4)
    data = L.landmark_errors(y, y[::-1]).to_dict()
    text = json.dumps(data, allow_nan=False)
    assert "purepose's generic hand" in data["hand"] and "UmeTrack" in data["note"]
    assert set(data["per_finger_fingertip_mm"]) == set(H.FINGERS)
    assert json.loads(text)["n_frames"] == 5
    table = L.format_landmark_table({"model": L.landmark_errors(y, y)})
    assert "fingertips" in table and "not comparable" in table


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: L.LandmarkAccumulator().update([[0.1] * 20], []), "1 rows, y_pred 0"),
        (lambda: L.LandmarkAccumulator().update([[0.1] * 20], [[0.1] * 19]), "y_pred row 0"),
        (lambda: L.LandmarkAccumulator().update([[0.0] * 20], [[0.1] * 20]).report(), "IK fail"),
        (lambda: L.LandmarkAccumulator().merge(3), "other is int"),
        (
            lambda: L.LandmarkAccumulator().merge(L.LandmarkAccumulator(H.GenericHand(150))),
            "different hands",
        ),
        (lambda: L.format_landmark_table({}), "no reports"),
        (lambda: L.format_landmark_table({"m": 1.0}), "reports['m'] is float"),
    ],
)
def test_metric_errors(call, message):
    with pytest.raises(PureposeError) as info:
        call()
    assert message in str(info.value) and "\n" not in str(info.value)


def test_frame_mae_deg_is_the_mean_absolute_error_in_degrees():
    rng = random.Random(5)
    a = [rng.uniform(-1, 1) for _ in range(20)]
    b = [rng.uniform(-1, 1) for _ in range(20)]
    want = sum(abs(x - y) for x, y in zip(a, b)) / 20 * 180 / math.pi
    assert L.frame_mae_deg(a, b) == pytest.approx(want, rel=1e-13)


def test_evaluate_reports_landmark_distances_beside_the_baselines(tmp_path):
    from purepose.data.synth import make_dataset
    from purepose.pose.evaluation import evaluate
    from purepose.pose.landmarks import landmark_errors
    from purepose.pose.model import PoseRegressor

    paths = make_dataset(tmp_path, n_sessions=3, seconds=2.0, seed=2, quiet=True)
    model = PoseRegressor(n_lags=0, features=("logpow",)).fit(paths[:1])
    result = evaluate(model, paths[2:])
    assert set(result.landmarks) == {"model", "mean pose", "zero pose"}
    feats = model.featurize(paths[2])
    pred = model.predict_windows(feats).values
    direct = landmark_errors(feats.Y, pred, mask=feats.valid)
    assert result.landmarks["model"].fingertip_mm == pytest.approx(direct.fingertip_mm, rel=1e-12)
    assert "fingertips" in result.table() and "generic hand" in result.table()
    assert "landmarks" in result.to_dict()
    assert evaluate(model, paths[2:], landmarks=False).landmarks == {}
