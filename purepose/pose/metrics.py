"""The emg2pose metric: mean absolute joint-angle error in degrees, over valid frames.

For frames t in V (the valid frames: not inverse-kinematics failures, see
``purepose.data.emg2pose.valid_mask``) and joints j = 0..19, with e[t][j] = y_pred[t][j] -
y_true[t][j] in radians:

    MAE            = (180/pi) * sum_{t in V} sum_j |e[t][j]| / (20 * |V|)
    MAE of joint j = (180/pi) * sum_{t in V} |e[t][j]| / |V|
    MAE of a group G of joints (a finger, a segment)
                   = (180/pi) * sum_{t in V} sum_{j in G} |e[t][j]| / (|G| * |V|)
    RMSE of joint j = (180/pi) * sqrt( sum_{t in V} e[t][j]^2 / |V| )
    R^2 of joint j  = 1 - SSE_j / SST_j,  SSE_j = sum e[t][j]^2,
                      SST_j = sum (y_true[t][j] - mean_j)^2

Every frame has all 20 joints, so a group's MAE is also the plain mean of its
joints' MAEs, and the overall MAE the mean of all 20. Degrees are radians
times 180/pi, applied last. When SST_j = 0 (a joint that never moves) R^2 is
1.0 if the prediction is exact and 0.0 otherwise, the "force_finite" choice
of scikit-learn's ``r2_score``, so a report never holds NaN.

Accumulation is streaming and mergeable (:class:`ErrorAccumulator`): each
``update`` adds one correctly rounded ``math.fsum`` per joint and quantity to
a list of partial sums, and ``report`` adds those with ``fsum`` again, so the
result does not depend on chunking beyond a few units in the last place. SST
is kept as a running mean and centred sum of squares merged with the
Chan-Golub-LeVeque formula, not as sum(y^2) - (sum y)^2 / n, which cancels
catastrophically when the mean is large against the spread.

Cost: O(n_frames * 20) per update, O(number of updates * 20) per report.

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation", NeurIPS 2024 Datasets and Benchmarks
(the landmark and angular-error metrics of its reference repository);
T. F. Chan, G. H. Golub, R. J. LeVeque, "Algorithms for computing the sample
variance", The American Statistician 37 (1983).

>>> y_true = [[0.1] * 20, [0.0] * 20, [0.2] * 20]   # frame 1 is an IK failure
>>> round(angular_mae(y_true, [[0.0] * 20] * 3), 4)  # mean of 0.1 and 0.2 rad
8.5944
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from purepose.checks import first_non_finite
from purepose.errors import PureposeError
from purepose.joints import FINGERS, JOINT_NAMES, N_JOINTS, SEGMENTS, valid_mask
from purepose.types import Matrix, Vector

from .target_metrics import chan_merge

_BY = ("finger", "segment", "joint")


# ---------------------------------------------------------------------------
# Input checks


def _joint_columns(where: str, name: str, Y: Sequence[Sequence[float]]) -> list[list[float]]:
    """Check an n_frames x 20 matrix of finite angles and return its 20 columns."""
    if set(map(len, Y)) - {N_JOINTS}:
        i, row = next((i, row) for i, row in enumerate(Y) if len(row) != N_JOINTS)
        raise PureposeError(
            f"{where}: {name} row {i} has {len(row)} joint angles, expected {N_JOINTS}"
        )
    columns = [list(map(operator.itemgetter(j), Y)) for j in range(N_JOINTS)]
    for j, col in enumerate(columns):
        i = first_non_finite(col)
        if i is not None:
            raise PureposeError(
                f"{where}: {name} has non-finite value {col[i]} at row {i}, "
                f"joint {j} ({JOINT_NAMES[j]})"
            )
    return columns


def _check_mask(where: str, mask: Sequence[bool], n_frames: int) -> list[bool]:
    if len(mask) != n_frames:
        raise PureposeError(f"{where}: mask has {len(mask)} entries for {n_frames} frames")
    return [bool(m) for m in mask]


def _scored_columns(
    where: str,
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    mask: Sequence[bool] | None,
) -> tuple[list[list[float]], list[list[float]]]:
    """Check both matrices; return the 20 columns of each, restricted to the scored frames."""
    if len(y_true) != len(y_pred):
        raise PureposeError(f"{where}: y_true has {len(y_true)} rows but y_pred has {len(y_pred)}")
    true_cols = _joint_columns(where, "y_true", y_true)
    pred_cols = _joint_columns(where, "y_pred", y_pred)
    keep = valid_mask(y_true) if mask is None else _check_mask(where, mask, len(y_true))
    if all(keep):
        return true_cols, pred_cols
    return (
        [list(compress(col, keep)) for col in true_cols],
        [list(compress(col, keep)) for col in pred_cols],
    )


# ---------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class Report:
    """Errors of one prediction against the truth, in degrees, over ``n_frames`` valid frames.

    ``mae_deg`` is the emg2pose number; the dicts break it down by joint
    (``JOINT_NAMES``), finger (``FINGERS``) and segment (``SEGMENTS``);
    ``rmse_deg`` and ``r2`` are per joint. See the module docstring for the formulas.
    """

    n_frames: int
    mae_deg: float
    per_joint_mae_deg: dict[str, float]
    per_finger_mae_deg: dict[str, float]
    per_segment_mae_deg: dict[str, float]
    rmse_deg: dict[str, float]
    r2: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy: ints, finite floats and dicts of them.

        >>> evaluate([[0.1] * 20], [[0.0] * 20]).to_dict()["per_finger_mae_deg"]["thumb"]
        5.729577951308233
        """
        return {
            "n_frames": self.n_frames,
            "mae_deg": self.mae_deg,
            "per_joint_mae_deg": dict(self.per_joint_mae_deg),
            "per_finger_mae_deg": dict(self.per_finger_mae_deg),
            "per_segment_mae_deg": dict(self.per_segment_mae_deg),
            "rmse_deg": dict(self.rmse_deg),
            "r2": dict(self.r2),
        }


