"""The level-5 MAT-file format (MATLAB v5 to v7), read byte by byte with the standard library.

:mod:`purepose.data.matfile` is the front door (``loadmat``, ``whosmat``);
this module is the format: the header, the tags, the compressed elements and
the arrays' subelements, each size checked against what the file can hold
before anything is allocated.

The level-5 format, byte by byte (MathWorks, "MAT-File Format", R2019a,
chapter 1, "Level 5 MAT-File Format")::

    header      128 bytes: 116 text ("MATLAB 5.0 MAT-file, ...") | 8 subsystem
                offset | 2 version (0x0100) | 2 endian indicator, "IM" in a
                little-endian file and "MI" in a big-endian one
    element     8-byte tag (uint32 data type, uint32 byte count), the data,
                zero padding to a multiple of 8 bytes. A "small" element of
                1..4 bytes packs count (high 16 bits of the first word), type
                (low 16 bits) and data into the 8 bytes of the tag.
    miCOMPRESSED (15)  a zlib stream holding one miMATRIX element; no padding
                follows it in the file
    miMATRIX (14)  the subelements of one array, in order:
                array flags   miUINT32 x 2: class in the low byte; 0x0800
                              complex, 0x0400 global, 0x0200 logical
                dimensions    miINT32 x ndims (ndims >= 2, MATLAB order)
                array name    miINT8, ASCII
                real part     values in column-major order
                imaginary     only if complex

The real and imaginary parts may be stored in a narrower type than the
array's class: MATLAB writes a double array of small whole numbers as
miUINT8 (NinaPro's labels and flexemg's ``raw`` are double arrays stored as
miUINT8 and miUINT16; scipy's savemat never does this). They come
back as the class's Python type: float for double and single, int for the
integer classes, bool for logical, complex when the complex flag is set,
one-character str for char (miUINT16, miUTF8, miUTF16, miUTF32; miUINT8 as
Latin-1).

Supported: every numeric class, real or complex; logical; char; both byte
orders; compressed and uncompressed elements. Skipped, but listed by
:func:`whosmat` (and a clear error when requested by name): cell, struct,
object, sparse, function handle and opaque (MCOS: string, table ...) arrays,
and the unnamed element holding MATLAB's subsystem data. The global flag is
ignored.

>>> format_shape((2, 3))
'2x3'
"""

from __future__ import annotations

import array
import math
import struct
import sys
import zlib
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from purepose.errors import PureposeError

__all__ = ["READABLE_CLASSES", "Header", "Level5", "format_shape", "sniff"]


# array typecodes of 4 bytes ("i" on every platform CPython supports; checked, not assumed)
_I32, _U32 = ("i", "I") if array.array("i").itemsize == 4 else ("l", "L")

# MAT data types: code -> (name, array typecode). 8, 10 and 11 are reserved.
# fmt: off
_MI_TYPES: dict[int, tuple[str, str]] = {
    1: ("miINT8", "b"),    2: ("miUINT8", "B"),    3: ("miINT16", "h"),   4: ("miUINT16", "H"),
    5: ("miINT32", _I32),  6: ("miUINT32", _U32),  7: ("miSINGLE", "f"),  9: ("miDOUBLE", "d"),
    12: ("miINT64", "q"),  13: ("miUINT64", "Q"),  14: ("miMATRIX", ""),  15: ("miCOMPRESSED", ""),
    16: ("miUTF8", "B"),   17: ("miUTF16", "H"),   18: ("miUTF32", _U32),
}
# fmt: on
_MI_INT8, _MI_UINT8, _MI_INT32, _MI_UINT32 = 1, 2, 5, 6
_MI_MATRIX, _MI_COMPRESSED, _MI_UTF8 = 14, 15, 16
_NUMERIC_MI = frozenset((1, 2, 3, 4, 5, 6, 7, 9, 12, 13))
_FLOAT_MI = frozenset((7, 9))
_CHAR_MI = frozenset((1, 2, 4, 16, 17, 18))

