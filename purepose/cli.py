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