class ErrorAccumulator:
    """Streaming, mergeable sums for :class:`Report`: feed chunks, read the report at the end.

    Per joint it keeps the partial sums of |e| and e^2 (one ``fsum`` per
    chunk) and, for R^2, the count, mean and centred sum of squares of
    y_true (merged exactly as Chan et al.). Chunks may be any size; frames
    where ``mask`` is False (default: ``valid_mask(y_true)``) are skipped.

    >>> acc = ErrorAccumulator()
    >>> acc.update([[0.1] * 20], [[0.0] * 20]).update([[0.0] * 20], [[0.5] * 20])
    ErrorAccumulator(n_frames=1)
    >>> round(acc.report().mae_deg, 4)
    5.7296
    >>> ErrorAccumulator().report()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: ErrorAccumulator.report: no frames to score
    """

    def __init__(self) -> None:
        self.n_frames = 0  # valid frames seen
        self.n_seen = 0  # all frames seen, IK failures included
        self._abs_parts: list[list[float]] = [[] for _ in range(N_JOINTS)]
        self._sq_parts: list[list[float]] = [[] for _ in range(N_JOINTS)]
        self._mean: list[float] = [0.0] * N_JOINTS
        self._m2: list[float] = [0.0] * N_JOINTS

    def __repr__(self) -> str:
        return f"ErrorAccumulator(n_frames={self.n_frames})"

    def update(
        self,
        y_true: Sequence[Sequence[float]],
        y_pred: Sequence[Sequence[float]],
        mask: Sequence[bool] | None = None,
    ) -> ErrorAccumulator:
        """Add a chunk: y_true and y_pred are n_frames x 20 (radians); returns self.

        >>> ErrorAccumulator().update([[0.1] * 20], [])
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: ErrorAccumulator.update: y_true has 1 rows but y_pred has 0
        """
        self._update("ErrorAccumulator.update", y_true, y_pred, mask)
        return self

    def _update(
        self,
        where: str,
        y_true: Sequence[Sequence[float]],
        y_pred: Sequence[Sequence[float]],
        mask: Sequence[bool] | None,
    ) -> None:
        true_cols, pred_cols = _scored_columns(where, y_true, y_pred, mask)
        self._add(true_cols, pred_cols, n_seen=len(y_true))

    def _add(
        self, true_cols: list[list[float]], pred_cols: Sequence[Iterable[float]], n_seen: int
    ) -> None:
        """Add checked, masked columns: 20 lists of true angles, 20 iterables of predictions."""
        self.n_seen += n_seen
        n = len(true_cols[0])
        if n == 0:
            return
        n_old = self.n_frames
        self.n_frames = n_old + n
        for j in range(N_JOINTS):
            t = true_cols[j]
            e = list(map(operator.sub, pred_cols[j], t))
            self._abs_parts[j].append(math.fsum(map(abs, e)))
            self._sq_parts[j].append(math.fsum(map(operator.mul, e, e)))
            mean = math.fsum(t) / n
            d = list(map(operator.sub, t, repeat(mean)))  # two-pass: centre, then square
            m2 = math.fsum(map(operator.mul, d, d))
            self._mean[j], self._m2[j] = chan_merge(n_old, self._mean[j], self._m2[j], n, mean, m2)

    def merge(self, other: ErrorAccumulator) -> ErrorAccumulator:
        """A new accumulator holding the frames of both (neither input changes).

        >>> a = ErrorAccumulator().update([[0.1] * 20], [[0.0] * 20])
        >>> b = ErrorAccumulator().update([[0.3] * 20], [[0.0] * 20])
        >>> round(a.merge(b).report().mae_deg, 4)
        11.4592
        >>> a.merge(None)
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: ErrorAccumulator.merge: other is NoneType, ...
        """
        if not isinstance(other, ErrorAccumulator):
            raise PureposeError(
                f"ErrorAccumulator.merge: other is {type(other).__name__}, not ErrorAccumulator"
            )
        out = ErrorAccumulator()
        out.n_frames = self.n_frames + other.n_frames
        out.n_seen = self.n_seen + other.n_seen
        out._abs_parts = [a + b for a, b in zip(self._abs_parts, other._abs_parts, strict=True)]
        out._sq_parts = [a + b for a, b in zip(self._sq_parts, other._sq_parts, strict=True)]
        for j in range(N_JOINTS):
            out._mean[j], out._m2[j] = chan_merge(
                self.n_frames, self._mean[j], self._m2[j],
                other.n_frames, other._mean[j], other._m2[j],
            )  # fmt: skip
        return out

    def _check_frames(self, where: str) -> None:
        if self.n_frames == 0:
            if self.n_seen == 0:
                raise PureposeError(f"{where}: no frames to score")
            raise PureposeError(f"{where}: all {self.n_seen} frames are IK failures or masked out")

    def mae(self, *, degrees: bool = True) -> float:
        """The overall mean absolute error, in degrees (or radians with ``degrees=False``).

        >>> ErrorAccumulator().update([[0.5] * 20], [[0.0] * 20]).mae(degrees=False)
        0.5
        """
        self._check_frames("ErrorAccumulator.mae")
        mae = math.fsum(math.fsum(p) for p in self._abs_parts) / (N_JOINTS * self.n_frames)
        return math.degrees(mae) if degrees else mae

    def report(self) -> Report:
        """The :class:`Report` of every valid frame added so far."""
        return self._report("ErrorAccumulator.report")

    def _report(self, where: str) -> Report:
        self._check_frames(where)
        n = self.n_frames
        abs_sums = [math.fsum(p) for p in self._abs_parts]
        sse = [math.fsum(p) for p in self._sq_parts]

        def group_mae(joints: Sequence[int]) -> float:
            return math.degrees(math.fsum(abs_sums[j] for j in joints) / (len(joints) * n))

        return Report(
            n_frames=n,
            mae_deg=group_mae(range(N_JOINTS)),
            per_joint_mae_deg={
                name: math.degrees(s / n) for name, s in zip(JOINT_NAMES, abs_sums, strict=True)
            },
            per_finger_mae_deg={name: group_mae(joints) for name, joints in FINGERS.items()},
            per_segment_mae_deg={name: group_mae(joints) for name, joints in SEGMENTS.items()},
            rmse_deg={
                name: math.degrees(math.sqrt(s / n))
                for name, s in zip(JOINT_NAMES, sse, strict=True)
            },
            r2={name: _r2(s, m2) for name, s, m2 in zip(JOINT_NAMES, sse, self._m2, strict=True)},
        )


