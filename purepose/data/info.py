"""What ``purepose info`` prints: a readable summary of any recording or directory.

For a file: its format, size and timing, the channels and targets, the
labels and the repetition split they give, and each channel's EMG RMS,
rms_c = sqrt(sum_t emg[t][c]^2 / T), streamed in chunks (O(T c), memory
O(chunk)). emg2pose sessions and dataset directories get the emg2pose summary
of :func:`describe_emg2pose` (identity, IK failures, the splits of
metadata.csv); a plain directory gets one line per recording file.
"""

from __future__ import annotations

import math
import operator
from pathlib import Path

from purepose.errors import PureposeError
from purepose.joints import valid_mask
from purepose.types import PathLike

from .dataset import Dataset, find_sessions
from .emg2pose import Session
from .recording import REPETITION, STIMULUS, Recording, repetition_groups, split_repetitions
from .sources import RecordingOptions, find_recordings, open_recording

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
        *_rms_lines(rms),
    ]
    return "\n".join(lines)


def _rms_lines(rms: list[float]) -> list[str]:
    """The EMG RMS of each channel, four channels a line."""
    lines = []
    for row in range(0, len(rms), 4):
        cells = (f"ch{c + 1:02d} {rms[c]:10.5g}" for c in range(row, min(row + 4, len(rms))))
        lines.append("  " + "  ".join(cells))
    return lines


# ---- emg2pose sessions and dataset directories -------------------------------

_KNOWN_ATTRS = {
    "filename",
    "session",
    "stage",
    "user",
    "side",
    "start",
    "end",
    "sample_rate",
    "num_channels",
}


def describe_emg2pose(path: PathLike) -> str:
    """The emg2pose summary of a session file or a dataset directory.

    For a file: identity (session, user, stage, side), size and timing, the
    share of IK-failure frames and each channel's EMG RMS,
    rms_c = sqrt(sum_t emg[t][c]^2 / T), streamed chunk by chunk (O(T * 37),
    memory O(chunk)). For a directory: counts per split, user, stage, side and
    generalization from metadata.csv, and one line per file; without
    metadata.csv, one line per ``.hdf5`` file.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_session
    >>> path = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.5)
    >>> print(describe_emg2pose(path))  # doctest: +ELLIPSIS
    file:         .../s.hdf5
    session:      s
    ...
    samples:      1000
    sample rate:  2000 Hz
    duration:     0.500 s
    ...
    IK failures:  10.0% of frames (100 of 1000)
    EMG RMS per channel:
      ch01 ...
    >>> describe_emg2pose("no-such-file.hdf5")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: describe: no-such-file.hdf5: no such file or directory
    """
    p = Path(path)
    if not p.exists():
        raise PureposeError(f"describe: {p}: no such file or directory")
    if p.is_dir():
        if (p / "metadata.csv").is_file():
            return _describe_dataset(Dataset(p))
        return _describe_session_directory(p)
    return _describe_session(p)


def _fmt_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k or '(empty)'} {v}" for k, v in counts.items())


def _describe_session(path: Path) -> str:
    with Session(path) as s:
        n = len(s)
        sumsq: list[list[float]] = [[] for _ in range(s.n_channels)]
        n_failed = 0
        first_t = last_t = 0.0
        for chunk in s.iter_chunks(_CHUNK):
            if chunk.start == 0:
                first_t = chunk.time[0]
            last_t = chunk.time[-1]
            n_failed += valid_mask(chunk.joint_angles).count(False)
            # Products of float32 values are exact in float64; fsum rounds once per chunk.
            for parts, column in zip(sumsq, zip(*chunk.emg), strict=True):
                parts.append(math.fsum(map(operator.mul, column, column)))
        rms = [math.sqrt(math.fsum(parts) / n) for parts in sumsq]
        other = {k: v for k, v in s.metadata.items() if k not in _KNOWN_ATTRS}
        lines = [
            f"file:         {s.path}",
            f"session:      {s.session_name}",
            f"user:         {s.user or '?'}",
            f"stage:        {s.stage or '?'}",
            f"side:         {s.side or '?'}",
            f"samples:      {n}",
            f"sample rate:  {s.sample_rate:g} Hz"
            + ("" if s.rate_problem is None else " (DISAGREES with the timestamps: see below)"),
            f"duration:     {s.duration:.3f} s",
            f"time:         {first_t:.3f} .. {last_t:.3f} (span {last_t - first_t:.3f} s)",
            f"channels:     {s.n_channels}",
            f"IK failures:  {100.0 * n_failed / n:.1f}% of frames ({n_failed} of {n})",
        ]
        lines.extend(f"{k + ':':<14}{v}" for k, v in sorted(other.items()))
        if s.rate_problem is not None:
            lines.append(f"problem:      {s.rate_problem.split(': ', 2)[-1]}")
        lines.append("EMG RMS per channel:")
        lines.extend(_rms_lines(rms))
    return "\n".join(lines)


def _describe_dataset(ds: Dataset) -> str:
    lines = [
        f"dataset:        {ds.root}",
        f"sessions:       {len(ds)} in metadata.csv",
        f"splits:         {_fmt_counts(ds.splits())}",
        f"users:          {_fmt_counts(ds.counts('user'))}",
        f"stages:         {_fmt_counts(ds.counts('stage'))}",
        f"sides:          {_fmt_counts(ds.counts('side'))}",
        f"generalization: {_fmt_counts(ds.counts('generalization'))}",
        "files:",
    ]
    for r in ds.records:
        try:
            seconds = f"{float(r['end']) - float(r['start']):8.2f} s"
        except ValueError:
            seconds = "       ? s"
        missing = "" if ds.path(r).is_file() else "  (MISSING)"
        lines.append(
            f"  {r['split']:<5} {seconds}  {r['user']}  {r['side']:<5}  {r['stage']}  "
            f"{r['filename']}{missing}"
        )
    return "\n".join(lines)


def _describe_session_directory(root: Path) -> str:
    files = find_sessions(root)
    lines = [f"directory: {root} (no metadata.csv), {len(files)} session file(s):"]
    for f in files:
        with Session(f) as s:
            lines.append(
                f"  {s.name}: {len(s)} samples, {s.duration:.2f} s, user {s.user or '?'}, "
                f"side {s.side or '?'}, stage {s.stage or '?'}"
            )
    return "\n".join(lines)
