"""The synthetic generator: variability knobs, held-out users and stages, sign conventions."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data import synth_model
from purepose.data.dataset import Dataset
from purepose.data.synth import REALISTIC, STAGES, Variability, make_dataset, make_session
from purepose.errors import PureposeError
from purepose.joints import JOINT_NAMES


def _arrays(path: Path):
    np = pytest.importorskip("numpy")
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "r") as f:
        data = f["emg2pose"]["timeseries"][:]
    return data["joint_angles"], data["emg"].astype(np.float64)


def _rows(root: Path) -> list[dict[str, str]]:
    with open(root / "metadata.csv", newline="") as f:
        return list(csv.DictReader(f))


# ---- conventions -----------------------------------------------------------------


def test_spreading_turns_the_index_towards_the_thumb_and_the_pinky_away():
    """emg2pose: a positive MCP_AA turns a finger towards the thumb."""
    spread = synth_model._finger_vector((0.0,) * 5, 1.0)
    index, middle, ring, pinky = (spread[JOINT_NAMES.index(f"{f}_MCP_AA")] for f in
                                  ("INDEX", "MIDDLE", "RING", "PINKY"))  # fmt: skip
    assert index > 0 > pinky
    assert index > middle > ring > pinky


def test_open_hand_and_fist_spread_in_the_data(tmp_path):
    """Over a session, index and pinky abduction move in opposite directions."""
    np = pytest.importorskip("numpy")
    angles, _ = _arrays(make_session(tmp_path / "s.hdf5", seconds=30.0, seed=3))
    valid = ~np.all(angles == 0.0, axis=1)
    index = angles[valid, JOINT_NAMES.index("INDEX_MCP_AA")]
    pinky = angles[valid, JOINT_NAMES.index("PINKY_MCP_AA")]
    assert np.corrcoef(index, pinky)[0, 1] < -0.3


# ---- the knobs ---------------------------------------------------------------------


def test_knobs_off_write_the_default_bytes(tmp_path):
    a = make_session(tmp_path / "a.hdf5", seconds=0.3, seed=5)
    b = make_session(tmp_path / "b.hdf5", seconds=0.3, seed=5, variability=Variability())
    for x, y in zip(_arrays(a), _arrays(b), strict=True):
        assert x.tolist() == y.tolist()
    assert Variability().is_off() and Variability(powerline_hz=60.0).is_off()


@pytest.mark.parametrize("knob", [f.name for f in dataclasses.fields(Variability)])
def test_every_knob_changes_the_emg_and_never_the_pose(tmp_path, knob):
    if knob == "powerline_hz":
        pytest.skip("the mains frequency matters only with powerline > 0")
    value = True if knob == "stage_poses" else 0.5
    base = make_session(tmp_path / "a.hdf5", seconds=1.0, seed=2, stage=STAGES[1])
    changed = make_session(
        tmp_path / "b.hdf5",
        seconds=1.0,
        seed=2,
        stage=STAGES[1],
        variability=Variability(**{knob: value}),
    )
    (pose_a, emg_a), (pose_b, emg_b) = _arrays(base), _arrays(changed)
    assert emg_a.tolist() != emg_b.tolist()
    if knob != "stage_poses":  # the placement of the band never moves the hand
        assert pose_a.tolist() == pose_b.tolist()
    else:
        assert pose_a.tolist() != pose_b.tolist()


def test_session_gain_scales_the_amplitude(tmp_path):
    np = pytest.importorskip("numpy")
    rms = []
    for seed in range(6):
        _, emg = _arrays(
            make_session(
                tmp_path / f"s{seed}.hdf5",
                seconds=0.5,
                seed=seed,
                variability=Variability(session_gain=0.5),
            )
        )
        _, plain = _arrays(make_session(tmp_path / f"p{seed}.hdf5", seconds=0.5, seed=seed))
        rms.append(np.sqrt((emg**2).mean()) / np.sqrt((plain**2).mean()))
    assert np.std(np.log(rms)) > 0.15  # sessions are louder or quieter as a whole


def test_fatigue_makes_the_end_of_a_session_louder(tmp_path):
    np = pytest.importorskip("numpy")
    _, emg = _arrays(
        make_session(
            tmp_path / "f.hdf5", seconds=20.0, seed=4, variability=Variability(fatigue=1.0)
        )
    )
    _, plain = _arrays(make_session(tmp_path / "p.hdf5", seconds=20.0, seed=4))
    tenth = len(emg) // 10

    def ratio(x):
        return np.sqrt((x[-tenth:] ** 2).mean() / (x[:tenth] ** 2).mean())

    assert ratio(emg) > 1.5 * ratio(plain)  # the amplitude nearly doubles over the session


def test_powerline_adds_a_sinusoid_at_the_mains_frequency(tmp_path):
    """Mains is added after everything else: with it minus without it is one sinusoid."""
    np = pytest.importorskip("numpy")
    _, plain = _arrays(make_session(tmp_path / "p.hdf5", seconds=2.0, seed=1))
    for hz in (50.0, 60.0):
        v = Variability(powerline=2.0, powerline_hz=hz)
        _, emg = _arrays(make_session(tmp_path / f"{hz}.hdf5", seconds=2.0, seed=1, variability=v))
        mains = emg - plain  # float32 rounding of both aside
        freqs = np.fft.rfftfreq(len(emg), 1 / 2000.0)
        line = np.argmin(np.abs(freqs - hz))
        power = np.abs(np.fft.rfft(mains, axis=0)) ** 2
        assert np.all(power[line] > 0.99 * power.sum(axis=0))
        # amplitude: 2 x (0.5 .. 1.5) x each channel's floor (1.5 x 0.8 .. 1.2), RMS = A / sqrt 2
        rms = np.sqrt((mains**2).mean(axis=0))
        assert np.all((rms > 2 * 0.5 * 1.2 / 2**0.5) & (rms < 2 * 1.5 * 1.8 / 2**0.5))


def test_stage_poses_give_each_stage_its_own_hand(tmp_path):
    """HandOpenClose moves mostly the grasp: finger flexion varies more than thumb opposition."""
    np = pytest.importorskip("numpy")
    v = Variability(stage_poses=True)
    spread = {}
    for stage in ("HandOpenClose_both", "ThumbPinches_both"):
        angles, _ = _arrays(
            make_session(
                tmp_path / f"{stage}.hdf5", seconds=30.0, seed=9, stage=stage, variability=v
            )
        )
        valid = angles[~np.all(angles == 0.0, axis=1)]
        thumb = valid[:, JOINT_NAMES.index("THUMB_CMC_AA")].std()
        fingers = valid[:, [JOINT_NAMES.index(f"{f}_PIP_FE") for f in ("MIDDLE", "RING")]].std()
        spread[stage] = fingers / thumb
    assert spread["HandOpenClose_both"] > 1.5 * spread["ThumbPinches_both"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"session_shift": -0.1}, "session_shift=-0.1 must be a finite number >= 0"),
        ({"powerline_hz": 0.0}, "powerline_hz=0.0 must be a finite number > 0"),
        ({"fatigue": float("nan")}, "fatigue=nan"),
        ({"stage_poses": 1}, "stage_poses=1 must be True or False"),
        ({"channel_gain": True}, "channel_gain=True"),
    ],
)
def test_bad_knobs_are_named(kwargs, message):
    with pytest.raises(PureposeError, match=message):
        Variability(**kwargs)


# ---- held-out users and stages ---------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "values"),
    [
        ({}, {"none"}),
        ({"held_out_users": 1}, {"none", "user"}),
        ({"held_out_stages": 1}, {"none", "stage"}),
        ({"held_out_users": 1, "held_out_stages": 1}, {"none", "user", "stage", "user_stage"}),
        ({"held_out_users": 2, "held_out_stages": 2}, {"none", "user", "stage", "user_stage"}),
    ],
)
def test_held_out_users_and_stages_fill_the_generalization_column(tmp_path, kwargs, values):
    make_dataset(tmp_path, n_sessions=15, n_users=3, seconds=0.02, quiet=True, **kwargs)
    rows = _rows(tmp_path)
    train = [r for r in rows if r["split"] == "train"]
    train_users = {r["user"] for r in train}
    train_stages = {r["stage"] for r in train}
    assert {r["generalization"] for r in rows if r["split"] == "test"} == values
    assert {r["generalization"] for r in train} == {"none"}
    assert Dataset(tmp_path).splits()["val"] >= 1  # alpha is chosen on known users
    for r in rows:  # the columns say what train holds, as in emg2pose's metadata
        user, stage = r["user"] not in train_users, r["stage"] not in train_stages
        assert r["held_out_user"] == str(user) and r["held_out_stage"] == str(stage)
        assert (
            r["generalization"]
            == {
                (False, False): "none",
                (True, False): "user",
                (False, True): "stage",
                (True, True): "user_stage",
            }[(user, stage)]
        )
    held_users = len(train_users ^ {r["user"] for r in rows})
    assert held_users == kwargs.get("held_out_users", 0)
    held_stages = {r["stage"] for r in rows} - train_stages
    assert held_stages == set(STAGES[len(STAGES) - kwargs.get("held_out_stages", 0) :])


def test_held_out_stages_need_four_recordings_per_user(tmp_path):
    with pytest.raises(PureposeError, match="held_out_stages=1 needs 4 recordings per user"):
        make_dataset(tmp_path, n_sessions=9, n_users=3, held_out_stages=1)
    with pytest.raises(PureposeError, match=r"held_out_users=3 must be an int in \[0, 2\]"):
        make_dataset(tmp_path, n_sessions=9, n_users=3, held_out_users=3)
    with pytest.raises(PureposeError, match=r"held_out_stages=5 must be an int in \[0, 4\]"):
        make_dataset(tmp_path, n_sessions=20, n_users=1, held_out_stages=5)
    assert list(tmp_path.iterdir()) == []


def test_cli_synth_writes_held_out_users_with_realistic_knobs(tmp_path, capsys):
    out = tmp_path / "d"
    args = ["synth", str(out), "--sessions", "8", "--users", "2", "--seconds", "0.05"]
    args += ["--held-out-users", "1", "--held-out-stages", "1", "--realistic", "--fatigue", "0"]
    assert main([*args, "-q"]) == 0
    assert "wrote 8 session(s)" in capsys.readouterr().out
    values = {r["generalization"] for r in _rows(out)}
    assert values == {"none", "user", "stage", "user_stage"}
    # --realistic with --fatigue 0 is REALISTIC without fatigue: the same bytes as the API
    make_dataset(
        tmp_path / "api",
        n_sessions=8,
        n_users=2,
        seconds=0.05,
        held_out_users=1,
        held_out_stages=1,
        variability=dataclasses.replace(REALISTIC, fatigue=0.0),
        quiet=True,
    )
    for r in _rows(out):
        name = f"{r['filename']}.hdf5"
        assert (out / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


def test_cli_synth_rejects_bad_knobs(tmp_path, capsys):
    assert main(["synth", str(tmp_path / "x"), "--session-gain", "-1", "-q"]) == 2
    err = capsys.readouterr().err
    assert "session_gain=-1.0 must be a finite number >= 0" in err and err.count("\n") == 1
    assert not (tmp_path / "x").exists() or not any((tmp_path / "x").iterdir())
