"""Command-line front end: ``purepose <verb>`` and ``python -m purepose <verb>``.

Every verb is a thin layer over the library: parse arguments, call one or two
library functions, print. Any :class:`~purepose.errors.PureposeError` (and
OS-level file errors) becomes one line on stderr and exit status 2, with no
traceback; ``--quiet`` silences progress lines on stderr.

Each verb has a ``_add_<verb>(subparsers)`` that declares its arguments and a
``_cmd_<verb>(args) -> int`` that runs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .errors import PureposeError

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line, like our own errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


# ---- verbs -----------------------------------------------------------------
# (each section below belongs to one verb; keep them independent)

# ---- fetch: download the emg2pose mini set --------------------------------------


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fetch",
        help="download, verify and extract the public emg2pose mini set (~650 MB)",
        description=(
            "Download emg2pose_dataset_mini.tar (resumable), check its SHA-256, and extract "
            "the session files safely. `purepose demo` works without it."
        ),
    )
    p.add_argument("--dir", default="~/emg_data", help="target directory (default ~/emg_data)")
    p.add_argument(
        "--members",
        nargs="+",
        metavar="PATTERN",
        help="glob(s) on member names to extract (default: *.hdf5 and metadata.csv)",
    )
    p.add_argument("--url", default=None, help="download from this URL (e.g. a mirror)")
    p.add_argument("--sha256", default=None, metavar="HEX", help="expected SHA-256 of the tar")
    p.add_argument(
        "--delete-tar",
        action="store_true",
        help="delete the 647 MB tar after extracting (default: keep it, so other "
        "--members can be extracted later without downloading again)",
    )
    _common_options(p)
    p.set_defaults(handler=_cmd_fetch)


def _cmd_fetch(args: argparse.Namespace) -> int:
    from .fetch import MINI_SHA256, MINI_URL, fetch

    paths = fetch(
        args.dir,
        url=args.url or MINI_URL,
        sha256=args.sha256 or MINI_SHA256,
        members=args.members,
        quiet=args.quiet,
        keep_tar=not args.delete_tar,
    )
    for path in paths:
        print(path)
    return 0


# ---- data options shared by every verb that reads recordings ---------------------


def _data_options(p: argparse.ArgumentParser, *, split: bool = True) -> None:
    """How DATA is read: --split/--reps, and the flags for files that leave something open."""
    g = p.add_argument_group("data")
    if split:
        g.add_argument(
            "--split",
            default=None,
            help="train, val or test: the files of that split in a dataset directory "
            "(metadata.csv), or the repetitions of that split in NinaPro/CSV files "
            "(train 1,3,4,6,8,9; val 10; test 2,5,7)",
        )
        g.add_argument(
            "--reps", default=None, metavar="LIST", help="repetitions to use, e.g. 1,3-5"
        )
    g.add_argument(
        "--sample-rate",
        type=float,
        default=None,
        metavar="HZ",
        help="sample rate of NinaPro or CSV files (default: from the file or its database)",
    )
    g.add_argument(
        "--time-column", default=None, help="CSV: time column (default time, timestamp or t)"
    )
    g.add_argument("--time-unit", default="s", choices=("s", "ms", "us"), help="CSV: time unit")
    g.add_argument("--emg-prefix", default="emg", help="CSV: EMG columns start with this (emg)")
    g.add_argument(
        "--target-prefix", default=None, help="CSV: target columns start with this (none)"
    )
    g.add_argument(
        "--target-unit", default="raw", help="CSV: unit of the targets (raw; deg or rad: angles)"
    )
    g.add_argument("--delimiter", default=",", help="CSV: field delimiter (,)")


def _recording_options(args: argparse.Namespace):
    from .csvfile import CsvFormat
    from .sources import RecordingOptions

    delimiter = "\t" if args.delimiter in ("\\t", "tab") else args.delimiter
    if len(delimiter) != 1:
        raise PureposeError(f"--delimiter {args.delimiter!r} must be one character")
    csv_format = CsvFormat(
        time_column=args.time_column,
        emg_prefix=args.emg_prefix,
        target_prefix=args.target_prefix,
        sample_rate=args.sample_rate,
        time_unit=args.time_unit,
        delimiter=delimiter,
        target_unit=args.target_unit,
    )
    return RecordingOptions(sample_rate=args.sample_rate, csv=csv_format)


def _resolve_data(args: argparse.Namespace, paths: Sequence[str], split: str | None) -> list:
    """The sources of DATA with --split/--reps (see purepose.sources.resolve)."""
    from .recording import parse_reps
    from .sources import resolve

    reps = parse_reps(args.reps) if getattr(args, "reps", None) else None
    return resolve(paths, split=split, reps=reps, options=_recording_options(args))


def _open_one(args: argparse.Namespace, path: str):
    from .sources import open_recording

    return open_recording(path, _recording_options(args))


# ---- fit / predict / evaluate / demo (the model verbs) ------------------------


def _model_options(p: argparse.ArgumentParser) -> None:
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
    g.add_argument("--components", type=int, default=None, help="PCA dimension (default: none)")
    g.add_argument("--alpha", type=float, default=1.0, help="ridge penalty without --val (1.0)")
    g.add_argument(
        "--alphas",
        default=None,
        help="comma-separated ridge grid searched on --val (1e-2..1e4, extended at its ends)",
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


def _floats(text: str | None, what: str) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise PureposeError(f"{what}={text!r} must be comma-separated numbers") from None


def _regressor_from_args(args: argparse.Namespace):
    from .model import PoseRegressor

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
        n_components=args.components,
        alpha=args.alpha,
        alphas=_floats(args.alphas, "--alphas"),
        smoothing=args.smoothing,
        label=args.label,
        normalize=args.normalize,
    )
    model._check_params()  # bad hyper-parameters fail before any data is read
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
            return _resolve_data(args, args.data, values[0])
        raise PureposeError(f"--val {values[0]}: no such file, directory or split")
    return _resolve_data(args, values, None)


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
    p.add_argument("--out", "-o", required=True, help="model file to write (JSON)")
    _data_options(p)
    _model_options(p)
    _common_options(p)
    p.set_defaults(handler=_cmd_fit)


def _cmd_fit(args: argparse.Namespace) -> int:
    from ._util import log

    model = _regressor_from_args(args)
    split = args.split
    if split is None and args.reps is None and _is_dataset(args.data):
        split = "train"  # never train on the test split by accident
        log(f"fit: {args.data[0]} is a dataset directory; using --split train", quiet=args.quiet)
    train = _resolve_data(args, args.data, split)
    val = _resolve_val(args, args.val)
    model.fit(train, val_sessions=val, n_jobs=args.jobs, quiet=args.quiet)
    model.save(args.out)
    print(
        f"wrote {args.out}: {len(train)} training and {len(val or [])} validation source(s), "
        f"{model.n_samples_} training windows, {model.n_features_in_} features, "
        f"{len(model.target_names_)} targets ({model.target_unit_}), alpha={model.alpha_:g}"
    )
    unit = "deg" if model.val_metric_ == "mae_deg" else "(nMAE)"
    what = "val MAE" if model.val_metric_ == "mae_deg" else "val nMAE"
    for alpha, score in model.val_scores_.items():
        mark = "  <- chosen" if float(alpha) == model.alpha_ else ""
        print(f"  {what} at alpha={float(alpha):g}: {score:.4g} {unit}{mark}")
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
    p.add_argument("--out", "-o", required=True, help="CSV to write: time + one column per target")
    p.add_argument("--degrees", action="store_true", help="write joint angles in degrees")
    _data_options(p)
    _common_options(p)
    p.set_defaults(handler=_cmd_predict)


def _cmd_predict(args: argparse.Namespace) -> int:
    import math

    from ._util import atomic_write_text
    from .model import PoseRegressor

    model = PoseRegressor.load(args.model)
    if args.degrees and model.target_unit_ != "rad":
        raise PureposeError(
            f"--degrees: the model's targets are in {model.target_unit_!r}, not radians"
        )
    (source,) = _resolve_data(args, [args.recording], args.split)
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
    print(f"wrote {args.out}: {len(lines) - 1} windows x {len(model.target_names_)} targets")
    return 0


def _add_evaluate(sub) -> None:
    p = sub.add_parser(
        "evaluate",
        help="score a model on recordings beside the mean-pose (and zero-pose) baselines",
        description="Score MODEL on DATA: for emg2pose joint angles the angular MAE in degrees "
        "per finger, segment or joint; for any targets the normalised MAE, Pearson r and R²; "
        "always beside the baselines, over the same windows.",
    )
    p.add_argument("model", help="model JSON written by `purepose fit`")
    p.add_argument("data", nargs="+", metavar="DATA", help="recording files or directories")
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
    _data_options(p)
    _common_options(p)
    p.set_defaults(handler=_cmd_evaluate)


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from .evaluation import evaluate
    from .model import PoseRegressor

    model = PoseRegressor.load(args.model)
    if args.by == "generalization":
        return _evaluate_by_metadata(args, model, "generalization")
    sources = _resolve_data(args, args.data, args.split)
    result = evaluate(
        model,
        sources,
        movement_only=args.frames == "movement",
        allow_overlap=args.allow_overlap,
        n_jobs=max(1, args.jobs),
        quiet=args.quiet,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, allow_nan=False))
        return 0
    first = next(iter(result.target_reports.values()))
    frames = "movement windows" if args.frames == "movement" else "valid windows"
    print(f"{result.n_sessions} recording(s), {first.n_frames} {frames}")
    print(result.table(by=args.by))
    return 0


def _evaluate_by_metadata(args: argparse.Namespace, model, column: str) -> int:
    """``evaluate --by generalization``: one row per value of a metadata.csv column."""
    import json

    from .evaluation import evaluate_groups, metadata_groups

    if len(args.data) != 1:
        raise PureposeError(
            f"--by {column}: give one dataset directory with metadata.csv, got {len(args.data)} "
            "DATA arguments"
        )
    groups = metadata_groups(args.data[0], column)
    sources = _resolve_data(args, args.data, args.split)
    result = evaluate_groups(
        model,
        sources,
        groups,
        column=column,
        movement_only=args.frames == "movement",
        allow_overlap=args.allow_overlap,
        n_jobs=max(1, args.jobs),
        quiet=args.quiet,
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, allow_nan=False))
        return 0
    frames = "movement windows" if args.frames == "movement" else "valid windows"
    print(f"{result.overall.n_sessions} recording(s), {frames}")
    print(result.table())
    return 0


def _add_demo(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="synthesize a small dataset, fit, choose alpha, evaluate (no download needed)",
        description="The main job on the embedded default: writes a synthetic emg2pose "
        "dataset, fits on train, picks alpha on val, evaluates on test and prints the table.",
    )
    p.add_argument("--dir", default=None, help="where to write the data (default: a temp dir)")
    p.add_argument("--sessions", type=int, default=6, help="synthetic sessions (6)")
    p.add_argument("--seconds", type=float, default=20.0, help="seconds per session (20)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--plots", default=None, help="directory to write SVG figures into")
    _model_options(p)
    _common_options(p)
    p.set_defaults(handler=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    import tempfile
    import time
    from pathlib import Path

    from ._util import log

    t0 = time.perf_counter()
    if args.dir is None:
        with tempfile.TemporaryDirectory(prefix="purepose-demo-") as tmp:
            return _run_demo(args, Path(tmp), t0)
    root = Path(args.dir)
    root.mkdir(parents=True, exist_ok=True)
    status = _run_demo(args, root, t0)
    log(f"demo: data and model kept in {root}", quiet=args.quiet)
    return status


def _run_demo(args: argparse.Namespace, root, t0: float) -> int:
    import time

    from ._util import log
    from .evaluation import evaluate
    from .io import Dataset
    from .synth import make_dataset

    if args.sessions < 3:
        raise PureposeError(f"--sessions={args.sessions} must be >= 3 (train, val and test)")
    model = _regressor_from_args(args)
    log(
        f"demo: writing {args.sessions} synthetic sessions x {args.seconds:g} s to {root}",
        quiet=args.quiet,
    )
    make_dataset(
        root, n_sessions=args.sessions, seconds=args.seconds, seed=args.seed, quiet=args.quiet
    )
    dataset = Dataset(root)
    train, val, test = (dataset.select(split=s) for s in ("train", "val", "test"))
    model.fit(train, val_sessions=val, n_jobs=args.jobs, quiet=args.quiet)
    model.save(root / "model.json")
    result = evaluate(model, test, quiet=args.quiet)
    print(
        f"purepose demo: synthetic emg2pose data, {len(train)} train / {len(val)} val / "
        f"{len(test)} test sessions of {args.seconds:g} s"
    )
    print(
        f"PoseRegressor: {model.n_features_in_} features, {model.n_samples_} training windows, "
        f"alpha={model.alpha_:g} (chosen on val)"
    )
    print(f"test: {result.reports['model'].n_frames} valid windows; angular MAE in degrees")
    print(result.table(by="finger"))
    if args.plots:
        _demo_plots(args, model, test[0], result)
    log(f"demo: done in {time.perf_counter() - t0:.1f} s", quiet=args.quiet)
    return 0


def _demo_plots(args: argparse.Namespace, model, session_path, result) -> None:
    """Figures of the demo: EMG of a test session, predicted vs true pose, errors."""
    from pathlib import Path

    from ._util import log
    from .io import Session
    from .plot import emg_traces_svg, error_bars_svg, pose_traces_svg, save_svg

    out = Path(args.plots)
    out.mkdir(parents=True, exist_ok=True)
    with Session(session_path) as sess:
        first = sess.read(0, min(len(sess), int(5 * sess.sample_rate)))
        save_svg(out / "emg.svg", emg_traces_svg(first.time, first.emg, title=sess.name))
        feats = model.featurize(sess)
    pred = model.predict_windows(feats).values
    joints = ["THUMB_CMC_FE", "INDEX_MCP_FE", "MIDDLE_PIP_FE", "PINKY_MCP_FE"]
    save_svg(out / "pose.svg", pose_traces_svg(feats.time, feats.Y, pred, joints=joints))
    bars = {
        name: {"overall": r.mae_deg, **r.per_finger_mae_deg} for name, r in result.reports.items()
    }
    save_svg(out / "errors.svg", error_bars_svg(bars, title="test MAE by finger"))
    _demo_hand_figures(out, feats, pred)  # hand.svg and the player hand.html
    log(f"demo: figures written to {out}", quiet=args.quiet)


# ---- info / synth: describe data, write synthetic data -------------------------


def _add_info(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info",
        help="describe a recording file or a directory",
        description="Print a recording's format, size, sample rate, channels, targets, labels "
        "and per-channel EMG RMS (emg2pose sessions: also IK failures), or a dataset "
        "directory's splits, users, stages and files.",
    )
    p.add_argument("path", metavar="FILE_OR_DIR", help="a recording file or a directory")
    _data_options(p, split=False)
    _common_options(p)
    p.set_defaults(handler=_cmd_info)


def _cmd_info(args: argparse.Namespace) -> int:
    from .info import describe

    print(describe(args.path, _recording_options(args)))
    return 0


def _add_synth(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth",
        help="write a synthetic emg2pose dataset (session files + metadata.csv)",
        description="Write N synthetic sessions in the exact emg2pose format, whose EMG "
        "encodes the hand pose, plus metadata.csv with train/val/test splits. "
        "Same seed, same bytes.",
    )
    p.add_argument("out_dir", metavar="OUT_DIR", help="directory to write (created if needed)")
    p.add_argument("--sessions", type=int, default=6, help="number of session files (6)")
    p.add_argument("--seconds", type=float, default=20.0, help="seconds per session (20)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--users", type=int, default=1, help="number of users, 3+ sessions each (1)")
    p.add_argument(
        "--sample-rate",
        type=float,
        default=2000.0,
        metavar="HZ",
        help="sample rate, a multiple of 100 Hz (2000, emg2pose's)",
    )
    p.add_argument("--channels", type=int, default=16, help="EMG channels on the ring (16)")
    p.add_argument(
        "--held-out-users",
        type=int,
        default=0,
        help="the last K users never train: all their recordings are test (0)",
    )
    p.add_argument(
        "--held-out-stages",
        type=int,
        default=0,
        help="the last K stages are never trained on; each user gets a test recording on one (0)",
    )
    g = p.add_argument_group(
        "variability (all off by default; purepose.synth.Variability documents each knob)"
    )
    g.add_argument(
        "--realistic",
        action="store_true",
        help="turn every knob on at purepose.synth.REALISTIC's values (flags below override)",
    )
    for flag, what in (
        ("--user-anatomy", "std of each user's muscle positions (rad) and log sizes"),
        ("--session-shift", "std of each session's band rotation, in channels"),
        ("--session-gain", "std of the log of each session's common gain"),
        ("--channel-gain", "std of the log of each session's per-channel gains"),
        ("--fatigue", "amplitude rise over a session, as a fraction"),
        ("--powerline", "mains amplitude, in multiples of each channel's noise floor"),
        ("--powerline-hz", "mains frequency in Hz (50)"),
    ):
        g.add_argument(flag, type=float, default=None, metavar="X", help=what)
    g.add_argument(
        "--stage-poses",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="stages move the hand in their own ways (a held-out stage is new poses)",
    )
    _common_options(p)
    p.set_defaults(handler=_cmd_synth)


def _variability_from_args(args: argparse.Namespace):
    """The Variability of ``purepose synth``'s flags: --realistic, then each knob given."""
    import dataclasses

    from .synth import REALISTIC, Variability

    base = REALISTIC if args.realistic else Variability()
    given = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(Variability)
        if getattr(args, f.name, None) is not None
    }
    return dataclasses.replace(base, **given)


