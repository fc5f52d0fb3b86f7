"""MATLAB v7.3 MAT-files: HDF5 files with a MATLAB header, read through h5py.

purepose.data.matfile reads level-5 files by hand and hands a v7.3 file to
:func:`read_mat73` (this module and purepose.data.emg2pose are the only ones that import
h5py). MATLAB stores each variable as a root dataset with a ``MATLAB_class``
attribute, column-major, so the HDF5 shape is the MATLAB shape reversed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import h5py

from purepose.errors import PureposeError
from purepose.types import PathLike


def read_mat73(
    path: PathLike,
    variable_names: Collection[str] | None = None,
    *,
    data: bool = True,
    readable: Collection[str] = (),
) -> dict[str, tuple[str, tuple[int, ...], list[Any] | None]]:
    """The variables of a MATLAB v7.3 MAT-file: ``{name: (mclass, shape, values)}``.

    A v7.3 file is HDF5 (the MATLAB header sits in a 512-byte user block).
    Each variable is a root object with a ``MATLAB_class`` attribute. MATLAB
    writes its column-major arrays as their C-order transpose, so ``shape``
    (the MATLAB dims) is the HDF5 shape reversed, and the HDF5 values in
    C order are already MATLAB's column-major order. An empty array is
    stored as its dims with ``MATLAB_empty`` set. ``values`` is a flat list
    typed as in :class:`purepose.data.matfile.MatArray`; None for struct, cell,
    sparse and object variables (groups or references), for classes not in
    ``readable`` (the MATLAB classes the caller can hold) and when ``data`` is
    false. :func:`purepose.data.matfile.loadmat` is the public entry point.
    """
    wanted = None if variable_names is None else set(variable_names)
    out: dict[str, tuple[str, tuple[int, ...], list[Any] | None]] = {}
    try:
        h5 = h5py.File(path, "r")
    except OSError as exc:
        raise PureposeError(
            f"{path}: v7.3 MAT-file header, but not readable as HDF5 ({exc})"
        ) from None
    with h5:
        for name, obj in h5.items():
            if name.startswith("#") or (wanted is not None and name not in wanted):
                continue  # "#refs#" and "#subsystem#" hold MATLAB's internals
            mclass = obj.attrs.get("MATLAB_class", b"unknown")
            mclass = mclass.decode() if isinstance(mclass, bytes) else str(mclass)
            if isinstance(obj, h5py.Group):  # a struct, an object or a sparse matrix
                out[name] = ("sparse" if "MATLAB_sparse" in obj.attrs else mclass, (1, 1), None)
                continue
            shape = obj.shape[::-1] + (1,) * (2 - len(obj.shape))
            empty = bool(obj.attrs.get("MATLAB_empty", 0))
            if empty:
                shape = tuple(int(d) for d in obj[()].ravel())
            values = None
            if data and mclass in readable:
                values = [] if empty else _mat73_values(path, name, obj[()], mclass)
            out[name] = (mclass, tuple(shape), values)
    return out


def _mat73_values(path: PathLike, name: str, arr: Any, mclass: str) -> list[Any]:
    if arr.dtype.names == ("real", "imag"):  # MATLAB's complex: a compound of two parts
        return list(map(complex, arr["real"].ravel().tolist(), arr["imag"].ravel().tolist()))
    if arr.dtype.kind not in "biuf":
        raise PureposeError(
            f"{path}: variable {name!r} is MATLAB_class {mclass}, HDF5 {arr.dtype}"
        )
    values = arr.ravel().tolist()
    if mclass == "char":
        return list(map(chr, values))
    if mclass == "logical":
        return list(map(bool, values))
    if mclass in ("double", "single") and arr.dtype.kind != "f":
        return list(map(float, values))
    return values
