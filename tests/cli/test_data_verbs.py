"""The `purepose info` and `purepose synth` verbs, in-process and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import pytest

from purepose.cli import main
from purepose.data.emg2pose import Dataset
from tests.conftest import BAD_KINDS


def test_info_file(fixture_path, capsys):
    assert main(["info", str(fixture_path)]) == 0
    out, err = capsys.readouterr()
    assert "session:      2022-12-06-1670313600-e3096-cv-emg-pose-train@2-recording-9" in out
    assert "samples:      100" in out
    assert "ch16" in out
    assert err == ""


def test_info_dataset(synth_dataset, capsys):
    assert main(["info", str(synth_dataset)]) == 0
    out, _ = capsys.readouterr()
    assert "splits:         train 4, val 1, test 1" in out


def test_synth_writes_dataset(tmp_path, capsys):
    out_dir = tmp_path / "new" / "data"
    args = ["synth", str(out_dir), "--sessions", "3", "--seconds", "0.2", "--seed", "4"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "wrote 3 session(s)" in out
    assert "synth: 3/3" in err  # progress on stderr
    assert Dataset(out_dir).splits() == {"train": 1, "val": 1, "test": 1}
    files = sorted(p.name for p in out_dir.iterdir())
    assert main([*args, "--quiet"]) == 0  # same seed: same files, rewritten
    out, err = capsys.readouterr()
    assert err == ""
    assert sorted(p.name for p in out_dir.iterdir()) == files


def test_synth_bad_arguments(tmp_path, capsys):
    assert main(["synth", str(tmp_path), "--sessions", "4", "--users", "2"]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("purepose synth: error: make_dataset: n_users=2")
    assert err.count("\n") == 1
    assert main(["synth", str(tmp_path), "--seconds", "0"]) == 2
    _, err = capsys.readouterr()
    assert "seconds=0.0" in err and "Traceback" not in err


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_info_bad_file(bad_session, kind, capsys):
    path = bad_session(kind)
    assert main(["info", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("purepose info: error: ")
    assert str(path) in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_subprocess_info(fixture_path, bad_session):
    ok = subprocess.run(
        [sys.executable, "-m", "purepose", "info", str(fixture_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert "user:         d387095792" in ok.stdout
    bad = bad_session("nan_emg")
    failed = subprocess.run(
        [sys.executable, "-m", "purepose", "info", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert failed.stderr.strip().splitlines() == [
        f"purepose info: error: Session: {bad}: emg has non-finite value nan at row 17 column 3"
    ]
