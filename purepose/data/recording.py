"""Recordings: EMG with simultaneous hand kinematics, whatever the file format.

A recording is ``n_samples`` rows sampled together at ``sample_rate`` Hz:

    time      (n_samples,)                seconds (unix time, or i / sample_rate)
    emg       (n_samples, n_channels)     EMG (raw, filtered, or an envelope)
    targets   (n_samples, n_targets)      what a model predicts: joint angles,
                                          glove sensors, ...; named, with a unit
    labels    (n_samples,) each, optional integer labels (stimulus, repetition)

:class:`Recording` is that interface; each format implements ``_read`` and
says which target rows are valid. The emg2pose reader (``purepose.data.emg2pose.Session``)
streams from HDF5; :class:`ArrayRecording` holds the lists of a file read
whole (MAT and CSV files are small and cannot be read in pieces cheaply).

Repetitions. NinaPro repeats every movement several times (10 in DB1, 6 in
DB2-DB8) with rest between them; the ``repetition`` label is 1..R during a
movement and 0 during rest. purepose splits by repetition, the protocol of
Atzori et al. (2014): each rest sample belongs to the repetition before it
(rest before the first repetition to the first), then

    10 repetitions:  train 1, 3, 4, 6, 8, 9   val 10   test 2, 5, 7
     6 repetitions:  train 1, 3, 4            val 6    test 2, 5

(the published split trains on the odd and even repetitions around the
held-out ones; one training repetition, the last, is held back to choose
hyper-parameters). A window belongs to the repetition of its label sample.

Reference: M. Atzori et al., "Electromyography data for non-invasive
naturally-controlled robotic hand prostheses", Scientific Data 1, 140053 (2014).

>>> rec = ArrayRecording("demo", emg=[[0.1], [0.2], [0.3]], targets=[[1.0], [2.0], [3.0]],
...                      sample_rate=100.0, target_names=("glove00",), target_unit="raw")
>>> len(rec), rec.n_channels, rec.read_field("time"), rec.read_field("targets", 1)
(3, 1, [0.0, 0.01, 0.02], [[2.0], [3.0]])
>>> repetition_groups([0, 1, 1, 0, 2, 0])
[1, 1, 1, 1, 2, 2]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from purepose.checks import check_finite_rows, check_time
from purepose.errors import PureposeError
from purepose.types import Matrix, PathLike, Vector

TIME, EMG, TARGETS = "time", "emg", "targets"
STIMULUS, REPETITION = "stimulus", "repetition"

SPLIT_REPETITIONS: dict[int, dict[str, tuple[int, ...]]] = {
    10: {"train": (1, 3, 4, 6, 8, 9), "val": (10,), "test": (2, 5, 7)},
    6: {"train": (1, 3, 4), "val": (6,), "test": (2, 5)},
}
"""Repetitions of each split, by the number of repetitions in the file (module docstring)."""

MAX_SAMPLE_RATE = 1e6
"""Rates above this (Hz) are refused: no surface EMG is sampled faster."""


def check_sample_rate(rate: Any, where: str) -> float:
    """A positive, finite sample rate in Hz (at most ``MAX_SAMPLE_RATE``), as a float.

    >>> check_sample_rate(2000, "x")
    2000.0
    >>> check_sample_rate(0, "x.mat")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: x.mat: sample rate 0 must be a positive number of Hz
    """
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate):
        raise PureposeError(f"{where}: sample rate {rate!r} must be a positive number of Hz")
    if not 0 < rate <= MAX_SAMPLE_RATE:
        raise PureposeError(f"{where}: sample rate {rate!r} must be a positive number of Hz")
    return float(rate)


class Recording:
    """EMG and targets sampled together: the interface every file format implements.

    Attributes (set by subclasses): ``path``, ``format`` ("emg2pose",
    "ninapro", "csv", ...), ``sample_rate`` (Hz), ``n_channels``,
    ``target_names``, ``target_unit`` ("rad", "raw", ...), ``label_names``
    (the optional per-sample labels, e.g. ("stimulus", "repetition")) and
    ``metadata`` (a dict of whatever else the file says). ``len(rec)`` is the
    number of samples. A Recording is a context manager; ``close`` frees the file.
    """

    path: Path
    format: str
    sample_rate: float
    n_channels: int
    target_names: tuple[str, ...]
    target_unit: str
    label_names: tuple[str, ...] = ()
    metadata: dict[str, Any]
    rate_problem: str | None = None
    """Why the sample rate cannot be trusted (it disagrees with the timestamps), or None."""

    def __len__(self) -> int:
        raise NotImplementedError

    def check_rate(self) -> float:
        """The sample rate, or a PureposeError if the file's rate and timestamps disagree."""
        if self.rate_problem is not None:
            raise PureposeError(self.rate_problem)
        return self.sample_rate

    @property
    def name(self) -> str:
        """The file name without its extension."""
        return self.path.stem

    @property
    def n_targets(self) -> int:
        return len(self.target_names)

    @property
    def duration(self) -> float:
        """Seconds covered by the samples: n_samples / sample_rate."""
        return len(self) / self.sample_rate

    @property
    def zero_is_rest(self) -> bool:
        """True when all-zero targets mean something (joint angles of a flat hand).

        Only then is predicting zeros a baseline worth reporting.
        """
        return self.target_unit in ("rad", "deg")

    def fields(self) -> tuple[str, ...]:
        return (TIME, EMG, TARGETS, *self.label_names)

    def read_field(
        self, field: str, start: int = 0, stop: int | None = None, step: int = 1
    ) -> list[Any]:
        """One field at rows ``start:stop:step``: a list of floats (time, labels) or of rows.

        Every value is checked: a NaN or infinity raises PureposeError naming
        the file, the field and the row.
        """
        n = len(self)
        stop = n if stop is None else stop
        if field not in self.fields():
            raise PureposeError(
                f"{self.path}: unknown field {field!r}; this recording has "
                f"{', '.join(self.fields())}"
            )
        if not (
            all(isinstance(v, int) and not isinstance(v, bool) for v in (start, stop, step))
            and 0 <= start <= stop <= n
            and step >= 1
        ):
            raise PureposeError(
                f"{self.path}: rows {start!r}:{stop!r}:{step!r} out of range ({n} rows)"
            )
        return self._read(field, start, stop, step)

    def _read(self, field: str, start: int, stop: int, step: int) -> list[Any]:
        raise NotImplementedError

    def valid_mask(self, target_rows: Sequence[Sequence[float]]) -> list[bool]:
        """Which target rows can be trained on and scored (default: all)."""
        return [True] * len(target_rows)

    def describe_targets(self) -> str:
        """A short phrase for tables: "20 joint angles (rad)", "22 glove sensors (raw)"."""
        return f"{self.n_targets} targets ({self.target_unit})"

    def close(self) -> None:
        """Release the file (nothing to do for data held in memory)."""

    def __enter__(self) -> Recording:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"


