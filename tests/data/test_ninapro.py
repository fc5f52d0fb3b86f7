"""NinaPro files as recordings: the real DB1 files against scipy, the four commands, bad files."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.ninapro import identify, read_ninapro
from purepose.data.sources import open_recording
from purepose.errors import PureposeError

REALDATA = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"
DB1 = REALDATA / "ninapro_db1_E1"
SUBJECTS = sorted(DB1.glob("S*_A1_E1.mat")) if DB1.is_dir() else []

needs_db1 = pytest.mark.skipif(not SUBJECTS, reason="../shared/realdata/ninapro_db1_E1 absent")


@needs_db1
@pytest.mark.parametrize("path", SUBJECTS[:3], ids=lambda p: p.stem)
def test_db1_file_reads_like_scipy(path):
    np = pytest.importorskip("numpy")
    sio = pytest.importorskip("scipy.io")
    m = sio.loadmat(path)
    rec = read_ninapro(path)
    assert rec.format == "ninapro" and rec.metadata["database"] == "DB1"
    assert rec.sample_rate == 100.0 and len(rec) == m["emg"].shape[0]
    assert rec.n_channels == 10 and rec.target_names[0] == "glove00" and rec.n_targets == 22
    assert np.array_equal(np.array(rec.read_field("emg")), m["emg"])
    assert np.array_equal(np.array(rec.read_field("targets")), m["glove"])
    assert rec.read_field("repetition") == m["rerepetition"].ravel().tolist()
    assert rec.read_field("stimulus") == m["restimulus"].ravel().tolist()
    assert rec.read_field("time", 0, 3) == [0.0, 0.01, 0.02]
    assert rec.metadata["subject"] == int(m["subject"].item())
    assert not rec.zero_is_rest  # raw glove values: predicting zeros means nothing


def test_databases_are_told_apart_by_content():
    assert identify(10, 22, {"emg", "glove"}).sample_rate == 100.0
    assert identify(12, 22, {"emg", "glove", "acc"}).name == "DB2/DB3"
    assert identify(10, 22, {"emg", "glove", "acc"}).name == "DB2/DB3"  # DB3, 10 electrodes
    assert identify(16, 22, {"emg", "glove"}).sample_rate == 200.0
    assert identify(12, 18, {"emg", "glove"}).name == "DB7"
    assert identify(16, 18, {"emg", "glove"}).name == "DB8"
    assert identify(7, 5, {"emg", "glove"}) is None


def _savemat(path: Path, **variables) -> Path:
    sio = pytest.importorskip("scipy.io")
    sio.savemat(path, variables, do_compression=True)
    return path


def _ninapro_like(tmp_path: Path, n: int = 600, name: str = "S9_A1_E1.mat", **changes) -> Path:
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(0)
    rep = np.zeros(n, dtype=np.uint8)
    stim = np.zeros(n, dtype=np.uint8)
    for r in range(10):  # repetitions 1..10, each followed by rest
        a = 20 + 58 * r
        rep[a : a + 30] = r + 1
        stim[a : a + 30] = 1
    variables = dict(
        emg=np.abs(rng.normal(size=(n, 10))),
        glove=rng.normal(size=(n, 22)) * 10 + 100,
        restimulus=stim[:, None],
        rerepetition=rep[:, None],
        subject=np.array([[9]], dtype=np.uint8),
        exercise=np.array([[1]], dtype=np.uint8),
    )
    variables.update(changes)
    variables = {k: v for k, v in variables.items() if v is not None}
    return _savemat(tmp_path / name, **variables)


def test_a_small_ninapro_like_file_fits_and_evaluates_by_repetition(tmp_path):
    path = _ninapro_like(tmp_path)
    rec = open_recording(path)
    assert rec.format == "ninapro" and rec.sample_rate == 100.0
    out = tmp_path / "m.json"
    argv = ["fit", str(path), "--split", "train", "--val", "val", "--out", str(out), "-q"]
    assert main([*argv, "--lags", "0", "--window-ms", "50", "--hop-ms", "20"]) == 0
    model = json.loads(out.read_text())
    assert model["trained_on"][0]["part"] == [1, 3, 4, 6, 8, 9]
    assert model["layout"]["target_names"][-1] == "glove21"
    assert main(["evaluate", str(out), str(path), "--split", "test", "--json", "-q"]) == 0
    with pytest.raises(PureposeError, match="was used to train this model"):
        from purepose.data.sources import resolve
        from purepose.pose.evaluation import evaluate
        from purepose.pose.model import PoseRegressor

        evaluate(PoseRegressor.load(out), resolve([path], reps=[2, 3]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (dict(glove=None), "no variable 'glove': not a NinaPro file"),
        (dict(emg="skip"), "emg has 600 rows but glove has 599"),
        (dict(glove="nan"), "targets has non-finite value nan at row 17 column 3"),
        (dict(emg="narrow"), "no sample rate"),
    ],
)
def test_bad_ninapro_files(tmp_path, changes, message):
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(1)
    if changes.get("emg") == "skip":
        changes = dict(glove=rng.normal(size=(599, 22)))
    elif changes.get("glove") == "nan":
        glove = rng.normal(size=(600, 22))
        glove[17, 3] = np.nan
        changes = dict(glove=glove)
    elif changes.get("emg") == "narrow":
        changes = dict(emg=rng.normal(size=(600, 7)))
    path = _ninapro_like(tmp_path, **changes)
    with pytest.raises(PureposeError, match=message) as info:
        read_ninapro(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_an_explicit_rate_reads_an_unknown_layout(tmp_path):
    np = pytest.importorskip("numpy")
    path = _ninapro_like(tmp_path, emg=np.ones((600, 7)))
    assert read_ninapro(path, sample_rate=500.0).sample_rate == 500.0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["info", "{f}", "--sample-rate", "0"], "sample rate 0.0 must be a positive number"),
        (
            ["fit", "{f}", "--reps", "11", "--out", "m.json"],
            "no repetition 11 (the file has 1-10)",
        ),
        (["fit", "{level4}", "--out", "m.json"], "MAT level 4"),
        (["info", "{garbage}"], "not a MAT"),
        (["fit", "{f}", "--reps", "1,2", "--split", "train", "--out", "m.json"], "not both"),
    ],
)
def test_cli_errors_on_mat_files(tmp_path, monkeypatch, capsys, argv, message):
    np = pytest.importorskip("numpy")
    sio = pytest.importorskip("scipy.io")
    files = {"f": _ninapro_like(tmp_path)}
    level4 = tmp_path / "old.mat"
    sio.savemat(level4, {"emg": np.ones((3, 2))}, format="4")
    files["level4"] = level4
    garbage = tmp_path / "garbage.mat"
    garbage.write_bytes(b"\x00\x01 this is not a MAT file at all" * 10)
    files["garbage"] = garbage
    monkeypatch.chdir(tmp_path)
    assert main([a.format(**files) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


@needs_db1
def test_the_four_commands_on_a_db1_subject(tmp_path, capsys):
    """README's real-data commands, as written, on subject 1; ridge beats the mean pose."""
    path = str(DB1 / "S1_A1_E1.mat")
    model, pred = str(tmp_path / "m.json"), str(tmp_path / "pred.csv")
    assert main(["info", path]) == 0
    info = capsys.readouterr().out
    assert "DB1" in info and "100 Hz" in info and "test 2,5,7" in info
    assert main(["fit", path, "--split", "train", "--val", "val", "--out", model, "-q"]) == 0
    capsys.readouterr()
    assert main(["evaluate", model, path, "--split", "test", "--json", "-q"]) == 0
    reports = json.loads(capsys.readouterr().out)["target_reports"]
    assert reports["model"]["nmae"] < reports["mean pose"]["nmae"] - 0.05
    assert reports["model"]["pearson_r"] > 0.4 and reports["mean pose"]["pearson_r"] is None
    assert "zero pose" not in reports
    assert main(["predict", model, path, "--out", pred, "-q"]) == 0
    with open(pred, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["time", *(f"glove{j:02d}" for j in range(22))]
    times = [float(r[0]) for r in rows[1:]]
    assert times[0] == pytest.approx(0.09) and all(
        math.isclose(b - a, 0.02, abs_tol=1e-9) for a, b in itertools.pairwise(times)
    )
