"""The figure verbs: plot emg / pose / errors (SVG), and cluster (the seed's PCA + k-means)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from purepose._util import check_output, report_stream
from purepose.errors import PureposeError

from . import hand_verbs
from .common import Parser, common_options, data_options, open_one, resolve_data

# ---- plot: SVG figures, one kind each (plot emg, pose, errors; hand in hand_verbs) ----


def _add_plot(sub: argparse._SubParsersAction) -> None:
    """``purepose plot KIND ...`` with one sub-subcommand per figure kind.

    A kind is a function ``_plot_add_<kind>(kinds)`` that calls
    ``kinds.add_parser(...)``, ``common_options(p)`` and sets ``handler``;
    ``plot hand`` lives in :mod:`purepose.cli.hand_verbs`.
    """
    p = sub.add_parser(
        "plot",
        help="draw an SVG figure (plot emg FILE ...)",
        description="Draw figures as plain SVG files (no plotting library needed).",
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", parser_class=Parser)
    kinds.required = True
    for add_kind in (_plot_add_emg, _plot_add_errors, hand_verbs.add_kind, _plot_add_pose):
        add_kind(kinds)


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
    data_options(p, split=False)
    common_options(p)
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


#: Rows read at a time by `plot emg` and `cluster` (memory: one chunk, not the session).
_CHUNK_ROWS = 20_000


def _first_row_at(session, t: float) -> int:
    """First row whose time is >= t: a binary search reading single rows, O(log n) reads.

    The same row ``Session.slice`` finds, without loading the time column.
    """
    lo, hi = 0, len(session)
    while lo < hi:
        mid = (lo + hi) // 2
        if session.read_field("time", mid, mid + 1)[0] < t:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _session_window(session, start: float | None, duration: float | None, default: float):
    """Rows a:b of START..START+DURATION seconds after the first sample, and t0.

    ``duration=None`` means ``default`` seconds, or up to the end if shorter.
    """
    import math

    n = len(session)
    t0 = session.read_field("time", 0, 1)[0]
    # Seconds covered by the samples (one sample period each), measured on
    # the time column because the window is cut by time.
    length = session.read_field("time", n - 1, n)[0] - t0 + 1.0 / session.sample_rate
    where = f"{session.name} is {length:.3f} s long"
    start = 0.0 if start is None else start
    if not (math.isfinite(start) and 0.0 <= start < length):
        raise PureposeError(f"--start {start:g} is outside the recording: {where}")
    if duration is None:
        duration = min(default, length - start)
    if not (math.isfinite(duration) and duration > 0.0):
        raise PureposeError(f"--duration {duration:g} must be positive ({where})")
    if start + duration > length + 1e-9:
        raise PureposeError(
            f"--start {start:g} --duration {duration:g} ends at {start + duration:g} s, "
            f"beyond the recording: {where}"
        )
    a = _first_row_at(session, t0 + start)
    return a, _first_row_at(session, t0 + start + duration), t0, start, duration


def _cmd_plot_emg(args: argparse.Namespace) -> int:
    from purepose._util import log
    from purepose.plot import emg_traces_svg_chunked, save_svg

    check_output(args.out)
    with open_one(args, args.file) as session:
        a, b, t0, start, duration = _session_window(session, args.start, args.duration, 10.0)
        if b - a < 2:
            raise PureposeError(
                f"--duration {duration:g} s holds {b - a} sample(s); need at least 2"
            )
        channels = _parse_channels(args.channels, session.n_channels)
        every = channels == list(range(session.n_channels))

        def chunks():
            for lo in range(a, b, _CHUNK_ROWS):
                hi = min(b, lo + _CHUNK_ROWS)
                time = [t - t0 for t in session.read_field("time", lo, hi)]
                emg = session.read_field("emg", lo, hi)
                yield time, emg if every else [[row[c] for c in channels] for row in emg]

        title = args.title or f"{session.name}: EMG {start:g}-{start + duration:g} s"
        svg = emg_traces_svg_chunked(
            chunks(),
            n_samples=b - a,
            t_first=session.read_field("time", a, a + 1)[0] - t0,
            t_last=session.read_field("time", b - 1, b)[0] - t0,
            n_channels=len(channels),
            channel_names=[f"EMG{c + 1:02d}" for c in channels],
            title=title,
        )
    path = save_svg(args.out, svg)
    log(f"plot emg: {b - a} samples x {len(channels)} channels", quiet=args.quiet)
    print(path, file=report_stream(args.out))
    return 0


# ---- cluster: PCA + k-means of a session's EMG, as in the seed blog post ----------


#: Samples `cluster` keeps by default (every k-th): PCA + k-means cost O(samples).
DEFAULT_MAX_SAMPLES = 20_000


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
        "--max-samples",
        type=int,
        default=None,
        metavar="M",
        help=f"keep every k-th sample so that at most M remain (default {DEFAULT_MAX_SAMPLES:,}: "
        "memory and time stay bounded on long sessions; --decimate 1 keeps all)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of PCA and k-means (0)")
    p.add_argument("--out", default="clusters.svg", help="output SVG file (clusters.svg)")
    p.add_argument("--title", default=None, help="figure title (default: session and sizes)")
    data_options(p, split=False)
    common_options(p)
    p.set_defaults(handler=_cmd_cluster)


def _cluster_check_args(args: argparse.Namespace) -> None:
    """Reject bad numbers and an unwritable --out before any data is read."""
    if args.components < 1:
        raise PureposeError(f"--components {args.components} must be >= 1")
    if args.clusters < 1:
        raise PureposeError(f"--clusters {args.clusters} must be >= 1")
    if args.decimate is not None and args.decimate < 1:
        raise PureposeError(f"--decimate {args.decimate} must be >= 1")
    if args.max_samples is not None and args.max_samples < 2:
        raise PureposeError(f"--max-samples {args.max_samples} must be >= 2")
    check_output(args.out)


def _cmd_cluster(args: argparse.Namespace) -> int:
    import math

    from purepose._util import log
    from purepose.fast.kmeans import KMeans
    from purepose.fast.pca import PCA
    from purepose.plot import save_svg, scatter3d_svg, scatter_svg

    _cluster_check_args(args)
    with open_one(args, args.file) as session:
        if args.start is None and args.duration is None:
            a, b = 0, len(session)
        else:
            a, b, *_ = _session_window(session, args.start, args.duration, math.inf)
        n_total, n_channels = b - a, session.n_channels
        limit = args.max_samples or DEFAULT_MAX_SAMPLES
        step = args.decimate or max(1, math.ceil(n_total / limit))
        # a strided read: memory follows the rows kept, not the session
        emg = session.read_field("emg", a, b, step) if b > a else []
        name = session.name
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
    report = report_stream(args.out)

    print(f"{name}: {kept}, {n_channels} channels", file=report)
    if step > 1 and not args.decimate:
        default = "" if args.max_samples else ", the default"
        print(
            f"  (1 in {step} samples kept: at most --max-samples {limit:,}{default}; "
            "--decimate 1 keeps all)",
            file=report,
        )
    print("explained variance (% of total):", file=report)
    for i, ratio in enumerate(pca.explained_variance_ratio_):
        print(f"  PC{i + 1}: {100.0 * ratio:6.2f}", file=report)
    print(f"  sum: {100.0 * math.fsum(pca.explained_variance_ratio_):6.2f}", file=report)
    print(f"k-means: {km.n_iter_} iterations, inertia {km.inertia_:.6g}", file=report)
    for k in range(args.clusters):
        size = km.labels_.count(k)
        print(f"  cluster {k}: {size:8,d} samples ({100.0 * size / n:5.1f}%)", file=report)

    title = args.title or f"{name}: PCA + k-means, {args.clusters} clusters"
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
    print(save_svg(args.out, svg), file=report)
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
    data_options(p, split=False)
    common_options(p)
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

    from purepose.plot import pose_traces_svg, save_svg
    from purepose.pose.model import PoseRegressor

    check_output(args.out)
    model = PoseRegressor.load(args.model)
    joints = _parse_joints(args.joints, model.target_names_)
    with open_one(args, args.file) as rec:
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
    print(
        f"wrote {args.out}: {len(joints)} target(s), {len(keep)} windows",
        file=report_stream(args.out),
    )
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
    data_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_plot_errors)


def _cmd_plot_errors(args: argparse.Namespace) -> int:
    from purepose.plot import error_bars_svg, save_svg
    from purepose.pose.evaluation import evaluate
    from purepose.pose.model import PoseRegressor

    check_output(args.out)
    model = PoseRegressor.load(args.model)
    result = evaluate(model, resolve_data(args, args.data, args.split), quiet=args.quiet)
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
    print(f"wrote {args.out}: model {summary}", file=report_stream(args.out))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's verbs to the ``purepose`` parser."""
    _add_plot(sub)
    _add_cluster(sub)
