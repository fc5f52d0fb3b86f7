"""Read emg2pose sessions (HDF5) and dataset directories into Python lists.

This is the only module that reads with h5py. h5py hands back numpy arrays;
``.tolist()`` turns them into Python floats at once, and from there the rest of
purepose works on plain lists.

The format. A session file holds one HDF5 group ``emg2pose`` with a compound
dataset ``timeseries`` of T rows; each row has the fields

    time          float64        unix seconds, non-decreasing
    joint_angles  float64 (20,)  radians, in the order of ``JOINT_NAMES``
    emg           float32 (16,)  high-pass filtered EMG, 2 kHz

and the group's attributes (filename, session, stage, user, side, start, end,
sample_rate, num_channels, sometimes more) become ``Session.metadata``.
Frames where inverse kinematics failed are stored as all-zero joint angles;
``valid_mask`` finds the others. A directory of sessions with its
``metadata.csv`` is a :class:`purepose.data.dataset.Dataset` (importable from here
too: ``from purepose.data.emg2pose import Dataset, Session``); ``purepose info``'s summary
of a session is :func:`purepose.data.info.describe_emg2pose`.

Every load is checked: a non-finite value (NaN, inf) in any field or a time
that goes backwards raises ``PureposeError`` naming the file, the field and the
first bad row.

Cost: reading and checking rows ``start:stop`` is O((stop - start) * 37)
(one pass over 1 + 20 + 16 numbers per row); ``slice`` by time adds an
O(log T) binary search once the time column (O(T)) is loaded; ``iter_chunks``
holds one chunk in memory at a time.

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation" (NeurIPS 2024 Datasets and Benchmarks),
and the session reader of its reference repository (facebookresearch/emg2pose).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import h5py

from purepose.checks import check_finite_rows, check_time
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES, N_JOINTS, SAMPLE_RATE, valid_mask
from purepose.types import Matrix, PathLike, Vector

from .dataset import MAX_METADATA_BYTES as MAX_METADATA_BYTES
from .dataset import METADATA_COLUMNS as METADATA_COLUMNS
from .dataset import SPLITS as SPLITS
from .dataset import Dataset as Dataset
from .dataset import find_sessions as find_sessions
from .dataset import read_directory as read_directory
from .recording import MAX_SAMPLE_RATE, Recording, check_sample_rate, default_names

GROUP = "emg2pose"
TIMESERIES = "timeseries"
FIELDS = ("time", "joint_angles", "emg")


def _plain(value: Any) -> Any:
    """An HDF5 attribute as plain Python: numpy scalars/arrays -> Python, bytes -> str."""
    if hasattr(value, "tolist"):  # numpy scalars and arrays, without importing numpy
        value = value.tolist()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# ---- one session -------------------------------------------------------------


class Chunk(NamedTuple):
    """Rows ``start : start + len(time)`` of a session, as Python lists."""

    time: list[float]
    joint_angles: list[list[float]]
    emg: list[list[float]]
    start: int


def _field_shape(where: str, dtype: Any, name: str) -> tuple[int, ...]:
    """Shape of compound field ``name`` (() for a scalar); raise if it is not numeric."""
    fields = dtype.fields
    if name not in fields:
        have = ", ".join(fields) or "none"
        raise PureposeError(f"{where}: {TIMESERIES} has no field {name!r} (fields: {have})")
    sub = fields[name][0]
    if sub.base.kind not in "fiu":
        raise PureposeError(f"{where}: field {name!r} is not numeric (dtype {sub.base})")
    return tuple(sub.shape)


def _check_stored(where: str, ds: h5py.Dataset, n_rows: int) -> None:
    """Refuse a dataset that declares more rows than it stores (reads would be unbounded).

    A contiguous dataset stores T * itemsize bytes; a chunked one needs every
    chunk written (unwritten chunks read as fill values: not data). Checked from
    the file's metadata, in O(1): no row is read.
    """
    if ds.chunks is None:
        stored = ds.id.get_storage_size()
        needed = n_rows * ds.dtype.itemsize
        if stored < needed:
            raise PureposeError(
                f"{where}: {TIMESERIES} declares {n_rows:,} rows ({needed:,} bytes) but the "
                f"file stores {stored:,} bytes of them"
            )
        return
    rows_per_chunk = ds.chunks[0]
    needed = -(-n_rows // rows_per_chunk)
    written = ds.id.get_num_chunks()
    if written < needed:
        raise PureposeError(
            f"{where}: {TIMESERIES} declares {n_rows:,} rows in {needed:,} chunks but only "
            f"{written:,} chunks are written"
        )


class Session(Recording):
    """One emg2pose session file, read into Python lists on demand: a :class:`Recording`.

    ``Session(path)`` opens and checks the file's structure (group, compound
    dataset, fields, at least one row) and reads its attributes into
    ``metadata``. The columns ``time``, ``joint_angles`` and ``emg`` are
    loaded (and checked) on first use and cached; ``read``, ``read_field``,
    ``iter_chunks`` and ``slice`` load row ranges instead. Use it as a
    context manager, or call ``close()``.

    Shapes: ``time`` (T,), ``joint_angles`` (T, 20), ``emg`` (T, C); the
    emg2pose wristband has C = 16 but any width is read. The targets of the
    Recording interface are the joint angles (radians), and a frame is valid
    unless it is an inverse-kinematics failure (:func:`valid_mask`).

    The sample rate is the ``sample_rate`` attribute, checked against the
    timestamps: (T - 1) / (time[-1] - time[0]) must agree with it within 1%,
    or every computation that needs the rate (windows, models) refuses the
    file with both numbers (a wrong attribute would silently stretch every
    window); the file still opens, so ``purepose info`` can show the problem.
    Without the attribute the rate is emg2pose's 2 kHz, or the timestamps'
    rate when that is more than 1% away from 2 kHz.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_session
    >>> path = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.05)
    >>> with Session(path) as s:
    ...     print(len(s), s.n_channels, s.sample_rate, len(s.emg[0]), len(s.joint_angles[0]))
    ...     chunk = s.read(10, 20)
    ...     window = s.slice(s.time[0] + 0.01, s.time[0] + 0.02)  # 10 ms at 2 kHz
    100 16 2000.0 16 20
    >>> chunk.start, len(chunk.emg), window.start, len(window.time)
    (10, 10, 20, 20)
    >>> Session("no-such-file.hdf5")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Session: no-such-file.hdf5: no such file
    """

    format = "emg2pose"
    target_unit = "rad"
    label_names = ()

    def __init__(self, path: PathLike) -> None:
        self.path = Path(path)
        self._file: h5py.File | None = None
        self._cache: dict[str, Any] = {}
        self._open()

    # -- opening and structure checks

    def _open(self) -> None:
        where = f"Session: {self.path}"
        if not self.path.exists():
            raise PureposeError(f"{where}: no such file")
        if self.path.is_dir():
            raise PureposeError(f"{where}: is a directory, expected one .hdf5 session file")
        try:
            is_hdf5 = h5py.is_hdf5(self.path)
        except OSError as exc:
            raise PureposeError(f"{where}: cannot read ({exc.strerror or exc})") from None
        if not is_hdf5:
            raise PureposeError(f"{where}: not an HDF5 file")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as exc:
            raise PureposeError(f"{where}: cannot open HDF5 file ({exc})") from None
        try:
            self._check_structure(self._file)
        except BaseException:
            self.close()
            raise

    def _check_structure(self, file: h5py.File) -> None:
        where = f"Session: {self.path}"
        group = file.get(GROUP)
        if not isinstance(group, h5py.Group):
            have = ", ".join(file.keys()) or "nothing"
            raise PureposeError(f"{where}: no {GROUP!r} group (top level has: {have})")
        ds = group.get(TIMESERIES)
        if not isinstance(ds, h5py.Dataset):
            have = ", ".join(group.keys()) or "nothing"
            raise PureposeError(f"{where}: no {GROUP}/{TIMESERIES} dataset ({GROUP} has: {have})")
        if ds.dtype.fields is None:
            raise PureposeError(
                f"{where}: {TIMESERIES} is not a compound dataset (dtype {ds.dtype}); "
                f"expected fields {', '.join(FIELDS)}"
            )
        if ds.ndim != 1:
            raise PureposeError(f"{where}: {TIMESERIES} has shape {ds.shape}, expected (T,)")
        shapes = {name: _field_shape(where, ds.dtype, name) for name in FIELDS}
        if shapes["time"] != ():
            raise PureposeError(f"{where}: field 'time' has shape {shapes['time']}, expected ()")
        for field, what in (("joint_angles", "joint angles"), ("emg", "channels")):
            shape = shapes[field]
            if len(shape) != 1 or shape[0] < 1:
                raise PureposeError(
                    f"{where}: field {field!r} has shape {shape}, expected (n_{what.split()[-1]},)"
                )
        n_rows = int(ds.shape[0])
        if n_rows == 0:
            raise PureposeError(f"{where}: {TIMESERIES} is empty (0 rows)")
        self.n_channels = shapes["emg"][0]
        n_joints = shapes["joint_angles"][0]
        self.target_names = (
            JOINT_NAMES if n_joints == N_JOINTS else default_names(n_joints, "joint")
        )
        self.metadata = self._read_metadata(group)
        declared = self.metadata.get("num_channels")
        if declared is not None and declared != self.n_channels:
            raise PureposeError(
                f"{where}: attribute num_channels={declared!r} disagrees with the emg field "
                f"({self.n_channels} channels)"
            )
        _check_stored(where, ds, n_rows)
        self._ds = ds
        self._n_rows = n_rows
        self.sample_rate = self._checked_rate(where)

    def _checked_rate(self, where: str) -> float:
        """The ``sample_rate`` attribute, checked against the timestamps (class docstring)."""
        n = self._n_rows
        measured = None
        if n >= 2:
            first, last = self._dataset().fields("time")[[0, n - 1]].tolist()
            if math.isfinite(first) and math.isfinite(last) and last > first:
                measured = (n - 1) / (last - first)
        declared = self.metadata.get("sample_rate")
        if declared is None:  # the format's 2 kHz, unless the timestamps say otherwise
            if measured is None or abs(measured - SAMPLE_RATE) <= 0.01 * SAMPLE_RATE:
                return SAMPLE_RATE
            return check_sample_rate(measured, where)
        if (
            isinstance(declared, bool)
            or not isinstance(declared, int | float)
            or not 0 < declared <= MAX_SAMPLE_RATE  # False for NaN too
        ):
            raise PureposeError(
                f"{where}: attribute sample_rate={declared!r} must be a positive number of Hz"
            )
        rate = float(declared)
        if measured is not None and abs(measured - rate) > 0.01 * rate:
            self.rate_problem = (
                f"{where}: attribute sample_rate={rate:g} Hz disagrees with the timestamps "
                f"({measured:.5g} Hz from {n} samples over {(n - 1) / measured:.6g} s); "
                "more than 1% apart"
            )
        return rate

    @staticmethod
    def _read_metadata(group: h5py.Group) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        for key in group.attrs:
            try:
                metadata[key] = _plain(group.attrs[key])
            except (OSError, TypeError, ValueError):  # an attribute h5py cannot decode
                metadata[key] = None
        return metadata

    # -- life cycle

    def close(self) -> None:
        """Close the HDF5 file (cached columns stay usable)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Session:
        return self

    def __len__(self) -> int:
        return self._n_rows

    def __repr__(self) -> str:
        return f"Session({str(self.path)!r})"

    def __str__(self) -> str:
        return (
            f"Session {self.session_name} ({len(self)} samples, {self.duration:.2f} s, "
            f"user {self.user or '?'}, side {self.side or '?'})"
        )

    # -- metadata

    @property
    def name(self) -> str:
        """The file name without ``.hdf5``."""
        return self.path.stem

    @property
    def session_name(self) -> str:
        """The ``session`` attribute (the file stem if absent)."""
        return str(self.metadata.get("session", self.name))

    @property
    def user(self) -> str:
        return str(self.metadata.get("user", ""))

    @property
    def side(self) -> str:
        return str(self.metadata.get("side", ""))

    @property
    def stage(self) -> str:
        return str(self.metadata.get("stage", ""))

    # -- data

    def _dataset(self) -> h5py.Dataset:
        if self._file is None:
            raise PureposeError(f"Session: {self.path}: file is closed")
        return self._ds

    def _column(self, field: str) -> Any:
        if field not in self._cache:
            values = self._dataset().fields(field)[:].tolist()
            where = f"Session: {self.path}"
            if field == "time":
                check_time(where, values, 0)
            else:
                check_finite_rows(where, field, values, 0)
            self._cache[field] = values
        return self._cache[field]

    @property
    def time(self) -> Vector:
        """Timestamps in seconds, shape (T,); loaded once, checked finite and non-decreasing."""
        return self._column("time")

    @property
    def joint_angles(self) -> Matrix:
        """Joint angles in radians, shape (T, 20); loaded once, checked finite."""
        return self._column("joint_angles")

    @property
    def emg(self) -> Matrix:
        """EMG, shape (T, 16); loaded once, checked finite."""
        return self._column("emg")

    def read(self, start: int = 0, stop: int | None = None) -> Chunk:
        """Rows ``start:stop`` as a checked Chunk (``0 <= start <= stop <= len(self)``)."""
        n = self._n_rows
        stop = n if stop is None else stop
        if not (isinstance(start, int) and isinstance(stop, int) and 0 <= start <= stop <= n):
            raise PureposeError(
                f"Session.read: rows {start!r}:{stop!r} out of range for {self.path} ({n} rows)"
            )
        rows = self._dataset()[start:stop]
        time = rows["time"].tolist()
        joint_angles = rows["joint_angles"].tolist()
        emg = rows["emg"].tolist()
        where = f"Session: {self.path}"
        check_time(where, time, start)
        check_finite_rows(where, "joint_angles", joint_angles, start)
        check_finite_rows(where, "emg", emg, start)
        return Chunk(time, joint_angles, emg, start)

    def read_field(
        self, field: str, start: int = 0, stop: int | None = None, step: int = 1
    ) -> list[Any]:
        """One field at rows ``start:stop:step``, checked finite (time: non-decreasing).

        h5py reads the strided rows as one hyperslab, so taking every 40th
        joint-angle row of a session costs a fortieth of reading them all: a
        model that only needs the angles at window ends reads only those.

        >>> from purepose.data.synth import make_session
        >>> import tempfile, pathlib
        >>> path = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.01)
        >>> with Session(path) as s:
        ...     len(s.read_field("joint_angles", 0, 20, 5)), len(s.read_field("emg")[0])
        (4, 16)
        >>> with Session(path) as s:
        ...     s.read_field("pose")
        Traceback (most recent call last):
        ...
        purepose.errors.PureposeError: Session.read_field: unknown field 'pose'; ...
        """
        n = self._n_rows
        stop = n if stop is None else stop
        field = "joint_angles" if field == "targets" else field
        if field not in FIELDS:
            raise PureposeError(
                f"Session.read_field: unknown field {field!r}; expected one of "
                f"{', '.join(FIELDS)} (or targets, the joint angles)"
            )
        if not (
            all(isinstance(v, int) for v in (start, stop, step))
            and 0 <= start <= stop <= n
            and step >= 1
        ):
            raise PureposeError(
                f"Session.read_field: rows {start!r}:{stop!r}:{step!r} out of range for "
                f"{self.path} ({n} rows)"
            )
        values = self._dataset().fields(field)[start:stop:step].tolist()
        where = f"Session: {self.path}"
        if field == "time":
            check_time(where, values, start, step)
        else:
            check_finite_rows(where, field, values, start, step)
        return values

    def valid_mask(self, target_rows: Sequence[Sequence[float]]) -> list[bool]:
        """False on inverse-kinematics failures (all-zero joint angles): see :func:`valid_mask`."""
        return valid_mask(target_rows)

    def describe_targets(self) -> str:
        return f"{self.n_targets} joint angles (rad)"

    def iter_chunks(self, n_rows: int) -> Iterator[Chunk]:
        """Yield consecutive Chunks of ``n_rows`` rows (the last may be shorter).

        Memory is bounded by one chunk. Each chunk is checked like ``read``;
        time must also not decrease across chunk boundaries.
        """
        if not isinstance(n_rows, int) or n_rows < 1:
            raise PureposeError(f"Session.iter_chunks: n_rows={n_rows!r} must be an int >= 1")
        previous = None
        for start in range(0, self._n_rows, n_rows):
            chunk = self.read(start, min(start + n_rows, self._n_rows))
            check_time(f"Session: {self.path}", chunk.time, start, previous=previous)
            previous = chunk.time[-1]
            yield chunk

    def slice(self, start_t: float = -math.inf, end_t: float = math.inf) -> Chunk:
        """Rows with ``start_t <= time < end_t`` (unix seconds), found by binary search.

        Like ``searchsorted`` in the reference reader: the first row at or
        after ``start_t`` up to, not including, the first row at or after ``end_t``.
        Loads the time column once (O(T)), then each slice costs O(log T) plus its rows.
        """
        if math.isnan(start_t) or math.isnan(end_t) or start_t > end_t:
            raise PureposeError(
                f"Session.slice: need start_t <= end_t, got start_t={start_t!r}, end_t={end_t!r}"
            )
        time = self.time
        return self.read(bisect.bisect_left(time, start_t), bisect.bisect_left(time, end_t))