# MATLAB array classes: code (the low byte of the array flags) -> name.
# fmt: off
_CLASSES = {
    1: "cell", 2: "struct", 3: "object", 4: "char", 5: "sparse", 6: "double", 7: "single",
    8: "int8", 9: "uint8", 10: "int16", 11: "uint16", 12: "int32", 13: "uint32", 14: "int64",
    15: "uint64", 16: "function_handle", 17: "opaque",
}
# fmt: on
_OPAQUE = 17
_COMPLEX, _LOGICAL = 0x0800, 0x0200
_INT_LIMITS = {
    f"{sign}int{bits}": ((0, (1 << bits) - 1) if sign else (-(1 << bits - 1), (1 << bits - 1) - 1))
    for sign in ("", "u")
    for bits in (8, 16, 32, 64)
}
_NUMERIC_CLASSES = frozenset(("double", "single", *_INT_LIMITS))
READABLE_CLASSES = frozenset((*_NUMERIC_CLASSES, "logical", "char"))
"""The classes :func:`loadmat` returns; every other class is skipped."""

_HEADER_SIZE = 128
_HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_DEFLATE_MAX_RATIO = 1032  # deflate's best case: a 258-byte match in 2 bits
_CHUNK = 1 << 16  # compressed bytes read at a time while inflating headers


def format_shape(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape)) if shape else "?"


# ---- the byte sources: a range of the file, or one zlib stream --------------------------


class _Stream(ABC):
    """Exact reads inside one top-level element; ``pos`` and ``limit`` count its bytes."""

    where: str
    pos: int
    limit: int

    def _check(self, n: int) -> None:
        if n > self.limit - self.pos:
            raise PureposeError(
                f"{self.where}: a subelement at byte {self.pos} of the array declares {n} bytes, "
                f"only {self.limit - self.pos} remain in it"
            )

    @abstractmethod
    def read(self, n: int) -> bytes:
        """The next ``n`` bytes, or PureposeError if the element or the file ends first."""

    def skip_padding(self, n_bytes: int) -> None:
        """Skip the zeros after an ``n_bytes`` subelement (clamped: some writers drop the last)."""
        pad = min(-n_bytes % 8, self.limit - self.pos)
        if pad:
            self.read(pad)


class _FileStream(_Stream):
    """The ``size`` bytes of an uncompressed miMATRIX element starting at byte ``start``."""

    def __init__(self, f: BinaryIO, start: int, size: int, where: str) -> None:
        self._f, self._start = f, start
        self.where, self.pos, self.limit = where, 0, size

    def read(self, n: int) -> bytes:
        self._check(n)
        self._f.seek(self._start + self.pos)
        data = self._f.read(n)
        if len(data) != n:
            raise PureposeError(f"{self.where}: truncated file at byte {self._start + self.pos}")
        self.pos += n
        return data


class _ZlibStream(_Stream):
    """The decompressed bytes of one miCOMPRESSED element, inflated only as far as read.

    Compressed input comes from the file 64 KiB at a time (all that is left
    for a large read); ``decompress(data, max_length)`` never returns more than
    asked and keeps the rest of its input in ``unconsumed_tail``, so a skipped
    variable costs the inflation of its header only.
    """

    def __init__(self, f: BinaryIO, start: int, size: int, where: str) -> None:
        self._f, self._start, self._next, self._end = f, start, start, start + size
        self._inflate = zlib.decompressobj()
        self._tail = b""
        # Until the inner tag is read, the bound is what deflate can expand ``size`` bytes to.
        self.where, self.pos, self.limit = where, 0, size * _DEFLATE_MAX_RATIO

    def read(self, n: int) -> bytes:
        self._check(n)
        parts, need = [], n
        while need:
            if len(self._tail) < need and self._next < self._end and not self._inflate.eof:
                # Top up the input (all of it for a big read): one decompress call, no join.
                self._f.seek(self._next)
                more = self._f.read(min(self._end - self._next, max(_CHUNK, need)))
                self._next += len(more)
                self._tail += more
            if not self._tail or self._inflate.eof:
                raise PureposeError(
                    f"{self.where}: compressed element at byte {self._start - 8} ends after "
                    f"{self.pos + n - need} decompressed bytes, {need} more expected "
                    "(truncated or corrupt zlib stream)"
                )
            try:
                part = self._inflate.decompress(self._tail, need)
            except zlib.error as exc:
                raise PureposeError(
                    f"{self.where}: corrupt compressed element at byte {self._start - 8} "
                    f"(zlib: {exc})"
                ) from None
            self._tail = self._inflate.unconsumed_tail
            parts.append(part)
            need -= len(part)
        self.pos += n
        return parts[0] if len(parts) == 1 else b"".join(parts)


