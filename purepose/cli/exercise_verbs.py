"""The exercise verbs: ``purepose exercise list | start NAME [DIR] | check NAME FILE``.

``check`` exits 0 when every required tier passes (for ``pose``: the
solution ran within its budget and beat the mean pose), 1 when one fails,
and 2 on bad usage (an unknown exercise, a missing file, a syntax error or
a missing function in it: one line on stderr, like every verb).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from purepose.errors import PureposeError

from .common import Parser, common_options, data_options, recording_options

LEVELS = ("warm-up", "core", "hard")  # purepose.exercises.core.LEVELS, without importing it


def _add_exercise(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "exercise",
        help="exercises with a grader: list, start NAME DIR, check NAME FILE",
        description="Interview and classroom exercises: write a starter file, then grade "
        "an answer on fresh cases (ordinary, careful, bad input) with the tolerance each "
        "computation allows, and time it against purepose's textbook and fast versions.",
    )
    kinds = p.add_subparsers(dest="kind", metavar="ACTION", parser_class=Parser)
    kinds.required = True

    q = kinds.add_parser("list", help="every exercise, its level and what it asks")
    q.add_argument("--level", choices=LEVELS, default=None, help="only the exercises of a level")
    common_options(q)
    q.set_defaults(handler=_cmd_list)

    q = kinds.add_parser(
        "start",
        help="write an exercise's starter file into DIR (never overwrites)",
        description="Write DIR/NAME.py (pose: DIR/solution.py): the signature, the task, the "
        "math, the conventions, a worked example and a TODO body. With --answer, write "
        "purepose's model answer beside it instead (DIR/NAME_answer.py).",
    )
    q.add_argument("name", metavar="NAME", help="the exercise (see `purepose exercise list`)")
    q.add_argument("dir", metavar="DIR", nargs="?", default=".", help="directory (default .)")
    q.add_argument("--answer", action="store_true", help="write the model answer instead")
    common_options(q)
    q.set_defaults(handler=_cmd_start)

    q = kinds.add_parser(
        "check",
        help="grade an answer file on fresh cases; exit 0 if it passes, 1 if not",
        description="Import the function(s) of FILE in a worker process and grade them on "
        "cases generated from a seed (printed; --seed replays it): ordinary, careful, and "
        "the optional bad-input tier. For pose: fit and predict on fresh synthetic "
        "sessions (or --data) within a time budget, scored beside the baselines.",
    )
    q.add_argument("name", metavar="NAME", help="the exercise")
    q.add_argument("file", metavar="FILE", help="the answer file (a .py file)")
    q.add_argument("--seed", type=int, default=None, help="replay the cases of this seed")
    q.add_argument("--time-limit", type=float, default=10.0, help="seconds a case may run (10)")
    q.add_argument("--no-speed", action="store_true", help="skip the speed line")
    g = q.add_argument_group("pose only")
    g.add_argument(
        "--data",
        nargs="+",
        default=None,
        metavar="DATA",
        help="score on these recordings instead of synthetic ones: a dataset directory "
        "(split by metadata.csv) or files split by repetition (NinaPro)",
    )
    g.add_argument(
        "--time-budget", type=float, default=300.0, help="seconds for fit and predict (300)"
    )
    g.add_argument("--sessions", type=int, default=6, help="synthetic sessions (6)")
    g.add_argument("--seconds", type=float, default=20.0, help="seconds per session (20)")
    g.add_argument("--no-reference", action="store_true", help="skip purepose's own ridge model")
    data_options(q, split=False)
    common_options(q)
    q.set_defaults(handler=_cmd_check)


def _cmd_list(args: argparse.Namespace) -> int:
    from purepose.exercises import EXERCISES

    chosen = [e for e in EXERCISES.values() if args.level in (None, e.level)]
    rows = [("name", "level", "what it asks"), *((e.name, e.level, e.summary) for e in chosen)]
    widths = [max(len(r[c]) for r in rows) for c in range(2)]
    for name, level, summary in rows:
        print(f"{name:<{widths[0]}}  {level:<{widths[1]}}  {summary}")
    print(
        "\nstart one:  purepose exercise start NAME DIR\ngrade it:   purepose exercise "
        "check NAME DIR/NAME.py   (pose: DIR/solution.py)"
    )
    return 0


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, and never over an existing file.

    The text goes to a temporary file first, then ``os.link`` gives it its
    name, which fails if the name exists (no race with another writer).
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise PureposeError(
                f"{path} exists; exercise start never overwrites a file (move it away or "
                "choose another DIR)"
            ) from None
    finally:
        os.unlink(tmp)


def _cmd_start(args: argparse.Namespace) -> int:
    from purepose._util import check_output_dir
    from purepose.exercises import get

    exercise = get(args.name)
    check_output_dir(args.dir, what="DIR")
    directory = Path(args.dir)
    name = exercise.file_name
    if args.answer:
        name = name.replace(".py", "_answer.py")
    path = directory / name
    if path.exists() or path.is_symlink():
        raise PureposeError(
            f"{path} exists; exercise start never overwrites a file (move it away or choose "
            "another DIR)"
        )
    text = exercise.answer() if args.answer else exercise.starter()
    directory.mkdir(parents=True, exist_ok=True)
    write_new(path, text)
    what = "the model answer" if args.answer else "the task, the math, an example and a TODO"
    print(f"wrote {path}: {what}")
    print(f"grade it:  purepose exercise check {exercise.name} {path}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from purepose.exercises import get
    from purepose.exercises.grader import grade
    from purepose.exercises.pose import PoseExercise, grade_pose

    exercise = get(args.name)
    if isinstance(exercise, PoseExercise):
        result = grade_pose(
            args.file,
            data=args.data,
            options=recording_options(args),
            seed=args.seed,
            budget=args.time_budget,
            n_sessions=args.sessions,
            seconds=args.seconds,
            reference=not args.no_reference,
            quiet=args.quiet,
        )
    else:
        if args.data is not None:
            raise PureposeError("--data goes with `exercise check pose` only")
        result = grade(
            exercise,
            args.file,
            seed=args.seed,
            time_limit=args.time_limit,
            speed=not args.no_speed,
        )
    print(result.report())
    return 0 if result.passed else 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's verbs to the ``purepose`` parser."""
    _add_exercise(sub)