def _check_matrix(where: str, field: str, rows: Sequence[Sequence[float]], width: int) -> None:
    for i, row in enumerate(rows):
        if len(row) != width:
            raise PureposeError(
                f"{where}: {field} row {i} has {len(row)} values, expected {width}"
            )
    check_finite_rows(where, field, rows, 0)


class ArrayRecording(Recording):
    """A recording held in memory as lists (a MAT or CSV file read whole).

    ``emg`` (n x c) and ``targets`` (n x k, k may be 0: EMG to predict from,
    no truth) are rows; ``time`` defaults to
    ``i / sample_rate``; ``labels`` maps a label name to n integers. Every
    value is checked once, here: rows agree in length, numbers are finite,
    time does not decrease. The lists are kept, not copied: do not mutate
    them afterwards.

    >>> ArrayRecording("x", emg=[[0.0]], targets=[[1.0], [2.0]], sample_rate=10.0)
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: x: emg has 1 rows but targets has 2
    """

    def __init__(
        self,
        path: PathLike,
        *,
        emg: Matrix,
        targets: Matrix,
        sample_rate: float,
        time: Vector | None = None,
        target_names: Sequence[str] | None = None,
        target_unit: str = "raw",
        labels: Mapping[str, Sequence[int]] | None = None,
        format: str = "array",
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        where = str(self.path)
        self.format = format
        self.sample_rate = check_sample_rate(sample_rate, where)
        n = len(emg)
        if n == 0:
            raise PureposeError(f"{where}: no samples")
        if len(targets) != n:
            raise PureposeError(f"{where}: emg has {n} rows but targets has {len(targets)}")
        self.n_channels = len(emg[0])
        n_targets = len(targets[0])
        if self.n_channels == 0:
            raise PureposeError(f"{where}: emg needs at least one column")
        _check_matrix(where, EMG, emg, self.n_channels)
        _check_matrix(where, TARGETS, targets, n_targets)
        names = tuple(target_names) if target_names is not None else default_names(n_targets)
        if len(names) != n_targets:
            raise PureposeError(f"{where}: {len(names)} target names for {n_targets} targets")
        self.target_names = names
        self.target_unit = target_unit
        self._time = self._checked_time(where, time, n)
        self._labels = self._checked_labels(where, labels or {}, n)
        self.label_names = tuple(self._labels)
        self._emg, self._targets = emg, targets
        self.metadata = dict(metadata or {})

    def _checked_time(self, where: str, time: Vector | None, n: int) -> Vector | None:
        if time is None:
            return None
        if len(time) != n:
            raise PureposeError(f"{where}: time has {len(time)} values for {n} samples")
        check_time(where, time)
        return time

    @staticmethod
    def _checked_labels(
        where: str, labels: Mapping[str, Sequence[int]], n: int
    ) -> dict[str, list[int]]:
        out = {}
        for name, values in labels.items():
            if len(values) != n:
                raise PureposeError(f"{where}: label {name!r} has {len(values)} values for {n}")
            ints = [int(v) for v in values]
            if ints != list(values):
                raise PureposeError(f"{where}: label {name!r} must hold integers")
            out[name] = ints
        return out

    def __len__(self) -> int:
        return len(self._emg)

    def _read(self, field: str, start: int, stop: int, step: int) -> list[Any]:
        if field == TIME:
            if self._time is not None:
                return self._time[start:stop:step]
            rate = self.sample_rate
            return [i / rate for i in range(start, stop, step)]
        if field == EMG:
            return self._emg[start:stop:step]
        if field == TARGETS:
            return self._targets[start:stop:step]
        return self._labels[field][start:stop:step]


def default_names(n: int, prefix: str = "target") -> tuple[str, ...]:
    """``("target00", "target01", ...)``: zero-padded so they sort in column order.

    >>> default_names(3, "glove")
    ('glove00', 'glove01', 'glove02')
    """
    digits = max(2, len(str(n - 1)))
    return tuple(f"{prefix}{j:0{digits}d}" for j in range(n))


# ---- repetitions and splits --------------------------------------------------


def repetition_groups(repetition: Sequence[int]) -> list[int]:
    """Each sample's repetition, rest (0) given to the repetition before it.

    Rest before the first repetition goes with the first; a recording with no
    repetition at all raises.

    >>> repetition_groups([0, 0, 2, 0, 1, 1, 0])
    [2, 2, 2, 2, 1, 1, 1]
    >>> repetition_groups([0, 0])
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: repetition_groups: no repetition (every label is 0, rest)
    """
    first = next((r for r in repetition if r != 0), None)
    if first is None:
        raise PureposeError("repetition_groups: no repetition (every label is 0, rest)")
    groups = []
    current = first
    for r in repetition:
        if r != 0:
            current = r
        groups.append(current)
    return groups


def split_repetitions(split: str, available: Iterable[int], where: str) -> frozenset[int]:
    """The repetitions of ``split`` (train, val, test) for a file with these repetitions.

    >>> sorted(split_repetitions("test", range(1, 11), "S1.mat"))
    [2, 5, 7]
    >>> split_repetitions("test", [1, 2, 3], "S1.mat")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: S1.mat: has repetitions 1-3; --split needs 10 (...) or 6 ...
    """
    reps = sorted(set(available) - {0})
    n = len(reps)
    if n not in SPLIT_REPETITIONS or reps != list(range(1, n + 1)):
        shown = f"{reps[0]}-{reps[-1]}" if reps == list(range(1, n + 1)) and reps else str(reps)
        raise PureposeError(
            f"{where}: has repetitions {shown}; --split needs 10 (train 1,3,4,6,8,9, val 10, "
            "test 2,5,7) or 6 repetitions; use --reps"
        )
    table = SPLIT_REPETITIONS[n]
    if split not in table:
        raise PureposeError(f"{where}: unknown split {split!r}; expected train, val or test")
    return frozenset(table[split])


def check_repetitions(
    wanted: Iterable[int], available: Iterable[int], where: str
) -> frozenset[int]:
    """``wanted`` as a frozenset, after checking that each exists in the file.

    >>> check_repetitions([1, 12], range(11), "S1.mat")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: S1.mat: no repetition 12 (the file has 1-10)
    """
    have = sorted(set(available) - {0})
    missing = sorted(set(wanted) - set(have))
    if missing:
        shown = f"{have[0]}-{have[-1]}" if have == list(range(have[0], have[-1] + 1)) else have
        noun = "repetition" if len(missing) == 1 else "repetitions"
        raise PureposeError(
            f"{where}: no {noun} {', '.join(map(str, missing))} (the file has {shown})"
        )
    reps = frozenset(wanted)
    if not reps:
        raise PureposeError(f"{where}: no repetitions selected")
    return reps


def parse_reps(text: str) -> frozenset[int]:
    """``"1,3-5"`` -> {1, 3, 4, 5} (the CLI's ``--reps``).

    >>> sorted(parse_reps("1, 3-5"))
    [1, 3, 4, 5]
    >>> parse_reps("one")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: --reps 'one': expected repetition numbers like 1,3,4 or 2-5
    """
    reps: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        try:
            lo, hi = int(first), int(last) if dash else int(first)
        except ValueError:
            raise PureposeError(
                f"--reps {text!r}: expected repetition numbers like 1,3,4 or 2-5"
            ) from None
        if not 1 <= lo <= hi or hi - lo > 10_000:
            raise PureposeError(f"--reps {text!r}: {part.strip()!r} is not a range of reps >= 1")
        reps.update(range(lo, hi + 1))
    return frozenset(reps)
