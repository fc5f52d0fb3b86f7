"""The model verbs: fit, predict, evaluate."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from purepose._util import check_output, report_stream
from purepose.errors import PureposeError

from .common import common_options, data_options, resolve_data
from .predictions_eval import (
    check_no_prediction_options,
    evaluate_predictions,
    predictions_options,
)

# ---- fit / predict / evaluate / demo (the model verbs) ------------------------


def model_options(p: argparse.ArgumentParser) -> None:
    """Hyper-parameters of PoseRegressor shared by ``fit`` and ``demo``."""
    g = p.add_argument_group("model")
    g.add_argument(
        "--window-ms", type=float, default=100.0, help="window length in milliseconds (100)"
    )
    g.add_argument("--hop-ms", type=float, default=20.0, help="window step in milliseconds (20)")
    g.add_argument(
        "--window", type=int, default=None, help="window length in samples (overrides --window-ms)"
    )
    g.add_argument(
        "--hop", type=int, default=None, help="window step in samples (overrides --hop-ms)"
    )
    g.add_argument(
        "--features",
        default="rms,mav,wl,logpow",
        help="comma-separated subset of rms,mav,wl,zc,ssc,logpow, spatial, logband,mnf,mdf "
        "(spectral), activity,mobility,complexity (Hjorth) (rms,mav,wl,logpow)",
    )
    g.add_argument("--lags", type=int, default=2, help="past windows appended to each row (2)")
    g.add_argument("--lag-step", type=int, default=2, help="windows between lags (2)")
    g.add_argument(
        "--model",
        choices=("ridge", "mlp", "knn", "rff", "auto"),
        default="ridge",
        help="the head on the standardized features: ridge, an MLP, k nearest neighbours, "
        "random cosine features + ridge, or auto: each of them with global and per-session "
        "normalisation, the best on --val kept and every score logged (ridge)",
    )
    g.add_argument(
        "--components",
        default="auto",
        help="PCA dimension, none, or auto (auto: none for ridge, at most 32 for the others)",
    )
    g.add_argument("--alpha", type=float, default=1.0, help="ridge penalty without --val (1.0)")
    g.add_argument(
        "--alphas",
        default=None,
        help="comma-separated penalty grid searched on --val (ridge 1e-2..1e4, rff 1e-2..1e2, "
        "mlp 1e-4,1e-2; extended at its ends)",
    )
    g.add_argument(
        "--neighbors", default=None, help="knn: comma-separated k searched on --val (5,10,20,40)"
    )
    g.add_argument(
        "--hidden", default="128", help="mlp: hidden layer sizes, comma-separated (128)"
    )
    g.add_argument("--epochs", type=int, default=100, help="mlp: at most this many epochs (100)")
    g.add_argument(
        "--learning-rate", type=float, default=3e-3, help="mlp: Adam's step size (3e-3)"
    )
    g.add_argument("--rff-components", type=int, default=300, help="rff: random features (300)")
    g.add_argument(
        "--max-train-windows",
        type=int,
        default=12_000,
        help="mlp/knn/rff: train on at most this many windows, evenly spaced (12000)",
    )
    g.add_argument("--smoothing", type=float, default=None, help="EMA factor in (0, 1] (off)")
    g.add_argument("--label", choices=("end", "center"), default="end", help="window label (end)")
    g.add_argument(
        "--normalize",
        choices=("global", "session", "causal"),
        default="global",
        help="standardize features by the training data (global), or first by each "
        "recording's own statistics (session; causal: running, no look-ahead)",
    )
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (1)")


def floats(text: str | None, what: str) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise PureposeError(f"{what}={text!r} must be comma-separated numbers") from None


def _components(text: str) -> int | str | None:
    if text in ("auto", "none"):
        return None if text == "none" else "auto"
    try:
        return int(text)
    except ValueError:
        raise PureposeError(f"--components {text!r} must be auto, none or a number") from None


def _ints(text: str, what: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise PureposeError(f"{what} {text!r} must be comma-separated whole numbers") from None
    if not values:
        raise PureposeError(f"{what} {text!r} names no number")
    return values


def regressor_from_args(args: argparse.Namespace):
    from purepose.pose.model import PoseRegressor

    if args.jobs < 1:
        raise PureposeError(f"--jobs={args.jobs} must be >= 1")
    model = PoseRegressor(
        window_ms=args.window_ms,
        hop_ms=args.hop_ms,
        window=args.window,
        hop=args.hop,
        features=tuple(f.strip() for f in args.features.split(",") if f.strip()),
        n_lags=args.lags,
        lag_step=args.lag_step,
        model=args.model,
        n_components=_components(args.components),
        alpha=args.alpha,
        alphas=floats(args.alphas, "--alphas"),
        smoothing=args.smoothing,
        label=args.label,
        normalize=args.normalize,
        hidden_layer_sizes=_ints(args.hidden, "--hidden"),
        learning_rate_init=args.learning_rate,
        max_epochs=args.epochs,
        neighbors=_ints(args.neighbors, "--neighbors") if args.neighbors else None,
        rff_components=args.rff_components,
        max_train_windows=args.max_train_windows,
    )
    model.check_params()  # bad hyper-parameters fail before any data is read
    return model


def _is_dataset(paths: Sequence[str]) -> bool:
    from pathlib import Path

    return len(paths) == 1 and (Path(paths[0]) / "metadata.csv").is_file()


def _resolve_val(args: argparse.Namespace, values: Sequence[str] | None) -> list | None:
    """``--val``: recording paths, or a split name applied to DATA."""
    from pathlib import Path

    if not values:
        return None
    if len(values) == 1 and not Path(values[0]).exists():
        if values[0] in ("train", "val", "test"):
            return resolve_data(args, args.data, values[0])
        raise PureposeError(f"--val {values[0]}: no such file, directory or split")
    return resolve_data(args, values, None)


def _add_fit(sub) -> None:
    p = sub.add_parser(
        "fit",
        help="fit a PoseRegressor on recordings and save it as JSON",
        description="Fit on DATA (emg2pose sessions, NinaPro .mat or CSV files, directories, "
        "or a dataset directory with --split); choose the ridge alpha on --val (paths, or a "
        "split name applied to DATA).",
    )
    p.add_argument("data", nargs="+", metavar="DATA", help="recording files or directories")
    p.add_argument("--val", nargs="+", default=None, help="validation recordings or split name")
    p.add_argument("--out", "-o", required=True, help="model file to write (JSON); - = stdout")
    data_options(p)
    model_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_fit)


def _cmd_fit(args: argparse.Namespace) -> int:
    from purepose._util import log

    check_output(args.out)
    model = regressor_from_args(args)
    split = args.split
    if split is None and args.reps is None and _is_dataset(args.data):
        split = "train"  # never train on the test split by accident
        log(f"fit: {args.data[0]} is a dataset directory; using --split train", quiet=args.quiet)
    train = resolve_data(args, args.data, split)
    val = _resolve_val(args, args.val)
    model.fit(train, val_sessions=val, n_jobs=args.jobs, quiet=args.quiet)
    model.save(args.out)
    report = report_stream(args.out)
    print(
        f"wrote {args.out}: {len(train)} training and {len(val or [])} validation source(s), "
        f"{model.n_samples_} training windows, {model.n_features_in_} features, "
        f"{len(model.target_names_)} targets ({model.target_unit_}), {model.model} "
        + (f"k={model.n_neighbors_}" if model.model == "knn" else f"alpha={model.alpha_:g}"),
        file=report,
    )
    unit = "deg" if model.val_metric_ == "mae_deg" else "(nMAE)"
    what = "val MAE" if model.val_metric_ == "mae_deg" else "val nMAE"
    name, chosen = ("k", model.n_neighbors_) if model.model == "knn" else ("alpha", model.alpha_)
    for value, score in model.val_scores_.items():
        mark = "  <- chosen" if float(value) == chosen else ""
        print(f"  {what} at {name}={float(value):g}: {score:.4g} {unit}{mark}", file=report)
    for c in model.model_selection_ or ():  # --model auto: every candidate's best
        mark = "  <- chosen" if c["chosen"] else ""
        print(
            f"  auto: {c['model']}, normalize={c['normalize']}: {what} {c['val_score']:.4g} "
            f"{unit}{mark}",
            file=report,
        )
    return 0


def _add_predict(sub) -> None:
    p = sub.add_parser(
        "predict",
        help="predict the targets of one recording, window by window, to CSV",
        description="Run MODEL on RECORDING and write one CSV row per window: the time of its "
        "label sample (seconds), then one column per target, named as in the model.",
    )
    p.add_argument("model", help="model JSON written by `purepose fit`")
    p.add_argument("recording", help="a recording (emg2pose .hdf5, NinaPro .mat, CSV)")
    p.add_argument(
        "--out", "-o", required=True, help="CSV to write: time + one column per target; - = stdout"
    )
    p.add_argument("--degrees", action="store_true", help="write joint angles in degrees")
    data_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_predict)


def _cmd_predict(args: argparse.Namespace) -> int:
    import math

    from purepose._util import atomic_write_text
    from purepose.pose.model import PoseRegressor

    check_output(args.out)
    model = PoseRegressor.load(args.model)
    if args.degrees and model.target_unit_ != "rad":
        raise PureposeError(
            f"--degrees: the model's targets are in {model.target_unit_!r}, not radians"
        )
    (source,) = resolve_data(args, [args.recording], args.split)
    feats = model.featurize(source)
    pred = model.predict_windows(feats)
    keep = feats.selected
    factor = 180.0 / math.pi if args.degrees else 1.0
    lines = [",".join(["time", *model.target_names_])]
    lines += [
        ",".join([repr(t), *(repr(v * factor) for v in row)])
        for t, row, k in zip(pred.time, pred.values, keep)
        if k
    ]
    atomic_write_text(args.out, "\n".join(lines) + "\n")
    print(
        f"wrote {args.out}: {len(lines) - 1} windows x {len(model.target_names_)} targets",
        file=report_stream(args.out),
    )
    return 0


def _add_evaluate(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a model on recordings beside the mean-pose (and zero-pose) baselines",
        description="Score MODEL on DATA: for emg2pose joint angles the angular MAE in degrees "
        "per finger, segment or joint; for any targets the normalised MAE, Pearson r and R²; "
        "always beside the baselines, over the same windows. With --predictions CSV (no "
        "MODEL), the same for the predictions of any program.",
    )
    p.add_argument(
        "model", nargs="?", help="model JSON written by `purepose fit` (not with --predictions)"
    )
    p.add_argument("data", nargs="+", metavar="DATA", help="recording files or directories")
    predictions_options(p)
    p.add_argument(
        "--by",
        choices=("finger", "segment", "joint", "target", "generalization"),
        default="finger",
        help="rows of the table: per finger, segment or joint (joint angles), per target, or "
        "per value of metadata.csv's generalization column (none, user, stage, user_stage; "
        "a dataset directory only)",
    )
    p.add_argument(
        "--frames",
        choices=("all", "movement"),
        default="all",
        help="score all windows, or only those during a movement (NinaPro stimulus != 0)",
    )
    p.add_argument(
        "--allow-overlap",
        action="store_true",
        help="score recordings the model was trained on (warns instead of refusing)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (1)")
    data_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_evaluate)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from purepose.pose.evaluation import evaluate
    from purepose.pose.model import PoseRegressor

    if args.predictions:
        return evaluate_predictions(args)
    check_no_prediction_options(args)
    if args.model is None:
        raise PureposeError("give MODEL and DATA, or --predictions CSV and DATA")
    model = PoseRegressor.load(args.model)
    if args.by == "generalization":
        return _evaluate_by_metadata(args, model, "generalization")
    sources = resolve_data(args, args.data, args.split)
    result = evaluate(model, sources, **_evaluate_options(args))
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, allow_nan=False))
        return 0
    first = next(iter(result.target_reports.values()))
    frames = "movement windows" if args.frames == "movement" else "valid windows"
    print(f"{result.n_sessions} recording(s), {first.n_frames} {frames}")
    print(result.table(by=args.by))
    return 0


def _evaluate_options(args: argparse.Namespace) -> dict:
    return {
        "movement_only": args.frames == "movement",
        "allow_overlap": args.allow_overlap,
        "n_jobs": max(1, args.jobs),
        "quiet": args.quiet,
    }


def _evaluate_by_metadata(args: argparse.Namespace, model, column: str) -> int:
    """``evaluate --by generalization``: one row per value of a metadata.csv column."""
    import json

    from purepose.pose.evaluation import evaluate_groups, metadata_groups

    if len(args.data) != 1:
        raise PureposeError(
            f"--by {column}: give one dataset directory with metadata.csv, got {len(args.data)} "
            "DATA arguments"
        )
    groups = metadata_groups(args.data[0], column)
    sources = resolve_data(args, args.data, args.split)
    result = evaluate_groups(model, sources, groups, column=column, **_evaluate_options(args))
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, allow_nan=False))
        return 0
    frames = "movement windows" if args.frames == "movement" else "valid windows"
    print(f"{result.overall.n_sessions} recording(s), {frames}")
    print(result.table())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's verbs to the ``purepose`` parser."""
    _add_fit(sub)
    _add_predict(sub)
    _add_evaluate(sub)
