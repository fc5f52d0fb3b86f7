"""Tests of purepose.data.emg2pose against h5py + numpy reading the same files."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.data.dataset import METADATA_COLUMNS, Dataset, find_sessions
from purepose.data.emg2pose import Chunk, Session
from purepose.data.info import describe_emg2pose
from purepose.errors import PureposeError
from purepose.joints import (
    IK_FAILURE_ATOL,
    JOINT_NAMES,
    N_CHANNELS,
    N_JOINTS,
    is_ik_failure,
    valid_mask,
)

np = pytest.importorskip("numpy")
h5py = pytest.importorskip("h5py")

from tests.conftest import BAD_KINDS  # noqa: E402


def _numpy_fields(path: Path) -> tuple:
    with h5py.File(path, "r") as f:
        data = f["emg2pose"]["timeseries"][:]
    return data["time"], data["joint_angles"], data["emg"]


def _write_session(path: Path, data, **dataset_kwargs) -> Path:
    with h5py.File(path, "w") as f:
        g = f.create_group("emg2pose")
        g.create_dataset("timeseries", data=data, **dataset_kwargs)
        g.attrs["session"] = path.stem
    return path


def _good_array(n_rows: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (16,))]
    data = np.zeros(n_rows, dtype=dtype)
    data["time"] = 1.6e9 + np.arange(n_rows) / 2000.0
    data["joint_angles"] = rng.normal(size=(n_rows, 20))
    data["emg"] = rng.normal(size=(n_rows, 16))
    return data


# ---- constants and IK failures ----------------------------------------------


def test_joint_names_order():
    assert len(JOINT_NAMES) == N_JOINTS == 20
    assert len(set(JOINT_NAMES)) == 20
    assert JOINT_NAMES[:5] == (
        "THUMB_CMC_FE",
        "THUMB_CMC_AA",
        "THUMB_MCP_FE",
        "THUMB_IP_FE",
        "INDEX_MCP_AA",
    )
    assert JOINT_NAMES[8:12] == (
        "MIDDLE_MCP_AA",
        "MIDDLE_MCP_FE",
        "MIDDLE_PIP_FE",
        "MIDDLE_DIP_FE",
    )
    assert JOINT_NAMES[-1] == "PINKY_DIP_FE"


def test_ik_failure_basics():
    assert is_ik_failure([0.0] * 20)
    assert is_ik_failure([IK_FAILURE_ATOL, -IK_FAILURE_ATOL] * 10)
    assert not is_ik_failure([0.0] * 19 + [2 * IK_FAILURE_ATOL])
    assert not is_ik_failure([math.nan] + [0.0] * 19)
    assert is_ik_failure([0.05] * 20, atol=0.1)
    with pytest.raises(PureposeError, match="atol"):
        is_ik_failure([0.0], atol=-1.0)
    with pytest.raises(PureposeError, match="row 1 is empty"):
        valid_mask([[0.0] * 20, []])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 1e-9, -1e-9, 1e-7, -0.3, 1.2]), min_size=20, max_size=20),
        min_size=1,
        max_size=12,
    )
)
def test_valid_mask_matches_numpy(rows):
    expected = ~np.all(np.isclose(np.array(rows), 0.0, rtol=0.0, atol=IK_FAILURE_ATOL), axis=1)
    assert valid_mask(rows) == expected.tolist()
    assert [not is_ik_failure(r) for r in rows] == expected.tolist()


# ---- the reference fixture ---------------------------------------------------


def test_fixture_opens_unchanged(fixture_path):
    before = hashlib.sha256(fixture_path.read_bytes()).hexdigest()
    t, ja, emg = _numpy_fields(fixture_path)
    with Session(fixture_path) as s:
        assert len(s) == 100
        assert s.n_channels == 16
        assert s.sample_rate == 2000.0
        assert s.user == "d387095792"
        assert s.side == "right"
        assert s.stage == "IndividualFingerPointingSnap_both"
        assert s.session_name.endswith("recording-9")
        assert s.name == fixture_path.stem
        assert s.duration == pytest.approx(100 / 2000.0)
        assert s.time == t.tolist()
        assert s.joint_angles == ja.tolist()
        assert s.emg == emg.tolist()
        assert type(s.emg[0][0]) is float
        assert type(s.metadata["num_channels"]) is int
        assert type(s.metadata["start"]) is float
        assert type(s.metadata["user"]) is str
        assert "100 samples" in str(s)
        assert repr(s) == f"Session({str(fixture_path)!r})"
    assert hashlib.sha256(fixture_path.read_bytes()).hexdigest() == before


def test_session_without_with_and_close(fixture_path):
    s = Session(fixture_path)
    emg = s.emg
    s.close()
    s.close()  # idempotent
    assert s.emg is emg  # cached columns stay usable
    with pytest.raises(PureposeError, match="closed"):
        s.read(0, 10)


# ---- reading synthetic sessions ----------------------------------------------


def test_columns_match_numpy(synth_session):
    t, ja, emg = _numpy_fields(synth_session)
    with Session(synth_session) as s:
        assert s.time == t.tolist()
        assert s.joint_angles == ja.tolist()
        assert s.emg == emg.tolist()
        assert len(s.joint_angles[0]) == N_JOINTS and len(s.emg[0]) == N_CHANNELS


def test_iter_chunks_single_rows(fixture_path):
    with Session(fixture_path) as s:
        chunks = list(s.iter_chunks(1))
        assert len(chunks) == 100 and chunks[42].start == 42
        assert [c.emg[0] for c in chunks] == s.emg


@settings(max_examples=12, deadline=None)
@given(n_rows=st.integers(97, 9000))
def test_iter_chunks_concatenate_to_columns(synth_session, n_rows):
    with Session(synth_session) as s:
        chunks = list(s.iter_chunks(n_rows))
        assert all(isinstance(c, Chunk) for c in chunks)
        assert [c.start for c in chunks] == list(range(0, len(s), n_rows))
        assert [t for c in chunks for t in c.time] == s.time
        assert [r for c in chunks for r in c.emg] == s.emg
        assert [r for c in chunks for r in c.joint_angles] == s.joint_angles


@settings(max_examples=40, deadline=None)
@given(a=st.floats(-1.0, 5.0), b=st.floats(-1.0, 5.0))
def test_slice_matches_searchsorted(synth_session, a, b):
    t, _, emg = _numpy_fields(synth_session)
    start_t, end_t = sorted((t[0] + a, t[0] + b))
    i, j = np.searchsorted(t, [start_t, end_t])
    with Session(synth_session) as s:
        chunk = s.slice(start_t, end_t)
    assert chunk.start == i
    assert chunk.time == t[i:j].tolist()
    assert chunk.emg == emg[i:j].tolist()


def test_slice_defaults_and_errors(synth_session):
    with Session(synth_session) as s:
        assert len(s.slice().time) == len(s)
        with pytest.raises(PureposeError, match="start_t <= end_t"):
            s.slice(2.0, 1.0)
        with pytest.raises(PureposeError, match="start_t <= end_t"):
            s.slice(math.nan)


def test_read_bounds(synth_session):
    with Session(synth_session) as s:
        assert s.read(5, 5).time == []
        assert s.read(len(s) - 3).start == len(s) - 3
        for bad in [(-1, 5), (5, 4), (0, len(s) + 1)]:
            with pytest.raises(PureposeError, match="out of range"):
                s.read(*bad)
        with pytest.raises(PureposeError, match="n_rows"):
            list(s.iter_chunks(0))


def test_chunked_gzip_dataset(tmp_path):
    data = _good_array(333, seed=3)
    path = _write_session(
        tmp_path / "gz.hdf5", data, chunks=(37,), compression="gzip", compression_opts=6
    )
    with h5py.File(path, "r") as f:
        assert f["emg2pose/timeseries"].compression == "gzip"
    with Session(path) as s:
        assert s.emg == data["emg"].tolist()
        assert s.joint_angles == data["joint_angles"].tolist()
        assert [r for c in s.iter_chunks(50) for r in c.emg] == data["emg"].tolist()
        assert s.sample_rate == 2000.0  # no attribute: the default


def test_metadata_decoding(tmp_path):
    path = _write_session(tmp_path / "m.hdf5", _good_array(4))
    with h5py.File(path, "a") as f:
        a = f["emg2pose"].attrs
        a["user"] = np.bytes_(b"u123")
        a["dataset"] = "emg2pose"
        a["weights"] = np.array([1.5, 2.5])
        a["names"] = np.array([b"a", b"b"])
        a["sample_rate"] = np.float32(2000.0)
        a["num_channels"] = np.int32(16)
    with Session(path) as s:
        assert s.metadata["user"] == "u123" and s.user == "u123"
        assert s.metadata["dataset"] == "emg2pose"
        assert s.metadata["weights"] == [1.5, 2.5]
        assert s.metadata["names"] == ["a", "b"]
        assert s.sample_rate == 2000.0 and type(s.metadata["sample_rate"]) is float
        assert s.duration == pytest.approx(4 / 2000.0)


# ---- bad input ----------------------------------------------------------------

_OPEN_ERRORS = {
    "missing": "no such file",
    "not_hdf5": "not an HDF5 file",
    "no_group": "no 'emg2pose' group",
    "no_timeseries": "no emg2pose/timeseries dataset",
    "not_compound": "not a compound dataset",
    "missing_field": "no field 'emg'",
    "wrong_num_channels": "num_channels=16 disagrees with the emg field (8 channels)",
    "empty": "empty",
}
_DATA_ERRORS = {
    "decreasing_time": ("time", "time decreases at row 30"),
    "nan_emg": ("emg", "emg has non-finite value nan at row 17 column 3"),
    "inf_joint_angles": ("joint_angles", "joint_angles has non-finite value inf at row 23"),
    "nan_time": ("time", "time has non-finite value nan at row 11"),
}


def test_bad_kinds_are_all_covered():
    assert set(_OPEN_ERRORS) | set(_DATA_ERRORS) == set(BAD_KINDS)


@pytest.mark.parametrize("kind", sorted(_OPEN_ERRORS))
def test_bad_file_on_open(bad_session, kind):
    path = bad_session(kind)
    with pytest.raises(PureposeError) as info:
        Session(path)
    message = str(info.value)
    assert _OPEN_ERRORS[kind] in message
    assert str(path) in message
    assert "\n" not in message


@pytest.mark.parametrize("kind", sorted(_DATA_ERRORS))
def test_bad_data_on_load(bad_session, kind):
    path = bad_session(kind)
    field, expected = _DATA_ERRORS[kind]
    with Session(path) as s:  # structure is fine: opening works
        with pytest.raises(PureposeError, match=expected) as info:
            getattr(s, field)
        assert str(path) in str(info.value)
        with pytest.raises(PureposeError, match=expected):
            s.read()
        with pytest.raises(PureposeError, match=expected):
            list(s.iter_chunks(7))
        with pytest.raises(PureposeError, match=expected):
            s.read_field(field)
    with pytest.raises(PureposeError, match=expected):
        describe_emg2pose(path)


@pytest.mark.parametrize("field", ["time", "joint_angles", "emg"])
@pytest.mark.parametrize(("start", "stop", "step"), [(0, None, 1), (199, 8000, 40), (5, 6, 3)])
def test_read_field_strided_matches_numpy(synth_session, field, start, stop, step):
    np = pytest.importorskip("numpy")
    h5py = pytest.importorskip("h5py")
    with h5py.File(synth_session, "r") as f:
        expected = f["emg2pose"]["timeseries"][field][start:stop:step].astype(np.float64)
    with Session(synth_session) as s:
        got = s.read_field(field, start, stop, step)
    assert np.array_equal(np.array(got), expected)


def test_read_field_bad_arguments(synth_session):
    with Session(synth_session) as s:
        with pytest.raises(PureposeError, match="unknown field 'pose'"):
            s.read_field("pose")
        with pytest.raises(PureposeError, match="out of range"):
            s.read_field("emg", 0, len(s) + 1)
        with pytest.raises(PureposeError, match="out of range"):
            s.read_field("emg", 0, 10, 0)


def test_decreasing_time_across_chunk_boundary(tmp_path):
    data = _good_array(40)
    data["time"][20:] -= 1.0  # each half is sorted; the boundary is not
    path = _write_session(tmp_path / "b.hdf5", data)
    with Session(path) as s:
        assert len(s.read(0, 20).time) == 20 and len(s.read(20, 40).time) == 20
        with pytest.raises(PureposeError, match="time decreases at row 20"):
            list(s.iter_chunks(20))


def test_equal_timestamps_are_allowed(tmp_path):
    data = _good_array(10)
    data["time"][5] = data["time"][4]
    with Session(_write_session(tmp_path / "eq.hdf5", data)) as s:
        assert len(s.time) == 10


def test_other_structure_errors(tmp_path):
    data = _good_array(5)
    path = _write_session(tmp_path / "a.hdf5", data)
    with h5py.File(path, "a") as f:
        f["emg2pose"].attrs["num_channels"] = 8
    with pytest.raises(PureposeError, match="num_channels=8"):
        Session(path)
    with h5py.File(path, "a") as f:
        f["emg2pose"].attrs["num_channels"] = 16
        f["emg2pose"].attrs["sample_rate"] = -5.0
    with pytest.raises(PureposeError, match=r"sample_rate=-5\.0"):
        Session(path)
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (21, 2)), ("emg", "<f4", (16,))]
    with pytest.raises(PureposeError, match=r"joint_angles' has shape \(21, 2\)"):
        Session(_write_session(tmp_path / "j.hdf5", np.zeros(3, dtype=dtype)))
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (21,)), ("emg", "<f4", (16,))]
    with Session(_write_session(tmp_path / "k.hdf5", np.zeros(3, dtype=dtype))) as s:
        assert s.target_names == tuple(f"joint{j:02d}" for j in range(21))
    with pytest.raises(PureposeError, match="is a directory"):
        Session(tmp_path)


# ---- Dataset and find_sessions -----------------------------------------------


def test_dataset_select(synth_dataset):
    ds = Dataset(synth_dataset)
    assert len(ds) == 6
    assert ds.splits() == {"train": 4, "val": 1, "test": 1}
    assert set(ds.records[0]) >= set(METADATA_COLUMNS)
    everything = ds.select()
    assert len(everything) == 6 and all(p.is_file() for p in everything)
    train = ds.select(split="train")
    assert len(train) == 4
    assert ds.select(split=["val", "test"]) == [p for p in everything if p not in train]
    user = ds.records[0]["user"]
    assert ds.select(user=user, side="right", split="train") == train
    assert ds.select(generalization="none") == everything
    with pytest.raises(PureposeError, match="split='tset' matches no record"):
        ds.select(split="tset")
    with pytest.raises(PureposeError, match="collection of str"):
        ds.select(split=[1, 2])


def test_dataset_tolerates_column_order_and_extras(tmp_path, synth_dataset):
    text = (synth_dataset / "metadata.csv").read_text().splitlines()
    header = text[0].split(",")
    order = [*reversed(header), "notes"]
    rows = [dict(zip(header, line.split(","), strict=True)) for line in text[1:]]
    lines = [",".join(order)] + [",".join([*(r[c] for c in order[:-1]), "x"]) for r in rows]
    root = tmp_path / "ds"
    root.mkdir()
    (root / "metadata.csv").write_text("\n".join(lines) + "\n")
    for r in rows:
        (root / f"{r['filename']}.hdf5").write_bytes(b"")
    ds = Dataset(root)
    assert ds.splits() == {"train": 4, "val": 1, "test": 1}
    assert ds.records[0]["notes"] == "x"
    assert ds.counts("side") == {"right": 6}
    (root / f"{rows[0]['filename']}.hdf5").unlink()
    with pytest.raises(PureposeError, match=r"listed in .* but does not exist"):
        ds.select(split="train")


def test_dataset_errors(tmp_path, synth_dataset):
    with pytest.raises(PureposeError, match="no such directory"):
        Dataset(tmp_path / "nope")
    with pytest.raises(PureposeError, match=r"no metadata\.csv"):
        Dataset(tmp_path)
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(PureposeError, match="not a directory"):
        Dataset(f)
    (tmp_path / "metadata.csv").write_text("session,user,filename\n")
    with pytest.raises(PureposeError, match=r"missing column.*stage.*split"):
        Dataset(tmp_path)
    (tmp_path / "metadata.csv").write_text(
        ",".join(METADATA_COLUMNS) + "\n" + ",".join(["a"] * 5) + "\n"
    )
    with pytest.raises(PureposeError, match="line 2 has fewer fields"):
        Dataset(tmp_path)


def test_find_sessions(tmp_path, synth_dataset, synth_session):
    in_dir = find_sessions(synth_dataset)
    assert in_dir == sorted(synth_dataset.glob("*.hdf5")) and len(in_dir) == 6
    assert find_sessions(str(synth_session)) == [synth_session]
    both = find_sessions([synth_session, synth_dataset, synth_session])
    assert both == [synth_session, *in_dir]
    with pytest.raises(PureposeError, match="no such file or directory"):
        find_sessions([synth_session, tmp_path / "missing.hdf5"])
    with pytest.raises(PureposeError, match=r"no \.hdf5 files"):
        find_sessions(tmp_path)
    with pytest.raises(PureposeError, match="no paths"):
        find_sessions([])


# ---- describe -----------------------------------------------------------------


def test_describe_session_matches_numpy(synth_session):
    _, ja, emg = _numpy_fields(synth_session)
    text = describe_emg2pose(synth_session)
    rms = np.sqrt(np.mean(emg.astype(np.float64) ** 2, axis=0))
    shown = {}
    for line in text.splitlines():
        parts = line.split()
        for name, value in zip(parts[::2], parts[1::2], strict=False):
            if name.startswith("ch") and name[2:].isdigit():
                shown[int(name[2:])] = float(value)
    assert sorted(shown) == list(range(1, 17))
    for c in range(16):
        assert shown[c + 1] == pytest.approx(rms[c], rel=1e-4)
    failed = np.all(np.isclose(ja, 0.0, rtol=0.0, atol=IK_FAILURE_ATOL), axis=1)
    assert f"({int(failed.sum())} of {len(ja)})" in text
    assert "samples:      8000" in text
    assert "duration:     4.000 s" in text


def test_describe_dataset_and_plain_directory(tmp_path, synth_dataset, synth_session):
    text = describe_emg2pose(synth_dataset)
    assert "splits:         train 4, val 1, test 1" in text
    assert text.count("recording-") == 6
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "one.hdf5").write_bytes(synth_session.read_bytes())
    text = describe_emg2pose(plain)
    assert "no metadata.csv" in text and "one: 8000 samples" in text
    with pytest.raises(PureposeError, match="no such file or directory"):
        describe_emg2pose(tmp_path / "nothing")


# ---- sample rate and channel count (any rate, any width) ----------------------


def _rate_array(n_rows: int, rate: float, n_channels: int = 16):
    dtype = [("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (n_channels,))]
    data = np.zeros(n_rows, dtype=dtype)
    data["time"] = 1.6e9 + np.arange(n_rows) / rate
    data["joint_angles"] = 0.25
    data["emg"] = np.arange(n_rows * n_channels).reshape(n_rows, n_channels) % 7
    return data


@pytest.mark.parametrize("rate", [500.0, 1000.0, 2000.0, 4000.0])
def test_sample_rate_attribute_is_used(tmp_path, rate):
    path = _write_session(tmp_path / "r.hdf5", _rate_array(400, rate))
    with h5py.File(path, "a") as f:
        f["emg2pose"].attrs["sample_rate"] = rate
    with Session(path) as s:
        assert s.sample_rate == rate
        assert s.duration == pytest.approx(400 / rate)


def test_sample_rate_from_timestamps_without_attribute(tmp_path):
    with Session(_write_session(tmp_path / "a.hdf5", _rate_array(400, 1000.0))) as s:
        # unix times near 1.6e9 s are spaced 2.4e-7 s apart: rate to ~1e-6 over 0.4 s
        assert s.sample_rate == pytest.approx(1000.0, rel=1e-6)
    with Session(_write_session(tmp_path / "b.hdf5", _rate_array(400, 2000.0))) as s:
        assert s.sample_rate == 2000.0  # the format's rate when the timestamps agree


@pytest.mark.parametrize(("declared", "ok"), [(2000.0, True), (2019.0, True), (2021.0, False)])
def test_sample_rate_one_percent_rule(tmp_path, declared, ok):
    path = _write_session(tmp_path / "t.hdf5", _rate_array(1000, 2000.0))
    with h5py.File(path, "a") as f:
        f["emg2pose"].attrs["sample_rate"] = declared
    if ok:
        with Session(path) as s:
            assert s.sample_rate == declared
    else:
        with Session(path) as s:  # it opens (info can show it) but nothing uses the rate
            assert "disagrees" in describe_emg2pose(path)
            with pytest.raises(PureposeError, match=r"sample_rate=2021 Hz disagrees.*2000 Hz"):
                s.check_rate()


@pytest.mark.parametrize("n_channels", [1, 8, 64])
def test_any_channel_count(tmp_path, n_channels):
    path = _write_session(tmp_path / "c.hdf5", _rate_array(50, 2000.0, n_channels))
    with Session(path) as s:
        assert s.n_channels == n_channels
        assert len(s.read_field("emg", 0, 3)[0]) == n_channels
        assert s.read_field("targets", 0, 2) == s.read_field("joint_angles", 0, 2)
        assert s.target_names == JOINT_NAMES and s.target_unit == "rad"


def test_strided_reads_name_the_real_row(tmp_path):
    data = _good_array(400)
    data["joint_angles"][239, 5] = np.inf
    data["emg"][239, 2] = np.nan
    path = _write_session(tmp_path / "strided.hdf5", data)
    with Session(path) as s:
        with pytest.raises(
            PureposeError, match="joint_angles has non-finite value inf at row 239"
        ):
            s.read_field("joint_angles", 200, 400, 39)
        with pytest.raises(
            PureposeError, match="emg has non-finite value nan at row 239 column 2"
        ):
            s.read_field("emg", 5, 300, 6)


@pytest.mark.parametrize("chunked", [False, True])
def test_declared_rows_that_are_not_stored_are_refused(tmp_path, chunked):
    """Case 7: a small file declaring 10^10 rows must not make a reader hang or allocate."""
    path = tmp_path / "empty.hdf5"
    dtype = np.dtype([("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (16,))])
    with h5py.File(path, "w") as f:
        g = f.create_group("emg2pose")
        kwargs = {"chunks": (1024,)} if chunked else {}
        g.create_dataset("timeseries", shape=(10**10,), dtype=dtype, **kwargs)
        g.attrs["sample_rate"] = 2000.0
    assert path.stat().st_size < 100_000
    match = "chunks are written" if chunked else "the file stores 0 bytes"
    with pytest.raises(PureposeError, match=match):
        Session(path)
