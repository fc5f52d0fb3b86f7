"""Command-line front end: ``purepose <verb>`` and ``python -m purepose <verb>``.

Every verb is a thin layer over the library: parse arguments, call one or two
library functions, print. Any :class:`~purepose.errors.PureposeError` (and
OS-level file errors) becomes one line on stderr and exit status 2, with no
traceback; ``--quiet`` silences progress lines on stderr.

Each module of this package holds a few verbs: a ``_add_<verb>(subparsers)``
declares a verb's arguments, a ``_cmd_<verb>(args) -> int`` runs it, and the
module's ``register(subparsers)`` adds its verbs to the parser:

    model_verbs   fit, predict, evaluate
    demo          demo
    data_verbs    fetch, info, synth
    plots         plot emg / pose / errors, cluster (plot hand: hand_verbs)
    exercise_verbs  exercise list / start / check (the grader: purepose.exercises)
    predictions_eval  evaluate --predictions (scoring any program's CSV)
    common        the parser class, --quiet and the data options every verb shares
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from purepose import __version__
from purepose._util import (
    EXIT_BROKEN_PIPE,
    Terminated,
    interrupt_on_terminate,
    silence_closed_output,
)
from purepose.errors import PureposeError

from . import data_verbs, demo, exercise_verbs, model_verbs, plots
from .common import Parser

Handler = Callable[[argparse.Namespace], int]

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="purepose",
        description="Predict hand pose from wrist EMG (emg2pose, NinaPro, CSV) in plain Python.",
    )
    parser.add_argument("--version", action="version", version=f"purepose {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)
    sub.required = True
    for verbs in (data_verbs, demo, exercise_verbs, model_verbs, plots):
        verbs.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    0 ok; 2 bad input (one line on stderr, no traceback); 141 standard output
    closed early (``purepose ... | head``: quiet, like standard tools); 128 +
    the signal number after Ctrl-C (130), SIGTERM (143) or SIGHUP (129), with
    temporary files removed.
    """
    with interrupt_on_terminate():
        try:
            status = _run(argv)
            if sys.stdout is not None:
                sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
            return status
        except BrokenPipeError:
            silence_closed_output()
            return EXIT_BROKEN_PIPE
        except SystemExit:  # argparse after --help, --version or a usage error
            try:
                if sys.stdout is not None:
                    sys.stdout.flush()
            except BrokenPipeError:
                silence_closed_output()
                raise SystemExit(EXIT_BROKEN_PIPE) from None
            raise


def _run(argv: Sequence[str] | None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    if getattr(args, "kind", None):  # `plot emg`: name the figure kind in messages
        args.verb = f"{args.verb} {args.kind}"
    try:
        return handler(args)
    except BrokenPipeError:
        raise  # main() ends quietly
    except PureposeError as exc:
        print(f"purepose {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"purepose {args.verb}: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP as Terminated
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        print(f"purepose {args.verb}: interrupted", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