def _r2(sse: float, sst: float) -> float:
    """1 - SSE/SST; for a constant target (SST = 0): 1.0 if SSE = 0 else 0.0."""
    if sst > 0.0:
        return 1.0 - sse / sst
    return 1.0 if sse == 0.0 else 0.0


# ---------------------------------------------------------------------------
# One-shot helpers


def evaluate(
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    *,
    mask: Sequence[bool] | None = None,
) -> Report:
    """The :class:`Report` of ``y_pred`` against ``y_true`` (both n_frames x 20, radians).

    ``mask`` (one bool per frame, True = score it) defaults to ``valid_mask(y_true)``.

    >>> r = evaluate([[0.1] * 20, [0.2] * 20], [[0.0] * 20, [0.4] * 20])
    >>> r.n_frames, round(r.mae_deg, 4), round(r.rmse_deg["THUMB_CMC_FE"], 4)
    (2, 8.5944, 9.0593)
    >>> evaluate([[0.0] * 20], [[0.1] * 20])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: evaluate: all 1 frames are IK failures or masked out
    """
    acc = ErrorAccumulator()
    acc._update("evaluate", y_true, y_pred, mask)
    return acc._report("evaluate")


def angular_mae(
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    *,
    mask: Sequence[bool] | None = None,
    degrees: bool = True,
) -> float:
    """The emg2pose number: mean |y_pred - y_true| over all joints and valid frames.

    In degrees by default, radians with ``degrees=False``.

    >>> angular_mae([[0.25] * 20], [[0.75] * 20], degrees=False)
    0.5
    >>> angular_mae([[0.1] * 20], [[float("nan")] * 20])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: angular_mae: y_pred has non-finite value nan at row 0, ...
    """
    acc = ErrorAccumulator()
    acc._update("angular_mae", y_true, y_pred, mask)
    acc._check_frames("angular_mae")
    return acc.mae(degrees=degrees)


