"""The landmark metric: distances in mm between true and predicted hands on the generic hand.

Each frame's 20 joint angles become 21 landmarks by the forward kinematics of
:mod:`purepose.pose.hand`; over the valid frames (not inverse-kinematics
failures) the report gives the mean Euclidean distance of the fingertips
(``fingertip_mm``) and of every moving landmark (``landmark_mm``), per finger
too. Accumulators merge exactly, so the metric streams over recordings.
The hand is purepose's generic one, not the emg2pose paper's UmeTrack hand:
the millimetres are not comparable digit for digit.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from purepose.errors import PureposeError
from purepose.joints import N_JOINTS, valid_mask

from .hand import (
    FINGERS,
    FINGERTIPS,
    HAND_LABEL,
    LANDMARK_NAMES,
    LANDMARKS_BY_FINGER,
    MOVING_LANDMARKS,
    NOT_COMPARABLE,
    GenericHand,
    check_poses,
    resolve_hand,
)
from .metrics import table_number

__all__ = [
    "LandmarkAccumulator",
    "LandmarkReport",
    "format_landmark_table",
    "frame_mae_deg",
    "landmark_errors",
]


@dataclass(frozen=True)
class LandmarkReport:
    """Landmark distances (mm) on purepose's generic hand over ``n_frames`` valid frames.

    ``fingertip_mm`` (mean over the 5 tips) and ``landmark_mm`` (mean over the
    15 moving landmarks), per finger, and per landmark; see the module docstring.
    """

    n_frames: int
    fingertip_mm: float
    landmark_mm: float
    per_finger_fingertip_mm: dict[str, float]
    per_finger_landmark_mm: dict[str, float]
    per_landmark_mm: dict[str, float]
    hand_length_mm: float
    hand: str = HAND_LABEL

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, with the note that these are not the paper's UmeTrack numbers."""
        return {
            "hand": self.hand,
            "hand_length_mm": self.hand_length_mm,
            "note": NOT_COMPARABLE,
            "n_frames": self.n_frames,
            "fingertip_mm": self.fingertip_mm,
            "landmark_mm": self.landmark_mm,
            "per_finger_fingertip_mm": dict(self.per_finger_fingertip_mm),
            "per_finger_landmark_mm": dict(self.per_finger_landmark_mm),
            "per_landmark_mm": dict(self.per_landmark_mm),
        }


class LandmarkAccumulator:
    """Streaming, mergeable landmark distances: ``update`` chunks, ``report`` at the end.

    Like ``purepose.pose.metrics.ErrorAccumulator``: y_true and y_pred are
    n_frames x 20 (radians); frames where ``mask`` is False (default:
    ``valid_mask(y_true)``, the IK failures) are skipped. Per moving landmark
    it keeps one ``fsum`` of distances per chunk.

    >>> acc = LandmarkAccumulator().update([[0.1] * 20, [0.0] * 20], [[0.1] * 20, [0.3] * 20])
    >>> acc, acc.report().fingertip_mm
    (LandmarkAccumulator(n_frames=1), 0.0)
    >>> LandmarkAccumulator().report()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: LandmarkAccumulator.report: no frames to score
    """

    def __init__(self, hand: GenericHand | None = None) -> None:
        self.hand = resolve_hand(hand, "LandmarkAccumulator")
        self.n_frames = 0
        self.n_seen = 0
        self._parts: list[list[float]] = [[] for _ in MOVING_LANDMARKS]

    def __repr__(self) -> str:
        return f"LandmarkAccumulator(n_frames={self.n_frames})"

    def update(
        self,
        y_true: Sequence[Sequence[float]],
        y_pred: Sequence[Sequence[float]],
        mask: Sequence[bool] | None = None,
    ) -> LandmarkAccumulator:
        """Add a chunk of frames; returns self.

        >>> LandmarkAccumulator().update([[0.1] * 20], [[0.1] * 20], [True, False])
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: LandmarkAccumulator.update: mask has 2 entries for 1 frames
        """
        where = "LandmarkAccumulator.update"
        if len(y_true) != len(y_pred):
            raise PureposeError(f"{where}: y_true has {len(y_true)} rows, y_pred {len(y_pred)}")
        check_poses(where, "y_true", y_true)
        check_poses(where, "y_pred", y_pred)
        if mask is None:
            keep = valid_mask(y_true)
        elif len(mask) != len(y_true):
            raise PureposeError(f"{where}: mask has {len(mask)} entries for {len(y_true)} frames")
        else:
            keep = [bool(m) for m in mask]
        self.n_seen += len(y_true)
        kept = [i for i, k in enumerate(keep) if k]
        if not kept:
            return self
        kernel, hypot = self.hand.flat_landmarks, math.hypot
        true_lm = [kernel(y_true[i]) for i in kept]
        pred_lm = [kernel(y_pred[i]) for i in kept]
        for parts, k in zip(self._parts, MOVING_LANDMARKS, strict=True):
            x, y, z = 3 * k, 3 * k + 1, 3 * k + 2
            parts.append(
                math.fsum(
                    hypot(a[x] - b[x], a[y] - b[y], a[z] - b[z]) for a, b in zip(true_lm, pred_lm)
                )
            )
        self.n_frames += len(kept)
        return self

    def merge(self, other: LandmarkAccumulator) -> LandmarkAccumulator:
        """A new accumulator holding the frames of both (same hand; neither input changes)."""
        if not isinstance(other, LandmarkAccumulator):
            raise PureposeError(
                f"LandmarkAccumulator.merge: other is {type(other).__name__}, "
                "not LandmarkAccumulator"
            )
        if (other.hand.hand_length, other.hand.side) != (self.hand.hand_length, self.hand.side):
            raise PureposeError(
                f"LandmarkAccumulator.merge: different hands ({self.hand!r} vs {other.hand!r})"
            )
        out = LandmarkAccumulator(self.hand)
        out.n_frames = self.n_frames + other.n_frames
        out.n_seen = self.n_seen + other.n_seen
        out._parts = [a + b for a, b in zip(self._parts, other._parts, strict=True)]
        return out

    def report(self) -> LandmarkReport:
        """The :class:`LandmarkReport` of every valid frame added so far."""
        where = "LandmarkAccumulator.report"
        if self.n_frames == 0:
            if self.n_seen == 0:
                raise PureposeError(f"{where}: no frames to score")
            raise PureposeError(f"{where}: all {self.n_seen} frames are IK failures or masked out")
        sums = {k: math.fsum(p) for k, p in zip(MOVING_LANDMARKS, self._parts, strict=True)}
        n = self.n_frames

        def mean(ks: Sequence[int]) -> float:
            return math.fsum(sums[k] for k in ks) / (len(ks) * n)

        return LandmarkReport(
            n_frames=n,
            fingertip_mm=mean(FINGERTIPS),
            landmark_mm=mean(MOVING_LANDMARKS),
            per_finger_fingertip_mm={f: mean([FINGERTIPS[i]]) for i, f in enumerate(FINGERS)},
            per_finger_landmark_mm={f: mean(ks) for f, ks in LANDMARKS_BY_FINGER.items()},
            per_landmark_mm={LANDMARK_NAMES[k]: sums[k] / n for k in MOVING_LANDMARKS},
            hand_length_mm=self.hand.hand_length,
            hand=self.hand.label,
        )


