"""Tests for purepose.pose.metrics: the emg2pose angular error, its breakdowns and baselines.

numpy (and scikit-learn's r2_score) recompute every number from the
definitions on the same data, IK-failure rows included.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.errors import PureposeError
from purepose.joints import IK_FAILURE_ATOL, JOINT_NAMES
from purepose.pose.metrics import (
    FINGERS,
    SEGMENTS,
    ErrorAccumulator,
    MeanAccumulator,
    Report,
    angular_mae,
    constant_prediction,
    evaluate,
    evaluate_with_baselines,
    format_table,
    mean_pose,
)

np = pytest.importorskip("numpy")


def random_angles(rng, n, ik_fraction=0.2, offset=0.3):
    """n x 20 angles in radians with about ``ik_fraction`` all-zero (IK failure) rows."""
    Y = rng.normal(offset, 0.5, size=(n, 20))
    Y[rng.random(n) < ik_fraction] = 0.0
    return Y


def oracle(Y, P, mask=None):
    """Every Report number from numpy, on the frames of ``mask`` (default: not all ~0)."""
    Y, P = np.asarray(Y, float), np.asarray(P, float)
    if mask is None:
        mask = ~np.all(np.abs(Y) <= IK_FAILURE_ATOL, axis=1)
    mask = np.asarray(mask, bool)
    E = (P - Y)[mask]
    per_joint = np.degrees(np.mean(np.abs(E), axis=0))
    return {
        "n_frames": int(mask.sum()),
        "mae_deg": float(np.degrees(np.mean(np.abs(E)))),
        "per_joint": per_joint,
        "per_finger": {
            k: float(np.degrees(np.mean(np.abs(E[:, list(v)])))) for k, v in FINGERS.items()
        },
        "per_segment": {
            k: float(np.degrees(np.mean(np.abs(E[:, list(v)])))) for k, v in SEGMENTS.items()
        },
        "rmse": np.degrees(np.sqrt(np.mean(E**2, axis=0))),
        "Y": Y[mask],
        "P": P[mask],
    }


def assert_report_matches(report, want, rtol=1e-12):
    assert isinstance(report, Report)
    assert report.n_frames == want["n_frames"]
    assert report.mae_deg == pytest.approx(want["mae_deg"], rel=rtol)
    assert list(report.per_joint_mae_deg) == list(JOINT_NAMES)
    np.testing.assert_allclose(
        list(report.per_joint_mae_deg.values()), want["per_joint"], rtol=rtol
    )
    for name, value in want["per_finger"].items():
        assert report.per_finger_mae_deg[name] == pytest.approx(value, rel=rtol)
    for name, value in want["per_segment"].items():
        assert report.per_segment_mae_deg[name] == pytest.approx(value, rel=rtol)
    np.testing.assert_allclose(list(report.rmse_deg.values()), want["rmse"], rtol=rtol)


# ---------------------------------------------------------------------------
# Joint groups


def test_fingers_and_segments_partition_the_20_joints():
    for groups in (FINGERS, SEGMENTS):
        joints = sorted(j for idx in groups.values() for j in idx)
        assert joints == list(range(20))
    assert list(FINGERS) == ["thumb", "index", "middle", "ring", "pinky"]
    for finger, idx in FINGERS.items():
        assert all(JOINT_NAMES[j].startswith(finger.upper()) for j in idx)
    names = {k: [JOINT_NAMES[j] for j in v] for k, v in SEGMENTS.items()}
    assert all(("CMC" in n) or ("MCP" in n and "THUMB" not in n) for n in names["proximal"])
    assert all(n.endswith("PIP_FE") or n == "THUMB_MCP_FE" for n in names["mid"])
    assert all(n.endswith("DIP_FE") or n == "THUMB_IP_FE" for n in names["distal"])


# ---------------------------------------------------------------------------
# Against numpy


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.3, 0.9]))
def test_evaluate_matches_numpy(n, seed, ik_fraction):
    rng = np.random.default_rng(seed)
    Y = random_angles(rng, n, ik_fraction)
    Y[0] = rng.normal(size=20)  # at least one valid frame
    P = Y + rng.normal(0, 0.2, size=Y.shape)
    P[Y[:, 0] == 0.0] = 5.0  # predictions on IK-failure frames must not count
    report = evaluate(Y.tolist(), P.tolist())
    want = oracle(Y, P)
    assert_report_matches(report, want)
    assert angular_mae(Y.tolist(), P.tolist()) == pytest.approx(want["mae_deg"], rel=1e-12)
    assert angular_mae(Y.tolist(), P.tolist(), degrees=False) == pytest.approx(
        math.radians(want["mae_deg"]), rel=1e-12
    )


def test_r2_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    Y = random_angles(rng, 300)
    P = 0.7 * Y + rng.normal(0, 0.1, size=Y.shape)
    want = oracle(Y, P)
    report = evaluate(Y.tolist(), P.tolist())
    r2 = metrics.r2_score(want["Y"], want["P"], multioutput="raw_values")
    np.testing.assert_allclose(list(report.r2.values()), r2, rtol=1e-10, atol=1e-12)


def test_r2_of_a_constant_joint_is_finite():
    Y = np.full((5, 20), 0.5)
    Y[:, 3] = [0.1, 0.2, 0.3, 0.4, 0.5]
    exact = evaluate(Y.tolist(), Y.tolist())
    assert exact.r2["THUMB_CMC_FE"] == 1.0  # SST = 0 and SSE = 0
    assert exact.r2["THUMB_IP_FE"] == 1.0
    off = evaluate(Y.tolist(), (Y + 0.1).tolist())
    assert off.r2["THUMB_CMC_FE"] == 0.0  # SST = 0 and SSE > 0
    assert off.r2["THUMB_IP_FE"] == pytest.approx(1 - 5 * 0.01 / 0.1)


def test_r2_is_careful_when_the_mean_dwarfs_the_spread():
    # sum(y^2) - (sum y)^2 / n would lose every digit of SST here.
    rng = np.random.default_rng(6)
    Y = 1000.0 + rng.normal(0, 1e-4, size=(400, 20))
    P = Y + rng.normal(0, 5e-5, size=Y.shape)
    want = 1 - np.sum((P - Y) ** 2, axis=0) / np.sum((Y - Y.mean(axis=0)) ** 2, axis=0)
    acc = ErrorAccumulator()
    for lo in range(0, 400, 37):  # chunked: exercises the Chan merge
        acc.update(Y[lo : lo + 37].tolist(), P[lo : lo + 37].tolist())
    np.testing.assert_allclose(list(acc.report().r2.values()), want, rtol=1e-9)


def test_explicit_mask_overrides_the_ik_rule():
    rng = np.random.default_rng(7)
    Y = random_angles(rng, 50, 0.0)
    P = Y + 0.1
    mask = (rng.random(50) < 0.5).tolist()
    mask[0] = True
    assert_report_matches(evaluate(Y.tolist(), P.tolist(), mask=mask), oracle(Y, P, mask))
    Y[1] = 0.0  # an IK row that the explicit mask chooses to keep
    all_frames = [True] * 50
    assert evaluate(Y.tolist(), P.tolist(), mask=all_frames).n_frames == 50


# ---------------------------------------------------------------------------
# Streaming


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 80), st.integers(0, 2**32 - 1), st.data())
def test_chunked_updates_and_merge_equal_one_shot(n, seed, data):
    rng = np.random.default_rng(seed)
    Y = random_angles(rng, n, 0.3)
    Y[-1] = 0.25
    P = Y + rng.normal(0, 0.3, size=Y.shape)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=5)))
    pieces = list(zip([0, *cuts], [*cuts, n], strict=True))
    one_shot = evaluate(Y.tolist(), P.tolist())

    sequential = ErrorAccumulator()
    parts = []
    for lo, hi in pieces:
        sequential.update(Y[lo:hi].tolist(), P[lo:hi].tolist())
        parts.append(ErrorAccumulator().update(Y[lo:hi].tolist(), P[lo:hi].tolist()))
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)

    for acc in (sequential, merged):
        report = acc.report()
        assert report.n_frames == one_shot.n_frames
        assert report.mae_deg == pytest.approx(one_shot.mae_deg, rel=1e-14)
        for field in ("per_joint_mae_deg", "per_finger_mae_deg", "rmse_deg"):
            got, want = getattr(report, field), getattr(one_shot, field)
            assert got == pytest.approx(want, rel=1e-14)
        assert report.r2 == pytest.approx(one_shot.r2, rel=1e-9, abs=1e-12)


def test_merge_leaves_its_inputs_unchanged():
    a = ErrorAccumulator().update([[0.1] * 20], [[0.0] * 20])
    b = ErrorAccumulator().update([[0.3] * 20], [[0.0] * 20])
    before = (a.report(), b.report())
    merged = a.merge(b)
    assert (a.report(), b.report()) == before
    assert merged.n_frames == 2
    merged.update([[0.5] * 20], [[0.0] * 20])
    assert a.n_frames == 1 and b.n_frames == 1


def test_per_finger_mae_is_the_mean_of_its_joints():
    rng = np.random.default_rng(8)
    Y = random_angles(rng, 100)
    report = evaluate(Y.tolist(), (Y * 0.5).tolist())
    joint = list(report.per_joint_mae_deg.values())
    for groups, result in (
        (FINGERS, report.per_finger_mae_deg),
        (SEGMENTS, report.per_segment_mae_deg),
    ):
        for name, idx in groups.items():
            assert result[name] == pytest.approx(
                math.fsum(joint[j] for j in idx) / len(idx), rel=1e-13
            )
    assert report.mae_deg == pytest.approx(math.fsum(joint) / 20, rel=1e-13)


# ---------------------------------------------------------------------------
# Baselines


def test_zero_pose_baseline_on_known_data():
    # Joint j sits at j/100 rad on every frame; frame 2 is an IK failure.
    Y = [[j / 100 for j in range(20)] for _ in range(4)]
    Y[2] = [0.0] * 20
    report = evaluate(Y, constant_prediction([0.0] * 20, 4))
    assert report.n_frames == 3
    assert report.mae_deg == pytest.approx(math.degrees(sum(range(20)) / 100 / 20), rel=1e-15)
    assert report.per_finger_mae_deg["thumb"] == pytest.approx(math.degrees(0.015), rel=1e-15)
    assert report.per_joint_mae_deg["PINKY_DIP_FE"] == pytest.approx(math.degrees(0.19), rel=1e-15)
    assert report.rmse_deg["INDEX_MCP_AA"] == pytest.approx(math.degrees(0.04), rel=1e-15)


def test_mean_pose_skips_ik_failures_and_streams():
    rng = np.random.default_rng(9)
    Y = random_angles(rng, 120, 0.25)
    valid = ~np.all(Y == 0.0, axis=1)
    want = Y[valid].mean(axis=0)
    np.testing.assert_allclose(mean_pose(Y.tolist()), want, rtol=1e-13)
    np.testing.assert_allclose(mean_pose(row for row in Y.tolist()), want, rtol=1e-13)
    acc_a = MeanAccumulator().update(Y[:50].tolist())
    acc_b = MeanAccumulator().update(Y[50:].tolist())
    np.testing.assert_allclose(acc_a.merge(acc_b).mean(), want, rtol=1e-13)
    np.testing.assert_allclose(
        MeanAccumulator().merge(acc_a).mean(), Y[:50][valid[:50]].mean(axis=0)
    )
    mask = [True] * 60 + [False] * 60
    np.testing.assert_allclose(mean_pose(Y.tolist(), mask=mask), Y[:60].mean(axis=0), rtol=1e-13)


def test_constant_prediction_rows_are_independent():
    rows = constant_prediction((0.1, 0.2), 3)
    assert rows == [[0.1, 0.2]] * 3
    rows[0][0] = 9.0
    assert rows[1][0] == 0.1
    assert constant_prediction([1.0], 0) == []


def test_evaluate_with_baselines():
    rng = np.random.default_rng(10)
    train = random_angles(rng, 200)
    test = random_angles(rng, 80)
    pred = test + rng.normal(0, 0.05, size=test.shape)
    reports = evaluate_with_baselines(test.tolist(), pred.tolist(), mean_pose(train.tolist()))
    assert list(reports) == ["model", "mean pose", "zero pose"]
    train_mean = train[~np.all(train == 0, axis=1)].mean(axis=0)
    assert_report_matches(reports["model"], oracle(test, pred))
    assert_report_matches(reports["mean pose"], oracle(test, np.tile(train_mean, (80, 1))))
    assert_report_matches(reports["zero pose"], oracle(test, np.zeros_like(test)))
    assert reports["model"].mae_deg < reports["mean pose"].mae_deg < reports["zero pose"].mae_deg


# ---------------------------------------------------------------------------
# Report output


def test_to_dict_is_json_ready():
    rng = np.random.default_rng(11)
    Y = random_angles(rng, 30)
    report = evaluate(Y.tolist(), (Y + 0.1).tolist())
    d = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert d["n_frames"] == report.n_frames
    assert d["mae_deg"] == report.mae_deg
    assert set(d) == {
        "n_frames",
        "mae_deg",
        "per_joint_mae_deg",
        "per_finger_mae_deg",
        "per_segment_mae_deg",
        "rmse_deg",
        "r2",
    }
    assert d["per_joint_mae_deg"] == report.per_joint_mae_deg


def _known_reports():
    # Joint j of every frame is (j + 1) / 100 rad; "half" predicts half of it.
    Y = [[(j + 1) / 100 for j in range(20)] for _ in range(3)]
    half = [[v / 2 for v in row] for row in Y]
    return {
        "model": evaluate(Y, half),
        "zero pose": evaluate(Y, constant_prediction([0.0] * 20, 3)),
    }


def test_format_table_by_finger_golden():
    expected = "\n".join(
        [
            "MAE (deg)  model  zero pose",
            "---------  -----  ---------",
            "overall     3.01       6.02",
            "thumb       0.72       1.43",
            "index       1.86       3.72",
            "middle      3.01       6.02",
            "ring        4.15       8.31",
            "pinky       5.30      10.60",
            "n frames       3          3",
        ]
    )
    assert format_table(_known_reports()) == expected


def test_format_table_by_segment_and_joint():
    reports = _known_reports()
    lines = format_table(reports, by="segment").splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["overall", "proximal", "mid", "distal", "n"]
    joint_lines = format_table(reports, by="joint").splitlines()
    assert len(joint_lines) == 2 + 1 + 20 + 1
    assert joint_lines[3] == "THUMB_CMC_FE    0.29       0.57"
    assert joint_lines[0] == "MAE (deg)      model  zero pose"
    assert len({len(line) for line in joint_lines}) == 1  # aligned columns
    assert all(line == line.rstrip() for line in joint_lines)


def test_format_table_errors():
    with pytest.raises(PureposeError, match="format_table: by='hand'"):
        format_table(_known_reports(), by="hand")
    with pytest.raises(PureposeError, match="format_table: no reports"):
        format_table({})
    with pytest.raises(PureposeError, match=r"reports\['x'\] is dict, not Report"):
        format_table({"x": {}})


# ---------------------------------------------------------------------------
# Errors


GOOD = [[0.1] * 20, [0.2] * 20]


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "match"),
    [
        (GOOD, GOOD[:1], {}, "y_true has 2 rows but y_pred has 1"),
        ([[0.1] * 19] * 2, GOOD, {}, "y_true row 0 has 19 joint angles, expected 20"),
        (GOOD, [[0.1] * 20, [0.1] * 21], {}, "y_pred row 1 has 21 joint angles, expected 20"),
        (
            GOOD,
            [[0.1] * 19 + [math.nan], [0.1] * 20],
            {},
            r"y_pred has non-finite value nan at row 0, joint 19 \(PINKY_DIP_FE\)",
        ),
        (GOOD, [[0.1] * 20, [math.inf] * 20], {}, "y_pred has non-finite value inf at row 1"),
        ([[math.nan] * 20, [0.1] * 20], GOOD, {}, "y_true has non-finite value nan"),
        ([[0.0] * 20] * 2, GOOD, {}, "all 2 frames are IK failures"),
        ([], [], {}, "no frames to score"),
        (GOOD, GOOD, {"mask": [True]}, "mask has 1 entries for 2 frames"),
        (GOOD, GOOD, {"mask": [False, False]}, "all 2 frames are IK failures"),
    ],
)
@pytest.mark.parametrize("func", [evaluate, angular_mae])
def test_metric_errors_name_the_function(func, y_true, y_pred, kwargs, match):
    with pytest.raises(PureposeError, match=match) as info:
        func(y_true, y_pred, **kwargs)
    assert str(info.value).startswith(f"{func.__name__}: ")


def test_accumulator_and_baseline_errors():
    with pytest.raises(PureposeError, match=r"ErrorAccumulator\.update: y_true has 2 rows"):
        ErrorAccumulator().update(GOOD, [])
    with pytest.raises(PureposeError, match=r"ErrorAccumulator\.report: no frames to score"):
        ErrorAccumulator().report()
    with pytest.raises(PureposeError, match="not ErrorAccumulator"):
        ErrorAccumulator().merge(MeanAccumulator())
    with pytest.raises(PureposeError, match="mean_pose: all 1 frames are IK failures"):
        mean_pose([[0.0] * 20])
    with pytest.raises(PureposeError, match="mean_pose: no frames to average"):
        mean_pose([])
    with pytest.raises(PureposeError, match="mean_pose: row 1 has 2 joints, expected 3"):
        mean_pose([[1.0, 2.0, 3.0], [1.0, 2.0]])
    with pytest.raises(PureposeError, match="mean_pose: non-finite value nan in joint 1"):
        mean_pose([[1.0, math.nan]])
    with pytest.raises(PureposeError, match=r"MeanAccumulator\.merge: 2 joints vs 3"):
        MeanAccumulator().update([[1.0, 1.0]]).merge(MeanAccumulator().update([[1.0] * 3]))
    with pytest.raises(PureposeError, match=r"constant_prediction: n=2\.5"):
        constant_prediction([0.0], 2.5)
    with pytest.raises(PureposeError, match="constant_prediction: pose is empty"):
        constant_prediction([], 2)
    with pytest.raises(PureposeError, match="train_mean has 19 joints"):
        evaluate_with_baselines(GOOD, GOOD, [0.0] * 19)
