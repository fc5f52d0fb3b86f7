"""CSV recordings: what an armband or a glove exports, as a Recording.

A CSV recording is a text file with one header row and one row per sample:

    time,emg1,emg2,...,emg8,angle_index,angle_middle,...
    0.000,-12,4,...,31,10.5,3.2,...

Columns are chosen by name (matched without regard to case, spaces trimmed):

    time column    ``time_column`` (default: the first of time, timestamp, t);
                   None or no such column: time is i / sample_rate
    EMG            every column whose name starts with ``emg_prefix`` ("emg")
    targets        every column whose name starts with ``target_prefix``
                   (none by default: a file of EMG alone can still be predicted
                   from), in ``target_unit`` ("raw"; "deg" or "rad" for angles)
    labels         columns named stimulus / restimulus and repetition /
                   rerepetition, if present (for splits by repetition)

The sample rate is ``sample_rate`` if given, else (n - 1) / (t[n-1] - t[0])
from the time column, in ``time_unit`` ("s", "ms" or "us"). Armband exports
often drop samples, so a given rate that disagrees with the timestamps by more
than 1% is reported as a warning, not an error. The delimiter is a comma
unless ``delimiter`` says otherwise (";" and tab are common).

Every cell is checked: a row with the wrong number of fields, an empty or
non-numeric cell, NaN or infinity raise a one-line PureposeError naming the
file, the line and the column. The file is read whole (O(file size)), up to
``MAX_BYTES``.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "armband.csv"
>>> _ = p.write_text("time,emg1,emg2,flex\\n0.0,1,2,30\\n0.004,3,4,31\\n0.008,5,6,33\\n")
>>> rec = read_csv(p, CsvFormat(target_prefix="flex"))
>>> rec.sample_rate, rec.n_channels, rec.target_names, rec.read_field("emg", 2)
(250.0, 2, ('flex',), [[5.0, 6.0]])
"""

from __future__ import annotations

import csv
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from purepose.errors import PureposeError
from purepose.types import Matrix, PathLike, Vector

from .recording import REPETITION, STIMULUS, ArrayRecording, check_sample_rate

MAX_BYTES = 1 << 30
"""Largest CSV file read (1 GiB): about 100 million cells, several GB as Python floats."""

TIME_COLUMNS = ("time", "timestamp", "t")
LABEL_COLUMNS = {STIMULUS: ("restimulus", "stimulus"), REPETITION: ("rerepetition", "repetition")}
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}


@dataclass(frozen=True)
class CsvFormat:
    """Which columns of a CSV file are what (module docstring); the CLI's CSV flags."""

    time_column: str | None = None
    emg_prefix: str = "emg"
    target_prefix: str | None = None
    sample_rate: float | None = None
    time_unit: str = "s"
    delimiter: str = ","
    target_unit: str = "raw"


