"""Score predictions made by any program: rows of (time, targets) matched to a recording.

A predictions CSV is what ``purepose predict`` writes: a header ``time,<target
name>,...`` (the targets in any order, each named as in the recording) and one
row per prediction. Every row is matched to the recording's sample whose
time is nearest, and must be within half a sample period of it,

    |t_row - t_sample| <= 1 / (2 sample_rate)

so the rows of ``purepose predict`` (the times of the windows' label samples,
written with ``repr``) match exactly. A row that matches no sample, a time
outside the recording, two rows on one sample, a missing target, an unknown
column, a non-finite number: each is a one-line error naming the file and
the line. Matched rows are scored where the truth is valid (not an
inverse-kinematics failure), in the chosen repetitions (``--split``/``--reps``;
other rows are left out and counted) and, with ``movement_only``, during a
movement, by the same accumulators as :func:`purepose.pose.evaluation.evaluate`,
beside the same baselines, so a model's own CSV reproduces its evaluation.

The mean-pose baseline needs a training mean. Without a model there is
none, so the caller chooses (``mean_pose``): a model's ``mean_pose_``, the
mean of some training recordings (:func:`training_mean`: every valid sample,
the exactly rounded sum over the count), or, when neither is given, the
mean of the scored truth itself, which is labelled as such because it
flatters the baseline (it is the best constant in hindsight).

>>> match_samples([0.0, 0.5, 1.0], [0.0, 0.5, 1.0, 1.5], 2.0, "p.csv")
[0, 1, 2]
>>> match_samples([2.0], [0.0, 0.5, 1.0, 3.0], 2.0, "p.csv")   # a gap in the recording
Traceback (most recent call last):
...
purepose.errors.PureposeError: p.csv line 2: time 2.0 is 1 s from the nearest sample (1.0 s); ...
"""

from __future__ import annotations

import bisect
import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from purepose.data.recording import REPETITION, STIMULUS, Recording, repetition_groups
from purepose.data.sources import Source
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES
from purepose.types import Matrix, PathLike, Vector

from .evaluation import MEAN_POSE, MODEL, ZERO_POSE, Evaluation
from .landmarks import LandmarkAccumulator
from .metrics import ErrorAccumulator
from .target_metrics import TargetAccumulator

TIME_COLUMN = "time"
READ_ROWS = 1 << 15
"""Target rows read at a time when gathering the matched samples."""


@dataclass
class Predictions:
    """Rows of one predictions file: times, values in the recording's target order, CSV lines."""

    where: str
    times: Vector
    rows: Matrix
    lines: list[str]


def read_predictions_csv(
    path: PathLike, target_names: Sequence[str], *, degrees: bool = False, max_rows: int
) -> Predictions:
    """Read a predictions CSV for a recording with ``target_names`` (module docstring).

    ``degrees``: the file holds angles in degrees (``purepose predict
    --degrees``); they are converted to radians. More than ``max_rows``
    rows (the recording's sample count) cannot all match distinct samples.
    """
    where = str(path)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise PureposeError(f"{where}: empty file (expected a header: time,<targets>)")
            order = _columns(where, [h.strip() for h in header], target_names)
            times, rows, lines = [], [], []
            for line, cells in enumerate(reader, start=2):
                if not cells:
                    continue
                if len(rows) >= max_rows:
                    raise PureposeError(
                        f"{where}: more than {max_rows} rows, the recording's number of "
                        "samples: some must share a sample"
                    )
                values = _numbers(where, line, cells, header)
                times.append(values[order[TIME_COLUMN]])
                rows.append([values[order[name]] for name in target_names])
                lines.append(f"line {line}")
    except UnicodeDecodeError:
        raise PureposeError(f"{where}: not a UTF-8 text file") from None
    if not rows:
        raise PureposeError(f"{where}: no prediction rows after the header")
    if degrees:
        rows = [[math.radians(v) for v in row] for row in rows]
    return Predictions(where, times, rows, lines)


