"""The demo verb: synthesize, fit, choose alpha, evaluate, print the table (no download)."""

from __future__ import annotations

import argparse

from purepose._util import check_output_dir
from purepose.errors import PureposeError

from .common import common_options
from .hand_verbs import demo_hand_figures
from .model_verbs import model_options, regressor_from_args


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
    model_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_demo)


def _cmd_demo(args: argparse.Namespace) -> int:
    import tempfile
    import time
    from pathlib import Path

    from purepose._util import log

    if args.dir is not None:
        check_output_dir(args.dir, what="--dir")
    if args.plots is not None:
        check_output_dir(args.plots, what="--plots")
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

    from purepose._util import log
    from purepose.dataset import Dataset
    from purepose.evaluation import evaluate
    from purepose.synth import make_dataset

    if args.sessions < 3:
        raise PureposeError(f"--sessions={args.sessions} must be >= 3 (train, val and test)")
    model = regressor_from_args(args)
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

    from purepose._util import log
    from purepose.io import Session
    from purepose.plot import emg_traces_svg, error_bars_svg, pose_traces_svg, save_svg

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
    demo_hand_figures(out, feats, pred)  # hand.svg and the player hand.html
    log(f"demo: figures written to {out}", quiet=args.quiet)


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's verbs to the ``purepose`` parser."""
    _add_demo(sub)