# ---- the level-5 reader -------------------------------------------------------------


class Header(NamedTuple):
    """What precedes an array's data: enough for whosmat, and to read the rest."""

    name: str
    mclass: str
    shape: tuple[int, ...]
    is_complex: bool


class Level5:
    """One open level-5 MAT-file: its byte order and a walk over its variables."""

    def __init__(self, f: BinaryIO, path: Path, order: str) -> None:
        self.f, self.path, self.order = f, path, order
        self.size = f.seek(0, 2)
        self.swap = (order == "<") != (sys.byteorder == "little")

    # -- tags and subelements

    def tag(self, s: _Stream) -> tuple[int, int, bytes | None]:
        """(data type, byte count, the data if the element is in the small format)."""
        raw = s.read(8)
        word, n_bytes = struct.unpack(self.order + "II", raw)
        if word >> 16:  # small format: byte count in the high half, data in the second word
            n_bytes = word >> 16
            if n_bytes > 4:
                raise _fail(s.where, f"small data element at byte {s.pos - 8} of {n_bytes} > 4")
            return word & 0xFFFF, n_bytes, raw[4 : 4 + n_bytes]
        return word, n_bytes, None

    def typed_tag(self, s: _Stream, allowed: Collection[int], what: str) -> tuple[int, int, Any]:
        """A subelement tag whose data type must be in ``allowed``."""
        mi, n_bytes, small = self.tag(s)
        if mi not in allowed:
            names = " or ".join(_MI_TYPES[t][0] for t in sorted(allowed))
            raise _fail(s.where, f"{what} stored as {_mi_name(mi)}, expected {names}")
        return mi, n_bytes, small

    def payload(self, s: _Stream, n_bytes: int, small: bytes | None) -> bytes:
        if small is not None:
            return small
        data = s.read(n_bytes)
        s.skip_padding(n_bytes)
        return data

    def subelement(self, s: _Stream, allowed: Collection[int], what: str) -> tuple[int, bytes]:
        mi, n_bytes, small = self.typed_tag(s, allowed, what)
        return mi, self.payload(s, n_bytes, small)

    def values(self, where: str, mi: int, raw: bytes) -> array.array:
        a = array.array(_MI_TYPES[mi][1])
        if len(raw) % a.itemsize:
            raise _fail(where, f"{len(raw)} bytes of {_mi_name(mi)} data: not whole values")
        a.frombytes(raw)
        if self.swap:
            a.byteswap()
        return a

    # -- the walk over elements

    def elements(self) -> Iterator[tuple[int, _Stream]]:
        """(byte offset, stream past the miMATRIX tag) for every non-empty top-level array."""
        pos = _HEADER_SIZE
        while pos < self.size:
            where = f"{self.path}: element at byte {pos}"
            if self.size - pos < 8:
                raise _fail(where, f"truncated file: {self.size - pos} bytes left, a tag is 8")
            self.f.seek(pos)
            mi, n_bytes = struct.unpack(self.order + "II", self.f.read(8))
            if n_bytes > self.size - pos - 8:
                raise _fail(
                    where,
                    f"truncated file: the element declares {n_bytes} bytes, "
                    f"only {self.size - pos - 8} follow (file size {self.size})",
                )
            if mi == _MI_MATRIX:
                stream: _Stream = _FileStream(self.f, pos + 8, n_bytes, where)
            elif mi == _MI_COMPRESSED:
                stream = self.inflate(pos, n_bytes, where)
            else:
                raise _fail(where, f"{_mi_name(mi)}, expected miMATRIX or miCOMPRESSED")
            if stream.limit > stream.pos:  # an empty miMATRIX holds nothing
                yield pos, stream
            pos += 8 + n_bytes + (0 if mi == _MI_COMPRESSED else -n_bytes % 8)

    def inflate(self, pos: int, n_bytes: int, where: str) -> _ZlibStream:
        stream = _ZlibStream(self.f, pos + 8, n_bytes, where)
        _, inner_bytes, _ = self.typed_tag(stream, (_MI_MATRIX,), "compressed element")
        if inner_bytes > stream.limit - 8:
            raise _fail(
                where,
                f"its miMATRIX declares {inner_bytes} bytes, more than {n_bytes} compressed "
                f"bytes can hold (at most {_DEFLATE_MAX_RATIO}:1)",
            )
        stream.limit = 8 + inner_bytes
        return stream

    def header(self, s: _Stream, pos: int) -> Header:
        """Array flags, dimensions and name: the first subelements of every miMATRIX."""
        _, raw = self.subelement(s, (_MI_UINT32,), "array flags")
        if len(raw) != 8:
            raise _fail(s.where, f"array flags of {len(raw)} bytes, expected 8")
        flags = struct.unpack(self.order + "II", raw)[0]
        mclass = _CLASSES.get(flags & 0xFF)
        if mclass is None:
            raise _fail(s.where, f"unknown array class {flags & 0xFF}")
        if flags & _LOGICAL and mclass in _NUMERIC_CLASSES:
            mclass = "logical"  # MATLAB stores logical arrays as uint8 with this flag
        shape: tuple[int, ...] = ()
        if flags & 0xFF != _OPAQUE:  # opaque (MCOS) objects have a name but no dims
            shape = tuple(
                self.values(s.where, _MI_INT32, self.subelement(s, (_MI_INT32,), "dims")[1])
            )
            if len(shape) < 2 or min(shape) < 0:
                raise _fail(s.where, f"invalid dimensions {shape}")
        _, raw = self.subelement(s, (_MI_INT8, _MI_UINT8, _MI_UTF8), "array name")
        name = raw.rstrip(b"\0").decode("latin-1")
        s.where = f"{self.path}: variable {name!r} (element at byte {pos})"
        return Header(name, mclass, shape, bool(flags & _COMPLEX))

    def variables(self) -> Iterator[tuple[Header, _Stream]]:
        """(header, stream positioned at the data) for every named top-level array."""
        for pos, stream in self.elements():
            header = self.header(stream, pos)
            if header.name:  # the unnamed element is MATLAB's subsystem data, not a variable
                yield header, stream

    # -- the data

    def read_array(self, s: _Stream, h: Header) -> list[Any]:
        """The array's values, flat in column-major order, as the class's Python type."""
        if h.mclass == "char":
            return self.chars(s, h)
        data = self.numbers(s, h, "real part")
        if h.is_complex:
            data = list(map(complex, data, self.numbers(s, h, "imaginary part")))
        return data

    def numbers(self, s: _Stream, h: Header, part: str) -> list[Any]:
        """One part of a numeric or logical array, converted to the class's Python type."""
        mi, n_bytes, small = self.typed_tag(s, _NUMERIC_MI, f"{h.mclass} {part}")
        is_float_class = h.mclass in ("double", "single")
        if mi in _FLOAT_MI and not is_float_class:
            message = f"{part} stored as {_mi_name(mi)}: data type inconsistent with the class"
            raise _fail(s.where, f"{h.mclass} {message}")
        typecode = _MI_TYPES[mi][1]
        n_values = math.prod(h.shape)
        if n_bytes != n_values * array.array(typecode).itemsize:
            raise _fail(
                s.where,
                f"{part} holds {n_bytes} bytes of {_mi_name(mi)}, a {format_shape(h.shape)} array "
                f"needs {n_values} values",
            )
        a = self.values(s.where, mi, self.payload(s, n_bytes, small))
        if is_float_class:
            return a.tolist() if mi in _FLOAT_MI else _as_floats(a)
        if h.mclass == "logical":
            return list(map(bool, a))
        self.check_range(s.where, h.mclass, a)
        return a.tolist()

    def check_range(self, where: str, mclass: str, a: array.array) -> None:
        """Integers stored in a wider type than their class must fit the class."""
        low, high = _INT_LIMITS[mclass]
        stored_low, stored_high = _INT_LIMITS[
            f"{'' if a.typecode.islower() else 'u'}int{8 * a.itemsize}"
        ]
        if a and (stored_low < low or stored_high > high) and (min(a) < low or max(a) > high):
            raise _fail(where, f"values {min(a)}..{max(a)} do not fit the class {mclass}")

    def chars(self, s: _Stream, h: Header) -> list[str]:
        """A char array's code units as one-character strings."""
        mi, n_bytes, small = self.typed_tag(s, _CHAR_MI, "char data")
        raw = self.payload(s, n_bytes, small)
        try:
            if mi in (_MI_INT8, _MI_UINT8, _MI_UTF8):
                text = raw.decode("utf-8" if mi == _MI_UTF8 else "latin-1")
            else:
                text = "".join(map(chr, self.values(s.where, mi, raw)))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _fail(s.where, f"char data is not valid {_mi_name(mi)} ({exc})") from None
        chars, n_chars = list(text), math.prod(h.shape)
        if len(chars) != n_chars:  # MATLAB counts UTF-16 code units; a pair is 2 chars
            units = array.array("H", text.encode("utf-16-le", "surrogatepass"))
            chars = list(map(chr, units))
        if len(chars) != n_chars:
            shape = format_shape(h.shape)
            raise _fail(s.where, f"{len(chars)} characters for a {shape} char array")
        return chars


