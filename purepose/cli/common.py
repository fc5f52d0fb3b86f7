"""What every verb shares: the argument parser class, --quiet, and the data options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from purepose.errors import PureposeError


class Parser(argparse.ArgumentParser):
    """argparse that exits with status 2 and one line, like our own errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")

    def print_help(self, file=None) -> None:  # type: ignore[override]
        # argparse swallows write errors here; a closed pipe must reach main() (exit 141)
        (file or sys.stdout).write(self.format_help())


# ---- data options shared by every verb that reads recordings ---------------------


def data_options(p: argparse.ArgumentParser, *, split: bool = True) -> None:
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


def recording_options(args: argparse.Namespace):
    from purepose.data.csvfile import CsvFormat
    from purepose.data.sources import RecordingOptions

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


def resolve_data(args: argparse.Namespace, paths: Sequence[str], split: str | None) -> list:
    """The sources of DATA with --split/--reps (see purepose.data.sources.resolve)."""
    from purepose.data.recording import parse_reps
    from purepose.data.sources import resolve

    reps = parse_reps(args.reps) if getattr(args, "reps", None) else None
    return resolve(paths, split=split, reps=reps, options=recording_options(args))


def open_one(args: argparse.Namespace, path: str):
    from purepose.data.sources import open_recording

    return open_recording(path, recording_options(args))


def common_options(p: argparse.ArgumentParser) -> None:
    """Options every verb shares."""
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
