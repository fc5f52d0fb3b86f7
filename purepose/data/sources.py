"""Where the data come from: open any recording file, and turn DATA + --split into sources.

``open_recording(path)`` recognises the format by the file's first bytes, not
its name:

    HDF5 with an ``emg2pose`` group    -> purepose.data.emg2pose.Session (streamed)
    MATLAB level 5 or v7.3 file        -> a NinaPro recording (purepose.data.ninapro)
    anything else that is UTF-8 text   -> a CSV recording (purepose.data.csvfile)

A :class:`Source` is one file plus the part of it to use: all of it, the
samples of some repetitions (``reps``), or a named split (``split``: train,
val or test, resolved to repetitions when the file is opened, see
``purepose.data.recording``). ``resolve`` builds the sources of the command line's
DATA arguments: a dataset directory with ``metadata.csv`` and ``--split``
selects emg2pose files by their split; any other files or directories are
used whole, or split by repetition.

>>> resolve(["no-such-file.mat"])
Traceback (most recent call last):
...
purepose.errors.PureposeError: no-such-file.mat: no such file or directory
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from purepose.errors import PureposeError
from purepose.types import PathLike

from .csvfile import CsvFormat, read_csv
from .dataset import Dataset, read_directory
from .emg2pose import Session
from .recording import Recording, check_repetitions, split_repetitions

EXTENSIONS = (".hdf5", ".h5", ".mat", ".csv")
"""File names a directory contributes (other files, such as README.txt, are ignored)."""

_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_MAT_HEADER = b"MATLAB "


@dataclass(frozen=True)
class RecordingOptions:
    """How to read files whose format leaves something open: the CLI's data flags.

    ``sample_rate`` overrides the rate of NinaPro and CSV files (emg2pose
    files carry their own); ``csv`` says which CSV columns are what.
    """

    sample_rate: float | None = None
    csv: CsvFormat = field(default_factory=CsvFormat)


def _kind(path: Path) -> str:
    """'hdf5', 'mat' or 'text', from the first bytes of the file."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except IsADirectoryError:
        raise PureposeError(f"{path}: is a directory, expected a recording file") from None
    except FileNotFoundError:
        raise PureposeError(f"{path}: no such file") from None
    except OSError as exc:
        raise PureposeError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if head.startswith(_MAT_HEADER):  # level 5, or v7.3 (HDF5 behind a MATLAB text header)
        return "mat"
    if head.startswith(_HDF5_SIGNATURE):
        return "hdf5"
    if path.suffix.lower() == ".mat":  # MAT level 4 has no header: the MAT reader says so
        return "mat"
    return "text"


def open_recording(path: PathLike, options: RecordingOptions | None = None) -> Recording:
    """Open one recording file, whatever its format (module docstring). Close it after use.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_session
    >>> p = make_session(pathlib.Path(tempfile.mkdtemp()) / "s.hdf5", seconds=0.01)
    >>> with open_recording(p) as rec:
    ...     rec.format, rec.n_channels, rec.n_targets, rec.sample_rate
    ('emg2pose', 16, 20, 2000.0)
    """
    options = options or RecordingOptions()
    p = Path(path)
    kind = _kind(p)
    if kind == "hdf5":
        return Session(p)
    if kind == "mat":
        from .ninapro import read_ninapro  # MAT files are rarer: import the reader on demand

        return read_ninapro(p, sample_rate=options.sample_rate)
    csv_format = options.csv
    if options.sample_rate is not None:
        csv_format = CsvFormat(**{**csv_format.__dict__, "sample_rate": options.sample_rate})
    return read_csv(p, csv_format)


@dataclass(frozen=True)
class Source:
    """One recording file and the part of it to use (module docstring)."""

    path: Path
    split: str | None = None
    reps: frozenset[int] | None = None
    options: RecordingOptions = field(default_factory=RecordingOptions)

    def open(self) -> Recording:
        return open_recording(self.path, self.options)

    @property
    def name(self) -> str:
        return self.path.stem

    def __str__(self) -> str:
        if self.reps is not None:
            return f"{self.path.name} (reps {','.join(map(str, sorted(self.reps)))})"
        if self.split is not None:
            return f"{self.path.name} ({self.split} repetitions)"
        return self.path.name

    def repetitions(self, available: Iterable[int] | None) -> frozenset[int] | None:
        """The repetitions this source uses (``split`` resolved), or None for the whole file.

        ``available``: the repetitions the file has (None: it has no repetition labels).
        """
        if self.split is None and self.reps is None:
            return None
        where = str(self.path)
        if available is None:
            raise PureposeError(
                f"{where}: no repetition labels, so --split/--reps cannot choose samples"
            )
        if self.reps is not None:
            return check_repetitions(self.reps, available, where)
        return split_repetitions(self.split, available, where)  # type: ignore[arg-type]


def find_recordings(paths: Iterable[PathLike]) -> list[Path]:
    """Files as given; directories contribute their recording files (``EXTENSIONS``), sorted.

    Duplicates are dropped, order otherwise kept. ``metadata.csv`` is never a recording.
    """
    items = list(paths)
    if not items:
        raise PureposeError("no data given")
    found: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            names = read_directory(p, "find_recordings")
            files = sorted(
                p / name
                for name in names
                if Path(name).suffix.lower() in EXTENSIONS and (p / name).is_file()
            )
            if not files:
                shown = ", ".join(EXTENSIONS)
                raise PureposeError(f"{p}: directory has no recording files ({shown})")
            found.extend(files)
        elif p.exists():
            found.append(p)
        else:
            raise PureposeError(f"{p}: no such file or directory")
    return list(dict.fromkeys(found))


def resolve(
    data: Sequence[PathLike],
    *,
    split: str | None = None,
    reps: Iterable[int] | None = None,
    options: RecordingOptions | None = None,
) -> list[Source]:
    """The sources of DATA (files, directories, or a dataset directory) with --split / --reps.

    A dataset directory (with ``metadata.csv``) and a split: the files of that
    split. Otherwise every recording file found, whole, or restricted to the
    split's repetitions (``split``) or to the given repetitions (``reps``).
    """
    options = options or RecordingOptions()
    if split is not None and reps is not None:
        raise PureposeError("give --split or --reps, not both")
    wanted = None if reps is None else frozenset(reps)
    if len(data) == 1 and (Path(data[0]) / "metadata.csv").is_file():
        if wanted is not None:
            raise PureposeError(f"--reps: {data[0]} is an emg2pose dataset; use --split")
        if split is None:
            return [Source(p, options=options) for p in Dataset(data[0]).select()]
        return [Source(p, options=options) for p in Dataset(data[0]).select(split=split)]
    return [Source(p, split=split, reps=wanted, options=options) for p in find_recordings(data)]


def as_source(item: Source | Recording | PathLike) -> Source:
    """A Source for a path (the whole file), passing Sources through.

    An open Recording is wrapped by its path, so it is opened again by
    whoever reads it.
    """
    if isinstance(item, Source):
        return item
    if isinstance(item, Recording):
        return Source(item.path)
    if isinstance(item, str | os.PathLike):
        return Source(Path(item))
    raise PureposeError(f"expected a path, a Source or a Recording, got {type(item).__name__}")
