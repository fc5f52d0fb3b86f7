"""Smoke tests of benchmarks/generalization.py and benchmarks/spectral.py (no timing asserted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `pytest` (unlike `python -m pytest`) may not put it there
    sys.path.insert(0, str(ROOT))


def test_generalization_benchmark_quick_prints_the_table(tmp_path, capsys):
    """benchmarks.generalization --quick: a held-out user, the table rows, the JSON."""
    from benchmarks import generalization

    assert generalization.main(["--quick", "--variants", "0,1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = "| model | val (known users) | new sessions, known users | held-out user |"
    assert header in out
    rows = [line for line in out if line.startswith("| ") and line != header]
    assert [r.split(" | ")[0] for r in rows] == [
        "| mean pose",
        "| ridge, global",
        "| ridge, session",
    ]
    data = json.loads((tmp_path / "generalization.json").read_text())
    seed = data["synthetic"]["0"]
    assert set(seed) == {"ridge, global", "ridge, session"}
    for r in seed.values():
        assert r["none"]["n_frames"] > 0 and r["user"]["n_frames"] > 0
        assert r["none"]["model"] < r["none"]["mean pose"]  # ridge learns something
        assert r["val"]["model"] > 0


def test_spectral_benchmark_runs(capsys):
    from benchmarks import spectral

    assert spectral.main(["--seconds", "0.3", "--channels", "2", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "| logband |" in out and "| complexity |" in out


def test_ninapro_table_averages_subjects():
    from benchmarks import generalization

    results = {
        "S1": {"global": {"model": 0.6, "mean pose": 0.8, "r": 0.5},
               "session": {"model": 0.6, "mean pose": 0.8, "r": 0.5}},
        "S2": {"global": {"model": 0.4, "mean pose": 0.6, "r": 0.7},
               "session": {"model": 0.5, "mean pose": 0.6, "r": 0.6}},
    }  # fmt: skip
    text = generalization.ninapro_table(results)
    assert "| ridge, global | 0.500 | 0.600 |" in text
    assert "| ridge, session | 0.550 | 0.550 |" in text
    assert "| mean pose | 0.700 | – |" in text
    assert "difference between global and session: 1.0e-01" in text