def _as_floats(a: array.array) -> list[float]:
    """Integers as floats. For 1- and 2-byte storage (MATLAB's way of packing
    small whole doubles), a table of every possible value is 4x faster than
    ``map(float, a)`` and shares one float object per distinct value."""
    size = 1 << 8 * a.itemsize
    if a.itemsize > 2 or len(a) < size // 8:
        return list(map(float, a))
    # Negative indices wrap: table[-1] is the last entry, which is -1.0 for a signed type.
    half = size // 2 if a.typecode.islower() else size
    table = [float(i if i < half else i - size) for i in range(size)]
    return list(map(table.__getitem__, a))


def _fail(where: str, message: str) -> PureposeError:
    return PureposeError(f"{where}: {message}")


def _mi_name(mi: int) -> str:
    return _MI_TYPES.get(mi, (f"unknown data type {mi}",))[0]


def _looks_level4(head: bytes) -> bool:
    """Level 4 has no text header: it opens with 5 int32 (MOPT, mrows, ncols, imagf, namlen)."""
    if len(head) < 20:
        return False
    for order in "<>":
        mopt, n_rows, n_cols, imagf, namlen = struct.unpack(order + "5i", head[:20])
        m, o, p, t = mopt // 1000, mopt // 100 % 10, mopt // 10 % 10, mopt % 10
        valid_type = 0 <= m <= 4 and o == 0 and p <= 5 and t <= 2
        if valid_type and min(n_rows, n_cols) >= 0 and imagf in (0, 1) and 0 < namlen < 1 << 16:
            return True
    return False