def _header(where: str, reader: Any) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise PureposeError(f"{where}: empty file (expected a header row)") from None
    names = [h.strip().lower() for h in header]
    if any(not n for n in names):
        raise PureposeError(f"{where}: line 1: empty column name in the header")
    if all(_is_number(n) for n in names):
        raise PureposeError(
            f"{where}: line 1 is numbers, not column names: a CSV recording needs a header row"
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PureposeError(f"{where}: duplicate column name(s) {', '.join(duplicates)}")
    return names


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _select(where: str, names: list[str], fmt: CsvFormat) -> dict[str, Any]:
    """Column indices of time, EMG, targets and labels (module docstring)."""
    if fmt.time_column is not None:
        time_name = fmt.time_column.strip().lower()
        if time_name not in names:
            raise PureposeError(
                f"{where}: no time column {fmt.time_column!r} (columns: {', '.join(names)})"
            )
    else:
        time_name = next((n for n in TIME_COLUMNS if n in names), None)
    emg = [i for i, n in enumerate(names) if n.startswith(fmt.emg_prefix.lower())]
    if not emg:
        raise PureposeError(
            f"{where}: no EMG column (none starts with {fmt.emg_prefix!r}; columns: "
            f"{', '.join(names)}); use --emg-prefix"
        )
    targets = []
    if fmt.target_prefix is not None:
        targets = [i for i, n in enumerate(names) if n.startswith(fmt.target_prefix.lower())]
        if not targets:
            raise PureposeError(
                f"{where}: no target column starts with {fmt.target_prefix!r} "
                f"(columns: {', '.join(names)})"
            )
        overlap = sorted(set(emg) & set(targets))
        if overlap:
            raise PureposeError(
                f"{where}: column {names[overlap[0]]!r} matches both the EMG and target prefixes"
            )
    labels = {
        label: next((names.index(c) for c in candidates if c in names), None)
        for label, candidates in LABEL_COLUMNS.items()
    }
    return {
        "time": None if time_name is None else names.index(time_name),
        "emg": emg,
        "targets": targets,
        "labels": {k: v for k, v in labels.items() if v is not None},
    }


def _parse_rows(where: str, reader: Any, names: list[str]) -> list[list[float]]:
    """Every data row as floats, with the line and column of the first bad cell."""
    width = len(names)
    rows = []
    for line, fields in enumerate(reader, start=2):
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # a blank line
        if len(fields) != width:
            raise PureposeError(
                f"{where}: line {line} has {len(fields)} fields, the header {width}"
            )
        try:
            row = list(map(float, fields))
        except ValueError:
            bad = next(i for i, f in enumerate(fields) if not _is_number(f))
            raise PureposeError(
                f"{where}: line {line}, column {names[bad]!r}: {fields[bad].strip()!r} "
                "is not a number"
            ) from None
        if not math.isfinite(sum(row)):
            bad = next(i for i, v in enumerate(row) if not math.isfinite(v))
            raise PureposeError(
                f"{where}: line {line}, column {names[bad]!r}: non-finite value {fields[bad]!r}"
            )
        rows.append(row)
    if not rows:
        raise PureposeError(f"{where}: no data rows after the header")
    return rows


def _sample_rate(where: str, time: Vector | None, fmt: CsvFormat) -> float:
    measured = None
    if time is not None and len(time) >= 2 and time[-1] > time[0]:
        measured = (len(time) - 1) / (time[-1] - time[0])
    if fmt.sample_rate is None:
        if measured is None:
            raise PureposeError(
                f"{where}: no sample rate: no usable time column; pass --sample-rate"
            )
        return check_sample_rate(measured, where)
    rate = check_sample_rate(fmt.sample_rate, where)
    if measured is not None and abs(measured - rate) > 0.01 * rate:
        warnings.warn(
            f"{where}: --sample-rate {rate:g} Hz but the timestamps give {measured:.5g} Hz "
            f"(dropped samples?); using {rate:g} Hz",
            stacklevel=2,
        )
    return rate


def read_csv(path: PathLike, fmt: CsvFormat | None = None) -> ArrayRecording:
    """Read a CSV recording (module docstring) into an :class:`ArrayRecording`.

    >>> read_csv("no-such.csv")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: no-such.csv: no such file
    """
    fmt = fmt or CsvFormat()
    p = Path(path)
    where = str(p)
    if fmt.time_unit not in TIME_UNITS:
        raise PureposeError(f"{where}: time unit {fmt.time_unit!r} must be one of s, ms, us")
    if not p.is_file():
        raise PureposeError(f"{where}: {'is a directory' if p.is_dir() else 'no such file'}")
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise PureposeError(f"{where}: {size:,} bytes is larger than the {MAX_BYTES:,} read")
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=fmt.delimiter)
            names = _header(where, reader)
            columns = _select(where, names, fmt)
            rows = _parse_rows(where, reader, names)
    except UnicodeDecodeError as exc:
        raise PureposeError(f"{where}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise PureposeError(f"{where}: malformed CSV ({exc})") from None
    return _recording(p, names, columns, rows, fmt)


def _recording(
    p: Path, names: list[str], columns: dict[str, Any], rows: Matrix, fmt: CsvFormat
) -> ArrayRecording:
    where = str(p)
    by_column = list(zip(*rows))
    time = None
    if columns["time"] is not None:
        scale = TIME_UNITS[fmt.time_unit]
        time = [v * scale for v in by_column[columns["time"]]]
    rate = _sample_rate(where, time, fmt)
    labels = {}
    for label, j in columns["labels"].items():
        values = by_column[j]
        if any(v != int(v) for v in values):
            raise PureposeError(f"{where}: column {names[j]!r} must hold whole numbers (labels)")
        labels[label] = [int(v) for v in values]
    emg, targets = columns["emg"], columns["targets"]
    return ArrayRecording(
        p,
        emg=[[row[j] for j in emg] for row in rows],
        targets=[[row[j] for j in targets] for row in rows],
        sample_rate=rate,
        time=time,
        target_names=[names[j] for j in targets],
        target_unit=fmt.target_unit,
        labels=labels,
        format="csv",
        metadata={"emg_columns": [names[j] for j in emg]},
    )
