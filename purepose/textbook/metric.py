"""Textbook emg2pose metric: mean absolute joint-angle error in degrees over valid frames.

Frames where the inverse kinematics failed are stored as all-zero joint
angles; they are not scored. With V the valid frames (some joint angle with
``|angle| > IK_FAILURE_ATOL``) and e[t][j] = y_pred[t][j] - y_true[t][j] in
radians, for the 20 joints j:

    MAE of joint j   = (180/pi) sum_{t in V} |e[t][j]| / |V|
    MAE of a group G = (180/pi) sum_{t in V} sum_{j in G} |e[t][j]| / (|G| |V|)
    MAE              = the MAE of the group of all 20 joints

Groups are the fingers (thumb .. pinky) and the segments along a finger
(proximal = CMC/MCP, mid = thumb MCP / PIP, distal = IP/DIP). Sums are
``math.fsum``. ``purepose.pose.metrics`` computes the same numbers from streaming
per-joint sums (within a few units of roundoff: it rounds each joint's sum
before adding a group; ``tests/textbook/test_metric.py``).

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation", NeurIPS 2024 Datasets and Benchmarks.

>>> y_true = [[0.1] * 20, [0.0] * 20, [0.2] * 20]   # frame 1 is an IK failure
>>> round(angular_mae(y_true, [[0.0] * 20] * 3)["mae"], 4)  # mean of 0.1 and 0.2 rad
8.5944
"""

from __future__ import annotations

import math

from purepose.joints import FINGERS, IK_FAILURE_ATOL, SEGMENTS
from purepose.types import Matrix

__all__ = ["FINGERS", "IK_FAILURE_ATOL", "SEGMENTS", "angular_mae", "valid_frames"]


def valid_frames(y_true: Matrix, atol: float = IK_FAILURE_ATOL) -> list[bool]:
    """True for every frame that is not an IK failure (not all angles ~ 0).

    >>> valid_frames([[0.0, 0.0], [0.0, 0.5], [1e-12, -1e-12]])
    [False, True, False]
    """
    return [not all(abs(angle) <= atol for angle in row) for row in y_true]


def angular_mae(y_true: Matrix, y_pred: Matrix, mask: list[bool] | None = None) -> dict:
    """The emg2pose MAE in degrees: overall, per joint, per finger and per segment.

    ``mask`` (True = score the frame) defaults to :func:`valid_frames`.
    Returns ``{"mae": float, "per_joint": [20 floats], "per_finger": {...},
    "per_segment": {...}}``.

    >>> r = angular_mae([[0.1] * 20, [0.2] * 20], [[0.0] * 20, [0.4] * 20])
    >>> round(r["mae"], 4), round(r["per_finger"]["thumb"], 4), round(r["per_joint"][19], 4)
    (8.5944, 8.5944, 8.5944)
    """
    keep = valid_frames(y_true) if mask is None else mask
    frames = [t for t in range(len(y_true)) if keep[t]]
    errors = [[abs(y_pred[t][j] - y_true[t][j]) for t in frames] for j in range(20)]

    def group_mae(joints: tuple[int, ...]) -> float:
        total = math.fsum(e for j in joints for e in errors[j])
        return math.degrees(total / (len(joints) * len(frames)))

    return {
        "mae": group_mae(tuple(range(20))),
        "per_joint": [group_mae((j,)) for j in range(20)],
        "per_finger": {name: group_mae(joints) for name, joints in FINGERS.items()},
        "per_segment": {name: group_mae(joints) for name, joints in SEGMENTS.items()},
    }