def _columns(where: str, header: list[str], target_names: Sequence[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            raise PureposeError(f"{where}: column {name!r} appears twice in the header")
        seen[name] = i
    if TIME_COLUMN not in seen:
        raise PureposeError(f"{where}: no {TIME_COLUMN!r} column in the header")
    unknown = [h for h in header if h != TIME_COLUMN and h not in target_names]
    if unknown:
        raise PureposeError(
            f"{where}: column {unknown[0]!r} is not a target of the recording "
            f"(its targets: {_names(target_names)})"
        )
    missing = [name for name in target_names if name not in seen]
    if missing:
        raise PureposeError(
            f"{where}: no column for target {missing[0]!r}"
            + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
            + f" (every target is needed: {_names(target_names)})"
        )
    return seen


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:4])
    return shown + (f", ... ({len(names)} in all)" if len(names) > 4 else "")


def _numbers(where: str, line: int, cells: list[str], header: list[str]) -> list[float]:
    if len(cells) != len(header):
        raise PureposeError(
            f"{where} line {line}: {len(cells)} values, the header has {len(header)} columns"
        )
    values = []
    for cell, name in zip(cells, header):
        try:
            value = float(cell)
        except ValueError:
            raise PureposeError(
                f"{where} line {line}: {name.strip()} = {cell[:20]!r} is not a number"
            ) from None
        if not math.isfinite(value):
            raise PureposeError(
                f"{where} line {line}: {name.strip()} = {cell[:20]!r} is not a finite number"
            )
        values.append(value)
    return values


def match_samples(
    times: Sequence[float],
    sample_times: Sequence[float],
    sample_rate: float,
    where: str,
    labels: Sequence[str] | None = None,
) -> list[int]:
    """The sample index of each time: the nearest sample, within half a sample period.

    ``sample_times`` must be non-decreasing (every recording's are);
    ``labels`` name the rows in messages (default ``line 2``, ``line 3`` ...,
    a CSV's lines). Raises PureposeError for a time outside the recording, a
    time farther than the tolerance from every sample, or two times on one sample.
    """
    labels = labels if labels is not None else [f"line {i + 2}" for i in range(len(times))]
    half = 0.5 / sample_rate
    slack = half * (1.0 + 1e-9)  # a half period written in decimal may round up
    first, last = sample_times[0], sample_times[-1]
    owner: dict[int, str] = {}
    indices = []
    for t, label in zip(times, labels):
        if t < first - slack or t > last + slack:
            raise PureposeError(
                f"{where} {label}: time {t!r} is outside the recording ({first!r} .. {last!r} s)"
            )
        i = bisect.bisect_left(sample_times, t)
        candidates = [j for j in (i - 1, i) if 0 <= j < len(sample_times)]
        j = min(candidates, key=lambda c: (abs(sample_times[c] - t), c))
        if abs(sample_times[j] - t) > slack:
            raise PureposeError(
                f"{where} {label}: time {t!r} is {abs(sample_times[j] - t):.3g} s from the "
                f"nearest sample ({sample_times[j]!r} s); rows must be within half a sample "
                f"period ({half:.3g} s) of a sample"
            )
        if j in owner:
            raise PureposeError(
                f"{where} {owner[j]} and {label}: both match sample {j} "
                f"(time {sample_times[j]!r} s); one prediction per sample"
            )
        owner[j] = label
        indices.append(j)
    return indices


# ---------------------------------------------------------------------------
# Gathering the truth at the matched samples


@dataclass
class Matched:
    """One recording's scored rows: truth and prediction, in sample order."""

    name: str
    truth: Matrix
    predicted: Matrix
    n_rows: int  # rows in the file
    n_left_out: int  # matched but not scored (invalid, other repetitions, rest)


