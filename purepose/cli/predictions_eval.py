"""``purepose evaluate --predictions CSV DATA``: score any program's predictions like a model's.

The CSV is what ``purepose predict`` writes (purepose.pose.predictions has the
rules: rows matched to samples within half a sample period, one-line errors
for everything else). The mean-pose baseline comes from ``--mean-pose-from``
(a model's training mean, or training recordings) or, without it, from the
scored truth itself, which the output says, because it flatters the baseline.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from purepose.errors import PureposeError

from .common import recording_options, resolve_data


def predictions_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("predictions (score a CSV instead of a model)")
    g.add_argument(
        "--predictions",
        action="append",
        default=None,
        metavar="CSV",
        help="predictions to score instead of a model: a time column and one column per "
        "target, as `purepose predict` writes; rows match samples within half a sample "
        "period; once per recording of DATA, in the same order",
    )
    g.add_argument(
        "--mean-pose-from",
        default=None,
        metavar="MODEL_OR_DATA",
        help="the mean-pose baseline: a model JSON's training mean, a dataset directory's "
        "train split, or recordings (their train repetitions if they have any); default: "
        "the mean of the scored truth, which flatters the baseline and is labelled so",
    )
    g.add_argument("--degrees", action="store_true", help="the CSV's angles are in degrees")


def check_no_prediction_options(args: argparse.Namespace) -> None:
    if args.mean_pose_from is not None or args.degrees:
        raise PureposeError("--mean-pose-from and --degrees go with --predictions")


def _mean_pose(args: argparse.Namespace, first_source) -> tuple[list[float] | None, str]:
    """The mean pose to score against, and where it came from (for the output)."""
    from purepose.data.recording import REPETITION
    from purepose.data.sources import Source, resolve
    from purepose.pose.predictions import training_mean

    where = args.mean_pose_from
    with first_source.open() as rec:
        names = list(rec.target_names)
    if where is None:
        return None, "scored truth"
    path = Path(where)
    if path.suffix.lower() == ".json":
        from purepose.pose.model import PoseRegressor

        model = PoseRegressor.load(path)
        if model.target_names_ != names:
            raise PureposeError(
                f"--mean-pose-from {where}: the model's targets differ from DATA's"
            )
        return list(model.mean_pose_), f"model {where}"
    options = recording_options(args)
    dataset = (path / "metadata.csv").is_file()
    sources = resolve([where], split="train" if dataset else None, options=options)
    if not dataset:
        with_reps = []
        for src in sources:
            with src.open() as rec:
                labelled = REPETITION in rec.label_names
            with_reps.append(Source(src.path, split="train", options=options) if labelled else src)
        sources = with_reps
    return training_mean(sources, names), f"training data {where}"


def evaluate_predictions(args: argparse.Namespace) -> int:
    import json

    from purepose.pose.predictions import score_files

    data = ([args.model] if args.model is not None else []) + list(args.data)
    sources = resolve_data(args, data, args.split)
    if len(args.predictions) != len(sources):
        raise PureposeError(
            f"--predictions: {len(args.predictions)} CSV file(s) for {len(sources)} "
            "recording(s) of DATA; give one --predictions per recording, in DATA's order"
        )
    for csv in args.predictions:
        if not Path(csv).is_file():
            raise PureposeError(f"--predictions {csv}: no such file")
    mean_pose, origin = _mean_pose(args, sources[0])
    result, info = score_files(
        list(zip(sources, map(Path, args.predictions))),
        degrees=args.degrees,
        mean_pose=mean_pose,
        movement_only=args.frames == "movement",
    )
    info = {"files": list(args.predictions), **info, "mean_pose_from": origin}
    if args.json:
        print(json.dumps({**result.to_dict(), "predictions": info}, indent=1, allow_nan=False))
        return 0
    frames = "movement rows" if args.frames == "movement" else "valid rows"
    print(
        f"{result.n_sessions} recording(s), {info['scored']} scored {frames} of the "
        f"{info['rows']} predictions (matched to samples within +-{info['tolerance_s']:.3g} s)"
    )
    print(result.table(by=args.by))
    if mean_pose is None:
        print(
            "mean pose: the mean of the scored truth itself (no --mean-pose-from), which "
            "flatters the baseline"
        )
    else:
        print(f"mean pose: from {origin}")
    return 0