# ---------------------------------------------------------------------------
# Baselines


class MeanAccumulator:
    """Streaming, mergeable per-joint mean over valid frames (the mean-pose baseline).

    mean_j = sum_{t in V} y[t][j] / |V|, with one ``fsum`` per chunk and joint.

    >>> acc = MeanAccumulator().update([[1.0, 2.0], [0.0, 0.0]]).update([[3.0, 4.0]])
    >>> acc.mean()
    [2.0, 3.0]
    >>> MeanAccumulator().update([[0.0, 0.0]]).mean()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: MeanAccumulator.mean: all 1 frames are IK failures
    """

    def __init__(self) -> None:
        self.n_frames = 0
        self.n_seen = 0
        self._parts: list[list[float]] | None = None  # per joint; None until the width is known

    def __repr__(self) -> str:
        return f"MeanAccumulator(n_frames={self.n_frames})"

    def update(
        self, joint_angles: Iterable[Sequence[float]], mask: Sequence[bool] | None = None
    ) -> MeanAccumulator:
        """Add frames (n_frames x n_joints); ``mask`` defaults to ``valid_mask``. Returns self."""
        self._update("MeanAccumulator.update", joint_angles, mask)
        return self

    def _update(
        self, where: str, joint_angles: Iterable[Sequence[float]], mask: Sequence[bool] | None
    ) -> None:
        rows = joint_angles if isinstance(joint_angles, list) else list(joint_angles)
        if not rows:
            return
        width = len(self._parts) if self._parts is not None else len(rows[0])
        if width == 0 or set(map(len, rows)) - {width}:
            i, row = next((i, r) for i, r in enumerate(rows) if len(r) != width or not r)
            raise PureposeError(f"{where}: row {i} has {len(row)} joints, expected {width or 20}")
        keep = valid_mask(rows) if mask is None else _check_mask(where, mask, len(rows))
        if self._parts is None:
            self._parts = [[] for _ in range(width)]
        self.n_seen += len(rows)
        n = sum(keep)
        if n == 0:
            return
        for j in range(width):
            col = list(compress(map(operator.itemgetter(j), rows), keep))
            i = first_non_finite(col)
            if i is not None:
                raise PureposeError(f"{where}: non-finite value {col[i]} in joint {j}")
            self._parts[j].append(math.fsum(col))
        self.n_frames += n

    def merge(self, other: MeanAccumulator) -> MeanAccumulator:
        """A new accumulator holding the frames of both (neither input changes)."""
        if not isinstance(other, MeanAccumulator):
            raise PureposeError(
                f"MeanAccumulator.merge: other is {type(other).__name__}, not MeanAccumulator"
            )
        if (
            self._parts is not None
            and other._parts is not None
            and len(self._parts) != len(other._parts)
        ):
            raise PureposeError(
                f"MeanAccumulator.merge: {len(self._parts)} joints vs {len(other._parts)}"
            )
        out = MeanAccumulator()
        out.n_frames = self.n_frames + other.n_frames
        out.n_seen = self.n_seen + other.n_seen
        if self._parts is None or other._parts is None:
            parts = self._parts if self._parts is not None else other._parts
            out._parts = None if parts is None else [list(p) for p in parts]
        else:
            out._parts = [a + b for a, b in zip(self._parts, other._parts, strict=True)]
        return out

    def mean(self) -> Vector:
        """Each joint's mean over the valid frames added so far."""
        return self._mean("MeanAccumulator.mean")

    def _mean(self, where: str) -> Vector:
        if self._parts is None or self.n_frames == 0:
            if self.n_seen == 0:
                raise PureposeError(f"{where}: no frames to average")
            raise PureposeError(f"{where}: all {self.n_seen} frames are IK failures")
        return [math.fsum(p) / self.n_frames for p in self._parts]