def sniff(f: BinaryIO, path: Path) -> tuple[str, str]:
    """('5', byte order) for a level-5 file, ('7.3', '') for HDF5; anything else raises."""
    head = f.read(_HEADER_SIZE)
    if not head:
        raise PureposeError(f"{path}: empty file, not a MAT-file")
    if len(head) == _HEADER_SIZE and head[126:] in (b"IM", b"MI"):
        order = "<" if head[126:] == b"IM" else ">"
        version = struct.unpack(order + "H", head[124:126])[0]
        if version == 0x0100:
            return "5", order
        f.seek(512)
        if version == 0x0200 and f.read(8) == _HDF5_SIGNATURE:
            return "7.3", ""
        raise PureposeError(
            f"{path}: unknown MAT-file version 0x{version:04x} (level 5 is 0x0100, "
            "v7.3 is 0x0200 with HDF5 data from byte 512)"
        )
    if _looks_level4(head):
        raise PureposeError(f"{path}: MAT level 4 file; save it with -v7")
    if head.startswith(b"MATLAB"):
        raise PureposeError(f"{path}: truncated file: {len(head)} bytes, the MAT header is 128")
    if head.startswith(_HDF5_SIGNATURE):
        raise PureposeError(f"{path}: HDF5 file without the 128-byte MATLAB header")
    raise PureposeError(f"{path}: not a MAT file (no level-5 header, no level-4 matrix)")
