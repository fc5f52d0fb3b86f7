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
    p.add_argument("--keep-tar", action="store_true", help="keep the tar after extracting")
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
        keep_tar=args.keep_tar,
    )
    for path in paths:
        print(path)
    return 0


# ---- info / synth: describe data, write synthetic data -------------------------


def _add_info(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "info",
        help="describe a session file or a dataset directory",
        description="Print a session's metadata, size, IK-failure share and per-channel EMG "
        "RMS, or a dataset directory's splits, users, stages and files.",
    )
    p.add_argument("path", metavar="FILE_OR_DIR", help="an .hdf5 session or a directory")
    _common_options(p)
    p.set_defaults(handler=_cmd_info)


def _cmd_info(args: argparse.Namespace) -> int:
    from .io import describe

    print(describe(args.path))
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
    _common_options(p)
    p.set_defaults(handler=_cmd_synth)


def _cmd_synth(args: argparse.Namespace) -> int:
    from .synth import make_dataset

    paths = make_dataset(
        args.out_dir,
        n_sessions=args.sessions,
        seconds=args.seconds,
        seed=args.seed,
        n_users=args.users,
        quiet=args.quiet,
    )
    for path in paths:
        print(path)
    print(f"wrote {len(paths)} session(s) of {args.seconds:g} s + metadata.csv to {args.out_dir}")
    return 0


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