def mean_pose(
    joint_angles: Iterable[Sequence[float]], mask: Sequence[bool] | None = None
) -> Vector:
    """Each joint's mean over the valid frames: the mean-pose baseline (use TRAINING frames).

    >>> mean_pose([[1.0, -1.0], [0.0, 0.0], [2.0, 3.0]])  # the zero row is an IK failure
    [1.5, 1.0]
    >>> mean_pose([[1.0, 1.0], [3.0, 3.0]], mask=[True])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: mean_pose: mask has 1 entries for 2 frames
    """
    acc = MeanAccumulator()
    acc._update("mean_pose", joint_angles, mask)
    return acc._mean("mean_pose")


def constant_prediction(pose: Sequence[float], n: int) -> Matrix:
    """``n`` copies of ``pose`` (each row its own list): the prediction of a constant baseline.

    >>> constant_prediction([0.5, 1.0], 2)
    [[0.5, 1.0], [0.5, 1.0]]
    >>> constant_prediction([0.5], -1)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: constant_prediction: n=-1 must be an integer >= 0
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise PureposeError(f"constant_prediction: n={n!r} must be an integer >= 0")
    if len(pose) == 0:
        raise PureposeError("constant_prediction: pose is empty")
    row = [float(v) for v in pose]
    return [row.copy() for _ in range(n)]


def evaluate_with_baselines(
    y_true: Sequence[Sequence[float]],
    y_pred: Sequence[Sequence[float]],
    train_mean: Sequence[float],
    *,
    mask: Sequence[bool] | None = None,
) -> dict[str, Report]:
    """Reports of the model beside the two trivial baselines, ready for :func:`format_table`.

    Keys: "model" (``y_pred``), "mean pose" (every frame predicted as
    ``train_mean``, each joint's mean over the TRAINING frames) and "zero pose"
    (every angle predicted as 0).

    >>> y = [[0.1] * 20, [0.3] * 20]
    >>> reports = evaluate_with_baselines(y, y, [0.2] * 20)
    >>> {k: round(r.mae_deg, 3) for k, r in reports.items()}
    {'model': 0.0, 'mean pose': 5.73, 'zero pose': 11.459}
    >>> evaluate_with_baselines(y, y, [0.2] * 3)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: evaluate_with_baselines: train_mean has 3 joints, expected 20
    """
    where = "evaluate_with_baselines"
    if len(train_mean) != N_JOINTS:
        raise PureposeError(
            f"{where}: train_mean has {len(train_mean)} joints, expected {N_JOINTS}"
        )
    if first_non_finite(train_mean) is not None:
        raise PureposeError(f"{where}: train_mean has a non-finite value")
    true_cols, pred_cols = _scored_columns(where, y_true, y_pred, mask)
    # A constant prediction needs no n_frames x 20 matrix: repeat() each joint's value.
    predictions = {
        "model": pred_cols,
        "mean pose": [repeat(float(v)) for v in train_mean],
        "zero pose": [repeat(0.0)] * N_JOINTS,
    }
    reports = {}
    for name, pred in predictions.items():
        acc = ErrorAccumulator()
        acc._add(true_cols, pred, n_seen=len(y_true))
        reports[name] = acc._report(where)
    return reports


# ---------------------------------------------------------------------------
# Table


def table_number(value: float) -> str:
    """Two decimals, or 4 significant digits once that would be wider: a column stays readable.

    >>> table_number(4.6321), table_number(1.2e27)
    ('4.63', '1.2e+27')
    """
    return f"{value:.2f}" if abs(value) < 1e5 else f"{value:.4g}"


def format_table(reports: Mapping[str, Report], *, by: str = "finger") -> str:
    """A monospace table of MAE in degrees: one column per report, one row per group.

    Rows: "overall", then the fingers (``by="finger"``), segments
    (``by="segment"``) or the 20 joints (``by="joint"``), then "n frames".
    Values have 2 decimals; the first column is left-aligned, the others right-aligned.

    >>> y = [[0.1] * 20, [0.3] * 20]
    >>> print(format_table(evaluate_with_baselines(y, y, [0.2] * 20), by="segment"))
    MAE (deg)  model  mean pose  zero pose
    ---------  -----  ---------  ---------
    overall     0.00       5.73      11.46
    proximal    0.00       5.73      11.46
    mid         0.00       5.73      11.46
    distal      0.00       5.73      11.46
    n frames       2          2          2
    >>> format_table({}, by="finger")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: format_table: no reports to show
    """
    if by not in _BY:
        raise PureposeError(f"format_table: by={by!r} must be one of {', '.join(_BY)}")
    if not reports:
        raise PureposeError("format_table: no reports to show")
    for name, report in reports.items():
        if not isinstance(report, Report):
            raise PureposeError(
                f"format_table: reports[{name!r}] is {type(report).__name__}, not Report"
            )
    groups = {"finger": "per_finger_mae_deg", "segment": "per_segment_mae_deg"}
    first = next(iter(reports.values()))
    row_names = list(getattr(first, groups[by]) if by in groups else first.per_joint_mae_deg)
    table = [["MAE (deg)", *reports]]
    table.append(["overall", *(table_number(r.mae_deg) for r in reports.values())])
    for row in row_names:
        values = (
            getattr(r, groups[by])[row] if by in groups else r.per_joint_mae_deg[row]
            for r in reports.values()
        )
        table.append([row, *(table_number(v) for v in values)])
    table.append(["n frames", *(str(r.n_frames) for r in reports.values())])
    widths = [max(len(line[c]) for line in table) for c in range(len(table[0]))]
    table.insert(1, ["-" * w for w in widths])
    return "\n".join(
        "  ".join(
            [line[0].ljust(widths[0]), *(cell.rjust(w) for cell, w in zip(line[1:], widths[1:]))]
        )
        for line in table
    )