def _cmd_synth(args: argparse.Namespace) -> int:
    from .synth import make_dataset

    paths = make_dataset(
        args.out_dir,
        n_sessions=args.sessions,
        seconds=args.seconds,
        seed=args.seed,
        n_users=args.users,
        sample_rate=args.sample_rate,
        n_channels=args.channels,
        held_out_users=args.held_out_users,
        held_out_stages=args.held_out_stages,
        variability=_variability_from_args(args),
        quiet=args.quiet,
    )
    for path in paths:
        print(path)
    print(f"wrote {len(paths)} session(s) of {args.seconds:g} s + metadata.csv to {args.out_dir}")
    return 0


# ---- plot: SVG figures (`plot emg`; more kinds plug in as `_plot_add_<kind>`) ----


def _add_plot(sub: argparse._SubParsersAction) -> None:
    """``purepose plot KIND ...`` with one sub-subcommand per figure kind.

    A new kind is a function ``_plot_add_<kind>(kinds)`` in this module that
    calls ``kinds.add_parser(...)``, ``_common_options(p)`` and sets
    ``handler``; it is found by name, like the verbs themselves.
    """
    p = sub.add_parser(
        "plot",
        help="draw an SVG figure (plot emg FILE ...)",
        description="Draw figures as plain SVG files (no plotting library needed).",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    kinds.required = True
    for name, value in sorted(globals().items()):
        if name.startswith("_plot_add_") and callable(value):
            value(kinds)


def _plot_add_emg(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser(
        "emg",
        help="stacked EMG channels of one session window",
        description="Stacked EMG traces (like MNE's raw browser) of FILE from START for "
        "DURATION seconds, written as SVG.",
    )
    p.add_argument("file", help="a recording (emg2pose .hdf5, NinaPro .mat, CSV)")
    p.add_argument(
        "--start", type=float, default=0.0, help="seconds after the first sample (default 0)"
    )
    p.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds to show (default 10, or up to the end of the session)",
    )
    p.add_argument(
        "--channels", default=None, help="0-based channels, e.g. 0-15 or 0,3,8-11 (default all)"
    )
    p.add_argument("--out", default="emg.svg", help="output SVG file (default emg.svg)")
    p.add_argument("--title", default=None, help="figure title (default: session and window)")
    _data_options(p, split=False)
    _common_options(p)
    p.set_defaults(handler=_cmd_plot_emg)


def _parse_channels(spec: str | None, n_channels: int) -> list[int]:
    """``"0-3,8"`` -> [0, 1, 2, 3, 8]; None -> all channels."""
    if spec is None:
        return list(range(n_channels))
    chosen: list[int] = []
    for part in spec.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            lo = int(first)
            hi = int(last) if dash else lo
        except ValueError:
            raise PureposeError(
                f"--channels {spec!r}: expected numbers and ranges like 0-15 or 0,3,8-11"
            ) from None
        if not 0 <= lo <= hi < n_channels:
            raise PureposeError(
                f"--channels {spec!r}: {part.strip()!r} is outside 0-{n_channels - 1}"
            )
        chosen.extend(c for c in range(lo, hi + 1) if c not in chosen)
    return chosen


def _cmd_plot_emg(args: argparse.Namespace) -> int:
    import bisect
    import math

    from ._util import log
    from .plot import emg_traces_svg, save_svg

    start, duration = args.start, args.duration
    with _open_one(args, args.file) as rec:
        # Seconds covered by the samples (one sample period each), measured on
        # the time column because the window is cut by time.
        time_all = rec.read_field("time")
        length = time_all[-1] - time_all[0] + 1.0 / rec.sample_rate
        where = f"{rec.name} is {length:.3f} s long"
        if not (math.isfinite(start) and 0.0 <= start < length):
            raise PureposeError(f"--start {start:g} is outside the recording: {where}")
        if duration is None:
            duration = min(10.0, length - start)
        if not (math.isfinite(duration) and duration > 0.0):
            raise PureposeError(f"--duration {duration:g} must be positive ({where})")
        if start + duration > length + 1e-9:
            raise PureposeError(
                f"--start {start:g} --duration {duration:g} ends at {start + duration:g} s, "
                f"beyond the recording: {where}"
            )
        channels = _parse_channels(args.channels, rec.n_channels)
        t0 = time_all[0]
        lo = bisect.bisect_left(time_all, t0 + start)
        hi = bisect.bisect_left(time_all, t0 + start + duration)
        rows = rec.read_field("emg", lo, hi)
        name = rec.name
    if len(rows) < 2:
        raise PureposeError(
            f"--duration {duration:g} s holds {len(rows)} sample(s); need at least 2"
        )
    time = [t - t0 for t in time_all[lo:hi]]
    emg = [[row[c] for c in channels] for row in rows]
    title = args.title or f"{name}: EMG {start:g}-{start + duration:g} s"
    svg = emg_traces_svg(
        time, emg, channel_names=[f"EMG{c + 1:02d}" for c in channels], title=title
    )
    path = save_svg(args.out, svg)
    log(f"plot emg: {len(rows)} samples x {len(channels)} channels", quiet=args.quiet)
    print(path)
    return 0


# ---- cluster: PCA + k-means of a session's EMG, as in the seed blog post ----------


def _add_cluster(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "cluster",
        help="PCA of a session's EMG, k-means on the scores, 3-D scatter as SVG",
        description="Project the EMG samples of FILE onto their top principal components, "
        "cluster the scores with k-means (k-means++ start), print the explained variance "
        "and cluster sizes, and draw the scores coloured by cluster (the seed's figure).",
    )
    p.add_argument("file", help="a recording (emg2pose .hdf5, NinaPro .mat, CSV)")
    p.add_argument("--components", type=int, default=3, help="principal components (3)")
    p.add_argument("--clusters", type=int, default=5, help="k-means clusters (5)")
    p.add_argument(
        "--start", type=float, default=None, help="seconds after the first sample (default 0)"
    )
    p.add_argument(
        "--duration", type=float, default=None, help="seconds to use (default: to the end)"
    )
    thin = p.add_mutually_exclusive_group()
    thin.add_argument("--decimate", type=int, default=None, help="keep every N-th sample")
    thin.add_argument(
        "--max-samples", type=int, default=None, help="decimate evenly to at most M samples"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of PCA and k-means (0)")
    p.add_argument("--out", default="clusters.svg", help="output SVG file (clusters.svg)")
    p.add_argument("--title", default=None, help="figure title (default: session and sizes)")
    _data_options(p, split=False)
    _common_options(p)
    p.set_defaults(handler=_cmd_cluster)


def _cluster_check_args(args: argparse.Namespace) -> None:
    """Reject bad numbers and an unwritable --out before any data is read."""
    import os
    from pathlib import Path

    if args.components < 1:
        raise PureposeError(f"--components {args.components} must be >= 1")
    if args.clusters < 1:
        raise PureposeError(f"--clusters {args.clusters} must be >= 1")
    if args.decimate is not None and args.decimate < 1:
        raise PureposeError(f"--decimate {args.decimate} must be >= 1")
    if args.max_samples is not None and args.max_samples < 2:
        raise PureposeError(f"--max-samples {args.max_samples} must be >= 2")
    out = Path(args.out)
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise PureposeError(f"--out {out}: is a directory")
    if not folder.is_dir():
        raise PureposeError(f"--out {out}: directory {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise PureposeError(f"--out {out}: directory {folder} is not writable")


def _cluster_rows(rec, start: float | None, duration: float | None) -> list:
    """The EMG rows of the window START..START+DURATION (seconds after the first sample)."""
    import bisect
    import math

    if start is None and duration is None:
        return rec.read_field("emg")
    time = rec.read_field("time")
    length = time[-1] - time[0] + 1.0 / rec.sample_rate
    where = f"{rec.name} is {length:.3f} s long"
    start = 0.0 if start is None else start
    if not (math.isfinite(start) and 0.0 <= start < length):
        raise PureposeError(f"--start {start:g} is outside the recording: {where}")
    duration = length - start if duration is None else duration
    if not (math.isfinite(duration) and duration > 0.0):
        raise PureposeError(f"--duration {duration:g} must be positive ({where})")
    lo = bisect.bisect_left(time, time[0] + start)
    hi = bisect.bisect_left(time, time[0] + start + duration)
    return rec.read_field("emg", lo, hi)


def _cmd_cluster(args: argparse.Namespace) -> int:
    import math

    from ._util import log
    from .kmeans import KMeans
    from .pca import PCA
    from .plot import save_svg, scatter3d_svg, scatter_svg

    _cluster_check_args(args)
    with _open_one(args, args.file) as rec:
        rows = _cluster_rows(rec, args.start, args.duration)
        name = rec.name
    n_total, n_channels = len(rows), (len(rows[0]) if rows else 0)
    step = args.decimate or (
        math.ceil(n_total / args.max_samples) if args.max_samples and n_total else 1
    )
    emg = rows[::step]
    n = len(emg)
    if n < 2:
        raise PureposeError(f"{n} EMG sample(s) selected from {args.file}; need at least 2")
    if args.components > min(n, n_channels):
        raise PureposeError(
            f"--components {args.components} exceeds min(samples, channels) = "
            f"min({n}, {n_channels})"
        )
    if args.clusters > n:
        raise PureposeError(f"--clusters {args.clusters} exceeds the {n} samples selected")
    kept = f"{n:,} of {n_total:,} samples" if step > 1 else f"{n:,} samples"
    log(
        f"cluster: PCA ({args.components} components) of {kept} x {n_channels} channels",
        quiet=args.quiet,
    )
    pca = PCA(n_components=args.components, random_state=args.seed)
    scores = pca.fit_transform(emg)
    log(f"cluster: k-means ({args.clusters} clusters, k-means++)", quiet=args.quiet)
    km = KMeans(n_clusters=args.clusters, random_state=args.seed).fit(scores)

    print(f"{name}: {kept}, {n_channels} channels")
    print("explained variance (% of total):")
    for i, ratio in enumerate(pca.explained_variance_ratio_):
        print(f"  PC{i + 1}: {100.0 * ratio:6.2f}")
    print(f"  sum: {100.0 * math.fsum(pca.explained_variance_ratio_):6.2f}")
    print(f"k-means: {km.n_iter_} iterations, inertia {km.inertia_:.6g}")
    for k in range(args.clusters):
        size = km.labels_.count(k)
        print(f"  cluster {k}: {size:8,d} samples ({100.0 * size / n:5.1f}%)")

    title = args.title or f"{name}: PCA of EMG with k-means ({args.clusters} clusters)"
    if args.components >= 3:
        svg = scatter3d_svg(
            [z[:3] for z in scores],
            km.labels_,
            centers=[c[:3] for c in km.cluster_centers_],
            title=title,
        )
    else:  # one or two components: a flat scatter (PC2 = 0 when there is only PC1)
        flat = [[z[0], z[1] if len(z) > 1 else 0.0] for z in scores]
        centers = [[c[0], c[1] if len(c) > 1 else 0.0] for c in km.cluster_centers_]
        svg = scatter_svg(
            flat, km.labels_, xlabel="PC1", ylabel="PC2", title=title, centers=centers
        )
    print(save_svg(args.out, svg))
    return 0


def _plot_add_pose(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser(
        "pose",
        help="predicted vs true joint angles of one session",
        description="Run MODEL on FILE and draw the predicted and true angles of the chosen "
        "joints over time (IK-failure stretches shaded).",
    )
    p.add_argument("model", help="model JSON written by `purepose fit`")
    p.add_argument("file", help="a recording (emg2pose .hdf5, NinaPro .mat, CSV)")
    p.add_argument(
        "--joints",
        nargs="+",
        default=None,
        help="target names (e.g. INDEX_PIP_FE, glove03) or 0-based indices (default: four "
        "flexion joints of emg2pose, or the first four targets)",
    )
    p.add_argument("--start", type=float, default=0.0, help="seconds after the first window")
    p.add_argument("--duration", type=float, default=None, help="seconds to show (default all)")
    p.add_argument("--out", default="pose.svg", help="output SVG file (default pose.svg)")
    p.add_argument("--title", default=None, help="figure title")
    _data_options(p, split=False)
    _common_options(p)
    p.set_defaults(handler=_cmd_plot_pose)


_DEFAULT_JOINTS = ("THUMB_CMC_FE", "INDEX_MCP_FE", "MIDDLE_PIP_FE", "PINKY_MCP_FE")


def _parse_joints(names: Sequence[str] | None, targets: Sequence[str]) -> list[int]:
    """Target names (case-insensitive) or 0-based indices -> indices into ``targets``."""
    if names is None:
        if all(j in targets for j in _DEFAULT_JOINTS):
            return [list(targets).index(j) for j in _DEFAULT_JOINTS]
        return list(range(min(4, len(targets))))
    upper = [t.upper() for t in targets]
    chosen = []
    for name in names:
        if name.isdigit() and int(name) < len(targets):
            chosen.append(int(name))
        elif name.upper() in upper:
            chosen.append(upper.index(name.upper()))
        else:
            shown = ", ".join(targets) if len(targets) <= 22 else f"{targets[0]} .. {targets[-1]}"
            raise PureposeError(
                f"--joints: unknown target {name!r}; use 0-{len(targets) - 1} or one of {shown}"
            )
    return chosen


def _cmd_plot_pose(args: argparse.Namespace) -> int:
    import math

    from .model import PoseRegressor
    from .plot import pose_traces_svg, save_svg

    model = PoseRegressor.load(args.model)
    joints = _parse_joints(args.joints, model.target_names_)
    with _open_one(args, args.file) as rec:
        feats = model.featurize(rec)
    pred = model.predict_windows(feats).values
    span = feats.time[-1] - feats.time[0]
    start, duration = args.start, span - args.start if args.duration is None else args.duration
    if not (math.isfinite(start) and 0.0 <= start <= span):
        raise PureposeError(f"--start {start:g} is outside the {span:.3f} s of predictions")
    if not (math.isfinite(duration) and duration > 0.0):
        raise PureposeError(f"--duration {duration:g} must be > 0")
    lo, hi = feats.time[0] + start, feats.time[0] + start + duration
    keep = [i for i, t in enumerate(feats.time) if lo <= t <= hi]
    if len(keep) < 2:
        raise PureposeError(f"--start/--duration select {len(keep)} window(s); need at least 2")
    svg = pose_traces_svg(
        [feats.time[i] for i in keep],
        [feats.Y[i] for i in keep],
        [pred[i] for i in keep],
        joints=joints,
        joint_names=model.target_names_,
        valid=[feats.valid[i] for i in keep],
        unit=model.target_unit_,
        title=args.title or f"{feats.name}: predicted vs true",
    )
    save_svg(args.out, svg)
    print(f"wrote {args.out}: {len(joints)} target(s), {len(keep)} windows")
    return 0


def _plot_add_errors(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser(
        "errors",
        help="per-finger MAE bar chart of a model beside the baselines",
        description="Evaluate MODEL on DATA and draw the per-finger MAE (degrees) of the model, "
        "the mean pose and the zero pose.",
    )
    p.add_argument("model", help="model JSON written by `purepose fit`")
    p.add_argument("data", nargs="+", metavar="DATA", help="recording files or directories")
    p.add_argument("--out", default="errors.svg", help="output SVG file (default errors.svg)")
    _data_options(p)
    _common_options(p)
    p.set_defaults(handler=_cmd_plot_errors)


def _cmd_plot_errors(args: argparse.Namespace) -> int:
    from .evaluation import evaluate
    from .model import PoseRegressor
    from .plot import error_bars_svg, save_svg

    model = PoseRegressor.load(args.model)
    result = evaluate(model, _resolve_data(args, args.data, args.split), quiet=args.quiet)
    if result.reports:
        bars = {
            name: {"overall": r.mae_deg, **r.per_finger_mae_deg}
            for name, r in result.reports.items()
        }
        title, summary = "MAE by finger", f"{result.reports['model'].mae_deg:.2f} deg overall"
    else:  # any targets: normalised MAE per target
        bars = {}
        for name, r in result.target_reports.items():
            bars[name] = {t: v for t, v in zip(r.target_names, r.nmae_per_target) if v is not None}
        title = "normalised MAE by target"
        summary = f"nMAE {result.target_reports['model'].nmae:.3f}"
    save_svg(args.out, error_bars_svg(bars, title=title))
    print(f"wrote {args.out}: model {summary}")
    return 0


# ---- plot hand: the predicted and the true hand (SVG picture or HTML player) ------


def _plot_add_hand(kinds: argparse._SubParsersAction) -> None:
    p = kinds.add_parser(
        "hand",
        help="the predicted and true hand: SVG at --at, or an HTML player --from/--to",
        description="Run MODEL on FILE and draw the predicted and the true hand (forward "
        "kinematics of the 20 angles on purepose's generic hand): --at SECONDS writes an SVG "
        "of three views (palm, side, top); --from/--to writes one self-contained HTML page "
        "that plays both hands with the joint-angle traces (at most 30 frames per second and "
        "60 s). Times are seconds after the first prediction window.",
    )
    p.add_argument("model", help="model JSON written by `purepose fit`")
    p.add_argument("file", help="an emg2pose session (.hdf5)")
    p.add_argument("--at", type=float, default=None, help="time of the SVG picture (seconds)")
    p.add_argument("--from", dest="start", type=float, default=None, help="player start (s)")
    p.add_argument("--to", dest="end", type=float, default=None, help="player end (s)")
    p.add_argument(
        "--hand-length",
        type=float,
        default=None,
        help="hand length in mm, wrist crease to middle fingertip (default 182.5)",
    )
    p.add_argument("--side", choices=("right", "left"), default="right", help="hand drawn")
    p.add_argument("--out", default=None, help="output file (hand.svg or hand.html)")
    p.add_argument("--title", default=None, help="figure title")
    _data_options(p, split=False)
    _common_options(p)
    p.set_defaults(handler=_cmd_plot_hand)


def _plot_hand_check_args(args: argparse.Namespace) -> str:
    """Check the times and --out before any data is read; return "svg" or "html"."""
    import math
    from pathlib import Path

    from .player import MAX_SECONDS

    player = args.start is not None or args.end is not None
    if args.at is not None and player:
        raise PureposeError("give --at (SVG picture) or --from/--to (HTML player), not both")
    if args.at is None and not player:
        raise PureposeError("give --at SECONDS for an SVG picture or --from/--to for the player")
    if args.at is not None and not (math.isfinite(args.at) and args.at >= 0.0):
        raise PureposeError(f"--at {args.at:g} must be a time >= 0 (seconds)")
    if player:
        if args.start is None or args.end is None:
            raise PureposeError("the player needs both --from and --to (seconds)")
        if not (math.isfinite(args.start) and math.isfinite(args.end) and args.start >= 0.0):
            raise PureposeError(f"--from {args.start:g} --to {args.end:g} must be times >= 0")
        if args.end <= args.start:
            raise PureposeError(f"--to {args.end:g} must be after --from {args.start:g}")
        if args.end - args.start > MAX_SECONDS:
            raise PureposeError(
                f"--from {args.start:g} --to {args.end:g} spans {args.end - args.start:g} s; "
                f"one page holds at most {MAX_SECONDS:g} s"
            )
    kind = "html" if player else "svg"
    args.out = args.out or f"hand.{kind}"
    out = Path(args.out)
    suffix = out.suffix.lower()
    if kind == "svg" and suffix in (".html", ".htm"):
        raise PureposeError(f"--out {out}: --at draws an SVG; use --from/--to for the player")
    if kind == "html" and suffix == ".svg":
        raise PureposeError(f"--out {out}: --from/--to write an HTML page; use --at for an SVG")
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir() or not folder.is_dir():
        raise PureposeError(f"--out {out}: not a file in an existing directory")
    return kind


def _cmd_plot_hand(args: argparse.Namespace) -> int:
    from .hand import DEFAULT_HAND_LENGTH_MM, GenericHand
    from .io import JOINT_NAMES
    from .model import PoseRegressor

    kind = _plot_hand_check_args(args)
    length = DEFAULT_HAND_LENGTH_MM if args.hand_length is None else args.hand_length
    hand = GenericHand(length, side=args.side)
    model = PoseRegressor.load(args.model)
    if model.target_unit_ != "rad" or tuple(model.target_names_) != JOINT_NAMES:
        raise PureposeError(
            f"{args.model}: plot hand needs a model of the 20 emg2pose joint angles; this one "
            f"predicts {len(model.target_names_)} targets ({model.target_unit_})"
        )
    with _open_one(args, args.file) as rec:
        feats = model.featurize(rec)
    pred = model.predict_windows(feats).values
    if kind == "svg":
        print(_hand_picture(args.out, feats, pred, hand, args.at, args.title))
    else:
        print(_hand_player(args.out, feats, pred, hand, args.start, args.end, args.title))
    return 0


def _hand_picture(out, feats, pred, hand, at: float, title: str | None) -> str:
    """Write the SVG of the window nearest ``at`` s after the first; return the summary line."""
    from .handplot import frame_errors, frame_title, hand_views_svg
    from .io import is_ik_failure
    from .plot import save_svg

    t0 = feats.time[0]
    span = feats.time[-1] - t0
    if at > span + 1e-9:
        raise PureposeError(f"--at {at:g} is beyond the {span:.3f} s of predictions")
    i = min(range(len(feats.time)), key=lambda k: abs(feats.time[k] - t0 - at))
    truth = None if is_ik_failure(feats.Y[i]) else feats.Y[i]
    errors = None if truth is None else frame_errors(truth, pred[i], hand)
    title = title or frame_title(feats.time[i] - t0, errors)
    save_svg(out, hand_views_svg(truth, pred[i], hand=hand, title=title, name=feats.name))
    return f"wrote {out}: {frame_title(feats.time[i] - t0, errors)}"


def _hand_player(out, feats, pred, hand, start: float, end: float, title: str | None) -> str:
    """Write the HTML player of the windows from ``start`` to ``end`` s; return the summary."""
    from .player import player_html, save_player, subsample

    t0 = feats.time[0]
    span = feats.time[-1] - t0
    if start > span:
        raise PureposeError(f"--from {start:g} is beyond the {span:.3f} s of predictions")
    keep = [i for i, t in enumerate(feats.time) if start <= t - t0 <= end]
    if len(keep) < 2:
        raise PureposeError(f"--from {start:g} --to {end:g} select {len(keep)} window(s); need 2")
    time = [feats.time[i] - t0 for i in keep]
    true, predicted = [feats.Y[i] for i in keep], [pred[i] for i in keep]
    title = title or f"{feats.name}: true and predicted hand, {time[0]:.1f}-{time[-1]:.1f} s"
    page = player_html(time, true, predicted, hand=hand, title=title)
    save_player(out, page)
    n = len(subsample(time))
    return f"wrote {out}: {n} frames over {time[-1] - time[0]:.1f} s, {len(page) // 1024} kB"


def _demo_hand_figures(out, feats, pred) -> None:
    """The demo's hand picture (mid-session) and player (its first 10 s)."""
    from .hand import default_hand

    middle = (feats.time[-1] - feats.time[0]) / 2
    _hand_picture(out / "hand.svg", feats, pred, default_hand(), middle, None)
    end = min(10.0, feats.time[-1] - feats.time[0])
    _hand_player(out / "hand.html", feats, pred, default_hand(), 0.0, end, None)


# ---- end of verbs ----------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="purepose",
        description="Predict hand pose from wrist EMG (emg2pose format) in plain Python.",
    )
    parser.add_argument("--version", action="version", version=f"purepose {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    sub.required = True
    for name, value in sorted(globals().items()):
        if name.startswith("_add_") and callable(value):
            value(sub)
    return parser


def _common_options(p: argparse.ArgumentParser) -> None:
    """Options every verb shares."""
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except PureposeError as exc:
        print(f"purepose {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"purepose {args.verb}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"purepose {args.verb}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
