"""What ``purepose info`` prints: a readable summary of any recording or directory.

For a file: its format, size and timing, the channels and targets, the
labels and the repetition split they give, and each channel's EMG RMS,
rms_c = sqrt(sum_t emg[t][c]^2 / T), streamed in chunks (O(T c), memory
O(chunk)). emg2pose sessions and dataset directories get the emg2pose summary
of :func:`purepose.io.describe` (IK failures, splits from metadata.csv); a
plain directory gets one line per recording file.
"""

from __future__ import annotations

import math
import operator
from pathlib import Path

from .errors import PureposeError
from .io import Session
from .io import describe as describe_emg2pose
from .recording import REPETITION, STIMULUS, Recording, repetition_groups, split_repetitions
from .sources import RecordingOptions, find_recordings, open_recording
from .types import PathLike

_CHUNK = 20_000


def describe(path: PathLike, options: RecordingOptions | None = None) -> str:
    """A summary of a recording file or a directory (module docstring).

    >>> describe("no-such-file.mat")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: describe: no-such-file.mat: no such file or directory
    """
    p = Path(path)
    if not p.exists():
        raise PureposeError(f"describe: {p}: no such file or directory")
    if p.is_dir():
        if (p / "metadata.csv").is_file():
            return describe_emg2pose(p)
        return _describe_directory(p, options)
    with open_recording(p, options) as rec:
        if isinstance(rec, Session):
            return describe_emg2pose(p)
        return describe_recording(rec)


def _describe_directory(root: Path, options: RecordingOptions | None) -> str:
    files = find_recordings([root])
    lines = [f"directory: {root} (no metadata.csv), {len(files)} recording file(s):"]
    for f in files:
        with open_recording(f, options) as rec:
            lines.append(
                f"  {f.name}: {rec.format}, {len(rec)} samples at {rec.sample_rate:g} Hz "
                f"({rec.duration:.2f} s), {rec.n_channels} channels, {rec.describe_targets()}"
            )
    return "\n".join(lines)


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if len(names) <= 6 else f"{names[0]} .. {names[-1]}"


def _label_lines(rec: Recording) -> list[str]:
    lines = []
    for label in (STIMULUS, REPETITION):
        if label in rec.label_names:
            values = set(rec.read_field(label))
            lines.append(f"{label + ':':<14}{min(values)} .. {max(values)} ({len(values)} values)")
    if REPETITION in rec.label_names:
        repetition = rec.read_field(REPETITION)
        groups = repetition_groups(repetition)
        counts = {r: groups.count(r) for r in sorted(set(groups))}
        try:
            parts = []
            for split in ("train", "val", "test"):
                reps = sorted(split_repetitions(split, counts, str(rec.path)))
                n = sum(counts[r] for r in reps)
                parts.append(f"{split} {','.join(map(str, reps))} ({n} samples)")
            lines.append("splits:       " + "; ".join(parts))
        except PureposeError:
            lines.append("splits:       none by convention (use --reps)")
    return lines


def describe_recording(rec: Recording) -> str:
    """The summary of one non-emg2pose recording (module docstring)."""
    n = len(rec)
    sumsq: list[list[float]] = [[] for _ in range(rec.n_channels)]
    for start in range(0, n, _CHUNK):
        emg = rec.read_field("emg", start, min(start + _CHUNK, n))
        for parts, column in zip(sumsq, zip(*emg)):
            parts.append(math.fsum(map(operator.mul, column, column)))
    rms = [math.sqrt(math.fsum(parts) / n) for parts in sumsq]
    time = rec.read_field("time", 0, 1) + rec.read_field("time", n - 1, n)
    extra = {k: v for k, v in rec.metadata.items() if not isinstance(v, dict | list)}
    lines = [
        f"file:         {rec.path}",
        f"format:       {rec.format}",
        *(f"{k + ':':<14}{v}" for k, v in sorted(extra.items())),
        f"samples:      {n}",
        f"sample rate:  {rec.sample_rate:g} Hz",
        f"duration:     {rec.duration:.3f} s",
        f"time:         {time[0]:.3f} .. {time[1]:.3f} s",
        f"channels:     {rec.n_channels}",
        f"targets:      {rec.describe_targets()}"
        + (f": {_names(rec.target_names)}" if rec.n_targets else ""),
        *_label_lines(rec),
        "EMG RMS per channel:",
    ]
    for row in range(0, len(rms), 4):
        cells = (f"ch{c + 1:02d} {rms[c]:10.5g}" for c in range(row, min(row + 4, len(rms))))
        lines.append("  " + "  ".join(cells))
    return "\n".join(lines)