def gather(
    source: Source, rec: Recording, indices: list[int], rows: Matrix, *, movement_only: bool
) -> Matched:
    """The truth at ``indices`` and which of those samples are scored (module docstring)."""
    order = sorted(range(len(indices)), key=indices.__getitem__)
    indices = [indices[k] for k in order]
    rows = [rows[k] for k in order]
    truth = rows_at(rec, indices)
    keep = rec.valid_mask(truth)
    available = None
    groups = None
    if REPETITION in rec.label_names:
        groups = repetition_groups(rec.read_field(REPETITION))
        available = set(groups)
    wanted = source.repetitions(available)
    if wanted is not None and groups is not None:
        keep = [k and groups[i] in wanted for k, i in zip(keep, indices)]
    if movement_only:
        if STIMULUS not in rec.label_names:
            raise PureposeError(f"{rec.name}: no stimulus labels, so movement frames are unknown")
        stimulus = rec.read_field(STIMULUS)
        keep = [k and stimulus[i] != 0 for k, i in zip(keep, indices)]
    scored_truth = [y for y, k in zip(truth, keep) if k]
    scored_pred = [p for p, k in zip(rows, keep) if k]
    return Matched(rec.name, scored_truth, scored_pred, len(rows), len(rows) - len(scored_pred))


def rows_at(rec: Recording, indices: list[int]) -> Matrix:
    """Target rows at sorted sample indices, read a block of rows at a time.

    >>> from purepose.data.recording import ArrayRecording
    >>> rec = ArrayRecording("r", emg=[[0.0]] * 4, targets=[[float(i)] for i in range(4)],
    ...                      sample_rate=1.0)
    >>> rows_at(rec, [1, 3])
    [[1.0], [3.0]]
    """
    out: Matrix = []
    k = 0
    for start in range(0, len(rec), READ_ROWS):
        if k == len(indices):
            break
        stop = min(start + READ_ROWS, len(rec))
        if indices[k] >= stop:
            continue
        block = rec.read_field("targets", start, stop)
        while k < len(indices) and indices[k] < stop:
            out.append(block[indices[k] - start])
            k += 1
    return out


def exact_parts(values: Sequence[float]) -> list[float]:
    """Floats whose exact sum is the exact sum of ``values`` (fsum, then its residuals).

    Adding the parts of several lists with ``math.fsum`` gives the exactly
    rounded sum of all the values, without holding them all at once.

    >>> exact_parts([1e16, 1.0, -1e16 + 2.0])
    [3.0]
    """
    parts: list[float] = []
    for _ in range(64):  # each part captures at least 53 more bits: a few passes suffice
        rest = math.fsum([*values, *(-p for p in parts)])
        if rest == 0.0:
            break
        parts.append(rest)
    return parts


def training_mean(sources: Sequence[Source], target_names: Sequence[str]) -> Vector:
    """Each target's mean over every valid sample of the sources (the exactly rounded sum / n).

    The same number as ``math.fsum(values) / len(values)`` over all those
    samples at once (``statistics.fmean``), whatever the number of files.
    """
    parts: list[list[float]] = [[] for _ in target_names]
    count = 0
    for src in sources:
        with src.open() as rec:
            if list(rec.target_names) != list(target_names):
                raise PureposeError(
                    f"{rec.name}: targets {_names(rec.target_names)} differ from the scored "
                    f"recording's {_names(target_names)}"
                )
            targets = rec.read_field("targets")
            keep = rec.valid_mask(targets)
            if REPETITION in rec.label_names:
                groups = repetition_groups(rec.read_field(REPETITION))
                wanted = src.repetitions(set(groups))
                if wanted is not None:
                    keep = [k and g in wanted for k, g in zip(keep, groups)]
            kept = [y for y, k in zip(targets, keep) if k]
            count += len(kept)
            for j, column in enumerate(zip(*kept)):
                parts[j] += exact_parts(column)
    if count == 0:
        raise PureposeError("training_mean: no valid training sample")
    return [math.fsum(p) / count for p in parts]


# ---------------------------------------------------------------------------
# Scoring


