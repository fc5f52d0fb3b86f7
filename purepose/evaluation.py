"""Score a model on recordings, always beside the trivial baselines it must beat.

For every scored window (target valid, in the chosen repetitions, and, with
``movement_only``, during a movement) the model's prediction is compared
with the truth, and so are two baselines computed on the same windows:

    mean pose   every window predicted as the training mean of each target
    zero pose   every target predicted as 0 (only where zero means the hand
                at rest: joint angles, not raw glove readings)

Two families of numbers come out (both in ``Evaluation.to_dict``):

* for the 20 emg2pose joint angles, the emg2pose metric: angular MAE in
  degrees overall, per joint, finger and segment (:mod:`purepose.metrics`);
* for the joint angles too, the distance between predicted and true hand
  landmarks in millimetres on purepose's generic hand (:mod:`purepose.hand`;
  not digit-for-digit comparable with the paper's UmeTrack figures);
* for any targets, MAE in the target's unit, normalised MAE, Pearson r and
  R², per target and averaged (:mod:`purepose.target_metrics`).

A scored file that was used for training (the same bytes, sharing a
repetition) would report an optimistic error: ``evaluate`` refuses it unless
``allow_overlap`` is set, and then warns.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._util import Progress
from .errors import PureposeError
from .hand import LandmarkAccumulator, LandmarkReport, format_landmark_table
from .io import JOINT_NAMES
from .metrics import ErrorAccumulator, Report, format_table
from .model import PoseRegressor, SourceLike
from .sources import as_source
from .target_metrics import TargetAccumulator, TargetReport, format_target_table
from .training import features_task, map_ordered, overlap

MODEL, MEAN_POSE, ZERO_POSE = "model", "mean pose", "zero pose"


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
            warnings.warn(message, stacklevel=3)


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

    See :class:`~purepose.model.PoseRegressor` for an example.

    >>> evaluate(PoseRegressor(), ["s.hdf5"])
    Traceback (most recent call last):
    ...
    purepose.errors.NotFittedError: PoseRegressor: not fitted yet; call fit() or load() first
    """
    model._check_fitted()
    items = [as_source(s) for s in sources]
    if not items:
        raise PureposeError("evaluate: no recordings given")
    names = model.target_names_
    angular = model.target_unit_ == "rad" and tuple(names) == JOINT_NAMES
    poses = _baselines(model)
    accs = {name: TargetAccumulator(len(names)) for name in (MODEL, *poses)}
    angle_accs = {name: ErrorAccumulator() for name in accs} if angular else {}
    hand_accs = {name: LandmarkAccumulator() for name in accs} if angular and landmarks else {}
    tasks = [(s, model.config()) for s in items]
    with Progress(len(tasks), "evaluate", quiet=quiet) as progress:
        for feats, layout in map_ordered(features_task, tasks, n_jobs, progress):
            name = layout.source["name"]
            model._check_layout(layout.n_channels, layout.target_names, name)
            if not layout.target_names:
                raise PureposeError(f"{name}: has no targets to score against")
            _check_leakage(model, layout.source, allow_overlap)
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
            for key, pred in predictions.items():
                accs[key].update(feats.Y, pred, mask)
                if angular:
                    angle_accs[key].update(feats.Y, pred, mask)
                if hand_accs:
                    hand_accs[key].update(feats.Y, pred, mask)
    unit = model.target_unit_
    return Evaluation(
        reports={k: a.report() for k, a in angle_accs.items()},
        target_reports={k: a.report(names, unit) for k, a in accs.items()},
        n_sessions=len(items),
        frames="movement" if movement_only else "all",
        landmarks={k: a.report() for k, a in hand_accs.items()},
    )
