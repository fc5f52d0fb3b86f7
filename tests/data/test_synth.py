"""Tests of purepose.data.synth: exact format, determinism, and a learnable EMG-to-pose map."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from purepose.data.dataset import METADATA_COLUMNS, Dataset
from purepose.data.emg2pose import Session
from purepose.data.synth import STAGES, make_dataset, make_session
from purepose.errors import PureposeError
from purepose.joints import IK_FAILURE_ATOL

np = pytest.importorskip("numpy")
h5py = pytest.importorskip("h5py")

# Joint limits used by the generator (radians), a little loose.
LIMIT_LO, LIMIT_HI = -0.31, 1.61


def _read(path: Path):
    with h5py.File(path, "r") as f:
        g = f["emg2pose"]
        return g["timeseries"][:], dict(g.attrs), g["timeseries"].dtype


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_exact_format(synth_session):
    data, attrs, dtype = _read(synth_session)
    expected = np.dtype([("time", "<f8"), ("joint_angles", "<f8", (20,)), ("emg", "<f4", (16,))])
    assert dtype == expected
    assert list(dtype.names) == ["time", "joint_angles", "emg"]
    assert data.shape == (8000,)
    assert set(attrs) == {
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
    for key in ("filename", "session", "stage", "user", "side"):
        assert isinstance(attrs[key], str)
    assert attrs["filename"] == "session" and attrs["session"] == "session"
    assert attrs["sample_rate"] == 2000.0 and attrs["sample_rate"].dtype == np.float64
    assert attrs["num_channels"] == 16 and attrs["num_channels"].dtype.kind == "i"
    assert attrs["start"] == data["time"][0] and attrs["end"] == data["time"][-1]
    steps = np.diff(data["time"])
    assert np.allclose(steps, 1 / 2000.0, atol=1e-6) and np.all(steps > 0)


def test_signals_are_plausible(synth_session):
    data, _, _ = _read(synth_session)
    ja, emg = data["joint_angles"], data["emg"].astype(np.float64)
    failed = np.all(np.isclose(ja, 0.0, rtol=0.0, atol=IK_FAILURE_ATOL), axis=1)
    assert 0.04 <= failed.mean() <= 0.12
    # failures come in blocks of >= 50 ms (the edges of the session may cut one)
    edges = np.flatnonzero(np.diff(np.r_[0, failed.astype(int), 0]))
    runs = edges[1::2] - edges[::2]
    assert runs.min() >= 100 or len(runs) == 1
    valid = ja[~failed]
    assert valid.min() >= LIMIT_LO and valid.max() <= LIMIT_HI
    assert np.all(valid.std(axis=0) > 0.01)  # every joint moves
    assert np.isfinite(emg).all()
    rms = np.sqrt((emg**2).mean(axis=0))
    assert np.all(rms > 1.0)
    assert np.all(np.abs(emg.mean(axis=0)) < 0.05 * rms)  # zero-mean
    # the carrier is band-limited: most power between 20 and 450 Hz
    power = np.abs(np.fft.rfft(emg[:, 0])) ** 2
    freqs = np.fft.rfftfreq(len(emg), 1 / 2000.0)
    band = power[(freqs >= 20) & (freqs <= 450)].sum() / power.sum()
    assert band > 0.6


def test_same_seed_same_bytes(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    p1 = make_session(tmp_path / "a" / "x_right.hdf5", seconds=0.3, seed=7)
    p2 = make_session(tmp_path / "b" / "x_right.hdf5", seconds=0.3, seed=7)
    p3 = make_session(tmp_path / "b" / "y_right.hdf5", seconds=0.3, seed=8)
    assert p1.read_bytes() == p2.read_bytes()
    assert _read(p3)[0]["emg"].tolist() != _read(p1)[0]["emg"].tolist()


def test_dataset_same_seed_same_bytes(tmp_path):
    first = make_dataset(tmp_path / "one", n_sessions=3, seconds=0.2, seed=3, quiet=True)
    second = make_dataset(tmp_path / "two", n_sessions=3, seconds=0.2, seed=3, quiet=True)
    assert [p.name for p in first] == [p.name for p in second]
    for p, q in zip(first, second, strict=True):
        assert _sha(p) == _sha(q)
    assert _sha(tmp_path / "one" / "metadata.csv") == _sha(tmp_path / "two" / "metadata.csv")
    other = make_dataset(tmp_path / "three", n_sessions=3, seconds=0.2, seed=4, quiet=True)
    assert [p.name for p in other] != [p.name for p in first]


def test_dataset_layout(synth_dataset):
    with open(synth_dataset / "metadata.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == METADATA_COLUMNS
        rows = list(reader)
    assert len(rows) == 6
    assert [r["split"] for r in rows] == ["train"] * 4 + ["val", "test"]
    train_stages = {r["stage"] for r in rows if r["split"] == "train"}
    for r in rows:
        path = synth_dataset / f"{r['filename']}.hdf5"
        assert path.is_file()
        assert r["session"] + "_" + r["side"] == r["filename"]
        assert r["generalization"] == "none"
        assert r["held_out_user"] == r["held_out_stage"] == "False"
        assert r["stage"] in STAGES and r["stage"] in train_stages
        with Session(path) as s:
            assert s.session_name == r["session"] and s.user == r["user"]
            assert s.metadata["start"] == float(r["start"])
            assert s.metadata["end"] == float(r["end"])
            assert s.stage == r["stage"] and s.side == r["side"]
            assert len(s) == 6000
    # e.g. 2023-02-23-1677154860-cb91c-cv-emg-pose-train@2-recording-1_right
    year, month, day, unix, digest, rest = rows[0]["filename"].split("-", 5)
    assert len(year + month + day) == 8 and (year + month + day).isdigit()
    assert len(unix) == 10 and unix.isdigit()
    assert len(digest) == 5 and int(digest, 16) >= 0
    assert rest == "cv-emg-pose-train@2-recording-1_right"
    assert float(rows[0]["start"]) > int(unix)


@settings(max_examples=10, deadline=None)
@given(n_sessions=st.integers(3, 9), n_users=st.integers(1, 3))
def test_splits_non_empty(tmp_path_factory, n_sessions, n_users):
    if n_users > 1 and n_sessions < 3 * n_users:
        with pytest.raises(PureposeError, match="3 per user"):
            make_dataset(tmp_path_factory.mktemp("x"), n_sessions=n_sessions, n_users=n_users)
        return
    root = tmp_path_factory.mktemp("splits")
    make_dataset(root, n_sessions=n_sessions, seconds=0.005, n_users=n_users, quiet=True)
    ds = Dataset(root)
    splits = ds.splits()
    assert set(splits) == {"train", "val", "test"}
    assert sum(splits.values()) == n_sessions
    assert len(ds.counts("user")) == n_users
    for user in ds.counts("user"):  # every user is in every split
        for split in ("train", "val", "test"):
            assert ds.select(user=user, split=split)


def test_bad_arguments(tmp_path):
    with pytest.raises(PureposeError, match="seconds=0"):
        make_session(tmp_path / "a.hdf5", seconds=0)
    with pytest.raises(PureposeError, match="finite"):
        make_session(tmp_path / "a.hdf5", seconds=float("nan"))
    with pytest.raises(PureposeError, match="side='up'"):
        make_session(tmp_path / "a.hdf5", side="up")
    with pytest.raises(PureposeError, match="recording=0"):
        make_session(tmp_path / "a.hdf5", recording=0)
    with pytest.raises(PureposeError, match="does not exist"):
        make_session(tmp_path / "no" / "dir" / "a.hdf5", seconds=0.01)
    with pytest.raises(PureposeError, match="n_sessions=0"):
        make_dataset(tmp_path, n_sessions=0)
    with pytest.raises(PureposeError, match="n_users=0"):
        make_dataset(tmp_path, n_users=0)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_overwrite_is_atomic(tmp_path, monkeypatch):
    import purepose.data.synth as synth

    path = make_session(tmp_path / "s.hdf5", seconds=0.1, seed=1)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(synth, "write_rows", boom)
    with pytest.raises(RuntimeError):
        make_session(path, seconds=0.1, seed=2)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.hdf5"]


def test_left_band_is_mirrored(tmp_path):
    right = make_session(tmp_path / "r.hdf5", seconds=0.5, seed=1, side="right")
    left = make_session(tmp_path / "l.hdf5", seconds=0.5, seed=1, side="left")
    r, lt = _read(right)[0], _read(left)[0]
    assert np.array_equal(r["joint_angles"], lt["joint_angles"])  # same pose
    rms_r = np.sqrt((r["emg"].astype(float) ** 2).mean(axis=0))
    rms_l = np.sqrt((lt["emg"].astype(float) ** 2).mean(axis=0))
    assert not np.allclose(rms_r, rms_l, rtol=0.05)


# ---- learnability: log-RMS features + ridge (numpy oracle) ---------------------


def _features(path: Path, window: int = 200, hop: int = 100):
    data = _read(path)[0]
    emg = data["emg"].astype(np.float64)
    ja = data["joint_angles"]
    starts = np.arange(0, len(emg) - window + 1, hop)
    x = np.array([np.log(np.sqrt((emg[s : s + window] ** 2).mean(axis=0))) for s in starts])
    y = ja[starts + window - 1]
    keep = ~np.all(np.isclose(y, 0.0, rtol=0.0, atol=IK_FAILURE_ATOL), axis=1)
    return x[keep], y[keep]


def _ridge_ratio(train: list[Path], test: list[Path], alpha: float = 1.0) -> float:
    """MAE of ridge on standardized log-RMS, divided by the mean-pose baseline's MAE."""
    x, y = (np.vstack(v) for v in zip(*(_features(p) for p in train), strict=True))
    xt, yt = (np.vstack(v) for v in zip(*(_features(p) for p in test), strict=True))
    mu, sd = x.mean(axis=0), x.std(axis=0)
    a = np.c_[(x - mu) / sd, np.ones(len(x))]
    w = np.linalg.solve(a.T @ a + alpha * np.eye(a.shape[1]), a.T @ y)
    pred = np.c_[(xt - mu) / sd, np.ones(len(xt))] @ w
    return np.abs(pred - yt).mean() / np.abs(y.mean(axis=0) - yt).mean()


def test_emg_predicts_pose_same_user(synth_dataset):
    ds = Dataset(synth_dataset)
    ratio = _ridge_ratio(ds.select(split="train"), ds.select(split="test"))
    assert ratio < 0.6


def test_emg_predicts_pose_across_users(tmp_path):
    paths = make_dataset(tmp_path, n_sessions=6, seconds=4.0, seed=1, n_users=2, quiet=True)
    ds = Dataset(tmp_path)
    users = list(ds.counts("user"))
    assert len(users) == 2 and len(paths) == 6
    held_out = ds.select(user=users[0], split=["val", "test"])
    same = _ridge_ratio(ds.select(user=users[0], split="train"), held_out)
    cross = _ridge_ratio(ds.select(user=users[0]), ds.select(user=users[1]))
    assert same < 0.6
    assert cross < 1.0  # the shared anatomy carries over, the personal part does not
    assert cross > same