def score(
    matched: Sequence[Matched],
    target_names: Sequence[str],
    target_unit: str,
    *,
    mean_pose: Sequence[float] | None,
    zero_is_rest: bool,
    name: str = MODEL,
    landmarks: bool = True,
    frames: str = "all",
) -> Evaluation:
    """Reports of the predictions beside the baselines, over the scored rows of every recording.

    ``mean_pose`` None: the mean of the scored truth (the caller labels it).
    Each recording's rows are one update of each accumulator, as in
    :func:`purepose.pose.evaluation.evaluate`, so the numbers are the same.
    """
    if not any(m.truth for m in matched):
        raise PureposeError(
            "no prediction to score: every matched row is invalid (an inverse-kinematics "
            "failure) or outside the chosen repetitions or frames"
        )
    width = len(target_names)
    if mean_pose is None:
        parts: list[list[float]] = [[] for _ in range(width)]
        for m in matched:
            for j, column in enumerate(zip(*m.truth)):
                parts[j] += exact_parts(column)
        count = sum(len(m.truth) for m in matched)
        mean_pose = [math.fsum(p) / count for p in parts]
    poses = {MEAN_POSE: list(mean_pose)}
    if zero_is_rest:
        poses[ZERO_POSE] = [0.0] * width
    angular = target_unit == "rad" and tuple(target_names) == JOINT_NAMES
    accs = {key: TargetAccumulator(width) for key in (name, *poses)}
    angle_accs = {key: ErrorAccumulator() for key in accs} if angular else {}
    hand_accs = {key: LandmarkAccumulator() for key in accs} if angular and landmarks else {}
    for m in matched:
        if not m.truth:
            continue
        every = [True] * len(m.truth)
        predictions = {name: m.predicted, **{k: [p] * len(m.truth) for k, p in poses.items()}}
        for key, pred in predictions.items():
            accs[key].update(m.truth, pred, every)
            if angular:
                angle_accs[key].update(m.truth, pred, every)
            if hand_accs:
                hand_accs[key].update(m.truth, pred, every)
    return Evaluation(
        reports={k: a.report() for k, a in angle_accs.items()},
        target_reports={k: a.report(target_names, target_unit) for k, a in accs.items()},
        n_sessions=len(matched),
        frames=frames,
        landmarks={k: a.report() for k, a in hand_accs.items()},
    )


def score_files(
    pairs: Sequence[tuple[Source, Path]],
    *,
    degrees: bool = False,
    mean_pose: Sequence[float] | None = None,
    movement_only: bool = False,
) -> tuple[Evaluation, dict[str, Any]]:
    """Score predictions CSVs, one per source: the evaluation and what was matched.

    The second value holds ``rows`` (in the files), ``scored`` and
    ``tolerance_s`` (half a sample period of the first recording).
    """
    matched: list[Matched] = []
    names: tuple[str, ...] | None = None
    unit, zero_is_rest, tolerance = "", False, 0.0
    for source, path in pairs:
        with source.open() as rec:
            if not rec.n_targets:
                raise PureposeError(f"{rec.name}: has no targets to score against")
            if names is None:
                names, unit, zero_is_rest = rec.target_names, rec.target_unit, rec.zero_is_rest
                tolerance = 0.5 / rec.sample_rate
            elif tuple(rec.target_names) != names:
                raise PureposeError(f"{rec.name}: its targets differ from the first recording's")
            table = read_predictions_csv(
                path, rec.target_names, degrees=degrees, max_rows=len(rec)
            )
            indices = match_samples(
                table.times, rec.read_field("time"), rec.sample_rate, table.where, table.lines
            )
            matched.append(gather(source, rec, indices, table.rows, movement_only=movement_only))
    if names is None:
        raise PureposeError("score_files: no predictions to score")
    if mean_pose is not None and len(mean_pose) != len(names):
        raise PureposeError(f"the mean pose has {len(mean_pose)} values for {len(names)} targets")
    evaluation = score(
        matched,
        names,
        unit,
        mean_pose=mean_pose,
        zero_is_rest=zero_is_rest,
        frames="movement" if movement_only else "all",
    )
    info = {
        "rows": sum(m.n_rows for m in matched),
        "scored": sum(len(m.truth) for m in matched),
        "tolerance_s": tolerance,
    }
    return evaluation, info
