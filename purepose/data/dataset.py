"""An emg2pose dataset directory: session files listed, with their splits, in metadata.csv.

A dataset directory holds ``<filename>.hdf5`` session files (read by
:class:`purepose.data.emg2pose.Session`) and a ``metadata.csv`` with one row per file
and the columns of :data:`METADATA_COLUMNS` (``split`` is one of
:data:`SPLITS`; ``generalization`` one of none, user, stage, user_stage).
:class:`Dataset` reads that table and selects files by split, user, stage,
side or generalization; :func:`find_sessions` lists the ``.hdf5`` files of
plain directories.

metadata.csv is read as a hostile user would write it: a byte-order mark
is fine, but a missing column, a short line, a file listed twice, a file
name with a directory part, ``..`` or a drive (a file outside the
directory), a file over :data:`MAX_METADATA_BYTES` and a directory that
cannot be read are one-line errors naming the file and the line.

Cost: O(R x C) to read R rows of C columns; ``select`` is O(R) per filter.

Reference: Salter et al., "emg2pose: A Large and Diverse Benchmark for Surface
Electromyographic Hand Pose Estimation" (NeurIPS 2024 Datasets and Benchmarks),
and the metadata.csv of its reference repository (facebookresearch/emg2pose).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from purepose.errors import PureposeError
from purepose.types import PathLike

METADATA_COLUMNS: tuple[str, ...] = (
    "session",
    "user",
    "stage",
    "start",
    "end",
    "side",
    "filename",
    "moving_hand",
    "held_out_user",
    "held_out_stage",
    "split",
    "generalization",
)
"""Columns a dataset's ``metadata.csv`` must have (any order; extra columns allowed)."""

SPLITS = ("train", "val", "test")


# ---- a dataset directory -----------------------------------------------------


def _as_set(name: str, value: str | Collection[str]) -> set[str]:
    if isinstance(value, str):
        return {value}
    values = set(value)
    if not values or not all(isinstance(v, str) for v in values):
        raise PureposeError(
            f"Dataset.select: {name}={value!r} must be a str or a non-empty collection of str"
        )
    return values


MAX_METADATA_BYTES = 64 * 1024 * 1024
"""Largest metadata.csv read (64 MiB; the full emg2pose table is about 4 MB)."""


def read_directory(path: Path, func: str) -> list[str]:
    """Names in a directory; an unreadable one is an error, not an empty listing."""
    try:
        with os.scandir(path) as entries:
            return [entry.name for entry in entries]
    except OSError as exc:
        raise PureposeError(
            f"{func}: {path}: cannot read directory ({exc.strerror or exc})"
        ) from None


def _check_header(where: str, fieldnames: Sequence[str]) -> list[str]:
    header = [h.strip() for h in fieldnames]
    missing = [c for c in METADATA_COLUMNS if c not in header]
    if missing:
        raise PureposeError(
            f"{where}: missing column(s) {', '.join(missing)} "
            f"(have: {', '.join(header) or 'no header'})"
        )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise PureposeError(f"{where}: column(s) {', '.join(twice)} appear more than once")
    return header


def _has_drive(name: str) -> bool:
    return name[:1].isalpha() and name[1:2] == ":"  # C:\\... on Windows


def _check_filename(where: str, line: int, name: str) -> str:
    """A ``filename`` must name a file in the dataset directory itself.

    No absolute path, no directory part, no ``..``: a metadata.csv never
    makes the reader open a file outside its own directory.
    """
    checks = (
        (not name, "is empty"),
        (name.startswith(("/", "\\")) or _has_drive(name), "is an absolute path"),
        ("/" in name or "\\" in name, "contains a path separator"),
        (name in (".", ".."), "is '.' or '..'"),
        (any(ord(c) < 32 for c in name), "contains a control character"),
    )
    bad = next((why for failed, why in checks if failed), None)
    if bad:
        raise PureposeError(
            f"{where}: line {line}: filename {name!r} {bad}; it must be a file name "
            "in the dataset directory (without .hdf5)"
        )
    return name


