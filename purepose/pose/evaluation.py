"""Score a model on recordings, always beside the trivial baselines it must beat.

For every scored window (target valid, in the chosen repetitions, and, with
``movement_only``, during a movement) the model's prediction is compared
with the truth, and so are two baselines computed on the same windows:

    mean pose   every window predicted as the training mean of each target
    zero pose   every target predicted as 0 (only where zero means the hand
                at rest: joint angles, not raw glove readings)

Two families of numbers come out (both in ``Evaluation.to_dict``):

* for the 20 emg2pose joint angles, the emg2pose metric: angular MAE in
  degrees overall, per joint, finger and segment (:mod:`purepose.pose.metrics`);
* for the joint angles too, the distance between predicted and true hand
  landmarks in millimetres on purepose's generic hand (:mod:`purepose.pose.hand`;
  not digit-for-digit comparable with the paper's UmeTrack figures);
* for any targets, MAE in the target's unit, normalised MAE, Pearson r and
  R², per target and averaged (:mod:`purepose.pose.target_metrics`).

A scored file that was used for training (the same bytes, sharing a
repetition) would report an optimistic error: ``evaluate`` refuses it unless
``allow_overlap`` is set, and then warns.

The emg2pose paper's headline table scores the same model separately on new
sessions of training users, on held-out users, on held-out stages and on
both. ``evaluate(..., groups=...)`` scores each group of recordings on its
own (and all of them together) in the same single pass;
``metadata_groups(dataset, "generalization")`` reads those groups from a
dataset's ``metadata.csv`` (none, user, stage, user_stage), and
:class:`GroupedEvaluation` prints them as one table.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from purepose._util import Progress
from purepose.data.sources import Source, as_source
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES
from purepose.types import PathLike

from .landmarks import LandmarkAccumulator, LandmarkReport, format_landmark_table
from .metrics import ErrorAccumulator, Report, format_table
from .model import PoseRegressor, SourceLike
from .target_metrics import TargetAccumulator, TargetReport, format_target_table
from .training import features_task, map_ordered, overlap

MODEL, MEAN_POSE, ZERO_POSE = "model", "mean pose", "zero pose"
GENERALIZATION = ("none", "user", "stage", "user_stage")
"""emg2pose's generalization conditions, in the order of the paper's table."""
ALL = "all"


@dataclass
class Evaluation:
    """Reports of the model and the baselines over the same windows.

    ``reports`` holds the emg2pose angular reports (empty unless the targets
    are the 20 joint angles in radians); ``target_reports`` the reports for
    any targets; both are keyed "model", "mean pose" and, where it means
    something, "zero pose".
    """

    reports: dict[str, Report]
    target_reports: dict[str, TargetReport]
    n_sessions: int
    frames: str
    landmarks: dict[str, LandmarkReport]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "n_sessions": self.n_sessions,
            "frames": self.frames,
            "reports": {name: r.to_dict() for name, r in self.reports.items()},
            "target_reports": {name: r.to_dict() for name, r in self.target_reports.items()},
            "landmarks": {name: r.to_dict() for name, r in self.landmarks.items()},
        }

    def table(self, *, by: str = "finger") -> str:
        """The emg2pose table in degrees for joint angles, else the table for any targets.

        ``by``: finger, segment or joint (joint angles); "target" lists every
        target's nMAE (any targets).
        """
        if self.reports and by != "target":
            table = format_table(self.reports, by=by)
            if self.landmarks:
                table += "\n\n" + format_landmark_table(self.landmarks)
            return table
        return format_target_table(self.target_reports, by_target=by in ("target", "joint"))


@dataclass
class GroupedEvaluation:
    """One :class:`Evaluation` per group of recordings (a metadata column's values) and overall.

    ``column`` names the grouping (e.g. "generalization"); ``groups`` maps
    each value to its evaluation, in the order of :data:`GENERALIZATION`
    for that column and sorted otherwise; ``overall`` scores every recording.
    """

    column: str
    groups: dict[str, Evaluation]
    overall: Evaluation

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the overall evaluation's fields plus ``by`` and ``groups``."""
        out = self.overall.to_dict()
        out["by"] = self.column
        out["groups"] = {name: ev.to_dict() for name, ev in self.groups.items()}
        return out

    def table(self) -> str:
        """One row per group and one for all: recordings, frames, the metric beside the baselines.

        Joint angles: the angular MAE in degrees (the paper's table); any
        other targets: the normalised MAE.
        """
        rows = {**self.groups, ALL: self.overall}
        angular = bool(self.overall.reports)
        names = list(self.overall.reports if angular else self.overall.target_reports)
        metric = "MAE (deg)" if angular else "nMAE"
        lines = [[self.column, "recordings", "n frames", *names]]
        for value, ev in rows.items():
            if angular:
                cells = [f"{ev.reports[n].mae_deg:.2f}" for n in names]
                frames = ev.reports[names[0]].n_frames
            else:
                reports = [ev.target_reports[n] for n in names]
                cells = ["–" if r.nmae is None else f"{r.nmae:.3f}" for r in reports]
                frames = reports[0].n_frames
            lines.append([value, str(ev.n_sessions), str(frames), *cells])
        widths = [max(len(line[c]) for line in lines) for c in range(len(lines[0]))]
        lines.insert(1, ["-" * w for w in widths])
        body = "\n".join(
            "  ".join(
                [line[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(line[1:], widths[1:]))]
            )
            for line in lines
        )
        return f"{metric} by {self.column}\n{body}"


def metadata_groups(dataset: PathLike, column: str = "generalization") -> dict[Path, str]:
    """Each recording file of a dataset directory and its value in a ``metadata.csv`` column.

    >>> metadata_groups("no-such-dir")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: --by generalization: no-such-dir is not a dataset directory ...
    """
    from purepose.data.emg2pose import Dataset

    root = Path(dataset)
    if not (root / "metadata.csv").is_file():
        raise PureposeError(
            f"--by {column}: {root} is not a dataset directory (no metadata.csv with a "
            f"{column} column); give one dataset directory"
        )
    ds = Dataset(root)
    if ds.records and column not in ds.records[0]:
        raise PureposeError(f"--by {column}: {ds.metadata_path} has no {column} column")
    return {ds.path(r).resolve(): r[column] for r in ds.records}


def _group_order(column: str, values: Iterable[str]) -> list[str]:
    known = GENERALIZATION if column == "generalization" else ()
    values = set(values)
    return [v for v in known if v in values] + sorted(values.difference(known))


def _baselines(model: PoseRegressor) -> dict[str, list[float]]:
    poses = {MEAN_POSE: list(model.mean_pose_)}
    if model.zero_is_rest_:
        poses[ZERO_POSE] = [0.0] * len(model.target_names_)
    return poses


def _check_leakage(model: PoseRegressor, scored: dict[str, Any], allow_overlap: bool) -> None:
    for trained in model.trained_on_:
        if overlap(trained, scored):
            part = "all of it" if trained["part"] == "all" else f"repetitions {trained['part']}"
            message = (
                f"{scored['name']} was used to train this model ({part}); its score would be "
                "optimistic"
            )
            if not allow_overlap:
                raise PureposeError(message + " (pass --allow-overlap to score it anyway)")
            warnings.warn(message, stacklevel=4)  # the caller of evaluate()


class _Scores:
    """The accumulators of one evaluation: model and baselines, any-target, angular, landmarks."""

    def __init__(self, n_targets: int, keys: Iterable[str], angular: bool, landmarks: bool):
        keys = list(keys)
        self.n_sessions = 0
        self.targets = {k: TargetAccumulator(n_targets) for k in keys}
        self.angles = {k: ErrorAccumulator() for k in keys} if angular else {}
        self.hands = {k: LandmarkAccumulator() for k in keys} if angular and landmarks else {}

    def update(self, Y, predictions: dict[str, Any], mask: list[bool]) -> None:
        self.n_sessions += 1
        for key, pred in predictions.items():
            self.targets[key].update(Y, pred, mask)
            if self.angles:
                self.angles[key].update(Y, pred, mask)
            if self.hands:
                self.hands[key].update(Y, pred, mask)

    def evaluation(self, names: list[str], unit: str, frames: str) -> Evaluation:
        return Evaluation(
            reports={k: a.report() for k, a in self.angles.items()},
            target_reports={k: a.report(names, unit) for k, a in self.targets.items()},
            n_sessions=self.n_sessions,
            frames=frames,
            landmarks={k: a.report() for k, a in self.hands.items()},
        )


def evaluate(
    model: PoseRegressor,
    sources: Iterable[SourceLike],
    *,
    movement_only: bool = False,
    allow_overlap: bool = False,
    landmarks: bool = True,
    n_jobs: int = 1,
    quiet: bool = True,
) -> Evaluation:
    """Score ``model`` on sources beside the baselines (module docstring).

    ``landmarks=False`` skips the hand landmarks (forward kinematics costs
    about 35 µs a frame for each report).

    See :class:`~purepose.pose.model.PoseRegressor` for an example.

    >>> evaluate(PoseRegressor(), ["s.hdf5"])
    Traceback (most recent call last):
    ...
    purepose.errors.NotFittedError: PoseRegressor: not fitted yet; call fit() or load() first
    """
    options = _Options(movement_only, allow_overlap, landmarks, n_jobs, quiet)
    overall, _ = _score(model, [as_source(s) for s in sources], options, None)
    return overall


def evaluate_groups(
    model: PoseRegressor,
    sources: Iterable[SourceLike],
    groups: Mapping[PathLike, str],
    *,
    column: str = "generalization",
    movement_only: bool = False,
    allow_overlap: bool = False,
    landmarks: bool = True,
    n_jobs: int = 1,
    quiet: bool = True,
) -> GroupedEvaluation:
    """Score ``model`` on each group of sources on its own, and on all of them, in one pass.

    ``groups`` maps file paths to a group value (every scored file must be
    in it), such as ``metadata_groups(dataset_dir, "generalization")``;
    ``column`` names the grouping in the table. Each group's evaluation is
    exactly what :func:`evaluate` gives on that group's sources alone.

    >>> evaluate_groups(PoseRegressor(), ["s.hdf5"], {"s.hdf5": "none"})
    Traceback (most recent call last):
    ...
    purepose.errors.NotFittedError: PoseRegressor: not fitted yet; call fit() or load() first
    """
    options = _Options(movement_only, allow_overlap, landmarks, n_jobs, quiet)
    items = [as_source(s) for s in sources]
    model.check_fitted()
    overall, per_group = _score(model, items, options, _source_groups(items, groups, column))
    return GroupedEvaluation(
        column, {g: per_group[g] for g in _group_order(column, per_group)}, overall
    )


@dataclass(frozen=True)
class _Options:
    movement_only: bool
    allow_overlap: bool
    landmarks: bool
    n_jobs: int
    quiet: bool


def _score(
    model: PoseRegressor, items: list[Source], options: _Options, group_of: list[str] | None
) -> tuple[Evaluation, dict[str, Evaluation]]:
    """One pass over the sources: the overall evaluation and one per group (``group_of[i]``)."""
    model.check_fitted()
    if not items:
        raise PureposeError("evaluate: no recordings given")
    names = model.target_names_
    angular = model.target_unit_ == "rad" and tuple(names) == JOINT_NAMES
    poses = _baselines(model)
    keys = (MODEL, *poses)
    overall = _Scores(len(names), keys, angular, options.landmarks)
    per_group = {
        g: _Scores(len(names), keys, angular, options.landmarks) for g in set(group_of or ())
    }
    movement_only = options.movement_only
    tasks = [(s, model.config()) for s in items]
    with Progress(len(tasks), "evaluate", quiet=options.quiet) as progress:
        results = map_ordered(features_task, tasks, options.n_jobs, progress)
        for i, (feats, layout) in enumerate(results):
            name = layout.source["name"]
            model.check_layout(layout.n_channels, layout.target_names, name)
            if not layout.target_names:
                raise PureposeError(f"{name}: has no targets to score against")
            _check_leakage(model, layout.source, options.allow_overlap)
            mask = feats.mask(movement_only=movement_only)
            feats = model.scored_windows(feats, mask)
            mask = feats.mask(movement_only=movement_only)
            if not any(mask):
                raise PureposeError(
                    f"{name}: no window to score (every target is invalid, such as an "
                    "inverse-kinematics failure, or outside the chosen frames)"
                )
            predictions = {MODEL: model.predict_windows(feats).values}
            predictions.update({k: [pose] * len(feats.Y) for k, pose in poses.items()})
            overall.update(feats.Y, predictions, mask)
            if group_of is not None:
                per_group[group_of[i]].update(feats.Y, predictions, mask)
    frames = "movement" if movement_only else "all"
    unit = model.target_unit_
    return overall.evaluation(names, unit, frames), {
        g: acc.evaluation(names, unit, frames) for g, acc in per_group.items()
    }


def _source_groups(items: list[Source], groups: Mapping[PathLike, str], column: str) -> list[str]:
    """The group of every source, in order, or a clear error naming a file the mapping lacks."""
    by_path = {Path(p).resolve(): g for p, g in groups.items()}
    out = []
    for src in items:
        group = by_path.get(src.path.resolve())
        if group is None:
            raise PureposeError(f"--by {column}: {src.path} has no {column} value")
        out.append(group)
    return out
