"""plot hand: the predicted and the true hand, as an SVG picture or an HTML player."""

from __future__ import annotations

import argparse

from purepose.errors import PureposeError

from .common import common_options, data_options, open_one

# ---- plot hand: the predicted and the true hand (SVG picture or HTML player) ------


def add_kind(kinds: argparse._SubParsersAction) -> None:
    """Add ``plot hand`` to the ``plot`` verb's kinds."""
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
    data_options(p, split=False)
    common_options(p)
    p.set_defaults(handler=_cmd_plot_hand)


def _plot_hand_check_args(args: argparse.Namespace) -> str:
    """Check the times and --out before any data is read; return "svg" or "html"."""
    import math
    from pathlib import Path

    from purepose.plot.player import MAX_SECONDS

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
    from purepose.joints import JOINT_NAMES
    from purepose.pose.hand import DEFAULT_HAND_LENGTH_MM, GenericHand
    from purepose.pose.model import PoseRegressor

    kind = _plot_hand_check_args(args)
    length = DEFAULT_HAND_LENGTH_MM if args.hand_length is None else args.hand_length
    hand = GenericHand(length, side=args.side)
    model = PoseRegressor.load(args.model)
    if model.target_unit_ != "rad" or tuple(model.target_names_) != JOINT_NAMES:
        raise PureposeError(
            f"{args.model}: plot hand needs a model of the 20 emg2pose joint angles; this one "
            f"predicts {len(model.target_names_)} targets ({model.target_unit_})"
        )
    with open_one(args, args.file) as rec:
        feats = model.featurize(rec)
    pred = model.predict_windows(feats).values
    if kind == "svg":
        print(_hand_picture(args.out, feats, pred, hand, args.at, args.title))
    else:
        print(_hand_player(args.out, feats, pred, hand, args.start, args.end, args.title))
    return 0


def _hand_picture(out, feats, pred, hand, at: float, title: str | None) -> str:
    """Write the SVG of the window nearest ``at`` s after the first; return the summary line."""
    from purepose.joints import is_ik_failure
    from purepose.plot import save_svg
    from purepose.plot.handplot import frame_errors, frame_title, hand_views_svg

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
    from purepose.plot.player import player_html, save_player, subsample

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


def demo_hand_figures(out, feats, pred) -> None:
    """The demo's hand picture (mid-session) and player (its first 10 s)."""
    from purepose.pose.hand import default_hand

    middle = (feats.time[-1] - feats.time[0]) / 2
    _hand_picture(out / "hand.svg", feats, pred, default_hand(), middle, None)
    end = min(10.0, feats.time[-1] - feats.time[0])
    _hand_player(out / "hand.html", feats, pred, default_hand(), 0.0, end, None)
