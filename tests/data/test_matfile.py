"""purepose.data.matfile against scipy.io.loadmat, hand-made byte streams and real NinaPro files.

scipy (the oracle) writes most test files with ``savemat``; what savemat never
writes (big-endian files, small data elements, miUTF16/miUTF32 chars, broken
files) is built byte by byte with struct and zlib below. Files under
../shared/realdata are compared when present and skipped otherwise.
"""

from __future__ import annotations

import array
import math
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from purepose.data.matfile import MatArray, MatInfo, loadmat, whosmat
from purepose.errors import PureposeError

# ../shared/realdata from the repository root; a worktree under /work/wt/NAME finds the
# same folder one level further up, so look in each parent folder in turn.
REALDATA = next(
    (
        p / "shared" / "realdata"
        for p in Path(__file__).resolve().parents[2:]
        if (p / "shared" / "realdata").is_dir()
    ),
    Path(__file__).resolve().parents[2] / ".." / "shared" / "realdata",
)
NINAPRO = sorted((REALDATA / "ninapro_db1_E1").glob("S*_A1_E1.mat"))
FLEXEMG = sorted((REALDATA / "flexemg_hd64_1khz").glob("*.mat"))

INT_DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")
PY_TYPE = {"double": float, "single": float, "logical": bool, "char": str}


@pytest.fixture
def np():
    return pytest.importorskip("numpy")


@pytest.fixture
def sio():
    return pytest.importorskip("scipy.io")


# ---- comparing a MatArray with a numpy array ------------------------------------------


def _float_bytes(values: list) -> bytes:
    return array.array("d", values).tobytes()


def assert_matches(m: MatArray, ref, mclass: str) -> None:
    """Same shape, class, Python types and values (floats bit for bit, NaN included)."""
    np = pytest.importorskip("numpy")
    assert (m.mclass, m.shape) == (mclass, ref.shape)
    flat = ref.ravel(order="F")
    if np.iscomplexobj(ref):
        assert all(type(v) is complex for v in m.data)
        assert _float_bytes([v.real for v in m.data]) == flat.real.astype("=f8").tobytes()
        assert _float_bytes([v.imag for v in m.data]) == flat.imag.astype("=f8").tobytes()
        return
    assert all(type(v) is PY_TYPE.get(mclass, int) for v in m.data)
    if mclass in ("double", "single"):
        assert _float_bytes(m.data) == flat.astype("=f8").tobytes()
    else:
        assert m.data == flat.tolist()


def _variables(np) -> dict:
    """One of everything savemat writes: each class, extremes, empties, vectors, 3-D, text."""
    out = {
        "d": np.array([[0.0, -0.0, 1.5], [math.nan, math.inf, -math.inf]]),
        "tiny": np.array([[5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]]),
        "f": np.array([[1.1, math.nan], [-math.inf, 3.4028234663852886e38]], dtype=np.float32),
        "b": np.array([[True, False], [False, True]]),
        "cd": np.array([[1 + 2j, -0.0 - 1j], [math.nan + 0j, 3.25 + math.inf * 1j]]),
        "cf": np.array([[1.5 - 2.5j, 0j]], dtype=np.complex64),
        "empty": np.zeros((0, 0)),
        "empty03": np.zeros((0, 3)),
        "row": np.arange(5.0).reshape(1, 5),
        "col": np.arange(4.0).reshape(4, 1) - 1.5,
        "cube": np.arange(24.0).reshape(2, 3, 4),
        "small_ints_as_double": np.array([[0.0, 1.0, 255.0]]),  # savemat keeps miDOUBLE
        "x" * 63: np.array([[7.0]]),
        "text": np.array(["héllo€"]),
        "lines": np.array(["ab", "cd", "ef"]),
    }
    for name in INT_DTYPES:
        info = np.iinfo(name)
        out[name] = np.array([[info.min, 0, info.max], [1, info.max - 1, info.min + 1]], name)
    return out


def _mclass(ref) -> str:
    """The MATLAB class savemat writes for a numpy array (complex keeps its real class)."""
    kind = ref.dtype.kind
    if kind in "fc":
        return "single" if ref.dtype.char in "fF" else "double"
    return {"b": "logical", "U": "char"}.get(kind, str(ref.dtype))


