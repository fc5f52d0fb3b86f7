"""The data verbs: fetch the real data, describe recordings (info), write synthetic data."""

from __future__ import annotations

import argparse

from purepose._util import check_output_dir
from purepose.errors import PureposeError

from .common import common_options, data_options, recording_options

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
    p.add_argument(
        "--max-extract-gb",
        type=float,
        default=4.0,
        metavar="GB",
        help="refuse to extract more than this many gigabytes (4; a gzip bomb stops here)",
    )
    common_options(p)
    p.set_defaults(handler=_cmd_fetch)


def _max_extract_bytes(gigabytes: float) -> int:
    import math

    if not (math.isfinite(gigabytes) and gigabytes > 0):
        raise PureposeError(f"--max-extract-gb {gigabytes:g} must be a positive number")
    return int(gigabytes * 1e9)


def _cmd_fetch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from purepose.data.download.fetch import MINI_SHA256, MINI_URL, fetch

    check_output_dir(Path(args.dir).expanduser(), what="--dir")
    paths = fetch(
        args.dir,
        url=args.url or MINI_URL,
        sha256=args.sha256 or MINI_SHA256,
        members=args.members,
        quiet=args.quiet,
        keep_tar=not args.delete_tar,
        max_bytes=_max_extract_bytes(args.max_extract_gb),
    )
    for path in paths:
        print(path)
    return 0


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
    data_options(p, split=False)
    common_options(p)
    p.set_defaults(handler=_cmd_info)


def _cmd_info(args: argparse.Namespace) -> int:
    from purepose.data.info import describe

    print(describe(args.path, recording_options(args)))
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
    _variability_options(p)
    common_options(p)
    p.set_defaults(handler=_cmd_synth)


def _variability_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "variability (all off by default; purepose.data.synth.Variability documents each knob)"
    )
    g.add_argument(
        "--realistic",
        action="store_true",
        help="turn every knob on at purepose.data.synth.REALISTIC's values (flags below override)",
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


def _variability_from_args(args: argparse.Namespace):
    """The Variability of ``purepose synth``'s flags: --realistic, then each knob given."""
    import dataclasses

    from purepose.data.synth import REALISTIC, Variability

    base = REALISTIC if args.realistic else Variability()
    given = {
        f.name: getattr(args, f.name)
        for f in dataclasses.fields(Variability)
        if getattr(args, f.name, None) is not None
    }
    return dataclasses.replace(base, **given)


def _cmd_synth(args: argparse.Namespace) -> int:
    from purepose.data.synth import make_dataset

    check_output_dir(args.out_dir, what="OUT_DIR")
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


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's verbs to the ``purepose`` parser."""
    _add_fetch(sub)
    _add_info(sub)
    _add_synth(sub)
