"""The model verbs on the command line: fit, predict, evaluate, demo; errors: one line, exit 2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from purepose.cli import main
from purepose.data.dataset import Dataset
from purepose.joints import JOINT_NAMES

FAST = ["--features", "logpow,wl", "--lags", "1"]


@pytest.fixture(scope="module")
def model_file(synth_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "model.json"
    status = main(
        [
            "fit",
            str(synth_dataset),
            "--split",
            "train",
            "--val",
            "val",
            "--out",
            str(out),
            "-q",
            *FAST,
        ]
    )
    assert status == 0
    return out


def test_fit_writes_a_model_and_reports_the_alpha_grid(model_file: Path, capsys) -> None:
    data = json.loads(model_file.read_text())
    assert data["format"] == "purepose.PoseRegressor"
    assert len(data["val_scores"]) >= 7 and data["val_metric"] == "mae_deg"
    assert data["params"]["features"] == ["logpow", "wl"]


def test_fit_on_files_with_alpha_and_no_validation(synth_dataset: Path, tmp_path: Path, capsys):
    files = Dataset(synth_dataset).select(split="train")[:2]
    out = tmp_path / "m.json"
    status = main(["fit", *map(str, files), "--alpha", "3", "--out", str(out), "-q", *FAST])
    assert status == 0
    assert "alpha=3" in capsys.readouterr().out
    assert json.loads(out.read_text())["alpha"] == 3.0


def test_predict_writes_csv_with_time_and_named_angles(model_file, synth_dataset, tmp_path):
    session = Dataset(synth_dataset).select(split="test")[0]
    out = tmp_path / "pred.csv"
    assert main(["predict", str(model_file), str(session), "--out", str(out)]) == 0
    with out.open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["time", *JOINT_NAMES]
    assert len(rows) > 10 and all(len(r) == 21 for r in rows)
    times = [float(r[0]) for r in rows[1:]]
    assert times == sorted(times)


def test_evaluate_table_and_json(model_file: Path, synth_dataset: Path, capsys) -> None:
    assert main(["evaluate", str(model_file), str(synth_dataset), "--split", "test"]) == 0
    text = capsys.readouterr().out
    for word in ("model", "mean pose", "zero pose", "thumb", "pinky", "overall"):
        assert word in text
    assert (
        main(["evaluate", str(model_file), str(synth_dataset), "--split", "test", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert set(data["reports"]) == {"model", "mean pose", "zero pose"}
    assert data["reports"]["model"]["mae_deg"] < data["reports"]["zero pose"]["mae_deg"]


def test_demo_runs_and_prints_the_finger_table(tmp_path: Path, capsys) -> None:
    args = ["demo", "--dir", str(tmp_path / "d"), "--sessions", "3", "--seconds", "2", "-q"]
    assert main([*args, "--plots", str(tmp_path / "figs"), *FAST]) == 0
    out = capsys.readouterr().out
    assert "mean pose" in out and "thumb" in out and "alpha=" in out
    assert (tmp_path / "d" / "model.json").is_file()
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == [
        "emg.svg",
        "errors.svg",
        "hand.html",
        "hand.svg",
        "pose.svg",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["predict", "nope.json", "x.hdf5", "--out", "p.csv"], "model file not found"),
        (["fit", "no-such-dir", "--out", "m.json"], "no-such-dir"),
        (["demo", "--sessions", "2"], "--sessions=2 must be >= 3"),
        (["fit", "a.hdf5", "--split", "train", "--out", "m.json"], "a.hdf5: no such file"),
        (["fit", "x", "--reps", "1,x", "--out", "m.json"], "--reps '1,x': expected"),
        (["fit", "x", "--window-ms", "0", "--out", "m.json"], "window_ms=0.0 must be"),
        (["fit", "x", "--lags", "10000", "--out", "m.json"], "n_lags=10000 must be"),
        (["demo", "--jobs", "0"], "--jobs=0"),
    ],
)
def test_errors_are_one_line_with_exit_status_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_bad_model_file_via_subprocess(tmp_path: Path, synth_session: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "purepose.PoseRegressor", "version": 7}')
    proc = subprocess.run(
        [sys.executable, "-m", "purepose", "predict", str(bad), str(synth_session), "-o", "x.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "version 7" in proc.stderr
    assert not (tmp_path / "x.csv").exists()


def test_existing_output_untouched_when_predict_fails(tmp_path: Path, model_file: Path) -> None:
    out = tmp_path / "pred.csv"
    out.write_text("precious\n")
    assert main(["predict", str(model_file), str(tmp_path / "missing.hdf5"), "-o", str(out)]) == 2
    assert out.read_text() == "precious\n"


def test_plot_pose_and_errors(model_file: Path, synth_dataset: Path, tmp_path: Path, capsys):
    import xml.etree.ElementTree as ET

    session = Dataset(synth_dataset).select(split="test")[0]
    pose = tmp_path / "pose.svg"
    argv = ["plot", "pose", str(model_file), str(session), "--joints", "index_pip_fe", "0"]
    assert main([*argv, "--start", "0.5", "--duration", "1.5", "--out", str(pose)]) == 0
    root = ET.parse(pose).getroot()
    assert root.tag.endswith("svg")
    assert "INDEX_PIP_FE" in pose.read_text() and "THUMB_CMC_FE" in pose.read_text()
    errors = tmp_path / "errors.svg"
    argv = ["plot", "errors", str(model_file), str(synth_dataset), "--split", "test"]
    assert main([*argv, "--out", str(errors), "-q"]) == 0
    text = errors.read_text()
    assert ET.fromstring(text).tag.endswith("svg")
    assert "mean pose" in text and "pinky" in text


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--joints", "WRIST"], "unknown target 'WRIST'"),
        (["--start", "99"], "--start 99 is outside"),
        (["--duration", "0"], "--duration 0 must be > 0"),
    ],
)
def test_plot_pose_bad_arguments(model_file, synth_dataset, tmp_path, capsys, extra, message):
    session = Dataset(synth_dataset).select(split="test")[0]
    out = tmp_path / "p.svg"
    assert main(["plot", "pose", str(model_file), str(session), *extra, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_parallel_fit_from_python_dash_m(synth_dataset: Path, model_file: Path, tmp_path: Path):
    # Workers start by "spawn", which re-imports purepose.__main__: it must not re-run the CLI.
    out = tmp_path / "m.json"
    argv = ["fit", str(synth_dataset), "--split", "train", "--val", "val", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "purepose", *argv, "-q", "--jobs", "2", *FAST],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == model_file.read_text()