def landmark_errors(
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    *,
    mask: Sequence[bool] | None = None,
    hand: GenericHand | None = None,
) -> LandmarkReport:
    """The :class:`LandmarkReport` of ``y_pred`` against ``y_true`` in one call.

    >>> r = landmark_errors([[0.2] * 20], [[0.0] * 20])
    >>> round(r.fingertip_mm, 1), round(r.landmark_mm, 1), r.n_frames
    (34.3, 22.8, 1)
    """
    return LandmarkAccumulator(hand).update(y_true, y_pred, mask).report()


def format_landmark_table(reports: Mapping[str, LandmarkReport]) -> str:
    """A monospace table of landmark distances (mm), one column per report, for ``evaluate``.

    >>> y = [[0.2] * 20, [0.4] * 20]
    >>> zero = [[0.0] * 20] * 2
    >>> reports = {"model": landmark_errors(y, y), "zero pose": landmark_errors(y, zero)}
    >>> print(format_landmark_table(reports))
    distance (mm)  model  zero pose
    -------------  -----  ---------
    fingertips      0.00      49.60
    landmarks       0.00      33.24
    thumb tip       0.00      42.57
    index tip       0.00      50.99
    middle tip      0.00      56.72
    ring tip        0.00      54.68
    pinky tip       0.00      43.05
    n frames           2          2
    purepose's generic hand, 182.5 mm (Buchholz et al. 1992 proportions): not comparable
    digit for digit with the emg2pose paper's UmeTrack-hand figures
    """
    if not reports:
        raise PureposeError("format_landmark_table: no reports to show")
    for name, r in reports.items():
        if not isinstance(r, LandmarkReport):
            raise PureposeError(
                f"format_landmark_table: reports[{name!r}] is {type(r).__name__}, "
                "not LandmarkReport"
            )
    rs = list(reports.values())
    table = [["distance (mm)", *reports]]
    table.append(["fingertips", *(table_number(r.fingertip_mm) for r in rs)])
    table.append(["landmarks", *(table_number(r.landmark_mm) for r in rs)])
    for f in FINGERS:
        table.append([f"{f} tip", *(table_number(r.per_finger_fingertip_mm[f]) for r in rs)])
    table.append(["n frames", *(str(r.n_frames) for r in rs)])
    widths = [max(len(row[c]) for row in table) for c in range(len(table[0]))]
    table.insert(1, ["-" * w for w in widths])
    lines = [
        "  ".join([row[0].ljust(widths[0]), *map(str.rjust, row[1:], widths[1:])]) for row in table
    ]
    lengths = sorted({r.hand_length_mm for r in rs})
    hand = f"{HAND_LABEL}, {' / '.join(f'{v:g}' for v in lengths)} mm"
    lines.append(f"{hand} (Buchholz et al. 1992 proportions): not comparable")
    lines.append("digit for digit with the emg2pose paper's UmeTrack-hand figures")
    return "\n".join(lines)


def frame_mae_deg(true_row: Sequence[float], pred_row: Sequence[float]) -> float:
    """Mean absolute error (degrees) of one frame's 20 angles: the per-frame angular error.

    >>> round(frame_mae_deg([0.1] * 20, [0.0] * 20), 4)
    5.7296
    """
    return math.degrees(math.fsum(map(abs, map(operator.sub, pred_row, true_row))) / N_JOINTS)