# ---- against scipy.io.savemat / loadmat -----------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_every_class_matches_scipy(tmp_path, np, sio, compress):
    variables = _variables(np)
    path = tmp_path / "all.mat"
    sio.savemat(path, variables, do_compression=compress)
    # savemat stores each class as itself, so scipy's dtypes are the classes (and
    # mat_dtype=True would drop imaginary parts).
    ref = sio.loadmat(path, chars_as_strings=False)
    ours = loadmat(path)
    assert list(ours) == list(variables)
    for name, value in variables.items():
        mclass = _mclass(value)
        assert_matches(ours[name], ref[name], mclass)
        if mclass != "char":  # scipy returns the original values too
            assert_matches(ours[name], np.asarray(value).reshape(ref[name].shape), mclass)
    assert ours["text"].text() == "héllo€"
    assert ours["lines"].text() == "ab\ncd\nef"
    assert ours["row"].column() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert ours["col"].column() == [-1.5, -0.5, 0.5, 1.5]
    assert ours["x" * 63].scalar() == 7.0
    assert ours["empty03"].rows() == []
    assert ours["int8"].rows() == ref["int8"].tolist()


def test_whosmat_lists_skipped_structs_cells_and_sparse(tmp_path, np, sio):
    sparse = pytest.importorskip("scipy.sparse")
    path = tmp_path / "mixed.mat"
    sio.savemat(
        path,
        {
            "a": np.eye(3),
            "s": {"gain": 2.0, "label": "fist"},
            "c": np.array([1.0, "two"], dtype=object),
            "sp": sparse.csc_matrix(np.eye(4)),
            "z": np.array([[1, 2]], dtype=np.int16),
        },
    )
    ours = whosmat(path)
    # scipy gives (name, shape, class); the shapes agree for every non-char class.
    assert [(i.name, i.shape, i.mclass) for i in ours] == sio.whosmat(path)
    assert ours[1] == MatInfo("s", "struct", (1, 1))
    assert sorted(loadmat(path)) == ["a", "z"]
    assert list(loadmat(path, variable_names=["z"])) == ["z"]
    assert list(loadmat(path, variable_names="a")) == ["a"]  # one name as a str
    assert loadmat(path, variable_names=[]) == {}
    for name, kind in (("s", "struct"), ("c", "cell"), ("sp", "sparse")):
        with pytest.raises(PureposeError, match=rf"mixed.mat: variable '{name}' is a {kind}"):
            loadmat(path, variable_names=[name, "a"])


def test_unknown_variable_names_name_the_file_the_missing_and_the_present(tmp_path, np, sio):
    path = tmp_path / "two.mat"
    sio.savemat(path, {"emg": np.ones((3, 2)), "glove": np.zeros((3, 4))})
    with pytest.raises(PureposeError) as err:
        loadmat(path, variable_names=["emg", "restimulus", "subject"])
    message = str(err.value)
    assert "two.mat" in message and "'restimulus', 'subject'" in message
    assert "it holds: emg, glove" in message and "\n" not in message


@pytest.mark.parametrize("matrix", [[[1.0]], [[1.0, 2.0], [3.0, 4.0]]])
def test_level4_file_is_a_clear_error(tmp_path, np, sio, matrix):
    path = tmp_path / "v4.mat"
    sio.savemat(path, {"m": np.array(matrix)}, format="4")
    for read in (loadmat, whosmat):
        with pytest.raises(PureposeError, match=r"v4.mat: MAT level 4 file; save it with -v7"):
            read(path)


_DTYPES = ("double", "single", "logical", "complex", *INT_DTYPES)


@st.composite
def _arrays(draw):
    """(numpy dtype name, shape, flat values) for an array savemat can write."""
    dtype = draw(st.sampled_from(_DTYPES))
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=2, max_size=4)))
    size = math.prod(shape)
    if dtype == "logical":
        element = st.booleans()
    elif dtype in ("double", "single", "complex"):
        element = st.floats(width=32 if dtype == "single" else 64)
    else:
        bits, signed = int(dtype.lstrip("uint")), not dtype.startswith("u")
        low = -(1 << bits - 1) if signed else 0
        element = st.integers(low, (1 << bits - (1 if signed else 0)) - 1)
    n = 2 * size if dtype == "complex" else size
    return dtype, shape, draw(st.lists(element, min_size=n, max_size=n))


