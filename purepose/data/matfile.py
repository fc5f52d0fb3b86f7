"""Read MATLAB MAT-files into Python lists: level 5 (v5 to v7) by hand, v7.3 through h5py.

NinaPro, the most used public EMG benchmark, ships MATLAB 5.0 MAT-files with
zlib-compressed elements. This module reads them with the standard library
only (struct, zlib, array): ``loadmat`` returns each numeric, logical or char
variable as a :class:`MatArray` whose ``data`` is a flat Python list in
MATLAB's column-major order, and ``rows()`` turns a 2-D one into rows.
:mod:`purepose.data.mat5` reads the level-5 format byte by byte.

v7.3 files are HDF5 with the MATLAB header in a 512-byte user block;
:func:`purepose.data.mat73.read_mat73` (h5py) reads them.

Cost: O(file size) time. Each variable is decompressed once, exactly to its
declared size (``zlib.decompressobj().decompress(data, max_length)``), and
converted with ``array.frombytes`` + ``tolist``; a skipped variable costs the
few dozen bytes of its header. Memory: one variable's raw bytes plus the
lists (a list of floats costs about 32 bytes per value, 4x the double on
disk). Every declared size is checked against what the file can hold before
anything is allocated. Measured with CPython 3.11.7 on the project machine
(2 cores shared with other jobs, so best of 5 runs and a range over
sessions), NinaPro DB1 S1_A1_E1.mat (2.9 MB file, 101,014 rows, 3.6 million
values): ``loadmat`` 0.22-0.40 s against 0.05-0.14 s for numpy-backed
``scipy.io.loadmat`` (which makes no Python objects: ``tolist`` of the
floats is half of purepose's time, zlib a third); ``rows()`` of the
(101014, 22) glove 0.07-0.24 s; ``variable_names=["rerepetition"]`` 0.006 s.

Example: a 2 x 2 double ``a = [1 2; 3 4]`` written byte by byte.

>>> import pathlib, shutil, struct, tempfile
>>> body = (
...     struct.pack("<IIII", 6, 8, 6, 0)  # array flags (miUINT32): mxDOUBLE_CLASS
...     + struct.pack("<IIii", 5, 8, 2, 2)  # dimensions (miINT32): 2 x 2
...     + struct.pack("<HH4s", 1, 1, b"a")  # name: small element, miINT8, 1 byte
...     + struct.pack("<II4d", 9, 32, 1, 3, 2, 4)  # real part (miDOUBLE), column-major
... )
>>> header = b"MATLAB 5.0 MAT-file".ljust(116) + bytes(8) + struct.pack("<H", 0x0100) + b"IM"
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.mat").write_bytes(header + struct.pack("<II", 14, len(body)) + body)
>>> whosmat(folder / "a.mat")
[MatInfo(name='a', mclass='double', shape=(2, 2))]
>>> a = loadmat(folder / "a.mat")["a"]
>>> a
MatArray(name='a', mclass='double', shape=(2, 2))
>>> a.data, a.rows()
([1.0, 3.0, 2.0, 4.0], [[1.0, 2.0], [3.0, 4.0]])
>>> loadmat(folder / "a.mat", variable_names=["b"])
Traceback (most recent call last):
...
purepose.errors.PureposeError: .../a.mat: no variable 'b' in the file; it holds: a
>>> shutil.rmtree(folder)
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from purepose.errors import PureposeError
from purepose.types import PathLike

from .mat5 import READABLE_CLASSES, Level5, format_shape, sniff

__all__ = ["READABLE_CLASSES", "MatArray", "MatInfo", "loadmat", "whosmat"]


class MatInfo(NamedTuple):
    """One variable as :func:`whosmat` lists it (scipy.io.whosmat's triple, named).

    ``mclass`` is 'double', 'single', 'int8'..'uint64', 'logical', 'char',
    'cell', 'struct', 'object', 'sparse', 'function_handle' or 'opaque';
    ``shape`` is the MATLAB dims, () for opaque objects (their size lives in
    MATLAB's subsystem data).
    """

    name: str
    mclass: str
    shape: tuple[int, ...]


class MatArray(NamedTuple):
    """One MATLAB array: ``data`` holds its values flat, in column-major order.

    Element ``(i, j)`` of an ``n_rows x n_cols`` array is
    ``data[i + j * n_rows]`` (the first index varies fastest; for more
    dimensions, each further index steps over the product of the dims before
    it). ``shape`` has at least 2 dims, as in MATLAB. Values are float
    (double, single), int (integer classes), bool (logical), complex (the
    complex flag set) or a one-character str (char). MATLAB counts a char
    array in UTF-16 code units, so a character beyond U+FFFF saved by MATLAB
    is two (surrogate) elements; ``text()`` joins them again.

    >>> m = MatArray("x", "int8", (2, 3), [1, 2, 3, 4, 5, 6])
    >>> m.rows()
    [[1, 3, 5], [2, 4, 6]]
    >>> m.column()
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: MatArray 'x': column() needs n x 1 or 1 x n, shape is 2x3
    """

    name: str
    mclass: str
    shape: tuple[int, ...]
    data: list[Any]

    def __repr__(self) -> str:  # the data may hold millions of values
        return f"MatArray(name={self.name!r}, mclass={self.mclass!r}, shape={self.shape})"

    def _fail(self, message: str) -> PureposeError:
        return PureposeError(
            f"MatArray {self.name!r}: {message}, shape is {format_shape(self.shape)}"
        )

    def _dims2(self, what: str) -> tuple[int, int]:
        if len(self.shape) != 2:
            raise self._fail(f"{what} needs a 2-D array")
        return self.shape[0], self.shape[1]

    def rows(self) -> list[list[Any]]:
        """The 2-D array as ``n_rows`` lists of ``n_cols`` values (row-major). O(n)."""
        n_rows, _ = self._dims2("rows()")
        data = self.data  # row i is every n_rows-th value from data[i]
        return [data[i::n_rows] for i in range(n_rows)]

    def column(self) -> list[Any]:
        """The values of a vector (n x 1 or 1 x n) as one flat list (a copy)."""
        n_rows, n_cols = self._dims2("column()")
        if n_rows != 1 and n_cols != 1:
            raise self._fail("column() needs n x 1 or 1 x n")
        return list(self.data)

    def scalar(self) -> Any:
        """The one value of a 1 x 1 array."""
        if len(self.data) != 1:
            raise self._fail("scalar() needs exactly one element")
        return self.data[0]

    def text(self) -> str:
        """A char array as text: its rows joined by newlines (UTF-16 pairs recombined)."""
        if self.mclass != "char":
            raise self._fail(f"text() needs a char array, not {self.mclass}")
        n_rows, _ = self._dims2("text()")
        lines = "\n".join("".join(self.data[i::n_rows]) for i in range(n_rows))
        return lines.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _open(path: Path) -> BinaryIO:
    try:
        return open(path, "rb")
    except OSError as exc:
        raise PureposeError(f"{path}: cannot open: {exc.strerror or exc}") from None


def _mat73(path: Path, names: Collection[str] | None, data: bool) -> dict[str, Any]:
    from .mat73 import read_mat73  # h5py only when a file needs it: the rest is stdlib

    return read_mat73(path, names, data=data, readable=READABLE_CLASSES)


# ---- the public functions ---------------------------------------------------------


def _inventory(p: Path, f: BinaryIO) -> tuple[list[MatInfo], Level5 | None]:
    """Every variable's name, class and shape, and the level-5 reader (None for v7.3)."""
    version, order = sniff(f, p)
    if version == "7.3":
        return [MatInfo(k, c, s) for k, (c, s, _) in _mat73(p, None, False).items()], None
    mat = Level5(f, p, order)
    return [MatInfo(h.name, h.mclass, h.shape) for h, _ in mat.variables()], mat


def whosmat(path: PathLike) -> list[MatInfo]:
    """Name, class and shape of every variable in a MAT-file, without reading its data.

    Like ``scipy.io.whosmat`` (which gives ``(name, shape, class)``). O(number of
    variables) decompressed bytes plus one seek per variable.
    """
    p = Path(path)
    with _open(p) as f:
        return _inventory(p, f)[0]


def loadmat(
    path: PathLike, *, variable_names: Collection[str] | None = None
) -> dict[str, MatArray]:
    """The numeric, logical and char variables of a MAT-file, in file order.

    ``variable_names`` picks variables by name (the others are skipped after
    their header); a name the file lacks, or one naming a struct, cell,
    sparse array or object, raises PureposeError. Without it, every readable
    variable is returned and the rest skipped (``whosmat`` lists them).
    O(file size) time; see the module docstring for the format and the costs.

    >>> loadmat("no-such.mat")
    Traceback (most recent call last):
    ...
    purepose.errors.PureposeError: no-such.mat: cannot open: No such file or directory
    """
    p = Path(path)
    with _open(p) as f:
        infos, mat = _inventory(p, f)  # first pass: headers only
        wanted = _wanted(p, infos, variable_names)
        if mat is None:
            return {k: MatArray(k, c, s, d) for k, (c, s, d) in _mat73(p, wanted, True).items()}
        return {
            h.name: MatArray(h.name, h.mclass, h.shape, mat.read_array(s, h))
            for h, s in mat.variables()
            if h.name in wanted
        }


def _wanted(path: Path, infos: list[MatInfo], names: Collection[str] | None) -> set[str]:
    """The names to read: all readable ones, or the requested ones after checking them."""
    if names is None:
        return {i.name for i in infos if i.mclass in READABLE_CLASSES}
    names = [names] if isinstance(names, str) else list(names)
    present = {i.name: i for i in infos}
    missing = [n for n in names if n not in present]
    if missing:
        raise PureposeError(
            f"{path}: no variable {', '.join(map(repr, missing))} in the file; "
            f"it holds: {', '.join(present) or 'nothing'}"
        )
    for n in names:
        if present[n].mclass not in READABLE_CLASSES:
            raise PureposeError(
                f"{path}: variable {n!r} is a {present[n].mclass} array "
                f"({format_shape(present[n].shape)}); purepose reads numeric, logical and char "
                "arrays only"
            )
    return set(names)
