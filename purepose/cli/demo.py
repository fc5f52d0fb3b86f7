"""The demo verb: synthesize, fit every model, choose each one's hyper-parameter, evaluate.

The models of the demo and their sizes, chosen so that the whole demo runs in
well under 30 s of CPython 3.11 on the default 6 x 20 s of synthetic data:

    ridge   the command line's model options (alpha searched on val)
    mlp     one hidden layer of 32 ReLU, at most 6 epochs at a learning rate of 0.02 (the
            best epoch on val kept), L2 penalty 1 (no search: each value costs a fit)
    knn     at most 1500 training windows, k searched from 10, 20 (grown at the ends)

The command line's defaults (128 units, 100 epochs with early stopping, the
penalty searched) do better and take minutes; the demo is the short version.
"""

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
        help="synthesize a small dataset, fit the models, evaluate them (no download needed)",
        description="The main job on the embedded default: writes a synthetic emg2pose "
        "dataset, fits ridge, an MLP and kNN on train, chooses each one's hyper-parameter on "
        "val, evaluates on test and prints them side by side with the baselines.",
    )
    p.add_argument("--dir", default=None, help="where to write the data (default: a temp dir)")
    p.add_argument("--sessions", type=int, default=6, help="synthetic sessions (6)")
    p.add_argument("--seconds", type=float, default=20.0, help="seconds per session (20)")
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument("--plots", default=None, help="directory to write SVG figures into")
    p.add_argument(
        "--models",
        default="ridge,mlp,knn",
        help="comma-separated models to fit and show side by side (ridge,mlp,knn); the first "
        "is saved as model.json and drawn by --plots",
    )
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


DEMO_SIZES = {
    "ridge": {},
    "mlp": {
        "hidden_layer_sizes": (32,),
        "max_epochs": 6,
        "learning_rate_init": 2e-2,
        "alphas": (1.0,),
    },
    "knn": {"max_train_windows": 1500, "neighbors": (10, 20)},
    "rff": {"rff_components": 100, "max_train_windows": 2000},
}
"""Each model's parameters in the demo (the module docstring says why)."""


def _demo_models(args: argparse.Namespace) -> list:
    from purepose.pose.model import PoseRegressor

    names = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in names if m not in DEMO_SIZES]
    if not names or unknown or len(set(names)) != len(names):
        raise PureposeError(
            f"--models {args.models!r} must name some of {', '.join(DEMO_SIZES)}, once each"
        )
    base = regressor_from_args(args).get_params()
    models = []
    for name in names:
        params = {**base, "model": name, **DEMO_SIZES[name]} if name != "ridge" else base
        if name == "ridge":
            params = {**params, "model": "ridge"}
        models.append(PoseRegressor(**params))
    return models


def _run_demo(args: argparse.Namespace, root, t0: float) -> int:
    import time

    from purepose._util import log
    from purepose.data.dataset import Dataset
    from purepose.pose.evaluation import evaluate
    from purepose.pose.metrics import format_table

    if args.sessions < 3:
        raise PureposeError(f"--sessions={args.sessions} must be >= 3 (train, val and test)")
    models = _demo_models(args)
    log(
        f"demo: writing {args.sessions} synthetic sessions x {args.seconds:g} s to {root}",
        quiet=args.quiet,
    )
    from purepose.data.synth import make_dataset

    make_dataset(
        root, n_sessions=args.sessions, seconds=args.seconds, seed=args.seed, quiet=args.quiet
    )
    dataset = Dataset(root)
    train, val, test = (dataset.select(split=s) for s in ("train", "val", "test"))
    results = {}
    for model in models:
        log(f"demo: fitting {model.model}", quiet=args.quiet)
        model.fit(train, val_sessions=val, n_jobs=args.jobs, quiet=True)
        results[model.model] = evaluate(model, test, quiet=True)
    first, result = models[0], results[models[0].model]
    first.save(root / "model.json")
    print(
        f"purepose demo: synthetic emg2pose data, {len(train)} train / {len(val)} val / "
        f"{len(test)} test sessions of {args.seconds:g} s"
    )
    print(f"{first.n_features_in_} features, {first.n_samples_} training windows; chosen on val:")
    for model in models:
        print(f"  {_chosen(model)}")
    print(f"test: {result.reports['model'].n_frames} valid windows; angular MAE in degrees")
    reports = {name: r.reports["model"] for name, r in results.items()}
    baselines = {k: v for k, v in result.reports.items() if k != "model"}
    print(format_table({**reports, **baselines}, by="finger"))
    print()
    landmarks = {name: r.landmarks["model"] for name, r in results.items()}
    from purepose.pose.landmarks import format_landmark_table

    baseline_landmarks = {k: v for k, v in result.landmarks.items() if k != "model"}
    print(format_landmark_table({**landmarks, **baseline_landmarks}))
    if args.plots:
        _demo_plots(args, first, test[0], result)
    log(f"demo: done in {time.perf_counter() - t0:.1f} s", quiet=args.quiet)
    return 0


def _chosen(model) -> str:
    """One line: the model and the hyper-parameter it chose on the validation session."""
    if model.model == "knn":
        return f"knn: k={model.n_neighbors_} ({model.max_train_windows} training windows at most)"
    if model.model == "mlp":
        hidden = ",".join(map(str, model.hidden_layer_sizes))
        epochs = model.head_.estimator.n_iter_
        return f"mlp: alpha={model.alpha_:g} (hidden {hidden}, {epochs} epochs)"
    return f"{model.model}: alpha={model.alpha_:g}"


def _demo_plots(args: argparse.Namespace, model, session_path, result) -> None:
    """Figures of the demo: EMG of a test session, predicted vs true pose, errors."""
    from pathlib import Path

    from purepose._util import log
    from purepose.data.emg2pose import Session
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