@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=_arrays(), compress=st.booleans())
def test_random_arrays_written_by_savemat_read_back_equal(tmp_path, np, sio, case, compress):
    dtype, shape, values = case
    if dtype == "complex":
        value = np.empty(len(values) // 2, complex)
        value.real, value.imag = values[::2], values[1::2]
    else:
        value = np.array(
            values, dtype={"double": "f8", "single": "f4", "logical": "?"}.get(dtype, dtype)
        )
    value = value.reshape(shape, order="F")
    path = tmp_path / "case.mat"
    sio.savemat(path, {"v": value}, do_compression=compress)
    mclass = "double" if dtype == "complex" else dtype
    assert_matches(loadmat(path)["v"], value, mclass)
    assert whosmat(path) == [MatInfo("v", mclass, shape)]


# ---- hand-made byte streams ------------------------------------------------------------

MI = {"int8": 1, "uint8": 2, "int16": 3, "uint16": 4, "int32": 5, "uint32": 6, "single": 7}
MI |= {"double": 9, "int64": 12, "uint64": 13, "matrix": 14, "compressed": 15}
MI |= {"utf8": 16, "utf16": 17, "utf32": 18}
CLASS = {"cell": 1, "struct": 2, "char": 4, "double": 6, "single": 7, "int8": 8, "uint8": 9}
CLASS |= {"int16": 10, "int32": 12}
TYPECODE = {"int8": "b", "uint8": "B", "int16": "h", "uint16": "H", "int32": "i"}
TYPECODE |= {"uint32": "I", "single": "f", "double": "d", "int64": "q", "uint64": "Q"}


def header(order: str = "<", version: int = 0x0100, text: bytes = b"MATLAB 5.0 MAT-file") -> bytes:
    endian = b"IM" if order == "<" else b"MI"  # the int16 'MI' as the file's byte order writes it
    return text.ljust(116) + bytes(8) + struct.pack(order + "H", version) + endian


def sub(order: str, mi: str, payload: bytes, small: bool = False) -> bytes:
    """One subelement: the small format (<= 4 bytes in the tag) or tag + data + padding."""
    if small:
        assert len(payload) <= 4
        return struct.pack(order + "I", len(payload) << 16 | MI[mi]) + payload.ljust(4, b"\0")
    return struct.pack(order + "II", MI[mi], len(payload)) + payload + bytes(-len(payload) % 8)


def pack(order: str, typecode: str, values) -> bytes:
    a = array.array(typecode, values)
    if (order == "<") != (array.array("H", [1]).tobytes() == b"\x01\x00"):
        a.byteswap()
    return a.tobytes()


def matrix(order, name, mclass, dims, parts, flags=0, small_name=True) -> bytes:
    """A miMATRIX element; ``parts`` are (storage type, values) or ready-made subelements."""
    body = sub(order, "uint32", struct.pack(order + "II", flags | CLASS.get(mclass, 99), 0))
    body += sub(order, "int32", struct.pack(f"{order}{len(dims)}i", *dims))
    body += sub(order, "int8", name.encode(), small=small_name and len(name) <= 4)
    for part in parts:
        body += (
            part
            if isinstance(part, bytes)
            else sub(order, part[0], pack(order, TYPECODE[part[0]], part[1]))
        )
    return struct.pack(order + "II", MI["matrix"], len(body)) + body


def compressed(order: str, element: bytes) -> bytes:
    data = zlib.compress(element)
    return struct.pack(order + "II", MI["compressed"], len(data)) + data


def write(tmp_path: Path, *elements: bytes, order: str = "<", name: str = "hand.mat") -> Path:
    path = tmp_path / name
    path.write_bytes(header(order) + b"".join(elements))
    return path


def _hand_elements(order: str) -> list[bytes]:
    utf16 = "€😀".encode("utf-16-be" if order == ">" else "utf-16-le")
    return [
        matrix(order, "d", "double", (2, 3), [("double", [1.0, -2.0, 3.5, math.inf, 0.0, -0.0])]),
        matrix(order, "u8d", "double", (1, 3), [("uint8", [0, 7, 255])]),  # MATLAB's packing
        matrix(order, "i8d", "double", (1, 2), [("int8", [-128, 127])]),
        matrix(order, "h", "int16", (2, 2), [("int16", [-32768, 1, 2, 32767])]),
        matrix(order, "z", "double", (1, 2), [("int16", [1, -2]), ("int16", [3, 4])], flags=0x800),
        matrix(
            order, "s4", "int32", (1, 1), [sub(order, "int32", pack(order, "i", [-5]), small=True)]
        ),
        matrix(order, "lg", "uint8", (1, 3), [("uint8", [1, 0, 1])], flags=0x200),
        matrix(order, "c16", "char", (1, 3), [sub(order, "utf16", utf16)]),
        matrix(
            order,
            "c32",
            "char",
            (1, 2),
            [sub(order, "utf32", pack(order, "I", [ord("€"), ord("😀")]))],
        ),
        matrix(order, "cu", "char", (2, 2), [("uint16", [ord(c) for c in "acbd"])]),
        matrix(order, "c8", "char", (1, 2), [sub(order, "utf8", "é!".encode(), small=True)]),
        matrix(order, "a_long_name", "single", (1, 1), [("single", [0.5])], small_name=False),
    ]


EXPECTED = {
    "d": ("double", (2, 3), [1.0, -2.0, 3.5, math.inf, 0.0, -0.0]),
    "u8d": ("double", (1, 3), [0.0, 7.0, 255.0]),
    "i8d": ("double", (1, 2), [-128.0, 127.0]),
    "h": ("int16", (2, 2), [-32768, 1, 2, 32767]),
    "z": ("double", (1, 2), [1 + 3j, -2 + 4j]),
    "s4": ("int32", (1, 1), [-5]),
    "lg": ("logical", (1, 3), [True, False, True]),
    "c16": ("char", (1, 3), ["€", "\ud83d", "\ude00"]),  # MATLAB counts UTF-16 code units
    "c32": ("char", (1, 2), ["€", "😀"]),
    "cu": ("char", (2, 2), ["a", "c", "b", "d"]),
    "c8": ("char", (1, 2), ["é", "!"]),
    "a_long_name": ("single", (1, 1), [0.5]),
}


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("compress", [False, True])
def test_hand_made_files_in_both_byte_orders(tmp_path, order, compress):
    elements = _hand_elements(order)
    path = write(
        tmp_path, *(compressed(order, e) if compress else e for e in elements), order=order
    )
    got = loadmat(path)
    assert {k: (v.mclass, v.shape, v.data) for k, v in got.items()} == EXPECTED
    assert math.copysign(1.0, got["d"].data[5]) == -1.0
    assert all(type(v) is float for v in got["u8d"].data + got["i8d"].data)
    assert got["c16"].text() == "€😀" and got["cu"].text() == "ab\ncd"
    assert [i.name for i in whosmat(path)] == list(EXPECTED)


def test_unnamed_subsystem_element_and_empty_elements_are_skipped(tmp_path):
    unnamed = matrix("<", "", "uint8", (1, 8), [("uint8", range(8))])
    empty = struct.pack("<II", MI["matrix"], 0)
    path = write(tmp_path, empty, matrix("<", "a", "double", (1, 1), [("double", [2.0])]), unnamed)
    assert whosmat(path) == [MatInfo("a", "double", (1, 1))]
    assert loadmat(path)["a"].scalar() == 2.0


def test_variable_names_skips_the_others_without_reading_their_data(tmp_path):
    # The second variable's zlib stream breaks 200 bytes after its 48-byte header:
    # asking for another variable inflates only that header.
    good = matrix("<", "a", "double", (1, 1), [("double", [1.0])])
    big = matrix("<", "big", "double", (1, 1000), [("double", [0.0] * 1000)])
    deflate = zlib.compressobj()
    stream = deflate.compress(big[:248]) + deflate.flush(zlib.Z_FULL_FLUSH) + b"\xff" * 64
    broken = struct.pack("<II", MI["compressed"], len(stream)) + stream
    path = write(tmp_path, compressed("<", good), broken)
    assert loadmat(path, variable_names=["a"])["a"].data == [1.0]
    assert whosmat(path)[1] == MatInfo("big", "double", (1, 1000))
    with pytest.raises(PureposeError, match="compressed element at byte"):
        loadmat(path)


# ---- bad input: one line naming the file and the problem --------------------------------


def _one_line_error(path: Path, *words: str, whos: bool = True) -> str:
    """loadmat (and whosmat, unless the header is fine) raise one line holding ``words``."""
    for read in (loadmat, whosmat) if whos else (loadmat,):
        with pytest.raises(PureposeError) as err:
            read(path)
        message = str(err.value)
        assert message.startswith(str(path)) and "\n" not in message, message
        for word in words:
            assert word in message, message
    return message


def test_empty_file_and_garbage(tmp_path):
    (tmp_path / "empty.mat").write_bytes(b"")
    _one_line_error(tmp_path / "empty.mat", "empty file")
    (tmp_path / "garbage.mat").write_bytes(bytes(range(1, 256)) * 3)
    _one_line_error(tmp_path / "garbage.mat", "not a MAT file")
    (tmp_path / "text.mat").write_text("time,emg\n0.0,1.0\n")
    _one_line_error(tmp_path / "text.mat", "not a MAT file")
    _one_line_error(tmp_path / "missing.mat", "cannot open")


def test_unknown_version_and_v73_header_without_hdf5(tmp_path):
    path = tmp_path / "v.mat"
    path.write_bytes(header(version=0x0300) + bytes(600))
    _one_line_error(path, "unknown MAT-file version 0x0300")
    path.write_bytes(header(version=0x0200) + bytes(600))
    _one_line_error(path, "0x0200", "HDF5")


def _valid_file(tmp_path: Path) -> bytes:
    elements = [compressed("<", e) for e in _hand_elements("<")[:3]]
    return header() + b"".join(elements)


@pytest.mark.parametrize("cut", [0.2, 0.5, 0.99])
def test_truncated_files(tmp_path, cut):
    data = _valid_file(tmp_path)
    path = tmp_path / "cut.mat"
    path.write_bytes(data[: int(128 + cut * (len(data) - 128))])
    _one_line_error(path, "truncated file")


@pytest.mark.parametrize(
    ("keep", "words"), [(60, ("truncated", "128")), (132, ("truncated", "tag"))]
)
def test_truncated_header_or_tag(tmp_path, keep, words):
    path = tmp_path / "cut.mat"
    path.write_bytes(_valid_file(tmp_path)[:keep])
    _one_line_error(path, *words)


def test_corrupt_and_short_zlib_streams_name_the_byte_offset(tmp_path):
    element = matrix("<", "v", "double", (1, 50), [("double", [float(i) for i in range(50)])])
    corrupt = bytearray(compressed("<", element))
    corrupt[8:10] = b"\x00\x00"  # the zlib header
    path = write(tmp_path, bytes(corrupt))
    _one_line_error(path, "corrupt compressed element at byte 128", "zlib")
    short = zlib.compress(element)[:-30]
    path = write(tmp_path, struct.pack("<II", MI["compressed"], len(short)) + short)
    _one_line_error(path, "compressed element at byte 128 ends after", "more expected", whos=False)


def test_declared_sizes_beyond_the_file_are_errors_not_memory_errors(tmp_path):
    head = matrix("<", "big", "double", (1, 1), [("double", [1.0])])
    path = write(tmp_path, head[:4] + struct.pack("<I", 10**9) + head[8:])
    _one_line_error(path, "truncated file", "declares 1000000000 bytes")
    # 10^6 x 10^6 doubles whose data tag claims 4 GB inside a 1 KB file.
    huge = sub("<", "double", b"")[:4] + struct.pack("<I", 0xFFFFFFF8)
    path = write(tmp_path, matrix("<", "huge", "double", (10**6, 10**6), [huge + bytes(900)]))
    _one_line_error(path, "'huge'", "4294967288 bytes", whos=False)
    # ... and a 10^12-element array whose data is one double.
    path = write(tmp_path, matrix("<", "huge", "double", (10**6, 10**6), [("double", [1.0])]))
    _one_line_error(path, "'huge'", "1000000x1000000 array needs 1000000000000", whos=False)
    # A compressed element whose inflated miMATRIX claims more than deflate can expand to.
    inner = struct.pack("<II", MI["matrix"], 0xFFFFFFF0) + bytes(64)
    path = write(tmp_path, compressed("<", inner))
    _one_line_error(path, "more than", "compressed bytes can hold")


_short_data = struct.pack("<II", MI["double"], 16) + struct.pack("<d", 1.0)  # 16 declared, 8 there


@pytest.mark.parametrize(
    ("element", "words"),
    [
        (matrix("<", "q", "int8", (1, 2), [("double", [1.0, 2.0])]), ("'q'", "inconsistent")),
        (matrix("<", "q", "double", (1, 2), [sub("<", "utf8", b"ab")]), ("'q'", "miUTF8")),
        (matrix("<", "q", "uint8", (1, 2), [("int16", [1, 300])]), ("'q'", "do not fit")),
        (matrix("<", "q", "nope", (1, 1), [("double", [1.0])]), ("unknown array class 99",)),
        (matrix("<", "q", "char", (1, 2), [("double", [1.0, 2.0])]), ("'q'", "char data")),
        (matrix("<", "q", "double", (2,), [("double", [1.0, 2.0])]), ("dimensions",)),
        (matrix("<", "q", "double", (1, 3), [("double", [1.0, 2.0])]), ("16 bytes", "3 values")),
        (
            matrix("<", "q", "double", (1, 2), [_short_data]),
            ("declares 16 bytes", "only 8 remain"),
        ),
    ],
)
def test_inconsistent_elements(tmp_path, element, words):
    path = write(tmp_path, element)
    with pytest.raises(PureposeError) as err:
        loadmat(path)
    assert all(w in str(err.value) for w in words), str(err.value)
    assert str(err.value).startswith(str(path))


@settings(derandomize=True, max_examples=150, deadline=None)
@given(
    compress=st.booleans(),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=4),
    keep=st.floats(0.05, 1),
)
def test_any_corruption_loads_or_raises_one_line_pureposeerror(compress, edits, keep):
    """Overwritten bytes and cut tails never escape as another exception (or a MemoryError)."""
    elements = _hand_elements("<")
    data = bytearray(header() + b"".join(compressed("<", e) if compress else e for e in elements))
    for where, value in edits:
        data[int(where * len(data))] = value
    data = data[: max(1, int(keep * len(data)))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.mat"
        path.write_bytes(data)
        for read in (loadmat, whosmat):
            try:
                read(path)
            except PureposeError as exc:
                assert "\n" not in str(exc) and str(exc).startswith(str(path))


def test_matarray_methods_check_the_shape():
    cube = MatArray("cube", "double", (1, 2, 2), [1.0, 2.0, 3.0, 4.0])
    with pytest.raises(
        PureposeError, match="'cube': rows\\(\\) needs a 2-D array, shape is 1x2x2"
    ):
        cube.rows()
    with pytest.raises(PureposeError, match="column\\(\\) needs n x 1 or 1 x n"):
        MatArray("m", "double", (2, 2), [1.0] * 4).column()
    with pytest.raises(PureposeError, match="scalar\\(\\) needs exactly one element"):
        MatArray("m", "double", (0, 0), []).scalar()
    with pytest.raises(PureposeError, match="text\\(\\) needs a char array, not double"):
        MatArray("m", "double", (1, 1), [1.0]).text()
    assert MatArray("e", "double", (3, 0), []).rows() == [[], [], []]
    assert "data" not in repr(cube)


# ---- v7.3 (HDF5) through h5py ------------------------------------------------------------


def _write_mat73(path: Path, np, variables: dict) -> None:
    """A v7.3-like file: datasets transposed as MATLAB writes them, MATLAB_class attributes."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w", userblock_size=512) as f:
        for name, (value, mclass) in variables.items():
            if mclass == "struct":
                obj = f.create_group(name)
                obj.create_dataset("gain", data=np.array([[2.0]]))
            elif mclass == "empty":  # MATLAB stores an empty array's dims as its data
                obj = f.create_dataset(name, data=np.array(value, dtype=np.uint64))
                obj.attrs["MATLAB_empty"] = np.uint8(1)
                mclass = "double"
            else:
                obj = f.create_dataset(name, data=np.asarray(value).T)
            obj.attrs["MATLAB_class"] = np.bytes_(mclass)
        f.create_group("#refs#")
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: test HDF5 schema 1.00 ."
    with open(path, "r+b") as f:
        f.write(header(version=0x0200, text=text))


def test_v73_files_read_through_h5py(tmp_path, np):
    complex_dtype = np.dtype([("real", "<f8"), ("imag", "<f8")])
    z = np.zeros((1, 2), complex_dtype)
    z["real"], z["imag"] = [[1.0, 3.0]], [[2.0, -4.0]]
    emg = np.arange(12.0).reshape(4, 3) / 7
    variables = {
        "emg": (emg, "double"),
        "labels": (np.array([[1], [2], [3]], dtype=np.uint8), "uint8"),
        "mask": (np.array([[1, 0, 1]], dtype=np.uint8), "logical"),
        "name": (np.array([[ord(c) for c in "fist"]], dtype=np.uint16), "char"),
        "z": (z, "double"),
        "e": ([0, 3], "empty"),
        "p": (None, "struct"),
    }
    path = tmp_path / "v73.mat"
    _write_mat73(path, np, variables)
    assert whosmat(path) == [
        MatInfo("e", "double", (0, 3)),
        MatInfo("emg", "double", (4, 3)),
        MatInfo("labels", "uint8", (3, 1)),
        MatInfo("mask", "logical", (1, 3)),
        MatInfo("name", "char", (1, 4)),
        MatInfo("p", "struct", (1, 1)),
        MatInfo("z", "double", (1, 2)),
    ]
    m = loadmat(path)
    assert sorted(m) == ["e", "emg", "labels", "mask", "name", "z"]
    assert_matches(m["emg"], emg, "double")
    assert m["emg"].rows() == emg.tolist()
    assert (m["labels"].column(), m["mask"].data) == ([1, 2, 3], [True, False, True])
    assert (m["name"].text(), m["z"].data, m["e"].data) == ("fist", [1 + 2j, 3 - 4j], [])
    assert list(loadmat(path, variable_names=["labels"])) == ["labels"]
    with pytest.raises(PureposeError, match="variable 'p' is a struct"):
        loadmat(path, variable_names=["p"])
    with pytest.raises(PureposeError, match=r"no variable 'glove'.*it holds: e, emg"):
        loadmat(path, variable_names=["glove"])


def test_v73_class_that_disagrees_with_the_hdf5_type(tmp_path, np):
    path = tmp_path / "odd73.mat"
    _write_mat73(path, np, {"s": (np.array([[b"ab"]]), "double")})
    assert whosmat(path) == [MatInfo("s", "double", (1, 1))]
    with pytest.raises(PureposeError, match=r"odd73.mat: variable 's' is MATLAB_class double"):
        loadmat(path)


def test_v73_header_with_broken_hdf5_is_one_line(tmp_path):
    path = tmp_path / "broken73.mat"
    path.write_bytes(header(version=0x0200).ljust(512, b"\0") + b"\x89HDF\r\n\x1a\n" + bytes(100))
    _one_line_error(path, "v7.3", "not readable as HDF5")


# ---- the real files in ../shared/realdata ---------------------------------------------------


@pytest.mark.parametrize("path", NINAPRO + FLEXEMG, ids=lambda p: p.name)
def test_real_files_match_scipy(path, np, sio):
    """Every variable bit for bit (one array-to-bytes pass each: the slow part of this file)."""
    ours = loadmat(path)
    ref = sio.loadmat(path, mat_dtype=True)
    listed = whosmat(path)
    assert [(i.name, i.shape, i.mclass) for i in listed] == sio.whosmat(path)
    skipped = {i.name for i in listed} - set(ours)
    assert skipped == ({"p"} if path.name.startswith("S001") else set())  # flexemg's struct
    for name, m in ours.items():
        expected = ref[name]
        assert (m.mclass, m.shape) == ("double", expected.shape)
        assert type(m.data[0]) is float
        assert _float_bytes(m.data) == np.ascontiguousarray(expected.T).tobytes()


@pytest.mark.skipif(not NINAPRO, reason=f"no NinaPro files under {REALDATA}")
def test_real_file_rows_columns_and_variable_names(np, sio):
    path = NINAPRO[0]
    names = ["emg", "glove", "rerepetition", "subject"]
    ours = loadmat(path, variable_names=names)
    ref = sio.loadmat(path, variable_names=names)
    assert sorted(ours) == names  # in file order
    assert ours["emg"].rows() == ref["emg"].tolist()
    assert ours["glove"].rows() == ref["glove"].tolist()
    # Labels are double arrays stored as miUINT8: floats here, uint8 in scipy's default mode.
    assert ours["rerepetition"].column() == ref["rerepetition"].ravel().tolist()
    assert ours["subject"].scalar() == float(ref["subject"][0, 0])
    with pytest.raises(PureposeError, match=r"no variable 'angles'.*it holds: .*glove"):
        loadmat(path, variable_names=["angles"])