class Dataset:
    """A directory of session files described by its ``metadata.csv``.

    ``records`` holds one dict per csv row (all values str, extra columns
    kept). ``select`` filters them and returns the file paths.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_dataset
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = make_dataset(root, n_sessions=3, seconds=0.05, quiet=True)
    >>> ds = Dataset(root)
    >>> len(ds), ds.splits()
    (3, {'train': 1, 'val': 1, 'test': 1})
    >>> [p.name for p in ds.select(split="test")]  # doctest: +ELLIPSIS
    ['...-recording-3_right.hdf5']
    >>> Dataset(root / "nowhere")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: Dataset: .../nowhere: no such directory
    """

    def __init__(self, root: PathLike) -> None:
        self.root = Path(root)
        if not self.root.exists():
            raise PureposeError(f"Dataset: {self.root}: no such directory")
        if not self.root.is_dir():
            raise PureposeError(f"Dataset: {self.root}: not a directory")
        self.metadata_path = self.root / "metadata.csv"
        names = read_directory(self.root, "Dataset")
        if "metadata.csv" not in names or not self.metadata_path.is_file():
            raise PureposeError(
                f"Dataset: {self.root}: no metadata.csv (for a plain directory of .hdf5 files "
                "use find_sessions)"
            )
        self.records: list[dict[str, str]] = self._read_records()

    def _read_records(self) -> list[dict[str, str]]:
        where = f"Dataset: {self.metadata_path}"
        try:
            size = self.metadata_path.stat().st_size
            if size > MAX_METADATA_BYTES:
                raise PureposeError(
                    f"{where}: {size:,} bytes, more than the limit of {MAX_METADATA_BYTES:,}"
                )
            # utf-8-sig: spreadsheet programs save CSV with a byte-order mark
            with open(self.metadata_path, newline="", encoding="utf-8-sig") as f:
                reader = csv.DictReader(f)
                header = _check_header(where, reader.fieldnames or [])
                reader.fieldnames = header
                records = []
                first_line: dict[str, int] = {}
                for row in reader:
                    line = reader.line_num  # physical line (blank lines are skipped)
                    if None in row.values():
                        raise PureposeError(
                            f"{where}: line {line} has fewer fields than the header "
                            f"({len(header)})"
                        )
                    record = {k: v.strip() for k, v in row.items() if isinstance(k, str)}
                    name = _check_filename(where, line, record["filename"])
                    if name in first_line:
                        raise PureposeError(
                            f"{where}: lines {first_line[name]} and {line} both list "
                            f"filename {name!r}"
                        )
                    first_line[name] = line
                    records.append(record)
        except UnicodeDecodeError as exc:
            raise PureposeError(f"{where}: not UTF-8 text ({exc.reason})") from None
        except csv.Error as exc:
            raise PureposeError(f"{where}: malformed csv ({exc})") from None
        except OSError as exc:
            raise PureposeError(f"{where}: cannot read ({exc.strerror or exc})") from None
        return records

    def __len__(self) -> int:
        return len(self.records)

    def __repr__(self) -> str:
        return f"Dataset({str(self.root)!r})"

    def path(self, record: dict[str, str]) -> Path:
        """The file of one record: ``root / (filename + ".hdf5")``."""
        return self.root / f"{record['filename']}.hdf5"

    def select(
        self,
        *,
        split: str | Collection[str] | None = None,
        user: str | Collection[str] | None = None,
        stage: str | Collection[str] | None = None,
        side: str | Collection[str] | None = None,
        generalization: str | Collection[str] | None = None,
    ) -> list[Path]:
        """Paths of the records matching every given filter, in metadata.csv order.

        Each filter is one value or a collection of accepted values. A filter
        value that occurs nowhere in its column is an error (it is almost
        always a typo), and so is a selected file that does not exist.
        """
        filters = {
            "split": split,
            "user": user,
            "stage": stage,
            "side": side,
            "generalization": generalization,
        }
        records = self.records
        for column, value in filters.items():
            if value is None:
                continue
            wanted = _as_set(column, value)
            present = {r[column] for r in self.records}
            if not wanted & present:
                shown = ", ".join(sorted(present)) or "none"
                raise PureposeError(
                    f"Dataset.select: {column}={value!r} matches no record in "
                    f"{self.metadata_path} (values: {shown})"
                )
            records = [r for r in records if r[column] in wanted]
        paths = [self.path(r) for r in records]
        for p in paths:
            if not p.is_file():
                raise PureposeError(
                    f"Dataset.select: {p} is listed in {self.metadata_path} but does not exist"
                )
        return paths

    def counts(self, column: str) -> dict[str, int]:
        """How many records have each value of ``column`` (train, val, test first, then sorted)."""
        if self.records and column not in self.records[0]:
            raise PureposeError(f"Dataset.counts: no column {column!r} in {self.metadata_path}")
        counts: dict[str, int] = {}
        for r in self.records:
            counts[r[column]] = counts.get(r[column], 0) + 1
        order = {name: i for i, name in enumerate(SPLITS)}
        return {k: counts[k] for k in sorted(counts, key=lambda k: (order.get(k, 3), k))}

    def splits(self) -> dict[str, int]:
        """Number of records per split, e.g. ``{'train': 4, 'val': 1, 'test': 1}``."""
        return self.counts("split")


def find_sessions(path_or_paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """Expand files and directories into a list of session files.

    A file is kept as given; a directory contributes its ``*.hdf5`` files,
    sorted by name. Duplicates are dropped, order otherwise kept.

    >>> import tempfile, pathlib
    >>> from purepose.data.synth import make_session
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b", "a"):
    ...     _ = make_session(d / f"{name}.hdf5", seconds=0.01)
    >>> [p.name for p in find_sessions([d, d / "b.hdf5"])]
    ['a.hdf5', 'b.hdf5']
    >>> find_sessions("no-such-dir")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: find_sessions: no-such-dir: no such file or directory
    """
    if isinstance(path_or_paths, str | os.PathLike):
        items: list[PathLike] = [path_or_paths]
    else:
        items = list(path_or_paths)
    if not items:
        raise PureposeError("find_sessions: no paths given")
    found: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            files = sorted(
                p / name
                for name in read_directory(p, "find_sessions")
                if name.endswith(".hdf5") and (p / name).is_file()
            )
            if not files:
                raise PureposeError(f"find_sessions: {p}: directory has no .hdf5 files")
            found.extend(files)
        elif p.exists():
            found.append(p)
        else:
            raise PureposeError(f"find_sessions: {p}: no such file or directory")
    return list(dict.fromkeys(found))
